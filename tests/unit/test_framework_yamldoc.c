/* Tests for parser/yamldoc: JSON and YAML trees, Python's non-finite numbers,
 * limits (depth, aliases), malformed input kept up to the error, flattening. */
#include <math.h>

#include "fw_check.h"
#include "parser/text/yamldoc.h"

static void test_json(void) {
  const char *s = "{\"_step\":3,\"val/loss\":0.5,\"g\":NaN,\"h\":-Infinity,\"q\":\"1\",\"n\":null,"
                  "\"o\":{\"a\":[1,true]}}";
  tp_ydoc doc;
  tp_diags d = {0};
  CHECK_INT(tp_ydoc_parse(&doc, s, strlen(s), "x.json", &d), 0);
  double v;
  CHECK_INT(tp_ynode_number(tp_ynode_get(doc.root, "_step"), &v), 0);
  CHECK_NEAR(v, 3, 0);
  CHECK_INT(tp_ynode_number(tp_ynode_get(doc.root, "g"), &v), 0);
  CHECK(isnan(v));
  CHECK_INT(tp_ynode_number(tp_ynode_get(doc.root, "h"), &v), 0);
  CHECK(isinf(v) && v < 0);
  CHECK_INT(tp_ynode_number(tp_ynode_get(doc.root, "q"), &v), -1); /* quoted: a string */
  CHECK(tp_ynode_is_null(tp_ynode_get(doc.root, "n")));
  tp_run *run = tp_run_new("r", ".");
  tp_ydoc_to_hparams(doc.root, NULL, run, "x.json");
  fw_check_hparam(run, "o.a.0", "1");
  fw_check_hparam(run, "o.a.1", "true");
  fw_check_hparam(run, "q", "1");
  CHECK_INT(tp_run_find_hparam(run, "q")->kind, TP_HP_STRING);
  CHECK_INT(tp_run_find_hparam(run, "o.a.0")->kind, TP_HP_NUMBER);
  tp_run_free(run);
  tp_ydoc_free(&doc);
  CHECK_INT(d.count, 0);
  tp_diag_free(&d);
}

static void test_truncated(void) {
  const char *s = "{\"a\": 1, \"b\": [2, 3,";
  tp_ydoc doc;
  tp_diags d = {0};
  CHECK_INT(tp_ydoc_parse(&doc, s, strlen(s), "t.json", &d), -1);
  double v;
  CHECK_INT(tp_ynode_number(tp_ynode_get(doc.root, "a"), &v), 0);
  CHECK_INT(tp_ynode_get(doc.root, "b")->n, 2);
  CHECK_INT(d.count, 1);
  CHECK(d.count && d.items[0].line >= 1); /* the end of the input */
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
}

