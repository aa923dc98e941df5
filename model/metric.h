/* metric: what framework-log readers deliver, as a stream.
 *
 * The streaming readers (CSV, text logs, MLflow metric files) do not build
 * arrays; they hand each value to a tp_metric_sink, so that memory does not
 * grow with the file.  tp_metric_sink_run() makes a sink that fills a tp_run.
 * The power and energy readers' counterpart is model/trace.h.
 */
#ifndef TP_MODEL_METRIC_H
#define TP_MODEL_METRIC_H

#include <stdint.h>

#include "model/run.h"

typedef struct tp_metric_sink {
  void *ctx;
  /* One record (a CSV row, a log line, a metric line) at step and wall time
   * (UTC epoch seconds, NAN when the format has none).  Called before the
   * record's scalars.  May be NULL. */
  void (*event)(void *ctx, int64_t step, double wall_time_s);
  /* One value of metric `tag` (NUL-terminated, valid during the call). */
  void (*scalar)(void *ctx, const char *tag, int64_t step, double wall_time_s, double value);
  /* The wall times of the events that follow come from this file and column
   * (or field), for diagnostics about the window.  May be NULL. */
  void (*time_source)(void *ctx, const char *file, const char *column);
} tp_metric_sink;

/* Call sink->time_source when there is one. */
void tp_metric_sink_time_source(const tp_metric_sink *sink, const char *file, const char *column);

/* A sink that calls tp_run_note_event and tp_run_add_scalar on run. */
tp_metric_sink tp_metric_sink_run(tp_run *run);

#endif
