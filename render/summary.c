/* summary: summary.json and runs.csv writers. */
#include "render/summary.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/csvout.h"
#include "render/json.h"
#include "render/paths.h"
#include "model/uncertainty.h"
#include "model/units.h"
#include "model/utctime.h"
#include "render/units.h"

const char *tp_summary_iso_time(char buf[40], double t_s) {
  /* the last whole second of 9999 at most, so rounding up stays in 9999 */
  if (!tp_utc_dated(t_s) || t_s > 253402300799.0) {
    buf[0] = '\0';
    return buf;
  }
  double whole = floor(t_s);
  long long us = llround((t_s - whole) * 1e6);
  time_t sec = (time_t)whole;
  if (us >= 1000000) {
    us -= 1000000;
    sec += 1;
  }
  struct tm tm;
  gmtime_r(&sec, &tm);
  /* Years 1..9999 and us < 10^6 keep every field at its width. */
  snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (tm.tm_year + 1900) % 10000,
           (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
           tm.tm_sec % 100, (int)(us % 1000000));
  return buf;
}

const char *tp_summary_method_name(tp_energy_method m) {
  switch (m) {
    case TP_ENERGY_INTEGRATED: return "integrated";
    case TP_ENERGY_MEASURED: return "measured";
    case TP_ENERGY_ESTIMATED: return "estimated";
    case TP_ENERGY_DECLARED: return "declared";
    default: return "none";
  }
}

static void S_hparam_value(tp_json *j, const tp_hparam *h) {
  switch (h->kind) {
    case TP_HP_NUMBER: tp_json_number(j, h->key, h->number, -1); break;
    case TP_HP_BOOL: tp_json_bool(j, h->key, h->number != 0); break;
    case TP_HP_NULL: tp_json_null(j, h->key); break;
    default: tp_json_string(j, h->key, h->text); break;
  }
}

static void S_kwh(tp_json *j, const char *key, double joules) {
  tp_json_number(j, key, tp_units_kwh(joules), 6);
}

/* The run's metrics: count, last, min and max of each series as logged. */
static void S_run_metrics(tp_json *j, const tp_run *r) {
  tp_json_begin_object(j, "metrics");
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    tp_series_stats st;
    tp_series_get_stats(s, &st);
    tp_json_begin_object(j, s->tag);
    tp_json_int(j, "count", (int64_t)st.count);
    tp_json_number(j, "last", st.last_raw, -1);
    tp_json_number(j, "min", st.min, -1);
    tp_json_number(j, "max", st.max, -1);
    tp_json_end_object(j);
  }
  tp_json_end_object(j);
}

/* [low, high] of a range, scaled (1 / J_PER_KWH for kWh), or null. */
static void S_pair(tp_json *j, const char *key, double low, double high, double scale,
                   int decimals) {
  if (!(isfinite(low) && isfinite(high))) {
    tp_json_null(j, key);
    return;
  }
  tp_json_begin_array_flat(j, key);
  tp_json_number(j, NULL, low * scale, decimals);
  tp_json_number(j, NULL, high * scale, decimals);
  tp_json_end_array(j);
}

/* The ranges, each source's factors, embodied emissions, water and idle
 * share of a figure (a run's or a sum's): model/uncertainty.h. */
static void S_footprint(tp_json *j, tp_range it_j, tp_range co2e_kg, const tp_factors *f,
                        double embodied_kg, double onsite_l, double offsite_l, double idle_j,
                        double gpu_j) {
  bool known = isfinite(it_j.value);
  S_pair(j, "it_kwh_range", it_j.low, it_j.high, 1 / TP_J_PER_KWH, 6);
  S_pair(j, "co2e_kg_range", co2e_kg.low, co2e_kg.high, 1, 6);
  if (known) {
    tp_json_begin_object(j, "uncertainty");
    for (int k = 0; k < TP_US_COUNT; k++)
      S_pair(j, tp_uncertainty_source_names[k], f->low[k], f->high[k], 1, 4);
    tp_json_end_object(j);
  } else {
    tp_json_null(j, "uncertainty");
  }
  tp_json_number(j, "embodied_kg", embodied_kg, 6);
  double water = isfinite(onsite_l) && isfinite(offsite_l) ? onsite_l + offsite_l : NAN;
  tp_json_number(j, "water_l", water, 3);
  tp_json_number(j, "water_onsite_l", onsite_l, 3);
  tp_json_number(j, "water_offsite_l", offsite_l, 3);
  tp_json_number(j, "idle_share", gpu_j > 0 ? idle_j / gpu_j : NAN, 4);
}

