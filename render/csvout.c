/* csvout: CSV fields and numbers (see csvout.h). */
#include "render/csvout.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/run.h"
#include "render/json.h"

void tp_csvout_field(tp_buf *b, const char *s) {
  if (!s) return;
  bool quote = strpbrk(s, ",\"\r\n") != NULL;
  if (quote) tp_buf_addc(b, '"');
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  while (n) {
    size_t len = tp_utf8_len(p, n);
    if (len == 0) {
      tp_buf_adds(b, "\xEF\xBF\xBD");
      p++, n--;
      continue;
    }
    if (len == 1 && *p == '"') tp_buf_addc(b, '"');
    tp_buf_add(b, (const char *)p, len);
    p += len, n -= len;
  }
  if (quote) tp_buf_addc(b, '"');
}

void tp_csvout_fixed(tp_buf *b, double v, int decimals) {
  if (isfinite(v)) tp_buf_printf(b, "%.*f", decimals, v);
}

void tp_csvout_shortest(tp_buf *b, double v) {
  char n[32];
  if (isfinite(v)) tp_buf_adds(b, tp_fmt_double(n, v));
}

/* The fast path of S_float32: f not whole, 1e-3 <= |f| < 2^23.  The least k
 * whose rounding of f to k decimals reads back as f gives the text "%.Pg"
 * gives at the least P that reads back (same digits: fixed notation at these
 * exponents).  Exact: f * 10^k (k <= 11) needs at most 24 + 28 bits, so it
 * is exact and rounds to n as printf rounds; n / 10^k is the double nearest
 * the decimal, whose float is strtof's unless that double is a midpoint
 * between two floats (then no answer here).  Returns false when not found. */
static bool S_float32_fast(char buf[32], float f) {
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11};
  double a = fabs((double)f);
  if (!(a >= 1e-3 && a < 8388608.0)) return false;
  for (int k = 1; k <= 11; k++) {
    double n = nearbyint(a * p10[k]);
    double d = n / p10[k];
    if ((float)d != (float)a) continue;
    /* A midpoint has a 25th significant bit and nothing below it. */
    int e;
    double m = frexp(d, &e) * 16777216.0; /* 24 bits above the point */
    if (m - floor(m) == 0.5) return false;
    tp_fmt_decimals(buf, (unsigned long long)n, k, f < 0);
    return true;
  }
  return false;
}

/* f (not whole) as the shortest "%.Pg" text that strtof reads back as f. */
static const char *S_float32(char buf[32], float f) {
  if (S_float32_fast(buf, f)) return buf;
  for (int prec = 1; prec <= 9; prec++) {
    snprintf(buf, 32, "%.*g", prec, (double)f);
    if (strtof(buf, NULL) == f) break;
  }
  return buf;
}

void tp_csvout_logged(tp_buf *b, double v) {
  char n[32];
  if (!isfinite(v)) return;
  if (fabs(v) <= FLT_MAX && (double)(float)v == v && v != floor(v))
    tp_buf_adds(b, S_float32(n, (float)v));
  else
    tp_buf_adds(b, tp_fmt_double(n, v));
}
