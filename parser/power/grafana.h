/* grafana: DCGM metrics in a Grafana panel's CSV export.
 *
 * Two shapes, `,`- or `;`-separated (the old panel menu wrote `;`):
 * - wide, series as columns ("Series joined by time"):
 *     "Time","DCGM_FI_DEV_POWER_USAGE{Hostname=""node1"", gpu=""0"", ...}",...
 * - long, series as rows:
 *     Series,Time,Value
 *     "DCGM_FI_DEV_POWER_USAGE{Hostname=""node1"", gpu=""0""}",2024-01-01 00:00:00,251.3
 * A series name is the metric and its labels as Grafana shows them
 * (`name{k="v", ...}`, or the old `name(k=v,...)`); dcgm.h decides what each
 * series is, as for Prometheus answers.  Times as written (ISO 8601; Grafana
 * writes the browser's local time without a zone, a naive time read in the
 * read's zone: --timezone, the power entry's or the default) or epoch seconds
 * or milliseconds; values bare or "formatted" with a unit (W, kW, mW; mJ, J,
 * kJ); empty and `undefined` cells are no sample.
 *
 * A legend that does not say the metric and GPU (`{{Hostname}} GPU {{gpu}}`)
 * is read through the configuration's series mapping (grafana_map.h,
 * tp_power_options.grafana_map).  A series that neither says a GPU nor is
 * mapped is left out with a warning naming its column (never guessed); a
 * file with no series left is refused.  Recognised by its header and a DCGM
 * metric name in the first bytes; a file of custom legends only when the
 * format is given (the mapping gives it).
 */
#ifndef TP_GRAFANA_H
#define TP_GRAFANA_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"

bool tp_grafana_sniff(const char *head, size_t len);
/* Read from lr (a long export is read twice: its stream must be seekable),
 * deliver through e.  Returns 0, or -1 when nothing could be used. */
int tp_grafana_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
