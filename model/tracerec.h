/* tracerec: a recording of what reading a power trace delivered, read back.
 *
 * `--cache` records, once per unchanged trace file, the calls a reader made on
 * its trace sink (devices, the field of their readings, samples) and its
 * diagnostics (cli/tracecache.c writes them and names the file); a later
 * report replays them instead of parsing the text again.  This module reads
 * the records, which are untrusted bytes like any input: a recording that is
 * cut short, damaged or of values no reader gives delivers nothing.
 *
 * Layout of the records (numbers little-endian; a str is a u32 length,
 * 0xffffffff for none, and its bytes, no NUL among them):
 *   'D' i32 handle, str id, str name, u8 kind (tp_sample_kind), f64 wrap_j
 *   'F' i32 handle, u32 field (tp_power_field)
 *   'S' i32 handle, f64 t_s, f64 value
 *   'G' u8 severity, str file, i64 offset, i64 line, str message
 * then 'E' and 32 hex digits: the fingerprint (model/hash.h) of every byte
 * of the recording before them, its first line included.
 */
#ifndef TP_TRACEREC_H
#define TP_TRACEREC_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/trace.h"

/* The bytes after a recording's records: 'E' and the fingerprint. */
#define TP_TRACEREC_TAIL 33

/* Replay the recording buf[0..n), whose records start at body_at (after its
 * first line), into sink and diags.  The fingerprint and every record are
 * checked before anything is delivered; returns false, having delivered
 * nothing, when any check fails.  Device handles are mapped from the
 * recorded ones to those sink->device gives now. */
bool tp_tracerec_replay(const unsigned char *buf, size_t n, size_t body_at,
                        const tp_trace_sink *sink, tp_diags *diags);

#endif
