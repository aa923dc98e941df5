/* resplit: runs scanned apart that shared a trace, split again (see resplit.h). */
#include "model/resplit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/carbon.h"
#include "model/energy.h"
#include "model/jobgpus.h"
#include "model/jobspans.h"
#include "model/mem.h"
#include "model/runspill.h"
#include "model/slurmjob.h"

/* One trace use of one run, in a list sorted by digest. */
typedef struct S_entry {
  const char *sha;
  size_t run;            /* lab index */
  size_t use;            /* index in the run's uses */
} S_entry;

static int S_cmp_entry(const void *x, const void *y) {
  const S_entry *a = x, *b = y;
  int c = strcmp(a->sha, b->sha);
  if (c) return c;
  if (a->run != b->run) return a->run < b->run ? -1 : 1;
  return (a->use > b->use) - (a->use < b->use);
}

static tp_trace_use *S_use(tp_lab *lab, const S_entry *e) {
  return &lab->runs[e->run]->uses[e->use];
}

static bool S_names(const tp_trace_use *u, const char *id) {
  for (size_t k = 0; k < u->n_split_with; k++)
    if (strcmp(u->split_with[k], id) == 0) return true;
  return false;
}

static bool S_traced(const tp_run *r) {
  return r->energy.method == TP_ENERGY_INTEGRATED || r->energy.method == TP_ENERGY_MEASURED;
}

/* Does all of the run's energy come from kept uses (so that it can be
 * summed and priced again from them)? */
static bool S_complete(const tp_run *r) {
  if (!S_traced(r) || !r->n_uses || !isfinite(r->energy.it_j)) return false;
  double sum = 0;
  for (size_t i = 0; i < r->n_uses; i++)
    for (size_t d = 0; d < r->uses[i].n_devs; d++) {
      if (!isfinite(r->uses[i].devs[d].typical_s)) return false;
      sum += r->uses[i].devs[d].energy_j;
    }
  return fabs(sum - r->energy.it_j) <= 1e-6 + 1e-9 * fabs(r->energy.it_j);
}

/* Was run r charged by a trace's job labels (model/jobgpus.h) while its use u
 * of the trace kept no holds (a summary of an older scan)?  Then which times
 * of a device were its is not known: its group is not integrated again (runs
 * scanned together come out as they were). */
static bool S_labels_unknown(const tp_run *r, const tp_trace_use *u) {
  const char *src = r->job ? r->job->gpu_source : NULL;
  return !u->holds_kept && src &&
         (strcmp(src, TP_GPUS_LABEL) == 0 || strcmp(src, TP_GPUS_CVD) == 0);
}

/* Do two runs of group g[0..n) overlap in time?  Then integrate again: runs
 * scanned apart that shared a device are split, and runs on other devices
 * get the segments (cut at each other's points) that one scan of them all
 * cuts, so that figures are the same to the last bit.  Runs scanned together
 * come out as they were. */
static bool S_needs_split(tp_lab *lab, const S_entry *g, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (S_labels_unknown(lab->runs[g[i].run], S_use(lab, &g[i]))) return false;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      const tp_run *a = lab->runs[g[i].run], *b = lab->runs[g[j].run];
      if (a != b && fmin(a->end_s, b->end_s) > fmax(a->start_s, b->start_s)) return true;
    }
  return false;
}

static int S_cmp_hold(const void *x, const void *y) {
  const tp_use_hold *a = *(const tp_use_hold *const *)x, *b = *(const tp_use_hold *const *)y;
  int c = strcmp(a->device, b->device);
  if (!c) c = strcmp(a->job, b->job);
  if (!c) c = (a->start_s > b->start_s) - (a->start_s < b->start_s);
  if (!c) c = (a->end_s > b->end_s) - (a->end_s < b->end_s);
  return c;
}

/* The holds the group's runs kept of the trace (which job held which device
 * when), each once: together, those of every device a run of the group used
 * in its window, as the one scan of them all had them.  A new array (caller
 * frees) of *count pointers into the uses. */
