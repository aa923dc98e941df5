/* attrib: the attribution ledger - collecting sources, identical files,
 * one trace per device and the traces' shares (see attrib.h for the contract,
 * attrib_impl.h for how the ledger's files divide it). */
#include "model/attrib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/attrib_impl.h"
#include "model/jobspans.h"
#include "model/mem.h"
#include "model/slurmjob.h"
#include "model/units.h"
#include "model/utctime.h"

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
    tp_attrib_share *s = &t->shares[i];
    for (size_t d = 0; d < s->n_devs; d++) {
      free(s->devs[d].id);
      free(s->devs[d].name);
      free(s->devs[d].cell_j);
      free(s->devs[d].keep_t);
      free(s->devs[d].keep_v);
    }
    tp_use_holds_free(s->holds, s->n_holds);
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

/* ---- helpers the ledger's files share (attrib_impl.h) ------------------ */

/* "3.5 h", "12 min", "40 s", "2.1 days" for a non-negative duration. */
const char *tp_attrib_span(char buf[32], double s) {
  if (s < 120) snprintf(buf, 32, "%.0f s", s);
  else if (s < 7200) snprintf(buf, 32, "%.0f min", s / 60);
  else if (s < 172800) snprintf(buf, 32, "%.1f h", s / TP_S_PER_H);
  else snprintf(buf, 32, "%.1f days", s / TP_S_PER_DAY);
  return buf;
}

/* "2026-03-10 10:00:00 UTC" (buf: 40 bytes). */
const char *tp_attrib_utc(char buf[40], double t_s) {
  struct tm tm;
  if (!(fabs(t_s) < 253402300800.0) || !tp_utc_tm(t_s, &tm) ||
      !strftime(buf, 40, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, 40, "%.6g s", t_s);
  return buf;
}

/* ---- collecting one source ------------------------------------------------ */

/* Why window k, which the trace did not meet, got nothing from it. */
static tp_attrib_miss S_why_not(const tp_energy *e, const tp_run *r, size_t run, size_t k,
                                double lo, double hi, bool has_samples) {
  size_t nd = tp_energy_n_devices(e);
  bool any_allowed = false;
  for (size_t d = 0; d < nd && !any_allowed; d++) {
    tp_energy_share s;
    tp_energy_get_share(e, k, d, &s);
    any_allowed = s.allowed;
  }
  if (!nd || !has_samples) return (tp_attrib_miss){run, TP_ATTRIB_NO_SAMPLES, 0};
  if (!any_allowed) return (tp_attrib_miss){run, TP_ATTRIB_OTHER_DEVICES, 0};
  if (hi < r->start_s) return (tp_attrib_miss){run, TP_ATTRIB_ENDS_BEFORE, r->start_s - hi};
  if (lo > r->end_s) return (tp_attrib_miss){run, TP_ATTRIB_STARTS_AFTER, lo - r->end_s};
  return (tp_attrib_miss){run, TP_ATTRIB_NONE_IN, 0};
}

/* The samples the integrator kept for device d that meet run r's window: from
 * the last one at or before its start to the first at or after its end. */
static void S_keep_window(const tp_energy *e, size_t d, const tp_run *r, tp_attrib_dev *dv) {
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

/* For the run of a job whose samples were kept (`scan`): the holds of the
 * trace on the share's devices that meet the run's window, whatever their
 * job, so that render can charge the run by the labels again beside runs
 * scanned apart (model/resplit.h).  Those are all a later integration of the
 * window needs: which devices it may use when, and whether a hold names its
 * job at all. */
static void S_keep_holds(const tp_energy *e, const tp_run *r, tp_attrib_share *sh) {
  bool kept = false;
  for (size_t d = 0; d < sh->n_devs; d++) kept = kept || sh->devs[d].n_keep;
  if (!r->job || !kept) return;
  sh->holds_kept = true;
  size_t nh = tp_energy_n_holds(e);
  for (size_t k = 0; k < nh; k++) {
    tp_energy_hold h;
    tp_energy_get_hold(e, k, &h);
    bool mine = false;
    for (size_t d = 0; d < sh->n_devs && !mine; d++) mine = strcmp(sh->devs[d].id, h.device) == 0;
    if (!mine || h.end_s < r->start_s || h.start_s > r->end_s) continue;
    sh->holds = tp_xrealloc(sh->holds, (sh->n_holds + 1) * sizeof *sh->holds);
    sh->holds[sh->n_holds++] =
        (tp_use_hold){tp_xstrdup(h.device), tp_xstrdup(h.job), h.start_s, h.end_s};
  }
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
    tp_attrib_share *sh = &t->shares[t->n_shares++];
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
      tp_attrib_dev *dv = &sh->devs[sh->n_devs++];
      *dv = (tp_attrib_dev){.id = tp_xstrdup(s.id), .name = S_dup(s.name), .kind = s.kind,
                    .energy_j = s.energy_j, .covered_s = s.covered_s,
                    .share_s = s.share_s, .peak_w = s.peak_w,
                    .idle_w = s.idle_w, .typical_s = s.typical_s, .first_s = s.first_s,
                    .last_s = s.last_s, .shared = s.shared, .field = s.field};
      dv->cell_j = tp_xcalloc(sh->n_seg + 1, sizeof *dv->cell_j);
      for (size_t g = 0; g < sh->n_seg; g++) dv->cell_j[g] = tp_energy_cell_j(e, k, d, g);
      dv->wrap_j = s.wrap_j;
      S_keep_window(e, d, r, dv);
      if (s.shared) shared = true;
    }
    S_keep_holds(e, r, sh);
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
  t->misses[t->n_misses++] = (tp_attrib_miss){run, TP_ATTRIB_OTHER_HOST, 0};
}

void tp_attrib_collect_declared(tp_attrib_trace *t, const tp_declared *d) {
  TP_GROW(t->rows, t->cap_rows, t->n_rows + 1);
  tp_attrib_row *r = &t->rows[t->n_rows++];
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
bool tp_attrib_within(const char *in, const char *dir) {
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
      bool t_wider = tp_attrib_within(u->scope, t->scope) && !tp_attrib_within(t->scope, u->scope);
      tp_attrib_trace *drop = t_wider ? u : t, *keep = t_wider ? t : u;
      drop->duplicate = true;
      tp_diag_add(&a->lab->diags, TP_NOTE, drop->path, -1, -1,
                  "the same content (SHA-256) as %s; counted once, from that file",
                  keep->path);
    }
  }
}

