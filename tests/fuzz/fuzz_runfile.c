/* Fuzz target for parser/runfile: any bytes as a run summary (what
 * `trainprint scan` and the cache write, and `render` and `report --cache`
 * read back).  A document that is refused is fine; one that is taken must
 * group and render like any run. */
#include <stdint.h>

#include "fuzz_common.h"
#include "parser/runfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tp_run *run = NULL;
  tp_diags d = {0}, scan = {0};
  if (tp_runfile_read_mem((const char *)data, size, "fuzz.json", &run, NULL, &scan, &d) == 0)
    tp_fuzz_report_run(run);
  tp_diag_free(&scan);
  tp_diag_free(&d);
  return 0;
}
