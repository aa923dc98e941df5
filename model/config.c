/* config: the lab's declared configuration as plain data, and run-id globs
 * (see config.h). */
#include "model/config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

/* ---- string lists ---------------------------------------------------------- */

void tp_config_strs_add(tp_config_strs *l, const char *s) {
  TP_GROW(l->items, l->cap, l->count + 1);
  l->items[l->count++] = tp_xstrdup(s);
}

void tp_config_strs_free(tp_config_strs *l) {
  for (size_t i = 0; i < l->count; i++) free(l->items[i]);
  free(l->items);
  *l = (tp_config_strs){0};
}

/* ---- life cycle ------------------------------------------------------------ */

void tp_config_init(tp_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->defaults.pue = NAN;
  cfg->defaults.intensity_value = NAN;
  cfg->defaults.wue_l_per_kwh = NAN;
  cfg->defaults.water_l_per_kwh = NAN;
  cfg->equivalents = true;
}

tp_config_experiment *tp_config_add_experiment(tp_config *cfg) {
  TP_GROW(cfg->experiments, cfg->cap_experiments, cfg->n_experiments + 1);
  tp_config_experiment *e = &cfg->experiments[cfg->n_experiments++];
  memset(e, 0, sizeof *e);
  e->metric.target = NAN;
  return e;
}

tp_config_power *tp_config_add_power(tp_config *cfg) {
  TP_GROW(cfg->power, cfg->cap_power, cfg->n_power + 1);
  tp_config_power *p = &cfg->power[cfg->n_power++];
  memset(p, 0, sizeof *p);
  return p;
}

tp_config_hardware *tp_config_add_hardware(tp_config *cfg) {
  TP_GROW(cfg->hardware, cfg->cap_hardware, cfg->n_hardware + 1);
  tp_config_hardware *h = &cfg->hardware[cfg->n_hardware++];
  memset(h, 0, sizeof *h);
  h->gpu_util = 1.0;
  h->cpu_util = 1.0;
  h->memory_gb = NAN;
  return h;
}

tp_config_parser *tp_config_add_parser(tp_config *cfg) {
  TP_GROW(cfg->parsers, cfg->cap_parsers, cfg->n_parsers + 1);
  tp_config_parser *p = &cfg->parsers[cfg->n_parsers++];
  memset(p, 0, sizeof *p);
  return p;
}

tp_config_tag *tp_config_add_tag(tp_config *cfg) {
  TP_GROW(cfg->tags, cfg->cap_tags, cfg->n_tags + 1);
  tp_config_tag *t = &cfg->tags[cfg->n_tags++];
  memset(t, 0, sizeof *t);
  return t;
}

void tp_config_experiment_clear(tp_config_experiment *e) {
  free(e->name);
  tp_config_strs_free(&e->runs);
  tp_config_strs_free(&e->compare_by);
  free(e->metric.tag);
  memset(e, 0, sizeof *e);
}

void tp_config_power_clear(tp_config_power *p) {
  tp_config_strs_free(&p->files);
  free(p->host);
  tp_config_strs_free(&p->devices);
  tp_config_strs_free(&p->runs);
  free(p->format);
  free(p->columns.time_column);
  free(p->columns.time_format);
  free(p->columns.time2_column);
  free(p->columns.date_order);
  free(p->columns.value_column);
  free(p->columns.unit);
  free(p->columns.device_column);
  free(p->timezone);
  free(p->start);
  for (size_t k = 0; k < p->n_series; k++) tp_config_series_clear(&p->series[k]);
  free(p->series);
  memset(p, 0, sizeof *p);
}

void tp_config_series_clear(tp_config_series *e) {
  free(e->name);
  free(e->pattern);
  free(e->host);
  free(e->gpu);
  free(e->uuid);
  free(e->job);
  free(e->metric);
  memset(e, 0, sizeof *e);
}

tp_config_series *tp_config_add_series(tp_config_power *p) {
  TP_GROW(p->series, p->cap_series, p->n_series + 1);
  tp_config_series *e = &p->series[p->n_series++];
  memset(e, 0, sizeof *e);
  return e;
}

void tp_config_hardware_clear(tp_config_hardware *h) {
  free(h->runs);
  free(h->gpu_model);
  free(h->cpu_model);
  memset(h, 0, sizeof *h);
}

void tp_config_parser_clear(tp_config_parser *p) {
  free(p->name);
  free(p->set);
  tp_config_strs_free(&p->patterns);
  free(p->time_format);
  tp_config_strs_free(&p->files);
  free(p->columns.step);
  free(p->columns.time);
  free(p->columns.time_format);
  tp_config_strs_free(&p->columns.metrics);
  memset(p, 0, sizeof *p);
}

void tp_config_tag_clear(tp_config_tag *t) {
  free(t->runs);
  free(t->key);
  free(t->value);
  memset(t, 0, sizeof *t);
}

void tp_config_free(tp_config *cfg) {
  free(cfg->path);
  free(cfg->dir);
  free(cfg->site.title);
  free(cfg->site.description);
  free(cfg->site.lab);
  tp_config_strs_free(&cfg->site.authors);
  free(cfg->defaults.zone);
  free(cfg->defaults.intensity_file);
  free(cfg->defaults.timezone);
  for (size_t i = 0; i < cfg->n_experiments; i++) tp_config_experiment_clear(&cfg->experiments[i]);
  free(cfg->experiments);
  for (size_t i = 0; i < cfg->n_power; i++) tp_config_power_clear(&cfg->power[i]);
  free(cfg->power);
  for (size_t i = 0; i < cfg->n_hardware; i++) tp_config_hardware_clear(&cfg->hardware[i]);
  free(cfg->hardware);
  for (size_t i = 0; i < cfg->n_parsers; i++) tp_config_parser_clear(&cfg->parsers[i]);
  free(cfg->parsers);
  for (size_t i = 0; i < cfg->n_tags; i++) tp_config_tag_clear(&cfg->tags[i]);
  free(cfg->tags);
  tp_config_strs_free(&cfg->placement_keys);
  tp_config_strs_free(&cfg->slurm.files);
  free(cfg->slurm.columns);
  free(cfg->slurm.energy_scope);
  free(cfg->slurm.job_label);
  tp_config_init(cfg);
}

