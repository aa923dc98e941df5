/* crc32c: CRC-32C with a run-time choice of the SSE4.2 instruction or a
 * portable slicing-by-8 table. */
#include "parser/text/crc32c.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TP_CRC32C_X86 1
#include <nmmintrin.h>
#endif

#define S_POLY 0x82F63B78u

/* Bytes per stream of the three-way hardware loop (tp_crc32c_hw in the
 * header hands data of three stripes or more over to it). */
#define S_STRIPE 128

/* S_table[k][b]: the CRC contribution of byte b followed by k zero bytes. */
static uint32_t S_table[8][256];
/* S_shift[k][b]: the raw CRC state (b << 8k) after S_STRIPE zero bytes; the
 * four lookups of its bytes move a state past a stripe (CRC is linear). */
static uint32_t S_shift[4][256];
static bool S_have_hw;       /* the processor has SSE4.2 */
static bool S_forced;        /* tests asked for the portable code */
static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static atomic_bool S_ready;  /* S_init has run: the hot path skips pthread_once */

static uint32_t S_portable(uint32_t c, const unsigned char *p, size_t n);

/* The stripe-shift tables, from the state of each single bit after a stripe
 * of zeros. */
static void S_init_shift(void) {
  static const unsigned char zeros[S_STRIPE];
  uint32_t bit[32];
  for (int i = 0; i < 32; i++) bit[i] = S_portable(1u << i, zeros, S_STRIPE);
  for (int k = 0; k < 4; k++)
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t v = 0;
      for (int i = 0; i < 8; i++)
        if (b >> i & 1) v ^= bit[8 * k + i];
      S_shift[k][b] = v;
    }
}

static void S_init(void) {
  for (uint32_t b = 0; b < 256; b++) {
    uint32_t c = b;
    for (int i = 0; i < 8; i++) c = (c >> 1) ^ (S_POLY & (0u - (c & 1u)));
    S_table[0][b] = c;
  }
  for (int k = 1; k < 8; k++)
    for (uint32_t b = 0; b < 256; b++)
      S_table[k][b] = (S_table[k - 1][b] >> 8) ^ S_table[0][S_table[k - 1][b] & 0xFF];
  S_init_shift();
#ifdef TP_CRC32C_X86
  __builtin_cpu_init();
  S_have_hw = __builtin_cpu_supports("sse4.2");
#endif
  atomic_store_explicit(&S_ready, true, memory_order_release);
}

static inline void S_ensure(void) {
  if (!atomic_load_explicit(&S_ready, memory_order_acquire)) pthread_once(&S_once, S_init);
}

/* Little-endian load, whatever the host order. */
static inline uint64_t S_load64(const unsigned char *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
         (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
         (uint64_t)p[7] << 56;
}

/* Raw (unconditioned) CRC state over p[0..n), table-driven. */
static uint32_t S_portable(uint32_t c, const unsigned char *p, size_t n) {
  while (n && ((uintptr_t)p & 7)) {
    c = (c >> 8) ^ S_table[0][(c ^ *p++) & 0xFF];
    n--;
  }
  while (n >= 8) {
    uint64_t w = S_load64(p) ^ c;
    c = S_table[7][w & 0xFF] ^ S_table[6][(w >> 8) & 0xFF] ^ S_table[5][(w >> 16) & 0xFF] ^
        S_table[4][(w >> 24) & 0xFF] ^ S_table[3][(w >> 32) & 0xFF] ^
        S_table[2][(w >> 40) & 0xFF] ^ S_table[1][(w >> 48) & 0xFF] ^ S_table[0][w >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) c = (c >> 8) ^ S_table[0][(c ^ *p++) & 0xFF];
  return c;
}

/* Raw CRC state c moved past a stripe of zero bytes. */
static inline uint32_t S_shift_stripe(uint32_t c) {
  return S_shift[0][c & 0xFF] ^ S_shift[1][(c >> 8) & 0xFF] ^ S_shift[2][(c >> 16) & 0xFF] ^
         S_shift[3][c >> 24];
}

#ifdef TP_CRC32C_X86
/* Raw CRC state with the SSE4.2 crc32 instruction: long data three-way, the
 * rest as tp_crc32c_hw_raw takes it. */
__attribute__((target("sse4.2"))) static uint32_t S_hardware(uint32_t c, const unsigned char *p,
                                                             size_t n) {
  uint64_t c64 = c;
  /* Long data in three streams of a stripe each: the instruction takes three
   * cycles but starts one per cycle, so the streams run side by side; the
   * first two are then moved past the stripes that follow them and merged. */
  for (; n >= 3 * S_STRIPE; p += 3 * S_STRIPE, n -= 3 * S_STRIPE) {
    uint64_t c1 = 0, c2 = 0;
    for (size_t i = 0; i < S_STRIPE; i += 8) {
      uint64_t w0, w1, w2;
      memcpy(&w0, p + i, 8), memcpy(&w1, p + S_STRIPE + i, 8), memcpy(&w2, p + 2 * S_STRIPE + i, 8);
      c64 = _mm_crc32_u64(c64, w0), c1 = _mm_crc32_u64(c1, w1), c2 = _mm_crc32_u64(c2, w2);
    }
    c64 = S_shift_stripe((uint32_t)c64) ^ c1;
    c64 = S_shift_stripe((uint32_t)c64) ^ c2;
  }
  return tp_crc32c_hw_raw((uint32_t)c64, p, n);
}
#endif

uint32_t tp_crc32c_update(uint32_t crc, const void *data, size_t n) {
  S_ensure();
  uint32_t c = ~crc;
  const unsigned char *p = data;
#ifdef TP_CRC32C_X86
  if (S_have_hw && !S_forced) return ~S_hardware(c, p, n);
#endif
  return ~S_portable(c, p, n);
}

bool tp_crc32c_hardware(void) {
  pthread_once(&S_once, S_init);
  return S_have_hw && !S_forced;
}

void tp_crc32c_force_portable(bool on) {
  pthread_once(&S_once, S_init);
  S_forced = on;
}
