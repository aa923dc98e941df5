/* sha256: SHA-256 as specified in FIPS 180-4, section 6.2, with the x86 SHA
 * extensions when the processor has them (chosen once, at run time). */
#include "parser/text/sha256.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TP_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t S_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static inline uint32_t S_rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void S_block(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
           (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = S_rotr(w[t - 15], 7) ^ S_rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = S_rotr(w[t - 2], 17) ^ S_rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = k + (S_rotr(e, 6) ^ S_rotr(e, 11) ^ S_rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                  S_k[t] + w[t];
    uint32_t t2 = (S_rotr(a, 2) ^ S_rotr(a, 13) ^ S_rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d;
  h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

#ifdef TP_SHA256_X86
/* n_blocks 64-byte blocks with the SHA extensions.  The state is kept as
 * the instructions want it (ABEF and CDGH); each group of four rounds adds
 * the round constants to four message words, runs two double rounds, and
 * extends the message schedule four words ahead. */
__attribute__((target("sha,sse4.1,ssse3"))) static void S_blocks_hw(uint32_t h[8],
                                                                    const uint8_t *p,
                                                                    size_t n_blocks) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1); /* CDAB */
  __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B); /* EFGH */
  __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);                                     /* ABEF */
  st1 = _mm_blend_epi16(st1, tmp, 0xF0);                                          /* CDGH */
  for (; n_blocks--; p += 64) {
    __m128i save0 = st0, save1 = st1, m[4];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 16
#endif
    for (int g = 0; g < 16; g++) {
      if (g < 4) m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
      __m128i msg = _mm_add_epi32(m[g & 3], _mm_loadu_si128((const __m128i *)&S_k[4 * g]));
      st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
      if (g >= 3 && g <= 14) { /* words 4g+4..4g+7 */
        __m128i w = _mm_add_epi32(m[(g + 1) & 3], _mm_alignr_epi8(m[g & 3], m[(g + 3) & 3], 4));
        m[(g + 1) & 3] = _mm_sha256msg2_epu32(w, m[g & 3]);
      }
      st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(msg, 0x0E));
      if (g >= 1 && g <= 12) m[(g + 3) & 3] = _mm_sha256msg1_epu32(m[(g + 3) & 3], m[g & 3]);
    }
    st0 = _mm_add_epi32(st0, save0);
    st1 = _mm_add_epi32(st1, save1);
  }
  tmp = _mm_shuffle_epi32(st0, 0x1B);       /* FEBA */
  st1 = _mm_shuffle_epi32(st1, 0xB1);       /* DCHG */
  st0 = _mm_blend_epi16(tmp, st1, 0xF0);    /* DCBA */
  st1 = _mm_alignr_epi8(st1, tmp, 8);       /* HGFE */
  _mm_storeu_si128((__m128i *)&h[0], st0);
  _mm_storeu_si128((__m128i *)&h[4], st1);
}
#endif

static bool S_have_hw;       /* the processor has the SHA extensions and SSE4.1 */
static bool S_forced;        /* tests asked for the portable code */
static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static atomic_bool S_ready;  /* S_init has run */

static void S_init(void) {
#ifdef TP_SHA256_X86
  unsigned a, b, c, d;
  bool sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3);
  S_have_hw = sse41 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
#endif
  atomic_store_explicit(&S_ready, true, memory_order_release);
}

/* n_blocks 64-byte blocks at p into the state h. */
static void S_blocks(uint32_t h[8], const uint8_t *p, size_t n_blocks) {
  if (!atomic_load_explicit(&S_ready, memory_order_acquire)) pthread_once(&S_once, S_init);
#ifdef TP_SHA256_X86
  if (S_have_hw && !S_forced) {
    S_blocks_hw(h, p, n_blocks);
    return;
  }
#endif
  for (; n_blocks--; p += 64) S_block(h, p);
}

bool tp_sha256_hardware(void) {
  pthread_once(&S_once, S_init);
  return S_have_hw && !S_forced;
}

void tp_sha256_force_portable(bool on) {
  pthread_once(&S_once, S_init);
  S_forced = on;
}

void tp_sha256_init(tp_sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->n_bytes = 0;
  s->n_block = 0;
}

void tp_sha256_update(tp_sha256 *s, const void *data, size_t n) {
  const uint8_t *p = data;
  s->n_bytes += n;
  if (s->n_block) {
    size_t take = 64 - s->n_block < n ? 64 - s->n_block : n;
    memcpy(s->block + s->n_block, p, take);
    s->n_block += take;
    p += take;
    n -= take;
    if (s->n_block < 64) return;
    S_blocks(s->h, s->block, 1);
    s->n_block = 0;
  }
  S_blocks(s->h, p, n / 64);
  p += n / 64 * 64;
  n %= 64;
  memcpy(s->block, p, n);
  s->n_block = n;
}

void tp_sha256_hex(tp_sha256 *s, char out[65]) {
  uint64_t bits = s->n_bytes * 8;
  uint8_t pad[72] = {0x80};
  size_t padlen = (s->n_block < 56 ? 56 : 120) - s->n_block;
  for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
  tp_sha256_update(s, pad, padlen + 8);
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++) {
      uint8_t b = (uint8_t)(s->h[i] >> (24 - 8 * j));
      out[8 * i + 2 * j] = hex[b >> 4];
      out[8 * i + 2 * j + 1] = hex[b & 15];
    }
  out[64] = '\0';
}

int tp_sha256_file(const char *path, char out[65], uint64_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  tp_sha256 s;
  tp_sha256_init(&s);
  unsigned char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_sha256_update(&s, chunk, n);
  bool bad = ferror(f) != 0;
  fclose(f);
  if (bad) return -1;
  *size = s.n_bytes;
  tp_sha256_hex(&s, out);
  return 0;
}
