/* prom: saved answers of the Prometheus HTTP API's range queries.
 *
 * `curl .../api/v1/query_range?query=DCGM_FI_DEV_POWER_USAGE&start=...&end=...
 * &step=15s > day1.json` saves
 *
 *   {"status":"success","data":{"resultType":"matrix","result":[
 *     {"metric":{"__name__":"DCGM_FI_DEV_POWER_USAGE","Hostname":"node1",
 *                "gpu":"0","UUID":"GPU-...","modelName":"NVIDIA A100 ..."},
 *      "values":[[1704067200,"250.5"],[1704067215,"251"], ...]}, ...]}}
 *
 * A file holds one such answer, pretty-printed or not, or several one after
 * another (JSON lines), possibly gzip-compressed.  It is recognised by content
 * (an object with "status", "data" and "resultType" near its start).  Series
 * go through dcgm.h (which metric, which device, repeats, refusals).  The file
 * is read twice, streaming, with memory bounded by its devices: a survey pass
 * finds the devices with an energy counter, then their power series are
 * passed over.  A syntax error ends the read at its line; what came before
 * is kept.  Answers that are errors, instant vectors or scalars give nothing
 * and say so.
 */
#ifndef TP_PROM_H
#define TP_PROM_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"

/* Recognise an answer (plain or gzip) by its first bytes. */
bool tp_prom_sniff(const char *head, size_t len);
/* Read the answers of lr's stream (which must be seekable: it is read twice);
 * lr's line reading is not used, only its stream.  Returns 0, or -1 when
 * nothing in it could be used. */
int tp_prom_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
