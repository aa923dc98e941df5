/* lab: grouping runs into experiments and configurations; aggregates. */
#include "model/utctime.h"
#include "model/lab.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model/mem.h"
#include "model/runspill.h"
#include "model/units.h"

void tp_lab_add_run(tp_lab *lab, tp_run *run) {
  TP_GROW(lab->runs, lab->cap_runs, lab->n_runs + 1);
  lab->runs[lab->n_runs++] = run;
}

/* The last component of a flattened key ("trainer.gpus" -> "gpus"; Lightning
 * flattens with '/', the rest with '.'). */
static const char *S_last_component(const char *key) {
  const char *last = key;
  for (const char *p = key; *p; p++)
    if (*p == '/' || *p == '.') last = p + 1;
  return last;
}

bool tp_lab_is_seed_key(const char *key) {
  /* Compare the last component of a flattened key, case-insensitively. */
  const char *last = S_last_component(key);
  char low[128];
  size_t n = strlen(last);
  if (n >= sizeof low) return false;
  for (size_t i = 0; i <= n; i++) low[i] = (char)tolower((unsigned char)last[i]);
  static const char *const exact[] = {"seed", "random_state", "random_seed", "rng_seed",
                                      "seed_value", "manual_seed", "np_seed", "torch_seed"};
  for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
    if (strcmp(low, exact[i]) == 0) return true;
  if (n > 5 && (strcmp(low + n - 5, "_seed") == 0 || strcmp(low + n - 5, "-seed") == 0))
    return true;
  return false;
}

/* Keys that say where a run was placed (which devices, nodes, ranks), not
 * what it trained: kept in hparams, left out of configurations.  How a run
 * trains (accelerator: gpu or cpu, strategy: ddp or fsdp, precision) is
 * configuration, and so is the batch size.  A bare "rank" is not here: it is
 * as often a model's (LoRA's rank).  docs/configuration.md lists them. */
static const char *const k_placement[] = {
    "CUDA_VISIBLE_DEVICES", "gpus", "gpu", "gpu_id", "gpu_ids", "n_gpu", "n_gpus", "num_gpus",
    "ngpus", "devices", "device", "device_ids", "num_nodes", "nnodes", "node_rank", "local_rank",
    "global_rank", "world_size", "nproc_per_node", "master_addr", "master_port", "dist_url",
    "SLURM_JOB_ID", "SLURM_JOB_GPUS"};

/* Whether key is `name` or ends with ".name" or "/name" (case-insensitive),
 * after the item numbers of a flattened list ("gpus.0", "gpus/1") are set
 * aside. */
static bool S_key_names(const char *key, const char *name) {
  size_t k = strlen(key), n = strlen(name);
  for (;;) {
    size_t d = k;
    while (d > 0 && isdigit((unsigned char)key[d - 1])) d--;
    if (d == k || d < 2 || (key[d - 1] != '.' && key[d - 1] != '/')) break;
    k = d - 1;
  }
  if (n > k || strncasecmp(key + k - n, name, n) != 0) return false;
  return n == k || key[k - n - 1] == '.' || key[k - n - 1] == '/';
}

bool tp_lab_is_placement_key(const tp_lab *lab, const char *key) {
  for (size_t i = 0; i < sizeof k_placement / sizeof *k_placement; i++)
    if (S_key_names(key, k_placement[i])) return true;
  for (size_t i = 0; lab && i < lab->n_placement_keys; i++)
    if (S_key_names(key, lab->placement_keys[i])) return true;
  return false;
}

bool tp_lab_is_config_key(const tp_lab *lab, const char *key) {
  return !tp_lab_is_seed_key(key) && !tp_lab_is_placement_key(lab, key);
}

void tp_lab_config_value(tp_buf *b, const char *text) {
  /* Python's default repr ends "at 0x7f3a...>": the address differs in every
   * process, so repeats would never group.  Drop " at 0x<hex>" where the hex
   * run is a whole word of at least 4 digits. */
  const char *p = text;
  for (const char *at = strstr(p, " at 0x"); at; at = strstr(at + 1, " at 0x")) {
    size_t hex = strspn(at + 6, "0123456789abcdefABCDEF");
    unsigned char next = (unsigned char)at[6 + hex];
    if (hex < 4 || isalnum(next) || next == '_') continue;
    tp_buf_add(b, p, (size_t)(at - p));
    p = at + 6 + hex;
  }
  tp_buf_adds(b, p);
}

