/* sha256: SHA-256 (FIPS 180-4), streaming, for the provenance of input files.
 *
 * Readers feed the bytes as they read them, so a file is digested in the same
 * pass that parses it and memory stays constant.  On x86-64 processors with
 * the SHA extensions those instructions do the work (chosen once, at run
 * time); elsewhere portable code does.  Both give the same digests.
 */
#ifndef TP_SHA256_H
#define TP_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tp_sha256 {
  uint32_t h[8];      /* chaining state */
  uint64_t n_bytes;   /* bytes fed so far */
  uint8_t block[64];  /* pending partial block */
  size_t n_block;     /* bytes in block */
} tp_sha256;

void tp_sha256_init(tp_sha256 *s);
void tp_sha256_update(tp_sha256 *s, const void *data, size_t n);
/* Finish and write the digest as 64 lowercase hex digits and a NUL. */
void tp_sha256_hex(tp_sha256 *s, char out[65]);

/* Digest the file at path as it is now: out gets the 64 hex digits, *size
 * its length in bytes.  Returns 0, or -1 when it cannot be read (out and
 * *size untouched). */
int tp_sha256_file(const char *path, char out[65], uint64_t *size);

/* True when the SHA instructions are in use (after any forcing). */
bool tp_sha256_hardware(void);

/* Force the portable code (on = true) or go back to the automatic choice.
 * For tests and benchmarks; not thread-safe against concurrent digests. */
void tp_sha256_force_portable(bool on);

#endif
