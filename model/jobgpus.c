/* jobgpus: the GPUs a Slurm job's run is charged on (see jobgpus.h). */
#include "model/jobgpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/slurmjob.h"

const char *tp_run_recorded(const tp_run *run, const char *key) {
  size_t kn = strlen(key);
  for (size_t i = 0; i < run->n_hparams; i++) {
    const tp_hparam *h = &run->hparams[i];
    size_t n = strlen(h->key);
    if (n < kn || strcmp(h->key + n - kn, key) != 0) continue;
    if (n > kn && h->key[n - kn - 1] != '.') continue;
    if (h->text && *h->text && strcmp(h->text, "null") != 0) return h->text;
  }
  return NULL;
}

const char *tp_job_gpus_source(const char *s) {
  static const char *const names[] = {TP_GPUS_ALLOCATION, TP_GPUS_JOB_GPUS, TP_GPUS_CVD,
                                      TP_GPUS_LABEL};
  for (size_t k = 0; s && k < sizeof names / sizeof *names; k++)
    if (strcmp(s, names[k]) == 0) return names[k];
  return NULL;
}

int tp_job_gpus_rank(const char *source) {
  if (!source) return -1;
  if (strcmp(source, TP_GPUS_LABEL) == 0) return 3;
  if (strcmp(source, TP_GPUS_CVD) == 0) return 2;
  if (strcmp(source, TP_GPUS_JOB_GPUS) == 0) return 1;
  return 0;
}

/* ---- Index lists ------------------------------------------------------------ */

/* A list of GPU indices as Slurm and CUDA write them ("4,5", "0-3",
 * "[4, 5]"): the count, at most cap, into idx; -1 when an entry is not an
 * index (a UUID: not renumbered, not placed here). */
static int S_indices(const char *text, long *idx, int cap) {
  int n = 0;
  const char *p = text;
  while (*p) {
    while (*p == ' ' || *p == '[' || *p == ']' || *p == ',') p++;
    if (!*p) break;
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p || a < 0) return -1;
    p = end;
    if (*p == '-') {
      b = strtol(p + 1, &end, 10);
      if (end == p + 1 || b < a || b - a > 1024) return -1;
      p = end;
    }
    while (*p == ' ' || *p == ']') p++;
    if (*p && *p != ',') return -1;
    for (long k = a; k <= b && n < cap; k++) idx[n++] = k;
  }
  return n;
}

static void S_add(tp_job_gpus *g, const char *id) {
  g->devices = tp_xrealloc(g->devices, (g->n_devices + 1) * sizeof *g->devices);
  g->devices[g->n_devices++] = tp_xstrdup(id);
}

/* ---- Labelled devices ------------------------------------------------------- */

/* The GPU index of a device id ("node1/gpu5": 5), or -1. */
static long S_gpu_index(const char *id) {
  const char *slash = strrchr(id, '/'), *g = slash ? slash + 1 : id;
  if (strncmp(g, "gpu", 3) != 0) return -1;
  char *end;
  long n = strtol(g + 3, &end, 10);
  return end != g + 3 && !*end ? n : -1;
}

/* Order of devices: by host (the part before '/'), then GPU index, then id. */
static int S_cmp_dev(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  const char *sx = strrchr(x, '/'), *sy = strrchr(y, '/');
  size_t hx = sx ? (size_t)(sx - x) : 0, hy = sy ? (size_t)(sy - y) : 0;
  int c = strncmp(x, y, hx < hy ? hx : hy);
  if (c || hx != hy) return c ? c : (hx > hy) - (hx < hy);
  long ix = S_gpu_index(x), iy = S_gpu_index(y);
  if (ix != iy) return (ix > iy) - (ix < iy);
  return strcmp(x, y);
}

/* The devices holds name job on, each once, in S_cmp_dev order; their count. */
static size_t S_labelled(const tp_energy_hold *holds, size_t n_holds, const char *job,
                         const char ***out) {
  const char **v = tp_xcalloc(n_holds + 1, sizeof *v);
  size_t n = 0;
  for (size_t k = 0; k < n_holds; k++) {
    if (strcmp(holds[k].job, job) != 0) continue;
    bool seen = false;
    for (size_t i = 0; i < n && !seen; i++) seen = strcmp(v[i], holds[k].device) == 0;
    if (!seen) v[n++] = holds[k].device;
  }
  if (n > 1) qsort(v, n, sizeof *v, S_cmp_dev);
  *out = v;
  return n;
}

/* Of the labelled devices lab[0..n) (sorted), the cvd[k]-th of each host. */
static void S_pick_per_host(tp_job_gpus *g, const char **lab, size_t n, const long *cvd, int n_cvd) {
  for (size_t first = 0; first < n;) {
    const char *s0 = strrchr(lab[first], '/');
    size_t hl = s0 ? (size_t)(s0 - lab[first]) : 0, end = first + 1;
    while (end < n) {
      const char *s1 = strrchr(lab[end], '/');
      if ((s1 ? (size_t)(s1 - lab[end]) : 0) != hl || strncmp(lab[end], lab[first], hl) != 0)
        break;
      end++;
    }
    for (int k = 0; k < n_cvd; k++)
      if (cvd[k] < (long)(end - first)) S_add(g, lab[first + (size_t)cvd[k]]);
    first = end;
  }
}

/* The first device on one of the job's hosts that holds give another job,
 * or NULL. */
