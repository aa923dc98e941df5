/* tfevents: TensorBoard Event records and the run loader.
 *
 * The decoder walks one Event payload with the protobuf cursor and calls the
 * visitor (its Summary values are tfsummary.c's, the record framing is
 * tfrecord.c's).  The loader turns visitor calls into tp_run updates and
 * applies TensorBoard's purge rules: below file_version 2 an out-of-order
 * step in a summary purges the tag back to it, from version 2 a SessionLog
 * START does.
 */
#include "parser/logs/tfevents.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/logs/tfevents_impl.h"
#include "parser/text/number.h"
#include "parser/text/protobuf.h"
#include "parser/text/sha256.h"

#define S_MAX_DIAGS 50             /* diagnostics listed per file */

void tp_tfevents_diag(tp_tfevents_dec *dc, tp_severity sev, int64_t off, const char *fmt, ...) {
  if (dc->n_diags >= S_MAX_DIAGS) {
    dc->n_suppressed++;
    return;
  }
  dc->n_diags++;
  va_list ap;
  va_start(ap, fmt);
  char *msg = tp_xvasprintf(fmt, ap);
  va_end(ap);
  tp_diag_add(dc->d, sev, dc->path, off, -1, "%s", msg);
  free(msg);
}

/* Event.file_version as TensorBoard's event_util.ParseFileVersion reads it:
 * the text after the last "brain.Event:" (the whole text when there is none)
 * as a number, else -1. */
static void S_file_version(tp_tfevents_event *ev, tp_pb body) {
  static const char mark[] = "brain.Event:";
  const char *p = (const char *)body.p;
  size_t n = tp_pb_left(&body), m = sizeof mark - 1;
  for (size_t i = n >= m ? n - m + 1 : 0; i-- > 0;)
    if (memcmp(p + i, mark, m) == 0) {
      p += i + m;
      n -= i + m;
      break;
    }
  double v;
  ev->has_file_version = true;
  ev->file_version = n && n < 64 && tp_parse_double(p, n, &v) == 0 && isfinite(v) ? v : -1;
}

/* The layout writers give nearly every event: wall_time, step, and a summary
 * that runs to the end of the payload.  True when p[0..n) is laid out so, with
 * ev and *body filled as the field-by-field parse below would fill them;
 * false (nothing filled) for anything else, which that parse then takes. */
static inline bool S_rec_common(const uint8_t *p, size_t n, tp_tfevents_event *ev, tp_pb *body) {
  if (n < 13 || p[0] != (1 << 3 | TP_PB_FIXED64) || p[9] != (2 << 3 | TP_PB_VARINT)) return false;
  tp_pb c = tp_pb_init(p + 10, n - 10);
  uint64_t step;
  if (tp_pb_varint(&c, &step) || !tp_pb_left(&c) || *c.p != (5 << 3 | TP_PB_LEN)) return false;
  c.p++;
  if (tp_pb_sub(&c, body) || tp_pb_left(&c)) return false;
  ev->wall_time_s = tp_pb_as_double(tp_tfevents_le(p + 1, 8));
  ev->step = (int64_t)step;
  ev->summary = true;
  ev->has_file_version = false;
  ev->file_version = 0;
  return true;
}

int tp_tfevents_rec_parse(const uint8_t *p, size_t n, bool prefix, tp_tfevents_rec *e) {
  if (S_rec_common(p, n, &e->ev, &e->body)) {
    e->what = TP_TFW_SUMMARY;
    return 0;
  }
  tp_pb c = tp_pb_init(p, n);
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    uint64_t x;
    if (tp_pb_key(&c, &f, &w)) return prefix ? 0 : -1;
    if (f == 1 && w == TP_PB_FIXED64) {
      if (tp_pb_fixed64(&c, &x)) return prefix ? 0 : -1;
      e->ev.wall_time_s = tp_pb_as_double(x);
    } else if (f == 2 && w == TP_PB_VARINT) {
      if (tp_pb_varint(&c, &x)) return prefix ? 0 : -1;
      e->ev.step = (int64_t)x;
    } else if (f >= 3 && f <= 9 && w == TP_PB_LEN) {
      static const tp_tfevents_what what[] = {
          TP_TFW_NONE,    TP_TFW_NONE, TP_TFW_NONE,    TP_TFW_NONE,   TP_TFW_GRAPH,
          TP_TFW_SUMMARY, TP_TFW_NONE, TP_TFW_SESSION, TP_TFW_TAGGED, TP_TFW_META_GRAPH};
      tp_pb body;
      e->ev.summary = f == 5; /* one member of a oneof: the last one read counts */
      e->ev.has_file_version = false;
      e->ev.file_version = 0;
      if (tp_pb_sub(&c, &body)) {
        if (!prefix) return -1;
        e->what = (f == 4 || f == 9) ? what[f] : TP_TFW_TOO_BIG;
        return 0;
      }
      if (f == 3) S_file_version(&e->ev, body);
      if (f == 3 || f == 6) e->what = TP_TFW_NONE; /* file_version, log_message */
      else e->what = what[f], e->body = body;
    } else if (f <= 9 || tp_pb_skip(&c, w)) {
      if (!prefix) return -1; /* a known field with the wrong wire type, or junk */
      return 0;
    }
  }
  return 0;
}

