/* test_hparams_yaml: flattening, typing, sequences, aliases, depth, errors. */
#include <stdlib.h>

#include "model/mem.h"
#include "parser/hparams_yaml.h"
#include "tp_test.h"

static void add(void *ctx, const char *key, tp_hparam_kind kind, const char *text, double n) {
  tp_buf_printf(ctx, "%s=%d:%s\n", key, (int)kind, text);
}

/* Read text; return the log and the diagnostics, one per line. */
static int run(const char *yaml, tp_buf *log, tp_buf *diags) {
  tp_diags d = {0};
  *log = (tp_buf){0};
  *diags = (tp_buf){0};
  int rc = tp_hparams_yaml_read_mem(yaml, strlen(yaml), "h.yaml", add, log, &d);
  for (size_t i = 0; i < d.count; i++) {
    char *s = tp_diag_format(&d.items[i]);
    tp_buf_printf(diags, "%s\n", s);
    free(s);
  }
  tp_buf_adds(log, "");
  tp_buf_adds(diags, "");
  tp_diag_free(&d);
  return rc;
}

static void test_lightning(void) {
  tp_buf log, dg;
  CHECK_INT(run("config:\n"
                "  lr: 0.001\n"
                "  n: 32\n"
                "  amp: true\n"
                "  name: 'unet'\n"
                "  q: \"5\"\n"
                "  none: null\n"
                "  sizes:\n  - 65\n  - 384\n"
                "  ratio: [1.0, 2.5]\n"
                "  mixed: [a, true, ~, {k: 1}]\n"
                "  model:\n    depth: 4\n"
                "train: false\n"
                "date: Jun 05, 2021 11:34\n"
                "inf: -.inf\n",
                &log, &dg),
            0);
  CHECK_STR(tp_buf_str(&log), "config/lr=1:0.001\n"
                              "config/n=1:32\n"
                              "config/amp=2:true\n"
                              "config/name=0:unet\n"
                              "config/q=0:5\n"
                              "config/none=3:null\n"
                              "config/sizes=0:[65, 384]\n"
                              "config/ratio=0:[1.0, 2.5]\n"
                              "config/mixed=0:['a', True, None, {'k': 1}]\n"
                              "config/model/depth=1:4\n"
                              "train=2:false\n"
                              "date=0:Jun 05, 2021 11:34\n"
                              "inf=1:-inf\n");
  CHECK_STR(tp_buf_str(&dg), "");
  tp_buf_free(&log), tp_buf_free(&dg);
}

static void test_alias_refused(void) {
  tp_buf log, dg;
  CHECK_INT(run("a: &x\n- 2\n- 2\nb: *x\nc: [1, *x]\nd: 1\n", &log, &dg), 0);
  CHECK_STR(tp_buf_str(&log), "a=0:[2, 2]\nd=1:1\n");
  CHECK_STR(tp_buf_str(&dg),
            "warning: h.yaml: line 4: alias '*x' not expanded (aliases are refused); key 'b' "
            "skipped\n"
            "warning: h.yaml: line 5: alias '*x' not expanded (aliases are refused); key 'c' "
            "skipped\n");
  tp_buf_free(&log), tp_buf_free(&dg);
}

