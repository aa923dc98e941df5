/* template: XHTML templates filled from a value tree (see template.h for the
 * attribute language).
 *
 * Sections: values; parsing; the writer (escaping, elements); rendering
 * (paths, the tp: attributes).
 */
#include "render/template.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/run.h"

/* ======================================================================== */
/* Values                                                                    */
/* ======================================================================== */

struct tp_tval {
  tp_tval_kind kind;
  bool b;
  bool chart_svg;   /* STRING made by tp_chart_svg (see tp_tval_chart_svg) */
  double num;
  char *str;
  tp_tval **items;  /* LIST entries, OBJECT values */
  char **keys;      /* OBJECT keys, parallel to items */
  size_t n, cap;
};

static tp_tval *S_new(tp_tval_kind kind) {
  tp_tval *v = tp_xcalloc(1, sizeof *v);
  v->kind = kind;
  return v;
}

tp_tval *tp_tval_null(void) { return S_new(TP_TVAL_NULL); }
tp_tval *tp_tval_list(void) { return S_new(TP_TVAL_LIST); }
tp_tval *tp_tval_object(void) { return S_new(TP_TVAL_OBJECT); }

tp_tval *tp_tval_bool(bool b) {
  tp_tval *v = S_new(TP_TVAL_BOOL);
  v->b = b;
  return v;
}

tp_tval *tp_tval_number(double d) {
  tp_tval *v = S_new(TP_TVAL_NUMBER);
  v->num = d;
  return v;
}

tp_tval *tp_tval_string(const char *s) {
  if (!s) return tp_tval_null();
  tp_tval *v = S_new(TP_TVAL_STRING);
  v->str = tp_xstrdup(s);
  return v;
}

tp_tval *tp_tval_chart_svg(const char *svg) {
  tp_tval *v = tp_tval_string(svg);
  if (svg) v->chart_svg = true;
  return v;
}

void tp_tval_hash(const tp_tval *v, tp_hash *h) {
  if (!v) {
    tp_hash_u64(h, 0xff);
    return;
  }
  tp_hash_u64(h, (uint64_t)v->kind);
  switch (v->kind) {
    case TP_TVAL_NULL: break;
    case TP_TVAL_BOOL: tp_hash_u64(h, v->b); break;
    case TP_TVAL_NUMBER: tp_hash_double(h, v->num); break;
    case TP_TVAL_STRING: tp_hash_str(h, v->str); break;
    case TP_TVAL_LIST:
    case TP_TVAL_OBJECT:
      tp_hash_u64(h, v->n);
      for (size_t i = 0; i < v->n; i++) {
        if (v->kind == TP_TVAL_OBJECT) tp_hash_str(h, v->keys[i]);
        tp_tval_hash(v->items[i], h);
      }
      break;
  }
}

