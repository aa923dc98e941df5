/* config: trainprint.yaml read into a tp_config (see config.h).
 *
 * The document tree comes from yamldoc; this file only walks it.  Each
 * mapping of the file is described by a table of fields (key, kind, where the
 * value goes, its range), and one walker (S_map) checks keys and types for all
 * of them, so that every section reports problems the same way.  Values that
 * need more than a type check (a zone, a unit, a pattern) have a handler.
 */
#include "parser/config.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "model/mem.h"
#include "model/units.h"
#include "parser/power/csvmap.h"
#include "parser/power/power.h"
#include "parser/text/timefmt.h"
#include "parser/text/yamldoc.h"

/* At most this many warnings per file; then one note says the rest were not
 * reported (a generated file with a million unknown keys stays cheap). */
#define S_MAX_WARNINGS 200

typedef struct S_ld {
  tp_config *cfg;
  tp_diags *d;
  const char *file;  /* name used in diagnostics */
  int n_warn;        /* warnings issued so far */
} S_ld;

/* ---- diagnostics ------------------------------------------------------------- */

static void S_warn(S_ld *ld, const tp_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A warning about the node at: "line L, column C: message". */
static void S_warn(S_ld *ld, const tp_ynode *at, const char *fmt, ...) {
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
static int S_bool(const tp_ynode *n, bool *out) {
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
static const char *S_what(const tp_ynode *n) {
  double x;
  bool b;
  if (tp_ynode_is_null(n)) return "null";
  if (n->kind == TP_YNODE_MAP) return "a mapping";
  if (n->kind == TP_YNODE_SEQ) return "a list";
  if (tp_ynode_number(n, &x) == 0) return "a number";
  if (S_bool(n, &b) == 0) return "a boolean";
  return "a string";
}

/* How a key is named in messages: "'pue' in 'defaults'", or "'site'" at the top. */
static char *S_subject(const char *key, const char *where) {
  return *where ? tp_xasprintf("'%s' in '%s'", key, where) : tp_xasprintf("'%s'", key);
}

static void S_wrong_type(S_ld *ld, const tp_ynode *v, const char *subj, const char *expected) {
  S_warn(ld, v, "%s should be %s, not %s; ignored", subj, expected, S_what(v));
}

/* ---- field tables ------------------------------------------------------------- */

typedef enum S_kind {
  F_STR,   /* char *: a scalar, as text */
  F_STRS,  /* tp_config_strs: a scalar or a list of scalars */
  F_PATHS, /* tp_config_strs: as F_STRS, each resolved against the config's directory */
  F_NUM,   /* double: a number in [lo, hi] */
  F_INT,   /* int: a whole number in [lo, hi] */
  F_BOOL,  /* bool */
  F_MAP,   /* a nested mapping described by sub, stored at off */
  F_LIST,  /* a list of mappings, each handed to item */
  F_FN     /* handled by fn */
} S_kind;

typedef struct S_field S_field;
/* A handler: v is the (non-null) value of field f of obj; subj names it in
 * messages, path is the nested section name ("power[0].columns"). */
typedef void (*S_fn)(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                     const char *path);

struct S_field {
  const char *key;
  S_kind kind;
  size_t off;          /* where the value goes in the section's struct */
  double lo, hi;       /* F_NUM, F_INT: accepted range */
  S_fn fn;             /* F_FN */
  const S_field *sub;  /* F_MAP: its fields ... */
  size_t n_sub;        /* ... and how many */
  void (*item)(S_ld *ld, const tp_ynode *item, const char *path); /* F_LIST */
};

#define S_N(a) (sizeof(a) / sizeof *(a))
#define S_AT(obj, f, type) ((type *)(void *)((char *)(obj) + (f)->off))

static char *S_resolve(const S_ld *ld, const char *p) {
  const char *dir = ld->cfg->dir;
  if (p[0] == '/' || !dir || strcmp(dir, ".") == 0) return tp_xstrdup(p);
  return tp_xasprintf("%s/%s", dir, p);
}

static void S_set_str(char **dst, const char *s) {
  free(*dst);
  *dst = tp_xstrdup(s);
}

/* A scalar that can stand for text (anything but a mapping or list). */
static const char *S_text(const tp_ynode *v) {
  return v && v->kind == TP_YNODE_SCALAR && !v->is_alias ? v->text : NULL;
}

/* Per-item check for S_strs: 0 to keep the item (it may have warned), -1 to drop it. */
typedef int (*S_item_check)(S_ld *ld, const tp_ynode *item, const char *subj);

/* A scalar or a list of scalars into l (replacing what it held). */
static void S_strs(S_ld *ld, const tp_ynode *v, const char *subj, tp_config_strs *l, bool resolve,
                   S_item_check check) {
  if (v->kind == TP_YNODE_MAP) {
    S_wrong_type(ld, v, subj, "a string or a list of strings");
    return;
  }
  tp_config_strs_free(l);
  size_t n = v->kind == TP_YNODE_SEQ ? v->n : 1;
  for (size_t i = 0; i < n; i++) {
    const tp_ynode *it = v->kind == TP_YNODE_SEQ ? v->items[i] : v;
    if (tp_ynode_is_null(it)) continue;
    const char *s = S_text(it);
    if (!s) {
      S_warn(ld, it, "items of %s should be strings, not %s; item ignored", subj, S_what(it));
      continue;
    }
    if (resolve && !*s) {
      S_warn(ld, it, "%s has an empty file name; item ignored", subj);
      continue;
    }
    if (check && check(ld, it, subj) != 0) continue;
    if (resolve) {
      char *r = S_resolve(ld, s);
      tp_config_strs_add(l, r);
      free(r);
    } else {
      tp_config_strs_add(l, s);
    }
  }
}

/* Each item of a list section: a mapping handed to fn with its path "key[i]". */
static void S_list(S_ld *ld, const tp_ynode *v, const char *subj, const char *key,
                   void (*fn)(S_ld *ld, const tp_ynode *item, const char *path)) {
  if (v->kind != TP_YNODE_SEQ) {
    S_wrong_type(ld, v, subj, "a list of mappings");
    return;
  }
  for (size_t i = 0; i < v->n; i++) {
    const tp_ynode *it = v->items[i];
    if (tp_ynode_is_null(it)) continue;
    char *path = tp_xasprintf("%s[%zu]", key, i);
    if (it->kind != TP_YNODE_MAP)
      S_warn(ld, it, "'%s' should be a mapping, not %s; ignored", path, S_what(it));
    else
      fn(ld, it, path);
    free(path);
  }
}

static void S_map(S_ld *ld, const tp_ynode *m, const char *where, const S_field *fields, size_t nf,
                  void *obj);

static void S_set(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                  const char *path) {
  double x;
  bool b;
  switch (f->kind) {
    case F_STR: {
      const char *s = S_text(v);
      if (!s) S_wrong_type(ld, v, subj, "a string");
      else S_set_str(S_AT(obj, f, char *), s);
      break;
    }
    case F_STRS:
    case F_PATHS:
      S_strs(ld, v, subj, S_AT(obj, f, tp_config_strs), f->kind == F_PATHS, NULL);
      break;
    case F_NUM:
      if (tp_ynode_number(v, &x) != 0) S_wrong_type(ld, v, subj, "a number");
      else if (!isfinite(x) || x < f->lo || x > f->hi)
        S_warn(ld, v, "%s is %s, outside [%g, %g]; ignored", subj, v->text, f->lo, f->hi);
      else *S_AT(obj, f, double) = x;
      break;
    case F_INT:
      if (tp_ynode_number(v, &x) != 0) S_wrong_type(ld, v, subj, "a whole number");
      else if (!isfinite(x) || x != floor(x) || x < f->lo || x > f->hi)
        S_warn(ld, v, "%s is %s, not a whole number in [%g, %g]; ignored", subj, v->text, f->lo,
               f->hi);
      else *S_AT(obj, f, int) = (int)x;
      break;
    case F_BOOL:
      if (S_bool(v, &b) != 0) S_wrong_type(ld, v, subj, "a boolean (true/false, on/off)");
      else *S_AT(obj, f, bool) = b;
      break;
    case F_MAP:
      if (v->kind != TP_YNODE_MAP) S_wrong_type(ld, v, subj, "a mapping");
      else S_map(ld, v, path, f->sub, f->n_sub, S_AT(obj, f, char));
      break;
    case F_LIST:
      S_list(ld, v, subj, f->key, f->item);
      break;
    case F_FN:
      f->fn(ld, f, v, obj, subj, path);
      break;
  }
}

/* Walk the pairs of mapping m (the section `where`, "" at the top) against
 * the field table, storing into obj. */
static void S_map(S_ld *ld, const tp_ynode *m, const char *where, const S_field *fields, size_t nf,
                  void *obj) {
  uint64_t seen = 0;
  for (size_t i = 0; i < m->n; i++) {
    const tp_ynode *k = m->keys[i], *v = m->items[i];
    const char *key = S_text(k);
    if (!k) continue;
    if (!key) {
      S_warn(ld, k, "a key %s%s%s is %s, not a name; ignored", *where ? "in '" : "at the top level",
             where, *where ? "'" : "", S_what(k));
      continue;
    }
    size_t j = 0;
    while (j < nf && strcmp(fields[j].key, key) != 0) j++;
    if (j == nf) {
      if (*where) S_warn(ld, k, "unknown key '%s' in '%s'; ignored", key, where);
      else S_warn(ld, k, "unknown key '%s' at the top level; ignored", key);
      continue;
    }
    char *subj = S_subject(key, where);
    if (j < 64 && (seen >> j & 1u))
      S_warn(ld, k, "%s is given twice; the later value is used", subj);
    if (j < 64) seen |= (uint64_t)1 << j;
    if (!tp_ynode_is_null(v)) {
      char *path = *where ? tp_xasprintf("%s.%s", where, key) : tp_xstrdup(key);
      S_set(ld, &fields[j], v, obj, subj, path);
      free(path);
    }
    free(subj);
  }
}

/* ---- value handlers ------------------------------------------------------------ */

static void S_timezone(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                       const char *path) {
  const char *s = S_text(v), *err = NULL;
  if (!s) {
    S_wrong_type(ld, v, subj, "a time zone name");
    return;
  }
  tp_tz *tz = tp_tz_open(s, &err);
  if (!tz) {
    S_warn(ld, v, "%s: '%s' is %s; ignored", subj, s, err ? err : "not a known time zone");
    return;
  }
  tp_tz_free(tz);
  S_set_str(S_AT(obj, f, char *), s);
}

/* A timestamp: any form tp_time_parse reads; kept as text (its zone is known
 * only when the trace is read). */
static void S_start(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                    const char *path) {
  const char *s = S_text(v);
  tp_timestamp ts;
  if (!s || tp_time_parse(s, strlen(s), TP_TIME_AUTO, &ts) != 0) {
    S_wrong_type(ld, v, subj, "a timestamp (e.g. 2026-03-01T09:00:00)");
    return;
  }
  S_set_str(S_AT(obj, f, char *), s);
}

static void S_intensity(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj,
                        const char *subj, const char *path) {
  tp_config_defaults *df = obj;
  double x;
  if (tp_ynode_number(v, &x) == 0) {
    if (!isfinite(x) || x < 0 || x > 5000)
      S_warn(ld, v, "%s is %s, outside [0, 5000] gCO2e/kWh; ignored", subj, v->text);
    else df->intensity_value = x;
    return;
  }
  const char *s = S_text(v);
  if (!s || !*s) {
    S_wrong_type(ld, v, subj, "a number (gCO2e/kWh) or a file name");
    return;
  }
  free(df->intensity_file);
  df->intensity_file = S_resolve(ld, s);
}

/* A time format: a name tp_time_format_parse knows (not "pattern"), or a
 * strptime-like pattern (anything with a '%'). */
static void S_time_format(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj,
                          const char *subj, const char *path) {
  const char *s = S_text(v);
  tp_time_format tf;
  if (!s) {
    S_wrong_type(ld, v, subj, "a format name or a pattern");
    return;
  }
  if (!strchr(s, '%') && (tp_time_format_parse(s, &tf) != 0 || tf == TP_TIME_PATTERN)) {
    S_warn(ld, v,
           "%s: '%s' is not a time format (auto, nvidia-smi, iso8601, ctime, epoch-s, epoch-ms, "
           "epoch-us, epoch-ns, or a pattern such as '%%Y-%%m-%%d %%H:%%M:%%S'); ignored",
           subj, s);
    return;
  }
  S_set_str(S_AT(obj, f, char *), s);
}

/* ---- site and defaults ------------------------------------------------------------ */

static const S_field k_site[] = {
    {.key = "title", .kind = F_STR, .off = offsetof(tp_config_site, title)},
    {.key = "description", .kind = F_STR, .off = offsetof(tp_config_site, description)},
    {.key = "authors", .kind = F_STRS, .off = offsetof(tp_config_site, authors)},
    {.key = "lab", .kind = F_STR, .off = offsetof(tp_config_site, lab)},
};

static const S_field k_defaults[] = {
    {.key = "pue", .kind = F_NUM, .off = offsetof(tp_config_defaults, pue), .lo = 1, .hi = 10},
    {.key = "zone", .kind = F_STR, .off = offsetof(tp_config_defaults, zone)},
    {.key = "intensity", .kind = F_FN, .fn = S_intensity},
    {.key = "timezone", .kind = F_FN, .off = offsetof(tp_config_defaults, timezone),
     .fn = S_timezone},
};

/* ---- experiments -------------------------------------------------------------- */

static void S_goal(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                   const char *path) {
  tp_config_metric *m = obj;
  const char *s = S_text(v);
  if (s && (strcmp(s, "max") == 0 || strcmp(s, "min") == 0)) {
    m->goal_set = true;
    m->goal_max = s[1] == 'a';
    return;
  }
  if (s) S_warn(ld, v, "%s should be max or min, not '%s'; ignored", subj, s);
  else S_wrong_type(ld, v, subj, "max or min");
}

static const S_field k_metric[] = {
    {.key = "tag", .kind = F_STR, .off = offsetof(tp_config_metric, tag)},
    {.key = "goal", .kind = F_FN, .fn = S_goal},
    {.key = "target", .kind = F_NUM, .off = offsetof(tp_config_metric, target), .lo = -DBL_MAX,
     .hi = DBL_MAX},
};

/* metric: a mapping, or just the tag. */
static void S_metric(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                     const char *path) {
  tp_config_metric *m = S_AT(obj, f, tp_config_metric);
  if (v->kind == TP_YNODE_MAP) S_map(ld, v, path, k_metric, S_N(k_metric), m);
  else if (S_text(v)) S_set_str(&m->tag, v->text);
  else S_wrong_type(ld, v, subj, "a mapping (tag, goal, target) or a tag");
}

static const S_field k_experiment[] = {
    {.key = "name", .kind = F_STR, .off = offsetof(tp_config_experiment, name)},
    {.key = "runs", .kind = F_STRS, .off = offsetof(tp_config_experiment, runs)},
    {.key = "compare_by", .kind = F_STRS, .off = offsetof(tp_config_experiment, compare_by)},
    {.key = "metric", .kind = F_FN, .off = offsetof(tp_config_experiment, metric), .fn = S_metric},
};

static void S_experiment(S_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_experiment *e = tp_config_add_experiment(cfg);
  e->line = item->line;
  S_map(ld, item, path, k_experiment, S_N(k_experiment), e);
  if (!e->name && e->runs.count == 0) {
    S_warn(ld, item, "'%s' has neither a name nor runs; ignored", path);
    tp_config_experiment_clear(e);
    cfg->n_experiments--;
    return;
  }
  if (!e->name) e->name = tp_xstrdup(e->runs.items[0]);
  for (size_t i = 0; i + 1 < cfg->n_experiments; i++)
    if (strcmp(cfg->experiments[i].name, e->name) == 0) {
      S_warn(ld, item, "experiment '%s' was already declared on line %ld; both are kept, the "
             "first matching one is used", e->name, cfg->experiments[i].line);
      break;
    }
}

/* ---- power -------------------------------------------------------------------- */

static void S_format(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                     const char *path) {
  const char *s = S_text(v);
  tp_power_format pf;
  if (!s) {
    S_wrong_type(ld, v, subj, "a trace format name");
    return;
  }
  if (tp_power_format_parse(s, &pf) != 0) {
    S_warn(ld, v, "%s: '%s' is not a trace format (nvidia-smi, nvidia-smi-dmon, rapl, perf-stat, "
           "codecarbon, csv); ignored", subj, s);
    return;
  }
  S_set_str(S_AT(obj, f, char *), tp_power_format_name(pf));
}

/* A column: a 1-based position (a plain whole number) or a header name. */
static void S_column(S_ld *ld, const tp_ynode *v, const char *subj, char **name, int *index) {
  double x;
  const char *s = S_text(v);
  if (!s || !*s) {
    S_wrong_type(ld, v, subj, "a column name or a 1-based column number");
    return;
  }
  if (tp_ynode_number(v, &x) == 0) {
    if (!(x >= 1 && x <= 4096 && x == floor(x))) {
      S_warn(ld, v, "%s is %s, not a column number in [1, 4096]; ignored", subj, s);
      return;
    }
    *index = (int)x;
    free(*name);
    *name = NULL;
    return;
  }
  S_set_str(name, s);
  *index = 0;
}

static void S_col_time(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                       const char *path) {
  tp_config_columns *c = obj;
  S_column(ld, v, subj, &c->time_column, &c->time_index);
}

static void S_col_value(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj,
                        const char *subj, const char *path) {
  tp_config_columns *c = obj;
  S_column(ld, v, subj, &c->value_column, &c->value_index);
}

static void S_col_device(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj,
                         const char *subj, const char *path) {
  tp_config_columns *c = obj;
  S_column(ld, v, subj, &c->device_column, &c->device_index);
}

static void S_unit(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                   const char *path) {
  const char *s = S_text(v);
  tp_value_unit u;
  if (!s) S_wrong_type(ld, v, subj, "a unit name");
  else if (tp_value_unit_parse(s, &u) != 0)
    S_warn(ld, v, "%s: '%s' is not a unit (W, mW, kW, J, kJ, Wh, kWh, uJ, mJ); ignored", subj, s);
  else S_set_str(S_AT(obj, f, char *), s);
}

static void S_separator(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj,
                        const char *subj, const char *path) {
  tp_config_columns *c = obj;
  const char *s = S_text(v);
  size_t n = s ? v->len : 0;
  if (s && (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)) s = "\t", n = 1;
  if (!s) S_wrong_type(ld, v, subj, "one character (or tab)");
  else if (n != 1 || *s == '"' || *s == '\n' || *s == '\r' || *s == '\0')
    S_warn(ld, v, "%s should be one character (or tab), not '%s'; ignored", subj, v->text);
  else c->separator = *s;
}

static void S_header(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                     const char *path) {
  tp_config_columns *c = obj;
  bool b;
  if (S_bool(v, &b) != 0) S_wrong_type(ld, v, subj, "a boolean (true/false)");
  else c->no_header = !b;
}

static const S_field k_columns[] = {
    {.key = "time", .kind = F_FN, .fn = S_col_time},
    {.key = "time_format", .kind = F_FN, .off = offsetof(tp_config_columns, time_format),
     .fn = S_time_format},
    {.key = "value", .kind = F_FN, .fn = S_col_value},
    {.key = "unit", .kind = F_FN, .off = offsetof(tp_config_columns, unit), .fn = S_unit},
    {.key = "device", .kind = F_FN, .fn = S_col_device},
    {.key = "separator", .kind = F_FN, .fn = S_separator},
    {.key = "header", .kind = F_FN, .fn = S_header},
};

static void S_columns(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                      const char *path) {
  tp_config_power *p = obj;
  if (v->kind != TP_YNODE_MAP) {
    S_wrong_type(ld, v, subj, "a mapping");
    return;
  }
  S_map(ld, v, path, k_columns, S_N(k_columns), &p->columns);
  p->has_columns = true;
  const tp_config_columns *c = &p->columns;
  if (!c->time_column && !c->time_index)
    S_warn(ld, v, "'%s' names no time column; traces read with it will be refused", path);
  if (!c->value_column && !c->value_index)
    S_warn(ld, v, "'%s' names no value column; traces read with it will be refused", path);
}

static const S_field k_power[] = {
    {.key = "files", .kind = F_PATHS, .off = offsetof(tp_config_power, files)},
    {.key = "host", .kind = F_STR, .off = offsetof(tp_config_power, host)},
    {.key = "devices", .kind = F_STRS, .off = offsetof(tp_config_power, devices)},
    {.key = "runs", .kind = F_STRS, .off = offsetof(tp_config_power, runs)},
    {.key = "clock_offset", .kind = F_NUM, .off = offsetof(tp_config_power, clock_offset_s),
     .lo = -1e9, .hi = 1e9},
    {.key = "format", .kind = F_FN, .off = offsetof(tp_config_power, format), .fn = S_format},
    {.key = "columns", .kind = F_FN, .fn = S_columns},
    {.key = "timezone", .kind = F_FN, .off = offsetof(tp_config_power, timezone), .fn = S_timezone},
    {.key = "start", .kind = F_FN, .off = offsetof(tp_config_power, start), .fn = S_start},
    {.key = "interval", .kind = F_NUM, .off = offsetof(tp_config_power, interval_s), .lo = 1e-3,
     .hi = TP_S_PER_DAY},
};

static void S_power(S_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_power *p = tp_config_add_power(cfg);
  p->line = item->line;
  p->interval_s = NAN;
  S_map(ld, item, path, k_power, S_N(k_power), p);
  if (p->files.count == 0) {
    S_warn(ld, item, "'%s' names no trace files; ignored", path);
    tp_config_power_clear(p);
    cfg->n_power--;
    return;
  }
  if (p->has_columns && !p->format) p->format = tp_xstrdup("csv");
  else if (p->has_columns && strcmp(p->format, "csv") != 0)
    S_warn(ld, item, "'%s' has columns but format '%s'; the columns are used only with format "
           "'csv'", path, p->format);
}

/* ---- hardware ------------------------------------------------------------------ */

static const S_field k_gpu[] = {
    {.key = "model", .kind = F_STR, .off = offsetof(tp_config_hardware, gpu_model)},
    {.key = "count", .kind = F_INT, .off = offsetof(tp_config_hardware, gpu_count), .lo = 0,
     .hi = 65536},
    {.key = "util", .kind = F_NUM, .off = offsetof(tp_config_hardware, gpu_util), .lo = 0, .hi = 1},
};

static const S_field k_cpu[] = {
    {.key = "model", .kind = F_STR, .off = offsetof(tp_config_hardware, cpu_model)},
    {.key = "cores", .kind = F_INT, .off = offsetof(tp_config_hardware, cpu_cores), .lo = 0,
     .hi = 65536},
    {.key = "util", .kind = F_NUM, .off = offsetof(tp_config_hardware, cpu_util), .lo = 0, .hi = 1},
};

/* gpu / cpu: a mapping, or just the model name.  f->sub says which. */
static void S_device(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj, const char *subj,
                     const char *path) {
  if (v->kind == TP_YNODE_MAP) S_map(ld, v, path, f->sub, f->n_sub, obj);
  else if (S_text(v)) S_set(ld, &f->sub[0], v, obj, subj, path);
  else S_wrong_type(ld, v, subj, "a mapping (model, count, util) or a model name");
}

static const S_field k_hardware[] = {
    {.key = "runs", .kind = F_STR, .off = offsetof(tp_config_hardware, runs)},
    {.key = "gpu", .kind = F_FN, .fn = S_device, .sub = k_gpu, .n_sub = S_N(k_gpu)},
    {.key = "cpu", .kind = F_FN, .fn = S_device, .sub = k_cpu, .n_sub = S_N(k_cpu)},
    {.key = "memory_gb", .kind = F_NUM, .off = offsetof(tp_config_hardware, memory_gb), .lo = 0,
     .hi = 1e6},
};

static void S_hardware(S_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_hardware *h = tp_config_add_hardware(cfg);
  h->line = item->line;
  h->gpu_count = -1; /* not given yet */
  S_map(ld, item, path, k_hardware, S_N(k_hardware), h);
  if (h->gpu_count < 0) h->gpu_count = h->gpu_model ? 1 : 0;
  if (!h->gpu_model && !h->gpu_count && !h->cpu_model && !h->cpu_cores && isnan(h->memory_gb)) {
    S_warn(ld, item, "'%s' declares no gpu, cpu or memory; ignored", path);
    tp_config_hardware_clear(h);
    cfg->n_hardware--;
    return;
  }
  if (!h->runs) h->runs = tp_xstrdup("**");
}

/* ---- parsers -------------------------------------------------------------------- */

/* A pattern must compile and name at least one group. */
static int S_pattern_check(S_ld *ld, const tp_ynode *item, const char *subj) {
  int code;
  PCRE2_SIZE at;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)item->text, item->len, 0, &code, &at, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    int got = pcre2_get_error_message(code, msg, sizeof msg);
    S_warn(ld, item, "%s: the pattern does not compile (%s at offset %zu); pattern ignored", subj,
           got < 0 ? "error" : (const char *)msg, (size_t)at);
    return -1;
  }
  uint32_t names = 0;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &names);
  pcre2_code_free(re);
  if (names == 0) {
    S_warn(ld, item, "%s: the pattern has no named group ((?<name>...)); pattern ignored", subj);
    return -1;
  }
  return 0;
}

