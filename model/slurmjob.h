/* slurmjob: jobs of a batch scheduler (Slurm's accounting) as the model keeps them.
 *
 * A job is what `sacct` lists under one job id once its steps (.batch,
 * .extern, .0, ...) are folded in: a name, a user, a state, a working
 * directory, the hosts it held (expanded: "gpu-[01-02]" is gpu-01 and
 * gpu-02), the GPUs it was allocated, and one or more segments of time: a
 * requeued job has several records under one id, each a segment of the same
 * run.  A segment without an end is a job still running.
 *
 * The readers (parser/cluster/) fill a tp_slurm_jobs list; the list finds a
 * job by id in constant time, so a file of many jobs reads in linear time.
 *
 * Ownership: a tp_slurm_jobs owns its jobs and every string in them;
 * tp_slurm_jobs_free releases them.  Times are UTC epoch seconds, energies
 * joules.
 */
#ifndef TP_SLURMJOB_H
#define TP_SLURMJOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One record of a job: from its Start to its End, on its own nodes (a job
 * requeued onto another node has records on different hosts). */
typedef struct tp_job_segment {
  double start_s;       /* Start, UTC epoch seconds */
  double end_s;         /* End, or NAN while the job is still running */
  char **nodes;         /* the record's hosts, in the order first named, each once;
                           none (n_nodes 0) when the record names none */
  size_t n_nodes, cap_nodes;
  int gpus;             /* the record's allocated GPUs; -1 when it gives none */
} tp_job_segment;

typedef struct tp_slurm_job {
  char *job_id;         /* "4242", "4242_7" (array task), "4242+1" (heterogeneous part) */
  char *name;           /* JobName, or NULL */
  char *user;           /* User, or NULL */
  char *state;          /* State of the latest record, first word ("CANCELLED by 5"
                           gives "CANCELLED"), or NULL */
  char *workdir;        /* WorkDir, or NULL */
  char **nodes;         /* hosts held, in the order first named, each once */
  size_t n_nodes, cap_nodes;
  int gpus;             /* GPUs allocated (a MIG slice counts 1); -1 when not known */
  double elapsed_s;     /* Elapsed of the job's latest record (from its latest
                           start), s; NAN when not known */
  tp_job_segment *segments; /* in the order read; at least one once a record is added */
  size_t n_segments, cap_segments;
  double consumed_energy_j; /* ConsumedEnergyRaw summed over the records (not the
                               steps: a job row already sums them); NAN if unknown */
  double host_energy_j; /* of a job's run whose GPUs a trace covers: the whole-node
                           ConsumedEnergyRaw less the GPUs' traced energy, the
                           host's own (CPU, memory, ...); NAN when not worked out */
  int64_t line;         /* line (or, for JSON, 0) of the job's first record */
  bool steps_only;      /* no record of the job itself was read, only of its steps:
                           the window, GPUs and energy are theirs */
  const char *gpu_source; /* how its run's GPUs were chosen: a TP_GPUS_* name
                           (model/jobgpus.h), static; NULL before it is known */
} tp_slurm_job;

typedef struct tp_slurm_jobs {
  tp_slurm_job *items;  /* in order of first appearance */
  size_t count, cap;
  size_t *slots;        /* private: open-addressing index, item index + 1, 0 empty */
  size_t n_slots;       /* private: a power of two, or 0 */
} tp_slurm_jobs;

/* The job with id job_id, or NULL. */
tp_slurm_job *tp_slurm_jobs_find(tp_slurm_jobs *jobs, const char *job_id);
/* The job with id job_id, added empty (gpus -1, energy NAN) when it is not
 * there yet; *added says which (may be NULL).  The pointer is valid until the
 * next call that adds. */
tp_slurm_job *tp_slurm_jobs_get(tp_slurm_jobs *jobs, const char *job_id, bool *added);
void tp_slurm_jobs_free(tp_slurm_jobs *jobs);

/* A new job with id job_id (copied), empty: no GPUs known (-1), no energy
 * (NAN); free with tp_slurm_job_free. */
tp_slurm_job *tp_slurm_job_new(const char *job_id);
/* A copy of job, everything in it copied (free with tp_slurm_job_free). */
struct tp_slurm_job *tp_slurm_job_copy(const tp_slurm_job *job);
/* Free a job made by tp_slurm_job_copy (NULL: nothing). */
void tp_slurm_job_free(tp_slurm_job *job);

