/* rapl: CPU energy counters.
 *
 * - RAPL CSV, trainprint's own convention for logged powercap counters:
 *   a header naming `timestamp`, `domain`, `energy_uj` and optionally
 *   `max_energy_range_uj`, in any order; one row per domain per sample.
 *   Timestamps in any tp_time_parse AUTO form (epoch seconds, ISO 8601, ...).
 *   The counter is delivered as cumulative joules with its wrap value (the
 *   column, else tp_power_options.rapl_max_range_uj); a counter that goes down
 *   when the wrap value is unknown is reported (wrap or reset).
 * - `perf stat -I MS -e power/energy-pkg/ ...` output (plain or -x, CSV, with
 *   or without --per-socket/--per-core): each line is the energy of one
 *   interval for one event, which is summed into a cumulative counter per
 *   event (and socket) starting at 0 J at the start time.  The start time is
 *   the "# started on" line perf writes with -o, else the configuration's.
 *   Counts may carry a locale's grouping ("2,306.32") or decimal comma
 *   ("0,05"); "<not counted>" and "<not supported>" rows are reported.
 *   Without -I, the total over "seconds time elapsed" is delivered.
 */
#ifndef TP_RAPL_H
#define TP_RAPL_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"

bool tp_rapl_sniff_csv(const char *head, size_t len);
bool tp_rapl_sniff_perf(const char *head, size_t len);

/* Read from lr, deliver through e.  Return 0, or -1 when the file cannot be
 * used at all (reported). */
int tp_rapl_read_csv(tp_lines *lr, const tp_power_options *opt, tp_emit *e);
int tp_rapl_read_perf(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