bool tp_attrib_traced(const tp_run *r) {
  return r->energy.method == TP_ENERGY_INTEGRATED || r->energy.method == TP_ENERGY_MEASURED;
}

/* Is device a (of an earlier source) worse than b for the same time? */
static bool S_better(const tp_attrib_dev *a, const tp_attrib_dev *b) {
  if (a->kind != b->kind) return a->kind == TP_SAMPLE_ENERGY_J;
  if (fabs(a->typical_s - b->typical_s) > 1e-9 * fmax(a->typical_s, b->typical_s))
    return a->typical_s < b->typical_s;
  if (a->covered_s != b->covered_s) return a->covered_s > b->covered_s;
  return true; /* the first by order */
}

static const char *S_kind_name(const tp_attrib_dev *d) {
  return d->kind == TP_SAMPLE_ENERGY_J ? "an energy counter" : "power samples";
}

int tp_attrib_cmp_ref(const void *x, const void *y) {
  const tp_attrib_ref *a = x, *b = y;
  if (a->run != b->run) return a->run < b->run ? -1 : 1;
  if (a->src != b->src) return a->src < b->src ? -1 : 1;
  return (a->share > b->share) - (a->share < b->share);
}

/* Rule 3 between two shares of one run from sources x (earlier) and y: a
 * device is its host and its id, so gpu0 of two traces that declare
 * different hosts is two devices, neither dropped. */
