/* DCGM metrics saved from Prometheus (query_range answers): energies worked
 * out by hand, through the reader and the energy integrator, and the cases
 * the reader refuses.  Answers follow the Prometheus HTTP API documentation;
 * metric and label names are dcgm-exporter's. */
#include <stdlib.h>
#include <zlib.h>

#include "model/energy.h"
#include "model/mem.h"
#include "parser/power/power.h"
#include "dcgm_check.h"
#include "tp_test.h"

#define T0 DCGM_CHECK_T0 /* 2024-01-01 00:00:00 UTC */
#define POWER "DCGM_FI_DEV_POWER_USAGE"
#define ENERGY "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"
#define GPU0 "\"Hostname\":\"node1\",\"gpu\":\"0\",\"UUID\":\"GPU-aaa\",\"modelName\":\"NVIDIA A100-SXM4-80GB\""
#define GPU1 "\"Hostname\":\"node1\",\"gpu\":\"1\",\"UUID\":\"GPU-bbb\",\"modelName\":\"NVIDIA A100-SXM4-80GB\""

/* ---- Writing answers ------------------------------------------------------------ */

static void S_begin(tp_buf *b) {
  tp_buf_adds(b, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
}

static void S_end(tp_buf *b) { tp_buf_adds(b, "]}}\n"); }

/* One series: metric name (NULL: none, as rate() gives), other labels, then n
 * values v at T0 + t_s (t_s NULL: every 15 s from T0 + from_s). */
static void S_series_at(tp_buf *b, const char *name, const char *labels, double from_s,
                        const double *t_s, const double *v, size_t n) {
  if (b->len && b->data[b->len - 1] == '}') tp_buf_addc(b, ',');
  tp_buf_adds(b, "{\"metric\":{");
  if (name) tp_buf_printf(b, "\"__name__\":\"%s\",", name);
  tp_buf_printf(b, "%s,\"instance\":\"10.0.0.1:9400\",\"job\":\"dcgm\"},\"values\":[", labels);
  for (size_t k = 0; k < n; k++)
    tp_buf_printf(b, "%s[%.3f,\"%.17g\"]", k ? "," : "",
                  T0 + (t_s ? t_s[k] : from_s + 15.0 * (double)k), v[k]);
  tp_buf_adds(b, "]}");
}

/* One series of n values every 15 s from T0 + from_s (as S_series_at). */
static void S_series(tp_buf *b, const char *name, const char *labels, double from_s,
                     const double *v, size_t n) {
  S_series_at(b, name, labels, from_s, NULL, v, n);
}

/* An answer of one series (arguments as S_series). */
static void S_answer1(tp_buf *b, const char *name, const char *labels, double from_s,
                      const double *v, size_t n) {
  S_begin(b);
  S_series(b, name, labels, from_s, v, n);
  S_end(b);
}

/* ---- Reading ------------------------------------------------------------------- */

typedef dcgm_result result;
typedef dcgm_hold hold;

/* Read bytes[0..n) with the configured job label job_label (or NULL). */
static void run_label(result *r, const void *bytes, size_t n, const char *job_label) {
  tp_power_options o;
  tp_power_options_init(&o);
  o.job_label = job_label;
  dcgm_check_read(r, bytes, n, TP_POWER_AUTO, &o);
}

static void run_bytes(result *r, const void *bytes, size_t n) { run_label(r, bytes, n, NULL); }

static void run(result *r, tp_buf *b) {
  run_bytes(r, b->data, b->len);
  tp_buf_free(b);
}

static void done(result *r) { dcgm_check_done(r); }

static bool has_diag(const result *r, const char *word) { return dcgm_check_said(r, word); }

static const double k_p0[] = {100, 100, 200, 200, 300}; /* 10 500 J over 60 s */
static const double k_p1[] = {50, 50, 50, 50, 50};      /* 3 000 J */

/* ---- Cases -------------------------------------------------------------------- */

static void test_integrated(void) {
  tp_buf b = {0};
  S_begin(&b);
  S_series(&b, POWER, GPU0, 0, k_p0, 5);
  S_series(&b, POWER, GPU1, 0, k_p1, 5);
  S_end(&b);
  result r;
  run(&r, &b);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_STR(r.t.dev[0].id, "node1/gpu0");
  CHECK_STR(r.t.dev[0].name, "NVIDIA A100-SXM4-80GB");
  CHECK_INT(r.run->energy.method, TP_ENERGY_INTEGRATED);
  CHECK_NEAR(r.run->energy.it_j, 13500.0, 13.5); /* within 0.1% */
  CHECK_NEAR(r.run->energy.devices[0].energy_j, 10500.0, 10.5);
  /* Values change every 30 s here for GPU 0 (and never for GPU 1). */
  CHECK(has_diag(&r, "a sample every 15 s"));
  done(&r);
}

static void test_counter_preferred(void) {
  static const double mj[] = {5e6, 6.5e6, 8e6, 9.5e6, 11e6}; /* 6 000 J */
  tp_buf b = {0};
  S_begin(&b);
  S_series(&b, POWER, GPU0, 0, k_p0, 5); /* before the counter: still passed over */
  S_series(&b, POWER, GPU1, 0, k_p1, 5);
  S_end(&b);
  S_answer1(&b, ENERGY, GPU0, 0, mj, 5);
  result r;
  run(&r, &b);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_INT(r.t.dev[0].kind, TP_SAMPLE_POWER_W); /* GPU 1: power only */
  CHECK_INT(r.t.dev[1].kind, TP_SAMPLE_ENERGY_J);
  CHECK_NEAR(r.t.dev[1].v_first, 5000.0, 1e-9);
  CHECK_NEAR(r.run->energy.it_j, 9000.0, 9.0);
  CHECK(has_diag(&r, "energy counter"));
  done(&r);
}

static void test_repeats_once(void) {
  /* MIG instances of GPU 0, and GPU 0 shared by two jobs: one GPU, once. */
  tp_buf b = {0};
  S_begin(&b);
  S_series(&b, POWER, GPU0 ",\"GPU_I_ID\":\"1\",\"hpc_job\":\"101\"", 0, k_p0, 5);
  S_series(&b, POWER, GPU0 ",\"GPU_I_ID\":\"2\",\"hpc_job\":\"102\"", 0, k_p0, 5);
  S_end(&b);
  result r;
  run(&r, &b);
  CHECK_INT(r.t.n_dev, 1);
  CHECK_INT(r.t.n_samples, 5);
  CHECK_NEAR(r.run->energy.it_j, 10500.0, 10.5);
  CHECK(has_diag(&r, "counted once"));
  /* ... but both jobs' labels are kept: each held GPU 0 for the whole minute
   * (values from 0 to 60 s, widened by their 15 s step). */
  CHECK_INT(r.n_holds, 2);
  CHECK_STR(r.holds[0].id, "node1/gpu0");
  CHECK_STR(r.holds[0].job, "101");
  CHECK_STR(r.holds[1].job, "102");
  CHECK_NEAR(r.holds[1].start_s, -15, 1e-9);
  CHECK_NEAR(r.holds[1].end_s, 75, 1e-9);
  CHECK(has_diag(&r, "held by two jobs at once (60 s"));
  done(&r);
  /* Two jobs one after the other on GPU 0, and an answer split in time (JSON
   * lines) sharing its boundary sample: one trace of 60 s. */
  S_begin(&b);
  S_series(&b, POWER, GPU0 ",\"hpc_job\":\"101\"", 0, k_p0, 3);
  S_series(&b, POWER, GPU0 ",\"hpc_job\":\"102\"", 30, k_p0 + 2, 2);
  S_end(&b);
  S_answer1(&b, POWER, GPU0 ",\"hpc_job\":\"102\"", 45, k_p0 + 3, 2);
  run(&r, &b);
  CHECK_INT(r.t.n_samples, 5);
  CHECK_NEAR(r.run->energy.it_j, 10500.0, 10.5);
  /* 101 from 0 to 30 s, 102 from 30 to 60 s (its two answers one hold),
   * widened by 15 s. */
  CHECK_INT(r.n_holds, 2);
  CHECK_NEAR(r.holds[0].end_s, 45, 1e-9);
  CHECK_STR(r.holds[1].job, "102");
  CHECK_NEAR(r.holds[1].start_s, 15, 1e-9);
  CHECK_NEAR(r.holds[1].end_s, 75, 1e-9);
  CHECK(!has_diag(&r, "two jobs at once"));
  done(&r);
}

static void test_job_labels(void) {
  /* A label the configuration names comes before hpc_job; a pause of more
   * than 5 minutes ends a hold; a power series passed over for a counter
   * still says who held the GPU. */
  static const double mj[] = {5e6, 6.5e6, 8e6, 9.5e6, 11e6};
  tp_buf b = {0};
  S_begin(&b);
  S_series(&b, POWER, GPU0 ",\"slurm_job\":\"7\",\"hpc_job\":\"9\"", 0, k_p0, 5);
  S_series(&b, POWER, GPU0 ",\"slurm_job\":\"7\",\"hpc_job\":\"9\"", 400, k_p0, 5);
  S_series(&b, POWER, GPU1 ",\"hpc_job\":\"8\"", 0, k_p1, 5);
  S_series(&b, ENERGY, GPU1 ",\"hpc_job\":\"8\"", 60, mj, 5);
  S_end(&b);
  result r;
  run_label(&r, b.data, b.len, "slurm_job");
  CHECK_INT(r.n_holds, 3);
  CHECK_STR(r.holds[0].job, "7");
  CHECK_NEAR(r.holds[0].end_s, 75, 1e-9);
  CHECK_NEAR(r.holds[1].start_s, 385, 1e-9);
  CHECK_STR(r.holds[2].id, "node1/gpu1");
  CHECK_STR(r.holds[2].job, "8");
  CHECK_NEAR(r.holds[2].start_s, -15, 1e-9);  /* the power series' first value */
  CHECK_NEAR(r.holds[2].end_s, 135, 1e-9);    /* the counter's last */
  CHECK(has_diag(&r, "slurm_job: job 7"));
  done(&r);
  run_label(&r, b.data, b.len, NULL);
  CHECK_STR(r.holds[0].job, "9");
  done(&r);
  tp_buf_free(&b);
}

static void test_stale(void) {
  /* Changing every 15 s to 60 s, then 150 W repeated for 7.5 min: the target
   * went away and the answer repeats its last value (no staleness markers).
   * The repeats within twice the effective interval (2 x 15 s) of 60 s are
   * kept, to 90 s: 3 x 2250 J + 2625 J + 150 W x 30 s = 13 875 J. */
  double v[35] = {100, 200, 100, 200};
  for (int k = 4; k < 35; k++) v[k] = 150;
  tp_buf b = {0};
  S_answer1(&b, POWER, GPU0, 0, v, 35);
  result r;
  run(&r, &b);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 7);
  CHECK_NEAR(r.t.dev[0].t_last, T0 + 90, 1e-6);
  CHECK_NEAR(r.run->energy.it_j, 13875.0, 13.9);
  CHECK(has_diag(&r, "stale"));
  done(&r);
}

