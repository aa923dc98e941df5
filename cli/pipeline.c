/* pipeline: discover, read, hand traces and declared rows to the attribution
 * (model/attrib.h), estimate, price, group. */
#include "cli/pipeline.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/attrib.h"
#include "model/resplit.h"
#include "model/whatif.h"
#include "model/carbon.h"
#include "model/config.h"
#include "model/estimate.h"
#include "model/energy.h"
#include "model/mem.h"
#include "model/profile.h"
#include "model/runbin.h"
#include "parser/parser.h"
#include "render/render.h"

/* Declared figures (CodeCarbon) a trace file holds, kept until the file's
 * collection for the attribution (model/attrib.h) is made. */
typedef struct S_declared {
  tp_declared d;       /* strings owned: run_name, run_id, experiment_id, hardware, country */
} S_declared;

typedef struct S_state {
  tp_lab *lab;
  const tp_pipeline_opts *opts;
  tp_tz *tz;
  tp_power_format force;     /* TP_POWER_AUTO unless --format */
  tp_attrib *attrib;         /* the join of runs, traces and declared energy */
  const tp_config *cfg;      /* the configuration (never NULL: empty when none) */
  char **claimed;            /* trace paths the configuration's power section reads */
  size_t n_claimed, cap_claimed;
  tp_reftables tables;       /* shipped reference tables (data/) */
  tp_carbon carbon;          /* PUE and intensity in force */
  tp_intensity_series series;/* --intensity FILE, when given */
  char *intensity_text;      /* owned source strings the carbon struct points to */
} S_state;

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
static void S_reader_merge(S_state *st, S_reader *rd) {
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
 * (parser/text/sha256.h); sha is left alone without `hash`, "" when the file
 * cannot be read. */
static void S_file_info(const char *path, bool hash, char sha[65], uint64_t *size,
                        int64_t *mtime_s) {
  if (hash) sha[0] = '\0';
  *size = 0;
  *mtime_s = 0;
  struct stat fst;
  if (stat(path, &fst) != 0 || !S_ISREG(fst.st_mode)) return;
  *size = (uint64_t)fst.st_size;
  *mtime_s = (int64_t)fst.st_mtime;
  if (hash && tp_sha256_file(path, sha, &(uint64_t){0}) != 0) sha[0] = '\0';
}

/* The first bytes of a file (at most cap), for sniffing its format; 0 when
 * it cannot be read. */
static size_t S_file_head(const char *path, unsigned char *head, size_t cap) {
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

static bool S_has_input(const tp_run *run, const char *path) {
  for (size_t i = 0; i < run->n_inputs; i++)
    if (strcmp(run->inputs[i].path, path) == 0) return true;
  return false;
}

/* The host in an event file's name: "events.out.tfevents.<sec>.<host>[.<pid>.<n>][.v2]"
 * (host names may hold dots, so only trailing numeric parts are taken off).
 * NULL when the name has none. */
static char *S_host_of_event_file(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *p = strstr(base, "tfevents.");
  if (!p) return NULL;
  p += 9;
  while (*p >= '0' && *p <= '9') p++;
  if (*p != '.') return NULL;
  p++;
  size_t n = strlen(p);
  if (n >= 3 && strcmp(p + n - 3, ".v2") == 0) n -= 3;
  for (int k = 0; k < 2; k++) {
    size_t e = n;
    while (e > 0 && p[e - 1] >= '0' && p[e - 1] <= '9') e--;
    if (e == n || e == 0 || p[e - 1] != '.') break;
    n = e - 1;
  }
  if (n == 0 || strspn(p, "0123456789.") >= n) return NULL;
  return tp_xstrndup(p, n);
}

/* Read every log of one run directory: event files, then framework logs
 * (metrics from all, hparams from all; disagreements are diagnosed). */
static tp_run *S_load_run(const tp_found_run *fr, const tp_framework_opts *fo) {
  tp_run *run = tp_run_new(fr->id, fr->dir);
  for (size_t i = 0; i < fr->n_event_files; i++)
    tp_tfevents_load_run(run, fr->event_files[i], &run->diags);
  if (fr->n_event_files) run->host = S_host_of_event_file(fr->event_files[0]);
  if (fr->n_other_files || !fr->n_event_files || fo->textlog) {
    /* One log of several trainings' in fr->dir, or the directory without them. */
    tp_framework_opts own = *fo;
    own.only_file = fr->log_file;
    own.skip_files = fr->split_off;
    own.n_skip_files = fr->n_split_off;
    tp_framework_load_run(run, fr->dir, &own, &run->diags);
  }
  for (size_t i = 0; i < fr->n_other_files; i++) {
    const char *base = strrchr(fr->other_files[i], '/');
    base = base ? base + 1 : fr->other_files[i];
    if (strcmp(base, "hparams.yaml") == 0 && !S_has_input(run, fr->other_files[i]))
      tp_hparams_yaml_load(run, fr->other_files[i], &run->diags);
  }
  /* The window check: against the newest modification time of the run's files. */
  double newest = NAN;
  for (size_t i = 0; i < run->n_inputs; i++) {
    struct stat ist;
    if (stat(run->inputs[i].path, &ist) == 0 && !(ist.st_mtime <= newest))
      newest = (double)ist.st_mtime;
  }
  tp_run_check_window(run, newest);
  tp_run_finish(run);
  return run;
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

/* The series of the main metric of run's experiment, or NULL. */

/* Keep with run the rows of series that price it and its what-ifs: the one
 * in force at its start (or the first) through the first after its end plus
 * the what-if horizon (or the last), so that the series as seen from them
 * covers that time as the whole series does (`render` prices runs split again
 * from them, model/resplit.h, and its by-time what-ifs from their union). */
static void S_keep_rows(tp_run *run, const tp_intensity_series *s) {
  if (!s->count || !isfinite(run->start_s) || !isfinite(run->end_s)) return;
  double until = run->end_s + TP_WHATIF_HORIZON_S;
  size_t a = 0, b = s->count;
  while (a < b) { /* the first row after the start */
    size_t m = a + (b - a) / 2;
    if (s->rows[m].t_s <= run->start_s) a = m + 1;
    else b = m;
  }
  size_t lo = a ? a - 1 : 0, hi = s->count;
  for (size_t k = lo; k < s->count; k++)
    if (s->rows[k].t_s > until) {
      hi = k + 1;
      break;
    }
  run->n_intensity_rows = hi - lo;
  run->intensity_rows = tp_xmalloc(run->n_intensity_rows * sizeof *run->intensity_rows);
  memcpy(run->intensity_rows, s->rows + lo, run->n_intensity_rows * sizeof *s->rows);
  run->intensity_interval_s = tp_intensity_series_interval(s);
}

/* Stream one trace file into the runs it belongs to. */
/* One trace file to read and the runs it may belong to. */
typedef struct S_trace_job {
  const char *path;
  const char *under_dir;           /* only runs below this directory, or NULL */
  const tp_config_strs *run_globs; /* only runs matching one of these, or NULL */
  const tp_config_strs *devices;   /* devices of the trace runs may use, or NULL: all */
  tp_power_format format;          /* TP_POWER_AUTO: by content */
  const tp_tz *tz;                 /* zone of naive times */
  double clock_offset_s;
  const tp_csvmap *csvmap;         /* for TP_POWER_CSVMAP */
  bool has_start;                  /* start_s is set (traces without dates) */
  double start_s, interval_s;      /* UTC start; dmon's sampling interval (0: 1 s) */
  bool mlflow_run;                 /* path is an MLflow run directory: its system metrics */
  bool wandb_run;                  /* path is a W&B run directory: its run file's system metrics */
  char sha256[65];                 /* the content's digest when known, else "" */
  const char *host;                /* the host the trace was taken on, or NULL: unknown */
  char **also_dirs;                /* identical copies of the file: their runs too */
  size_t n_also;
  bool skip;                       /* a copy of an earlier job's file: read there */
} S_trace_job;

/* Are a and b one host: equal, or one the other's short name ("node1" and
 * "node1.cluster.org")? */
static bool S_same_host(const char *a, const char *b) {
  size_t na = strcspn(a, "."), nb = strcspn(b, ".");
  if (strcmp(a, b) == 0) return true;
  if (a[na] && b[nb]) return false; /* two full names that differ */
  return na == nb && strncmp(a, b, na) == 0;
}

/* Does the trace of job come from another host than run r ran on (both known)? */
static bool S_other_host(const S_trace_job *job, const tp_run *r) {
  return job->host && r->host && !S_same_host(job->host, r->host);
}

static bool S_job_takes(const S_trace_job *job, const tp_run *r) {
  bool under = !job->under_dir || S_under(r->dir, job->under_dir);
  for (size_t k = 0; k < job->n_also && !under; k++) under = S_under(r->dir, job->also_dirs[k]);
  if (!under) return false;
  if (job->run_globs && job->run_globs->count && !tp_config_globs_match(job->run_globs, r->id))
    return false;
  return true;
}

/* Read one trace and collect what it gives the runs it may belong to, for the
 * attribution.  Touches only the power profiles of those runs and rd: traces
 * whose runs differ may be read at the same time. */
static void S_read_trace(S_state *st, const S_trace_job *job, S_reader *rd) {
  tp_lab *lab = st->lab;
  tp_run **runs = tp_xmalloc((lab->n_runs + 1) * sizeof *runs);
  tp_energy_window *w = tp_xcalloc(lab->n_runs + 1, sizeof *w);
  char ***devs = tp_xcalloc(lab->n_runs + 1, sizeof *devs);
  size_t *run_index = tp_xcalloc(lab->n_runs + 1, sizeof *run_index);
  size_t *elsewhere = tp_xcalloc(lab->n_runs + 1, sizeof *elsewhere);
  size_t n = 0, n_elsewhere = 0;
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (!S_job_takes(job, r)) continue;
    if (!isfinite(r->start_s) || !isfinite(r->end_s)) continue;
    if (S_other_host(job, r)) {
      elsewhere[n_elsewhere++] = i;
      continue;
    }
    runs[n] = r;
    run_index[n] = i;
    w[n].start_s = r->start_s;
    w[n].end_s = r->end_s;
    devs[n] = S_run_devices(r, &w[n].n_devices);
    if (!devs[n] && job->devices && job->devices->count) {
      /* The configuration names the devices this trace's runs used. */
      w[n].n_devices = job->devices->count;
      devs[n] = tp_xcalloc(job->devices->count + 1, sizeof(char *));
      for (size_t k = 0; k < job->devices->count; k++)
        devs[n][k] = tp_xstrdup(job->devices->items[k]);
    }
    w[n].devices = (const char *const *)devs[n];
    n++;
  }
  /* Read the trace even when no run can use it, so its problems and its
   * declared figures are still seen. */
  /* Cut segments at the intensity series' rows, so each is priced exactly. */
  /* ... and at every point of the main metric, so that the energy up to each
   * point (energy-to-target, metric against energy) is exact. */
  double *cuts = NULL;
  size_t n_cuts = 0, cap_cuts = 0;
  if (st->carbon.series)
    for (size_t k = 0; k < st->carbon.series->count; k++) {
      TP_GROW(cuts, cap_cuts, n_cuts + 1);
      cuts[n_cuts++] = st->carbon.series->rows[k].t_s;
    }
  for (size_t k = 0; k < n; k++) {
    const tp_series *ms = tp_lab_main_series(lab, runs[k]);
    for (size_t p = 0; ms && p < ms->count; p++)
      if (isfinite(ms->points[p].wall_time_s)) {
        TP_GROW(cuts, cap_cuts, n_cuts + 1);
        cuts[n_cuts++] = ms->points[p].wall_time_s;
      }
  }
  tp_energy *e = tp_energy_new(w, n, cuts, n_cuts);
  if (st->opts->keep_samples) tp_energy_keep_samples(e);
  free(cuts);
  rd->energy = tp_energy_sink(e);
  rd->profiler = tp_profiler_new(runs, w, n);
  rd->n_handles = 0;
  rd->path = job->path;
  tp_trace_sink sink = {.ctx = rd,
                        .device = S_sink_device,
                        .sample = S_sink_sample,
                        .declared = S_sink_declared};
  tp_power_options po;
  tp_power_options_init(&po);
  po.tz = job->tz;
  po.clock_offset_s = job->clock_offset_s;
  po.csvmap = job->csvmap;
  po.has_start = job->has_start;
  po.start_s = job->start_s;
  po.dmon_interval_s = job->interval_s;
  /* The format: as discovery found it or as named; else sniffed here, once. */
  tp_power_format fmt = job->format;
  if (fmt == TP_POWER_AUTO && !job->mlflow_run && !job->wandb_run) {
    unsigned char head[4096];
    fmt = tp_power_sniff(head, S_file_head(job->path, head, sizeof head));
  }
  if (job->mlflow_run) tp_mlflow_read_power(job->path, &sink, &rd->diags);
  else if (job->wandb_run) tp_wandb_read_power(job->path, &sink, &rd->diags);
  else tp_power_read(job->path, fmt, &po, &sink, &rd->diags);
  tp_energy_close(e);
  /* The file as an input: size, time, digest (identical files count once). */
  char sha[65];
  memcpy(sha, job->sha256, sizeof sha);
  tp_attrib_file af = {.path = job->path, .sha256 = sha,
                       .scope = job->n_also ? NULL : job->under_dir};
  S_file_info(job->path, !sha[0], sha, &af.size, &af.mtime_s);
  af.format = job->mlflow_run  ? "mlflow-system"
              : job->wandb_run ? "wandb-system"
              : fmt == TP_POWER_UNKNOWN ? "trace"
                                        : tp_power_format_name(fmt);
  af.host = job->host;
  rd->trace = tp_attrib_collect(e, lab, run_index, n, &af);
  for (size_t i = 0; i < n_elsewhere; i++) tp_attrib_collect_other_host(rd->trace, elsewhere[i]);
  free(elsewhere);
  tp_profiler_finish(rd->profiler);
  rd->profiler = NULL;
  /* The integrator knows no file names: its diagnostics are about this one. */
  tp_diags *ed = tp_energy_diags(e);
  for (size_t i = 0; i < ed->count; i++)
    if (!ed->items[i].file) ed->items[i].file = tp_xstrdup(job->path);
  tp_diag_move(&rd->diags, ed);
  tp_energy_free(e);
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < w[i].n_devices; k++) free(devs[i][k]);
    free(devs[i]);
  }
  free(devs);
  free(run_index);
  free(w);
  free(runs);
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

static void S_merge_copies(S_state *st, S_trace_job *jobs, size_t n) {
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
      S_file_info(jobs[sz[k].i].path, true, jobs[sz[k].i].sha256, &(uint64_t){0},
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
    S_trace_job *k = &jobs[order[g].i];
    for (size_t m = g + 1; m < e && k->sha256[0]; m++) {
      S_trace_job *t = &jobs[order[m].i];
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
static void S_apply_trace(S_state *st, const S_trace_job *job) {
  S_reader rd = {0};
  S_read_trace(st, job, &rd);
  S_reader_merge(st, &rd);
}

/* Traces read side by side: consecutive jobs whose runs are disjoint, each
 * on its own thread; their findings are merged in the jobs' order, so the
 * result is the same as reading them one after the other. */
typedef struct S_batch {
  S_state *st;
  const S_trace_job *jobs;
  S_reader *readers;
  size_t n;
  size_t next;                /* the next job to take */
  pthread_mutex_t lock;
} S_batch;

static void *S_batch_worker(void *arg) {
  S_batch *b = arg;
  for (;;) {
    pthread_mutex_lock(&b->lock);
    size_t i = b->next < b->n ? b->next++ : b->n;
    pthread_mutex_unlock(&b->lock);
    if (i >= b->n) return NULL;
    S_read_trace(b->st, &b->jobs[i], &b->readers[i]);
  }
}

static void S_apply_traces(S_state *st, const S_trace_job *jobs, size_t n, int threads) {
  tp_lab *lab = st->lab;
  unsigned char *taken = tp_xcalloc(lab->n_runs + 1, 1);
  size_t first = 0;
  while (first < n) {
    /* The longest run of jobs from `first` that share no run. */
    memset(taken, 0, lab->n_runs + 1);
    size_t end = first;
    for (; end < n; end++) {
      bool clash = false;
      for (size_t r = 0; r < lab->n_runs && !clash; r++)
        clash = taken[r] && S_job_takes(&jobs[end], lab->runs[r]);
      if (clash && end > first) break;
      for (size_t r = 0; r < lab->n_runs; r++)
        if (S_job_takes(&jobs[end], lab->runs[r])) taken[r] = 1;
    }
    size_t m = end - first;
    S_batch b = {.st = st, .jobs = jobs + first, .n = m,
                 .readers = tp_xcalloc(m, sizeof(S_reader))};
    pthread_mutex_init(&b.lock, NULL);
    size_t want = threads > 1 && m > 1 ? (size_t)threads : 1;
    if (want > m) want = m;
    pthread_t th[256];
    size_t started = 0;
    for (size_t t = 1; t < want && t < 256; t++)
      if (pthread_create(&th[started], NULL, S_batch_worker, &b) == 0) started++;
    S_batch_worker(&b);
    for (size_t t = 0; t < started; t++) pthread_join(th[t], NULL);
    pthread_mutex_destroy(&b.lock);
    for (size_t i = 0; i < m; i++) S_reader_merge(st, &b.readers[i]);
    free(b.readers);
    first = end;
  }
  free(taken);
}

static bool S_claimed(const S_state *st, const char *path) {
  char *real = realpath(path, NULL);
  bool found = false;
  for (size_t i = 0; real && i < st->n_claimed && !found; i++)
    found = strcmp(st->claimed[i], real) == 0;
  free(real);
  return found;
}

/* A column mapping from the configuration, or -1 with a diagnostic. */
static int S_csvmap_of(const tp_config_columns *c, tp_csvmap *m, tp_diags *d, long line) {
  *m = (tp_csvmap){.sep = c->separator ? c->separator : ',',
                   .no_header = c->no_header,
                   .time_column = c->time_column,
                   .time_index = c->time_index,
                   .value_column = c->value_column,
                   .value_index = c->value_index,
                   .device_column = c->device_column,
                   .device_index = c->device_index};
  m->time_format = TP_TIME_AUTO;
  if (c->time_format) {
    if (strchr(c->time_format, '%')) {
      m->time_format = TP_TIME_PATTERN;
      m->time_pattern = c->time_format;
    } else if (tp_time_format_parse(c->time_format, &m->time_format) != 0) {
      tp_diag_add(d, TP_ERROR, NULL, -1, line, "power: unknown time format '%s'", c->time_format);
      return -1;
    }
  }
  m->unit = TP_UNIT_W;
  if (c->unit && tp_value_unit_parse(c->unit, &m->unit) != 0) {
    tp_diag_add(d, TP_ERROR, NULL, -1, line, "power: unknown unit '%s'", c->unit);
    return -1;
  }
  return 0;
}

static int S_cmp_cstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the trace files the configuration's `power` section names. */
static void S_apply_config_traces(S_state *st) {
  const tp_config *cfg = st->cfg;
  for (size_t i = 0; i < cfg->n_power; i++) {
    const tp_config_power *pw = &cfg->power[i];
    tp_tz *tz = NULL;
    if (pw->timezone) {
      const char *err = NULL;
      tz = tp_tz_open(pw->timezone, &err);
      if (!tz)
        tp_diag_add(&st->lab->diags, TP_ERROR, cfg->path, -1, pw->line,
                    "power: time zone '%s' is not known; the default zone is used", pw->timezone);
    }
    tp_power_format fmt = TP_POWER_AUTO;
    tp_csvmap map;
    bool ok = true;
    if (pw->has_columns) {
      fmt = TP_POWER_CSVMAP;
      ok = S_csvmap_of(&pw->columns, &map, &st->lab->diags, pw->line) == 0;
    } else if (pw->format && tp_power_format_parse(pw->format, &fmt) != 0) {
      tp_diag_add(&st->lab->diags, TP_ERROR, cfg->path, -1, pw->line,
                  "power: unknown format '%s'; recognised by content instead", pw->format);
      fmt = TP_POWER_AUTO;
    }
    /* A start time for traces without dates, read in the traces' zone. */
    bool has_start = false;
    double start_s = NAN;
    if (pw->start) {
      tp_clock clk;
      tp_clock_init(&clk, tz ? tz : st->tz, 0);
      has_start = tp_clock_parse(&clk, pw->start, strlen(pw->start), TP_TIME_AUTO, &start_s) == 0;
    }
    /* Expand the globs; each file once, in name order. */
    char **files = NULL;
    size_t nf = 0, cap = 0;
    for (size_t g = 0; g < pw->files.count; g++) {
      glob_t gl;
      if (glob(pw->files.items[g], 0, NULL, &gl) != 0) {
        tp_diag_add(&st->lab->diags, TP_WARN, cfg->path, -1, pw->line,
                    "power: no file matches '%s'", pw->files.items[g]);
        continue;
      }
      for (size_t k = 0; k < gl.gl_pathc; k++) {
        TP_GROW(files, cap, nf + 1);
        files[nf++] = tp_xstrdup(gl.gl_pathv[k]);
      }
      globfree(&gl);
    }
    if (nf > 1) qsort(files, nf, sizeof *files, S_cmp_cstr);
    for (size_t k = 0; k < nf; k++) {
      if (k && strcmp(files[k], files[k - 1]) == 0) continue;
      char *real = realpath(files[k], NULL);
      if (real) {
        TP_GROW(st->claimed, st->cap_claimed, st->n_claimed + 1);
        st->claimed[st->n_claimed++] = real;
      }
      if (!ok) continue;
      /* The trace's host names the host of the runs it is declared for that
       * name none of their own; a run that names another is not given it. */
      if (pw->host && pw->runs.count)
        for (size_t r = 0; r < st->lab->n_runs; r++)
          if (!st->lab->runs[r]->host && tp_config_globs_match(&pw->runs, st->lab->runs[r]->id))
            st->lab->runs[r]->host = tp_xstrdup(pw->host);
      S_trace_job job = {.path = files[k],
                         .has_start = has_start,
                         .start_s = start_s,
                         .interval_s = isfinite(pw->interval_s) ? pw->interval_s : 0,
                         .run_globs = &pw->runs,
                         .host = pw->host,
                         .devices = &pw->devices,
                         .format = fmt != TP_POWER_AUTO ? fmt : st->force,
                         .tz = tz ? tz : st->tz,
                         .clock_offset_s = st->opts->clock_offset_s + pw->clock_offset_s,
                         .csvmap = pw->has_columns ? &map : NULL};
      S_apply_trace(st, &job);
    }
    for (size_t k = 0; k < nf; k++) free(files[k]);
    free(files);
    tp_tz_free(tz);
  }
}

/* Estimates from declared hardware for runs that no trace or declared
 * figure covers (Green Algorithms method; see model/estimate.h).  The
 * hardware, first that applies: the configuration's entry for the run, the
 * GPUs the run's own metadata records, --hardware. */
static void S_apply_estimates(S_state *st) {
  tp_lab *lab = st->lab;
  tp_hw_spec spec = {0};
  char err[320];
  if (st->opts->hardware &&
      tp_estimate_parse_spec(&spec, st->opts->hardware, &st->tables, err, sizeof err) != 0)
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1, "--hardware: %s; not used", err);
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (r->energy.method != TP_ENERGY_NONE) continue;
    tp_run_hw meta;
    bool has_meta = tp_runmeta_hardware(r, &meta, &r->diags) == 0;
    tp_estimate_sources src = {.config = tp_config_hardware_of(st->cfg, r->id),
                               .config_path = st->cfg->path,
                               .meta_gpu_model = has_meta ? meta.gpu_model : NULL,
                               .meta_gpu_count = has_meta ? meta.gpu_count : 0,
                               .meta_tool = has_meta ? meta.tool : NULL,
                               .meta_path = has_meta ? meta.path : NULL,
                               .fallback = &spec};
    tp_estimate_from_sources(r, &st->tables, &src);
    if (has_meta) tp_run_hw_free(&meta);
  }
  tp_hw_spec_free(&spec);
}

/* A file named in the report's assumptions: as given when relative, by its
 * name alone when absolute (pages must not show home folders). */
static const char *S_shown_path(const char *path) {
  const char *base = path && path[0] == '/' ? strrchr(path, '/') : NULL;
  return base && base[1] ? base + 1 : path;
}

/* Tell the attribution which runs the configuration declares hardware for:
 * an estimated run gets the configuration as its input, a run with a better
 * source says the estimate was passed over. */
static void S_note_hardware(S_state *st) {
  if (!st->cfg->path) return;
  char sha[65];
  tp_attrib_file af = {.path = st->cfg->path, .format = "configuration", .sha256 = sha};
  bool have = false;
  for (size_t i = 0; i < st->lab->n_runs; i++) {
    const tp_config_hardware *hw = tp_config_hardware_of(st->cfg, st->lab->runs[i]->id);
    if (!hw) continue;
    if (!have) S_file_info(st->cfg->path, true, sha, &af.size, &af.mtime_s);
    have = true;
    tp_attrib_hardware(st->attrib, i, &af, hw->line);
  }
}

/* PUE and intensity: the tables' defaults, then --zone, --intensity, --pue. */
static void S_setup_carbon(S_state *st) {
  tp_lab *lab = st->lab;
  const tp_pipeline_opts *o = st->opts;
  char *dir = tp_xasprintf("%s/data", o->datadir ? o->datadir : ".");
  tp_reftable_load(&st->tables, dir, &lab->diags);
  free(dir);
  if (tp_carbon_defaults(&st->carbon, &st->tables) != 0) {
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "the shipped intensity table has no world average; CO2e not computed "
                "unless --intensity or --zone is given");
    st->carbon.pue = TP_PUE_DEFAULT;
    st->carbon.pue_source = TP_PUE_DEFAULT_SOURCE;
    st->carbon.intensity_g_per_kwh = NAN;
  }
  const tp_config_defaults *cd = &st->cfg->defaults;
  const char *zone = o->zone ? o->zone : cd->zone;
  if (zone && tp_carbon_use_zone(&st->carbon, &st->tables, zone) != 0)
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "zone '%s' is not in the shipped tables (grid zones, ISO country codes, cloud "
                "regions); the default intensity is used",
                zone);
  if (!o->intensity && isfinite(cd->intensity_value)) {
    st->intensity_text = tp_xasprintf("%s: defaults.intensity %g gCO2e/kWh",
                                      S_shown_path(st->cfg->path),
                                      cd->intensity_value);
    tp_carbon_use_intensity(&st->carbon, cd->intensity_value, st->intensity_text);
  } else if (!o->intensity && cd->intensity_file) {
    if (tp_reftable_load_series(&st->series, cd->intensity_file, st->tz, &lab->diags) == 0 &&
        st->series.count) {
      st->intensity_text = tp_xasprintf("time series %s", S_shown_path(cd->intensity_file));
      tp_carbon_use_series(&st->carbon, &st->series, st->intensity_text);
    }
  }
  if (o->intensity) {
    double v;
    if (tp_parse_double(o->intensity, strlen(o->intensity), &v) == 0) {
      if (isfinite(v) && v >= 0) {
        st->intensity_text = tp_xasprintf("--intensity %s gCO2e/kWh", o->intensity);
        tp_carbon_use_intensity(&st->carbon, v, st->intensity_text);
      } else {
        tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                    "--intensity %s is not a usable intensity; ignored", o->intensity);
      }
    } else if (tp_reftable_load_series(&st->series, o->intensity, st->tz, &lab->diags) == 0 &&
               st->series.count) {
      st->intensity_text = tp_xasprintf("time series %s", S_shown_path(o->intensity));
      tp_carbon_use_series(&st->carbon, &st->series, st->intensity_text);
    } else {
      tp_diag_add(&lab->diags, TP_ERROR, o->intensity, -1, -1,
                  "not a number nor a readable intensity series (time,gco2e_per_kwh); the "
                  "default intensity is used");
    }
  }
  if (isfinite(o->pue)) tp_carbon_use_pue(&st->carbon, o->pue, "--pue");
  else if (isfinite(cd->pue)) tp_carbon_use_pue(&st->carbon, cd->pue, "configuration (defaults.pue)");
}

