/* config_fields: the walker of trainprint.yaml's field tables.
 *
 * A section's keys are checked against its table of fields (see
 * config_impl.h): unknown keys, keys given twice, values of the wrong type
 * or out of range are warnings naming the line and column, and the value is
 * ignored; the rest is stored where the field says.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/mem.h"
#include "parser/config_impl.h"

/* At most this many warnings per file; then one note says the rest were not
 * reported (a generated file with a million unknown keys stays cheap). */
#define S_MAX_WARNINGS 200

/* ---- diagnostics ------------------------------------------------------------- */

/* A warning about the node at: "line L, column C: message". */
void tp_config_warn(tp_config_ld *ld, const tp_ynode *at, const char *fmt, ...) {
  if (ld->n_warn++ >= S_MAX_WARNINGS) {
    if (ld->n_warn == S_MAX_WARNINGS + 1)
      tp_diag_add(ld->d, TP_NOTE, ld->file, -1, -1,
                  "more than %d problems; the rest are not reported", S_MAX_WARNINGS);
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  char *msg = tp_xvasprintf(fmt, ap);
  va_end(ap);
  if (at)
    tp_diag_add(ld->d, TP_WARN, ld->file, -1, -1, "line %ld, column %ld: %s", at->line, at->col,
                msg);
  else
    tp_diag_add(ld->d, TP_WARN, ld->file, -1, -1, "%s", msg);
  free(msg);
}

/* A plain true/false, yes/no, on/off (YAML 1.1 booleans, any case). */
int tp_config_bool(const tp_ynode *n, bool *out) {
  static const char *const k_true[] = {"true", "yes", "on"};
  static const char *const k_false[] = {"false", "no", "off"};
  if (!n || n->kind != TP_YNODE_SCALAR || n->quoted || n->is_alias) return -1;
  for (size_t i = 0; i < 3; i++) {
    if (strcasecmp(n->text, k_true[i]) == 0) return *out = true, 0;
    if (strcasecmp(n->text, k_false[i]) == 0) return *out = false, 0;
  }
  return -1;
}

/* What a node is, for "should be X, not Y". */
const char *tp_config_what(const tp_ynode *n) {
  double x;
  bool b;
  if (tp_ynode_is_null(n)) return "null";
  if (n->kind == TP_YNODE_MAP) return "a mapping";
  if (n->kind == TP_YNODE_SEQ) return "a list";
  if (tp_ynode_number(n, &x) == 0) return "a number";
  if (tp_config_bool(n, &b) == 0) return "a boolean";
  return "a string";
}

/* How a key is named in messages: "'pue' in 'defaults'", or "'site'" at the top. */
char *tp_config_subject(const char *key, const char *where) {
  return *where ? tp_xasprintf("'%s' in '%s'", key, where) : tp_xasprintf("'%s'", key);
}

void tp_config_wrong_type(tp_config_ld *ld, const tp_ynode *v, const char *subj,
                          const char *expected) {
  tp_config_warn(ld, v, "%s should be %s, not %s; ignored", subj, expected, tp_config_what(v));
}

/* ---- values and sections --------------------------------------------------------- */


char *tp_config_resolve(const tp_config_ld *ld, const char *p) {
  const char *dir = ld->cfg->dir;
  if (p[0] == '/' || !dir || strcmp(dir, ".") == 0) return tp_xstrdup(p);
  return tp_xasprintf("%s/%s", dir, p);
}

void tp_config_set_str(char **dst, const char *s) {
  free(*dst);
  *dst = tp_xstrdup(s);
}

/* A scalar that can stand for text (anything but a mapping or list). */
const char *tp_config_text(const tp_ynode *v) {
  return v && v->kind == TP_YNODE_SCALAR && !v->is_alias ? v->text : NULL;
}


/* A scalar or a list of scalars into l (replacing what it held). */
void tp_config_read_strs(tp_config_ld *ld, const tp_ynode *v, const char *subj, tp_config_strs *l,
                         bool resolve, tp_config_item_check check) {
  if (v->kind == TP_YNODE_MAP) {
    tp_config_wrong_type(ld, v, subj, "a string or a list of strings");
    return;
  }
  tp_config_strs_free(l);
  size_t n = v->kind == TP_YNODE_SEQ ? v->n : 1;
  for (size_t i = 0; i < n; i++) {
    const tp_ynode *it = v->kind == TP_YNODE_SEQ ? v->items[i] : v;
    if (tp_ynode_is_null(it)) continue;
    const char *s = tp_config_text(it);
    if (!s) {
      tp_config_warn(ld, it, "items of %s should be strings, not %s; item ignored", subj,
                     tp_config_what(it));
      continue;
    }
    if (resolve && !*s) {
      tp_config_warn(ld, it, "%s has an empty file name; item ignored", subj);
      continue;
    }
    if (check && check(ld, it, subj) != 0) continue;
    if (resolve) {
      char *r = tp_config_resolve(ld, s);
      tp_config_strs_add(l, r);
      free(r);
    } else {
      tp_config_strs_add(l, s);
    }
  }
}

/* Each item of a list section: a mapping handed to fn with its path "key[i]". */
void tp_config_read_list(tp_config_ld *ld, const tp_ynode *v, const char *subj, const char *key,
                         void (*fn)(tp_config_ld *ld, const tp_ynode *item, const char *path)) {
  if (v->kind != TP_YNODE_SEQ) {
    tp_config_wrong_type(ld, v, subj, "a list of mappings");
    return;
  }
  for (size_t i = 0; i < v->n; i++) {
    const tp_ynode *it = v->items[i];
    if (tp_ynode_is_null(it)) continue;
    char *path = tp_xasprintf("%s[%zu]", key, i);
    if (it->kind != TP_YNODE_MAP)
      tp_config_warn(ld, it, "'%s' should be a mapping, not %s; ignored", path, tp_config_what(it));
    else
      fn(ld, it, path);
    free(path);
  }
}

void tp_config_read_value(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                          const char *subj, const char *path) {
  double x;
  bool b;
  switch (f->kind) {
    case TP_CF_STR: {
      const char *s = tp_config_text(v);
      if (!s) tp_config_wrong_type(ld, v, subj, "a string");
      else tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
      break;
    }
    case TP_CF_STRS:
    case TP_CF_PATHS:
      tp_config_read_strs(ld, v, subj, TP_CFG_AT(obj, f, tp_config_strs), f->kind == TP_CF_PATHS,
                          NULL);
      break;
    case TP_CF_NUM:
      if (tp_ynode_number(v, &x) != 0) tp_config_wrong_type(ld, v, subj, "a number");
      else if (!isfinite(x) || x < f->lo || x > f->hi)
        tp_config_warn(ld, v, "%s is %s, outside [%g, %g]; ignored", subj, v->text, f->lo, f->hi);
      else *TP_CFG_AT(obj, f, double) = x;
      break;
    case TP_CF_INT:
      if (tp_ynode_number(v, &x) != 0) tp_config_wrong_type(ld, v, subj, "a whole number");
      else if (!isfinite(x) || x != floor(x) || x < f->lo || x > f->hi)
        tp_config_warn(ld, v, "%s is %s, not a whole number in [%g, %g]; ignored", subj, v->text,
                       f->lo, f->hi);
      else *TP_CFG_AT(obj, f, int) = (int)x;
      break;
    case TP_CF_BOOL:
      if (tp_config_bool(v, &b) != 0) tp_config_wrong_type(ld, v, subj, "a boolean (true/false, "
                                                           "on/off)");
      else *TP_CFG_AT(obj, f, bool) = b;
      break;
    case TP_CF_MAP:
      if (v->kind != TP_YNODE_MAP) tp_config_wrong_type(ld, v, subj, "a mapping");
      else tp_config_read_map(ld, v, path, f->sub, f->n_sub, TP_CFG_AT(obj, f, char));
      break;
    case TP_CF_LIST:
      tp_config_read_list(ld, v, subj, f->key, f->item);
      break;
    case TP_CF_FN:
      f->fn(ld, f, v, obj, subj, path);
      break;
  }
}

/* Walk the pairs of mapping m (the section `where`, "" at the top) against
 * the field table, storing into obj. */
void tp_config_read_map(tp_config_ld *ld, const tp_ynode *m, const char *where,
                        const tp_config_field *fields, size_t nf, void *obj) {
  uint64_t seen = 0;
  for (size_t i = 0; i < m->n; i++) {
    const tp_ynode *k = m->keys[i], *v = m->items[i];
    const char *key = tp_config_text(k);
    if (!k) continue;
    if (!key) {
      tp_config_warn(ld, k, "a key %s%s%s is %s, not a name; ignored",
                     *where ? "in '" : "at the top level", where, *where ? "'" : "",
                     tp_config_what(k));
      continue;
    }
    size_t j = 0;
    while (j < nf && strcmp(fields[j].key, key) != 0) j++;
    if (j == nf) {
      if (*where) tp_config_warn(ld, k, "unknown key '%s' in '%s'; ignored", key, where);
      else tp_config_warn(ld, k, "unknown key '%s' at the top level; ignored", key);
      continue;
    }
    char *subj = tp_config_subject(key, where);
    if (j < 64 && (seen >> j & 1u))
      tp_config_warn(ld, k, "%s is given twice; the later value is used", subj);
    if (j < 64) seen |= (uint64_t)1 << j;
    if (!tp_ynode_is_null(v)) {
      char *path = *where ? tp_xasprintf("%s.%s", where, key) : tp_xstrdup(key);
      tp_config_read_value(ld, &fields[j], v, obj, subj, path);
      free(path);
    }
    free(subj);
  }
}

