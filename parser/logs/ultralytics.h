/* ultralytics: Ultralytics run folders (runs/<task>/<name>/).
 *
 * results.csv: one row per epoch, epoch 1-based, cells right-aligned with
 * blanks in 8.2-era files; since 8.3.9 a "time" column of seconds since the
 * start of training follows epoch (a duration, never an epoch).  args.yaml:
 * the flat training arguments, which become the run's hyperparameters.  The
 * CSV goes through the metrics-CSV core (lightning_csv.h); the steps are the
 * epochs as written (1, 2, ...).
 *
 * No wall-clock time is written: the offsets are anchored on the start of the
 * run (start_s), which the event file Ultralytics writes into the same folder
 * gives (its first wall time: the TensorBoard callback opens its writer just
 * before the first epoch, as the time column starts counting).  Without one
 * the run has a duration (the last offset) but no window.
 */
#ifndef TP_ULTRALYTICS_H
#define TP_ULTRALYTICS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"
#include "parser/text/timefmt.h"

/* The file names the Ultralytics row claims (NULL-ended). */
extern const char *const tp_ultralytics_names[];

/* True when head (first bytes of a results.csv) has an Ultralytics header:
 * first cell "epoch" (blanks around cells allowed), a "train/" or "metrics/"
 * column, and a second line that starts with a digit. */
bool tp_ultralytics_sniff(const char *head, size_t len);

/* Read dir's results.csv (metrics; times start_s + offset when start_s is
 * finite) and args.yaml (hyperparameters, input format "ultralytics-args")
 * into run.  *duration_s is set to the last offset of the time column when it
 * has one (left alone otherwise).  Returns the number of files read. */
int tp_ultralytics_load_run(tp_run *run, const char *dir, tp_clock *clock, double start_s,
                            const tp_metric_sink *sink, tp_diags *d, double *duration_s);

#endif
