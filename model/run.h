/* run: one training run as the model holds it.
 *
 * A run is what a lab thinks of as one training job: its scalar series (one per
 * tag), hyperparameters, the wall-clock window it trained in, the files it was
 * read from, and what went wrong while reading them.  Readers fill it through
 * the functions below; they never touch the arrays directly, so that the
 * restart rule (see tp_run_add_scalar) holds for every format.
 *
 * Times are seconds since the Unix epoch (UTC) as doubles; NAN where unknown.
 * Ownership: a tp_run owns every string and array it points to;
 * tp_run_free() releases all of it.
 */
#ifndef TP_RUN_H
#define TP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/diag.h"
#include "model/trace.h"

/* The earliest wall-clock time a training log can plausibly hold:
 * 1990-01-01T00:00:00Z, UTC epoch seconds.  A time before it is a unit or
 * column read wrongly (an offset taken for an epoch), not a date. */
#define TP_TIME_PLAUSIBLE_FROM_S 631152000.0

typedef struct tp_point {
  int64_t step;       /* training step as logged (0 when the format has none) */
  double wall_time_s; /* when it was logged, UTC epoch seconds; NAN if unknown */
  double value;       /* the scalar, widened to double exactly (NaN/Inf kept) */
} tp_point;

/* What a series held before it was thinned for drawing (tp_run_decimate). */
typedef struct tp_series_stats {
  size_t count;          /* points logged (after restarts resolved) */
  int64_t first_step, last_step;
  double first, last;    /* first and last finite values; NAN if none */
  double last_raw;       /* the last value as logged (may be NaN or Inf) */
  double min, max;       /* over finite values; NAN if none */
} tp_series_stats;

typedef struct tp_series {
  char *tag;          /* metric name, e.g. "val/acc" */
  tp_point *points;   /* in the order they were logged, after restarts resolved;
                         thinned to at most TP_SERIES_MAX_POINTS by tp_run_decimate */
  size_t count, cap;
  bool decimated;     /* points were thinned: stats holds the full series' figures */
  bool stats_kept;    /* stats holds the series' figures though it was not thinned
                         (its points were moved out: model/runspill.h) */
  tp_series_stats stats; /* valid when decimated or stats_kept (else use
                            tp_series_get_stats) */
  int restarts;       /* times a point's step went below the step of the series'
                         previous point (training resumed or logged again); set
                         while reading, not kept by the summary codecs */
  size_t dropped;     /* points removed by a purge (see tp_run_add_scalar) */
  size_t doubled;     /* points dropped because another format of the run logs the
                         series too (see tp_run_add_scalar) */
  int64_t last_step;  /* private: step of the point logged last, purged or not */
  const char *source; /* private: the format its points come from (tp_run.reading) */
  const char *doubled_by; /* private: the format whose points were dropped */
} tp_series;

#define TP_SERIES_MAX_POINTS 2000

/* NULL: the input says the value is none (YAML null/~/empty, JSON null, an
 * MLflow param or tfevents string that is Python's repr of None); shown as
 * JSON null, never as the string "None".  (Appended last: the cache codec
 * stores the kind as its number.) */
typedef enum tp_hparam_kind { TP_HP_STRING, TP_HP_NUMBER, TP_HP_BOOL, TP_HP_NULL } tp_hparam_kind;

typedef struct tp_hparam {
  char *key;            /* flattened key, e.g. "optimizer" or "model.depth" */
  tp_hparam_kind kind;
  char *text;           /* the value as text: strings as given, numbers in shortest
                           round-trip form ("0.1", "32"), bools "true"/"false",
                           null "null" */
  double number;        /* NUMBER: the value; BOOL: 1 or 0; STRING, NULL: NAN */
  char *source;         /* the file it came from */
} tp_hparam;

/* Summaries that are counted but not decoded (histograms, images, ...). */
typedef struct tp_tagcount {
  char *tag;
  char *kind;           /* "histogram", "image", "audio", "text", "graph", "tensor", ... */
  uint64_t count;
} tp_tagcount;