void tp_tval_free(tp_tval *v) {
  if (!v) return;
  for (size_t i = 0; i < v->n; i++) {
    tp_tval_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

tp_tval_kind tp_tval_kind_of(const tp_tval *v) { return v ? v->kind : TP_TVAL_NULL; }

tp_tval *tp_tval_push(tp_tval *list, tp_tval *v) {
  if (!list || list->kind != TP_TVAL_LIST) {
    tp_tval_free(v);
    return NULL;
  }
  TP_GROW(list->items, list->cap, list->n + 1);
  list->items[list->n++] = v;
  return v;
}

tp_tval *tp_tval_set(tp_tval *obj, const char *key, tp_tval *v) {
  if (!obj || obj->kind != TP_TVAL_OBJECT || !key) {
    tp_tval_free(v);
    return NULL;
  }
  for (size_t i = 0; i < obj->n; i++) {
    if (strcmp(obj->keys[i], key) == 0) {
      tp_tval_free(obj->items[i]);
      obj->items[i] = v;
      return v;
    }
  }
  size_t cap = obj->cap;
  TP_GROW(obj->items, obj->cap, obj->n + 1);
  TP_GROW(obj->keys, cap, obj->n + 1);
  obj->keys[obj->n] = tp_xstrdup(key);
  obj->items[obj->n++] = v;
  return v;
}

void tp_tval_set_string(tp_tval *obj, const char *key, const char *s) {
  tp_tval_set(obj, key, tp_tval_string(s));
}
void tp_tval_set_number(tp_tval *obj, const char *key, double d) {
  tp_tval_set(obj, key, tp_tval_number(d));
}
void tp_tval_set_bool(tp_tval *obj, const char *key, bool b) {
  tp_tval_set(obj, key, tp_tval_bool(b));
}
tp_tval *tp_tval_set_list(tp_tval *obj, const char *key) {
  return tp_tval_set(obj, key, tp_tval_list());
}
tp_tval *tp_tval_set_object(tp_tval *obj, const char *key) {
  return tp_tval_set(obj, key, tp_tval_object());
}
tp_tval *tp_tval_push_object(tp_tval *list) { return tp_tval_push(list, tp_tval_object()); }

static const tp_tval *S_member(const tp_tval *obj, const char *key, size_t klen) {
  for (size_t i = 0; i < obj->n; i++)
    if (strlen(obj->keys[i]) == klen && memcmp(obj->keys[i], key, klen) == 0) return obj->items[i];
  return NULL;
}

static bool S_truthy(const tp_tval *v) {
  switch (v->kind) {
  case TP_TVAL_NULL: return false;
  case TP_TVAL_BOOL: return v->b;
  case TP_TVAL_NUMBER: return v->num != 0 && !isnan(v->num);
  case TP_TVAL_STRING: return v->str[0] != '\0';
  case TP_TVAL_LIST: return v->n > 0;
  default: return true;
  }
}

/* ======================================================================== */
/* Parsing                                                                   */
/* ======================================================================== */

struct tp_template {
  xmlDocPtr doc;
  char *name;   /* file name for messages */
  char digest[TP_HASH_HEX]; /* fingerprint of the source text and the libxml2 in use */
};

/* Whether the document's DOCTYPE declares anything or names a DTD. */
static bool S_declares(const xmlDoc *doc) {
  const xmlDtd *d = doc->intSubset;
  return doc->extSubset || (d && (d->children || d->ExternalID || d->SystemID));
}

/* The 1-based line of "<!DOCTYPE" in the source (1 if absent). */
static long S_doctype_line(const char *xml, size_t len) {
  long line = 1;
  for (size_t i = 0; i < len; i++) {
    if (xml[i] == '\n') line++;
    else if (xml[i] == '<' && len - i >= 9 && memcmp(xml + i, "<!DOCTYPE", 9) == 0) return line;
  }
  return 1;
}

int tp_template_parse(tp_template **out, const char *name, const char *xml, size_t len,
                      char **err) {
  *out = NULL;
  *err = NULL;
  if (len > (size_t)INT32_MAX) {
    *err = tp_xasprintf("%s: template too large", name);
    return -1;
  }
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) {
    *err = tp_xasprintf("%s: cannot create an XML parser", name);
    return -1;
  }
  /* No network, no DTD loading, no entity substitution; messages are taken
   * from the context instead of printed. */
  int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, name, "UTF-8", opts);
  int rc = 0;
  if (!doc) {
    const xmlError *e = &ctxt->lastError;
    char *msg = tp_xstrdup(e->message ? e->message : "not well-formed XML");
    size_t ml = strlen(msg);
    while (ml > 0 && (msg[ml - 1] == '\n' || msg[ml - 1] == ' ')) msg[--ml] = '\0';
    *err = tp_xasprintf("%s:%d: %s", name, e->line, msg);
    free(msg);
    rc = -1;
  } else if (S_declares(doc)) {
    /* Entity (and other) declarations could pull in files or grow without
     * bound; a page template needs none. */
    *err = tp_xasprintf("%s:%ld: the DOCTYPE declares entities or names a DTD; templates may "
                        "only use <!DOCTYPE html>",
                        name, S_doctype_line(xml, len));
    xmlFreeDoc(doc);
    rc = -1;
  } else if (!xmlDocGetRootElement(doc)) {
    *err = tp_xasprintf("%s:1: no root element", name);
    xmlFreeDoc(doc);
    rc = -1;
  } else {
    tp_template *t = tp_xcalloc(1, sizeof *t);
    t->doc = doc;
    t->name = tp_xstrdup(name);
    tp_hash h;
    tp_hash_init(&h);
    tp_hash_str(&h, xmlParserVersion); /* the serializer's version shapes the output too */
    tp_hash_u64(&h, len);
    tp_hash_bytes(&h, xml, len);
    tp_hash_hex(&h, t->digest);
    *out = t;
  }
  xmlFreeParserCtxt(ctxt);
  return rc;
}