static void S_footprint_run(tp_json *j, const tp_uncertainty_run *u) {
  S_footprint(j, u->it_j, u->co2e_kg, &u->factors, u->fp.embodied_kg, u->water_onsite_l,
              u->water_offsite_l, u->fp.idle_j, u->fp.gpu_j);
}

static void S_footprint_sum(tp_json *j, const tp_uncertainty_sum *s) {
  S_footprint(j, s->it_j, s->co2e_kg, &s->factors, s->embodied_kg, s->water_onsite_l,
              s->water_offsite_l, s->idle_j, s->gpu_j);
}

/* The run's energy and its devices. */
static void S_run_energy(tp_json *j, const tp_run *r, const tp_uncertainty_run *u) {
  const tp_run_energy *e = &r->energy;
  tp_json_begin_object(j, "energy");
  tp_json_string(j, "method", tp_summary_method_name(e->method));
  bool known = e->method != TP_ENERGY_NONE;
  tp_json_number(j, "coverage", known ? e->coverage : NAN, 4);
  S_kwh(j, "it_kwh", known ? e->it_j : NAN);
  S_kwh(j, "facility_kwh", known ? e->facility_j : NAN);
  tp_json_number(j, "co2e_kg", known ? e->co2e_kg : NAN, 6);
  tp_json_number(j, "intensity_g_per_kwh", known ? e->intensity_g_per_kwh : NAN, 3);
  tp_json_bool(j, "shared", e->shared);
  S_footprint_run(j, u);
  tp_json_begin_array(j, "devices");
  for (size_t d = 0; d < e->n_devices; d++) {
    const tp_device_energy *dv = &e->devices[d];
    tp_json_begin_object(j, NULL);
    tp_json_string(j, "id", dv->id);
    tp_json_string(j, "name", dv->name);
    char host[256];
    tp_json_string(j, "host", tp_run_device_host(r, dv, host, sizeof host));
    S_kwh(j, "it_kwh", dv->energy_j);
    tp_json_number(j, "covered_s", dv->covered_s, 3);
    tp_json_number(j, "peak_w", dv->peak_w, 3);
    tp_json_number(j, "idle_w", dv->idle_w, 3);
    tp_json_end_object(j);
  }
  tp_json_end_array(j);
  tp_json_end_object(j);
}

/* The run's input files and diagnostics; with redact, paths as the pages
 * name them (render/paths.h). */
static void S_run_inputs(tp_json *j, const tp_run *r, const tp_paths *paths, bool redact) {
  tp_json_begin_array(j, "inputs");
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    tp_json_begin_object(j, NULL);
    tp_json_string(j, "path", redact ? NULL : in->path);
    tp_json_string(j, "name", tp_paths_name(paths, in->path));
    tp_json_string(j, "format", in->format);
    tp_json_int(j, "bytes", (int64_t)in->size);
    tp_json_string(j, "sha256", in->sha256[0] ? in->sha256 : NULL);
    S_kwh(j, "it_kwh", in->energy_j); /* what it gave the run; null when nothing */
    tp_json_end_object(j);
  }
  tp_json_end_array(j);
  tp_json_begin_array(j, "diagnostics");
  for (size_t i = 0; i < r->diags.count; i++) {
    char *s = redact ? tp_paths_diag_format(paths, &r->diags.items[i])
                     : tp_diag_format(&r->diags.items[i]);
    tp_json_string(j, NULL, s);
    free(s);
  }
  tp_json_end_array(j);
}

