/* summary_job: a run's hosts and, for a Slurm job, its `slurm` object in
 * summary.json (README, summary.json section). */
#include <math.h>

#include "model/slurmjob.h"
#include "render/json.h"
#include "render/summary.h"

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
  tp_json_number(j, "consumed_energy_j", job->consumed_energy_j, 0);
  tp_json_number(j, "host_energy_j", job->host_energy_j, 0);
  tp_json_end_object(j);
}
