/* page_experiment: experiments/SLUG.html, one page per experiment: its
 * configurations (with ranges), the ranking by energy to target, its runs and
 * its charts.
 */
#include "render/pages_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/runspill.h"
#include "render/figures.h"
#include "render/summary.h"

/* Length of the directory prefix ("lab/sweep/") that every run id of e
 * shares, so that the runs table can show what tells them apart. */
static size_t S_common_dir(const tp_lab *lab, const tp_experiment *e) {
  if (e->n_runs == 0) return 0;
  const char *first = lab->runs[e->runs[0]]->id;
  const char *slash = strrchr(first, '/');
  size_t n = slash ? (size_t)(slash - first) + 1 : 0;
  for (size_t i = 1; i < e->n_runs && n; i++) {
    const char *id = lab->runs[e->runs[i]]->id;
    while (n && (strncmp(id, first, n) != 0 || first[n - 1] != '/')) n--;
  }
  return n;
}

/* The configurations ranked by energy to target ({text, table}), or null
 * when the experiment has no target. */
static void S_target_rank(tp_tval *root, const tp_experiment *e, char *const *labels) {
  if (!isfinite(e->target) || !e->config_rank || e->n_configs == 0) {
    tp_tval_set(root, "target", tp_tval_null());
    return;
  }
  tp_tval *o = tp_tval_set_object(root, "target");
  char *tt = tp_pages_target_text(e);
  tp_tval_set_string(o, "text", tt);
  double max_j = 0, max_s = 0;
  size_t reached = 0, runs = 0;
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    if (g->target_it_j.n) max_j = fmax(max_j, g->target_it_j.max);
    if (g->target_time_s.n) max_s = fmax(max_s, g->target_time_s.max);
    reached += g->n_reached;
    runs += g->n_runs;
  }
  char *lead = tp_xasprintf("%zu of %zu runs reached %s. Configurations are ranked by their mean "
                            "IT energy from the run's start to the first logged point at the "
                            "target; those that never reached it come last.",
                            reached, runs, tt);
  tp_tval_set_string(o, "lead", lead);
  free(lead);
  free(tt);
  tp_unit ue = tp_units_for_energy(max_j), ud = tp_units_for_duration(max_s);
  tp_pages_tab t = tp_pages_table(o, "table", "target-rank",
                    "Energy to target: mean ± sample standard deviation over the repeats "
                    "that reached it");
  tp_pages_cols(&t, "#Rank|Configuration|#Reached");
  tp_pages_col_unit(&t, "IT energy to target", ue.name);
  tp_pages_col_unit(&t, "Time to target", ud.name);
  char buf[64];
  for (size_t k = 0; k < e->n_configs; k++) {
    size_t ci = e->config_rank[k];
    if (ci >= e->n_configs) continue;
    const tp_config_group *g = &e->configs[ci];
    tp_pages_row(&t);
    snprintf(buf, sizeof buf, "%zu", k + 1);
    tp_pages_cell_full(&t, g->n_reached ? buf : "–", NULL, "num", false);
    tp_pages_cell_full(&t, labels[ci], NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu / %zu", g->n_reached, g->n_runs);
    tp_pages_num(&t, buf);
    tp_pages_num(&t, tp_units_mean_sd(buf, &ue, &g->target_it_j));
    tp_pages_num(&t, tp_units_mean_sd(buf, &ud, &g->target_time_s));
  }
}

/* The lead sentence and the main metric. */
static void S_head(const tp_pages_ctx *x, const tp_experiment *e, tp_tval *root) {
  const tp_uncertainty_sum *us = &x->u.experiments[e - x->lab->experiments];
  char *what = tp_xasprintf("%zu runs in %zu configurations", e->n_runs, e->n_configs);
  tp_pages_set_lead(root, what, e->n_runs, e->n_runs_with_energy, e->it_j, e->facility_j,
                    e->co2e_kg, us, true);
  free(what);
  tp_pages_beside(tp_tval_set_list(root, "beside"), us->embodied_kg, us->water_onsite_l,
                  us->water_offsite_l);
  if (e->metric_tag) {
    tp_tval *m = tp_tval_set_object(root, "metric");
    tp_tval_set_string(m, "tag", e->metric_tag);
    tp_tval_set_string(m, "goal",
                       e->metric_higher_better ? "higher is better" : "lower is better");
    tp_tval_set_string(m, "reason", e->metric_reason);
  } else {
    tp_tval_set(root, "metric", tp_tval_null());
  }
}

/* A numeric column "{what} {metric tag}". */
static void S_metric_col(tp_pages_tab *t, const char *what, const tp_experiment *e) {
  char *h = tp_xasprintf("%s %s", what, e->metric_tag ? e->metric_tag : "metric");
  tp_pages_col(t, h, true);
  free(h);
}

