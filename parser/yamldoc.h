/* yamldoc: a small, bounded document tree over libyaml, for YAML and JSON.
 *
 * The framework readers need whole small documents (trainer_state.json,
 * meta.yaml, .hydra/config.yaml, wandb-summary.json), not a stream.  This module
 * builds one tree per document from libyaml's events, with hard limits so that
 * no input can make it use unbounded time or memory:
 *
 * - nesting deeper than TP_YDOC_MAX_DEPTH is cut (the deeper nodes are dropped);
 * - aliases are refused: an alias becomes a null node and a diagnostic, so the
 *   exponential expansion of nested aliases ("billion laughs") cannot happen;
 * - at most TP_YDOC_MAX_NODES nodes are built; the rest are dropped.
 *
 * JSON is read as YAML (JSON is YAML 1.2 flow style); the non-finite numbers
 * that Python writes (NaN, Infinity, -Infinity) and YAML's .nan/.inf read as
 * numbers.  Unknown tags (!!python/object:...) are kept and the value read as
 * a string.  On a syntax error the tree built so far is kept and a diagnostic
 * names the line and column.
 *
 * Ownership: a tp_ydoc owns all its nodes and strings; tp_ydoc_free releases
 * them.  Node pointers are valid until then.
 */
#ifndef TP_YAMLDOC_H
#define TP_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/run.h"

#define TP_YDOC_MAX_DEPTH 64
#define TP_YDOC_MAX_NODES 1000000
#define TP_YDOC_MAX_BYTES (64u * 1024u * 1024u) /* tp_ydoc_load refuses larger files */

typedef enum tp_ynode_kind {
  TP_YNODE_SCALAR = 0,
  TP_YNODE_MAP,
  TP_YNODE_SEQ
} tp_ynode_kind;

typedef struct tp_ynode tp_ynode;
struct tp_ynode {
  tp_ynode_kind kind;
  char *text;       /* SCALAR: the value, NUL-terminated ("" for an empty scalar) */
  size_t len;       /* SCALAR: bytes in text (may contain NUL in JSON strings) */
  bool quoted;      /* SCALAR: written in quotes (or a block scalar): always a string */
  bool is_alias;    /* an alias that was refused (reads as null) */
  char *tag;        /* explicit tag as written, or NULL */
  long line, col;   /* 1-based position of the node in the input */
  tp_ynode **keys;  /* MAP: key nodes (scalars in practice) */
  tp_ynode **items; /* MAP: values, parallel to keys; SEQ: the items */
  size_t n, cap;    /* MAP: pairs; SEQ: items */
};

typedef struct tp_ydoc {
  tp_ynode *root;   /* first document's root, or NULL (empty input or fatal error) */
  size_t n_nodes;   /* nodes built */
  bool truncated;   /* a limit was hit or the input was malformed: the tree is partial */
  tp_ynode **all;   /* every node, for freeing */
  size_t n_all, cap_all;
} tp_ydoc;

/* Parse buf[0..len) as YAML or JSON.  file names the input in diagnostics.
 * Returns 0 when the whole input was read, -1 when it was malformed or a limit
 * was hit (then doc->root holds what could be read, possibly NULL). */
int tp_ydoc_parse(tp_ydoc *doc, const char *buf, size_t len, const char *file, tp_diags *d);
/* Read and parse a file (at most TP_YDOC_MAX_BYTES).  Returns as tp_ydoc_parse;
 * -1 with a diagnostic when the file cannot be read. */
int tp_ydoc_load(tp_ydoc *doc, const char *path, tp_diags *d);
void tp_ydoc_free(tp_ydoc *doc);

/* The value under key in a MAP node, or NULL (also when map is NULL or not a map). */
const tp_ynode *tp_ynode_get(const tp_ynode *map, const char *key);
/* True for a null scalar (null, ~, Null, NULL, empty plain scalar) or a refused alias. */
bool tp_ynode_is_null(const tp_ynode *n);
/* A plain scalar that is a number (also NaN, Infinity, .nan, .inf): 0 and *out,
 * else -1.  Quoted scalars are strings, never numbers. */
int tp_ynode_number(const tp_ynode *n, double *out);
/* A plain scalar true/false (any case): 0 and *out, else -1. */
int tp_ynode_bool(const tp_ynode *n, bool *out);
/* The scalar's text, or NULL when n is not a scalar. */
const char *tp_ynode_str(const tp_ynode *n);

/* How a scalar becomes a hyperparameter: NUMBER, BOOL or STRING, with the
 * number (NAN for strings) and text (numbers in shortest round-trip form,
 * bools "true"/"false", null "null"). buf holds the text when it is formatted. */
tp_hparam_kind tp_ynode_hparam(const tp_ynode *n, double *number, const char **text,
                               char buf[32]);

/* Called by tp_ydoc_flatten once per leaf: key is the dotted path
 * ("model.learn.lr"; sequence items are numbered: "metrics.0._target_"). */
typedef void (*tp_ydoc_leaf_fn)(void *ctx, const char *key, const tp_ynode *leaf);

/* Walk n, calling fn for every scalar leaf with its dotted key (prefix, may be
 * NULL or "", is put in front).  Empty maps and sequences are leaves with text
 * "{}" and "[]" (fn gets a node of that kind). */
void tp_ydoc_flatten(const tp_ynode *n, const char *prefix, tp_ydoc_leaf_fn fn, void *ctx);

/* Flatten n into run hparams (tp_ynode_hparam per leaf), each with source. */
void tp_ydoc_to_hparams(const tp_ynode *n, const char *prefix, tp_run *run, const char *source);

#endif
