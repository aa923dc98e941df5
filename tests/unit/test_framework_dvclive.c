/* Tests for parser/logs/dvclive: TSVs with and without timestamps, nested
 * names, params.yaml, damaged rows, the sniffer, and the real DVCLive folders
 * of the corpus (0.x and 2.x layouts). */
#include <math.h>

#include "fw_check.h"
#include "parser/logs/dvclive.h"

static void test_synthetic(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "dvc.yaml", "params:\n- params.yaml\nplots:\n- plots/metrics:\n    x: step\n");
  fw_write(dir, "params.yaml", "lr: 0.1\nmodel:\n  depth: 4\n");
  fw_write(dir, "metrics.json", "{\"train\": {\"loss\": 0.5}, \"step\": 2}\n");
  fw_write(dir, "plots/metrics/train/loss.tsv", "step\tloss\n0\t1.5\n1\tabc\n2\t0.5\n");
  fw_write(dir, "plots/metrics/acc.tsv",
           "timestamp\tstep\tacc\n1700000000000\t0\t0.25\n1700000060500\t1\t0.75\n");
  CHECK(tp_framework_detect(dir) & TP_FW_DVCLIVE);
  tp_run *run = tp_run_new("t", dir);
  tp_diags d = {0};
  CHECK_INT(tp_framework_load_run(run, dir, NULL, &d), 3);
  fw_check_series(run, "train/loss", 2, 0, 1.5, 2, 0.5);
  fw_check_series(run, "acc", 2, 0, 0.25, 1, 0.75);
  fw_check_hparam(run, "lr", "0.1");
  fw_check_hparam(run, "model.depth", "4");
  CHECK_STR(run->window_source, "log timestamps");
  CHECK_NEAR(run->start_s, 1700000000.0, 1e-6);
  CHECK_NEAR(run->end_s, 1700000060.5, 1e-6);
  CHECK_INT(d.n_by_severity[TP_WARN], 1); /* "abc" */
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_sniff(void) {
  CHECK(tp_dvclive_sniff("plots:\n- plots/metrics:\n", 24));
  CHECK(tp_dvclive_sniff("{\"step\": 9, \"loss\": 1}", 22));
  CHECK(!tp_dvclive_sniff("stages:\n  train:\n    cmd: python t.py\n", 37));
  CHECK(tp_framework_sniff_file("dvclive.json", "{\"step\": 1}", 11) == TP_FW_DVCLIVE);
  /* A one-line metrics.json with a step may be a JSON-lines log (detectron2);
   * it never marks a DVCLive folder, and in one the DVCLive reader has it. */
  CHECK(tp_framework_sniff_file("metrics.json", "{\"step\": 1}", 11) != TP_FW_DVCLIVE);
}

/* Values read by hand from the corpus files. */
static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/dvclive-0x-example-dvc-experiments", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 4);
  fw_check_series(run, "loss", 10, 0, 0.20822149515151978, 9, 0.01581449620425701);
  fw_check_series(run, "acc", 10, 0, 0.939383327960968, 9, 0.994866669178009);
  fw_check_hparam(run, "train.epochs", "10");
  fw_check_hparam(run, "model.conv_units", "64");
  CHECK_STR(run->window_source, "log timestamps");
  CHECK_NEAR(run->start_s, 1644422426.814, 1e-6);
  CHECK_NEAR(run->end_s, 1644423028.859, 1e-6);
  tp_run_free(run);

  run = fw_load_corpus("framework/dvclive-get-started-experiments/2023-04-fastai/results/train",
                       &err);
  if (!run) return;
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 3);
  fw_check_series(run, "eval/loss", 9, 0, 0.13116717338562012, 8, 0.021420806646347046);
  fw_check_series(run, "train/loss", 9, 0, 0.32652440667152405, 8, 0.03061583824455738);
  fw_check_series(run, "dice_multi", 9, 0, 0.4962478175409314, 8, 0.8728481883947294);
  fw_check_hparam(run, "model", "DynamicUnet");
  fw_check_hparam(run, "batch_size", "8");
  CHECK(isnan(run->start_s)); /* no timestamps: no window */
  tp_run_free(run);

  run = fw_load_corpus("framework/dvclive-get-started-experiments/2023-07-yolov8seg/results/train",
                       &err);
  if (!run) return;
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 16);
  fw_check_series(run, "metrics/mAP50(B)", 20, 0, 0.00014, 19, 0.00145);
  fw_check_hparam(run, "epochs", "20");
  fw_check_hparam(run, "imgsz", "384");
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_synthetic);
  TP_RUN(test_sniff);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
