/* figures: the charts of the report, built from a priced lab (see figures.h). */
#include "render/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/units.h"
#include "model/utctime.h"

/* ======================================================================== */
/* configurations and hyperparameters                                        */
/* ======================================================================== */

static int S_strcmp_p(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **tp_figures_varying_keys(const tp_lab *lab, const tp_experiment *e, size_t *n) {
  const char **keys = NULL;
  size_t nk = 0, cap = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    for (size_t h = 0; h < r->n_hparams; h++) {
      const char *k = r->hparams[h].key;
      if (!tp_lab_is_config_key(lab, k)) continue;
      bool seen = false;
      for (size_t j = 0; j < nk && !seen; j++) seen = strcmp(keys[j], k) == 0;
      if (seen) continue;
      /* Varies when some run lacks it or holds another value. */
      bool varies = false;
      for (size_t o = 0; o < e->n_runs && !varies; o++) {
        const tp_hparam *hp = tp_run_find_hparam(lab->runs[e->runs[o]], k);
        varies = !hp || strcmp(hp->text, r->hparams[h].text) != 0;
      }
      if (!varies) continue;
      TP_GROW(keys, cap, nk + 2);
      keys[nk++] = k;
    }
  }
  TP_GROW(keys, cap, nk + 1);
  qsort(keys, nk, sizeof *keys, S_strcmp_p);
  keys[nk] = NULL;
  *n = nk;
  return keys;
}

char **tp_figures_config_labels(const tp_lab *lab, const tp_experiment *e) {
  size_t nk;
  const char **keys = tp_figures_varying_keys(lab, e, &nk);
  char **labels = tp_xcalloc(e->n_configs ? e->n_configs : 1, sizeof *labels);
  for (size_t c = 0; c < e->n_configs; c++) {
    const tp_config_group *g = &e->configs[c];
    if (nk == 0 || g->n_runs == 0) {
      labels[c] = tp_xstrdup("all runs");
      continue;
    }
    const tp_run *r = lab->runs[g->runs[0]];
    tp_buf b = {0};
    /* One key: "lr=0.001"; several: their values in key order, "128 / fp32"
     * (the page names the keys), so that legends and axes stay short. */
    for (size_t k = 0; k < nk; k++) {
      const tp_hparam *hp = tp_run_find_hparam(r, keys[k]);
      if (nk == 1) tp_buf_printf(&b, "%s=", keys[k]);
      tp_buf_printf(&b, "%s%s", k ? " / " : "", hp ? hp->text : "–");
    }
    labels[c] = tp_buf_detach(&b);
  }
  free(keys);
  return labels;
}

void tp_figures_labels_free(char **labels, size_t n) {
  if (!labels) return;
  for (size_t i = 0; i < n; i++) free(labels[i]);
  free(labels);
}

int tp_figures_config_of_run(const tp_experiment *e, size_t run_index) {
  for (size_t c = 0; c < e->n_configs; c++)
    for (size_t i = 0; i < e->configs[c].n_runs; i++)
      if (e->configs[c].runs[i] == run_index) return (int)c;
  return -1;
}

/* ======================================================================== */
/* energy over time from the power profiles                                  */
/* ======================================================================== */

/* The cumulative IT energy of a run read off its power profiles.  Per
 * device, the energy of the buckets before each bucket is summed once
 * (buckets without samples add nothing, as the integrator does not bridge
 * gaps), so that each reading costs a lookup rather than a walk over the
 * profile. */
typedef struct S_clock {
  const tp_run *run;
  double **cum;      /* per device: cum[d][i] = energy of buckets 0..i-1, J (n + 1 sums) */
  double from;       /* the profiles' energy before the run's start, J */
  double total;      /* the profiles' energy over the run's window, J */
  bool known;        /* the run's energy and window are known */
} S_clock;

/* Energy of profile p (with its sums cum) from its start up to time t, J. */
static double S_profile_upto(const tp_power_profile *p, const double *cum, double t) {
  if (!(p->dt_s > 0) || p->n == 0 || !cum) return 0;
  double fi = floor((t - p->t0_s) / p->dt_s);
  if (!(fi >= 0)) return 0;
  if (fi >= (double)p->n) return cum[p->n];
  size_t i = (size_t)fi;
  double e = cum[i], w = tp_power_profile_mean(p, i);
  double x0 = p->t0_s + (double)i * p->dt_s;
  double x1 = fmin(t, p->t0_s + (double)(i + 1) * p->dt_s);
  if (isfinite(w) && x1 > x0) e += w * (x1 - x0);
  return e;
}