static void S_record_assumptions(S_state *st) {
  tp_assumptions *a = &st->lab->assumptions;
  const tp_carbon *c = &st->carbon;
  a->pue = c->pue;
  free(a->pue_source);
  a->pue_source = c->pue_source ? tp_xstrdup(c->pue_source) : NULL;
  a->intensity_series = c->series != NULL;
  if (c->series) {
    double sum = 0;
    for (size_t i = 0; i < c->series->count; i++) sum += c->series->rows[i].intensity_g_per_kwh;
    a->intensity_g_per_kwh = c->series->count ? sum / (double)c->series->count : NAN;
  } else {
    a->intensity_g_per_kwh = c->intensity_g_per_kwh;
  }
  free(a->intensity_source);
  a->intensity_source = c->intensity_source ? tp_xstrdup(c->intensity_source) : NULL;
  a->intensity_year = c->intensity_year;
  free(a->zone);
  a->zone = c->zone ? tp_xstrdup(c->zone) : NULL;
}

/* ---- --root: ids relative to a root, traces in parent directories ------ */

/* path without trailing slashes (a new string). */
static char *S_trim_slash(const char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  return tp_xstrndup(path, n);
}

static int S_cmp_found_run(const void *a, const void *b) {
  const tp_found_run *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->dir, y->dir);
}

