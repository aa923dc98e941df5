/* keras_csv: Keras CSVLogger files (training.log, training_log.csv, history.csv).
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

#endif