static bool S_in_list(char *const *list, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], key) == 0) return true;
  return false;
}

char *tp_lab_config_of(const tp_lab *lab, const tp_run *run, char *const *compare_by,
                       size_t n_compare_by) {
  /* hparams are sorted by key once the run is finished; sort a copy of the
   * pointers anyway so the result never depends on input order. */
  tp_buf b = {0};
  const tp_hparam **hp = tp_xmalloc((run->n_hparams + 1) * sizeof *hp);
  size_t n = 0;
  for (size_t i = 0; i < run->n_hparams; i++)
    if (n_compare_by ? S_in_list(compare_by, n_compare_by, run->hparams[i].key)
                     : tp_lab_is_config_key(lab, run->hparams[i].key))
      hp[n++] = &run->hparams[i];
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && strcmp(hp[j - 1]->key, hp[j]->key) > 0; j--) {
      const tp_hparam *t = hp[j];
      hp[j] = hp[j - 1];
      hp[j - 1] = t;
    }
  for (size_t i = 0; i < n; i++) {
    if (i) tp_buf_adds(&b, ", ");
    tp_buf_printf(&b, "%s=", hp[i]->key);
    tp_lab_config_value(&b, hp[i]->text);
  }
  free(hp);
  return tp_buf_detach(&b);
}

/* tp_lab_metric of a run whose points are in memory. */
static bool S_metric(const tp_run *run, const char *tag, bool higher_better, double *best,
                     double *last) {
  const tp_series *s = tp_run_find_series(run, tag);
  if (!s) return false;
  bool any = false;
  double b = NAN, l = NAN;
  for (size_t i = 0; i < s->count; i++) {
    double v = s->points[i].value;
    if (!isfinite(v)) continue;
    if (!any || (higher_better ? v > b : v < b)) b = v;
    l = v;
    any = true;
  }
  if (any) {
    *best = b;
    *last = l;
  }
  return any;
}

bool tp_lab_metric(const tp_run *run, const char *tag, bool higher_better, double *best,
                   double *last) {
  /* A series put out whole keeps the same figures of all its points (its
   * extremes and last finite value, each the first of equals): no need to
   * read it back.  A thinned one is read from its drawn points, as ever. */
  const tp_series *s = tp_run_find_series(run, tag);
  if (!s) return false;
  if (s->stats_kept && !s->decimated) {
    double b = higher_better ? s->stats.max : s->stats.min;
    if (isnan(b)) return false;
    *best = b;
    *last = s->stats.last;
    return true;
  }
  tp_runspill_hold_points(run);
  bool any = S_metric(run, tag, higher_better, best, last);
  tp_runspill_release_points(run);
  return any;
}

/* ---- statistics ------------------------------------------------------ */

typedef struct S_acc {
  size_t n;
  double *v;
  size_t cap;
} S_acc;

static void S_acc_add(S_acc *a, double x) {
  if (!isfinite(x)) return;
  TP_GROW(a->v, a->cap, a->n + 1);
  a->v[a->n++] = x;
}

static tp_stat S_acc_stat(S_acc *a) {
  tp_stat s = {.n = a->n, .mean = NAN, .sd = NAN, .min = NAN, .max = NAN};
  if (a->n) {
    double sum = 0;
    s.min = s.max = a->v[0];
    for (size_t i = 0; i < a->n; i++) {
      sum += a->v[i];
      if (a->v[i] < s.min) s.min = a->v[i];
      if (a->v[i] > s.max) s.max = a->v[i];
    }
    s.mean = sum / (double)a->n;
    if (a->n > 1) {
      double ss = 0;
      for (size_t i = 0; i < a->n; i++) ss += (a->v[i] - s.mean) * (a->v[i] - s.mean);
      s.sd = sqrt(ss / (double)(a->n - 1));
    }
  }
  free(a->v);
  *a = (S_acc){0};
  return s;
}

/* ---- grouping -------------------------------------------------------- */

