/* Fuzz target for parser/keras_csv: read any bytes as a metrics CSV into a
 * run (with a known start when the first byte is odd, so that a
 * seconds-since-start column gives wall times), check its window, and report
 * the run. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "parser/logs/framework.h"
#include "parser/logs/keras_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!size) return 0;
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_metric_sink sink = tp_metric_sink_run(run);
  double start = (data[0] & 1) ? 1700000000.0 : NAN;
  tp_keras_csv_read(f, "fuzz", NULL, start, &sink, &run->diags, NULL);
  fclose(f);
  tp_run_check_window(run, 1700003600.0);
  tp_fuzz_report(run);
  return 0;
}
