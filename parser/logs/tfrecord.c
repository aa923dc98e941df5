/* tfrecord: TFRecord framing of TensorBoard event files.
 *
 * A record is a little-endian uint64 length, the masked CRC-32C of the
 * length, the payload and the masked CRC-32C of the payload.  The framer
 * reads through a bounded buffer, checks both CRCs and hands each good
 * payload to the Event decoder (tfevents.c); a record over the decoding
 * limit is streamed through its CRC and only its first bytes are decoded.
 * Here too are the two ways in: a file by path, or an image in memory.
 */
#include "parser/logs/tfevents.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/logs/tfevents_impl.h"
#include "parser/text/crc32c.h"

#define S_BUF_INITIAL (1u << 20)   /* read buffer to start with, bytes */
#define S_PREFIX 65536             /* bytes of an oversized record decoded */

typedef struct S_reader {
  tp_tfevents_dec dc;
  int fd;                 /* the file, or -1 when reading memory */
  const uint8_t *mem;     /* the image when reading memory */
  size_t mem_n, mem_pos;
  uint64_t size;          /* file size when opened */
  uint8_t *buf;
  size_t cap, pos, fill;  /* buf[pos..fill) not yet consumed */
  uint64_t base;          /* file offset of buf[0] */
  bool eof;
  int err;                /* errno of a failed read, 0 if none */
  uint64_t good;          /* records framed with both CRCs right */
} S_reader;

static size_t S_src_read(S_reader *r, uint8_t *dst, size_t n) {
  if (r->fd < 0) {
    size_t k = r->mem_n - r->mem_pos < n ? r->mem_n - r->mem_pos : n;
    memcpy(dst, r->mem + r->mem_pos, k);
    r->mem_pos += k;
    return k;
  }
  for (;;) {
    ssize_t k = read(r->fd, dst, n);
    if (k >= 0) return (size_t)k;
    if (errno != EINTR) {
      r->err = errno;
      return 0;
    }
  }
}

/* Make at least n unconsumed bytes available (n <= the decoding limit + 16);
 * returns how many there are, fewer at the end of the file. */
static size_t S_need(S_reader *r, size_t n) {
  if (r->fill - r->pos >= n || r->eof) return r->fill - r->pos;
  if (r->cap - r->pos < n) {
    size_t avail = r->fill - r->pos;
    memmove(r->buf, r->buf + r->pos, avail);
    r->base += r->pos;
    r->pos = 0;
    r->fill = avail;
    if (r->cap < n) {
      size_t cap = r->cap;
      while (cap < n) cap *= 2;
      r->buf = tp_xrealloc(r->buf, cap);
      r->cap = cap;
    }
  }
  while (r->fill - r->pos < n) {
    size_t k = S_src_read(r, r->buf + r->fill, r->cap - r->fill);
    if (!k) {
      r->eof = true;
      break;
    }
    if (r->dc.v->bytes) r->dc.v->bytes(r->dc.ctx, r->buf + r->fill, k);
    r->dc.st.bytes += k;
    r->fill += k;
  }
  return r->fill - r->pos;
}

static uint32_t S_le32(const uint8_t *p) { return (uint32_t)tp_tfevents_le(p, 4); }

/* Count the record at byte off as framed, and as good when its payload CRC
 * matched (else it is skipped, with a warning).  Returns crc_ok. */
static bool S_count_record(S_reader *r, int64_t off, bool crc_ok) {
  r->dc.st.records++;
  if (!crc_ok) {
    r->dc.st.bad_crc++;
    tp_tfevents_diag(&r->dc, TP_WARN, off,
                     "payload CRC mismatch in record at byte %lld; record skipped",
                     (long long)off);
    return false;
  }
  r->good++;
  return true;
}

/* A record too large to decode: stream its payload through the CRC, decode
 * the event fields found in its first bytes.  Returns 0, or -1 when the file
 * ended inside it. */
