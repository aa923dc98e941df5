/* carbonset: the assumptions a lab is priced with, and the pricing.
 *
 * The time zone of naive times; PUE and carbon intensity from the shipped
 * tables, the configuration's defaults and the command line (--zone,
 * --intensity, --pue); every run with energy priced in CO2e with them, and
 * what was used recorded in the lab's assumptions for the report.
 */
#include "cli/pipeline_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/whatif.h"

void tp_carbonset_timezone(tp_pipeline_state *st) {
  tp_lab *lab = st->lab;
  const tp_pipeline_opts *opts = st->opts;
  const char *tz_name = opts->timezone ? opts->timezone : st->cfg->defaults.timezone;
  const char *err = NULL;
  st->tz = tp_tz_open(tz_name, &err);
  if (!st->tz) {
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "time zone '%s' is not known (%s); naive timestamps read as UTC",
                tz_name ? tz_name : "", err ? err : "");
    st->tz = tp_tz_open("UTC", &err);
  }
  tp_assumptions *a = &lab->assumptions;
  free(a->timezone);
  free(a->timezone_source);
  a->timezone = tp_xstrdup(tp_tz_name(st->tz));
  switch (tp_tz_origin_of(st->tz)) {
    case TP_TZ_GIVEN:
      a->timezone_source = tp_xstrdup(opts->timezone ? "--timezone"
                                                     : "configuration (defaults.timezone)");
      break;
    case TP_TZ_ENV: a->timezone_source = tp_xstrdup("TZ environment variable"); break;
    default: a->timezone_source = tp_xstrdup("default (no --timezone, TZ unset)"); break;
  }
}

/* A file named in the report's assumptions: as given when relative, by its
 * name alone when absolute (pages must not show home folders). */
static const char *S_shown_path(const char *path) {
  const char *base = path && path[0] == '/' ? strrchr(path, '/') : NULL;
  return base && base[1] ? base + 1 : path;
}

/* PUE and intensity: the tables' defaults, then --zone, --intensity, --pue. */
void tp_carbonset_setup(tp_pipeline_state *st) {
  tp_lab *lab = st->lab;
  const tp_pipeline_opts *o = st->opts;
  char *dir = tp_xasprintf("%s/data", o->datadir ? o->datadir : ".");
  tp_reftable_load(&st->tables, dir, &lab->diags);
  free(dir);
  if (tp_carbon_defaults(&st->carbon, &st->tables) != 0) {
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "the shipped intensity table has no world average; CO2e not computed "
                "unless --intensity or --zone is given");
    st->carbon.pue = TP_PUE_DEFAULT;
    st->carbon.pue_source = TP_PUE_DEFAULT_SOURCE;
    st->carbon.intensity_g_per_kwh = NAN;
  }
  const tp_config_defaults *cd = &st->cfg->defaults;
  const char *zone = o->zone ? o->zone : cd->zone;
  if (zone && tp_carbon_use_zone(&st->carbon, &st->tables, zone) != 0)
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "zone '%s' is not in the shipped tables (grid zones, ISO country codes, cloud "
                "regions); the default intensity is used",
                zone);
  if (!o->intensity && isfinite(cd->intensity_value)) {
    st->intensity_text = tp_xasprintf("%s: defaults.intensity %g gCO2e/kWh",
                                      S_shown_path(st->cfg->path),
                                      cd->intensity_value);
    tp_carbon_use_intensity(&st->carbon, cd->intensity_value, st->intensity_text);
  } else if (!o->intensity && cd->intensity_file) {
    if (tp_reftable_load_series(&st->series, cd->intensity_file, st->tz, &lab->diags) == 0 &&
        st->series.count) {
      st->intensity_text = tp_xasprintf("time series %s", S_shown_path(cd->intensity_file));
      tp_carbon_use_series(&st->carbon, &st->series, st->intensity_text);
    }
  }
  if (o->intensity) {
    double v;
    if (tp_parse_double(o->intensity, strlen(o->intensity), &v) == 0) {
      if (isfinite(v) && v >= 0) {
        st->intensity_text = tp_xasprintf("--intensity %s gCO2e/kWh", o->intensity);
        tp_carbon_use_intensity(&st->carbon, v, st->intensity_text);
      } else {
        tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                    "--intensity %s is not a usable intensity; ignored", o->intensity);
      }
    } else if (tp_reftable_load_series(&st->series, o->intensity, st->tz, &lab->diags) == 0 &&
               st->series.count) {
      st->intensity_text = tp_xasprintf("time series %s", S_shown_path(o->intensity));
      tp_carbon_use_series(&st->carbon, &st->series, st->intensity_text);
    } else {
      tp_diag_add(&lab->diags, TP_ERROR, o->intensity, -1, -1,
                  "not a number nor a readable intensity series (time,gco2e_per_kwh); the "
                  "default intensity is used");
    }
  }
  if (isfinite(o->pue)) tp_carbon_use_pue(&st->carbon, o->pue, "--pue");
  else if (isfinite(cd->pue)) tp_carbon_use_pue(&st->carbon, cd->pue, "configuration (defaults.pue)");
}

