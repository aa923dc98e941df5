/* Energy integrator: cases with energies worked out by hand. */
#include <math.h>
#include <stdlib.h>

#include "model/energy.h"
#include "tp_test.h"

#define T0 1700000000.0 /* an epoch time, so that rounding is tested at real magnitudes */

static tp_energy_window S_win(double a, double b) {
  tp_energy_window w = {T0 + a, T0 + b, NULL, 0};
  return w;
}

/* Constant power p_w every step_s seconds from t = a to t = b (inclusive). */
static void S_const(tp_energy *e, int dev, double a, double b, double step_s, double p_w) {
  for (double t = a; t <= b + 1e-9; t += step_s) tp_energy_sample(e, dev, T0 + t, p_w);
}

/* Finish e for one run "a" and return the run. */
static tp_run *S_finish1(tp_energy *e) {
  tp_run *run = tp_run_new("a", ".");
  tp_energy_finish(e, &run, 1);
  return run;
}

static void S_done(tp_energy *e, tp_run *run) {
  tp_run_free(run);
  tp_energy_free(e);
}

static void test_constant(void) {
  tp_energy_window w = S_win(0, 60);
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  tp_trace_sink sink = tp_energy_sink(e); /* through the sink, as a reader would */
  int g = sink.device(sink.ctx, "gpu0", "NVIDIA A100", TP_SAMPLE_POWER_W, 0);
  for (int t = 0; t <= 60; t++) sink.sample(sink.ctx, g, T0 + t, 100.0);
  tp_run *run = S_finish1(e);
  CHECK_INT(run->energy.method, TP_ENERGY_INTEGRATED);
  CHECK_NEAR(run->energy.it_j, 6000.0, 1e-6);
  CHECK_NEAR(run->energy.coverage, 1.0, 1e-9);
  CHECK_INT(run->energy.n_devices, 1);
  CHECK_STR(run->energy.devices[0].id, "gpu0");
  CHECK_STR(run->energy.devices[0].name, "NVIDIA A100");
  CHECK_NEAR(run->energy.devices[0].covered_s, 60.0, 1e-6);
  CHECK_NEAR(run->energy.devices[0].peak_w, 100.0, 1e-9);
  CHECK_NEAR(run->energy.devices[0].idle_w, 100.0, 1e-9);
  CHECK(!run->energy.shared);
  CHECK_INT(run->diags.count, 0);
  CHECK_INT(tp_energy_diags(e)->count, 0);
  S_done(e, run);
}

/* 0 W at t=0 to 100 W at t=10: the trapezoid is 10 s x 50 W = 500 J. */
static void test_ramp(void) {
  tp_energy_window w = S_win(0, 10);
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  tp_energy_sample(e, g, T0, 0.0);
  tp_energy_sample(e, g, T0 + 10, 100.0);
  tp_run *run = S_finish1(e);
  CHECK_NEAR(run->energy.it_j, 500.0, 1e-6);
  CHECK_NEAR(run->energy.devices[0].peak_w, 100.0, 1e-9);
  CHECK_NEAR(run->energy.devices[0].idle_w, 0.0, 1e-9);
  CHECK(run->energy.devices[0].name == NULL);
  S_done(e, run);
}

/* The same ramp cut by windows that end mid-interval: p(5) = 50 W by
 * interpolation, so [0,5] = 5 x 25 = 125 J and [5,10] = 5 x 75 = 375 J;
 * [2.5,7.5] = 5 x 50 = 250 J, its peak 75 W and idle 25 W. */