static int S_cmp_run(const void *a, const void *b) {
  const tp_run *x = *(tp_run *const *)a, *y = *(tp_run *const *)b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->dir, y->dir);
}

static char *S_experiment_of(const tp_run *run) {
  const char *slash = strrchr(run->id, '/');
  return slash ? tp_xstrndup(run->id, (size_t)(slash - run->id)) : tp_xstrdup(".");
}

static bool S_has_energy(const tp_run *r) { return r->energy.method != TP_ENERGY_NONE; }

static double S_duration(const tp_run *r) {
  return isfinite(r->start_s) && isfinite(r->end_s) ? r->end_s - r->start_s
                                                    : r->declared_duration_s;
}

/* Glob match with '*' and '?', ignoring ASCII case. */
static bool S_match(const char *pat, const char *s) {
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == '*') {
      star = ++pat;
      resume = s;
    } else if (*pat == '?' || tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
      pat++, s++;
    } else if (star) {
      pat = star;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (*pat == '*') pat++;
  return *pat == '\0';
}

/* Choose the main metric: the first tag (in name order) of the experiment's
 * runs matching the accuracy patterns, else the loss patterns. */
/* Goal of a tag from its name: losses, errors and perplexities go down. */
static bool S_higher_is_better(const char *tag) {
  static const char *const lower[] = {"*loss*", "*err*", "*perplex*", "*ppl*", "*wer*",
                                      "*mse*", "*mae*", "*rmse*"};
  for (size_t i = 0; i < sizeof lower / sizeof *lower; i++)
    if (S_match(lower[i], tag)) return false;
  return true;
}

static void S_choose_metric(tp_lab *lab, tp_experiment *e) {
  const tp_lab_rule *rule = tp_lab_rule_of(lab, e->name);
  e->target = rule ? rule->target : NAN;
  if (rule && rule->metric_tag) {
    e->metric_tag = tp_xstrdup(rule->metric_tag);
    e->metric_higher_better = rule->goal_set ? rule->goal_max : S_higher_is_better(rule->metric_tag);
    e->metric_reason = tp_xasprintf(
        "named by the configuration (%s is better%s)", e->metric_higher_better ? "higher" : "lower",
        rule->goal_set ? "" : ", judged from the tag's name");
    return;
  }
  static const struct {
    const char *pattern;
    bool higher;
  } rules[] = {
      {"val*acc*", true},     {"eval*accuracy*", true}, {"*val*acc*", true},
      {"eval*acc*", true},    {"val*loss*", false},     {"*val*loss*", false},
      {"eval*loss*", false},
  };
  for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
    const char *best = NULL;
    for (size_t i = 0; i < e->n_runs; i++) {
      const tp_run *run = lab->runs[e->runs[i]];
      for (size_t s = 0; s < run->n_series; s++) {
        const char *tag = run->series[s].tag;
        if (S_match(rules[r].pattern, tag) && (!best || strcmp(tag, best) < 0))
          best = tag;
      }
    }
    if (best) {
      e->metric_tag = tp_xstrdup(best);
      e->metric_higher_better = rules[r].higher;
      e->metric_reason = tp_xasprintf("chosen automatically: named like %s (%s is better)",
                                      rules[r].pattern, rules[r].higher ? "higher" : "lower");
      return;
    }
  }
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the n strings of v (pointers, not copied) and drop repeats; returns
 * how many distinct ones lead v. */
static size_t S_sort_unique(char **v, size_t n) {
  if (n > 1) qsort(v, n, sizeof *v, S_cmp_str);
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    if (w == 0 || strcmp(v[w - 1], v[i]) != 0) v[w++] = v[i];
  return w;
}

