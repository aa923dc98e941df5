/* Fuzz target for parser/logs/dvclive: the input is written to a scratch file
 * (the reader takes a stream), read as a metric TSV into a run, and the run is
 * reported. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/dvclive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[96];
  if (tp_fuzz_scratch(path, "dvclive", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_clock clock;
  tp_clock_init(&clock, NULL, 0);
  tp_metric_sink sink = tp_metric_sink_run(run);
  FILE *f = fopen(path, "rb");
  if (f) {
    tp_dvclive_read_tsv(f, path, "train/loss", &clock, &sink, &run->diags);
    fclose(f);
  }
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
