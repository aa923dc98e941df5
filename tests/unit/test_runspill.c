/* Tests for model/runspill: a run's points and power profiles put out to
 * disk come back exactly while held, and the fingerprint that stands for
 * them in page keys is steady while they are unchanged and changes with
 * them; the bare encoding leaves exactly those arrays out. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/lab.h"
#include "model/mem.h"
#include "model/run.h"
#include "model/runbin.h"
#include "model/runspill.h"
#include "model/threads.h"
#include "tp_test.h"

static tp_run *S_run(const char *id, double loss0) {
  tp_run *r = tp_run_new(id, "/data/x");
  r->start_s = 1700000000;
  r->end_s = 1700000100;
  for (int k = 0; k < 50; k++) tp_run_add_scalar(r, "loss", k, 1700000000 + 2 * k, loss0 - k * 0.01);
  tp_power_profile *p = tp_run_power_profile(r, "gpu0");
  for (int k = 0; k <= 100; k++) tp_power_profile_add(p, 1700000000 + k, 200 + (k % 7));
  return r;
}

static void test_round_trip(void) {
  tp_lab lab = {0};
  tp_lab_add_run(&lab, S_run("a", 3.0));
  tp_run *r = lab.runs[0];
  /* What comes back: the points and profile as they were (the encoding
   * differs only in the series' figures, which putting out keeps). */
  tp_point pts[50];
  memcpy(pts, r->series[0].points, sizeof pts);
  size_t n_b = r->power[0].n;
  double *sum_b = tp_xmalloc(n_b * sizeof *sum_b);
  memcpy(sum_b, r->power[0].sum_w, n_b * sizeof *sum_b);
  uint64_t ns0, nb0, ns, nb;
  tp_power_profile_counts(&r->power[0], &ns0, &nb0);
  CHECK_INT(ns0, 101); /* every sample of S_run falls in a bucket */
  CHECK(nb0 > 0 && nb0 <= ns0);
  tp_runspill_lab(&lab);
  if (!lab.spill) {
    fprintf(stderr, "skip: no temporary file can be made\n");
    tp_lab_free(&lab);
    free(sum_b);
    return;
  }
  CHECK(r->series[0].points == NULL); /* put out */
  CHECK_INT(r->series[0].count, 50);
  char fp1[TP_HASH_HEX], fp2[TP_HASH_HEX];
  CHECK(tp_runspill_fingerprint(r, fp1));
  CHECK(r->power[0].sum_w == NULL);
  tp_power_profile_counts(&r->power[0], &ns, &nb); /* counted without the arrays */
  CHECK_INT(ns, ns0);
  CHECK_INT(nb, nb0);
  tp_runspill_hold(r);
  CHECK(memcmp(r->series[0].points, pts, sizeof pts) == 0);
  CHECK_INT(r->power[0].n, n_b);
  CHECK(memcmp(r->power[0].sum_w, sum_b, n_b * sizeof *sum_b) == 0);
  CHECK(tp_runspill_fingerprint(r, fp2)); /* held and unchanged: still valid */
  CHECK_STR(fp2, fp1);
  /* A changed point: a new fingerprint once written again. */
  r->series[0].points[10].value = 42;
  tp_runspill_changed(r);
  CHECK(!tp_runspill_fingerprint(r, fp2)); /* changed and not written yet */
  tp_runspill_release(r);
  CHECK(r->series[0].points == NULL);
  CHECK(tp_runspill_fingerprint(r, fp2));
  CHECK(strcmp(fp1, fp2) != 0);
  tp_runspill_hold(r);
  CHECK_NEAR(r->series[0].points[10].value, 42, 0);
  /* A sample more in a profile: counted as it is put out again. */
  tp_power_profile_add(&r->power[0], 1700000050.5, 300);
  tp_runspill_power_changed(r);
  tp_runspill_release(r);
  CHECK(r->power[0].count == NULL);
  tp_power_profile_counts(&r->power[0], &ns, &nb);
  CHECK_INT(ns, ns0 + 1);
  free(sum_b);
  tp_lab_free(&lab);
}

