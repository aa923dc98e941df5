/* attrib_check: the invariants of a finished lab (tp_attrib_check in
 * attrib.h): each joule charged at most once, runs' energy within what their
 * devices could draw, windows in range, inputs adding up. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/attrib_impl.h"
#include "model/slurmjob.h"
#include "model/units.h"

#define S_EPOCH_1990 631152000.0 /* 1990-01-01T00:00:00Z */

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
      const tp_attrib_row *w = &t->rows[k];
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
                  r->id, tp_attrib_utc(x, r->start_s), tp_attrib_utc(y, r->end_s));
    }
    if (e->method == TP_ENERGY_NONE) continue;
    if (e->method == TP_ENERGY_INTEGRATED || e->method == TP_ENERGY_MEASURED) {
      double sum = 0, dur = tp_slurm_run_held_s(r);
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