/* Whether and when the run reached its experiment's target. */
static void S_run_target(tp_json *j, const tp_run *r, const tp_lab *lab) {
  const tp_experiment *ex = tp_lab_experiment_of(lab, r);
  if (r->target.set && ex) {
    tp_json_begin_object(j, "target");
    tp_json_string(j, "tag", ex->metric_tag);
    tp_json_number(j, "value", r->target.value, -1);
    tp_json_bool(j, "reached", r->target.reached);
    if (r->target.reached) {
      tp_json_int(j, "step", r->target.step);
      tp_json_number(j, "time_s", r->target.time_s, 3);
      S_kwh(j, "it_kwh", r->target.it_j);
    } else {
      tp_json_null(j, "step");
      tp_json_null(j, "time_s");
      tp_json_null(j, "it_kwh");
    }
    tp_json_end_object(j);
  }
}

static void S_run(tp_json *j, const tp_run *r, const tp_lab *lab, const tp_paths *paths,
                  bool redact, const tp_uncertainty_run *u) {
  char t[40];
  const char *config = r->config;
  tp_json_begin_object(j, NULL);
  tp_json_string(j, "id", r->id);
  tp_json_string(j, "experiment", r->experiment);
  tp_json_string(j, "start", isfinite(r->start_s) ? tp_summary_iso_time(t, r->start_s) : NULL);
  tp_json_string(j, "end", isfinite(r->end_s) ? tp_summary_iso_time(t, r->end_s) : NULL);
  double dur = isfinite(r->start_s) && isfinite(r->end_s) ? r->end_s - r->start_s
                                                           : r->declared_duration_s;
  tp_json_number(j, "duration_s", dur, 3);
  tp_json_string(j, "window_source", r->window_source);
  tp_summary_run_job(j, r);
  tp_json_int(j, "restarts", r->restarts);
  tp_json_begin_object(j, "hparams");
  for (size_t i = 0; i < r->n_hparams; i++) S_hparam_value(j, &r->hparams[i]);
  tp_json_end_object(j);
  tp_json_string(j, "config", config);
  S_run_metrics(j, r);
  S_run_energy(j, r, u);
  S_run_inputs(j, r, paths, redact);
  S_run_target(j, r, lab);
  tp_json_end_object(j);
}

/* GPU-hours of a total: unknown (NAN, written null) when none were counted
 * and no run of it has a known energy, rather than 0. */
static double S_gpu_hours(double h, size_t runs_with_energy) {
  return runs_with_energy || h > 0 ? h : NAN;
}

static void S_stat_kwh(tp_json *j, const char *mean_key, const char *sd_key, tp_stat s) {
  S_kwh(j, mean_key, s.mean);
  S_kwh(j, sd_key, s.sd);
}

void tp_summary_json(const tp_lab *lab, tp_buf *out) { tp_summary_json_redacted(lab, false, out); }

void tp_summary_json_redacted(const tp_lab *lab, bool redact, tp_buf *out) {
  tp_summary_json_with(lab, NULL, NULL, redact, out);
}

/* Add source text s of table `table` to the list, once. */
static void S_source_once(const char ***list, size_t *n, size_t *cap, const char *s) {
  if (!s) return;
  for (size_t i = 0; i < *n; i++)
    if ((*list)[i] == s) return;
  TP_GROW(*list, *cap, *n + 1);
  (*list)[(*n)++] = s;
}

