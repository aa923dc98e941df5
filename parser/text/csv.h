/* csv: the pieces every line-oriented trace reader shares.
 *
 * - tp_lines: a streaming line reader over a FILE with a bounded buffer.  It
 *   strips a UTF-8 BOM and CR before LF, counts lines, skips (and reports)
 *   lines longer than its limit, and reports a last line that has no newline
 *   (a file cut while being written) instead of returning it.
 * - tp_rdiag: diagnostics of one input file, capped per kind of problem so
 *   that a 50 M-line file of bad rows makes a few messages and a count, not
 *   50 M messages.
 * - tp_csv_split: splits a line into fields (a separator, blanks around fields
 *   trimmed, "simple quotes" removed; a doubled quote inside stays doubled).
 * - tp_csv_number: a decimal number with an exact fast path (the result is
 *   always the double strtod would give), falling back to tp_parse_double.
 *
 * Memory never depends on the size of the input: the line buffer is at most
 * about twice the line limit.
 */
#ifndef TP_CSV_H
#define TP_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/diag.h"

#define TP_CSV_MAX_LINE_DEFAULT (64 * 1024)

/* ---- Diagnostics of one file ------------------------------------------ */

#define TP_RDIAG_KINDS 16

typedef struct tp_rdiag {
  tp_diags *d;          /* where diagnostics go */
  const char *file;     /* the input's name (not copied: must outlive this) */
  unsigned limit;       /* detailed diagnostics per kind (0: 10) */
  const char *kind[TP_RDIAG_KINDS]; /* the kinds seen (static strings) */
  tp_severity sev[TP_RDIAG_KINDS];
  size_t count[TP_RDIAG_KINDS];     /* how many of each */
  size_t n_kinds;
} tp_rdiag;

void tp_rdiag_init(tp_rdiag *r, tp_diags *d, const char *file);
/* Record a problem of kind `kind` (a static string naming the problem, used to
 * count and to summarise) at line `line` (-1 if none).  The first `limit` of a
 * kind are recorded with their message; the rest are only counted. */
void tp_rdiag_add(tp_rdiag *r, tp_severity sev, const char *kind, int64_t line,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Add one summary diagnostic per kind that went past the limit. */
void tp_rdiag_finish(tp_rdiag *r);

/* ---- Lines -------------------------------------------------------------- */

typedef struct tp_lines {
  FILE *f;              /* not owned */
  tp_rdiag *rd;         /* problems are reported here */
  char *buf;            /* holds buffered bytes [pos, end) */
  size_t cap, pos, end;
  size_t max_line;      /* longest line returned, in bytes */
  int64_t line;         /* 1-based number of the line last returned (0 before) */
  int64_t offset;       /* byte offset of the line last returned */
  int64_t consumed;     /* bytes of the file before buf[pos] */
  bool eof, skipping, first;
  bool read_error;      /* the stream failed; reported once */
  bool partial;         /* the file ended in the middle of a line (reported) */
} tp_lines;

/* Start reading f.  max_line 0 means TP_CSV_MAX_LINE_DEFAULT. */
void tp_lines_init(tp_lines *lr, FILE *f, tp_rdiag *rd, size_t max_line);
/* Next line without its end (LF or CRLF); *line stays valid until the next
 * call.  Returns 1 for a line, 0 at the end of the input. */
int tp_lines_next(tp_lines *lr, const char **line, size_t *len);
void tp_lines_free(tp_lines *lr);

/* ---- Fields -------------------------------------------------------------- */

typedef struct tp_field {
  const char *s;  /* start in the line (not NUL-terminated) */
  size_t n;       /* length */
} tp_field;

/* Split line[0..len) at `sep`; store up to `max` fields in out.  Returns the
 * number of fields in the line, which may exceed max (the extra ones are not
 * stored).  An empty line has one empty field. */
size_t tp_csv_split(const char *line, size_t len, char sep, tp_field *out, size_t max);

/* The next non-empty line of lr split at sep into f[0..max): returns 1 with
 * *n fields, 0 at the end.  A line with more than max fields is reported and
 * skipped. */
int tp_csv_next_row(tp_lines *lr, char sep, tp_field *f, size_t max, size_t *n);

/* Field equality with a C string, case-insensitive. */
bool tp_field_eq(tp_field f, const char *s);
/* Index of the field equal to name (case-insensitive) among f[0..n), or -1. */
int tp_csv_find(const tp_field *f, size_t n, const char *name);
/* Copy a field into a fresh NUL-terminated string (the caller frees). */
char *tp_field_dup(tp_field f);

/* Whether needle occurs in s[0..n). */
bool tp_mem_contains(const char *s, size_t n, const char *needle);
/* Write v in decimal at out (room for 11 bytes; not NUL-terminated); returns
 * the number of digits. */
size_t tp_csv_utoa(unsigned v, char *out);

/* A number in s[0..n), blanks around allowed (as tp_parse_double). */
int tp_csv_number(const char *s, size_t n, double *out);

/* A value as nvidia-smi writes it: "19.46 W", "19.46", "[N/A]".  Splits the
 * number from a unit after it.  Returns 0 with *value (and *unit, possibly
 * empty), 1 when the value is a bracketed "not available" word ([N/A],
 * [Not Supported], ...), -1 when it is not a number. */
int tp_csv_value_unit(tp_field f, double *value, tp_field *unit);

#endif
