/* attrib: the join of runs, traces and declared energy (see attrib.h for the
 * contract). */
#include "model/attrib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/estimate.h"
#include "model/mem.h"
#include "model/units.h"
#include "model/utctime.h"

#define S_EPOCH_1990 631152000.0 /* 1990-01-01T00:00:00Z */

/* One device of one trace, as it reached one run. */
typedef struct S_dev {
  char *id, *name;
  tp_sample_kind kind;
  double energy_j, covered_s, share_s, peak_w, idle_w;
  double typical_s, first_s, last_s;
  bool shared;
  double *cell_j;        /* per segment of the share */
  bool dropped;          /* another trace of the same device won (rule 3) */
  double wrap_j;         /* counter wrap value, 0 when unknown */
  double *keep_t, *keep_v; /* kept samples meeting the window (see tp_trace_use) */
  size_t n_keep;
} S_dev;

/* What one trace gave one run. */
typedef struct S_share {
  size_t run;            /* lab index */
  double *bounds;        /* n_seg + 1 segment edges */
  size_t n_seg;
  S_dev *devs;
  size_t n_devs;
  char **with;           /* runs sharing a device with it, and for how long */
  double *with_s;
  size_t n_with;
} S_share;

/* Why a trace in a run's scope gave it nothing. */
typedef enum {
  S_NO_SAMPLES, S_OTHER_DEVICES, S_ENDS_BEFORE, S_STARTS_AFTER, S_NONE_IN, S_OTHER_HOST
} S_why;
typedef struct S_miss {
  size_t run;
  S_why why;
  double gap_s;          /* for S_ENDS_BEFORE and S_STARTS_AFTER */
} S_miss;

/* A declared row (strings owned). */
typedef struct S_row {
  tp_declared d;
  double charged_j;      /* charged to runs */
  double passed_j;       /* shares passed over (a better source won) */
  bool joined;           /* reached some run (charged or passed over) */
} S_row;

struct tp_attrib_trace {
  char *path, *format, *scope;
  char *host;            /* the host it was taken on, or NULL */
  char sha256[65];
  uint64_t size;
  int64_t mtime_s;
  bool has_energy;       /* built from an integrator */
  bool has_samples;
  double lo, hi;         /* span of its samples */
  double total_j;        /* what it drew in the union of its runs' windows */
  size_t n_windows;      /* runs it could join */
  S_share *shares;
  size_t n_shares;
  S_miss *misses;
  size_t n_misses, cap_misses;
  char *devices;         /* its device ids, for the reasons ("gpu0, gpu1") */
  size_t *cands;         /* lab indexes of the runs it could join */
  size_t n_cands;
  S_row *rows;
  size_t n_rows, cap_rows;
  bool duplicate;        /* the same content as a source used instead */
};

typedef struct S_hw {
  bool set;
  char *path, *sha256, *format;
  uint64_t size;
  int64_t mtime_s;
  long line;
} S_hw;

struct tp_attrib {
  tp_lab *lab;
  tp_attrib_trace **src;
  size_t n_src, cap_src;
  tp_energy_piece **pieces;
  size_t *n_pieces, *cap_pieces;
  S_hw *hw;
  size_t n_runs;
};

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

tp_attrib *tp_attrib_new(tp_lab *lab) {
  tp_attrib *a = tp_xcalloc(1, sizeof *a);
  a->lab = lab;
  a->n_runs = lab->n_runs;
  a->pieces = tp_xcalloc(lab->n_runs + 1, sizeof *a->pieces);
  a->n_pieces = tp_xcalloc(lab->n_runs + 1, sizeof *a->n_pieces);
  a->cap_pieces = tp_xcalloc(lab->n_runs + 1, sizeof *a->cap_pieces);
  a->hw = tp_xcalloc(lab->n_runs + 1, sizeof *a->hw);
  return a;
}

static void S_free_declared(tp_declared *d) {
  free((char *)d->run_name);
  free((char *)d->run_id);
  free((char *)d->experiment_id);
  free((char *)d->hardware);
  free((char *)d->country);
}

void tp_attrib_trace_free(tp_attrib_trace *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n_shares; i++) {
    S_share *s = &t->shares[i];
    for (size_t d = 0; d < s->n_devs; d++) {
      free(s->devs[d].id);
      free(s->devs[d].name);
      free(s->devs[d].cell_j);
      free(s->devs[d].keep_t);
      free(s->devs[d].keep_v);
    }
    for (size_t k = 0; k < s->n_with; k++) free(s->with[k]);
    free(s->with);
    free(s->with_s);
    free(s->devs);
    free(s->bounds);
  }
  for (size_t i = 0; i < t->n_rows; i++) S_free_declared(&t->rows[i].d);
  free(t->rows);
  free(t->misses);
  free(t->devices);
  free(t->shares);
  free(t->cands);
  free(t->path);
  free(t->format);
  free(t->scope);
  free(t->host);
  free(t);
}

void tp_attrib_free(tp_attrib *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n_src; i++) tp_attrib_trace_free(a->src[i]);
  for (size_t i = 0; i < a->n_runs; i++) {
    free(a->pieces[i]);
    free(a->hw[i].path);
    free(a->hw[i].sha256);
    free(a->hw[i].format);
  }
  free(a->src);
  free(a->pieces);
  free(a->n_pieces);
  free(a->cap_pieces);
  free(a->hw);
  free(a);
}

/* "3.5 h", "12 min", "40 s", "2.1 days" for a non-negative duration. */
static const char *S_span(char buf[32], double s) {
  if (s < 120) snprintf(buf, 32, "%.0f s", s);
  else if (s < 7200) snprintf(buf, 32, "%.0f min", s / 60);
  else if (s < 172800) snprintf(buf, 32, "%.1f h", s / TP_S_PER_H);
  else snprintf(buf, 32, "%.1f days", s / TP_S_PER_DAY);
  return buf;
}

