/* yamlutf16: UTF-16 surrogate pairs in the double-quoted scalars that libyaml
 * reads (see yamldoc_impl.h).
 *
 * JSON writes a character outside the Basic Multilingual Plane as a pair of
 * \u escapes (Python's json.dumps: "\ud83d\ude00" for U+1F600); libyaml
 * refuses every surrogate escape, paired or not, while YAML's own way is
 * \U0001F600.  Before libyaml reads a text, each pair inside a double-quoted
 * scalar is rewritten as that \U escape, and the columns of the nodes after
 * it on its line are put back afterwards (each rewrite is 2 characters
 * shorter), so that the tree is the one the fast JSON path builds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/yamldoc.h"
#include "parser/text/yamldoc_impl.h"

#define S_PAIR_BYTES 12 /* \uD83D\uDE00 */
#define S_REPL_BYTES 10 /* \U0001F600 */

/* The four hex digits at s as a number, or -1. */
static long S_hex4(const char *s) {
  long v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return -1;
    v = v << 4 | d;
  }
  return v;
}

/* The code point of a surrogate pair of escapes at s (n bytes left), or 0. */
static unsigned long S_pair(const char *s, size_t n) {
  if (n < S_PAIR_BYTES || s[0] != '\\' || s[1] != 'u' || s[6] != '\\' || s[7] != 'u') return 0;
  long hi = S_hex4(s + 2), lo = S_hex4(s + 8);
  if (hi < 0xD800 || hi > 0xDBFF || lo < 0xDC00 || lo > 0xDFFF) return 0;
  return 0x10000ul + ((unsigned long)(hi - 0xD800) << 10) + (unsigned long)(lo - 0xDC00);
}

/* Whether a quote after byte c starts a quoted scalar (c is 0 at the start). */
static bool S_token_start(char c) {
  return c == 0 || strchr(" \t\r\n[{,:-?", c) != NULL;
}

typedef enum { S_PLAIN, S_DQ, S_SQ, S_COMMENT } S_state;

/* Scanner position: 1-based line and character column of the next byte. */
typedef struct S_scan {
  long line, col;
  S_state state;
} S_scan;

/* Step over the byte at s[i] (n bytes in all), counting lines and characters. */
static void S_count(S_scan *sc, const char *s, size_t i, size_t n) {
  unsigned char c = (unsigned char)s[i];
  if (c == '\n' || (c == '\r' && !(i + 1 < n && s[i + 1] == '\n'))) {
    sc->line++;
    sc->col = 1;
    if (sc->state == S_COMMENT) sc->state = S_PLAIN;
  } else if (c != '\r' && (c & 0xC0) != 0x80) {
    sc->col++;
  }
}

int tp_ypairs_rewrite(tp_ypairs *p, const char *buf, size_t len) {
  memset(p, 0, sizeof *p);
  S_scan sc = {.line = 1, .col = 1, .state = S_PLAIN};
  tp_buf out = {0};
  size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, copied = 0;
  char prev = 0;
  while (i < len) {
    char c = buf[i];
    unsigned long cp;
    if (sc.state == S_DQ && c == '\\' && (cp = S_pair(buf + i, len - i)) != 0) {
      tp_buf_add(&out, buf + copied, i - copied);
      tp_buf_printf(&out, "\\U%08lX", cp);
      TP_GROW(p->at, p->cap, p->n + 1);
      p->at[p->n++] = (tp_ypair_fix){.line = sc.line, .col = sc.col};
      sc.col += S_PAIR_BYTES;
      i += S_PAIR_BYTES;
      copied = i;
      prev = '0';
      continue;
    }
    if (sc.state == S_PLAIN) {
      if (c == '"' && S_token_start(prev)) sc.state = S_DQ;
      else if (c == '\'' && S_token_start(prev)) sc.state = S_SQ;
      else if (c == '#' && (prev == 0 || prev == ' ' || prev == '\t' || prev == '\n' ||
                            prev == '\r'))
        sc.state = S_COMMENT;
    } else if (sc.state == S_DQ && c == '\\' && i + 1 < len) {
      S_count(&sc, buf, i++, len); /* the escaped byte is counted below */
    } else if (sc.state == S_DQ && c == '"') {
      sc.state = S_PLAIN;
    } else if (sc.state == S_SQ && c == '\'') {
      if (i + 1 < len && buf[i + 1] == '\'') S_count(&sc, buf, i++, len);
      else sc.state = S_PLAIN;
    }
    S_count(&sc, buf, i, len);
    prev = buf[i++];
  }
  if (!p->n) return 0;
  tp_buf_add(&out, buf + copied, len - copied);
  p->len = out.len;
  p->text = tp_buf_detach(&out);
  return 1;
}

/* How many rewrites on the node's line come before column col of the
 * rewritten text. */
static size_t S_before(const tp_ypairs *p, long line, long col) {
  size_t lo = 0, hi = p->n;
  while (lo < hi) { /* first rewrite on line */
    size_t mid = lo + (hi - lo) / 2;
    if (p->at[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  size_t first = lo;
  hi = p->n;
  /* The k-th rewrite of the line (k from 0) sits at column col_k - 2k of the
   * rewritten text, which grows with k. */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    long at = p->at[mid].col - (long)(2 * (mid - first));
    if (p->at[mid].line == line && at < col) lo = mid + 1;
    else hi = mid;
  }
  return lo - first;
}

void tp_ypairs_fix_cols(const tp_ypairs *p, tp_ydoc *doc) {
  if (!p->n) return;
  for (size_t i = 0; i < doc->n_all; i++) {
    tp_ynode *n = doc->all[i];
    n->col += (long)(2 * S_before(p, n->line, n->col));
  }
}

void tp_ypairs_free(tp_ypairs *p) {
  free(p->text);
  free(p->at);
  memset(p, 0, sizeof *p);
}
