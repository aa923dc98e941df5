/* runfile: reading back a run document (model/rundoc.h) written by
 * render/runfile (trainprint scan).  A document of another format or
 * version, or one that does not hold what a run needs, is refused with a
 * diagnostic: never trusted in part. */
#ifndef TP_PARSER_RUNFILE_H
#define TP_PARSER_RUNFILE_H

#include <stddef.h>

#include "model/diag.h"
#include "model/lab.h"

/* Read the run document at path.  On success returns 0 and sets *out (the
 * caller frees it with tp_run_free); when a is not NULL and the document has
 * assumptions, fills *a (strings owned by *a; free them as tp_lab_free does);
 * when scan_diags is not NULL, appends the scan's diagnostics to it.  Returns
 * -1 with a diagnostic in d otherwise. */
int tp_runfile_read(const char *path, tp_run **out, tp_assumptions *a, tp_diags *scan_diags,
                    tp_diags *d);
/* The same from memory (name is used in diagnostics). */
int tp_runfile_read_mem(const char *buf, size_t len, const char *name, tp_run **out,
                        tp_assumptions *a, tp_diags *scan_diags, tp_diags *d);

#endif
