/* pipeline: discover, read, join traces to runs, price, group. */
#include "cli/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/energy.h"
#include "model/mem.h"
#include "parser/discover.h"
#include "parser/hparams_yaml.h"
#include "parser/power.h"
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
} S_state;

static int S_sink_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                         double wrap_j) {
  S_state *st = ctx;
  return st->energy.device(st->energy.ctx, id, name, kind, wrap_j);
}

static void S_sink_sample(void *ctx, int dev, double t_s, double value) {
  S_state *st = ctx;
  st->energy.sample(st->energy.ctx, dev, t_s, value);
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

/* Stream one trace file into the runs it belongs to. */
static void S_apply_trace(S_state *st, const tp_found_file *tf) {
  tp_lab *lab = st->lab;
  tp_run **runs = tp_xmalloc((lab->n_runs + 1) * sizeof *runs);
  tp_energy_window *w = tp_xcalloc(lab->n_runs + 1, sizeof *w);
  char ***devs = tp_xcalloc(lab->n_runs + 1, sizeof *devs);
  size_t n = 0;
  bool given_alone = strcmp(tf->root, tf->path) == 0;
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (!given_alone && !S_under(r->dir, tf->dir)) continue;
    if (!isfinite(r->start_s) || !isfinite(r->end_s)) continue;
    runs[n] = r;
    w[n].start_s = r->start_s;
    w[n].end_s = r->end_s;
    devs[n] = S_run_devices(r, &w[n].n_devices);
    w[n].devices = (const char *const *)devs[n];
    n++;
  }
  /* Read the trace even when no run can use it, so its problems and its
   * declared figures are still seen. */
  tp_energy *e = tp_energy_new(w, n, NULL, 0);
  st->energy = tp_energy_sink(e);
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

  tp_discovery disc = {0};
  int rc = tp_discover(&disc, paths, n_paths, &lab->diags);
  for (size_t i = 0; i < disc.n_runs; i++) tp_lab_add_run(lab, S_load_run(&disc.runs[i]));
  for (size_t i = 0; i < disc.n_traces; i++) S_apply_trace(&st, &disc.traces[i]);
  S_apply_declared(&st);
  tp_lab_group(lab);

  for (size_t i = 0; i < st.n_declared; i++) {
    free((char *)st.declared[i].d.run_name);
    free((char *)st.declared[i].d.hardware);
    free((char *)st.declared[i].d.country);
    free(st.declared[i].path);
  }
  free(st.declared);
  tp_tz_free(st.tz);
  tp_discovery_free(&disc);
  return rc;
}