static void S_patterns(S_ld *ld, const S_field *f, const tp_ynode *v, void *obj,
                       const char *subj, const char *path) {
  tp_config_parser *p = obj;
  S_strs(ld, v, subj, &p->patterns, false, S_pattern_check);
}

static const S_field k_parser[] = {
    {.key = "name", .kind = F_STR, .off = offsetof(tp_config_parser, name)},
    {.key = "set", .kind = F_STR, .off = offsetof(tp_config_parser, set)},
    {.key = "patterns", .kind = F_FN, .fn = S_patterns},
    {.key = "time_format", .kind = F_FN, .off = offsetof(tp_config_parser, time_format),
     .fn = S_time_format},
    {.key = "files", .kind = F_STRS, .off = offsetof(tp_config_parser, files)},
};

static void S_parser(S_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_parser *p = tp_config_add_parser(cfg);
  p->line = item->line;
  S_map(ld, item, path, k_parser, S_N(k_parser), p);
  if (!p->set && p->patterns.count == 0) {
    S_warn(ld, item, "'%s' has neither a pattern set nor usable patterns; ignored", path);
    tp_config_parser_clear(p);
    cfg->n_parsers--;
    return;
  }
  if (!p->name) p->name = tp_xstrdup(p->set ? p->set : path);
}

