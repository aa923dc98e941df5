/* fuzz_config: the configuration loader and the run-id globs on arbitrary bytes.
 *
 * The whole input is read as a trainprint.yaml; whatever loads is then asked
 * the questions the pipeline asks (experiment, hardware and tag of a few run
 * ids).  The input's first line is also used as a glob against the rest of
 * the input and against fixed run ids, to exercise the matcher's classes,
 * escapes and "**" forms.  The fixed run ids then make a lab that the
 * configuration's experiments and metric rules group, as the report does,
 * and the lab is rendered.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model/config.h"
#include "model/mem.h"
#include "parser/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A lab of a few runs grouped by cfg's experiments and rules, rendered. */
static void S_report(const tp_config *cfg) {
  static const char *const k_runs[] = {"lab/a/lr1-s0", "lab/a/lr1-s1", "lab/b/x", "y"};
  tp_lab lab = {0};
  for (size_t i = 0; i < sizeof k_runs / sizeof *k_runs; i++) {
    tp_run *run = tp_run_new(k_runs[i], k_runs[i]);
    for (int s = 0; s < 4; s++) {
      tp_run_note_event(run, s, 1.7e9 + 60.0 * s);
      tp_run_add_scalar(run, "val/acc", s, 1.7e9 + 60.0 * s, 0.1 * s + 0.01 * (double)i);
    }
    tp_run_set_hparam(run, "lr", TP_HP_NUMBER, "1", 1, "fuzz");
    tp_run_set_hparam(run, "seed", TP_HP_NUMBER, "0", (double)i, "fuzz");
    tp_run_finish(run);
    tp_fuzz_energy(run);
    tp_lab_add_run(&lab, run);
  }
  tp_lab_apply_config(&lab, cfg);
  tp_lab_group(&lab);
  tp_fuzz_render(&lab);
  tp_lab_free(&lab);
}

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
  S_report(&cfg);
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
