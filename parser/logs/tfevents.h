/* tfevents: the TensorBoard event-file reader.
 *
 * An event file is a sequence of TFRecord records (little-endian uint64
 * length, masked CRC-32C of the length, the payload, masked CRC-32C of the
 * payload), each payload one serialized `Event` protobuf.  The reader streams:
 * it reads through a fixed buffer (1 MiB, grown only up to the largest record
 * present and never past 8 MiB) and hands what it decodes to a visitor, so
 * memory does not grow with the size of the file.  Records larger than the
 * buffer limit (graph_def and meta_graph_def of TF1 Estimators can be MBs)
 * are streamed through the CRC check and not decoded beyond their first bytes.
 *
 * What counts as a scalar is what TensorBoard shows as one: the class of a tag
 * is fixed by its first value in the file.  Legacy `simple_value` and tensors
 * whose first metadata names plugin "scalars" (or declares data class SCALAR)
 * are scalars; such a tensor must hold exactly one element of a numeric dtype
 * (float, double, half, bfloat16, the ints, uint32/64, bool), from
 * `tensor_content` or from the typed repeated field.  Histograms, images,
 * audio, text, graphs and other tensors are counted per tag, not decoded.
 * The hparams plugin's records are decoded into hyperparameters.
 *
 * Bad input (see tp_tfevents_read) becomes diagnostics naming the file and
 * byte offset; the reader keeps everything it could read.
 */
#ifndef TP_TFEVENTS_H
#define TP_TFEVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/diag.h"
#include "model/run.h"

/* Largest record the reader decodes in memory; larger ones are streamed
 * through the CRC check and counted, not decoded. */
#define TP_TFEVENTS_MAX_DECODED (8u << 20)

/* SessionLog.status values. */
enum { TP_SESSION_START = 1, TP_SESSION_STOP = 2, TP_SESSION_CHECKPOINT = 3 };

/* One decoded event, valid during the callback. */
typedef struct tp_tfevents_event {
  int64_t offset;     /* byte offset of the record in the file */
  double wall_time_s; /* Event.wall_time as stored (0 when absent), epoch seconds */
  int64_t step;       /* Event.step (0 when absent) */
  bool summary;       /* the event holds a Summary (the oneof `what` is summary) */
  bool has_file_version; /* the event is a file_version record */
  double file_version;/* its version as TensorBoard parses it: the number after
                         "brain.Event:" ("brain.Event:2" gives 2), -1 when it is
                         not a number; 0 when has_file_version is false */
} tp_tfevents_event;

/* Counts for one file, given to the visitor's `done` callback. */
typedef struct tp_tfevents_stats {
  uint64_t bytes;        /* bytes of the file read */
  uint64_t records;      /* records framed (CRC-checked), good or bad */
  uint64_t bad_crc;      /* records skipped for a payload CRC mismatch */
  uint64_t events;       /* events decoded */
  uint64_t scalars;      /* scalar values passed on */
  uint64_t skipped;      /* non-scalar values counted */
  bool stopped;          /* framing stopped before the end of the file */
} tp_tfevents_stats;

/* What the reader calls.  Every member may be NULL.  Strings are
 * NUL-terminated and valid during the call only, except `tag`, which stays
 * valid until tp_tfevents_read returns. */
typedef struct tp_tfevents_visitor {
  /* The file was opened: its size and modification time. */
  void (*file)(void *ctx, uint64_t size, int64_t mtime_s);
  /* Every chunk of raw file bytes, in file order (for a digest). */
  void (*bytes)(void *ctx, const void *data, size_t n);
  /* Every decoded event, before its values. */
  void (*event)(void *ctx, const tp_tfevents_event *ev);
  /* One scalar value, in file order.  tag_id is a dense index (0, 1, ...) of
   * the tag within this read, for callers that keep per-tag arrays. */
  void (*scalar)(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t tag_id,
                 double value);
  /* One value that is not a scalar; kind is "histogram", "image", "audio",
   * "text", "graph", "pr_curve", "run_metadata", "tensor" or "other". */
  void (*skipped)(void *ctx, const tp_tfevents_event *ev, const char *tag, const char *kind);
  /* A SessionLog event; status is TP_SESSION_*. */
  void (*session_log)(void *ctx, const tp_tfevents_event *ev, int status);
  /* A hyperparameter from the hparams plugin's session_start_info.  Numbers
   * come with text in shortest round-trip form, bools as "true"/"false". */
  void (*hparam)(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                 double number);
  /* A hyperparameter the hparams Experiment declares; type is "string",
   * "bool", "number" or "" when unset. */
  void (*hparam_info)(void *ctx, const char *name, const char *type);
  /* A metric the hparams Experiment declares (group is "" when unset). */
  void (*metric_info)(void *ctx, const char *group, const char *tag);
  /* Reading ended (also after a failure); the counts for this file. */
  void (*done)(void *ctx, const tp_tfevents_stats *st);
} tp_tfevents_visitor;

/* Read one event file and pass what it holds to v, in file order.
 *
 * Bad input, each a diagnostic in d naming path and byte offset:
 *   unreadable file, not a regular file, empty file, or not an event file
 *     (no valid record header at byte 0): TP_ERROR/TP_WARN, nothing read;
 *   a truncated last record, a record whose declared length exceeds what is
 *     left, or a length-CRC mismatch: TP_WARN, framing stops, all before kept;
 *   a payload-CRC mismatch: TP_WARN, that record is skipped and counted;
 *   malformed protobuf in a good record: TP_WARN, the value or event skipped.
 * At most 50 diagnostics per file are listed; a final note counts the rest.
 * Returns 0 when at least one record could be read, -1 otherwise. */
int tp_tfevents_read(const char *path, const tp_tfevents_visitor *v, void *ctx, tp_diags *d);

/* Read one event file into run, as TensorBoard's event accumulator does
 * (tensorboard/backend/event_processing/event_accumulator.py, _ProcessEvent
 * and _MaybePurgeOrphanedData; state carried over the run's files in reading
 * order, in run->tb):
 *   - once a file_version of 2 or more has been read ("brain.Event:2", every
 *     writer since TF 1.0), points are purged only on a SessionLog START: every
 *     series loses its points at or after the START's step; steps that merely
 *     go back purge nothing and both segments are kept;
 *   - before that (no file_version, or "brain.Event:1"), an event that holds a
 *     summary and whose step is below the step of the latest event that did not
 *     purge drops, for each tag it holds, that tag's points at or after its
 *     step; any other event becomes the latest.
 * Events widen the run's window; scalars go through tp_run_append_scalar, so a
 * series whose step goes back counts a restart of that series (only scalar
 * series count: images, text, profiler and other events never do); hparams
 * are set with the file as their source, non-scalars are counted, and the file
 * is recorded as an input with its size, mtime and SHA-256 (of the whole file,
 * read once).  Returns as tp_tfevents_read. */
int tp_tfevents_load_run(tp_run *run, const char *path, tp_diags *d);

/* Decode one Event payload (no framing) and pass it to v, as if it were the
 * record at byte `offset` of `path`.  For tests and fuzzing.  Returns 0, or -1
 * when the event is malformed (a diagnostic says so). */
int tp_tfevents_decode_event(const void *payload, size_t n, const char *path, int64_t offset,
                             const tp_tfevents_visitor *v, void *ctx, tp_diags *d);

/* Read records from an in-memory image of an event file, as tp_tfevents_read
 * does from a file (size = n, mtime 0).  For tests and fuzzing. */
int tp_tfevents_read_mem(const void *data, size_t n, const char *path,
                         const tp_tfevents_visitor *v, void *ctx, tp_diags *d);

#endif
