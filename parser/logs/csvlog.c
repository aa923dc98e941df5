/* csvlog: CSV logs read through a configured parser's column roles (see csvlog.h). */
#include "parser/logs/csvlog.h"

#include <fnmatch.h>
#include <string.h>

bool tp_csvlog_claims(const tp_config_parser *p, const char *base) {
  if (!p->has_columns) return false;
  if (!p->files.count) return fnmatch("*.csv", base, 0) == 0;
  for (size_t i = 0; i < p->files.count; i++)
    if (fnmatch(p->files.items[i], base, 0) == 0) return true;
  return false;
}

int tp_csvlog_read(FILE *f, const char *name, const tp_config_parser *p, tp_clock *clock,
                   double start_s, const tp_metric_sink *sink, tp_diags *d,
                   tp_metrics_csv_stats *st) {
  const tp_config_csvlog *c = &p->columns;
  tp_metrics_csv_opts mo = {.clock = clock, .start_s = start_s, .step_col = c->step,
                            .step_base = c->step_base, .time_col = c->time};
  const char *tf = c->time_format;
  if (tf && strcmp(tf, "elapsed-s") == 0) {
    mo.time_set = mo.time_is_offset = true;
  } else if (tf && strchr(tf, '%')) {
    mo.time_set = true, mo.time_fmt = TP_TIME_PATTERN, mo.time_pattern = tf;
  } else if (tf && tp_time_format_parse(tf, &mo.time_fmt) == 0 && mo.time_fmt != TP_TIME_AUTO) {
    mo.time_set = true;
  }
  if (c->metrics.count) mo.metric_cols = c->metrics.items, mo.n_metric_cols = c->metrics.count;
  return tp_metrics_csv_read(f, name, &mo, sink, d, st);
}