static void S_one_device(tp_run *run, const tp_attrib_trace *tx, tp_attrib_share *x,
                         const tp_attrib_trace *ty, tp_attrib_share *y) {
  for (size_t dx = 0; dx < x->n_devs; dx++)
    for (size_t dy = 0; dy < y->n_devs; dy++) {
      tp_attrib_dev *p = &x->devs[dx], *q = &y->devs[dy];
      if (p->dropped || q->dropped || !tp_energy_same_device(p->id, tx->host, q->id, ty->host))
        continue;
      /* Spans that only touch (a file split in time, its boundary sample in both) are
       * consecutive, not two recordings of one time. */
      if (!(fmax(p->first_s, q->first_s) < fmin(p->last_s, q->last_s))) continue;
      bool keep_p = S_better(p, q);
      tp_attrib_dev *w = keep_p ? p : q, *l = keep_p ? q : p;
      const char *wp = keep_p ? tx->path : ty->path, *lp = keep_p ? ty->path : tx->path;
      l->dropped = true;
      char b1[32], b2[32];
      tp_diag_add(&run->diags, TP_NOTE, lp, -1, -1,
                  "records device %s over the same time as %s (%s every %s against %s every "
                  "%s); %s is used and this trace's %.6f kWh for %s is not added",
                  l->id, wp, S_kind_name(l), tp_attrib_span(b1, l->typical_s), S_kind_name(w),
                  tp_attrib_span(b2, w->typical_s), wp, l->energy_j / TP_J_PER_KWH, l->id);
    }
}

/* Rule 3 for every run: among the shares of non-duplicate sources, one trace
 * per device and time.  Shares are grouped by run first, so the cost grows
 * with the shares of each run, not with runs x sources. */
static void S_one_trace_per_device(tp_attrib *a) {
  tp_attrib_ref *refs = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < a->n_src; i++) {
    if (a->src[i]->duplicate) continue;
    for (size_t k = 0; k < a->src[i]->n_shares; k++) {
      TP_GROW(refs, cap, n + 1);
      refs[n++] = (tp_attrib_ref){a->src[i]->shares[k].run, i, k};
    }
  }
  if (n > 1) qsort(refs, n, sizeof *refs, tp_attrib_cmp_ref);
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
tp_input *tp_attrib_input(tp_run *run, const char *path, const char *format, uint64_t size,
                          int64_t mtime_s, const char *sha) {
  for (size_t i = 0; i < run->n_inputs; i++)
    if (strcmp(run->inputs[i].path, path) == 0) return &run->inputs[i];
  tp_input *in = tp_run_add_input(run, path, format);
  in->size = size;
  in->mtime_s = mtime_s;
  if (sha && strlen(sha) < sizeof in->sha256) memcpy(in->sha256, sha, strlen(sha) + 1);
  return in;
}

void tp_attrib_input_add(tp_input *in, double j) {
  in->energy_j = isnan(in->energy_j) ? j : in->energy_j + j;
}

/* Keep what share sh of trace t gave run (its kept devices with their
 * samples, and its pieces), when the integrator kept samples. */
