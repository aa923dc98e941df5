/* dvclive: DVCLive folders.
 *
 * DVCLive 1 and later (the folder dvclive/ by default): dvc.yaml (written by
 * DVCLive, naming plots/metrics), params.yaml (hyperparameters), metrics.json
 * (the latest values; not read: the series hold them) and
 * plots/metrics/<name>.tsv with "step<TAB><last part of the name>" (and a
 * "timestamp" column in epoch ms when logged with timestamp=True).  Each TSV
 * is one series named by its path under plots/metrics less .tsv
 * ("train/loss").  The run is the folder holding dvc.yaml.
 *
 * DVCLive 0.x: dvclive.json (a flat summary with "step") beside dvclive/,
 * whose <name>.tsv files hold "timestamp<TAB>step<TAB><name>" (epoch ms).
 * The run is the folder holding dvclive.json; params.yaml beside it is read.
 *
 * Only the timestamps give the run a window: without them it has none.
 */
#ifndef TP_DVCLIVE_H
#define TP_DVCLIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"
#include "parser/text/timefmt.h"

/* Whether head[0..len), the start of a dvc.yaml or a dvclive.json, is
 * DVCLive's (a dvc.yaml naming plots/metrics; a JSON object with "step"). */
bool tp_dvclive_sniff(const char *head, size_t len);

/* Read one metric TSV (name: its series) to sink; times (epoch ms) through
 * clock's offset.  Returns the points read. */
size_t tp_dvclive_read_tsv(FILE *f, const char *path, const char *name, const tp_clock *clock,
                           const tp_metric_sink *sink, tp_diags *d);

/* Load the DVCLive folder dir (either layout).  Returns the files read. */
int tp_dvclive_load_run(tp_run *run, const char *dir, const tp_clock *clock,
                        const tp_metric_sink *sink, tp_diags *d);

#endif
