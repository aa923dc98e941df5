/* Fuzz target for parser/textlog: every built-in pattern set over any bytes;
 * each set's run is reported. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_common.h"
#include "parser/logs/textlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static tp_textlog *sets[16];
  static size_t n_sets;
  if (!n_sets) {
    size_t n;
    const tp_textlog_set *b = tp_textlog_builtins(&n);
    tp_diags d = {0};
    for (size_t i = 0; i < n && i < 16; i++) sets[n_sets++] = tp_textlog_compile(&b[i], &d);
    tp_diag_free(&d);
  }
  if (!size) return 0;
  for (size_t i = 0; i < n_sets; i++) {
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f || !sets[i]) {
      if (f) fclose(f);
      continue;
    }
    tp_run *run = tp_run_new("f", ".");
    tp_metric_sink sink = tp_metric_sink_run(run);
    tp_textlog_read(sets[i], f, "fuzz", NULL, &sink, &run->diags, NULL);
    fclose(f);
    tp_fuzz_report(run);
  }
  return 0;
}
