/* dcgm_check: helpers shared by the tests of saved DCGM metrics (test_prom.c,
 * test_grafana_map.c): read bytes as a power trace into both a tally and the
 * energy integrator, over one run window of [T0 - 600, T0 + 600]. */
#ifndef TP_DCGM_CHECK_H
#define TP_DCGM_CHECK_H

#include <stdio.h>
#include <string.h>

#include "model/energy.h"
#include "parser/power/power.h"
#include "tp_test.h"

#define DCGM_CHECK_T0 1704067200.0 /* 2024-01-01 00:00:00 UTC */

/* A hold of a device by a job, as the sink is told it. */
typedef struct dcgm_hold {
  char id[32], job[16];
  double start_s, end_s; /* from DCGM_CHECK_T0 */
} dcgm_hold;

typedef struct dcgm_result {
  int rc;
  tp_run *run;       /* energy over a window of [T0 - 600, T0 + 600] */
  tp_power_tally t;
  tp_diags d;
  dcgm_hold holds[8]; /* the holds told, the first 8 */
  size_t n_holds;
} dcgm_result;

typedef struct dcgm_both {
  tp_trace_sink a, b;
  dcgm_result *r;
} dcgm_both;

static inline void dcgm_check_hold(void *ctx, const char *id, const char *job, double start_s,
                                   double end_s) {
  dcgm_result *r = ((dcgm_both *)ctx)->r;
  if (r->n_holds == 8) return;
  dcgm_hold *h = &r->holds[r->n_holds++];
  snprintf(h->id, sizeof h->id, "%s", id);
  snprintf(h->job, sizeof h->job, "%s", job);
  h->start_s = start_s - DCGM_CHECK_T0;
  h->end_s = end_s - DCGM_CHECK_T0;
}

static inline int dcgm_check_dev(void *ctx, const char *id, const char *name, tp_sample_kind k,
                                 double w) {
  dcgm_both *x = ctx;
  int h = x->a.device(x->a.ctx, id, name, k, w);
  x->b.device(x->b.ctx, id, name, k, w);
  return h;
}

static inline void dcgm_check_sample(void *ctx, int dev, double t, double v) {
  dcgm_both *x = ctx;
  x->a.sample(x->a.ctx, dev, t, v);
  x->b.sample(x->b.ctx, dev, t, v);
}

/* Read bytes[0..n) with format fmt and options o (may be NULL) into r. */
static inline void dcgm_check_read(dcgm_result *r, const void *bytes, size_t n,
                                   tp_power_format fmt, const tp_power_options *o) {
  memset(r, 0, sizeof *r);
  tp_energy_window w = {DCGM_CHECK_T0 - 600, DCGM_CHECK_T0 + 600, NULL, 0};
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  dcgm_both x = {tp_energy_sink(e), tp_power_tally_sink(&r->t), r};
  tp_trace_sink sink = {&x, dcgm_check_dev, dcgm_check_sample, NULL, NULL, dcgm_check_hold};
  FILE *f = fmemopen((void *)bytes, n, "rb");
  r->rc = tp_power_read_stream(f, "dcgm.json", fmt, o, &sink, &r->d);
  fclose(f);
  r->run = tp_run_new("a", ".");
  tp_energy_finish(e, &r->run, 1);
  tp_energy_free(e);
}

static inline void dcgm_check_done(dcgm_result *r) {
  tp_run_free(r->run);
  tp_power_tally_free(&r->t);
  tp_diag_free(&r->d);
}

/* Whether a diagnostic of r says word. */
static inline bool dcgm_check_said(const dcgm_result *r, const char *word) {
  for (size_t k = 0; k < r->d.count; k++)
    if (strstr(r->d.items[k].message, word)) return true;
  return false;
}

#endif
