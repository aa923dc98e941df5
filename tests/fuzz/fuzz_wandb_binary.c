/* Fuzz target for parser/wandb_binary: the input is written as the run file
 * run-f.wandb of a scratch run directory, which is loaded as a W&B run
 * (history, config, window) and read for its GPU power, and the run is
 * reported. */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "model/trace.h"
#include "parser/wandb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[96], path[128];
  snprintf(dir, sizeof dir, "/tmp/tp_fuzz_wandb_binary.%ld", (long)getpid());
  snprintf(path, sizeof path, "%s/run-f.wandb", dir);
  mkdir(dir, 0700);
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  bool ok = fwrite(data, 1, size, f) == size;
  if (fclose(f) != 0 || !ok) {
    unlink(path);
    return 0;
  }
  tp_run *run = tp_run_new("f", dir);
  run->reading = "wandb";
  tp_wandb_load_run(run, dir, &run->diags);
  tp_power_tally tally = {0};
  tp_trace_sink sink = tp_power_tally_sink(&tally);
  tp_wandb_read_power(dir, &sink, &run->diags);
  tp_power_tally_free(&tally);
  unlink(path);
  rmdir(dir);
  tp_fuzz_report(run);
  return 0;
}