static void test_clipping(void) {
  tp_energy_window w[3] = {S_win(0, 5), S_win(5, 10), S_win(2.5, 7.5)};
  tp_energy *e = tp_energy_new(w, 3, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  tp_energy_sample(e, g, T0, 0.0);
  tp_energy_sample(e, g, T0 + 10, 100.0);
  tp_run *runs[3] = {tp_run_new("a", "."), tp_run_new("b", "."), tp_run_new("c", ".")};
  tp_energy_finish(e, runs, 3);
  /* c overlaps a on [2.5,5] and b on [5,7.5]: those halves are split. */
  CHECK_NEAR(runs[0]->energy.it_j, 125.0 - 0.5 * (2.5 * 37.5), 1e-6);
  CHECK_NEAR(runs[1]->energy.it_j, 375.0 - 0.5 * (2.5 * 62.5), 1e-6);
  CHECK_NEAR(runs[2]->energy.it_j, 0.5 * 250.0, 1e-6);
  CHECK_NEAR(runs[2]->energy.devices[0].peak_w, 75.0, 1e-6);
  CHECK_NEAR(runs[2]->energy.devices[0].idle_w, 25.0, 1e-6);
  CHECK_NEAR(runs[2]->energy.coverage, 1.0, 1e-9);
  for (int i = 0; i < 3; i++) tp_run_free(runs[i]);
  tp_energy_free(e);

  /* Alone, each window gets its full clipped trapezoid. */
  tp_energy_window one = S_win(2.5, 7.5);
  e = tp_energy_new(&one, 1, NULL, 0);
  g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  tp_energy_sample(e, g, T0, 0.0);
  tp_energy_sample(e, g, T0 + 10, 100.0);
  tp_run *run = tp_run_new("c", ".");
  tp_energy_finish(e, &run, 1);
  CHECK_NEAR(run->energy.it_j, 250.0, 1e-6);
  CHECK(!run->energy.shared);
  S_done(e, run);
}

/* 1 Hz samples of 100 W over [0,100] with none between 40 and 70: the 30 s
 * interval exceeds max(10 s, 5 x 1 s), so it is not bridged: 70 s x 100 W =
 * 7000 J and coverage 0.7. */
static void test_gap(void) {
  tp_energy_window w = S_win(0, 100);
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 40, 1, 100);
  S_const(e, g, 70, 100, 1, 100);
  tp_run *run = S_finish1(e);
  CHECK_NEAR(run->energy.it_j, 7000.0, 1e-6);
  CHECK_NEAR(run->energy.coverage, 0.7, 1e-9);
  CHECK_NEAR(run->energy.devices[0].covered_s, 70.0, 1e-6);
  CHECK_INT(run->diags.count, 1); /* the coverage note */
  CHECK_INT(tp_energy_diags(e)->count, 1); /* the gap warning */
  S_done(e, run);

  /* An 8 s hole in the same trace is below 10 s: bridged. */
  e = tp_energy_new(&w, 1, NULL, 0);
  g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 40, 1, 100);
  S_const(e, g, 48, 100, 1, 100);
  run = S_finish1(e);
  CHECK_NEAR(run->energy.it_j, 10000.0, 1e-6);
  CHECK_NEAR(run->energy.coverage, 1.0, 1e-9);
  S_done(e, run);

  /* A slow trace (every 60 s) is judged by its own interval: 60 s is bridged,
   * 400 s (> 5 x 60) is not.  [0,1200] with samples every 60 s except
   * between 600 and 1000: 800 s covered x 10 W = 8000 J. */
  tp_energy_window slow = S_win(0, 1200);
  e = tp_energy_new(&slow, 1, NULL, 0);
  g = tp_energy_device(e, "cpu", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 600, 60, 10);
  S_const(e, g, 1000, 1200, 40, 10);
  run = S_finish1(e);
  CHECK_NEAR(run->energy.it_j, 8000.0, 1e-6);
  CHECK_NEAR(run->energy.coverage, 800.0 / 1200.0, 1e-9);
  S_done(e, run);
}

/* A counter gaining 50 J a second, wrapping at 1000 J: 900, 950, 0, 50, 100
 * over [0,4] = 200 J.  Without a wrap value the step 950 -> 0 is not bridged:
 * 150 J over 3 of 4 seconds. */
static void test_counter_wrap(void) {
  static const double v[] = {900, 950, 0, 50, 100};
  for (int known = 1; known >= 0; known--) {
    tp_energy_window w = S_win(0, 4);
    tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
    int c = tp_energy_device(e, "package-0", NULL, TP_SAMPLE_ENERGY_J, known ? 1000 : 0);
    for (int i = 0; i < 5; i++) tp_energy_sample(e, c, T0 + i, v[i]);
    tp_run *run = S_finish1(e);
    CHECK_INT(run->energy.method, TP_ENERGY_MEASURED);
    CHECK_NEAR(run->energy.it_j, known ? 200.0 : 150.0, 1e-6);
    CHECK_NEAR(run->energy.coverage, known ? 1.0 : 0.75, 1e-9);
    CHECK_NEAR(run->energy.devices[0].peak_w, 50.0, 1e-9);
    CHECK_INT(tp_energy_diags(e)->count, known ? 0 : 1);
    S_done(e, run);
  }
}

