/* resplit: the attribution contract across `scan` processes.
 *
 * `scan` keeps with each run what every trace gave it (tp_trace_use: the
 * devices, their samples that meet the run's window, the energy by segment and
 * the runs it was already split against).  Runs scanned by different
 * processes that took energy from the same trace content (SHA-256) on the
 * same device over overlapping windows were each charged that time in full.
 * When `render` brings them together, tp_resplit() integrates the kept
 * samples again over the windows of every run that used the trace, as one
 * scan of them all would (model/energy.h: each device's energy in a segment
 * split equally among the runs on it then), and puts the new figures in
 * place of the old: the devices' energy, covered and shared seconds, the
 * run's IT and facility energy, CO2e (priced with the kept intensity rows, or
 * the constant intensity), the energy to each point of the main metric and to
 * the target, the input's energy, the `shared` flag and a note per new
 * partner.  A run that is a Slurm job is integrated as a job again (on its
 * hosts, its records' spans), under the union of the holds its group's runs
 * kept (which job's DCGM label held which device when), so that jobs charged
 * by labels are split as one scan of them all splits them.  Runs whose
 * summaries do not hold the samples (older summaries, traces without a
 * digest), or the holds of a job charged by labels, cannot be split:
 * tp_attrib_scanned_apart() warns of them.
 *
 * Units: joules, seconds, UTC epoch seconds; intensity in gCO2e/kWh.
 */
#ifndef TP_RESPLIT_H
#define TP_RESPLIT_H

#include <stddef.h>

#include "model/lab.h"

/* Split runs of lab (from summaries, tp_lab_assign done) that shared a trace
 * but were scanned apart, using lab->assumptions for PUE and a constant
 * intensity.  Returns the number of traces split again. */
size_t tp_resplit(tp_lab *lab);

/* When the summaries were priced with an intensity series, rebuild the part
 * of it that they kept (each run keeps the rows from its start to the first
 * after its end plus the what-if horizon) into lab->intensity_series, so that
 * the by-time what-ifs are those of `report`.  Returns its row count. */
size_t tp_resplit_series(tp_lab *lab);

/* Free the trace samples every run of lab kept (tp_use_device t_s and v),
 * once tp_resplit and tp_attrib_scanned_apart have used them: nothing the
 * site is made of reads them, and they would be held while the pages are
 * drawn.  The uses' other figures stay. */
void tp_resplit_drop_samples(tp_lab *lab);

#endif
