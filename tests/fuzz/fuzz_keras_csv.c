/* Fuzz target for parser/keras_csv: read any bytes as a metrics CSV into a
 * run (with a known start when the first byte is odd, so that a
 * seconds-since-start column gives wall times), check its window, and report
 * the run.  The same bytes go to the history sniffer and reader (no epoch
 * column), to the Ultralytics sniffer, and through column roles as a
 * configured CSV parser names them (step_base 1, an elapsed-s time column,
 * two metrics). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "parser/logs/framework.h"
#include "parser/logs/csvlog.h"
#include "parser/logs/keras_csv.h"
#include "parser/logs/ultralytics.h"

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
  tp_fuzz_report(run); /* takes the run */

  (void)tp_keras_history_sniff((const char *)data, size);
  (void)tp_ultralytics_sniff((const char *)data, size);
  run = tp_run_new("h", ".");
  sink = tp_metric_sink_run(run);
  f = fmemopen((void *)data, size, "rb");
  if (f) {
    tp_keras_history_read(f, "fuzz", &sink, &run->diags, NULL);
    fclose(f);
  }
  tp_run_free(run);

  static char *metrics[] = {"loss", "acc"};
  tp_config_parser cp = {.has_columns = true,
                         .columns = {.step = "iter", .step_base = 1, .time = "time",
                                     .time_format = "elapsed-s",
                                     .metrics = {.items = metrics, .count = 2}}};
  run = tp_run_new("c", ".");
  sink = tp_metric_sink_run(run);
  f = fmemopen((void *)data, size, "rb");
  if (f) {
    tp_csvlog_read(f, "fuzz", &cp, NULL, start, &sink, &run->diags, NULL);
    fclose(f);
  }
  tp_run_check_window(run, 1700003600.0);
  tp_fuzz_report(run);
  return 0;
}