/* The values of the Summary c of event ev, to the visitor. */
static void S_summary_emit(tp_tfevents_dec *dc, const tp_tfevents_event *ev, tp_pb c) {
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    tp_pb value;
    if (tp_pb_key(&c, &f, &w) || (f == 1 && w != TP_PB_LEN) ||
        (f == 1 ? tp_pb_sub(&c, &value) : tp_pb_skip(&c, w))) {
      tp_tfevents_diag(dc, TP_WARN, ev->offset,
                       "malformed Summary in record at byte %lld; rest of its values skipped",
                       (long long)ev->offset);
      return;
    }
    if (f == 1) tp_tfevents_value_emit(dc, ev, value);
  }
}

void tp_tfevents_rec_emit(tp_tfevents_dec *dc, tp_tfevents_rec *e) {
  dc->st.events++;
  const tp_tfevents_event *ev = &e->ev;
  if (dc->v->event) dc->v->event(dc->ctx, ev);
  switch (e->what) {
    case TP_TFW_SUMMARY: S_summary_emit(dc, ev, e->body); return;
    case TP_TFW_SESSION: {
      tp_pb c = e->body;
      uint64_t status = 0;
      while (tp_pb_left(&c)) {
        uint32_t f, w;
        if (tp_pb_key(&c, &f, &w) ||
            (f == 1 && w == TP_PB_VARINT ? tp_pb_varint(&c, &status) : tp_pb_skip(&c, w))) {
          tp_tfevents_diag(dc, TP_WARN, ev->offset,
                           "malformed SessionLog in record at byte %lld; session log skipped",
                           (long long)ev->offset);
          return;
        }
      }
      if (dc->v->session_log) dc->v->session_log(dc->ctx, ev, (int)status);
      return;
    }
    case TP_TFW_GRAPH:
      tp_tfevents_skip_named(dc, ev, (const uint8_t *)"__run_graph__", 13, "graph");
      return;
    case TP_TFW_META_GRAPH:
      tp_tfevents_skip_named(dc, ev, (const uint8_t *)"__meta_graph__", 14, "graph");
      return;
    case TP_TFW_TAGGED: {
      tp_pb c = e->body;
      const uint8_t *t = (const uint8_t *)"";
      size_t tn = 0;
      while (tp_pb_left(&c)) {
        uint32_t f, w;
        if (tp_pb_key(&c, &f, &w) ||
            (f == 1 && w == TP_PB_LEN ? tp_pb_bytes(&c, &t, &tn) : tp_pb_skip(&c, w))) {
          tp_tfevents_diag(dc, TP_WARN, ev->offset,
                           "malformed TaggedRunMetadata in record at byte %lld; skipped",
                           (long long)ev->offset);
          return;
        }
      }
      tp_tfevents_skip_named(dc, ev, t, tn, "run_metadata");
      return;
    }
    default: return;
  }
}

/* An Event in any other layout, field by field. */
static __attribute__((noinline)) int S_decode_other(tp_tfevents_dec *dc, const uint8_t *p,
                                                    size_t n, int64_t off) {
  tp_tfevents_rec e = {.ev = {.offset = off}};
  if (tp_tfevents_rec_parse(p, n, false, &e)) {
    tp_tfevents_diag(dc, TP_WARN, off, "malformed Event in record at byte %lld; event skipped",
                     (long long)off);
    return -1;
  }
  tp_tfevents_rec_emit(dc, &e);
  return 0;
}

int tp_tfevents_dec_decode(tp_tfevents_dec *dc, const uint8_t *p, size_t n, int64_t off) {
  tp_tfevents_event ev;
  tp_pb body;
  /* As rec_parse and rec_emit would, with the body in registers. */
  if (!S_rec_common(p, n, &ev, &body)) return S_decode_other(dc, p, n, off);
  ev.offset = off;
  dc->st.events++;
  if (dc->v->event) dc->v->event(dc->ctx, &ev);
  /* A summary of one value with a one-byte length, as writers log scalars:
   * that value, without the field loop. */
  size_t bn = tp_pb_left(&body);
  if (bn > 2 && body.p[0] == (1 << 3 | TP_PB_LEN) && body.p[1] < 0x80 &&
      (size_t)body.p[1] + 2 == bn)
    tp_tfevents_value_emit(dc, &ev, tp_pb_init(body.p + 2, bn - 2));
  else S_summary_emit(dc, &ev, body);
  return 0;
}

void tp_tfevents_dec_init(tp_tfevents_dec *dc, const char *path, const tp_tfevents_visitor *v,
                          void *ctx, tp_diags *d) {
  static const tp_tfevents_visitor none = {0};
  *dc = (tp_tfevents_dec){.path = path, .d = d, .v = v ? v : &none, .ctx = ctx,
                          .tags = tp_tfevents_tags_new()};
}

