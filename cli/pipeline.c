/* pipeline: discover, read, join traces to runs, price, group. */
#include "cli/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/carbon.h"
#include "model/energy.h"
#include "model/mem.h"
#include "model/profile.h"
#include "parser/discover.h"
#include "parser/hparams_yaml.h"
#include "parser/number.h"
#include "parser/power.h"
#include "parser/reftable.h"
#include "parser/tfevents.h"
#include "parser/timefmt.h"

/* Declared figures (CodeCarbon) collected from every trace, matched to runs
 * that no trace covers once all traces are read. */
typedef struct S_declared {
  tp_declared d;       /* strings owned: run_name, hardware, country */
  char *path;          /* the file it came from */
} S_declared;

typedef struct S_state {
  tp_lab *lab;
  const tp_pipeline_opts *opts;
  tp_tz *tz;
  tp_power_format force;     /* TP_POWER_AUTO unless --format */
  S_declared *declared;
  size_t n_declared, cap_declared;
  const char *current_path;  /* trace being read */
  tp_trace_sink energy;      /* the integrator's own sink */
  tp_reftables tables;       /* shipped reference tables (data/) */
  tp_carbon carbon;          /* PUE and intensity in force */
  tp_intensity_series series;/* --intensity FILE, when given */
  char *intensity_text;      /* owned source strings the carbon struct points to */
  tp_energy_piece **pieces;  /* per lab run: its energy by segment, for pricing */
  size_t *n_pieces;
  tp_profiler *profiler;     /* power profiles for drawing */
  int *prof_handle;          /* energy handle -> profiler handle */
  size_t n_handles, cap_handles;
} S_state;

static int S_sink_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                         double wrap_j) {
  S_state *st = ctx;
  int h = st->energy.device(st->energy.ctx, id, name, kind, wrap_j);
  if (h >= 0) {
    TP_GROW(st->prof_handle, st->cap_handles, (size_t)h + 1);
    while (st->n_handles <= (size_t)h) st->prof_handle[st->n_handles++] = -1;
    st->prof_handle[h] = tp_profiler_device(st->profiler, id, kind, wrap_j);
  }
  return h;
}

static void S_sink_sample(void *ctx, int dev, double t_s, double value) {
  S_state *st = ctx;
  st->energy.sample(st->energy.ctx, dev, t_s, value);
  if (dev >= 0 && (size_t)dev < st->n_handles)
    tp_profiler_sample(st->profiler, st->prof_handle[dev], t_s, value);
}

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

static void S_sink_declared(void *ctx, const tp_declared *d) {
  S_state *st = ctx;
  TP_GROW(st->declared, st->cap_declared, st->n_declared + 1);
  S_declared *x = &st->declared[st->n_declared++];
  x->d = *d;
  x->d.run_name = S_dup(d->run_name);
  x->d.hardware = S_dup(d->hardware);
  x->d.country = S_dup(d->country);
  x->path = tp_xstrdup(st->current_path);
}

