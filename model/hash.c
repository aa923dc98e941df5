/* hash: a fast 128-bit fingerprint (see hash.h). */
#include "model/hash.h"

#include "model/lebytes.h"

#include <string.h>

#define C1 0x87c37b91114253d5ULL
#define C2 0x4cf5ad432745937fULL

static uint64_t S_rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t S_load(const unsigned char *p) { return tp_le_load(p, 8); }

/* One 16-byte block into the lanes *h1 and *h2 (locals of the caller, so
 * that the compiler keeps them in registers: the data is bytes, which may
 * alias a tp_hash). */
static inline void S_mix(uint64_t *h1, uint64_t *h2, uint64_t k1, uint64_t k2) {
  k1 *= C1;
  k1 = S_rotl(k1, 31);
  k1 *= C2;
  *h1 ^= k1;
  *h1 = S_rotl(*h1, 27) + *h2;
  *h1 = *h1 * 5 + 0x52dce729;
  k2 *= C2;
  k2 = S_rotl(k2, 33);
  k2 *= C1;
  *h2 ^= k2;
  *h2 = S_rotl(*h2, 31) + *h1;
  *h2 = *h2 * 5 + 0x38495ab5;
}

static void S_block(tp_hash *h, uint64_t k1, uint64_t k2) {
  uint64_t h1 = h->h1, h2 = h->h2;
  S_mix(&h1, &h2, k1, k2);
  h->h1 = h1;
  h->h2 = h2;
}

static uint64_t S_fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

void tp_hash_init(tp_hash *h) { *h = (tp_hash){.h1 = 0x9e3779b97f4a7c15ULL, .h2 = C1}; }

void tp_hash_bytes(tp_hash *h, const void *data, size_t n) {
  const unsigned char *p = data;
  h->len += n;
  if (h->n_tail) {
    size_t take = 16 - h->n_tail < n ? 16 - h->n_tail : n;
    memcpy(h->tail + h->n_tail, p, take);
    h->n_tail += take;
    p += take;
    n -= take;
    if (h->n_tail < 16) return;
    S_block(h, S_load(h->tail), S_load(h->tail + 8));
    h->n_tail = 0;
  }
  uint64_t h1 = h->h1, h2 = h->h2;
  for (; n >= 16; p += 16, n -= 16) S_mix(&h1, &h2, S_load(p), S_load(p + 8));
  h->h1 = h1;
  h->h2 = h2;
  memcpy(h->tail, p, n);
  h->n_tail = n;
}

void tp_hash_u64(tp_hash *h, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  if (h->n_tail == 8) { /* the common case when values are fed one by one */
    h->len += 8;
    h->n_tail = 0;
    S_block(h, S_load(h->tail), v);
    return;
  }
  tp_hash_bytes(h, b, 8);
}

void tp_hash_double(tp_hash *h, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  tp_hash_u64(h, u);
}

void tp_hash_doubles(tp_hash *h, const double *v, size_t n) {
  tp_hash_u64(h, n);
  for (size_t i = 0; i < n; i++) tp_hash_double(h, v[i]);
}

void tp_hash_str(tp_hash *h, const char *s) {
  if (!s) {
    tp_hash_u64(h, UINT64_MAX);
    return;
  }
  size_t n = strlen(s);
  tp_hash_u64(h, n);
  tp_hash_bytes(h, s, n);
}

void tp_hash_hex(const tp_hash *h, char out[TP_HASH_HEX]) {
  tp_hash t = *h;
  uint64_t k1 = 0, k2 = 0;
  for (size_t i = t.n_tail; i-- > 0;) {
    if (i >= 8) k2 = (k2 << 8) | t.tail[i];
    else k1 = (k1 << 8) | t.tail[i];
  }
  if (t.n_tail > 8) {
    k2 *= C2, k2 = S_rotl(k2, 33), k2 *= C1, t.h2 ^= k2;
  }
  if (t.n_tail) {
    k1 *= C1, k1 = S_rotl(k1, 31), k1 *= C2, t.h1 ^= k1;
  }
  t.h1 ^= t.len, t.h2 ^= t.len;
  t.h1 += t.h2, t.h2 += t.h1;
  t.h1 = S_fmix(t.h1), t.h2 = S_fmix(t.h2);
  t.h1 += t.h2, t.h2 += t.h1;
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++) {
    out[i] = hex[(t.h1 >> (60 - 4 * i)) & 15];
    out[16 + i] = hex[(t.h2 >> (60 - 4 * i)) & 15];
  }
  out[32] = '\0';
}

uint64_t tp_hash_cstr(const char *s) {
  uint64_t h = 14695981039346656037ULL; /* FNV-1a 64 offset basis */
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}
