/* test_tfevents: the event-file reader on records built here, byte by byte.
 *
 * Every numeric dtype from tensor_content and from the typed field (packed and
 * not), metadata only on a tag's first value, the hparams plugin, SessionLog,
 * skipped kinds, the run loader's restart handling, and every bad-input case
 * with the exact diagnostic and the values that must survive it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/text/crc32c.h"
#include "parser/logs/tfevents.h"
#include "tp_test.h"

/* ---- building protobuf and records ------------------------------------- */

typedef tp_buf B;

static void b_raw(B *b, const void *p, size_t n) { tp_buf_add(b, p, n); }
static void b_varint(B *b, uint64_t v) {
  do {
    uint8_t c = (uint8_t)(v & 0x7F);
    v >>= 7;
    if (v) c |= 0x80;
    b_raw(b, &c, 1);
  } while (v);
}
static void b_key(B *b, uint32_t f, uint32_t w) { b_varint(b, (uint64_t)f << 3 | w); }
static void b_le(B *b, uint64_t v, int n) {
  for (int i = 0; i < n; i++) {
    uint8_t c = (uint8_t)(v >> (8 * i));
    b_raw(b, &c, 1);
  }
}
static void b_fixed32(B *b, uint32_t f, uint32_t v) { b_key(b, f, 5), b_le(b, v, 4); }
static void b_fixed64(B *b, uint32_t f, uint64_t v) { b_key(b, f, 1), b_le(b, v, 8); }
static void b_vfield(B *b, uint32_t f, uint64_t v) { b_key(b, f, 0), b_varint(b, v); }
static void b_bytes(B *b, uint32_t f, const void *p, size_t n) {
  b_key(b, f, 2), b_varint(b, n), b_raw(b, p, n);
}
static void b_str(B *b, uint32_t f, const char *s) { b_bytes(b, f, s, strlen(s)); }
/* Append sub as a length-delimited field and free it. */
static void b_sub(B *b, uint32_t f, B *sub) {
  b_bytes(b, f, sub->data ? sub->data : "", sub->len);
  tp_buf_free(sub);
}
static uint64_t f64bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t f32bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }

/* One TFRecord around payload. */
static void b_record(B *file, const B *payload) {
  B h = {0};
  b_le(&h, payload->len, 8);
  uint32_t lc = tp_crc32c_mask(tp_crc32c_update(0, h.data, 8));
  b_le(&h, lc, 4);
  b_raw(file, h.data, h.len);
  b_raw(file, payload->data ? payload->data : "", payload->len);
  B t = {0};
  b_le(&t, tp_crc32c_mask(tp_crc32c_update(0, payload->data ? payload->data : "", payload->len)),
       4);
  b_raw(file, t.data, t.len);
  tp_buf_free(&h);
  tp_buf_free(&t);
}

/* An Event with wall_time, step and one oneof member (field f, body). */
static void b_event(B *file, double wall, int64_t step, uint32_t f, B *body) {
  B e = {0};
  b_fixed64(&e, 1, f64bits(wall));
  b_vfield(&e, 2, (uint64_t)step);
  if (body) b_sub(&e, f, body);
  b_record(file, &e);
  tp_buf_free(&e);
}

static void b_version(B *file) {
  B v = {0};
  b_str(&v, 0, "");
  v.len = 0;
  b_str(&v, 3, "brain.Event:2");
  B e = {0};
  b_fixed64(&e, 1, f64bits(1700000000.0));
  b_raw(&e, v.data, v.len);
  b_record(file, &e);
  tp_buf_free(&v);
  tp_buf_free(&e);
}

/* A Summary with one Value (tag, then `rest` appended raw). */
static void b_summary_event(B *file, double wall, int64_t step, const char *tag, B *rest) {
  B val = {0}, sum = {0};
  b_str(&val, 1, tag);
  if (rest) b_raw(&val, rest->data ? rest->data : "", rest->len), tp_buf_free(rest);
  b_sub(&sum, 1, &val);
  b_event(file, wall, step, 5, &sum);
}

static void b_simple(B *file, double wall, int64_t step, const char *tag, float v) {
  B r = {0};
  b_fixed32(&r, 2, f32bits(v));
  b_summary_event(file, wall, step, tag, &r);
}

/* Metadata with a plugin name (and optional content). */
static void b_meta(B *b, const char *plugin, B *content) {
  B pd = {0}, md = {0};
  b_str(&pd, 1, plugin);
  if (content) b_sub(&pd, 2, content);
  b_sub(&md, 1, &pd);
  b_sub(b, 9, &md);
}

/* ---- collecting what the reader gives ---------------------------------- */

typedef struct seen {
  tp_buf log;       /* one line per callback */
  int events;
} seen;