void tp_tfevents_dec_free(tp_tfevents_dec *dc) {
  if (dc->n_suppressed)
    tp_diag_add(dc->d, TP_NOTE, dc->path, -1, -1, "%zu further problems in this file not listed",
                dc->n_suppressed);
  tp_tfevents_tags_free(dc->tags);
  tp_buf_free(&dc->key);
  tp_buf_free(&dc->text);
}

int tp_tfevents_decode_event(const void *payload, size_t n, const char *path, int64_t offset,
                             const tp_tfevents_visitor *v, void *ctx, tp_diags *d) {
  tp_tfevents_dec dc;
  tp_tfevents_dec_init(&dc, path, v, ctx, d);
  int rc = tp_tfevents_dec_decode(&dc, payload, n, offset);
  tp_tfevents_dec_free(&dc);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Loader: visitor calls into a tp_run.                                      */

typedef struct S_load {
  tp_run *run;
  const char *path;
  tp_diags *d;
  bool purge;     /* the current event purges its tags (file_version below 2) */
  tp_sha256 sha;
  uint64_t size;
  int64_t mtime_s;
  uint32_t *series;   /* reader tag id -> index + 1 in run->series, 0 = not looked up yet */
  size_t n_series;    /* entries in series */
} S_load;

static void S_l_file(void *ctx, uint64_t size, int64_t mtime_s) {
  S_load *l = ctx;
  l->size = size;
  l->mtime_s = mtime_s;
}

static void S_l_bytes(void *ctx, const void *data, size_t n) {
  tp_sha256_update(&((S_load *)ctx)->sha, data, n);
}

static void S_l_event(void *ctx, const tp_tfevents_event *ev) {
  S_load *l = ctx;
  tp_run *run = l->run;
  tp_run_note_event(run, ev->step, ev->wall_time_s);
  if (ev->has_file_version) {
    if (run->tb.file_version != 0 && run->tb.file_version != ev->file_version)
      tp_diag_add(l->d, TP_NOTE, l->path, -1, -1,
                  "file_version changes from %g to %g at byte %lld; from here on the purge "
                  "rule of the new version applies, as in TensorBoard",
                  run->tb.file_version, ev->file_version, (long long)ev->offset);
    run->tb.file_version = ev->file_version;
  }
  l->purge = false;
  if (run->tb.file_version >= 2) return; /* purges only on SessionLog START */
  if (ev->step < run->tb.recent_step && ev->summary) l->purge = true;
  else run->tb.recent_step = ev->step;
}

static void S_l_scalar(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t id,
                       double value) {
  S_load *l = ctx;
  if (l->purge) tp_run_purge_tag(l->run, tag, ev->step);
  if (id >= l->n_series) { /* ids are dense, so the table stays small */
    size_t old = l->n_series;
    TP_GROW(l->series, l->n_series, (size_t)id + 1);
    memset(l->series + old, 0, (l->n_series - old) * sizeof *l->series);
  }
  if (!l->series[id]) l->series[id] = (uint32_t)(tp_run_series(l->run, tag) - l->run->series) + 1;
  tp_run_append_point(l->run, &l->run->series[l->series[id] - 1], ev->step, ev->wall_time_s,
                      value);
}

static void S_l_skipped(void *ctx, const tp_tfevents_event *ev, const char *tag,
                        const char *kind) {
  tp_run_count_skipped(((S_load *)ctx)->run, tag, kind);
}

static void S_l_session(void *ctx, const tp_tfevents_event *ev, int status) {
  tp_run *run = ((S_load *)ctx)->run;
  if (status == TP_SESSION_START && run->tb.file_version >= 2) tp_run_session_start(run, ev->step);
}

static void S_l_hparam(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                       double number) {
  S_load *l = ctx;
  tp_run_set_hparam(l->run, key, kind, text, number, l->path);
}

int tp_tfevents_load_run(tp_run *run, const char *path, tp_diags *d) {
  static const tp_tfevents_visitor v = {
      .file = S_l_file, .bytes = S_l_bytes, .event = S_l_event, .scalar = S_l_scalar,
      .skipped = S_l_skipped, .session_log = S_l_session, .hparam = S_l_hparam};
  S_load l = {.run = run, .path = path, .d = d};
  const char *was = run->reading;
  run->reading = "tfevents";
  tp_sha256_init(&l.sha);
  tp_run_time_source(run, path, "event wall_time");
  int rc = tp_tfevents_read(path, &v, &l, d);
  free(l.series);
  tp_input *in = tp_run_add_input(run, path, "tfevents");
  in->size = l.sha.n_bytes;
  in->mtime_s = l.mtime_s;
  if (l.sha.n_bytes || l.size == 0) tp_sha256_hex(&l.sha, in->sha256);
  run->reading = was;
  return rc;
}