static int S_cmp_found_file(const void *a, const void *b) {
  return strcmp(((const tp_found_file *)a)->path, ((const tp_found_file *)b)->path);
}

/* Re-base run ids on root and add the trace files of every directory between
 * each path and root, so that runs scanned one by one get what `report ROOT`
 * gives them. */
static void S_apply_root(tp_discovery *disc, char *const *paths, size_t n_paths, const char *root,
                         tp_diags *diags) {
  char *r = S_trim_slash(root);
  size_t rn = strlen(r);
  for (size_t i = 0; i < disc->n_runs; i++) {
    tp_found_run *fr = &disc->runs[i];
    char *dir = tp_discover_id_dir(fr); /* a snapshot's run is named after its output dir */
    if (strcmp(dir, r) == 0) {
      /* the root itself: named after its directory, as report does */
    } else if (strncmp(dir, r, rn) == 0 && dir[rn] == '/') {
      free(fr->id);
      fr->id = tp_discover_run_id(fr, dir + rn + 1); /* a split-off log keeps its /stem */
    } else {
      tp_diag_add(diags, TP_WARN, fr->dir, -1, -1,
                  "not below --root %s; its id stays relative to the path given", root);
    }
    free(dir);
  }
  for (size_t i = 0; i < n_paths; i++) {
    char *d = S_trim_slash(paths[i]);
    struct stat st;
    if (stat(d, &st) == 0 && !S_ISDIR(st.st_mode)) {
      char *slash = strrchr(d, '/');
      if (slash) {
        *slash = '\0';
      } else { /* "." in place: d holds at least one character (stat found it) */
        d[0] = '.';
        d[1] = '\0';
      }
    }
    if (!(strcmp(d, r) == 0 || (strncmp(d, r, rn) == 0 && d[rn] == '/'))) {
      tp_diag_add(diags, TP_WARN, paths[i], -1, -1,
                  "not below --root %s; traces of its parent directories are not looked for",
                  root);
      free(d);
      continue;
    }
    /* Each parent directory up to and including root. */
    while (strcmp(d, r) != 0) {
      char *slash = strrchr(d, '/');
      if (!slash) break;
      *slash = '\0';
      DIR *dh = opendir(d);
      if (!dh) continue;
      struct dirent *e;
      while ((e = readdir(dh))) {
        if (e->d_name[0] == '.') continue;
        char *fp = tp_xasprintf("%s/%s", d, e->d_name);
        struct stat fst;
        bool dup = false;
        for (size_t k = 0; k < disc->n_traces && !dup; k++)
          dup = strcmp(disc->traces[k].path, fp) == 0;
        if (dup || stat(fp, &fst) != 0 || !S_ISREG(fst.st_mode)) {
          free(fp);
          continue;
        }
        unsigned char head[4096];
        size_t hn = 0;
        FILE *f = fopen(fp, "rb");
        if (f) {
          hn = fread(head, 1, sizeof head, f);
          fclose(f);
        }
        tp_power_format pf;
        tp_file_kind k = tp_discover_sniff(fp, head, hn, &pf);
        if (k == TP_FILE_TRACE) {
          TP_GROW(disc->traces, disc->cap_traces, disc->n_traces + 1);
          disc->traces[disc->n_traces++] = (tp_found_file){
              .path = fp, .dir = tp_xstrdup(d), .root = tp_xstrdup(r), .kind = k, .format = pf};
        } else {
          free(fp);
        }
      }
      closedir(dh);
    }
    free(d);
  }
  if (disc->n_runs > 1) qsort(disc->runs, disc->n_runs, sizeof *disc->runs, S_cmp_found_run);
  if (disc->n_traces > 1)
    qsort(disc->traces, disc->n_traces, sizeof *disc->traces, S_cmp_found_file);
  free(r);
}