static void s_event(void *ctx, const tp_tfevents_event *ev) { ((seen *)ctx)->events++; }
static void s_scalar(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t id,
                     double v) {
  char buf[32];
  tp_buf_printf(&((seen *)ctx)->log, "S %s %lld %s\n", tag, (long long)ev->step,
                tp_fmt_double(buf, v));
}
static void s_skipped(void *ctx, const tp_tfevents_event *ev, const char *tag, const char *k) {
  tp_buf_printf(&((seen *)ctx)->log, "K %s %s\n", tag, k);
}
static void s_session(void *ctx, const tp_tfevents_event *ev, int status) {
  tp_buf_printf(&((seen *)ctx)->log, "L %d %lld\n", status, (long long)ev->step);
}
static void s_hparam(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                     double number) {
  tp_buf_printf(&((seen *)ctx)->log, "H %s %d %s\n", key, (int)kind, text);
}
static void s_info(void *ctx, const char *name, const char *type) {
  tp_buf_printf(&((seen *)ctx)->log, "I %s %s\n", name, type);
}
static void s_metric(void *ctx, const char *group, const char *tag) {
  tp_buf_printf(&((seen *)ctx)->log, "M %s/%s\n", group, tag);
}

static const tp_tfevents_visitor V = {.event = s_event, .scalar = s_scalar,
                                      .skipped = s_skipped, .session_log = s_session,
                                      .hparam = s_hparam, .hparam_info = s_info,
                                      .metric_info = s_metric};

/* Read file image, return the log; *d gets the diagnostics. */
static int read_image(const B *file, seen *s, tp_diags *d) {
  *s = (seen){0};
  return tp_tfevents_read_mem(file->data ? file->data : "", file->len, "mem", &V, s, d);
}

/* All diagnostics formatted, one per line. */
static char *diag_text(const tp_diags *d) {
  tp_buf b = {0};
  for (size_t i = 0; i < d->count; i++) {
    char *s = tp_diag_format(&d->items[i]);
    tp_buf_printf(&b, "%s\n", s);
    free(s);
  }
  tp_buf_adds(&b, "");
  return tp_buf_detach(&b);
}

#define CHECK_LOG(s, want) CHECK_STR(tp_buf_str(&(s).log), want)
#define CHECK_DIAGS(d, want)                                                         \
  do {                                                                               \
    char *t_ = diag_text(&(d));                                                      \
    CHECK_STR(t_, want);                                                             \
    free(t_);                                                                        \
  } while (0)

/* ---- tests -------------------------------------------------------------- */

/* A scalar tensor: dtype, shape rank 0, value in content (raw bytes) or in the
 * typed field f (elements given as raw values, packed or not). */
static void b_tensor_event(B *file, int64_t step, const char *tag, int dtype, const void *content,
                           size_t cn, uint32_t f, const uint64_t *elems, size_t ne, bool packed,
                           bool meta) {
  B t = {0}, shape = {0}, rest = {0};
  b_vfield(&t, 1, (uint64_t)dtype);
  b_sub(&t, 2, &shape); /* rank 0: an empty TensorShapeProto */
  if (content) b_bytes(&t, 4, content, cn);
  uint32_t w = f == 5 ? 5 : f == 6 ? 1 : 0;
  if (packed) {
    B p = {0};
    for (size_t i = 0; i < ne; i++) w == 0 ? b_varint(&p, elems[i]) : b_le(&p, elems[i], w == 5 ? 4 : 8);
    b_sub(&t, f, &p);
  } else {
    for (size_t i = 0; i < ne; i++) {
      b_key(&t, f, w);
      w == 0 ? b_varint(&t, elems[i]) : b_le(&t, elems[i], w == 5 ? 4 : 8);
    }
  }
  b_sub(&rest, 8, &t);
  if (meta) b_meta(&rest, "scalars", NULL);
  b_summary_event(file, 1700000001.5, step, tag, &rest);
}

