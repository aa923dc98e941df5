/* paths: input paths as pages and exports name them (see paths.h). */
#include "render/paths.h"

#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

/* The argument a run was found under, as a prefix ending in '/' of its
 * directory ("" when the run's directory is its own name alone), or NULL when
 * the directory does not end with the id. */
static char *S_root_of(const tp_run *r) {
  if (!r->dir || !r->id) return NULL;
  size_t nd = strlen(r->dir), ni = strlen(r->id);
  while (nd > 1 && r->dir[nd - 1] == '/') nd--;
  if (ni > nd || strncmp(r->dir + nd - ni, r->id, ni) != 0) return NULL;
  size_t k = nd - ni;
  if (k > 0 && r->dir[k - 1] != '/') return NULL;
  return tp_xstrndup(r->dir, k);
}

static int S_cmp_longest(const void *a, const void *b) {
  size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
  if (x != y) return x > y ? -1 : 1;
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void tp_paths_init(tp_paths *p, const tp_lab *lab) {
  *p = (tp_paths){0};
  size_t cap = 0;
  for (size_t i = 0; i < lab->n_runs; i++) {
    char *root = S_root_of(lab->runs[i]);
    if (!root) continue;
    bool seen = false;
    for (size_t k = 0; k < p->n_roots && !seen; k++) seen = strcmp(p->roots[k], root) == 0;
    if (seen || !root[0]) {
      free(root);
      continue;
    }
    TP_GROW(p->roots, cap, p->n_roots + 1);
    p->roots[p->n_roots++] = root;
  }
  if (p->n_roots > 1) qsort(p->roots, p->n_roots, sizeof *p->roots, S_cmp_longest);
}

void tp_paths_free(tp_paths *p) {
  for (size_t i = 0; i < p->n_roots; i++) free(p->roots[i]);
  free(p->roots);
  *p = (tp_paths){0};
}

const char *tp_paths_name(const tp_paths *p, const char *path) {
  if (!path) return NULL;
  for (size_t i = 0; i < p->n_roots; i++) {
    size_t n = strlen(p->roots[i]);
    if (strncmp(path, p->roots[i], n) == 0 && path[n]) return path + n;
  }
  if (path[0] != '/') return path;
  const char *base = strrchr(path, '/');
  return base[1] ? base + 1 : path;
}

char *tp_paths_diag_format(const tp_paths *p, const tp_diag *d) {
  tp_diag c = *d;
  c.file = (char *)tp_paths_name(p, d->file);
  return tp_diag_format(&c);
}