/* ---- globs ----------------------------------------------------------------- */

/* The pattern is read one token at a time, and a row of booleans says which
 * prefixes of the subject the pattern read so far can match (a row per token,
 * two rows kept).  That makes any glob linear in the subject per token, with
 * no backtracking to blow up on "*a*a*a*a*b". */

typedef enum S_tok { S_LIT, S_ONE, S_CLASS, S_STAR, S_DSTAR, S_DSTAR_DIR } S_tok;

/* Match c against the class starting at p (just after '['); *end gets the
 * position after the closing ']'.  Returns -1 when the class is unterminated
 * (then '[' is an ordinary character). */
static int S_class(const char *p, char c, const char **end) {
  bool neg = false, hit = false;
  if (*p == '!' || *p == '^') neg = true, p++;
  bool first = true;
  while (*p && (first || *p != ']')) {
    char lo = *p, hi;
    if (lo == '\\' && p[1]) lo = *++p;
    p++;
    hi = lo;
    if (*p == '-' && p[1] && p[1] != ']') {
      p++;
      hi = *p;
      if (hi == '\\' && p[1]) hi = *++p;
      p++;
    }
    if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi) hit = true;
    first = false;
  }
  if (*p != ']') return -1;
  *end = p + 1;
  return hit != neg;
}

bool tp_config_glob_match(const char *glob, const char *run_id) {
  if (!glob || !run_id) return false;
  size_t n = strlen(run_id);
  bool *row = tp_xmalloc(n + 1), *next = tp_xmalloc(n + 1);
  memset(row, 0, n + 1);
  row[0] = true; /* the empty pattern matches the empty prefix */
  const char *p = glob;
  while (*p) {
    S_tok tok;
    char lit = 0;
    const char *cls = NULL, *after;
    if (p[0] == '*' && p[1] == '*') {
      after = p + 2;
      while (*after == '*') after++;
      tok = S_DSTAR;
      if (*after == '/') tok = S_DSTAR_DIR, after++;
    } else if (*p == '*') {
      tok = S_STAR, after = p + 1;
    } else if (*p == '?') {
      tok = S_ONE, after = p + 1;
    } else if (*p == '[' && S_class(p + 1, 'a', &after) >= 0) {
      tok = S_CLASS, cls = p + 1;
    } else if (*p == '\\' && p[1]) {
      tok = S_LIT, lit = p[1], after = p + 2;
    } else {
      tok = S_LIT, lit = *p, after = p + 1;
    }
    bool any = false; /* some earlier prefix matched (for "**" forms) */
    for (size_t j = 0; j <= n; j++) {
      char c = j ? run_id[j - 1] : 0;
      bool v = false;
      switch (tok) {
        case S_STAR: v = row[j] || (j && next[j - 1] && c != '/'); break;
        case S_DSTAR: v = row[j] || (j && next[j - 1]); break;
        case S_DSTAR_DIR: v = row[j] || (j && any && c == '/'); break;
        case S_ONE: v = j && row[j - 1] && c != '/'; break;
        case S_CLASS: {
          const char *e;
          v = j && row[j - 1] && c != '/' && S_class(cls, c, &e) == 1;
          break;
        }
        default: v = j && row[j - 1] && c == lit; break;
      }
      if (row[j]) any = true;
      next[j] = v;
    }
    bool *t = row;
    row = next;
    next = t;
    p = after;
  }
  bool ok = row[n];
  free(row);
  free(next);
  return ok;
}

bool tp_config_globs_match(const tp_config_strs *globs, const char *run_id) {
  for (size_t i = 0; i < globs->count; i++)
    if (tp_config_glob_match(globs->items[i], run_id)) return true;
  return false;
}

/* ---- lookups ----------------------------------------------------------------- */

const tp_config_experiment *tp_config_experiment_of(const tp_config *cfg, const char *run_id) {
  for (size_t i = 0; cfg && i < cfg->n_experiments; i++)
    if (tp_config_globs_match(&cfg->experiments[i].runs, run_id)) return &cfg->experiments[i];
  return NULL;
}

const tp_config_experiment *tp_config_experiment_named(const tp_config *cfg, const char *name) {
  for (size_t i = 0; cfg && name && i < cfg->n_experiments; i++)
    if (cfg->experiments[i].name && strcmp(cfg->experiments[i].name, name) == 0)
      return &cfg->experiments[i];
  return NULL;
}

const tp_config_hardware *tp_config_hardware_of(const tp_config *cfg, const char *run_id) {
  for (size_t i = 0; cfg && i < cfg->n_hardware; i++)
    if (tp_config_glob_match(cfg->hardware[i].runs, run_id)) return &cfg->hardware[i];
  return NULL;
}

const char *tp_config_tag_of(const tp_config *cfg, const char *run_id, const char *key) {
  for (size_t i = 0; cfg && i < cfg->n_tags; i++) {
    const tp_config_tag *t = &cfg->tags[i];
    if (t->key && strcmp(t->key, key) == 0 && tp_config_glob_match(t->runs, run_id))
      return t->value;
  }
  return NULL;
}
