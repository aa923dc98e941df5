/* keras_csv: Keras CSVLogger files (training.log, training_log.csv, history.csv),
 * and Keras histories saved through pandas, which have no epoch column.
 *
 * Header "epoch,<metrics sorted by name>", one dense row per epoch, 0-based
 * epochs, any file name, separator ',' by default.  append=True concatenates
 * training phases under one header with the epoch restarting at 0: the step
 * axis then continues after the previous phase (a note says so), so that no
 * phase overwrites another.  Keras writes no wall-clock time; other writers of
 * the same shape do (a "timestamp" column), and Ultralytics results.csv
 * (1-based epochs, cells right-aligned with blanks in 8.2-era files) has a
 * "time" column of seconds since the start: see tp_metrics_csv_read for how a
 * time column is told apart.
 */
#ifndef TP_KERAS_CSV_H
#define TP_KERAS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "parser/logs/lightning_csv.h"

/* Read a Keras CSV; returns as tp_metrics_csv_read (st->phases counts phases).
 * clock converts a wall-clock time column (NULL: UTC, no offset); start_s is
 * the run's start when other files gave it (NAN: none), for an offset column. */
int tp_keras_csv_read(FILE *f, const char *name, tp_clock *clock, double start_s,
                      const tp_metric_sink *sink, tp_diags *d, tp_metrics_csv_stats *st);

/* True when head (the first bytes of a file) looks like a Keras CSVLogger
 * file: a first line "epoch<sep>name..." without a "step" column, and a second
 * line that starts with a digit (blanks before the first cell of either line
 * allowed, as padded Ultralytics files have them). */
bool tp_keras_csv_sniff(const char *head, size_t len);

/* A Keras history written by pandas (pd.DataFrame(history.history).to_csv):
 * no epoch column, row n is epoch n (0-based); the first header cell is empty
 * when pandas wrote its index (that column is then the step), absent with
 * index=False.  The file names it is offered (fnmatch patterns, NULL-ended). */
extern const char *const tp_keras_history_names[];

/* Read such a history; returns as tp_metrics_csv_read. */
int tp_keras_history_read(FILE *f, const char *name, const tp_metric_sink *sink, tp_diags *d,
                          tp_metrics_csv_stats *st);

/* True when head looks like such a history: a header whose cells all look
 * like Keras history keys (letters, digits, '_' and '.', no step or time
 * name, at least one "loss" or "*_loss"), the first cell possibly empty; and
 * every whole line after it (at least one) all numbers, as many as the
 * header's cells.  Power CSVs (units, brackets, blanks in names), Lightning
 * (step) and CSVLogger (epoch) files are not such histories. */
bool tp_keras_history_sniff(const char *head, size_t len);

#endif