static double S_clock_upto(const S_clock *k, double t) {
  double e = 0;
  for (size_t d = 0; d < k->run->n_power; d++) e += S_profile_upto(&k->run->power[d], k->cum[d], t);
  return e;
}

static void S_clock_init(S_clock *k, const tp_run *run) {
  *k = (S_clock){.run = run};
  k->known = run->energy.method != TP_ENERGY_NONE && isfinite(run->energy.it_j) &&
             isfinite(run->start_s) && isfinite(run->end_s);
  if (!k->known) return;
  k->cum = tp_xcalloc(run->n_power ? run->n_power : 1, sizeof *k->cum);
  for (size_t d = 0; d < run->n_power; d++) {
    const tp_power_profile *p = &run->power[d];
    if (!(p->dt_s > 0) || p->n == 0) continue;
    double *c = k->cum[d] = tp_xmalloc((p->n + 1) * sizeof *c);
    c[0] = 0;
    for (size_t i = 0; i < p->n; i++) {
      double w = tp_power_profile_mean(p, i);
      c[i + 1] = c[i] + (isfinite(w) ? w * p->dt_s : 0);
    }
  }
  k->from = S_clock_upto(k, run->start_s);
  k->total = S_clock_upto(k, run->end_s) - k->from;
}

static void S_clock_free(S_clock *k) {
  if (k->cum)
    for (size_t d = 0; d < k->run->n_power; d++) free(k->cum[d]);
  free(k->cum);
}

/* The run's IT energy from its start up to t_s, J (see tp_figures_energy_at). */
static double S_clock_at(const S_clock *k, double t_s) {
  const tp_run *run = k->run;
  if (!k->known || !isfinite(t_s)) return NAN;
  double it = run->energy.it_j;
  double t = fmin(fmax(t_s, run->start_s), run->end_s);
  if (t >= run->end_s) return it;
  if (k->total > 0) return it * ((S_clock_upto(k, t) - k->from) / k->total);
  double len = run->end_s - run->start_s;
  return len > 0 ? it * (t - run->start_s) / len : it;
}

double tp_figures_energy_at(const tp_run *run, double t_s) {
  S_clock k;
  S_clock_init(&k, run);
  double e = S_clock_at(&k, t_s);
  S_clock_free(&k);
  return e;
}

/* ======================================================================== */
/* the lab                                                                   */
/* ======================================================================== */

static tp_chart *S_new(tp_chart_kind kind, const char *title, const char *desc) {
  tp_chart *c = tp_chart_new(kind, title, desc);
  c->draw_title = false; /* the page (or the paper) gives the title as text */
  return c;
}

/* One bar per experiment of what(e) (and a second series of what2(e) when
 * given), in the unit the axis names. */
typedef double (*S_exp_value)(const tp_experiment *e);
static double S_exp_it_wh(const tp_experiment *e) { return e->it_j / TP_J_PER_WH; }
static double S_exp_facility_wh(const tp_experiment *e) { return e->facility_j / TP_J_PER_WH; }
static double S_exp_co2e_g(const tp_experiment *e) { return e->co2e_kg * 1000.0; }

static tp_chart *S_lab_bars(const tp_lab *lab, const char *title, const char *desc,
                            const char *ylabel, const char *unit, const char *name,
                            S_exp_value what, int colour, const char *name2, S_exp_value what2) {
  if (lab->n_experiments == 0) return NULL;
  tp_chart *c = S_new(TP_CHART_BAR, title, desc);
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, "Experiment", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, ylabel, unit);
  tp_chart_series *s = tp_chart_add_series(c, name, colour, TP_DRAW_BARS);
  tp_chart_series *s2 = what2 ? tp_chart_add_series(c, name2, colour + 1, TP_DRAW_BARS) : NULL;
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    double x = (double)tp_chart_add_category(&c->x, e->name);
    tp_chart_series_add(s, x, what(e));
    if (s2) tp_chart_series_add(s2, x, what2(e));
  }
  return c;
}

