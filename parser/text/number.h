/* number: the one place where text becomes numbers.
 *
 * Locale-independent (a '.' decimal point whatever LC_NUMERIC says), with the
 * end checked: a parse succeeds only when the whole span is consumed (leading
 * and trailing blanks allowed).  Accepts what Python and the logging tools
 * write: "nan", "NaN", "inf", "Infinity", "-Infinity" (any case).
 */
#ifndef TP_NUMBER_H
#define TP_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse the double in s[0..n).  Returns 0 and sets *out, or -1 when the span is
 * not exactly one number. */
int tp_parse_double(const char *s, size_t n, double *out);
/* Parse a decimal integer (optional sign) in s[0..n) into *out; -1 on error or
 * overflow. */
int tp_parse_int64(const char *s, size_t n, int64_t *out);

#endif