static void S_record_use(tp_run *run, const tp_attrib_trace *t, const tp_attrib_share *sh,
                         const tp_energy_piece *pc, size_t np) {
  bool any = false;
  for (size_t d = 0; d < sh->n_devs; d++)
    if (!sh->devs[d].dropped && sh->devs[d].n_keep) any = true;
  if (!any || !t->sha256[0]) return;
  tp_trace_use *u = tp_run_add_use(run, t->path, t->sha256);
  u->host = S_dup(t->host);
  u->devs = tp_xcalloc(sh->n_devs, sizeof *u->devs);
  for (size_t d = 0; d < sh->n_devs; d++) {
    const tp_attrib_dev *dv = &sh->devs[d];
    if (dv->dropped) continue;
    tp_use_device *o = &u->devs[u->n_devs++];
    *o = (tp_use_device){.id = tp_xstrdup(dv->id), .name = S_dup(dv->name), .kind = dv->kind,
                         .wrap_j = dv->wrap_j, .typical_s = dv->typical_s,
                         .energy_j = dv->energy_j, .covered_s = dv->covered_s,
                         .share_s = dv->share_s, .n = dv->n_keep, .field = dv->field};
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
  u->holds_kept = sh->holds_kept;
  if (sh->n_holds) {
    u->holds = tp_xcalloc(sh->n_holds, sizeof *u->holds);
    for (size_t k = 0; k < sh->n_holds; k++)
      u->holds[k] = (tp_use_hold){tp_xstrdup(sh->holds[k].device), tp_xstrdup(sh->holds[k].job),
                                  sh->holds[k].start_s, sh->holds[k].end_s};
    u->n_holds = sh->n_holds;
  }
  if (sh->n_with) {
    u->split_with = tp_xcalloc(sh->n_with, sizeof *u->split_with);
    for (size_t k = 0; k < sh->n_with; k++) u->split_with[k] = tp_xstrdup(sh->with[k]);
    u->n_split_with = sh->n_with;
  }
}

/* A share's kept devices into the run's energy, inputs and pieces. */
static void S_apply_share(tp_attrib *a, const tp_attrib_trace *t, const tp_attrib_share *sh) {
  tp_run *run = a->lab->runs[sh->run];
  tp_run_energy *re = &run->energy;
  size_t kept = 0;
  for (size_t d = 0; d < sh->n_devs; d++) kept += !sh->devs[d].dropped;
  if (!kept) return;
  if (!tp_attrib_traced(run)) {
    re->method = TP_ENERGY_MEASURED; /* downgraded below when a power device is met */
    re->it_j = 0;
  }
  double energy = 0;
  bool shared = false;
  for (size_t d = 0; d < sh->n_devs; d++) {
    const tp_attrib_dev *dv = &sh->devs[d];
    if (dv->dropped) continue;
    tp_device_energy *de = tp_energy_merge_device(re, dv->id, dv->name, t->host, dv->energy_j,
                                                  dv->covered_s, dv->share_s, dv->peak_w,
                                                  dv->idle_w);
    if (dv->field != TP_FIELD_UNSAID) de->field = dv->field;
    re->it_j += dv->energy_j;
    energy += dv->energy_j;
    if (dv->kind == TP_SAMPLE_POWER_W) re->method = TP_ENERGY_INTEGRATED;
    if (dv->shared) shared = true;
  }
  tp_attrib_input_add(tp_attrib_input(run, t->path, t->format, t->size, t->mtime_s, t->sha256),
                      energy);
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
    if (tp_attrib_traced(run)) tp_job_spans_set_coverage(run);
  }
}

double tp_attrib_overlap_s(double a0, double a1, double b0, double b1) {
  double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}


void tp_attrib_resolve(tp_attrib *a) {
  S_mark_duplicates(a);
  S_resolve_traces(a);
  for (size_t i = 0; i < a->n_src; i++) {
    tp_attrib_trace *t = a->src[i];
    if (t->duplicate) continue;
    for (size_t k = 0; k < t->n_rows; k++) tp_attrib_resolve_row(a, t, &t->rows[k]);
  }
}

void tp_attrib_hardware(tp_attrib *a, size_t run, const tp_attrib_file *file, long line) {
  if (run >= a->n_runs) return;
  tp_attrib_hw *h = &a->hw[run];
  free(h->path);
  free(h->sha256);
  free(h->format);
  *h = (tp_attrib_hw){.set = true, .path = tp_xstrdup(file->path), .sha256 = S_dup(file->sha256),
              .format = tp_xstrdup(file->format ? file->format : "configuration"),
              .size = file->size, .mtime_s = file->mtime_s, .line = line};
}

tp_energy_piece *tp_attrib_pieces(tp_attrib *a, size_t run, size_t *n) {
  *n = run < a->n_runs ? a->n_pieces[run] : 0;
  return *n ? a->pieces[run] : NULL;
}
