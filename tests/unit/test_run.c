/* Tests for model/run: the restart rule, hparams, tags, thinning of series. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "model/mem.h"
#include "model/run.h"
#include "tp_test.h"

static void test_restart_rule(void) {
  tp_run *r = tp_run_new("r", "/tmp");
  for (int s = 0; s < 10; s++) {
    tp_run_note_event(r, s, 1000.0 + s);
    tp_run_add_scalar(r, "loss", s, 1000.0 + s, 10.0 - s);
  }
  /* resumed from step 6: points at 6..9 of the old segment are dropped */
  for (int s = 6; s < 8; s++) {
    tp_run_note_event(r, s, 2000.0 + s);
    tp_run_add_scalar(r, "loss", s, 2000.0 + s, 1.0);
  }
  const tp_series *l = tp_run_find_series(r, "loss");
  CHECK_INT(l->count, 8);
  CHECK_INT(l->points[6].step, 6);
  CHECK_NEAR(l->points[6].wall_time_s, 2006.0, 0);
  CHECK_INT(r->restarts, 1);
  CHECK_NEAR(r->start_s, 1000.0, 0);
  CHECK_NEAR(r->end_s, 2007.0, 0);
  /* a repeated step is kept */
  tp_run_add_scalar(r, "loss", 7, 2008.0, 0.5);
  CHECK_INT(l->count, 9);
  CHECK_INT(l->dropped, 4); /* steps 6..9 of the first segment */
  tp_run_session_start(r, 3);
  CHECK_INT(tp_run_find_series(r, "loss")->count, 3);
  CHECK_INT(tp_run_find_series(r, "loss")->dropped, 10); /* 4 + the 6 at steps 3..7 */
  tp_run_free(r);
}

/* Restarts are counted per series: series that keep their own counters
 * (validation per epoch, one MLflow metric file after another) interleave
 * with events whose steps go back, and count none.  Only a series whose own
 * step goes back restarts, and the run's count is the most of any series. */
static void test_restarts_per_series(void) {
  tp_run *r = tp_run_new("r", "/tmp");
  for (int e = 0; e < 5; e++) {
    for (int s = 0; s < 3; s++) {
      tp_run_note_event(r, 100 * e + 10 * s, 1000.0 + e);
      tp_run_add_scalar(r, "train/loss", 100 * e + 10 * s, 1000.0 + e, 1.0);
    }
    tp_run_note_event(r, e, 1000.5 + e); /* validation row with its own counter */
    tp_run_add_scalar(r, "val/acc", e, 1000.5 + e, 0.5);
  }
  /* a second metric file of the same run, read after the first: 0..4 again */
  for (int e = 0; e < 5; e++) tp_run_add_scalar(r, "val/loss", e, NAN, 2.0);
  CHECK_INT(r->restarts, 0);
  /* val/acc is logged again from epoch 2, twice: 2 restarts; train/loss once */
  tp_run_add_scalar(r, "val/acc", 2, 2000.0, 0.6);
  tp_run_add_scalar(r, "val/acc", 1, 2001.0, 0.6);
  tp_run_add_scalar(r, "train/loss", 0, 2002.0, 0.9);
  CHECK_INT(tp_run_find_series(r, "val/acc")->restarts, 2);
  CHECK_INT(tp_run_find_series(r, "train/loss")->restarts, 1);
  CHECK_INT(tp_run_find_series(r, "val/loss")->restarts, 0);
  CHECK_INT(r->restarts, 2);
  /* val/acc: 0..4; 2 drops 2..4 (3): 0 1 2; 1 drops 1 and the new 2 (2): 0 1 */
  CHECK_INT(tp_run_find_series(r, "val/acc")->count, 2);
  CHECK_INT(tp_run_find_series(r, "val/acc")->dropped, 5);
  tp_run_finish(r);
  bool listed = false;
  for (size_t i = 0; i < r->diags.count; i++)
    if (strstr(r->diags.items[i].message, "2 series went back") &&
        strstr(r->diags.items[i].message, "train/loss (1), val/acc (2); restarts: 2"))
      listed = true;
  CHECK(listed);
  tp_run_free(r);
}

