/* mlflow: MLflow's file store (mlruns/<experiment_id>/<run_id>/).
 *
 * A run directory holds meta.yaml (run_name, start_time and end_time in epoch
 * ms, status as an integer, lifecycle_stage), metrics/<name> (lines
 * "<timestamp_ms> <value> <step>[ <run_id>]"; names with '/' are
 * subdirectories), params/<name> and tags/<name> (the file is the value).
 * The experiment's meta.yaml one level up names the experiment.
 *
 * Metrics become series (a line identical to the one before it, as MLflow 3
 * writes, is dropped); params become hparams (numbers typed); the window is
 * start_time..end_time, else the metric timestamps.  The system metrics
 * system/gpu_<i>_power_usage_watts are a power trace of the run: they are not
 * series, tp_mlflow_read_power streams them to a tp_trace_sink.  artifacts/
 * is never read.
 */
#ifndef TP_MLFLOW_H
#define TP_MLFLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"
#include "model/trace.h"

typedef struct tp_mlflow_meta {
  char *run_id;          /* NULL when absent */
  char *run_name;        /* run_name (2.x+), else NULL; tags/mlflow.runName is read by
                            tp_mlflow_load_run */
  double start_s, end_s; /* UTC epoch seconds; NAN when absent or null */
  int status;            /* 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED; 0 unknown */
  bool deleted;          /* lifecycle_stage: deleted */
} tp_mlflow_meta;

/* Read a run's meta.yaml.  Returns 0, or -1 when it cannot be read (then
 * *m holds what could be read).  Free with tp_mlflow_meta_free. */
int tp_mlflow_read_meta(const char *path, tp_mlflow_meta *m, tp_diags *d);
void tp_mlflow_meta_free(tp_mlflow_meta *m);
/* Short name of a status ("RUNNING", ... , "UNKNOWN"). */
const char *tp_mlflow_status_name(int status);

/* The experiment's name from <exp dir>/meta.yaml; the caller frees; NULL if none. */
char *tp_mlflow_experiment_name(const char *exp_dir, tp_diags *d);

/* Stream one metric file: each line goes to sink as tag at its step and time.
 * Returns the number of values delivered, or -1 when f is unusable. */
long tp_mlflow_read_metric(FILE *f, const char *name, const char *tag,
                           const tp_metric_sink *sink, tp_diags *d);

/* Load a whole run directory into run: meta.yaml, metrics/ (except the GPU
 * power system metrics), params/.  Returns files read. */
int tp_mlflow_load_run(tp_run *run, const char *run_dir, tp_diags *d);

/* Stream metrics/system/gpu_<i>_power_usage_watts of a run directory to the
 * sink, one device "gpu<i>" per file (power in W).  Returns devices found. */
int tp_mlflow_read_power(const char *run_dir, const tp_trace_sink *sink, tp_diags *d);

#endif
