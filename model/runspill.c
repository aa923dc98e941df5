/* runspill: runs' points and power profiles kept in a temporary file while
 * nothing reads them (see runspill.h).
 *
 * The file is private to this process and read back by the process that
 * wrote it, so a run's data is stored as its arrays' bytes, one after the
 * other, in a fixed order: each series' points, then each profile's sums,
 * maxima, minima and counts.  The run's counts (series' count, profile's n)
 * stay in memory and say how many bytes each array takes. */
#include "model/runspill.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/hash.h"
#include "model/mem.h"

#define S_STRIPES 64 /* locks of runs: threads that hold different runs seldom wait */

struct tp_runspill {
  int fd;               /* the temporary file, already unlinked */
  uint64_t end;         /* bytes written or reserved so far */
  pthread_mutex_t lock; /* guards end */
  pthread_mutex_t runs[S_STRIPES]; /* each guards the holds and the loading of the runs
                                      S_lock_of maps to it */
};

/* The lock of run r: one of the stripes, by its address. */
static pthread_mutex_t *S_lock_of(tp_runspill *sp, const tp_run *r) {
  uintptr_t a = (uintptr_t)r;
  return &sp->runs[((a >> 6) ^ (a >> 12) ^ (a >> 18)) % S_STRIPES];
}

/* ---- A run's arrays, in store order -------------------------------------- */

/* One array of a run: where its pointer lives in the run, and its length. */
typedef struct S_part {
  void **at;
  size_t bytes;
} S_part;

/* The series' points of r, in store order; the caller frees *out. */
static size_t S_series_parts(tp_run *r, S_part **out) {
  S_part *p = tp_xcalloc(r->n_series ? r->n_series : 1, sizeof *p);
  for (size_t i = 0; i < r->n_series; i++)
    p[i] = (S_part){(void **)&r->series[i].points, r->series[i].count * sizeof(tp_point)};
  *out = p;
  return r->n_series;
}

/* The power profiles' arrays of r, in store order; the caller frees *out.
 * A profile's extremes are among them only when it keeps them apart
 * (noted in extremes_out when it is put out); its counts are noted
 * (out_samples, out_sampled) for tp_power_profile_counts. */
static size_t S_power_parts(tp_run *r, S_part **out) {
  size_t k = 0;
  S_part *p = tp_xcalloc(r->n_power ? 4 * r->n_power : 1, sizeof *p);
  for (size_t i = 0; i < r->n_power; i++) {
    tp_power_profile *pp = &r->power[i];
    tp_power_profile_counts(pp, &pp->out_samples, &pp->out_sampled);
    p[k++] = (S_part){(void **)&pp->sum_w, pp->n * sizeof(double)};
    if (pp->extremes_out) {
      p[k++] = (S_part){(void **)&pp->max_w, pp->n * sizeof(double)};
      p[k++] = (S_part){(void **)&pp->min_w, pp->n * sizeof(double)};
    }
    p[k++] = (S_part){(void **)&pp->count, pp->n * sizeof(uint32_t)};
  }
  *out = p;
  return k;
}

/* Write (write) or read n bytes at offset at, whole: 0, or -1 on a failure
 * or the file's end. */
static int S_io_all(int fd, void *data, size_t n, uint64_t at, bool write) {
  char *c = data;
  while (n) {
    ssize_t k = write ? pwrite(fd, c, n, (off_t)at) : pread(fd, c, n, (off_t)at);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    c += k, n -= (size_t)k, at += (uint64_t)k;
  }
  return 0;
}

/* Write the arrays at a place reserved at the file's end; their offset in
 * *at.  -1 on a failed write. */
static int S_write_parts(tp_runspill *sp, const S_part *p, size_t n, uint64_t *at,
                         char fp[TP_HASH_HEX]) {
  uint64_t total = 0;
  for (size_t k = 0; k < n; k++) total += p[k].bytes;
  pthread_mutex_lock(&sp->lock);
  uint64_t off = sp->end;
  sp->end += total;
  pthread_mutex_unlock(&sp->lock);
  *at = off;
  /* One write of the arrays gathered: a system call each costs more than the copy. */
  char *all = tp_xmalloc(total ? (size_t)total : 1);
  size_t o = 0;
  for (size_t k = 0; k < n; k++) {
    if (p[k].bytes) memcpy(all + o, *p[k].at, p[k].bytes);
    o += p[k].bytes;
  }
  int rc = total && S_io_all(sp->fd, all, (size_t)total, off, true) != 0 ? -1 : 0;
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_u64(&h, n);
  for (size_t k = 0; k < n; k++) tp_hash_u64(&h, p[k].bytes);
  tp_hash_bytes(&h, all, (size_t)total);
  tp_hash_hex(&h, fp);
  free(all);
  return rc;
}

