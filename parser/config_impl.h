/* config_impl: what the files of the configuration reader share, and no one else.
 *
 * config_fields.c holds the walker: every mapping of trainprint.yaml is
 * described by a table of fields, and tp_config_read_map checks its keys and
 * types against the table, so that every section reports problems the same
 * way.  config.c holds the sections' tables, the handlers of values that
 * need more than a type check, and the entry points.
 *
 * Callers outside parser/config*.c include parser/config.h only.
 */
#ifndef TP_CONFIG_IMPL_H
#define TP_CONFIG_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/config.h"
#include "parser/text/yamldoc.h"

/* The state of one load: where values and diagnostics go. */
typedef struct tp_config_ld {
  tp_config *cfg;
  tp_diags *d;
  const char *file;  /* name used in diagnostics */
  int n_warn;        /* warnings issued so far */
} tp_config_ld;

/* What a field of a section holds. */
typedef enum tp_config_kind {
  TP_CF_STR,   /* char *: a scalar, as text */
  TP_CF_STRS,  /* tp_config_strs: a scalar or a list of scalars */
  TP_CF_PATHS, /* tp_config_strs: as TP_CF_STRS, each resolved against the config's dir */
  TP_CF_NUM,   /* double: a number in [lo, hi] */
  TP_CF_INT,   /* int: a whole number in [lo, hi] */
  TP_CF_BOOL,  /* bool */
  TP_CF_MAP,   /* a nested mapping described by sub, stored at off */
  TP_CF_LIST,  /* a list of mappings, each handed to item */
  TP_CF_FN     /* handled by fn */
} tp_config_kind;

typedef struct tp_config_field tp_config_field;
/* A handler: v is the (non-null) value of field f of obj; subj names it in
 * messages, path is the nested section name ("power[0].columns"). */
typedef void (*tp_config_fn)(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v,
                             void *obj, const char *subj, const char *path);

/* One key of a section: what it holds and where its value goes. */
struct tp_config_field {
  const char *key;
  tp_config_kind kind;
  size_t off;          /* where the value goes in the section's struct */
  double lo, hi;       /* TP_CF_NUM, TP_CF_INT: accepted range */
  tp_config_fn fn;     /* TP_CF_FN */
  const tp_config_field *sub; /* TP_CF_MAP: its fields ... */
  size_t n_sub;        /* ... and how many */
  void (*item)(tp_config_ld *ld, const tp_ynode *item, const char *path); /* TP_CF_LIST */
};

#define TP_CFG_N(a) (sizeof(a) / sizeof *(a))
#define TP_CFG_AT(obj, f, type) ((type *)(void *)((char *)(obj) + (f)->off))

/* Per-item check for tp_config_read_strs: 0 to keep the item (it may have
 * warned), -1 to drop it. */
typedef int (*tp_config_item_check)(tp_config_ld *ld, const tp_ynode *item, const char *subj);

/* ---- the walker (config_fields.c) --------------------------------------- */

/* A warning about the node at: "line L, column C: message" (past a limit per
 * file, only counted, with one note). */
void tp_config_warn(tp_config_ld *ld, const tp_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A plain true/false, yes/no, on/off (YAML 1.1 booleans, any case): 0 and *out, or -1. */
int tp_config_bool(const tp_ynode *n, bool *out);
/* What a node is, for "should be X, not Y". */
const char *tp_config_what(const tp_ynode *n);
/* How a key is named in messages: "'pue' in 'defaults'", or "'site'" at the
 * top (newly allocated). */
char *tp_config_subject(const char *key, const char *where);
/* Warn that v (named subj) should be `expected`. */
void tp_config_wrong_type(tp_config_ld *ld, const tp_ynode *v, const char *subj,
                          const char *expected);
/* Path p resolved against the configuration's directory (newly allocated). */
char *tp_config_resolve(const tp_config_ld *ld, const char *p);
/* Replace *dst by a copy of s. */
void tp_config_set_str(char **dst, const char *s);
/* A scalar that can stand for text (anything but a mapping or list), or NULL. */
const char *tp_config_text(const tp_ynode *v);
/* A scalar or a list of scalars into l (replacing what it held); resolve:
 * as paths; check (may be NULL) keeps or drops each item. */
void tp_config_read_strs(tp_config_ld *ld, const tp_ynode *v, const char *subj,
                         tp_config_strs *l, bool resolve, tp_config_item_check check);
/* Each item of a list section: a mapping handed to fn with its path "key[i]". */
void tp_config_read_list(tp_config_ld *ld, const tp_ynode *v, const char *subj, const char *key,
                         void (*fn)(tp_config_ld *ld, const tp_ynode *item, const char *path));
/* Store value v of field f of obj (subj names it in messages, path is its
 * section), after the checks its kind asks for. */
void tp_config_read_value(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                          const char *subj, const char *path);
/* Walk the pairs of mapping m (the section `where`, "" at the top) against
 * the field table, storing into obj. */
void tp_config_read_map(tp_config_ld *ld, const tp_ynode *m, const char *where,
                        const tp_config_field *fields, size_t nf, void *obj);

/* ---- power[].series (config_series.c) ----------------------------------- */

/* A power entry's `series` (v): a list of mappings into the entry being read
 * (the configuration's last power entry). */
void tp_config_read_series(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v,
                           void *obj, const char *subj, const char *path);

#endif