static void test_stale_mid(void) {
  /* A target gone in the middle: changing every 15 s to 60 s, 150 W repeated
   * from 75 s to 300 s, then new values at 315 s and 330 s.  The repeats to
   * 90 s (twice the 15 s effective interval past 60 s) are kept, 105-300 s
   * dropped: the trace has a gap from 90 s to 315 s (225 s, past 5 x 15 s),
   * which adds no energy and no coverage.
   * 0-60 s: 3 x 2250 + 2625 J; 60-90 s: 4500 J; 315-330 s: 2250 J = 16 125 J;
   * covered 90 + 15 = 105 s. */
  double v[23] = {100, 200, 100, 200};
  for (int k = 4; k < 21; k++) v[k] = 150;
  v[21] = 100;
  v[22] = 200;
  tp_buf b = {0};
  S_answer1(&b, POWER, GPU0, 0, v, 23);
  result r;
  run(&r, &b);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 9);
  CHECK_NEAR(r.run->energy.it_j, 16125.0, 16.1);
  CHECK_INT(r.run->energy.n_devices, 1);
  CHECK_NEAR(r.run->energy.devices[0].covered_s, 105.0, 1e-6);
  CHECK(has_diag(&r, "repeated from 2024-01-01 00:01:45 to 2024-01-01 00:05:00 UTC"));
  CHECK(has_diag(&r, "a gap there"));
  done(&r);
  /* The same with the counter: it stands still from 60 s to 300 s (a live
   * counter moves while the GPU draws power), then moves on.  Kept to 90 s:
   * 4 x 1.5 kJ; after the gap 315-330 s: 1.5 kJ. */
  double mj[23];
  for (int k = 0; k < 5; k++) mj[k] = 1e6 + 1.5e6 * k;
  for (int k = 5; k < 21; k++) mj[k] = mj[4];
  mj[21] = 9e6;
  mj[22] = 10.5e6;
  S_answer1(&b, ENERGY, GPU0, 0, mj, 23);
  run(&r, &b);
  CHECK_INT(r.run->energy.method, TP_ENERGY_MEASURED);
  CHECK_INT(r.t.n_samples, 9);
  CHECK_NEAR(r.run->energy.it_j, 7500.0, 7.5);
  CHECK(has_diag(&r, "stale"));
  done(&r);
  /* A stretch longer than the repeats held back (an hour at 15 s): dropped
   * all the same, past 90 s. */
  double *w = tp_xmalloc(250 * sizeof *w);
  for (int k = 0; k < 250; k++) w[k] = k < 4 ? 100.0 * (1 + k % 2) : 150;
  w[248] = 100;
  w[249] = 200;
  S_answer1(&b, POWER, GPU0, 0, w, 250);
  free(w);
  run(&r, &b);
  CHECK_INT(r.t.n_samples, 9);
  CHECK(has_diag(&r, "a gap there"));
  done(&r);
  /* The rule's limit: a value that never changes has no effective interval
   * and is kept whole (k_p1: 50 W for 60 s). */
  S_answer1(&b, POWER, GPU1, 0, k_p1, 5);
  run(&r, &b);
  CHECK_INT(r.t.n_samples, 5);
  CHECK(!has_diag(&r, "stale"));
  done(&r);
}