static void S_group_configs(tp_lab *lab, tp_experiment *e) {
  char **cfg = tp_xmalloc((e->n_runs + 1) * sizeof *cfg);
  for (size_t i = 0; i < e->n_runs; i++) cfg[i] = tp_xstrdup(lab->runs[e->runs[i]]->config);
  /* distinct configs, sorted */
  char **uniq = tp_xmalloc((e->n_runs + 1) * sizeof *uniq);
  for (size_t i = 0; i < e->n_runs; i++) uniq[i] = cfg[i];
  size_t nu = S_sort_unique(uniq, e->n_runs);
  e->configs = tp_xcalloc(nu ? nu : 1, sizeof *e->configs);
  e->n_configs = nu;
  for (size_t c = 0; c < nu; c++) {
    tp_config_group *g = &e->configs[c];
    g->config = tp_xstrdup(uniq[c]);
    g->runs = tp_xmalloc(e->n_runs * sizeof *g->runs);
    S_acc it = {0}, fac = {0}, co2 = {0}, dur = {0}, mb = {0}, ml = {0}, tj = {0}, tt = {0};
    for (size_t i = 0; i < e->n_runs; i++) {
      if (strcmp(cfg[i], g->config) != 0) continue;
      const tp_run *r = lab->runs[e->runs[i]];
      g->runs[g->n_runs++] = e->runs[i];
      if (S_has_energy(r)) {
        S_acc_add(&it, r->energy.it_j);
        S_acc_add(&fac, r->energy.facility_j);
        S_acc_add(&co2, r->energy.co2e_kg);
      }
      S_acc_add(&dur, S_duration(r));
      if (r->target.reached) {
        g->n_reached++;
        S_acc_add(&tj, r->target.it_j);
        S_acc_add(&tt, r->target.time_s);
      }
      double best, last;
      if (e->metric_tag && tp_lab_metric(r, e->metric_tag, e->metric_higher_better, &best, &last)) {
        S_acc_add(&mb, best);
        S_acc_add(&ml, last);
      }
    }
    g->it_j = S_acc_stat(&it);
    g->facility_j = S_acc_stat(&fac);
    g->co2e_kg = S_acc_stat(&co2);
    g->duration_s = S_acc_stat(&dur);
    g->metric_best = S_acc_stat(&mb);
    g->metric_last = S_acc_stat(&ml);
    g->target_it_j = S_acc_stat(&tj);
    g->target_time_s = S_acc_stat(&tt);
  }
  for (size_t i = 0; i < e->n_runs; i++) free(cfg[i]);
  free(cfg);
  free(uniq);
}

void tp_lab_add_rule(tp_lab *lab, const tp_lab_rule *rule) {
  TP_GROW(lab->rules, lab->cap_rules, lab->n_rules + 1);
  tp_lab_rule *r = &lab->rules[lab->n_rules++];
  *r = (tp_lab_rule){
      .experiment = tp_xstrdup(rule->experiment),
      .metric_tag = rule->metric_tag ? tp_xstrdup(rule->metric_tag) : NULL,
      .goal_set = rule->goal_set,
      .goal_max = rule->goal_max,
      .target = rule->target,
      .n_compare_by = rule->n_compare_by,
  };
  if (rule->n_compare_by) {
    r->compare_by = tp_xmalloc(rule->n_compare_by * sizeof *r->compare_by);
    for (size_t i = 0; i < rule->n_compare_by; i++)
      r->compare_by[i] = tp_xstrdup(rule->compare_by[i]);
  }
}

void tp_lab_add_config_rules(tp_lab *lab, const tp_config *cfg) {
  for (size_t i = 0; i < cfg->placement_keys.count; i++) {
    TP_GROW(lab->placement_keys, lab->cap_placement_keys, lab->n_placement_keys + 1);
    lab->placement_keys[lab->n_placement_keys++] = tp_xstrdup(cfg->placement_keys.items[i]);
  }
  for (size_t x = 0; x < cfg->n_experiments; x++) {
    const tp_config_experiment *e = &cfg->experiments[x];
    tp_lab_rule rule = {.experiment = e->name,
                        .metric_tag = e->metric.tag,
                        .goal_set = e->metric.goal_set,
                        .goal_max = e->metric.goal_max,
                        .target = e->metric.target,
                        .compare_by = e->compare_by.items,
                        .n_compare_by = e->compare_by.count};
    tp_lab_add_rule(lab, &rule);
  }
}

void tp_lab_apply_config(tp_lab *lab, const tp_config *cfg) {
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    for (size_t k = 0; k < cfg->n_tags; k++)
      if (cfg->tags[k].key && cfg->tags[k].value &&
          tp_config_glob_match(cfg->tags[k].runs ? cfg->tags[k].runs : "**", r->id))
        tp_run_set_tag(r, cfg->tags[k].key, cfg->tags[k].value);
    const tp_config_experiment *e = tp_config_experiment_of(cfg, r->id);
    if (e && e->runs.count) {
      free(r->experiment);
      r->experiment = tp_xstrdup(e->name);
    }
  }
  tp_lab_add_config_rules(lab, cfg);
}