/* Two devices at 100 W and 200 W over 60 s: 6000 + 12000 J. */
static void test_two_devices(void) {
  tp_energy_window w = S_win(0, 60);
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  int g0 = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  int g1 = tp_energy_device(e, "gpu1", NULL, TP_SAMPLE_POWER_W, 0);
  for (int t = 0; t <= 60; t++) { /* interleaved, as a CSV gives them */
    tp_energy_sample(e, g0, T0 + t, 100);
    tp_energy_sample(e, g1, T0 + t, 200);
  }
  tp_run *run = S_finish1(e);
  CHECK_INT(run->energy.n_devices, 2);
  CHECK_NEAR(run->energy.devices[0].energy_j, 6000.0, 1e-6);
  CHECK_NEAR(run->energy.devices[1].energy_j, 12000.0, 1e-6);
  CHECK_NEAR(run->energy.it_j, 18000.0, 1e-6);
  S_done(e, run);
}

/* Runs A [0,60] and B [40,100] on gpu0 (100 W): [40,60] = 2000 J is split,
 * so each gets 4000 + 1000 = 5000 J and both are flagged.  With gpu1 (200 W)
 * too and B restricted to gpu1 ("1", as CUDA_VISIBLE_DEVICES says): A gets
 * gpu0 6000 + gpu1 (8000 + 4000/2) = 16000 J, B gets gpu1 2000 + 8000. */
static void test_overlap(void) {
  tp_energy_window w[2] = {S_win(0, 60), S_win(40, 100)};
  tp_energy *e = tp_energy_new(w, 2, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 100, 1, 100);
  tp_run *runs[2] = {tp_run_new("a", "."), tp_run_new("b", ".")};
  tp_energy_finish(e, runs, 2);
  CHECK_NEAR(runs[0]->energy.it_j, 5000.0, 1e-6);
  CHECK_NEAR(runs[1]->energy.it_j, 5000.0, 1e-6);
  CHECK(runs[0]->energy.shared && runs[1]->energy.shared);
  CHECK_INT(runs[0]->diags.count, 1);
  CHECK(strstr(runs[0]->diags.items[0].message, "overlaps run b for 20 s") != NULL);
  /* The profile splits at the overlap's edges. */
  tp_energy_piece *p;
  size_t n = tp_energy_profile(e, 1, &p);
  CHECK_INT(n, 2);
  if (n == 2) {
    CHECK_NEAR(p[0].end_s - T0, 60.0, 1e-9);
    CHECK_NEAR(p[0].energy_j, 1000.0, 1e-6);
    CHECK_NEAR(p[1].energy_j, 4000.0, 1e-6);
  }
  free(p);
  for (int i = 0; i < 2; i++) tp_run_free(runs[i]);
  tp_energy_free(e);

  static const char *const only1[] = {"1"};
  w[1].devices = only1;
  w[1].n_devices = 1;
  e = tp_energy_new(w, 2, NULL, 0);
  int g0 = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  int g1 = tp_energy_device(e, "gpu1", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g0, 0, 100, 1, 100);
  S_const(e, g1, 0, 100, 1, 200);
  runs[0] = tp_run_new("a", ".");
  runs[1] = tp_run_new("b", ".");
  tp_energy_finish(e, runs, 2);
  CHECK_NEAR(runs[0]->energy.it_j, 16000.0, 1e-6);
  CHECK_NEAR(runs[1]->energy.it_j, 10000.0, 1e-6);
  CHECK_INT(runs[1]->energy.n_devices, 1);
  CHECK_STR(runs[1]->energy.devices[0].id, "gpu1");
  CHECK(runs[0]->energy.shared && runs[1]->energy.shared);
  for (int i = 0; i < 2; i++) tp_run_free(runs[i]);
  tp_energy_free(e);
}

