/* crc32: the IEEE (zlib) CRC-32, table-driven (see crc32.h). */
#include "parser/text/crc32.h"

#include <pthread.h>

#define S_POLY 0xEDB88320u

static uint32_t S_table[256]; /* CRC contribution of each byte value */
static pthread_once_t S_once = PTHREAD_ONCE_INIT;

static void S_init(void) {
  for (uint32_t b = 0; b < 256; b++) {
    uint32_t c = b;
    for (int i = 0; i < 8; i++) c = (c >> 1) ^ (S_POLY & (0u - (c & 1u)));
    S_table[b] = c;
  }
}

uint32_t tp_crc32_update(uint32_t crc, const void *data, size_t n) {
  pthread_once(&S_once, S_init);
  const unsigned char *p = data;
  uint32_t c = ~crc;
  while (n--) c = (c >> 8) ^ S_table[(c ^ *p++) & 0xFF];
  return ~c;
}