static void test_dtypes(void) {
  B f = {0};
  b_version(&f);
  float fl = 0.1f;
  double db = 0.1;
  int32_t i32 = -7;
  int64_t i64 = -(INT64_C(1) << 40);
  uint8_t hp[2] = {0x00, 0x3C};   /* half 1.0 */
  uint8_t bf[2] = {0xC0, 0x3F};   /* bfloat16 1.5 */
  /* From tensor_content. */
  b_tensor_event(&f, 1, "c/float", 1, &fl, 4, 0, NULL, 0, false, true);
  b_tensor_event(&f, 2, "c/double", 2, &db, 8, 0, NULL, 0, false, true);
  b_tensor_event(&f, 3, "c/int32", 3, &i32, 4, 0, NULL, 0, false, true);
  b_tensor_event(&f, 4, "c/int64", 9, &i64, 8, 0, NULL, 0, false, true);
  b_tensor_event(&f, 5, "c/half", 19, hp, 2, 0, NULL, 0, false, true);
  b_tensor_event(&f, 6, "c/bfloat16", 14, bf, 2, 0, NULL, 0, false, true);
  uint8_t u8 = 200, i8 = 0x80, b1 = 1;
  b_tensor_event(&f, 7, "c/uint8", 4, &u8, 1, 0, NULL, 0, false, true);
  b_tensor_event(&f, 8, "c/int8", 6, &i8, 1, 0, NULL, 0, false, true);
  b_tensor_event(&f, 9, "c/bool", 10, &b1, 1, 0, NULL, 0, false, true);
  /* From the typed fields, packed and not. */
  uint64_t e;
  e = f32bits(0.25f);
  b_tensor_event(&f, 11, "t/float", 1, NULL, 0, 5, &e, 1, true, true);
  e = f64bits(1e300);
  b_tensor_event(&f, 12, "t/double", 2, NULL, 0, 6, &e, 1, false, true);
  e = (uint64_t)(int64_t)-3; /* int32 negatives are 10-byte varints */
  b_tensor_event(&f, 13, "t/int32", 3, NULL, 0, 7, &e, 1, false, true);
  e = (uint64_t)INT64_C(-9007199254740993);
  b_tensor_event(&f, 14, "t/int64", 9, NULL, 0, 10, &e, 1, true, true);
  e = 0xFC00; /* half -inf */
  b_tensor_event(&f, 15, "t/half", 19, NULL, 0, 13, &e, 1, false, true);
  e = 0x4049; /* bfloat16 3.140625 */
  b_tensor_event(&f, 16, "t/bfloat16", 14, NULL, 0, 13, &e, 1, true, true);
  e = 4000000000u;
  b_tensor_event(&f, 17, "t/uint32", 22, NULL, 0, 16, &e, 1, false, true);
  e = UINT64_MAX;
  b_tensor_event(&f, 18, "t/uint64", 23, NULL, 0, 17, &e, 1, false, true);
  e = 0xFFFF; /* uint16 */
  b_tensor_event(&f, 19, "t/uint16", 17, NULL, 0, 7, &e, 1, false, true);
  e = (uint64_t)(int64_t)-300;
  b_tensor_event(&f, 20, "t/int16", 5, NULL, 0, 7, &e, 1, false, true);
  seen s;
  tp_diags d = {0};
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S c/float 1 0.10000000149011612\n"
               "S c/double 2 0.1\n"
               "S c/int32 3 -7\n"
               "S c/int64 4 -1099511627776\n"
               "S c/half 5 1\n"
               "S c/bfloat16 6 1.5\n"
               "S c/uint8 7 200\n"
               "S c/int8 8 -128\n"
               "S c/bool 9 1\n"
               "S t/float 11 0.25\n"
               "S t/double 12 1e+300\n"
               "S t/int32 13 -3\n"
               "S t/int64 14 -9007199254740992\n"
               "S t/half 15 -inf\n"
               "S t/bfloat16 16 3.140625\n"
               "S t/uint32 17 4000000000\n"
               "S t/uint64 18 1.8446744073709552e+19\n"
               "S t/uint16 19 65535\n"
               "S t/int16 20 -300\n");
  CHECK_INT(d.count, 0);
  CHECK_INT(s.events, 20);
  tp_buf_free(&s.log);
  tp_diag_free(&d);
  tp_buf_free(&f);
}

/* Metadata only on a tag's first value decides for all its values; a tensor
 * without metadata is not a scalar; simple_value always is. */
static void test_first_metadata(void) {
  B f = {0};
  float a = 1.5f, b = 2.5f;
  b_tensor_event(&f, 1, "loss", 1, &a, 4, 0, NULL, 0, false, true);
  b_tensor_event(&f, 2, "loss", 1, &b, 4, 0, NULL, 0, false, false);
  b_tensor_event(&f, 3, "plain", 1, &a, 4, 0, NULL, 0, false, false);
  b_tensor_event(&f, 4, "plain", 1, &b, 4, 0, NULL, 0, false, true);
  b_simple(&f, 1700000002.0, 5, "acc", 0.75f);
  B r = {0};
  b_bytes(&r, 5, "\x08\x01", 2); /* legacy histo */
  b_summary_event(&f, 1700000003.0, 6, "w", &r);
  r = (B){0};
  b_bytes(&r, 4, "\x08\x01", 2); /* legacy image */
  b_summary_event(&f, 1700000003.0, 7, "img", &r);
  r = (B){0};
  b_bytes(&r, 8, "\x08\x07", 2); /* DT_STRING tensor */
  b_meta(&r, "text", NULL);
  b_summary_event(&f, 1700000003.0, 8, "notes", &r);
  b_event(&f, 1700000004.0, 9, 4, &(B){0}); /* graph_def */
  seen s;
  tp_diags d = {0};
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S loss 1 1.5\nS loss 2 2.5\nK plain tensor\nK plain tensor\nS acc 5 0.75\n"
               "K w histogram\nK img image\nK notes text\nK __run_graph__ graph\n");
  CHECK_INT(d.count, 0);
  tp_buf_free(&s.log);
  tp_diag_free(&d);
  tp_buf_free(&f);
}

static void test_hparams_and_session(void) {
  B f = {0};
  /* session_start_info: lr (number), opt (string), amp (bool). */
  B ssi = {0}, ent, val, content = {0}, rest = {0};
  const struct { const char *k; int kind; } hp[] = {{"lr", 2}, {"opt", 3}, {"amp", 4}};
  for (int i = 0; i < 3; i++) {
    ent = (B){0}, val = (B){0};
    b_str(&ent, 1, hp[i].k);
    if (hp[i].kind == 2) b_fixed64(&val, 2, f64bits(0.001));
    else if (hp[i].kind == 3) b_str(&val, 3, "adam,w");
    else b_vfield(&val, 4, 1);
    b_sub(&ent, 2, &val);
    b_sub(&ssi, 1, &ent);
  }
  b_sub(&content, 3, &ssi);
  b_meta(&rest, "hparams", &content);
  b_summary_event(&f, 1700000000.0, 0, "_hparams_/session_start_info", &rest);
  /* experiment: hparam_infos and metric_infos. */
  B exp = {0}, info = {0}, mi = {0}, mn = {0};
  content = (B){0}, rest = (B){0};
  b_str(&info, 1, "lr");
  b_vfield(&info, 4, 3);
  b_sub(&exp, 4, &info);
  b_str(&mn, 2, "val/acc");
  b_sub(&mi, 1, &mn);
  b_sub(&exp, 5, &mi);
  b_sub(&content, 2, &exp);
  b_meta(&rest, "hparams", &content);
  b_summary_event(&f, 1700000000.0, 0, "_hparams_/experiment", &rest);
  B sl = {0};
  b_vfield(&sl, 1, 1);
  b_event(&f, 1700000001.0, 5, 7, &sl);
  seen s;
  tp_diags d = {0};
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "H lr 1 0.001\nH opt 0 adam,w\nH amp 2 true\nI lr number\nM /val/acc\nL 1 5\n");
  CHECK_INT(d.count, 0);
  tp_buf_free(&s.log);
  tp_diag_free(&d);
  tp_buf_free(&f);
}

