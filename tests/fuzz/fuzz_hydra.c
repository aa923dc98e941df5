/* Fuzz target for parser/hydra: the input is written to a scratch file (the
 * reader takes a path), read as config.yaml and as overrides.yaml into a run,
 * and the run is reported. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/hydra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[96];
  if (tp_fuzz_scratch(path, "hydra", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_hydra_read_config(run, path, &run->diags);
  tp_hydra_read_overrides(run, path, &run->diags);
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
