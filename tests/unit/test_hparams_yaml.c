/* test_hparams_yaml: flattening, typing, nulls, sequences, aliases, depth, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/mem.h"
#include "model/lab.h"
#include "parser/logs/hparams_yaml.h"
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

static void test_aliases(void) {
  tp_buf log, dg;
  /* An alias is its anchor's value written again (Python's yaml.dump shares
   * lists that way); in a sequence too.  One inside its own anchor or of an
   * unknown anchor is refused and its key skipped. */
  CHECK_INT(run("a: &x\n- 2\n- 2\nb: *x\nc: [1, *x]\nm: &m {k: &s ~, j: [x]}\nn: *m\n"
                "o: *s\np: &p [1, *p]\nq: *nope\nd: 1\n",
                &log, &dg),
            0);
  CHECK_STR(tp_buf_str(&log), "a=0:[2, 2]\nb=0:[2, 2]\nc=0:[1, [2, 2]]\nm/k=3:null\n"
                              "m/j=0:['x']\nn/k=3:null\nn/j=0:['x']\no=3:null\nd=1:1\n");
  CHECK_STR(tp_buf_str(&dg),
            "warning: h.yaml: line 9: alias '*p' not expanded (an alias inside its own anchor); "
            "key 'p' skipped\n"
            "warning: h.yaml: line 10: alias '*nope' not expanded (unknown anchor); key 'q' "
            "skipped\n");
  tp_buf_free(&log), tp_buf_free(&dg);
  /* Billion laughs: at most 10000 events are copied in all: l1 copies 10 x
   * 12, l2 10 x 122 (1340 in all); one l2 in l3 (1222) fits, ... until the
   * 9th would pass 10000. */
  tp_buf bomb = {0};
  tp_buf_adds(&bomb, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
  for (int i = 1; i < 9; i++)
    tp_buf_printf(&bomb, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
                  i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  tp_buf_adds(&bomb, "lr: 0.1\n");
  CHECK_INT(run(tp_buf_str(&bomb), &log, &dg), 0);
  CHECK(strstr(tp_buf_str(&log), "l2=") != NULL);
  CHECK(strstr(tp_buf_str(&log), "l3=") == NULL);   /* past the bound */
  CHECK(strstr(tp_buf_str(&log), "lr=1:0.1\n") != NULL);
  CHECK(strstr(tp_buf_str(&dg), "(expansion limit reached)") != NULL);
  tp_buf_free(&bomb), tp_buf_free(&log), tp_buf_free(&dg);
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

/* A file over 16 MiB is refused from its size, before any of it is read:
 * a sparse file of 16 MiB + 1 byte (16 MiB exactly is read). */
static void test_too_large(void) {
  char dir[] = "/tmp/tp_hpyaml_XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(false);
    return;
  }
  char *path = tp_xasprintf("%s/hparams.yaml", dir);
  for (off_t size = (off_t)16 << 20; size <= ((off_t)16 << 20) + 1; size++) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) break;
    fputs("lr: 0.1\n", f); /* then zero bytes up to size: YAML that is not valid */
    CHECK_INT(ftruncate(fileno(f), size), 0);
    fclose(f);
    tp_buf log = {0};
    tp_diags d = {0};
    int rc = tp_hparams_yaml_read(path, add, &log, &d);
    char *msg = d.count ? tp_diag_format(&d.items[0]) : tp_xstrdup("");
    if (size > (off_t)16 << 20) {
      CHECK_INT(rc, -1);
      CHECK_INT(d.count, 1);
      CHECK(strstr(msg, "hparams.yaml: not a regular file of at most 16 MiB; skipped") != NULL);
      CHECK_INT(log.len, 0);
    } else {
      CHECK(strstr(msg, "at most 16 MiB") == NULL); /* read, and found wanting as YAML */
    }
    free(msg);
    tp_diag_free(&d);
    tp_buf_free(&log);
  }
  unlink(path);
  rmdir(dir);
  free(path);
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
  tp_test_need(path);
  tp_run *run = tp_run_new("v0", "v0");
  tp_diags d = {0};
  CHECK_INT(tp_hparams_yaml_load(run, path, &d), 0);
  const tp_hparam *h = tp_run_find_hparam(run, "config/model/nclass");
  CHECK(h && strcmp(h->text, "[2, 2, 2]") == 0);
  h = tp_run_find_hparam(run, "config/Threshold");
  CHECK(h && h->kind == TP_HP_NUMBER && h->number == 0.5);
  h = tp_run_find_hparam(run, "config/RuntimeAug");
  CHECK(h && h->kind == TP_HP_BOOL && h->number == 0);
  h = tp_run_find_hparam(run, "model_config/nclass"); /* nclass: *id001 */
  CHECK(h && h->kind == TP_HP_STRING && strcmp(h->text, "[2, 2, 2]") == 0);
  h = tp_run_find_hparam(run, "model_config/size_out"); /* size_out: *id003 */
  CHECK(h && strcmp(h->text, "[65, 384, 384]") == 0);
  h = tp_run_find_hparam(run, "config/dist_backend"); /* dist_backend: null */
  CHECK(h && h->kind == TP_HP_NULL && strcmp(h->text, "null") == 0);
  CHECK_INT(d.count, 0);
  CHECK_INT(run->n_inputs, 1);
  CHECK_INT(run->inputs[0].size, 1142);
  tp_run_free(run);
  tp_diag_free(&d);
  free(path);
}

