/* yamldoc: bounded YAML/JSON document trees built from libyaml events, and
 * reading them (see yamldoc.h; strict JSON takes the fast path of yamljson.c). */
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
#include "parser/text/yamldoc_impl.h"

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
  if (p->cap != cap_items) { /* keys grew: items follow, the new slots empty */
    p->items = tp_xrealloc(p->items, p->cap * sizeof *p->items);
    for (size_t i = cap_items; i < p->cap; i++) p->keys[i] = p->items[i] = NULL;
  }
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
  tp_ypairs pairs;
  if (tp_ypairs_rewrite(&pairs, buf, len)) buf = pairs.text, len = pairs.len;
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
  tp_ypairs_fix_cols(&pairs, doc);
  tp_ypairs_free(&pairs);
  return rc || doc->truncated ? -1 : 0;
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
  tp_ydoc_arena_free(doc->arena);
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