/* Holding the profiles alone: the points stay out; holds of both kinds nest
 * and the profiles go out at the last release of either; a profile changed
 * under a power hold is written back, the points untouched. */
static void test_power_holds(void) {
  tp_lab lab = {0};
  tp_lab_add_run(&lab, S_run("p", 2.0));
  tp_run *r = lab.runs[0];
  double first = r->power[0].sum_w[0];
  tp_runspill_lab(&lab);
  if (!lab.spill) {
    fprintf(stderr, "skip: no temporary file can be made\n");
    tp_lab_free(&lab);
    return;
  }
  char fp0[TP_HASH_HEX], fp1[TP_HASH_HEX];
  CHECK(tp_runspill_fingerprint(r, fp0));
  tp_runspill_hold_power(r);
  CHECK(r->power[0].sum_w != NULL && r->series[0].points == NULL);
  CHECK_NEAR(r->power[0].sum_w[0], first, 0);
  tp_runspill_hold(r); /* nested: the points come too */
  CHECK(r->series[0].points != NULL);
  tp_runspill_release(r);
  CHECK(r->series[0].points == NULL && r->power[0].sum_w != NULL); /* still held */
  tp_power_profile_add(&r->power[0], 1700000050.5, 300);
  tp_runspill_power_changed(r);
  tp_runspill_release_power(r);
  CHECK(r->power[0].sum_w == NULL);
  CHECK(tp_runspill_fingerprint(r, fp1));
  CHECK(strcmp(fp0, fp1) != 0); /* the profile was written again */
  tp_runspill_hold(r);
  uint64_t ns, nb;
  tp_power_profile_counts(&r->power[0], &ns, &nb);
  CHECK_INT(ns, 102);
  CHECK_NEAR(r->series[0].points[0].value, 2.0, 0);
  tp_runspill_release(r);
  tp_lab_free(&lab);
}

/* Two runs that differ only in their points and profiles: the same bare
 * encoding, different full ones. */
static void test_bare(void) {
  tp_run *a = S_run("a", 3.0), *b = S_run("a", 4.0);
  tp_buf ea = {0}, eb = {0};
  tp_runbin_write_bare(a, &ea);
  tp_runbin_write_bare(b, &eb);
  CHECK(ea.len == eb.len && memcmp(ea.data, eb.data, ea.len) == 0);
  tp_buf_clear(&ea);
  tp_buf_clear(&eb);
  tp_runbin_write(a, &ea);
  tp_runbin_write(b, &eb);
  CHECK(ea.len != eb.len || memcmp(ea.data, eb.data, ea.len) != 0);
  tp_buf_free(&ea);
  tp_buf_free(&eb);
  tp_run_free(a);
  tp_run_free(b);
}

static void test_points_apart(void) {
  /* Points and profiles are held apart; best and last values of a series
   * put out whole come from its kept figures, the same as from its points
   * (non-finite values skipped, the first of equal extremes). */
  tp_lab lab = {0};
  tp_run *r = S_run("b", 2.0);
  const double acc[] = {0.5, NAN, 0.75, INFINITY, 0.75, -INFINITY, 0.25, NAN};
  for (int k = 0; k < 8; k++) tp_run_add_scalar(r, "acc", k, 1700000000 + k, acc[k]);
  tp_lab_add_run(&lab, r);
  double b_hi, l_hi, b_lo, l_lo, b, l;
  CHECK(tp_lab_metric(r, "acc", true, &b_hi, &l_hi));
  CHECK(tp_lab_metric(r, "acc", false, &b_lo, &l_lo));
  CHECK_NEAR(b_hi, 0.75, 0);
  CHECK_NEAR(l_hi, 0.25, 0);
  CHECK_NEAR(b_lo, 0.25, 0);
  CHECK(!tp_lab_metric(r, "missing", true, &b, &l));
  tp_runspill_lab(&lab);
  if (!lab.spill) {
    fprintf(stderr, "skip: no temporary file can be made\n");
    tp_lab_free(&lab);
    return;
  }
  const tp_series *s = tp_run_find_series(r, "acc");
  CHECK(s && s->points == NULL);
  CHECK(tp_lab_metric(r, "acc", true, &b, &l));
  CHECK_NEAR(b, b_hi, 0);
  CHECK_NEAR(l, l_hi, 0);
  CHECK(tp_lab_metric(r, "acc", false, &b, &l));
  CHECK_NEAR(b, b_lo, 0);
  CHECK_NEAR(l, l_lo, 0);
  CHECK(s->points == NULL); /* answered without reading it back */
  tp_runspill_hold_points(r);
  CHECK(s->points != NULL && r->power[0].sum_w == NULL);
  tp_runspill_hold_power(r);
  CHECK(r->power[0].sum_w != NULL);
  tp_runspill_release_points(r);
  CHECK(s->points == NULL && r->power[0].sum_w != NULL);
  tp_runspill_hold(r); /* both, nested with the power hold */
  tp_runspill_release_power(r);
  CHECK(s->points != NULL && r->power[0].sum_w != NULL);
  tp_runspill_release(r);
  CHECK(s->points == NULL && r->power[0].sum_w == NULL);
  tp_lab_free(&lab);
}

