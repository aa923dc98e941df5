/* slurmjob: the list of scheduler jobs, found by id through a hash index. */
#include "model/slurmjob.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/jobgpus.h"
#include "model/mem.h"
#include "model/run.h"
#include "model/units.h"
#include "model/utctime.h"

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

/* An empty job with id job_id (copied). */
static void S_job_init(tp_slurm_job *job, const char *job_id) {
  memset(job, 0, sizeof *job);
  job->job_id = tp_xstrdup(job_id);
  job->gpus = -1;
  job->consumed_energy_j = NAN;
  job->host_energy_j = NAN;
  job->elapsed_s = NAN;
}

tp_slurm_job *tp_slurm_job_new(const char *job_id) {
  tp_slurm_job *job = tp_xmalloc(sizeof *job);
  S_job_init(job, job_id);
  return job;
}

tp_slurm_job *tp_slurm_jobs_get(tp_slurm_jobs *jobs, const char *job_id, bool *added) {
  tp_slurm_job *job = tp_slurm_jobs_find(jobs, job_id);
  if (added) *added = !job;
  if (job) return job;
  TP_GROW(jobs->items, jobs->cap, jobs->count + 1);
  job = &jobs->items[jobs->count++];
  S_job_init(job, job_id);
  if (2 * jobs->count + 2 > jobs->n_slots) S_index_grow(jobs);
  else S_index_put(jobs, jobs->count - 1);
  return job;
}

/* Free what job holds (not job itself). */
static void S_job_clear(tp_slurm_job *job) {
  free(job->job_id);
  free(job->name);
  free(job->user);
  free(job->state);
  free(job->workdir);
  for (size_t k = 0; k < job->n_nodes; k++) free(job->nodes[k]);
  free(job->nodes);
  tp_slurm_job_clear_segments(job);
  free(job->segments);
}

void tp_slurm_job_clear_segments(tp_slurm_job *job) {
  for (size_t i = 0; i < job->n_segments; i++) {
    for (size_t k = 0; k < job->segments[i].n_nodes; k++) free(job->segments[i].nodes[k]);
    free(job->segments[i].nodes);
  }
  job->n_segments = 0;
}

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

tp_slurm_job *tp_slurm_job_copy(const tp_slurm_job *job) {
  tp_slurm_job *c = tp_xmalloc(sizeof *c);
  *c = *job;
  c->job_id = S_dup(job->job_id);
  c->name = S_dup(job->name);
  c->user = S_dup(job->user);
  c->state = S_dup(job->state);
  c->workdir = S_dup(job->workdir);
  c->nodes = tp_xcalloc(job->n_nodes, sizeof *c->nodes);
  c->cap_nodes = job->n_nodes;
  for (size_t k = 0; k < job->n_nodes; k++) c->nodes[k] = tp_xstrdup(job->nodes[k]);
  c->segments = tp_xcalloc(job->n_segments, sizeof *c->segments);
  c->cap_segments = job->n_segments;
  for (size_t i = 0; i < job->n_segments; i++) {
    const tp_job_segment *g = &job->segments[i];
    c->segments[i] = *g;
    c->segments[i].nodes = tp_xcalloc(g->n_nodes, sizeof *g->nodes);
    c->segments[i].cap_nodes = g->n_nodes;
    for (size_t k = 0; k < g->n_nodes; k++) c->segments[i].nodes[k] = tp_xstrdup(g->nodes[k]);
  }
  return c;
}

void tp_slurm_job_free(tp_slurm_job *job) {
  if (!job) return;
  S_job_clear(job);
  free(job);
}

void tp_slurm_jobs_free(tp_slurm_jobs *jobs) {
  for (size_t i = 0; i < jobs->count; i++) S_job_clear(&jobs->items[i]);
  free(jobs->items);
  free(jobs->slots);
  memset(jobs, 0, sizeof *jobs);
}