static void test_counter_reset(void) {
  static const double mj[] = {5e6, 6.5e6, 1.5e6, 3e6}; /* 1 500 + (reset) + 1 500 J */
  tp_buf b = {0};
  S_answer1(&b, ENERGY, GPU0, 0, mj, 4);
  result r;
  run(&r, &b);
  CHECK_INT(r.run->energy.method, TP_ENERGY_MEASURED);
  CHECK_NEAR(r.run->energy.it_j, 3000.0, 3.0);
  CHECK(has_diag(&r, "a reset"));
  done(&r);
}

static void test_refused(void) {
  /* rate() and increase() drop the metric name: refused. */
  static const double w[] = {100, 100, 100};
  tp_buf b = {0};
  S_answer1(&b, NULL, GPU0, 0, w, 3);
  result r;
  run(&r, &b);
  CHECK_INT(r.rc, -1);
  CHECK_INT(r.t.n_samples, 0);
  CHECK(has_diag(&r, "computed result"));
  done(&r);
  /* An instant query's vector; an error answer. */
  tp_buf_adds(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
                  "{\"__name__\":\"" POWER "\"," GPU0 "},\"value\":[1704067200,\"100\"]}]}}\n"
                  "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"exceeded maximum "
                  "resolution of 11,000 points per timeseries\",\"data\":{\"resultType\":\"\"}}\n");
  run(&r, &b);
  CHECK_INT(r.rc, -1);
  CHECK(has_diag(&r, "instant query"));
  CHECK(has_diag(&r, "11,000 points"));
  done(&r);
  /* Broken JSON: what came before the error is kept. */
  S_begin(&b);
  S_series(&b, POWER, GPU0, 0, k_p0, 5);
  tp_buf_adds(&b, ",{\"metric\":{\"__name__\" \"x\"}}");
  run(&r, &b);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 5);
  CHECK(has_diag(&r, "':' expected"));
  done(&r);
}

