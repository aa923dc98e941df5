/* dcgm: NVIDIA dcgm-exporter series, as Prometheus or Grafana saved them,
 * turned into devices and samples.
 *
 * The two readers of saved DCGM metrics (prom.c: Prometheus query_range JSON;
 * grafana.c: Grafana panel CSV) find series with their labels and hand them
 * here; this module decides what each series is and delivers its values
 * through tp_emit:
 *
 * - Metrics: DCGM_FI_DEV_POWER_USAGE (W, integrated) and
 *   DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ since the driver loaded, a
 *   counter: measured).  Where a device has both, only the counter is used.
 *   A series without a metric name is a computed result (rate(), increase(),
 *   sum by ...: Prometheus extrapolates and drops the name) and is refused.
 * - A device is (host, UUID), else (host, gpu index): the host is the
 *   `Hostname` label (`hostname` in newer exporters), else `instance` without
 *   its port; `modelName` names it.  Its id is "<host>/gpu<index>" ("gpu<index>"
 *   without a host; the UUID stands for the index when there is none).
 * - The series of one device are merged by time: an answer holds one series
 *   per set of labels, each whole, in any order (a GPU whose job label comes
 *   and goes is an idle series with a hole and the job's series filling it;
 *   answers split in time; rows of a Grafana export out of order).  So every
 *   value is kept, per device and metric, until the end of the file, and the
 *   rules below (repeats, stale values, counter resets) then run over them in
 *   time order (a stable sort); a note says when values came out of order.
 * - Series that repeat a device's figures (MIG instances, GPU_I_ID; a GPU shared
 *   by two jobs, once per job label; the same series in two answers of one file)
 *   are one device: a value at a time the device already has is a repeat (the
 *   first read is kept) and is not delivered again, so nothing is counted twice.
 * - A series carrying a job label (`hpc_job`, `job_id`, or the label the
 *   configuration names, which comes first) says which Slurm job held the
 *   device while it has values: per device and job label, the holds (from a
 *   value to the last one before a pause longer than TP_DCGM_HOLD_GAP_S,
 *   widened by one sampling step each side: a label is only seen at scrapes)
 *   are kept, a GPU shared by two jobs holding one for each, and handed to
 *   the sink (tp_trace_sink.hold) at the end, with a note.
 * - A counter that goes back is a reset (driver reload): reported; the model
 *   does not count that interval.
 * - A value repeated for longer than twice the effective sampling interval
 *   (the time between changes of the series' values) is stale: a target
 *   gone, in an answer without staleness markers (federation, other
 *   backends), where the last value is repeated until the target comes back
 *   or the answer ends.  The repeats within that life are delivered, the
 *   later ones are not, so the trace has a gap there (or ends there), which
 *   lowers coverage; a warning says which device, metric and times.  For the
 *   energy counter this is sure: a counter stands still only while the GPU
 *   draws nothing, which a powered GPU never does.  For power alone it is a
 *   rule: a GPU whose reading truly stays exactly the same for that long
 *   (a steady idle value of a coarse reading) loses those samples to a gap,
 *   said and shown as coverage, never as energy made up; a series whose
 *   values never change at all has no effective interval and is kept whole.
 *   (Repeats are held back until a new value or the end, at most S_HELD of
 *   them per device; past that the stretch is judged as it grows.)
 * - At the end, a note per metric tells the sampling: how often samples come
 *   and how often their values change (DCGM collects every 30 s by default
 *   while Prometheus may scrape faster, so values repeat): the effective
 *   sampling interval.
 *
 * Readers that cannot know whether a counter exists before a power series
 * comes (both metrics in one file, any order) read twice: a survey pass
 * (tp_dcgm_survey) that only notes which devices have counters, then the
 * delivering pass.  Memory holds the values delivered (as many as the trace
 * keeps: 24 bytes each) until the end of the file; a power series passed over
 * for a counter is not kept.
 */
#ifndef TP_DCGM_H
#define TP_DCGM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/power/power_reader.h"

#define TP_DCGM_POWER_METRIC "DCGM_FI_DEV_POWER_USAGE"
#define TP_DCGM_ENERGY_METRIC "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"

