/* uncertainty: ranges around every energy and CO2e figure of a lab.
 *
 * A figure of the report is a point value; this module adds the interval the
 * true figure lies in, given what is not known exactly.  Three sources:
 *
 *   coverage   A gap in a device's trace (the run's window minus the seconds
 *              the trace covered) is counted as 0 J in the point value, as
 *              the integrator leaves it.  The device cannot have drawn more
 *              than the highest power seen in the run's window during a gap,
 *              so the high bound adds gap seconds x peak_w.  The low bound
 *              stays at the measured figure: measured energy is a hard lower
 *              bound (and the point value, which counts a gap as 0, must lie
 *              in its range), while gap seconds x idle_w assumes the device was
 *              powered through the gap, which the traces do not show (a node
 *              that was switched off also leaves a gap).  The idle figure is
 *              kept beside the range (gap_idle_j) and stated in the exports,
 *              so a reader sees both bounds the trace gives; the point value
 *              stays equal to summary.json's.  A device with a gap but no
 *              power seen in the window is bounded by its rated power (its
 *              name looked up in the hardware table, as estimates do), so
 *              the high end never adds 0 for a gap; only a device whose
 *              name is unknown too stays unbounded (gap_unbounded).
 *   estimate   An energy estimated from rated power (TDP x utilization, see
 *              model/estimate.h) is an upper bound at utilization 1, so it
 *              is the high end; the low end is TP_ESTIMATE_LOW_SHARE of it.
 *   PUE        The PUE in force is exact when the user gave it.  When it is
 *              the default for an unknown data centre, its range runs from
 *              the most efficient provider fleet in the shipped
 *              cloud_regions.csv (a hyperscale data centre) to the highest
 *              regional average of the Uptime Institute survey
 *              (TP_PUE_UNKNOWN_HIGH).  A configured range replaces both.
 *   intensity  Priced interval by interval from a series: no range.  The
 *              world average (zone WORLD, used when no zone is given): the
 *              interdecile range (10th to 90th percentile) of the country rows
 *              of grid_intensity.csv, since an unknown grid may be any of
 *              them.  A known zone: the shipped tables give one annual value
 *              without a spread, so no range unless the options give a
 *              relative one or an absolute range.
 *
 *   sensor     The accuracy of the readings the energy came from, and
 *   sampling   the trapezoid rule's error between samples: model/footprint.h.
 *              IT energy = value x sensor x (1 +- sampling), the lows and the
 *              highs together; a declared figure takes its tool's row.
 *
 * Each source's part is kept as a factor [low, high] on the figure it acts
 * on (tp_factors): sensor, sampling, coverage and estimate on IT energy, PUE
 * on facility energy, intensity on CO2e.  A run's IT range is value x the
 * product of the low factors up to value x the product of the high ones,
 * plus the coverage bound (gap seconds x peak power) on the high side.  The
 * factors of a sum are its runs' factors weighted by the figure they act on
 * (IT, facility or CO2e energy of each run).
 *
 * Ranges combine by interval arithmetic: facility = IT x PUE takes the low
 * ends together and the high ends together, CO2e = facility x intensity
 * likewise; a sum of figures (experiment, lab) is the sum of the ranges; a
 * configuration's mean is the mean of its runs' ranges.  A configured range
 * that leaves out the value in force is widened to hold it.
 *
 * Units: joules, kg CO2e, gCO2e/kWh, as in the model.
 * Ownership: a tp_uncertainty owns its arrays (tp_uncertainty_free); its
 * text pointers are static or borrowed from the options.
 */
#ifndef TP_UNCERTAINTY_H
#define TP_UNCERTAINTY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/footprint.h"
#include "model/lab.h"
#include "model/reftable.h"

/* A point value and the interval that holds the true figure. */
typedef struct tp_range {
  double value;        /* the figure as the report gives it */
  double low, high;    /* bounds, low <= value <= high; all NAN when unknown */
} tp_range;

/* Highest regional average annual PUE in the Uptime Institute Global Data
 * Center Survey 2020 (Middle East and Africa 1.79; Europe lowest at 1.46):
 * Uptime Institute, "Which regions have the most energy efficient data
 * centers?", A. Lawrence, 24 Aug 2020. */
#define TP_PUE_UNKNOWN_HIGH 1.79
#define TP_PUE_UNKNOWN_HIGH_SOURCE                                                   \
  "Uptime Institute Global Data Center Survey 2020: highest regional average PUE " \
  "(Middle East and Africa) 1.79"

/* Low end of an estimate's range, as a share of it: CodeCarbon's "constant
 * mode" takes 50% of a CPU's TDP as its draw when it cannot measure (the
 * maintainers' description in mlco2/codecarbon issue #524); a run at less
 * than half its rated power on average would be lightly loaded indeed. */
#define TP_ESTIMATE_LOW_SHARE 0.5

typedef struct tp_uncertainty_opts {
  double pue_low, pue_high;             /* a PUE range to use; NAN: the rules above */
  double intensity_low, intensity_high; /* gCO2e/kWh range to use; NAN: the rules above */
  double intensity_rel;                 /* > 0: a zone without a spread gets value x (1 +- rel) */
} tp_uncertainty_opts;

/* The options that apply the rules above and nothing else. */
tp_uncertainty_opts tp_uncertainty_opts_default(void);