static void test_gzip(void) {
  tp_buf b = {0};
  S_answer1(&b, POWER, GPU0, 0, k_p0, 5);
  unsigned char out[4096];
  z_stream z;
  memset(&z, 0, sizeof z);
  CHECK_INT(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = (unsigned char *)b.data;
  z.avail_in = (uInt)b.len;
  z.next_out = out;
  z.avail_out = sizeof out;
  CHECK_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
  size_t n = sizeof out - z.avail_out;
  deflateEnd(&z);
  tp_buf_free(&b);
  CHECK_INT(tp_power_sniff(out, n), TP_POWER_PROMETHEUS);
  result r;
  run_bytes(&r, out, n);
  CHECK_INT(r.rc, 0);
  CHECK_NEAR(r.run->energy.it_j, 10500.0, 10.5);
  done(&r);
  /* Cut short: what was inflated is kept, and the cut is said. */
  run_bytes(&r, out, n - 12);
  CHECK_INT(r.t.n_samples, 5);
  CHECK(has_diag(&r, "gzip"));
  done(&r);
}

static void test_grafana(void) {
  /* The same power as a Grafana wide export (times as written, one cell
   * empty), and an energy counter as a long one (epoch ms, formatted values). */
  static const char wide[] =
      "\"Time\",\"DCGM_FI_DEV_POWER_USAGE{Hostname=\"\"node1\"\", UUID=\"\"GPU-aaa\"\", "
      "gpu=\"\"0\"\"}\",\"DCGM_FI_DEV_POWER_USAGE{Hostname=\"\"node1\"\", gpu=\"\"1\"\"}\"\n"
      "2024-01-01 00:00:00,100,50\n2024-01-01 00:00:15,100,50\n2024-01-01 00:00:30,200,\n"
      "2024-01-01 00:00:45,200,50\n2024-01-01 00:01:00,300,50\n";
  result r;
  run_bytes(&r, wide, strlen(wide));
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_NEAR(r.run->energy.it_j, 13500.0, 13.5);
  done(&r);
  static const char lng[] =
      "Series,Time,Value\n"
      "\"" ENERGY "{Hostname=\"\"node1\"\", gpu=\"\"0\"\"}\",1704067200000,5.00 kJ\n"
      "\"" ENERGY "{Hostname=\"\"node1\"\", gpu=\"\"0\"\"}\",1704067215000,6.50 kJ\n"
      "\"" ENERGY "{Hostname=\"\"node1\"\", gpu=\"\"0\"\"}\",1704067230000,8000000\n";
  run_bytes(&r, lng, strlen(lng));
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.run->energy.method, TP_ENERGY_MEASURED);
  CHECK_NEAR(r.run->energy.it_j, 3000.0, 3.0);
  done(&r);
}