const tp_lab_rule *tp_lab_rule_of(const tp_lab *lab, const char *experiment) {
  for (size_t i = 0; i < lab->n_rules; i++)
    if (strcmp(lab->rules[i].experiment, experiment) == 0) return &lab->rules[i];
  return NULL;
}

const tp_experiment *tp_lab_experiment_of(const tp_lab *lab, const tp_run *run) {
  if (!run->experiment) return NULL;
  for (size_t x = 0; x < lab->n_experiments; x++)
    if (strcmp(lab->experiments[x].name, run->experiment) == 0) return &lab->experiments[x];
  return NULL;
}

void tp_lab_assign(tp_lab *lab) {
  if (lab->n_runs > 1) qsort(lab->runs, lab->n_runs, sizeof *lab->runs, S_cmp_run);
  for (size_t i = 0; i < lab->n_runs; i++)
    if (!lab->runs[i]->experiment) lab->runs[i]->experiment = S_experiment_of(lab->runs[i]);

  /* distinct experiment names, sorted */
  char **names = tp_xmalloc((lab->n_runs + 1) * sizeof *names);
  for (size_t i = 0; i < lab->n_runs; i++) names[i] = lab->runs[i]->experiment;
  size_t nn = S_sort_unique(names, lab->n_runs);

  lab->experiments = tp_xcalloc(nn ? nn : 1, sizeof *lab->experiments);
  lab->n_experiments = nn;
  for (size_t x = 0; x < nn; x++) {
    tp_experiment *e = &lab->experiments[x];
    e->name = tp_xstrdup(names[x]);
    e->runs = tp_xmalloc((lab->n_runs + 1) * sizeof *e->runs);
    const tp_lab_rule *rule = tp_lab_rule_of(lab, e->name);
    for (size_t i = 0; i < lab->n_runs; i++) {
      tp_run *r = lab->runs[i];
      if (strcmp(r->experiment, e->name) != 0) continue;
      e->runs[e->n_runs++] = i;
      free(r->config);
      r->config = tp_lab_config_of(lab, r, rule ? rule->compare_by : NULL,
                                   rule ? rule->n_compare_by : 0);
    }
    S_choose_metric(lab, e);
  }
  free(names);
}

/* Where run first reached the experiment's target. */
static void S_target(tp_run *r, const tp_experiment *e) {
  r->target = (tp_target){.set = isfinite(e->target) && e->metric_tag, .value = e->target,
                          .time_s = NAN, .it_j = NAN};
  if (!r->target.set) return;
  const tp_series *s = tp_run_find_series(r, e->metric_tag);
  if (!s) return;
  for (size_t i = 0; i < s->count; i++) {
    double v = s->points[i].value;
    if (!isfinite(v) || (e->metric_higher_better ? v < e->target : v > e->target)) continue;
    r->target.reached = true;
    r->target.step = s->points[i].step;
    r->target.time_s = s->points[i].wall_time_s - r->start_s;
    if (r->metric_cum_j && i < r->n_metric_cum) r->target.it_j = r->metric_cum_j[i];
    return;
  }
}

/* A configuration and its index, for ranking (no shared state). */
typedef struct S_ranked {
  const tp_config_group *g;
  size_t i;
} S_ranked;

static int S_cmp_rank(const void *a, const void *b) {
  const tp_config_group *x = ((const S_ranked *)a)->g;
  const tp_config_group *y = ((const S_ranked *)b)->g;
  bool xr = x->target_it_j.n > 0, yr = y->target_it_j.n > 0;
  if (xr != yr) return xr ? -1 : 1;
  if (xr && x->target_it_j.mean != y->target_it_j.mean)
    return x->target_it_j.mean < y->target_it_j.mean ? -1 : 1;
  return strcmp(x->config, y->config);
}

/* Hours of one GPU device charged to its run: its share of the covered
 * time (a GPU shared by overlapping runs is split among them, so that each
 * physical GPU counts once per hour); covered_s where the share is not known. */
