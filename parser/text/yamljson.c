/* yamljson: the fast JSON path of the YAML/JSON document trees.
 *
 * JSON files (trainer_state.json, W&B summaries, MLflow metas) are most of
 * what the readers parse; this path builds their tree without libyaml, and
 * declines whatever it cannot build exactly as libyaml would (see below).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/yamldoc.h"
#include "parser/text/yamldoc_impl.h"

/* A strict JSON reader that builds, for the JSON it accepts, the very tree the
 * libyaml path builds (yamldoc.c), and declines everything else.  What
 * libyaml does with JSON, and so what must be copied here:
 *
 * - positions are 1-based lines and columns of a node's first character (the
 *   bracket of a container, the quote of a string); columns count characters,
 *   not bytes; CR LF, LF and a lone CR each end a line; a leading byte order
 *   mark is not counted;
 * - strings are double-quoted scalars (quoted), with \uXXXX as UTF-8 and
 *   \u0000 as a NUL byte inside text (len counts it); numbers, true, false,
 *   null, NaN and +-Infinity are plain scalars with their text as written;
 * - libyaml refuses \u escapes of UTF-16 surrogates (even in pairs): a pair
 *   is decoded here to its character, as the libyaml path does after
 *   rewriting it (yamlutf16.c), and a lone surrogate declined; libyaml refuses
 *   a key whose ':' is on a later line or more than 1024 characters after the
 *   key's start, and a tab where a top-level token could start; it folds
 *   the line breaks NEL, U+2028 and U+2029 inside strings, and its reader
 *   refuses C1 controls, DEL, U+FFFE and U+FFFF.  This path declines all of
 *   these but the pairs (and U+FEFF in strings, to be safe), and libyaml
 *   reads them as ever.
 *
 * Nodes, texts and child arrays are carved from a few large blocks (doc->arena)
 * rather than allocated one by one; tp_ydoc_free releases the blocks. */

#define S_BLOCK_MIN ((size_t)4096)
#define S_BLOCK_MAX ((size_t)16 << 20)
#define S_JSON_KEY_MAX 1000 /* bytes from a key's quote to its ':' (libyaml: 1024 characters) */

typedef struct S_block {
  struct S_block *next; /* the block allocated before (or, for a big one, after) */
  size_t size, used;    /* bytes in data, bytes handed out */
  max_align_t data[];
} S_block;

void tp_ydoc_arena_free(void *arena) {
  S_block *b = arena;
  while (b) {
    S_block *next = b->next;
    free(b);
    b = next;
  }
}

typedef struct S_json {
  tp_ydoc *doc;
  const unsigned char *s;
  size_t len, pos;   /* the input, and the offset of the next byte to read */
  long line;         /* 1-based line of pos */
  size_t line_start; /* offset of the line's first counted character */
  size_t extra;      /* UTF-8 continuation bytes between line_start and pos */
  size_t next_block; /* bytes in the next arena block */
  tp_ynode **kids;   /* the children so far of every open container, in order */
  size_t n_kids, cap_kids;
} S_json;

/* size bytes at a multiple of align (a power of two, at most that of
 * max_align_t) from the document's arena.  Never NULL. */
static void *S_alloc(S_json *p, size_t size, size_t align) {
  S_block *b = p->doc->arena;
  if (b) {
    size_t at = (b->used + align - 1) & ~(align - 1);
    if (at <= b->size && size <= b->size - at) {
      b->used = at + size;
      return (char *)b->data + at;
    }
  }
  if (size > p->next_block / 4) {
    /* A big piece gets a block of its own, kept behind the current one. */
    S_block *big = tp_xmalloc(sizeof *big + size);
    big->size = big->used = size;
    big->next = b ? b->next : NULL;
    if (b) b->next = big;
    else p->doc->arena = big;
    return big->data;
  }
  b = tp_xmalloc(sizeof *b + p->next_block);
  b->size = p->next_block;
  b->used = size;
  b->next = p->doc->arena;
  p->doc->arena = b;
  if (p->next_block < S_BLOCK_MAX) p->next_block *= 2;
  return b->data;
}

/* The byte at offset i, or 0 past the end (0 is refused wherever it is read). */
static unsigned char S_at(const S_json *p, size_t i) { return i < p->len ? p->s[i] : 0; }

static bool S_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* A new node of the given kind at pos, recorded in doc->all; NULL (decline)
 * when the node limit is reached, where the libyaml path would cut. */