/* ---- tags ------------------------------------------------------------------------ */

static const S_field k_tag[] = {
    {.key = "runs", .kind = F_STR, .off = offsetof(tp_config_tag, runs)},
    {.key = "key", .kind = F_STR, .off = offsetof(tp_config_tag, key)},
    {.key = "value", .kind = F_STR, .off = offsetof(tp_config_tag, value)},
};

static void S_tag(S_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_tag *t = tp_config_add_tag(cfg);
  S_map(ld, item, path, k_tag, S_N(k_tag), t);
  if (!t->key || !*t->key || !t->value) {
    S_warn(ld, item, "'%s' needs a key and a value; ignored", path);
    tp_config_tag_clear(t);
    cfg->n_tags--;
    return;
  }
  if (!t->runs) t->runs = tp_xstrdup("**");
}

/* ---- the top level --------------------------------------------------------------- */

static const S_field k_top[] = {
    {.key = "site", .kind = F_MAP, .off = offsetof(tp_config, site), .sub = k_site,
     .n_sub = S_N(k_site)},
    {.key = "defaults", .kind = F_MAP, .off = offsetof(tp_config, defaults), .sub = k_defaults,
     .n_sub = S_N(k_defaults)},
    {.key = "experiments", .kind = F_LIST, .item = S_experiment},
    {.key = "power", .kind = F_LIST, .item = S_power},
    {.key = "hardware", .kind = F_LIST, .item = S_hardware},
    {.key = "parsers", .kind = F_LIST, .item = S_parser},
    {.key = "tags", .kind = F_LIST, .item = S_tag},
    {.key = "equivalents", .kind = F_BOOL, .off = offsetof(tp_config, equivalents)},
    {.key = "placement_keys", .kind = F_STRS, .off = offsetof(tp_config, placement_keys)},
};

