/* bench_args: the numeric command-line arguments of the benchmark helpers,
 * read with the end checked (a typo is refused, not read as 0). */
#ifndef TP_BENCH_ARGS_H
#define TP_BENCH_ARGS_H

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* *out = the number s spells in full, or dflt when s is NULL; 0, or -1 when
 * s is not a finite number (then *out is unchanged). */
static inline int S_arg_double(const char *s, double dflt, double *out) {
  if (!s) {
    *out = dflt;
    return 0;
  }
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || errno || v != v) return -1;
  *out = v;
  return 0;
}

/* As S_arg_double for a decimal int. */
static inline int S_arg_int(const char *s, int dflt, int *out) {
  if (!s) {
    *out = dflt;
    return 0;
  }
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end || errno || v < INT_MIN || v > INT_MAX) return -1;
  *out = (int)v;
  return 0;
}

#endif
