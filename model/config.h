/* config: what a lab declares about its runs, as plain data.
 *
 * The configuration file (trainprint.yaml, read by parser/config) says how
 * runs group into experiments and what they are compared by, which power
 * traces belong to which host and devices, what hardware ran where no trace
 * exists, which text-log patterns to use, and the defaults for PUE, carbon
 * intensity and time zone.  This module holds that as plain structs and
 * answers the questions the pipeline asks of it ("which experiment does this
 * run belong to?"); it knows nothing of YAML.
 *
 * Unset values: strings are NULL, arrays empty, numbers NAN where the
 * comment says so.  Paths to files (intensity_file, power files) are already
 * resolved against the configuration file's directory.
 *
 * Ownership: a tp_config owns every string and array it points to;
 * tp_config_free() releases all of it and leaves an empty configuration.
 */
#ifndef TP_CONFIG_H
#define TP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* A list of owned strings. */
typedef struct tp_config_strs {
  char **items;
  size_t count, cap;
} tp_config_strs;

/* Append a copy of s. */
void tp_config_strs_add(tp_config_strs *l, const char *s);
void tp_config_strs_free(tp_config_strs *l);

typedef struct tp_config_site {
  char *title;          /* report title, or NULL (the program's default) */
  char *description;    /* a paragraph under the title, or NULL */
  tp_config_strs authors; /* people to credit, in the order given */
  char *lab;            /* the lab or group to credit, or NULL */
} tp_config_site;

typedef struct tp_config_defaults {
  double pue;           /* facility / IT energy, in [1, 10]; NAN if unset */
  char *zone;           /* electricity zone code ("DE", "FR"), or NULL */
  double intensity_value; /* constant intensity, gCO2e/kWh; NAN if unset */
  char *intensity_file; /* intensity time series (CSV), resolved path, or NULL */
  char *timezone;       /* IANA zone for naive timestamps, or NULL */
  double wue_l_per_kwh; /* on-site water per IT kWh (defaults.wue), L/kWh; NAN if unset */
  double water_l_per_kwh; /* off-site water per kWh of the grid (defaults.water_intensity),
                             L/kWh; NAN if unset */
} tp_config_defaults;

/* Slurm accounting the configuration names (docs/configuration.md#slurm). */
typedef struct tp_config_slurm {
  tp_config_strs files; /* sacct output files, resolved paths (those written with
                           --noheader cannot be recognised by content) */
  char *columns;        /* their column list as given to sacct --format
                           ("JobID,JobName,Start,End,..."), for --noheader output; or NULL */
  char *energy_scope;   /* what ConsumedEnergyRaw covers: "node" (the whole node, GPUs
                           included: ipmi, pm_counters) or "cpu" (CPU and DRAM only:
                           rapl); NULL: "node" */
  char *job_label;      /* the label of DCGM metrics that names a GPU's Slurm job, looked
                           up before hpc_job and job_id; or NULL */
} tp_config_slurm;

typedef struct tp_config_metric {
  char *tag;            /* the scalar tag that measures quality ("val/acc"), or NULL */
  bool goal_set;        /* goal was given ... */
  bool goal_max;        /* ... and it is "max" (true) or "min" (false) */
  double target;        /* the value a run must reach (time/energy to target); NAN if unset */
} tp_config_metric;

typedef struct tp_config_experiment {
  char *name;           /* experiment name as shown; never NULL once loaded */
  tp_config_strs runs;  /* globs over run ids (tp_config_glob_match); empty:
                           the runs of the directory experiment named `name` */
  tp_config_strs compare_by; /* hparam keys that define a configuration; empty: automatic */
  tp_config_metric metric;
  long line;            /* where it was declared in the file (1-based), or 0 */
} tp_config_experiment;

/* How to read a CSV trace that has no reader of its own (mirrors the
 * tp_csvmap of parser/power/csvmap.h, as text: the parser turns it into one). */
