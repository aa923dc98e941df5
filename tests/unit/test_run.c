/* Tests for model/run: the restart rule, hparams, tags, thinning of series. */
#include <stdint.h>
#include <stdlib.h>

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
  tp_run_session_start(r, 3);
  CHECK_INT(tp_run_find_series(r, "loss")->count, 3);
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
  TP_RUN(test_decimate);
  TP_RUN(test_fmt_and_tags);
  TP_RUN(test_fmt_shortest);
  TP_RUN(test_hparam_spellings);
  return tp_test_summary();
}
