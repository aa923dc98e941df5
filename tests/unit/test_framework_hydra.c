/* Tests for parser/hydra: nested config flattened, overrides, a config that is
 * a list, and the real .hydra/ directories. */
#include "fw_check.h"
#include "parser/hydra.h"

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
  tp_run_free(run);

  run = fw_load_corpus("framework/hydra-aracnn", &err);
  CHECK_INT(err, 0);
  CHECK(run->n_hparams > 100);
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_synthetic);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
