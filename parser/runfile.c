/* runfile: reading run documents (see runfile.h and model/rundoc.h). */
#include "parser/runfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/base64.h"
#include "model/jobgpus.h"
#include "model/mem.h"
#include "model/rundoc.h"
#include "model/slurmjob.h"
#include "parser/text/yamldoc.h"

/* A number, or "nan"/"inf"/"-inf"; NAN for null or anything else. */
static double S_num(const tp_ynode *n) {
  double v;
  if (!n || tp_ynode_is_null(n)) return NAN;
  if (tp_ynode_number(n, &v) == 0) return v;
  const char *s = tp_ynode_str(n);
  if (s && strcmp(s, "inf") == 0) return INFINITY;
  if (s && strcmp(s, "-inf") == 0) return -INFINITY;
  return NAN;
}

static int64_t S_int(const tp_ynode *n) {
  double v = S_num(n);
  return isfinite(v) && fabs(v) < 9.2e18 ? (int64_t)v : 0;
}

static bool S_bool(const tp_ynode *n) {
  bool b = false;
  if (n) tp_ynode_bool(n, &b);
  return b;
}

/* A string field, or NULL for null or a missing key. */
static const char *S_str(const tp_ynode *map, const char *key) {
  const tp_ynode *n = tp_ynode_get(map, key);
  if (!n || tp_ynode_is_null(n)) return NULL;
  return tp_ynode_str(n);
}

static size_t S_len(const tp_ynode *n) { return n && n->kind == TP_YNODE_SEQ ? n->n : 0; }

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

/* window_source is a static string in the model: map back to the known ones. */
static const char *S_window_source(const char *s) {
  static const char *const known[] = {"event wall times", "log timestamps", "declared duration",
                                      "run metadata", "Slurm accounting"};
  if (!s) return NULL;
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (strcmp(s, known[i]) == 0) return known[i];
  return "log timestamps";
}

static void S_doubles(const tp_ynode *seq, double *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = i < S_len(seq) ? S_num(seq->items[i]) : NAN;
}

static void S_read_diags(const tp_ynode *dg, tp_diags *out) {
  for (size_t i = 0; i < S_len(dg); i++) {
    const tp_ynode *g = dg->items[i];
    const char *msg = S_str(g, "message");
    if (!msg) continue;
    int64_t sev = S_int(tp_ynode_get(g, "severity"));
    tp_diag_add(out, sev >= TP_NOTE && sev <= TP_ERROR ? (tp_severity)sev : TP_WARN,
                S_str(g, "file"), S_int(tp_ynode_get(g, "offset")),
                S_int(tp_ynode_get(g, "line")), "%s", msg);
  }
}

/* A base64 array of doubles (model/base64.h) at key: a new array of a
 * multiple of `group` values, or NULL (and *n = 0) when missing or malformed. */
static double *S_b64(const tp_ynode *map, const char *key, size_t group, size_t *n) {
  const char *s = S_str(map, key);
  *n = 0;
  if (!s) return NULL;
  size_t m;
  double *v = tp_base64_get_doubles(s, strlen(s), &m);
  if (!v || m % group) {
    free(v);
    return NULL;
  }
  *n = m / group;
  return v;
}

/* A device's power field ("field": "power.draw.instant"), unsaid when absent. */
static tp_power_field S_field(const tp_ynode *dn) {
  const char *f = S_str(dn, "field");
  return f ? tp_power_field_of(f, strlen(f)) : TP_FIELD_UNSAID;
}

/* One device of a trace use; false when it is malformed. */
static bool S_read_use_device(const tp_ynode *dn, tp_use_device *o) {
  const char *id = S_str(dn, "id"), *kind = S_str(dn, "kind");
  size_t n;
  double *tv = S_b64(dn, "samples", 2, &n);
  if (!id || !kind || !tv) {
    free(tv);
    return false;
  }
  *o = (tp_use_device){.id = tp_xstrdup(id), .name = S_dup(S_str(dn, "name")),
                       .kind = strcmp(kind, "energy_j") == 0 ? TP_SAMPLE_ENERGY_J
                                                             : TP_SAMPLE_POWER_W,
                       .wrap_j = S_num(tp_ynode_get(dn, "wrap_j")),
                       .typical_s = S_num(tp_ynode_get(dn, "typical_s")),
                       .energy_j = S_num(tp_ynode_get(dn, "energy_j")),
                       .covered_s = S_num(tp_ynode_get(dn, "covered_s")),
                       .share_s = S_num(tp_ynode_get(dn, "share_s")), .n = n,
                       .field = S_field(dn)};
  o->t_s = tp_xmalloc((n + 1) * sizeof *o->t_s);
  o->v = tp_xmalloc((n + 1) * sizeof *o->v);
  for (size_t k = 0; k < n; k++) {
    o->t_s[k] = tv[2 * k];
    o->v[k] = tv[2 * k + 1];
  }
  free(tv);
  return true;
}