static void test_limits(void) {
  /* 100 nested lists: cut at the depth limit. */
  char deep[256];
  size_t n = 0;
  for (int i = 0; i < 100; i++) deep[n++] = '[';
  for (int i = 0; i < 100; i++) deep[n++] = ']';
  tp_ydoc doc;
  tp_diags d = {0};
  CHECK_INT(tp_ydoc_parse(&doc, deep, n, "deep", &d), -1);
  CHECK_INT(doc.n_nodes, TP_YDOC_MAX_DEPTH);
  CHECK(d.count >= 1);
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
  /* Aliases are copies of their anchor's node: a 9 x 10 list holds 1 + 9 x
   * (1 + 9) = 91 nodes, 9 of them 1 + 9 x 91 = 820, 9 of those 7381; with
   * the root, its 4 keys and the 10 nodes of a: 10 + 91 + 820 + 7381 + 5. */
  const char *lol = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                    "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
  CHECK_INT(tp_ydoc_parse(&doc, lol, strlen(lol), "lol", &d), 0);
  CHECK_INT(doc.n_nodes, 8307);
  const tp_ynode *d0 = tp_ynode_get(doc.root, "d")->items[0];
  CHECK(d0->kind == TP_YNODE_SEQ && d0->n == 9 && d0->items[8]->n == 9);
  CHECK_STR(d0->items[8]->items[8]->items[8]->text, "x");
  CHECK_INT(d.count, 0);
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
  /* Billion laughs: copies stop at 10000 events in all.  Up to d: 9207
   * events copied (b 9 x 11, c 9 x 101, d 9 x 911); one *d in e would copy
   * 8201 more: refused, read as null. */
  const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                     "f: [*e, *e]\n"
                     "g: [*a, *z]\n";
  CHECK_INT(tp_ydoc_parse(&doc, bomb, strlen(bomb), "bomb", &d), 0);
  const tp_ynode *e = tp_ynode_get(doc.root, "e");
  CHECK(e->n == 9 && tp_ynode_is_null(e->items[0]) && e->items[8]->is_alias);
  /* e is 11 events (its refused aliases stay refused in copies): f copies 22. */
  const tp_ynode *f = tp_ynode_get(doc.root, "f");
  CHECK(f->n == 2 && f->items[1]->kind == TP_YNODE_SEQ && f->items[1]->n == 9 &&
        f->items[1]->items[0]->is_alias);
  /* 10000 - 9207 - 22 = 771 events are left: *a (11) still fits. */
  const tp_ynode *g = tp_ynode_get(doc.root, "g");
  CHECK(g->items[0]->kind == TP_YNODE_SEQ && g->items[0]->n == 9);
  CHECK(g->items[1]->is_alias); /* unknown anchor */
  CHECK_INT(d.count, 1); /* one warning per document */
  if (d.count) CHECK_STR(d.items[0].message, "alias *d at column 8 refused (expansion limit reached); read as null");
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
  /* An alias inside its own anchor would be a cycle: refused. */
  const char *self = "a: &a [1, *a]\n";
  CHECK_INT(tp_ydoc_parse(&doc, self, strlen(self), "self", &d), 0);
  CHECK(tp_ynode_get(doc.root, "a")->items[1]->is_alias);
  CHECK(d.count && strstr(d.items[0].message, "(an alias inside its own anchor)"));
  CHECK_INT(d.count, 1);
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
}

static void test_yaml(void) {
  const char *s = "model:\n  lr: 0.001\n  name: !!python/name:torch.nn.ReLU ''\n"
                  "  dims:\n  - 240\n  inf: .inf\nempty: {}\npath: ${paths.data_dir}\n";
  tp_ydoc doc;
  tp_diags d = {0};
  CHECK_INT(tp_ydoc_parse(&doc, s, strlen(s), "c.yaml", &d), 0);
  tp_run *run = tp_run_new("r", ".");
  tp_ydoc_to_hparams(doc.root, NULL, run, "c.yaml");
  fw_check_hparam(run, "model.lr", "0.001");
  fw_check_hparam(run, "model.name", "torch.nn.ReLU"); /* the name, not its empty value */
  fw_check_hparam(run, "model.dims.0", "240");
  fw_check_hparam(run, "model.inf", "inf");
  fw_check_hparam(run, "empty", "{}");
  fw_check_hparam(run, "path", "${paths.data_dir}");
  tp_run_free(run);
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
}

/* The same Python tags read as a tree (Hydra, W&B, trainer_state.json). */
static void test_python_tags(void) {
  tp_ydoc doc;
  tp_diags d = {0};
  CHECK_INT(tp_ydoc_load(&doc, TP_SOURCE_DIR "/tests/data/hparams/python-tags.yaml", &d), 0);
  tp_run *run = tp_run_new("r", "r");
  tp_ydoc_to_hparams(doc.root, NULL, run, "p.yaml");
  tp_ydoc_free(&doc);
  tp_run_finish(run);
  tp_buf b;
  CHECK_STR(fw_hparams_text(run, &b), "args.act=0:torch.nn.modules.activation.ReLU\n"
                            "args.batch_size=1:32\n"
                            "args.lr=1:0.01\n"
                            "args.scheduler=3:null\n"
                            "device.0=0:cuda\n"
                            "device.1=1:0\n"
                            "gpus.0=1:0\n"
                            "loss_fn=0:<function mse_loss at 0x7f3a2c1d9e50>\n"
                            "none_tagged=3:null\n"
                            "opt.momentum=1:0.9\n"
                            "opt.nesterov=2:true\n"
                            "seed=1:7\n"
                            "shape.0=1:224\n"
                            "shape.1=1:224\n"
                            "tag_str=0:5\n");
  CHECK_INT(run->diags.count, 0);
  tp_buf_free(&b);
  tp_run_free(run);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_python_tags);
  TP_RUN(test_json);
  TP_RUN(test_truncated);
  TP_RUN(test_limits);
  TP_RUN(test_yaml);
  return tp_test_summary();
}
