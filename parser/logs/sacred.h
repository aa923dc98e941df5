/* sacred: Sacred FileStorageObserver run folders (<basedir>/<run id>/).
 *
 * run.json gives the window (start_time .. stop_time, naive ISO times that
 * Sacred writes in UTC; a run without stop_time ends at its last heartbeat),
 * the host (host.hostname) and the status (a note when it is not COMPLETED);
 * config.json fills the hyperparameters; metrics.json maps each metric name to
 * parallel lists {"steps", "timestamps" (naive ISO UTC), "values"}, each read
 * as one scalar series with wall times.  cout.txt and _sources/ are not read
 * here (the experiment's _sources/ folder is not a run).
 */
#ifndef TP_SACRED_H
#define TP_SACRED_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"
#include "parser/text/timefmt.h"

/* Whether head[0..len), the start of a run.json, is Sacred's (a JSON object
 * whose first keys are Sacred's: "artifacts", "command", "experiment"). */
bool tp_sacred_sniff(const char *head, size_t len);

/* Load the run folder dir: run.json, config.json, metrics.json (each when
 * present).  Scalars go to sink; times through clock (its offset).  Returns
 * the files read (0: none). */
int tp_sacred_load_run(tp_run *run, const char *dir, tp_clock *clock, const tp_metric_sink *sink,
                       tp_diags *d);

#endif