/* The holds a job's run kept of a trace use ("holds": [[device, job,
 * start_s, end_s], ...]); without them, or with one malformed, the use's
 * holds are not kept (holds_kept false) and render does not charge the run
 * by labels again. */
static void S_read_holds(const tp_ynode *un, tp_trace_use *u) {
  const tp_ynode *hs = tp_ynode_get(un, "holds");
  if (!hs || hs->kind != TP_YNODE_SEQ) return;
  u->holds = tp_xcalloc(hs->n + 1, sizeof *u->holds);
  for (size_t k = 0; k < hs->n; k++) {
    const tp_ynode *h = hs->items[k];
    const char *dev = S_len(h) == 4 ? tp_ynode_str(h->items[0]) : NULL;
    const char *job = dev ? tp_ynode_str(h->items[1]) : NULL;
    double a = job ? S_num(h->items[2]) : NAN, b = job ? S_num(h->items[3]) : NAN;
    if (!job || !(b >= a)) return;
    u->holds[u->n_holds++] = (tp_use_hold){tp_xstrdup(dev), tp_xstrdup(job), a, b};
  }
  u->holds_kept = true;
}

/* The trace uses and intensity rows `scan` keeps (render/runfile.c).  A use
 * that is malformed is left out whole, so render does not split with it. */
static void S_read_uses(const tp_ynode *root, tp_run *r) {
  const tp_ynode *us = tp_ynode_get(root, "trace_uses");
  for (size_t i = 0; i < S_len(us); i++) {
    const tp_ynode *un = us->items[i];
    const char *path = S_str(un, "path"), *sha = S_str(un, "sha256");
    const tp_ynode *devs = tp_ynode_get(un, "devices");
    size_t np;
    double *pc = S_b64(un, "pieces", 3, &np);
    if (!path || !sha || !S_len(devs) || (!pc && S_str(un, "pieces") && *S_str(un, "pieces"))) {
      free(pc);
      continue;
    }
    tp_trace_use *u = tp_run_add_use(r, path, sha);
    u->host = S_dup(S_str(un, "host"));
    u->devs = tp_xcalloc(S_len(devs), sizeof *u->devs);
    bool ok = true;
    for (size_t d = 0; d < S_len(devs) && ok; d++) {
      ok = S_read_use_device(devs->items[d], &u->devs[u->n_devs]);
      if (ok) u->n_devs++;
    }
    u->pieces = tp_xmalloc((np + 1) * sizeof *u->pieces);
    for (size_t k = 0; k < np; k++)
      u->pieces[k] = (tp_energy_piece){pc[3 * k], pc[3 * k + 1], pc[3 * k + 2]};
    u->n_pieces = np;
    free(pc);
    const tp_ynode *sw = tp_ynode_get(un, "split_with");
    u->split_with = tp_xcalloc(S_len(sw) + 1, sizeof *u->split_with);
    for (size_t k = 0; k < S_len(sw); k++) {
      const char *w = tp_ynode_str(sw->items[k]);
      if (w) u->split_with[u->n_split_with++] = tp_xstrdup(w);
    }
    S_read_holds(un, u);
    if (!ok) tp_trace_use_free(&r->uses[--r->n_uses]);
  }
  size_t nr;
  double *rows = S_b64(root, "intensity_rows", 2, &nr);
  if (!rows) return;
  r->intensity_rows = tp_xmalloc((nr + 1) * sizeof *r->intensity_rows);
  for (size_t k = 0; k < nr; k++)
    r->intensity_rows[k] = (tp_intensity_row){rows[2 * k], rows[2 * k + 1]};
  r->n_intensity_rows = nr;
  r->intensity_interval_s = S_num(tp_ynode_get(root, "intensity_interval_s"));
  free(rows);
}

