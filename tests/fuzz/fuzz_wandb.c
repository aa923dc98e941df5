/* Fuzz target for parser/wandb: the input is written to a scratch file (the
 * reader takes a path) and read into a run. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "model/run.h"
#include "parser/wandb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/tp_fuzz_wandb.%ld", (long)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  tp_run *run = tp_run_new("f", ".");
  tp_diags d = {0};
  double rt, ts;
  tp_wandb_meta m;
  tp_wandb_read_summary(path, run, &rt, &ts, &d);
  tp_wandb_read_config(path, run, &d);
  tp_wandb_read_metadata(path, &m, &d);
  tp_wandb_meta_free(&m);
  tp_run_free(run);
  tp_diag_free(&d);
  unlink(path);
  return 0;
}
