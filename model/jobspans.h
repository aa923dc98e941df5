/* jobspans: a Slurm job requeued onto other nodes, charged record by record.
 *
 * A job whose records ran on different hosts (record 1 on gpu-01, requeued,
 * record 2 on gpu-02) is charged, during each record, only on that record's
 * hosts: its window's spans (model/energy.h) are its records, each with its
 * own nodes.  The coverage of its run is over the same device-time: each
 * device counts the seconds of the records on its host.  A job that did not
 * move (tp_slurm_job_moved) has no spans and is charged as before: on all
 * its nodes during all its records.
 *
 * An estimate of a job whose records were allocated different GPU counts
 * counts each record's own GPUs over its own duration.
 *
 * Units: UTC epoch seconds, seconds.
 */
#ifndef TP_JOBSPANS_H
#define TP_JOBSPANS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/energy.h"
#include "model/run.h"
#include "model/slurmjob.h"

/* Give window i of e the spans of job (may be NULL) when it moved: one per
 * record, on that record's nodes.  A trace taken on a known host (trace_host;
 * NULL: unknown, or its devices say theirs, "HOST/gpuN") gives the window
 * only the records on that host, on any of the trace's devices.  Nothing for
 * a job that did not move. */
void tp_job_spans_apply(tp_energy *e, size_t i, const tp_slurm_job *job, const char *trace_host);

/* Whether job may be charged on a trace taken on host: false only for a
 * moved job none of whose records ran there. */
bool tp_job_spans_ran_on(const tp_slurm_job *job, const char *host);

/* Append the edges of a moved job's records to cuts[0..*n) (grown through
 * *cap), so that the integrator's segments fall wholly in or out of each
 * record.  Nothing for a job that did not move. */
void tp_job_spans_add_cuts(const tp_slurm_job *job, double **cuts, size_t *n, size_t *cap);

/* The seconds of run's window during which device id is the run's: for a
 * run of a moved job, the time of its records on the device's host (an id
 * "HOST/...", else host, its trace's; a device of no known host counts every
 * record); else the window less its job's gaps (tp_slurm_run_held_s). */
double tp_job_spans_device_s(const tp_run *run, const char *id, const char *host);

/* Set the coverage of a traced run (tp_energy_set_coverage): over its
 * devices' own seconds (tp_job_spans_device_s) for a moved job, else over
 * its held seconds. */
void tp_job_spans_set_coverage(tp_run *run);

/* Whether the job's records give GPU counts that differ. */
bool tp_job_spans_gpus_vary(const tp_slurm_job *job);

/* GPU-seconds of run's window: each record's own GPU count (n_gpus where it
 * gives none) times its seconds within the window (a record still running
 * lasts to the window's end). */
double tp_job_spans_gpu_s(const tp_run *run, double n_gpus);

#endif
