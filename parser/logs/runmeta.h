/* runmeta: the hardware a run's own metadata records, for an estimate.
 *
 * Some tools write down what a run ran on: W&B's wandb-metadata.json has
 * "gpu" (the model, as NVML names it: "Tesla T4", "NVIDIA A100-SXM4-80GB")
 * and "gpu_count" (or a "gpu_nvidia" list, one entry per GPU).  When nothing
 * better gives a run energy, that record is the best hardware declaration
 * there is (model/estimate.h).  This reads it from the inputs the run's
 * readers recorded, so it works alike for runs read now and from the cache.
 *
 * Not read: MLflow stores no GPU model among its standard run tags (its
 * system metrics, system/gpu_N_*, are a power trace of their own, read by
 * parser/mlflow); CodeCarbon's gpu_model/gpu_count come with its declared
 * energy, which is used instead (cli/pipeline).
 */
#ifndef TP_RUNMETA_H
#define TP_RUNMETA_H

#include "model/diag.h"
#include "model/run.h"

typedef struct tp_run_hw {
  char *gpu_model;   /* as recorded, owned */
  int gpu_count;     /* >= 1 */
  char *path;        /* the file that records it, owned */
  const char *tool;  /* static: "W&B metadata" */
} tp_run_hw;

/* The GPUs run's metadata records: the first of its inputs of format
 * "wandb-metadata" that names a GPU model (a count of 0 or none: 1 GPU, with
 * a note in d).  Returns 0 with *out filled (free with tp_run_hw_free), or -1
 * when no input records a GPU (*out empty). */
int tp_runmeta_hardware(const tp_run *run, tp_run_hw *out, tp_diags *d);
void tp_run_hw_free(tp_run_hw *h);

#endif