/* A TensorBoard logger and a CSV logger side by side log train/loss at steps
 * 0..4 each: the CSV's copy is not a restart; it takes the series over (the
 * last format read wins) and the 5 event-file points are counted as dropped. */
static void test_two_loggers(void) {
  tp_run *r = tp_run_new("r", "/tmp");
  r->reading = "tfevents";
  for (int s = 0; s < 5; s++) tp_run_append_scalar(r, "train/loss", s, 1000.0 + s, 1.0);
  r->reading = "lightning-csv";
  for (int s = 0; s < 5; s++) tp_run_add_scalar(r, "train/loss", s, 1000.0 + s, 2.0);
  r->reading = NULL;
  const tp_series *l = tp_run_find_series(r, "train/loss");
  CHECK_INT(l->count, 5);
  CHECK_NEAR(l->points[0].value, 2.0, 0);
  CHECK_INT(l->doubled, 5);
  CHECK_INT(l->dropped, 0);
  CHECK_INT(r->restarts, 0);
  tp_run_finish(r);
  bool said = false;
  for (size_t i = 0; i < r->diags.count; i++)
    said |= strstr(r->diags.items[i].message,
                   "train/loss (5 from tfevents; kept from lightning-csv)") != NULL;
  CHECK(said);
  tp_run_free(r);
}

static void test_decimate(void) {
  tp_run *r = tp_run_new("r", "/tmp");
  size_t n = 10000;
  for (size_t i = 0; i < n; i++) {
    double v = (i == 5001) ? 100.0 : (i == 7777 ? -50.0 : (double)(i % 7));
    tp_run_add_scalar(r, "m", (int64_t)i, 1000.0 + (double)i, v);
    tp_run_add_scalar(r, "short", (int64_t)i % 10, 1000.0, 1.0);
  }
  r->metric_cum_j = tp_xmalloc(n * sizeof(double));
  r->n_metric_cum = n;
  for (size_t i = 0; i < n; i++) r->metric_cum_j[i] = (double)i * 2.0;
  tp_run_decimate(r, "m", 100);
  const tp_series *m = tp_run_find_series(r, "m");
  CHECK(m->count <= 100);
  CHECK(m->decimated);
  CHECK_INT(m->points[0].step, 0);
  CHECK_INT(m->points[m->count - 1].step, (int64_t)n - 1);
  bool spike = false, dip = false, ordered = true;
  for (size_t i = 0; i < m->count; i++) {
    if (m->points[i].value == 100.0) spike = true;
    if (m->points[i].value == -50.0) dip = true;
    if (i && m->points[i].step <= m->points[i - 1].step) ordered = false;
    /* the cumulative energy moved with its point */
    if (r->metric_cum_j[i] != (double)m->points[i].step * 2.0) ordered = false;
  }
  CHECK(spike);
  CHECK(dip);
  CHECK(ordered);
  CHECK_INT(r->n_metric_cum, m->count);
  tp_series_stats st;
  tp_series_get_stats(m, &st);
  CHECK_INT(st.count, n);
  CHECK_NEAR(st.max, 100.0, 0);
  CHECK_NEAR(st.min, -50.0, 0);
  CHECK_INT(st.last_step, (int64_t)n - 1);
  /* "short" restarts every 10 steps, so it holds 10 points: untouched */
  CHECK(!tp_run_find_series(r, "short")->decimated);
  tp_run_free(r);
}

