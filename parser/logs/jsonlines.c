/* jsonlines: JSON-lines training logs (DETR log.txt, detectron2 metrics.json,
 * MMEngine scalars.json), read one line at a time (see jsonlines.h). */
#include "parser/logs/jsonlines.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/text/yamldoc.h"

#define S_SNIFF_KEYS 5

/* ---- Sniffing ------------------------------------------------------------- */

/* Whether the first line (line[0..n), complete or cut by the head's end)
 * names a step key of one of the writers. */
static bool S_has_step_key(const char *line, size_t n) {
  static const char *const keys[S_SNIFF_KEYS] = {"\"iteration\":", "\"step\":", "\"epoch\":",
                                                 "{\"train_", "\"test_"};
  for (size_t k = 0; k < S_SNIFF_KEYS; k++) {
    size_t m = strlen(keys[k]);
    for (size_t i = 0; i + m <= n; i++)
      if (memcmp(line + i, keys[k], m) == 0) return true;
  }
  return false;
}

bool tp_jsonlines_sniff(const char *head, size_t len) {
  size_t i = 0;
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && (head[i] == ' ' || head[i] == '\t')) i++;
  if (len - i < 2 || head[i] != '{' || head[i + 1] != '"') return false;
  const char *line = head + i;
  const char *nl = memchr(line, '\n', len - i);
  size_t n = nl ? (size_t)(nl - line) : len - i;
  if (nl) {
    /* A whole first line: one object, closed on it. */
    size_t e = n;
    while (e && (line[e - 1] == '\r' || line[e - 1] == ' ' || line[e - 1] == '\t')) e--;
    if (!e || line[e - 1] != '}') return false;
  }
  return S_has_step_key(line, n);
}

/* ---- Reading -------------------------------------------------------------- */

typedef struct S_reader {
  const char *path;
  tp_run *run;
  const tp_metric_sink *sink;
  tp_jsonlines_stats st;
} S_reader;

/* The step of a line: its key and integer value (0), or -1 when it has none. */
static int S_step(const tp_ynode *root, const char **key, int64_t *step) {
  static const char *const keys[] = {"iteration", "step", "epoch"};
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
    double v;
    if (tp_ynode_number(tp_ynode_get(root, keys[k]), &v) != 0) continue;
    if (!isfinite(v) || v != floor(v) || fabs(v) > 9e15) return -1;
    *key = keys[k];
    *step = (int64_t)v;
    return 0;
  }
  return -1;
}

/* Keys that are the axes of a line, not series. */
static bool S_axis(const char *key) {
  return strcmp(key, "iteration") == 0 || strcmp(key, "step") == 0 ||
         strcmp(key, "epoch") == 0 || strcmp(key, "iter") == 0;
}

/* The name of a value of an MMEngine validation line that a training line
 * also has (its loop's timings), or NULL when the key keeps its name. */
static const char *S_val_name(const char *key) {
  if (strcmp(key, "time") == 0) return "val/time";
  if (strcmp(key, "data_time") == 0) return "val/data_time";
  if (strcmp(key, "memory") == 0) return "val/memory";
  return NULL;
}

static void S_scalar(S_reader *r, const char *tag, int64_t step, double v) {
  r->sink->scalar(r->sink->ctx, tag, step, NAN, v);
  r->st.values++;
}

/* One value of a line: a number, or a list of numbers ("<key>/<index>"). */
static void S_value(S_reader *r, const char *key, const tp_ynode *val, int64_t step) {
  double v;
  if (val->kind == TP_YNODE_SCALAR) {
    if (tp_ynode_number(val, &v) == 0) S_scalar(r, key, step, v);
    return;
  }
  if (val->kind != TP_YNODE_SEQ) return;
  /* pycocotools writes -1 for a summary it could not compute (no objects of
   * that size): unknown, not a value. */
  bool coco = strstr(key, "coco_eval") != NULL;
  for (size_t i = 0; i < val->n; i++) {
    if (tp_ynode_number(val->items[i], &v) != 0 || (coco && v == -1)) continue;
    char *tag = tp_xasprintf("%s/%zu", key, i);
    S_scalar(r, tag, step, v);
    free(tag);
  }
}

/* One parsed line (an object). */
static void S_record(S_reader *r, const tp_ynode *root, int64_t step, const char *step_key) {
  /* MMEngine: a line with "step" but no "iter" is a validation line. */
  bool val_line = strcmp(step_key, "step") == 0 && !tp_ynode_get(root, "iter");
  if (r->sink->event) r->sink->event(r->sink->ctx, step, NAN);
  r->st.records++;
  for (size_t i = 0; i < root->n; i++) {
    const char *key = tp_ynode_str(root->keys[i]);
    if (!key || !*key || S_axis(key)) continue;
    if (strcmp(key, "n_parameters") == 0) {
      double v;
      if (r->run && tp_ynode_number(root->items[i], &v) == 0)
        tp_run_set_hparam(r->run, key, TP_HP_NUMBER, tp_ynode_str(root->items[i]), v, r->path);
      continue;
    }
    const char *renamed = val_line ? S_val_name(key) : NULL;
    S_value(r, renamed ? renamed : key, root->items[i], step);
  }
}

/* Whether line[0..len) holds only white space. */
static bool S_blank(const char *line, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return false;
  return true;
}

void tp_jsonlines_read(FILE *f, const char *path, tp_run *run, const tp_metric_sink *sink,
                       tp_diags *d, tp_jsonlines_stats *st) {
  S_reader r = {.path = path, .run = run, .sink = sink};
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, path);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, TP_JSONLINES_MAX_LINE);
  const char *line;
  size_t len;
  while (tp_lines_next(&lr, &line, &len)) {
    if (S_blank(line, len)) continue;
    tp_ydoc doc;
    tp_diags quiet = {0}; /* the line's own problem is said below, with its number */
    int rc = tp_ydoc_parse(&doc, line, len, path, &quiet);
    tp_diag_free(&quiet);
    const char *step_key = NULL;
    int64_t step = 0;
    if (rc != 0 || !doc.root || doc.root->kind != TP_YNODE_MAP) {
      tp_rdiag_add(&rd, TP_WARN, "not a JSON object", lr.line,
                   "not one JSON object; line skipped");
      r.st.bad_lines++;
    } else if (S_step(doc.root, &step_key, &step) != 0) {
      tp_rdiag_add(&rd, TP_WARN, "no step", lr.line,
                   "no integer iteration, step or epoch; line skipped");
      r.st.bad_lines++;
    } else {
      S_record(&r, doc.root, step, step_key);
    }
    tp_ydoc_free(&doc);
  }
  tp_lines_free(&lr);
  tp_rdiag_finish(&rd);
  if (st) *st = r.st;
}
