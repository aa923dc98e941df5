/* jsonlines: training logs written as JSON lines (one object per line).
 *
 * Three writers are read, all by the same streaming reader (one line parsed
 * at a time, so memory does not grow with the file):
 *
 * - DETR-style `log.txt` (DETR, Deformable-DETR, DINO, DeiT): one object per
 *   epoch; "epoch" is the step; every other number is a series under its key;
 *   a list of numbers (test_coco_eval_bbox, the 12 COCO summary numbers AP,
 *   AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl) becomes one
 *   series per element, "<key>/<index>" (so "test_coco_eval_bbox/0" is AP;
 *   pycocotools' -1, a summary it could not compute, is left out);
 *   n_parameters is a hyperparameter.  A resumed run appends to the file and
 *   its epochs go back: the model counts that as a restart of each series.
 * - detectron2 `metrics.json`: "iteration" is the step; "time", "data_time"
 *   and "eta_seconds" are durations (series), not wall times.
 * - MMEngine `vis_data/scalars.json`: "step" is the step ("epoch" and "iter"
 *   are axes, not series); a validation line (no "iter") has step = epoch,
 *   and its "time", "data_time" and "memory" are named "val/<key>" so that
 *   they do not interleave with the training series.
 *
 * None of them has a wall-clock time: the run has no window unless event
 * files beside the log give one.  A line that is not a JSON object, or has
 * no step key, is a diagnostic with its line number and is skipped.
 */
#ifndef TP_JSONLINES_H
#define TP_JSONLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"

#define TP_JSONLINES_MAX_LINE (1024 * 1024) /* longer lines are skipped */

/* What a read found. */
typedef struct tp_jsonlines_stats {
  size_t records;   /* lines that gave a step */
  size_t values;    /* scalars handed to the sink */
  size_t bad_lines; /* lines skipped (not an object, no step) */
} tp_jsonlines_stats;

/* True when head (the first bytes of a file, possibly cut inside its first
 * line) starts a JSON object on one line with a step key that one of the
 * writers above uses ("epoch" with train_/test_ keys, "iteration", "step"). */
bool tp_jsonlines_sniff(const char *head, size_t len);

/* Read the JSON-lines log f (named path in diagnostics): scalars go to sink,
 * n_parameters to run's hparams (run may be NULL).  Problems go to d.  st
 * may be NULL. */
void tp_jsonlines_read(FILE *f, const char *path, tp_run *run, const tp_metric_sink *sink,
                       tp_diags *d, tp_jsonlines_stats *st);

#endif
