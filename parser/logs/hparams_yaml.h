/* hparams_yaml: hyperparameters from a Lightning-style hparams.yaml.
 *
 * PyTorch Lightning's TensorBoardLogger writes the hyperparameters it logs
 * into `hparams.yaml` beside the event file.  Nested mappings are flattened
 * with '/' as Lightning flattens them for TensorBoard (`config/model/nclass`).
 * Scalars are typed as YAML 1.2's core schema says: integers and floats are
 * numbers, true/false bools, null (~, empty) a NULL hparam (the event file
 * beside it holds the string "None": tp_run_set_hparam takes the null over
 * it), everything else (and every quoted scalar) a string.  A sequence
 * becomes one string in Python's list notation ("[0, None, 2]"), as the
 * event file holds it.  Aliases are resolved to a copy of their anchor's
 * value (parser/text/yamlalias.h, bounded); nesting deeper than 64 levels and an
 * alias that cannot be resolved skip the key, with diagnostics.
 * Only the first YAML document is read; its top level must be a mapping.
 */
#ifndef TP_HPARAMS_YAML_H
#define TP_HPARAMS_YAML_H

#include <stddef.h>

#include "model/diag.h"
#include "model/run.h"

#define TP_HPARAMS_YAML_MAX_DEPTH 64

/* Called once per flattened key, in document order.  key and text are valid
 * during the call only; number is the value for NUMBER, 1/0 for BOOL, NAN for
 * STRING, and text is its shortest round-trip form for numbers. */
typedef void (*tp_hparams_yaml_fn)(void *ctx, const char *key, tp_hparam_kind kind,
                                   const char *text, double number);

/* Read the file at path.  Returns 0 when it could be read (even if some keys
 * were skipped), -1 when nothing could (unreadable, not YAML, not a mapping);
 * problems are diagnostics in d naming the file and line. */
int tp_hparams_yaml_read(const char *path, tp_hparams_yaml_fn fn, void *ctx, tp_diags *d);

/* The same over data[0..n); path only names it in diagnostics. */
int tp_hparams_yaml_read_mem(const char *data, size_t n, const char *path, tp_hparams_yaml_fn fn,
                             void *ctx, tp_diags *d);

/* Read the file into run's hyperparameters (source: path) and record it as
 * an input of format "hparams.yaml".  Returns as tp_hparams_yaml_read. */
int tp_hparams_yaml_load(tp_run *run, const char *path, tp_diags *d);
/* The same, recording the input as of the given format ("ultralytics-args"). */
int tp_hparams_yaml_load_as(tp_run *run, const char *path, const char *format, tp_diags *d);

#endif
