/* tracecache: --cache, what reading a trace file delivered, replayed.
 *
 * Reading a power trace turns its text into calls on a trace sink (a device,
 * the field of its readings, its samples) and diagnostics.  With a cache,
 * these are recorded once, in a compact binary form, and a later report of
 * the unchanged file replays them into the integrator and the profiler
 * instead of parsing the text again.  What they make of the samples (the
 * runs' windows change from one report to the next) is computed anew every
 * time: only the reader's output is kept.
 *
 * A recording is named after the file's real path and holds, on its first
 * line, everything its content depends on: the program's own fingerprint
 * (tp_cli_program_id: another build reads again), the file's path as given
 * (the reader's diagnostics name it) and real path, its size, modification
 * time (ns) and inode, the format and the reading options
 * (zone, clock offset, ...).  It ends with a fingerprint of its content: a
 * cut-short or damaged recording is not replayed, the file is read instead.
 * Reads that gave declared figures or scheduler holds are not recorded.
 *
 *   line 1: "trainprint trace recording 1\t" KEY "\n"
 *   then the records, 'E' and the fingerprint, as model/tracerec.h lays
 *   them out (it reads them back).
 */
#include "cli/pipeline_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/siteout.h"
#include "model/hash.h"
#include "model/mem.h"
#include "model/tracerec.h"
#include "render/render.h"

#define S_HEAD "trainprint trace recording 1\t"

/* ---- the key -------------------------------------------------------------- */

static char S_program[TP_HASH_HEX];
static pthread_once_t S_program_once = PTHREAD_ONCE_INIT;

static void S_program_init(void) { tp_cli_program_id(S_program); }

char *tp_tracecache_key(const char *path, tp_power_format fmt, const tp_power_options *po) {
  if (po->csvmap || po->grafana_map || po->nvsmi_columns || po->nvsmi_power_field) return NULL;
  char *real = realpath(path, NULL);
  struct stat st;
  if (!real || stat(real, &st) != 0 || !S_ISREG(st.st_mode) || strpbrk(real, "\t\n") ||
      strpbrk(path, "\t\n")) {
    free(real);
    return NULL;
  }
  pthread_once(&S_program_once, S_program_init);
  const char *zone = po->tz ? tp_tz_name(po->tz) : "UTC";
  char *key = tp_xasprintf(
      "%s\t%s\t%s\t%lld\t%lld.%09ld\t%llu\tformat %d\tzone %s\toffset %a\tstart %d %a\tinterval %a\t"
      "label %s\trapl %a\tline %zu",
      S_program, path, real, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
      (long)st.st_mtim.tv_nsec, (unsigned long long)st.st_ino, (int)fmt, zone ? zone : "-",
      po->clock_offset_s, (int)po->has_start, po->start_s, po->dmon_interval_s,
      po->job_label ? po->job_label : "-", po->rapl_max_range_uj, po->max_line);
  free(real);
  if (strchr(key, '\n')) {
    free(key);
    return NULL;
  }
  return key;
}

/* The recording's file in cache_dir for the trace at path (by its real path). */
static char *S_entry(const char *cache_dir, const char *path) {
  char *real = realpath(path, NULL);
  char *slug = tp_site_slug(real ? real : path);
  char *entry = tp_xasprintf("%s/trace-%s.rec", cache_dir, slug);
  free(slug);
  free(real);
  return entry;
}

/* ---- recording ------------------------------------------------------------ */

struct tp_tracecache_rec {
  tp_trace_sink inner; /* where every call goes on to */
  char *entry;         /* the recording's name in the cache */
  char *tmp;           /* the file it is written to, renamed to entry when complete */
  FILE *f;             /* tmp, open; NULL when nothing is recorded */
  tp_hash h;           /* fingerprint of what was written so far */
  tp_buf out;          /* records not yet written (memory stays bounded) */
  bool unusable;       /* declared figures or holds were delivered */
};

/* Write the records held in r->out to the file, fingerprinted; a failed
 * write drops the recording. */
static void S_flush(tp_tracecache_rec *r) {
  if (r->f && r->out.len && !r->unusable) {
    tp_hash_bytes(&r->h, tp_buf_str(&r->out), r->out.len);
    if (fwrite(tp_buf_str(&r->out), 1, r->out.len, r->f) != r->out.len) r->unusable = true;
  }
  tp_buf_clear(&r->out);
}

static void S_spill(tp_tracecache_rec *r) {
  if (r->out.len >= (1u << 16)) S_flush(r);
}

static void S_put(tp_buf *b, const void *p, size_t n) { tp_buf_add(b, p, n); }

static void S_put_u32(tp_buf *b, uint32_t v) {
  unsigned char c[4];
  for (int i = 0; i < 4; i++) c[i] = (unsigned char)(v >> (8 * i));
  S_put(b, c, 4);
}

static void S_put_u64(tp_buf *b, uint64_t v) {
  unsigned char c[8];
  for (int i = 0; i < 8; i++) c[i] = (unsigned char)(v >> (8 * i));
  S_put(b, c, 8);
}

static void S_put_f64(tp_buf *b, double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
  S_put_u64(b, u);
}

static void S_put_str(tp_buf *b, const char *s) {
  if (!s) {
    S_put_u32(b, UINT32_MAX);
    return;
  }
  size_t n = strlen(s);
  S_put_u32(b, (uint32_t)n);
  S_put(b, s, n);
}