int tp_template_load(tp_template **out, const char *path, char **err) {
  *out = NULL;
  *err = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    *err = tp_xasprintf("%s: cannot open template: %s", path, strerror(errno));
    return -1;
  }
  tp_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  int bad = ferror(f);
  fclose(f);
  int rc;
  if (bad) {
    *err = tp_xasprintf("%s: cannot read template", path);
    rc = -1;
  } else {
    rc = tp_template_parse(out, path, tp_buf_str(&b), b.len, err);
  }
  tp_buf_free(&b);
  return rc;
}

const char *tp_template_digest(const tp_template *t) { return t->digest; }

void tp_template_free(tp_template *t) {
  if (!t) return;
  xmlFreeDoc(t->doc);
  free(t->name);
  free(t);
}

/* ======================================================================== */
/* The writer                                                                */
/* ======================================================================== */

size_t tp_xml_char_len(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  if (n == 0) return 0;
  unsigned c = s[0], cp;
  size_t len;
  if (c < 0x80) {
    /* XML 1.0 allows tab, newline and carriage return among the controls. */
    return (c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
  }
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
  if (cp >= 0x80 && cp <= 0x9F) return 0; /* C1 controls: allowed by XML, never meant */
  return len;
}

/* Whether byte c is written as is, with no check of what follows: printable
 * ASCII other than & < > ", and tab and line feed. */
static bool S_xml_plain(unsigned char c) {
  return (c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"') || c == '\t' ||
         c == '\n';
}

void tp_xml_escape(tp_buf *out, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    /* The common case first: a run of plain bytes, copied at once. */
    size_t run = i;
    while (run < n && S_xml_plain((unsigned char)s[run])) run++;
    if (run > i) {
      tp_buf_add(out, s + i, run - i);
      i = run;
      if (i == n) break;
    }
    size_t len = tp_xml_char_len(s + i, n - i);
    if (len == 0) {
      tp_buf_adds(out, "\xEF\xBF\xBD");
      i++;
      continue;
    }
    switch (s[i]) {
    case '&': tp_buf_adds(out, "&amp;"); break;
    case '<': tp_buf_adds(out, "&lt;"); break;
    case '>': tp_buf_adds(out, "&gt;"); break;
    case '"': tp_buf_adds(out, "&quot;"); break;
    case '\r': tp_buf_adds(out, "&#13;"); break;
    default: tp_buf_add(out, s + i, len);
    }
    i += len;
  }
}

static void S_escs(tp_buf *out, const char *s) { tp_xml_escape(out, s, strlen(s)); }

#define K_XHTML_NS "http://www.w3.org/1999/xhtml"
#define K_MAX_DEPTH 200

typedef struct S_scope {
  const char *name;       /* loop variable */
  const tp_tval *value;
  double index;           /* 1-based position */
  bool last;
  const struct S_scope *up;
} S_scope;

typedef struct S_ctx {
  const tp_template *t;
  const tp_tval *root;
  tp_buf *out;
  char *err;              /* first error, "NAME:LINE: message" */
  int depth;
} S_ctx;

static int S_fail(S_ctx *x, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int S_fail(S_ctx *x, const xmlNode *n, const char *fmt, ...) {
  if (x->err) return -1;
  va_list ap;
  va_start(ap, fmt);
  char *msg = tp_xvasprintf(fmt, ap);
  va_end(ap);
  x->err = tp_xasprintf("%s:%ld: %s", x->t->name, n ? xmlGetLineNo((xmlNodePtr)n) : 0L, msg);
  free(msg);
  return -1;
}

static bool S_is_tp(const xmlNs *ns) {
  return ns && ns->href && strcmp((const char *)ns->href, TP_TEMPLATE_NS) == 0;
}

static bool S_is_html(const xmlNode *n) {
  return !n->ns || (n->ns->href && strcmp((const char *)n->ns->href, K_XHTML_NS) == 0);
}

static bool S_is_void(const xmlNode *n) {
  static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                  "link", "meta", "source", "track", "wbr"};
  if (!S_is_html(n)) return false;
  for (size_t i = 0; i < sizeof v / sizeof *v; i++)
    if (strcmp((const char *)n->name, v[i]) == 0) return true;
  return false;
}

static bool S_is_raw_text(const xmlNode *n) {
  return S_is_html(n) && (strcmp((const char *)n->name, "script") == 0 ||
                          strcmp((const char *)n->name, "style") == 0);
}

/* Whether text node n is the template's layout: whitespace with a line break,
 * outside <pre> and <textarea>.  A browser shows it as one space or nothing,
 * so it is written as one line break, and none right after another. */
static bool S_layout_space(const xmlNode *n) {
  const char *s = (const char *)n->content;
  if (!strchr(s, '\n') || s[strspn(s, " \t\r\n")] != '\0') return false;
  for (const xmlNode *a = n->parent; a && a->type == XML_ELEMENT_NODE; a = a->parent)
    if (S_is_html(a) && (strcmp((const char *)a->name, "pre") == 0 ||
                         strcmp((const char *)a->name, "textarea") == 0))
      return false;
  return true;
}

static void S_qname(tp_buf *out, const xmlNs *ns, const xmlChar *name) {
  if (ns && ns->prefix) {
    tp_buf_adds(out, (const char *)ns->prefix);
    tp_buf_addc(out, ':');
  }
  tp_buf_adds(out, (const char *)name);
}

/* Namespace declarations of n, except the template namespace. */
static void S_ns_decls(tp_buf *out, const xmlNode *n) {
  for (const xmlNs *ns = n->nsDef; ns; ns = ns->next) {
    if (S_is_tp(ns) || !ns->href) continue;
    tp_buf_adds(out, " xmlns");
    if (ns->prefix) {
      tp_buf_addc(out, ':');
      tp_buf_adds(out, (const char *)ns->prefix);
    }
    tp_buf_adds(out, "=\"");
    S_escs(out, (const char *)ns->href);
    tp_buf_addc(out, '"');
  }
}

static void S_attr(tp_buf *out, const xmlAttr *a, const char *value) {
  tp_buf_addc(out, ' ');
  S_qname(out, a->ns, a->name);
  tp_buf_adds(out, "=\"");
  S_escs(out, value);
  tp_buf_addc(out, '"');
}

/* ---- trusted SVG: written back element by element ---- */

static bool S_svg_unsafe_attr(const xmlAttr *a, const char *value) {
  const char *name = (const char *)a->name;
  if ((name[0] == 'o' || name[0] == 'O') && (name[1] == 'n' || name[1] == 'N')) return true;
  if (strcmp(name, "href") == 0) {
    /* Browsers skip leading controls and spaces, and tabs and newlines
     * anywhere in a URL: compare what they would see. */
    char scheme[12];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)value; *p && k < 11; p++) {
      if (*p <= 0x20) continue;
      scheme[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
    scheme[k] = '\0';
    if (strcmp(scheme, "javascript:") == 0) return true;
  }
  return false;
}

static void S_write_svg(S_ctx *x, const xmlNode *n, int depth) {
  if (depth > K_MAX_DEPTH) return;
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) S_escs(x->out, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    const char *name = (const char *)n->name;
    if (strcmp(name, "script") == 0 || strcmp(name, "foreignObject") == 0) continue;
    tp_buf_addc(x->out, '<');
    S_qname(x->out, n->ns, n->name);
    S_ns_decls(x->out, n);
    for (const xmlAttr *a = n->properties; a; a = a->next) {
      xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
      const char *value = v ? (const char *)v : "";
      if (!S_svg_unsafe_attr(a, value)) S_attr(x->out, a, value);
      xmlFree(v);
    }
    if (!n->children) {
      tp_buf_adds(x->out, "/>");
      continue;
    }
    tp_buf_addc(x->out, '>');
    S_write_svg(x, n->children, depth + 1);
    tp_buf_adds(x->out, "</");
    S_qname(x->out, n->ns, n->name);
    tp_buf_addc(x->out, '>');
  }
}

