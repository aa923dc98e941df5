/* grafana_map: a Grafana export's series mapping, compiled (see grafana_map.h). */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "parser/power/grafana_map.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

#define S_MATCH_LIMIT 100000u /* pcre2_set_match_limit: a pattern cannot run away */

/* One entry: a name or a compiled pattern, and the labels it gives. */
typedef struct S_entry {
  char *name;            /* exact series name, or NULL */
  pcre2_code *re;        /* else the pattern */
  char *fixed[4];        /* host, gpu, uuid, job given outright, or NULL */
  const char *metric;    /* the DCGM metric it says, or NULL: the name's, else power */
} S_entry;

struct tp_grafana_map {
  S_entry *e;
  size_t n;
  pcre2_match_context *mctx;
};

/* The groups (and fixed values) in order, and the label each one sets. */
static const char *const k_group[4] = {"host", "gpu", "uuid", "job"};
static const char *const k_label[4] = {"Hostname", "gpu", "UUID", "hpc_job"};

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

/* PCRE2 could not allocate: out of memory, which aborts (model/mem.h's rule). */
static void S_oom(void) {
  fputs("trainprint: out of memory\n", stderr);
  abort();
}

tp_grafana_map *tp_grafana_map_new(const tp_config_series *e, size_t n) {
  if (n == 0) return NULL;
  tp_grafana_map *m = tp_xcalloc(1, sizeof *m);
  m->e = tp_xcalloc(n, sizeof *m->e);
  m->mctx = pcre2_match_context_create(NULL);
  if (!m->mctx) S_oom();
  pcre2_set_match_limit(m->mctx, S_MATCH_LIMIT);
  for (size_t k = 0; k < n; k++) {
    S_entry *x = &m->e[m->n];
    memset(x, 0, sizeof *x);
    if (e[k].pattern) {
      int code;
      PCRE2_SIZE at;
      x->re = pcre2_compile((PCRE2_SPTR)e[k].pattern, PCRE2_ZERO_TERMINATED, 0, &code, &at, NULL);
      if (!x->re) continue;
    } else if (e[k].name) {
      x->name = tp_xstrdup(e[k].name);
    } else {
      continue;
    }
    const char *fixed[4] = {e[k].host, e[k].gpu, e[k].uuid, e[k].job};
    for (int g = 0; g < 4; g++) x->fixed[g] = S_dup(fixed[g]);
    if (e[k].metric)
      x->metric = strcmp(e[k].metric, "energy") == 0 ? TP_DCGM_ENERGY_METRIC : TP_DCGM_POWER_METRIC;
    m->n++;
  }
  return m;
}

void tp_grafana_map_free(tp_grafana_map *m) {
  if (!m) return;
  for (size_t k = 0; k < m->n; k++) {
    free(m->e[k].name);
    pcre2_code_free(m->e[k].re);
    for (int g = 0; g < 4; g++) free(m->e[k].fixed[g]);
  }
  free(m->e);
  pcre2_match_context_free(m->mctx);
  free(m);
}

/* Whether entry x matches name[0..n): then the pattern's groups that took
 * part are set in l. */
static bool S_match(const tp_grafana_map *m, const S_entry *x, const char *name, size_t n,
                    tp_dcgm_labels *l, bool set[4]) {
  if (x->name) return strlen(x->name) == n && memcmp(x->name, name, n) == 0;
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(x->re, NULL);
  if (!md) S_oom();
  int rc = pcre2_match(x->re, (PCRE2_SPTR)name, n, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md,
                       m->mctx);
  for (int g = 0; g < 4 && rc >= 0; g++) {
    PCRE2_UCHAR buf[128];
    PCRE2_SIZE len = sizeof buf;
    if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)k_group[g], buf, &len) != 0) continue;
    tp_dcgm_labels_set(l, k_label[g], strlen(k_label[g]), (const char *)buf, len);
    set[g] = true;
  }
  pcre2_match_data_free(md);
  return rc >= 0;
}

bool tp_grafana_map_apply(const tp_grafana_map *m, const char *name, size_t n,
                          tp_dcgm_labels *l) {
  for (size_t k = 0; m && k < m->n; k++) {
    const S_entry *x = &m->e[k];
    tp_dcgm_labels got = *l;
    bool set[4] = {false, false, false, false};
    if (!S_match(m, x, name, n, &got, set)) continue;
    for (int g = 0; g < 4; g++)
      if (!set[g] && x->fixed[g])
        tp_dcgm_labels_set(&got, k_label[g], strlen(k_label[g]), x->fixed[g], strlen(x->fixed[g]));
    const char *metric = x->metric;
    bool named = got.has_name && (strcmp(got.name, TP_DCGM_POWER_METRIC) == 0 ||
                                  strcmp(got.name, TP_DCGM_ENERGY_METRIC) == 0);
    if (!metric && !named) metric = TP_DCGM_POWER_METRIC;
    if (metric) tp_dcgm_labels_set(&got, "__name__", 8, metric, strlen(metric));
    *l = got;
    return true;
  }
  return false;
}
