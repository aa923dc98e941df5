/* Tests for parser/yamldoc: JSON and YAML trees, Python's non-finite numbers,
 * limits (depth, aliases), malformed input kept up to the error, flattening. */
#include <math.h>

#include "fw_check.h"
#include "parser/yamldoc.h"

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
  /* Billion laughs: aliases are refused, never expanded. */
  const char *lol = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                    "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
  CHECK_INT(tp_ydoc_parse(&doc, lol, strlen(lol), "lol", &d), 0);
  CHECK(doc.n_nodes < 100);
  CHECK(tp_ynode_is_null(tp_ynode_get(doc.root, "d")->items[0]));
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
  fw_check_hparam(run, "model.name", "");
  fw_check_hparam(run, "model.dims.0", "240");
  fw_check_hparam(run, "model.inf", "inf");
  fw_check_hparam(run, "empty", "{}");
  fw_check_hparam(run, "path", "${paths.data_dir}");
  tp_run_free(run);
  tp_ydoc_free(&doc);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_json);
  TP_RUN(test_truncated);
  TP_RUN(test_limits);
  TP_RUN(test_yaml);
  return tp_test_summary();
}