static void S_read_params(const tp_ynode *root, tp_run *r) {
  const tp_ynode *hp = tp_ynode_get(root, "hparams");
  for (size_t i = 0; i < S_len(hp); i++) {
    const tp_ynode *h = hp->items[i];
    const char *key = S_str(h, "key"), *kind = S_str(h, "kind"), *text = S_str(h, "text");
    if (!key || !kind || !text) continue;
    tp_hparam_kind k = strcmp(kind, "number") == 0 ? TP_HP_NUMBER
                       : strcmp(kind, "bool") == 0 ? TP_HP_BOOL
                       : strcmp(kind, "null") == 0 ? TP_HP_NULL
                                                   : TP_HP_STRING;
    tp_run_set_hparam(r, key, k, text, S_num(tp_ynode_get(h, "number")), S_str(h, "source"));
  }
  const tp_ynode *tags = tp_ynode_get(root, "tags");
  for (size_t i = 0; i < S_len(tags); i++)
    if (S_len(tags->items[i]) == 2) {
      const char *k = tp_ynode_str(tags->items[i]->items[0]);
      const char *v = tp_ynode_str(tags->items[i]->items[1]);
      if (k && v) tp_run_set_tag(r, k, v);
    }
}

static void S_read_series(const tp_ynode *root, tp_run *r) {
  const tp_ynode *ser = tp_ynode_get(root, "series");
  for (size_t i = 0; i < S_len(ser); i++) {
    const tp_ynode *sn = ser->items[i];
    const char *tag = S_str(sn, "tag");
    if (!tag) continue;
    tp_series *s = tp_run_series(r, tag);
    const tp_ynode *pts = tp_ynode_get(sn, "points");
    for (size_t k = 0; k < S_len(pts); k++) {
      const tp_ynode *p = pts->items[k];
      if (S_len(p) != 3) continue;
      TP_GROW(s->points, s->cap, s->count + 1);
      s->points[s->count++] = (tp_point){.step = S_int(p->items[0]),
                                         .wall_time_s = S_num(p->items[1]),
                                         .value = S_num(p->items[2])};
    }
    s->decimated = S_bool(tp_ynode_get(sn, "decimated"));
    const tp_ynode *st = tp_ynode_get(sn, "stats");
    if (s->decimated && st)
      s->stats = (tp_series_stats){.count = (size_t)S_int(tp_ynode_get(st, "count")),
                                   .first_step = S_int(tp_ynode_get(st, "first_step")),
                                   .last_step = S_int(tp_ynode_get(st, "last_step")),
                                   .first = S_num(tp_ynode_get(st, "first")),
                                   .last = S_num(tp_ynode_get(st, "last")),
                                   .last_raw = S_num(tp_ynode_get(st, "last_raw")),
                                   .min = S_num(tp_ynode_get(st, "min")),
                                   .max = S_num(tp_ynode_get(st, "max"))};
    else
      s->decimated = false;
  }
}

/* Skipped tags, then input files. */
static void S_read_inputs(const tp_ynode *root, tp_run *r) {
  const tp_ynode *sk = tp_ynode_get(root, "skipped");
  for (size_t i = 0; i < S_len(sk); i++) {
    const char *tag = S_str(sk->items[i], "tag"), *kind = S_str(sk->items[i], "kind");
    if (!tag || !kind) continue;
    tp_run_count_skipped(r, tag, kind);
    r->skipped[r->n_skipped - 1].count = (uint64_t)S_int(tp_ynode_get(sk->items[i], "count"));
  }
  const tp_ynode *in = tp_ynode_get(root, "inputs");
  for (size_t i = 0; i < S_len(in); i++) {
    const tp_ynode *x = in->items[i];
    const char *path = S_str(x, "path"), *fmt = S_str(x, "format");
    if (!path || !fmt) continue;
    tp_input *ip = tp_run_add_input(r, path, fmt);
    ip->size = (uint64_t)S_int(tp_ynode_get(x, "size"));
    ip->mtime_s = S_int(tp_ynode_get(x, "mtime_s"));
    const char *sha = S_str(x, "sha256");
    if (sha && strlen(sha) < sizeof ip->sha256) memcpy(ip->sha256, sha, strlen(sha) + 1);
    ip->energy_j = S_num(tp_ynode_get(x, "energy_j"));
  }
}

