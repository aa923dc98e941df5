/* runbin: one run as read, in the compact binary form the cache keeps.
 *
 * `--cache` keeps every run as its readers left it (before traces, pricing
 * and the lab's grouping), so that an unchanged run need not be read again.
 * Reading it back must cost far less than reading the logs: this form holds
 * numbers as their 8 bytes, not as text.  It is private to one version of
 * trainprint (the run summaries that `scan` writes for other programs and
 * other machines are JSON: model/rundoc.h).
 *
 * Layout (all integers little-endian):
 *
 *   "TPRUNBIN"  u32 TP_RUNBIN_VERSION  str TP_VERSION
 *   the run, field by field (runbin.c lists them in order)
 *   32 hex digits: the fingerprint (model/hash.h) of every byte before them
 *
 * where a str is a u32 length (0xffffffff for none) and its bytes, a count
 * is a u32, a number is the 8 bytes of a double, an integer 8 bytes of an
 * int64, a flag one byte.  The reader checks every length against the bytes
 * left and the fingerprint against the content.
 *
 * Nothing in the input is trusted: every length is checked against the bytes
 * left before anything is allocated, every enumeration against its range,
 * strings must hold no NUL byte, and the fingerprint at the end must match the
 * content, so a cut-short, corrupted or foreign file is refused rather than
 * misread.
 */
#ifndef TP_MODEL_RUNBIN_H
#define TP_MODEL_RUNBIN_H

#include <stddef.h>

#include "model/mem.h"
#include "model/run.h"

#define TP_RUNBIN_MAGIC "TPRUNBIN"
#define TP_RUNBIN_VERSION 4 /* 2: inputs carry energy_j; null hparams; 3: device field, declared_measured;
                               4: device host */

/* Append the binary form of run to out. */
void tp_runbin_write(const tp_run *run, tp_buf *out);
/* The same without the series' points and the power profiles' arrays (their
 * counts stay): not readable back, only a digest of the rest of the run,
 * beside tp_runspill_fingerprint of the arrays (a page's key). */
void tp_runbin_write_bare(const tp_run *r, tp_buf *out);

/* Decode buf[0..len) into a new run (*out; the caller frees it with
 * tp_run_free).  Returns 0, or -1 with *why (static text) and *at (the byte
 * offset where it went wrong) and *out NULL. */
int tp_runbin_read(const void *buf, size_t len, tp_run **out, const char **why, size_t *at);

#endif
