/* fuzz_template: parse any bytes as a template and render it with a fixed
 * data tree (strings with markup and invalid UTF-8, lists, nesting, a chart
 * SVG).  Errors are fine; crashes, leaks and sanitizer reports are not. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "render/template.h"

static tp_tval *S_data(void) {
  tp_tval *d = tp_tval_object();
  tp_tval_set_string(d, "s", "<script>alert(1)</script>\"'&");
  tp_tval_set_string(d, "bad", "\xff\xfe\xc0\x80\xed\xa0\x80\x01x");
  tp_tval_set_number(d, "n", 1.5);
  tp_tval_set_bool(d, "t", true);
  tp_tval_set(d, "z", tp_tval_null());
  tp_tval_set_string(d, "svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><text>a</text>"
                               "</g><rect width=\"1\" onclick=\"x\"/></svg>");
  tp_tval *l = tp_tval_set_list(d, "l");
  for (int i = 0; i < 3; i++) {
    tp_tval *o = tp_tval_push_object(l);
    tp_tval_set_number(o, "i", i);
    tp_tval_set_string(o, "s", i == 1 ? "<b>" : "x");
    tp_tval *inner = tp_tval_set_list(o, "l");
    tp_tval_push(inner, tp_tval_string("y"));
    tp_tval_push(inner, tp_tval_bool(false));
  }
  return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static tp_tval *values;
  if (!values) values = S_data();
  if (size > 1 << 16) return 0;
  tp_template *t = NULL;
  char *err = NULL;
  if (tp_template_parse(&t, "fuzz.xhtml", (const char *)data, size, &err) == 0) {
    tp_buf out = {0};
    free(err);
    err = NULL;
    tp_template_render(t, values, &out, &err);
    tp_buf_free(&out);
    tp_template_free(t);
  }
  free(err);
  return 0;
}