/* "2026-03-10 10:00:00 UTC" (buf: 40 bytes). */
static const char *S_utc(char buf[40], double t_s) {
  struct tm tm;
  if (!(fabs(t_s) < 253402300800.0) || !tp_utc_tm(t_s, &tm) ||
      !strftime(buf, 40, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, 40, "%.6g s", t_s);
  return buf;
}

/* ---- collecting one source ------------------------------------------------ */

/* Why window k, which the trace did not meet, got nothing from it. */
static S_miss S_why_not(const tp_energy *e, const tp_run *r, size_t run, size_t k, double lo,
                        double hi, bool has_samples) {
  size_t nd = tp_energy_n_devices(e);
  bool any_allowed = false;
  for (size_t d = 0; d < nd && !any_allowed; d++) {
    tp_energy_share s;
    tp_energy_get_share(e, k, d, &s);
    any_allowed = s.allowed;
  }
  if (!nd || !has_samples) return (S_miss){run, S_NO_SAMPLES, 0};
  if (!any_allowed) return (S_miss){run, S_OTHER_DEVICES, 0};
  if (hi < r->start_s) return (S_miss){run, S_ENDS_BEFORE, r->start_s - hi};
  if (lo > r->end_s) return (S_miss){run, S_STARTS_AFTER, lo - r->end_s};
  return (S_miss){run, S_NONE_IN, 0};
}

static char *S_why_text(const tp_attrib_trace *t, const S_miss *m, const tp_run *r) {
  char g[32];
  switch (m->why) {
    case S_OTHER_HOST:
      return tp_xasprintf("other host: it was taken on %s (the configuration's power entry), "
                          "the run ran on %s",
                          t->host ? t->host : "?", r->host ? r->host : "?");
    case S_NO_SAMPLES: return tp_xstrdup("it has no samples");
    case S_OTHER_DEVICES:
      return tp_xasprintf("other devices: it records %s, none of which the run may use "
                          "(CUDA_VISIBLE_DEVICES or the configuration's devices)",
                          t->devices ? t->devices : "none");
    case S_ENDS_BEFORE:
      return tp_xasprintf("no overlap in time: its samples end %s before the run starts",
                          S_span(g, m->gap_s));
    case S_STARTS_AFTER:
      return tp_xasprintf("no overlap in time: its samples start %s after the run ends",
                          S_span(g, m->gap_s));
    default: return tp_xstrdup("no sample of a device the run may use falls in its window");
  }
}

/* The samples the integrator kept for device d that meet run r's window: from
 * the last one at or before its start to the first at or after its end. */
static void S_keep_window(const tp_energy *e, size_t d, const tp_run *r, S_dev *dv) {
  const double *t, *v;
  size_t n = tp_energy_kept(e, d, &t, &v);
  if (!n) return;
  /* lo: the last index with t <= start (0 when none); hi: one past the first
   * with t >= end (n when none). */
  size_t a = 0, b = n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (t[m] <= r->start_s) a = m + 1;
    else b = m;
  }
  size_t lo = a ? a - 1 : 0;
  a = lo, b = n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (t[m] < r->end_s) a = m + 1;
    else b = m;
  }
  size_t hi = a < n ? a + 1 : n;
  if (hi <= lo) return;
  dv->n_keep = hi - lo;
  dv->keep_t = tp_xmalloc(dv->n_keep * sizeof *dv->keep_t);
  dv->keep_v = tp_xmalloc(dv->n_keep * sizeof *dv->keep_v);
  memcpy(dv->keep_t, t + lo, dv->n_keep * sizeof *t);
  memcpy(dv->keep_v, v + lo, dv->n_keep * sizeof *v);
}

tp_attrib_trace *tp_attrib_collect(const tp_energy *e, const tp_lab *lab, const size_t *run_index,
                                   size_t n, const tp_attrib_file *file) {
  tp_attrib_trace *t = tp_xcalloc(1, sizeof *t);
  t->path = tp_xstrdup(file->path);
  t->format = tp_xstrdup(file->format ? file->format : "trace");
  t->scope = S_dup(file->scope);
  t->host = S_dup(file->host);
  if (file->sha256 && strlen(file->sha256) < sizeof t->sha256)
    memcpy(t->sha256, file->sha256, strlen(file->sha256) + 1);
  t->size = file->size;
  t->mtime_s = file->mtime_s;
  t->lo = INFINITY;
  t->hi = -INFINITY;
  t->n_windows = n;
  t->cands = tp_xcalloc(n + 1, sizeof *t->cands);
  t->n_cands = n;
  if (n) memcpy(t->cands, run_index, n * sizeof *t->cands);
  if (!e) return t;
  t->has_energy = true;
  size_t nd = tp_energy_n_devices(e);
  for (size_t d = 0; d < nd; d++) {
    tp_energy_share s;
    tp_energy_get_share(e, (size_t)-1, d, &s);
    if (isnan(s.first_s)) continue;
    t->has_samples = true;
    if (s.first_s < t->lo) t->lo = s.first_s;
    if (s.last_s > t->hi) t->hi = s.last_s;
  }
  t->total_j = tp_energy_total_j(e);
  tp_buf ids = {0};
  for (size_t d = 0; d < nd && d < 8; d++) {
    tp_energy_share s;
    tp_energy_get_share(e, (size_t)-1, d, &s);
    tp_buf_printf(&ids, "%s%s", d ? ", " : "", s.id);
  }
  if (nd > 8) tp_buf_adds(&ids, ", ...");
  t->devices = nd ? tp_buf_detach(&ids) : NULL;
  tp_buf_free(&ids);
  t->shares = tp_xcalloc(n + 1, sizeof *t->shares);
  for (size_t k = 0; k < n; k++) {
    const tp_run *r = lab->runs[run_index[k]];
    if (!tp_energy_met(e, k) && !nd) continue; /* declared rows only: said at finish */
    if (!tp_energy_met(e, k)) {
      TP_GROW(t->misses, t->cap_misses, t->n_misses + 1);
      t->misses[t->n_misses++] = S_why_not(e, r, run_index[k], k, t->lo, t->hi, t->has_samples);
      continue;
    }
    S_share *sh = &t->shares[t->n_shares++];
    sh->run = run_index[k];
    const double *b;
    sh->n_seg = tp_energy_segments(e, k, &b);
    sh->bounds = tp_xmalloc((sh->n_seg + 1) * sizeof *sh->bounds);
    memcpy(sh->bounds, b, (sh->n_seg + 1) * sizeof *sh->bounds);
    sh->devs = tp_xcalloc(nd + 1, sizeof *sh->devs);
    bool shared = false;
    for (size_t d = 0; d < nd; d++) {
      tp_energy_share s;
      tp_energy_get_share(e, k, d, &s);
      if (!s.allowed) continue;
      S_dev *dv = &sh->devs[sh->n_devs++];
      *dv = (S_dev){.id = tp_xstrdup(s.id), .name = S_dup(s.name), .kind = s.kind,
                    .energy_j = s.energy_j, .covered_s = s.covered_s,
                    .share_s = s.share_s, .peak_w = s.peak_w,
                    .idle_w = s.idle_w, .typical_s = s.typical_s, .first_s = s.first_s,
                    .last_s = s.last_s, .shared = s.shared};
      dv->cell_j = tp_xcalloc(sh->n_seg + 1, sizeof *dv->cell_j);
      for (size_t g = 0; g < sh->n_seg; g++) dv->cell_j[g] = tp_energy_cell_j(e, k, d, g);
      dv->wrap_j = s.wrap_j;
      S_keep_window(e, d, r, dv);
      if (s.shared) shared = true;
    }
    if (!shared) continue;
    for (size_t j = 0; j < n; j++) {
      double s = j == k ? 0 : tp_energy_shared_s(e, k, j);
      if (!(s > 0)) continue;
      sh->with = tp_xrealloc(sh->with, (sh->n_with + 1) * sizeof *sh->with);
      sh->with_s = tp_xrealloc(sh->with_s, (sh->n_with + 1) * sizeof *sh->with_s);
      sh->with[sh->n_with] = tp_xstrdup(lab->runs[run_index[j]]->id);
      sh->with_s[sh->n_with++] = s;
    }
  }
  return t;
}

