/* runfile: one run, everything a report needs of it, as a JSON document.
 *
 * `trainprint scan` writes one per run and `trainprint render` reads them
 * back (parser/runfile.h), so that parsing can be spread over many machines
 * and the site built once; `--cache` keeps runs as read in the same form.
 * The document is versioned ("format": "trainprint-run", "version": N); a
 * reader refuses other versions.  Numbers are written in shortest round-trip
 * form, so a run read back holds exactly the values written; non-finite
 * numbers are written as the strings "nan", "inf" and "-inf".
 */
#ifndef TP_RUNFILE_H
#define TP_RUNFILE_H

#include "model/lab.h"
#include "model/mem.h"

#define TP_RUNFILE_FORMAT "trainprint-run"
#define TP_RUNFILE_VERSION 1

/* Append the document for run to out, with the assumptions it was priced
 * with and the diagnostics of its scan that concern no single run (traces,
 * configuration); both may be NULL. */
void tp_runfile_write(const tp_run *run, const tp_assumptions *a, const tp_diags *scan_diags,
                      tp_buf *out);

#endif