/* ---- --cache: runs as read, kept per run directory ----------------------- */

/* The key of a cached run: the program's version, then one line per file
 * that went into it, with its size, modification time (ns) and inode.  A run
 * whose key differs is read again. */
static void S_key_line(tp_buf *b, char tag, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    tp_buf_printf(b, "%c\t%s\tmissing\n", tag, path);
    return;
  }
  tp_buf_printf(b, "%c\t%s\t%lld\t%lld.%09ld\t%llu\n", tag, path, (long long)st.st_size,
                (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
                (unsigned long long)st.st_ino);
}

static char *S_cache_key(const tp_found_run *fr, const tp_run *run) {
  tp_buf b = {0};
  tp_buf_printf(&b, "trainprint %s run cache (binary %d)\nid\t%s\n", TP_VERSION, TP_RUNBIN_VERSION,
                fr->id);
  for (size_t i = 0; i < fr->n_event_files; i++) S_key_line(&b, 'F', fr->event_files[i]);
  for (size_t i = 0; i < fr->n_other_files; i++) S_key_line(&b, 'F', fr->other_files[i]);
  for (size_t i = 0; run && i < run->n_inputs; i++) S_key_line(&b, 'I', run->inputs[i].path);
  return tp_buf_detach(&b);
}

typedef enum { S_CACHE_MISSING, S_CACHE_STALE, S_CACHE_OTHER_VERSION, S_CACHE_OK } S_cache_state;