/* The labels of one series that matter here (values truncated to fit). */
typedef struct tp_dcgm_labels {
  bool has_name;       /* a __name__ (the metric) was given */
  char name[64];       /* the metric name */
  char hostname[128];  /* Hostname / hostname label */
  char instance[128];  /* instance label, port removed */
  char gpu[32];        /* gpu index label */
  char uuid[96];       /* UUID / uuid label */
  char model[96];      /* modelName label */
  char mig[32];        /* GPU_I_ID label: a MIG instance */
  char job[96];        /* hpc_job / job_id label (the configured label's value,
                          when that is among the others, replaces it) */
  char other[512];     /* the labels not named above: "key\0value\0" pairs, as
                          many as fit (a configured job label is looked up here) */
  size_t n_other;      /* bytes of other used */
} tp_dcgm_labels;

/* A pause longer than this between two values of a job's series on a device
 * ends one hold of the device by the job (Prometheus's staleness lookback:
 * a series absent for 5 minutes has ended). */
#define TP_DCGM_HOLD_GAP_S 300.0

void tp_dcgm_labels_clear(tp_dcgm_labels *l);
/* Take label key[0..kn) = value[0..vn); labels of no interest are ignored. */
void tp_dcgm_labels_set(tp_dcgm_labels *l, const char *key, size_t kn, const char *value,
                        size_t vn);

typedef struct tp_dcgm_dev tp_dcgm_dev; /* private to dcgm.c */
typedef struct tp_dcgm_ser tp_dcgm_ser; /* private to dcgm.c */

typedef struct tp_dcgm {
  tp_emit *e;             /* where samples go */
  tp_rdiag *rd;           /* problems */
  bool survey;            /* survey pass: note counters, deliver nothing, say nothing */
  const char *job_label;  /* the configured job label (besides hpc_job, job_id), or NULL */
  tp_dcgm_dev *dev;       /* devices by (host, UUID or index) */
  size_t n_dev, cap_dev;
  tp_dcgm_ser *ser;       /* series of the delivering pass: the handles */
  size_t n_ser, cap_ser;
  size_t n_unnamed;       /* series refused: no metric name (computed results) */
  size_t n_other;         /* series of other metrics, skipped */
  size_t n_no_device;     /* series naming no GPU, skipped */
  size_t n_power_unused;  /* power series not used: the device has a counter */
  size_t n_repeats;       /* values not delivered: a repeat of a delivered time */
  size_t n_series;        /* series used */
  size_t n_streams;       /* device metrics with values kept (delivering pass) */
  size_t n_stale;         /* stretches of stale repeats (mid-file or at the end) */
  double stale_s;         /* seconds of stale repeats not counted */
} tp_dcgm;

/* Start over a reader's emitter e; opt gives the configured job label
 * (opt->job_label, may be NULL). */
void tp_dcgm_init(tp_dcgm *g, tp_emit *e, const tp_power_options *opt);
void tp_dcgm_free(tp_dcgm *g);
/* Start the delivering pass after a survey pass (what the survey noted stays). */
void tp_dcgm_deliver(tp_dcgm *g);

/* A series with labels l, first met at `line`.  Returns the handle to pass
 * with its values, or -1 when its values are not to be read (refused, another
 * metric, a power series of a device with a counter, or the survey pass);
 * refusals are reported (once per kind, with a count at the end). */
int tp_dcgm_series(tp_dcgm *g, const tp_dcgm_labels *l, int64_t line);
/* One value of series h (as the exporter gives it: W or mJ) at t_s: kept (a
 * time that is not finite is reported and dropped), and delivered by
 * tp_dcgm_finish with the device's other values, merged by time. */
void tp_dcgm_value(tp_dcgm *g, int h, double t_s, double value, int64_t line);
/* The end of the delivering pass: each device's values kept, merged by time,
 * through the rules to the sink; the notes: counts of what was left out, and
 * the sampling of each metric; the holds of job labels go to the sink. */
void tp_dcgm_finish(tp_dcgm *g);

#endif