/* One water figure: the configuration's value (named by key), else the
 * table row's, else none (NAN, no source). */
static void S_water_figure(double configured, const char *key, const tp_water_intensity *row,
                           double *l_per_kwh, char **source) {
  free(*source);
  *source = NULL;
  *l_per_kwh = NAN;
  if (isfinite(configured)) {
    *l_per_kwh = configured;
    *source = tp_xasprintf("configuration (defaults.%s)", key);
  } else if (row) {
    *l_per_kwh = row->l_per_kwh;
    *source = tp_xstrdup(row->source);
  }
}

/* Water per kWh: on-site WUE and the grid's water intensity, each from the
 * configuration, else the shipped table (the zone's row, else its default). */
static void S_record_water(tp_pipeline_state *st) {
  tp_assumptions *a = &st->lab->assumptions;
  const tp_config_defaults *cd = &st->cfg->defaults;
  const tp_water_intensity *zone = tp_reftable_find_water(&st->tables, a->zone);
  if (!zone) zone = tp_reftable_find_water(&st->tables, "DEFAULT");
  S_water_figure(cd->wue_l_per_kwh, "wue", tp_reftable_find_water(&st->tables, "WUE"),
                 &a->wue_l_per_kwh, &a->wue_source);
  S_water_figure(cd->water_l_per_kwh, "water_intensity", zone, &a->water_offsite_l_per_kwh,
                 &a->water_offsite_source);
}

static void S_record_assumptions(tp_pipeline_state *st) {
  tp_assumptions *a = &st->lab->assumptions;
  const tp_carbon *c = &st->carbon;
  a->pue = c->pue;
  free(a->pue_source);
  a->pue_source = c->pue_source ? tp_xstrdup(c->pue_source) : NULL;
  a->intensity_series = c->series != NULL;
  if (c->series) {
    double sum = 0;
    for (size_t i = 0; i < c->series->count; i++) sum += c->series->rows[i].intensity_g_per_kwh;
    a->intensity_g_per_kwh = c->series->count ? sum / (double)c->series->count : NAN;
  } else {
    a->intensity_g_per_kwh = c->intensity_g_per_kwh;
  }
  free(a->intensity_source);
  a->intensity_source = c->intensity_source ? tp_xstrdup(c->intensity_source) : NULL;
  a->intensity_year = c->intensity_year;
  free(a->zone);
  a->zone = c->zone ? tp_xstrdup(c->zone) : NULL;
  S_record_water(st);
}

/* Keep with run the rows of series that price it and its what-ifs: the one
 * in force at its start (or the first) through the first after its end plus
 * the what-if horizon (or the last), so that the series as seen from them
 * covers that time as the whole series does (`render` prices runs split again
 * from them, model/resplit.h, and its by-time what-ifs from their union). */
static void S_keep_rows(tp_run *run, const tp_intensity_series *s) {
  if (!s->count || !isfinite(run->start_s) || !isfinite(run->end_s)) return;
  double until = run->end_s + TP_WHATIF_HORIZON_S;
  size_t a = 0, b = s->count;
  while (a < b) { /* the first row after the start */
    size_t m = a + (b - a) / 2;
    if (s->rows[m].t_s <= run->start_s) a = m + 1;
    else b = m;
  }
  size_t lo = a ? a - 1 : 0, hi = s->count;
  for (size_t k = lo; k < s->count; k++)
    if (s->rows[k].t_s > until) {
      hi = k + 1;
      break;
    }
  run->n_intensity_rows = hi - lo;
  run->intensity_rows = tp_xmalloc(run->n_intensity_rows * sizeof *run->intensity_rows);
  memcpy(run->intensity_rows, s->rows + lo, run->n_intensity_rows * sizeof *s->rows);
  run->intensity_interval_s = tp_intensity_series_interval(s);
}

void tp_carbonset_price(tp_pipeline_state *st) {
  tp_lab *lab = st->lab;
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (r->energy.method == TP_ENERGY_NONE) continue;
    size_t np;
    tp_energy_piece *pc = tp_attrib_pieces(st->attrib, i, &np);
    tp_carbon_apply(&st->carbon, &r->energy, r->start_s, r->end_s, pc, np, &r->diags);
    tp_lab_metric_energy(lab, r, pc, np);
    if (st->opts->keep_samples && st->carbon.series) S_keep_rows(r, st->carbon.series);
  }
  S_record_assumptions(st);
}