static int S_oversized(S_reader *r, int64_t off, uint64_t len) {
  tp_tfevents_rec e = {.ev = {.offset = off}};
  size_t avail = S_need(r, S_PREFIX < len ? S_PREFIX : (size_t)len);
  tp_tfevents_rec_parse(r->buf + r->pos, avail < len ? avail : (size_t)len, true, &e);
  uint32_t crc = 0;
  uint64_t left = len;
  while (left) {
    avail = S_need(r, 1);
    if (!avail) return -1;
    size_t take = avail < left ? avail : (size_t)left;
    crc = tp_crc32c_update(crc, r->buf + r->pos, take);
    r->pos += take;
    left -= take;
  }
  if (S_need(r, 4) < 4) return -1;
  uint32_t want = S_le32(r->buf + r->pos);
  r->pos += 4;
  if (!S_count_record(r, off, tp_crc32c_mask(crc) == want)) return 0;
  if (e.what == TP_TFW_TOO_BIG || e.what == TP_TFW_SUMMARY)
    tp_tfevents_diag(&r->dc, TP_NOTE, off,
                     "record at byte %lld holds %llu bytes, over the %u MiB decoding limit; "
                     "CRC checked, values not decoded",
                     (long long)off, (unsigned long long)len, TP_TFEVENTS_MAX_DECODED >> 20);
  if (e.what == TP_TFW_TOO_BIG) e.what = TP_TFW_NONE;
  tp_tfevents_rec_emit(&r->dc, &e);
  return 0;
}

static void S_stop(S_reader *r, tp_severity sev, int64_t off, const char *what) {
  r->dc.st.stopped = true;
  tp_tfevents_diag(&r->dc, sev, off,
                   "%s; stopped reading this file, kept the %llu records before it", what,
                   (unsigned long long)r->good);
}

/* The payload of the record at byte off, whose header declares len bytes
 * that the file holds.  Returns 0 to go on, 1 when framing stops here. */
static int S_frame_payload(S_reader *r, int64_t off, uint64_t len) {
  char what[160];
  if (len > TP_TFEVENTS_MAX_DECODED) {
    r->pos += 12;
    if (S_oversized(r, off, len)) {
      S_stop(r, TP_WARN, off, "file ended inside a record (it shrank while being read)");
      return 1;
    }
    return 0;
  }
  size_t total = 12 + (size_t)len + 4;
  if (S_need(r, total) < total) {
    if (r->err) return 1;
    snprintf(what, sizeof what, "file ended inside the record at byte %lld", (long long)off);
    S_stop(r, TP_WARN, off, what);
    return 1;
  }
  const uint8_t *payload = r->buf + r->pos + 12;
  uint32_t want = S_le32(payload + len);
  r->pos += total;
  if (!S_count_record(r, off, tp_crc32c_mask(tp_crc32c_update(0, payload, (size_t)len)) == want))
    return 0;
  tp_tfevents_dec_decode(&r->dc, payload, (size_t)len, off);
  return 0;
}

/* Frame the record at the read position: decode it, or skip it on a payload
 * CRC mismatch.  Returns 0 to go on, 1 when framing stops here. */
static int S_frame_one(S_reader *r) {
  int64_t off = (int64_t)(r->base + r->pos);
  char what[160];
  if ((uint64_t)off >= r->size) {
    /* A file still being written: what was there when it was opened is read;
     * records appended since are left for the next report. */
    if (S_need(r, 1))
      tp_tfevents_diag(&r->dc, TP_NOTE, off,
                       "the file grew while it was read; records after byte %lld (its size "
                       "when opened) are left for the next report",
                       (long long)off);
    return 1;
  }
  size_t avail = S_need(r, 12);
  if (avail == 0) return 1;
  if (avail < 12) {
    snprintf(what, sizeof what, "truncated record header at byte %lld (%zu of 12 bytes)",
             (long long)off, avail);
    S_stop(r, TP_WARN, off, what);
    return 1;
  }
  const uint8_t *h = r->buf + r->pos;
  uint64_t len = tp_tfevents_le(h, 8);
  if (tp_crc32c_mask(tp_crc32c_update(0, h, 8)) != S_le32(h + 8)) {
    if (off == 0) {
      r->dc.st.stopped = true;
      tp_tfevents_diag(&r->dc, TP_ERROR, 0,
                       "not an event file (no valid record header at byte 0); file skipped");
    } else {
      snprintf(what, sizeof what, "length CRC mismatch in record header at byte %lld",
               (long long)off);
      S_stop(r, TP_WARN, off, what);
    }
    return 1;
  }
  uint64_t left = r->size - (uint64_t)off - 12; /* off + 12 <= size: the header was read */
  if (r->size < (uint64_t)off + 12 || len > left || left - len < 4) {
    snprintf(what, sizeof what,
             "record at byte %lld declares %llu payload bytes but only %llu bytes remain "
             "(truncated last record)",
             (long long)off, (unsigned long long)len,
             (unsigned long long)(r->size >= (uint64_t)off + 12 ? left : 0));
    S_stop(r, TP_WARN, off, what);
    return 1;
  }
  return S_frame_payload(r, off, len);
}