/* One input file of a run, for provenance. */
typedef struct tp_input {
  char *path;           /* as given on the command line joined with the walk */
  char *format;         /* reader that took it: "tfevents", "hparams.yaml", ... */
  uint64_t size;        /* bytes at the time it was read */
  int64_t mtime_s;      /* modification time, epoch seconds */
  char sha256[65];      /* hex digest of the bytes read, "" when not computed */
  double energy_j;      /* IT energy this file gave the run (a trace, a declared
                           row, the configuration of an estimate), joules; NAN
                           when it gave none */
} tp_input;

/* Energy of one device within the run's window (filled by model/energy). */
typedef struct tp_device_energy {
  char *id;             /* "gpu0", "cpu-package-0", ... */
  char *name;           /* hardware name when the trace gives one, else NULL */
  double energy_j;      /* IT energy attributed to this run, joules */
  double covered_s;     /* seconds of the run's window the trace covered */
  double peak_w, idle_w;/* highest and lowest power seen in the window; NAN if none */
  double share_s;       /* seconds of covered_s charged to this run: each covered
                           second divided by the number of runs sharing the device
                           then, as its energy is (so a shared GPU's hours add up to
                           its own once over all runs); 0 when not known (summaries
                           of older versions): covered_s stands in */
  char *host;           /* host the trace declares (the configuration's power
                           entry), else NULL: see tp_run_device_host */
  tp_power_field field; /* which reading its power samples were, when the trace said */
} tp_device_energy;

typedef enum tp_energy_method {
  TP_ENERGY_NONE = 0,   /* no trace, no hardware, no declared energy: unknown */
  TP_ENERGY_INTEGRATED, /* power samples integrated over the window */
  TP_ENERGY_MEASURED,   /* cumulative energy counters differenced */
  TP_ENERGY_ESTIMATED,  /* rated hardware power x utilization x duration */
  TP_ENERGY_DECLARED    /* a tool's own figure (CodeCarbon), its PUE divided out */
} tp_energy_method;

typedef struct tp_run_energy {
  tp_energy_method method;
  double coverage;      /* share of the window covered by traces, 0..1 (1 for
                           estimated/declared, 0 for none) */
  double it_j;          /* IT energy, joules */
  double facility_j;    /* it_j x PUE */
  double co2e_kg;       /* facility energy x carbon intensity */
  double intensity_g_per_kwh; /* effective (time-weighted) intensity used */
  tp_device_energy *devices;
  size_t n_devices;
  bool shared;          /* overlapped another run on the same devices; energy split */
  double gpu_count;     /* ESTIMATED or DECLARED: the GPUs the figure is for (the
                           declared hardware, the run's metadata, CodeCarbon's
                           gpu_model "N x ..."), for GPU-hours; 0 when none or unknown */
  char *gpu_model;      /* ... and their model as written (owned), or NULL */
  double gpu_j;         /* ... and the GPUs' part of it_j, joules; NAN when not known */
  bool declared_measured; /* DECLARED: every row charged shows the tool measured (CodeCarbon
                             read the CPU, not a TDP guess); false for Slurm's figures */
} tp_run_energy;

/* A run's power over time, kept for drawing only (energy figures come from
 * the integrator, not from this).  Bounded: TP_POWER_BUCKETS buckets over the
 * run's window widened by a tenth of its length on each side, whatever the
 * length of the trace.  Bucket i spans [t0_s + i*dt_s, t0_s + (i+1)*dt_s). */
#define TP_POWER_BUCKETS 480
typedef struct tp_power_profile {
  char *device;         /* device id, e.g. "gpu0" */
  double t0_s, dt_s;    /* start and width of the buckets, UTC epoch seconds */
  size_t n;             /* number of buckets */
  double *sum_w;        /* sum of the power samples in each bucket, W (mean =
                           sum_w / count: tp_power_profile_mean) */
  double *max_w, *min_w;/* extremes in each bucket; NAN if none.  Both NULL while
                           no bucket has two samples (the extremes of one sample
                           are its sum_w): read them through tp_power_profile_max
                           and _min */
  uint32_t *count;      /* samples in each bucket */
  bool extremes_out;    /* private to model/runspill.c: max_w and min_w were put out */
  uint64_t out_samples, out_sampled; /* private to model/runspill.c: what
                                        tp_power_profile_counts gave when the
                                        arrays were put out */
} tp_power_profile;

