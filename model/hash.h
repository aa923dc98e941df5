/* hash: a fast 128-bit fingerprint of data, for telling unchanged inputs from
 * changed ones (a page whose inputs are the same as last time need not be
 * drawn again).
 *
 * Not cryptographic: it guards against accident, not against someone who
 * crafts two inputs with the same fingerprint (nothing here has such an
 * adversary: the inputs and the outputs are the same user's).  The mixing
 * follows the structure of MurmurHash3 x64-128 (Austin Appleby, placed in the
 * public domain): two 64-bit lanes take 16 bytes a step, and a final
 * avalanche of each.  Fingerprints are compared only with ones made on the
 * same machine; they are not a file format.
 *
 * Data is fed in pieces; the typed helpers frame what they add (a string with
 * its length, NULL distinct from ""), so that different sequences of values
 * never feed the same bytes.
 */
#ifndef TP_HASH_H
#define TP_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct tp_hash {
  uint64_t h1, h2;        /* the two lanes */
  uint64_t len;           /* bytes fed so far */
  unsigned char tail[16]; /* bytes not yet a whole 16-byte block */
  size_t n_tail;          /* how many of tail are used */
} tp_hash;

#define TP_HASH_HEX 33 /* 32 hex digits and the NUL */

void tp_hash_init(tp_hash *h);
void tp_hash_bytes(tp_hash *h, const void *data, size_t n);
void tp_hash_u64(tp_hash *h, uint64_t v);
/* The double's bits (so -0 and 0, or two NaNs, may differ: a false "changed"
 * costs only time). */
void tp_hash_double(tp_hash *h, double v);
void tp_hash_doubles(tp_hash *h, const double *v, size_t n); /* n, then the values */
/* A string with its length; NULL is told apart from "". */
void tp_hash_str(tp_hash *h, const char *s);
/* The fingerprint as 32 lowercase hex digits.  h is left as it was, so more
 * data may follow. */
void tp_hash_hex(const tp_hash *h, char out[TP_HASH_HEX]);

/* A quick 64-bit hash of a NUL-terminated string (FNV-1a), for in-memory
 * lookup tables; not a fingerprint. */
uint64_t tp_hash_cstr(const char *s);

#endif