/* Frame the records that lie whole in the buffer and need no report (the
 * header CRC matches, the length is within the decoding limit and within the
 * file's size when opened): what S_frame_one would do with them, without its
 * refills and checks.  Stops before the first record that is not so.  With
 * hw set it is inlined where the CRC instruction may be used. */
static inline __attribute__((always_inline)) void S_frame_fast_impl(S_reader *r, bool hw) {
  for (;;) {
    size_t avail = r->fill - r->pos;
    const uint8_t *h = r->buf + r->pos;
    if (avail < 16) return;
    uint64_t len = tp_tfevents_le(h, 8), off = r->base + r->pos;
    if (off >= r->size || len > avail - 16 || len > TP_TFEVENTS_MAX_DECODED ||
        len + 16 > r->size - off)
      return;
    const uint8_t *payload = h + 12;
    uint32_t crc_h, crc_p;
#ifdef TP_CRC32C_INLINE_HW
    if (hw) crc_h = tp_crc32c_hw(h, 8), crc_p = tp_crc32c_hw(payload, (size_t)len);
    else
#endif
      crc_h = tp_crc32c_update(0, h, 8), crc_p = tp_crc32c_update(0, payload, (size_t)len);
    if (tp_crc32c_mask(crc_h) != S_le32(h + 8)) return;
    r->pos += 16 + (size_t)len;
    if (S_count_record(r, (int64_t)off, tp_crc32c_mask(crc_p) == S_le32(payload + len)))
      tp_tfevents_dec_decode(&r->dc, payload, (size_t)len, (int64_t)off);
  }
}

#ifdef TP_CRC32C_INLINE_HW
__attribute__((target("sse4.2"))) static void S_frame_fast_hw(S_reader *r) {
  S_frame_fast_impl(r, true);
}
#endif

static void S_frame_fast(S_reader *r) {
#ifdef TP_CRC32C_INLINE_HW
  if (tp_crc32c_hardware()) {
    S_frame_fast_hw(r);
    return;
  }
#endif
  S_frame_fast_impl(r, false);
}

static void S_frame_all(S_reader *r) {
  do S_frame_fast(r);
  while (!S_frame_one(r));
  if (r->err)
    tp_tfevents_diag(&r->dc, TP_ERROR, (int64_t)(r->base + r->fill),
                     "read error: %s; kept the %llu records before it", strerror(r->err),
                     (unsigned long long)r->good);
  /* Whoever digests the bytes sees the whole file, even after a stop. */
  if (r->dc.v->bytes && !r->err) {
    r->pos = r->fill;
    while (!r->eof) {
      r->pos = r->fill = 0;
      S_need(r, r->cap);
    }
  }
}

static int S_read(S_reader *r) {
  if (r->size == 0) {
    tp_tfevents_diag(&r->dc, TP_WARN, -1, "empty file; nothing read");
  } else {
    r->cap = S_BUF_INITIAL;
    r->buf = tp_xmalloc(r->cap);
    S_frame_all(r);
  }
  int rc = r->good ? 0 : -1;
  if (r->dc.v->done) r->dc.v->done(r->dc.ctx, &r->dc.st);
  free(r->buf);
  tp_tfevents_dec_free(&r->dc);
  return rc;
}

int tp_tfevents_read(const char *path, const tp_tfevents_visitor *v, void *ctx, tp_diags *d) {
  S_reader r = {.fd = -1};
  tp_tfevents_dec_init(&r.dc, path, v, ctx, d);
  struct stat st;
  r.fd = open(path, O_RDONLY | O_CLOEXEC);
  if (r.fd < 0 || fstat(r.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (r.fd < 0 || S_ISREG(st.st_mode))
      tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot read: %s; file skipped", strerror(errno));
    else
      tp_diag_add(d, TP_ERROR, path, -1, -1, "not a regular file; skipped");
    if (r.fd >= 0) close(r.fd);
    if (r.dc.v->done) r.dc.v->done(ctx, &r.dc.st);
    tp_tfevents_dec_free(&r.dc);
    return -1;
  }
  r.size = (uint64_t)st.st_size;
  if (r.dc.v->file) r.dc.v->file(ctx, r.size, (int64_t)st.st_mtime);
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise(r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  int rc = S_read(&r);
  close(r.fd);
  return rc;
}

int tp_tfevents_read_mem(const void *data, size_t n, const char *path,
                         const tp_tfevents_visitor *v, void *ctx, tp_diags *d) {
  S_reader r = {.fd = -1, .mem = data, .mem_n = n, .size = n};
  tp_tfevents_dec_init(&r.dc, path, v, ctx, d);
  if (r.dc.v->file) r.dc.v->file(ctx, n, 0);
  return S_read(&r);
}
