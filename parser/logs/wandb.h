/* wandb: Weights & Biases run directories (wandb/run-*, wandb/offline-run-*).
 *
 * <run>/files/ holds config.yaml (each key wraps its value: "lr: {desc: null,
 * value: 0.1}"; the internal _wandb key and wandb_version are dropped),
 * wandb-summary.json (the last value of every metric plus _step, _runtime,
 * _timestamp; objects such as histograms are counted, not read) and
 * wandb-metadata.json (startedAt: UTC, with or without a Z; gpu, gpu_count or
 * gpu_nvidia[]).  The run's binary .wandb history is not read, so each summary
 * metric is one point at _step.  Window: startedAt .. startedAt + _runtime
 * (else _timestamp).
 */
#ifndef TP_WANDB_H
#define TP_WANDB_H

#include "model/diag.h"
#include "model/run.h"

typedef struct tp_wandb_meta {
  double start_s;   /* startedAt, UTC epoch seconds, NAN if absent */
  char *gpu;        /* GPU model, NULL if none */
  int gpu_count;    /* 0 if unknown */
} tp_wandb_meta;

int tp_wandb_read_metadata(const char *path, tp_wandb_meta *m, tp_diags *d);
void tp_wandb_meta_free(tp_wandb_meta *m);

/* Summary into run: scalars at _step; *runtime_s and *timestamp_s (NAN when
 * absent) for the window. */
int tp_wandb_read_summary(const char *path, tp_run *run, double *runtime_s, double *timestamp_s,
                          tp_diags *d);
int tp_wandb_read_config(const char *path, tp_run *run, tp_diags *d);

/* The files/ directory of a run directory (dir itself when it is files/ or
 * holds the wandb files directly); the caller frees; NULL when none. */
char *tp_wandb_files_dir(const char *dir);

/* Load a run directory: config, summary, metadata, window.  Returns files read. */
int tp_wandb_load_run(tp_run *run, const char *dir, tp_diags *d);

#endif
