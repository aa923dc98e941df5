/* hparam_text: typing a hyperparameter written as text (see hparam_text.h). */
#include "parser/logs/hparam_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/number.h"

void tp_hparam_text_set(tp_run *run, const char *key, const char *text, size_t len,
                        const char *source) {
  double v;
  char buf[32];
  char *s = tp_xstrndup(text, len);
  if (strcmp(s, "None") == 0 || strcmp(s, "null") == 0)
    tp_run_set_hparam(run, key, TP_HP_NULL, "null", NAN, source);
  else if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0)
    tp_run_set_hparam(run, key, TP_HP_BOOL, "true", 1, source);
  else if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0)
    tp_run_set_hparam(run, key, TP_HP_BOOL, "false", 0, source);
  else if (tp_parse_double(s, len, &v) == 0)
    tp_run_set_hparam(run, key, TP_HP_NUMBER, tp_fmt_double(buf, v), v, source);
  else
    tp_run_set_hparam(run, key, TP_HP_STRING, s, NAN, source);
  free(s);
}