/* The key file's input lines ("I\t<path>") recomputed, with the found files. */
static S_cache_state S_cache_valid(const char *keyfile, const tp_found_run *fr) {
  FILE *f = fopen(keyfile, "rb");
  if (!f) return S_CACHE_MISSING;
  tp_buf old = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && old.len < (1u << 24))
    tp_buf_add(&old, chunk, n);
  fclose(f);
  /* Rebuild the key from the found files and the inputs the old key names. */
  tp_buf now = {0};
  char *base = S_cache_key(fr, NULL);
  tp_buf_adds(&now, base);
  free(base);
  const char *p = tp_buf_str(&old);
  while ((p = strstr(p, "\nI\t"))) {
    p += 3;
    size_t len = strcspn(p, "\t\n");
    char *path = tp_xstrndup(p, len);
    S_key_line(&now, 'I', path);
    free(path);
  }
  bool same = old.len == now.len && memcmp(tp_buf_str(&old), tp_buf_str(&now), old.len) == 0;
  /* The first line names the program's version and the document format. */
  size_t l1 = strcspn(tp_buf_str(&now), "\n");
  bool version = old.len >= l1 && memcmp(tp_buf_str(&old), tp_buf_str(&now), l1) == 0 &&
                 tp_buf_str(&old)[l1] == '\n';
  tp_buf_free(&old);
  tp_buf_free(&now);
  return !version ? S_CACHE_OTHER_VERSION : same ? S_CACHE_OK : S_CACHE_STALE;
}

