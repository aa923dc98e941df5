/* csvlog: CSV training logs that no built-in reader knows, read through the
 * column roles a configured parser gives (parsers[].columns in the
 * configuration: step, step_base, time, time_format, metrics).
 *
 * The file goes through the metrics-CSV core (lightning_csv.h) with those
 * roles: the step column (1-based epochs made 0-based by step_base: 1), the
 * time column as the format says ("elapsed-s": seconds since the start, an
 * offset from the run's start when one is known), and only the metric columns
 * named (every other column when none is).
 */
#ifndef TP_CSVLOG_H
#define TP_CSVLOG_H

#include <stdbool.h>
#include <stdio.h>

#include "model/config.h"
#include "model/diag.h"
#include "model/metric.h"
#include "parser/logs/lightning_csv.h"

/* Whether parser p (one with columns) reads the file named base: one of its
 * files globs matches it, or "*.csv" when it names none. */
bool tp_csvlog_claims(const tp_config_parser *p, const char *base);

/* Read f (name for diagnostics) with p's column roles; start_s is the run's
 * start when other files gave it (NAN: none).  Returns as tp_metrics_csv_read. */
int tp_csvlog_read(FILE *f, const char *name, const tp_config_parser *p, tp_clock *clock,
                   double start_s, const tp_metric_sink *sink, tp_diags *d,
                   tp_metrics_csv_stats *st);

#endif
