/* lab: every run of a report, grouped into experiments and configurations.
 *
 * The lab owns its runs.  Grouping (tp_lab_group) happens once energies are
 * known: it assigns experiments (the directory that holds the run directories,
 * "." when runs sit directly in the argument), derives each run's
 * configuration (its hparams without seed-like and placement keys, "key=value" sorted by key,
 * joined with ", ", memory addresses of Python reprs left out), aggregates repeats (mean and sample standard deviation),
 * chooses each experiment's main metric, and sums the totals.
 *
 * Units: joules, seconds, kg CO2e; conversion to kWh happens in render.
 */
#ifndef TP_LAB_H
#define TP_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "model/carbon.h"
#include "model/config.h"
#include "model/diag.h"
#include "model/mem.h"
#include "model/run.h"

/* What the figures assume; written beside every total. */
typedef struct tp_assumptions {
  double pue;                 /* facility / IT energy */
  char *pue_source;           /* where the PUE came from ("--pue", a table row's source) */
  double intensity_g_per_kwh; /* constant intensity, or the series' mean when a series is used */
  char *intensity_source;     /* source text, with year */
  char *zone;                 /* zone code, or NULL */
  int intensity_year;         /* year of the figure, 0 when unknown */
  bool intensity_series;      /* priced interval by interval from a time series */
  char *timezone;             /* zone naive timestamps were read in, e.g. "UTC" */
  char *timezone_source;      /* "--timezone", "TZ environment", "default" */
  double wue_l_per_kwh;       /* on-site water per kWh of IT energy, L/kWh */
  char *wue_source;           /* where it came from; NULL: no water figures */
  double water_offsite_l_per_kwh; /* water per kWh of the grid's electricity, L/kWh */
  char *water_offsite_source; /* where it came from; NULL: no off-site water */
} tp_assumptions;

typedef struct tp_stat {
  size_t n;      /* values that went in (runs with a known figure) */
  double mean;   /* NAN when n == 0 */
  double sd;     /* sample standard deviation (n-1); NAN when n < 2 */
  double min, max;
} tp_stat;

/* What the configuration says about one experiment (all fields optional). */
typedef struct tp_lab_rule {
  char *experiment;    /* the experiment's name */
  char *metric_tag;    /* main metric, or NULL: chosen automatically */
  bool goal_set;       /* goal given; else inferred from the tag's name */
  bool goal_max;       /* higher is better */
  double target;       /* metric target, NAN when none */
  char **compare_by;   /* hparams that define a configuration, or NULL: all but seeds */
  size_t n_compare_by;
} tp_lab_rule;

typedef struct tp_config_group {
  char *config;        /* "batch_size=256, precision=fp32" ("" when no hparams) */
  size_t *runs;        /* indexes into tp_lab.runs, in id order */
  size_t n_runs;
  tp_stat it_j, facility_j, co2e_kg, duration_s;
  tp_stat metric_best, metric_last; /* of the experiment's main metric */
  size_t n_reached;    /* runs that reached the experiment's target */
  tp_stat target_it_j, target_time_s; /* energy and time to target, over runs that reached it */
} tp_config_group;

typedef struct tp_experiment {
  char *name;
  size_t *runs;        /* indexes into tp_lab.runs, in id order */
  size_t n_runs;
  tp_config_group *configs; /* sorted by config text */
  size_t n_configs;
  double it_j, facility_j, co2e_kg; /* sums over runs with known energy; NAN when
                                       no run of it has one (unknown, never 0) */
  size_t n_runs_with_energy; /* runs whose energy is known (the sums' runs) */
  double gpu_hours;    /* hours of GPUs charged to its runs: a traced GPU's covered
                          time, split among runs that shared it (each physical GPU
                          counts once per hour); an estimated or declared run's
                          GPU count x its duration */
  char *metric_tag;    /* main metric, or NULL when none could be chosen */
  bool metric_higher_better;
  char *metric_reason; /* why that tag: "configured", "named like val*acc*", ... */
  double target;       /* metric target, NAN when none */
  size_t *config_rank; /* config indexes ranked by mean energy-to-target (configs
                          that never reached it last), or NULL without a target */
} tp_experiment;

/* Totals of the runs that share one value of a key (a month, a GPU model, a
 * host, a tag's value): the lab archive's roll-ups. */
typedef struct tp_rollup {
  char *key;           /* "2026-03", "NVIDIA A100-SXM4-40GB", "gpu-a100-03", "project=x" */
  size_t n_runs;
  size_t n_runs_with_energy; /* of n_runs, those whose energy is known */
  double it_j, facility_j, co2e_kg, gpu_hours; /* energy sums NAN when no run has one */
} tp_rollup;

typedef struct tp_rollups {
  tp_rollup *items;    /* sorted by key */
  size_t count, cap;
} tp_rollups;