typedef struct tp_config_columns {
  char separator;       /* field separator; 0: ',' */
  bool no_header;       /* the first line is data: columns by position */
  char *time_column;    /* time column by header name, or NULL ... */
  int time_index;       /* ... or by 1-based position (0: by name) */
  char *time2_column;   /* with `time: [Date, Time]`: the time-of-day column by
                           name, or NULL ... */
  int time2_index;      /* ... or by position (0: by name, or none) */
  char *date_order;     /* "dmy", "mdy" or "ymd": the order of numeric dates
                           under the auto format; NULL: not stated */
  char *time_format;    /* a format name ("iso8601", "epoch-ms", ...) or a
                           strptime-like pattern (contains '%'); NULL: auto */
  char *value_column;   /* power or energy column by name, or NULL ... */
  int value_index;      /* ... or 1-based position (0: by name) */
  char *unit;           /* "W", "mW", "kW", "J", "kJ", "Wh", "kWh", "uJ", "mJ"; NULL: W */
  char *device_column;  /* column naming the device, or NULL ... */
  int device_index;     /* ... or 1-based position (0: none) */
} tp_config_columns;

/* One entry of a Grafana export's series mapping (power[].series): which
 * device and metric the series (a wide export's column, a long one's Series
 * cell) named `name`, or matching `pattern`, is, when its name does not say. */
typedef struct tp_config_series {
  char *name;           /* the series name exactly as written, or NULL ... */
  char *pattern;        /* ... a PCRE2 pattern the whole name matches, whose named
                           groups host, gpu, uuid, job give those labels */
  char *host;           /* the host, or NULL: the name's or the group's */
  char *gpu;            /* the GPU index ("0"), or NULL */
  char *uuid;           /* the GPU's UUID, or NULL */
  char *job;            /* the job the series belongs to, or NULL */
  char *metric;         /* "power" (W) or "energy" (the counter, mJ); NULL: the
                           metric the name says, else power */
  long line;            /* where it was declared (1-based), or 0 */
} tp_config_series;

typedef struct tp_config_power {
  tp_config_strs files; /* globs over trace paths, resolved against the config's directory */
  char *host;           /* the host the traces were taken on, or NULL */
  tp_config_strs devices; /* the devices they cover ("0", "gpu1"); empty: all in the file */
  tp_config_strs runs;  /* globs over run ids the traces belong to; empty: by time */
  double clock_offset_s; /* added to every time of these traces; 0 if unset */
  char *format;         /* reader name ("nvidia-smi", "csv", ...), or NULL: detect */
  bool has_columns;     /* a column mapping was given (then format is "csv") */
  tp_config_columns columns;
  char *timezone;       /* IANA zone of naive times in these traces, or NULL: defaults */
  char *start;          /* when a trace without dates began (nvidia-smi dmon without
                           -o DT, perf stat without its header): a timestamp as text
                           (ISO 8601, or naive in the trace's zone), or NULL */
  double interval_s;    /* dmon's sampling interval (-d), seconds; NAN: 1 s */
  tp_config_series *series; /* a Grafana export's series mapping (format grafana-csv) */
  size_t n_series, cap_series;
  long line;            /* where it was declared (1-based), or 0 */
} tp_config_power;

typedef struct tp_config_hardware {
  char *runs;           /* glob over run ids */
  char *gpu_model;      /* GPU model name ("A100-SXM4-40GB"), or NULL */
  int gpu_count;        /* GPUs used; 1 when a model is given without a count, else 0 */
  double gpu_util;      /* share of the GPUs' rated power drawn, [0, 1]; default 1.0 */
  char *cpu_model;      /* CPU model name, or NULL */
  int cpu_cores;        /* cores used; 0 if unset */
  double cpu_util;      /* share of the cores' rated power drawn, [0, 1]; default 1.0 */
  double memory_gb;     /* memory allocated, GB; NAN if unset */
  long line;            /* where it was declared (1-based), or 0 */
} tp_config_hardware;

/* The column roles of a configured CSV log (parsers[].columns). */
typedef struct tp_config_csvlog {
  char *step;           /* the step column, or NULL: rows numbered from 0 */
  int step_base;        /* the step column's first value (1: 1-based epochs), so that
                           the first row is step 0; default 0 */
  char *time;           /* the time column, or NULL: none */
  char *time_format;    /* how it is written (as power[].columns.time_format), or
                           "elapsed-s" (seconds since the start), or NULL: told by
                           its first value */
  tp_config_strs metrics; /* the metric columns; empty: every other column */
} tp_config_csvlog;

