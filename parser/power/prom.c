/* prom: Prometheus query_range answers, plain or gzip (see prom.h).
 *
 * A small streaming JSON scanner over the bytes (a day of 64 GPUs is one
 * line of tens of megabytes, past any line buffer), reading only the shape of
 * an answer: answer {status, data {resultType, result [series {metric {..},
 * values [[t, "v"], ...]}]}}; every other member is skipped.
 */
#include "parser/power/prom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/mem.h"
#include "parser/power/dcgm.h"

#define S_BUF 65536

/* ---- Bytes: plain or gzip ------------------------------------------------------ */

typedef struct S_src {
  FILE *f;               /* not owned */
  bool gz;               /* the stream is gzip */
  z_stream z;            /* its inflater, when gz */
  bool member_done;      /* a gzip member ended: another may follow */
  size_t pos, end;       /* the bytes of buf to scan */
  bool eof;              /* nothing more to read */
  bool bad;              /* a read error, or a gzip stream damaged or cut short */
  int64_t line;          /* 1-based line of the next byte */
  /* The buffers last: S_open clears what comes before them. */
  unsigned char in[S_BUF];  /* compressed bytes, when gz */
  unsigned char buf[S_BUF]; /* bytes to scan [pos, end) */
} S_src;

/* Start reading f from its beginning.  Returns 0, or -1 when it cannot be
 * rewound or its gzip stream not started. */
static int S_open(S_src *s, FILE *f) {
  memset(s, 0, offsetof(S_src, in));
  s->f = f;
  s->line = 1;
  if (fseek(f, 0, SEEK_SET) != 0) return -1;
  size_t n = fread(s->in, 1, sizeof s->in, f);
  if (n >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
    if (inflateInit2(&s->z, 15 + 32) != Z_OK) return -1;
    s->gz = true;
    s->z.next_in = s->in;
    s->z.avail_in = (uInt)n;
    return 0;
  }
  memcpy(s->buf, s->in, n);
  s->end = n;
  return 0;
}

static void S_close(S_src *s) {
  if (s->gz) inflateEnd(&s->z);
  s->gz = false;
}

/* Inflate more bytes into buf.  Returns false at the end. */
static bool S_fill_gz(S_src *s) {
  for (int spins = 0; spins < 1000; spins++) {
    if (s->z.avail_in == 0) {
      size_t n = fread(s->in, 1, sizeof s->in, s->f);
      if (n == 0) {
        s->bad = ferror(s->f) || !s->member_done;
        return false;
      }
      s->z.next_in = s->in;
      s->z.avail_in = (uInt)n;
    }
    if (s->member_done) { /* concatenated members (`cat a.gz b.gz`) */
      if (inflateReset(&s->z) != Z_OK) return false;
      s->member_done = false;
    }
    s->z.next_out = s->buf;
    s->z.avail_out = sizeof s->buf;
    int rc = inflate(&s->z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) s->member_done = true;
    else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s->bad = true;
      return false;
    }
    s->pos = 0;
    s->end = sizeof s->buf - s->z.avail_out;
    if (s->end) return true;
  }
  s->bad = true;
  return false;
}

static bool S_fill(S_src *s) {
  if (s->eof) return false;
  bool more;
  if (s->gz) {
    more = S_fill_gz(s);
  } else {
    s->pos = 0;
    s->end = fread(s->buf, 1, sizeof s->buf, s->f);
    more = s->end > 0;
    if (!more && ferror(s->f)) s->bad = true;
  }
  if (!more) s->eof = true;
  return more;
}

static inline int S_peek(S_src *s) {
  if (s->pos == s->end && !S_fill(s)) return -1;
  return s->buf[s->pos];
}

static inline int S_get(S_src *s) {
  int c = S_peek(s);
  if (c >= 0) {
    s->pos++;
    if (c == '\n') s->line++;
  }
  return c;
}

/* ---- JSON, as much as answers need ---------------------------------------------- */

typedef struct S_p {
  S_src *src;
  tp_dcgm *g;
  tp_rdiag *rd;
  double offset_s;       /* the clock offset added to every time */
  const char *problem;   /* the first syntax error, or NULL */
  int64_t problem_line;
  size_t n_answers;      /* answers read in this pass */
  size_t n_values;       /* values not understood */
} S_p;

static int S_fail(S_p *p, const char *msg) {
  if (!p->problem) {
    p->problem = msg;
    p->problem_line = p->src->line;
  }
  return -1;
}

static void S_ws(S_p *p) {
  for (int c = S_peek(p->src); c == ' ' || c == '\t' || c == '\r' || c == '\n';
       c = S_peek(p->src))
    S_get(p->src);
}

static int S_expect(S_p *p, int want, const char *msg) {
  S_ws(p);
  return S_get(p->src) == want ? 0 : S_fail(p, msg);
}

