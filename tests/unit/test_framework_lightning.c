/* Tests for parser/lightning_csv: sparse rows, column order, legacy created_at,
 * malformed rows, and the real CSVLogger files of the shared corpus. */
#include <math.h>

#include "fw_check.h"
#include "model/lab.h"
#include "parser/logs/lightning_csv.h"

static tp_run *S_read_text(const char *text, tp_diags *d) {
  tp_run *run = tp_run_new("t", ".");
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_lightning_csv_read(f, "metrics.csv", NULL, &sink, d, NULL);
  fclose(f);
  return run;
}

static void test_sparse_rows(void) {
  tp_diags d = {0};
  tp_run *run = S_read_text("val_loss,epoch,lr-Adam,step,train_loss\n"
                            ",,0.1,49,\n"
                            ",0,,49,0.5\n"
                            "0.4,0,,50,\n"
                            ",1,,99,nan\n",
                            &d);
  fw_check_series(run, "train_loss", 2, 49, 0.5, 99, NAN);
  CHECK(isnan(tp_run_find_series(run, "train_loss")->points[1].value));
  fw_check_series(run, "val_loss", 1, 50, 0.4, 50, 0.4);
  fw_check_series(run, "lr-Adam", 1, 49, 0.1, 49, 0.1);
  CHECK(tp_run_find_series(run, "epoch") == NULL);
  CHECK_INT(d.count, 0);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_malformed(void) {
  tp_diags d = {0};
  tp_run *run = S_read_text("train_loss,epoch,step\n"
                            "0.5,0,10\n"
                            "0.4,0\n"             /* ragged */
                            "0.3,0,20,9\n"        /* ragged */
                            "loss!,0,30\n"        /* text in a value */
                            "0.2,0,x\n"           /* text in the step */
                            "0.1,1,40\n"
                            "0.05,1,5",           /* cut mid-line */
                            &d);
  fw_check_series(run, "train_loss", 2, 10, 0.5, 40, 0.1);
  CHECK(fw_count(&d, TP_WARN) >= 5);
  tp_run_free(run);
  tp_diag_free(&d);
  /* Empty input: no header. */
  tp_diags d2 = {0};
  run = S_read_text("", &d2);
  CHECK_INT(run->n_series, 0);
  CHECK_INT(d2.n_by_severity[TP_ERROR], 1);
  tp_run_free(run);
  tp_diag_free(&d2);
}

static void test_legacy_time(void) {
  tp_diags d = {0};
  tp_run *run = S_read_text("train_loss,epoch,created_at\n"
                            "1.5,0,2020-02-03 16:53:44.5\n"
                            "1.25,1,2020-02-03 16:54:44.5\n",
                            &d);
  fw_check_series(run, "train_loss", 2, 0, 1.5, 1, 1.25);
  CHECK_NEAR(run->start_s, 1580748824.5, 1e-6);
  CHECK_NEAR(run->end_s, 1580748884.5, 1e-6);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_header_sniff(void) {
  CHECK(tp_lightning_csv_header("train_loss,epoch,step", 21));
  CHECK(tp_lightning_csv_header("a,epoch,created_at", 18));
  CHECK(!tp_lightning_csv_header("epoch,loss,val_loss", 19));
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/lightning-ml-aos/lightning_logs/version_0", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 4);
  fw_check_series(run, "train_rmse", 14, 49, 0.20767414569854736, 699, 0.028733719140291214);
  fw_check_series(run, "train_loss", 14, 49, 0.04631919413805008, 699, 0.0010015831794589758);
  fw_check_series(run, "val_rmse", 4, 150, 0.023177266120910645, 603, 0.008673887699842453);
  fw_check_series(run, "val_loss", 4, 150, 0.00173093075864017, 603, 0.00027064007008448243);
  fw_check_hparam(run, "batch_size", "256");
  CHECK(run->window_source == NULL); /* no time column: no window */
  tp_run_free(run);

  run = fw_load_corpus("framework/lightning-ml-aos/lightning_logs/version_4", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "train_rmse", 604, 49, 0.6109481453895569, 30199, 0.046855710446834564);
  fw_check_series(run, "val_loss", 200, 150, 0.3609369993209839, 30199, 0.0011605253675952554);
  /* train and validation rows interleave; each series' steps only go up */
  CHECK_INT(run->restarts, 0);
  tp_run_free(run);

  run = fw_load_corpus("framework/lightning-opal/lightning_logs/version_0", &err);
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 3);
  fw_check_series(run, "lr-Adam", 108, 49, 0.00328141592920354, 5399, 0.0003071019988956377);
  fw_check_series(run, "train/nll_loss", 108, 49, 0.0575530878690101, 5399, 0.010449534956721657);
  fw_check_series(run, "val/rmse_loss", 8, 678, 0.019856970821374123, 5431, 0.01806013539950508);
  CHECK_INT(run->restarts, 0);
  tp_run_free(run);

  run = fw_load_corpus("framework/lightning-nlp2-probing/lightning_logs/version_0", &err);
  CHECK_INT(err, 0);
  CHECK_INT(run->n_hparams, 0); /* hparams.yaml is {} */
  fw_check_series(run, "train_loss", 28, 49, 2.347229480743408, 1399, 2.7272350788116455);
  fw_check_series(run, "train_acc", 28, 49, 0.375, 1399, 0.125);
  tp_run_free(run);

  run = fw_load_corpus("framework/lightning-legacy-testtube/hall_of_fame/20200204/lightning_logs",
                       &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "train_loss", 1023, 0, 85.09262084960938, 1022, 85.02904510498047);
  CHECK_STR(run->window_source, "log timestamps");
  /* created_at is naive local time; with no zone given it is read as UTC. */
  CHECK_NEAR(run->start_s, 1580748824.934109, 1e-5);
  CHECK_NEAR(run->end_s, 1580792612.833862, 1e-5);
  fw_check_hparam(run, "lr", "0.02");
  /* meta_tags.csv holds a repr with its address: kept as written, left out
   * of the configuration text. */
  fw_check_hparam(run, "train_dataset",
                  "<cp_detection.NeuralODE.GeneralModeDataset object at 0x7fd449fe1550>");
  tp_run_finish(run);
  char *config = tp_lab_config_of(NULL, run, NULL, 0);
  CHECK_STR(config, "batch_size=40, hidden_nodes=[10, 10], lr=0.02, solver=dopri5, "
                    "train_dataset=<cp_detection.NeuralODE.GeneralModeDataset object>");
  free(config);
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_sparse_rows);
  TP_RUN(test_malformed);
  TP_RUN(test_legacy_time);
  TP_RUN(test_header_sniff);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