void tp_attrib_collect_other_host(tp_attrib_trace *t, size_t run) {
  TP_GROW(t->misses, t->cap_misses, t->n_misses + 1);
  t->misses[t->n_misses++] = (S_miss){run, S_OTHER_HOST, 0};
}

void tp_attrib_collect_declared(tp_attrib_trace *t, const tp_declared *d) {
  TP_GROW(t->rows, t->cap_rows, t->n_rows + 1);
  S_row *r = &t->rows[t->n_rows++];
  memset(r, 0, sizeof *r);
  r->d = *d;
  r->d.run_name = S_dup(d->run_name);
  r->d.run_id = S_dup(d->run_id);
  r->d.experiment_id = S_dup(d->experiment_id);
  r->d.hardware = S_dup(d->hardware);
  r->d.country = S_dup(d->country);
}

void tp_attrib_add(tp_attrib *a, tp_attrib_trace *t) {
  TP_GROW(a->src, a->cap_src, a->n_src + 1);
  a->src[a->n_src++] = t;
}

/* ---- resolving ------------------------------------------------------------ */

/* True when folder `in` is `dir` or lies below it (NULL dir: everything). */
static bool S_within(const char *in, const char *dir) {
  if (!dir) return true;
  if (!in) return false;
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  return strncmp(in, dir, n) == 0 && (in[n] == '\0' || in[n] == '/');
}

/* Rule 2: sources with the same digest are one. */
static void S_mark_duplicates(tp_attrib *a) {
  for (size_t i = 0; i < a->n_src; i++) {
    tp_attrib_trace *t = a->src[i];
    if (!t->sha256[0]) continue;
    for (size_t j = 0; j < i && !t->duplicate; j++) {
      tp_attrib_trace *u = a->src[j];
      if (u->duplicate || strcmp(u->sha256, t->sha256) != 0) continue;
      /* The wider scope is kept: its runs include the other's. */
      bool t_wider = S_within(u->scope, t->scope) && !S_within(t->scope, u->scope);
      tp_attrib_trace *drop = t_wider ? u : t, *keep = t_wider ? t : u;
      drop->duplicate = true;
      tp_diag_add(&a->lab->diags, TP_NOTE, drop->path, -1, -1,
                  "the same content (SHA-256) as %s; counted once, from that file",
                  keep->path);
    }
  }
}

static bool S_traced(const tp_run *r) {
  return r->energy.method == TP_ENERGY_INTEGRATED || r->energy.method == TP_ENERGY_MEASURED;
}

/* Is device a (of an earlier source) worse than b for the same time? */
static bool S_better(const S_dev *a, const S_dev *b) {
  if (a->kind != b->kind) return a->kind == TP_SAMPLE_ENERGY_J;
  if (fabs(a->typical_s - b->typical_s) > 1e-9 * fmax(a->typical_s, b->typical_s))
    return a->typical_s < b->typical_s;
  if (a->covered_s != b->covered_s) return a->covered_s > b->covered_s;
  return true; /* the first by order */
}

static const char *S_kind_name(const S_dev *d) {
  return d->kind == TP_SAMPLE_ENERGY_J ? "an energy counter" : "power samples";
}

/* A share of a source, in a list of every share ordered by run, then source. */
typedef struct S_ref {
  size_t run, src, share;
} S_ref;

static int S_cmp_ref(const void *x, const void *y) {
  const S_ref *a = x, *b = y;
  if (a->run != b->run) return a->run < b->run ? -1 : 1;
  if (a->src != b->src) return a->src < b->src ? -1 : 1;
  return (a->share > b->share) - (a->share < b->share);
}

/* Rule 3 between two shares of one run from sources x (earlier) and y. */
static void S_one_device(tp_run *run, const tp_attrib_trace *tx, S_share *x,
                         const tp_attrib_trace *ty, S_share *y) {
  for (size_t dx = 0; dx < x->n_devs; dx++)
    for (size_t dy = 0; dy < y->n_devs; dy++) {
      S_dev *p = &x->devs[dx], *q = &y->devs[dy];
      if (p->dropped || q->dropped || strcmp(p->id, q->id) != 0) continue;
      if (!(fmax(p->first_s, q->first_s) <= fmin(p->last_s, q->last_s))) continue;
      bool keep_p = S_better(p, q);
      S_dev *w = keep_p ? p : q, *l = keep_p ? q : p;
      const char *wp = keep_p ? tx->path : ty->path, *lp = keep_p ? ty->path : tx->path;
      l->dropped = true;
      char b1[32], b2[32];
      tp_diag_add(&run->diags, TP_NOTE, lp, -1, -1,
                  "records device %s over the same time as %s (%s every %s against %s every "
                  "%s); %s is used and this trace's %.6f kWh for %s is not added",
                  l->id, wp, S_kind_name(l), S_span(b1, l->typical_s), S_kind_name(w),
                  S_span(b2, w->typical_s), wp, l->energy_j / TP_J_PER_KWH, l->id);
    }
}

