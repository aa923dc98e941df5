/* gen_tfevents: write a large synthetic TensorBoard event file for benchmarks.
 *
 * Usage: gen_tfevents OUT SIZE_MB
 * Writes a file_version record, then steps of: four simple_value scalars, two
 * TF2-style tensor scalars (DT_FLOAT in tensor_content, plugin "scalars"),
 * and every 10th step a legacy histogram of 30 buckets, until SIZE_MB MiB
 * are written.  Standalone (no project headers), so that the benchmark
 * script can build it with a plain `cc -O2`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t S_table[256];

static uint32_t S_crc(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) c = (c >> 8) ^ S_table[(c ^ *p++) & 0xFF];
  return ~c;
}

static uint32_t S_mask(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xA282EAD8u; }

typedef struct buf { uint8_t d[4096]; size_t n; } buf;

static void S_raw(buf *b, const void *p, size_t n) { memcpy(b->d + b->n, p, n), b->n += n; }
static void S_varint(buf *b, uint64_t v) {
  do {
    uint8_t c = (uint8_t)(v & 0x7F);
    v >>= 7;
    b->d[b->n++] = v ? c | 0x80 : c;
  } while (v);
}
static void S_key(buf *b, unsigned f, unsigned w) { S_varint(b, (uint64_t)f << 3 | w); }
static void S_le(buf *b, uint64_t v, int n) {
  for (int i = 0; i < n; i++) b->d[b->n++] = (uint8_t)(v >> (8 * i));
}
static void S_sub(buf *b, unsigned f, const buf *s) {
  S_key(b, f, 2), S_varint(b, s->n), S_raw(b, s->d, s->n);
}
static void S_str(buf *b, unsigned f, const char *s) {
  S_key(b, f, 2), S_varint(b, strlen(s)), S_raw(b, s, strlen(s));
}
static uint64_t S_dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t S_fbits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }

static uint64_t S_written;

static void S_record(FILE *out, const buf *payload) {
  uint8_t h[12];
  for (int i = 0; i < 8; i++) h[i] = (uint8_t)((uint64_t)payload->n >> (8 * i));
  uint32_t lc = S_mask(S_crc(h, 8)), pc = S_mask(S_crc(payload->d, payload->n));
  for (int i = 0; i < 4; i++) h[8 + i] = (uint8_t)(lc >> (8 * i));
  fwrite(h, 1, 12, out);
  fwrite(payload->d, 1, payload->n, out);
  uint8_t t[4] = {(uint8_t)pc, (uint8_t)(pc >> 8), (uint8_t)(pc >> 16), (uint8_t)(pc >> 24)};
  fwrite(t, 1, 4, out);
  S_written += 16 + payload->n;
}

static void S_event(FILE *out, double wall, int64_t step, const buf *summary) {
  buf e = {.n = 0};
  S_key(&e, 1, 1), S_le(&e, S_dbits(wall), 8);
  S_key(&e, 2, 0), S_varint(&e, (uint64_t)step);
  S_sub(&e, 5, summary);
  S_record(out, &e);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gen_tfevents OUT SIZE_MB\n");
    return 2;
  }
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    S_table[i] = c;
  }
  FILE *out = fopen(argv[1], "wb");
  if (!out) {
    perror(argv[1]);
    return 1;
  }
  uint64_t target = (uint64_t)strtoull(argv[2], NULL, 10) << 20;
  buf e = {.n = 0};
  S_key(&e, 1, 1), S_le(&e, S_dbits(1700000000.0), 8);
  S_str(&e, 3, "brain.Event:2");
  S_record(out, &e);
  static const char *const simple[] = {"train/loss", "train/accuracy", "train/lr",
                                       "perf/samples_per_sec"};
  static const char *const tensor[] = {"eval/loss", "eval/accuracy"};
  uint64_t rng = 88172645463325252ULL;
  for (int64_t step = 0; S_written < target; step++) {
    double wall = 1700000000.0 + step * 0.731;
    for (int i = 0; i < 4; i++) {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      buf v = {.n = 0}, s = {.n = 0};
      S_str(&v, 1, simple[i]);
      S_key(&v, 2, 5), S_le(&v, S_fbits((float)(rng % 100000) / 1000.0f), 4);
      S_sub(&s, 1, &v);
      S_event(out, wall, step, &s);
    }
    for (int i = 0; i < 2; i++) {
      buf t = {.n = 0}, shape = {.n = 0}, v = {.n = 0}, s = {.n = 0}, pd = {.n = 0},
          md = {.n = 0};
      S_key(&t, 1, 0), S_varint(&t, 1); /* DT_FLOAT */
      S_sub(&t, 2, &shape);
      uint32_t bits = S_fbits(1.0f / (float)(step + 1 + i));
      S_key(&t, 4, 2), S_varint(&t, 4), S_le(&t, bits, 4);
      S_str(&v, 1, tensor[i]);
      S_sub(&v, 8, &t);
      S_str(&pd, 1, "scalars");
      S_sub(&md, 1, &pd);
      S_sub(&v, 9, &md);
      S_sub(&s, 1, &v);
      S_event(out, wall, step, &s);
    }
    if (step % 10 == 0) {
      buf h = {.n = 0}, lim = {.n = 0}, cnt = {.n = 0}, v = {.n = 0}, s = {.n = 0};
      S_key(&h, 1, 1), S_le(&h, S_dbits(-1.0), 8);
      S_key(&h, 2, 1), S_le(&h, S_dbits(1.0), 8);
      S_key(&h, 3, 1), S_le(&h, S_dbits(1000.0), 8);
      for (int k = 0; k < 30; k++) {
        S_le(&lim, S_dbits(-1.0 + k / 15.0), 8);
        S_le(&cnt, S_dbits((double)(k * 7 % 50)), 8);
      }
      S_sub(&h, 6, &lim);
      S_sub(&h, 7, &cnt);
      S_str(&v, 1, "weights/layer1");
      S_sub(&v, 5, &h);
      S_sub(&s, 1, &v);
      S_event(out, wall, step, &s);
    }
  }
  if (fclose(out) != 0) {
    perror(argv[1]);
    return 1;
  }
  return 0;
}
