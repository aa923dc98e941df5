/* Tests for parser/wandb: config values unwrapped, summary scalars and
 * objects, startedAt window, a summary that is not an object, real runs. */
#include <math.h>

#include <string.h>

#include "fw_check.h"
#include "parser/logs/wandb.h"

static void test_synthetic(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "files/config.yaml",
           "wandb_version: 1\n_wandb:\n  desc: null\n  value: {cli_version: 0.10.19}\n"
           "lr:\n  desc: null\n  value: 0.1\nopt:\n    value: {name: adam, beta: 0.9}\n");
  fw_write(dir, "files/wandb-summary.json",
           "{\"_step\": 7, \"_runtime\": 100.5, \"loss\": 0.25, \"h\": {\"_type\": \"histogram\"},"
           " \"acc\": NaN}");
  fw_write(dir, "files/wandb-metadata.json",
           "{\"startedAt\": \"2021-02-17T17:10:51.5\", \"gpu\": \"GeForce RTX 3090\", \"gpu_count\": 2}");
  tp_run *run = tp_run_new("t", dir);
  tp_diags d = {0};
  CHECK_INT(tp_framework_detect(dir) & TP_FW_WANDB, TP_FW_WANDB);
  CHECK_INT(tp_framework_load_run(run, dir, NULL, &d), 3);
  fw_check_hparam(run, "lr", "0.1");
  fw_check_hparam(run, "opt.name", "adam");
  CHECK(tp_run_find_hparam(run, "_wandb.cli_version") == NULL);
  CHECK(tp_run_find_hparam(run, "wandb_version") == NULL);
  fw_check_series(run, "loss", 1, 7, 0.25, 7, 0.25);
  fw_check_series(run, "acc", 1, 7, NAN, 7, NAN);
  CHECK_INT(run->n_skipped, 1);
  CHECK_STR(run->window_source, "run metadata");
  CHECK_NEAR(run->start_s, 1613581851.5, 1e-6);
  CHECK_NEAR(run->end_s, 1613581952.0, 1e-6);
  tp_run_free(run);
  /* A summary that is a list: a warning, nothing taken. */
  fw_write(dir, "files/wandb-summary.json", "[1, 2]");
  run = tp_run_new("t", dir);
  double rt, ts;
  char *p = tp_xasprintf("%s/files/wandb-summary.json", dir);
  CHECK_INT(tp_wandb_read_summary(p, run, &rt, &ts, &d), -1);
  CHECK_INT(run->n_series, 0);
  free(p);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* One series, two loggers: wandb-summary.json holds loss 1.5 at _step 3, and
 * the run's output.log (nanoGPT lines) logs loss at iters 1, 2, 3.  The
 * summary point is read first; the log's points are a second copy of the
 * series, not a restart: the log keeps the series (3 points, 1 dropped from
 * the summary) and the run counts no restart. */
static void test_two_loggers(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "run-2/files/wandb-summary.json", "{\"_step\": 3, \"loss\": 1.5}");
  fw_write(dir, "run-2/files/output.log", "iter 1: loss 2.5, time 1.0ms, mfu 1.0%\n"
                                          "iter 2: loss 2.0, time 1.0ms, mfu 1.0%\n"
                                          "iter 3: loss 1.5, time 1.0ms, mfu 1.0%\n");
  char *run_dir = tp_xasprintf("%s/run-2", dir);
  tp_run *run = tp_run_new("run-2", run_dir);
  tp_diags d = {0};
  CHECK(tp_framework_load_run(run, run_dir, NULL, &d) >= 2);
  tp_run_finish(run);
  fw_check_series(run, "loss", 3, 1, 2.5, 3, 1.5);
  const tp_series *s = tp_run_find_series(run, "loss");
  CHECK(s && s->doubled == 1 && s->dropped == 0);
  CHECK_INT(run->restarts, 0);
  bool said = false;
  for (size_t i = 0; i < run->diags.count; i++)
    said |= strstr(run->diags.items[i].message, "loss (1 from wandb; kept from textlog)") != NULL;
  CHECK(said);
  tp_run_free(run);
  tp_diag_free(&d);
  free(run_dir);
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/wandb-vade", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_hparam(run, "batch_size", "256");
  fw_check_hparam(run, "clustering_method", "gmm-full");
  fw_check_series(run, "bce_loss", 1, 11749, 0.27701807022094727, 11749, 0.27701807022094727);
  fw_check_series(run, "ARI", 1, 11749, 0.5065127977077698, 11749, 0.5065127977077698);
  /* startedAt 2021-02-17T17:10:51.377193 (UTC) + _runtime 383 */
  CHECK_NEAR(run->start_s, 1613581851.377193, 1e-5);
  CHECK_NEAR(run->end_s, 1613581851.377193 + 383, 1e-5);
  tp_run_free(run);

  run = fw_load_corpus("framework/wandb-chatbot", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 1, 40, 4.708026051795771, 40, 4.708026051795771);
  CHECK_NEAR(run->start_s, 1742260275.726081, 1e-5); /* 2025-03-18T01:11:15.726081Z */
  CHECK_NEAR(run->end_s, 1742260275.726081 + 165.552326364, 1e-5);
  tp_run_free(run);

  run = fw_load_corpus("framework/wandb-nanogpt-pr600/wandb/run-20250322_100626-dc077yo6", &err);
  CHECK_INT(err, 0);
  CHECK_INT(run->n_series, 0); /* aborted: {"_wandb":{"runtime":5}} */
  CHECK_NEAR(run->end_s - run->start_s, 5, 1e-9);
  tp_run_free(run);

  run = fw_load_corpus("framework/wandb-hyper-graph-nets", &err);
  CHECK_INT(err, 0);
  CHECK(run->n_skipped > 0); /* histogram and table objects */
  tp_run_free(run);

  /* config.yaml: "dispatch_batches: {desc: null, value: null}" and, nested,
   * "accelerator_config: {value: {dispatch_batches: null, ...}}": nulls. */
  run = fw_load_corpus("framework/wandb-binary-tevatron-3jp4rk/wandb/run-20240401_203202-6wtuv9pb",
                       &err);
  CHECK_INT(err, 0);
  const tp_hparam *h = tp_run_find_hparam(run, "dispatch_batches");
  CHECK(h && h->kind == TP_HP_NULL && strcmp(h->text, "null") == 0);
  h = tp_run_find_hparam(run, "accelerator_config.dispatch_batches");
  CHECK(h && h->kind == TP_HP_NULL);
  h = tp_run_find_hparam(run, "accelerator_config.even_batches");
  CHECK(h && h->kind == TP_HP_BOOL && h->number == 1);
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_synthetic);
  TP_RUN(test_two_loggers);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
