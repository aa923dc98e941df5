/* Fuzz target for parser/mlflow: the input is written to a scratch file (the
 * reader takes a path), read as a run's meta.yaml and as a metric file, and
 * the run is reported. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/framework.h"
#include "parser/logs/mlflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[96];
  if (tp_fuzz_scratch(path, "mlflow", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_mlflow_meta m;
  tp_mlflow_read_meta(path, &m, &run->diags);
  tp_mlflow_meta_free(&m);
  FILE *mf = fopen(path, "rb");
  if (mf) {
    tp_metric_sink sink = tp_metric_sink_run(run);
    tp_mlflow_read_metric(mf, path, "m", &sink, &run->diags);
    fclose(mf);
  }
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