static int S_rec_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                        double wrap_j) {
  tp_tracecache_rec *r = ctx;
  int h = r->inner.device(r->inner.ctx, id, name, kind, wrap_j);
  tp_buf_addc(&r->out, 'D');
  S_put_u32(&r->out, (uint32_t)h);
  S_put_str(&r->out, id);
  S_put_str(&r->out, name);
  tp_buf_addc(&r->out, (char)kind);
  S_put_f64(&r->out, wrap_j);
  S_spill(r);
  return h;
}

static void S_rec_sample(void *ctx, int dev, double t_s, double value) {
  tp_tracecache_rec *r = ctx;
  r->inner.sample(r->inner.ctx, dev, t_s, value);
  tp_buf_addc(&r->out, 'S');
  S_put_u32(&r->out, (uint32_t)dev);
  S_put_f64(&r->out, t_s);
  S_put_f64(&r->out, value);
  S_spill(r);
}

static void S_rec_field(void *ctx, int dev, tp_power_field f) {
  tp_tracecache_rec *r = ctx;
  if (r->inner.field) r->inner.field(r->inner.ctx, dev, f);
  tp_buf_addc(&r->out, 'F');
  S_put_u32(&r->out, (uint32_t)dev);
  S_put_u32(&r->out, (uint32_t)f);
  S_spill(r);
}

static void S_rec_declared(void *ctx, const tp_declared *d) {
  tp_tracecache_rec *r = ctx;
  r->unusable = true;
  if (r->inner.declared) r->inner.declared(r->inner.ctx, d);
}

static void S_rec_hold(void *ctx, const char *id, const char *job, double start_s,
                       double end_s) {
  tp_tracecache_rec *r = ctx;
  r->unusable = true;
  if (r->inner.hold) r->inner.hold(r->inner.ctx, id, job, start_s, end_s);
}

tp_tracecache_rec *tp_tracecache_rec_new(const char *cache_dir, const char *path,
                                         const char *key, const tp_trace_sink *inner,
                                         tp_trace_sink *wrapped) {
  tp_tracecache_rec *r = tp_xcalloc(1, sizeof *r);
  r->inner = *inner;
  r->entry = S_entry(cache_dir, path);
  r->tmp = tp_xasprintf("%s.tmp-XXXXXX", r->entry);
  int fd = mkstemp(r->tmp);
  r->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (fd >= 0 && !r->f) {
    close(fd);
    unlink(r->tmp);
  }
  tp_hash_init(&r->h);
  tp_buf_printf(&r->out, S_HEAD "%s\n", key);
  *wrapped = (tp_trace_sink){.ctx = r,
                             .device = S_rec_device,
                             .sample = S_rec_sample,
                             .declared = inner->declared ? S_rec_declared : NULL,
                             .field = S_rec_field,
                             .hold = inner->hold ? S_rec_hold : NULL};
  return r;
}

void tp_tracecache_rec_save(tp_tracecache_rec *r, const tp_diags *diags) {
  if (!r) return;
  for (size_t i = 0; i < diags->count && !r->unusable; i++) {
    const tp_diag *g = &diags->items[i];
    tp_buf_addc(&r->out, 'G');
    tp_buf_addc(&r->out, (char)g->severity);
    S_put_str(&r->out, g->file);
    S_put_u64(&r->out, (uint64_t)g->offset);
    S_put_u64(&r->out, (uint64_t)g->line);
    S_put_str(&r->out, g->message);
    S_spill(r);
  }
  tp_buf_addc(&r->out, 'E');
  S_flush(r);
  if (r->f) {
    char hex[TP_HASH_HEX];
    tp_hash_hex(&r->h, hex);
    bool ok = !r->unusable && fwrite(hex, 1, 32, r->f) == 32;
    ok = fclose(r->f) == 0 && ok && rename(r->tmp, r->entry) == 0;
    if (!ok) unlink(r->tmp);
  }
  tp_buf_free(&r->out);
  free(r->entry);
  free(r->tmp);
  free(r);
}

/* ---- replaying (model/tracerec.c reads the records) ------------------------ */

bool tp_tracecache_replay(const char *cache_dir, const char *path, const char *key,
                          const tp_trace_sink *sink, tp_diags *diags) {
  char *entry = S_entry(cache_dir, path);
  int fd = open(entry, O_RDONLY | O_CLOEXEC);
  free(entry);
  if (fd < 0) return false;
  /* Mapped, not read: a recording is megabytes, taken once from the page
   * cache without a copy. */
  struct stat st;
  const unsigned char *buf = NULL;
  size_t n = 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (unsigned long long)st.st_size < (1ull << 40)) {
    n = (size_t)st.st_size;
    void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    buf = m == MAP_FAILED ? NULL : m;
  }
  close(fd);
  size_t hn = strlen(S_HEAD), kn = strlen(key);
  bool ok = buf && n > hn + kn + 1 && memcmp(buf, S_HEAD, hn) == 0 &&
            memcmp(buf + hn, key, kn) == 0 && buf[hn + kn] == '\n' &&
            tp_tracerec_replay(buf, n, hn + kn + 1, sink, diags);
  if (buf) munmap((void *)buf, n);
  return ok;
}
