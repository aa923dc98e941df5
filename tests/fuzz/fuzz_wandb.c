/* Fuzz target for parser/wandb: the input is written to a scratch file (the
 * reader takes a path), read as summary, config and metadata, and the run is
 * reported. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/wandb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[96];
  if (tp_fuzz_scratch(path, "wandb", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  double rt, ts;
  tp_wandb_meta m;
  tp_wandb_read_summary(path, run, &rt, &ts, &run->diags);
  tp_wandb_read_config(path, run, &run->diags);
  tp_wandb_read_metadata(path, &m, &run->diags);
  tp_wandb_meta_free(&m);
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