/* Samples over [0,200] at 100 W, window [50,150]: only the window counts.  A
 * run whose window the trace does not reach gets nothing. */
static void test_outside(void) {
  tp_energy_window w[2] = {S_win(50, 150), S_win(500, 600)};
  tp_energy *e = tp_energy_new(w, 2, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 200, 1, 100);
  tp_run *runs[2] = {tp_run_new("a", "."), tp_run_new("b", ".")};
  tp_energy_finish(e, runs, 2);
  CHECK_NEAR(runs[0]->energy.it_j, 10000.0, 1e-6);
  CHECK_NEAR(runs[0]->energy.coverage, 1.0, 1e-9);
  CHECK_INT(runs[1]->energy.method, TP_ENERGY_NONE);
  CHECK_INT(runs[1]->energy.n_devices, 0);
  for (int i = 0; i < 2; i++) tp_run_free(runs[i]);
  tp_energy_free(e);
}

/* A trace that overlaps no run's window is used by none and says so; one
 * that overlaps some run says nothing. */
static void test_no_overlap(void) {
  tp_energy_window w = S_win(0, 100);
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 1000, 1200, 1, 100);
  tp_run *run = S_finish1(e);
  CHECK_INT(run->energy.method, TP_ENERGY_NONE);
  CHECK_INT(tp_energy_diags(e)->count, 1);
  CHECK(strstr(tp_energy_diags(e)->items[0].message, "overlap no run's window; not used") != NULL);
  S_done(e, run);
  e = tp_energy_new(&w, 1, NULL, 0);
  g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 50, 1200, 1, 100);
  run = S_finish1(e);
  CHECK_INT(run->energy.method, TP_ENERGY_INTEGRATED);
  CHECK_INT(tp_energy_diags(e)->count, 0);
  S_done(e, run);
  /* Times past the year 9999 are written as seconds, not converted. */
  e = tp_energy_new(&w, 1, NULL, 0);
  g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  tp_energy_sample(e, g, 1e20, 100);
  tp_energy_sample(e, g, 2e20, 100);
  run = S_finish1(e);
  CHECK_INT(tp_energy_diags(e)->count, 1);
  CHECK(strstr(tp_energy_diags(e)->items[0].message, "(1e+20 s to 2e+20 s)") != NULL);
  S_done(e, run);
}

/* A sample that goes back in time, and bad values, are dropped. */
static void test_out_of_order(void) {
  tp_energy_window w = S_win(0, 10);
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  for (int t = 0; t <= 10; t++) {
    tp_energy_sample(e, g, T0 + t, 100);
    if (t == 6) tp_energy_sample(e, g, T0 + 5, 1000);
    if (t == 7) tp_energy_sample(e, g, T0 + 7.5, NAN);
    if (t == 8) tp_energy_sample(e, g, T0 + 8.5, -3);
  }
  tp_energy_sample(e, 99, T0, 1); /* unknown handle: ignored */
  tp_run *run = S_finish1(e);
  CHECK_NEAR(run->energy.it_j, 1000.0, 1e-6);
  CHECK_NEAR(run->energy.devices[0].peak_w, 100.0, 1e-9);
  CHECK_INT(tp_energy_diags(e)->count, 2); /* one back in time, two bad values */
  S_done(e, run);
}

/* Cuts split the profile; a second finish is a no-op; energy from a second
 * trace of the same device adds to the first. */