/* A chart's SVG from tp_chart_svg, written as the parse and write-back of
 * S_raw_svg would write it, without parsing: that text escapes every value
 * as S_attr does and holds no blank text but the line break after each tag,
 * which XML_PARSE_NOBLANKS drops (a value never holds one: tp_chart_clean). */
static void S_chart_svg(S_ctx *x, const char *svg) {
  for (const char *p = svg; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    tp_buf_add(x->out, p, n);
    p += n + (nl != NULL);
  }
}

static int S_raw_svg(S_ctx *x, const xmlNode *at, const char *svg) {
  int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS;
  size_t len = strlen(svg);
  if (len > (size_t)INT32_MAX) return S_fail(x, at, "tp:raw-svg: value too large");
  xmlDocPtr doc = xmlReadMemory(svg, (int)len, "raw-svg", "UTF-8", opts);
  if (!doc) return S_fail(x, at, "tp:raw-svg: the value is not well-formed XML");
  xmlNodePtr root = xmlDocGetRootElement(doc);
  int rc = 0;
  if (S_declares(doc))
    rc = S_fail(x, at, "tp:raw-svg: the value declares entities or a DTD");
  else if (!root || strcmp((const char *)root->name, "svg") != 0)
    rc = S_fail(x, at, "tp:raw-svg: the value is not an <svg> document");
  else
    S_write_svg(x, root, 0);
  xmlFreeDoc(doc);
  return rc;
}

