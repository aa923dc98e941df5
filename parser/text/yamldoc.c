/* yamldoc: bounded YAML/JSON document trees built from libyaml events (see yamldoc.h). */
#include "parser/text/yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "model/mem.h"
#include "parser/text/number.h"
#include "parser/text/yamlalias.h"

/* ---- building ------------------------------------------------------------ */

typedef struct S_builder {
  tp_ydoc *doc;
  tp_diags *d;
  const char *file;
  tp_ynode *stack[TP_YDOC_MAX_DEPTH]; /* open containers */
  int depth;
  int skip;          /* > 0: inside a container past the depth limit */
  bool done;         /* the first document is complete */
  bool warned_alias, warned_nodes, warned_depth;
  const tp_yalias *aliases; /* why an alias it hands over was refused */
} S_builder;

static tp_ynode *S_node(S_builder *b, tp_ynode_kind kind, const yaml_mark_t *m) {
  tp_ydoc *doc = b->doc;
  if (doc->n_nodes >= TP_YDOC_MAX_NODES) {
    if (!b->warned_nodes)
      tp_diag_add(b->d, TP_WARN, b->file, (int64_t)m->index, (int64_t)m->line + 1,
                  "more than %d nodes (column %ld); the rest of the document was not read",
                  TP_YDOC_MAX_NODES, (long)m->column + 1);
    b->warned_nodes = true;
    doc->truncated = true;
    return NULL;
  }
  tp_ynode *n = tp_xcalloc(1, sizeof *n);
  n->kind = kind;
  n->line = (long)m->line + 1;
  n->col = (long)m->column + 1;
  TP_GROW(doc->all, doc->cap_all, doc->n_all + 1);
  doc->all[doc->n_all++] = n;
  doc->n_nodes++;
  return n;
}

/* Attach n to the innermost open container (or make it the root). */
static void S_attach(S_builder *b, tp_ynode *n) {
  if (b->depth == 0) {
    if (!b->doc->root) b->doc->root = n;
    return;
  }
  tp_ynode *p = b->stack[b->depth - 1];
  if (p->kind == TP_YNODE_SEQ) {
    TP_GROW(p->items, p->cap, p->n + 1);
    p->items[p->n++] = n;
    return;
  }
  /* A map: a key opens a pair, the next node completes it. */
  if (p->n < p->cap && p->keys[p->n] && !p->items[p->n]) {
    p->items[p->n++] = n;
    return;
  }
  size_t cap_items = p->cap;
  TP_GROW(p->keys, p->cap, p->n + 1);
  p->items = tp_xrealloc(p->items, p->cap * sizeof *p->items);
  for (size_t i = cap_items; i < p->cap; i++) p->keys[i] = p->items[i] = NULL;
  p->keys[p->n] = n;
}

