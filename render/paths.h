/* paths: how pages and exports name input files.
 *
 * The report is meant for publishing: a page must not show where the inputs
 * lay on the machine that read them (home folders, user names).  Every input
 * path is named relative to the path given on the command line that it was
 * found under: that argument is a run's directory with its id taken off the
 * end (a run's id is its directory relative to the argument, or the
 * directory's own name when the argument is the run itself, so that the name
 * then starts with it).  A path under no argument keeps its relative form,
 * or only its file name when it is absolute.  Only summary.json keeps the
 * path as given, and not even it with --redact-paths.
 */
#ifndef TP_RENDER_PATHS_H
#define TP_RENDER_PATHS_H

#include <stddef.h>

#include "model/diag.h"
#include "model/lab.h"

typedef struct tp_paths {
  char **roots;     /* argument prefixes ("lab/", "/data/x/"), longest first */
  size_t n_roots;
} tp_paths;

/* The argument prefixes of every run of lab. */
void tp_paths_init(tp_paths *p, const tp_lab *lab);
void tp_paths_free(tp_paths *p);

/* path as pages name it: a pointer into path (the part after the longest
 * argument prefix, or its file name when it is absolute and under none). */
const char *tp_paths_name(const tp_paths *p, const char *path);

/* tp_diag_format of d with its file named by tp_paths_name (caller frees). */
char *tp_paths_diag_format(const tp_paths *p, const tp_diag *d);

#endif
