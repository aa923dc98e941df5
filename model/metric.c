/* metric: the sink that fills a run, and the optional call (see metric.h). */
#include "model/metric.h"

static void S_run_event(void *ctx, int64_t step, double t) { tp_run_note_event(ctx, step, t); }
static void S_run_scalar(void *ctx, const char *tag, int64_t step, double t, double v) {
  tp_run_add_scalar(ctx, tag, step, t, v);
}

static void S_run_time_source(void *ctx, const char *file, const char *column) {
  tp_run_time_source(ctx, file, column);
}

tp_metric_sink tp_metric_sink_run(tp_run *run) {
  return (tp_metric_sink){.ctx = run, .event = S_run_event, .scalar = S_run_scalar,
                          .time_source = S_run_time_source};
}

void tp_metric_sink_time_source(const tp_metric_sink *sink, const char *file, const char *column) {
  if (sink && sink->time_source) sink->time_source(sink->ctx, file, column);
}
