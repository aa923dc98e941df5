/* config_series: the `series` mapping of a `power` entry, which says which
 * GPU and metric each series of a Grafana panel export is when its name (the
 * panel's legend) does not say it.
 *
 *   series:
 *     - name: "gpu-01 GPU 0"              # a series name exactly as written
 *       host: gpu-01
 *       gpu: 0
 *     - pattern: '(?<host>[\w.-]+) GPU (?<gpu>\d+)'   # the whole name matches
 *       metric: energy                    # power (W, the default) or energy (mJ)
 *
 * Each entry has a name or a pattern (not both); a pattern must compile and
 * its named groups be among host, gpu, uuid, job.  An entry that breaks a
 * rule is dropped with a warning.  The parser's Grafana reader compiles the
 * patterns again (parser/power/grafana_map.c).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/config_impl.h"

/* The groups a series pattern may name. */
static const char *const k_groups[] = {"host", "gpu", "uuid", "job"};

/* 0 when pattern pat (of the entry at path) and names only known groups; else
 * -1, warned at v. */
static int S_pattern_ok(tp_config_ld *ld, const tp_ynode *v, const char *path, const char *pat) {
  int code;
  PCRE2_SIZE at;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &code, &at, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    int got = pcre2_get_error_message(code, msg, sizeof msg);
    tp_config_warn(ld, v, "'%s': the pattern does not compile (%s at offset %zu); entry ignored",
                   path, got < 0 ? "error" : (const char *)msg, (size_t)at);
    return -1;
  }
  uint32_t n = 0, size = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &n);
  pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
  int rc = 0;
  for (uint32_t i = 0; i < n && rc == 0; i++) {
    const char *name = (const char *)(table + i * size + 2); /* after the group number */
    bool known = false;
    for (size_t k = 0; k < sizeof k_groups / sizeof *k_groups; k++)
      known = known || strcmp(name, k_groups[k]) == 0;
    if (!known) {
      tp_config_warn(ld, v, "'%s': the pattern names a group '%s'; only host, gpu, uuid and job "
                     "are known; entry ignored", path, name);
      rc = -1;
    }
  }
  pcre2_code_free(re);
  return rc;
}

static void S_metric(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                     const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  if (!s) tp_config_wrong_type(ld, v, subj, "power or energy");
  else if (strcmp(s, "power") != 0 && strcmp(s, "energy") != 0)
    tp_config_warn(ld, v, "%s: '%s' is neither power (W) nor energy (the counter, mJ); ignored",
                   subj, s);
  else tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
}

static const tp_config_field k_series[] = {
    {.key = "name", .kind = TP_CF_STR, .off = offsetof(tp_config_series, name)},
    {.key = "pattern", .kind = TP_CF_STR, .off = offsetof(tp_config_series, pattern)},
    {.key = "host", .kind = TP_CF_STR, .off = offsetof(tp_config_series, host)},
    {.key = "gpu", .kind = TP_CF_STR, .off = offsetof(tp_config_series, gpu)},
    {.key = "uuid", .kind = TP_CF_STR, .off = offsetof(tp_config_series, uuid)},
    {.key = "job", .kind = TP_CF_STR, .off = offsetof(tp_config_series, job)},
    {.key = "metric", .kind = TP_CF_FN, .off = offsetof(tp_config_series, metric), .fn = S_metric},
};

/* One entry of the list; the power entry being read is the configuration's
 * last (its map is read right after it is added). */
static void S_entry(tp_config_ld *ld, const tp_ynode *item, const char *path) {
  tp_config_power *p = &ld->cfg->power[ld->cfg->n_power - 1];
  tp_config_series *e = tp_config_add_series(p);
  e->line = item->line;
  tp_config_read_map(ld, item, path, k_series, TP_CFG_N(k_series), e);
  const char *why = NULL;
  if (!e->name == !e->pattern) why = e->name ? "both a name and a pattern" : "neither a name nor a pattern";
  if (why) tp_config_warn(ld, item, "'%s' has %s (one of them says which series it maps); "
                          "entry ignored", path, why);
  if (why || (e->pattern && S_pattern_ok(ld, item, path, e->pattern) != 0)) {
    tp_config_series_clear(e);
    p->n_series--;
  }
}

void tp_config_read_series(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v,
                           void *obj, const char *subj, const char *path) {
  (void)f;
  (void)obj;
  char *key = tp_xasprintf("%s.series", path);
  tp_config_read_list(ld, v, subj, key, S_entry);
  free(key);
}