static const tp_use_hold **S_group_holds(tp_lab *lab, const S_entry *g, size_t n,
                                         size_t *count) {
  const tp_use_hold **v = NULL;
  size_t m = 0, cap = 0;
  for (size_t i = 0; i < n; i++) {
    const tp_trace_use *u = S_use(lab, &g[i]);
    for (size_t k = 0; k < u->n_holds; k++) {
      TP_GROW(v, cap, m + 1);
      v[m++] = &u->holds[k];
    }
  }
  if (m > 1) qsort(v, m, sizeof *v, S_cmp_hold);
  size_t kept = 0;
  for (size_t k = 0; k < m; k++)
    if (kept == 0 || S_cmp_hold(&v[k], &v[kept - 1]) != 0) v[kept++] = v[k];
  *count = kept;
  return v;
}

/* Segment cuts for the group: the edges of the holds, the points of each
 * run's main metric, its target's time, its intensity rows and its pieces'
 * edges, as one scan of them all would have cut. */
static double *S_cuts(const tp_lab *lab, const S_entry *g, size_t n, const tp_use_hold **holds,
                      size_t n_holds, size_t *n_cuts) {
  double *cuts = NULL;
  size_t nc = 0, cap = 0;
  for (size_t k = 0; k < n_holds; k++) { /* a hold's edges: segments lie in or out of it */
    TP_GROW(cuts, cap, nc + 2);
    cuts[nc++] = holds[k]->start_s;
    cuts[nc++] = holds[k]->end_s;
  }
  for (size_t i = 0; i < n; i++) {
    const tp_run *r = lab->runs[g[i].run];
    const tp_series *ms = tp_lab_main_series(lab, r);
    tp_runspill_hold_points(r);
    for (size_t p = 0; ms && p < ms->count; p++)
      if (isfinite(ms->points[p].wall_time_s)) {
        TP_GROW(cuts, cap, nc + 1);
        cuts[nc++] = ms->points[p].wall_time_s;
      }
    tp_runspill_release_points(r);
    if (r->target.reached && isfinite(r->target.time_s)) {
      TP_GROW(cuts, cap, nc + 1);
      cuts[nc++] = r->start_s + r->target.time_s;
    }
    for (size_t k = 0; k < r->n_intensity_rows; k++) {
      TP_GROW(cuts, cap, nc + 1);
      cuts[nc++] = r->intensity_rows[k].t_s;
    }
    /* The edges of the pieces the scans made: their cuts at every point of
     * the main metric before it was thinned, so that the segments are the
     * very ones one scan of all the runs makes (and the sums the same). */
    tp_job_spans_add_cuts(r->job, &cuts, &nc, &cap); /* a moved job's records */
    const tp_trace_use *u = &r->uses[g[i].use];
    for (size_t k = 0; k < u->n_pieces; k++) {
      TP_GROW(cuts, cap, nc + 2);
      cuts[nc++] = u->pieces[k].start_s;
      cuts[nc++] = u->pieces[k].end_s;
    }
  }
  *n_cuts = nc;
  return cuts;
}

/* A kept sample, for merging the runs' copies of one device. */
typedef struct S_sample {
  double t, v;
} S_sample;

static int S_cmp_sample(const void *x, const void *y) {
  double a = ((const S_sample *)x)->t, b = ((const S_sample *)y)->t;
  return (a > b) - (a < b);
}

/* Register device `id` in e and stream the union of every copy the group's
 * runs kept (each copy is a run of consecutive samples of one trace, so equal
 * times hold equal values). */
static void S_feed_device(tp_energy *e, tp_lab *lab, const S_entry *g, size_t n, const char *id) {
  const tp_use_device *first = NULL;
  S_sample *all = NULL;
  size_t m = 0, cap = 0;
  for (size_t i = 0; i < n; i++) {
    const tp_trace_use *u = S_use(lab, &g[i]);
    for (size_t d = 0; d < u->n_devs; d++) {
      const tp_use_device *dv = &u->devs[d];
      if (strcmp(dv->id, id) != 0) continue;
      if (!first) first = dv;
      for (size_t k = 0; k < dv->n; k++) {
        TP_GROW(all, cap, m + 1);
        all[m++] = (S_sample){dv->t_s[k], dv->v[k]};
      }
    }
  }
  if (!first) return;
  if (m > 1) qsort(all, m, sizeof *all, S_cmp_sample);
  int h = tp_energy_device(e, first->id, first->name, first->kind,
                           isfinite(first->wrap_j) ? first->wrap_j : 0);
  tp_energy_device_typical(e, h, first->typical_s);
  for (size_t k = 0; k < m; k++)
    if (k == 0 || all[k].t != all[k - 1].t) tp_energy_sample(e, h, all[k].t, all[k].v);
  free(all);
}

