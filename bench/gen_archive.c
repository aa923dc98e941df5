/* gen_archive: a synthetic lab archive for bench/archive.sh.
 *
 *   gen_archive DIR RUNS
 *
 * Writes RUNS runs in experiments of 100 (DIR/expNNN/runNNN/), each with one
 * TensorBoard event file (file_version, hparams session_start_info with lr
 * and seed, 300 steps of train/loss and lr, 10 of val/acc), and per
 * experiment one nvidia-smi CSV (4 GPUs, 1 Hz) covering its runs, which run
 * four at a time, 10 minutes each.  Deterministic.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_args.h"

static uint32_t T[256];
static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    T[i] = c;
  }
}
static uint32_t crc(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) c = T[(c ^ *p++) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}
static uint32_t masked(const uint8_t *p, size_t n) {
  uint32_t c = crc(p, n);
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

typedef struct { uint8_t b[4096]; size_t n; } buf;
static void put(buf *b, const void *p, size_t n) { memcpy(b->b + b->n, p, n); b->n += n; }
static void varint(buf *b, uint64_t v) {
  while (v >= 0x80) { b->b[b->n++] = (uint8_t)(v | 0x80); v >>= 7; }
  b->b[b->n++] = (uint8_t)v;
}
static void key(buf *b, int f, int w) { varint(b, (uint64_t)(f << 3 | w)); }
static void bytes(buf *b, int f, const void *p, size_t n) { key(b, f, 2); varint(b, n); put(b, p, n); }
static void dbl(buf *b, int f, double v) { key(b, f, 1); put(b, &v, 8); }
static void flt(buf *b, int f, float v) { key(b, f, 5); put(b, &v, 4); }

static void record(FILE *f, const buf *ev) {
  uint64_t len = ev->n;
  uint32_t lc = masked((const uint8_t *)&len, 8), dc = masked(ev->b, ev->n);
  fwrite(&len, 8, 1, f);
  fwrite(&lc, 4, 1, f);
  fwrite(ev->b, 1, ev->n, f);
  fwrite(&dc, 4, 1, f);
}

static void scalar(FILE *f, double wall, int64_t step, const char *tag, float v) {
  buf val = {0}, sum = {0}, ev = {0};
  bytes(&val, 1, tag, strlen(tag));
  flt(&val, 2, v);
  bytes(&sum, 1, val.b, val.n);
  dbl(&ev, 1, wall);
  key(&ev, 2, 0);
  varint(&ev, (uint64_t)step);
  bytes(&ev, 5, sum.b, sum.n);
  record(f, &ev);
}

static void hparams(FILE *f, double wall, double lr, int seed, int gpu) {
  buf entries = {0}, ssi = {0}, pd = {0}, md = {0}, val = {0}, sum = {0}, ev = {0};
  const char *keys[3] = {"lr", "seed", "CUDA_VISIBLE_DEVICES"};
  char gbuf[8];
  snprintf(gbuf, sizeof gbuf, "%d", gpu);
  for (int k = 0; k < 3; k++) {
    buf v = {0}, e = {0};
    if (k == 0) dbl(&v, 2, lr);
    else if (k == 1) dbl(&v, 2, seed);
    else bytes(&v, 3, gbuf, strlen(gbuf));
    bytes(&e, 1, keys[k], strlen(keys[k]));
    bytes(&e, 2, v.b, v.n);
    bytes(&entries, 1, e.b, e.n);
  }
  bytes(&ssi, 3, entries.b, entries.n);
  bytes(&pd, 1, "hparams", 7);
  bytes(&pd, 2, ssi.b, ssi.n);
  bytes(&md, 1, pd.b, pd.n);
  bytes(&val, 1, "_hparams_/session_start_info", 28);
  bytes(&val, 9, md.b, md.n);
  bytes(&sum, 1, val.b, val.n);
  dbl(&ev, 1, wall);
  bytes(&ev, 5, sum.b, sum.n);
  record(f, &ev);
}

static void mkdirs(const char *p) {
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s", p);
  for (char *q = tmp + 1; *q; q++)
    if (*q == '/') { *q = 0; mkdir(tmp, 0755); *q = '/'; }
  mkdir(tmp, 0755);
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: gen_archive DIR RUNS\n"); return 2; }
  const char *dir = argv[1];
  int runs;
  if (S_arg_int(argv[2], 0, &runs) || runs < 0) {
    fprintf(stderr, "gen_archive: RUNS must be a whole number, not %s\n", argv[2]);
    return 2;
  }
  crc_init();
  srand(1);
  const double t0 = 1767225600.0; /* 2026-01-01 UTC */
  int per_exp = 100, slot = 600;
  for (int e = 0; e * per_exp < runs; e++) {
    double base = t0 + e * 86400.0;
    int n = runs - e * per_exp < per_exp ? runs - e * per_exp : per_exp;
    char path[1024];
    for (int r = 0; r < n; r++) {
      int gpu = r % 4;
      double start = base + (r / 4) * (double)slot + 5;
      snprintf(path, sizeof path, "%s/exp%03d/run%03d", dir, e, r);
      mkdirs(path);
      snprintf(path, sizeof path, "%s/exp%03d/run%03d/events.out.tfevents.%d.node%02d.%d.0", dir,
               e, r, (int)start, e % 32, 1000 + r);
      FILE *f = fopen(path, "wb");
      if (!f) { perror(path); return 1; }
      buf ev = {0};
      dbl(&ev, 1, start);
      bytes(&ev, 3, "brain.Event:2", 13);
      record(f, &ev);
      double lr = (r % 5 + 1) * 1e-4;
      hparams(f, start, lr, r / 5 % 4, gpu);
      for (int s = 0; s < 300; s++) {
        double w = start + s * 1.9;
        scalar(f, w, s * 10, "train/loss", (float)(3.0 / (1 + s * lr * 30) + (rand() % 100) * 1e-3));
        scalar(f, w, s * 10, "lr", (float)lr);
        if (s % 30 == 29) scalar(f, w, s * 10, "val/acc", (float)(0.5 + 0.4 * s / 300.0));
      }
      fclose(f);
    }
    /* the experiment's trace: 4 GPUs, 1 Hz, over all its slots */
    snprintf(path, sizeof path, "%s/exp%03d/gpu.csv", dir, e);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    fputs("timestamp, index, name, power.draw [W]\n", f);
    int secs = ((n + 3) / 4) * slot + 60;
    for (int s = 0; s < secs; s++) {
      time_t t = (time_t)(base + s);
      struct tm tm;
      gmtime_r(&t, &tm);
      for (int g = 0; g < 4; g++)
        fprintf(f, "%04d/%02d/%02d %02d:%02d:%02d.%03d, %d, NVIDIA A100-SXM4-40GB, %.2f W\n",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                (s * 7) % 1000, g, 60.0 + (s % slot > 10 ? 220.0 : 0) + (rand() % 2000) / 100.0);
    }
    fclose(f);
  }
  return 0;
}