/* A file_version record with the given text. */
static void b_version_text(B *file, const char *text) {
  B e = {0};
  b_fixed64(&e, 1, f64bits(1700000000.0));
  b_str(&e, 3, text);
  b_record(file, &e);
  tp_buf_free(&e);
}

/* A SessionLog event with status st at step. */
static void b_session(B *file, double wall, int64_t step, int st) {
  B sl = {0};
  b_vfield(&sl, 1, (uint64_t)st);
  b_event(file, wall, step, 7, &sl);
}

/* An image value (not a scalar) under tag at step. */
static void b_image(B *file, double wall, int64_t step, const char *tag) {
  B img = {0}, rest = {0};
  b_vfield(&img, 1, 1);
  b_sub(&rest, 4, &img);
  b_summary_event(file, wall, step, tag, &rest);
}

/* Write each image to a temporary file and load them, in order, into one run. */
static tp_run *load_images(B *files, size_t n, tp_diags *d) {
  tp_run *run = tp_run_new("r", "/tmp");
  for (size_t i = 0; i < n; i++) {
    char path[] = "/tmp/tp_test_tfevents_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_INT(write(fd, files[i].data, files[i].len), (long long)files[i].len);
    close(fd);
    CHECK_INT(tp_tfevents_load_run(run, path, d), 0);
    unlink(path);
    tp_buf_free(&files[i]);
  }
  return run;
}

/* brain.Event:2 purges only on a SessionLog START: every series loses its
 * points at or after the START's step.  loss logs steps 0..9, START at 5, then
 * 5..7: 5 old points (0..4) + 3 new = 8, 5 dropped, one restart of loss. */
