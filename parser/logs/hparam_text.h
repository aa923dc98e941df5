/* hparam_text: a hyperparameter written as text, typed.
 *
 * MLflow params, Hydra overrides and Lightning's legacy meta_tags.csv hold
 * every value as text; this types it the one way all of them need.
 */
#ifndef TP_HPARAM_TEXT_H
#define TP_HPARAM_TEXT_H

#include <stddef.h>

#include "model/run.h"

/* Set a hyperparameter from text: numbers and true/false are typed, "None"
 * (Python's repr of None, which MLflow params and meta_tags.csv hold) and
 * "null" (Hydra's override grammar) are NULL, the rest is a string. */
void tp_hparam_text_set(tp_run *run, const char *key, const char *text, size_t len,
                        const char *source);

#endif
