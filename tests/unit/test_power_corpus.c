/* Power readers on the real traces of the shared corpus: counts, devices, and
 * first/last values checked against the files by eye. */
#include <stdlib.h>

#include "parser/power/csvmap.h"
#include "parser/power/power.h"
#include "tp_test.h"

static const char *g_shared;

typedef struct result {
  int rc;
  tp_power_tally t;
  tp_diags d;
} result;

static void read_with(result *r, const char *rel, tp_power_format fmt, const tp_power_options *o) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/power/%s", g_shared, rel);
  tp_test_need(path); /* missing from a present corpus: a failure */
  memset(r, 0, sizeof *r);
  tp_trace_sink sink = tp_power_tally_sink(&r->t);
  tp_power_options defaults;
  tp_power_options_init(&defaults);
  r->rc = tp_power_read(path, fmt, o ? o : &defaults, &sink, &r->d);
  if (r->d.count) tp_diag_print_all(stderr, &r->d);
}

static void done(result *r) {
  tp_power_tally_free(&r->t);
  tp_diag_free(&r->d);
}

/* Device k has n samples with these first and last (t, W). */
static void check_dev(const result *r, size_t k, const char *id, size_t n, double t0, double v0,
                      double t1, double v1) {
  CHECK(k < r->t.n_dev);
  if (k >= r->t.n_dev) return;
  const tp_power_tally_dev *d = &r->t.dev[k];
  CHECK_STR(d->id, id);
  CHECK_INT(d->n, n);
  CHECK_NEAR(d->t_first, t0, 1e-6);
  CHECK_NEAR(d->v_first, v0, 1e-12);
  CHECK_NEAR(d->t_last, t1, 1e-6);
  CHECK_NEAR(d->v_last, v1, 1e-12);
}