/* Rule 3 for every run: among the shares of non-duplicate sources, one trace
 * per device and time.  Shares are grouped by run first, so the cost grows
 * with the shares of each run, not with runs x sources. */
static void S_one_trace_per_device(tp_attrib *a) {
  S_ref *refs = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < a->n_src; i++) {
    if (a->src[i]->duplicate) continue;
    for (size_t k = 0; k < a->src[i]->n_shares; k++) {
      TP_GROW(refs, cap, n + 1);
      refs[n++] = (S_ref){a->src[i]->shares[k].run, i, k};
    }
  }
  if (n > 1) qsort(refs, n, sizeof *refs, S_cmp_ref);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n && refs[j].run == refs[i].run; j++) {
      if (refs[j].src == refs[i].src) continue;
      tp_attrib_trace *tx = a->src[refs[i].src], *ty = a->src[refs[j].src];
      S_one_device(a->lab->runs[refs[i].run], tx, &tx->shares[refs[i].share], ty,
                   &ty->shares[refs[j].share]);
    }
  free(refs);
}

/* The input of run for the source at path, created when missing. */
static tp_input *S_input(tp_run *run, const char *path, const char *format, uint64_t size,
                         int64_t mtime_s, const char *sha) {
  for (size_t i = 0; i < run->n_inputs; i++)
    if (strcmp(run->inputs[i].path, path) == 0) return &run->inputs[i];
  tp_input *in = tp_run_add_input(run, path, format);
  in->size = size;
  in->mtime_s = mtime_s;
  if (sha && strlen(sha) < sizeof in->sha256) memcpy(in->sha256, sha, strlen(sha) + 1);
  return in;
}

static void S_input_add(tp_input *in, double j) {
  in->energy_j = isnan(in->energy_j) ? j : in->energy_j + j;
}

/* Keep what share sh of trace t gave run (its kept devices with their
 * samples, and its pieces), when the integrator kept samples. */
static void S_record_use(tp_run *run, const tp_attrib_trace *t, const S_share *sh,
                         const tp_energy_piece *pc, size_t np) {
  bool any = false;
  for (size_t d = 0; d < sh->n_devs; d++)
    if (!sh->devs[d].dropped && sh->devs[d].n_keep) any = true;
  if (!any || !t->sha256[0]) return;
  tp_trace_use *u = tp_run_add_use(run, t->path, t->sha256);
  u->devs = tp_xcalloc(sh->n_devs, sizeof *u->devs);
  for (size_t d = 0; d < sh->n_devs; d++) {
    const S_dev *dv = &sh->devs[d];
    if (dv->dropped) continue;
    tp_use_device *o = &u->devs[u->n_devs++];
    *o = (tp_use_device){.id = tp_xstrdup(dv->id), .name = S_dup(dv->name), .kind = dv->kind,
                         .wrap_j = dv->wrap_j, .typical_s = dv->typical_s,
                         .energy_j = dv->energy_j, .covered_s = dv->covered_s,
                         .share_s = dv->share_s, .n = dv->n_keep};
    o->t_s = tp_xmalloc((dv->n_keep + 1) * sizeof *o->t_s);
    o->v = tp_xmalloc((dv->n_keep + 1) * sizeof *o->v);
    if (dv->n_keep) {
      memcpy(o->t_s, dv->keep_t, dv->n_keep * sizeof *o->t_s);
      memcpy(o->v, dv->keep_v, dv->n_keep * sizeof *o->v);
    }
  }
  if (np) {
    u->pieces = tp_xmalloc(np * sizeof *u->pieces);
    memcpy(u->pieces, pc, np * sizeof *pc);
    u->n_pieces = np;
  }
  if (sh->n_with) {
    u->split_with = tp_xcalloc(sh->n_with, sizeof *u->split_with);
    for (size_t k = 0; k < sh->n_with; k++) u->split_with[k] = tp_xstrdup(sh->with[k]);
    u->n_split_with = sh->n_with;
  }
}

/* A share's kept devices into the run's energy, inputs and pieces. */
static void S_apply_share(tp_attrib *a, const tp_attrib_trace *t, const S_share *sh) {
  tp_run *run = a->lab->runs[sh->run];
  tp_run_energy *re = &run->energy;
  size_t kept = 0;
  for (size_t d = 0; d < sh->n_devs; d++) kept += !sh->devs[d].dropped;
  if (!kept) return;
  if (!S_traced(run)) {
    re->method = TP_ENERGY_MEASURED; /* downgraded below when a power device is met */
    re->it_j = 0;
  }
  double energy = 0;
  bool shared = false;
  for (size_t d = 0; d < sh->n_devs; d++) {
    const S_dev *dv = &sh->devs[d];
    if (dv->dropped) continue;
    tp_energy_merge_device(re, dv->id, dv->name, dv->energy_j, dv->covered_s, dv->share_s,
                           dv->peak_w, dv->idle_w);
    re->it_j += dv->energy_j;
    energy += dv->energy_j;
    if (dv->kind == TP_SAMPLE_POWER_W) re->method = TP_ENERGY_INTEGRATED;
    if (dv->shared) shared = true;
  }
  S_input_add(S_input(run, t->path, t->format, t->size, t->mtime_s, t->sha256), energy);
  /* Pieces: the kept devices' energy by segment (segments with none left out). */
  size_t r = sh->run, first = a->n_pieces[r];
  for (size_t g = 0; g < sh->n_seg; g++) {
    double e = 0;
    for (size_t d = 0; d < sh->n_devs; d++)
      if (!sh->devs[d].dropped) e += sh->devs[d].cell_j[g];
    if (e == 0) continue;
    TP_GROW(a->pieces[r], a->cap_pieces[r], a->n_pieces[r] + 1);
    a->pieces[r][a->n_pieces[r]++] =
        (tp_energy_piece){.start_s = sh->bounds[g], .end_s = sh->bounds[g + 1], .energy_j = e};
  }
  S_record_use(run, t, sh, a->pieces[r] + first, a->n_pieces[r] - first);
  if (!shared) return;
  re->shared = true;
  for (size_t k = 0; k < sh->n_with; k++)
    tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                "overlaps run %s for %g s on the same devices; the energy of that "
                "time was split equally among the runs declared on them",
                sh->with[k], sh->with_s[k]);
}

