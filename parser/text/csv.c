/* csv: bounded line reader, capped diagnostics, field splitting (see csv.h). */
#include "parser/text/csv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/mem.h"
#include "parser/text/number.h"

/* ---- tp_rdiag ------------------------------------------------------------ */

void tp_rdiag_init(tp_rdiag *r, tp_diags *d, const char *file) {
  memset(r, 0, sizeof *r);
  r->d = d;
  r->file = file;
  r->limit = 10;
}

void tp_rdiag_add(tp_rdiag *r, tp_severity sev, const char *kind, int64_t line, const char *fmt,
                  ...) {
  size_t k = 0;
  while (k < r->n_kinds && strcmp(r->kind[k], kind) != 0) k++;
  if (k == r->n_kinds && k < TP_RDIAG_KINDS) {
    r->kind[k] = kind;
    r->sev[k] = sev;
    r->count[k] = 0;
    r->n_kinds++;
  }
  size_t seen = k < TP_RDIAG_KINDS ? ++r->count[k] : 0;
  if (k < TP_RDIAG_KINDS && seen > (r->limit ? r->limit : 10)) return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = tp_xvasprintf(fmt, ap);
  va_end(ap);
  tp_diag_add(r->d, sev, r->file, -1, line, "%s", msg);
  free(msg);
}

void tp_rdiag_finish(tp_rdiag *r) {
  unsigned limit = r->limit ? r->limit : 10;
  for (size_t k = 0; k < r->n_kinds; k++)
    if (r->count[k] > limit)
      tp_diag_add(r->d, r->sev[k], r->file, -1, -1,
                  "%zu more lines with the same problem (%s) were not reported one by one",
                  r->count[k] - limit, r->kind[k]);
}

/* ---- tp_lines ------------------------------------------------------------ */

#define S_CHUNK (64 * 1024)

void tp_lines_init(tp_lines *lr, FILE *f, tp_rdiag *rd, size_t max_line) {
  memset(lr, 0, sizeof *lr);
  lr->f = f;
  lr->rd = rd;
  lr->max_line = max_line ? max_line : TP_CSV_MAX_LINE_DEFAULT;
  lr->cap = lr->max_line + S_CHUNK + 1;
  lr->buf = tp_xmalloc(lr->cap);
  lr->first = true;
}

void tp_lines_free(tp_lines *lr) {
  free(lr->buf);
  lr->buf = NULL;
}

/* Move the unread bytes to the front and read more.  Returns bytes read. */
static size_t S_fill(tp_lines *lr) {
  if (lr->eof) return 0;
  if (lr->pos > 0) {
    memmove(lr->buf, lr->buf + lr->pos, lr->end - lr->pos);
    lr->consumed += (int64_t)lr->pos;
    lr->end -= lr->pos;
    lr->pos = 0;
  }
  size_t room = lr->cap - 1 - lr->end;
  size_t got = room ? fread(lr->buf + lr->end, 1, room, lr->f) : 0;
  if (got == 0 && room) {
    lr->eof = true;
    if (ferror(lr->f) && !lr->read_error) {
      lr->read_error = true;
      tp_rdiag_add(lr->rd, TP_ERROR, "read error", -1,
                   "the file could not be read to its end; what came before is used");
    }
  }
  lr->end += got;
  return got;
}

int tp_lines_next(tp_lines *lr, const char **line, size_t *len) {
  for (;;) {
    char *start = lr->buf + lr->pos;
    size_t avail = lr->end - lr->pos;
    char *nl = avail ? memchr(start, '\n', avail) : NULL;
    if (!nl) {
      if (avail > lr->max_line && !lr->skipping) {
        /* Too long: report it once, then drop bytes until its end. */
        lr->skipping = true;
        tp_rdiag_add(lr->rd, TP_WARN, "line too long", lr->line + 1,
                     "line longer than %zu bytes; skipped", lr->max_line);
      }
      if (lr->skipping) {
        lr->consumed += (int64_t)lr->end;
        lr->pos = lr->end = 0;
      }
      if (S_fill(lr) > 0) continue;
      if (lr->end == lr->pos) return 0;
      if (lr->skipping) return 0;
      /* Bytes after the last newline: the file was cut mid-line. */
      lr->line++;
      lr->partial = true;
      tp_rdiag_add(lr->rd, TP_WARN, "incomplete last line", lr->line,
                   "the file ends in the middle of this line (%zu bytes, no newline): "
                   "the partial row was not used",
                   lr->end - lr->pos);
      lr->pos = lr->end;
      return 0;
    }
    size_t n = (size_t)(nl - start);
    int64_t off = lr->consumed + (int64_t)lr->pos;
    lr->pos += n + 1;
    lr->line++;
    if (lr->skipping) {
      lr->skipping = false;
      continue;
    }
    if (n > lr->max_line) {
      tp_rdiag_add(lr->rd, TP_WARN, "line too long", lr->line,
                   "line longer than %zu bytes; skipped", lr->max_line);
      continue;
    }
    if (lr->first) {
      lr->first = false;
      if (n >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0) start += 3, n -= 3, off += 3;
    }
    if (n && start[n - 1] == '\r') n--;
    *line = start;
    *len = n;
    lr->offset = off;
    return 1;
  }
}

