/* diag: diagnostics about the inputs, collected rather than printed.
 *
 * A reader that meets bad input records what it found and what it did about it
 * (skipped a record, stopped reading the file, ...), and goes on.  Each
 * diagnostic names the file and, where known, the byte offset or line.  The
 * program prints them on stderr; the report shows them beside the run.
 */
#ifndef TP_DIAG_H
#define TP_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum tp_severity {
  TP_NOTE = 0,  /* informational: a choice that was made (e.g. which metric) */
  TP_WARN = 1,  /* bad or odd input; something was skipped but work went on */
  TP_ERROR = 2  /* an input could not be used at all */
} tp_severity;

typedef struct tp_diag {
  tp_severity severity;
  char *file;     /* the input's path, or NULL when the diagnostic is not about a file */
  int64_t offset; /* byte offset in file, or -1 */
  int64_t line;   /* 1-based line in file, or -1 */
  char *message;  /* what was wrong and what was done about it, no trailing newline */
} tp_diag;

typedef struct tp_diags {
  tp_diag *items;
  size_t count, cap;
  size_t n_by_severity[3];
} tp_diags;

/* Record a diagnostic.  file may be NULL; offset and line are -1 when unknown. */
void tp_diag_add(tp_diags *d, tp_severity sev, const char *file, int64_t offset, int64_t line,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Move every diagnostic of src to the end of dst; src is left empty. */
void tp_diag_move(tp_diags *dst, tp_diags *src);
/* Write one diagnostic as a line: "trainprint: warning: FILE: byte N: message". */
void tp_diag_print(FILE *out, const tp_diag *d);
/* The same text as tp_diag_print without the program prefix and newline;
 * the caller frees it. */
char *tp_diag_format(const tp_diag *d);
void tp_diag_print_all(FILE *out, const tp_diags *d);
/* Sort by file, line, offset, severity and message, and drop repeats, so
 * that diagnostics gathered in any order read the same. */
void tp_diag_sort_unique(tp_diags *d);
void tp_diag_free(tp_diags *d);

#endif
