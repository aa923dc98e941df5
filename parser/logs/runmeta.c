/* runmeta: GPUs recorded by a run's own metadata (see runmeta.h). */
#include "parser/logs/runmeta.h"

#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/logs/wandb.h"

void tp_run_hw_free(tp_run_hw *h) {
  free(h->gpu_model);
  free(h->path);
  *h = (tp_run_hw){0};
}

int tp_runmeta_hardware(const tp_run *run, tp_run_hw *out, tp_diags *d) {
  *out = (tp_run_hw){0};
  for (size_t i = 0; i < run->n_inputs; i++) {
    const tp_input *in = &run->inputs[i];
    if (!in->format || strcmp(in->format, "wandb-metadata") != 0) continue;
    tp_wandb_meta m;
    tp_diags quiet = {0}; /* the reader reported this file's problems already */
    tp_wandb_read_metadata(in->path, &m, &quiet);
    tp_diag_free(&quiet);
    if (!m.gpu) {
      tp_wandb_meta_free(&m);
      continue;
    }
    out->gpu_model = m.gpu;
    m.gpu = NULL;
    out->gpu_count = m.gpu_count;
    if (out->gpu_count < 1) {
      out->gpu_count = 1;
      tp_diag_add(d, TP_NOTE, in->path, -1, -1,
                  "W&B metadata names GPU \"%s\" without a count; 1 GPU is assumed",
                  out->gpu_model);
    }
    out->path = tp_xstrdup(in->path);
    out->tool = "W&B metadata";
    tp_wandb_meta_free(&m);
    return 0;
  }
  return -1;
}