static void S_event(S_builder *b, const yaml_event_t *ev) {
  const yaml_mark_t *m = &ev->start_mark;
  if (b->done) return;
  if (b->skip > 0) {
    if (ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT) b->skip++;
    if (ev->type == YAML_MAPPING_END_EVENT || ev->type == YAML_SEQUENCE_END_EVENT) b->skip--;
    return;
  }
  switch (ev->type) {
    case YAML_SCALAR_EVENT: {
      tp_ynode *n = S_node(b, TP_YNODE_SCALAR, m);
      if (!n) return;
      n->len = ev->data.scalar.length;
      n->text = tp_xstrndup((const char *)ev->data.scalar.value, n->len);
      n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
      if (ev->data.scalar.tag) n->tag = tp_xstrdup((const char *)ev->data.scalar.tag);
      S_attach(b, n);
      break;
    }
    case YAML_ALIAS_EVENT: {
      if (!b->warned_alias)
        tp_diag_add(b->d, TP_WARN, b->file, (int64_t)m->index, (int64_t)m->line + 1,
                    "alias *%s at column %ld refused (%s); read as null",
                    (const char *)ev->data.alias.anchor, (long)m->column + 1,
                    tp_yalias_why(b->aliases));
      b->warned_alias = true;
      tp_ynode *n = S_node(b, TP_YNODE_SCALAR, m);
      if (!n) return;
      n->text = tp_xstrdup("");
      n->is_alias = true;
      S_attach(b, n);
      break;
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
      if (b->depth >= TP_YDOC_MAX_DEPTH) {
        if (!b->warned_depth)
          tp_diag_add(b->d, TP_WARN, b->file, (int64_t)m->index, (int64_t)m->line + 1,
                      "nesting deeper than %d levels at column %ld; the deeper part was dropped",
                      TP_YDOC_MAX_DEPTH, (long)m->column + 1);
        b->warned_depth = true;
        b->doc->truncated = true;
        b->skip = 1;
        return;
      }
      bool map = ev->type == YAML_MAPPING_START_EVENT;
      tp_ynode *n = S_node(b, map ? TP_YNODE_MAP : TP_YNODE_SEQ, m);
      if (!n) {
        b->skip = 1;
        return;
      }
      const yaml_char_t *tag =
          map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
      if (tag) n->tag = tp_xstrdup((const char *)tag);
      S_attach(b, n);
      b->stack[b->depth++] = n;
      break;
    }
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      if (b->depth > 0) {
        tp_ynode *p = b->stack[--b->depth];
        /* A key without a value (cannot happen in valid input) becomes key: null. */
        if (p->kind == TP_YNODE_MAP && p->n < p->cap && p->keys[p->n]) {
          p->n++;
        }
      }
      break;
    case YAML_DOCUMENT_END_EVENT:
      b->done = true;
      break;
    default:
      break;
  }
}

int tp_ydoc_parse_yaml(tp_ydoc *doc, const char *buf, size_t len, const char *file,
                       tp_diags *d) {
  memset(doc, 0, sizeof *doc);
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    fprintf(stderr, "trainprint: out of memory (libyaml)\n");
    abort();
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
  tp_yalias *al = tp_yalias_new(&parser, TP_YALIAS_MAX_REPLAYED);
  S_builder b = {.doc = doc, .d = d, .file = file, .aliases = al};
  int rc = 0;
  for (;;) {
    yaml_event_t ev;
    if (!tp_yalias_next(al, &ev)) {
      tp_diag_add(d, TP_WARN, file, (int64_t)parser.problem_mark.index,
                  (int64_t)parser.problem_mark.line + 1,
                  "malformed %s at line %ld, column %ld: %s%s%s; what came before is used",
                  parser.error == YAML_READER_ERROR ? "text" : "YAML/JSON",
                  (long)parser.problem_mark.line + 1, (long)parser.problem_mark.column + 1,
                  parser.problem ? parser.problem : "syntax error",
                  parser.context ? " " : "", parser.context ? parser.context : "");
      doc->truncated = true;
      rc = -1;
      break;
    }
    yaml_event_type_t type = ev.type;
    S_event(&b, &ev);
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT || b.done) break;
  }
  tp_yalias_free(al);
  yaml_parser_delete(&parser);
  /* Close pairs left open by an error: a dangling key reads as key: null. */
  for (int i = 0; i < b.depth; i++) {
    tp_ynode *p = b.stack[i];
    if (p->kind == TP_YNODE_MAP && p->n < p->cap && p->keys[p->n]) p->n++;
  }
  return rc || doc->truncated ? -1 : 0;
}

/* ---- the fast JSON path ---------------------------------------------------- */

