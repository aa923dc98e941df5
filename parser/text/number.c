/* number: locale-independent number parsing with the end checked. */
#include "parser/text/number.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void S_trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) (*s)++, (*n)--;
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' ||
                (*s)[*n - 1] == '\n'))
    (*n)--;
}

/* strtod follows LC_NUMERIC; this parser is used before any setlocale() and the
 * program never calls setlocale(), so the C locale's '.' holds.  To be safe
 * against an embedding program, a ',' in the span is rejected outright. */
int tp_parse_double(const char *s, size_t n, double *out) {
  S_trim(&s, &n);
  char tmp[64];
  if (n == 0 || n >= sizeof tmp) return -1; /* no real number is that long */
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  const char *p = tmp;
  bool neg = false;
  if (*p == '+' || *p == '-') neg = *p++ == '-';
  if (strcasecmp(p, "nan") == 0) {
    *out = NAN;
    return 0;
  }
  if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
    *out = neg ? -INFINITY : INFINITY;
    return 0;
  }
  for (const char *q = p; *q; q++)
    if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' ||
          *q == '-'))
      return -1;
  char *end = NULL;
  errno = 0;
  double v = strtod(tmp, &end);
  if (end == tmp || *end != '\0') return -1;
  if (errno == ERANGE && isinf(v)) return -1;
  *out = v;
  return 0;
}

int tp_parse_int64(const char *s, size_t n, int64_t *out) {
  S_trim(&s, &n);
  if (n == 0 || n >= 32) return -1;
  char tmp[32];
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  for (size_t i = 0; i < n; i++)
    if (!((tmp[i] >= '0' && tmp[i] <= '9') || (i == 0 && (tmp[i] == '-' || tmp[i] == '+'))))
      return -1;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(tmp, &end, 10);
  if (end == tmp || *end != '\0' || errno == ERANGE) return -1;
  *out = (int64_t)v;
  return 0;
}