/* True when dir is root or lies below it (path prefix at a '/' boundary). */
static bool S_under(const char *dir, const char *root) {
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/') n--;
  return strncmp(dir, root, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

static tp_run *S_load_run(const tp_found_run *fr) {
  tp_run *run = tp_run_new(fr->id, fr->dir);
  for (size_t i = 0; i < fr->n_event_files; i++)
    tp_tfevents_load_run(run, fr->event_files[i], &run->diags);
  for (size_t i = 0; i < fr->n_other_files; i++) {
    const char *base = strrchr(fr->other_files[i], '/');
    base = base ? base + 1 : fr->other_files[i];
    if (strcmp(base, "hparams.yaml") == 0)
      tp_hparams_yaml_load(run, fr->other_files[i], &run->diags);
  }
  tp_run_finish(run);
  return run;
}

/* Devices a run may use: its CUDA_VISIBLE_DEVICES hparam, split on ','. */
static char **S_run_devices(const tp_run *run, size_t *n) {
  *n = 0;
  const tp_hparam *h = tp_run_find_hparam(run, "CUDA_VISIBLE_DEVICES");
  if (!h || !h->text[0]) return NULL;
  char **v = NULL;
  size_t cap = 0;
  const char *p = h->text;
  while (*p) {
    size_t len = strcspn(p, ",");
    const char *s = p, *e = p + len;
    while (s < e && *s == ' ') s++;
    while (e > s && e[-1] == ' ') e--;
    if (e > s) {
      TP_GROW(v, cap, *n + 1);
      v[(*n)++] = tp_xstrndup(s, (size_t)(e - s));
    }
    p += len;
    if (*p == ',') p++;
  }
  return v;
}

/* The series of the main metric of run's experiment, or NULL. */
static const tp_series *S_main_series(const tp_lab *lab, const tp_run *run) {
  const tp_experiment *e = tp_lab_experiment_of(lab, run);
  return e && e->metric_tag ? tp_run_find_series(run, e->metric_tag) : NULL;
}

static int S_cmp_piece(const void *a, const void *b) {
  double x = ((const tp_energy_piece *)a)->start_s, y = ((const tp_energy_piece *)b)->start_s;
  return x < y ? -1 : x > y;
}

/* Fill run->metric_cum_j: IT energy from the window's start to each point of
 * the main metric, from the run's energy pieces (cut at those points). */
static void S_metric_energy(const tp_lab *lab, tp_run *run, tp_energy_piece *pc, size_t np) {
  const tp_series *ms = S_main_series(lab, run);
  if (!ms || !ms->count ||
      (run->energy.method != TP_ENERGY_INTEGRATED && run->energy.method != TP_ENERGY_MEASURED))
    return;
  qsort(pc, np, sizeof *pc, S_cmp_piece);
  run->metric_cum_j = tp_xmalloc(ms->count * sizeof *run->metric_cum_j);
  run->n_metric_cum = ms->count;
  for (size_t p = 0; p < ms->count; p++) {
    double t = ms->points[p].wall_time_s, sum = 0;
    if (!isfinite(t)) {
      run->metric_cum_j[p] = NAN;
      continue;
    }
    for (size_t k = 0; k < np && pc[k].start_s < t; k++) {
      if (pc[k].end_s <= t) sum += pc[k].energy_j;
      else sum += pc[k].energy_j * (t - pc[k].start_s) / (pc[k].end_s - pc[k].start_s);
    }
    run->metric_cum_j[p] = sum;
  }
}

/* Stream one trace file into the runs it belongs to. */
static void S_apply_trace(S_state *st, const tp_found_file *tf) {
  tp_lab *lab = st->lab;
  tp_run **runs = tp_xmalloc((lab->n_runs + 1) * sizeof *runs);
  tp_energy_window *w = tp_xcalloc(lab->n_runs + 1, sizeof *w);
  char ***devs = tp_xcalloc(lab->n_runs + 1, sizeof *devs);
  size_t *run_index = tp_xcalloc(lab->n_runs + 1, sizeof *run_index);
  size_t n = 0;
  bool given_alone = strcmp(tf->root, tf->path) == 0;
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (!given_alone && !S_under(r->dir, tf->dir)) continue;
    if (!isfinite(r->start_s) || !isfinite(r->end_s)) continue;
    runs[n] = r;
    run_index[n] = i;
    w[n].start_s = r->start_s;
    w[n].end_s = r->end_s;
    devs[n] = S_run_devices(r, &w[n].n_devices);
    w[n].devices = (const char *const *)devs[n];
    n++;
  }
  /* Read the trace even when no run can use it, so its problems and its
   * declared figures are still seen. */
  /* Cut segments at the intensity series' rows, so each is priced exactly. */
  /* ... and at every point of the main metric, so that the energy up to each
   * point (energy-to-target, metric against energy) is exact. */
  double *cuts = NULL;
  size_t n_cuts = 0, cap_cuts = 0;
  if (st->carbon.series)
    for (size_t k = 0; k < st->carbon.series->count; k++) {
      TP_GROW(cuts, cap_cuts, n_cuts + 1);
      cuts[n_cuts++] = st->carbon.series->rows[k].t_s;
    }
  for (size_t k = 0; k < n; k++) {
    const tp_series *ms = S_main_series(lab, runs[k]);
    for (size_t p = 0; ms && p < ms->count; p++)
      if (isfinite(ms->points[p].wall_time_s)) {
        TP_GROW(cuts, cap_cuts, n_cuts + 1);
        cuts[n_cuts++] = ms->points[p].wall_time_s;
      }
  }
  tp_energy *e = tp_energy_new(w, n, cuts, n_cuts);
  free(cuts);
  st->energy = tp_energy_sink(e);
  st->profiler = tp_profiler_new(runs, w, n);
  st->n_handles = 0;
  st->current_path = tf->path;
  tp_trace_sink sink = {.ctx = st,
                        .device = S_sink_device,
                        .sample = S_sink_sample,
                        .declared = S_sink_declared};
  tp_power_options po;
  tp_power_options_init(&po);
  po.tz = st->tz;
  po.clock_offset_s = st->opts->clock_offset_s;
  tp_power_read(tf->path, st->force, &po, &sink, &lab->diags);
  tp_energy_finish(e, runs, n);
  for (size_t k = 0; k < n; k++) {
    tp_energy_piece *pc = NULL;
    size_t np = tp_energy_profile(e, k, &pc);
    size_t li = run_index[k];
    if (np) {
      st->pieces[li] = tp_xrealloc(st->pieces[li], (st->n_pieces[li] + np) * sizeof *pc);
      memcpy(st->pieces[li] + st->n_pieces[li], pc, np * sizeof *pc);
      st->n_pieces[li] += np;
    }
    free(pc);
  }
  tp_profiler_finish(st->profiler);
  st->profiler = NULL;
  /* The integrator knows no file names: its diagnostics are about this one. */
  tp_diags *ed = tp_energy_diags(e);
  for (size_t i = 0; i < ed->count; i++)
    if (!ed->items[i].file) ed->items[i].file = tp_xstrdup(tf->path);
  tp_diag_move(&lab->diags, ed);
  tp_energy_free(e);
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < w[i].n_devices; k++) free(devs[i][k]);
    free(devs[i]);
  }
  free(devs);
  free(run_index);
  free(w);
  free(runs);
}