static void S_read_energy(const tp_ynode *en, tp_run *r) {
  if (en) {
    tp_run_energy *e = &r->energy;
    int64_t m = S_int(tp_ynode_get(en, "method"));
    e->method = m >= TP_ENERGY_NONE && m <= TP_ENERGY_DECLARED ? (tp_energy_method)m
                                                               : TP_ENERGY_NONE;
    e->coverage = S_num(tp_ynode_get(en, "coverage"));
    e->it_j = S_num(tp_ynode_get(en, "it_j"));
    e->facility_j = S_num(tp_ynode_get(en, "facility_j"));
    e->co2e_kg = S_num(tp_ynode_get(en, "co2e_kg"));
    e->intensity_g_per_kwh = S_num(tp_ynode_get(en, "intensity_g_per_kwh"));
    e->shared = S_bool(tp_ynode_get(en, "shared"));
    e->gpu_count = S_num(tp_ynode_get(en, "gpu_count"));
    if (!(e->gpu_count > 0)) e->gpu_count = 0; /* absent (older summaries) or none */
    e->gpu_model = S_dup(S_str(en, "gpu_model"));
    e->gpu_j = S_num(tp_ynode_get(en, "gpu_j"));
    e->declared_measured = S_bool(tp_ynode_get(en, "declared_measured"));
    const tp_ynode *dv = tp_ynode_get(en, "devices");
    e->n_devices = 0;
    e->devices = tp_xcalloc(S_len(dv) + 1, sizeof *e->devices);
    for (size_t i = 0; i < S_len(dv); i++) {
      const char *id = S_str(dv->items[i], "id");
      if (!id) continue;
      e->devices[e->n_devices++] = (tp_device_energy){
          .id = tp_xstrdup(id),
          .name = S_dup(S_str(dv->items[i], "name")),
          .host = S_dup(S_str(dv->items[i], "host")),
          .energy_j = S_num(tp_ynode_get(dv->items[i], "energy_j")),
          .covered_s = S_num(tp_ynode_get(dv->items[i], "covered_s")),
          .share_s = S_num(tp_ynode_get(dv->items[i], "share_s")),
          .peak_w = S_num(tp_ynode_get(dv->items[i], "peak_w")),
          .idle_w = S_num(tp_ynode_get(dv->items[i], "idle_w")),
          .field = S_field(dv->items[i])};
    }
  }
}

/* Cumulative energies, then the target. */
static void S_read_target(const tp_ynode *root, tp_run *r) {
  const tp_ynode *mc = tp_ynode_get(root, "metric_cum_j");
  if (S_len(mc)) {
    r->n_metric_cum = S_len(mc);
    r->metric_cum_j = tp_xmalloc(r->n_metric_cum * sizeof *r->metric_cum_j);
    S_doubles(mc, r->metric_cum_j, r->n_metric_cum);
  }
  const tp_ynode *tg = tp_ynode_get(root, "target");
  if (tg)
    r->target = (tp_target){.set = S_bool(tp_ynode_get(tg, "set")),
                            .reached = S_bool(tp_ynode_get(tg, "reached")),
                            .value = S_num(tp_ynode_get(tg, "value")),
                            .step = S_int(tp_ynode_get(tg, "step")),
                            .time_s = S_num(tp_ynode_get(tg, "time_s")),
                            .it_j = S_num(tp_ynode_get(tg, "it_j"))};
}