static tp_ynode *S_jnode(S_json *p, tp_ynode_kind kind) {
  tp_ydoc *doc = p->doc;
  if (doc->n_nodes >= TP_YDOC_MAX_NODES) return NULL;
  tp_ynode *n = S_alloc(p, sizeof *n, _Alignof(tp_ynode));
  *n = (tp_ynode){.kind = kind,
                  .line = p->line,
                  .col = (long)(p->pos - p->line_start - p->extra) + 1};
  if (doc->n_all == doc->cap_all) TP_GROW(doc->all, doc->cap_all, doc->n_all + 1);
  doc->all[doc->n_all++] = n;
  doc->n_nodes++;
  return n;
}

/* Add n to the children of the innermost open container. */
static void S_jkid(S_json *p, tp_ynode *n) {
  if (p->n_kids == p->cap_kids) TP_GROW(p->kids, p->cap_kids, p->n_kids + 1);
  p->kids[p->n_kids++] = n;
}

/* Skip JSON white space, counting lines.  tabs: also tabs (inside a container;
 * libyaml refuses a tab where a top-level token could start, so the caller
 * declines there). */
static void S_jspace(S_json *p, bool tabs) {
  const unsigned char *s = p->s;
  size_t i = p->pos, n = p->len;
  while (i < n) {
    unsigned char c = s[i];
    if (c == ' ' || (c == '\t' && tabs)) {
      i++;
    } else if (c == '\n' || c == '\r') {
      i += c == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
      p->line++;
      p->line_start = i;
      p->extra = 0;
    } else {
      break;
    }
  }
  p->pos = i;
}

/* Length of the UTF-8 character at s (n bytes left) when it is one that
 * libyaml keeps as it is inside a quoted string, else 0: invalid or overlong
 * UTF-8, surrogates, C1 controls (NEL among them), the line separators
 * U+2028 and U+2029, U+FEFF, U+FFFE and U+FFFF. */