static const char *S_held_by_other(const tp_slurm_job *job, const tp_energy_hold *holds,
                                   size_t n_holds) {
  for (size_t k = 0; k < n_holds; k++) {
    if (strcmp(holds[k].job, job->job_id) == 0) continue;
    if (job->n_nodes &&
        tp_energy_device_on(holds[k].device, (const char *const *)job->nodes, job->n_nodes))
      return holds[k].device;
  }
  return NULL;
}

/* ---- The choice --------------------------------------------------------------- */

/* The labels name the job: its labelled devices, or those CUDA_VISIBLE_DEVICES
 * picks among them. */
static void S_by_label(tp_job_gpus *g, const tp_run *run, const char **lab, size_t n,
                       const char *cvd_text, const long *cvd, int n_cvd) {
  const char *job = run->job->job_id;
  g->source = TP_GPUS_LABEL;
  if (n_cvd > 0) S_pick_per_host(g, lab, n, cvd, n_cvd);
  if (g->n_devices) {
    g->source = TP_GPUS_CVD;
    g->note = tp_xasprintf("GPUs of Slurm job %s: %s (CUDA_VISIBLE_DEVICES=%s, counted within "
                           "the %zu GPU%s the exporter's job label gives the job)",
                           job, g->devices[0], cvd_text, n, n == 1 ? "" : "s");
    return;
  }
  g->note = tp_xasprintf("GPUs of Slurm job %s: the %zu the exporter's job label names (%s%s), "
                         "while it names them%s",
                         job, n, lab[0], n > 1 ? ", ..." : "",
                         cvd_text ? "; CUDA_VISIBLE_DEVICES names none of them" : "");
}

/* SLURM_JOB_GPUS names the job's GPUs: those, or those CUDA_VISIBLE_DEVICES
 * picks among them. */
static void S_by_job_gpus(tp_job_gpus *g, const tp_run *run, const char *jg_text,
                          const long *jg, int n_jg, const char *cvd_text, const long *cvd,
                          int n_cvd) {
  char buf[32];
  for (int k = 0; k < n_cvd; k++)
    if (cvd[k] < n_jg) {
      snprintf(buf, sizeof buf, "%ld", jg[cvd[k]]);
      S_add(g, buf);
    }
  if (g->n_devices) {
    g->source = TP_GPUS_CVD;
    g->note = tp_xasprintf("GPUs of Slurm job %s: GPU %s%s (CUDA_VISIBLE_DEVICES=%s, counted "
                           "within SLURM_JOB_GPUS=%s: Slurm numbers a job's GPUs from 0)",
                           run->job->job_id, g->devices[0], g->n_devices > 1 ? ", ..." : "",
                           cvd_text, jg_text);
    return;
  }
  for (int k = 0; k < n_jg; k++) {
    snprintf(buf, sizeof buf, "%ld", jg[k]);
    S_add(g, buf);
  }
  g->source = TP_GPUS_JOB_GPUS;
  g->note = tp_xasprintf("GPUs of Slurm job %s: SLURM_JOB_GPUS=%s, as the run recorded it%s",
                         run->job->job_id, jg_text,
                         cvd_text ? "; its CUDA_VISIBLE_DEVICES names none of them" : "");
}

void tp_job_gpus_pick(tp_job_gpus *out, const tp_run *run, const tp_energy_hold *holds,
                      size_t n_holds) {
  *out = (tp_job_gpus){.source = TP_GPUS_ALLOCATION};
  if (!run->job) return;
  long cvd[64], jg[64];
  const char *cvd_text = tp_run_recorded(run, "CUDA_VISIBLE_DEVICES");
  const char *jg_text = tp_run_recorded(run, "SLURM_JOB_GPUS");
  if (!jg_text) jg_text = tp_run_recorded(run, "job_gpus"); /* "slurm.job_gpus" */
  int n_cvd = cvd_text ? S_indices(cvd_text, cvd, 64) : 0;
  int n_jg = jg_text ? S_indices(jg_text, jg, 64) : 0;
  const char **lab;
  size_t n_lab = S_labelled(holds, n_holds, run->job->job_id, &lab);
  if (n_lab) S_by_label(out, run, lab, n_lab, cvd_text, cvd, n_cvd);
  else if (n_jg > 0) S_by_job_gpus(out, run, jg_text, jg, n_jg, cvd_text, cvd, n_cvd);
  else if (cvd_text)
    out->note = tp_xasprintf("CUDA_VISIBLE_DEVICES=%s recorded inside Slurm job %s names no "
                             "GPU here: Slurm numbers a job's GPUs from 0, and neither the "
                             "exporter's job label nor SLURM_JOB_GPUS says which they are; "
                             "charged for the job's allocation",
                             cvd_text, run->job->job_id);
  const char *other = out->note || n_lab ? NULL : S_held_by_other(run->job, holds, n_holds);
  if (other)
    out->note = tp_xasprintf("GPUs of Slurm job %s: its allocation on its hosts, but not while "
                             "the exporter's job label gives a GPU to another job (%s, ...)",
                             run->job->job_id, other);
  free(lab);
}

void tp_job_gpus_free(tp_job_gpus *g) {
  for (size_t k = 0; k < g->n_devices; k++) free(g->devices[k]);
  free(g->devices);
  free(g->note);
  *g = (tp_job_gpus){0};
}