/* Seconds of [a0,a1] that lie in [b0,b1]. */
static double S_overlap(double a0, double a1, double b0, double b1) {
  double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

/* Give each run that no trace covered the declared figure whose interval
 * overlaps its window most (at least half of the shorter of the two). */
static void S_apply_declared(S_state *st) {
  tp_lab *lab = st->lab;
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (r->energy.method != TP_ENERGY_NONE || !isfinite(r->start_s)) continue;
    const S_declared *best = NULL;
    double best_ov = 0;
    for (size_t k = 0; k < st->n_declared; k++) {
      const tp_declared *d = &st->declared[k].d;
      if (!isfinite(d->start_s) || !isfinite(d->end_s)) continue;
      double ov = S_overlap(r->start_s, r->end_s, d->start_s, d->end_s);
      double shorter = fmin(r->end_s - r->start_s, d->end_s - d->start_s);
      if (ov > best_ov && ov >= 0.5 * shorter) {
        best = &st->declared[k];
        best_ov = ov;
      }
    }
    if (!best) continue;
    r->energy.method = TP_ENERGY_DECLARED;
    r->energy.it_j = best->d.it_energy_j;
    r->energy.coverage = 1.0;
    tp_diag_add(&r->diags, TP_NOTE, best->path, -1, best->d.line,
                "energy declared by the tracking tool (%.6f kWh of IT energy; its PUE %.3g "
                "divided out); no power trace covers this run",
                best->d.it_energy_j / 3.6e6, best->d.tool_pue);
  }
}

