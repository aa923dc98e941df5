/* base64: arrays of doubles as text (RFC 4648 base64 of their IEEE 754
 * binary64 values, little-endian), so that a document can carry many numbers
 * exactly in one string. */
#ifndef TP_BASE64_H
#define TP_BASE64_H

#include <stddef.h>

#include "model/mem.h"

/* Append the base64 text of v[0..n) to out (no terminator added beyond tp_buf's). */
void tp_base64_put_doubles(tp_buf *out, const double *v, size_t n);

/* Decode text (len bytes) into a new array of doubles that the caller frees;
 * *n gets their count.  Returns NULL (and *n = 0) when text is not base64 of
 * a whole number of doubles. */
double *tp_base64_get_doubles(const char *text, size_t len, size_t *n);

#endif