/* The columns of duration, IT energy and CO2e in units u (energy, CO2e,
 * duration). */
static void S_quantity_cols(tp_pages_tab *t, const tp_unit u[3]) {
  tp_pages_col_unit(t, "Duration", u[2].name);
  tp_pages_col_unit(t, "IT energy", u[0].name);
  tp_pages_col_unit(t, "CO2e", u[1].name);
}

/* The cells of configuration i: runs, duration, IT energy and CO2e (means
 * over the runs with a known energy, said when not all have one), best and
 * last metric. */
static void S_config_cells(const tp_pages_ctx *x, tp_pages_tab *t, const tp_experiment *e,
                           size_t i, const tp_unit u[3]) {
  const tp_config_group *g = &e->configs[i];
  const tp_uncertainty_sum *uc_g = &x->u.configs[e - x->lab->experiments][i];
  char buf[64], cell[400], cell2[400];
  snprintf(buf, sizeof buf, "%zu", g->n_runs);
  tp_pages_num(t, buf);
  tp_pages_num(t, tp_units_mean_sd(buf, &u[2], &g->duration_s));
  const char *cells[2] = {tp_units_mean_sd_range(cell, &u[0], &g->it_j, uc_g->it_j),
                          tp_units_mean_sd_range(cell2, &u[1], &g->co2e_kg, uc_g->co2e_kg)};
  for (size_t k = 0; k < 2; k++) {
    size_t n = k ? g->co2e_kg.n : g->it_j.n;
    if (n == 0) {
      tp_pages_num(t, "unknown");
    } else if (n < g->n_runs) {
      char *v = tp_xasprintf("%zu of %zu runs: %s", n, g->n_runs, cells[k]);
      tp_pages_num(t, v);
      free(v);
    } else {
      tp_pages_num(t, cells[k]);
    }
  }
  tp_pages_num(t, tp_pages_metric(buf, g->metric_best.n ? g->metric_best.mean : NAN));
  tp_pages_num(t, tp_pages_metric(buf, g->metric_last.n ? g->metric_last.mean : NAN));
}

/* The configurations, named by the values of the keys that vary: a table
 * of means over repeats, and each one's full text. */
static void S_configs(const tp_pages_ctx *x, const tp_experiment *e, tp_tval *root,
                      char *const *labels) {
  size_t nk;
  const char **keys = tp_figures_varying_keys(x->lab, e, &nk);
  tp_buf kb = {0};
  for (size_t k = 0; k < nk; k++) tp_buf_printf(&kb, "%s%s", k ? " / " : "", keys[k]);
  tp_tval_set_string(root, "config_keys", nk > 1 ? tp_buf_str(&kb) : NULL);
  tp_buf_free(&kb);
  free(keys);
  double max_j = 0, max_kg = 0, max_s = 0;
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    if (g->it_j.n) max_j = fmax(max_j, g->it_j.max);
    if (g->co2e_kg.n) max_kg = fmax(max_kg, g->co2e_kg.max);
    if (g->duration_s.n) max_s = fmax(max_s, g->duration_s.max);
  }
  tp_unit u[3] = {tp_units_for_energy(max_j), tp_units_for_co2e(max_kg),
                  tp_units_for_duration(max_s)};
  tp_pages_tab t = tp_pages_table(root, "configs", "configurations",
                                  "Configurations: mean ± sample standard deviation over "
                                  "repeats; in brackets the range the mean lies in");
  tp_pages_col(&t, "Configuration", false);
  tp_pages_col(&t, "Runs", true);
  S_quantity_cols(&t, u);
  S_metric_col(&t, "Best", e);
  S_metric_col(&t, "Last", e);
  tp_tval *full = tp_tval_set_list(root, "config_texts");
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    tp_pages_row(&t);
    tp_pages_cell_full(&t, labels[i], NULL, NULL, true);
    S_config_cells(x, &t, e, i, u);
    tp_pages_item(full, labels[i], g->config[0] ? g->config : "(no hyperparameters)", NULL);
  }
}

/* The row of the experiment's i-th run; ids shown without their common
 * prefix of `prefix` bytes. */