/* PUE and intensity: the tables' defaults, then --zone, --intensity, --pue. */
static void S_setup_carbon(S_state *st) {
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
  if (o->zone && tp_carbon_use_zone(&st->carbon, &st->tables, o->zone) != 0)
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "zone '%s' is not in the shipped tables (grid zones, ISO country codes, cloud "
                "regions); the default intensity is used",
                o->zone);
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
    } else if (tp_reftable_load_series(&st->series, o->intensity, &lab->diags) == 0 &&
               st->series.count) {
      st->intensity_text = tp_xasprintf("time series %s", o->intensity);
      tp_carbon_use_series(&st->carbon, &st->series, st->intensity_text);
    } else {
      tp_diag_add(&lab->diags, TP_ERROR, o->intensity, -1, -1,
                  "not a number nor a readable intensity series (time,gco2e_per_kwh); the "
                  "default intensity is used");
    }
  }
  if (isfinite(o->pue)) tp_carbon_use_pue(&st->carbon, o->pue, "--pue");
}

static void S_record_assumptions(S_state *st) {
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
}

int tp_pipeline_run(tp_lab *lab, char *const *paths, size_t n_paths,
                    const tp_pipeline_opts *opts) {
  S_state st = {.lab = lab, .opts = opts, .force = TP_POWER_AUTO};
  const char *err = NULL;
  st.tz = tp_tz_open(opts->timezone, &err);
  if (!st.tz) {
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "time zone '%s' is not known (%s); naive timestamps read as UTC",
                opts->timezone ? opts->timezone : "", err ? err : "");
    st.tz = tp_tz_open("UTC", &err);
  }
  tp_assumptions *a = &lab->assumptions;
  free(a->timezone);
  free(a->timezone_source);
  a->timezone = tp_xstrdup(tp_tz_name(st.tz));
  switch (tp_tz_origin_of(st.tz)) {
    case TP_TZ_GIVEN: a->timezone_source = tp_xstrdup(opts->timezone ? "--timezone" : "given"); break;
    case TP_TZ_ENV: a->timezone_source = tp_xstrdup("TZ environment variable"); break;
    default: a->timezone_source = tp_xstrdup("default (no --timezone, TZ unset)"); break;
  }
  if (opts->trace_format && tp_power_format_parse(opts->trace_format, &st.force) != 0) {
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "unknown trace format '%s'; formats are recognised by content instead",
                opts->trace_format);
    st.force = TP_POWER_AUTO;
  }

  S_setup_carbon(&st);

  tp_discovery disc = {0};
  int rc = tp_discover(&disc, paths, n_paths, &lab->diags);
  for (size_t i = 0; i < disc.n_runs; i++) tp_lab_add_run(lab, S_load_run(&disc.runs[i]));
  tp_lab_assign(lab);
  st.pieces = tp_xcalloc(lab->n_runs + 1, sizeof *st.pieces);
  st.n_pieces = tp_xcalloc(lab->n_runs + 1, sizeof *st.n_pieces);
  for (size_t i = 0; i < disc.n_traces; i++) S_apply_trace(&st, &disc.traces[i]);
  S_apply_declared(&st);
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (r->energy.method == TP_ENERGY_NONE) {
      if (!isfinite(r->start_s))
        tp_diag_add(&r->diags, TP_NOTE, NULL, -1, -1,
                    "no energy: the run has no window (no timestamps in its logs)");
      else
        tp_diag_add(&r->diags, TP_NOTE, NULL, -1, -1,
                    "no energy: no power trace, declared figure or hardware covers this run");
      continue;
    }
    tp_carbon_apply(&st.carbon, &r->energy, r->start_s, r->end_s, st.pieces[i], st.n_pieces[i],
                    &r->diags);
    S_metric_energy(lab, r, st.pieces[i], st.n_pieces[i]);
  }
  S_record_assumptions(&st);
  tp_lab_aggregate(lab);
  for (size_t i = 0; i < lab->n_runs; i++) free(st.pieces[i]);
  free(st.pieces);
  free(st.n_pieces);

  for (size_t i = 0; i < st.n_declared; i++) {
    free((char *)st.declared[i].d.run_name);
    free((char *)st.declared[i].d.hardware);
    free((char *)st.declared[i].d.country);
    free(st.declared[i].path);
  }
  free(st.declared);
  free(st.prof_handle);
  tp_intensity_series_free(&st.series);
  free(st.intensity_text);
  tp_reftables_free(&st.tables);
  tp_tz_free(st.tz);
  tp_discovery_free(&disc);
  return rc;
}
