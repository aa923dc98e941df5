/* Fuzz target for parser/lightning_csv: read any bytes as a metrics CSV into
 * a run, and report the run. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "parser/logs/framework.h"
#include "parser/logs/lightning_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!size) return 0;
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_lightning_csv_read(f, "fuzz", NULL, &sink, &run->diags, NULL);
  fclose(f);
  tp_fuzz_report(run);
  return 0;
}
