/* tfevents_impl: what the files of the event-file reader share, and no one else.
 *
 * The reader is three layers in three files: tfrecord.c frames TFRecord
 * records through a bounded buffer and checks both CRCs; tfevents.c walks one
 * Event payload with the protobuf cursor (the decoder below) and holds the run
 * loader with TensorBoard's purge rules; tfsummary.c decodes the values of a
 * Summary (scalars, tensors, the hparams plugin) and owns the tag table that
 * fixes each tag's class by its first value.
 *
 * Callers outside parser/logs/tf*.c include parser/logs/tfevents.h only.
 */
#ifndef TP_TFEVENTS_IMPL_H
#define TP_TFEVENTS_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/lebytes.h"
#include "model/mem.h"
#include "parser/logs/tfevents.h"
#include "parser/text/protobuf.h"

/* The tag table of one read (tfsummary.c). */
typedef struct tp_tfevents_tags tp_tfevents_tags;

/* ---- the decoder (tfevents.c) ------------------------------------------- */

/* The state of one read: where diagnostics go, the visitor, the tags seen. */
typedef struct tp_tfevents_dec {
  const char *path;               /* for diagnostics */
  tp_diags *d;
  const tp_tfevents_visitor *v;   /* never NULL (an empty visitor stands in) */
  void *ctx;
  tp_tfevents_tags *tags;         /* interned tags, owned */
  tp_buf key, text;               /* scratch for NUL-terminated strings */
  tp_tfevents_stats st;
  size_t n_diags, n_suppressed;   /* diagnostics listed / held back */
  bool tags_full;                 /* the tag limit was reached (reported once) */
} tp_tfevents_dec;

/* Which member of Event's oneof `what` a record holds. */
typedef enum tp_tfevents_what {
  TP_TFW_NONE, TP_TFW_SUMMARY, TP_TFW_SESSION, TP_TFW_GRAPH, TP_TFW_META_GRAPH, TP_TFW_TAGGED,
  TP_TFW_TOO_BIG
} tp_tfevents_what;

/* One parsed Event, before its contents go to the visitor. */
typedef struct tp_tfevents_rec {
  tp_tfevents_event ev;
  tp_tfevents_what what;
  tp_pb body;   /* the oneof member's bytes (summary, session log, tagged metadata) */
} tp_tfevents_rec;

/* Start a read of path: v may be NULL.  Release with tp_tfevents_dec_free. */
void tp_tfevents_dec_init(tp_tfevents_dec *dc, const char *path, const tp_tfevents_visitor *v,
                          void *ctx, tp_diags *d);
/* Report the problems held back and release what dc holds. */
void tp_tfevents_dec_free(tp_tfevents_dec *dc);
/* A diagnostic at byte off of the file; past the per-file limit it is only counted. */
void tp_tfevents_diag(tp_tfevents_dec *dc, tp_severity sev, int64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Decode one Event payload p[0..n) found at byte off and pass it to the
 * visitor; -1 (with a diagnostic) when it is malformed. */
int tp_tfevents_dec_decode(tp_tfevents_dec *dc, const uint8_t *p, size_t n, int64_t off);
/* Parse an Event's fields.  With `prefix` set, p[0..n) is only the start of
 * a larger payload: a field running past the end ends the parse, and a
 * summary or other member that does not fit is reported as TP_TFW_TOO_BIG. */
int tp_tfevents_rec_parse(const uint8_t *p, size_t n, bool prefix, tp_tfevents_rec *e);
/* Pass a parsed event and its contents to the visitor. */
void tp_tfevents_rec_emit(tp_tfevents_dec *dc, tp_tfevents_rec *e);

/* ---- Summary values and tags (tfsummary.c) ------------------------------ */

/* An empty tag table; free with tp_tfevents_tags_free. */
tp_tfevents_tags *tp_tfevents_tags_new(void);
void tp_tfevents_tags_free(tp_tfevents_tags *t);
/* Decode one Summary.Value c of event ev and pass it to the visitor. */
void tp_tfevents_value_emit(tp_tfevents_dec *dc, const tp_tfevents_event *ev, tp_pb c);
/* Count a value that is a whole record (a graph, run metadata) under the tag
 * p[0..n), of the given kind; nothing when the tag table is full. */
void tp_tfevents_skip_named(tp_tfevents_dec *dc, const tp_tfevents_event *ev, const uint8_t *p,
                            size_t n, const char *kind);

/* Little-endian unsigned integer of n <= 8 bytes. */
static inline uint64_t tp_tfevents_le(const uint8_t *p, size_t n) { return tp_le_load(p, n); }

#endif