/* Add host to the list nodes[0..*n) unless it is there already (copied). */
static void S_add_host(char ***nodes, size_t *n, size_t *cap, const char *host, size_t len) {
  for (size_t k = 0; k < *n; k++)
    if (strlen((*nodes)[k]) == len && memcmp((*nodes)[k], host, len) == 0) return;
  TP_GROW(*nodes, *cap, *n + 1);
  (*nodes)[(*n)++] = tp_xstrndup(host, len);
}

void tp_slurm_job_add_node(tp_slurm_job *job, const char *host, size_t len) {
  S_add_host(&job->nodes, &job->n_nodes, &job->cap_nodes, host, len);
}

void tp_slurm_job_add_segment(tp_slurm_job *job, double start_s, double end_s) {
  TP_GROW(job->segments, job->cap_segments, job->n_segments + 1);
  job->segments[job->n_segments++] = (tp_job_segment){.start_s = start_s, .end_s = end_s,
                                                      .gpus = -1};
}

void tp_slurm_job_add_segment_node(tp_slurm_job *job, size_t k, const char *host, size_t len) {
  if (k >= job->n_segments) return;
  tp_job_segment *g = &job->segments[k];
  S_add_host(&g->nodes, &g->n_nodes, &g->cap_nodes, host, len);
}

const char *const *tp_slurm_job_segment_nodes(const tp_slurm_job *job, size_t k, size_t *n) {
  const tp_job_segment *g = &job->segments[k];
  *n = g->n_nodes ? g->n_nodes : job->n_nodes;
  return (const char *const *)(g->n_nodes ? g->nodes : job->nodes);
}

/* Is host among nodes[0..n)? */
static bool S_has_host(char *const *nodes, size_t n, const char *host) {
  for (size_t k = 0; k < n; k++)
    if (strcmp(nodes[k], host) == 0) return true;
  return false;
}

