/* Tests for parser/mlflow: metric lines (4-field and duplicated), params,
 * meta.yaml window, system GPU power as a trace, malformed lines, and the
 * real mlruns/ directories. */
#include <math.h>

#include "fw_check.h"
#include "parser/logs/mlflow.h"

typedef struct S_trace {
  int devices;
  int samples;
  double last_t, last_w;
} S_trace;

static int S_dev(void *ctx, const char *id, const char *name, tp_sample_kind kind, double wrap) {
  (void)name, (void)wrap;
  S_trace *t = ctx;
  CHECK_STR(id, "gpu1");
  CHECK_INT(kind, TP_SAMPLE_POWER_W);
  return t->devices++;
}

static void S_sample(void *ctx, int dev, double t_s, double w) {
  S_trace *t = ctx;
  (void)dev;
  t->samples++;
  t->last_t = t_s;
  t->last_w = w;
}

static void test_synthetic(void) {
  const char *dir = fw_tmpdir();
  char run_dir[512];
  snprintf(run_dir, sizeof run_dir, "%s/mlruns/1/0123456789abcdef0123456789abcdef", dir);
  fw_write(dir, "mlruns/1/meta.yaml", "name: exp-one\nexperiment_id: '1'\n");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/meta.yaml",
           "run_id: 0123456789abcdef0123456789abcdef\nstart_time: 1700000000000\n"
           "end_time: 1700000100000\nstatus: 3\nlifecycle_stage: active\n");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/metrics/loss",
           "1700000010000 0.5 0\n1700000010000 0.5 0\n1700000020000 nan 1 abc\n"
           "1700000030000 zero 2\n1700000040000 0.25 3\n");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/metrics/val/acc", "1700000050000 0.9 3\n");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/metrics/system/gpu_1_power_usage_watts",
           "1700000010000 150.5 0\n1700000020000 160 1\n");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/params/lr", "0.001");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/params/opt", "adam");
  /* Tags that say the run's Slurm job and GPUs: hparams under the variables' names. */
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/tags/slurm.job_id", "4242\n");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/tags/SLURM_JOB_GPUS", "4,5");
  fw_write(dir, "mlruns/1/0123456789abcdef0123456789abcdef/tags/mlflow.user", "ana");
  tp_run *run = tp_run_new("t", run_dir);
  tp_diags d = {0};
  CHECK(tp_framework_is_mlflow_run(run_dir));
  CHECK(tp_framework_load_run(run, run_dir, NULL, &d) > 0);
  fw_check_series(run, "loss", 3, 0, 0.5, 3, 0.25);
  fw_check_series(run, "val/acc", 1, 3, 0.9, 3, 0.9);
  CHECK(tp_run_find_series(run, "system/gpu_1_power_usage_watts") == NULL);
  fw_check_hparam(run, "lr", "0.001");
  fw_check_hparam(run, "opt", "adam");
  fw_check_hparam(run, "SLURM_JOB_ID", "4242");
  fw_check_hparam(run, "SLURM_JOB_GPUS", "4,5");
  CHECK(tp_run_find_hparam(run, "mlflow.user") == NULL);
  CHECK_STR(run->window_source, "run metadata");
  CHECK_NEAR(run->start_s, 1700000000, 1e-6);
  CHECK_NEAR(run->end_s, 1700000100, 1e-6);
  CHECK_INT(d.n_by_severity[TP_WARN], 1); /* "zero" */
  S_trace tr = {0};
  tp_trace_sink sink = {.ctx = &tr, .device = S_dev, .sample = S_sample};
  CHECK_INT(tp_mlflow_read_power(run_dir, &sink, &d), 1);
  CHECK_INT(tr.samples, 2);
  CHECK_NEAR(tr.last_t, 1700000020, 1e-6);
  CHECK_NEAR(tr.last_w, 160, 0);
  char exp_dir[512];
  snprintf(exp_dir, sizeof exp_dir, "%s/mlruns/1", dir);
  char *name = tp_mlflow_experiment_name(exp_dir, &d);
  CHECK_STR(name, "exp-one");
  free(name);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* A timestamp past the year 9999 (a fuzzer's find: 1.7e20 s overflowed the
 * conversion to a calendar month): the value is kept without a time. */
static void test_timestamp_range(void) {
  const char *text = "170000001001700000010000 0.5 0\n1700000040000 0.25 1\n";
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_run *run = tp_run_new("t", ".");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_diags d = {0};
  CHECK_INT(tp_mlflow_read_metric(f, "m", "loss", &sink, &d), 2);
  fclose(f);
  tp_run_finish(run);
  fw_check_series(run, "loss", 2, 0, 0.5, 1, 0.25);
  CHECK_NEAR(run->start_s, 1700000040, 1e-6);
  CHECK_INT(d.count, 1);
  CHECK(strstr(d.items[0].message, "not a time between 1970 and 9999") != NULL);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus(
      "framework/mlflow-imageclass/mlruns/586757370402886605/9fb9b6b8914c44bb869c2a2712fb79f7", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "test_loss", 1, 0, 0.35323014855384827, 0, 0.35323014855384827);
  fw_check_series(run, "val_accuracy", 1, 0, 0.8856666684150696, 0, 0.8856666684150696);
  fw_check_hparam(run, "optimizer", "Adadelta");
  fw_check_hparam(run, "epochs", "10");
  CHECK_NEAR(run->start_s, 1691411458.725, 1e-6);
  CHECK_NEAR(run->end_s, 1691411534.393, 1e-6);
  tp_run_free(run);

  run = fw_load_corpus(
      "framework/mlflow-swahili-keras-autolog/mlruns/1/ed05f9cd599442fe9a0c9222184710b8", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 10, 0, 332.6841735839844, 9, 234.7978057861328);
  fw_check_hparam(run, "opt_learning_rate", "0.002");
  /* params/batch_size holds "None", Keras autolog's repr of None: null. */
  const tp_hparam *bs = tp_run_find_hparam(run, "batch_size");
  CHECK(bs && bs->kind == TP_HP_NULL && strcmp(bs->text, "null") == 0);
  bs = tp_run_find_hparam(run, "opt_nesterov"); /* "True" */
  CHECK(bs && bs->kind == TP_HP_BOOL && bs->number == 1);
  CHECK_NEAR(run->start_s, 1628697775.478, 1e-6);
  CHECK_NEAR(run->end_s, 1628697851.678, 1e-6);
  tp_run_free(run);

  run = fw_load_corpus(
      "framework/mlflow-nested-runs/mlruns/977040650095363724/a9be29517a9d4d8d9fb63ce29228739b", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "acceptance_rate", 1, 3, 0.8, 3, 0.8); /* the line is written twice */
  tp_run_free(run);

  run = fw_load_corpus(
      "framework/mlflow3-timeseries/mlruns/356296186950559694/2ef810fa47af43ec98b2b231a625a2b0", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "test_mae", 1, 0, 247.9043, 0, 247.9043);
  CHECK_INT(run->n_series, 14);
  tp_run_free(run);

  run = fw_load_corpus("framework/mlflow-deepcnn/mlruns/0/cb0096518b0e4c66a94428555f05420b", &err);
  CHECK_INT(err, 0);
  CHECK_NEAR(run->start_s, 1664364007.025, 1e-6); /* end_time: null, status RUNNING */
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_synthetic);
  TP_RUN(test_timestamp_range);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