/* ---- entry points ------------------------------------------------------------------ */

static void S_begin(tp_config *cfg, const char *path) {
  tp_config_init(cfg);
  cfg->path = tp_xstrdup(path);
  const char *slash = strrchr(path, '/');
  if (!slash) cfg->dir = tp_xstrdup(".");
  else if (slash == path) cfg->dir = tp_xstrdup("/");
  else cfg->dir = tp_xstrndup(path, (size_t)(slash - path));
}

/* Walk a parsed document; rc is what yamldoc returned. */
static int S_walk(tp_config *cfg, const tp_ydoc *doc, int rc, size_t errors_before,
                  tp_diags *d) {
  const tp_ynode *root = doc->root;
  if (!root) {
    if (rc == 0) return 0; /* empty file: every key unset */
    /* yamldoc said why (cannot open, too large, syntax); say what it means once. */
    if (d->n_by_severity[TP_ERROR] == errors_before)
      tp_diag_add(d, TP_ERROR, cfg->path, -1, -1, "no configuration could be read; file not used");
    goto unusable;
  }
  if (root->kind == TP_YNODE_SCALAR && tp_ynode_is_null(root)) return 0;
  if (root->kind != TP_YNODE_MAP) {
    tp_diag_add(d, TP_ERROR, cfg->path, -1, -1,
                "line %ld, column %ld: the configuration should be a mapping of keys (site, "
                "defaults, experiments, ...), not %s; file not used",
                root->line, root->col, S_what(root));
    goto unusable;
  }
  S_ld ld = {.cfg = cfg, .d = d, .file = cfg->path};
  S_map(&ld, root, "", k_top, S_N(k_top), cfg);
  return 0;
unusable:;
  char *path = cfg->path, *dir = cfg->dir;
  cfg->path = cfg->dir = NULL;
  tp_config_free(cfg);
  cfg->path = path;
  cfg->dir = dir;
  return -1;
}