/* A share of a run's IT energy over [start_s, end_s) (see tp_energy_profile). */
typedef struct tp_energy_piece {
  double start_s, end_s;        /* UTC epoch seconds */
  double energy_j;              /* IT energy attributed to the run in it, joules */
} tp_energy_piece;

/* One row of an intensity series (model/carbon.h). */
typedef struct tp_intensity_row {
  double t_s;                  /* UTC epoch seconds from which the row holds */
  double intensity_g_per_kwh;  /* gCO2e per kWh */
} tp_intensity_row;

/* What one trace gave a run, kept with its samples so that runs that shared
 * the trace's devices but were scanned apart can be split again when brought
 * together (model/resplit.h).  Filled by model/attrib only when the integrator
 * kept samples (`scan`); the samples are those of every interval of the
 * device that meets the run's window, so that integrating them over the window
 * gives what the whole trace gives. */
typedef struct tp_use_device {
  char *id, *name;      /* device id and hardware name (NULL if none) */
  tp_sample_kind kind;  /* power samples (W) or a cumulative counter (J) */
  double wrap_j;        /* counter wrap value, 0 when unknown */
  double typical_s;     /* the device's typical sampling interval in the whole trace, s */
  double energy_j, covered_s, share_s; /* what it gave the run (split as scanned) */
  double *t_s, *v;      /* samples: UTC epoch seconds and W or J, in time order */
  size_t n;
  tp_power_field field; /* which reading the power samples are, when the trace said */
} tp_use_device;

/* A device of the trace held by a scheduler job, as the trace told it (DCGM's
 * job label, model/energy.h tp_energy_hold), kept with a job's run so that
 * the runs of jobs scanned apart are charged by the labels again. */
typedef struct tp_use_hold {
  char *device, *job;   /* the device id and the job's id */
  double start_s, end_s; /* UTC epoch seconds */
} tp_use_hold;

typedef struct tp_trace_use {
  char *path;           /* the trace, as the run's input names it */
  char sha256[65];      /* its content digest (hex) */
  char *host;           /* the host the trace declares, or NULL: its devices are
                           that host's (tp_energy_same_device) */
  tp_use_device *devs;  /* the devices it gave energy for */
  size_t n_devs;
  tp_energy_piece *pieces; /* that energy by segment, for pricing and energy-to-point */
  size_t n_pieces;
  char **split_with;    /* ids of the runs it was already split against */
  size_t n_split_with;
  tp_use_hold *holds;   /* of a job's run: the trace's holds of its devices that
                           meet its window (any job's) */
  size_t n_holds;
  bool holds_kept;      /* holds were kept (a job's run, scanned with them): a
                           summary without them cannot be charged by labels again */
  bool resplit;         /* render integrated it again with every run of its trace
                           (model/resplit.h); not kept */
} tp_trace_use;

typedef struct tp_run_index tp_run_index; /* private: tag -> series, key -> hparam lookups */

/* Where a run first reached its experiment's metric target (see model/lab.h). */
typedef struct tp_target {
  bool set;             /* the experiment has a target */
  bool reached;         /* some logged point reached it */
  double value;         /* the target */
  int64_t step;         /* step of the first point that reached it */
  double time_s;        /* seconds from the run's start to that point */
  double it_j;          /* IT energy from the run's start to that point, J; NAN if unknown */
} tp_target;