/* The ranges' bases and the footprint tables' rows the runs used. */
static void S_footprint_assumptions(tp_json *j, const tp_uncertainty *u) {
  tp_json_string(j, "pue_range_basis", u->pue_basis);
  tp_json_string(j, "intensity_range_basis", u->intensity_basis);
  const char **sensor = NULL, **emb = NULL;
  size_t ns = 0, cs = 0, ne = 0, ce = 0;
  for (size_t i = 0; i < u->n_runs; i++) {
    const tp_footprint_run *f = &u->runs[i].fp;
    S_source_once(&sensor, &ns, &cs, f->sensor_row ? f->sensor_row->source : NULL);
    S_source_once(&emb, &ne, &ce, f->gpu_row ? f->gpu_row->source : NULL);
    S_source_once(&emb, &ne, &ce, f->server_row ? f->server_row->source : NULL);
  }
  tp_json_begin_object(j, "tables");
  const struct {
    const char *key, *file;
    const char **list;
    size_t n;
  } tabs[] = {{"sensor", "power_sensor_uncertainty.csv", sensor, ns},
              {"embodied", "embodied.csv", emb, ne}};
  for (size_t k = 0; k < sizeof tabs / sizeof *tabs; k++) {
    tp_json_begin_object(j, tabs[k].key);
    tp_json_string(j, "table", tabs[k].file);
    tp_json_begin_array(j, "sources");
    for (size_t i = 0; i < tabs[k].n; i++) tp_json_string(j, NULL, tabs[k].list[i]);
    tp_json_end_array(j);
    tp_json_end_object(j);
  }
  tp_json_end_object(j);
  free(sensor);
  free(emb);
}

/* The assumptions behind every figure. */
static void S_assumptions(tp_json *j, const tp_assumptions *a, const tp_uncertainty *u) {
  tp_json_begin_object(j, "assumptions");
  tp_json_number(j, "pue", a->pue, -1);
  tp_json_string(j, "pue_source", a->pue_source);
  tp_json_number(j, "intensity_g_per_kwh", a->intensity_g_per_kwh, -1);
  tp_json_string(j, "intensity_source", a->intensity_source);
  tp_json_string(j, "zone", a->zone);
  if (a->intensity_year) tp_json_int(j, "intensity_year", a->intensity_year);
  else tp_json_null(j, "intensity_year");
  tp_json_bool(j, "intensity_series", a->intensity_series);
  tp_json_string(j, "timezone", a->timezone);
  tp_json_string(j, "timezone_source", a->timezone_source);
  tp_json_number(j, "wue_l_per_kwh", a->wue_source ? a->wue_l_per_kwh : NAN, -1);
  tp_json_string(j, "wue_source", a->wue_source);
  tp_json_number(j, "water_offsite_l_per_kwh",
                 a->water_offsite_source ? a->water_offsite_l_per_kwh : NAN, -1);
  tp_json_string(j, "water_offsite_source", a->water_offsite_source);
  S_footprint_assumptions(j, u);
  tp_json_end_object(j);
}

/* One configuration of experiment e: its hyperparameters, runs and means. */
static void S_config(tp_json *j, const tp_lab *lab, const tp_experiment *e,
                     const tp_config_group *g) {
  const tp_run *first = lab->runs[g->runs[0]];
  tp_json_begin_object(j, NULL);
  tp_json_string(j, "config", g->config);
  tp_json_begin_object(j, "hparams");
  for (size_t h = 0; h < first->n_hparams; h++)
    if (tp_lab_is_config_key(lab, first->hparams[h].key)) S_hparam_value(j, &first->hparams[h]);
  tp_json_end_object(j);
  tp_json_begin_array(j, "runs");
  for (size_t i = 0; i < g->n_runs; i++) tp_json_string(j, NULL, lab->runs[g->runs[i]]->id);
  tp_json_end_array(j);
  S_stat_kwh(j, "it_kwh_mean", "it_kwh_std", g->it_j);
  S_stat_kwh(j, "facility_kwh_mean", "facility_kwh_std", g->facility_j);
  tp_json_number(j, "co2e_kg_mean", g->co2e_kg.mean, 6);
  tp_json_number(j, "co2e_kg_std", g->co2e_kg.sd, 6);
  tp_json_number(j, "duration_s_mean", g->duration_s.mean, 3);
  tp_json_number(j, "duration_s_std", g->duration_s.sd, 3);
  if (e->metric_tag) {
    tp_json_number(j, "metric_best_mean", g->metric_best.mean, -1);
    tp_json_number(j, "metric_last_mean", g->metric_last.mean, -1);
  }
  if (isfinite(e->target)) {
    tp_json_int(j, "target_reached_runs", (int64_t)g->n_reached);
    S_stat_kwh(j, "target_it_kwh_mean", "target_it_kwh_std", g->target_it_j);
    tp_json_number(j, "target_time_s_mean", g->target_time_s.mean, 3);
    tp_json_number(j, "target_time_s_std", g->target_time_s.sd, 3);
  }
  tp_json_end_object(j);
}