/* The devices (ids) of the group, in order of first appearance. */
static char **S_device_ids(tp_lab *lab, const S_entry *g, size_t n, size_t *count) {
  char **ids = NULL;
  size_t m = 0, cap = 0;
  for (size_t i = 0; i < n; i++) {
    const tp_trace_use *u = S_use(lab, &g[i]);
    for (size_t d = 0; d < u->n_devs; d++) {
      bool seen = false;
      for (size_t k = 0; k < m && !seen; k++) seen = strcmp(ids[k], u->devs[d].id) == 0;
      if (seen) continue;
      TP_GROW(ids, cap, m + 1);
      ids[m++] = u->devs[d].id;
    }
  }
  *count = m;
  return ids;
}

/* Which run of group g[0..n) a note "overlaps run ID for ..." names: its
 * index, n for a run of no group (a partner on another trace), n + 1 for a
 * note of another kind. */
static size_t S_partner(const tp_lab *lab, const S_entry *g, size_t n, const char *msg) {
  if (strncmp(msg, "overlaps run ", 13) != 0) return n + 1;
  for (size_t j = 0; j < n; j++) {
    const char *id = lab->runs[g[j].run]->id;
    size_t len = strlen(id);
    if (strncmp(msg + 13, id, len) == 0 && strncmp(msg + 13 + len, " for ", 5) == 0) return j;
  }
  return n;
}

/* Move the note on partner j of group g[0..n), just added to d, where
 * `report` writes it: among the notes on partners in the order of the runs
 * (before the first on a later run of the group, else after the last),
 * else before the note on the coverage (written once every trace was shared
 * out), else last. */
static void S_place_note(tp_diags *d, const tp_lab *lab, const S_entry *g, size_t n, size_t j) {
  size_t last = d->count - 1, at = last;
  bool placed = false, partners = false;
  for (size_t k = 0; k < last && !placed; k++) {
    size_t p = S_partner(lab, g, n, d->items[k].message);
    if (p > n) continue;
    partners = true;
    at = k + 1;
    if (p < n && p > j) {
      at = k;
      placed = true;
    }
  }
  for (size_t k = 0; k < last && !partners && at == last; k++)
    if (strncmp(d->items[k].message, "power traces cover ", 19) == 0) at = k;
  tp_diag note = d->items[last];
  memmove(&d->items[at + 1], &d->items[at], (last - at) * sizeof *d->items);
  d->items[at] = note;
}

/* Window k's new figures from e into use u of run r; notes for new partners. */
static void S_take(tp_lab *lab, const S_entry *g, size_t n, size_t k, const tp_energy *e) {
  tp_run *r = lab->runs[g[k].run];
  tp_trace_use *u = S_use(lab, &g[k]);
  size_t nd = tp_energy_n_devices(e);
  bool shared = false;
  for (size_t d = 0; d < nd; d++) {
    tp_energy_share s;
    tp_energy_get_share(e, k, d, &s);
    if (!s.allowed) continue;
    for (size_t x = 0; x < u->n_devs; x++) {
      if (strcmp(u->devs[x].id, s.id) != 0) continue;
      u->devs[x].energy_j = s.energy_j;
      u->devs[x].covered_s = s.covered_s;
      u->devs[x].share_s = s.share_s;
    }
    if (s.shared) shared = true;
  }
  /* The use's pieces: its devices' energy by segment of the window. */
  const double *b;
  size_t nseg = tp_energy_segments(e, k, &b), np = 0;
  free(u->pieces);
  u->pieces = tp_xmalloc((nseg + 1) * sizeof *u->pieces);
  for (size_t s = 0; s < nseg; s++) {
    double j = 0;
    for (size_t d = 0; d < nd; d++) {
      tp_energy_share sh;
      tp_energy_get_share(e, k, d, &sh);
      if (sh.allowed) j += tp_energy_cell_j(e, k, d, s);
    }
    if (j != 0) u->pieces[np++] = (tp_energy_piece){b[s], b[s + 1], j};
  }
  u->n_pieces = np;
  if (!shared) return;
  r->energy.shared = true;
  for (size_t j = 0; j < n; j++) {
    const tp_run *o = lab->runs[g[j].run];
    double sec = j == k ? 0 : tp_energy_shared_s(e, k, j);
    if (!(sec > 0) || S_names(u, o->id)) continue;
    u->split_with = tp_xrealloc(u->split_with, (u->n_split_with + 1) * sizeof *u->split_with);
    u->split_with[u->n_split_with++] = tp_xstrdup(o->id);
    tp_diag_add(&r->diags, TP_NOTE, r->dir, -1, -1,
                "overlaps run %s for %g s on the same devices; the energy of that "
                "time was split equally among the runs declared on them",
                o->id, sec);
    S_place_note(&r->diags, lab, g, n, j);
  }
}