typedef struct tp_run {
  char *id;             /* '/'-separated path relative to the argument it was found under */
  char *dir;            /* its directory on disk */
  char *experiment;     /* experiment name ("." when runs sit directly in the argument) */

  tp_series *series;    /* one per scalar tag, in order of first appearance */
  size_t n_series, cap_series;
  tp_run_index *index;

  tp_hparam *hparams;   /* sorted by key once tp_run_finish() has run */
  size_t n_hparams, cap_hparams;
  tp_run_index *hp_index;

  tp_tagcount *skipped; /* non-scalar summaries per tag */
  size_t n_skipped, cap_skipped;

  tp_input *inputs;
  size_t n_inputs, cap_inputs;

  double start_s, end_s;    /* wall-clock window, UTC epoch seconds; NAN if unknown */
  const char *window_source;/* static text: "event wall times", "log timestamps",
                               "declared duration", or NULL */
  double declared_duration_s; /* e.g. HF train_runtime; NAN if none */
  char **time_sources;      /* private: "file (field)" texts named by
                               tp_run_time_source, for tp_run_check_window */
  size_t n_time_sources;
  int time_source;          /* private: index of the current one, -1: none */
  int start_source, end_source; /* private: where start_s and end_s came from, -1: unknown */
  int restarts;             /* restarts of the run: the most restarts of any one scalar
                               series (tp_series.restarts); series that never go back
                               count none, whatever other series or non-scalar
                               events do */
  const char *reading;      /* private: static name of the format being read ("tfevents",
                               "lightning-csv", ...), set by readers; NULL when unknown */
  struct {
    double file_version;    /* Event.file_version of the latest one read ("brain.Event:2"
                               gives 2), 0 until one is read, -1 when unparseable */
    int64_t recent_step;    /* step of the latest event that did not purge; -1 at first */
  } tb;                     /* private to parser/logs/tfevents.c: TensorBoard's accumulator
                               state, carried over the run's event files in order */

  tp_run_energy energy;
  char *config;             /* configuration text, set by tp_lab_assign */
  char *host;               /* machine it ran on (from log file names or the
                               configuration), or NULL */
  struct tp_slurm_job *job; /* the scheduler job this run is (model/slurmjob.h; owned),
                               or NULL */
  char **tag_keys, **tag_values; /* lab-chosen tags (project, person, ...) */
  size_t n_tags, cap_tags;
  double *metric_cum_j;     /* IT energy from the window's start to each point of the
                               experiment's main metric series (same order; NAN where
                               unknown), or NULL; filled by whoever integrates energy */
  size_t n_metric_cum;
  tp_target target;
  tp_power_profile *power;  /* per device, for drawing (see tp_power_profile) */
  size_t n_power, cap_power;
  tp_trace_use *uses;       /* traces that gave energy, with samples (`scan` only) */
  size_t n_uses, cap_uses;
  tp_intensity_row *intensity_rows; /* with a series (`scan` only): the rows that price
                               the window (the one in force at its start through the
                               first after its end), so that render can price again */
  size_t n_intensity_rows;
  double intensity_interval_s; /* the series' typical row interval, s */
  tp_diags diags;           /* diagnostics about this run's inputs */
  struct {
    struct tp_runspill *store; /* where its points and power profiles wait while they
                                  are not drawn, or NULL (they stay in memory) */
    uint64_t series_at, power_at; /* their offsets in the store */
    bool series_out, power_out;   /* put out (the arrays are NULL unless held) */
    bool series_changed;       /* the points changed while held: written again */
    bool power_changed;        /* the profiles changed while held: written (again) */
    unsigned series_holds;     /* holds of the points not yet released */
    unsigned power_holds;      /* holds of the profiles not yet released */
    char series_fp[33], power_fp[33]; /* fingerprints (model/hash.h) of the bytes last
                                         written of each: valid while put out */
  } spill;                  /* private to model/runspill.c */
} tp_run;

/* The host device d of run r is on: the HOST of an id "HOST/gpuN" (DCGM
 * metrics of several hosts; written into buf of n bytes), else the host its
 * trace declares, else the run's own host, else NULL (unknown). */
const char *tp_run_device_host(const tp_run *r, const tp_device_energy *d, char *buf, size_t n);

