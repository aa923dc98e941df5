/* Fuzz target for parser/hydra: the input is written to a scratch file (the
 * reader takes a path) and read into a run. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "model/run.h"
#include "parser/hydra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/tp_fuzz_hydra.%ld", (long)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  tp_run *run = tp_run_new("f", ".");
  tp_diags d = {0};
  tp_hydra_read_config(run, path, &d);
  tp_hydra_read_overrides(run, path, &d);
  tp_run_free(run);
  tp_diag_free(&d);
  unlink(path);
  return 0;
}