static void S_read_power(const tp_ynode *root, tp_run *r) {
  const tp_ynode *pw = tp_ynode_get(root, "power");
  for (size_t i = 0; i < S_len(pw); i++) {
    const tp_ynode *pn = pw->items[i];
    const char *dev = S_str(pn, "device");
    const tp_ynode *sum = tp_ynode_get(pn, "sum_w");
    size_t n = S_len(sum);
    if (!dev || n == 0 || n > 100000) continue;
    TP_GROW(r->power, r->cap_power, r->n_power + 1);
    tp_power_profile *p = &r->power[r->n_power++];
    *p = (tp_power_profile){.device = tp_xstrdup(dev),
                            .t0_s = S_num(tp_ynode_get(pn, "t0_s")),
                            .dt_s = S_num(tp_ynode_get(pn, "dt_s")),
                            .n = n,
                            .sum_w = tp_xcalloc(n, sizeof(double)),
                            .max_w = tp_xcalloc(n, sizeof(double)),
                            .min_w = tp_xcalloc(n, sizeof(double)),
                            .count = tp_xcalloc(n, sizeof(uint32_t))};
    S_doubles(sum, p->sum_w, n);
    S_doubles(tp_ynode_get(pn, "max_w"), p->max_w, n);
    S_doubles(tp_ynode_get(pn, "min_w"), p->min_w, n);
    const tp_ynode *cnt = tp_ynode_get(pn, "count");
    for (size_t k = 0; k < n && k < S_len(cnt); k++) {
      int64_t c = S_int(cnt->items[k]);
      p->count[k] = c > 0 && c <= (int64_t)UINT32_MAX ? (uint32_t)c : 0;
    }
  }
}

/* The Slurm job the run is (a "slurm" object), if any. */
static void S_read_job(const tp_ynode *jn, tp_run *r) {
  if (!jn || jn->kind != TP_YNODE_MAP || !S_str(jn, "job_id")) return;
  tp_slurm_job *job = r->job = tp_slurm_job_new(S_str(jn, "job_id"));
  job->name = S_dup(S_str(jn, "name"));
  job->user = S_dup(S_str(jn, "user"));
  job->state = S_dup(S_str(jn, "state"));
  job->workdir = S_dup(S_str(jn, "workdir"));
  int64_t gpus = S_int(tp_ynode_get(jn, "gpus"));
  job->gpus = gpus >= 0 && gpus < 1000000 ? (int)gpus : -1;
  job->gpu_source = tp_job_gpus_source(S_str(jn, "gpu_source"));
  job->consumed_energy_j = S_num(tp_ynode_get(jn, "consumed_energy_j"));
  job->host_energy_j = S_num(tp_ynode_get(jn, "host_energy_j"));
  job->line = S_int(tp_ynode_get(jn, "line"));
  const tp_ynode *nodes = tp_ynode_get(jn, "nodes");
  for (size_t k = 0; k < S_len(nodes); k++) {
    const char *h = tp_ynode_str(nodes->items[k]);
    if (h && *h) tp_slurm_job_add_node(job, h, strlen(h));
  }
  const tp_ynode *seg = tp_ynode_get(jn, "segments");
  const tp_ynode *seg_nodes = tp_ynode_get(jn, "segment_nodes");
  const tp_ynode *seg_gpus = tp_ynode_get(jn, "segment_gpus");
  for (size_t k = 0; k + 1 < S_len(seg); k += 2) {
    double s = S_num(seg->items[k]), e = S_num(seg->items[k + 1]);
    if (!isfinite(s) || !(isnan(e) || e >= s)) continue;
    tp_slurm_job_add_segment(job, s, e);
    size_t i = k / 2, last = job->n_segments - 1;
    const tp_ynode *hosts = i < S_len(seg_nodes) ? seg_nodes->items[i] : NULL;
    for (size_t h = 0; h < S_len(hosts); h++) {
      const char *name = tp_ynode_str(hosts->items[h]);
      if (name && *name) tp_slurm_job_add_segment_node(job, last, name, strlen(name));
    }
    int64_t g = i < S_len(seg_gpus) ? S_int(seg_gpus->items[i]) : -1;
    job->segments[last].gpus = g >= 0 && g < 1000000 ? (int)g : -1;
  }
}

/* A run from its document, its parts in the order of the document. */
static tp_run *S_run(const tp_ynode *root) {
  tp_run *r = tp_run_new(S_str(root, "id"), S_str(root, "dir") ? S_str(root, "dir") : "");
  r->experiment = S_dup(S_str(root, "experiment"));
  r->host = S_dup(S_str(root, "host"));
  r->start_s = S_num(tp_ynode_get(root, "start_s"));
  r->end_s = S_num(tp_ynode_get(root, "end_s"));
  r->window_source = S_window_source(S_str(root, "window_source"));
  S_read_job(tp_ynode_get(root, "slurm"), r);
  r->declared_duration_s = S_num(tp_ynode_get(root, "declared_duration_s"));
  r->restarts = (int)S_int(tp_ynode_get(root, "restarts"));
  S_read_params(root, r);
  S_read_series(root, r);
  S_read_inputs(root, r);
  S_read_energy(tp_ynode_get(root, "energy"), r);
  S_read_target(root, r);
  S_read_power(root, r);
  S_read_uses(root, r);
  S_read_diags(tp_ynode_get(root, "diagnostics"), &r->diags);
  return r;
}