/* ---- Fields -------------------------------------------------------------- */

static bool S_blank(char c) { return c == ' ' || c == '\t'; }

size_t tp_csv_split(const char *line, size_t len, char sep, tp_field *out, size_t max) {
  size_t count = 0, i = 0;
  for (;;) {
    while (i < len && S_blank(line[i])) i++;
    size_t b = i, e;
    if (i < len && line[i] == '"') {
      /* Quoted: up to the closing quote ("" is an escaped quote). */
      size_t j = i + 1;
      while (j < len && !(line[j] == '"' && !(j + 1 < len && line[j + 1] == '"'))) {
        j += line[j] == '"' ? 2 : 1;
      }
      b = i + 1;
      e = j < len ? j : len;
      i = j < len ? j + 1 : len;
      while (i < len && line[i] != sep) i++; /* anything after the quote is dropped */
    } else {
      while (i < len && line[i] != sep) i++;
      e = i;
      while (e > b && S_blank(line[e - 1])) e--;
    }
    if (count < max) out[count] = (tp_field){line + b, e - b};
    count++;
    if (i >= len) break;
    i++; /* the separator */
  }
  return count;
}

int tp_csv_next_row(tp_lines *lr, char sep, tp_field *f, size_t max, size_t *n) {
  const char *s;
  size_t len;
  while (tp_lines_next(lr, &s, &len)) {
    if (len == 0) continue;
    *n = tp_csv_split(s, len, sep, f, max);
    if (*n <= max) return 1;
    tp_rdiag_add(lr->rd, TP_WARN, "too many fields", lr->line, "more than %zu fields; line skipped",
                 max);
  }
  return 0;
}

bool tp_field_eq(tp_field f, const char *s) {
  size_t n = strlen(s);
  return f.n == n && strncasecmp(f.s, s, n) == 0;
}

int tp_csv_find(const tp_field *f, size_t n, const char *name) {
  for (size_t k = 0; k < n; k++)
    if (tp_field_eq(f[k], name)) return (int)k;
  return -1;
}

char *tp_field_dup(tp_field f) { return tp_xstrndup(f.s, f.n); }

bool tp_mem_contains(const char *s, size_t n, const char *needle) {
  size_t k = strlen(needle);
  if (k == 0) return true;
  for (size_t i = 0; i + k <= n; i++)
    if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0) return true;
  return false;
}

size_t tp_csv_utoa(unsigned v, char *out) {
  char tmp[12];
  size_t n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  for (size_t k = 0; k < n; k++) out[k] = tmp[n - 1 - k];
  return n;
}

/* Exact powers of ten: every one up to 1e22 is a double without rounding. */
static const double k_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int tp_csv_number(const char *s, size_t n, double *out) {
  /* Fast path (Clinger): [-]digits[.digits] with at most 15 significant
   * digits.  The digits form an integer m < 2^53, exact as a double, and
   * 10^k (k <= 22) is exact too, so m / 10^k is one correctly rounded IEEE
   * division: the same double strtod returns. */
  size_t i = 0;
  while (i < n && S_blank(s[i])) i++;
  bool neg = false;
  if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  uint64_t m = 0;
  int digits = 0, frac = 0;
  bool any = false, dot = false;
  for (; i < n; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (m == 0 && c == '0') {
        if (dot) frac++; /* leading zeros count as places, not as digits */
        continue;
      }
      if (++digits > 15) goto slow;
      m = m * 10 + (uint64_t)(c - '0');
      if (dot) frac++;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  while (i < n && (S_blank(s[i]) || s[i] == '\r')) i++;
  if (i != n || !any || frac > 22) goto slow;
  double v = (double)m / k_pow10[frac];
  *out = neg ? -v : v;
  return 0;
slow:
  return tp_parse_double(s, n, out);
}

int tp_csv_value_unit(tp_field f, double *value, tp_field *unit) {
  if (f.n >= 2 && f.s[0] == '[' && f.s[f.n - 1] == ']') return 1;
  /* The number ends at the first blank; a unit may follow. */
  size_t k = 0;
  while (k < f.n && !S_blank(f.s[k])) k++;
  size_t u = k;
  while (u < f.n && S_blank(f.s[u])) u++;
  *unit = (tp_field){f.s + u, f.n - u};
  if (tp_csv_number(f.s, k, value)) {
    /* "N/A" without brackets also occurs (dmon, wrapped scripts). */
    if (tp_field_eq(f, "N/A") || tp_field_eq(f, "-")) return 1;
    return -1;
  }
  return 0;
}