double tp_lab_device_gpu_hours(const tp_device_energy *dv) {
  if (strncmp(dv->id, "gpu", 3) != 0) return 0;
  double s = dv->share_s > 0 ? dv->share_s : dv->covered_s;
  return isfinite(s) && s > 0 ? s / TP_S_PER_H : 0;
}

/* GPU-hours of a run: from its traces' GPU devices; for an estimated or
 * declared figure, the GPUs it was for x the run's duration. */
double tp_lab_run_gpu_hours(const tp_run *r) {
  const tp_run_energy *e = &r->energy;
  if (e->method == TP_ENERGY_ESTIMATED || e->method == TP_ENERGY_DECLARED) {
    double dur = r->end_s - r->start_s;
    if (!(isfinite(dur) && dur > 0)) dur = r->declared_duration_s;
    return e->gpu_count > 0 && isfinite(dur) && dur > 0 ? e->gpu_count * dur / TP_S_PER_H : 0;
  }
  double h = 0;
  for (size_t d = 0; d < e->n_devices; d++) h += tp_lab_device_gpu_hours(&e->devices[d]);
  return h;
}

static tp_rollup *S_rollup(tp_rollups *r, const char *key) {
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->items[i].key, key) == 0) return &r->items[i];
  TP_GROW(r->items, r->cap, r->count + 1);
  tp_rollup *x = &r->items[r->count++];
  *x = (tp_rollup){.key = tp_xstrdup(key)};
  return x;
}

/* Add a share of a run's figures (share of its IT energy) to a roll-up. */
static void S_rollup_add(tp_rollups *r, const char *key, const tp_run *run, double share,
                         double gpu_hours, bool count_run) {
  tp_rollup *x = S_rollup(r, key);
  if (count_run) x->n_runs++;
  if (count_run && S_has_energy(run)) x->n_runs_with_energy++;
  if (S_has_energy(run)) {
    x->it_j += run->energy.it_j * share;
    x->facility_j += run->energy.facility_j * share;
    x->co2e_kg += run->energy.co2e_kg * share;
  }
  x->gpu_hours += gpu_hours;
}

static int S_cmp_rollup(const void *a, const void *b) {
  return strcmp(((const tp_rollup *)a)->key, ((const tp_rollup *)b)->key);
}

static void S_rollups_free(tp_rollups *r) {
  for (size_t i = 0; i < r->count; i++) free(r->items[i].key);
  free(r->items);
  *r = (tp_rollups){0};
}

/* A sum over no run with a known energy is unknown, not 0: IT energy,
 * facility energy and CO2e become NAN when n (the runs summed) is 0. */
static void S_unknown_if_none(double *it_j, double *facility_j, double *co2e_kg, size_t n) {
  if (n) return;
  *it_j = *facility_j = *co2e_kg = NAN;
}