static void S_assumptions(const tp_ynode *an, tp_assumptions *a) {
  a->pue = S_num(tp_ynode_get(an, "pue"));
  a->pue_source = S_dup(S_str(an, "pue_source"));
  a->intensity_g_per_kwh = S_num(tp_ynode_get(an, "intensity_g_per_kwh"));
  a->intensity_source = S_dup(S_str(an, "intensity_source"));
  a->zone = S_dup(S_str(an, "zone"));
  a->intensity_year = (int)S_int(tp_ynode_get(an, "intensity_year"));
  a->intensity_series = S_bool(tp_ynode_get(an, "intensity_series"));
  a->timezone = S_dup(S_str(an, "timezone"));
  a->timezone_source = S_dup(S_str(an, "timezone_source"));
  a->wue_l_per_kwh = S_num(tp_ynode_get(an, "wue_l_per_kwh"));
  a->wue_source = S_dup(S_str(an, "wue_source"));
  a->water_offsite_l_per_kwh = S_num(tp_ynode_get(an, "water_offsite_l_per_kwh"));
  a->water_offsite_source = S_dup(S_str(an, "water_offsite_source"));
}

static int S_read_doc(tp_ydoc *doc, const char *name, tp_run **out, tp_assumptions *a,
                      tp_diags *scan_diags, tp_diags *d) {
  const tp_ynode *root = doc->root;
  const char *fmt = root ? S_str(root, "format") : NULL;
  if (!root || root->kind != TP_YNODE_MAP || doc->truncated || !fmt ||
      strcmp(fmt, TP_RUNDOC_FORMAT) != 0) {
    tp_diag_add(d, TP_WARN, name, -1, -1,
                "not a complete trainprint run summary; not used");
    return -1;
  }
  if (S_int(tp_ynode_get(root, "version")) != TP_RUNDOC_VERSION) {
    tp_diag_add(d, TP_WARN, name, -1, -1,
                "run summary of another format version (%lld, this trainprint reads %d); "
                "not used",
                (long long)S_int(tp_ynode_get(root, "version")), TP_RUNDOC_VERSION);
    return -1;
  }
  if (!S_str(root, "id")) {
    tp_diag_add(d, TP_WARN, name, -1, -1, "run summary without a run id; not used");
    return -1;
  }
  *out = S_run(root);
  const tp_ynode *an = tp_ynode_get(root, "assumptions");
  if (a && an && an->kind == TP_YNODE_MAP) S_assumptions(an, a);
  if (scan_diags) S_read_diags(tp_ynode_get(root, "scan_diagnostics"), scan_diags);
  return 0;
}

int tp_runfile_read_mem(const char *buf, size_t len, const char *name, tp_run **out,
                        tp_assumptions *a, tp_diags *scan_diags, tp_diags *d) {
  tp_ydoc doc;
  tp_diags quiet = {0};
  tp_ydoc_parse(&doc, buf, len, name, &quiet);
  tp_diag_free(&quiet);
  int rc = S_read_doc(&doc, name, out, a, scan_diags, d);
  tp_ydoc_free(&doc);
  return rc;
}

int tp_runfile_read(const char *path, tp_run **out, tp_assumptions *a, tp_diags *scan_diags,
                    tp_diags *d) {
  tp_ydoc doc;
  tp_diags quiet = {0};
  int lrc = tp_ydoc_load(&doc, path, &quiet);
  tp_diag_free(&quiet);
  if (lrc != 0 && !doc.root) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "cannot read the run summary; not used");
    tp_ydoc_free(&doc);
    return -1;
  }
  int rc = S_read_doc(&doc, path, out, a, scan_diags, d);
  tp_ydoc_free(&doc);
  return rc;
}