static void S_resolve_traces(tp_attrib *a) {
  tp_lab *lab = a->lab;
  S_one_trace_per_device(a);
  for (size_t i = 0; i < a->n_src; i++) {
    const tp_attrib_trace *t = a->src[i];
    if (t->duplicate) continue;
    for (size_t s = 0; s < t->n_shares; s++) S_apply_share(a, t, &t->shares[s]);
  }
  for (size_t r = 0; r < lab->n_runs; r++) {
    tp_run *run = lab->runs[r];
    if (S_traced(run)) tp_energy_set_coverage(run, run->end_s - run->start_s);
  }
}

/* The last '/'-separated part of s. */
static const char *S_base(const char *s) {
  const char *b = strrchr(s, '/');
  return b ? b + 1 : s;
}

/* 2: name is the run's id or folder name; 1: it ends in "-NAME" (or "_", "/",
 * ".", ":") of one of them; 0: no match. */
static int S_name_match(const char *name, const tp_run *r) {
  const char *cand[2] = {r->id, S_base(r->id)};
  for (int k = 0; k < 2; k++)
    if (strcmp(name, cand[k]) == 0) return 2;
  size_t n = strlen(name);
  for (int k = 0; k < 2; k++) {
    size_t m = strlen(cand[k]);
    if (m && n > m && strcmp(name + n - m, cand[k]) == 0 && strchr("-_/.:", name[n - m - 1]))
      return 1;
  }
  return 0;
}

/* The one candidate run that name names, or (size_t)-1; *ambiguous when
 * several do equally well. */
static size_t S_named(const tp_attrib *a, const tp_attrib_trace *t, const char *name,
                      bool *ambiguous) {
  *ambiguous = false;
  if (!name || !name[0]) return (size_t)-1;
  size_t best = (size_t)-1;
  int best_q = 0, n_best = 0;
  for (size_t k = 0; k < t->n_cands; k++) {
    int q = S_name_match(name, a->lab->runs[t->cands[k]]);
    if (q > best_q) {
      best_q = q;
      best = t->cands[k];
      n_best = 1;
    } else if (q && q == best_q) {
      n_best++;
    }
  }
  if (n_best > 1) {
    *ambiguous = true;
    return (size_t)-1;
  }
  return best;
}

/* The run whose own folder holds the file (the deepest), or (size_t)-1. */
static size_t S_owner(const tp_attrib *a, const tp_attrib_trace *t) {
  const char *slash = strrchr(t->path, '/');
  char *dir = slash ? tp_xstrndup(t->path, (size_t)(slash - t->path)) : tp_xstrdup(".");
  size_t best = (size_t)-1, best_len = 0;
  for (size_t k = 0; k < t->n_cands; k++) {
    const tp_run *r = a->lab->runs[t->cands[k]];
    size_t len = strlen(r->dir);
    if (S_within(dir, r->dir) && len >= best_len) {
      best = t->cands[k];
      best_len = len;
    }
  }
  free(dir);
  return best;
}

