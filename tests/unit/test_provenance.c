/* Provenance of inputs: every file a framework reader takes has its real
 * size and SHA-256 (Lightning's metrics.csv and MLflow's files had 0 bytes
 * and no digest), and pages name it relative to the path given
 * (render/paths.h).  Sizes from `wc -c`, digests from `sha256sum`. */
#include <stdlib.h>

#include "fw_check.h"
#include "render/paths.h"

/* The input of run whose path ends with suffix, or NULL. */
static const tp_input *S_input(const tp_run *run, const char *suffix) {
  size_t ns = strlen(suffix);
  for (size_t i = 0; i < run->n_inputs; i++) {
    size_t n = strlen(run->inputs[i].path);
    if (n >= ns && strcmp(run->inputs[i].path + n - ns, suffix) == 0) return &run->inputs[i];
  }
  return NULL;
}

static void S_check_input(const tp_run *run, const char *suffix, uint64_t size, const char *sha) {
  const tp_input *in = S_input(run, suffix);
  CHECK(in != NULL);
  if (!in) return;
  CHECK_INT(in->size, size);
  CHECK_STR(in->sha256, sha);
  CHECK(in->mtime_s > 0);
}

static void test_lightning(void) {
  char *dir = tp_xasprintf("%s/tests/data/provenance/version_0", TP_SOURCE_DIR);
  tp_run *run = tp_run_new("version_0", dir);
  tp_diags d = {0};
  CHECK(tp_framework_load_run(run, dir, NULL, &d) > 0);
  fw_check_series(run, "train_loss", 2, 10, 0.5, 20, 0.25);
  S_check_input(run, "/metrics.csv", 41,
                "e69308b87c98849a537262ee6e5a49814d1983ccfd13667d041bdefdf7bb0c9a");
  S_check_input(run, "/hparams.yaml", 23,
                "1643d43966f286b5007a0896aa2c930f13294c194d8c307d6188b4d310157093");
  tp_run_free(run);
  tp_diag_free(&d);
  free(dir);
}

static void test_mlflow_corpus(void) {
  tp_run *run = fw_load_corpus("framework/mlflow-deepcnn/mlruns/0/cb0096518b0e4c66a94428555f05420b",
                               NULL);
  if (!run) return;
  S_check_input(run, "/metrics/loss", 35,
                "78734b1602866bdbd467a36bb12eda3eeae227dac9e2c0dba0aa5bc0e35f129e");
  S_check_input(run, "/meta.yaml", 445,
                "8ed7b95b8412e5f55748164826ef8f0f8dad71616979a4d80353ec366d951f69");
  for (size_t i = 0; i < run->n_inputs; i++) CHECK_INT(strlen(run->inputs[i].sha256), 64);
  tp_run_free(run);
}

/* Names relative to the argument: a run's directory less its id. */
static void test_names(void) {
  tp_lab lab = {0};
  tp_lab_add_run(&lab, tp_run_new("exp/run1", "/home/someone/lab/exp/run1"));
  tp_lab_add_run(&lab, tp_run_new("solo", "/data/solo")); /* the argument was the run itself */
  tp_paths p;
  tp_paths_init(&p, &lab);
  CHECK_INT(p.n_roots, 2);
  CHECK_STR(tp_paths_name(&p, "/home/someone/lab/exp/run1/events.out.tfevents.1.h"),
            "exp/run1/events.out.tfevents.1.h");
  CHECK_STR(tp_paths_name(&p, "/home/someone/lab/gpu.csv"), "gpu.csv");
  CHECK_STR(tp_paths_name(&p, "/data/solo/metrics.csv"), "solo/metrics.csv");
  /* Under no argument: the file name of an absolute path, a relative one as given. */
  CHECK_STR(tp_paths_name(&p, "/home/someone/elsewhere/trace.csv"), "trace.csv");
  CHECK_STR(tp_paths_name(&p, "traces/trace.csv"), "traces/trace.csv");
  /* A prefix only at a '/' boundary. */
  CHECK_STR(tp_paths_name(&p, "/database/x.csv"), "x.csv");
  tp_diag dg = {.severity = TP_WARN, .file = "/home/someone/lab/exp/run1/a.csv", .line = 3,
                .offset = -1, .message = "bad row; skipped"};
  char *s = tp_paths_diag_format(&p, &dg);
  CHECK_STR(s, "warning: exp/run1/a.csv: line 3: bad row; skipped");
  free(s);
  tp_paths_free(&p);
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_lightning);
  TP_RUN(test_mlflow_corpus);
  TP_RUN(test_names);
  return tp_test_summary();
}
