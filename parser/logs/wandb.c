/* wandb: W&B run directories' files/ (see wandb.h). */
#include "parser/logs/wandb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/text/timefmt.h"
#include "parser/text/yamldoc.h"

static bool S_file(const char *dir, const char *name) {
  char *p = tp_xasprintf("%s/%s", dir, name);
  struct stat st;
  bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
  free(p);
  return ok;
}

char *tp_wandb_files_dir(const char *dir) {
  static const char *const marks[] = {"wandb-metadata.json", "wandb-summary.json"};
  char *files = tp_xasprintf("%s/files", dir);
  for (int pass = 0; pass < 2; pass++) {
    const char *where = pass == 0 ? files : dir;
    for (size_t i = 0; i < 2; i++)
      if (S_file(where, marks[i])) {
        char *r = tp_xstrdup(where);
        free(files);
        return r;
      }
  }
  free(files);
  return NULL;
}

int tp_wandb_read_metadata(const char *path, tp_wandb_meta *m, tp_diags *d) {
  memset(m, 0, sizeof *m);
  m->start_s = NAN;
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind == TP_YNODE_MAP) {
    const tp_ynode *sa = tp_ynode_get(root, "startedAt");
    const char *s = tp_ynode_str(sa);
    if (s) {
      tp_clock utc; /* W&B writes UTC, with or without the Z */
      tp_clock_init(&utc, NULL, 0);
      if (tp_clock_parse(&utc, s, strlen(s), TP_TIME_ISO8601, &m->start_s) != 0) {
        tp_diag_add(d, TP_WARN, path, -1, sa->line, "startedAt '%.40s' is not a time; ignored", s);
        m->start_s = NAN;
      }
    }
    const char *gpu = tp_ynode_str(tp_ynode_get(root, "gpu"));
    const tp_ynode *nv = tp_ynode_get(root, "gpu_nvidia");
    if (!gpu && nv && nv->kind == TP_YNODE_SEQ && nv->n)
      gpu = tp_ynode_str(tp_ynode_get(nv->items[0], "name"));
    if (gpu && *gpu) m->gpu = tp_xstrdup(gpu);
    double c;
    if (tp_ynode_number(tp_ynode_get(root, "gpu_count"), &c) == 0 && c >= 0 && c < 1e6)
      m->gpu_count = (int)c;
    else if (nv && nv->kind == TP_YNODE_SEQ)
      m->gpu_count = (int)nv->n;
  } else if (root) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "not a JSON object; ignored");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

void tp_wandb_meta_free(tp_wandb_meta *m) {
  free(m->gpu);
  m->gpu = NULL;
}

int tp_wandb_read_summary(const char *path, tp_run *run, double *runtime_s, double *timestamp_s,
                          tp_diags *d) {
  *runtime_s = *timestamp_s = NAN;
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind == TP_YNODE_MAP) {
    double v;
    int64_t step = 0;
    if (tp_ynode_number(tp_ynode_get(root, "_step"), &v) == 0 && isfinite(v) && fabs(v) < 9e15)
      step = (int64_t)v;
    if (tp_ynode_number(tp_ynode_get(root, "_runtime"), &v) == 0 && isfinite(v) && v >= 0)
      *runtime_s = v;
    else if (tp_ynode_number(tp_ynode_get(tp_ynode_get(root, "_wandb"), "runtime"), &v) == 0 &&
             isfinite(v) && v >= 0)
      *runtime_s = v;
    if (tp_ynode_number(tp_ynode_get(root, "_timestamp"), &v) == 0 && isfinite(v) && v > 0)
      *timestamp_s = v;
    for (size_t i = 0; i < root->n; i++) {
      const char *key = tp_ynode_str(root->keys[i]);
      const tp_ynode *val = root->items[i];
      if (!key || key[0] == '_' || !val) continue;
      if (val->kind == TP_YNODE_MAP) {
        const char *type = tp_ynode_str(tp_ynode_get(val, "_type"));
        tp_run_count_skipped(run, key, type ? type : "object");
      } else if (val->kind == TP_YNODE_SEQ) {
        tp_run_count_skipped(run, key, "list");
      } else if (tp_ynode_number(val, &v) == 0) {
        tp_run_add_scalar(run, key, step, NAN, v);
      }
    }
  } else if (root) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "not a JSON object; ignored");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

int tp_wandb_read_config(const char *path, tp_run *run, tp_diags *d) {
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind == TP_YNODE_MAP) {
    for (size_t i = 0; i < root->n; i++) {
      const char *key = tp_ynode_str(root->keys[i]);
      const tp_ynode *val = root->items[i];
      if (!key || strcmp(key, "_wandb") == 0 || strcmp(key, "wandb_version") == 0) continue;
      const tp_ynode *inner = tp_ynode_get(val, "value");
      tp_ydoc_to_hparams(inner ? inner : val, key, run, path);
    }
  } else if (root && !tp_ynode_is_null(root)) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "config is not a mapping; ignored");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

int tp_wandb_load_run(tp_run *run, const char *dir, tp_diags *d) {
  char *files = tp_wandb_files_dir(dir);
  if (!files) return 0;
  int n = 0;
  double runtime = NAN, stamp = NAN;
  tp_wandb_meta m = {.start_s = NAN};
  char *p = tp_xasprintf("%s/config.yaml", files);
  if (S_file(files, "config.yaml")) {
    tp_wandb_read_config(p, run, d);
    tp_run_add_input(run, p, "wandb-config");
    n++;
  }
  free(p);
  p = tp_xasprintf("%s/wandb-summary.json", files);
  if (S_file(files, "wandb-summary.json")) {
    tp_wandb_read_summary(p, run, &runtime, &stamp, d);
    tp_run_add_input(run, p, "wandb-summary");
    n++;
  }
  free(p);
  p = tp_xasprintf("%s/wandb-metadata.json", files);
  if (S_file(files, "wandb-metadata.json")) {
    tp_wandb_read_metadata(p, &m, d);
    tp_run_add_input(run, p, "wandb-metadata");
    n++;
  }
  if (isfinite(m.start_s)) {
    double end = isfinite(runtime) ? m.start_s + runtime : stamp;
    if (isfinite(end) && end >= m.start_s) {
      tp_run_time_source(run, p, isfinite(runtime) ? "startedAt + _runtime" : "startedAt, _timestamp");
      tp_run_window_from_time_source(run);
      run->start_s = m.start_s;
      run->end_s = end;
      run->window_source = "run metadata";
    } else {
      tp_diag_add(d, TP_NOTE, p, -1, -1, "start time known but no runtime: no end of the window");
    }
  }
  if (m.gpu)
    tp_diag_add(d, TP_NOTE, p, -1, -1, "ran on %d x %s (from W&B metadata)",
                m.gpu_count ? m.gpu_count : 1, m.gpu);
  free(p);
  tp_wandb_meta_free(&m);
  free(files);
  return n;
}