/* A new, empty run.  id and dir are copied. */
tp_run *tp_run_new(const char *id, const char *dir);
void tp_run_free(tp_run *run);

/* A new, empty trace use of run (path and digest copied); valid until the
 * next call.  tp_trace_use_free frees what a use holds (not u itself). */
tp_trace_use *tp_run_add_use(tp_run *run, const char *path, const char *sha256);
void tp_trace_use_free(tp_trace_use *u);
/* Free n holds (their strings) and the array. */
void tp_use_holds_free(tp_use_hold *h, size_t n);

/* The series for tag, created empty if it does not exist yet. */
tp_series *tp_run_series(tp_run *run, const char *tag);
/* The series for tag, or NULL. */
const tp_series *tp_run_find_series(const tp_run *run, const char *tag);

/* Note that an event (any record with a time) happened at wall_time_s: widens
 * the window (non-finite or non-positive times are ignored).  Steps are not
 * looked at: restarts are counted per scalar series (tp_run_add_scalar).
 * Readers call this once per event, before adding its scalars. */
void tp_run_note_event(tp_run *run, int64_t step, double wall_time_s);

/* Name where the wall times the next tp_run_note_event calls get come from:
 * a file and the column or field within it (both copied; field may be NULL).
 * tp_run_check_window names it when it refuses the window. */
void tp_run_time_source(tp_run *run, const char *file, const char *field);
/* A reader that sets start_s and end_s itself (run metadata) names their
 * origin: both now come from the current time source. */
void tp_run_window_from_time_source(tp_run *run);

/* The window check, called once per run when its files are read and before
 * any join.  A window that starts before 1990-01-01 (TP_TIME_PLAUSIBLE_FROM_S),
 * or ends after newest_mtime_s (the newest modification time of the run's
 * input files, UTC epoch seconds; NAN or <= 0: not known, not checked) plus
 * one day, cannot be true: it is dropped (start_s, end_s NAN; window_source
 * "declared duration" when the run has one, else NULL) with a warning naming
 * the file and column the offending time came from and its value.  The run
 * and its metrics are kept.  Returns 0 when the window was kept (or there was
 * none), 1 when it was dropped. */
int tp_run_check_window(tp_run *run, double newest_mtime_s);

/* Append one scalar point, for readers of formats without purge rules of
 * their own (framework logs).  Restart rule: when `step` is below the step of
 * the series' previous point, the series restarted (counted in its restarts)
 * and its points at or after `step` are dropped first (counted in dropped), so
 * that the series shows the newest segment.  A repeated step is kept.
 * One series, two loggers: when run->reading is set and the series' points
 * came from another format (a TensorBoard logger and a CSV logger side by
 * side, a W&B summary and the run's output.log), the new points are a second
 * copy, not a restart: the series' earlier points are dropped (counted in
 * doubled) and the format being read keeps it (the last format read wins;
 * the framework logs are read after event files).  This holds for
 * tp_run_append_scalar too. */
void tp_run_add_scalar(tp_run *run, const char *tag, int64_t step, double wall_time_s,
                       double value);

/* Append one scalar point and purge nothing (event files: TensorBoard decides
 * what to purge, see tp_run_purge_tag and tp_run_session_start).  A step below
 * the series' previous point's step still counts a restart of the series. */
void tp_run_append_scalar(tp_run *run, const char *tag, int64_t step, double wall_time_s,
                          double value);
/* tp_run_append_scalar for a series of run already found (from tp_run_series;
 * for readers that keep per-tag state and look each tag up once). */
void tp_run_append_point(tp_run *run, tp_series *s, int64_t step, double wall_time_s,
                         double value);

/* Drop the points of tag's series at or after `step` (counted in dropped). */
void tp_run_purge_tag(tp_run *run, const char *tag, int64_t step);

/* A session (re)start at `step` (TensorBoard SessionLog.START): every tag's
 * points at or after `step` are dropped (counted in each series' dropped). */
void tp_run_session_start(tp_run *run, int64_t step);

