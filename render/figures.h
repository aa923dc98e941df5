/* figures: the charts of the report, built from a priced lab.
 *
 * Each function below turns part of a tp_lab into a tp_chart (render/chart.h
 * decides how it looks); render/pages places the charts on the pages and
 * writes them as files.  A function returns NULL when there is nothing to
 * draw (no energy, no metric, no varying hyperparameter, ...), and the page
 * then leaves the chart out.
 *
 * Units: energies are drawn in Wh (the chart's SI prefixes make kWh, MWh),
 * CO2e in g (kg, t), power in W, times as UTC dates or as durations since a
 * run's start.  Configurations keep one colour across every chart of an
 * experiment: their index in tp_experiment.configs.
 *
 * Ownership: the caller frees a returned chart with tp_chart_free() and the
 * labels of tp_figures_config_labels with tp_figures_labels_free().
 */
#ifndef TP_FIGURES_H
#define TP_FIGURES_H

#include <stddef.h>

#include "model/lab.h"
#include "model/whatif.h"
#include "render/chart.h"

/* Short names of an experiment's configurations (one per config, in order):
 * only the hparams that vary within the experiment: "k=v" for one, the values
 * "v1 / v2" in key order (tp_figures_varying_keys) for several; "all runs"
 * when nothing varies. */
char **tp_figures_config_labels(const tp_lab *lab, const tp_experiment *e);
void tp_figures_labels_free(char **labels, size_t n);
/* The config keys whose values differ between the experiment's runs, sorted
 * (a NULL-terminated array of borrowed strings; the caller frees the array). */
const char **tp_figures_varying_keys(const tp_lab *lab, const tp_experiment *e, size_t *n);
/* Index of a run's configuration in e->configs, or -1. */
int tp_figures_config_of_run(const tp_experiment *e, size_t run_index);

/* ---- the lab (index page) ------------------------------------------------ */

/* IT and facility energy per experiment (grouped bars). */
tp_chart *tp_figures_lab_energy(const tp_lab *lab);
/* CO2e per experiment. */
tp_chart *tp_figures_lab_co2e(const tp_lab *lab);
/* IT energy per calendar week (or month, for spans of over half a year) of
 * all experiments; each run counts in the period it started, and runs whose
 * start has no calendar date (tp_utc_dated) are left out. */
tp_chart *tp_figures_lab_calendar(const tp_lab *lab);

/* ---- one experiment ---------------------------------------------------- */

/* Mean IT energy per configuration, with the range over its repeats. */
tp_chart *tp_figures_exp_energy(const tp_lab *lab, const tp_experiment *e, char *const *labels);
/* Final value of the main metric against IT energy, one marker per run, and
 * the Pareto front of the configurations' means. */
tp_chart *tp_figures_exp_pareto(const tp_lab *lab, const tp_experiment *e, char *const *labels);
/* The main metric of every run against its cumulative IT energy: the energy
 * integrated up to each point (run->metric_cum_j) where the run has it, else
 * read off its power profile (tp_figures_energy_at). */
tp_chart *tp_figures_exp_metric_energy(const tp_lab *lab, const tp_experiment *e,
                                       char *const *labels);
/* The main metric of every run against time since the run's start. */
tp_chart *tp_figures_exp_metric_time(const tp_lab *lab, const tp_experiment *e,
                                     char *const *labels);
/* Total power of every run (all its devices) against time since its start. */
tp_chart *tp_figures_exp_power(const tp_lab *lab, const tp_experiment *e, char *const *labels);
/* Parallel coordinates: varying hparams, IT energy and the main metric. */
tp_chart *tp_figures_exp_parallel(const tp_lab *lab, const tp_experiment *e,
                                  char *const *labels);

/* ---- one run ----------------------------------------------------------- */

/* Power of each device over time, the run's window shaded. */
tp_chart *tp_figures_run_power(const tp_run *run);
/* Cumulative IT energy over the run's window. */
tp_chart *tp_figures_run_energy(const tp_run *run);
/* One scalar series against step (NULL below three finite values). */
tp_chart *tp_figures_run_series(const tp_run *run, const tp_series *s);

/* Cumulative IT energy of run at time t_s, J: the power profiles integrated
 * from the run's start, scaled so that the end of the window gives the
 * run's IT energy (linear in time when the run has no profile).  NAN when
 * the run's energy or window is unknown. */
double tp_figures_energy_at(const tp_run *run, double t_s);

/* ---- what-ifs ------------------------------------------------------------ */

/* CO2e of the same facility energy in each zone of z (bars, in the order of
 * z's rows); NULL when z has no row. */
tp_chart *tp_figures_whatif_zones(const tp_whatif_zones *z);

#endif
