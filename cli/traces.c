/* traces: trace files read into the runs they may belong to.
 *
 * A trace job is one file and the runs it may give energy to.  Each is read
 * through the energy integrator and the power profiler of those runs; what it
 * gave them, its declared rows and its diagnostics go to the attribution
 * (model/attrib.h) in the order of the jobs.  Identical files are read once,
 * for the runs of every folder holding a copy, and jobs whose runs differ are
 * read side by side on threads.
 */
#include "cli/pipeline_impl.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/energy.h"
#include "model/jobgpus.h"
#include "model/jobspans.h"
#include "model/mem.h"
#include "model/profile.h"
#include "model/slurmjob.h"
#include "model/threads.h"

/* Declared figures (CodeCarbon) a trace file holds, kept until the file's
 * collection for the attribution (model/attrib.h) is made. */
typedef struct S_declared {
  tp_declared d;       /* strings owned: run_name, run_id, experiment_id, hardware, country */
} S_declared;

/* What reading one trace needs of its own, so that traces whose runs differ
 * can be read at the same time; its diagnostics and declared figures are
 * merged into the lab in the order of the traces (S_reader_merge). */
typedef struct S_reader {
  const char *path;          /* the trace being read */
  tp_trace_sink energy;      /* the integrator's own sink */
  tp_profiler *profiler;     /* power profiles for drawing */
  int *prof_handle;          /* energy handle -> profiler handle */
  size_t n_handles, cap_handles;
  tp_diags diags;            /* what reading it found */
  S_declared *declared;      /* declared figures it holds */
  size_t n_declared, cap_declared;
  tp_attrib_trace *trace;    /* what it gave the runs, for the attribution */
} S_reader;

static int S_sink_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                         double wrap_j) {
  S_reader *rd = ctx;
  int h = rd->energy.device(rd->energy.ctx, id, name, kind, wrap_j);
  if (h >= 0) {
    TP_GROW(rd->prof_handle, rd->cap_handles, (size_t)h + 1);
    while (rd->n_handles <= (size_t)h) rd->prof_handle[rd->n_handles++] = -1;
    rd->prof_handle[h] = tp_profiler_device(rd->profiler, id, kind, wrap_j);
  }
  return h;
}

static void S_sink_field(void *ctx, int dev, tp_power_field f) {
  S_reader *rd = ctx;
  rd->energy.field(rd->energy.ctx, dev, f);
}

static void S_sink_sample(void *ctx, int dev, double t_s, double value) {
  S_reader *rd = ctx;
  rd->energy.sample(rd->energy.ctx, dev, t_s, value);
  if (dev >= 0 && (size_t)dev < rd->n_handles)
    tp_profiler_sample(rd->profiler, rd->prof_handle[dev], t_s, value);
}

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

static void S_sink_declared(void *ctx, const tp_declared *d) {
  S_reader *rd = ctx;
  TP_GROW(rd->declared, rd->cap_declared, rd->n_declared + 1);
  S_declared *x = &rd->declared[rd->n_declared++];
  x->d = *d;
  x->d.run_name = S_dup(d->run_name);
  x->d.run_id = S_dup(d->run_id);
  x->d.experiment_id = S_dup(d->experiment_id);
  x->d.hardware = S_dup(d->hardware);
  x->d.country = S_dup(d->country);
}

/* Hand a finished reader's findings to the lab and the attribution, and free
 * it. */
static void S_reader_merge(tp_pipeline_state *st, S_reader *rd) {
  tp_diag_move(&st->lab->diags, &rd->diags);
  tp_diag_free(&rd->diags);
  for (size_t i = 0; i < rd->n_declared; i++) {
    tp_declared *d = &rd->declared[i].d;
    if (rd->trace) tp_attrib_collect_declared(rd->trace, d);
    free((char *)d->run_name);
    free((char *)d->run_id);
    free((char *)d->experiment_id);
    free((char *)d->hardware);
    free((char *)d->country);
  }
  if (rd->trace) tp_attrib_add(st->attrib, rd->trace);
  free(rd->declared);
  free(rd->prof_handle);
  *rd = (S_reader){0};
}

/* Size and modification time of a regular file and, when `hash`, its SHA-256
 * (parser/text/sha256.h, kept in the cache when there is one); sha is left
 * alone without `hash`, "" when the file cannot be read. */
