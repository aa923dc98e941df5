/* jobspans: a moved Slurm job's records as the times and hosts its run is
 * charged on (see jobspans.h). */
#include "model/jobspans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

/* Did record k of job run on host (one of its nodes, tp_energy_same_host)? */
static bool S_on(const tp_slurm_job *job, size_t k, const char *host) {
  size_t n;
  const char *const *nodes = tp_slurm_job_segment_nodes(job, k, &n);
  for (size_t h = 0; h < n; h++)
    if (tp_energy_same_host(nodes[h], host)) return true;
  return false;
}

void tp_job_spans_apply(tp_energy *e, size_t i, const tp_slurm_job *job, const char *trace_host) {
  if (!tp_slurm_job_moved(job)) return;
  tp_energy_span *sp = tp_xcalloc(job->n_segments, sizeof *sp);
  size_t n = 0;
  for (size_t k = 0; k < job->n_segments; k++) {
    if (trace_host && !S_on(job, k, trace_host)) continue;
    sp[n].start_s = job->segments[k].start_s;
    sp[n].end_s = job->segments[k].end_s;
    /* A trace of one host: every device of it is on the record's host. */
    if (!trace_host) sp[n].hosts = tp_slurm_job_segment_nodes(job, k, &sp[n].n_hosts);
    n++;
  }
  tp_energy_window_spans(e, i, sp, n);
  free(sp);
}

bool tp_job_spans_ran_on(const tp_slurm_job *job, const char *host) {
  if (!host || !tp_slurm_job_moved(job)) return true;
  for (size_t k = 0; k < job->n_segments; k++)
    if (S_on(job, k, host)) return true;
  return false;
}

void tp_job_spans_add_cuts(const tp_slurm_job *job, double **cuts, size_t *n, size_t *cap) {
  if (!tp_slurm_job_moved(job)) return;
  for (size_t k = 0; k < job->n_segments; k++) {
    TP_GROW(*cuts, *cap, *n + 2);
    (*cuts)[(*n)++] = job->segments[k].start_s;
    if (isfinite(job->segments[k].end_s)) (*cuts)[(*n)++] = job->segments[k].end_s;
  }
}

static int S_cmp_pair(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Segment k of run's job clipped to the run's window: *a to *b (a record
 * still running lasts to the window's end); false when nothing is left. */
static bool S_clip(const tp_run *run, size_t k, double *a, double *b) {
  const tp_job_segment *g = &run->job->segments[k];
  *a = fmax(g->start_s, run->start_s);
  *b = fmin(isnan(g->end_s) ? run->end_s : g->end_s, run->end_s);
  return *b > *a;
}

double tp_job_spans_device_s(const tp_run *run, const char *id, const char *host) {
  const tp_slurm_job *job = run->job;
  if (!tp_slurm_job_moved(job)) return tp_slurm_run_held_s(run);
  /* The records on the device's host, as pairs [from, to), merged. */
  double *iv = tp_xcalloc(2 * job->n_segments, sizeof *iv);
  size_t n = 0;
  bool own = strchr(id, '/') || !host; /* the id names its host, or none is known */
  for (size_t k = 0; k < job->n_segments; k++) {
    size_t n_hosts;
    const char *const *hosts = tp_slurm_job_segment_nodes(job, k, &n_hosts);
    if (own ? !tp_energy_device_on(id, hosts, n_hosts) : !S_on(job, k, host)) continue;
    if (S_clip(run, k, &iv[2 * n], &iv[2 * n + 1])) n++;
  }
  qsort(iv, n, 2 * sizeof *iv, S_cmp_pair);
  double s = 0, reach = -INFINITY;
  for (size_t k = 0; k < n; k++) {
    double a = fmax(iv[2 * k], reach), b = iv[2 * k + 1];
    if (b > a) s += b - a;
    if (b > reach) reach = b;
  }
  free(iv);
  return s;
}

void tp_job_spans_set_coverage(tp_run *run) {
  if (!tp_slurm_job_moved(run->job)) {
    tp_energy_set_coverage(run, tp_slurm_run_held_s(run));
    return;
  }
  double device_s = 0;
  for (size_t d = 0; d < run->energy.n_devices; d++)
    device_s += tp_job_spans_device_s(run, run->energy.devices[d].id, run->energy.devices[d].host);
  tp_energy_set_coverage_over(run, device_s);
}

bool tp_job_spans_gpus_vary(const tp_slurm_job *job) {
  int seen = -1;
  for (size_t k = 0; job && k < job->n_segments; k++) {
    int g = job->segments[k].gpus;
    if (g < 0) continue;
    if (seen >= 0 && g != seen) return true;
    seen = g;
  }
  return false;
}

double tp_job_spans_gpu_s(const tp_run *run, double n_gpus) {
  double s = 0;
  for (size_t k = 0; run->job && k < run->job->n_segments; k++) {
    double a, b;
    int g = run->job->segments[k].gpus;
    if (S_clip(run, k, &a, &b)) s += (g >= 0 ? g : n_gpus) * (b - a);
  }
  return s;
}
