/* wandb: Weights & Biases run directories (wandb/run-*, wandb/offline-run-*).
 *
 * <run>/files/ holds config.yaml (each key wraps its value: "lr: {desc: null,
 * value: 0.1}"; the internal _wandb key and wandb_version are dropped),
 * wandb-summary.json (the last value of every metric plus _step, _runtime,
 * _timestamp; objects such as histograms are counted, not read) and
 * wandb-metadata.json (startedAt: UTC, with or without a Z; gpu, gpu_count or
 * gpu_nvidia[]).  <run>/run-<id>.wandb, the binary record log, holds the whole
 * history (parser/logs/wandb_binary.h).
 *
 * With a run file: its history rows are the run's series (when there are
 * any, wandb-summary.json is not read: its values are the history's last;
 * a header-only file leaves the summary to it), its config fills the hparams
 * when there is no config.yaml, its run record gives the start and the host
 * and its last exit record the end (start + runtime; without an exit record
 * the last record's time).  Without one: each summary metric is one point at
 * _step, and the window is startedAt .. startedAt + _runtime (else
 * _timestamp).  The run file's system metrics are the run's power trace:
 * tp_wandb_read_power.
 */
#ifndef TP_WANDB_H
#define TP_WANDB_H

#include <stdbool.h>

#include "model/diag.h"
#include "model/run.h"
#include "model/trace.h"

typedef struct tp_wandb_meta {
  double start_s;   /* startedAt, UTC epoch seconds, NAN if absent */
  char *gpu;        /* GPU model, NULL if none */
  int gpu_count;    /* 0 if unknown */
  char *slurm_job_id;   /* the Slurm job it ran in (its "slurm" object's job_id, or
                           SLURM_JOB_ID in an "env" object), NULL if none */
  char *slurm_job_gpus; /* the job's GPUs (slurm.job_gpus, env SLURM_JOB_GPUS), or NULL */
  char *cuda_devices;   /* env CUDA_VISIBLE_DEVICES, or NULL */
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

/* Load a run directory (or its files/): config, run file, summary, metadata,
 * window.  Returns files read (0: not a W&B run). */
int tp_wandb_load_run(tp_run *run, const char *dir, tp_diags *d);

/* Whether a run directory (or its files/) holds a run file, run-*.wandb. */
bool tp_wandb_has_run_file(const char *run_dir);

/* Stream the GPU power of a run's run file to the sink: gpu.N.powerWatts of
 * its system stats records as device "gpuN" (W, at the record's time), for
 * the GPUs the run's process used (named by gpu.process.N.* keys, which are
 * never added themselves); when no such key exists, every GPU, with a note.
 * Damage in the file is diagnosed by tp_wandb_load_run, not again here.
 * Returns devices found (0 when the directory has no run file). */
int tp_wandb_read_power(const char *run_dir, const tp_trace_sink *sink, tp_diags *d);

#endif