void tp_traces_file_info(const char *cache_dir, const char *path, bool hash, char sha[65],
                         uint64_t *size, int64_t *mtime_s) {
  if (hash) sha[0] = '\0';
  *size = 0;
  *mtime_s = 0;
  struct stat fst;
  if (stat(path, &fst) != 0 || !S_ISREG(fst.st_mode)) return;
  *size = (uint64_t)fst.st_size;
  *mtime_s = (int64_t)fst.st_mtime;
  if (hash && tp_runcache_digest(cache_dir, path, sha) != 0) sha[0] = '\0';
}

/* The first bytes of a file (at most cap), for sniffing its format; 0 when
 * it cannot be read. */
size_t tp_traces_file_head(const char *path, unsigned char *head, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(head, 1, cap, f);
  fclose(f);
  return n;
}

/* True when dir is root or lies below it (path prefix at a '/' boundary). */
static bool S_under(const char *dir, const char *root) {
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/') n--;
  return strncmp(dir, root, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

/* Devices a run may use: its CUDA_VISIBLE_DEVICES hparam, split on ','. */
static char **S_run_devices(const tp_run *run, size_t *n) {
  *n = 0;
  const tp_hparam *h = tp_run_find_hparam(run, "CUDA_VISIBLE_DEVICES");
  if (!h || !h->text[0]) return NULL;
  char **v = NULL;
  size_t cap = 0;
  const char *p = h->text;
  while (*p) {
    size_t len = strcspn(p, ",");
    const char *s = p, *e = p + len;
    while (s < e && *s == ' ') s++;
    while (e > s && e[-1] == ' ') e--;
    if (e > s) {
      TP_GROW(v, cap, *n + 1);
      v[(*n)++] = tp_xstrndup(s, (size_t)(e - s));
    }
    p += len;
    if (*p == ',') p++;
  }
  return v;
}

/* Does the trace of job come from another host than run r ran on (both known;
 * for a job requeued onto other nodes, than any of its records)? */
static bool S_other_host(const tp_trace_job *job, const tp_run *r) {
  return (job->host && r->host && !tp_energy_same_host(job->host, r->host)) ||
         !tp_job_spans_ran_on(r->job, job->host);
}

static bool S_job_takes(const tp_trace_job *job, const tp_run *r) {
  bool under = !job->under_dir || S_under(r->dir, job->under_dir);
  for (size_t k = 0; k < job->n_also && !under; k++) under = S_under(r->dir, job->also_dirs[k]);
  if (!under) return false;
  if (job->run_globs && job->run_globs->count && !tp_config_globs_match(job->run_globs, r->id))
    return false;
  return true;
}

/* The runs a trace job may give energy to, with their windows and devices;
 * and those it may not because they ran on another host. */
typedef struct S_selection {
  tp_run **runs;             /* runs[k]: the k-th run taken */
  tp_energy_window *w;       /* w[k]: its window and devices */
  tp_energy_holes *holes;    /* holes[k]: the gaps of its job, when requeued (owned) */
  char ***devs;              /* devs[k]: the device names w[k] points to (owned) */
  size_t *run_index;         /* run_index[k]: its index in the lab */
  size_t n;
  size_t *elsewhere;         /* lab indices of runs on another host */
  size_t n_elsewhere;
} S_selection;

/* The holds a trace tells (DCGM's job labels: which job held which GPU
 * when), read ahead of its samples where a job's run may use it: the choice
 * of its GPUs (model/jobgpus.h) and the integrator's cuts need them first. */
typedef struct S_holds {
  tp_energy_hold *h;         /* device and job strings owned */
  size_t n, cap;
} S_holds;

static int S_holds_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                          double wrap_j) {
  (void)ctx, (void)id, (void)name, (void)kind, (void)wrap_j;
  return 0;
}

static void S_holds_sample(void *ctx, int dev, double t_s, double value) {
  (void)ctx, (void)dev, (void)t_s, (void)value;
}

static void S_holds_hold(void *ctx, const char *id, const char *job, double start_s,
                         double end_s) {
  S_holds *hs = ctx;
  TP_GROW(hs->h, hs->cap, hs->n + 1);
  hs->h[hs->n++] = (tp_energy_hold){tp_xstrdup(id), tp_xstrdup(job), start_s, end_s};
}

static void S_holds_free(S_holds *hs) {
  for (size_t k = 0; k < hs->n; k++) {
    free((char *)hs->h[k].device);
    free((char *)hs->h[k].job);
  }
  free(hs->h);
}

/* Does a run that is a Slurm job lie in job's scope? */
static bool S_takes_a_job(const tp_lab *lab, const tp_trace_job *job) {
  for (size_t i = 0; i < lab->n_runs; i++)
    if (lab->runs[i]->job && S_job_takes(job, lab->runs[i])) return true;
  return false;
}

/* Give job run r the GPUs jobgpus picks with the trace's holds: its device
 * list in the window, its source kept when it says more than one found
 * before, and a note naming the trace (once). */
static char **S_job_devices(tp_run *r, const tp_trace_job *job, const S_holds *hs,
                            size_t *n) {
  tp_job_gpus g;
  tp_job_gpus_pick(&g, r, hs->h, hs->n);
  if (tp_job_gpus_rank(g.source) > tp_job_gpus_rank(r->job->gpu_source))
    r->job->gpu_source = g.source;
  bool said = !g.note;
  for (size_t k = 0; k < r->diags.count && !said; k++)
    said = strcmp(r->diags.items[k].message, g.note) == 0;
  if (!said) tp_diag_add(&r->diags, TP_NOTE, job->path, -1, -1, "%s", g.note);
  char **devs = g.devices;
  *n = g.n_devices;
  g.devices = NULL;
  g.n_devices = 0;
  tp_job_gpus_free(&g);
  return devs;
}

/* The lab indexes (increasing) of the runs job may give energy to, in a new
 * array (caller frees; never NULL) of *n. */
static size_t *S_job_runs(const tp_lab *lab, const tp_trace_job *job, size_t *n) {
  size_t *v = tp_xmalloc((lab->n_runs + 1) * sizeof *v);
  *n = 0;
  for (size_t i = 0; i < lab->n_runs; i++)
    if (S_job_takes(job, lab->runs[i])) v[(*n)++] = i;
  return v;
}

/* The runs job may give energy to: those of cand (lab indexes, as
 * S_job_runs gives them) when not NULL, else found here. */
static void S_select_runs(const tp_lab *lab, const tp_trace_job *job, const S_holds *hs,
                          const size_t *cand, size_t n_cand, S_selection *sel) {
  *sel = (S_selection){.runs = tp_xmalloc((lab->n_runs + 1) * sizeof *sel->runs),
                       .w = tp_xcalloc(lab->n_runs + 1, sizeof *sel->w),
                       .holes = tp_xcalloc(lab->n_runs + 1, sizeof *sel->holes),
                       .devs = tp_xcalloc(lab->n_runs + 1, sizeof *sel->devs),
                       .run_index = tp_xcalloc(lab->n_runs + 1, sizeof *sel->run_index),
                       .elsewhere = tp_xcalloc(lab->n_runs + 1, sizeof *sel->elsewhere)};
  size_t n_look = cand ? n_cand : lab->n_runs;
  for (size_t c = 0; c < n_look; c++) {
    size_t i = cand ? cand[c] : c;
    tp_run *r = lab->runs[i];
    if (!cand && !S_job_takes(job, r)) continue;
    if (!isfinite(r->start_s) || !isfinite(r->end_s)) continue;
    if (S_other_host(job, r)) {
      sel->elsewhere[sel->n_elsewhere++] = i;
      continue;
    }
    size_t n = sel->n;
    tp_energy_window *w = sel->w;
    sel->runs[n] = r;
    sel->run_index[n] = i;
    w[n].start_s = r->start_s;
    w[n].end_s = r->end_s;
    sel->devs[n] = r->job ? S_job_devices(r, job, hs, &w[n].n_devices)
                          : S_run_devices(r, &w[n].n_devices);
    if (!sel->devs[n] && job->devices && job->devices->count) {
      /* The configuration names the devices this trace's runs used. */
      w[n].n_devices = job->devices->count;
      sel->devs[n] = tp_xcalloc(job->devices->count + 1, sizeof(char *));
      for (size_t k = 0; k < job->devices->count; k++)
        sel->devs[n][k] = tp_xstrdup(job->devices->items[k]);
    }
    w[n].devices = (const char *const *)sel->devs[n];
    /* A requeued job's time pending between its segments is not its. */
    sel->holes[n].holes_s = tp_slurm_job_gaps(r->job, &sel->holes[n].n_holes);
    sel->n++;
  }
}

static void S_selection_free(S_selection *sel) {
  for (size_t i = 0; i < sel->n; i++) {
    for (size_t k = 0; k < sel->w[i].n_devices; k++) free(sel->devs[i][k]);
    free(sel->devs[i]);
    free((double *)sel->holes[i].holes_s);
  }
  free(sel->devs);
  free(sel->run_index);
  free(sel->w);
  free(sel->holes);
  free(sel->runs);
  free(sel->elsewhere);
}

/* Where the integrator cuts segments: at the intensity series' rows, so each
 * is priced exactly, and at every point of the main metric of the runs taken,
 * so that the energy up to each point (energy-to-target, metric against
 * energy) is exact.  A new array (caller frees) of *n times. */
static double *S_cuts(const tp_pipeline_state *st, const S_selection *sel, const S_holds *hs,
                      size_t *n) {
  double *cuts = NULL;
  size_t n_cuts = 0, cap_cuts = 0;
  for (size_t k = 0; k < hs->n; k++) { /* a hold's edges: segments lie in or out of it */
    TP_GROW(cuts, cap_cuts, n_cuts + 2);
    cuts[n_cuts++] = hs->h[k].start_s;
    cuts[n_cuts++] = hs->h[k].end_s;
  }
  if (st->carbon.series)
    for (size_t k = 0; k < st->carbon.series->count; k++) {
      TP_GROW(cuts, cap_cuts, n_cuts + 1);
      cuts[n_cuts++] = st->carbon.series->rows[k].t_s;
    }
  for (size_t k = 0; k < sel->n; k++) /* a moved job's records: each on its own hosts */
    tp_job_spans_add_cuts(sel->runs[k]->job, &cuts, &n_cuts, &cap_cuts);
  for (size_t k = 0; k < sel->n; k++) {
    const tp_series *ms = tp_lab_main_series(st->lab, sel->runs[k]);
    tp_runspill_hold_points(sel->runs[k]);
    for (size_t p = 0; ms && p < ms->count; p++)
      if (isfinite(ms->points[p].wall_time_s)) {
        TP_GROW(cuts, cap_cuts, n_cuts + 1);
        cuts[n_cuts++] = ms->points[p].wall_time_s;
      }
    tp_runspill_release_points(sel->runs[k]);
  }
  *n = n_cuts;
  return cuts;
}

/* The format of job's file: as discovery found it or as named, else sniffed
 * here (once). */
static tp_power_format S_format(const tp_trace_job *job) {
  tp_power_format fmt = job->format;
  if (fmt == TP_POWER_AUTO && !job->mlflow_run && !job->wandb_run) {
    unsigned char head[4096];
    fmt = tp_power_sniff(head, tp_traces_file_head(job->path, head, sizeof head));
  }
  return fmt;
}

/* The reading options of job's file. */
static void S_options(const tp_pipeline_state *st, const tp_trace_job *job,
                      tp_power_options *po) {
  tp_power_options_init(po);
  po->tz = job->tz;
  po->clock_offset_s = job->clock_offset_s;
  po->csvmap = job->csvmap;
  po->grafana_map = job->grafana_map;
  po->nvsmi_columns = job->nvsmi_columns;
  po->has_start = job->has_start;
  po->start_s = job->start_s;
  po->dmon_interval_s = job->interval_s;
  po->job_label = st->cfg->slurm.job_label;
}

/* The holds of job's file in format fmt, where a Slurm job's run may use it
 * and the format tells them (DCGM metrics); what the read finds is said when
 * the samples are read. */
static void S_read_holds(const tp_pipeline_state *st, const tp_trace_job *job,
                         tp_power_format fmt, S_holds *hs) {
  if ((fmt != TP_POWER_PROMETHEUS && fmt != TP_POWER_GRAFANA_CSV) || job->mlflow_run ||
      job->wandb_run || !S_takes_a_job(st->lab, job))
    return;
  tp_trace_sink sink = {.ctx = hs, .device = S_holds_device, .sample = S_holds_sample,
                        .hold = S_holds_hold};
  tp_power_options po;
  S_options(st, job, &po);
  tp_diags quiet = {0};
  tp_power_read(job->path, fmt, &po, &sink, &quiet);
  tp_diag_free(&quiet);
}

/* Read the trace at path into sink and diags; with a cache, from the
 * recording of an earlier read of the unchanged file (cli/tracecache.c),
 * else read and recorded. */
static void S_read_recorded(const char *cache_dir, const char *path, tp_power_format fmt,
                            const tp_power_options *po, const tp_trace_sink *sink,
                            tp_diags *diags) {
  char *key = cache_dir ? tp_tracecache_key(path, fmt, po) : NULL;
  if (!key) {
    tp_power_read(path, fmt, po, sink, diags);
    return;
  }
  if (!tp_tracecache_replay(cache_dir, path, key, sink, diags)) {
    tp_trace_sink rs;
    tp_tracecache_rec *rec = tp_tracecache_rec_new(cache_dir, path, key, sink, &rs);
    tp_diags got = {0};
    tp_power_read(path, fmt, po, &rs, &got);
    tp_tracecache_rec_save(rec, &got);
    tp_diag_move(diags, &got);
    tp_diag_free(&got);
  }
  free(key);
}

/* Stream the file of job, in format fmt, into rd's sinks with the reader its
 * format names. */
static void S_stream_trace(const tp_pipeline_state *st, const tp_trace_job *job,
                           tp_power_format fmt, S_reader *rd) {
  tp_trace_sink sink = {.ctx = rd,
                        .device = S_sink_device,
                        .sample = S_sink_sample,
                        .declared = S_sink_declared,
                        .field = S_sink_field};
  tp_power_options po;
  S_options(st, job, &po);
  if (job->mlflow_run) tp_mlflow_read_power(job->path, &sink, &rd->diags);
  else if (job->wandb_run) tp_wandb_read_power(job->path, &sink, &rd->diags);
  else S_read_recorded(st->cache_dir, job->path, fmt, &po, &sink, &rd->diags);
}

/* What the closed integrator e gave the selected runs, for the attribution,
 * with the file as an input: size, time, digest (identical files count once). */
static tp_attrib_trace *S_collect(const tp_lab *lab, const char *cache_dir,
                                  const tp_trace_job *job, tp_power_format fmt, tp_energy *e,
                                  const S_selection *sel) {
  char sha[65];
  memcpy(sha, job->sha256, sizeof sha);
  tp_attrib_file af = {.path = job->path, .sha256 = sha,
                       .scope = job->n_also ? NULL : job->under_dir};
  tp_traces_file_info(cache_dir, job->path, !sha[0], sha, &af.size, &af.mtime_s);
  af.format = job->mlflow_run  ? "mlflow-system"
              : job->wandb_run ? "wandb-system"
              : fmt == TP_POWER_UNKNOWN ? "trace"
                                        : tp_power_format_name(fmt);
  af.host = job->host;
  tp_attrib_trace *t = tp_attrib_collect(e, lab, sel->run_index, sel->n, &af);
  for (size_t i = 0; i < sel->n_elsewhere; i++) tp_attrib_collect_other_host(t, sel->elsewhere[i]);
  return t;
}

/* Read one trace and collect what it gives the runs it may belong to, for the
 * attribution.  Touches only the power profiles of those runs and rd: traces
 * whose runs differ may be read at the same time.  The trace is read even
 * when no run can use it, so its problems and its declared figures are still
 * seen. */
static void S_read_trace(tp_pipeline_state *st, const tp_trace_job *job, const size_t *cand,
                         size_t n_cand, S_reader *rd) {
  tp_power_format fmt = S_format(job);
  S_holds hs = {0};
  S_read_holds(st, job, fmt, &hs);
  S_selection sel;
  S_select_runs(st->lab, job, &hs, cand, n_cand, &sel);
  size_t n_cuts;
  double *cuts = S_cuts(st, &sel, &hs, &n_cuts);
  tp_energy *e = tp_energy_new_holed(sel.w, sel.n, cuts, n_cuts, sel.holes);
  if (st->opts->keep_samples) tp_energy_keep_samples(e);
  free(cuts);
  for (size_t k = 0; k < sel.n; k++) {
    const tp_slurm_job *sj = sel.runs[k]->job;
    if (sj) tp_energy_window_job(e, k, sj->job_id, (const char *const *)sj->nodes, sj->n_nodes);
    tp_job_spans_apply(e, k, sj, job->host);
  }
  for (size_t k = 0; k < hs.n; k++)
    tp_energy_add_hold(e, hs.h[k].device, hs.h[k].job, hs.h[k].start_s, hs.h[k].end_s);
  S_holds_free(&hs);
  rd->energy = tp_energy_sink(e);
  rd->profiler = tp_profiler_new(sel.runs, sel.w, sel.n, job->host);
  rd->n_handles = 0;
  rd->path = job->path;
  S_stream_trace(st, job, fmt, rd);
  tp_energy_close(e);
  rd->trace = S_collect(st->lab, st->cache_dir, job, fmt, e, &sel);
  tp_profiler_finish(rd->profiler);
  rd->profiler = NULL;
  /* The integrator knows no file names: its diagnostics are about this one. */
  tp_diags *ed = tp_energy_diags(e);
  for (size_t i = 0; i < ed->count; i++)
    if (!ed->items[i].file) ed->items[i].file = tp_xstrdup(job->path);
  tp_diag_move(&rd->diags, ed);
  tp_energy_free(e);
  S_selection_free(&sel);
}

/* Identical trace files (same SHA-256) are one source (docs/attribution.md,
 * rule 2): the first by path is read once, for the runs of every folder that
 * holds a copy, so that runs of different folders sharing it in time are
 * split as one trace; a note names each copy. */
typedef struct S_job_key {
  const char *sha;
  size_t i;
} S_job_key;

typedef struct S_job_size {
  uint64_t size;  /* bytes; UINT64_MAX when it cannot be read */
  size_t i;
} S_job_size;

static int S_cmp_job_key(const void *a, const void *b) {
  const S_job_key *x = a, *y = b;
  int c = strcmp(x->sha, y->sha);
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int S_cmp_size(const void *a, const void *b) {
  const S_job_size *x = a, *y = b;
  return x->size != y->size ? (x->size > y->size) - (x->size < y->size)
                            : (x->i > y->i) - (x->i < y->i);
}

static void S_merge_copies(tp_pipeline_state *st, tp_trace_job *jobs, size_t n) {
  /* Only files whose size another file shares can be copies: those are
   * hashed here; the others get their digest when they are read. */
  S_job_size *sz = tp_xcalloc(n + 1, sizeof *sz);
  for (size_t i = 0; i < n; i++) {
    struct stat fst;
    sz[i] = (S_job_size){stat(jobs[i].path, &fst) == 0 ? (uint64_t)fst.st_size : UINT64_MAX, i};
  }
  if (n > 1) qsort(sz, n, sizeof *sz, S_cmp_size);
  for (size_t k = 0; k < n; k++) {
    bool twin = (k > 0 && sz[k - 1].size == sz[k].size) ||
                (k + 1 < n && sz[k + 1].size == sz[k].size);
    if (twin && sz[k].size != UINT64_MAX)
      tp_traces_file_info(st->cache_dir, jobs[sz[k].i].path, true, jobs[sz[k].i].sha256, &(uint64_t){0},
                  &(int64_t){0});
  }
  free(sz);
  S_job_key *order = tp_xcalloc(n + 1, sizeof *order);
  for (size_t i = 0; i < n; i++) order[i] = (S_job_key){jobs[i].sha256, i};
  /* By digest, then by position: each group's first is the first by path. */
  if (n > 1) qsort(order, n, sizeof *order, S_cmp_job_key);
  for (size_t g = 0; g < n;) {
    size_t e = g + 1;
    while (e < n && strcmp(order[e].sha, order[g].sha) == 0) e++;
    tp_trace_job *k = &jobs[order[g].i];
    for (size_t m = g + 1; m < e && k->sha256[0]; m++) {
      tp_trace_job *t = &jobs[order[m].i];
      t->skip = true;
      tp_diag_add(&st->lab->diags, TP_NOTE, t->path, -1, -1,
                  "the same content (SHA-256) as %s; counted once, from that file, for the "
                  "runs of both folders",
                  k->path);
      if (!k->under_dir) continue;
      if (!t->under_dir || S_under(k->under_dir, t->under_dir)) {
        k->under_dir = t->under_dir; /* the copy's folder holds the first's */
        continue;
      }
      bool held = S_under(t->under_dir, k->under_dir);
      for (size_t a = 0; a < k->n_also && !held; a++) held = S_under(t->under_dir, k->also_dirs[a]);
      if (held) continue;
      k->also_dirs = tp_xrealloc(k->also_dirs, (k->n_also + 1) * sizeof *k->also_dirs);
      k->also_dirs[k->n_also++] = tp_xstrdup(t->under_dir);
    }
    g = e;
  }
  free(order);
}

/* Read one trace and merge what it found. */
void tp_traces_apply_one(tp_pipeline_state *st, const tp_trace_job *job) {
  S_reader rd = {0};
  S_read_trace(st, job, NULL, 0, &rd);
  S_reader_merge(st, &rd);
}

/* Traces read side by side: consecutive jobs whose runs are disjoint, each
 * on its own thread; their findings are merged in the jobs' order, so the
 * result is the same as reading them one after the other. */
typedef struct S_batch {
  tp_pipeline_state *st;
  const tp_trace_job *jobs;
  size_t *const *cands;       /* cands[i]: the runs jobs[i] may give energy to */
  const size_t *n_cands;
  S_reader *readers;
  size_t n;
  size_t next;                /* the next job to take */
  pthread_mutex_t lock;
} S_batch;

/* Hold the profiles of the runs job may draw into (model/runspill.h), or,
 * when !hold, release them, put out again: while traces are read only the
 * profiles of the runs under the traces being read are in memory (the
 * integrator's cuts hold each run's points a moment, S_cuts). */
static void S_hold_runs(const tp_lab *lab, const size_t *cands, size_t n_cands, bool hold) {
  for (size_t c = 0; c < n_cands; c++) {
    tp_run *run = lab->runs[cands[c]];
    if (hold) {
      tp_runspill_hold_power(run);
    } else {
      tp_runspill_power_changed(run);
      tp_runspill_release_power(run);
    }
  }
}

static void *S_batch_worker(void *arg) {
  S_batch *b = arg;
  for (;;) {
    pthread_mutex_lock(&b->lock);
    size_t i = b->next < b->n ? b->next++ : b->n;
    pthread_mutex_unlock(&b->lock);
    if (i >= b->n) return NULL;
    S_hold_runs(b->st->lab, b->cands[i], b->n_cands[i], true);
    S_read_trace(b->st, &b->jobs[i], b->cands[i], b->n_cands[i], &b->readers[i]);
    S_hold_runs(b->st->lab, b->cands[i], b->n_cands[i], false);
  }
}

static void S_apply_traces(tp_pipeline_state *st, const tp_trace_job *jobs, size_t n, int threads) {
  tp_lab *lab = st->lab;
  /* Each job's runs, found once: for the batches and for reading. */
  size_t **cands = tp_xcalloc(n + 1, sizeof *cands);
  size_t *n_cands = tp_xcalloc(n + 1, sizeof *n_cands);
  for (size_t i = 0; i < n; i++) cands[i] = S_job_runs(lab, &jobs[i], &n_cands[i]);
  unsigned char *taken = tp_xcalloc(lab->n_runs + 1, 1);
  size_t first = 0;
  while (first < n) {
    /* The longest run of jobs from `first` that share no run. */
    memset(taken, 0, lab->n_runs + 1);
    size_t end = first;
    for (; end < n; end++) {
      bool clash = false;
      for (size_t c = 0; c < n_cands[end] && !clash; c++) clash = taken[cands[end][c]];
      if (clash && end > first) break;
      for (size_t c = 0; c < n_cands[end]; c++) taken[cands[end][c]] = 1;
    }
    size_t m = end - first;
    S_batch b = {.st = st, .jobs = jobs + first, .cands = cands + first,
                 .n_cands = n_cands + first, .n = m, .readers = tp_xcalloc(m, sizeof(S_reader))};
    pthread_mutex_init(&b.lock, NULL);
    size_t want = threads > 1 && m > 1 ? (size_t)threads : 1;
    if (want > m) want = m;
    tp_threads_run(want, S_batch_worker, &b);
    pthread_mutex_destroy(&b.lock);
    for (size_t i = 0; i < m; i++) S_reader_merge(st, &b.readers[i]);
    free(b.readers);
    first = end;
  }
  for (size_t i = 0; i < n; i++) free(cands[i]);
  free(cands);
  free(n_cands);
  free(taken);
}

/* The traces discovery found, each as a job over the runs below its folder
 * (all runs when the file itself was given), but those the configuration's
 * power section reads. */
static tp_trace_job *S_found_jobs(const tp_pipeline_state *st, const tp_discovery *disc,
                                  size_t *n) {
  tp_trace_job *jobs = tp_xcalloc(disc->n_traces + 1, sizeof *jobs);
  size_t n_jobs = 0;
  for (size_t i = 0; i < disc->n_traces; i++) {
    const tp_found_file *tf = &disc->traces[i];
    if (tp_cfgtraces_claimed(st, tf->path)) continue;
    jobs[n_jobs++] = (tp_trace_job){.path = tf->path,
                                    .under_dir = strcmp(tf->root, tf->path) == 0 ? NULL : tf->dir,
                                    .format = st->force != TP_POWER_AUTO ? st->force : tf->format,
                                    .tz = st->tz,
                                    .clock_offset_s = st->opts->clock_offset_s};
  }
  *n = n_jobs;
  return jobs;
}

/* The folders of disc's runs that hold no power trace of their own (the
 * walk saw none of the names: tp_found_run no_power_files), sorted; a folder
 * also holding a run that may have one is not among them. */
static const char **S_without_power_files(const tp_discovery *disc, size_t *n) {
  const char **no = tp_xcalloc(disc->n_runs + 1, sizeof *no);
  const char **may = tp_xcalloc(disc->n_runs + 1, sizeof *may);
  size_t n_no = 0, n_may = 0;
  for (size_t i = 0; i < disc->n_runs; i++) {
    if (disc->runs[i].no_power_files) no[n_no++] = disc->runs[i].dir;
    else may[n_may++] = disc->runs[i].dir;
  }
  qsort(may, n_may, sizeof *may, tp_pipeline_cmp_cstr);
  size_t k = 0;
  for (size_t i = 0; i < n_no; i++)
    if (!bsearch(&no[i], may, n_may, sizeof *may, tp_pipeline_cmp_cstr)) no[k++] = no[i];
  free(may);
  qsort(no, k, sizeof *no, tp_pipeline_cmp_cstr);
  *n = k;
  return no;
}

/* The power traces runs keep of their own: MLflow's system metrics, and the
 * stats records of a W&B run file; not looked for in the folders that
 * discovery saw hold neither. */
static void S_apply_run_traces(tp_pipeline_state *st, const tp_discovery *disc) {
  tp_lab *lab = st->lab;
  size_t n_none;
  const char **none = S_without_power_files(disc, &n_none);
  for (size_t i = 0; i < lab->n_runs; i++) {
    if (bsearch(&lab->runs[i]->dir, none, n_none, sizeof *none, tp_pipeline_cmp_cstr)) continue;
    char *sys = tp_xasprintf("%s/metrics/system", lab->runs[i]->dir);
    struct stat sst;
    bool has = stat(sys, &sst) == 0 && S_ISDIR(sst.st_mode) &&
               tp_framework_is_mlflow_run(lab->runs[i]->dir);
    free(sys);
    if (!has) continue;
    tp_trace_job job = {.path = lab->runs[i]->dir, .under_dir = lab->runs[i]->dir,
                        .tz = st->tz, .mlflow_run = true};
    tp_traces_apply_one(st, &job);
  }
  for (size_t i = 0; i < lab->n_runs; i++) {
    if (bsearch(&lab->runs[i]->dir, none, n_none, sizeof *none, tp_pipeline_cmp_cstr) ||
        !tp_wandb_has_run_file(lab->runs[i]->dir))
      continue;
    tp_trace_job job = {.path = lab->runs[i]->dir, .under_dir = lab->runs[i]->dir,
                        .tz = st->tz, .wandb_run = true};
    tp_traces_apply_one(st, &job);
  }
  free(none);
}

void tp_traces_apply_found(tp_pipeline_state *st, const tp_discovery *disc) {
  size_t n_jobs;
  tp_trace_job *jobs = S_found_jobs(st, disc, &n_jobs);
  S_merge_copies(st, jobs, n_jobs);
  size_t n_read = 0;
  for (size_t i = 0; i < n_jobs; i++)
    if (!jobs[i].skip) jobs[n_read++] = jobs[i];
  S_apply_traces(st, jobs, n_read, tp_runload_threads(st->opts->jobs));
  for (size_t i = 0; i < n_read; i++) {
    for (size_t k = 0; k < jobs[i].n_also; k++) free(jobs[i].also_dirs[k]);
    free(jobs[i].also_dirs);
  }
  free(jobs);
  S_apply_run_traces(st, disc);
}
