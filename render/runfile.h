/* runfile: writing one run, everything a report needs of it, as the run
 * document (model/rundoc.h describes it; parser/runfile.h reads it back).
 */
#ifndef TP_RUNFILE_H
#define TP_RUNFILE_H

#include "model/lab.h"
#include "model/mem.h"
#include "model/rundoc.h"

/* Append the document for run to out, with the assumptions it was priced
 * with and the diagnostics of its scan that concern no single run (traces,
 * configuration); both may be NULL. */
void tp_runfile_write(const tp_run *run, const tp_assumptions *a, const tp_diags *scan_diags,
                      tp_buf *out);

#endif