/* ======================================================================== */
/* Rendering                                                                 */
/* ======================================================================== */

/* The value at path, or NULL with an error. */
static const tp_tval *S_lookup(S_ctx *x, const xmlNode *at, const S_scope *sc, const char *path,
                               const char *what) {
  const char *p = path;
  while (*p == ' ') p++;
  size_t plen = strlen(p);
  while (plen > 0 && p[plen - 1] == ' ') plen--;
  if (plen == 0) {
    S_fail(x, at, "%s: empty path", what);
    return NULL;
  }
  const char *dot = memchr(p, '.', plen);
  size_t seg = dot ? (size_t)(dot - p) : plen;
  const tp_tval *v = NULL;
  /* Loop variables first (NAME, NAME_index, NAME_last), then the root. */
  for (const S_scope *s = sc; s && !v; s = s->up) {
    size_t nl = strlen(s->name);
    if (seg == nl && memcmp(p, s->name, nl) == 0) v = s->value;
  }
  if (!v && x->root && x->root->kind == TP_TVAL_OBJECT) v = S_member(x->root, p, seg);
  if (!v) {
    S_fail(x, at, "%s: unknown name \"%.*s\"", what, (int)seg, p);
    return NULL;
  }
  while (dot) {
    const char *q = dot + 1;
    size_t rest = plen - (size_t)(q - p);
    dot = memchr(q, '.', rest);
    seg = dot ? (size_t)(dot - q) : rest;
    const tp_tval *next = NULL;
    if (v->kind == TP_TVAL_OBJECT) {
      next = S_member(v, q, seg);
    } else if (v->kind == TP_TVAL_LIST && seg > 0 && seg < 10 && strspn(q, "0123456789") >= seg) {
      size_t i = 0;
      for (size_t k = 0; k < seg; k++) i = i * 10 + (size_t)(q[k] - '0');
      if (i < v->n) next = v->items[i];
    }
    if (!next) {
      S_fail(x, at, "%s: \"%.*s\" has no \"%.*s\"", what, (int)(q - 1 - p), p, (int)seg, q);
      return NULL;
    }
    v = next;
  }
  return v;
}