/* Append code point u as UTF-8 to out[cap] at *n (dropped when full). */
static void S_utf8(char *out, size_t cap, size_t *n, unsigned long u) {
  char b[4];
  size_t k = 0;
  if (u < 0x80) b[k++] = (char)u;
  else if (u < 0x800) b[k++] = (char)(0xc0 | (u >> 6)), b[k++] = (char)(0x80 | (u & 0x3f));
  else if (u < 0x10000)
    b[k++] = (char)(0xe0 | (u >> 12)), b[k++] = (char)(0x80 | ((u >> 6) & 0x3f)),
    b[k++] = (char)(0x80 | (u & 0x3f));
  else
    b[k++] = (char)(0xf0 | (u >> 18)), b[k++] = (char)(0x80 | ((u >> 12) & 0x3f)),
    b[k++] = (char)(0x80 | ((u >> 6) & 0x3f)), b[k++] = (char)(0x80 | (u & 0x3f));
  if (*n + k < cap) memcpy(out + *n, b, k), *n += k;
}

/* The four hex digits of a \u escape. */
static int S_hex4(S_p *p, unsigned *u) {
  *u = 0;
  for (int k = 0; k < 4; k++) {
    int c = S_get(p->src);
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return S_fail(p, "a bad \\u escape in a string");
    *u = *u * 16 + (unsigned)d;
  }
  return 0;
}

/* The character of \u escape u: a high surrogate with the low one escaped
 * after it is one character past U+FFFF (as Python's json.dumps writes it); a
 * lone surrogate is '?'. */
