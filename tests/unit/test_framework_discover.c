/* Tests for the framework part of parser/discover: directories holding
 * framework logs become runs, MLflow runs get mlruns/<exp>/<run_id> ids,
 * deleted MLflow runs and their subdirectories are left out. */
#include "fw_check.h"
#include "parser/discover.h"

static void test_tree(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "lt/version_0/metrics.csv", "train_loss,epoch,step\n0.5,0,1\n");
  fw_write(dir, "lt/version_0/hparams.yaml", "lr: 0.1\n");
  fw_write(dir, "hf/trainer_state.json", "{\"log_history\": []}\n");
  fw_write(dir, "ker/history.csv", "epoch,loss\n0,1.0\n");
  fw_write(dir, "hy/.hydra/config.yaml", "a: 1\n");
  fw_write(dir, "wb/run-1/files/wandb-summary.json", "{}");
  fw_write(dir, "wb/run-1/files/output.log", "iter 1: loss 2.0, time 1.0ms, mfu 1.0%\n"
                                              "iter 2: loss 2.0, time 1.0ms, mfu 1.0%\n"
                                              "iter 3: loss 2.0, time 1.0ms, mfu 1.0%\n");
  fw_write(dir, "ml/mlruns/1/meta.yaml", "name: e\n");
  fw_write(dir, "ml/mlruns/1/0123456789abcdef0123456789abcdef/meta.yaml",
           "run_id: 0123456789abcdef0123456789abcdef\nstart_time: 1\nlifecycle_stage: active\n");
  fw_write(dir, "ml/mlruns/1/0123456789abcdef0123456789abcdef/metrics/loss", "1 0.5 0\n");
  fw_write(dir, "ml/mlruns/1/0123456789abcdef0123456789abcdef/artifacts/x/events.out.tfevents.1.h",
           "x");
  fw_write(dir, "ml/mlruns/1/fedcba9876543210fedcba9876543210/meta.yaml",
           "run_id: fedcba9876543210fedcba9876543210\nstart_time: 1\nlifecycle_stage: deleted\n");
  fw_write(dir, "txt/train.log", "Epoch [1/2] Step [1/9] loss: 1\nEpoch [1/2] Step [2/9] loss: 1\n"
                                 "Epoch [1/2] Step [3/9] loss: 1\n");
  fw_write(dir, "notes/readme.txt", "a=1\nb=2\nc=3\n");
  tp_discovery d = {0};
  tp_diags g = {0};
  char *paths[] = {(char *)dir};
  CHECK_INT(tp_discover(&d, paths, 1, &g), 0);
  static const char *const ids[] = {"hf",    "hy",    "ker", "lt/version_0",
                                    "ml/mlruns/1/0123456789abcdef0123456789abcdef",
                                    "txt",   "wb/run-1"};
  CHECK_INT(d.n_runs, 7);
  for (size_t i = 0; i < d.n_runs && i < 7; i++) CHECK_STR(d.runs[i].id, ids[i]);
  if (d.n_runs == 7) {
    CHECK_INT(d.runs[3].n_other_files, 2); /* metrics.csv, hparams.yaml */
    CHECK_INT(d.runs[4].n_event_files, 0); /* artifacts/ is not walked */
  }
  CHECK_INT(g.n_by_severity[TP_NOTE], 1); /* the deleted run */
  tp_discovery_free(&d);
  tp_diag_free(&g);
}

static void test_sniff(void) {
  const unsigned char lt[] = "epoch,lr,step\n,0.1,49\n";
  CHECK_INT(tp_discover_sniff("x/metrics.csv", lt, sizeof lt - 1), TP_FILE_LIGHTNING_CSV);
  const unsigned char ke[] = "epoch,acc\n0,0.5\n";
  CHECK_INT(tp_discover_sniff("x/training.log", ke, sizeof ke - 1), TP_FILE_KERAS_CSV);
  const unsigned char hf[] = "{\n  \"best_metric\": null,\n  \"log_history\": []}";
  CHECK_INT(tp_discover_sniff("x/state.json", hf, sizeof hf - 1), TP_FILE_HF_TRAINER_STATE);
  CHECK_STR(tp_file_kind_name(TP_FILE_KERAS_CSV), "keras-csv");
}

static void test_corpus(void) {
  const char *shared = tp_test_shared();
  if (!shared) {
    tp_test_skip("shared corpus absent");
    return;
  }
  char *root = tp_xasprintf("%s/corpus/framework", shared);
  tp_test_need(root);
  tp_discovery d = {0};
  tp_diags g = {0};
  char *paths[] = {root};
  CHECK_INT(tp_discover(&d, paths, 1, &g), 0);
  size_t mlflow = 0, deleted = 0;
  for (size_t i = 0; i < d.n_runs; i++)
    if (strstr(d.runs[i].id, "/mlruns/")) mlflow++;
  for (size_t i = 0; i < g.count; i++)
    if (strstr(g.items[i].message, "deleted")) deleted++;
  CHECK_INT(mlflow, 14); /* 7 + 1 + 1 + 4 + 1, the 2 deleted left out */
  CHECK_INT(deleted, 2);
  /* Sacred, detectron2 metrics.json, mmengine JSON lines, DVCLive and
   * Ultralytics 7.x folders are not read yet */
  CHECK_INT(d.n_runs, 48);
  tp_discovery_free(&d);
  tp_diag_free(&g);
  free(root);
}

int main(void) {
  TP_RUN(test_tree);
  TP_RUN(test_sniff);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