/* A scalar as text into b; lists and objects are an error. */
static int S_scalar_text(S_ctx *x, const xmlNode *at, const tp_tval *v, tp_buf *b,
                         const char *what) {
  char nb[32];
  switch (v->kind) {
  case TP_TVAL_NULL: return 0;
  case TP_TVAL_BOOL: tp_buf_adds(b, v->b ? "true" : "false"); return 0;
  case TP_TVAL_NUMBER: tp_buf_adds(b, tp_fmt_double(nb, v->num)); return 0;
  case TP_TVAL_STRING: tp_buf_adds(b, v->str); return 0;
  default: return S_fail(x, at, "%s: the value is a %s, not text", what,
                         v->kind == TP_TVAL_LIST ? "list" : "object");
  }
}

static const xmlAttr *S_tp_attr(const xmlNode *n, const char *name) {
  for (const xmlAttr *a = n->properties; a; a = a->next)
    if (S_is_tp(a->ns) && strcmp((const char *)a->name, name) == 0) return a;
  return NULL;
}

/* The attribute's value; the caller frees it with xmlFree. */
static char *S_attr_value(const xmlNode *n, const xmlAttr *a) {
  xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
  return v ? (char *)v : (char *)xmlStrdup((const xmlChar *)"");
}

static int S_nodes(S_ctx *x, const xmlNode *n, const S_scope *sc);

static int S_check_attrs(S_ctx *x, const xmlNode *n) {
  static const char *const known[] = {"each", "if", "unless", "text", "raw-svg"};
  for (const xmlAttr *a = n->properties; a; a = a->next) {
    if (!S_is_tp(a->ns)) continue;
    const char *name = (const char *)a->name;
    bool ok = strncmp(name, "attr-", 5) == 0 && name[5];
    for (size_t i = 0; i < sizeof known / sizeof *known && !ok; i++) ok = strcmp(name, known[i]) == 0;
    if (!ok) return S_fail(x, n, "unknown attribute tp:%s", name);
  }
  if (S_tp_attr(n, "text") && S_tp_attr(n, "raw-svg"))
    return S_fail(x, n, "tp:text and tp:raw-svg on one element");
  return 0;
}

static int S_condition(S_ctx *x, const xmlNode *n, const S_scope *sc, const char *which,
                       bool *keep) {
  const xmlAttr *a = S_tp_attr(n, which);
  if (!a) return 0;
  char *path = S_attr_value(n, a);
  char what[16];
  snprintf(what, sizeof what, "tp:%s", which);
  const tp_tval *v = S_lookup(x, n, sc, path, what);
  xmlFree(path);
  if (!v) return -1;
  bool t = S_truthy(v);
  if (strcmp(which, "if") == 0 ? !t : t) *keep = false;
  return 0;
}

/* The start tag of a literal element, without its closing '>': its literal
 * attributes, unless a tp:attr-NAME replaces them, then the tp:attr-NAME
 * ones with their values. */
