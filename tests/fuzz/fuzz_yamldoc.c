/* Fuzz target for parser/yamldoc: parse any bytes as YAML/JSON, flatten the
 * tree into a run's hparams, and report the run. */
#include <stdint.h>

#include "fuzz_common.h"
#include "parser/yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tp_ydoc doc;
  tp_run *run = tp_run_new("f", ".");
  tp_ydoc_parse(&doc, (const char *)data, size, "fuzz", &run->diags);
  tp_ydoc_to_hparams(doc.root, "p", run, "fuzz");
  tp_ydoc_free(&doc);
  tp_fuzz_report(run);
  return 0;
}