static size_t S_jutf8(const unsigned char *s, size_t n) {
  unsigned c = s[0], cp;
  size_t w;
  if (c >= 0xC2 && c <= 0xDF) w = 2, cp = c & 0x1Fu;
  else if (c >= 0xE0 && c <= 0xEF) w = 3, cp = c & 0x0Fu;
  else if (c >= 0xF0 && c <= 0xF4) w = 4, cp = c & 0x07u;
  else return 0;
  if (w > n) return 0;
  for (size_t i = 1; i < w; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if ((w == 3 && cp < 0x800) || (w == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp < 0xA0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return w;
}

/* The four hex digits at s as *cp: 0, or -1 when they are not hex digits. */
static int S_hex4(const unsigned char *s, unsigned *cp) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    unsigned c = s[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v << 4 | d;
  }
  *cp = v;
  return 0;
}

/* Read the string whose opening quote is at pos into n (quoted, text in the
 * arena, escapes decoded).  0, or -1 to decline. */
static int S_jstring(S_json *p, tp_ynode *n) {
  const unsigned char *s = p->s;
  size_t start = p->pos + 1, i = start, end = p->len;
  bool plain = true; /* printable ASCII without escapes: copied as it is */
  while (i < end && s[i] != '"') {
    unsigned char c = s[i];
    if (c == '\\') {
      plain = false;
      i += 2;
      continue;
    }
    if (c < 0x20 || c >= 0x7F) plain = false;
    i++;
  }
  if (i >= end) return -1;
  size_t close = i, o = 0;
  /* Decoding never makes a string longer. */
  char *out = S_alloc(p, close - start + 1, 1);
  if (plain) {
    memcpy(out, s + start, close - start);
    o = close - start;
  } else {
    /* Every backslash met here was one that the scan above stepped over with
     * the byte after it, so that byte is before close. */
    for (size_t k = start; k < close;) {
      unsigned c = s[k];
      if (c == '\\') {
        unsigned e = s[k + 1], cp;
        k += 2;
        switch (e) {
          case '"': case '\\': case '/': out[o++] = (char)e; break;
          case 'b': out[o++] = '\b'; break;
          case 'f': out[o++] = '\f'; break;
          case 'n': out[o++] = '\n'; break;
          case 'r': out[o++] = '\r'; break;
          case 't': out[o++] = '\t'; break;
          case 'u':
            if (close - k < 4 || S_hex4(s + k, &cp) != 0) return -1;
            k += 4;
            /* A pair of surrogate escapes is one character (the libyaml path
             * reads it as one \U escape); a lone surrogate is refused. */
            if (cp >= 0xD800 && cp <= 0xDFFF) {
              unsigned lo;
              if (cp > 0xDBFF || close - k < 6 || s[k] != '\\' || s[k + 1] != 'u' ||
                  S_hex4(s + k + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                return -1;
              k += 6;
              cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
              out[o++] = (char)(0xF0 | cp >> 18);
              out[o++] = (char)(0x80 | (cp >> 12 & 0x3F));
              out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
              out[o++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x80) {
              out[o++] = (char)cp;
            } else if (cp < 0x800) {
              out[o++] = (char)(0xC0 | cp >> 6);
              out[o++] = (char)(0x80 | (cp & 0x3F));
            } else {
              out[o++] = (char)(0xE0 | cp >> 12);
              out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
              out[o++] = (char)(0x80 | (cp & 0x3F));
            }
            break;
          default:
            return -1;
        }
      } else if (c < 0x80) {
        if (c < 0x20 || c == 0x7F) return -1; /* raw controls: JSON and libyaml refuse */
        out[o++] = (char)c;
        k++;
      } else {
        size_t w = S_jutf8(s + k, close - k);
        if (!w) return -1;
        memcpy(out + o, s + k, w);
        o += w;
        k += w;
        p->extra += w - 1; /* one column per character */
      }
    }
  }
  out[o] = '\0';
  n->text = out;
  n->len = o;
  n->quoted = true;
  p->pos = close + 1;
  return 0;
}

/* If the input at i is the word w, the offset after it, else 0. */
static size_t S_jword(const S_json *p, size_t i, const char *w) {
  size_t k = strlen(w);
  return p->len - i >= k && memcmp(p->s + i, w, k) == 0 ? i + k : 0;
}

/* If a JSON number starts at i, the offset after it, else 0. */
static size_t S_jnumber(const S_json *p, size_t i) {
  if (S_at(p, i) == '-') i++;
  unsigned char c = S_at(p, i);
  if (c == '0') {
    i++;
  } else if (c >= '1' && c <= '9') {
    while (S_digit(S_at(p, i))) i++;
  } else {
    return 0;
  }
  if (S_at(p, i) == '.') {
    if (!S_digit(S_at(p, ++i))) return 0;
    while (S_digit(S_at(p, i))) i++;
  }
  c = S_at(p, i);
  if (c == 'e' || c == 'E') {
    c = S_at(p, ++i);
    if (c == '+' || c == '-') i++;
    if (!S_digit(S_at(p, i))) return 0;
    while (S_digit(S_at(p, i))) i++;
  }
  return i;
}

/* Read the number or bare word (true, false, null, NaN, Infinity, -Infinity)
 * at pos into n, a plain scalar with its text as written.  It must end where
 * libyaml ends a plain scalar in a flow collection: at white space, ',', ']'
 * or '}'.  0, or -1 to decline. */
static int S_jplain(S_json *p, tp_ynode *n) {
  size_t i = p->pos, e;
  switch (S_at(p, i)) {
    case 't': e = S_jword(p, i, "true"); break;
    case 'f': e = S_jword(p, i, "false"); break;
    case 'n': e = S_jword(p, i, "null"); break;
    case 'N': e = S_jword(p, i, "NaN"); break;
    case 'I': e = S_jword(p, i, "Infinity"); break;
    default:
      e = S_at(p, i) == '-' && S_at(p, i + 1) == 'I' ? S_jword(p, i + 1, "Infinity")
                                                   : S_jnumber(p, i);
      break;
  }
  if (!e) return -1;
  unsigned char c = S_at(p, e);
  if (c != ',' && c != ']' && c != '}' && c != ' ' && c != '\t' && c != '\n' && c != '\r')
    return -1;
  char *out = S_alloc(p, e - i + 1, 1);
  memcpy(out, p->s + i, e - i);
  out[e - i] = '\0';
  n->text = out;
  n->len = e - i;
  p->pos = e;
  return 0;
}

/* Read a map key (a string) at pos, its ':' and the white space after.
 * libyaml takes a key for one only when its ':' is on the same line and
 * within 1024 characters of its start: decline otherwise. */
static int S_jkey(S_json *p) {
  if (S_at(p, p->pos) != '"') return -1;
  size_t at = p->pos;
  long line = p->line;
  tp_ynode *k = S_jnode(p, TP_YNODE_SCALAR);
  if (!k || S_jstring(p, k) != 0) return -1;
  S_jkid(p, k);
  S_jspace(p, true);
  if (S_at(p, p->pos) != ':' || p->line != line || p->pos - at > S_JSON_KEY_MAX) return -1;
  p->pos++;
  S_jspace(p, true);
  return 0;
}

/* Give container c its children, the last n_kids - first read. */
static void S_jclose(S_json *p, tp_ynode *c, size_t first) {
  size_t m = p->n_kids - first;
  tp_ynode *const *kids = m ? p->kids + first : NULL;
  if (c->kind == TP_YNODE_MAP) {
    m /= 2; /* keys and values alternate */
    if (m) {
      c->keys = S_alloc(p, 2 * m * sizeof *c->keys, _Alignof(tp_ynode *));
      c->items = c->keys + m;
      for (size_t i = 0; i < m; i++) {
        c->keys[i] = kids[2 * i];
        c->items[i] = kids[2 * i + 1];
      }
    }
  } else if (m) {
    c->items = S_alloc(p, m * sizeof *c->items, _Alignof(tp_ynode *));
    memcpy(c->items, kids, m * sizeof *kids);
  }
  c->n = c->cap = m;
  p->n_kids = first;
}

/* Read the document whose top-level '{' or '[' is at pos, up to the end of
 * the input.  0, or -1 to decline (what was built stays in p->doc). */
static int S_jdoc(S_json *p) {
  struct {
    tp_ynode *node;
    size_t first; /* its first child in p->kids */
  } open[TP_YDOC_MAX_DEPTH];
  int depth = 0;
  for (;;) {
    /* A value starts at pos. */
    unsigned char c = S_at(p, p->pos);
    if (c == '{' || c == '[') {
      if (depth == TP_YDOC_MAX_DEPTH) return -1; /* libyaml would drop it */
      tp_ynode *n = S_jnode(p, c == '{' ? TP_YNODE_MAP : TP_YNODE_SEQ);
      if (!n) return -1;
      if (depth) S_jkid(p, n);
      else p->doc->root = n;
      open[depth].node = n;
      open[depth].first = p->n_kids;
      depth++;
      p->pos++;
      S_jspace(p, true);
      if (S_at(p, p->pos) != (c == '{' ? '}' : ']')) {
        if (c == '{' && S_jkey(p) != 0) return -1;
        continue;
      }
      /* Empty: the closing bracket is read below. */
    } else {
      if (depth == 0) return -1;
      tp_ynode *n = S_jnode(p, TP_YNODE_SCALAR);
      if (!n || (c == '"' ? S_jstring(p, n) : S_jplain(p, n)) != 0) return -1;
      S_jkid(p, n);
      S_jspace(p, true);
    }
    /* After a value: a ',' and the next value, or closing brackets. */
    for (;;) {
      tp_ynode *top = open[depth - 1].node;
      bool map = top->kind == TP_YNODE_MAP;
      c = S_at(p, p->pos);
      if (c == ',') {
        p->pos++;
        S_jspace(p, true);
        if (map && S_jkey(p) != 0) return -1;
        break;
      }
      if (c != (map ? '}' : ']')) return -1;
      p->pos++;
      S_jclose(p, top, open[depth - 1].first);
      if (--depth == 0) {
        S_jspace(p, false);
        return p->pos == p->len ? 0 : -1;
      }
      S_jspace(p, true);
    }
  }
}

int tp_ydoc_parse_json_fast(tp_ydoc *doc, const char *buf, size_t len) {
  memset(doc, 0, sizeof *doc);
  S_json p = {.doc = doc, .s = (const unsigned char *)buf, .len = len, .line = 1};
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) p.pos = p.line_start = 3;
  S_jspace(&p, false);
  unsigned char c = S_at(&p, p.pos);
  if (c != '{' && c != '[') return TP_YDOC_DECLINED;
  /* The tree of pretty-printed JSON takes some five times its bytes; compact
   * JSON more (the blocks that follow grow). */
  p.next_block = len < S_BLOCK_MIN / 6   ? S_BLOCK_MIN
                 : len < S_BLOCK_MAX / 6 ? 6 * len
                                         : S_BLOCK_MAX;
  int rc = S_jdoc(&p);
  free(p.kids);
  if (rc != 0) {
    tp_ydoc_free(doc);
    return TP_YDOC_DECLINED;
  }
  return 0;
}
