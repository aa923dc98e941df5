/* wandb_binary: W&B's binary run file, run-<id>.wandb, read as a stream.
 *
 * Container (wandb's datastore, a LevelDB-style log): a 7-byte header
 * (":W&B", uint16 LE 0xBEE1, version 0), then 32768-byte blocks, the header
 * inside the first.  A chunk is uint32 LE checksum, uint16 LE length, uint8
 * type (1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST) and `length` bytes; the checksum
 * is the IEEE CRC-32 of the data seeded with the CRC-32 of the type byte.
 * Fewer than 7 bytes left in a block are padding.  A record too long for its
 * block is split FIRST, MIDDLE..., LAST; a reassembled record is capped at
 * TP_WANDB_BIN_MAX_RECORD.  The file is read one block at a time: memory does
 * not grow with the file.
 *
 * Records are protobuf `Record`s (wandb_internal.proto), walked with
 * parser/text/protobuf.h: history (2), summary (3), config (5), stats (7), run
 * (17), exit (18); the rest is skipped.  Items are {key 1, nested_key 2,
 * value_json 16}; a nested key is its parts joined with '.'.
 *
 * History rows: the step is the row's `_step` (else its HistoryStep); the
 * wall time is its `_timestamp`.  wandb 0.12 can write every row with one
 * and the same `_timestamp` and `_runtime` (seen: 862 rows, all at start +
 * 21 s).  Such frozen times say nothing, so when a file has two or more rows
 * and all of them carry one `_timestamp`, or a row has none, the row's time
 * is that of the last system stats record before it in the file (the row
 * was written after it; the error is at most the sampling interval, 15 to
 * 90 s), else run start + `_runtime`, else unknown (NAN).  To know this
 * before the first row is delivered, the file is read twice: a first pass
 * gathers the facts (tp_wandb_bin_info), the second delivers.  `_step`,
 * `_runtime` and `_timestamp` are not delivered as scalars.
 *
 * Damage: a chunk with a bad checksum, an unknown type or a length past its
 * block's end, a continuation with no record begun, a record that does not
 * decode, a file that ends inside a chunk or inside a FIRST..LAST record:
 * each is one diagnostic naming the byte offset and what was dropped (for a
 * damaged chunk, the rest of its block and the record it belonged to).
 * Every whole record before, and every whole record after, is kept.
 */
#ifndef TP_WANDB_BINARY_H
#define TP_WANDB_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/diag.h"

#define TP_WANDB_BIN_BLOCK 32768
#define TP_WANDB_BIN_HEADER 7
#define TP_WANDB_BIN_MAX_RECORD (16u << 20) /* bytes of one reassembled record */
#define TP_WANDB_BIN_MAX_GPUS 256           /* gpu.N indexes read: 0 .. 255 */

/* What the reader hands on, in file order.  Any callback may be NULL.
 * Strings are valid during the call only. */
typedef struct tp_wandb_bin_handlers {
  void *ctx;
  /* A history row, before its items: step and wall time (NAN if unknown). */
  void (*row)(void *ctx, int64_t step, double t_s);
  /* A numeric history item of that row. */
  void (*scalar)(void *ctx, const char *key, int64_t step, double t_s, double value);
  /* A history item that is not a number; kind "string", "object", "list"
   * or "value" (true, false, null). */
  void (*skipped)(void *ctx, const char *key, const char *kind);
  /* A config item (run record's config, config records): the value as JSON
   * text json[0..n), unwrapped (no {desc, value}). */
  void (*config)(void *ctx, const char *key, const char *json, size_t n);
  /* A numeric summary item. */
  void (*summary)(void *ctx, const char *key, double value);
  /* A system stats record at t_s, before its items; then its numeric items. */
  void (*stats)(void *ctx, double t_s);
  void (*stat)(void *ctx, double t_s, const char *key, double value);
} tp_wandb_bin_handlers;

/* What a file holds, complete before the first callback is made. */
typedef struct tp_wandb_bin_info {
  double start_s;         /* run record's start_time, UTC epoch s; NAN if none */
  double runtime_s;       /* the last exit record's runtime, s; NAN if no exit */
  int exit_code;          /* ... and its exit code (absent in the record = 0) */
  int n_exits;            /* exit records (a killed run: 0; seen: 2) */
  char *run_id, *project, *display_name, *host; /* run record; NULL if absent */
  size_t n_records;       /* whole records decoded */
  size_t n_history, n_stats, n_summary, n_config; /* records of each kind */
  double first_stats_s, last_stats_s; /* system stats times, NAN if none */
  double last_history_s;  /* time of the last history row (see above), NAN if none */
  bool frozen_time;       /* >= 2 history rows, all with one _timestamp */
  bool any_process_gpu;   /* some stats key is gpu.process.N.* */
  bool process_gpu[TP_WANDB_BIN_MAX_GPUS]; /* N named by gpu.process.N.* */
  size_t n_damaged;       /* damage diagnostics (see above) */
} tp_wandb_bin_info;

/* Read path, filling *info and calling h (may be NULL) in file order.
 * Returns 0, or -1 when the file cannot be read or is not a W&B run file
 * (with a diagnostic; *info then holds nothing).  Free *info with
 * tp_wandb_bin_info_free in both cases. */
int tp_wandb_bin_read(const char *path, const tp_wandb_bin_handlers *h, tp_wandb_bin_info *info,
                      tp_diags *d);
void tp_wandb_bin_info_free(tp_wandb_bin_info *info);

/* The run file of a W&B run directory: run-*.wandb in dir, or in its parent
 * when dir is the run's files/.  The caller frees; NULL when none.  With
 * more than one, the first by name (and *count, when not NULL, says how many). */
char *tp_wandb_bin_find(const char *dir, int *count);
/* Whether a file name is a W&B run file's ("run-<id>.wandb"). */
bool tp_wandb_is_run_file_name(const char *name);

/* The GPU index N of a stats key "gpu.N.<what>" (not gpu.process.N), with
 * *what set to the part after it; -1 when key is not one. */
int tp_wandb_bin_gpu_key(const char *key, const char **what);

#endif
