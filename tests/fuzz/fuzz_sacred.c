/* Fuzz target for parser/logs/sacred: the input is written to a scratch run
 * folder as run.json, config.json and metrics.json alike (the reader takes a
 * folder), the folder is loaded into a run and the run is reported. */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/sacred.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const k_names[] = {"run.json", "config.json", "metrics.json"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[96], path[160];
  snprintf(dir, sizeof dir, "/tmp/tp_fuzz_sacred.%ld", (long)getpid());
  mkdir(dir, 0700);
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, k_names[i]);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
  }
  tp_run *run = tp_run_new("f", dir);
  tp_clock clock;
  tp_clock_init(&clock, NULL, 0);
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_sacred_load_run(run, dir, &clock, &sink, &run->diags);
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, k_names[i]);
    unlink(path);
  }
  rmdir(dir);
  tp_fuzz_report(run);
  return 0;
}