bool tp_slurm_job_moved(const tp_slurm_job *job) {
  if (!job || job->n_segments < 2) return false;
  for (size_t i = 0; i < job->n_segments; i++) {
    const tp_job_segment *g = &job->segments[i];
    if (!g->n_nodes) continue;
    /* A segment's nodes are among the job's: it moved where it holds fewer. */
    for (size_t k = 0; k < job->n_nodes; k++)
      if (!S_has_host(g->nodes, g->n_nodes, job->nodes[k])) return true;
  }
  return false;
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

static int S_cmp_segment(const void *a, const void *b) {
  double x = ((const tp_job_segment *)a)->start_s, y = ((const tp_job_segment *)b)->start_s;
  return (x > y) - (x < y);
}

double *tp_slurm_job_gaps(const tp_slurm_job *job, size_t *n) {
  *n = 0;
  if (!job || job->n_segments < 2) return NULL;
  tp_job_segment *seg = tp_xcalloc(job->n_segments, sizeof *seg);
  memcpy(seg, job->segments, job->n_segments * sizeof *seg);
  qsort(seg, job->n_segments, sizeof *seg, S_cmp_segment);
  double *gaps = tp_xcalloc(2 * job->n_segments, sizeof *gaps);
  double reach_s = seg[0].end_s; /* the latest end so far (NAN: still running) */
  for (size_t i = 1; i < job->n_segments && isfinite(reach_s); i++) {
    if (seg[i].start_s > reach_s) {
      gaps[2 * *n] = reach_s;
      gaps[2 * *n + 1] = seg[i].start_s;
      (*n)++;
    }
    if (!(seg[i].end_s <= reach_s)) reach_s = seg[i].end_s;
  }
  free(seg);
  if (*n == 0) {
    free(gaps);
    return NULL;
  }
  return gaps;
}

double tp_slurm_run_held_s(const tp_run *run) {
  double s = run->end_s - run->start_s;
  size_t n;
  double *gaps = tp_slurm_job_gaps(run->job, &n);
  for (size_t k = 0; k < n; k++) {
    double a = fmax(gaps[2 * k], run->start_s), b = fmin(gaps[2 * k + 1], run->end_s);
    if (b > a) s -= b - a;
  }
  free(gaps);
  return s;
}

/* Whether a job in this state may still hold its allocation (no End yet). */
static bool S_state_open(const char *state) {
  static const char *const open[] = {"RUNNING",   "SUSPENDED", "COMPLETING", "CONFIGURING",
                                     "RESIZING",  "STOPPED",   "REQUEUED",   "REQUEUE_HOLD",
                                     "REQUEUE_FED", "SIGNALING", "STAGE_OUT"};
  if (!state) return true; /* no State column: nothing says it ended */
  for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
    if (strcmp(state, open[i]) == 0) return true;
  return false;
}

/* The end of a job the accounting gives no End: its latest start plus
 * Elapsed where sacct gave it (for a running job, Elapsed runs up to when
 * sacct was run), else, for a job still running, the latest time the file
 * names; NAN (not charged) for a job that ended without a recorded end.
 * Each case is said in the run's diagnostics. */
static double S_open_end(tp_run *run, const tp_slurm_job *job, const char *file,
                         double start_s, double data_end_s) {
  double last_start_s = job->segments[job->n_segments - 1].start_s;
  bool open = S_state_open(job->state);
  if (isfinite(job->elapsed_s)) {
    tp_diag_add(&run->diags, TP_NOTE, file, -1, job->line,
                open ? "job %s is still running: charged up to when sacct was run (its start "
                       "plus Elapsed, %.0f s)"
                     : "job %s has no End in the accounting: its window is its start plus "
                       "Elapsed (%.0f s), Slurm's own figure",
                job->job_id, job->elapsed_s);
    return last_start_s + job->elapsed_s;
  }
  if (open) {
    tp_diag_add(&run->diags, TP_NOTE, file, -1, job->line,
                "job %s is still running: charged up to the end of the data (the latest time "
                "the accounting names)", job->job_id);
    return data_end_s > start_s ? data_end_s : start_s;
  }
  tp_diag_add(&run->diags, TP_WARN, file, -1, job->line,
              "job %s ended (%s) but the accounting gives neither its End nor its Elapsed: "
              "its window is not known and it is not charged", job->job_id, job->state);
  return NAN;
}

/* The note of a requeued job: its records, and the gaps between them (the
 * job pending again), which are not charged. */
static void S_requeue_note(tp_run *run, const tp_slurm_job *job, const char *file) {
  size_t n;
  double *gaps = tp_slurm_job_gaps(job, &n), gap_s = 0;
  tp_buf b = {0};
  for (size_t k = 0; k < n; k++) {
    char x[32], y[32];
    tp_buf_printf(&b, "%s%s to %s UTC", k ? ", " : "", tp_utc_text(x, gaps[2 * k]),
                  tp_utc_text(y, gaps[2 * k + 1]));
    gap_s += gaps[2 * k + 1] - gaps[2 * k];
  }
  if (n)
    tp_diag_add(&run->diags, TP_NOTE, file, -1, job->line,
                "job %s was requeued: %zu records, its window from the first start to the last "
                "end; the time between them (%s; %.0f s), pending again, is not charged: its "
                "energy is the sum over the records", job->job_id, job->n_segments, b.data,
                gap_s);
  else
    tp_diag_add(&run->diags, TP_NOTE, file, -1, job->line,
                "job %s was requeued: %zu records, its window from the first start to the "
                "last end", job->job_id, job->n_segments);
  tp_buf_free(&b);
  free(gaps);
}

/* The note of a job requeued onto other nodes: each record's time and nodes,
 * each charged on its own nodes only. */
static void S_moved_note(tp_run *run, const tp_slurm_job *job, const char *file) {
  tp_buf b = {0};
  for (size_t k = 0; k < job->n_segments; k++) {
    char x[32], y[32];
    const tp_job_segment *g = &job->segments[k];
    if (isnan(g->end_s))
      tp_buf_printf(&b, "%srecord %zu, from %s UTC (still running), on ", k ? "; " : "",
                    k + 1, tp_utc_text(x, g->start_s));
    else
      tp_buf_printf(&b, "%srecord %zu, %s to %s UTC, on ", k ? "; " : "", k + 1,
                    tp_utc_text(x, g->start_s), tp_utc_text(y, g->end_s));
    size_t n;
    const char *const *nodes = tp_slurm_job_segment_nodes(job, k, &n);
    for (size_t h = 0; h < n; h++) tp_buf_printf(&b, "%s%s", h ? ", " : "", nodes[h]);
  }
  tp_diag_add(&run->diags, TP_NOTE, file, -1, job->line,
              "job %s was requeued onto other nodes (%s): each record is charged on its own "
              "nodes only", job->job_id, b.data);
  tp_buf_free(&b);
}

int tp_slurm_job_claim(tp_run *run, const tp_slurm_job *job, const char *file,
                       double data_end_s) {
  double start_s = tp_slurm_job_start_s(job), end_s = tp_slurm_job_end_s(job);
  if (isnan(start_s)) return -1;
  if (isnan(end_s)) end_s = S_open_end(run, job, file, start_s, data_end_s);
  if (job->n_segments > 1) S_requeue_note(run, job, file);
  if (tp_slurm_job_moved(job)) S_moved_note(run, job, file);
  if (isfinite(run->start_s) && isfinite(run->end_s)) {
    char a[32], b[32];
    tp_diag_add(&run->diags, TP_NOTE, file, -1, job->line,
                "window: Slurm job %s's allocation (the GPUs were held from its start to its "
                "end); the logs' own window is %s to %s UTC", job->job_id,
                tp_utc_text(a, run->start_s), tp_utc_text(b, run->end_s));
  }
  if (!isnan(end_s)) { /* else the run keeps what its logs say, if anything */
    run->start_s = start_s;
    run->end_s = end_s;
    run->window_source = "Slurm accounting";
    tp_run_time_source(run, file, "Start, End");
    tp_run_window_from_time_source(run);
  }
  if (job->n_nodes == 1 && !run->host) run->host = tp_xstrdup(job->nodes[0]);
  tp_slurm_job_free(run->job);
  run->job = tp_slurm_job_copy(job);
  tp_run_add_input(run, file, "sacct");
  return 0;
}

tp_run *tp_slurm_job_run(const tp_slurm_job *job, const char *dir, const char *file,
                         double data_end_s) {
  if (isnan(tp_slurm_job_start_s(job))) return NULL;
  char *id = tp_xasprintf("slurm/%s", job->job_id);
  tp_run *run = tp_run_new(id, dir);
  free(id);
  tp_slurm_job_claim(run, job, file, data_end_s);
  tp_run_finish(run);
  return run;
}

/* A run whose GPUs traces cover: the whole node's ConsumedEnergyRaw less the
 * GPUs' energy is the host's, noted and kept in the job (never added). */
static void S_host_rest(tp_run *run, tp_slurm_job *job) {
  double gpu_j = 0;
  for (size_t d = 0; d < run->energy.n_devices; d++) {
    const char *id = run->energy.devices[d].id, *slash = strrchr(id, '/');
    if (strncmp(slash ? slash + 1 : id, "gpu", 3) == 0) gpu_j += run->energy.devices[d].energy_j;
  }
  if (!(gpu_j > 0)) return;
  double rest_j = job->consumed_energy_j - gpu_j;
  if (rest_j < 0) {
    tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                "Slurm's ConsumedEnergyRaw of job %s (%.6f kWh, the whole node) is below its "
                "GPUs' traced energy (%.6f kWh): no host energy worked out", job->job_id,
                job->consumed_energy_j / TP_J_PER_KWH, gpu_j / TP_J_PER_KWH);
    return;
  }
  job->host_energy_j = rest_j;
  tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
              "host energy of job %s: %.6f kWh, Slurm's ConsumedEnergyRaw (%.6f kWh, the whole "
              "node) less its GPUs' traced energy (%.6f kWh); shown beside the run's energy, "
              "not added to it", job->job_id, rest_j / TP_J_PER_KWH,
              job->consumed_energy_j / TP_J_PER_KWH, gpu_j / TP_J_PER_KWH);
}