static int S_start_tag(S_ctx *x, const xmlNode *n, const S_scope *sc) {
  tp_buf_addc(x->out, '<');
  S_qname(x->out, n->ns, n->name);
  S_ns_decls(x->out, n);
  for (const xmlAttr *a = n->properties; a; a = a->next) {
    if (S_is_tp(a->ns)) continue;
    char over[128];
    snprintf(over, sizeof over, "attr-%s", (const char *)a->name);
    if (!a->ns && S_tp_attr(n, over)) continue;
    char *v = S_attr_value(n, a);
    S_attr(x->out, a, v);
    xmlFree(v);
  }
  for (const xmlAttr *a = n->properties; a; a = a->next) {
    if (!S_is_tp(a->ns) || strncmp((const char *)a->name, "attr-", 5) != 0) continue;
    const char *name = (const char *)a->name + 5;
    if (xmlValidateNCName((const xmlChar *)name, 0) != 0)
      return S_fail(x, n, "tp:attr-%s: not a valid attribute name", name);
    if (strncasecmp(name, "on", 2) == 0)
      return S_fail(x, n, "tp:attr-%s: event handlers cannot take values", name);
    char *path = S_attr_value(n, a);
    const tp_tval *v = S_lookup(x, n, sc, path, "tp:attr");
    xmlFree(path);
    if (!v) return -1;
    if (v->kind == TP_TVAL_NULL || (v->kind == TP_TVAL_BOOL && !v->b)) continue;
    tp_buf val = {0};
    if (v->kind == TP_TVAL_BOOL) tp_buf_adds(&val, name);
    else if (S_scalar_text(x, n, v, &val, "tp:attr")) return tp_buf_free(&val), -1;
    tp_buf_printf(x->out, " %s=\"", name);
    /* A value never becomes a script: javascript: links are neutralised. */
    if ((strcmp(name, "href") == 0 || strcmp(name, "src") == 0) &&
        S_svg_unsafe_attr(&(xmlAttr){.name = (const xmlChar *)"href"}, tp_buf_str(&val)))
      tp_buf_clear(&val), tp_buf_adds(&val, "#");
    S_escs(x->out, tp_buf_str(&val));
    tp_buf_addc(x->out, '"');
    tp_buf_free(&val);
  }
  return 0;
}

/* One element, tp:each already applied. */
static int S_element_once(S_ctx *x, const xmlNode *n, const S_scope *sc) {
  bool keep = true;
  if (S_condition(x, n, sc, "if", &keep) || S_condition(x, n, sc, "unless", &keep)) return -1;
  if (!keep) return 0;
  const xmlAttr *text = S_tp_attr(n, "text"), *raw = S_tp_attr(n, "raw-svg");
  bool block = S_is_tp(n->ns);
  if (block && strcmp((const char *)n->name, "block") != 0)
    return S_fail(x, n, "unknown element tp:%s", (const char *)n->name);
  if (!block && S_start_tag(x, n, sc)) return -1;

  bool has_content = text || raw || n->children;
  if (!block && S_is_void(n)) {
    if (text || raw) return S_fail(x, n, "<%s> cannot have content", (const char *)n->name);
    tp_buf_adds(x->out, "/>");
    return 0;
  }
  if (!block && !has_content && !S_is_html(n)) {
    tp_buf_adds(x->out, "/>");
    return 0;
  }
  if (!block) tp_buf_addc(x->out, '>');
  int rc = 0;
  if (text) {
    if (S_is_raw_text(n)) return S_fail(x, n, "tp:text is not allowed on <%s>", (const char *)n->name);
    char *path = S_attr_value(n, text);
    const tp_tval *v = S_lookup(x, n, sc, path, "tp:text");
    xmlFree(path);
    if (!v) return -1;
    tp_buf val = {0};
    rc = S_scalar_text(x, n, v, &val, "tp:text");
    S_escs(x->out, tp_buf_str(&val));
    tp_buf_free(&val);
  } else if (raw) {
    char *path = S_attr_value(n, raw);
    const tp_tval *v = S_lookup(x, n, sc, path, "tp:raw-svg");
    xmlFree(path);
    if (!v) return -1;
    if (v->kind == TP_TVAL_STRING && v->chart_svg) S_chart_svg(x, v->str);
    else if (v->kind == TP_TVAL_STRING) rc = S_raw_svg(x, n, v->str);
    else if (v->kind != TP_TVAL_NULL) rc = S_fail(x, n, "tp:raw-svg: the value is not a string");
  } else {
    rc = S_nodes(x, n->children, sc);
  }
  if (rc) return rc;
  if (!block) {
    tp_buf_adds(x->out, "</");
    S_qname(x->out, n->ns, n->name);
    tp_buf_addc(x->out, '>');
  }
  return 0;
}