static double S_overlap(double a0, double a1, double b0, double b1) {
  double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

/* Charge `j` of row w of source t to run r, or pass it over when the run has a
 * better source (noted in the run when `say`). */
static void S_charge(tp_attrib *a, tp_attrib_trace *t, S_row *w, size_t r, double j, bool say,
                     const char *how) {
  tp_run *run = a->lab->runs[r];
  w->joined = true;
  if (S_traced(run)) {
    w->passed_j += j;
    if (say)
      tp_diag_add(&run->diags, TP_NOTE, t->path, -1, w->d.line,
                  "declared energy (%.6f kWh, %s) passed over: the run's energy comes from "
                  "power traces, which take precedence (measured > integrated > declared > "
                  "estimated)",
                  j / TP_J_PER_KWH, how);
    return;
  }
  w->charged_j += j;
  tp_run_energy *re = &run->energy;
  /* The GPUs the row is for ("8 x ..."), for GPU-hours, and their part of
   * the share charged here (the row's GPU part scaled by the share). */
  double gpu_part = w->d.it_energy_j > 0 ? w->d.gpu_j * (j / w->d.it_energy_j) : NAN;
  if (re->method != TP_ENERGY_DECLARED) {
    re->method = TP_ENERGY_DECLARED;
    re->it_j = 0;
    const char *gpu_model;
    re->gpu_count = tp_estimate_leading_count(w->d.hardware, &gpu_model);
    free(re->gpu_model);
    re->gpu_model = re->gpu_count > 0 ? tp_xstrdup(gpu_model) : NULL;
    re->gpu_j = gpu_part;
  } else {
    re->gpu_j += gpu_part;
  }
  re->it_j += j;
  re->coverage = 1.0;
  S_input_add(S_input(run, t->path, t->format, t->size, t->mtime_s, t->sha256), j);
  tp_diag_add(&run->diags, TP_NOTE, t->path, -1, w->d.line,
              "energy declared by the tracking tool (%.6f kWh of IT energy, %s; its PUE %.3g "
              "divided out); no power trace covers this run",
              j / TP_J_PER_KWH, how, w->d.tool_pue);
}

static void S_resolve_row(tp_attrib *a, tp_attrib_trace *t, S_row *w) {
  const tp_declared *d = &w->d;
  size_t owner = S_owner(a, t);
  if (owner != (size_t)-1) {
    S_charge(a, t, w, owner, d->it_energy_j, true, "in the run's own folder");
    return;
  }
  const char *names[3] = {d->run_id, d->experiment_id, d->run_name};
  const char *what[3] = {"run_id", "experiment_id", "project_name"};
  for (int k = 0; k < 3; k++) {
    bool amb;
    size_t r = S_named(a, t, names[k], &amb);
    if (amb)
      tp_diag_add(&a->lab->diags, TP_WARN, t->path, -1, d->line,
                  "%s '%s' names more than one run; not used to place the row", what[k],
                  names[k]);
    if (r == (size_t)-1) continue;
    const tp_run *run = a->lab->runs[r];
    char how[160];
    snprintf(how, sizeof how, "its %s names the run", what[k]);
    if (isfinite(d->start_s) && isfinite(d->end_s) && isfinite(run->start_s) &&
        !(S_overlap(d->start_s, d->end_s, run->start_s, run->end_s) > 0)) {
      char x[40], y[40];
      tp_diag_add(&a->lab->runs[r]->diags, TP_WARN, t->path, -1, d->line,
                  "the declared row (%s to %s) names this run but does not overlap its "
                  "window; used because it names it (check the time zone)",
                  S_utc(x, d->start_s), S_utc(y, d->end_s));
    }
    S_charge(a, t, w, r, d->it_energy_j, true, how);
    return;
  }
  /* Split over the runs it overlaps, by seconds of overlap. */
  if (!isfinite(d->start_s) || !isfinite(d->end_s)) return;
  double *ov = tp_xcalloc(t->n_cands + 1, sizeof *ov), sum = 0;
  size_t n_ov = 0;
  for (size_t k = 0; k < t->n_cands; k++) {
    const tp_run *r = a->lab->runs[t->cands[k]];
    double o = S_overlap(r->start_s, r->end_s, d->start_s, d->end_s);
    double shorter = fmin(r->end_s - r->start_s, d->end_s - d->start_s);
    if (o > 0 && o >= 0.5 * shorter) {
      ov[k] = o;
      sum += o;
      n_ov++;
    }
  }
  for (size_t k = 0; k < t->n_cands && sum > 0; k++) {
    if (!(ov[k] > 0)) continue;
    char how[160];
    if (n_ov == 1) snprintf(how, sizeof how, "the one run its interval overlaps");
    else
      snprintf(how, sizeof how, "%.1f%% of the row, split over %zu runs by overlap time",
               100.0 * ov[k] / sum, n_ov);
    /* A passed-over share of a row that names no run is not noted in the run:
     * which runs it overlaps depends on which runs one scan sees. */
    S_charge(a, t, w, t->cands[k], d->it_energy_j * (ov[k] / sum), false, how);
  }
  free(ov);
}

void tp_attrib_resolve(tp_attrib *a) {
  S_mark_duplicates(a);
  S_resolve_traces(a);
  for (size_t i = 0; i < a->n_src; i++) {
    tp_attrib_trace *t = a->src[i];
    if (t->duplicate) continue;
    for (size_t k = 0; k < t->n_rows; k++) S_resolve_row(a, t, &t->rows[k]);
  }
}

void tp_attrib_hardware(tp_attrib *a, size_t run, const tp_attrib_file *file, long line) {
  if (run >= a->n_runs) return;
  S_hw *h = &a->hw[run];
  free(h->path);
  free(h->sha256);
  free(h->format);
  *h = (S_hw){.set = true, .path = tp_xstrdup(file->path), .sha256 = S_dup(file->sha256),
              .format = tp_xstrdup(file->format ? file->format : "configuration"),
              .size = file->size, .mtime_s = file->mtime_s, .line = line};
}

/* The run nearest in time to [lo, hi], and how far (0 when none). */
static const tp_run *S_nearest(const tp_lab *lab, double lo, double hi, double *gap,
                               bool *before) {
  const tp_run *best = NULL;
  *gap = INFINITY;
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    if (!isfinite(r->start_s) || !isfinite(r->end_s)) continue;
    double g = r->end_s < lo ? lo - r->end_s : r->start_s > hi ? r->start_s - hi : 0;
    if (g < *gap) {
      *gap = g;
      best = r;
      *before = r->end_s < lo;
    }
  }
  return best;
}

static void S_unjoined(tp_attrib *a, const char *path, long line, const char *what, double lo,
                       double hi, bool could) {
  char x[40], y[40], g[32];
  double gap;
  bool before = false;
  const tp_run *r = S_nearest(a->lab, lo, hi, &gap, &before);
  if (!r)
    tp_diag_add(&a->lab->diags, TP_WARN, path, -1, line,
                "%s (%s to %s) overlap no run's window; not used (no run has a window)", what,
                S_utc(x, lo), S_utc(y, hi));
  else if (gap == 0)
    tp_diag_add(&a->lab->diags, TP_WARN, path, -1, line,
                "%s (%s to %s) join no run: they overlap run %s in time, but on no device it "
                "may use; not used",
                what, S_utc(x, lo), S_utc(y, hi), r->id);
  else
    tp_diag_add(&a->lab->diags, TP_WARN, path, -1, line,
                "%s (%s to %s) overlap no run's window; not used%s; the nearest run in time is "
                "%s, which %s %s %s them",
                what, S_utc(x, lo), S_utc(y, hi), could ? "" : " (no run could use it)", r->id,
                before ? "ends" : "starts", S_span(g, gap), before ? "before" : "after");
}

/* Each run without energy: which traces were tried and why each did not
 * apply (misses grouped by run first, so the cost grows with the misses). */
static void S_say_misses(tp_attrib *a) {
  S_ref *refs = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < a->n_src; i++) {
    const tp_attrib_trace *t = a->src[i];
    if (t->duplicate) continue;
    for (size_t k = 0; k < t->n_misses; k++)
      if (a->lab->runs[t->misses[k].run]->energy.method == TP_ENERGY_NONE) {
        TP_GROW(refs, cap, n + 1);
        refs[n++] = (S_ref){t->misses[k].run, i, k};
      }
  }
  if (n > 1) qsort(refs, n, sizeof *refs, S_cmp_ref);
  for (size_t i = 0; i < n; i++) {
    const tp_attrib_trace *t = a->src[refs[i].src];
    char *why = S_why_text(t, &t->misses[refs[i].share], a->lab->runs[refs[i].run]);
    tp_diag_add(&a->lab->runs[refs[i].run]->diags, TP_NOTE, t->path, -1, -1,
                "trace tried, not applied: %s", why);
    free(why);
  }
  free(refs);
  /* Declared rows that could have reached the run but went elsewhere. */
  for (size_t i = 0; i < a->n_src; i++) {
    const tp_attrib_trace *t = a->src[i];
    if (t->duplicate || !t->n_rows) continue;
    for (size_t k = 0; k < t->n_cands; k++) {
      tp_run *run = a->lab->runs[t->cands[k]];
      if (run->energy.method == TP_ENERGY_NONE)
        tp_diag_add(&run->diags, TP_NOTE, t->path, -1, -1,
                    "declared rows tried, none applied: %zu row%s, each naming another run "
                    "or overlapping too little of this run's window",
                    t->n_rows, t->n_rows == 1 ? "" : "s");
    }
  }
}

