/* hydra: Hydra's record of a job's configuration (<run dir>/.hydra/).
 *
 * config.yaml is the composed job config, nested: it is flattened to dotted
 * keys ("model.learn.lr") and becomes the run's hparams; interpolations
 * (${paths.data_dir}) stay as strings.  overrides.yaml is a list of
 * "key=value" strings ("model=default_rkn", "+trainer.gpus=2"): each becomes
 * an hparam with the prefix characters (+, ++, ~) removed.  hydra.yaml is
 * Hydra's own configuration and is not a source of hparams.
 */
#ifndef TP_HYDRA_H
#define TP_HYDRA_H

#include "model/diag.h"
#include "model/run.h"

/* Read <dir>/.hydra/config.yaml and overrides.yaml into run.  Returns the
 * number of files read. */
int tp_hydra_load(tp_run *run, const char *dir, tp_diags *d);

/* A run of another framework (an MLflow run in <hydra output>/mlruns/...)
 * that Hydra started: the nearest of dir's parents, at most max_up levels up,
 * that holds .hydra/config.yaml gives run its config and overrides as
 * hparams (tp_hydra_load), with a note naming it.  Call after the run's own
 * hparams are read: they win where the two differ (tp_run_set_hparam warns).
 * Returns the number of files read (0: no Hydra folder above). */
int tp_hydra_load_above(tp_run *run, const char *dir, int max_up, tp_diags *d);

/* The same for one file each (path NULL: skipped).  Returns 0 or -1. */
int tp_hydra_read_config(tp_run *run, const char *path, tp_diags *d);
int tp_hydra_read_overrides(tp_run *run, const char *path, tp_diags *d);

#endif