static void test_nvsmi_flame(void) {
  result r;
  /* timestamp, power.draw [W]; 2024/10/30 18:42:33.189 read as UTC. */
  read_with(&r, "nvsmi-flame/nvidia-smi.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.d.count, 0);
  CHECK_INT(r.t.n_dev, 1);
  check_dev(&r, 0, "gpu0", 73, 1730313753.189, 22.89, 1730313756.813, 22.63);
  done(&r);

  /* The same file in Europe/Paris: after the end of DST, so UTC+1. */
  const char *err = NULL;
  tp_tz *tz = tp_tz_open("Europe/Paris", &err);
  CHECK(tz != NULL);
  tp_power_options o;
  tp_power_options_init(&o);
  o.tz = tz;
  o.clock_offset_s = 2.5;
  read_with(&r, "nvsmi-flame/nvidia-smi.csv", TP_POWER_NVSMI_CSV, &o);
  check_dev(&r, 0, "gpu0", 73, 1730313753.189 - 3600 + 2.5, 22.89, 1730313756.813 - 3600 + 2.5,
            22.63);
  done(&r);
  tp_tz_free(tz);

  read_with(&r, "nvsmi-flame/Results/torch-ex/torch-ex-smi.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.d.count, 0);
  CHECK_INT(r.t.n_dev, 1);
  check_dev(&r, 0, "gpu0", 65, 1745510337.879, 18.81, 1745510344.304, 37.87);
  done(&r);
}

static void test_nvsmi_fletcher(void) {
  result r;
  /* 12 fields incl. name and uuid; device by uuid. */
  read_with(&r, "nvsmi-fletcher-io/gpu_power.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.d.count, 0);
  CHECK_INT(r.t.n_dev, 1);
  check_dev(&r, 0, "GPU-eced1bd8-b3e7-abfc-0555-6f654cee60a5", 80, 1728790411.779, 19.46,
            1728790412.697, 18.86);
  if (r.t.n_dev) CHECK_STR(r.t.dev[0].name, "NVIDIA GeForce GTX 1650");
  done(&r);
}

static void test_nvsmi_no_power(void) {
  result r;
  /* No power column, and cut mid-line at 8192 bytes: a note and a warning. */
  read_with(&r, "nvsmi-thesis-mas/nvidia-smi.log", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 0);
  CHECK_INT(r.d.n_by_severity[TP_ERROR], 0);
  CHECK_INT(r.d.n_by_severity[TP_WARN], 1);
  CHECK(r.d.count >= 2 && r.d.items[1].line == 106);
  done(&r);

  /* dmon -s u: utilization only. */
  read_with(&r, "nvsmi-dmon-full-bot/nvidia_dmon.log", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 0);
  CHECK_INT(r.d.n_by_severity[TP_ERROR] + r.d.n_by_severity[TP_WARN], 0);
  done(&r);
}

static void test_wrapped_csvmap(void) {
  result r;
  /* timestamp,gpu_index,temperature_C,utilization_gpu_percent,power_W; 400 rows, 8 GPUs. */
  tp_csvmap m = {.time_column = "timestamp", .time_format = TP_TIME_ISO8601,
                 .value_column = "power_W", .unit = TP_UNIT_W, .device_column = "gpu_index"};
  tp_power_options o;
  tp_power_options_init(&o);
  o.csvmap = &m;
  read_with(&r, "nvsmi-wrapped-nanogpt-pr643/gpu_metrics.csv", TP_POWER_AUTO, &o);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.d.count, 0);
  CHECK_INT(r.t.n_dev, 8);
  CHECK_INT(r.t.n_samples, 400);
  /* 2025-09-24T03:48:33.493Z,0, 38, 100, 387.26 */
  check_dev(&r, 0, "0", 50, 1758685713.493, 387.26, r.t.n_dev ? r.t.dev[0].t_last : 0,
            r.t.n_dev ? r.t.dev[0].v_last : 0);
  done(&r);

  /* +08:00 offsets, 8 GPUs in a column named "gpu". */
  tp_csvmap g = {.time_column = "timestamp", .value_column = "power.draw", .unit = TP_UNIT_W,
                 .device_column = "gpu"};
  o.csvmap = &g;
  read_with(&r, "nvsmi-wrapped-gpu-glasses/nvidia_smi.csv", TP_POWER_CSVMAP, &o);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.d.count, 0);
  CHECK_INT(r.t.n_dev, 8);
  CHECK_INT(r.t.n_samples, 43);
  /* 2025-09-08T17:26:50+08:00,0, 0, 4, 81559, 74.01, 33 */
  if (r.t.n_dev) {
    CHECK_NEAR(r.t.dev[0].t_first, 1757323610.0, 1e-6);
    CHECK_NEAR(r.t.dev[0].v_first, 74.01, 1e-12);
  }
  done(&r);
}

static void test_codecarbon(void) {
  result r;
  /* 2.3.1, one run_id flushed 8 times with growing duration: 5 runs. */
  read_with(&r, "codecarbon-jimams/emissions.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_decl, 5);
  CHECK_INT(r.d.n_by_severity[TP_WARN] + r.d.n_by_severity[TP_ERROR], 0);
  if (r.t.n_decl == 5) {
    /* First row: duration 0.9894258975982666, energy 1.3322090705235802e-05 kWh. */
    CHECK_NEAR(r.t.decl[0].duration_s, 0.9894258975982666, 1e-15);
    CHECK_NEAR(r.t.decl[0].it_energy_j, 1.3322090705235802e-05 * 3.6e6, 1e-12);
    CHECK_NEAR(r.t.decl[0].end_s, 1699532885.0, 1e-9); /* 2023-11-09T12:28:05 as UTC */
    CHECK_STR(r.t.decl[0].hardware, "Apple M2");
    CHECK_STR(r.t.decl[0].country, "FRA");
    /* Last run: its last row, duration 44.09016823768616, 0.0005939216277665562 kWh. */
    CHECK_NEAR(r.t.decl[4].duration_s, 44.09016823768616, 1e-12);
    CHECK_NEAR(r.t.decl[4].it_energy_j, 0.0005939216277665562 * 3.6e6, 1e-12);
    CHECK_INT(r.t.decl[4].line, 13);
  }
  done(&r);

  /* 2.0/2.1, two runs interleaved, junk rows reported, 3666 rows cut to 300. */
  read_with(&r, "codecarbon-bigscience/emissions.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_decl, 2);
  CHECK_INT(r.d.n_by_severity[TP_ERROR], 0);
  if (r.t.n_decl == 2) {
    CHECK_STR(r.t.decl[0].run_name, "distilbert-base-uncased_random_wikitext_4");
    CHECK_NEAR(r.t.decl[0].duration_s, 19.224860906600952, 1e-12);
    CHECK_NEAR(r.t.decl[0].it_energy_j, 0.0011779041350862 * 3.6e6, 1e-9);
    CHECK_STR(r.t.decl[0].hardware, "8 x NVIDIA GeForce RTX 3090");
  }
  done(&r);

  /* 1.x (12 columns), 2021 dev (13 columns, CRLF), 2.5, 3.x (38 columns). */
  read_with(&r, "codecarbon-bigscience/carbon_per_token/emissions.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 8);
  if (r.t.n_decl) CHECK_NEAR(r.t.decl[0].it_energy_j, 0.001968615275144628 * 3.6e6, 1e-9);
  done(&r);
  read_with(&r, "codecarbon-upstream-examples/2021-07-d4cee5da/examples/emissions.csv",
            TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 2);
  if (r.t.n_decl) CHECK_NEAR(r.t.decl[0].cpu_j, 0.00108340285542082 * 3.6e6, 1e-9);
  done(&r);
  read_with(&r, "codecarbon-green-llm/emissions.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 1);
  if (r.t.n_decl) CHECK_NEAR(r.t.decl[0].it_energy_j, 2.7617639148173922e-08 * 3.6e6, 1e-12);
  done(&r);
  read_with(&r, "codecarbon-green-ml-bench/emissions/emissions.csv", TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 149);
  CHECK_INT(r.d.n_by_severity[TP_WARN] + r.d.n_by_severity[TP_ERROR], 0);
  if (r.t.n_decl) CHECK_STR(r.t.decl[0].run_name, "tune_rfc_higgs");
  done(&r);
  /* 2.4.3rc1: two rows with an empty energy_consumed are reported. */
  read_with(&r, "codecarbon-upstream-examples/2024-05-ec2ac5f6/examples/emissions.csv",
            TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 19);
  CHECK_INT(r.d.n_by_severity[TP_WARN], 2);
  done(&r);
}

static void test_not_traces(void) {
  result r;
  read_with(&r, "nvsmi-table-moe-experiments/gpu_log.txt", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, -1);
  CHECK_INT(r.d.n_by_severity[TP_ERROR], 1);
  done(&r);
}

int main(void) {
  g_shared = tp_test_shared();
  if (!g_shared) return 77;
  TP_RUN(test_nvsmi_flame);
  TP_RUN(test_nvsmi_fletcher);
  TP_RUN(test_nvsmi_no_power);
  TP_RUN(test_wrapped_csvmap);
  TP_RUN(test_codecarbon);
  TP_RUN(test_not_traces);
  return tp_test_summary();
}