typedef struct tp_lab {
  tp_run **runs;       /* sorted by id after tp_lab_group */
  size_t n_runs, cap_runs;
  tp_experiment *experiments; /* sorted by name */
  size_t n_experiments;
  tp_assumptions assumptions;
  double it_j, facility_j, co2e_kg, gpu_hours; /* totals; the energy ones NAN when
                                                   no run has a known energy */
  size_t n_runs_with_energy;
  tp_rollups by_month;     /* by the UTC month a run started in ("2026-03") */
  tp_rollups by_gpu_model; /* by GPU name (runs on several models count in each, with
                              the energy of those devices; an estimated or declared
                              run under the model it names, with its GPUs' part
                              when that is known) */
  tp_rollups by_host;      /* by host ("unknown" when not known) */
  tp_rollups by_tag;       /* by lab-chosen tag, "key=value" */
  tp_intensity_series intensity_series; /* the series energy was priced with (count 0
                                           when a constant intensity was used) */
  tp_lab_rule *rules;  /* from the configuration */
  size_t n_rules, cap_rules;
  char **placement_keys; /* placement keys the configuration adds to the built-in
                            list (tp_lab_is_placement_key) */
  size_t n_placement_keys, cap_placement_keys;
  tp_diags diags;      /* diagnostics not tied to one run */
  struct tp_runspill *spill; /* where the runs' drawing data waits (model/runspill.h),
                                or NULL */
  struct tp_footprint_run *footprints; /* each run's footprint under footprint_tables,
                                          kept by tp_footprint_lab (model/footprint.h)
                                          while the profiles were in memory; or NULL */
  const struct tp_reftables *footprint_tables;
} tp_lab;

/* Take ownership of run. */
void tp_lab_add_run(tp_lab *lab, tp_run *run);
/* Add a rule for an experiment (copied). */
void tp_lab_add_rule(tp_lab *lab, const tp_lab_rule *rule);
const tp_lab_rule *tp_lab_rule_of(const tp_lab *lab, const char *experiment);

/* The configuration's experiments as rules (metric, goal, target,
 * compare_by), and its placement_keys. */
void tp_lab_add_config_rules(tp_lab *lab, const tp_config *cfg);
/* Apply the configuration to the runs read: its tags, the experiments whose
 * run globs match them, and its rules.  Call before tp_lab_assign. */
void tp_lab_apply_config(tp_lab *lab, const tp_config *cfg);

/* Sort runs; assign experiments (unless a run already has one), each run's
 * configuration text and each experiment's main metric.  Call once, after
 * the runs are read and before energies are integrated (so that the main
 * metric's points can be cut into the energy segments). */
void tp_lab_assign(tp_lab *lab);
/* Where each run first reached its experiment's target (run->target), from
 * its full series and metric_cum_j.  Call after tp_lab_assign and after the
 * energies, before series are thinned (tp_run_decimate). */
void tp_lab_compute_targets(tp_lab *lab);
/* Aggregate: configurations, repeats, targets, ranks and totals.  Call once,
 * after tp_lab_assign and after energies and CO2e are set. */
void tp_lab_aggregate(tp_lab *lab);
/* tp_lab_assign, tp_lab_compute_targets and tp_lab_aggregate, for callers
 * with no energy step in between. */
void tp_lab_group(tp_lab *lab);
void tp_lab_free(tp_lab *lab);

/* True for hparam keys that only pick a random seed ("seed", "*_seed",
 * "random_state", ...): runs differing only in them are repeats. */
bool tp_lab_is_seed_key(const char *key);
/* True for keys that say where a run was placed, not what it trained: the
 * built-in list (CUDA_VISIBLE_DEVICES, gpus, devices, num_nodes, local_rank,
 * world_size, ...: docs/configuration.md) and the configuration's
 * placement_keys (lab may be NULL: the built-in list only).  A key matches a
 * name when it is the name or ends with "." or "/" and the name
 * ("trainer.gpus", "config/gpus"), case-insensitively. */
bool tp_lab_is_placement_key(const tp_lab *lab, const char *key);
/* True for keys that define a configuration: not seed-like, not placement. */
bool tp_lab_is_config_key(const tp_lab *lab, const char *key);
/* Hours of one GPU device ("gpu*" ids; 0 for others) charged to its run: its
 * share of the covered time, covered_s where the share is not known. */
double tp_lab_device_gpu_hours(const tp_device_energy *dv);
/* GPU-hours of a run: its traced GPUs', or for an estimated or declared
 * figure the GPUs it was for x the run's duration; 0 when none. */
double tp_lab_run_gpu_hours(const tp_run *r);
/* Append an hparam's text as the configuration text shows it: Python reprs'
 * memory addresses (" at 0x7f3a2c>") left out, so that repeats group. */
void tp_lab_config_value(tp_buf *b, const char *text);
/* The config text of a run from its hparams: every config key, or only those
 * in compare_by when n_compare_by > 0 (caller frees).  lab gives the
 * placement keys (may be NULL). */
char *tp_lab_config_of(const tp_lab *lab, const tp_run *run, char *const *compare_by,
                       size_t n_compare_by);
/* The experiment a run belongs to after tp_lab_assign, or NULL. */
const tp_experiment *tp_lab_experiment_of(const tp_lab *lab, const tp_run *run);
/* The run's main metric series (its experiment's metric), or NULL. */
const tp_series *tp_lab_main_series(const tp_lab *lab, const tp_run *run);
/* IT energy of pieces pc[0..np), sorted by start, up to time t_s (a piece cut
 * by t_s counts in proportion to its time before t_s), J. */
double tp_energy_upto(const tp_energy_piece *pc, size_t np, double t_s);
/* Fill run->metric_cum_j: IT energy from the window's start to each point of
 * the main metric, from the run's energy pieces (cut at those points to be
 * exact); sorts pc by start.  Only for traced runs (integrated or measured). */
void tp_lab_metric_energy(const tp_lab *lab, tp_run *run, tp_energy_piece *pc, size_t np);

/* Best and last value of tag in run (best by higher_better); false if the
 * run has no finite value of tag. */
bool tp_lab_metric(const tp_run *run, const char *tag, bool higher_better, double *best,
                   double *last);

#endif