void tp_attrib_finish(tp_attrib *a) {
  tp_lab *lab = a->lab;
  for (size_t r = 0; r < lab->n_runs; r++) {
    tp_run *run = lab->runs[r];
    const S_hw *h = &a->hw[r];
    bool given = false; /* an input already gave the estimate (the run's metadata, --hardware) */
    for (size_t k = 0; k < run->n_inputs && !given; k++) given = isfinite(run->inputs[k].energy_j);
    if (h->set && run->energy.method == TP_ENERGY_ESTIMATED && !given)
      S_input_add(S_input(run, h->path, h->format, h->size, h->mtime_s, h->sha256),
                  run->energy.it_j);
    else if (h->set && run->energy.method != TP_ENERGY_NONE &&
             run->energy.method != TP_ENERGY_ESTIMATED)
      tp_diag_add(&run->diags, TP_NOTE, h->path, -1, h->line,
                  "hardware estimate passed over: the run's energy is %s, which takes "
                  "precedence (measured > integrated > declared > estimated)",
                  run->energy.method == TP_ENERGY_DECLARED ? "declared by a tracking tool"
                                                           : "from power traces");
    if (run->energy.method != TP_ENERGY_NONE) continue;
    if (!isfinite(run->start_s)) {
      tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                  "no energy: the run has no window (no timestamps in its logs)");
      continue;
    }
    tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                "no energy: no power trace, declared figure or hardware covers this run");
  }
  S_say_misses(a);
  for (size_t i = 0; i < a->n_src; i++) {
    const tp_attrib_trace *t = a->src[i];
    if (t->duplicate) continue;
    if (t->has_samples && !t->n_shares)
      S_unjoined(a, t->path, -1, "the trace's samples", t->lo, t->hi, t->n_windows > 0);
    for (size_t k = 0; k < t->n_rows; k++) {
      const S_row *w = &t->rows[k];
      if (w->joined) continue;
      if (isfinite(w->d.start_s) && isfinite(w->d.end_s))
        S_unjoined(a, t->path, w->d.line, "the declared row's interval", w->d.start_s,
                   w->d.end_s, t->n_windows > 0);
      else
        tp_diag_add(&lab->diags, TP_WARN, t->path, -1, w->d.line,
                    "the declared row has no interval and names no run; not used");
    }
  }
}

tp_energy_piece *tp_attrib_pieces(tp_attrib *a, size_t run, size_t *n) {
  *n = run < a->n_runs ? a->n_pieces[run] : 0;
  return *n ? a->pieces[run] : NULL;
}

/* ---- runs from summaries ------------------------------------------------ */

typedef struct S_use {
  const char *sha;      /* the trace's digest */
  const char *path;
  size_t run;
} S_use;

static int S_cmp_use(const void *x, const void *y) {
  const S_use *a = x, *b = y;
  int c = strcmp(a->sha, b->sha);
  return c ? c : (a->run > b->run) - (a->run < b->run);
}

/* A device id both runs took energy from, or NULL. */
static const char *S_common_device(const tp_run *a, const tp_run *b) {
  for (size_t i = 0; i < a->energy.n_devices; i++)
    for (size_t k = 0; k < b->energy.n_devices; k++)
      if (strcmp(a->energy.devices[i].id, b->energy.devices[k].id) == 0)
        return a->energy.devices[i].id;
  return NULL;
}

/* Was run a split against run b when it was scanned (its note names b)? */
static bool S_split_against(const tp_run *a, const tp_run *b) {
  char *want = tp_xasprintf("overlaps run %s for ", b->id);
  bool found = false;
  for (size_t i = 0; i < a->diags.count && !found; i++)
    found = strstr(a->diags.items[i].message, want) != NULL;
  free(want);
  return found;
}

size_t tp_attrib_scanned_apart(tp_lab *lab) {
  S_use *u = NULL;
  size_t n = 0, cap = 0, found = 0;
  for (size_t r = 0; r < lab->n_runs; r++) {
    const tp_run *run = lab->runs[r];
    if (!S_traced(run)) continue;
    for (size_t k = 0; k < run->n_inputs; k++) {
      const tp_input *in = &run->inputs[k];
      if (!in->sha256[0] || !isfinite(in->energy_j)) continue;
      TP_GROW(u, cap, n + 1);
      u[n++] = (S_use){in->sha256, in->path, r};
    }
  }
  if (n > 1) qsort(u, n, sizeof *u, S_cmp_use);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n && strcmp(u[j].sha, u[i].sha) == 0; j++) {
      const tp_run *a = lab->runs[u[i].run], *b = lab->runs[u[j].run];
      if (a == b) continue;
      double ov = S_overlap(a->start_s, a->end_s, b->start_s, b->end_s);
      const char *dev = ov > 0 ? S_common_device(a, b) : NULL;
      if (!dev || S_split_against(a, b)) continue;
      found++;
      tp_diag_add(&lab->diags, TP_WARN, u[i].path, -1, -1,
                  "runs %s and %s were scanned apart but both took device %s of this trace "
                  "for the %g s they overlap: each is charged that time in full; scan them "
                  "together (one scan over their common folder) to split it",
                  a->id, b->id, dev, ov);
    }
  free(u);
  return found;
}

/* Did some run of lab take (or weigh and pass over) the source at file, line
 * (line < 0: a whole trace)? */