static void test_load_run_restart(void) {
  B f = {0};
  b_version(&f);
  for (int i = 0; i < 10; i++) b_simple(&f, 1700000000.0 + i, i, "loss", (float)i);
  b_session(&f, 1700000100.0, 5, 1);
  for (int i = 5; i < 8; i++) b_simple(&f, 1700000100.0 + i, i, "loss", (float)(100 + i));
  size_t len = f.len;
  tp_diags d = {0};
  tp_run *run = load_images(&f, 1, &d);
  const tp_series *s = tp_run_find_series(run, "loss");
  CHECK(s && s->count == 8);
  if (s && s->count == 8) {
    CHECK_INT(s->points[4].step, 4);
    CHECK_INT(s->points[5].step, 5);
    CHECK_NEAR(s->points[5].value, 105, 0);
    CHECK_INT(s->dropped, 5);
    CHECK_INT(s->restarts, 1);
  }
  CHECK_INT(run->restarts, 1);
  CHECK_NEAR(run->start_s, 1700000000.0, 0);
  CHECK_NEAR(run->end_s, 1700000107.0, 0);
  CHECK_INT(run->n_inputs, 1);
  CHECK_INT(run->inputs[0].size, len);
  CHECK_INT(strlen(run->inputs[0].sha256), 64);
  tp_run_finish(run);
  /* the run says which series restarted and how many points were dropped */
  bool said_restart = false, said_dropped = false;
  for (size_t i = 0; i < run->diags.count; i++) {
    const char *m = run->diags.items[i].message;
    if (strstr(m, "per series: loss (1); restarts: 1")) said_restart = true;
    if (strstr(m, "5 logged points dropped") && strstr(m, "loss (5)")) said_dropped = true;
  }
  CHECK(said_restart);
  CHECK(said_dropped);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* brain.Event:2 without a START: steps that go back purge nothing (TensorBoard
 * shows both segments), but the series still counts its restart.  And two
 * files of one run (a rerun into the same directory) each logging 0..9: the
 * file_version carries over, all 10 + 3 + 10 points are kept, two restarts. */
static void test_load_run_v2_no_start(void) {
  B f[2] = {{0}, {0}};
  b_version(&f[0]);
  for (int i = 0; i < 10; i++) b_simple(&f[0], 1700000000.0 + i, i, "loss", (float)i);
  for (int i = 5; i < 8; i++) b_simple(&f[0], 1700000100.0 + i, i, "loss", (float)(100 + i));
  for (int i = 0; i < 10; i++) b_simple(&f[1], 1700000200.0 + i, i, "loss", (float)(200 + i));
  tp_diags d = {0};
  tp_run *run = load_images(f, 2, &d);
  const tp_series *s = tp_run_find_series(run, "loss");
  CHECK(s && s->count == 23);
  if (s && s->count == 23) {
    CHECK_INT(s->points[10].step, 5);
    CHECK_NEAR(s->points[10].value, 105, 0);
    CHECK_INT(s->points[13].step, 0);
    CHECK_NEAR(s->points[13].value, 200, 0);
    CHECK_INT(s->dropped, 0);
  }
  CHECK_INT(run->restarts, 2);
  CHECK_INT(run->tb.file_version, 2);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* No file_version (or brain.Event:1): an event holding a summary whose step is
 * below the latest non-purging event's step purges the tags it holds, and
 * only those; other events become the latest.  Worked through:
 *   loss and acc at 0..9 (latest 9);
 *   an image at step 3: purges tag img only, no restart (not a scalar);
 *   loss at 6: 6 < 9, loss loses 6..9 (4 dropped), acc keeps its 10; loss
 *     restarted once;
 *   a SessionLog at step 2 (no summary): latest = 2, nothing purged;
 *   acc at 4: 4 >= 2, so no purge: acc holds 11 points, restarted once. */
static void test_load_run_v1(void) {
  B f = {0};
  b_version_text(&f, "brain.Event:1");
  for (int i = 0; i < 10; i++) {
    b_simple(&f, 1700000000.0 + i, i, "loss", (float)i);
    b_simple(&f, 1700000000.5 + i, i, "acc", (float)i);
  }
  b_image(&f, 1700000020.0, 3, "img");
  b_simple(&f, 1700000021.0, 6, "loss", 60.0f);
  b_session(&f, 1700000022.0, 2, 1);
  b_simple(&f, 1700000023.0, 4, "acc", 40.0f);
  tp_diags d = {0};
  tp_run *run = load_images(&f, 1, &d);
  const tp_series *loss = tp_run_find_series(run, "loss"), *acc = tp_run_find_series(run, "acc");
  CHECK(loss && acc);
  if (loss && acc) {
    CHECK_INT(loss->count, 7);
    CHECK_INT(loss->dropped, 4);
    CHECK_INT(loss->points[6].step, 6);
    CHECK_NEAR(loss->points[6].value, 60, 0);
    CHECK_INT(loss->restarts, 1);
    CHECK_INT(acc->count, 11);
    CHECK_INT(acc->dropped, 0);
    CHECK_INT(acc->restarts, 1);
  }
  CHECK_INT(run->restarts, 1);
  CHECK_NEAR(run->tb.file_version, 1, 0);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* Non-scalar events whose steps go back (images, text, run metadata) never
 * count a restart; scalar series with monotone steps count none, however
 * their events interleave. */
static void test_load_run_no_false_restart(void) {
  B f = {0};
  b_version(&f);
  for (int i = 0; i < 5; i++) {
    b_simple(&f, 1700000000.0 + i, 100 * i, "train/loss", 1.0f);
    b_image(&f, 1700000000.1 + i, i, "samples"); /* its own counter: 0..4 */
    b_simple(&f, 1700000000.2 + i, i, "val/acc", 0.5f); /* per epoch */
  }
  tp_diags d = {0};
  tp_run *run = load_images(&f, 1, &d);
  CHECK_INT(run->restarts, 0);
  CHECK_INT(tp_run_find_series(run, "train/loss")->count, 5);
  CHECK_INT(tp_run_find_series(run, "val/acc")->count, 5);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* A file of three scalars a, b, c at steps 1..3; offsets of the records. */
static void three(B *f, size_t off[3]) {
  *f = (B){0};
  for (int i = 0; i < 3; i++) {
    off[i] = f->len;
    b_simple(f, 1700000000.0 + i, i + 1, (const char *[]){"a", "b", "c"}[i], (float)(i + 1));
  }
}

static void test_bad_framing(void) {
  B f;
  size_t off[3];
  seen s;
  tp_diags d = {0};
  char want[512];

  /* Truncated last record: the two before it are kept, a warning, rc 0. */
  three(&f, off);
  f.len -= 3;
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS b 2 2\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: record at byte %zu declares %zu payload bytes but only %zu "
           "bytes remain (truncated last record); stopped reading this file, kept the 2 records "
           "before it\n",
           off[2], off[2], off[3 - 1] ? (size_t)(f.len + 3 - off[2] - 16) : 0,
           (size_t)(f.len - off[2] - 12));
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);

  /* Truncated header. */
  three(&f, off);
  f.len = off[2] + 5;
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS b 2 2\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: truncated record header at byte %zu (5 of 12 bytes); "
           "stopped reading this file, kept the 2 records before it\n", off[2], off[2]);
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);

  /* Payload CRC mismatch: that record skipped and counted, the rest read. */
  three(&f, off);
  f.data[off[1] + 14] ^= 0x01;
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS c 3 3\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: payload CRC mismatch in record at byte %zu; record skipped\n",
           off[1], off[1]);
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);

  /* Length CRC mismatch: framing stops there. */
  three(&f, off);
  f.data[off[1] + 9] ^= 0x40;
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: length CRC mismatch in record header at byte %zu; stopped "
           "reading this file, kept the 1 records before it\n", off[1], off[1]);
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);

  /* A length (with a valid CRC) larger than what is left. */
  three(&f, off);
  {
    B h = {0};
    b_le(&h, 1u << 30, 8);
    b_le(&h, tp_crc32c_mask(tp_crc32c_update(0, h.data, 8)), 4);
    memcpy(f.data + off[2], h.data, 12);
    tp_buf_free(&h);
  }
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS b 2 2\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: record at byte %zu declares 1073741824 payload bytes but "
           "only %zu bytes remain (truncated last record); stopped reading this file, kept the "
           "2 records before it\n", off[2], off[2], (size_t)(f.len - off[2] - 12));
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);

  /* Not an event file at all; an empty file. */
  f = (B){0};
  tp_buf_adds(&f, "step,loss\n1,0.5\n2,0.25\n");
  CHECK_INT(read_image(&f, &s, &d), -1);
  CHECK_LOG(s, "");
  CHECK_DIAGS(d, "error: mem: byte 0: not an event file (no valid record header at byte 0); "
                 "file skipped\n");
  tp_buf_free(&s.log), tp_diag_free(&d);
  f.len = 0;
  CHECK_INT(read_image(&f, &s, &d), -1);
  CHECK_DIAGS(d, "warning: mem: empty file; nothing read\n");
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);
}

