/* crc32c: CRC-32C (Castagnoli), as TFRecord framing uses it.
 *
 * Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF.
 * On x86-64 processors with SSE4.2 the crc32 instruction is used (chosen once,
 * at run time); elsewhere a portable slicing-by-8 table does the work.  Both
 * give the same results; tests force the portable one to check it.
 * Thread-safe: the choice and the tables are made once under pthread_once.
 */
#ifndef TP_CRC32C_H
#define TP_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Continue a CRC-32C over data[0..n).  Start with crc = 0; the result of one
 * call can be passed to the next to checksum data given in pieces. */
uint32_t tp_crc32c_update(uint32_t crc, const void *data, size_t n);

/* TFRecord's masked form of a CRC: rotate right by 15, add 0xA282EAD8. */
static inline uint32_t tp_crc32c_mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#include <string.h>
#define TP_CRC32C_INLINE_HW 1
/* The raw (unconditioned) CRC state c continued over p[0..n) with the
 * SSE4.2 instruction, 16 bytes a turn (half the loop's branches of 8 on the
 * short records event files are made of); unaligned loads cost nothing extra
 * on x86, so there is no byte-wise lead-in, and the tail takes 8, 4, 2 and 1. */
__attribute__((target("sse4.2"))) static inline uint32_t tp_crc32c_hw_raw(uint32_t c,
                                                                         const void *data,
                                                                         size_t n) {
  const unsigned char *p = data;
  uint64_t c64 = c;
  for (; n >= 16; p += 16, n -= 16) {
    uint64_t w0, w1;
    memcpy(&w0, p, 8); /* x86 is little-endian */
    memcpy(&w1, p + 8, 8);
    c64 = _mm_crc32_u64(_mm_crc32_u64(c64, w0), w1);
  }
  if (n & 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    c64 = _mm_crc32_u64(c64, w);
    p += 8;
  }
  uint32_t c32 = (uint32_t)c64;
  if (n & 4) {
    uint32_t w;
    memcpy(&w, p, 4);
    c32 = _mm_crc32_u32(c32, w);
    p += 4;
  }
  if (n & 2) {
    uint16_t w;
    memcpy(&w, p, 2);
    c32 = _mm_crc32_u16(c32, w);
    p += 2;
  }
  if (n & 1) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}

/* tp_crc32c_update(0, data, n) with the SSE4.2 instruction, inline, for the
 * hot loops of callers compiled for SSE4.2 that have checked
 * tp_crc32c_hardware(); data of 3 * 128 bytes or more goes to
 * tp_crc32c_update, whose three-way loop is faster there. */
__attribute__((target("sse4.2"))) static inline uint32_t tp_crc32c_hw(const void *data, size_t n) {
  if (n >= 3 * 128) return tp_crc32c_update(0, data, n);
  return ~tp_crc32c_hw_raw(0xFFFFFFFFu, data, n);
}
#endif

/* True when the hardware instruction is in use (after any forcing). */
bool tp_crc32c_hardware(void);

/* Force the portable implementation (on = true) or go back to the automatic
 * choice (on = false).  For tests and benchmarks; not thread-safe against
 * concurrent tp_crc32c_update calls. */
void tp_crc32c_force_portable(bool on);

#endif