static unsigned long S_surrogates(S_p *p, unsigned u) {
  if (u < 0xd800 || u > 0xdfff) return u;
  unsigned lo;
  if (u > 0xdbff || S_peek(p->src) != '\\') return '?';
  S_get(p->src);
  if (S_get(p->src) != 'u' || S_hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff) return '?';
  return 0x10000ul + ((unsigned long)(u - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string into out[cap] (truncated to fit, NUL-terminated), its length in *n. */
static int S_string(S_p *p, char *out, size_t cap, size_t *n) {
  *n = 0;
  if (S_expect(p, '"', "a string expected")) return -1;
  for (;;) {
    int c = S_get(p->src);
    if (c < 0) return S_fail(p, "the file ends inside a string");
    if (c == '"') break;
    if (c < 0x20) return S_fail(p, "a control character inside a string");
    if (c == '\\') {
      c = S_get(p->src);
      const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
      const char *at = c > 0 ? strchr(from, c) : NULL;
      unsigned u;
      if (c == 'u') {
        if (S_hex4(p, &u)) return -1;
        S_utf8(out, cap, n, S_surrogates(p, u));
        continue;
      }
      if (!at) return S_fail(p, "a bad escape in a string");
      c = to[at - from];
    }
    if (*n + 1 < cap) out[(*n)++] = (char)c;
  }
  out[*n < cap ? *n : cap - 1] = '\0';
  return 0;
}

/* A number, true, false or null: its characters into out[cap]. */
static int S_bare(S_p *p, char *out, size_t cap, size_t *n) {
  S_ws(p);
  *n = 0;
  for (int c = S_peek(p->src); (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '+' ||
                               c == '-' || c == '.' || c == 'E';
       c = S_peek(p->src)) {
    if (*n + 1 >= cap) return S_fail(p, "a number too long");
    out[(*n)++] = (char)S_get(p->src);
  }
  out[*n] = '\0';
  return *n ? 0 : S_fail(p, "a value expected");
}

/* A string or a bare value (a time may be either). */
static int S_scalar(S_p *p, char *out, size_t cap, size_t *n) {
  S_ws(p);
  return S_peek(p->src) == '"' ? S_string(p, out, cap, n) : S_bare(p, out, cap, n);
}

/* Next member of an object being read: its key in key[cap], 1; 0 at its end. */
static int S_next_key(S_p *p, bool *first, char *key, size_t cap) {
  S_ws(p);
  if (S_peek(p->src) == '}') {
    S_get(p->src);
    return 0;
  }
  if (!*first && S_expect(p, ',', "',' or '}' expected in an object")) return -1;
  *first = false;
  size_t kn;
  if (S_string(p, key, cap, &kn)) return -1;
  return S_expect(p, ':', "':' expected after a key") ? -1 : 1;
}

/* Next item of an array being read: 1 when one follows, 0 at its end. */
static int S_next_item(S_p *p, bool *first) {
  S_ws(p);
  if (S_peek(p->src) == ']') {
    S_get(p->src);
    return 0;
  }
  if (!*first && S_expect(p, ',', "',' or ']' expected in an array")) return -1;
  *first = false;
  return 1;
}

/* Any value, passed over: brackets counted and strings stepped through, what
 * it holds not checked (only an answer's own shape is read). */
static int S_skip(S_p *p) {
  S_ws(p);
  int c = S_peek(p->src);
  if (c != '{' && c != '[') {
    char tmp[64];
    size_t n;
    return S_scalar(p, tmp, sizeof tmp, &n);
  }
  S_src *s = p->src;
  size_t depth = 0;
  bool in_str = false, esc = false;
  while (s->pos < s->end || S_fill(s)) {
    for (; s->pos < s->end; s->pos++) {
      c = s->buf[s->pos];
      if (in_str) {
        if (esc) esc = false;
        else if (c == '\\') esc = true;
        else if (c == '"') in_str = false;
      } else if (c == '"') {
        in_str = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          s->pos++;
          return 0;
        }
      } else if (c == '\n') {
        s->line++;
      }
    }
  }
  return S_fail(p, "the file ends inside a value");
}

/* ---- Answers -------------------------------------------------------------------- */

static int S_metric(S_p *p, tp_dcgm_labels *l) {
  char key[64], val[256];
  size_t vn;
  bool first = true;
  int r;
  if (S_expect(p, '{', "the metric's labels ('{') expected")) return -1;
  while ((r = S_next_key(p, &first, key, sizeof key)) == 1) {
    if (S_string(p, val, sizeof val, &vn)) return -1;
    tp_dcgm_labels_set(l, key, strlen(key), val, vn);
  }
  return r;
}

/* One [time, "value"] pair, delivered to series h. */
static int S_pair(S_p *p, int h) {
  char tb[64], vb[64];
  size_t tn, vn;
  int64_t line = p->src->line;
  if (S_expect(p, '[', "a [time, value] pair expected") || S_scalar(p, tb, sizeof tb, &tn) ||
      S_expect(p, ',', "',' expected in a [time, value] pair") ||
      S_scalar(p, vb, sizeof vb, &vn) || S_expect(p, ']', "']' expected after a pair"))
    return -1;
  double t, v;
  if (tp_csv_number(tb, tn, &t) || tp_csv_number(vb, vn, &v)) {
    if (p->n_values++ == 0)
      tp_rdiag_add(p->rd, TP_WARN, "bad value", line,
                   "a pair [%s, %s] not understood; skipped", tb, vb);
    return 0;
  }
  tp_dcgm_value(p->g, h, t + p->offset_s, v, line);
  return 0;
}

static int S_values(S_p *p, int h) {
  if (h < 0) return S_skip(p);
  if (S_expect(p, '[', "the values ('[') expected")) return -1;
  bool first = true;
  int r;
  while ((r = S_next_item(p, &first)) == 1)
    if (S_pair(p, h)) return -1;
  return r;
}

static int S_series(S_p *p) {
  char key[64];
  bool first = true, have_metric = false;
  int h = -1, r;
  int64_t line = p->src->line;
  tp_dcgm_labels l;
  tp_dcgm_labels_clear(&l);
  if (S_expect(p, '{', "a series ('{') expected")) return -1;
  while ((r = S_next_key(p, &first, key, sizeof key)) == 1) {
    if (strcmp(key, "metric") == 0 && !have_metric) {
      if (S_metric(p, &l)) return -1;
      have_metric = true;
      h = tp_dcgm_series(p->g, &l, line);
    } else if (strcmp(key, "values") == 0) {
      if (!have_metric && !p->g->survey)
        tp_rdiag_add(p->rd, TP_WARN, "values before labels", line,
                     "a series whose values come before its labels; skipped");
      if (S_values(p, have_metric ? h : -1)) return -1;
    } else if (S_skip(p)) {
      return -1;
    }
  }
  return r;
}

static int S_result(S_p *p) {
  bool first = true;
  int r;
  if (S_expect(p, '[', "the result ('[') expected")) return -1;
  while ((r = S_next_item(p, &first)) == 1)
    if (S_series(p)) return -1;
  return r;
}

static int S_data(S_p *p, int64_t line) {
  char key[64], type[32] = "matrix";
  size_t n;
  bool first = true;
  int r;
  if (S_expect(p, '{', "the data ('{') expected")) return -1;
  while ((r = S_next_key(p, &first, key, sizeof key)) == 1) {
    if (strcmp(key, "resultType") == 0) {
      if (S_string(p, type, sizeof type, &n)) return -1;
      if (strcmp(type, "matrix") != 0 && !p->g->survey)
        tp_rdiag_add(p->rd, TP_WARN, "not a range", line,
                     "a \"%s\" answer (an instant query): not a trace; skipped (save a "
                     "query_range answer)",
                     type);
    } else if (strcmp(key, "result") == 0 && strcmp(type, "matrix") == 0) {
      if (S_result(p)) return -1;
    } else if (S_skip(p)) {
      return -1;
    }
  }
  return r;
}

/* One answer: {"status": ..., "data": {...}} (an error answer says why). */
static int S_answer(S_p *p) {
  char key[64], status[32] = "", error[160] = "";
  size_t n;
  bool first = true;
  int r;
  int64_t line = p->src->line;
  if (S_expect(p, '{', "an answer ('{') expected")) return -1;
  while ((r = S_next_key(p, &first, key, sizeof key)) == 1) {
    if (strcmp(key, "status") == 0) r = S_string(p, status, sizeof status, &n);
    else if (strcmp(key, "error") == 0) r = S_string(p, error, sizeof error, &n);
    else if (strcmp(key, "data") == 0 && strcmp(status, "error") != 0) r = S_data(p, line);
    else r = S_skip(p);
    if (r) return -1;
  }
  if (r == 0 && strcmp(status, "success") != 0 && !p->g->survey)
    tp_rdiag_add(p->rd, TP_WARN, "error answer", line,
                 "an answer with status \"%s\"%s%s: nothing taken from it", status,
                 error[0] ? ": " : "", error);
  return r;
}

/* Every answer of the file, one after another. */
static int S_pass(S_p *p) {
  p->n_answers = 0;
  p->problem = NULL;
  for (;;) {
    S_ws(p);
    int c = S_peek(p->src);
    if (c < 0) return 0;
    if (c == 0xef) { /* a UTF-8 byte order mark */
      for (int k = 0; k < 3; k++) S_get(p->src);
      continue;
    }
    if (c != '{') return S_fail(p, "an answer ('{') expected");
    if (S_answer(p)) return -1;
    p->n_answers++;
  }
}

/* ---- Front door ------------------------------------------------------------------ */

/* The first bytes of gzip data head[0..len) inflated into out[cap]: how many. */
static size_t S_gunzip_head(const char *head, size_t len, char *out, size_t cap) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 + 32) != Z_OK) return 0;
  z.next_in = (unsigned char *)(uintptr_t)head;
  z.avail_in = (uInt)len;
  z.next_out = (unsigned char *)out;
  z.avail_out = (uInt)cap;
  inflate(&z, Z_SYNC_FLUSH);
  size_t got = cap - z.avail_out;
  inflateEnd(&z);
  return got;
}