static char *S_cache_base(const char *cache_dir, const tp_found_run *fr) {
  /* Named after the run id, with a hash of the directory's real path so that
   * runs of the same id under different roots do not share an entry. */
  char *real = realpath(fr->dir, NULL);
  char *slug = tp_site_slug(fr->id);
  char *where = tp_site_slug(real ? real : fr->dir);
  size_t wn = strlen(where);
  char *base = tp_xasprintf("%s/%s-%s", cache_dir, slug, wn >= 8 ? where + wn - 8 : where);
  free(where);
  free(slug);
  free(real);
  return base;
}

static void S_cache_store(const char *base, const tp_found_run *fr, const tp_run *run) {
  tp_buf doc = {0};
  tp_runbin_write(run, &doc);
  char *key = S_cache_key(fr, run);
  const char *ext[2] = {".run", ".key"};
  const char *data[2] = {tp_buf_str(&doc), key};
  size_t len[2] = {doc.len, strlen(key)};
  /* The document first, the key last: a key only ever names a complete document. */
  for (int k = 0; k < 2; k++) {
    char *tmp = tp_xasprintf("%s%s.tmp-XXXXXX", base, ext[k]);
    char *dst = tp_xasprintf("%s%s", base, ext[k]);
    int fd = mkstemp(tmp);
    bool ok = false;
    if (fd >= 0) {
      FILE *f = fdopen(fd, "wb");
      if (f) {
        ok = fwrite(data[k], 1, len[k], f) == len[k];
        ok = fclose(f) == 0 && ok && rename(tmp, dst) == 0;
      } else {
        close(fd);
      }
      if (!ok) unlink(tmp);
    }
    free(tmp);
    free(dst);
    if (!ok) break;
  }
  free(key);
  tp_buf_free(&doc);
}

/* The cached run in file path, or NULL with *why and *at (-1 when the file
 * cannot be read at all). */
static tp_run *S_cache_load(const char *path, const char **why, long long *at) {
  *why = "cannot be read";
  *at = -1;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  tp_run *run = NULL;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (1 << 30)) {
    size_t n = (size_t)st.st_size, got = 0;
    char *buf = tp_xmalloc(n ? n : 1);
    while (got < n) {
      ssize_t r = read(fd, buf + got, n - got);
      if (r <= 0) break;
      got += (size_t)r;
    }
    size_t off = 0;
    if (got == n && tp_runbin_read(buf, n, &run, why, &off) == 0) *why = NULL;
    else if (got == n) *at = (long long)off;
    free(buf);
  }
  close(fd);
  return run;
}

/* A run from the cache when its files are unchanged, else read and cached. */
static tp_run *S_load_run_cached(const tp_found_run *fr, const tp_framework_opts *fo,
                                 const char *cache_dir) {
  if (!cache_dir) return S_load_run(fr, fo);
  char *base = S_cache_base(cache_dir, fr);
  char *keyfile = tp_xasprintf("%s.key", base);
  char *docfile = tp_xasprintf("%s.run", base);
  tp_run *run = NULL;
  S_cache_state cs = S_cache_valid(keyfile, fr);
  if (cs == S_CACHE_OTHER_VERSION)
    fprintf(stderr, "trainprint: warning: %s: cache entry from another version of trainprint; "
                    "ignored, the run is read again\n", keyfile);
  if (cs == S_CACHE_OK) {
    const char *why;
    long long at;
    run = S_cache_load(docfile, &why, &at);
    if (run && strcmp(run->id, fr->id) != 0) {
      tp_run_free(run);
      run = NULL;
      why = "it holds another run";
      at = -1;
    }
    if (!run && at >= 0)
      fprintf(stderr, "trainprint: warning: %s: byte %lld: cache entry unreadable (%s); "
                      "ignored, the run is read again\n", docfile, at, why);
    else if (!run)
      fprintf(stderr, "trainprint: warning: %s: cache entry unreadable (%s); ignored, the run "
                      "is read again\n", docfile, why);
  }
  if (!run) {
    run = S_load_run(fr, fo);
    S_cache_store(base, fr, run);
  }
  free(keyfile);
  free(docfile);
  free(base);
  return run;
}

/* ---- parallel reading of runs ----------------------------------------- */

typedef struct S_pool {
  const tp_found_run *runs;
  size_t n;
  tp_run **out;                 /* out[i]: the run read from runs[i] */
  const tp_framework_opts *fo;
  const char *cache_dir;
  atomic_size_t next;           /* next run to take */
  atomic_size_t done;           /* runs finished */
  atomic_ullong bytes_done;     /* bytes of their files */
  unsigned long long bytes_total;
  bool progress;                /* print a progress line (stderr is a terminal) */
  pthread_mutex_t lock;         /* guards the progress line */
  double t0, last_print;
} S_pool;

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned long long S_run_bytes(const tp_found_run *fr) {
  unsigned long long b = 0;
  struct stat st;
  for (size_t i = 0; i < fr->n_event_files; i++)
    if (stat(fr->event_files[i], &st) == 0) b += (unsigned long long)st.st_size;
  for (size_t i = 0; i < fr->n_other_files; i++)
    if (stat(fr->other_files[i], &st) == 0) b += (unsigned long long)st.st_size;
  return b;
}

/* "files, bytes, rate, time left" on one line of stderr, rewritten in place. */
static void S_progress(S_pool *p, bool last) {
  double now = S_now();
  if (!last && now - p->last_print < 0.2) return;
  p->last_print = now;
  double el = now - p->t0, mb = (double)atomic_load(&p->bytes_done) / 1e6;
  double rate = el > 0 ? mb / el : 0;
  double left = rate > 0 ? ((double)p->bytes_total / 1e6 - mb) / rate : 0;
  fprintf(stderr, "\rtrainprint: read %zu/%zu runs, %.1f MB, %.1f MB/s, %.0f s left   %s",
          atomic_load(&p->done), p->n, mb, rate, left > 0 ? left : 0, last ? "\n" : "");
  fflush(stderr);
}

static void *S_worker(void *arg) {
  S_pool *p = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&p->next, 1);
    if (i >= p->n) break;
    p->out[i] = S_load_run_cached(&p->runs[i], p->fo, p->cache_dir);
    atomic_fetch_add(&p->bytes_done, S_run_bytes(&p->runs[i]));
    atomic_fetch_add(&p->done, 1);
    if (p->progress) {
      pthread_mutex_lock(&p->lock);
      S_progress(p, false);
      pthread_mutex_unlock(&p->lock);
    }
  }
  return NULL;
}

/* Read every run on `jobs` threads (0: one per processor).  The result is
 * in the order of runs, whatever the threads did, so output stays
 * deterministic. */
/* Threads for -j N: N, or the machine's cores when not given. */
static int S_threads(int jobs) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  long n = jobs > 0 ? jobs : cores > 0 ? cores : 1;
  return n > 256 ? 256 : (int)n;
}