static int S_element(S_ctx *x, const xmlNode *n, const S_scope *sc) {
  if (S_check_attrs(x, n)) return -1;
  const xmlAttr *each = S_tp_attr(n, "each");
  if (!each) return S_element_once(x, n, sc);

  char *spec = S_attr_value(n, each);
  /* "NAME in PATH" */
  char *p = spec;
  while (*p == ' ') p++;
  char *name = p;
  while (*p && *p != ' ') p++;
  char *name_end = p;
  while (*p == ' ') p++;
  int rc = 0;
  if (name_end == name || strncmp(p, "in ", 3) != 0) {
    rc = S_fail(x, n, "tp:each=\"%s\": expected \"NAME in PATH\"", spec);
  } else {
    *name_end = '\0';
    if (xmlValidateNCName((const xmlChar *)name, 0) != 0 || strchr(name, '.') != NULL)
      rc = S_fail(x, n, "tp:each: \"%s\" is not a valid name", name);
    const tp_tval *list = rc ? NULL : S_lookup(x, n, sc, p + 3, "tp:each");
    if (!rc && !list) rc = -1;
    if (!rc && list->kind != TP_TVAL_LIST && list->kind != TP_TVAL_NULL)
      rc = S_fail(x, n, "tp:each: \"%s\" is not a list", p + 3);
    if (!rc && list->kind == TP_TVAL_LIST) {
      char *iname = tp_xasprintf("%s_index", name), *lname = tp_xasprintf("%s_last", name);
      for (size_t i = 0; i < list->n && !rc; i++) {
        tp_tval idx = {.kind = TP_TVAL_NUMBER, .num = (double)(i + 1)};
        tp_tval last = {.kind = TP_TVAL_BOOL, .b = i + 1 == list->n};
        S_scope s_last = {lname, &last, 0, false, sc};
        S_scope s_idx = {iname, &idx, 0, false, &s_last};
        S_scope s_item = {name, list->items[i], 0, false, &s_idx};
        rc = S_element_once(x, n, &s_item);
      }
      free(iname);
      free(lname);
    }
  }
  xmlFree(spec);
  return rc;
}

static int S_nodes(S_ctx *x, const xmlNode *n, const S_scope *sc) {
  if (++x->depth > K_MAX_DEPTH) {
    x->depth--;
    return S_fail(x, n, "elements nested too deeply");
  }
  int rc = 0;
  for (; n && !rc; n = n->next) {
    switch (n->type) {
    case XML_ELEMENT_NODE: rc = S_element(x, n, sc); break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (!n->content) break;
      if (n->parent && n->parent->type == XML_ELEMENT_NODE && S_is_raw_text(n->parent)) {
        tp_buf_adds(x->out, (const char *)n->content);
      } else if (n->type == XML_TEXT_NODE && S_layout_space(n)) {
        if (x->out->len == 0 || x->out->data[x->out->len - 1] != '\n') tp_buf_addc(x->out, '\n');
      } else {
        S_escs(x->out, (const char *)n->content);
      }
      break;
    default: break; /* comments, PIs, entity references: dropped */
    }
  }
  x->depth--;
  return rc;
}

int tp_template_render(const tp_template *t, const tp_tval *data, tp_buf *out, char **err) {
  *err = NULL;
  S_ctx x = {.t = t, .root = data, .out = out};
  const xmlNode *root = xmlDocGetRootElement(t->doc);
  if (root && strcmp((const char *)root->name, "html") == 0) tp_buf_adds(out, "<!DOCTYPE html>\n");
  int rc = S_nodes(&x, root, NULL);
  /* Only the root element: its siblings are comments or PIs. */
  if (!rc) tp_buf_addc(out, '\n');
  if (rc) *err = x.err ? x.err : tp_xasprintf("%s: rendering failed", t->name);
  return rc ? -1 : 0;
}