tp_chart *tp_figures_lab_energy(const tp_lab *lab) {
  return S_lab_bars(lab, "Energy per experiment",
                    "IT energy (what the devices drew) and facility energy (IT energy times "
                    "the PUE) of each experiment, summed over its runs.",
                    "Energy", "Wh", "IT energy", S_exp_it_wh, 0, "Facility energy",
                    S_exp_facility_wh);
}

tp_chart *tp_figures_lab_co2e(const tp_lab *lab) {
  return S_lab_bars(lab, "CO2e per experiment",
                    "Emissions of each experiment in CO2 equivalent: facility energy times "
                    "the carbon intensity, summed over its runs.",
                    "Emissions", "gCO2e", NULL, S_exp_co2e_g, 2, NULL, NULL);
}

/* The period key of a time: the Monday of its week (days since the epoch), or
 * year*12+month-1 for months. */
static int64_t S_period(double t_s, bool months) {
  int64_t day = (int64_t)floor(t_s / 86400.0);
  if (!months) return day - ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
  int64_t y;
  int m, d;
  tp_civil_from_days(day, &y, &m, &d);
  return y * 12 + (m - 1);
}

static void S_period_name(char buf[32], int64_t key, bool months) {
  if (months) {
    snprintf(buf, 32, "%04d-%02d", (int)(key / 12), (int)(key % 12) + 1);
    return;
  }
  int64_t y;
  int m, d;
  tp_civil_from_days(key, &y, &m, &d);
  snprintf(buf, 32, "%04d-%02d-%02d", (int)y, m, d);
}

tp_chart *tp_figures_lab_calendar(const tp_lab *lab) {
  double t0 = INFINITY, t1 = -INFINITY;
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    if (!tp_utc_dated(r->start_s) || r->energy.method == TP_ENERGY_NONE) continue;
    t0 = fmin(t0, r->start_s);
    t1 = fmax(t1, r->start_s);
  }
  if (!(t1 >= t0)) return NULL;
  bool months = t1 - t0 > 183 * 86400.0;
  int64_t k0 = S_period(t0, months), k1 = S_period(t1, months);
  int64_t step = months ? 1 : 7;
  size_t np = (size_t)((k1 - k0) / step + 1);
  if (np > 240) return NULL; /* twenty years of months: not a chart */
  tp_chart *c = S_new(TP_CHART_BAR, months ? "Energy per month" : "Energy per week",
                      months ? "IT energy of the runs that started in each calendar month (UTC), "
                               "all experiments together."
                             : "IT energy of the runs that started in each calendar week "
                               "(weeks start on Monday, UTC), all experiments together.");
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, months ? "Month" : "Week starting", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "IT energy", "Wh");
  for (size_t p = 0; p < np; p++) {
    char name[32];
    S_period_name(name, k0 + (int64_t)p * step, months);
    tp_chart_add_category(&c->x, name);
  }
  double *sum = tp_xcalloc(np, sizeof *sum);
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    if (!tp_utc_dated(r->start_s) || r->energy.method == TP_ENERGY_NONE) continue;
    sum[(S_period(r->start_s, months) - k0) / step] += r->energy.it_j;
  }
  tp_chart_series *s = tp_chart_add_series(c, NULL, 0, TP_DRAW_BARS);
  for (size_t p = 0; p < np; p++) tp_chart_series_add(s, (double)p, sum[p] / TP_J_PER_WH);
  free(sum);
  return c;
}

/* ======================================================================== */
/* one experiment                                                            */
/* ======================================================================== */

