/* footprint: what a run's energy figure does not say by itself.
 *
 * Four things, each from the run's own data and the shipped tables
 * (data/README.md names every source):
 *
 *   sensor     The relative accuracy of the readings the energy came from:
 *              power_sensor_uncertainty.csv, keyed by the device's name (a
 *              pattern such as "A100"), the kind of reading (the nvidia-smi
 *              field the trace logged, e.g. "power.draw.instant", where its
 *              reader said; else "power.draw" for power samples of a GPU,
 *              "power" for other devices, "counter"
 *              for energy counters, "declared" for a tool's own figure) and
 *              the sampling interval.  The first row that fits wins; a row
 *              with device "*" fits any name.
 *   sampling   The error of integrating samples by the trapezoid rule: over
 *              one interval between samples the true energy differs from the
 *              trapezoid by at most |dP| x dt / 2 when the power moves
 *              monotonically between them.  The run keeps its power as a
 *              bounded profile (model/run.h), so |dP| is bounded by the range
 *              of the profile's bucket and of the next bucket with samples:
 *                sampling_j <= 1/2 x sum_b (max(hi_b, hi_n) - min(lo_b, lo_n)) x dt_b
 *              with dt_b the time from bucket b to the next with samples (at
 *              most one bucket plus four sampling intervals: longer is a gap,
 *              which coverage bounds).  Relative to the energy the profile
 *              gives (mean power x covered seconds), it is applied to the
 *              device's charged energy.
 *   embodied   Manufacturing emissions of the GPUs and their servers
 *              (embodied.csv), amortized per GPU-hour over service life x
 *              utilization: (gpu_kg + server_kg / gpus_per_server) /
 *              (life_years x 8760 h x utilization), times the run's GPU-hours.
 *   idle       GPU energy drawn while a GPU was idle: profile buckets whose
 *              mean power is at most TP_IDLE_TDP_SHARE of the GPU's rated
 *              power (hardware_tdp.csv); a GPU whose rating is unknown adds
 *              nothing.
 *
 * Units: joules, seconds, watts, kg CO2e, as in the model.
 */
#ifndef TP_FOOTPRINT_H
#define TP_FOOTPRINT_H

#include <stdbool.h>

#include "model/lab.h"
#include "model/reftable.h"
#include "model/run.h"

/* A GPU drawing at most this share of its rated power is idle: an idle
 * A100 (400 W) draws about 50-60 W, an idle H100 (700 W) about 70 W. */
#define TP_IDLE_TDP_SHARE 0.2
/* Hours in a year of service (365 days). */
#define TP_H_PER_YEAR 8760.0

/* The footprint pieces of one run. */
typedef struct tp_footprint_run {
  double sensor_low, sensor_high; /* factors on IT energy (0.95, 1.05), energy-weighted over
                                     devices; 1 and 1 when no row fits */
  double sampling_rel;            /* sampling bound / IT energy, >= 0 */
  double embodied_kg;             /* amortized manufacturing emissions; NAN: no GPU-hours */
  double idle_j;                  /* GPU energy drawn while idle; NAN: not known */
  double gpu_j;                   /* GPU energy the idle share is of; NAN: not known */
  const tp_sensor_accuracy *sensor_row; /* the row of the device with most energy, or NULL */
  double sensor_row_j;            /* private: that device's energy */
  const tp_embodied *gpu_row, *server_row; /* embodied rows used (last device's), or NULL */
} tp_footprint_run;

/* The first sensor row for a device named `name` (may be NULL), a reading
 * `field` and a sampling interval (NAN: any band); NULL when none fits. */
const tp_sensor_accuracy *tp_footprint_sensor_row(const tp_reftables *t, const char *name,
                                                  const char *field, double interval_s);

/* The sampling bound of a device's profile over [start_s, end_s] in joules,
 * with the energy the profile gives (*profile_j) and the mean interval
 * between its samples (*interval_s, NAN when under two samples).  0 for
 * an empty profile. */
double tp_footprint_sampling_j(const tp_power_profile *p, double start_s, double end_s,
                               double covered_s, double *profile_j, double *interval_s);

/* Embodied kg CO2e per GPU-hour of a GPU named `name`: its GPU row plus its
 * server row's share (each the first row whose model is a substring of the
 * name, else the "*" row); the rows used in *gpu_row and *server_row (may
 * be NULL).  NAN when neither fits. */
double tp_footprint_embodied_per_gpu_h(const tp_reftables *t, const char *name,
                                       const tp_embodied **gpu_row,
                                       const tp_embodied **server_row);

/* The share of profile p's energy over [start_s, end_s] drawn in buckets
 * whose mean is at most idle_w; NAN when the profile holds no energy. */
double tp_footprint_idle_share(const tp_power_profile *p, double start_s, double end_s,
                               double idle_w);

/* All of the above for one run (t may be NULL: factors 1, no embodied).
 * Reads its power profiles, holding them (model/runspill.h). */
tp_footprint_run tp_footprint_of_run(const tp_run *run, const tp_reftables *t);

/* Keep every run's footprint under tables t in lab->footprints (what was
 * kept before is replaced), so that tp_footprint_of_lab_run need not read
 * the profiles again: call once the profiles are final, and
 * tp_footprint_lab_clear before t is freed (the footprints point at its
 * rows).  Runs are taken on `threads` threads
 * (at least one; this one among them). */
void tp_footprint_lab(tp_lab *lab, const tp_reftables *t, int threads);
void tp_footprint_lab_clear(tp_lab *lab);
/* Run lab->runs[i]'s footprint under t: the one kept for t, else
 * tp_footprint_of_run. */
tp_footprint_run tp_footprint_of_lab_run(const tp_lab *lab, size_t i, const tp_reftables *t);

#endif
