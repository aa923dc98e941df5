/* slurmjob: the list of scheduler jobs, found by id through a hash index. */
#include "model/slurmjob.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/mem.h"

/* Put item i (its id) into the index, which has a free slot. */
static void S_index_put(tp_slurm_jobs *jobs, size_t i) {
  size_t mask = jobs->n_slots - 1;
  size_t h = (size_t)tp_hash_cstr(jobs->items[i].job_id) & mask;
  while (jobs->slots[h]) h = (h + 1) & mask;
  jobs->slots[h] = i + 1;
}

/* Make the index at least twice as large as the list, and fill it. */
static void S_index_grow(tp_slurm_jobs *jobs) {
  size_t n = 64;
  while (n < 2 * jobs->count + 2) n *= 2;
  free(jobs->slots);
  jobs->slots = tp_xcalloc(n, sizeof *jobs->slots);
  jobs->n_slots = n;
  for (size_t i = 0; i < jobs->count; i++) S_index_put(jobs, i);
}

tp_slurm_job *tp_slurm_jobs_find(tp_slurm_jobs *jobs, const char *job_id) {
  if (!jobs->n_slots) return NULL;
  size_t mask = jobs->n_slots - 1;
  size_t h = (size_t)tp_hash_cstr(job_id) & mask;
  while (jobs->slots[h]) {
    tp_slurm_job *job = &jobs->items[jobs->slots[h] - 1];
    if (strcmp(job->job_id, job_id) == 0) return job;
    h = (h + 1) & mask;
  }
  return NULL;
}

tp_slurm_job *tp_slurm_jobs_get(tp_slurm_jobs *jobs, const char *job_id, bool *added) {
  tp_slurm_job *job = tp_slurm_jobs_find(jobs, job_id);
  if (added) *added = !job;
  if (job) return job;
  TP_GROW(jobs->items, jobs->cap, jobs->count + 1);
  job = &jobs->items[jobs->count++];
  memset(job, 0, sizeof *job);
  job->job_id = tp_xstrdup(job_id);
  job->gpus = -1;
  job->consumed_energy_j = NAN;
  if (2 * jobs->count + 2 > jobs->n_slots) S_index_grow(jobs);
  else S_index_put(jobs, jobs->count - 1);
  return job;
}

void tp_slurm_jobs_free(tp_slurm_jobs *jobs) {
  for (size_t i = 0; i < jobs->count; i++) {
    tp_slurm_job *job = &jobs->items[i];
    free(job->job_id);
    free(job->name);
    free(job->user);
    free(job->state);
    free(job->workdir);
    for (size_t k = 0; k < job->n_nodes; k++) free(job->nodes[k]);
    free(job->nodes);
    free(job->segments);
  }
  free(jobs->items);
  free(jobs->slots);
  memset(jobs, 0, sizeof *jobs);
}

void tp_slurm_job_add_node(tp_slurm_job *job, const char *host, size_t len) {
  for (size_t k = 0; k < job->n_nodes; k++)
    if (strlen(job->nodes[k]) == len && memcmp(job->nodes[k], host, len) == 0) return;
  TP_GROW(job->nodes, job->cap_nodes, job->n_nodes + 1);
  job->nodes[job->n_nodes++] = tp_xstrndup(host, len);
}

void tp_slurm_job_add_segment(tp_slurm_job *job, double start_s, double end_s) {
  TP_GROW(job->segments, job->cap_segments, job->n_segments + 1);
  job->segments[job->n_segments++] = (tp_job_segment){start_s, end_s};
}

void tp_slurm_job_set(char **field, const char *s, size_t n) {
  free(*field);
  *field = n ? tp_xstrndup(s, n) : NULL;
}

double tp_slurm_job_start_s(const tp_slurm_job *job) {
  double t = NAN;
  for (size_t i = 0; i < job->n_segments; i++)
    if (isnan(t) || job->segments[i].start_s < t) t = job->segments[i].start_s;
  return t;
}

double tp_slurm_job_end_s(const tp_slurm_job *job) {
  if (!job->n_segments || tp_slurm_job_running(job)) return NAN;
  double t = NAN;
  for (size_t i = 0; i < job->n_segments; i++)
    if (isnan(t) || job->segments[i].end_s > t) t = job->segments[i].end_s;
  return t;
}

bool tp_slurm_job_running(const tp_slurm_job *job) {
  return job->n_segments && isnan(job->segments[job->n_segments - 1].end_s);
}
