/* crc32: the IEEE CRC-32 of zlib, gzip and PNG, as W&B's run files use it.
 *
 * Reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF,
 * so that tp_crc32_update(0, data, n) equals zlib's crc32(0, data, n) and a
 * result can be passed back in to continue over more data, as zlib's can.
 * (The Castagnoli CRC of TFRecord framing is parser/text/crc32c.h.)  A byte-wise
 * table, made once under pthread_once: thread-safe.
 */
#ifndef TP_CRC32_H
#define TP_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC-32 over data[0..n).  Start with crc = 0. */
uint32_t tp_crc32_update(uint32_t crc, const void *data, size_t n);

#endif
