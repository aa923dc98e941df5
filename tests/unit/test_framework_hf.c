/* Tests for parser/hf_trainer: malformed states and the real files.  Series,
 * train_runtime as a declared duration and NaN as Python writes it are the
 * data case tests/readers/hf_trainer/synthetic/. */
#include <math.h>

#include "fw_check.h"
#include "parser/logs/hf_trainer.h"

static tp_run *S_load_text(const char *text, tp_diags *d) {
  const char *dir = fw_tmpdir();
  const char *p = fw_write(dir, "trainer_state.json", text);
  tp_run *run = tp_run_new("t", dir);
  tp_framework_load_run(run, dir, NULL, d);
  unlink(p);
  rmdir(dir);
  return run;
}

static void test_malformed(void) {
  tp_diags d = {0};
  /* Truncated in the middle of log_history: the complete entries are kept. */
  tp_run *run =
      S_load_text("{\n \"log_history\": [\n  {\"loss\": 1.0, \"step\": 1},\n  {\"loss\": 0.5, \"st", &d);
  fw_check_series(run, "loss", 1, 1, 1.0, 1, 1.0);
  CHECK(fw_count(&d, TP_WARN) >= 1);
  tp_run_free(run);
  tp_diag_free(&d);
  /* A list is not a trainer state (and is not detected as one). */
  tp_diags d2 = {0};
  CHECK(!tp_hf_trainer_sniff("[1, 2]", 6));
  CHECK(tp_hf_trainer_sniff(" {\"log_history\": []}", 20));
  tp_diag_free(&d2);
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/hf-trainer-2021290246", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 3, 25, 8.9512, 75, 5.1226);
  fw_check_series(run, "learning_rate", 3, 25, 2.0625e-05, 75, 1.875e-06);
  fw_check_series(run, "train_runtime", 1, 80, 20.155, 80, 20.155);
  CHECK_NEAR(run->declared_duration_s, 20.155, 1e-12);
  CHECK_STR(run->window_source, "declared duration");
  fw_check_hparam(run, "num_train_epochs", "5");
  tp_run_free(run);

  run = fw_load_corpus("framework/hf-trainer-whisper-hi", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 200, 25, 0.8917, 5000, 0.0002);
  fw_check_series(run, "eval_wer", 5, 1000, 34.63133835604842, 5000, 32.09599593667993);
  fw_check_series(run, "eval_loss", 5, 1000, 0.30747494101524353, 5000, 0.4679179787635803);
  fw_check_series(run, "best_metric", 1, 5000, 32.011343435198505, 5000, 32.011343435198505);
  CHECK_NEAR(run->declared_duration_s, 16800.4503, 1e-9);
  tp_run_free(run);

  run = fw_load_corpus("framework/hf-trainer-weibo-rumor", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 51, 500, 0.981, 25500, 0.1636);
  fw_check_series(run, "train_loss", 1, 25800, 0.3071320072440214, 25800, 0.3071320072440214);
  CHECK_NEAR(run->declared_duration_s, 5938.5496, 1e-9);
  tp_run_free(run);

  run = fw_load_corpus("framework/hf-trainer-state-viz", &err);
  CHECK_INT(err, 0);
  CHECK(isnan(run->declared_duration_s)); /* no summary entry */
  CHECK(run->window_source == NULL);
  CHECK(tp_run_find_series(run, "eval_g0_loss") != NULL);
  CHECK(tp_run_find_series(run, "eval_g5_loss") != NULL);
  fw_check_hparam(run, "train_batch_size", "4");
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_malformed);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
