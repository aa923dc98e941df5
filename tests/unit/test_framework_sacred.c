/* Tests for parser/logs/sacred: the run.json window, host and status,
 * config.json hyperparameters, metrics.json series with wall times, damaged
 * metrics, and the real Sacred run folders of the corpus. */
#include <math.h>

#include "fw_check.h"
#include "parser/logs/sacred.h"

static const char k_run_json[] =
    "{\n  \"artifacts\": [],\n  \"command\": \"train\",\n  \"experiment\": {\"name\": \"x\"},\n"
    "  \"heartbeat\": \"2023-11-14T22:15:00.500000\",\n"
    "  \"host\": {\"hostname\": \"box-1\"},\n"
    "  \"start_time\": \"2023-11-14T22:13:20.000000\",\n  \"status\": \"RUNNING\"\n}\n";

static void test_synthetic(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "run.json", k_run_json);
  fw_write(dir, "config.json", "{\"lr\": 0.01, \"model\": {\"depth\": 3}, \"seed\": 7}\n");
  fw_write(dir, "metrics.json",
           "{\"loss\": {\"steps\": [0, 1, 2], \"timestamps\": [\"2023-11-14T22:13:30\", "
           "\"2023-11-14T22:13:40\", \"2023-11-14T22:13:50\"], \"values\": [2.5, \"x\", 1.5]},\n"
           " \"acc\": {\"steps\": [0, 1], \"timestamps\": [\"2023-11-14T22:13:30\"], "
           "\"values\": [0.5, 0.75]},\n \"bad\": 3}\n");
  fw_write(dir, "_sources/train_0123.py", "print(1)\n");
  CHECK(tp_framework_detect(dir) & TP_FW_SACRED);
  tp_run *run = tp_run_new("t", dir);
  tp_diags d = {0};
  CHECK_INT(tp_framework_load_run(run, dir, NULL, &d), 3);
  fw_check_series(run, "loss", 2, 0, 2.5, 2, 1.5);
  fw_check_series(run, "acc", 1, 0, 0.5, 0, 0.5);
  const tp_series *s = tp_run_find_series(run, "loss");
  if (s && s->count == 2) CHECK_NEAR(s->points[1].wall_time_s, 1700000030.0, 1e-6);
  fw_check_hparam(run, "lr", "0.01");
  fw_check_hparam(run, "model.depth", "3");
  fw_check_hparam(run, "seed", "7");
  CHECK_STR(run->host, "box-1");
  CHECK_STR(run->window_source, "run metadata");
  CHECK_NEAR(run->start_s, 1700000000.0, 1e-6);
  CHECK_NEAR(run->end_s, 1700000100.5, 1e-6); /* the heartbeat: no stop_time */
  /* "x", the lists of acc differing in length, "bad" without values */
  CHECK_INT(d.n_by_severity[TP_WARN], 3);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_sniff(void) {
  CHECK(tp_sacred_sniff(k_run_json, sizeof k_run_json - 1));
  CHECK(!tp_sacred_sniff("{\"log_history\": []}", 19));
  CHECK(!tp_sacred_sniff("command experiment", 18));
  CHECK(tp_framework_sniff_file("run.json", k_run_json, sizeof k_run_json - 1) == TP_FW_SACRED);
  CHECK(tp_framework_sniff_file("other.json", k_run_json, sizeof k_run_json - 1) == 0);
}

/* Values read by hand from the corpus files. */
static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/sacred-tgne/my_runs/3", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 100, 0, 42087.71875, 99, 4220.06494140625);
  fw_check_series(run, "grad_z_scale", 100, 0, 3816.81640625, 99, 94.1103286743164);
  CHECK_INT(run->n_series, 4);
  const tp_series *s = tp_run_find_series(run, "loss");
  if (s && s->count) CHECK_NEAR(s->points[0].wall_time_s, 1696921942.428393, 1e-5);
  fw_check_hparam(run, "n_epochs", "100");
  fw_check_hparam(run, "seed", "488707886");
  CHECK_STR(run->host, "raphael-Latitude-5501");
  CHECK_STR(run->window_source, "run metadata");
  CHECK_NEAR(run->start_s, 1696921942.392928, 1e-5);
  CHECK_NEAR(run->end_s, 1696921944.544539, 1e-5);
  tp_run_free(run);

  run = fw_load_corpus("framework/sacred-cdt-example/my_runs/1", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 0); /* metrics.json is {} */
  fw_check_hparam(run, "MODEL_NAME", "gs_result.pkl");
  fw_check_hparam(run, "parameters.C.1", "10");
  fw_check_hparam(run, "parameters.kernel.0", "linear");
  fw_check_hparam(run, "seed", "638422956");
  CHECK_STR(run->host, "Joes-MBP");
  CHECK_NEAR(run->start_s, 1589477250.695475, 1e-5);
  CHECK_NEAR(run->end_s, 1589477250.739704, 1e-5);
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_synthetic);
  TP_RUN(test_sniff);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
