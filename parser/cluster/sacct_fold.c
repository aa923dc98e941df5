/* sacct_fold: records of either sacct form folded into jobs (steps into their
 * job, a requeued job's records into segments). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/cluster/hostlist.h"
#include "parser/cluster/sacct_impl.h"

#define S_ENERGY_MAX_J 1e18 /* past this, Slurm's NO_VAL64 and kin: no value */

double tp_sacct_energy(double j) {
  if (!isfinite(j) || j <= 0 || j >= S_ENERGY_MAX_J) return NAN;
  return j;
}

/* Where a record's hosts go: the job's nodes and, when seg is not
 * SIZE_MAX, the nodes of its segment seg. */
typedef struct S_hosts_to {
  tp_slurm_job *job;
  size_t seg;
} S_hosts_to;

static void S_add_host(void *ctx, const char *host, size_t len) {
  S_hosts_to *to = ctx;
  tp_slurm_job_add_node(to->job, host, len);
  if (to->seg != SIZE_MAX) tp_slurm_job_add_segment_node(to->job, to->seg, host, len);
}

/* Add a record's energy (NAN: unknown, adds nothing) to the job's. */
static void S_add_energy(tp_slurm_job *job, double energy_j) {
  if (isnan(energy_j)) return;
  job->consumed_energy_j =
      isnan(job->consumed_energy_j) ? energy_j : job->consumed_energy_j + energy_j;
}

/* The state's first word: "CANCELLED by 1000" is CANCELLED. */
static void S_set_state(tp_slurm_job *job, tp_field f) {
  size_t n = 0;
  while (n < f.n && f.s[n] != ' ') n++;
  tp_slurm_job_set(&job->state, f.s, n);
}

/* Whether the job already has a segment that starts at start_s (the same
 * record read twice). */
static bool S_has_segment(const tp_slurm_job *job, double start_s) {
  for (size_t i = 0; i < job->n_segments; i++)
    if (job->segments[i].start_s == start_s) return true;
  return false;
}

/* The record's hosts join the job's and those of its segment seg (SIZE_MAX:
 * none). */
static void S_nodes(tp_slurm_job *job, size_t seg, const tp_sacct_record *rec, tp_rdiag *rd) {
  if (!rec->nodes.n) return;
  S_hosts_to to = {job, seg};
  if (tp_hostlist_expand(rec->nodes.s, rec->nodes.n, S_add_host, &to) < 0)
    tp_rdiag_add(rd, TP_WARN, "bad node list", rec->line,
                 "job %s: node list \"%.*s\" cannot be expanded: hosts after the problem left out",
                 job->job_id, (int)(rec->nodes.n > 200 ? 200 : rec->nodes.n), rec->nodes.s);
}

/* The segment of job a step starting at start_s ran in: the latest that
 * holds that time; SIZE_MAX when none does (or the time is unknown). */
static size_t S_segment_at(const tp_slurm_job *job, double start_s) {
  size_t found = SIZE_MAX;
  for (size_t i = 0; i < job->n_segments && !isnan(start_s); i++) {
    const tp_job_segment *g = &job->segments[i];
    if (g->start_s <= start_s && (isnan(g->end_s) || start_s <= g->end_s) &&
        (found == SIZE_MAX || g->start_s >= job->segments[found].start_s))
      found = i;
  }
  return found;
}

/* A step: its hosts join the job's, and those of the segment it ran in; a
 * job seen only through its steps (its own row filtered out) takes its
 * window, GPUs and energy from them. */
static void S_fold_step(tp_slurm_job *job, bool added, const tp_sacct_record *rec,
                        tp_rdiag *rd) {
  if (added) {
    job->steps_only = true;
    job->line = rec->line;
  }
  if (!job->steps_only) {
    S_nodes(job, S_segment_at(job, rec->start_s), rec, rd);
    return;
  }
  if (!isnan(rec->start_s)) {
    if (!job->n_segments) tp_slurm_job_add_segment(job, rec->start_s, rec->end_s);
    tp_job_segment *g = &job->segments[0];
    if (rec->start_s < g->start_s) g->start_s = rec->start_s;
    if (!isnan(g->end_s) && (isnan(rec->end_s) || rec->end_s > g->end_s)) g->end_s = rec->end_s;
  }
  if (rec->gpus > job->gpus) job->gpus = rec->gpus;
  S_nodes(job, S_segment_at(job, rec->start_s), rec, rd);
  S_add_energy(job, rec->energy_j);
}

/* Whether s[0..n) is a job id as Slurm writes them: digits, with an array
 * task ("12_3", "12_[1-5]") or a heterogeneous part ("12+1"). */
static bool S_valid_id(const char *s, size_t n) {
  if (n == 0 || n > 64 || s[0] < '0' || s[0] > '9') return false;
  for (size_t i = 0; i < n; i++)
    if (!strchr("0123456789_+[]-,%", s[i]) || s[i] == '\0') return false;
  return true;
}

void tp_sacct_fold(tp_slurm_jobs *jobs, const tp_sacct_record *rec, tp_rdiag *rd) {
  const char *dot = memchr(rec->id.s, '.', rec->id.n);
  size_t id_n = dot ? (size_t)(dot - rec->id.s) : rec->id.n;
  if (!S_valid_id(rec->id.s, id_n)) {
    tp_rdiag_add(rd, TP_WARN, "bad job id", rec->line, "\"%.*s\" is not a job id: record skipped",
                 (int)(rec->id.n > 64 ? 64 : rec->id.n), rec->id.s);
    return;
  }
  char *id = tp_xstrndup(rec->id.s, id_n);
  bool added;
  tp_slurm_job *job = tp_slurm_jobs_get(jobs, id, &added);
  free(id);
  if (dot) {
    S_fold_step(job, added, rec, rd);
    return;
  }
  if (added || job->steps_only) {
    /* the job's own row: what steps gave before it is replaced */
    job->steps_only = false;
    job->line = rec->line;
    tp_slurm_job_clear_segments(job);
    job->consumed_energy_j = NAN;
  } else if (!isnan(rec->start_s) && S_has_segment(job, rec->start_s)) {
    return; /* the same record again */
  }
  size_t seg = SIZE_MAX;
  if (!isnan(rec->start_s)) {
    tp_slurm_job_add_segment(job, rec->start_s, rec->end_s);
    seg = job->n_segments - 1;
    job->segments[seg].gpus = rec->gpus;
  }
  if (rec->name.n) tp_slurm_job_set(&job->name, rec->name.s, rec->name.n);
  if (rec->user.n) tp_slurm_job_set(&job->user, rec->user.s, rec->user.n);
  if (rec->workdir.n) tp_slurm_job_set(&job->workdir, rec->workdir.s, rec->workdir.n);
  if (rec->state.n) S_set_state(job, rec->state);
  if (rec->gpus >= 0) job->gpus = rec->gpus;
  if (!isnan(rec->start_s) && !isnan(rec->elapsed_s)) job->elapsed_s = rec->elapsed_s;
  S_nodes(job, seg, rec, rd);
  S_add_energy(job, rec->energy_j);
}
