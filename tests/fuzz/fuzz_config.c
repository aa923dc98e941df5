/* fuzz_config: the configuration loader and the run-id globs on arbitrary bytes.
 *
 * The whole input is read as a trainprint.yaml; whatever loads is then asked
 * the questions the pipeline asks (experiment, hardware and tag of a few run
 * ids).  The input's first line is also used as a glob against the rest of
 * the input and against fixed run ids, to exercise the matcher's classes,
 * escapes and "**" forms.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/mem.h"
#include "parser/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const k_ids[] = {"", "a", "lab/precision-sweep/fp32-bs128-s0",
                                      "lr-sweep/lr1e-3-s2", "x/y/z/w"};
  tp_config cfg;
  tp_diags d = {0};
  tp_config_load_mem(&cfg, (const char *)data, size, "fuzz/trainprint.yaml", &d);
  for (size_t i = 0; i < sizeof k_ids / sizeof *k_ids; i++) {
    tp_config_experiment_of(&cfg, k_ids[i]);
    tp_config_hardware_of(&cfg, k_ids[i]);
    tp_config_tag_of(&cfg, k_ids[i], "project");
  }
  for (size_t i = 0; i < cfg.n_experiments; i++)
    tp_config_experiment_named(&cfg, cfg.experiments[i].name);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* Glob = first line (at most 256 bytes), subject = the next 4 KiB. */
  const char *nl = memchr(data, '\n', size < 256 ? size : 256);
  if (nl) {
    size_t glen = (size_t)(nl - (const char *)data);
    size_t rest = size - glen - 1;
    char *glob = tp_xstrndup((const char *)data, glen);
    char *subject = tp_xstrndup(nl + 1, rest < 4096 ? rest : 4096);
    tp_config_glob_match(glob, subject);
    for (size_t i = 0; i < sizeof k_ids / sizeof *k_ids; i++) tp_config_glob_match(glob, k_ids[i]);
    free(glob);
    free(subject);
  }
  return 0;
}
