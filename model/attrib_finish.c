/* attrib_finish: the notes and warnings of tp_attrib_finish - inputs of
 * estimated runs, estimates passed over, why a run has no energy, and sources
 * that joined no run (rule 6 of attrib.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/attrib_impl.h"
#include "model/mem.h"

/* Why trace t, tried for run r, gave it nothing (miss m), in words; the
 * caller frees it. */
static char *S_why_text(const tp_attrib_trace *t, const tp_attrib_miss *m, const tp_run *r) {
  char g[32];
  switch (m->why) {
    case TP_ATTRIB_OTHER_HOST:
      return tp_xasprintf("other host: it was taken on %s (the configuration's power entry), "
                          "the run ran on %s",
                          t->host ? t->host : "?", r->host ? r->host : "?");
    case TP_ATTRIB_NO_SAMPLES: return tp_xstrdup("it has no samples");
    case TP_ATTRIB_OTHER_DEVICES:
      return tp_xasprintf("other devices: it records %s, none of which the run may use "
                          "(CUDA_VISIBLE_DEVICES or the configuration's devices)",
                          t->devices ? t->devices : "none");
    case TP_ATTRIB_ENDS_BEFORE:
      return tp_xasprintf("no overlap in time: its samples end %s before the run starts",
                          tp_attrib_span(g, m->gap_s));
    case TP_ATTRIB_STARTS_AFTER:
      return tp_xasprintf("no overlap in time: its samples start %s after the run ends",
                          tp_attrib_span(g, m->gap_s));
    default: return tp_xstrdup("no sample of a device the run may use falls in its window");
  }
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
                tp_attrib_utc(x, lo), tp_attrib_utc(y, hi));
  else if (gap == 0)
    tp_diag_add(&a->lab->diags, TP_WARN, path, -1, line,
                "%s (%s to %s) join no run: they overlap run %s in time, but on no device it "
                "may use; not used",
                what, tp_attrib_utc(x, lo), tp_attrib_utc(y, hi), r->id);
  else
    tp_diag_add(&a->lab->diags, TP_WARN, path, -1, line,
                "%s (%s to %s) overlap no run's window; not used%s; the nearest run in time is "
                "%s, which %s %s %s them",
                what, tp_attrib_utc(x, lo), tp_attrib_utc(y, hi),
                could ? "" : " (no run could use it)", r->id,
                before ? "ends" : "starts", tp_attrib_span(g, gap), before ? "before" : "after");
}

/* Each run without energy: which traces were tried and why each did not
 * apply (misses grouped by run first, so the cost grows with the misses). */
static void S_say_misses(tp_attrib *a) {
  tp_attrib_ref *refs = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < a->n_src; i++) {
    const tp_attrib_trace *t = a->src[i];
    if (t->duplicate) continue;
    for (size_t k = 0; k < t->n_misses; k++)
      if (a->lab->runs[t->misses[k].run]->energy.method == TP_ENERGY_NONE) {
        TP_GROW(refs, cap, n + 1);
        refs[n++] = (tp_attrib_ref){t->misses[k].run, i, k};
      }
  }
  if (n > 1) qsort(refs, n, sizeof *refs, tp_attrib_cmp_ref);
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
    const tp_attrib_hw *h = &a->hw[r];
    bool given = false; /* an input already gave the estimate (the run's metadata, --hardware) */
    for (size_t k = 0; k < run->n_inputs && !given; k++) given = isfinite(run->inputs[k].energy_j);
    if (h->set && run->energy.method == TP_ENERGY_ESTIMATED && !given)
      tp_attrib_input_add(tp_attrib_input(run, h->path, h->format, h->size, h->mtime_s, h->sha256),
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
      const tp_attrib_row *w = &t->rows[k];
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