/* Several threads hold and release runs of one store at once, of every kind
 * (points, profiles, both), many runs sharing a lock: each sees its run's
 * own arrays while it holds them, and every run ends put out, unchanged. */
enum { S_N_RUNS = 24, S_N_THREADS = 4, S_ROUNDS = 3000 };

typedef struct S_shared {
  tp_lab *lab;
  double first_w[S_N_RUNS];
  int next_thread, bad;
  pthread_mutex_t lock;
} S_shared;

static void *S_holder(void *arg) {
  S_shared *sh = arg;
  pthread_mutex_lock(&sh->lock);
  int me = sh->next_thread++;
  pthread_mutex_unlock(&sh->lock);
  int bad = 0;
  for (int k = 0; k < S_ROUNDS; k++) {
    size_t i = (size_t)(k * 7 + me * 5) % S_N_RUNS;
    const tp_run *r = sh->lab->runs[i];
    int kind = (k + me) % 3; /* 0 points, 1 profiles, 2 both */
    if (kind == 0) tp_runspill_hold_points(r);
    else if (kind == 1) tp_runspill_hold_power(r);
    else tp_runspill_hold(r);
    if (kind != 1 && !(r->series[0].points && r->series[0].points[0].value == 10.0 + (double)i))
      bad++;
    if (kind != 0 && !(r->power[0].sum_w && r->power[0].sum_w[0] == sh->first_w[i])) bad++;
    if (kind == 0) tp_runspill_release_points(r);
    else if (kind == 1) tp_runspill_release_power(r);
    else tp_runspill_release(r);
  }
  pthread_mutex_lock(&sh->lock);
  sh->bad += bad;
  pthread_mutex_unlock(&sh->lock);
  return NULL;
}

static void test_threads(void) {
  tp_lab lab = {0};
  S_shared sh = {.lab = &lab};
  pthread_mutex_init(&sh.lock, NULL);
  for (int i = 0; i < S_N_RUNS; i++) {
    char id[16];
    snprintf(id, sizeof id, "t%d", i);
    tp_lab_add_run(&lab, S_run(id, 10.0 + i));
    sh.first_w[i] = lab.runs[i]->power[0].sum_w[0];
  }
  tp_runspill_lab(&lab);
  if (!lab.spill) {
    fprintf(stderr, "skip: no temporary file can be made\n");
  } else {
    tp_threads_run(S_N_THREADS, S_holder, &sh);
    CHECK_INT(sh.bad, 0);
    CHECK_INT(sh.next_thread, S_N_THREADS);
    for (int i = 0; i < S_N_RUNS; i++) {
      const tp_run *r = lab.runs[i];
      CHECK(r->series[0].points == NULL && r->power[0].sum_w == NULL);
      CHECK(r->spill.series_holds == 0 && r->spill.power_holds == 0);
    }
  }
  pthread_mutex_destroy(&sh.lock);
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_round_trip);
  TP_RUN(test_bare);
  TP_RUN(test_power_holds);
  TP_RUN(test_points_apart);
  TP_RUN(test_threads);
  return tp_test_summary();
}