int tp_slurm_job_declare(tp_run *run, bool cpu_only) {
  tp_slurm_job *job = run->job;
  if (!job || !(job->consumed_energy_j > 0) || !isfinite(run->start_s)) return -1;
  if (run->energy.method != TP_ENERGY_NONE) {
    tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                "Slurm's ConsumedEnergyRaw of job %s (%.6f kWh) passed over: the run's energy "
                "comes from %s", job->job_id, job->consumed_energy_j / TP_J_PER_KWH,
                run->energy.method == TP_ENERGY_DECLARED
                    ? "the run's own tracking tool"
                    : "power traces, which take precedence");
    bool traced = run->energy.method == TP_ENERGY_MEASURED ||
                  run->energy.method == TP_ENERGY_INTEGRATED;
    if (traced && !cpu_only) S_host_rest(run, job);
    return -1;
  }
  tp_input *in = NULL;
  for (size_t k = 0; k < run->n_inputs; k++)
    if (strcmp(run->inputs[k].format, "sacct") == 0) in = &run->inputs[k];
  if (!in) return -1;
  tp_run_energy *re = &run->energy;
  re->method = TP_ENERGY_DECLARED;
  re->it_j = job->consumed_energy_j;
  re->coverage = 1.0;
  re->gpu_count = !cpu_only && job->gpus > 0 ? job->gpus : 0;
  re->gpu_j = NAN;
  in->energy_j = job->consumed_energy_j;
  tp_diag_add(&run->diags, TP_NOTE, in->path, -1, job->line,
              "energy declared by Slurm's accounting (ConsumedEnergyRaw of job %s, %.6f kWh, "
              "%s); no power trace covers this run",
              job->job_id, job->consumed_energy_j / TP_J_PER_KWH,
              cpu_only ? "CPU and DRAM only: the GPUs are not in it"
                       : "the whole node's, GPUs included");
  return 0;
}