/* One experiment: its runs, metric, configurations, ranking and sums. */
static void S_experiment(tp_json *j, const tp_lab *lab, const tp_experiment *e,
                         const tp_uncertainty_sum *u) {
  tp_json_begin_object(j, NULL);
  tp_json_string(j, "name", e->name);
  tp_json_begin_array(j, "runs");
  for (size_t i = 0; i < e->n_runs; i++) tp_json_string(j, NULL, lab->runs[e->runs[i]]->id);
  tp_json_end_array(j);
  if (e->metric_tag) {
    tp_json_begin_object(j, "metric");
    tp_json_string(j, "tag", e->metric_tag);
    tp_json_string(j, "goal", e->metric_higher_better ? "max" : "min");
    tp_json_number(j, "target", e->target, -1);
    tp_json_string(j, "reason", e->metric_reason);
    tp_json_end_object(j);
  } else {
    tp_json_null(j, "metric");
  }
  tp_json_begin_array(j, "configs");
  for (size_t c = 0; c < e->n_configs; c++) S_config(j, lab, e, &e->configs[c]);
  tp_json_end_array(j);
  if (e->config_rank) {
    /* Configurations by mean IT energy to reach the target, those that never did last. */
    tp_json_begin_array(j, "target_ranking");
    for (size_t c = 0; c < e->n_configs; c++)
      tp_json_string(j, NULL, e->configs[e->config_rank[c]].config);
    tp_json_end_array(j);
  }
  tp_json_int(j, "runs_with_energy", (int64_t)e->n_runs_with_energy);
  S_kwh(j, "it_kwh", e->it_j);
  S_kwh(j, "facility_kwh", e->facility_j);
  tp_json_number(j, "co2e_kg", e->co2e_kg, 6);
  tp_json_number(j, "gpu_hours", S_gpu_hours(e->gpu_hours, e->n_runs_with_energy), 4);
  S_footprint_sum(j, u);
  tp_json_end_object(j);
}

/* The fields of a sum over runs: runs, runs with energy, IT and facility
 * energy, CO2e and GPU-hours. */
static void S_sums(tp_json *j, size_t runs, size_t with_energy, double it_j, double facility_j,
                   double co2e_kg, double gpu_hours) {
  tp_json_int(j, "runs", (int64_t)runs);
  tp_json_int(j, "runs_with_energy", (int64_t)with_energy);
  S_kwh(j, "it_kwh", it_j);
  S_kwh(j, "facility_kwh", facility_j);
  tp_json_number(j, "co2e_kg", co2e_kg, 6);
  tp_json_number(j, "gpu_hours", S_gpu_hours(gpu_hours, with_energy), 4);
}

/* The lab archive's roll-ups. */
static void S_rollups(tp_json *j, const tp_lab *lab) {
  const struct {
    const char *name;
    const tp_rollups *r;
  } rolls[] = {{"by_month", &lab->by_month},
               {"by_gpu_model", &lab->by_gpu_model},
               {"by_host", &lab->by_host},
               {"by_tag", &lab->by_tag}};
  tp_json_begin_object(j, "rollups");
  for (size_t k = 0; k < sizeof rolls / sizeof *rolls; k++) {
    tp_json_begin_array(j, rolls[k].name);
    for (size_t i = 0; i < rolls[k].r->count; i++) {
      const tp_rollup *x = &rolls[k].r->items[i];
      tp_json_begin_object(j, NULL);
      tp_json_string(j, "key", x->key);
      S_sums(j, x->n_runs, x->n_runs_with_energy, x->it_j, x->facility_j, x->co2e_kg,
             x->gpu_hours);
      tp_json_end_object(j);
    }
    tp_json_end_array(j);
  }
  tp_json_end_object(j);
}

