/* hf_trainer: trainer_state.json through yamldoc (see hf_trainer.h). */
#include "parser/logs/hf_trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/text/yamldoc.h"

/* Top-level keys that describe how training was set up. */
static const char *const k_settings[] = {
    "num_train_epochs", "max_steps",  "train_batch_size", "logging_steps",
    "eval_steps",       "save_steps", "is_hyper_param_search"};

static bool S_int_step(const tp_ynode *n, int64_t *out) {
  double v;
  if (tp_ynode_number(n, &v) != 0 || !isfinite(v) || v != floor(v) || fabs(v) > 9e15) return false;
  *out = (int64_t)v;
  return true;
}

int tp_hf_trainer_read(const char *path, tp_run *run, const tp_metric_sink *sink, tp_diags *d) {
  tp_ydoc doc;
  int prc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (!root || root->kind != TP_YNODE_MAP) {
    if (root)
      tp_diag_add(d, TP_ERROR, path, -1, root->line,
                  "not a JSON object (a trainer state is one); file not used");
    tp_ydoc_free(&doc);
    return -1;
  }
  const tp_ynode *hist = tp_ynode_get(root, "log_history");
  if (hist && hist->kind != TP_YNODE_SEQ) {
    tp_diag_add(d, TP_WARN, path, -1, hist->line, "log_history is not a list; ignored");
    hist = NULL;
  } else if (!hist && prc == 0) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "no log_history; no metrics in this file");
  }
  int64_t last_step = 0;
  for (size_t i = 0; hist && i < hist->n; i++) {
    const tp_ynode *e = hist->items[i];
    if (!e || e->kind != TP_YNODE_MAP) {
      tp_diag_add(d, TP_WARN, path, -1, e ? e->line : -1,
                  "log_history entry %zu is not an object; skipped", i);
      continue;
    }
    int64_t step;
    if (!S_int_step(tp_ynode_get(e, "step"), &step)) {
      tp_diag_add(d, TP_WARN, path, -1, e->line,
                  "log_history entry %zu has no integer step; skipped", i);
      continue;
    }
    last_step = step;
    if (sink->event) sink->event(sink->ctx, step, NAN);
    for (size_t k = 0; k < e->n; k++) {
      const char *key = tp_ynode_str(e->keys[k]);
      if (!key || strcmp(key, "step") == 0 || strcmp(key, "epoch") == 0) continue;
      double v;
      if (tp_ynode_number(e->items[k], &v) != 0) {
        if (!tp_ynode_is_null(e->items[k]))
          tp_diag_add(d, TP_WARN, path, -1, e->items[k] ? e->items[k]->line : e->line,
                      "'%s' in log_history entry %zu is not a number; skipped", key, i);
        continue;
      }
      sink->scalar(sink->ctx, key, step, NAN, v);
      if (run && strcmp(key, "train_runtime") == 0 && isfinite(v) && v > 0)
        run->declared_duration_s = v;
    }
  }
  double best;
  if (tp_ynode_number(tp_ynode_get(root, "best_metric"), &best) == 0) {
    int64_t gs = last_step;
    S_int_step(tp_ynode_get(root, "global_step"), &gs);
    sink->scalar(sink->ctx, "best_metric", gs, NAN, best);
  }
  if (run)
    for (size_t i = 0; i < sizeof k_settings / sizeof *k_settings; i++) {
      const tp_ynode *n = tp_ynode_get(root, k_settings[i]);
      if (n && n->kind == TP_YNODE_SCALAR && !tp_ynode_is_null(n))
        tp_ydoc_to_hparams(n, k_settings[i], run, path);
    }
  tp_ydoc_free(&doc);
  return 0;
}

static bool S_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int tp_hf_trainer_read_neighbours(const char *dir, tp_run *run, tp_diags *d) {
  int n = 0;
  char *p = tp_xasprintf("%s/config.json", dir);
  if (S_exists(p)) {
    tp_ydoc doc;
    tp_ydoc_load(&doc, p, d);
    if (doc.root && doc.root->kind == TP_YNODE_MAP) {
      tp_ydoc_to_hparams(doc.root, "config", run, p);
      tp_run_add_input(run, p, "hf-config");
      n++;
    } else if (doc.root) {
      tp_diag_add(d, TP_WARN, p, -1, -1, "not a JSON object; ignored");
    }
    tp_ydoc_free(&doc);
  }
  free(p);
  static const char *const results[] = {"train_results.json", "all_results.json"};
  for (size_t i = 0; i < 2; i++) {
    p = tp_xasprintf("%s/%s", dir, results[i]);
    if (S_exists(p)) {
      tp_ydoc doc;
      tp_ydoc_load(&doc, p, d);
      double v;
      if (tp_ynode_number(tp_ynode_get(doc.root, "train_runtime"), &v) == 0 && isfinite(v) &&
          v > 0 && isnan(run->declared_duration_s))
        run->declared_duration_s = v;
      tp_run_add_input(run, p, "hf-results");
      n++;
      tp_ydoc_free(&doc);
    }
    free(p);
  }
  return n;
}

bool tp_hf_trainer_sniff(const char *head, size_t len) {
  size_t i = 0;
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) i++;
  if (i >= len || head[i] != '{') return false;
  static const char key[] = "\"log_history\"";
  for (; i + sizeof key - 1 <= len; i++)
    if (memcmp(head + i, key, sizeof key - 1) == 0) return true;
  return false;
}
