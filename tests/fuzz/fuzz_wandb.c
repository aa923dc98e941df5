/* Fuzz target for parser/wandb: the input is written to a scratch file (the
 * reader takes a path), read as summary, config and metadata (also as the
 * run's recorded hardware, parser/runmeta), and the run is reported. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/runmeta.h"
#include "parser/logs/wandb.h"

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
  tp_run_add_input(run, path, "wandb-metadata");
  tp_run_hw hw;
  if (tp_runmeta_hardware(run, &hw, &run->diags) == 0) tp_run_hw_free(&hw);
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