typedef struct tp_config_parser {
  char *name;           /* the parser's name, for diagnostics and provenance */
  char *set;            /* a built-in pattern set name, or NULL ... */
  tp_config_strs patterns; /* ... or PCRE2 patterns with named groups (step, time, metrics) */
  char *time_format;    /* how the time group is written (as columns.time_format), or NULL */
  tp_config_strs files; /* globs over file names within a run directory ("*.log") */
  bool has_columns;     /* a CSV log parser: columns gives the roles (no patterns) */
  tp_config_csvlog columns;
  long line;            /* where it was declared (1-based), or 0 */
} tp_config_parser;

typedef struct tp_config_tag {
  char *runs;           /* glob over run ids */
  char *key;            /* tag name, e.g. "project" or "person" */
  char *value;          /* its value for matching runs */
} tp_config_tag;

typedef struct tp_config {
  char *path;           /* the file it was read from, or NULL */
  char *dir;            /* that file's directory ("." when none) */
  tp_config_site site;
  tp_config_defaults defaults;
  tp_config_experiment *experiments;
  size_t n_experiments, cap_experiments;
  tp_config_power *power;
  size_t n_power, cap_power;
  tp_config_hardware *hardware;
  size_t n_hardware, cap_hardware;
  tp_config_parser *parsers;
  size_t n_parsers, cap_parsers;
  tp_config_tag *tags;
  size_t n_tags, cap_tags;
  tp_config_slurm slurm;
  bool equivalents;     /* show everyday equivalents (km driven, ...) on pages; default true */
  tp_config_strs placement_keys; /* hparam keys that say where a run was placed, added to
                                    the built-in list (model/lab.h) */
} tp_config;

/* An empty configuration: everything unset, equivalents on. */
void tp_config_init(tp_config *cfg);
/* Release everything cfg owns and leave it as tp_config_init does. */
void tp_config_free(tp_config *cfg);

/* Append an element with the defaults above and return it (valid until the
 * next append to the same array). */
tp_config_experiment *tp_config_add_experiment(tp_config *cfg);
tp_config_power *tp_config_add_power(tp_config *cfg);
tp_config_hardware *tp_config_add_hardware(tp_config *cfg);
tp_config_parser *tp_config_add_parser(tp_config *cfg);
tp_config_tag *tp_config_add_tag(tp_config *cfg);
/* Release what one element owns (the element itself lives in its array). */
void tp_config_experiment_clear(tp_config_experiment *e);
void tp_config_power_clear(tp_config_power *p);
/* A new, empty entry of p's series mapping. */
tp_config_series *tp_config_add_series(tp_config_power *p);
/* Free what a series entry holds, and clear it. */
void tp_config_series_clear(tp_config_series *e);
void tp_config_hardware_clear(tp_config_hardware *h);
void tp_config_parser_clear(tp_config_parser *p);
void tp_config_tag_clear(tp_config_tag *t);

/* Shell-style match of a run id (or path) against glob: '*' matches any run
 * of characters except '/', "**" any run including '/' ("**" followed by '/'
 * also matches no directory at all), '?' one character except '/', and
 * "[...]" one character of a set ("[a-z]", negated by '!' or '^'); '\'
 * quotes the next character.  Bounded: no input makes it take more than
 * O(len(glob) * len(run_id)) steps. */
bool tp_config_glob_match(const char *glob, const char *run_id);
/* True when any glob of the list matches. */
bool tp_config_globs_match(const tp_config_strs *globs, const char *run_id);

/* The first experiment (or hardware entry) whose runs globs match run_id, or
 * NULL.  An experiment declared without runs matches no run id: the pipeline
 * finds it by name (tp_config_experiment_named) for the runs it grouped itself. */
const tp_config_experiment *tp_config_experiment_of(const tp_config *cfg, const char *run_id);
const tp_config_experiment *tp_config_experiment_named(const tp_config *cfg, const char *name);
const tp_config_hardware *tp_config_hardware_of(const tp_config *cfg, const char *run_id);

/* The value of tag key for run_id (first matching entry), or NULL. */
const char *tp_config_tag_of(const tp_config *cfg, const char *run_id, const char *key);

#endif