/* A strict JSON reader that builds, for the JSON it accepts, the very tree the
 * libyaml path builds (S_event above), and declines everything else.  What
 * libyaml does with JSON, and so what must be copied here:
 *
 * - positions are 1-based lines and columns of a node's first character (the
 *   bracket of a container, the quote of a string); columns count characters,
 *   not bytes; CR LF, LF and a lone CR each end a line; a leading byte order
 *   mark is not counted;
 * - strings are double-quoted scalars (quoted), with \uXXXX as UTF-8 and
 *   \u0000 as a NUL byte inside text (len counts it); numbers, true, false,
 *   null, NaN and +-Infinity are plain scalars with their text as written;
 * - libyaml refuses \u escapes of UTF-16 surrogates (even in pairs), and a
 *   key whose ':' is on a later line or more than 1024 characters after the
 *   key's start, and a tab where a top-level token could start; it folds
 *   the line breaks NEL, U+2028 and U+2029 inside strings, and its reader
 *   refuses C1 controls, DEL, U+FFFE and U+FFFF.  This path declines all of
 *   these (and U+FEFF in strings, to be safe), and libyaml reads them as ever.
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

static void S_arena_free(void *arena) {
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
            /* libyaml refuses surrogate escapes, paired or not. */
            if (cp >= 0xD800 && cp <= 0xDFFF) return -1;
            if (cp < 0x80) {
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

int tp_ydoc_parse(tp_ydoc *doc, const char *buf, size_t len, const char *file, tp_diags *d) {
  if (tp_ydoc_parse_json_fast(doc, buf, len) == 0) return 0;
  return tp_ydoc_parse_yaml(doc, buf, len, file, d);
}

int tp_ydoc_load(tp_ydoc *doc, const char *path, tp_diags *d) {
  memset(doc, 0, sizeof *doc);
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot open (%s); file skipped", strerror(errno));
    return -1;
  }
  tp_buf b = {0};
  char chunk[65536];
  size_t got;
  int rc = 0;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + got > TP_YDOC_MAX_BYTES) {
      tp_diag_add(d, TP_ERROR, path, -1, -1, "larger than %u bytes; file skipped",
                  TP_YDOC_MAX_BYTES);
      rc = -1;
      break;
    }
    tp_buf_add(&b, chunk, got);
  }
  if (!rc && ferror(f)) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "read error; file skipped");
    rc = -1;
  }
  fclose(f);
  if (!rc) rc = tp_ydoc_parse(doc, b.data ? b.data : "", b.len, path, d);
  tp_buf_free(&b);
  return rc;
}

void tp_ydoc_free(tp_ydoc *doc) {
  if (!doc->arena) {
    for (size_t i = 0; i < doc->n_all; i++) {
      tp_ynode *n = doc->all[i];
      free(n->text);
      free(n->tag);
      free(n->keys);
      free(n->items);
      free(n);
    }
  }
  S_arena_free(doc->arena);
  free(doc->all);
  memset(doc, 0, sizeof *doc);
}

/* ---- comparing ------------------------------------------------------------- */

/* The node's own fields (not its children) equal; else why says which. */
static bool S_same_fields(const tp_ynode *a, const tp_ynode *b, char *why, size_t why_size) {
  const char *what = NULL;
  if (a->kind != b->kind) what = "kind";
  else if (a->line != b->line || a->col != b->col) what = "position";
  else if (a->quoted != b->quoted) what = "quoted";
  else if (a->is_alias != b->is_alias) what = "is_alias";
  else if (!a->tag != !b->tag || (a->tag && strcmp(a->tag, b->tag) != 0)) what = "tag";
  else if (a->n != b->n) what = "number of children";
  else if (a->kind == TP_YNODE_SCALAR &&
           (a->len != b->len || !a->text != !b->text ||
            (a->text && memcmp(a->text, b->text, a->len + 1) != 0)))
    what = "text";
  if (!what) return true;
  if (why)
    snprintf(why, why_size, "%s differs at line %ld, column %ld (against line %ld, column %ld)",
             what, a->line, a->col, b->line, b->col);
  return false;
}

static bool S_same_node(const tp_ynode *a, const tp_ynode *b, char *why, size_t why_size) {
  if (!a || !b) {
    if (a == b) return true;
    if (why) snprintf(why, why_size, "a node is missing on one side");
    return false;
  }
  if (!S_same_fields(a, b, why, why_size)) return false;
  if (a->kind == TP_YNODE_SCALAR) return true;
  for (size_t i = 0; i < a->n; i++) {
    if (a->kind == TP_YNODE_MAP && !S_same_node(a->keys[i], b->keys[i], why, why_size))
      return false;
    if (!S_same_node(a->items[i], b->items[i], why, why_size)) return false;
  }
  return true;
}