/* PyYAML's Python tags: objects unwrapped to their items and attributes,
 * names as strings, None as null; the configuration leaves out placement,
 * the seed and the repr's address. */
static void test_python_tags(void) {
  const char *path = TP_SOURCE_DIR "/tests/data/hparams/python-tags.yaml";
  tp_buf log = {0};
  tp_diags d = {0};
  CHECK_INT(tp_hparams_yaml_read(path, add, &log, &d), 0);
  CHECK_INT(d.count, 0);
  CHECK_STR(tp_buf_str(&log), "args/lr=1:0.01\n"
                              "args/batch_size=1:32\n"
                              "args/scheduler=3:null\n"
                              "args/act=0:torch.nn.modules.activation.ReLU\n"
                              "opt/momentum=1:0.9\n"  /* dictitems */
                              "opt/nesterov=2:true\n"
                              "opt/momentum=1:0.9\n"  /* state: the same, set once in a run */
                              "opt/nesterov=2:true\n"
                              "device=0:['cuda', 0]\n"
                              "shape=0:[224, 224]\n"
                              "none_tagged=3:null\n"
                              "tag_str=0:5\n"
                              "loss_fn=0:<function mse_loss at 0x7f3a2c1d9e50>\n"
                              "gpus=0:[0]\n"
                              "seed=1:7\n");
  tp_buf_free(&log);
  tp_run *run = tp_run_new("exp/r", "exp/r");
  CHECK_INT(tp_hparams_yaml_load(run, path, &d), 0);
  CHECK_INT(run->n_hparams, 13);
  CHECK_INT(run->diags.count, 0);
  tp_run_finish(run);
  tp_lab lab = {0};
  tp_lab_add_run(&lab, run);
  tp_lab_group(&lab);
  CHECK_STR(run->config, "args/act=torch.nn.modules.activation.ReLU, args/batch_size=32, "
                         "args/lr=0.01, args/scheduler=null, loss_fn=<function mse_loss>, "
                         "none_tagged=null, opt/momentum=0.9, opt/nesterov=true, "
                         "shape=[224, 224], tag_str=5");
  tp_lab_free(&lab);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_python_tags);
  TP_RUN(test_lightning);
  TP_RUN(test_aliases);
  TP_RUN(test_depth);
  TP_RUN(test_bad);
  TP_RUN(test_too_large);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