static void S_drop_parts(const S_part *p, size_t n) {
  for (size_t k = 0; k < n; k++) {
    free(*p[k].at);
    *p[k].at = NULL;
  }
}

static void S_load_parts(tp_runspill *sp, const tp_run *r, const S_part *p, size_t n,
                         uint64_t at) {
  /* One read of the run's arrays, written together (S_write_parts). */
  size_t total = 0;
  for (size_t k = 0; k < n; k++) total += p[k].bytes;
  char *all = tp_xmalloc(total ? total : 1);
  if (total && S_io_all(sp->fd, all, total, at, false) != 0) {
    fprintf(stderr, "trainprint: error: cannot read back the temporary file of run '%s'\n",
            r->id);
    abort();
  }
  size_t o = 0;
  for (size_t k = 0; k < n; k++) {
    *p[k].at = tp_xmalloc(p[k].bytes ? p[k].bytes : 1);
    if (p[k].bytes) memcpy(*p[k].at, all + o, p[k].bytes);
    o += p[k].bytes;
  }
  free(all);
}

/* ---- Putting out --------------------------------------------------------- */

tp_runspill *tp_runspill_new(void) {
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  char *path = tp_xasprintf("%s/trainprint-runs-XXXXXX", dir);
  int fd = mkstemp(path);
  if (fd >= 0) unlink(path);
  free(path);
  if (fd < 0) return NULL;
  tp_runspill *sp = tp_xcalloc(1, sizeof *sp);
  sp->fd = fd;
  pthread_mutex_init(&sp->lock, NULL);
  for (int k = 0; k < S_STRIPES; k++) pthread_mutex_init(&sp->runs[k], NULL);
  return sp;
}

void tp_runspill_free(tp_runspill *sp) {
  if (!sp) return;
  close(sp->fd);
  pthread_mutex_destroy(&sp->lock);
  for (int k = 0; k < S_STRIPES; k++) pthread_mutex_destroy(&sp->runs[k]);
  free(sp);
}

void tp_runspill_put_series(tp_runspill *sp, tp_run *r) {
  if (!sp || r->spill.series_out || r->spill.series_holds) return;
  /* tp_series_get_stats reads the points of a series that was not thinned. */
  for (size_t i = 0; i < r->n_series; i++) {
    tp_series *s = &r->series[i];
    if (s->decimated || s->stats_kept) continue;
    tp_series_get_stats(s, &s->stats);
    s->stats_kept = true;
  }
  S_part *p;
  size_t n = S_series_parts(r, &p);
  uint64_t at;
  if (S_write_parts(sp, p, n, &at, r->spill.series_fp) == 0) {
    S_drop_parts(p, n);
    for (size_t i = 0; i < r->n_series; i++) r->series[i].cap = 0;
    r->spill.store = sp;
    r->spill.series_at = at;
    r->spill.series_out = true;
  }
  free(p);
}

/* Put out r's power profiles (see tp_runspill_put_series). */
static void S_put_power(tp_runspill *sp, tp_run *r) {
  if (r->spill.power_out || r->spill.power_holds ||
      (r->spill.store && r->spill.store != sp))
    return;
  for (size_t i = 0; i < r->n_power; i++) r->power[i].extremes_out = r->power[i].max_w != NULL;
  S_part *p;
  size_t n = S_power_parts(r, &p);
  uint64_t at;
  if (S_write_parts(sp, p, n, &at, r->spill.power_fp) == 0) {
    S_drop_parts(p, n);
    r->spill.store = sp;
    r->spill.power_at = at;
    r->spill.power_out = true;
  }
  free(p);
}

void tp_runspill_lab(tp_lab *lab) {
  if (!lab->spill) lab->spill = tp_runspill_new();
  if (!lab->spill) return; /* the runs stay in memory */
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_runspill_put_series(lab->spill, lab->runs[i]);
    S_put_power(lab->spill, lab->runs[i]);
  }
  tp_runspill_trim();
}

