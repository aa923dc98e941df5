/* Tests for model/tracerec: a trace recording is replayed exactly, handles
 * mapped to the sink's, and one that is damaged, cut short or of values no
 * reader gives delivers nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/mem.h"
#include "model/tracerec.h"
#include "tp_test.h"

static void S_u32(tp_buf *b, uint32_t v) {
  for (int i = 0; i < 4; i++) tp_buf_addc(b, (char)(v >> (8 * i)));
}

static void S_f64(tp_buf *b, double d) {
  uint64_t v;
  memcpy(&v, &d, 8);
  for (int i = 0; i < 8; i++) tp_buf_addc(b, (char)(v >> (8 * i)));
}

static void S_str(tp_buf *b, const char *s) {
  S_u32(b, (uint32_t)strlen(s));
  tp_buf_add(b, s, strlen(s));
}

/* A recording: a first line, two devices (the second refused by the reader's
 * sink: handle -1), a field, three samples of each, a warning; sealed. */
static void S_recording(tp_buf *b, int kind_of_first) {
  tp_buf_printf(b, "head\n");
  tp_buf_addc(b, 'D'), S_u32(b, 0), S_str(b, "gpu0"), S_str(b, "A100");
  tp_buf_addc(b, (char)kind_of_first), S_f64(b, 0);
  tp_buf_addc(b, 'F'), S_u32(b, 0), S_u32(b, TP_FIELD_DRAW_AVERAGE);
  tp_buf_addc(b, 'D'), S_u32(b, UINT32_MAX), S_str(b, "gpu1"), S_u32(b, UINT32_MAX);
  tp_buf_addc(b, TP_SAMPLE_POWER_W), S_f64(b, 0);
  for (int i = 0; i < 3; i++) {
    tp_buf_addc(b, 'S'), S_u32(b, 0), S_f64(b, 100.0 + i), S_f64(b, 250.5 + i);
    tp_buf_addc(b, 'S'), S_u32(b, UINT32_MAX), S_f64(b, 100.0 + i), S_f64(b, 1);
  }
  tp_buf_addc(b, 'G'), tp_buf_addc(b, TP_WARN), S_str(b, "gpu.csv");
  S_f64(b, 0), S_f64(b, 0); /* offset and line: the bytes of 0 either way */
  S_str(b, "a row skipped");
  tp_buf_addc(b, 'E');
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, b->data, b->len);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  tp_buf_add(b, hex, 32);
}

static void test_replay(void) {
  tp_buf b = {0};
  S_recording(&b, TP_SAMPLE_POWER_W);
  tp_power_tally t = {0};
  tp_trace_sink sink = tp_power_tally_sink(&t);
  tp_diags d = {0};
  CHECK(tp_tracerec_replay((unsigned char *)b.data, b.len, 5, &sink, &d));
  CHECK_INT(t.n_dev, 2);
  CHECK_STR(t.dev[0].id, "gpu0");
  CHECK_STR(t.dev[0].name, "A100");
  CHECK(t.dev[1].name == NULL);
  CHECK_INT(t.dev[0].n, 3);
  CHECK_NEAR(t.dev[0].t_first, 100.0, 0);
  CHECK_NEAR(t.dev[0].v_last, 252.5, 0);
  CHECK_INT(t.dev[1].n, 0); /* its samples were recorded with handle -1: no device */
  CHECK_INT(t.n_samples, 3);
  CHECK_INT(d.count, 1);
  CHECK_STR(d.items[0].message, "a row skipped");
  CHECK_INT(d.items[0].severity, TP_WARN);
  tp_power_tally_free(&t);
  tp_diag_free(&d);
  tp_buf_free(&b);
}

/* Each refusal delivers nothing at all. */
static void S_refused(const tp_buf *b, size_t body_at, const char *what) {
  tp_power_tally t = {0};
  tp_trace_sink sink = tp_power_tally_sink(&t);
  tp_diags d = {0};
  bool taken = tp_tracerec_replay((const unsigned char *)b->data, b->len, body_at, &sink, &d);
  if (taken || t.n_dev || t.n_samples || d.count) {
    tp_test_failed++;
    fprintf(stderr, "refusal %s: taken %d, %zu devices, %zu diagnostics\n", what, taken,
            t.n_dev, d.count);
  } else {
    tp_test_passed++;
  }
  tp_power_tally_free(&t);
  tp_diag_free(&d);
}

static void test_refusals(void) {
  tp_buf b = {0};
  S_recording(&b, TP_SAMPLE_POWER_W);
  b.data[20] ^= 1; /* a byte changed: the seal no longer matches */
  S_refused(&b, 5, "damaged");
  b.data[20] ^= 1;
  b.len -= 1; /* cut short */
  S_refused(&b, 5, "cut short");
  tp_buf_free(&b);
  tp_buf c = {0};
  S_recording(&c, 7); /* a kind no reader gives, sealed: refused by the record check */
  S_refused(&c, 5, "unknown kind");
  S_refused(&c, c.len + 1, "body past the end");
  tp_buf_free(&c);
  S_refused(&(tp_buf){0}, 0, "empty");
}

int main(void) {
  TP_RUN(test_replay);
  TP_RUN(test_refusals);
  return tp_test_summary();
}