/* GPU 0 idle (no job label) from 0 to 30 s, held by job A from 45 to 90 s
 * (its label on), idle again from 105 to 150 s: two series in one answer,
 * the idle one with a hole, in either order.  Power (W) and the energy
 * counter (mJ) of each time, and its times. */
static const double k_idle_t[] = {0, 15, 30, 105, 120, 135, 150};
static const double k_idle_w[] = {50, 60, 50, 60, 50, 60, 50};
static const double k_job_w[] = {200, 300, 200, 300}; /* from 45 s */
/* The counter: 0.9 kJ a step while idle (60 W), 4.5 kJ while the job runs
 * (300 W), the intervals to 45 .. 90 s being the job's. */
static const double k_idle_mj[] = {1e9, 1.0009e9, 1.0018e9, 1.0207e9, 1.0216e9, 1.0225e9,
                                   1.0234e9};
static const double k_job_mj[] = {1.0063e9, 1.0108e9, 1.0153e9, 1.0198e9};

/* The answer of the split, with the job's series first or last. */
static void S_split(tp_buf *b, const char *metric, bool job_first) {
  bool power = strcmp(metric, POWER) == 0;
  const double *idle = power ? k_idle_w : k_idle_mj, *job = power ? k_job_w : k_job_mj;
  S_begin(b);
  if (job_first) S_series(b, metric, GPU0 ",\"hpc_job\":\"A\"", 45, job, 4);
  S_series_at(b, metric, GPU0, 0, k_idle_t, idle, 7);
  if (!job_first) S_series(b, metric, GPU0 ",\"hpc_job\":\"A\"", 45, job, 4);
  S_end(b);
}

/* The split read: every value, merged by time (said where values came out of
 * time order), and job A's hold. */
static void S_check_split(result *r, double want_j, bool out_of_order) {
  CHECK_INT(r->rc, 0);
  CHECK_INT(r->t.n_dev, 1);
  CHECK_INT(r->t.n_samples, 11);
  CHECK_NEAR(r->t.dev[0].t_first, T0, 1e-6);
  CHECK_NEAR(r->t.dev[0].t_last, T0 + 150, 1e-6);
  CHECK_NEAR(r->run->energy.it_j, want_j, 1e-3); /* within 0.1% (tol: absolute or relative) */
  CHECK_NEAR(r->run->energy.devices[0].covered_s, 150.0, 1e-6);
  CHECK(!has_diag(r, "stale"));
  CHECK(!has_diag(r, "counted once"));
  CHECK(has_diag(r, "merged by time") == out_of_order);
  CHECK(has_diag(r, "from 2 series") == out_of_order);
  /* Job A held the GPU from 45 to 90 s, widened by its 15 s step. */
  CHECK_INT(r->n_holds, 1);
  CHECK_STR(r->holds[0].job, "A");
  CHECK_NEAR(r->holds[0].start_s, 30, 1e-9);
  CHECK_NEAR(r->holds[0].end_s, 105, 1e-9);
}