static void test_bad_protobuf(void) {
  B f = {0};
  seen s;
  tp_diags d = {0};
  char want[512];
  size_t off1, off2, off3;
  b_simple(&f, 1700000000.0, 1, "a", 1);
  /* A Summary.Value whose tag length runs past its end: that value skipped,
   * the next value of the same event kept. */
  off1 = f.len;
  {
    B sum = {0}, bad = {0}, good = {0};
    b_key(&bad, 1, 2), b_varint(&bad, 50), tp_buf_adds(&bad, "xy");
    b_sub(&sum, 1, &bad);
    b_str(&good, 1, "b"), b_fixed32(&good, 2, f32bits(2));
    b_sub(&sum, 1, &good);
    b_event(&f, 1700000001.0, 2, 5, &sum);
  }
  /* An Event with a wire type that does not fit its field: event skipped. */
  off2 = f.len;
  {
    B e = {0};
    b_vfield(&e, 1, 12345); /* wall_time as a varint */
    b_record(&f, &e);
    tp_buf_free(&e);
  }
  /* A scalar tag whose tensor holds two elements. */
  off3 = f.len;
  {
    uint64_t el[2] = {f32bits(1), f32bits(2)};
    b_tensor_event(&f, 4, "two", 1, NULL, 0, 5, el, 2, true, true);
  }
  b_simple(&f, 1700000005.0, 5, "c", 3);
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS b 2 2\nS c 5 3\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: malformed summary value in record at byte %zu; value skipped\n"
           "warning: mem: byte %zu: malformed Event in record at byte %zu; event skipped\n"
           "warning: mem: byte %zu: scalar 'two' in record at byte %zu holds no single numeric "
           "value; value skipped\n",
           off1, off1, off2, off2, off3, off3);
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);
}

/* ---- the path for scalars of a known tag cycle ------------------------ */

/* One event of one Summary.Value: the tag, then `rest` (freed).  Variant 0
 * writes it as writers do; variant 1 appends an unknown field to the value
 * and variant 2 one to the summary, which the reader skips, so that both take
 * the general parse: all three must read the same. */
static void b_cycle_value(B *f, int variant, int64_t step, const char *tag, B *rest) {
  B val = {0}, sum = {0};
  b_str(&val, 1, tag);
  b_raw(&val, rest->data ? rest->data : "", rest->len);
  tp_buf_free(rest);
  if (variant == 1) b_vfield(&val, 15, 7);
  b_sub(&sum, 1, &val);
  if (variant == 2) b_vfield(&sum, 15, 7);
  b_event(f, 1700000000.0 + (double)step, step, 5, &sum);
}

static void b_cycle_simple(B *f, int variant, int64_t step, const char *tag, float v) {
  B r = {0};
  b_fixed32(&r, 2, f32bits(v));
  b_cycle_value(f, variant, step, tag, &r);
}

/* A TF2 scalar: DT_FLOAT or DT_DOUBLE in tensor_content, plugin `plugin`. */
static void b_cycle_tensor(B *f, int variant, int64_t step, const char *tag, double v,
                           bool dbl, const char *plugin) {
  B t = {0}, shape = {0}, r = {0};
  float fl = (float)v;
  b_vfield(&t, 1, dbl ? 2 : 1);
  b_sub(&t, 2, &shape);
  if (dbl) b_bytes(&t, 4, &v, 8);
  else b_bytes(&t, 4, &fl, 4);
  b_sub(&r, 8, &t);
  b_meta(&r, plugin, NULL);
  b_cycle_value(f, variant, step, tag, &r);
}

static void b_cycle_histo(B *f, int variant, int64_t step, const char *tag) {
  B r = {0};
  b_bytes(&r, 5, "\x08\x01", 2);
  b_cycle_value(f, variant, step, tag, &r);
}

/* Three steps of a fixed cycle of tags, then values that break it in each way
 * the shortcut must notice. */
