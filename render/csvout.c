/* csvout: CSV fields and numbers (see csvout.h). */
#include "render/csvout.h"

#include <math.h>
#include <stdbool.h>
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