static void test_labels_change(void) {
  /* Power, trapezoids of 15 s: 0-30 s 55 W x 30 s = 1650 J; 30-45 s
   * (50 + 200) / 2 W = 1875 J; 45-90 s 250 W x 45 s = 11 250 J; 90-105 s
   * (300 + 60) / 2 W = 2700 J; 105-150 s 55 W x 45 s = 2475 J: 19 950 J.
   * The counter, differences: 6 idle steps of 0.9 kJ and 4 of the job's of
   * 4.5 kJ: 5.4 + 18 = 23.4 kJ (1.0234e9 - 1e9 mJ). */
  static const struct {
    const char *metric;
    tp_energy_method method;
    double want_j;
  } k_cases[] = {{POWER, TP_ENERGY_INTEGRATED, 19950.0}, {ENERGY, TP_ENERGY_MEASURED, 23400.0}};
  for (int k = 0; k < 4; k++) {
    tp_buf b = {0};
    S_split(&b, k_cases[k / 2].metric, k % 2); /* the job's series last, then first */
    result r;
    run(&r, &b);
    CHECK_INT(r.run->energy.method, k_cases[k / 2].method);
    S_check_split(&r, k_cases[k / 2].want_j, true);
    done(&r);
  }
}

static void test_grafana_split(void) {
  /* The split of test_labels_change as Grafana exports it: wide, a column
   * per series (the idle one empty while the job's label is on), its rows
   * in time order (nothing to say), and long, the series one after the
   * other, the job's last. */
  static const char *name_idle = "DCGM_FI_DEV_POWER_USAGE{Hostname=\"\"node1\"\", gpu=\"\"0\"\"}";
  static const char *name_job =
      "DCGM_FI_DEV_POWER_USAGE{Hostname=\"\"node1\"\", gpu=\"\"0\"\", hpc_job=\"\"A\"\"}";
  tp_buf b = {0};
  tp_buf_printf(&b, "\"Time\",\"%s\",\"%s\"\n", name_job, name_idle);
  for (int k = 0; k <= 10; k++) {
    bool job = k >= 3 && k <= 6;
    double w = job ? k_job_w[k - 3] : k_idle_w[k < 3 ? k : k - 4];
    tp_buf_printf(&b, "%.0f000,", T0 + 15.0 * k);
    tp_buf_printf(&b, job ? "%g,\n" : ",%g\n", w);
  }
  result r;
  run(&r, &b);
  S_check_split(&r, 19950.0, false);
  done(&r);
  tp_buf_adds(&b, "Series,Time,Value\n");
  for (int k = 0; k < 7; k++)
    tp_buf_printf(&b, "\"%s\",%.0f000,%g\n", name_idle, T0 + k_idle_t[k], k_idle_w[k]);
  for (int k = 0; k < 4; k++)
    tp_buf_printf(&b, "\"%s\",%.0f000,%g\n", name_job, T0 + 45 + 15.0 * k, k_job_w[k]);
  run(&r, &b);
  S_check_split(&r, 19950.0, true);
  done(&r);
}

static void test_sniff(void) {
  const char *pretty = "{\n  \"status\": \"success\",\n  \"data\": {\n    \"resultType\": \"matrix\",";
  CHECK_INT(tp_power_sniff((const unsigned char *)pretty, strlen(pretty)), TP_POWER_PROMETHEUS);
  const char *other = "{\"status\": \"ok\", \"loss\": 0.5}";
  CHECK_INT(tp_power_sniff((const unsigned char *)other, strlen(other)), TP_POWER_UNKNOWN);
}

int main(void) {
  TP_RUN(test_integrated);
  TP_RUN(test_counter_preferred);
  TP_RUN(test_repeats_once);
  TP_RUN(test_job_labels);
  TP_RUN(test_stale);
  TP_RUN(test_stale_mid);
  TP_RUN(test_counter_reset);
  TP_RUN(test_refused);
  TP_RUN(test_gzip);
  TP_RUN(test_grafana);
  TP_RUN(test_labels_change);
  TP_RUN(test_grafana_split);
  TP_RUN(test_sniff);
  return tp_test_summary();
}