static void b_cycle_file(B *f, int variant) {
  char long_tag[129], plugin[140];
  memset(long_tag, 'L', 127), long_tag[127] = '\0'; /* the longest one-byte tag length */
  memset(plugin, 'p', 139), plugin[139] = '\0';      /* metadata of over 127 bytes */
  b_version(f);
  for (int64_t step = 1; step <= 3; step++) {
    b_cycle_simple(f, variant, step, "loss", 1.0f / (float)step);
    b_cycle_simple(f, variant, step, long_tag, (float)step);
    b_cycle_tensor(f, variant, step, "eval/acc", 0.25 * (double)step, false, "scalars");
    b_cycle_histo(f, variant, step, "w");
    b_cycle_tensor(f, variant, step, "hp", 1, false, "hparams");
  }
  b_cycle_tensor(f, variant, 4, "loss", 0.5, false, "scalars");    /* TF2 for a legacy tag */
  b_cycle_simple(f, variant, 4, long_tag, -2.0f);
  b_cycle_tensor(f, variant, 4, "eval/acc", 0.1, true, "scalars");  /* DT_DOUBLE */
  b_cycle_simple(f, variant, 4, "w", 9.0f);                         /* a histogram tag */
  b_cycle_simple(f, variant, 4, "hp", 3.0f);                        /* an hparams tag */
  b_cycle_simple(f, variant, 5, "lose", 7.0f);   /* new tag, as long as the expected one */
  b_cycle_tensor(f, variant, 5, long_tag, 1.5, false, plugin);
  b_cycle_tensor(f, variant, 5, "eval/acc", 0.75, false, "scalars");
}

static void test_cycle_shortcut(void) {
  static const char want[] =
      "S loss 1 1\nS L 1 1\nS eval/acc 1 0.25\nK w histogram\n"
      "S loss 2 0.5\nS L 2 2\nS eval/acc 2 0.5\nK w histogram\n"
      "S loss 3 0.3333333432674408\nS L 3 3\nS eval/acc 3 0.75\nK w histogram\n"
      "S loss 4 0.5\nS L 4 -2\nS eval/acc 4 0.1\nK w histogram\n"
      "S lose 5 7\nS L 5 1.5\nS eval/acc 5 0.75\n";
  char long_tag[128];
  memset(long_tag, 'L', 127), long_tag[127] = '\0';
  for (int variant = 0; variant < 3; variant++) {
    B f = {0};
    b_cycle_file(&f, variant);
    seen s;
    tp_diags d = {0};
    CHECK_INT(read_image(&f, &s, &d), 0);
    /* The long tag stands as "L" in the expected text. */
    char *log = tp_buf_detach(&s.log);
    for (char *at; (at = strstr(log, long_tag));) memmove(at + 1, at + 127, strlen(at + 127) + 1);
    CHECK_STR(log, want);
    CHECK_INT(s.events, 24);
    CHECK_INT(d.count, 0);
    free(log);
    tp_diag_free(&d);
    tp_buf_free(&f);
  }
  /* A value laid out as a TF2 scalar of the expected tag whose metadata
   * runs past its end: malformed, as the general parse finds it. */
  B f = {0};
  b_cycle_file(&f, 0);
  size_t off = f.len;
  {
    B val = {0}, sum = {0}, t = {0}, shape = {0};
    float one = 1;
    b_str(&val, 1, "loss");
    b_vfield(&t, 1, 1), b_sub(&t, 2, &shape), b_bytes(&t, 4, &one, 4);
    b_sub(&val, 8, &t);
    b_key(&val, 9, 2), b_varint(&val, 9), tp_buf_adds(&val, "xyz");
    b_sub(&sum, 1, &val);
    b_event(&f, 1700000006.0, 6, 5, &sum);
  }
  /* A summary whose one value's length is two bytes long (133), one byte
   * short: its first length byte plus two would be the summary's size. */
  size_t off2 = f.len;
  {
    B sum = {0};
    b_key(&sum, 1, 2), b_varint(&sum, 133);
    b_key(&sum, 1, 2), b_varint(&sum, 4), tp_buf_adds(&sum, "loss");
    b_fixed32(&sum, 2, f32bits(5));
    while (sum.len < 132) tp_buf_adds(&sum, "\x40\x01"); /* field 8, varint 1 */
    tp_buf_adds(&sum, "\x40\x81\x01");                  /* field 8, varint 129 */
    CHECK_INT(sum.len, 135);
    b_event(&f, 1700000006.0, 6, 5, &sum);
  }
  b_cycle_simple(&f, 0, 7, "eval/acc", 2.0f);
  seen s;
  tp_diags d = {0};
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK(strstr(tp_buf_str(&s.log), "S eval/acc 5 0.75\nS eval/acc 7 2\n") != NULL);
  char want_diag[400];
  snprintf(want_diag, sizeof want_diag,
           "warning: mem: byte %zu: malformed summary value in record at byte %zu; value "
           "skipped\n"
           "warning: mem: byte %zu: malformed Summary in record at byte %zu; rest of its values "
           "skipped\n",
           off, off, off2, off2);
  CHECK_DIAGS(d, want_diag);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);
}

/* Files: unreadable, a directory, an empty file; and a record over the
 * decoding limit (a big graph_def) streamed through the CRC and counted. */
