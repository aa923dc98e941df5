/* hostlist: Slurm's bracketed host lists expanded into host names. */
#include "parser/cluster/hostlist.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "parser/text/number.h"

#define S_HOST_MAX 256  /* longest host name built, bytes */
#define S_GROUPS_MAX 8  /* bracket groups in one term */

typedef struct S_walk {
  tp_hostlist_fn fn;
  void *ctx;
  long count;           /* hosts given so far */
  char host[S_HOST_MAX];/* the name being built */
} S_walk;

/* One number of a range: digits s[0..n) into *v, their count into *width. */
static int S_number(const char *s, size_t n, int64_t *v, int *width) {
  if (n == 0 || n > 9) return -1;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return -1;
  *width = (int)n;
  return tp_parse_int64(s, n, v);
}

/* Append v, zero-padded to width, at w->host[at]; returns the new length or -1. */
static int S_put_number(S_walk *w, size_t at, int64_t v, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n < width) digits[n++] = '0';
  if (at + (size_t)n >= S_HOST_MAX) return -1;
  for (int i = 0; i < n; i++) w->host[at + (size_t)i] = digits[n - 1 - i];
  return (int)at + n;
}

static int S_term(S_walk *w, size_t at, const char *s, size_t n, int depth);

/* Expand the ranges r[0..rn) of a bracket group, each followed by the rest of
 * the term s[0..n). */
static int S_ranges(S_walk *w, size_t at, const char *r, size_t rn, const char *s, size_t n,
                    int depth) {
  size_t i = 0;
  while (i <= rn) {
    size_t j = i;
    while (j < rn && r[j] != ',') j++;
    const char *dash = memchr(r + i, '-', j - i);
    size_t lo_n = dash ? (size_t)(dash - (r + i)) : j - i;
    int64_t lo, hi;
    int width, width_hi;
    if (S_number(r + i, lo_n, &lo, &width) != 0) return -1;
    hi = lo;
    if (dash && S_number(dash + 1, (size_t)(r + j - dash - 1), &hi, &width_hi) != 0) return -1;
    if (hi < lo || hi - lo >= TP_HOSTLIST_MAX) return -1;
    for (int64_t v = lo; v <= hi; v++) {
      int end = S_put_number(w, at, v, width);
      if (end < 0 || S_term(w, (size_t)end, s, n, depth + 1) != 0) return -1;
    }
    i = j + 1;
  }
  return 0;
}

/* Expand one term s[0..n) after the host[0..at) built so far. */
static int S_term(S_walk *w, size_t at, const char *s, size_t n, int depth) {
  const char *open = memchr(s, '[', n);
  size_t plain = open ? (size_t)(open - s) : n;
  if (at + plain >= S_HOST_MAX || depth > S_GROUPS_MAX) return -1;
  memcpy(w->host + at, s, plain);
  at += plain;
  if (!open) {
    if (at == 0) return 0;
    if (w->count >= TP_HOSTLIST_MAX) return -1;
    w->count++;
    w->fn(w->ctx, w->host, at);
    return 0;
  }
  const char *close = memchr(open, ']', (size_t)(s + n - open));
  if (!close) return -1;
  return S_ranges(w, at, open + 1, (size_t)(close - open - 1), close + 1,
                  (size_t)(s + n - close - 1), depth);
}

long tp_hostlist_expand(const char *s, size_t n, tp_hostlist_fn fn, void *ctx) {
  S_walk w = {.fn = fn, .ctx = ctx};
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if ((n == 13 && memcmp(s, "None assigned", 13) == 0) || (n == 6 && memcmp(s, "(null)", 6) == 0))
    return 0;
  for (size_t k = 0; k < n; k++)
    if ((unsigned char)s[k] <= ' ' || s[k] == 0x7f) return -1; /* no host name holds these */
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    int nest = 0;
    while (j < n && (nest || s[j] != ',')) {
      if (s[j] == '[') nest++;
      else if (s[j] == ']' && nest) nest--;
      j++;
    }
    if (S_term(&w, 0, s + i, j - i, 0) != 0) return -1;
    i = j + 1;
  }
  return w.count;
}