static void test_profile_and_merge(void) {
  tp_energy_window w = S_win(0, 60);
  double cut = T0 + 30, outside = T0 + 1000;
  double cuts[2] = {cut, outside};
  tp_energy *e = tp_energy_new(&w, 1, cuts, 2);
  int g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 30, 1, 100);
  tp_run *run = S_finish1(e);
  tp_energy_finish(e, &run, 1);
  CHECK_NEAR(run->energy.it_j, 3000.0, 1e-6);
  CHECK_NEAR(run->energy.coverage, 0.5, 1e-9);
  tp_energy_piece *p;
  size_t n = tp_energy_profile(e, 0, &p);
  CHECK_INT(n, 1);
  if (n == 1) CHECK_NEAR(p[0].end_s, cut, 1e-9);
  free(p);
  tp_energy_free(e);

  /* The second file of the same device, [30,60]. */
  e = tp_energy_new(&w, 1, NULL, 0);
  g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 30, 60, 1, 200);
  tp_energy_finish(e, &run, 1);
  CHECK_INT(run->energy.n_devices, 1);
  CHECK_NEAR(run->energy.it_j, 9000.0, 1e-6);
  CHECK_NEAR(run->energy.coverage, 1.0, 1e-9);
  CHECK_NEAR(run->energy.devices[0].peak_w, 200.0, 1e-9);
  CHECK_NEAR(run->energy.devices[0].idle_w, 100.0, 1e-9);
  S_done(e, run);

  /* A run with an invalid window gets nothing. */
  tp_energy_window bad = {NAN, T0, NULL, 0};
  e = tp_energy_new(&bad, 1, NULL, 0);
  g = tp_energy_device(e, "gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g, 0, 10, 1, 100);
  run = S_finish1(e);
  CHECK_INT(run->energy.method, TP_ENERGY_NONE);
  CHECK_INT(tp_energy_profile(e, 0, &p), 0);
  S_done(e, run);
}

static void test_job_holds(void) {
  /* n1/gpu0 at 100 W over 100 s.  The trace says job A held it from 0 to 60 s
   * and job B from 40 to 100 s; both windows cover the 100 s.  A: 0-40 alone
   * (4000 J) and 40-60 split (1000 J); B the same the other way round; each
   * joule once.  Job C (n1, no label) gets no time of a GPU labels give to
   * others; job D runs on host n2; n1/gpu1 (40 W, no label) is C's alone. */
  tp_energy_window w[4] = {S_win(0, 100), S_win(0, 100), S_win(0, 100), S_win(0, 100)};
  double cuts[] = {T0 + 40, T0 + 60};
  tp_energy *e = tp_energy_new(w, 4, cuts, 2);
  const char *n1[] = {"n1.cluster"}, *n2[] = {"n2"};
  tp_energy_window_job(e, 0, "A", n1, 1);
  tp_energy_window_job(e, 1, "B", n1, 1);
  tp_energy_window_job(e, 2, "C", n1, 1);
  tp_energy_window_job(e, 3, "D", n2, 1);
  int g0 = tp_energy_device(e, "n1/gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  int g1 = tp_energy_device(e, "n1/gpu1", NULL, TP_SAMPLE_POWER_W, 0);
  S_const(e, g0, 0, 100, 1, 100.0);
  S_const(e, g1, 0, 100, 1, 40.0);
  tp_energy_add_hold(e, "n1/gpu0", "A", T0, T0 + 60);
  tp_energy_add_hold(e, "n1/gpu0", "B", T0 + 40, T0 + 100);
  tp_energy_close(e);
  tp_energy_share sh;
  double want[4][2] = {{5000, 0}, {5000, 0}, {0, 4000}, {0, 0}};
  for (size_t i = 0; i < 4; i++)
    for (size_t d = 0; d < 2; d++) {
      tp_energy_get_share(e, i, d, &sh);
      CHECK_NEAR(sh.energy_j, want[i][d], 1e-6);
      CHECK(sh.allowed == (want[i][d] > 0));
    }
  tp_energy_get_share(e, 0, 0, &sh);
  CHECK(sh.shared);
  CHECK_NEAR(sh.covered_s, 60, 1e-9);
  CHECK_NEAR(tp_energy_cell_j(e, 1, 0, 1), 1000, 1e-6); /* 40-60 s, B's half */
  tp_energy_free(e);
}

int main(void) {
  TP_RUN(test_constant);
  TP_RUN(test_ramp);
  TP_RUN(test_clipping);
  TP_RUN(test_gap);
  TP_RUN(test_counter_wrap);
  TP_RUN(test_two_devices);
  TP_RUN(test_overlap);
  TP_RUN(test_outside);
  TP_RUN(test_out_of_order);
  TP_RUN(test_no_overlap);
  TP_RUN(test_profile_and_merge);
  TP_RUN(test_job_holds);
  return tp_test_summary();
}
