/* profile: bounded per-run power profiles for drawing (see profile.h). */
#include "model/profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

/* A run whose widened window is open for a device, and its profile of the
 * device, found at the first sample (the run's profiles only grow while the
 * profiler runs, so the index stays good). */
typedef struct S_active {
  size_t run;           /* run index */
  size_t prof;          /* index into the run's power, S_NO_PROFILE or S_UNSEEN */
} S_active;

#define S_UNSEEN ((size_t)-1)
#define S_NO_PROFILE ((size_t)-2) /* the run has no window to draw it in */

typedef struct S_device {
  char *id;
  tp_sample_kind kind;
  double wrap_j;
  size_t next;          /* next run (in start order) not yet active */
  S_active *active;     /* runs whose widened window is open */
  size_t n_active, cap_active;
  double last_t, last_v;/* previous sample (counters need it); last_t NAN before any */
} S_device;

struct tp_profiler {
  tp_run *const *runs;
  size_t n;
  double *w0, *w1;      /* widened windows, by run index */
  char ***devices;      /* per run: device entries (NULL = all) */
  size_t *n_devices;
  size_t *order;        /* run indexes sorted by w0 */
  S_device *devs;
  size_t n_devs, cap_devs;
  char *host;           /* the host the trace declares, or NULL */
};

bool tp_profile_device_matches(const char *entry, const char *id) {
  if (strcmp(entry, id) == 0) return true;
  if (!*entry || strspn(entry, "0123456789") != strlen(entry)) return false;
  return strncmp(id, "gpu", 3) == 0 && strcmp(id + 3, entry) == 0;
}

/* A window's start and its index, sorted by start (then index). */
typedef struct S_start {
  double w0;
  size_t i;
} S_start;

static int S_cmp_start(const void *a, const void *b) {
  const S_start *x = a, *y = b;
  if (x->w0 != y->w0) return x->w0 < y->w0 ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

tp_profiler *tp_profiler_new(tp_run *const *runs, const tp_energy_window *windows, size_t n,
                             const char *host) {
  tp_profiler *p = tp_xcalloc(1, sizeof *p);
  p->runs = runs;
  p->host = host ? tp_xstrdup(host) : NULL;
  p->n = n;
  p->w0 = tp_xcalloc(n + 1, sizeof *p->w0);
  p->w1 = tp_xcalloc(n + 1, sizeof *p->w1);
  p->devices = tp_xcalloc(n + 1, sizeof *p->devices);
  p->n_devices = tp_xcalloc(n + 1, sizeof *p->n_devices);
  p->order = tp_xcalloc(n + 1, sizeof *p->order);
  for (size_t i = 0; i < n; i++) {
    double len = windows[i].end_s - windows[i].start_s;
    if (!(len > 0)) len = 1.0;
    p->w0[i] = windows[i].start_s - 0.1 * len;
    p->w1[i] = windows[i].end_s + 0.1 * len;
    if (windows[i].devices) {
      p->n_devices[i] = windows[i].n_devices;
      p->devices[i] = tp_xcalloc(windows[i].n_devices + 1, sizeof(char *));
      for (size_t k = 0; k < windows[i].n_devices; k++)
        p->devices[i][k] = tp_xstrdup(windows[i].devices[k]);
    }
    p->order[i] = i;
  }
  /* Sorted with its keys beside it (no shared state: profilers of different
   * traces are built on different threads at once). */
  if (n > 1) {
    S_start *st = tp_xmalloc(n * sizeof *st);
    for (size_t i = 0; i < n; i++) st[i] = (S_start){.w0 = p->w0[i], .i = i};
    qsort(st, n, sizeof *st, S_cmp_start);
    for (size_t i = 0; i < n; i++) p->order[i] = st[i].i;
    free(st);
  }
  return p;
}

int tp_profiler_device(tp_profiler *p, const char *id, tp_sample_kind kind, double wrap_j) {
  TP_GROW(p->devs, p->cap_devs, p->n_devs + 1);
  p->devs[p->n_devs] = (S_device){
      .id = tp_xstrdup(id), .kind = kind, .wrap_j = wrap_j, .last_t = NAN, .last_v = NAN};
  return (int)p->n_devs++;
}

static bool S_uses(const tp_profiler *p, size_t run, const char *id) {
  if (!p->devices[run]) return true;
  for (size_t k = 0; k < p->n_devices[run]; k++)
    if (tp_profile_device_matches(p->devices[run][k], id)) return true;
  return false;
}

void tp_profiler_sample(tp_profiler *p, int dev, double t_s, double value) {
  if (dev < 0 || (size_t)dev >= p->n_devs || !isfinite(t_s) || !isfinite(value)) return;
  S_device *d = &p->devs[dev];
  if (!isnan(d->last_t) && t_s <= d->last_t) return;
  double t = t_s, w = value;
  if (d->kind == TP_SAMPLE_ENERGY_J) {
    double prev_t = d->last_t, prev_v = d->last_v;
    d->last_t = t_s;
    d->last_v = value;
    if (isnan(prev_t)) return;
    double de = value - prev_v;
    if (de < 0) {
      if (!(d->wrap_j > 0)) return;
      de += d->wrap_j;
    }
    t = 0.5 * (prev_t + t_s);
    w = de / (t_s - prev_t);
  } else {
    d->last_t = t_s;
    if (w < 0) return;
  }
  while (d->next < p->n && p->w0[p->order[d->next]] <= t) {
    size_t r = p->order[d->next++];
    if (!S_uses(p, r, d->id)) continue;
    TP_GROW(d->active, d->cap_active, d->n_active + 1);
    d->active[d->n_active++] = (S_active){r, S_UNSEEN};
  }
  for (size_t k = 0; k < d->n_active;) {
    S_active *a = &d->active[k];
    if (p->w1[a->run] < t) {
      *a = d->active[--d->n_active];
      continue;
    }
    tp_run *run = p->runs[a->run];
    if (a->prof == S_UNSEEN) {
      char key[512];
      tp_power_profile *pp =
          tp_run_power_profile(run, tp_run_profile_device(run, d->id, p->host, key, sizeof key));
      a->prof = pp ? (size_t)(pp - run->power) : S_NO_PROFILE;
    }
    if (a->prof != S_NO_PROFILE) tp_power_profile_add(&run->power[a->prof], t, w);
    k++;
  }
}

void tp_profiler_finish(tp_profiler *p) {
  if (!p) return;
  for (size_t d = 0; d < p->n_devs; d++) {
    free(p->devs[d].id);
    free(p->devs[d].active);
  }
  free(p->devs);
  for (size_t i = 0; i < p->n; i++) {
    for (size_t k = 0; k < p->n_devices[i]; k++) free(p->devices[i][k]);
    free(p->devices[i]);
  }
  free(p->devices);
  free(p->n_devices);
  free(p->w0);
  free(p->w1);
  free(p->order);
  free(p->host);
  free(p);
}