static void S_run_row(const tp_lab *lab, tp_pages_tab *t, const tp_experiment *e, size_t i,
                      char *const *labels, size_t prefix, const tp_unit u[3]) {
  const tp_run *r = lab->runs[e->runs[i]];
  bool known = r->energy.method != TP_ENERGY_NONE;
  char buf[64];
  char *href = tp_pages_run_path(r->id);
  char *up = tp_xasprintf("../%s", href);
  tp_pages_row(t);
  tp_pages_cell_full(t, r->id + prefix, up, NULL, true);
  free(up);
  free(href);
  int ci = tp_figures_config_of_run(e, e->runs[i]);
  tp_pages_cell_full(t, ci >= 0 ? labels[ci] : "", NULL, "nowrap", false);
  tp_pages_cell_full(t, tp_pages_minute(buf, r->start_s), NULL, "nowrap", false);
  tp_pages_num(t, tp_units_in(buf, &u[2], r->end_s - r->start_s));
  tp_pages_num(t, known ? tp_units_in(buf, &u[0], r->energy.it_j) : "–");
  tp_pages_num(t, known ? tp_units_in(buf, &u[1], r->energy.co2e_kg) : "–");
  char *m = tp_xasprintf("%s%s", tp_summary_method_name(r->energy.method),
                         r->energy.shared ? ", shared" : "");
  tp_pages_cell_full(t, m, NULL, "nowrap", false);
  free(m);
  tp_pages_num(t, known ? tp_pages_percent(buf, r->energy.coverage) : "–");
  double best, last = NAN;
  if (!e->metric_tag || !tp_lab_metric(r, e->metric_tag, e->metric_higher_better, &best, &last))
    last = NAN;
  tp_pages_num(t, tp_pages_metric(buf, last));
}

/* The runs of the experiment, one row each. */
static void S_runs(const tp_pages_ctx *x, const tp_experiment *e, tp_tval *root,
                   char *const *labels) {
  const tp_lab *lab = x->lab;
  double max_j = 0, max_kg = 0, max_s = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    if (isfinite(r->energy.it_j)) max_j = fmax(max_j, r->energy.it_j);
    if (isfinite(r->energy.co2e_kg)) max_kg = fmax(max_kg, r->energy.co2e_kg);
    if (isfinite(r->end_s - r->start_s)) max_s = fmax(max_s, r->end_s - r->start_s);
  }
  tp_unit u[3] = {tp_units_for_energy(max_j), tp_units_for_co2e(max_kg),
                  tp_units_for_duration(max_s)};
  size_t prefix = S_common_dir(lab, e);
  char *cap = prefix ? tp_xasprintf("Runs (ids under %.*s)", (int)prefix,
                                    lab->runs[e->runs[0]]->id)
                     : tp_xstrdup("Runs");
  tp_pages_tab t = tp_pages_table(root, "runs", "runs", cap);
  free(cap);
  tp_pages_col(&t, "Run", false);
  tp_pages_col(&t, "Configuration", false);
  tp_pages_col(&t, "Start (UTC)", false);
  S_quantity_cols(&t, u);
  tp_pages_col(&t, "Method", false);
  tp_pages_col(&t, "Coverage", true);
  S_metric_col(&t, "Last", e);
  for (size_t i = 0; i < e->n_runs; i++) S_run_row(lab, &t, e, i, labels, prefix, u);
}

/* The experiment's charts, named exp-SLUG-KIND. */
static void S_charts(tp_pages_ctx *x, const tp_experiment *e, tp_tval *root,
                     char *const *labels) {
  char *slug = tp_site_slug(e->name);
  tp_tval *charts = tp_tval_set_list(root, "charts");
  static const char *const names[] = {"energy", "pareto", "metric-energy",
                                      "metric-time", "power", "parallel"};
  tp_chart *(*const make[])(const tp_lab *, const tp_experiment *, char *const *) = {
      tp_figures_exp_energy,      tp_figures_exp_pareto, tp_figures_exp_metric_energy,
      tp_figures_exp_metric_time, tp_figures_exp_power,  tp_figures_exp_parallel};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *stem = tp_xasprintf("exp-%s-%s", slug, names[i]);
    tp_pages_chart(x, charts, make[i](x->lab, e, labels), stem, "../");
    free(stem);
  }
  free(slug);
}

static void S_hash_stat(tp_hash *h, const tp_stat *st) {
  tp_hash_u64(h, st->n);
  double v[4] = {st->mean, st->sd, st->min, st->max};
  tp_hash_doubles(h, v, 4);
}

static void S_hash_sum(tp_hash *h, const tp_uncertainty_sum *u) {
  const tp_range *rg[] = {&u->it_j, &u->facility_j, &u->co2e_kg};
  for (size_t i = 0; i < 3; i++) {
    double v[3] = {rg[i]->value, rg[i]->low, rg[i]->high};
    tp_hash_doubles(h, v, 3);
  }
  double v[8] = {u->gap_device_s, u->gap_idle_j,     u->gap_peak_j,      u->embodied_kg,
                 u->water_onsite_l, u->water_offsite_l, u->idle_j, u->gpu_j};
  tp_hash_doubles(h, v, 8);
  tp_hash_u64(h, u->n_known);
  tp_hash_doubles(h, u->factors.low, TP_US_COUNT);
  tp_hash_doubles(h, u->factors.high, TP_US_COUNT);
}

