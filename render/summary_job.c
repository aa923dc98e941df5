/* summary_job: a run's hosts and, for a Slurm job, its `slurm` object in
 * summary.json (README, summary.json section). */
#include <math.h>

#include "model/slurmjob.h"
#include "render/json.h"
#include "render/summary.h"

/* The job's records: each one's start, end (null while running), nodes (its
 * own, else the job's) and GPUs (null when its record gives none). */
static void S_records(tp_json *j, const tp_slurm_job *job) {
  char t[40];
  tp_json_begin_array(j, "records");
  for (size_t k = 0; k < job->n_segments; k++) {
    const tp_job_segment *g = &job->segments[k];
    tp_json_begin_object(j, NULL);
    tp_json_string(j, "start", isfinite(g->start_s) ? tp_summary_iso_time(t, g->start_s) : NULL);
    tp_json_string(j, "end", isfinite(g->end_s) ? tp_summary_iso_time(t, g->end_s) : NULL);
    size_t n;
    const char *const *nodes = tp_slurm_job_segment_nodes(job, k, &n);
    tp_json_begin_array(j, "nodes");
    for (size_t h = 0; h < n; h++) tp_json_string(j, NULL, nodes[h]);
    tp_json_end_array(j);
    if (g->gpus >= 0) tp_json_int(j, "gpus", g->gpus);
    else tp_json_null(j, "gpus");
    tp_json_end_object(j);
  }
  tp_json_end_array(j);
}

void tp_summary_run_job(tp_json *j, const tp_run *r) {
  const tp_slurm_job *job = r->job;
  tp_json_begin_array(j, "hosts");
  if (job)
    for (size_t k = 0; k < job->n_nodes; k++) tp_json_string(j, NULL, job->nodes[k]);
  else if (r->host)
    tp_json_string(j, NULL, r->host);
  tp_json_end_array(j);
  if (!job) return;
  char t[40];
  double start_s = tp_slurm_job_start_s(job), end_s = tp_slurm_job_end_s(job);
  tp_json_begin_object(j, "slurm");
  tp_json_string(j, "job_id", job->job_id);
  tp_json_string(j, "name", job->name);
  tp_json_string(j, "user", job->user);
  tp_json_string(j, "state", job->state);
  tp_json_int(j, "nodes", (int64_t)job->n_nodes);
  if (job->gpus >= 0) tp_json_int(j, "gpus", job->gpus);
  else tp_json_null(j, "gpus");
  tp_json_string(j, "gpu_source", job->gpu_source);
  tp_json_string(j, "start", isfinite(start_s) ? tp_summary_iso_time(t, start_s) : NULL);
  tp_json_string(j, "end", isfinite(end_s) ? tp_summary_iso_time(t, end_s) : NULL);
  tp_json_int(j, "segments", (int64_t)job->n_segments);
  S_records(j, job);
  tp_json_number(j, "consumed_energy_j", job->consumed_energy_j, 0);
  tp_json_number(j, "host_energy_j", job->host_energy_j, 0);
  tp_json_end_object(j);
}
