/* Fuzz target for parser/yamldoc: parse any bytes as YAML/JSON, flatten the
 * tree into hparams. */
#include <stdint.h>
#include <stdlib.h>

#include "model/run.h"
#include "parser/yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tp_ydoc doc;
  tp_diags d = {0};
  tp_ydoc_parse(&doc, (const char *)data, size, "fuzz", &d);
  tp_run *run = tp_run_new("f", ".");
  tp_ydoc_to_hparams(doc.root, "p", run, "fuzz");
  tp_run_free(run);
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
  return 0;
}
