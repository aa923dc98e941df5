/* jobgpus: which GPUs of a trace a run that is a Slurm job is charged on.
 *
 * In this order (docs/attribution.md, "Slurm jobs"):
 *  1. "dcgm-label": the exporter's job label.  Where the trace says the job
 *     held devices (its holds, model/energy.h), the job is charged on those,
 *     while they were held, and on no other.
 *  2. "SLURM_JOB_GPUS": the GPU indices the run recorded Slurm gave its job
 *     (an hparam, or the environment in W&B / MLflow metadata), on the job's
 *     hosts.
 *  3. "CUDA_VISIBLE_DEVICES": the run recorded which of its job's GPUs it used.
 *     Slurm numbers a job's GPUs from 0, so the entries count within the GPUs
 *     that 1 or 2 gives the job (CUDA_VISIBLE_DEVICES=1 in a job holding GPUs
 *     4 and 5 is GPU 5); without either they cannot be placed and are not used.
 *  4. "allocation": every GPU of the job's hosts, but those another job's label
 *     holds at the time.
 * A run that is no job is none of this' concern (its CUDA_VISIBLE_DEVICES
 * names physical GPUs, as before).
 */
#ifndef TP_JOBGPUS_H
#define TP_JOBGPUS_H

#include <stddef.h>

#include "model/energy.h"
#include "model/run.h"

#define TP_GPUS_LABEL "dcgm-label"
#define TP_GPUS_JOB_GPUS "SLURM_JOB_GPUS"
#define TP_GPUS_CVD "CUDA_VISIBLE_DEVICES"
#define TP_GPUS_ALLOCATION "allocation"

typedef struct tp_job_gpus {
  const char *source;   /* one of the TP_GPUS_* names (static) */
  char **devices;       /* device ids ("HOST/gpuN") or bare indices ("N") the run may
                           use; NULL: every GPU of the job (holds permitting) */
  size_t n_devices;
  char *note;           /* what was decided, for the run's diagnostics; NULL when
                           nothing was to be decided (allocation, nothing recorded) */
} tp_job_gpus;

/* The GPUs of a trace with holds[0..n_holds) (may be 0) that run, a job's
 * run (run->job set), is charged on.  Free with tp_job_gpus_free. */
void tp_job_gpus_pick(tp_job_gpus *out, const tp_run *run, const tp_energy_hold *holds,
                      size_t n_holds);
void tp_job_gpus_free(tp_job_gpus *g);

/* The static name among the TP_GPUS_* equal to s, or NULL. */
const char *tp_job_gpus_source(const char *s);
/* How much a source says (allocation 0 .. dcgm-label 3; -1 for NULL): a run
 * read with several traces keeps the strongest. */
int tp_job_gpus_rank(const char *source);

/* The text of run's hparam key, also as the last part of a nested key
 * ("env.KEY", "slurm.KEY"); NULL when none, empty or null.  The string is
 * the run's. */
const char *tp_run_recorded(const tp_run *run, const char *key);

#endif