static void S_build_rollups(tp_lab *lab) {
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    double gh = tp_lab_run_gpu_hours(r);
    char month[16] = "unknown";
    struct tm tm;
    if (tp_utc_tm(r->start_s, &tm)) {
      snprintf(month, sizeof month, "%04d-%02d", (tm.tm_year + 1900) % 10000,
               (tm.tm_mon + 1) % 100);
    }
    S_rollup_add(&lab->by_month, month, r, 1.0, gh, true);
    S_rollup_add(&lab->by_host, r->host ? r->host : "unknown", r, 1.0, gh, true);
    for (size_t k = 0; k < r->n_tags; k++) {
      char *kv = tp_xasprintf("%s=%s", r->tag_keys[k], r->tag_values[k]);
      S_rollup_add(&lab->by_tag, kv, r, 1.0, gh, true);
      free(kv);
    }
    /* An estimated or declared run: its GPUs' model gets their part of its
     * energy and their hours; a run whose GPUs' part is not known is left out
     * (an unknown share is not 0). */
    if ((r->energy.method == TP_ENERGY_ESTIMATED || r->energy.method == TP_ENERGY_DECLARED) &&
        r->energy.gpu_count > 0 && isfinite(r->energy.gpu_j) && r->energy.it_j > 0)
      S_rollup_add(&lab->by_gpu_model, r->energy.gpu_model ? r->energy.gpu_model : "unknown GPU",
                   r, r->energy.gpu_j / r->energy.it_j, gh, true);
    /* GPU models: each model gets the energy of its own devices. */
    double total = 0;
    for (size_t d = 0; d < r->energy.n_devices; d++) total += r->energy.devices[d].energy_j;
    for (size_t d = 0; d < r->energy.n_devices; d++) {
      const tp_device_energy *dv = &r->energy.devices[d];
      if (strncmp(dv->id, "gpu", 3) != 0) continue;
      const char *model = dv->name && *dv->name ? dv->name : "unknown GPU";
      bool first = true;
      for (size_t e = 0; e < d; e++)
        if (strncmp(r->energy.devices[e].id, "gpu", 3) == 0 &&
            strcmp(r->energy.devices[e].name && *r->energy.devices[e].name
                       ? r->energy.devices[e].name
                       : "unknown GPU",
                   model) == 0)
          first = false;
      S_rollup_add(&lab->by_gpu_model, model, r, total > 0 ? dv->energy_j / total : 0,
                   tp_lab_device_gpu_hours(dv), first);
    }
  }
  tp_rollups *all[] = {&lab->by_month, &lab->by_gpu_model, &lab->by_host, &lab->by_tag};
  for (size_t i = 0; i < 4; i++) {
    if (all[i]->count > 1) qsort(all[i]->items, all[i]->count, sizeof *all[i]->items, S_cmp_rollup);
    for (size_t k = 0; k < all[i]->count; k++) {
      tp_rollup *x = &all[i]->items[k];
      S_unknown_if_none(&x->it_j, &x->facility_j, &x->co2e_kg, x->n_runs_with_energy);
    }
  }
}

void tp_lab_aggregate(tp_lab *lab) {
  lab->it_j = lab->facility_j = lab->co2e_kg = lab->gpu_hours = 0;
  lab->n_runs_with_energy = 0;
  for (size_t x = 0; x < lab->n_experiments; x++) {
    tp_experiment *e = &lab->experiments[x];
    for (size_t k = 0; k < e->n_runs; k++) {
      tp_run *r = lab->runs[e->runs[k]];
      if (S_has_energy(r)) {
        e->n_runs_with_energy++;
        e->it_j += r->energy.it_j;
        e->facility_j += r->energy.facility_j;
        e->co2e_kg += r->energy.co2e_kg;
      }
      e->gpu_hours += tp_lab_run_gpu_hours(r);
    }
    S_group_configs(lab, e);
    if (isfinite(e->target) && e->n_configs) {
      e->config_rank = tp_xmalloc(e->n_configs * sizeof *e->config_rank);
      S_ranked *rk = tp_xmalloc(e->n_configs * sizeof *rk);
      for (size_t c = 0; c < e->n_configs; c++) rk[c] = (S_ranked){.g = &e->configs[c], .i = c};
      qsort(rk, e->n_configs, sizeof *rk, S_cmp_rank);
      for (size_t c = 0; c < e->n_configs; c++) e->config_rank[c] = rk[c].i;
      free(rk);
    }
    lab->it_j += e->it_j;
    lab->facility_j += e->facility_j;
    lab->co2e_kg += e->co2e_kg;
    lab->gpu_hours += e->gpu_hours;
  }
  for (size_t i = 0; i < lab->n_runs; i++)
    if (S_has_energy(lab->runs[i])) lab->n_runs_with_energy++;
  for (size_t x = 0; x < lab->n_experiments; x++) {
    tp_experiment *e = &lab->experiments[x];
    S_unknown_if_none(&e->it_j, &e->facility_j, &e->co2e_kg, e->n_runs_with_energy);
  }
  S_unknown_if_none(&lab->it_j, &lab->facility_j, &lab->co2e_kg, lab->n_runs_with_energy);
  S_build_rollups(lab);
}