tp_chart *tp_figures_exp_energy(const tp_lab *lab, const tp_experiment *e, char *const *labels) {
  if (e->n_configs == 0) return NULL;
  tp_chart *c = S_new(TP_CHART_BAR, "IT energy per configuration",
                      "Mean IT energy of the runs of each configuration; the whisker spans the "
                      "lowest to the highest run, so its length is the spread over repeats.");
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, "Configuration", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "IT energy per run", "Wh");
  tp_chart_series *s = tp_chart_add_series(c, NULL, 0, TP_DRAW_BARS);
  bool any = false;
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_stat *st = &e->configs[i].it_j;
    double x = (double)tp_chart_add_category(&c->x, labels[i]);
    if (st->n == 0) continue;
    any = true;
    if (st->n > 1)
      tp_chart_series_add_err(s, x, st->mean / TP_J_PER_WH, st->min / TP_J_PER_WH,
                              st->max / TP_J_PER_WH);
    else
      tp_chart_series_add(s, x, st->mean / TP_J_PER_WH);
  }
  (void)lab;
  if (!any) tp_chart_free(c), c = NULL;
  return c;
}

/* The name a run's series carries in a legend: its configuration's label on
 * the first run of that configuration, NULL (no legend entry) after. */
static const char *S_legend_once(const tp_experiment *e, char *const *labels, size_t run_index,
                                 bool *named, int *colour) {
  int ci = tp_figures_config_of_run(e, run_index);
  *colour = ci < 0 ? 0 : ci;
  if (ci < 0 || named[ci]) return NULL;
  named[ci] = true;
  return labels[ci];
}

static const char *S_goal(const tp_experiment *e) {
  return e->metric_higher_better ? "higher is better" : "lower is better";
}

tp_chart *tp_figures_exp_pareto(const tp_lab *lab, const tp_experiment *e, char *const *labels) {
  if (!e->metric_tag) return NULL;
  char *title = tp_xasprintf("Final %s against IT energy", e->metric_tag);
  char *desc = tp_xasprintf(
      "One marker per run: its last value of %s (%s) against its IT energy, coloured by "
      "configuration. The line is the Pareto front of the configurations' means: no other "
      "configuration is both cheaper and better.",
      e->metric_tag, S_goal(e));
  tp_chart *c = S_new(TP_CHART_SCATTER, title, desc);
  free(title);
  free(desc);
  tp_chart_axis_set(&c->x, TP_AXIS_NUMBER, "IT energy per run", "Wh");
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, e->metric_tag, NULL);
  c->y.si = false;
  double *mx = tp_xcalloc(e->n_configs + 1, sizeof *mx);
  double *my = tp_xcalloc(e->n_configs + 1, sizeof *my);
  size_t points = 0;
  for (size_t ci = 0; ci < e->n_configs; ci++) {
    const tp_config_group *g = &e->configs[ci];
    tp_chart_series *s = tp_chart_add_series(c, labels[ci], (int)ci, TP_DRAW_MARKERS);
    for (size_t i = 0; i < g->n_runs; i++) {
      const tp_run *r = lab->runs[g->runs[i]];
      double best, last;
      if (r->energy.method == TP_ENERGY_NONE ||
          !tp_lab_metric(r, e->metric_tag, e->metric_higher_better, &best, &last))
        continue;
      tp_chart_series_add(s, r->energy.it_j / TP_J_PER_WH, last);
      points++;
    }
    mx[ci] = g->it_j.n ? g->it_j.mean / TP_J_PER_WH : NAN;
    my[ci] = g->metric_last.n ? g->metric_last.mean : NAN;
  }
  if (e->n_configs > 1)
    tp_chart_add_pareto(c, "Pareto front", mx, my, e->n_configs,
                        e->metric_higher_better);
  free(mx);
  free(my);
  if (points == 0) tp_chart_free(c), c = NULL;
  return c;
}

/* Whether run's metric_cum_j holds the cumulative energy of each point of ser
 * (the experiment's main metric series, thinned together with it). */
static bool S_exact_cum(const tp_run *r, const tp_series *ser) {
  if (!r->metric_cum_j || r->n_metric_cum != ser->count || ser->count == 0) return false;
  for (size_t k = 0; k < ser->count; k++)
    if (isfinite(r->metric_cum_j[k])) return true;
  return false;
}

/* The description of a metric-curve chart; by energy, it says how the
 * energy at each point was found (exact where runs have it, else read off the
 * power profile). */
