/* mem: allocation that aborts on failure, and the growable string buffer. */
#include "model/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void S_oom(size_t n) {
  fprintf(stderr, "trainprint: out of memory (asked for %zu bytes)\n", n);
  abort();
}

void *tp_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) S_oom(n);
  return p;
}

void *tp_xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) S_oom(count * size);
  return p;
}

void *tp_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) S_oom(n);
  return q;
}

char *tp_xstrdup(const char *s) { return tp_xstrndup(s, strlen(s)); }

char *tp_xstrndup(const char *s, size_t n) {
  char *p = tp_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *tp_xvasprintf(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *p = tp_xmalloc((size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *tp_xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = tp_xvasprintf(fmt, ap);
  va_end(ap);
  return p;
}

void tp_grow(void **pv, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return;
  size_t c = *cap ? *cap : 8;
  while (c < need) {
    if (c > SIZE_MAX / 2) S_oom(SIZE_MAX);
    c *= 2;
  }
  if (size && c > SIZE_MAX / size) S_oom(SIZE_MAX);
  *pv = tp_xrealloc(*pv, c * size);
  *cap = c;
}

void tp_buf_add(tp_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 < b->len) S_oom(SIZE_MAX);
  tp_grow((void **)&b->data, &b->cap, b->len + n + 1, 1);
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void tp_buf_adds(tp_buf *b, const char *s) { tp_buf_add(b, s, strlen(s)); }

void tp_buf_addc(tp_buf *b, char c) { tp_buf_add(b, &c, 1); }

void tp_buf_printf(tp_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = tp_xvasprintf(fmt, ap);
  va_end(ap);
  tp_buf_adds(b, s);
  free(s);
}

void tp_buf_clear(tp_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void tp_buf_free(tp_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

const char *tp_buf_str(const tp_buf *b) { return b->data ? b->data : ""; }

char *tp_buf_detach(tp_buf *b) {
  char *s = b->data ? b->data : tp_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return s;
}
