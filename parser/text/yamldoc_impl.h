/* yamldoc_impl: what yamldoc.c and yamljson.c share, and no one else.
 *
 * yamldoc.c builds trees through libyaml and owns reading and freeing them;
 * yamljson.c builds the trees of strict JSON itself, from memory blocks that
 * hang off the document (tp_ydoc.arena).
 */
#ifndef TP_YAMLDOC_IMPL_H
#define TP_YAMLDOC_IMPL_H

/* Release the memory blocks of a document built by the JSON path (NULL: none). */
void tp_ydoc_arena_free(void *arena);

#endif
