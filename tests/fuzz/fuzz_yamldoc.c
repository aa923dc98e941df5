/* Fuzz target for parser/yamldoc: parse any bytes as YAML/JSON, flatten the
 * tree into a run's hparams, and report the run.
 *
 * It is also a differential check of the fast JSON path: whenever
 * tp_ydoc_parse_json_fast accepts an input, libyaml (tp_ydoc_parse_yaml) must
 * read it without complaint into the same tree, else the target aborts; when
 * it declines, it must leave the document empty. */
#include <stdint.h>

#include "fuzz_common.h"
#include "parser/text/yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_check_fast(const char *buf, size_t size) {
  tp_ydoc fast;
  int rc = tp_ydoc_parse_json_fast(&fast, buf, size);
  if (rc != 0) {
    if (rc != TP_YDOC_DECLINED || fast.root || fast.n_nodes || fast.all || fast.arena) {
      fprintf(stderr, "fuzz: fast JSON path declined (%d) but left a document\n", rc);
      abort();
    }
    return;
  }
  tp_ydoc slow;
  tp_diags d = {0};
  char why[200] = "";
  int yrc = tp_ydoc_parse_yaml(&slow, buf, size, "fuzz", &d);
  if (yrc != 0 || d.count != 0) {
    fprintf(stderr, "fuzz: fast JSON path accepted what libyaml refuses (%d, %zu diagnostics)\n",
            yrc, d.count);
    abort();
  }
  if (!tp_ydoc_same(&fast, &slow, why, sizeof why) ||
      !tp_ydoc_same(&slow, &fast, why, sizeof why)) {
    fprintf(stderr, "fuzz: fast JSON path and libyaml differ: %s\n", why);
    abort();
  }
  tp_ydoc_free(&slow);
  tp_diag_free(&d);
  tp_ydoc_free(&fast);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  S_check_fast((const char *)data, size);
  tp_ydoc doc;
  tp_run *run = tp_run_new("f", ".");
  tp_ydoc_parse(&doc, (const char *)data, size, "fuzz", &run->diags);
  tp_ydoc_to_hparams(doc.root, "p", run, "fuzz");
  tp_ydoc_free(&doc);
  tp_fuzz_report(run);
  return 0;
}