static void test_files(void) {
  tp_diags d = {0};
  seen s = {0};
  CHECK_INT(tp_tfevents_read("/nonexistent/events.out.tfevents.1", &V, &s, &d), -1);
  CHECK_DIAGS(d, "error: /nonexistent/events.out.tfevents.1: cannot read: No such file or "
                 "directory; file skipped\n");
  tp_diag_free(&d);
  CHECK_INT(tp_tfevents_read("/tmp", &V, &s, &d), -1);
  CHECK_DIAGS(d, "error: /tmp: not a regular file; skipped\n");
  tp_diag_free(&d);

  char path[] = "/tmp/tp_test_tfevents_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  B f = {0};
  b_simple(&f, 1700000000.0, 1, "a", 1);
  B big = {0};
  char *blob = tp_xcalloc(1, TP_TFEVENTS_MAX_DECODED + 100);
  b_bytes(&big, 1, blob, TP_TFEVENTS_MAX_DECODED + 100); /* a GraphDef's node field */
  free(blob);
  b_event(&f, 1700000001.0, 2, 4, &big);
  b_simple(&f, 1700000002.0, 3, "a", 2);
  CHECK_INT(write(fd, f.data, f.len), (long long)f.len);
  close(fd);
  CHECK_INT(tp_tfevents_read(path, &V, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nK __run_graph__ graph\nS a 3 2\n");
  CHECK_INT(d.count, 0);
  tp_buf_free(&s.log);
  /* Corrupt a byte in the middle of the big record: skipped, the rest kept. */
  fd = open(path, O_WRONLY);
  CHECK(pwrite(fd, "\x01", 1, 5000000) == 1);
  close(fd);
  s = (seen){0};
  CHECK_INT(tp_tfevents_read(path, &V, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS a 3 2\n");
  CHECK_INT(d.count, 1);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);
  /* Empty file on disk. */
  fd = open(path, O_WRONLY | O_TRUNC);
  close(fd);
  s = (seen){0};
  CHECK_INT(tp_tfevents_read(path, &V, &s, &d), -1);
  CHECK_INT(d.count, 1);
  tp_buf_free(&s.log), tp_diag_free(&d);
  unlink(path);
}

/* A length of 2^60 with a valid length CRC: refused before any memory is
 * reserved for it, the records before it kept. */
static void test_huge_length(void) {
  B f = {0};
  seen s;
  tp_diags d = {0};
  char want[512];
  b_simple(&f, 1700000000.0, 1, "a", 1);
  size_t off = f.len;
  B h = {0};
  b_le(&h, (uint64_t)1 << 60, 8);
  b_le(&h, tp_crc32c_mask(tp_crc32c_update(0, h.data, 8)), 4);
  b_raw(&f, h.data, h.len);
  tp_buf_adds(&f, "payload");
  tp_buf_free(&h);
  CHECK_INT(read_image(&f, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\n");
  snprintf(want, sizeof want,
           "warning: mem: byte %zu: record at byte %zu declares 1152921504606846976 payload "
           "bytes but only 7 bytes remain (truncated last record); stopped reading this file, "
           "kept the 1 records before it\n", off, off);
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);
}

/* A file that grows while it is read (a run still training): the reader is
 * told the size when it opens the file; a visitor appends records at that
 * moment.  What was there is read, the rest is left with a note, and the
 * reading ends. */
static const char *g_grow_path;
static void s_grow(void *ctx, uint64_t size, int64_t mtime) {
  B more = {0};
  for (int i = 0; i < 200; i++) b_simple(&more, 1700000100.0 + i, 100 + i, "late", 9);
  int fd = open(g_grow_path, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, more.data, more.len) == (ssize_t)more.len);
  if (fd >= 0) close(fd);
  tp_buf_free(&more);
}

static void test_growing_file(void) {
  char path[] = "/tmp/tp_test_tfevents_grow_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  B f = {0};
  b_simple(&f, 1700000000.0, 1, "a", 1);
  b_simple(&f, 1700000001.0, 2, "a", 2);
  CHECK_INT(write(fd, f.data, f.len), (long long)f.len);
  close(fd);
  g_grow_path = path;
  tp_tfevents_visitor v = V;
  v.file = s_grow;
  seen s = {0};
  tp_diags d = {0};
  char want[256];
  CHECK_INT(tp_tfevents_read(path, &v, &s, &d), 0);
  CHECK_LOG(s, "S a 1 1\nS a 2 2\n");
  snprintf(want, sizeof want,
           "note: %s: byte %zu: the file grew while it was read; records after byte %zu (its "
           "size when opened) are left for the next report\n", path, f.len, f.len);
  CHECK_DIAGS(d, want);
  tp_buf_free(&s.log), tp_diag_free(&d);
  /* The next reading takes all of it. */
  s = (seen){0};
  CHECK_INT(tp_tfevents_read(path, &V, &s, &d), 0);
  CHECK_INT(d.count, 0);
  CHECK(strstr(tp_buf_str(&s.log), "S late 299 9\n") != NULL);
  tp_buf_free(&s.log), tp_diag_free(&d), tp_buf_free(&f);
  unlink(path);
}

int main(void) {
  TP_RUN(test_dtypes);
  TP_RUN(test_first_metadata);
  TP_RUN(test_hparams_and_session);
  TP_RUN(test_load_run_restart);
  TP_RUN(test_load_run_v2_no_start);
  TP_RUN(test_load_run_v1);
  TP_RUN(test_load_run_no_false_restart);
  TP_RUN(test_bad_framing);
  TP_RUN(test_bad_protobuf);
  TP_RUN(test_cycle_shortcut);
  TP_RUN(test_files);
  TP_RUN(test_huge_length);
  TP_RUN(test_growing_file);
  return tp_test_summary();
}
