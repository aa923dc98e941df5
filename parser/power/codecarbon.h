/* codecarbon: CodeCarbon's emissions.csv, as declared energies per run.
 *
 * The columns are found by name, so every column set CodeCarbon has written
 * (1.x, the 2021 dev version, 2.0-2.5, 3.x) reads the same way.  One row is
 * one tracker flush: rows of one run (same run_id, or experiment_id before
 * run_id existed, and the same start = timestamp - duration within 2 s) are
 * cumulative, so only the row with the largest duration is delivered.  Rows
 * without such an id are runs of their own.  Runs are delivered through
 * sink->declared at the end of the file, in order of first appearance.
 *
 * Energies are kWh, and CodeCarbon has already multiplied them by its `pue`
 * column: the reader divides that PUE out (tp_declared.it_energy_j is IT
 * energy, tool_pue the factor) and says so in a note.  In the 2021 dev
 * version `cpu_power`/`gpu_power` hold energies and are read as such.
 */
#ifndef TP_CODECARBON_H
#define TP_CODECARBON_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"

bool tp_codecarbon_sniff(const char *head, size_t len);
/* Read from lr, deliver through e->sink->declared.  Return 0, or -1 when the
 * file cannot be used at all (reported). */
int tp_codecarbon_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
