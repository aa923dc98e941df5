/* nvsmi: nvidia-smi's two logging outputs.
 *
 * - `--query-gpu=FIELDS --format=csv[,noheader][,nounits]`: one row per GPU per
 *   sampling instant, fields in the order asked, ", "-separated; any subset
 *   and order of fields; units in the header ("power.draw [W]") and, unless
 *   nounits, after the values ("19.46 W"); unavailable values are bracketed
 *   words ("[N/A]").  Devices are told apart by `index`, else `uuid`, else
 *   `pci.bus_id`, else by their position among the rows of one instant (rows
 *   sharing a timestamp string).  A noheader file is read only when its format
 *   is stated (not sniffed as this format): with the field list
 *   (tp_power_options.nvsmi_columns) when given, else as the documented query
 *   timestamp,index,name,power.draw when its rows have four fields, else when
 *   one column carries " W" values and one a timestamp, which are then taken
 *   as power and time.
 * - `dmon`: whitespace-aligned rows under "# gpu pwr ..." header lines (which
 *   repeat); `-o DT` adds Date (YYYYMMDD) and Time columns, otherwise times are
 *   start + instant x interval from the options.  `pwr` is in W, "-" when not
 *   available.  A file without a power column is read as having no samples.
 */
#ifndef TP_NVSMI_H
#define TP_NVSMI_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"

bool tp_nvsmi_sniff_csv(const char *head, size_t len);
bool tp_nvsmi_sniff_dmon(const char *head, size_t len);
/* A query-gpu log without its header line (its first line a data row with an
 * nvidia-smi timestamp and ", " separators): not read by content, for its
 * columns are a guess; tp_nvsmi_read_unstated says so (a note) and reads
 * nothing.  Read as TP_POWER_NVSMI_CSV when a user states the format. */
bool tp_nvsmi_sniff_noheader(const char *head, size_t len);
int tp_nvsmi_read_unstated(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

/* Read from lr, deliver through e.  Return 0, or -1 when the file cannot be
 * used at all (reported). */
int tp_nvsmi_read_csv(tp_lines *lr, const tp_power_options *opt, tp_emit *e);
int tp_nvsmi_read_dmon(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