bool tp_ydoc_same(const tp_ydoc *a, const tp_ydoc *b, char *why, size_t why_size) {
  if (a->n_nodes != b->n_nodes || a->n_all != b->n_all || a->truncated != b->truncated) {
    if (why)
      snprintf(why, why_size, "%zu nodes%s against %zu nodes%s", a->n_nodes,
               a->truncated ? " (truncated)" : "", b->n_nodes, b->truncated ? " (truncated)" : "");
    return false;
  }
  for (size_t i = 0; i < a->n_all; i++)
    if (!S_same_fields(a->all[i], b->all[i], why, why_size)) return false;
  return S_same_node(a->root, b->root, why, why_size);
}

/* ---- reading --------------------------------------------------------------- */

const tp_ynode *tp_ynode_get(const tp_ynode *map, const char *key) {
  if (!map || map->kind != TP_YNODE_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++) {
    const tp_ynode *k = map->keys[i];
    if (k && k->kind == TP_YNODE_SCALAR && strcmp(k->text, key) == 0) return map->items[i];
  }
  return NULL;
}

const char *tp_ynode_str(const tp_ynode *n) {
  return n && n->kind == TP_YNODE_SCALAR ? n->text : NULL;
}

bool tp_ynode_is_null(const tp_ynode *n) {
  if (!n) return true;
  if (n->kind != TP_YNODE_SCALAR) return false;
  if (n->is_alias) return true;
  if (n->quoted) return false;
  return n->len == 0 || strcmp(n->text, "~") == 0 || strcasecmp(n->text, "null") == 0;
}

tp_ypytag tp_ydoc_python_tag(const char *tag, const char **name) {
  static const char core[] = "tag:yaml.org,2002:";
  if (!tag || strncmp(tag, core, sizeof core - 1) != 0) return TP_YPY_OTHER;
  const char *t = tag + sizeof core - 1;
  static const char *const names[] = {"python/name:", "python/module:"};
  for (size_t i = 0; i < 2; i++)
    if (strncmp(t, names[i], strlen(names[i])) == 0) {
      if (name) *name = t + strlen(names[i]);
      return TP_YPY_NAME;
    }
  if (strcmp(t, "python/none") == 0) return TP_YPY_NULL;
  if (strcmp(t, "str") == 0 || strcmp(t, "python/str") == 0 || strcmp(t, "python/unicode") == 0)
    return TP_YPY_STR;
  if (strncmp(t, "python/object/new:", 18) == 0 || strncmp(t, "python/object/apply:", 20) == 0)
    return TP_YPY_STATE;
  return TP_YPY_OTHER;
}

/* A tag that says "this is a string" (or an object we cannot build): every
 * tag but the numeric ones (YAML's and Python's). */
static bool S_string_tag(const char *tag) {
  if (!tag) return false;
  static const char *const numeric[] = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                                        "tag:yaml.org,2002:python/int",
                                        "tag:yaml.org,2002:python/long",
                                        "tag:yaml.org,2002:python/float"};
  for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++)
    if (strcmp(tag, numeric[i]) == 0) return false;
  return true;
}

int tp_ynode_number(const tp_ynode *n, double *out) {
  if (!n || n->kind != TP_YNODE_SCALAR || n->quoted || n->is_alias || S_string_tag(n->tag))
    return -1;
  const char *s = n->text;
  size_t len = n->len;
  /* YAML's own spellings of the non-finite values. */
  if (strcasecmp(s, ".nan") == 0) return *out = NAN, 0;
  if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, "+.inf") == 0) return *out = INFINITY, 0;
  if (strcasecmp(s, "-.inf") == 0) return *out = -INFINITY, 0;
  return tp_parse_double(s, len, out);
}

int tp_ynode_bool(const tp_ynode *n, bool *out) {
  if (!n || n->kind != TP_YNODE_SCALAR || n->quoted || n->is_alias) return -1;
  if (strcasecmp(n->text, "true") == 0) return *out = true, 0;
  if (strcasecmp(n->text, "false") == 0) return *out = false, 0;
  return -1;
}

