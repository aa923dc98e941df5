/* Tests for tp_figures_energy_at: a run's cumulative IT energy read off its
 * power profiles, worked by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/lab.h"
#include "model/mem.h"
#include "model/run.h"
#include "render/chart.h"
#include "render/figures.h"
#include "tp_test.h"

/* A run from t = 1000 s to 1100 s.  Its profiles span [990, 1110) in 480
 * buckets of 0.25 s; one sample in the middle of each bucket gives the
 * bucket's mean. */
static tp_run *S_run(double it_j) {
  tp_run *r = tp_run_new("r", "/r");
  r->start_s = 1000;
  r->end_s = 1100;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = it_j;
  return r;
}

/* Fill device dev with w1 W before t = 1050 and w2 W after, leaving out the
 * buckets in [gap0, gap1). */
static void S_fill(tp_run *r, const char *dev, double w1, double w2, double gap0, double gap1) {
  tp_power_profile *p = tp_run_power_profile(r, dev);
  CHECK(p != NULL);
  if (!p) return;
  CHECK_NEAR(p->t0_s, 990, 1e-9);
  CHECK_NEAR(p->dt_s, 0.25, 1e-12);
  for (size_t i = 0; i < p->n; i++) {
    double t = p->t0_s + ((double)i + 0.5) * p->dt_s;
    if (t >= gap0 && t < gap1) continue;
    tp_power_profile_add(p, t, t < 1050 ? w1 : w2);
  }
}

static void test_one_device(void) {
  /* 100 W for 50 s then 300 W for 50 s: 5000 J + 15000 J in the window.
   * The run's IT energy (20 000 J) equals it, so readings are the integral. */
  tp_run *r = S_run(20000);
  S_fill(r, "gpu0", 100, 300, 0, 0);
  CHECK_NEAR(tp_figures_energy_at(r, 1000), 0, 1e-9);
  CHECK_NEAR(tp_figures_energy_at(r, 1025), 2500, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1050), 5000, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1050.1), 5030, 1e-6); /* a part of a bucket */
  CHECK_NEAR(tp_figures_energy_at(r, 1075), 12500, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1100), 20000, 1e-9);
  /* Outside the window: clamped to it (the samples before 1000 and after
   * 1100 count for nothing). */
  CHECK_NEAR(tp_figures_energy_at(r, 995), 0, 1e-9);
  CHECK_NEAR(tp_figures_energy_at(r, 1105), 20000, 1e-9);
  CHECK(isnan(tp_figures_energy_at(r, NAN)));
  tp_run_free(r);
}

static void test_scaled_with_gap_and_two_devices(void) {
  /* gpu0: 100 W then 300 W, nothing in [1060, 1070): 5000 + 12000 J.
   * gpu1: 50 W throughout: 5000 J.  Profiles: 22 000 J in the window; the
   * run's IT energy (11 000 J, from the integrator) scales every reading by
   * one half. */
  tp_run *r = S_run(11000);
  S_fill(r, "gpu0", 100, 300, 1060, 1070);
  S_fill(r, "gpu1", 50, 50, 0, 0);
  CHECK_NEAR(tp_figures_energy_at(r, 1050), (5000 + 2500) / 2.0, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1065), (5000 + 3000 + 3250) / 2.0, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1070), (5000 + 3000 + 3500) / 2.0, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1080), (5000 + 6000 + 4000) / 2.0, 1e-6);
  CHECK_NEAR(tp_figures_energy_at(r, 1100), 11000, 1e-9);
  tp_run_free(r);
}

static void test_no_profile_or_energy(void) {
  /* No profile: linear in time. */
  tp_run *r = S_run(1000);
  CHECK_NEAR(tp_figures_energy_at(r, 1025), 250, 1e-9);
  CHECK_NEAR(tp_figures_energy_at(r, 1100), 1000, 1e-9);
  /* A profile with no sample in the window: linear too. */
  S_fill(r, "gpu0", 100, 100, 1000, 1100);
  CHECK_NEAR(tp_figures_energy_at(r, 1050), 500, 1e-9);
  /* Unknown energy or window: NAN. */
  r->energy.method = TP_ENERGY_NONE;
  CHECK(isnan(tp_figures_energy_at(r, 1050)));
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->end_s = NAN;
  CHECK(isnan(tp_figures_energy_at(r, 1050)));
  tp_run_free(r);
}

/* The calendar figure: runs in two weeks, and one whose start has no date
 * (a fuzzer's find: 3.8e156 s was cast to a day count) left out. */
static void test_calendar_leaves_out_undated(void) {
  tp_lab lab = {0};
  /* 2024-03-04 (a Monday) 12:00 UTC and the Wednesday after it; then the
   * Tuesday of the next week */
  double mon = 1709553600.0;
  double starts[4] = {mon, mon + 2 * 86400.0, mon + 8 * 86400.0, 3.76e156};
  double it_j[4] = {3600.0, 7200.0, 36000.0, 1e9};
  for (int i = 0; i < 4; i++) {
    char id[8];
    snprintf(id, sizeof id, "r%d", i);
    tp_run *r = tp_run_new(id, "/r");
    r->energy.method = TP_ENERGY_INTEGRATED;
    r->energy.it_j = it_j[i];
    r->start_s = starts[i];
    r->end_s = starts[i] + 100;
    tp_lab_add_run(&lab, r);
  }
  tp_chart *c = tp_figures_lab_calendar(&lab);
  CHECK(c != NULL);
  if (c) {
    CHECK(c->x.n_categories == 2);
    if (c->x.n_categories == 2) {
      CHECK_STR(c->x.categories[0], "2024-03-04");
      CHECK_STR(c->x.categories[1], "2024-03-11");
    }
    CHECK(c->n_series == 1);
    if (c->n_series == 1 && c->series[0].n == 2) {
      CHECK_NEAR(c->series[0].y[0], 3.0, 1e-12);  /* (3600 + 7200) J = 3 Wh */
      CHECK_NEAR(c->series[0].y[1], 10.0, 1e-12); /* 36000 J */
    } else {
      CHECK(false);
    }
    tp_chart_free(c);
  }
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_one_device);
  TP_RUN(test_scaled_with_gap_and_two_devices);
  TP_RUN(test_no_profile_or_energy);
  TP_RUN(test_calendar_leaves_out_undated);
  return tp_test_summary();
}
