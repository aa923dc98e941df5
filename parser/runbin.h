/* runbin: reading a run back from the cache's binary form (written by
 * render/runbin.h, which describes the layout).
 *
 * Nothing in the input is trusted: every length is checked against the bytes
 * left before anything is allocated, every enumeration against its range,
 * strings must hold no NUL byte, and the fingerprint at the end must match the
 * content, so a cut-short, corrupted or foreign file is refused rather than
 * misread.
 */
#ifndef TP_PARSER_RUNBIN_H
#define TP_PARSER_RUNBIN_H

#include <stddef.h>

#include "model/run.h"

/* Decode buf[0..len) into a new run (*out; the caller frees it with
 * tp_run_free).  Returns 0, or -1 with *why (static text) and *at (the byte
 * offset where it went wrong) and *out NULL. */
int tp_runbin_read(const void *buf, size_t len, tp_run **out, const char **why, size_t *at);

#endif
