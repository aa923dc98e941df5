/* Fuzz target for parser/logs/jsonlines: read any bytes as a JSON-lines
 * training log into a run, check its window, and report the run. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "parser/logs/framework.h"
#include "parser/logs/jsonlines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!size) return 0;
  (void)tp_jsonlines_sniff((const char *)data, size);
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_jsonlines_read(f, "fuzz", run, &sink, &run->diags, NULL);
  fclose(f);
  tp_run_check_window(run, 1700003600.0);
  tp_fuzz_report(run);
  return 0;
}