bool tp_prom_sniff(const char *head, size_t len) {
  char plain[4096];
  if (len >= 2 && (unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b) {
    len = S_gunzip_head(head, len, plain, sizeof plain);
    head = plain;
  }
  size_t i = 0;
  if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) i = 3;
  while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
  return i < len && head[i] == '{' && tp_mem_contains(head, len, "\"status\"") &&
         tp_mem_contains(head, len, "\"data\"") && tp_mem_contains(head, len, "\"resultType\"");
}

/* What went wrong with the stream or the syntax, said once at the end. */
static void S_report(S_p *p, int err) {
  if (err)
    tp_rdiag_add(p->rd, TP_WARN, "bad JSON", p->problem_line,
                 "%s: the rest of the file is not read", p->problem);
  if (p->src->bad)
    tp_rdiag_add(p->rd, TP_WARN, "bad stream", p->src->line,
                 "%s: the rest of the file is not read",
                 p->src->gz ? "the gzip data is damaged or cut short" : "a read error");
  if (p->n_values > 1)
    tp_rdiag_add(p->rd, TP_WARN, "bad value", -1, "%zu pairs not understood in all; skipped",
                 p->n_values);
}

int tp_prom_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  S_src *src = tp_xmalloc(sizeof *src);
  tp_dcgm g;
  tp_dcgm_init(&g, e, opt);
  S_p p = {.src = src, .g = &g, .rd = e->rd, .offset_s = opt->clock_offset_s};
  int rc = -1;
  /* The survey: which devices have an energy counter. */
  if (S_open(src, lr->f) == 0) {
    S_pass(&p);
    S_close(src);
  }
  if (S_open(src, lr->f) != 0) {
    tp_rdiag_add(e->rd, TP_ERROR, "cannot rewind", -1,
                 "the input cannot be read twice (a pipe?): not used");
    goto done;
  }
  tp_dcgm_deliver(&g);
  p.n_values = 0;
  int err = S_pass(&p);
  S_report(&p, err);
  tp_dcgm_finish(&g);
  S_close(src);
  rc = 0;
  if (e->n_samples == 0) {
    tp_rdiag_add(e->rd, TP_ERROR, "no samples", -1,
                 "no %s or %s samples in %zu answer%s: file not used", TP_DCGM_POWER_METRIC,
                 TP_DCGM_ENERGY_METRIC, p.n_answers, p.n_answers == 1 ? "" : "s");
    rc = -1;
  }
done:
  tp_dcgm_free(&g);
  free(src);
  return rc;
}