static char *S_curves_desc(const tp_lab *lab, const tp_experiment *e, bool by_energy) {
  if (!by_energy)
    return tp_xasprintf("%s (%s) of every run against the wall-clock time since "
                        "the run started.",
                        e->metric_tag, S_goal(e));
  size_t n_exact = 0, n_approx = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    const tp_series *ser = tp_run_find_series(r, e->metric_tag);
    if (!ser || !isfinite(r->start_s)) continue;
    if (S_exact_cum(r, ser)) n_exact++;
    else n_approx++;
  }
  const char *how = n_approx == 0 ? "the IT energy integrated from the run's start up to each point."
                    : n_exact == 0 ? "the energy is read off the power profile, scaled to the run's total."
                                   : "integrated up to each point where known, else read off the "
                                     "power profile and scaled to the run's total.";
  return tp_xasprintf("%s (%s) of every run at the IT energy the run had used "
                      "when it was logged: %s",
                      e->metric_tag, S_goal(e), how);
}

/* The points of one run's metric series ser into s, against the IT energy
 * used so far (Wh) or the time since the run's start; returns how many. */
static size_t S_add_curve(tp_chart_series *s, const tp_run *r, const tp_series *ser,
                          bool by_energy) {
  size_t points = 0;
  bool exact = by_energy && S_exact_cum(r, ser);
  S_clock clock;
  S_clock_init(&clock, r);
  for (size_t k = 0; k < ser->count; k++) {
    const tp_point *p = &ser->points[k];
    double x = !by_energy ? p->wall_time_s - r->start_s
               : exact    ? r->metric_cum_j[k] / TP_J_PER_WH
                          : S_clock_at(&clock, p->wall_time_s) / TP_J_PER_WH;
    if (!isfinite(x) || !isfinite(p->value)) continue;
    tp_chart_series_add(s, x, p->value);
    points++;
  }
  S_clock_free(&clock);
  return points;
}

/* The main metric of every run of e, against cumulative energy or time. */
static tp_chart *S_metric_curves(const tp_lab *lab, const tp_experiment *e, char *const *labels,
                                 bool by_energy) {
  if (!e->metric_tag) return NULL;
  char *title = tp_xasprintf(by_energy ? "%s against cumulative IT energy"
                                       : "%s against time since the run's start",
                             e->metric_tag);
  char *desc = S_curves_desc(lab, e, by_energy);
  tp_chart *c = S_new(TP_CHART_LINE, title, desc);
  free(title);
  free(desc);
  if (by_energy)
    tp_chart_axis_set(&c->x, TP_AXIS_NUMBER, "Cumulative IT energy", "Wh");
  else
    tp_chart_axis_set(&c->x, TP_AXIS_DURATION, "Time since start", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, e->metric_tag, NULL);
  c->y.si = false;
  bool *named = tp_xcalloc(e->n_configs + 1, sizeof *named);
  size_t points = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    const tp_series *ser = tp_run_find_series(r, e->metric_tag);
    if (!ser || !isfinite(r->start_s)) continue;
    int colour;
    const char *name = S_legend_once(e, labels, e->runs[i], named, &colour);
    tp_chart_series *s = tp_chart_add_series(c, name, colour, TP_DRAW_LINE_MARKERS);
    points += S_add_curve(s, r, ser, by_energy);
  }
  free(named);
  if (points == 0) tp_chart_free(c), c = NULL;
  return c;
}

tp_chart *tp_figures_exp_metric_energy(const tp_lab *lab, const tp_experiment *e,
                                       char *const *labels) {
  return S_metric_curves(lab, e, labels, true);
}

tp_chart *tp_figures_exp_metric_time(const tp_lab *lab, const tp_experiment *e,
                                     char *const *labels) {
  return S_metric_curves(lab, e, labels, false);
}

/* Total mean power over a run's devices in bucket i of its first profile, W;
 * NAN when no device has a sample there. */
static double S_total_power(const tp_run *r, size_t i, double *t_mid) {
  const tp_power_profile *p0 = &r->power[0];
  *t_mid = p0->t0_s + ((double)i + 0.5) * p0->dt_s;
  double sum = 0;
  bool any = false;
  for (size_t d = 0; d < r->n_power; d++) {
    const tp_power_profile *p = &r->power[d];
    if (!(p->dt_s > 0)) continue;
    double fi = floor((*t_mid - p->t0_s) / p->dt_s);
    if (!(fi >= 0 && fi < (double)p->n)) continue; /* NAN too (a profile without a start) */
    double w = tp_power_profile_mean(p, (size_t)fi);
    if (isfinite(w)) sum += w, any = true;
  }
  return any ? sum : NAN;
}