void tp_runspill_trim(void) {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

/* ---- Holding ------------------------------------------------------------- */

/* The run's data is put out and brought back in place: code that reads a
 * const run sees its arrays come and go, as a cache behind a const
 * interface. */

/* The arrays of one kind of a run, in store order (S_series_parts or
 * S_power_parts). */
typedef size_t (*S_parts_of)(tp_run *r, S_part **out);

/* Bring back the arrays parts names when they were put out, from at (under
 * the run's lock). */
static void S_bring_in(tp_runspill *sp, tp_run *r, S_parts_of parts, bool out, uint64_t at) {
  if (!out) return;
  S_part *p;
  size_t n = parts(r, &p);
  S_load_parts(sp, r, p, n, at);
  free(p);
}

/* Put the arrays parts names out again (under the run's lock): written when
 * *changed (a failed write leaves them in memory, *out false), else dropped
 * when they were put out. */
static void S_put_back(tp_runspill *sp, tp_run *r, S_parts_of parts, bool *out, bool *changed,
                       uint64_t *at, char fp[TP_HASH_HEX]) {
  if (!*changed && !*out) return;
  S_part *p;
  size_t n = parts(r, &p);
  if (*changed) *out = S_write_parts(sp, p, n, at, fp) == 0;
  if (*out) S_drop_parts(p, n);
  *changed = false;
  free(p);
}

static void S_series_in(tp_runspill *sp, tp_run *r) {
  S_bring_in(sp, r, S_series_parts, r->spill.series_out, r->spill.series_at);
}

static void S_power_in(tp_runspill *sp, tp_run *r) {
  S_bring_in(sp, r, S_power_parts, r->spill.power_out, r->spill.power_at);
}

static void S_series_back(tp_runspill *sp, tp_run *r) {
  S_put_back(sp, r, S_series_parts, &r->spill.series_out, &r->spill.series_changed,
             &r->spill.series_at, r->spill.series_fp);
}

static void S_power_back(tp_runspill *sp, tp_run *r) {
  if (r->spill.power_changed) /* which profiles keep extremes apart, as written */
    for (size_t i = 0; i < r->n_power; i++) r->power[i].extremes_out = r->power[i].max_w != NULL;
  S_put_back(sp, r, S_power_parts, &r->spill.power_out, &r->spill.power_changed,
             &r->spill.power_at, r->spill.power_fp);
}

/* One hold more of the points (points) and of the profiles (power): each
 * comes back at its first hold. */
static void S_hold(const tp_run *run, bool points, bool power) {
  tp_runspill *sp = run->spill.store;
  if (!sp) return;
  tp_run *r = (tp_run *)run;
  pthread_mutex_t *lock = S_lock_of(sp, r);
  pthread_mutex_lock(lock);
  if (points && r->spill.series_holds++ == 0) S_series_in(sp, r);
  if (power && r->spill.power_holds++ == 0) S_power_in(sp, r);
  pthread_mutex_unlock(lock);
}

/* One hold less: each goes out again at its last release. */
static void S_release(const tp_run *run, bool points, bool power) {
  tp_runspill *sp = run->spill.store;
  if (!sp) return;
  tp_run *r = (tp_run *)run;
  pthread_mutex_t *lock = S_lock_of(sp, r);
  pthread_mutex_lock(lock);
  if (points && r->spill.series_holds && --r->spill.series_holds == 0) S_series_back(sp, r);
  if (power && r->spill.power_holds && --r->spill.power_holds == 0) S_power_back(sp, r);
  pthread_mutex_unlock(lock);
}

void tp_runspill_hold(const tp_run *run) { S_hold(run, true, true); }

void tp_runspill_release(const tp_run *run) { S_release(run, true, true); }

void tp_runspill_hold_points(const tp_run *run) { S_hold(run, true, false); }

void tp_runspill_release_points(const tp_run *run) { S_release(run, true, false); }

void tp_runspill_hold_power(const tp_run *run) { S_hold(run, false, true); }

void tp_runspill_release_power(const tp_run *run) { S_release(run, false, true); }

void tp_runspill_changed(tp_run *run) { run->spill.series_changed = run->spill.series_out; }

void tp_runspill_power_changed(tp_run *run) { run->spill.power_changed = run->spill.store != NULL; }

bool tp_runspill_fingerprint(const tp_run *run, char out[TP_HASH_HEX]) {
  tp_runspill *sp = run->spill.store;
  if (!sp) return false;
  pthread_mutex_t *lock = S_lock_of(sp, run);
  pthread_mutex_lock(lock);
  const tp_run *r = run;
  bool ok = r->spill.series_out && r->spill.power_out && !r->spill.series_changed &&
            !r->spill.power_changed;
  if (ok) {
    tp_hash h;
    tp_hash_init(&h);
    tp_hash_str(&h, r->spill.series_fp);
    tp_hash_str(&h, r->spill.power_fp);
    for (size_t i = 0; i < r->n_power; i++) tp_hash_u64(&h, r->power[i].extremes_out);
    tp_hash_hex(&h, out);
  }
  pthread_mutex_unlock(lock);
  return ok;
}