static void test_fmt_and_tags(void) {
  char b[32];
  CHECK_STR(tp_fmt_double(b, 200.0), "200");
  CHECK_STR(tp_fmt_double(b, 0.1), "0.1");
  CHECK_STR(tp_fmt_double(b, 1e-05), "1e-05");
  CHECK_STR(tp_fmt_double(b, (double)0.1f), "0.10000000149011612");
  CHECK_STR(tp_fmt_double(b, -INFINITY), "-inf");
  tp_run *r = tp_run_new("r", "/tmp");
  tp_run_set_tag(r, "project", "a");
  tp_run_set_tag(r, "person", "b");
  tp_run_set_tag(r, "project", "c");
  CHECK_STR(tp_run_tag(r, "project"), "a");
  CHECK_STR(tp_run_tag(r, "person"), "b");
  CHECK(tp_run_tag(r, "x") == NULL);
  tp_run_free(r);
}

/* tp_fmt_double starts at 15 digits: check it against trying every
 * precision from 1, on random bit patterns and on short decimals. */
static void test_fmt_shortest(void) {
  uint64_t x = 88172645463325252ULL;
  int bad = 0;
  for (int i = 0; i < 200000 && bad < 5; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double v;
    if (i & 1) {
      memcpy(&v, &x, sizeof v);
    } else {
      v = (double)(x % 100000) / 1000.0 * ((x >> 40) % 2 ? 1 : 1e-6);
    }
    if (!isfinite(v)) continue;
    char want[32], got[32];
    for (int prec = 1; prec <= 17; prec++) {
      snprintf(want, sizeof want, "%.*g", prec, v);
      if (strtod(want, NULL) == v) break;
    }
    tp_fmt_double(got, v);
    if (v == floor(v) && fabs(v) < 1e16) snprintf(want, sizeof want, "%.0f", v);
    if (strcmp(want, got) != 0) {
      fprintf(stderr, "%.17g: %s, expected %s\n", v, got, want);
      bad++;
    }
  }
  CHECK_INT(bad, 0);
}

/* A key read again: "None" then null, 0 then false take the typed form;
 * the reverse keeps it; real differences keep the first and say so. */
static void test_hparam_spellings(void) {
  tp_run *r = tp_run_new("r", "r");
  tp_run_set_hparam(r, "a", TP_HP_STRING, "None", NAN, "events");
  tp_run_set_hparam(r, "a", TP_HP_NULL, "null", NAN, "hparams.yaml");
  tp_run_set_hparam(r, "b", TP_HP_NUMBER, "0", 0, "events");
  tp_run_set_hparam(r, "b", TP_HP_BOOL, "false", 0, "hparams.yaml");
  tp_run_set_hparam(r, "c", TP_HP_NULL, "null", NAN, "hparams.yaml");
  tp_run_set_hparam(r, "c", TP_HP_STRING, "None", NAN, "events");
  tp_run_set_hparam(r, "c", TP_HP_NULL, "null", NAN, "other");
  tp_run_set_hparam(r, "d", TP_HP_NUMBER, "2", 2, "events");
  tp_run_set_hparam(r, "d", TP_HP_BOOL, "true", 1, "hparams.yaml");
  const tp_hparam *h = tp_run_find_hparam(r, "a");
  CHECK(h && h->kind == TP_HP_NULL && strcmp(h->text, "null") == 0 && isnan(h->number) &&
        strcmp(h->source, "hparams.yaml") == 0);
  h = tp_run_find_hparam(r, "b");
  CHECK(h && h->kind == TP_HP_BOOL && strcmp(h->text, "false") == 0 && h->number == 0);
  h = tp_run_find_hparam(r, "c");
  CHECK(h && h->kind == TP_HP_NULL && strcmp(h->source, "hparams.yaml") == 0);
  h = tp_run_find_hparam(r, "d");
  CHECK(h && h->kind == TP_HP_NUMBER && h->number == 2);
  CHECK_INT((int)r->diags.count, 1); /* d: 2 against true */
  tp_run_free(r);
}

int main(void) {
  TP_RUN(test_restart_rule);
  TP_RUN(test_restarts_per_series);
  TP_RUN(test_two_loggers);
  TP_RUN(test_decimate);
  TP_RUN(test_fmt_and_tags);
  TP_RUN(test_fmt_shortest);
  TP_RUN(test_hparam_spellings);
  return tp_test_summary();
}