int tp_config_load_mem(tp_config *cfg, const char *buf, size_t len, const char *path,
                       tp_diags *d) {
  S_begin(cfg, path ? path : TP_CONFIG_NAME);
  tp_ydoc doc;
  size_t errors_before = d->n_by_severity[TP_ERROR];
  int rc = tp_ydoc_parse(&doc, buf, len, cfg->path, d);
  rc = S_walk(cfg, &doc, rc, errors_before, d);
  tp_ydoc_free(&doc);
  return rc;
}

int tp_config_load(tp_config *cfg, const char *path, tp_diags *d) {
  S_begin(cfg, path);
  tp_ydoc doc;
  size_t errors_before = d->n_by_severity[TP_ERROR];
  int rc = tp_ydoc_load(&doc, path, d);
  rc = S_walk(cfg, &doc, rc, errors_before, d);
  tp_ydoc_free(&doc);
  return rc;
}

static bool S_is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *tp_config_find(const char *first_arg) {
  if (!first_arg || !*first_arg) return NULL;
  struct stat st;
  char *dir;
  if (stat(first_arg, &st) == 0 && S_ISDIR(st.st_mode)) {
    dir = tp_xstrdup(first_arg);
  } else {
    const char *slash = strrchr(first_arg, '/');
    dir = !slash ? tp_xstrdup(".")
          : slash == first_arg ? tp_xstrdup("/")
                                : tp_xstrndup(first_arg, (size_t)(slash - first_arg));
  }
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') dir[--n] = '\0';
  static const char *const k_names[] = {TP_CONFIG_NAME, TP_CONFIG_NAME_ALT};
  char *found = NULL;
  for (size_t i = 0; i < S_N(k_names) && !found; i++) {
    char *p = strcmp(dir, "/") == 0 ? tp_xasprintf("/%s", k_names[i])
                                    : tp_xasprintf("%s/%s", dir, k_names[i]);
    if (S_is_file(p)) found = p;
    else free(p);
  }
  free(dir);
  return found;
}
