/* Tests for parser/hydra: nested config flattened, overrides, a config that is
 * a list, and the real .hydra/ directories. */
#include "fw_check.h"
#include "parser/logs/hydra.h"

static void test_synthetic(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, ".hydra/config.yaml", "model:\n  lr: 0.01\n  layers: [64, 32]\ndata: ${oc.env:X}\n");
  fw_write(dir, ".hydra/overrides.yaml", "- model.lr=0.01\n- +seed=3\n- broken\n");
  tp_run *run = tp_run_new("t", dir);
  tp_diags d = {0};
  CHECK_INT(tp_hydra_load(run, dir, &d), 2);
  fw_check_hparam(run, "model.lr", "0.01");
  fw_check_hparam(run, "model.layers.1", "32");
  fw_check_hparam(run, "data", "${oc.env:X}");
  fw_check_hparam(run, "seed", "3");
  CHECK_INT(run->diags.count, 0); /* model.lr agrees */
  CHECK_INT(d.n_by_severity[TP_WARN], 1); /* "broken" */
  /* A config that is a list: a diagnostic, nothing taken. */
  fw_write(dir, ".hydra/config.yaml", "- a\n- b\n");
  tp_run *run2 = tp_run_new("t2", dir);
  CHECK_INT(tp_hydra_read_config(run2, fw_write(dir, ".hydra/config.yaml", "- a\n- b\n"), &d), -1);
  CHECK_INT(run2->n_hparams, 0);
  tp_run_free(run2);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/hydra-wandb-template", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_hparam(run, "data_loader.batch_size", "512");
  fw_check_hparam(run, "data_loader.data_dir", "${hydra:runtime.cwd}/data/");
  fw_check_hparam(run, "metrics.1._target_", "srcs.model.metric.top_k_acc");
  fw_check_hparam(run, "checkpoint", "outputs/train/2022-10-05/18-16-22/models/model_best.pth");
  CHECK_INT(run->n_hparams, 10);
  tp_run_free(run);

  run = fw_load_corpus("framework/hydra-hip-rssm", &err);
  CHECK_INT(err, 0);
  fw_check_hparam(run, "model.learn.lr", "0.0008");
  fw_check_hparam(run, "model.learn.gpu", "0");
  CHECK_INT(tp_run_find_hparam(run, "model.learn.gpu")->kind, TP_HP_STRING); /* quoted '0' */
  fw_check_hparam(run, "model.set_encoder.encoder_hidden_units.0", "240");
  fw_check_hparam(run, "model", "default_rkn"); /* from overrides.yaml */
  /* data_reader: load: null (was the string "None"). */
  CHECK(tp_run_find_hparam(run, "model.data_reader.load") &&
        tp_run_find_hparam(run, "model.data_reader.load")->kind == TP_HP_NULL);
  tp_run_free(run);

  run = fw_load_corpus("framework/hydra-aracnn", &err);
  CHECK_INT(err, 0);
  CHECK(run->n_hparams > 100);
  const tp_hparam *h = tp_run_find_hparam(run, "callbacks.early_stopping.check_on_train_epoch_end");
  CHECK(h && h->kind == TP_HP_NULL && strcmp(h->text, "null") == 0);
  tp_run_free(run);
}

/* An MLflow run inside a Hydra output folder (tests/data/hydra-mlflow) takes
 * the Hydra config as hparams; its own params win (model.lr 0.02, not 0.01),
 * with a warning; "None" in a param file is null. */
static void test_above_mlflow(void) {
  const char *dir = TP_SOURCE_DIR "/tests/data/hydra-mlflow/outputs/2024-05-01/12-00-00/mlruns/0/"
                                  "8f1e2d3c4b5a69788796a5b4c3d2e1f0";
  tp_run *run = tp_run_new("r", dir);
  tp_diags d = {0};
  CHECK(tp_framework_load_run(run, dir, NULL, &d) > 0);
  tp_run_finish(run);
  tp_buf b;
  CHECK_STR(fw_hparams_text(run, &b), "model.depth=1:4\n"
                            "model.dropout=3:null\n"
                            "model.lr=1:0.02\n"
                            "optimizer.scheduler=3:null\n"
                            "seed=1:1\n"
                            "trainer.gpus.0=1:0\n"
                            "trainer.max_epochs=1:2\n");
  const tp_hparam *h = tp_run_find_hparam(run, "model.depth");
  CHECK(h && strstr(h->source, "/12-00-00/.hydra/config.yaml") != NULL);
  size_t notes = 0, warns = 0;
  for (size_t i = 0; i < d.count; i++) {
    notes += strstr(d.items[i].message, "taken from the Hydra config of the folder above it") != NULL;
    warns += d.items[i].severity == TP_WARN;
  }
  for (size_t i = 0; i < run->diags.count; i++)
    warns += strstr(run->diags.items[i].message, "'model.lr' is '0.01' here but '0.02'") != NULL;
  CHECK_INT(notes, 1);
  CHECK_INT(warns, 1);
  size_t hydra_inputs = 0;
  for (size_t i = 0; i < run->n_inputs; i++)
    hydra_inputs += strncmp(run->inputs[i].format, "hydra-", 6) == 0;
  CHECK_INT(hydra_inputs, 2);
  tp_buf_free(&b);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* The Hydra output folder holding that MLflow store is not a run of its own:
 * one training, one run (the MLflow run), and a note says so. */
static void test_folder_not_a_run(void) {
  char *paths[] = {TP_SOURCE_DIR "/tests/data/hydra-mlflow"};
  tp_discovery disc = {0};
  tp_diags d = {0};
  CHECK_INT(tp_discover(&disc, paths, 1, &d), 0);
  CHECK_INT(disc.n_runs, 1);
  if (disc.n_runs == 1)
    CHECK_STR(disc.runs[0].id, "outputs/2024-05-01/12-00-00/mlruns/0/8f1e2d3c4b5a69788796a5b4c3d2e1f0");
  size_t notes = 0;
  for (size_t i = 0; i < d.count; i++)
    notes += strstr(d.items[i].message, "Hydra output folder holding an MLflow store") != NULL;
  CHECK_INT(notes, 1);
  tp_discovery_free(&disc);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_synthetic);
  TP_RUN(test_folder_not_a_run);
  TP_RUN(test_corpus);
  TP_RUN(test_above_mlflow);
  return tp_test_summary();
}