/* The key of e's page: a fingerprint of everything it is built from, so that
 * an unchanged experiment's page is taken from the previous site without
 * holding its runs' points and profiles: the program, template and options;
 * the page key of each of its runs (tp_pages_run_key: the run whole, with its
 * experiment's metric and its configuration); the experiment's own fields,
 * its configurations' statistics, labels and ranking, its varying keys and
 * the ranges of its figures.  As for run pages, the page's digest stays the
 * check of last resort. */
static void S_key(const tp_pages_ctx *x, const tp_experiment *e, char *const *labels,
                  char out[TP_HASH_HEX]) {
  size_t ei = (size_t)(e - x->lab->experiments);
  tp_hash h;
  tp_pages_key_begin(x, &h, "experiment page inputs 1", x->tpl_exp);
  tp_hash_str(&h, e->name);
  tp_hash_u64(&h, e->n_runs);
  for (size_t i = 0; i < e->n_runs; i++) tp_hash_str(&h, x->run_keys[e->runs[i]]);
  double v[5] = {e->it_j, e->facility_j, e->co2e_kg, e->gpu_hours, e->target};
  tp_hash_doubles(&h, v, 5);
  tp_hash_u64(&h, e->n_runs_with_energy);
  tp_hash_str(&h, e->metric_tag);
  tp_hash_u64(&h, e->metric_higher_better);
  tp_hash_str(&h, e->metric_reason);
  tp_hash_u64(&h, e->n_configs);
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    tp_hash_str(&h, g->config);
    tp_hash_str(&h, labels[i]);
    tp_hash_u64(&h, g->n_runs);
    for (size_t k = 0; k < g->n_runs; k++) tp_hash_str(&h, x->lab->runs[g->runs[k]]->id);
    const tp_stat *st[] = {&g->it_j,        &g->facility_j,  &g->co2e_kg,     &g->duration_s,
                           &g->metric_best, &g->metric_last, &g->target_it_j, &g->target_time_s};
    for (size_t k = 0; k < sizeof st / sizeof *st; k++) S_hash_stat(&h, st[k]);
    tp_hash_u64(&h, g->n_reached);
    S_hash_sum(&h, &x->u.configs[ei][i]);
    tp_hash_u64(&h, e->config_rank ? e->config_rank[i] : SIZE_MAX);
  }
  size_t nk;
  const char **keys = tp_figures_varying_keys(x->lab, e, &nk);
  tp_hash_u64(&h, nk);
  for (size_t k = 0; k < nk; k++) tp_hash_str(&h, keys[k]);
  free(keys);
  S_hash_sum(&h, &x->u.experiments[ei]);
  tp_hash_hex(&h, out);
}

/* e's page, taken from the previous site when its key is unchanged. */
static int S_page(tp_pages_ctx *x, const tp_experiment *e, char *const *labels,
                  const char key[TP_HASH_HEX]) {
  tp_tval *root = tp_pages_page(x, e->name, "../");
  S_head(x, e, root);
  S_configs(x, e, root, labels);
  S_target_rank(root, e, labels);
  S_runs(x, e, root, labels);
  S_charts(x, e, root, labels);
  tp_diags none = {0};
  tp_pages_notes(x, root, &none);
  tp_pages_built b = {.root = root, .rel = tp_pages_experiment_path(e->name)};
  memcpy(b.key, key, sizeof b.key);
  tp_pages_take_pending(x, &b);
  return tp_pages_finish(x, x->tpl_exp, &b);
}

int tp_pages_experiment(tp_pages_ctx *x, const tp_experiment *e) {
  char **labels = tp_figures_config_labels(x->lab, e);
  char key[TP_HASH_HEX] = "";
  int rc = 0;
  bool taken = false;
  if (!x->err && x->run_keys && tp_site_recording(x->site)) {
    S_key(x, e, labels, key);
    char *rel = tp_pages_experiment_path(e->name);
    tp_site_taken t;
    taken = tp_site_group_take_key(x->site, rel, key, &t);
    free(rel);
    if (taken) tp_site_group_add(x->site, &t);
  }
  if (!taken) {
    const tp_lab *lab = x->lab;
    /* drawn from its runs' points and profiles (model/runspill.h) */
    for (size_t i = 0; i < e->n_runs; i++) tp_runspill_hold(lab->runs[e->runs[i]]);
    rc = S_page(x, e, labels, key);
    for (size_t i = 0; i < e->n_runs; i++) tp_runspill_release(lab->runs[e->runs[i]]);
  }
  tp_figures_labels_free(labels, e->n_configs);
  return rc;
}