/* Points per run of the experiment's power chart over the longest run: about
 * one per point of the plot's width (some 260 pt of the default 480), so a
 * run's line is drawn at the plot's resolution and its CSV rows are as many. */
#define S_EXP_POWER_POINTS 200

/* Add to s run r's total power against the time since its start: the
 * buckets of its first profile whose middle lies in the run's window, taken
 * `group` at a time, each group as the mean of its buckets' times and
 * totals (buckets without samples left out).  Returns the points added. */
static size_t S_add_run_power(tp_chart_series *s, const tp_run *r, size_t group) {
  size_t points = 0, m = 0;
  double sum_t = 0, sum_w = 0;
  for (size_t k = 0, in = 0; k < r->power[0].n; k++) {
    double t, w = S_total_power(r, k, &t);
    if (t < r->start_s || t > r->end_s) continue;
    if (isfinite(w)) sum_t += t, sum_w += w, m++;
    bool flush = k + 1 == r->power[0].n || ++in % group == 0;
    if (!flush && !(r->power[0].t0_s + ((double)k + 1.5) * r->power[0].dt_s > r->end_s)) continue;
    if (m) tp_chart_series_add(s, sum_t / (double)m - r->start_s, sum_w / (double)m), points++;
    sum_t = sum_w = 0, m = 0;
  }
  return points;
}

tp_chart *tp_figures_exp_power(const tp_lab *lab, const tp_experiment *e, char *const *labels) {
  tp_chart *c = S_new(TP_CHART_LINE, "Power of each run",
                      "Total power drawn by the devices of each run (mean per time bucket, "
                      "about one bucket per point of the plot's width), against the time since "
                      "the run started; coloured by configuration.");
  tp_chart_axis_set(&c->x, TP_AXIS_DURATION, "Time since start", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Power", "W");
  double longest_s = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    if (r->n_power && isfinite(r->start_s) && isfinite(r->end_s))
      longest_s = fmax(longest_s, r->end_s - r->start_s);
  }
  double bucket_s = longest_s / S_EXP_POWER_POINTS;
  bool *named = tp_xcalloc(e->n_configs + 1, sizeof *named);
  size_t points = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    if (r->n_power == 0 || !isfinite(r->start_s)) continue;
    int colour;
    const char *name = S_legend_once(e, labels, e->runs[i], named, &colour);
    tp_chart_series *s = tp_chart_add_series(c, name, colour, TP_DRAW_LINE);
    double dt_s = r->power[0].dt_s, g = dt_s > 0 ? floor(bucket_s / dt_s) : 1;
    points += S_add_run_power(s, r, g >= 1 && g < 1e6 ? (size_t)g : 1);
  }
  free(named);
  if (points == 0) tp_chart_free(c), c = NULL;
  return c;
}

/* Sort distinct hparam values: numerically when both are numbers, else by text. */
static int S_hp_cmp(const void *a, const void *b) {
  const tp_hparam *x = *(const tp_hparam *const *)a, *y = *(const tp_hparam *const *)b;
  if (x->kind == TP_HP_NUMBER && y->kind == TP_HP_NUMBER && x->number != y->number)
    return x->number < y->number ? -1 : 1;
  return strcmp(x->text, y->text);
}

/* The categorical axes of a parallel chart, one per varying key: the
 * distinct values the key takes over the experiment's runs, sorted. */
typedef struct S_hp_axes {
  const char **keys;        /* the varying keys */
  size_t nk;                /* how many */
  const tp_hparam ***cats;  /* per key: its distinct values, sorted */
  size_t *ncats;            /* per key: how many values */
} S_hp_axes;

