/* Fuzz target for parser/hf_trainer: the input is written to a scratch file (the
 * reader takes a path), read into a run, and the run is reported. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/framework.h"
#include "parser/logs/hf_trainer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[96];
  if (tp_fuzz_scratch(path, "hf_trainer", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_hf_trainer_read(path, run, &sink, &run->diags);
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
