/* lebytes: numbers stored little-endian, read back.
 *
 * The project's binary files (the run cache, trace recordings) and TFRecord
 * framing store numbers least significant byte first.  One load reads them
 * where the host is little-endian: a loop assembling the bytes is not turned
 * into one by the compiler, and these reads are on the hottest paths. */
#ifndef TP_LEBYTES_H
#define TP_LEBYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The n (at most 8) bytes at p as a little-endian number. */
static inline uint64_t tp_le_load(const unsigned char *p, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* Loads of the width itself (a narrower store into a wider variable
   * would stall the load that follows it). */
  if (n == 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
  }
  if (n == 4) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
  }
#endif
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}

#endif
