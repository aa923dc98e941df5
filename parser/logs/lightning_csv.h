/* lightning_csv: PyTorch Lightning CSVLogger metrics.csv, and the tabular
 * metrics-CSV core that the Keras reader shares.
 *
 * Lightning writes one row per log_metrics call under a header that is the
 * union of all keys; rows are sparse (train and validation values on
 * different lines, LearningRateMonitor rows with an empty epoch), columns come
 * in any order, values are Python floats (nan, inf).  The step column is the
 * global step; a legacy (0.x TestTube) file has created_at instead, a naive
 * local time.  Columns are found by name, never by position.
 *
 * Streaming: one line in memory at a time.  Bad rows (ragged, non-numeric
 * values) are reported with their line and skipped; the rest is kept.
 */
#ifndef TP_LIGHTNING_CSV_H
#define TP_LIGHTNING_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/diag.h"
#include "model/metric.h"
#include "parser/text/timefmt.h"

#define TP_METRICS_CSV_MAX_COLS 4096

typedef struct tp_metrics_csv_opts {
  tp_clock *clock;          /* converts the time column; NULL: UTC, no offset */
  double start_s;           /* the run's start when another file gave it (UTC epoch
                               seconds), so that a seconds-since-start column gives
                               wall times; NAN (or 0, as zero-initialised): none */
  bool epoch_is_step;       /* Keras: the epoch column is the step axis */
  bool split_on_epoch_reset;/* Keras append=True: when epoch goes back, continue
                               the step count after the previous phase */
  /* Column roles named by the caller (a configured CSV parser, a history
   * without an epoch column); NULL or 0: the rules above. */
  const char *step_col;     /* the step column ("": the header cell left empty, as
                               pandas writes its index); NULL: "step", else "epoch" */
  int64_t step_base;        /* the step column's first value (1: 1-based epochs), taken
                               off every step so that the first row is step 0 */
  const char *time_col;     /* the time column; NULL: the first of the time names */
  bool time_set;            /* time_fmt and time_is_offset say what time_col holds
                               (else its first value decides) */
  tp_time_format time_fmt;  /* time_set: how a wall-clock time is written */
  const char *time_pattern; /* time_fmt TP_TIME_PATTERN: the strptime-like pattern */
  bool time_is_offset;      /* time_set: seconds since the start, never an epoch */
  char *const *metric_cols; /* only these columns are metrics; NULL: every other one */
  size_t n_metric_cols;
} tp_metrics_csv_opts;

typedef struct tp_metrics_csv_stats {
  uint64_t rows;            /* data rows used */
  uint64_t bad_rows;        /* rows skipped */
  uint64_t values;          /* scalars delivered */
  int phases;               /* Keras: training phases (1 + epoch resets) */
  bool has_time;            /* a time column was found */
  double first_time_s, last_time_s; /* wall times read (UTC epoch s); NAN when none */
  bool time_is_offset;      /* the time column holds seconds since the start of
                               training, not wall-clock times */
  double last_offset_s;     /* time_is_offset: the last offset, s, which is the
                               training's duration; NAN when the offsets went back
                               (no one duration) */
} tp_metrics_csv_stats;

/* Read a metrics CSV (header line, then rows) from f.  name is the file for
 * diagnostics.  Step column: "step" (Lightning), else "epoch" when
 * opt->epoch_is_step.  The separator is ',' unless the header has none and has
 * ';' or a tab.  Returns 0, or -1 when the file has no usable header.
 *
 * Time column (never a metric): the first of "created_at", "timestamp",
 * "wall_time" (names that say wall-clock time) and "time".  Its first value
 * decides what the column is:
 *   - a date written as text (ISO 8601, ...): wall-clock time (naive text in
 *     the clock's zone);
 *   - a bare number that is a plausible epoch (on or after 1990-01-01, seconds
 *     or ms/us/ns by magnitude): wall-clock time;
 *   - a bare number below that in a column named "time": seconds since the
 *     start of training (Ultralytics >= 8.3.9 results.csv), never an epoch.
 *     Each row's time is then opt->start_s + offset when a start is known, else
 *     NAN; st->last_offset_s is the duration.  A note says so;
 *   - anything else (a small number under a wall-clock name, a negative
 *     number): the column is not used as time, with a warning.
 * A wall-clock value before 1990 later in the file is ignored with a warning;
 * so is an offset that is not a non-negative number.  Offsets that go back
 * leave the duration unknown (warning). */
int tp_metrics_csv_read(FILE *f, const char *name, const tp_metrics_csv_opts *opt,
                        const tp_metric_sink *sink, tp_diags *d, tp_metrics_csv_stats *st);

/* A decimal integer in s[0..n) (blanks around allowed), also written as a
 * float with no fraction ("49.0"), as a step or epoch column holds it: 0 and
 * *out, or -1.  Plain digits take a fast path; the rest goes through
 * parser/number. */
int tp_metrics_csv_int(const char *s, size_t n, int64_t *out);

/* Lightning metrics.csv: tp_metrics_csv_read with Lightning's columns. */
int tp_lightning_csv_read(FILE *f, const char *name, tp_clock *clock, const tp_metric_sink *sink,
                          tp_diags *d, tp_metrics_csv_stats *st);

/* True when a header line (first line of a file, without its end) looks like
 * a Lightning metrics.csv header: a "step" column, or "epoch" with
 * "created_at". */
bool tp_lightning_csv_header(const char *line, size_t len);

#endif
