/* Fuzz target for parser/hparams_yaml: any bytes as a Lightning hparams.yaml
 * (nesting, aliases, sequences, every scalar kind), read into a run's
 * hyperparameters, which are then grouped into a configuration and reported. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/hparams_yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[96];
  if (tp_fuzz_scratch(path, "hparams", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_hparams_yaml_load(run, path, &run->diags);
  unlink(path);
  /* A window, so that the configuration's run gets energy and is aggregated. */
  tp_run_note_event(run, 0, 1.7e9);
  tp_run_note_event(run, 1, 1.7e9 + 60);
  tp_fuzz_report(run);
  return 0;
}
