/* trace: what power and energy readers deliver, as a stream.
 *
 * A reader does not build arrays of samples (a week at 10 Hz on 8 GPUs is 50 M
 * of them); it hands each sample to a sink as it parses, and the energy model
 * integrates on the fly.  Samples of one device arrive in the order of the
 * file; the sink is told of each device once, before its first sample.
 *
 * Units: time in UTC epoch seconds, power in watts, cumulative energy in
 * joules.  Readers convert (mW, kWh, uJ, ...) before calling the sink.
 */
#ifndef TP_TRACE_H
#define TP_TRACE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum tp_sample_kind {
  TP_SAMPLE_POWER_W = 1,  /* instantaneous or short-average power, watts */
  TP_SAMPLE_ENERGY_J = 2  /* cumulative energy counter, joules (may wrap) */
} tp_sample_kind;

/* Which reading a power trace logged, where its reader knows (nvidia-smi's
 * query fields); the sensor table (data/power_sensor_uncertainty.csv) keys
 * its rows by the name.  Unsaid: the kind's default ("power.draw" for a GPU,
 * "power" for another device). */
typedef enum tp_power_field {
  TP_FIELD_UNSAID = 0,
  TP_FIELD_DRAW,          /* nvidia-smi power.draw (an average on A100/H100) */
  TP_FIELD_DRAW_AVERAGE,  /* nvidia-smi power.draw.average (over one second) */
  TP_FIELD_DRAW_INSTANT   /* nvidia-smi power.draw.instant */
} tp_power_field;

/* The field's name as nvidia-smi and the sensor table write it; NULL for
 * TP_FIELD_UNSAID. */
const char *tp_power_field_name(tp_power_field f);
/* The field named name[0..n) (case-insensitive), TP_FIELD_UNSAID if none. */
tp_power_field tp_power_field_of(const char *name, size_t n);

/* A per-run energy figure a tool declared itself (CodeCarbon's emissions.csv). */
typedef struct tp_declared {
  const char *run_name;   /* the tool's project name (CodeCarbon project_name), or NULL */
  const char *run_id;     /* the tool's run id (CodeCarbon run_id), or NULL */
  const char *experiment_id; /* the tool's experiment id, or NULL */
  double start_s, end_s;  /* the interval it covers, UTC epoch seconds (NAN if unknown) */
  double duration_s;      /* as declared; NAN if absent */
  double it_energy_j;     /* IT energy: the tool's figure with its own PUE divided out */
  double tool_pue;        /* the PUE the tool had applied (1.0 if none) */
  double cpu_j, gpu_j, ram_j; /* parts, NAN when absent */
  const char *hardware;   /* e.g. "1 x NVIDIA A100" (gpu_model), or NULL */
  const char *country;    /* the tool's location (ISO code), or NULL */
  long line;              /* line in the file, for provenance */
  bool measured;          /* the row shows the tool measured its CPU rather than guessing
                             from TDP (CodeCarbon: see tp_codecarbon_read) */
} tp_declared;

typedef struct tp_trace_sink {
  void *ctx;
  /* A device seen for the first time.  id: stable within the file ("gpu0",
   * "package-0", ...); name: hardware name or NULL; wrap_j: for counters, the
   * value at which the counter wraps to 0 (0 when unknown or not wrapping).
   * Returns the handle to pass with its samples. */
  int (*device)(void *ctx, const char *id, const char *name, tp_sample_kind kind, double wrap_j);
  /* One sample: power in W or cumulative energy in J, at t_s. */
  void (*sample)(void *ctx, int device, double t_s, double value);
  /* One declared figure (may be NULL when the caller has no use for them). */
  void (*declared)(void *ctx, const tp_declared *d);
  /* Which reading a device's power samples are, told right after the device
   * when the reader knows it (may be NULL when the caller has no use for it). */
  void (*field)(void *ctx, int device, tp_power_field f);
  /* Device id (the id announced to `device`) was held by scheduler job `job`
   * from start_s to end_s, as the trace says (DCGM's job label); told at the
   * end of the file (may be NULL when the caller has no use for it). */
  void (*hold)(void *ctx, const char *id, const char *job, double start_s, double end_s);
} tp_trace_sink;

/* ---- A summarising sink ------------------------------------------------------ */

/* Counts what a reader delivers: per device the number of samples and the
 * first and last (time, value); declared figures are kept (strings copied).
 * For `inspect`-style summaries, tests and benchmarks.  Memory grows with
 * devices and declared runs, not with samples; holds of devices by jobs are
 * kept too. */
typedef struct tp_power_tally_dev {
  char *id, *name;       /* as announced (name may be NULL) */
  tp_sample_kind kind;
  double wrap_j;
  size_t n;              /* samples */
  double t_first, v_first, t_last, v_last;
} tp_power_tally_dev;

/* A device held by a job, as the reader told it (strings owned). */
typedef struct tp_power_tally_hold {
  char *id, *job;
  double start_s, end_s;
} tp_power_tally_hold;

typedef struct tp_power_tally {
  tp_power_tally_dev *dev;
  size_t n_dev, cap_dev;
  size_t n_samples;
  tp_declared *decl;     /* copies; run_name/hardware/country owned */
  size_t n_decl, cap_decl;
  tp_power_tally_hold *holds; /* the holds told, in order */
  size_t n_holds, cap_holds;
} tp_power_tally;

/* A sink writing into t (which must start zeroed and outlive the sink). */
tp_trace_sink tp_power_tally_sink(tp_power_tally *t);
void tp_power_tally_free(tp_power_tally *t);

#endif