static tp_run **S_load_runs(const tp_found_run *runs, size_t n, const tp_framework_opts *fo,
                            int jobs, const char *cache_dir) {
  S_pool p = {.runs = runs, .n = n, .fo = fo, .cache_dir = cache_dir,
              .progress = isatty(STDERR_FILENO) == 1};
  p.out = tp_xcalloc(n + 1, sizeof *p.out);
  atomic_init(&p.next, 0);
  atomic_init(&p.done, 0);
  atomic_init(&p.bytes_done, 0);
  pthread_mutex_init(&p.lock, NULL);
  if (p.progress)
    for (size_t i = 0; i < n; i++) p.bytes_total += S_run_bytes(&runs[i]);
  p.t0 = p.last_print = S_now();
  size_t nt = (size_t)S_threads(jobs);
  if (nt > n) nt = n ? n : 1;
  if (nt > 256) nt = 256;
  pthread_t th[256];
  size_t started = 0;
  for (size_t t = 1; t < nt; t++)
    if (pthread_create(&th[started], NULL, S_worker, &p) == 0) started++;
  S_worker(&p); /* this thread works too */
  for (size_t t = 0; t < started; t++) pthread_join(th[t], NULL);
  if (p.progress && n) S_progress(&p, true);
  pthread_mutex_destroy(&p.lock);
  return p.out;
}

int tp_pipeline_run(tp_lab *lab, char *const *paths, size_t n_paths,
                    const tp_pipeline_opts *opts) {
  tp_config cfg;
  tp_config_init(&cfg);
  char *found = opts->config_path ? NULL : (n_paths ? tp_config_find(paths[0]) : NULL);
  const char *cfg_path = opts->config_path ? opts->config_path : found;
  int cfg_rc = 0;
  if (cfg_path) {
    cfg_rc = tp_config_load(&cfg, cfg_path, &lab->diags);
    if (cfg_rc == 0)
      tp_diag_add(&lab->diags, TP_NOTE, cfg_path, -1, -1, "configuration read");
  }
  free(found);
  S_state st = {.lab = lab, .opts = opts, .force = TP_POWER_AUTO, .cfg = &cfg};
  const char *tz_name = opts->timezone ? opts->timezone : st.cfg->defaults.timezone;
  const char *err = NULL;
  st.tz = tp_tz_open(tz_name, &err);
  if (!st.tz) {
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                "time zone '%s' is not known (%s); naive timestamps read as UTC",
                tz_name ? tz_name : "", err ? err : "");
    st.tz = tp_tz_open("UTC", &err);
  }
  tp_assumptions *a = &lab->assumptions;
  free(a->timezone);
  free(a->timezone_source);
  a->timezone = tp_xstrdup(tp_tz_name(st.tz));
  switch (tp_tz_origin_of(st.tz)) {
    case TP_TZ_GIVEN:
      a->timezone_source = tp_xstrdup(opts->timezone ? "--timezone"
                                                     : "configuration (defaults.timezone)");
      break;
    case TP_TZ_ENV: a->timezone_source = tp_xstrdup("TZ environment variable"); break;
    default: a->timezone_source = tp_xstrdup("default (no --timezone, TZ unset)"); break;
  }
  tp_framework_kind fw_probe;
  if (opts->trace_format && tp_power_format_parse(opts->trace_format, &st.force) != 0) {
    st.force = TP_POWER_AUTO;
    if (tp_framework_parse_name(opts->trace_format, &fw_probe) != 0)
      tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1,
                  "unknown format '%s'; formats are recognised by content instead",
                  opts->trace_format);
  }

  S_setup_carbon(&st);

  /* Framework logs: the configuration's text-log patterns (the first
   * `parsers` entry), --format naming a framework.  Discovery knows the
   * patterns too, so that a log they read is a run's log (and several in one
   * folder are several runs). */
  tp_textlog_rule *rules = NULL;
  tp_textlog_set custom = {0};
  tp_framework_opts fo = {.tz = st.tz, .clock_offset_s = opts->clock_offset_s};
  if (cfg.n_parsers) {
    const tp_config_parser *cp = &cfg.parsers[0];
    if (cp->patterns.count) {
      rules = tp_xcalloc(cp->patterns.count, sizeof *rules);
      for (size_t k = 0; k < cp->patterns.count; k++)
        rules[k] = (tp_textlog_rule){.name = cp->name ? cp->name : "configured",
                                     .line = cp->patterns.items[k],
                                     .time_format = cp->time_format};
      custom = (tp_textlog_set){.name = cp->name ? cp->name : "configured", .rules = rules,
                                .n_rules = cp->patterns.count};
      fo.textlog = &custom;
    } else if (cp->set) {
      fo.textlog = tp_textlog_builtin(cp->set);
      if (!fo.textlog)
        tp_diag_add(&lab->diags, TP_ERROR, cfg.path, -1, cp->line,
                    "parsers: no built-in pattern set named '%s'", cp->set);
    }
    if (cfg.n_parsers > 1)
      tp_diag_add(&lab->diags, TP_WARN, cfg.path, -1, cfg.parsers[1].line,
                  "parsers: only the first entry is used for now; the others are ignored");
  }
  tp_discovery disc = {0};
  int rc = tp_discover_with(&disc, paths, n_paths, fo.textlog, &lab->diags);
  if (opts->root) S_apply_root(&disc, paths, n_paths, opts->root, &lab->diags);
  tp_discovery_explain_empty(&disc, &lab->diags);
  tp_framework_kind fw_kind;
  if (opts->trace_format && tp_framework_parse_name(opts->trace_format, &fw_kind) == 0)
    fo.force = (unsigned)fw_kind;
  if (opts->cache_dir) {
    struct stat cst;
    if (stat(opts->cache_dir, &cst) != 0 && mkdir(opts->cache_dir, 0755) != 0)
      tp_diag_add(&lab->diags, TP_WARN, opts->cache_dir, -1, -1,
                  "cannot create the cache directory; runs are read without it");
  }
  struct stat cst2;
  const char *cache = opts->cache_dir && stat(opts->cache_dir, &cst2) == 0 &&
                              S_ISDIR(cst2.st_mode)
                          ? opts->cache_dir
                          : NULL;
  tp_run **loaded = S_load_runs(disc.runs, disc.n_runs, &fo, opts->jobs, cache);
  for (size_t i = 0; i < disc.n_runs; i++) tp_lab_add_run(lab, loaded[i]);
  free(loaded);
  free(rules);
  tp_lab_apply_config(lab, &cfg);
  tp_lab_assign(lab);
  st.attrib = tp_attrib_new(lab);
  S_apply_config_traces(&st);
  S_trace_job *jobs = tp_xcalloc(disc.n_traces + 1, sizeof *jobs);
  size_t n_jobs = 0;
  for (size_t i = 0; i < disc.n_traces; i++) {
    const tp_found_file *tf = &disc.traces[i];
    if (S_claimed(&st, tf->path)) continue; /* the configuration's power section reads it */
    jobs[n_jobs++] = (S_trace_job){.path = tf->path,
                                   .under_dir = strcmp(tf->root, tf->path) == 0 ? NULL : tf->dir,
                                   .format = st.force != TP_POWER_AUTO ? st.force : tf->format,
                                   .tz = st.tz,
                                   .clock_offset_s = opts->clock_offset_s};
  }
  S_merge_copies(&st, jobs, n_jobs);
  size_t n_read = 0;
  for (size_t i = 0; i < n_jobs; i++)
    if (!jobs[i].skip) jobs[n_read++] = jobs[i];
  S_apply_traces(&st, jobs, n_read, S_threads(opts->jobs));
  for (size_t i = 0; i < n_read; i++) {
    for (size_t k = 0; k < jobs[i].n_also; k++) free(jobs[i].also_dirs[k]);
    free(jobs[i].also_dirs);
  }
  free(jobs);
  /* MLflow's system metrics are a power trace of their own run. */
  for (size_t i = 0; i < lab->n_runs; i++) {
    char *sys = tp_xasprintf("%s/metrics/system", lab->runs[i]->dir);
    struct stat sst;
    bool has = stat(sys, &sst) == 0 && S_ISDIR(sst.st_mode) &&
               tp_framework_is_mlflow_run(lab->runs[i]->dir);
    free(sys);
    if (!has) continue;
    S_trace_job job = {.path = lab->runs[i]->dir, .under_dir = lab->runs[i]->dir,
                       .tz = st.tz, .mlflow_run = true};
    S_apply_trace(&st, &job);
  }
  /* So are W&B's, in the stats records of the run's .wandb file. */
  for (size_t i = 0; i < lab->n_runs; i++) {
    if (!tp_wandb_has_run_file(lab->runs[i]->dir)) continue;
    S_trace_job job = {.path = lab->runs[i]->dir, .under_dir = lab->runs[i]->dir,
                       .tz = st.tz, .wandb_run = true};
    S_apply_trace(&st, &job);
  }
  /* Traces and declared rows first, estimates only for runs neither reached
   * (precedence: measured > integrated > declared > estimated). */
  tp_attrib_resolve(st.attrib);
  S_apply_estimates(&st);
  S_note_hardware(&st);
  tp_attrib_finish(st.attrib);
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (r->energy.method == TP_ENERGY_NONE) continue;
    size_t np;
    tp_energy_piece *pc = tp_attrib_pieces(st.attrib, i, &np);
    tp_carbon_apply(&st.carbon, &r->energy, r->start_s, r->end_s, pc, np, &r->diags);
    tp_lab_metric_energy(lab, r, pc, np);
    if (opts->keep_samples && st.carbon.series) S_keep_rows(r, st.carbon.series);
  }
  S_record_assumptions(&st);
  tp_lab_compute_targets(lab);
  /* Series are kept thinned for drawing; their full figures stay in stats. */
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_experiment *e = tp_lab_experiment_of(lab, lab->runs[i]);
    tp_run_decimate(lab->runs[i], e ? e->metric_tag : NULL, TP_SERIES_MAX_POINTS);
  }
  tp_lab_aggregate(lab);
  tp_diag_sort_unique(&lab->diags);
  /* A run's diagnostics that name no file are about the run: name its directory. */
  for (size_t i = 0; i < lab->n_runs; i++)
    for (size_t k = 0; k < lab->runs[i]->diags.count; k++)
      if (!lab->runs[i]->diags.items[k].file)
        lab->runs[i]->diags.items[k].file = tp_xstrdup(lab->runs[i]->dir);
  if (tp_attrib_check_wanted()) tp_attrib_check_or_abort(lab, st.attrib);
  tp_attrib_free(st.attrib);
  for (size_t i = 0; i < st.n_claimed; i++) free(st.claimed[i]);
  free(st.claimed);
  tp_config_free(&cfg);
  /* The lab keeps the series it was priced with (for the what-if by time). */
  if (st.carbon.series == &st.series) {
    lab->intensity_series = st.series;
    st.series = (tp_intensity_series){0};
  }
  tp_intensity_series_free(&st.series);
  free(st.intensity_text);
  tp_reftables_free(&st.tables);
  tp_tz_free(st.tz);
  tp_discovery_free(&disc);
  /* A configuration named with -c that cannot be used is an input that
   * could not be read: the caller decides whether that is fatal. */
  return opts->config_path && cfg_rc != 0 ? -1 : rc;
}

