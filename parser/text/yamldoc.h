/* yamldoc: a small, bounded document tree over libyaml, for YAML and JSON.
 *
 * The framework readers need whole small documents (trainer_state.json,
 * meta.yaml, .hydra/config.yaml, wandb-summary.json), not a stream.  This module
 * builds one tree per document from libyaml's events, with hard limits so that
 * no input can make it use unbounded time or memory:
 *
 * - nesting deeper than TP_YDOC_MAX_DEPTH is cut (the deeper nodes are dropped);
 * - aliases are resolved (parser/text/yamlalias.h): an alias becomes a copy of its
 *   anchor's node, as Python's yaml.dump means it; at most
 *   TP_YALIAS_MAX_REPLAYED events are copied in all, so that nested aliases
 *   ("billion laughs") cannot grow without limit.  An alias past that bound,
 *   of an unknown anchor, or inside its own anchor becomes a null node and a
 *   diagnostic;
 * - at most TP_YDOC_MAX_NODES nodes are built; the rest are dropped.
 *
 * JSON is read as YAML (JSON is YAML 1.2 flow style); a UTF-16 surrogate pair
 * of \u escapes ("\ud83d\ude00", which libyaml refuses) in a double-quoted
 * scalar is decoded to its character (UTF-8); the non-finite numbers
 * that Python writes (NaN, Infinity, -Infinity) and YAML's .nan/.inf read as
 * numbers.  Unknown tags (!!python/object:...) are kept and the value read as
 * a string.  On a syntax error the tree built so far is kept and a diagnostic
 * names the line and column.
 *
 * Input that looks like JSON (a '{' or '[' first) is first read by a strict
 * hand-written JSON reader, which is much faster than libyaml.  It builds
 * exactly the tree the libyaml path would build, or declines, and then libyaml
 * reads the input from scratch; see tp_ydoc_parse_json_fast.
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
  bool is_alias;    /* an alias that was refused (reads as null); a resolved one
                       is a copy of its anchor's node */
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
  tp_ynode **all;   /* every node, in the order built (depth first, keys before values) */
  size_t n_all, cap_all;
  void *arena;      /* NULL, or the memory blocks that hold the nodes, their texts and
                       child arrays (a tree of the fast JSON path): freed as a whole */
} tp_ydoc;

/* Parse buf[0..len) as YAML or JSON.  file names the input in diagnostics.
 * Returns 0 when the whole input was read, -1 when it was malformed or a limit
 * was hit (then doc->root holds what could be read, possibly NULL).
 * Tries tp_ydoc_parse_json_fast first, then tp_ydoc_parse_yaml. */
int tp_ydoc_parse(tp_ydoc *doc, const char *buf, size_t len, const char *file, tp_diags *d);

/* tp_ydoc_parse_json_fast's answer when it does not build the tree. */
#define TP_YDOC_DECLINED 1

/* The fast path alone: read buf[0..len) as strict JSON (RFC 8259, plus the
 * bare NaN, Infinity and -Infinity that Python writes) whose top level is an
 * object or array, after an optional UTF-8 byte order mark and white space.
 * Returns 0 with the tree in *doc, exactly the tree (kinds, texts, lengths,
 * quoted, tags, lines and columns, node order, n_nodes) that
 * tp_ydoc_parse_yaml builds from the same input, which for such input returns
 * 0 without diagnostics.  Returns TP_YDOC_DECLINED, with *doc empty and
 * nothing to free, for any input it does not read exactly like that: not
 * JSON, invalid UTF-8, a limit reached (depth, nodes), and the few valid JSON
 * inputs that libyaml reads differently or refuses (\u escapes of lone UTF-16
 * surrogates, a key more than about 1000 bytes or a line break before its
 * ':', tabs outside the top-level brackets, U+2028/U+2029/U+FEFF and C1
 * controls in strings).  Never adds diagnostics. */
int tp_ydoc_parse_json_fast(tp_ydoc *doc, const char *buf, size_t len);

/* The libyaml path alone (what tp_ydoc_parse does when the fast path
 * declines); returns as tp_ydoc_parse. */
int tp_ydoc_parse_yaml(tp_ydoc *doc, const char *buf, size_t len, const char *file, tp_diags *d);

/* Whether a and b hold the same tree: n_nodes, truncated, the nodes of all
 * in order, and from the roots down every node's kind, text bytes, len,
 * quoted, is_alias, tag, line, col and children.  (What the fast path
 * promises; the tests check it.)  When not, why (may be NULL) gets the first
 * difference found. */
bool tp_ydoc_same(const tp_ydoc *a, const tp_ydoc *b, char *why, size_t why_size);

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

/* How a scalar becomes a hyperparameter: NUMBER, BOOL, NULL or STRING, with
 * the number (NAN for strings and null) and text (numbers in shortest
 * round-trip form, bools "true"/"false", null "null"). buf holds the text
 * when it is formatted. */
tp_hparam_kind tp_ynode_hparam(const tp_ynode *n, double *number, const char **text,
                               char buf[32]);

/* What a tag that PyYAML's dumper writes says about a node (the tag as
 * libyaml gives it, "tag:yaml.org,2002:python/..."; see PyYAML's
 * representer.py): */
typedef enum tp_ypytag {
  TP_YPY_OTHER = 0, /* no tag, or one that changes nothing */
  TP_YPY_NAME,      /* python/name:x.y, python/module:x.y: the value is the
                       string x.y (*name points at it) */
  TP_YPY_NULL,      /* python/none */
  TP_YPY_STR,       /* str, python/str, python/unicode: a string whatever it looks like */
  TP_YPY_STATE      /* python/object/new:..., python/object/apply:...: a mapping
                       whose dictitems and state mappings hold the object's items
                       and attributes (unwrapped in their place) */
} tp_ypytag;
tp_ypytag tp_ydoc_python_tag(const char *tag, const char **name);

/* Called by tp_ydoc_flatten once per leaf: key is the dotted path
 * ("model.learn.lr"; sequence items are numbered: "metrics.0._target_"). */
typedef void (*tp_ydoc_leaf_fn)(void *ctx, const char *key, const tp_ynode *leaf);

/* Walk n, calling fn for every scalar leaf with its dotted key (prefix, may be
 * NULL or "", is put in front).  Empty maps and sequences are leaves with text
 * "{}" and "[]" (fn gets a node of that kind).  A Python object's mapping
 * (TP_YPY_STATE) is walked as the mappings under its dictitems and state
 * keys, at its own key ("opt: !!python/object/new:easydict.EasyDict
 * {dictitems: {lr: 1}}" gives "opt.lr"). */
void tp_ydoc_flatten(const tp_ynode *n, const char *prefix, tp_ydoc_leaf_fn fn, void *ctx);

/* Flatten n into run hparams (tp_ynode_hparam per leaf), each with source. */
void tp_ydoc_to_hparams(const tp_ynode *n, const char *prefix, tp_run *run, const char *source);

#endif
