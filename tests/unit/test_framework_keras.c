/* Tests for parser/keras_csv: epoch rows, append=True phases, detection by
 * content, malformed rows, and the real CSVLogger files; histories saved by
 * pandas without an epoch column; Ultralytics run folders. */
#include "fw_check.h"
#include "parser/logs/keras_csv.h"

static void test_phases_and_bad_rows(void) {
  const char *text = "epoch,loss,val_loss\n0,1.0,1.1\n1,0.9,1.0\n0,0.8,0.95\n1,0.7,oops\n2,0.6\n"
                     "3,0.5,0.9\n";
  tp_run *run = tp_run_new("t", ".");
  tp_diags d = {0};
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_metrics_csv_stats st;
  CHECK_INT(tp_keras_csv_read(f, "training.log", NULL, NAN, &sink, &d, &st), 0);
  fclose(f);
  CHECK_INT(st.phases, 2);
  fw_check_series(run, "loss", 5, 0, 1.0, 5, 0.5); /* phase 2 continues at step 2 */
  fw_check_series(run, "val_loss", 4, 0, 1.1, 5, 0.9);
  CHECK_INT(d.n_by_severity[TP_NOTE], 1);
  CHECK_INT(d.n_by_severity[TP_WARN], 2); /* text in a value, a ragged row */
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_sniff(void) {
  CHECK(tp_keras_csv_sniff("epoch,acc,loss\n0,0.5,1.2\n", 25));
  CHECK(!tp_keras_csv_sniff("epoch,step,loss\n0,1,1.2\n", 24)); /* Lightning */
  CHECK(!tp_keras_csv_sniff("epochs,acc\n0,1\n", 15));
  CHECK(!tp_keras_csv_sniff("epoch,acc\nfoo\n", 14));
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/keras-brain-tumor", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "accuracy", 24, 0, 0.36074766516685486, 23, 0.48917102813720703);
  fw_check_series(run, "val_loss", 24, 0, 1.0451288223266602, 23, 0.9485501646995544);
  fw_check_series(run, "learning_rate", 24, 0, 9.999999747378752e-05, 23, 9.999999747378752e-05);
  CHECK_INT(run->diags.count + 0, 0);
  /* four appended phases continue the step axis: no series goes back */
  CHECK_INT(run->restarts, 0);
  tp_run_free(run);

  run = fw_load_corpus("framework/keras-voice-id", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "acc", 50, 0, 0.26691599539700805, 49, 0.87031070195627158);
  fw_check_series(run, "val_loss", 50, 0, 4.210579307923406, 49, 5.4894675645769011);
  CHECK_INT(run->restarts, 0);
  tp_run_free(run);

  run = fw_load_corpus("framework/keras-tomato-leaf", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "accuracy", 29, 0, 0.3163749873638153, 28, 0.9668750166893005);
  fw_check_series(run, "loss", 29, 0, 1.843022346496582, 28, 0.091253668);
  tp_run_free(run);

  run = fw_load_corpus("framework/keras-mnist-digit", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "accuracy", 30, 0, 0.8864259123802185, 29, 0.9950370192527771);
  fw_check_series(run, "learning_rate", 30, 0, 0.0010000000474974513, 29, 0.0002500000118743628);
  tp_run_free(run);
}

static void test_history_sniff(void) {
  const char *idx = ",loss,val_loss\n0,1.0,1.1\n1,0.9,1.0\n";
  CHECK(tp_keras_history_sniff(idx, strlen(idx)));
  const char *plain = "loss,val_accuracy\r\n0.5,0.9\r\n";
  CHECK(tp_keras_history_sniff(plain, strlen(plain)));
  const char *no_loss = "accuracy,val_accuracy\n0.5,0.9\n"; /* Keras always logs a loss */
  CHECK(!tp_keras_history_sniff(no_loss, strlen(no_loss)));
  const char *power = "timestamp, power.draw [W]\n1,20.5\n";
  CHECK(!tp_keras_history_sniff(power, strlen(power)));
  const char *unit = "loss,power W\n1,2\n";
  CHECK(!tp_keras_history_sniff(unit, strlen(unit)));
  const char *lightning = "step,loss\n0,1.0\n";
  CHECK(!tp_keras_history_sniff(lightning, strlen(lightning)));
  const char *text = "loss,val_loss\n0.5,n/a\n";
  CHECK(!tp_keras_history_sniff(text, strlen(text)));
  const char *ragged = "loss,val_loss\n0.5\n";
  CHECK(!tp_keras_history_sniff(ragged, strlen(ragged)));
  const char *header_only = "loss,val_loss\n";
  CHECK(!tp_keras_history_sniff(header_only, strlen(header_only)));
  /* by name: a history.csv is offered to it, an arbitrary CSV is not */
  CHECK_INT(tp_framework_sniff_file("x/history.csv", idx, strlen(idx)), TP_FW_KERAS_HISTORY);
  CHECK_INT(tp_framework_sniff_file("x/model_training_history.csv", idx, strlen(idx)),
            TP_FW_KERAS_HISTORY);
  CHECK_INT(tp_framework_sniff_file("x/data.csv", idx, strlen(idx)), 0);
}

static void test_history_corpus(void) {
  size_t err = 0;
  /* index=False: rows numbered from 0 (20 epochs) */
  tp_run *run = fw_load_corpus("framework/keras-noepoch-cnn-landmarks", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 20, 0, 0.00874660536646843, 19, 0.00048966018948704);
  fw_check_series(run, "val_loss", 20, 0, 0.0013500623172149062, 19, 0.00048672218690626323);
  CHECK_INT(run->n_inputs, 1);
  CHECK_STR(run->inputs[0].format, "keras-history");
  tp_run_free(run);
  /* pandas' index column (empty header cell) is the step, not a metric */
  run = fw_load_corpus("framework/keras-noepoch-expert", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 150, 0, 17.3155460357666, 149, 0.8012353777885437);
  fw_check_series(run, "l0_loss", 150, 0, 1.1920930376163597e-07, 149, 1.1920930376163597e-07);
  CHECK(tp_run_find_series(run, "") == NULL);
  CHECK_INT(run->n_series, 86);
  tp_run_free(run);
}

static void test_ultralytics_corpus(void) {
  size_t err = 0;
  /* 8.2-era padded cells; epochs 1..10 are the steps */
  tp_run *run =
      fw_load_corpus("framework/ultralytics-old-basketball/2024-07-18-yolov9c/runs/detect/train", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "train/box_loss", 10, 1, 0.83937, 10, 0.68224);
  CHECK_STR(tp_run_find_hparam(run, "model")->text, "yolov9c.pt");
  CHECK_STR(tp_run_find_hparam(run, "epochs")->text, "10");
  CHECK(isnan(run->start_s) && isnan(run->declared_duration_s)); /* no time at all */
  tp_run_free(run);
  /* >= 8.3.9: a time column of seconds since the start gives the duration */
  run = fw_load_corpus("framework/ultralytics-new-squeakpose/runs/detect/train", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "train/box_loss", 605, 1, 6.52664, 605, 0.46856);
  CHECK(tp_run_find_series(run, "time") == NULL);
  CHECK_STR(tp_run_find_hparam(run, "batch")->text, "-1");
  CHECK(isnan(run->start_s));
  CHECK(fabs(run->declared_duration_s - 888.065) < 1e-9);
  CHECK_STR(run->window_source, "declared duration");
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_phases_and_bad_rows);
  TP_RUN(test_sniff);
  TP_RUN(test_corpus);
  TP_RUN(test_history_sniff);
  TP_RUN(test_history_corpus);
  TP_RUN(test_ultralytics_corpus);
  return tp_test_summary();
}
