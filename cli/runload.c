/* runload: the runs discovery found, read from their logs on threads.
 *
 * One run directory's event files and framework logs make one tp_run; the
 * runs are read by a pool of threads (through the --cache when given,
 * cli/runcache.c), with a progress line on a terminal, and come back in the
 * order they were found whatever the threads did, so output stays
 * deterministic.
 */
#include "cli/pipeline_impl.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/mem.h"

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

/* Whether a configured text-log parser has patterns (or a built-in set) of
 * its own: its logs may sit beside event files that discovery did not pair
 * with them. */
static bool S_has_text_patterns(const tp_framework_opts *fo) {
  for (size_t i = 0; i < fo->n_textlogs; i++)
    if (fo->textlogs[i].set) return true;
  return false;
}

/* Read every log of one run directory: event files, then framework logs
 * (metrics from all, hparams from all; disagreements are diagnosed). */
tp_run *tp_runload_one(const tp_found_run *fr, const tp_framework_opts *fo) {
  tp_run *run = tp_run_new(fr->id, fr->dir);
  for (size_t i = 0; i < fr->n_event_files; i++)
    tp_tfevents_load_run(run, fr->event_files[i], &run->diags);
  if (fr->n_event_files) run->host = S_host_of_event_file(fr->event_files[0]);
  if (fr->n_other_files || !fr->n_event_files || S_has_text_patterns(fo)) {
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

typedef struct S_pool {
  const tp_found_run *runs;
  size_t n;
  tp_run **out;                 /* out[i]: the run read from runs[i] */
  const tp_framework_opts *fo;
  const char *cache_dir;
  tp_runspill *spill;           /* where each run's points go once read, or NULL */
  atomic_size_t next;           /* next run to take */
  atomic_size_t done;           /* runs finished */
  atomic_ullong bytes_done;     /* bytes of their files */
  unsigned long long bytes_total;
  bool progress;                /* print a progress line (stderr is a terminal) */
  pthread_mutex_t lock;         /* guards the progress line and the next two */
  double t0, last_print;
  size_t n_other;               /* cache entries from another version */
  size_t first_other;           /* the first run of those (n when none) */
  char *other_key;              /* its key file */
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
    char *other = NULL;
    p->out[i] = tp_runcache_get(&p->runs[i], p->fo, p->cache_dir, &other);
    if (other) {
      pthread_mutex_lock(&p->lock);
      p->n_other++;
      if (i < p->first_other) {
        free(p->other_key);
        p->other_key = other, p->first_other = i;
      } else {
        free(other);
      }
      pthread_mutex_unlock(&p->lock);
    }
    tp_runspill_put_series(p->spill, p->out[i]);
    atomic_fetch_add(&p->done, 1);
    if (p->progress) { /* the bytes only count for the progress line */
      atomic_fetch_add(&p->bytes_done, S_run_bytes(&p->runs[i]));
      pthread_mutex_lock(&p->lock);
      S_progress(p, false);
      pthread_mutex_unlock(&p->lock);
    }
  }
  return NULL;
}

/* Threads for -j N: N, or the machine's cores when not given. */
int tp_runload_threads(int jobs) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  long n = jobs > 0 ? jobs : cores > 0 ? cores : 1;
  return n > 256 ? 256 : (int)n;
}

/* Read every run on `jobs` threads (0: one per processor).  The result is
 * in the order of runs, whatever the threads did, so output stays
 * deterministic.  Each run's points go to spill once it is read (when not
 * NULL: model/runspill.h). */
tp_run **tp_runload_all(const tp_found_run *runs, size_t n, const tp_framework_opts *fo,
                        int jobs, const char *cache_dir, tp_runspill *spill) {
  S_pool p = {.runs = runs, .n = n, .fo = fo, .cache_dir = cache_dir, .spill = spill,
              .progress = isatty(STDERR_FILENO) == 1, .first_other = n};
  p.out = tp_xcalloc(n + 1, sizeof *p.out);
  atomic_init(&p.next, 0);
  atomic_init(&p.done, 0);
  atomic_init(&p.bytes_done, 0);
  pthread_mutex_init(&p.lock, NULL);
  if (p.progress)
    for (size_t i = 0; i < n; i++) p.bytes_total += S_run_bytes(&runs[i]);
  p.t0 = p.last_print = S_now();
  size_t nt = (size_t)tp_runload_threads(jobs);
  if (nt > n) nt = n ? n : 1;
  if (nt > 256) nt = 256;
  pthread_t th[256];
  size_t started = 0;
  for (size_t t = 1; t < nt; t++)
    if (pthread_create(&th[started], NULL, S_worker, &p) == 0) started++;
  S_worker(&p); /* this thread works too */
  for (size_t t = 0; t < started; t++) pthread_join(th[t], NULL);
  if (p.progress && n) S_progress(&p, true);
  /* After an upgrade every entry is from another version: one warning. */
  if (p.n_other == 1)
    fprintf(stderr, "trainprint: warning: %s: cache entry from another version of trainprint; "
                    "ignored, the run is read again\n", p.other_key);
  else if (p.n_other > 1)
    fprintf(stderr, "trainprint: warning: %s and %zu more: cache entries from another version "
                    "of trainprint; ignored, their runs are read again\n",
            p.other_key, p.n_other - 1);
  free(p.other_key);
  pthread_mutex_destroy(&p.lock);
  return p.out;
}