/* Integrate the group's kept samples again over all its windows. */
static void S_split_group(tp_lab *lab, const S_entry *g, size_t n) {
  tp_energy_window *w = tp_xcalloc(n, sizeof *w);
  tp_energy_holes *holes = tp_xcalloc(n, sizeof *holes);
  const char ***devs = tp_xcalloc(n, sizeof *devs);
  for (size_t i = 0; i < n; i++) {
    const tp_run *r = lab->runs[g[i].run];
    const tp_trace_use *u = S_use(lab, &g[i]);
    devs[i] = tp_xcalloc(u->n_devs + 1, sizeof **devs);
    for (size_t d = 0; d < u->n_devs; d++) devs[i][d] = u->devs[d].id;
    w[i] = (tp_energy_window){r->start_s, r->end_s, devs[i], u->n_devs};
    holes[i].holes_s = tp_slurm_job_gaps(r->job, &holes[i].n_holes);
  }
  size_t n_cuts, n_ids, n_holds;
  const tp_use_hold **hs = S_group_holds(lab, g, n, &n_holds);
  double *cuts = S_cuts(lab, g, n, hs, n_holds, &n_cuts);
  tp_energy *e = tp_energy_new_holed(w, n, cuts, n_cuts, holes);
  free(cuts);
  for (size_t i = 0; i < n; i++) { /* the trace's host is in its devices' ids, else unknown */
    const tp_slurm_job *sj = lab->runs[g[i].run]->job;
    if (sj) tp_energy_window_job(e, i, sj->job_id, (const char *const *)sj->nodes, sj->n_nodes);
    tp_job_spans_apply(e, i, sj, NULL);
    S_use(lab, &g[i])->resplit = true;
  }
  for (size_t k = 0; k < n_holds; k++)
    tp_energy_add_hold(e, hs[k]->device, hs[k]->job, hs[k]->start_s, hs[k]->end_s);
  free(hs);
  char **ids = S_device_ids(lab, g, n, &n_ids);
  for (size_t d = 0; d < n_ids; d++) S_feed_device(e, lab, g, n, ids[d]);
  free(ids);
  tp_energy_close(e);
  for (size_t k = 0; k < n; k++) S_take(lab, g, n, k, e);
  tp_energy_free(e);
  for (size_t i = 0; i < n; i++) {
    free(devs[i]);
    free((double *)holes[i].holes_s);
  }
  free(devs);
  free(holes);
  free(w);
}

/* The run's figures again from its uses: devices, IT energy, inputs, CO2e,
 * energy to each metric point and to the target. */
