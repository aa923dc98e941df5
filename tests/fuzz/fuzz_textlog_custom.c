/* Fuzz target for parser/textlog with a pattern set taken from the input, as
 * a configuration's `parsers` entry gives one: the first line is the line
 * pattern, the second the pairs pattern (empty: none), the third the time
 * format (empty: any), the rest is the log.  Compilation errors are fine;
 * what compiles must run under the match, depth and heap limits, so that no
 * pattern hangs or exhausts memory.  The run is reported. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "parser/logs/textlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of data[*pos..size) as a new string (caller frees), or NULL at the end. */
static char *S_line(const uint8_t *data, size_t size, size_t *pos) {
  if (*pos >= size) return NULL;
  const uint8_t *s = data + *pos;
  const uint8_t *nl = memchr(s, '\n', size - *pos);
  size_t n = nl ? (size_t)(nl - s) : size - *pos;
  *pos += n + (nl != NULL);
  return tp_xstrndup((const char *)s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0; /* long patterns only slow the compiler down */
  size_t pos = 0;
  char *line = S_line(data, size, &pos);
  char *pairs = S_line(data, size, &pos);
  char *tfmt = S_line(data, size, &pos);
  if (!line || !pairs || !tfmt) goto done;
  tp_textlog_rule rule = {.name = "fuzz",
                          .line = line,
                          .pairs = *pairs ? pairs : NULL,
                          .time_format = *tfmt ? tfmt : NULL,
                          .prefix = (size & 1) ? "val/" : NULL};
  tp_textlog_set set = {.name = "fuzz", .rules = &rule, .n_rules = 1};
  tp_run *run = tp_run_new("f", ".");
  tp_textlog *tl = tp_textlog_compile(&set, &run->diags);
  if (tl && pos < size) {
    FILE *f = fmemopen((void *)(data + pos), size - pos, "rb");
    if (f) {
      tp_metric_sink sink = tp_metric_sink_run(run);
      tp_textlog_read(tl, f, "fuzz", NULL, &sink, &run->diags, NULL);
      fclose(f);
    }
  }
  tp_textlog_free(tl);
  tp_fuzz_report(run);
done:
  free(line);
  free(pairs);
  free(tfmt);
  return 0;
}