/* The lab's totals. */
static void S_totals(tp_json *j, const tp_lab *lab, const tp_uncertainty_sum *u) {
  tp_json_begin_object(j, "totals");
  S_sums(j, lab->n_runs, lab->n_runs_with_energy, lab->it_j, lab->facility_j, lab->co2e_kg,
         lab->gpu_hours);
  S_footprint_sum(j, u);
  tp_json_end_object(j);
}

void tp_summary_json_with(const tp_lab *lab, const tp_reftables *t,
                          const tp_uncertainty_opts *o, bool redact, tp_buf *out) {
  tp_uncertainty u;
  tp_uncertainty_compute(&u, lab, t, o);
  tp_paths paths;
  tp_paths_init(&paths, lab);
  tp_json j = {0};
  tp_json_begin_object(&j, NULL);
  tp_json_string(&j, "trainprint_version", TP_VERSION);
  S_assumptions(&j, &lab->assumptions, &u);
  tp_json_begin_array(&j, "runs");
  for (size_t i = 0; i < lab->n_runs; i++)
    S_run(&j, lab->runs[i], lab, &paths, redact, &u.runs[i]);
  tp_json_end_array(&j);
  tp_json_begin_array(&j, "experiments");
  for (size_t x = 0; x < lab->n_experiments; x++)
    S_experiment(&j, lab, &lab->experiments[x], &u.experiments[x]);
  tp_json_end_array(&j);
  S_rollups(&j, lab);
  S_totals(&j, lab, &u.total);
  tp_json_end_object(&j);
  tp_buf_add(out, tp_buf_str(&j.out), j.out.len);
  tp_buf_free(&j.out);
  tp_paths_free(&paths);
  tp_uncertainty_free(&u);
}

/* A field separator and v with `decimals` decimals (empty when unknown). */
static void S_csv_num(tp_buf *b, double v, int decimals) {
  tp_buf_addc(b, ',');
  tp_csvout_fixed(b, v, decimals);
}

void tp_summary_runs_csv(const tp_lab *lab, tp_buf *out) {
  tp_buf_adds(out,
              "id,experiment,config,start,end,duration_s,restarts,method,coverage,it_kwh,"
              "facility_kwh,co2e_kg,devices,shared,diagnostics\n");
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    char t[40];
    const char *config = r->config;
    bool known = r->energy.method != TP_ENERGY_NONE;
    tp_csvout_field(out, r->id);
    tp_buf_addc(out, ',');
    tp_csvout_field(out, r->experiment);
    tp_buf_addc(out, ',');
    tp_csvout_field(out, config);
    tp_buf_addc(out, ',');
    tp_buf_adds(out, tp_summary_iso_time(t, r->start_s));
    tp_buf_addc(out, ',');
    tp_buf_adds(out, tp_summary_iso_time(t, r->end_s));
    double dur = isfinite(r->start_s) && isfinite(r->end_s) ? r->end_s - r->start_s
                                                             : r->declared_duration_s;
    S_csv_num(out, dur, 3);
    tp_buf_printf(out, ",%d,%s", r->restarts, tp_summary_method_name(r->energy.method));
    S_csv_num(out, known ? r->energy.coverage : NAN, 4);
    S_csv_num(out, known ? tp_units_kwh(r->energy.it_j) : NAN, 6);
    S_csv_num(out, known ? tp_units_kwh(r->energy.facility_j) : NAN, 6);
    S_csv_num(out, known ? r->energy.co2e_kg : NAN, 6);
    tp_buf_printf(out, ",%zu,%s,%zu\n", r->energy.n_devices, r->energy.shared ? "yes" : "no",
                  r->diags.count);
  }
}