/* Set a hyperparameter.  A key set again by another source keeps the first
 * value; when the two values differ a diagnostic names both.  Two spellings
 * of one value are not a difference: an event file can hold Python's None
 * only as the string "None" and a bool only as a number 0/1, so a later
 * NULL (or BOOL) for a key held as "None" (or as 0/1) replaces it, with its
 * source, silently; the reverse keeps the typed value, silently. */
void tp_run_set_hparam(tp_run *run, const char *key, tp_hparam_kind kind, const char *text,
                       double number, const char *source);
const tp_hparam *tp_run_find_hparam(const tp_run *run, const char *key);

/* Count one skipped (non-scalar) summary of `kind` under tag. */
void tp_run_count_skipped(tp_run *run, const char *tag, const char *kind);

/* Record an input file; returns it so the caller can fill size, digest, ... */
tp_input *tp_run_add_input(tp_run *run, const char *path, const char *format);

/* The name of the power profile of device id, of a trace taken on host (NULL:
 * not declared), in run r: "HOST/ID" where r is a Slurm job on several hosts
 * and id names none (two nodes' gpu0 are drawn, and their idle share read,
 * apart; written into buf of n bytes), else id. */
const char *tp_run_profile_device(const tp_run *r, const char *id, const char *host, char *buf,
                                  size_t n);
/* The power profile of device for this run, created (empty buckets over the
 * widened window) if it does not exist yet; NULL when the run has no window. */
tp_power_profile *tp_run_power_profile(tp_run *run, const char *device);
/* Add one power sample to a profile (ignored outside its buckets or not finite). */
void tp_power_profile_add(tp_power_profile *p, double t_s, double power_w);
/* Mean power in bucket i, W; NAN when the bucket has no sample. */
double tp_power_profile_mean(const tp_power_profile *p, size_t i);
/* The samples in p (*samples) and its buckets with a sample (*sampled);
 * read without the arrays while they wait on disk (model/runspill.h). */
void tp_power_profile_counts(const tp_power_profile *p, uint64_t *samples, uint64_t *sampled);
/* Highest and lowest power sample in bucket i, W; NAN when it has none. */
double tp_power_profile_max(const tp_power_profile *p, size_t i);
double tp_power_profile_min(const tp_power_profile *p, size_t i);
/* The extremes of every bucket as one new array of p->n (caller frees):
 * the highest when highest, else the lowest. */
double *tp_power_profile_extremes(const tp_power_profile *p, bool highest);

/* Set a lab-chosen tag (key copied, value copied); a key set again keeps the
 * first value. */
void tp_run_set_tag(tp_run *run, const char *key, const char *value);
const char *tp_run_tag(const tp_run *run, const char *key);

/* The figures of the series as logged: from stats when it was thinned or
 * they were kept, else computed from its points. */
void tp_series_get_stats(const tp_series *s, tp_series_stats *out);
/* Thin every series to at most max_points (first and last kept; in each of
 * max_points/2 equal runs of points, the lowest and the highest kept, in
 * order), keeping each series' full figures in its stats.  The series named
 * keep_aligned_tag (may be NULL) is thinned together with metric_cum_j, which
 * is aligned with its points. */
void tp_run_decimate(tp_run *run, const char *keep_aligned_tag, size_t max_points);

/* Sort hparams by key, and say in the run's diagnostics which series
 * restarted (each with its count; restarts is the most of any series) and how
 * many points purges dropped, per series.  Call once reading is done. */
void tp_run_finish(tp_run *run);

/* Format a double in the shortest form that reads back to the same value
 * ("0.1", "32", "1e-05", "nan", "inf", "-inf").  buf must hold 32 bytes. */
const char *tp_fmt_double(char buf[32], double v);
/* n / 10^k (1 <= k <= 20) as fixed decimals, "-" first when negative, with
 * no trailing zeros (nor a trailing point): (31416, 4) gives "3.1416".  buf
 * must hold 32 bytes. */
const char *tp_fmt_decimals(char buf[32], unsigned long long n, int k, bool negative);

#endif
