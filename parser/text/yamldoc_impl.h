/* yamldoc_impl: what yamldoc.c and yamljson.c share, and no one else.
 *
 * yamldoc.c builds trees through libyaml and owns reading and freeing them;
 * yamljson.c builds the trees of strict JSON itself, from memory blocks that
 * hang off the document (tp_ydoc.arena).
 */
#ifndef TP_YAMLDOC_IMPL_H
#define TP_YAMLDOC_IMPL_H

#include <stddef.h>

struct tp_ydoc;

/* Release the memory blocks of a document built by the JSON path (NULL: none). */
void tp_ydoc_arena_free(void *arena);

/* UTF-16 surrogate pairs of escapes in double-quoted scalars (yamlutf16.c):
 * libyaml refuses them, so the libyaml path reads a copy of the text with each
 * pair as one \U escape, and then puts back the columns that moved. */
typedef struct tp_ypair_fix {
  long line, col; /* 1-based line and character column of the pair's backslash */
} tp_ypair_fix;

typedef struct tp_ypairs {
  char *text;        /* the rewritten text, owned; NULL when there was no pair */
  size_t len;        /* bytes in text */
  tp_ypair_fix *at;  /* each rewrite, in the order of the text */
  size_t n, cap;
} tp_ypairs;

/* Scan buf[0..len) for pairs inside double-quoted scalars (single-quoted and
 * plain scalars and comments keep their backslashes).  Returns 1 with the
 * rewritten text in *p, or 0 when there is none (*p empty).  Free with
 * tp_ypairs_free either way. */
int tp_ypairs_rewrite(tp_ypairs *p, const char *buf, size_t len);
/* Give every node of doc built from p->text its column in the original text. */
void tp_ypairs_fix_cols(const tp_ypairs *p, struct tp_ydoc *doc);
void tp_ypairs_free(tp_ypairs *p);

#endif