static void S_hp_axes_add(tp_chart *c, const tp_lab *lab, const tp_experiment *e, S_hp_axes *hx) {
  const tp_hparam **vals = tp_xcalloc(e->n_runs, sizeof *vals);
  hx->cats = tp_xcalloc(hx->nk, sizeof *hx->cats);
  hx->ncats = tp_xcalloc(hx->nk, sizeof *hx->ncats);
  for (size_t k = 0; k < hx->nk; k++) {
    tp_chart_paxis *ax = tp_chart_add_paxis(c, hx->keys[k], NULL, true);
    size_t n = 0;
    for (size_t i = 0; i < e->n_runs; i++) {
      const tp_hparam *hp = tp_run_find_hparam(lab->runs[e->runs[i]], hx->keys[k]);
      bool seen = !hp;
      for (size_t j = 0; j < n && !seen; j++) seen = strcmp(vals[j]->text, hp->text) == 0;
      if (!seen) vals[n++] = hp;
    }
    qsort(vals, n, sizeof *vals, S_hp_cmp);
    hx->cats[k] = tp_xcalloc(n + 1, sizeof **hx->cats);
    memcpy(hx->cats[k], vals, n * sizeof *vals);
    hx->ncats[k] = n;
    for (size_t j = 0; j < n; j++) tp_chart_paxis_add_category(ax, vals[j]->text);
  }
  free(vals);
}

static void S_hp_axes_free(S_hp_axes *hx) {
  for (size_t k = 0; k < hx->nk; k++) free(hx->cats[k]);
  free(hx->cats);
  free(hx->ncats);
  free(hx->keys);
}

/* Run r's values on the parallel axes into v: the category index of each
 * key (NAN when the run lacks it), its IT energy in Wh, its last metric. */
static void S_run_values(const tp_experiment *e, const tp_run *r, const S_hp_axes *hx, double *v) {
  size_t nk = hx->nk;
  for (size_t k = 0; k < nk; k++) {
    const tp_hparam *hp = tp_run_find_hparam(r, hx->keys[k]);
    v[k] = NAN;
    for (size_t j = 0; hp && j < hx->ncats[k]; j++)
      if (strcmp(hx->cats[k][j]->text, hp->text) == 0) v[k] = (double)j;
  }
  v[nk] = r->energy.method == TP_ENERGY_NONE ? NAN : r->energy.it_j / TP_J_PER_WH;
  double best, last = NAN;
  if (e->metric_tag && !tp_lab_metric(r, e->metric_tag, e->metric_higher_better, &best, &last))
    last = NAN;
  if (e->metric_tag) v[nk + 1] = last;
}

tp_chart *tp_figures_exp_parallel(const tp_lab *lab, const tp_experiment *e,
                                  char *const *labels) {
  S_hp_axes hx = {0};
  hx.keys = tp_figures_varying_keys(lab, e, &hx.nk);
  if (hx.nk == 0 || e->n_runs < 2) {
    free(hx.keys);
    return NULL;
  }
  tp_chart *c = S_new(TP_CHART_PARALLEL, "Hyperparameters, energy and metric",
                      "Parallel coordinates, one line per run coloured by configuration: the "
                      "hyperparameters that vary in this experiment, the run's IT energy and "
                      "the last value of the main metric.");
  c->height_pt = 320;
  size_t na = hx.nk + 1 + (e->metric_tag ? 1 : 0);
  S_hp_axes_add(c, lab, e, &hx);
  tp_chart_add_paxis(c, "IT energy", "Wh", false);
  if (e->metric_tag) tp_chart_add_paxis(c, e->metric_tag, NULL, false);
  double *v = tp_xcalloc(na, sizeof *v);
  for (size_t i = 0; i < e->n_runs; i++) {
    S_run_values(e, lab->runs[e->runs[i]], &hx, v);
    int ci = tp_figures_config_of_run(e, e->runs[i]);
    tp_chart_add_pline(c, ci < 0 ? 0 : ci, v);
  }
  for (size_t ci = 0; ci < e->n_configs; ci++) tp_chart_add_key(c, labels[ci], (int)ci);
  S_hp_axes_free(&hx);
  free(v);
  return c;
}

/* ======================================================================== */
/* one run                                                                   */
/* ======================================================================== */