static void test_depth(void) {
  tp_buf deep = {0}, log, dg;
  for (int i = 0; i < 70; i++) tp_buf_adds(&deep, "{a: ");
  tp_buf_adds(&deep, "1");
  for (int i = 0; i < 70; i++) tp_buf_adds(&deep, "}");
  CHECK_INT(run(tp_buf_str(&deep), &log, &dg), 0);
  CHECK_STR(tp_buf_str(&log), "");
  CHECK_STR(tp_buf_str(&dg), "warning: h.yaml: line 1: nesting deeper than 64 levels under key "
                             "'a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/"
                             "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a'; "
                             "that value skipped\n");
  tp_buf_free(&deep), tp_buf_free(&log), tp_buf_free(&dg);
  /* The keys around a value nested too deep are kept, in block and flow
   * style, and a sequence of sequences 100000 deep is skipped without
   * recursion. */
  deep = (tp_buf){0};
  tp_buf_adds(&deep, "lr: 0.1\nx:\n");
  for (int i = 0; i < 80; i++) tp_buf_printf(&deep, "%*sk%d:\n", 2 * (i + 1), "", i);
  tp_buf_printf(&deep, "%*sv: 1\nseq: [", 2 * 81, "");
  for (int i = 0; i < 100000; i++) tp_buf_adds(&deep, "[");
  for (int i = 0; i < 100000; i++) tp_buf_adds(&deep, "]");
  tp_buf_adds(&deep, "]\nseed: 3\n");
  CHECK_INT(run(tp_buf_str(&deep), &log, &dg), 0);
  CHECK_STR(tp_buf_str(&log), "lr=1:0.1\nseed=1:3\n");
  CHECK(strstr(tp_buf_str(&dg), "nesting deeper than 64 levels under key 'x/k0/") != NULL);
  CHECK(strstr(tp_buf_str(&dg), "\n") == tp_buf_str(&dg) + dg.len - 1); /* reported once */
  tp_buf_free(&deep), tp_buf_free(&log), tp_buf_free(&dg);
  /* 64 levels are fine. */
  deep = (tp_buf){0};
  for (int i = 0; i < 63; i++) tp_buf_adds(&deep, "{a: ");
  tp_buf_adds(&deep, "1");
  for (int i = 0; i < 63; i++) tp_buf_adds(&deep, "}");
  CHECK_INT(run(tp_buf_str(&deep), &log, &dg), 0);
  CHECK_INT(strlen(tp_buf_str(&log)) > 63 * 2, 1);
  CHECK_STR(tp_buf_str(&dg), "");
  tp_buf_free(&deep), tp_buf_free(&log), tp_buf_free(&dg);
}

static void test_bad(void) {
  tp_buf log, dg;
  CHECK_INT(run("- 1\n- 2\n", &log, &dg), -1);
  CHECK_STR(tp_buf_str(&dg), "warning: h.yaml: line 1: the top level is not a mapping of "
                             "hyperparameters; file skipped\n");
  tp_buf_free(&log), tp_buf_free(&dg);
  CHECK_INT(run("", &log, &dg), -1);
  CHECK_STR(tp_buf_str(&dg), "warning: h.yaml: empty YAML file; no hyperparameters\n");
  tp_buf_free(&log), tp_buf_free(&dg);
  CHECK_INT(run("a: 1\nb: [1, 2\n", &log, &dg), 0);
  CHECK_STR(tp_buf_str(&log), "a=1:1\n");
  CHECK(strstr(tp_buf_str(&dg), "YAML error:") != NULL);
  tp_buf_free(&log), tp_buf_free(&dg);
}

/* The corpus's Lightning hparams.yaml, into a run, beside its event file. */
static void test_corpus(void) {
  const char *shared = tp_test_shared();
  if (!shared) {
    tp_test_skip("no corpus");
    return;
  }
  char *path = tp_xasprintf("%s/corpus/tfevents/lightning-aics/lightning_logs/version_0/"
                            "hparams.yaml", shared);
  tp_run *run = tp_run_new("v0", "v0");
  tp_diags d = {0};
  CHECK_INT(tp_hparams_yaml_load(run, path, &d), 0);
  const tp_hparam *h = tp_run_find_hparam(run, "config/model/nclass");
  CHECK(h && strcmp(h->text, "[2, 2, 2]") == 0);
  h = tp_run_find_hparam(run, "config/Threshold");
  CHECK(h && h->kind == TP_HP_NUMBER && h->number == 0.5);
  h = tp_run_find_hparam(run, "config/RuntimeAug");
  CHECK(h && h->kind == TP_HP_BOOL && h->number == 0);
  CHECK(tp_run_find_hparam(run, "model_config/nclass") == NULL); /* an alias: refused */
  CHECK_INT(d.count, 3);
  CHECK_INT(run->n_inputs, 1);
  CHECK_INT(run->inputs[0].size, 1142);
  tp_run_free(run);
  tp_diag_free(&d);
  free(path);
}

int main(void) {
  TP_RUN(test_lightning);
  TP_RUN(test_alias_refused);
  TP_RUN(test_depth);
  TP_RUN(test_bad);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
