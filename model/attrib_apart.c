/* attrib_apart: runs brought together from summaries (`render`) - the
 * warning for runs scanned apart that took the same trace, and dropping the
 * warnings of one scan that another scan's runs answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/attrib_impl.h"
#include "model/mem.h"

/* ---- runs from summaries ------------------------------------------------ */

typedef struct S_use {
  const char *sha;      /* the trace's digest */
  const char *path;
  size_t run;
} S_use;

static int S_cmp_use(const void *x, const void *y) {
  const S_use *a = x, *b = y;
  int c = strcmp(a->sha, b->sha);
  return c ? c : (a->run > b->run) - (a->run < b->run);
}

/* A device id both runs took energy from (on one host), or NULL. */
static const char *S_common_device(const tp_run *a, const tp_run *b) {
  for (size_t i = 0; i < a->energy.n_devices; i++)
    for (size_t k = 0; k < b->energy.n_devices; k++) {
      const tp_device_energy *x = &a->energy.devices[i], *y = &b->energy.devices[k];
      if (tp_energy_same_device(x->id, x->host, y->id, y->host)) return x->id;
    }
  return NULL;
}

/* Was run a split against run b when it was scanned (its note names b)? */
static bool S_split_against(const tp_run *a, const tp_run *b) {
  char *want = tp_xasprintf("overlaps run %s for ", b->id);
  bool found = false;
  for (size_t i = 0; i < a->diags.count && !found; i++)
    found = strstr(a->diags.items[i].message, want) != NULL;
  free(want);
  return found;
}

/* Did render integrate run r's use of the trace with digest sha again, with
 * every run of that trace (model/resplit.h)?  Then what it shares with them
 * is split as one scan of them all splits it. */
static bool S_resplit(const tp_run *r, const char *sha) {
  for (size_t k = 0; k < r->n_uses; k++)
    if (r->uses[k].resplit && strcmp(r->uses[k].sha256, sha) == 0) return true;
  return false;
}

size_t tp_attrib_scanned_apart(tp_lab *lab) {
  S_use *u = NULL;
  size_t n = 0, cap = 0, found = 0;
  for (size_t r = 0; r < lab->n_runs; r++) {
    const tp_run *run = lab->runs[r];
    if (!tp_attrib_traced(run)) continue;
    for (size_t k = 0; k < run->n_inputs; k++) {
      const tp_input *in = &run->inputs[k];
      if (!in->sha256[0] || !isfinite(in->energy_j)) continue;
      TP_GROW(u, cap, n + 1);
      u[n++] = (S_use){in->sha256, in->path, r};
    }
  }
  if (n > 1) qsort(u, n, sizeof *u, S_cmp_use);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n && strcmp(u[j].sha, u[i].sha) == 0; j++) {
      const tp_run *a = lab->runs[u[i].run], *b = lab->runs[u[j].run];
      if (a == b || (S_resplit(a, u[i].sha) && S_resplit(b, u[j].sha))) continue;
      double ov = tp_attrib_overlap_s(a->start_s, a->end_s, b->start_s, b->end_s);
      const char *dev = ov > 0 ? S_common_device(a, b) : NULL;
      if (!dev || S_split_against(a, b)) continue;
      found++;
      tp_diag_add(&lab->diags, TP_WARN, u[i].path, -1, -1,
                  "runs %s and %s were scanned apart but both took device %s of this trace "
                  "for the %g s they overlap: each is charged that time in full; scan them "
                  "together (one scan over their common folder) to split it",
                  a->id, b->id, dev, ov);
    }
  free(u);
  return found;
}

/* A source some run of the lab took, or weighed and passed over: a file and
 * a line (-1: a whole trace).  Kept sorted, so that each warning of a scan is
 * looked up in O(log n), not against every run (a lab of 10^5 runs). */
typedef struct S_src {
  const char *file;
  int64_t line;
} S_src;

static int S_cmp_src(const void *x, const void *y) {
  const S_src *a = x, *b = y;
  int c = strcmp(a->file, b->file);
  return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* The sources lab's runs joined: every input they took energy from (as a
 * whole trace), and every source a run's diagnostic names, except those that
 * say it was not applied.  *n: how many; sorted by S_cmp_src. */
static S_src *S_joined_sources(const tp_lab *lab, size_t *n) {
  S_src *v = NULL;
  size_t cap = 0;
  *n = 0;
  for (size_t r = 0; r < lab->n_runs; r++) {
    const tp_run *run = lab->runs[r];
    for (size_t k = 0; k < run->n_inputs; k++)
      if (isfinite(run->inputs[k].energy_j)) {
        TP_GROW(v, cap, *n + 1);
        v[(*n)++] = (S_src){run->inputs[k].path, -1};
      }
    for (size_t k = 0; k < run->diags.count; k++) {
      const tp_diag *g = &run->diags.items[k];
      if (!g->file || strstr(g->message, "not applied")) continue;
      TP_GROW(v, cap, *n + 1);
      v[(*n)++] = (S_src){g->file, g->line};
    }
  }
  if (*n > 1) qsort(v, *n, sizeof *v, S_cmp_src);
  return v;
}

size_t tp_attrib_drop_joined_elsewhere(tp_lab *lab) {
  size_t kept = 0, dropped = 0, n_src = 0;
  S_src *src = NULL;
  bool built = false;
  for (size_t i = 0; i < lab->diags.count; i++) {
    tp_diag *g = &lab->diags.items[i];
    bool unjoined = g->severity == TP_WARN && g->file &&
                    (strstr(g->message, " overlap no run's window; not used") ||
                     strstr(g->message, " join no run: "));
    if (unjoined && !built) {
      src = S_joined_sources(lab, &n_src);
      built = true;
    }
    S_src key = {g->file, g->line};
    if (unjoined && n_src && bsearch(&key, src, n_src, sizeof *src, S_cmp_src)) {
      lab->diags.n_by_severity[g->severity]--;
      free(g->file);
      free(g->message);
      dropped++;
      continue;
    }
    lab->diags.items[kept++] = *g;
  }
  lab->diags.count = kept;
  free(src);
  return dropped;
}