static bool S_joined_elsewhere(const tp_lab *lab, const char *file, int64_t line) {
  for (size_t r = 0; r < lab->n_runs; r++) {
    const tp_run *run = lab->runs[r];
    for (size_t k = 0; line < 0 && k < run->n_inputs; k++)
      if (strcmp(run->inputs[k].path, file) == 0 && isfinite(run->inputs[k].energy_j))
        return true;
    for (size_t k = 0; k < run->diags.count; k++) {
      const tp_diag *g = &run->diags.items[k];
      if (g->file && strcmp(g->file, file) == 0 && g->line == line &&
          !strstr(g->message, "not applied"))
        return true;
    }
  }
  return false;
}

size_t tp_attrib_drop_joined_elsewhere(tp_lab *lab) {
  size_t kept = 0, dropped = 0;
  for (size_t i = 0; i < lab->diags.count; i++) {
    tp_diag *g = &lab->diags.items[i];
    bool unjoined = g->severity == TP_WARN && g->file &&
                    (strstr(g->message, " overlap no run's window; not used") ||
                     strstr(g->message, " join no run: "));
    if (unjoined && S_joined_elsewhere(lab, g->file, g->line)) {
      lab->diags.n_by_severity[g->severity]--;
      free(g->file);
      free(g->message);
      dropped++;
      continue;
    }
    lab->diags.items[kept++] = *g;
  }
  lab->diags.count = kept;
  return dropped;
}

/* ---- invariants ------------------------------------------------------------ */

static double S_tol(double x) { return 1e-3 + 1e-9 * fabs(x); }

/* What the inputs of all runs say `path` gave them, J. */
static double S_given(const tp_lab *lab, const char *path) {
  double sum = 0;
  for (size_t i = 0; i < lab->n_runs; i++)
    for (size_t k = 0; k < lab->runs[i]->n_inputs; k++) {
      const tp_input *in = &lab->runs[i]->inputs[k];
      if (isfinite(in->energy_j) && strcmp(in->path, path) == 0) sum += in->energy_j;
    }
  return sum;
}

size_t tp_attrib_check(const tp_lab *lab, const tp_attrib *a, double now_s, tp_diags *out) {
  size_t n0 = out->count;
  for (size_t i = 0; a && i < a->n_src; i++) {
    const tp_attrib_trace *t = a->src[i];
    if (t->duplicate) {
      double g = S_given(lab, t->path);
      if (g > 0)
        tp_diag_add(out, TP_ERROR, t->path, -1, -1,
                    "invariant: a duplicate source gave runs %.3f J", g);
      continue;
    }
    double rows = 0;
    for (size_t k = 0; k < t->n_rows; k++) {
      const S_row *w = &t->rows[k];
      rows += w->d.it_energy_j;
      if (w->charged_j + w->passed_j > w->d.it_energy_j + S_tol(w->d.it_energy_j))
        tp_diag_add(out, TP_ERROR, t->path, -1, w->d.line,
                    "invariant: declared row used more than once (%.3f J charged, %.3f J "
                    "passed over, of %.3f J)",
                    w->charged_j, w->passed_j, w->d.it_energy_j);
    }
    double limit = (t->has_energy ? t->total_j : 0) + rows;
    double g = S_given(lab, t->path);
    if (g > limit + S_tol(limit))
      tp_diag_add(out, TP_ERROR, t->path, -1, -1,
                  "invariant: runs were given %.3f J from this source, which holds %.3f J "
                  "in their windows",
                  g, limit);
  }
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    const tp_run_energy *e = &r->energy;
    if (isfinite(r->start_s) &&
        (r->start_s < S_EPOCH_1990 || r->end_s > now_s + TP_S_PER_DAY || r->end_s < r->start_s)) {
      char x[40], y[40];
      tp_diag_add(out, TP_ERROR, r->dir, -1, -1,
                  "invariant: run %s has the window %s to %s, outside 1990-01-01 .. now + 1 "
                  "day",
                  r->id, S_utc(x, r->start_s), S_utc(y, r->end_s));
    }
    if (e->method == TP_ENERGY_NONE) continue;
    if (e->method == TP_ENERGY_INTEGRATED || e->method == TP_ENERGY_MEASURED) {
      double sum = 0, dur = r->end_s - r->start_s;
      for (size_t d = 0; d < e->n_devices; d++) {
        const tp_device_energy *dv = &e->devices[d];
        sum += dv->energy_j;
        if (isfinite(dv->peak_w) && dur > 0 &&
            dv->energy_j > dv->peak_w * dur + S_tol(dv->peak_w * dur))
          tp_diag_add(out, TP_ERROR, r->dir, -1, -1,
                      "invariant: run %s has %.3f J from device %s, more than its peak %.3f W "
                      "over the window draws",
                      r->id, dv->energy_j, dv->id, dv->peak_w);
      }
      if (fabs(sum - e->it_j) > S_tol(e->it_j))
        tp_diag_add(out, TP_ERROR, r->dir, -1, -1,
                    "invariant: run %s has %.3f J of IT energy but its devices add up to %.3f J",
                    r->id, e->it_j, sum);
    }
    double given = 0;
    size_t n_given = 0;
    for (size_t k = 0; k < r->n_inputs; k++)
      if (isfinite(r->inputs[k].energy_j)) {
        given += r->inputs[k].energy_j;
        n_given++;
      }
    if (!n_given)
      tp_diag_add(out, TP_ERROR, r->dir, -1, -1,
                  "invariant: run %s has energy but no input that gave it", r->id);
    else if (fabs(given - e->it_j) > S_tol(e->it_j))
      tp_diag_add(out, TP_ERROR, r->dir, -1, -1,
                  "invariant: run %s has %.3f J of IT energy but its inputs gave %.3f J",
                  r->id, e->it_j, given);
  }
  return out->count - n0;
}

bool tp_attrib_check_wanted(void) {
#ifndef NDEBUG
  return true;
#else
  const char *v = getenv("TRAINPRINT_CHECK");
  return v && strcmp(v, "1") == 0;
#endif
}

void tp_attrib_check_or_abort(const tp_lab *lab, const tp_attrib *a) {
  tp_diags d = {0};
  if (tp_attrib_check(lab, a, (double)time(NULL), &d)) {
    fprintf(stderr, "trainprint: internal error: the finished report breaks %zu invariant%s:\n",
            d.count, d.count == 1 ? "" : "s");
    tp_diag_print_all(stderr, &d);
    tp_diag_free(&d);
    abort();
  }
  tp_diag_free(&d);
}