tp_chart *tp_figures_run_power(const tp_run *run) {
  if (run->n_power == 0) return NULL;
  tp_chart *c = S_new(TP_CHART_LINE, "Power per device",
                      "Power drawn by each device (mean per time bucket) around the run; the "
                      "shaded band is the run's window, the time its energy is counted over.");
  tp_chart_axis_set(&c->x, TP_AXIS_TIME, "Time", NULL);
  c->x.origin_s = run->start_s; /* the CSV counts seconds from the run's start */
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Power", "W");
  c->y.zero = true;
  c->envelope_pt = 2; /* drawn at the plot's resolution; the CSV has every bucket */
  size_t points = 0;
  for (size_t d = 0; d < run->n_power; d++) {
    const tp_power_profile *p = &run->power[d];
    tp_chart_series *s = tp_chart_add_series(c, p->device, (int)d, TP_DRAW_LINE);
    for (size_t i = 0; i < p->n; i++) {
      double w = tp_power_profile_mean(p, i);
      if (!isfinite(w)) continue;
      tp_chart_series_add(s, p->t0_s + ((double)i + 0.5) * p->dt_s, w);
      points++;
    }
  }
  if (isfinite(run->start_s) && isfinite(run->end_s))
    tp_chart_add_band(c, run->start_s, run->end_s, "run");
  if (points == 0) tp_chart_free(c), c = NULL;
  return c;
}

tp_chart *tp_figures_run_energy(const tp_run *run) {
  S_clock clock;
  S_clock_init(&clock, run);
  if (!isfinite(S_clock_at(&clock, run->end_s))) {
    S_clock_free(&clock);
    return NULL;
  }
  tp_chart *c = S_new(TP_CHART_LINE, "Cumulative IT energy",
                      "IT energy used since the run's start; drawn from the power profile and "
                      "scaled so that it ends at the run's total.");
  tp_chart_axis_set(&c->x, TP_AXIS_TIME, "Time", NULL);
  c->x.origin_s = run->start_s;
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "IT energy", "Wh");
  c->y.zero = true;
  tp_chart_series *s = tp_chart_add_series(c, NULL, 0, TP_DRAW_LINE);
  const size_t k = 200;
  for (size_t i = 0; i <= k; i++) {
    double t = run->start_s + (run->end_s - run->start_s) * (double)i / (double)k;
    tp_chart_series_add(s, t, S_clock_at(&clock, t) / TP_J_PER_WH);
  }
  S_clock_free(&clock);
  return c;
}

tp_chart *tp_figures_run_series(const tp_run *run, const tp_series *ser) {
  size_t finite = 0;
  for (size_t i = 0; i < ser->count; i++) finite += isfinite(ser->points[i].value) ? 1 : 0;
  if (finite < 3) return NULL; /* a final value is a number, not a curve */
  char *desc = tp_xasprintf("Every logged value of %s against the training step.", ser->tag);
  tp_chart *c = S_new(TP_CHART_LINE, ser->tag, desc);
  free(desc);
  c->height_pt = 240;
  tp_chart_axis_set(&c->x, TP_AXIS_NUMBER, "Step", NULL);
  c->x.si = false;
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, ser->tag, NULL);
  c->y.si = false;
  tp_chart_series *s =
      tp_chart_add_series(c, NULL, 0, finite <= 40 ? TP_DRAW_LINE_MARKERS : TP_DRAW_LINE);
  for (size_t i = 0; i < ser->count; i++)
    if (isfinite(ser->points[i].value))
      tp_chart_series_add(s, (double)ser->points[i].step, ser->points[i].value);
  return c;
}

/* ======================================================================== */
/* what-ifs                                                                  */
/* ======================================================================== */

tp_chart *tp_figures_whatif_zones(const tp_whatif_zones *z) {
  if (!z || z->n == 0) return NULL;
  tp_chart *c = S_new(TP_CHART_BAR, "CO2e of the same energy by grid zone",
                      "The lab's facility energy priced at the annual carbon intensity of "
                      "each grid zone, from the cleanest to the dirtiest asked for.");
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, "Grid zone", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "CO2e", "g");
  tp_chart_series *s = tp_chart_add_series(c, "CO2e", 0, TP_DRAW_BARS);
  for (size_t i = 0; i < z->n; i++) {
    double x = (double)tp_chart_add_category(&c->x, z->rows[i].code);
    tp_chart_series_add(s, x, z->rows[i].co2e_kg * 1000);
  }
  return c;
}
