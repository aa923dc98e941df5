/* attrib_declared: where the declared rows (CodeCarbon emissions.csv) go -
 * rule 4 of attrib.h: the run whose folder holds the file, the run a row
 * names, else the runs its interval overlaps, unless a better source won. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/attrib_impl.h"
#include "model/estimate.h"
#include "model/mem.h"
#include "model/units.h"

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
    if (tp_attrib_within(dir, r->dir) && len >= best_len) {
      best = t->cands[k];
      best_len = len;
    }
  }
  free(dir);
  return best;
}

/* Charge `j` of row w of source t to run r, or pass it over when the run has a
 * better source (noted in the run when `say`). */
static void S_charge(tp_attrib *a, tp_attrib_trace *t, tp_attrib_row *w, size_t r, double j,
                     bool say, const char *how) {
  tp_run *run = a->lab->runs[r];
  w->joined = true;
  if (tp_attrib_traced(run)) {
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
    re->declared_measured = w->d.measured;
  } else {
    re->gpu_j += gpu_part;
    re->declared_measured = re->declared_measured && w->d.measured;
  }
  re->it_j += j;
  re->coverage = 1.0;
  tp_attrib_input_add(tp_attrib_input(run, t->path, t->format, t->size, t->mtime_s, t->sha256), j);
  tp_diag_add(&run->diags, TP_NOTE, t->path, -1, w->d.line,
              "energy declared by the tracking tool (%.6f kWh of IT energy, %s; its PUE %.3g "
              "divided out); no power trace covers this run",
              j / TP_J_PER_KWH, how, w->d.tool_pue);
}

void tp_attrib_resolve_row(tp_attrib *a, tp_attrib_trace *t, tp_attrib_row *w) {
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
        !(tp_attrib_overlap_s(d->start_s, d->end_s, run->start_s, run->end_s) > 0)) {
      char x[40], y[40];
      tp_diag_add(&a->lab->runs[r]->diags, TP_WARN, t->path, -1, d->line,
                  "the declared row (%s to %s) names this run but does not overlap its "
                  "window; used because it names it (check the time zone)",
                  tp_attrib_utc(x, d->start_s), tp_attrib_utc(y, d->end_s));
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
    double o = tp_attrib_overlap_s(r->start_s, r->end_s, d->start_s, d->end_s);
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
