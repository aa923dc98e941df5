/* grafana_map: the configuration's series mapping of a Grafana export
 * (power[].series), compiled: which GPU and metric a series is when its name
 * (the panel's legend: "gpu-01 GPU 0", "{{Hostname}}/{{gpu}}") does not say.
 *
 * An entry matches a series name exactly (`name`) or by a PCRE2 pattern that
 * the whole name matches (`pattern`, anchored at both ends, with a match
 * limit); its named groups host, gpu, uuid and job, then its fixed values,
 * give the labels; its metric is power (W) or energy (the counter, mJ), else
 * the one the name says, else power.  The first entry that matches wins.
 */
#ifndef TP_GRAFANA_MAP_H
#define TP_GRAFANA_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "model/config.h"
#include "parser/power/dcgm.h"

typedef struct tp_grafana_map tp_grafana_map;

/* The mapping of entries e[0..n) (copied; a pattern that does not compile
 * leaves its entry out: the configuration reader has said so).  Free with
 * tp_grafana_map_free; NULL when n is 0. */
tp_grafana_map *tp_grafana_map_new(const tp_config_series *e, size_t n);
void tp_grafana_map_free(tp_grafana_map *m);

/* Apply the mapping to series name[0..n): true when an entry matches, and then
 * l (holding what the name's own labels say, if anything) gets the entry's
 * labels and metric over it; false (l untouched) when none matches or m is
 * NULL. */
bool tp_grafana_map_apply(const tp_grafana_map *m, const char *name, size_t n,
                          tp_dcgm_labels *l);

#endif
