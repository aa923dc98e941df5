/* hydra: .hydra/config.yaml and overrides.yaml as hparams (see hydra.h). */
#include "parser/logs/hydra.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/logs/hparam_text.h"
#include "parser/text/yamldoc.h"

int tp_hydra_read_config(tp_run *run, const char *path, tp_diags *d) {
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  if (doc.root && doc.root->kind == TP_YNODE_MAP) {
    tp_ydoc_to_hparams(doc.root, NULL, run, path);
  } else if (doc.root && !tp_ynode_is_null(doc.root)) {
    tp_diag_add(d, TP_WARN, path, -1, doc.root->line,
                "the job config is not a mapping (a %s); ignored",
                doc.root->kind == TP_YNODE_SEQ ? "list" : "single value");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

int tp_hydra_read_overrides(tp_run *run, const char *path, tp_diags *d) {
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind != TP_YNODE_SEQ && !tp_ynode_is_null(root)) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "overrides are not a list; ignored");
    root = NULL;
    rc = -1;
  }
  for (size_t i = 0; root && root->kind == TP_YNODE_SEQ && i < root->n; i++) {
    const char *s = tp_ynode_str(root->items[i]);
    const char *eq = s ? strchr(s, '=') : NULL;
    if (!eq || eq == s) {
      tp_diag_add(d, TP_WARN, path, -1, root->items[i] ? root->items[i]->line : -1,
                  "override %zu is not 'key=value'; skipped", i);
      continue;
    }
    const char *k = s;
    while (*k == '+' || *k == '~') k++;
    if (k >= eq) continue;
    char *key = tp_xstrndup(k, (size_t)(eq - k));
    tp_hparam_text_set(run, key, eq + 1, strlen(eq + 1), path);
    free(key);
  }
  tp_ydoc_free(&doc);
  return rc;
}

int tp_hydra_load_above(tp_run *run, const char *dir, int max_up, tp_diags *d) {
  char *up = tp_xstrdup(dir);
  int n = 0;
  for (int level = 0; level < max_up && !n; level++) {
    size_t len = strlen(up);
    while (len > 1 && up[len - 1] == '/') up[--len] = '\0';
    char *slash = strrchr(up, '/');
    if (!slash) break;
    if (slash == up) slash[1] = '\0'; /* "/" */
    else *slash = '\0';
    char *p = tp_xasprintf("%s/.hydra/config.yaml", up);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      tp_diag_add(d, TP_NOTE, p, -1, -1,
                  "hyperparameters of %s taken from the Hydra config of the folder above it; "
                  "its own parameters win where the two differ",
                  dir);
      n = tp_hydra_load(run, up, d);
    }
    free(p);
    if (strcmp(up, "/") == 0) break;
  }
  free(up);
  return n;
}

int tp_hydra_load(tp_run *run, const char *dir, tp_diags *d) {
  static const char *const files[] = {"config.yaml", "overrides.yaml"};
  int n = 0;
  for (size_t i = 0; i < 2; i++) {
    char *p = tp_xasprintf("%s/.hydra/%s", dir, files[i]);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      if (i == 0) tp_hydra_read_config(run, p, d);
      else tp_hydra_read_overrides(run, p, d);
      tp_run_add_input(run, p, i == 0 ? "hydra-config" : "hydra-overrides");
      n++;
    }
    free(p);
  }
  return n;
}