tp_hparam_kind tp_ynode_hparam(const tp_ynode *n, double *number, const char **text,
                               char buf[32]) {
  bool bv;
  const char *pyname = NULL;
  *number = NAN;
  tp_ypytag pt = n ? tp_ydoc_python_tag(n->tag, &pyname) : TP_YPY_OTHER;
  if (!n || pt == TP_YPY_NULL || (pt != TP_YPY_STR && pt != TP_YPY_NAME && tp_ynode_is_null(n))) {
    *text = "null";
    return TP_HP_NULL;
  }
  if (n->kind == TP_YNODE_SCALAR && pt == TP_YPY_NAME) return *text = pyname, TP_HP_STRING;
  if (n->kind == TP_YNODE_SCALAR && pt == TP_YPY_STR) return *text = n->text, TP_HP_STRING;
  if (n->kind == TP_YNODE_MAP && n->n == 0) return *text = "{}", TP_HP_STRING;
  if (n->kind == TP_YNODE_SEQ && n->n == 0) return *text = "[]", TP_HP_STRING;
  if (n->kind != TP_YNODE_SCALAR) return *text = "", TP_HP_STRING;
  if (tp_ynode_bool(n, &bv) == 0) {
    *number = bv ? 1 : 0;
    *text = bv ? "true" : "false";
    return TP_HP_BOOL;
  }
  if (tp_ynode_number(n, number) == 0) {
    *text = tp_fmt_double(buf, *number);
    return TP_HP_NUMBER;
  }
  *number = NAN;
  *text = n->text;
  return TP_HP_STRING;
}

static void S_flatten(const tp_ynode *n, tp_buf *key, int depth, tp_ydoc_leaf_fn fn, void *ctx) {
  size_t mark = key->len;
  if (n && n->kind == TP_YNODE_MAP && depth < TP_YDOC_MAX_DEPTH &&
      tp_ydoc_python_tag(n->tag, NULL) == TP_YPY_STATE) {
    const tp_ynode *items = tp_ynode_get(n, "dictitems"), *state = tp_ynode_get(n, "state");
    bool any = false;
    for (int k = 0; k < 2; k++) {
      const tp_ynode *m = k ? state : items;
      if (!m || m->kind != TP_YNODE_MAP) continue;
      S_flatten(m, key, depth + 1, fn, ctx);
      any = true;
    }
    if (any) return;
  }
  if (n && (n->kind == TP_YNODE_MAP || n->kind == TP_YNODE_SEQ) && n->n > 0 &&
      depth < TP_YDOC_MAX_DEPTH) {
    for (size_t i = 0; i < n->n; i++) {
      if (key->len) tp_buf_addc(key, '.');
      if (n->kind == TP_YNODE_MAP) {
        const tp_ynode *k = n->keys[i];
        tp_buf_adds(key, k && k->kind == TP_YNODE_SCALAR ? k->text : "?");
      } else {
        tp_buf_printf(key, "%zu", i);
      }
      S_flatten(n->items[i], key, depth + 1, fn, ctx);
      key->len = mark;
      if (key->data) key->data[mark] = '\0';
    }
    return;
  }
  fn(ctx, tp_buf_str(key), n);
}

void tp_ydoc_flatten(const tp_ynode *n, const char *prefix, tp_ydoc_leaf_fn fn, void *ctx) {
  tp_buf key = {0};
  if (prefix && *prefix) tp_buf_adds(&key, prefix);
  S_flatten(n, &key, 0, fn, ctx);
  tp_buf_free(&key);
}

typedef struct S_hp_ctx {
  tp_run *run;
  const char *source;
} S_hp_ctx;

static void S_hp_leaf(void *vctx, const char *key, const tp_ynode *leaf) {
  S_hp_ctx *c = vctx;
  if (!*key) return;
  double num;
  const char *text;
  char buf[32];
  tp_hparam_kind kind = tp_ynode_hparam(leaf, &num, &text, buf);
  tp_run_set_hparam(c->run, key, kind, text, num, c->source);
}

void tp_ydoc_to_hparams(const tp_ynode *n, const char *prefix, tp_run *run, const char *source) {
  S_hp_ctx c = {run, source};
  tp_ydoc_flatten(n, prefix, S_hp_leaf, &c);
}
