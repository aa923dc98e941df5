/* hf_trainer: Hugging Face Trainer's trainer_state.json and its neighbours.
 *
 * log_history entries become metric series keyed by their "step" (train
 * entries: loss, learning_rate, grad_norm; eval entries: eval_*; the final
 * summary: train_runtime, train_loss, ...).  "epoch" is an axis, not a series.
 * train_runtime becomes the run's declared duration (the file has no wall
 * time).  best_metric becomes a one-point series at global_step.  Training
 * settings at the top level (num_train_epochs, max_steps, train_batch_size,
 * logging/eval/save steps) become hparams.  Neighbours: config.json (model
 * config, hparams under "config.") and train_results.json / all_results.json
 * (train_runtime when the state has none).  Python's NaN/Infinity are read.
 */
#ifndef TP_HF_TRAINER_H
#define TP_HF_TRAINER_H

#include <stddef.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"

/* Read trainer_state.json at path: scalars go to sink, hparams and the
 * declared duration to run (run may be NULL).  Returns 0, or -1 when the file
 * could not be read as JSON at all (a truncated file keeps what came before). */
int tp_hf_trainer_read(const char *path, tp_run *run, const tp_metric_sink *sink, tp_diags *d);

/* Read the neighbours of a trainer_state.json in dir (config.json,
 * train_results.json, all_results.json) into run.  Returns files read. */
int tp_hf_trainer_read_neighbours(const char *dir, tp_run *run, tp_diags *d);

/* True when head starts a JSON object with a "log_history" key. */
bool tp_hf_trainer_sniff(const char *head, size_t len);

#endif