const char *tp_slurm_run_job_id(const tp_run *run) {
  static const char *const keys[] = {"SLURM_JOB_ID", "slurm_job_id", "job_id"};
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
    const char *v = tp_run_recorded(run, keys[k]);
    if (v) return v;
  }
  return NULL;
}

/* How many trailing path components a and b have in common (slashes repeated
 * or at the end are ignored). */
static size_t S_common_tail(const char *a, const char *b) {
  const char *pa = a + strlen(a), *pb = b + strlen(b);
  size_t n = 0;
  for (;;) {
    while (pa > a && pa[-1] == '/') pa--;
    while (pb > b && pb[-1] == '/') pb--;
    const char *sa = pa, *sb = pb;
    while (sa > a && sa[-1] != '/') sa--;
    while (sb > b && sb[-1] != '/') sb--;
    size_t la = (size_t)(pa - sa), lb = (size_t)(pb - sb);
    if (!la || la != lb || memcmp(sa, sb, la) != 0) return n;
    n++;
    pa = sa;
    pb = sb;
  }
}

tp_slurm_job *tp_slurm_jobs_by_workdir(tp_slurm_jobs *jobs, const char *dir, const bool *skip,
                                       size_t *n_match) {
  tp_slurm_job *found = NULL;
  *n_match = 0;
  for (size_t i = 0; dir && i < jobs->count; i++) {
    tp_slurm_job *job = &jobs->items[i];
    if ((skip && skip[i]) || !job->workdir || S_common_tail(job->workdir, dir) < 2) continue;
    found = job;
    (*n_match)++;
  }
  return *n_match == 1 ? found : NULL;
}