/* ---- from run summaries (render) ----------------------------------------- */

static bool S_same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void S_free_assumptions(tp_assumptions *a) {
  free(a->pue_source);
  free(a->intensity_source);
  free(a->zone);
  free(a->timezone);
  free(a->timezone_source);
  *a = (tp_assumptions){0};
}

static void S_read_summary(tp_lab *lab, const char *path, bool *have_a, size_t *n_read) {
  tp_run *run = NULL;
  tp_assumptions a = {0};
  if (tp_runfile_read(path, &run, &a, &lab->diags, &lab->diags) != 0) return;
  (*n_read)++;
  tp_lab_add_run(lab, run);
  if (!*have_a) {
    lab->assumptions = a;
    *have_a = true;
    return;
  }
  const tp_assumptions *f = &lab->assumptions;
  if (f->pue != a.pue || f->intensity_g_per_kwh != a.intensity_g_per_kwh ||
      !S_same_str(f->zone, a.zone) || !S_same_str(f->timezone, a.timezone))
    tp_diag_add(&lab->diags, TP_WARN, path, -1, -1,
                "scanned with other assumptions (PUE, intensity, zone or time zone) than the "
                "first summary; the report states the first's");
  S_free_assumptions(&a);
}

int tp_pipeline_from_summaries(tp_lab *lab, char *const *paths, size_t n_paths,
                               const tp_pipeline_opts *opts) {
  tp_config cfg;
  tp_config_init(&cfg);
  if (opts->config_path && tp_config_load(&cfg, opts->config_path, &lab->diags) != 0) {
    tp_config_free(&cfg);
    return -1;
  }
  bool have_a = false;
  size_t n_read = 0;
  for (size_t i = 0; i < n_paths; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0) {
      tp_diag_add(&lab->diags, TP_ERROR, paths[i], -1, -1, "cannot read; skipped");
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      S_read_summary(lab, paths[i], &have_a, &n_read);
      continue;
    }
    DIR *d = opendir(paths[i]);
    if (!d) {
      tp_diag_add(&lab->diags, TP_ERROR, paths[i], -1, -1, "cannot read directory; skipped");
      continue;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      size_t len = strlen(e->d_name);
      if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
      TP_GROW(names, cap, nn + 1);
      names[nn++] = tp_xasprintf("%s/%s", paths[i], e->d_name);
    }
    closedir(d);
    if (nn > 1) qsort(names, nn, sizeof *names, S_cmp_cstr);
    for (size_t k = 0; k < nn; k++) {
      S_read_summary(lab, names[k], &have_a, &n_read);
      free(names[k]);
    }
    free(names);
  }
  tp_lab_add_config_rules(lab, &cfg);
  /* Two summaries of one run (scanned twice): keep the first by name. */
  tp_lab_assign(lab);
  for (size_t i = 1; i < lab->n_runs; i++)
    if (strcmp(lab->runs[i]->id, lab->runs[i - 1]->id) == 0)
      tp_diag_add(&lab->diags, TP_WARN, NULL, -1, -1,
                  "run '%s' appears in more than one summary; both are shown",
                  lab->runs[i]->id);
  tp_resplit(lab);
  tp_resplit_series(lab);
  tp_attrib_scanned_apart(lab);
  tp_attrib_drop_joined_elsewhere(lab);
  tp_lab_aggregate(lab);
  tp_diag_sort_unique(&lab->diags);
  tp_config_free(&cfg);
  if (tp_attrib_check_wanted()) tp_attrib_check_or_abort(lab, NULL);
  return n_read ? 0 : -1;
}