/* The sources of a range, in the order summary.json lists them. */
typedef enum tp_uncertainty_source {
  TP_US_SENSOR, TP_US_SAMPLING, TP_US_COVERAGE, TP_US_PUE, TP_US_INTENSITY, TP_US_ESTIMATE,
  TP_US_COUNT
} tp_uncertainty_source;

/* "sensor", "sampling", "coverage", "pue", "intensity", "estimate". */
extern const char *const tp_uncertainty_source_names[TP_US_COUNT];

/* Each source's part of a range as factors on the figure it acts on
 * (1 and 1: no part). */
typedef struct tp_factors {
  double low[TP_US_COUNT], high[TP_US_COUNT];
} tp_factors;

/* One run's gap and ranges. */
typedef struct tp_uncertainty_run {
  double gap_device_s;   /* device-seconds of the window no trace covered */
  double gap_idle_j;     /* the gaps priced at each device's idle_w (not in the range) */
  double gap_peak_j;     /* the gaps priced at each device's peak_w (the high bound's addition) */
  bool gap_unbounded;    /* a device with a gap had no power seen (no peak_w): the
                            high bound leaves that gap out */
  tp_range it_j, facility_j, co2e_kg;
  tp_factors factors;    /* each source's part of the ranges */
  tp_footprint_run fp;   /* sensor, sampling, embodied, idle (model/footprint.h) */
  double water_onsite_l, water_offsite_l; /* IT kWh x WUE, facility kWh x the grid's
                                             water intensity; NAN when unknown */
} tp_uncertainty_run;

/* Ranges of a sum (experiment, lab) or a mean (configuration). */
typedef struct tp_uncertainty_sum {
  tp_range it_j, facility_j, co2e_kg; /* all NAN when no run of it has a known energy */
  double gap_device_s, gap_idle_j, gap_peak_j; /* summed (mean for a configuration) */
  size_t n_known;      /* runs with a known energy that went in */
  tp_factors factors;  /* the runs' factors weighted by the figure each acts on */
  double weight[TP_US_COUNT]; /* private: the weights summed so far */
  double embodied_kg, water_onsite_l, water_offsite_l; /* summed (mean for a configuration);
                                                          NAN when no run has one */
  double idle_j, gpu_j; /* idle GPU energy and the GPU energy it is a share of */
} tp_uncertainty_sum;

typedef struct tp_uncertainty {
  tp_range pue;                 /* the PUE in force and its range */
  const char *pue_basis;        /* why that range (static text) */
  tp_range intensity;           /* gCO2e/kWh in force and its range (NAN with a series) */
  const char *intensity_basis;  /* why that range (static text) */
  tp_uncertainty_run *runs;     /* one per lab->runs[i], same order */
  size_t n_runs;
  tp_uncertainty_sum *experiments; /* one per lab->experiments[i] */
  size_t n_experiments;
  tp_uncertainty_sum **configs; /* configs[i][k]: mean over the runs of
                                   lab->experiments[i].configs[k] with energy */
  tp_uncertainty_sum total;     /* the whole lab */
} tp_uncertainty;

/* Fill *u for lab (after tp_lab_aggregate) with tables t (for the default
 * ranges; may be NULL: then no default range) and options o (NULL: defaults).
 * Runs without energy get NAN ranges and add nothing to sums. */
void tp_uncertainty_compute(tp_uncertainty *u, const tp_lab *lab, const tp_reftables *t,
                            const tp_uncertainty_opts *o);
void tp_uncertainty_free(tp_uncertainty *u);

/* ---- the pieces, exported for tests ------------------------------------ */

/* PUE range for an unknown data centre: value TP_PUE_DEFAULT, low the
 * lowest provider PUE in t's cloud regions (TP_PUE_DEFAULT when none), high
 * TP_PUE_UNKNOWN_HIGH. */
tp_range tp_uncertainty_pue_unknown(const tp_reftables *t);
/* Intensity range of an unknown grid: value `world`, low and high the 10th
 * and 90th percentiles (linear between order statistics) of the zones that
 * are countries in t (rows whose code is an alpha-2 code of t->countries);
 * widened to hold `world`.  Low = high = world when t has no country rows. */
tp_range tp_uncertainty_intensity_unknown(const tp_reftables *t, double world);
/* The p-quantile (0..1) of n values sorted ascending, linear between order
 * statistics (Hyndman & Fan type 7); NAN when n is 0. */
double tp_uncertainty_quantile(const double *sorted, size_t n, double p);

/* One run's ranges from its energy, PUE range and intensity range (a range
 * with NAN bounds means exact); t (may be NULL) gives the rated power of a
 * device with a gap but no power seen, and the sensor accuracy and embodied
 * emissions (none without it).  Water is left NAN (tp_uncertainty_compute
 * sets it from the lab's assumptions).  The CO2e range scales the run's effective
 * intensity by intensity.low / intensity.value and .high / .value. */
tp_uncertainty_run tp_uncertainty_of_run(const tp_run *run, tp_range pue, tp_range intensity,
                                         const tp_reftables *t);

/* Add range b to *a (value, low and high each); NAN parts of b add nothing. */
void tp_range_add(tp_range *a, tp_range b);
/* A range with value v and no spread. */
tp_range tp_range_exact(double v);

#endif