static void S_refigure(tp_lab *lab, tp_run *r) {
  tp_run_energy *re = &r->energy;
  for (size_t k = 0; k < re->n_devices; k++) {
    tp_device_energy *dv = &re->devices[k];
    dv->energy_j = dv->covered_s = dv->share_s = 0;
  }
  re->it_j = 0;
  size_t np = 0;
  for (size_t i = 0; i < r->n_uses; i++) np += r->uses[i].n_pieces;
  tp_energy_piece *pc = tp_xmalloc((np + 1) * sizeof *pc);
  np = 0;
  for (size_t i = 0; i < r->n_uses; i++) {
    const tp_trace_use *u = &r->uses[i];
    double sum = 0;
    for (size_t d = 0; d < u->n_devs; d++) {
      const tp_use_device *ud = &u->devs[d];
      tp_device_energy *de = tp_energy_merge_device(re, ud->id, ud->name, u->host, ud->energy_j,
                                                    ud->covered_s, ud->share_s, NAN, NAN);
      if (ud->field != TP_FIELD_UNSAID) de->field = ud->field;
      re->it_j += ud->energy_j;
      sum += ud->energy_j;
    }
    for (size_t k = 0; k < r->n_inputs; k++)
      if (strcmp(r->inputs[k].path, u->path) == 0) r->inputs[k].energy_j = sum;
    memcpy(pc + np, u->pieces, u->n_pieces * sizeof *pc);
    np += u->n_pieces;
  }
  tp_carbon c = {.pue = lab->assumptions.pue,
                 .intensity_g_per_kwh = lab->assumptions.intensity_g_per_kwh};
  tp_intensity_series s = {.rows = r->intensity_rows, .count = r->n_intensity_rows,
                           .interval_s = r->intensity_interval_s};
  if (r->n_intensity_rows) c.series = &s;
  size_t before = r->diags.count;
  tp_carbon_apply(&c, re, r->start_s, r->end_s, pc, np, &r->diags);
  for (size_t k = before; k < r->diags.count; k++)
    if (!r->diags.items[k].file) r->diags.items[k].file = tp_xstrdup(r->dir);
  tp_lab_metric_energy(lab, r, pc, np); /* sorts pc */
  if (r->target.reached && isfinite(r->target.time_s))
    r->target.it_j = tp_energy_upto(pc, np, r->start_s + r->target.time_s);
  free(pc);
}

size_t tp_resplit(tp_lab *lab) {
  S_entry *list = NULL;
  size_t n = 0, cap = 0, split = 0;
  for (size_t r = 0; r < lab->n_runs; r++) {
    const tp_run *run = lab->runs[r];
    if (!S_complete(run)) continue;
    for (size_t u = 0; u < run->n_uses; u++) {
      TP_GROW(list, cap, n + 1);
      list[n++] = (S_entry){run->uses[u].sha256, r, u};
    }
  }
  if (n > 1) qsort(list, n, sizeof *list, S_cmp_entry);
  bool *touched = tp_xcalloc(lab->n_runs + 1, sizeof *touched);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && strcmp(list[j].sha, list[i].sha) == 0) j++;
    if (j - i > 1 && S_needs_split(lab, list + i, j - i)) {
      S_split_group(lab, list + i, j - i);
      for (size_t k = i; k < j; k++) touched[list[k].run] = true;
      split++;
    }
    i = j;
  }
  for (size_t r = 0; r < lab->n_runs; r++)
    if (touched[r]) S_refigure(lab, lab->runs[r]);
  free(touched);
  free(list);
  return split;
}

static int S_cmp_row(const void *x, const void *y) {
  double a = ((const tp_intensity_row *)x)->t_s, b = ((const tp_intensity_row *)y)->t_s;
  return (a > b) - (a < b);
}

size_t tp_resplit_series(tp_lab *lab) {
  tp_intensity_series *s = &lab->intensity_series;
  if (s->count || !lab->assumptions.intensity_series) return s->count;
  for (size_t r = 0; r < lab->n_runs; r++) {
    const tp_run *run = lab->runs[r];
    for (size_t k = 0; k < run->n_intensity_rows; k++) {
      TP_GROW(s->rows, s->cap, s->count + 1);
      s->rows[s->count++] = run->intensity_rows[k];
    }
    if (run->n_intensity_rows && !(s->interval_s > 0)) s->interval_s = run->intensity_interval_s;
  }
  if (s->count > 1) qsort(s->rows, s->count, sizeof *s->rows, S_cmp_row);
  size_t u = 0;
  for (size_t k = 0; k < s->count; k++)
    if (u == 0 || s->rows[k].t_s != s->rows[u - 1].t_s) s->rows[u++] = s->rows[k];
  s->count = u;
  return u;
}

void tp_resplit_drop_samples(tp_lab *lab) {
  for (size_t r = 0; r < lab->n_runs; r++)
    for (size_t u = 0; u < lab->runs[r]->n_uses; u++) {
      tp_trace_use *use = &lab->runs[r]->uses[u];
      for (size_t d = 0; d < use->n_devs; d++) {
        free(use->devs[d].t_s);
        free(use->devs[d].v);
        use->devs[d].t_s = use->devs[d].v = NULL;
        use->devs[d].n = 0;
      }
    }
}