void tp_lab_compute_targets(tp_lab *lab) {
  for (size_t x = 0; x < lab->n_experiments; x++)
    for (size_t k = 0; k < lab->experiments[x].n_runs; k++) {
      tp_run *r = lab->runs[lab->experiments[x].runs[k]];
      const tp_experiment *e = &lab->experiments[x];
      /* The points are read back only where a target is looked for in them. */
      const tp_series *s = isfinite(e->target) && e->metric_tag
                               ? tp_run_find_series(r, e->metric_tag)
                               : NULL;
      bool read = s && s->count;
      if (read) tp_runspill_hold_points(r);
      S_target(r, e);
      if (read) tp_runspill_release_points(r);
    }
}

void tp_lab_group(tp_lab *lab) {
  tp_lab_assign(lab);
  tp_lab_compute_targets(lab);
  tp_lab_aggregate(lab);
}

void tp_lab_free(tp_lab *lab) {
  for (size_t i = 0; i < lab->n_runs; i++) tp_run_free(lab->runs[i]);
  free(lab->runs);
  tp_runspill_free(lab->spill);
  free(lab->footprints);
  for (size_t x = 0; x < lab->n_experiments; x++) {
    tp_experiment *e = &lab->experiments[x];
    free(e->name);
    free(e->runs);
    for (size_t c = 0; c < e->n_configs; c++) {
      free(e->configs[c].config);
      free(e->configs[c].runs);
    }
    free(e->configs);
    free(e->metric_tag);
    free(e->metric_reason);
    free(e->config_rank);
  }
  free(lab->experiments);
  for (size_t i = 0; i < lab->n_rules; i++) {
    free(lab->rules[i].experiment);
    free(lab->rules[i].metric_tag);
    for (size_t k = 0; k < lab->rules[i].n_compare_by; k++) free(lab->rules[i].compare_by[k]);
    free(lab->rules[i].compare_by);
  }
  free(lab->rules);
  for (size_t i = 0; i < lab->n_placement_keys; i++) free(lab->placement_keys[i]);
  free(lab->placement_keys);
  tp_intensity_series_free(&lab->intensity_series);
  S_rollups_free(&lab->by_month);
  S_rollups_free(&lab->by_gpu_model);
  S_rollups_free(&lab->by_host);
  S_rollups_free(&lab->by_tag);
  tp_assumptions *a = &lab->assumptions;
  free(a->pue_source);
  free(a->intensity_source);
  free(a->zone);
  free(a->timezone);
  free(a->timezone_source);
  free(a->wue_source);
  free(a->water_offsite_source);
  tp_diag_free(&lab->diags);
  *lab = (tp_lab){0};
}

const tp_series *tp_lab_main_series(const tp_lab *lab, const tp_run *run) {
  const tp_experiment *e = tp_lab_experiment_of(lab, run);
  return e && e->metric_tag ? tp_run_find_series(run, e->metric_tag) : NULL;
}

static int S_cmp_piece(const void *a, const void *b) {
  double x = ((const tp_energy_piece *)a)->start_s, y = ((const tp_energy_piece *)b)->start_s;
  return x < y ? -1 : x > y;
}

double tp_energy_upto(const tp_energy_piece *pc, size_t np, double t_s) {
  double sum = 0;
  for (size_t k = 0; k < np && pc[k].start_s < t_s; k++) {
    if (pc[k].end_s <= t_s) sum += pc[k].energy_j;
    else sum += pc[k].energy_j * (t_s - pc[k].start_s) / (pc[k].end_s - pc[k].start_s);
  }
  return sum;
}

void tp_lab_metric_energy(const tp_lab *lab, tp_run *run, tp_energy_piece *pc, size_t np) {
  const tp_series *ms = tp_lab_main_series(lab, run);
  if (!ms || !ms->count ||
      (run->energy.method != TP_ENERGY_INTEGRATED && run->energy.method != TP_ENERGY_MEASURED))
    return;
  qsort(pc, np, sizeof *pc, S_cmp_piece);
  free(run->metric_cum_j);
  run->metric_cum_j = tp_xmalloc(ms->count * sizeof *run->metric_cum_j);
  run->n_metric_cum = ms->count;
  tp_runspill_hold_points(run);
  for (size_t p = 0; p < ms->count; p++) {
    double t = ms->points[p].wall_time_s;
    run->metric_cum_j[p] = isfinite(t) ? tp_energy_upto(pc, np, t) : NAN;
  }
  tp_runspill_release_points(run);
}