/* Add host to the job's nodes unless it is there already (copied). */
void tp_slurm_job_add_node(tp_slurm_job *job, const char *host, size_t len);
/* Start a new segment (a record of the job), with no nodes and no GPU count
 * of its own yet. */
void tp_slurm_job_add_segment(tp_slurm_job *job, double start_s, double end_s);
/* Add host to segment k's nodes unless it is there already (copied). */
void tp_slurm_job_add_segment_node(tp_slurm_job *job, size_t k, const char *host, size_t len);
/* Drop every segment (their nodes freed). */
void tp_slurm_job_clear_segments(tp_slurm_job *job);
/* Replace *field by a copy of s[0..n) (NULL when n is 0). */
void tp_slurm_job_set(char **field, const char *s, size_t n);

struct tp_run;
/* The run a job with no run folder becomes: id "slurm/<job id>", directory
 * dir, window the job's allocation (first Start to last End; a job without
 * End ends at its latest start plus Elapsed, else, still running, at
 * data_end_s, the end of the data; an ended job with neither has no window;
 * a note says which), host
 * its node when it held one, the job copied into it, and file (the
 * accounting file, format "sacct") as its input.  NULL when the job never
 * started.  The caller owns the run. */
struct tp_run *tp_slurm_job_run(const tp_slurm_job *job, const char *dir, const char *file,
                                double data_end_s);

/* Make run (a run folder the job wrote its output in) the job's run: its
 * window becomes the job's allocation as in tp_slurm_job_run (a note gives
 * the logs' own window), its host the job's node when it held one and the
 * run names none, the job copied into it, file its input.  Returns 0, or -1
 * (nothing changed) when the job never started. */
int tp_slurm_job_claim(struct tp_run *run, const tp_slurm_job *job, const char *file,
                       double data_end_s);

/* The job id a run records in its configuration: the hparam SLURM_JOB_ID,
 * slurm_job_id or job_id (in that order; also as the last part of a nested
 * key, "env.SLURM_JOB_ID"), from hparams files or an MLflow run's params.
 * NULL when none.  The string is the run's. */
const char *tp_slurm_run_job_id(const struct tp_run *run);

/* The job whose WorkDir's trailing part the folder dir ends with, at least its
 * last two components ("/proj/x/runs/a" and ".../copy/runs/a"), among the jobs
 * not marked in skip (may be NULL; indexed as jobs->items).  *n_match gets how
 * many jobs fit; the job is returned only when exactly one fits, else NULL. */
tp_slurm_job *tp_slurm_jobs_by_workdir(tp_slurm_jobs *jobs, const char *dir, const bool *skip,
                                       size_t *n_match);

/* A run that is a job and that nothing else gave energy (method NONE) takes
 * the job's ConsumedEnergyRaw as declared energy (its accounting file, the
 * run's "sacct" input, gave it); cpu_only says the cluster's energy plugin
 * counts CPU and DRAM only (rapl), else the whole node (ipmi, pm_counters).
 * A note says which, or that traces took precedence; then, for a whole-node
 * figure, the rest (node less the GPUs' traced energy) is the job's
 * host_energy_j, beside the run's energy and never added to it.  Returns 0,
 * or -1 (energy unchanged). */
int tp_slurm_job_declare(struct tp_run *run, bool cpu_only);

/* The window over all segments: the first start and the last end (NAN when
 * the latest segment is still running, or when there is no segment). */
double tp_slurm_job_start_s(const tp_slurm_job *job);
double tp_slurm_job_end_s(const tp_slurm_job *job);
/* Whether the latest segment has no end. */
bool tp_slurm_job_running(const tp_slurm_job *job);

/* The gaps of a requeued job: the times between its segments (pending again
 * after a requeue), when its allocation was not held, as *n pairs [from, to)
 * in time order (a new array the caller frees; NULL, *n 0, when none).  Only
 * gaps after a segment with an end count. */
double *tp_slurm_job_gaps(const tp_slurm_job *job, size_t *n);
/* The seconds of run's window that are its own: the window less the gaps of
 * its job (the window's length for a run that is no job); NAN without a
 * window. */
double tp_slurm_run_held_s(const struct tp_run *run);

/* Whether the job moved: some segment names its own nodes and they are not
 * the job's nodes (a job requeued onto another node).  Only then is a
 * segment charged on its own hosts alone; a job that did not move is
 * charged on all its nodes for all its segments. */
bool tp_slurm_job_moved(const tp_slurm_job *job);
/* The nodes of segment k: its own, else the job's. */
const char *const *tp_slurm_job_segment_nodes(const tp_slurm_job *job, size_t k, size_t *n);

#endif
