/* pipeline_impl: what the parts of the pipeline share (private to cli/).
 *
 * tp_pipeline_run (cli/pipeline.c) holds one tp_pipeline_state for the whole
 * join and hands it to its steps, each in the module that owns it:
 *   cli/runload.c    reading the runs found, on threads (cli/runcache.c: --cache)
 *   cli/rootscan.c   --root: ids relative to a root, traces of parent folders
 *   cli/traces.c     trace jobs: copies merged, read side by side, applied
 *   cli/cfgtraces.c  the traces the configuration's `power` section names
 *   cli/carbonset.c  time zone, PUE and intensity in force; pricing the runs
 *   cli/estimates.c  estimates for runs nothing else covers
 *   cli/summaries.c  run summaries read back for `render`
 */
#ifndef TP_PIPELINE_IMPL_H
#define TP_PIPELINE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/pipeline.h"
#include "model/attrib.h"
#include "model/carbon.h"
#include "model/config.h"
#include "model/lab.h"
#include "model/runspill.h"
#include "parser/parser.h"

/* The state of one tp_pipeline_run. */
typedef struct tp_pipeline_state {
  tp_lab *lab;
  const tp_pipeline_opts *opts;
  tp_tz *tz;                 /* zone of naive times (never NULL once set up) */
  tp_power_format force;     /* TP_POWER_AUTO unless --format */
  tp_attrib *attrib;         /* the join of runs, traces and declared energy */
  const tp_config *cfg;      /* the configuration (never NULL: empty when none) */
  char **claimed;            /* trace paths the configuration's power section reads */
  size_t n_claimed, cap_claimed;
  tp_reftables tables;       /* shipped reference tables (data/) */
  tp_carbon carbon;          /* PUE and intensity in force */
  tp_intensity_series series;/* --intensity FILE, when given */
  char *intensity_text;      /* owned source strings the carbon struct points to */
  const char *cache_dir;     /* --cache when usable (trace digests are kept there), or NULL */
} tp_pipeline_state;

/* One trace file to read and the runs it may belong to. */
typedef struct tp_trace_job {
  const char *path;
  const char *under_dir;           /* only runs below this directory, or NULL */
  const tp_config_strs *run_globs; /* only runs matching one of these, or NULL */
  const tp_config_strs *devices;   /* devices of the trace runs may use, or NULL: all */
  tp_power_format format;          /* TP_POWER_AUTO: by content */
  const tp_tz *tz;                 /* zone of naive times */
  double clock_offset_s;
  const tp_csvmap *csvmap;         /* for TP_POWER_CSVMAP */
  const struct tp_grafana_map *grafana_map; /* series mapping of a Grafana export, or NULL */
  const char *nvsmi_columns;       /* field list of a headerless nvidia-smi log, or NULL */
  bool has_start;                  /* start_s is set (traces without dates) */
  double start_s, interval_s;      /* UTC start; dmon's sampling interval (0: 1 s) */
  bool mlflow_run;                 /* path is an MLflow run directory: its system metrics */
  bool wandb_run;                  /* path is a W&B run directory: its run file's system metrics */
  char sha256[65];                 /* the content's digest when known, else "" */
  const char *host;                /* the host the trace was taken on, or NULL: unknown */
  char **also_dirs;                /* identical copies of the file: their runs too */
  size_t n_also;
  bool skip;                       /* a copy of an earlier job's file: read there */
} tp_trace_job;

/* ---- cli/pipeline.c ---- */

/* strcmp on two `char *` array elements, for qsort. */
int tp_pipeline_cmp_cstr(const void *a, const void *b);

/* ---- cli/runload.c ---- */

/* Read every log of one run directory (a new run, never NULL). */
tp_run *tp_runload_one(const tp_found_run *fr, const tp_framework_opts *fo);

/* Threads for -j N: N, or the machine's cores when not given (at most 256). */
int tp_runload_threads(int jobs);

/* Read every run on `jobs` threads (0: one per processor), through the cache
 * in cache_dir when not NULL.  The result (caller frees the array, the lab
 * takes the runs) is in the order of runs, whatever the threads did.  Each
 * run's points go to spill once it is read, when spill is not NULL. */
tp_run **tp_runload_all(const tp_found_run *runs, size_t n, const tp_framework_opts *fo,
                        int jobs, const char *cache_dir, tp_runspill *spill);

/* ---- cli/runcache.c ---- */

/* A run from the cache in cache_dir when its files are unchanged, else read
 * (tp_runload_one) and cached.  An entry from another version of the
 * program is read again without a word: *other_version is then set to its
 * key file's path (caller frees), for one warning over all runs. */
tp_run *tp_runcache_get(const tp_found_run *fr, const tp_framework_opts *fo,
                        const char *cache_dir, char **other_version);

/* The SHA-256 of the file at path (64 hex digits into sha), taken from the
 * cache in cache_dir while the file's size, modification time and inode are
 * those it was taken at, else computed (and kept there); cache_dir NULL: always
 * computed.  Returns 0, or -1 when the file cannot be read (sha untouched). */
int tp_runcache_digest(const char *cache_dir, const char *path, char sha[65]);

/* ---- cli/tracecache.c ---- */

/* What a recording of reading the trace at path in format fmt with options
 * po depends on (the program, the file's real path, size, modification time
 * and inode, the format and options), as one line without its newline
 * (caller frees); NULL when such a read is not recorded (column mappings,
 * a file that is not a regular file). */
char *tp_tracecache_key(const char *path, tp_power_format fmt, const tp_power_options *po);

/* Deliver the recording of the trace at path, kept in cache_dir under key,
 * to sink and diags, as reading the file would.  False, delivering nothing,
 * when there is none, or it was made under another key, or is damaged. */
bool tp_tracecache_replay(const char *cache_dir, const char *path, const char *key,
                          const tp_trace_sink *sink, tp_diags *diags);

/* A recorder of the calls a reader of the trace at path makes on `inner`:
 * *wrapped (to give the reader) passes each on and writes it down, under
 * key, to a temporary file in cache_dir (memory stays bounded whatever the
 * trace's size).  tp_tracecache_rec_save adds the read's diagnostics and
 * puts the recording in place (unless the read gave declared figures or
 * holds, or a write failed: then it is removed), and frees the recorder. */
typedef struct tp_tracecache_rec tp_tracecache_rec;
tp_tracecache_rec *tp_tracecache_rec_new(const char *cache_dir, const char *path,
                                         const char *key, const tp_trace_sink *inner,
                                         tp_trace_sink *wrapped);
void tp_tracecache_rec_save(tp_tracecache_rec *r, const tp_diags *diags);

/* ---- cli/rootscan.c ---- */

/* Re-base run ids on root and add the trace files of every directory between
 * each path and root, so that runs scanned one by one get what `report ROOT`
 * gives them. */
void tp_rootscan_apply(tp_discovery *disc, char *const *paths, size_t n_paths, const char *root,
                       tp_diags *diags);

/* ---- cli/traces.c ---- */

/* Size and modification time of a regular file and, when `hash`, its SHA-256
 * (through the cache in cache_dir when not NULL: tp_runcache_digest); sha is
 * left alone without `hash`, "" when the file cannot be read. */
void tp_traces_file_info(const char *cache_dir, const char *path, bool hash, char sha[65],
                         uint64_t *size, int64_t *mtime_s);

/* The first bytes of a file (at most cap), for sniffing its format; 0 when
 * it cannot be read. */
size_t tp_traces_file_head(const char *path, unsigned char *head, size_t cap);

/* Read one trace and hand what it found to the lab and the attribution. */
void tp_traces_apply_one(tp_pipeline_state *st, const tp_trace_job *job);

/* Read the traces discovery found (but those the configuration claimed),
 * identical copies once, side by side where their runs differ; then the
 * system metrics MLflow and W&B keep with each run. */
void tp_traces_apply_found(tp_pipeline_state *st, const tp_discovery *disc);

/* ---- cli/cfgtraces.c ---- */

/* Read the trace files the configuration's `power` section names, and claim
 * them (tp_cfgtraces_claimed). */
void tp_cfgtraces_apply(tp_pipeline_state *st);

/* Is path one of the files the configuration's `power` section read? */
bool tp_cfgtraces_claimed(const tp_pipeline_state *st, const char *path);

/* ---- cli/slurmjobs.c ---- */
/* The jobs of the Slurm accounting files the configuration names (slurm:
 * files, read with its columns) and discovery found, as runs of the lab
 * (those that started and are not runs yet). */
void tp_slurmjobs_apply(tp_pipeline_state *st, const tp_discovery *disc);
/* Jobs' runs that no trace gave energy take their ConsumedEnergyRaw as
 * declared energy (the configuration's slurm.energy_scope says of what);
 * after the traces are resolved, before estimates. */
void tp_slurmjobs_declare(tp_pipeline_state *st);

/* ---- cli/carbonset.c ---- */

/* The time zone of naive times (--timezone, the configuration's, TZ, UTC),
 * recorded in the lab's assumptions. */
void tp_carbonset_timezone(tp_pipeline_state *st);

/* PUE and intensity: the tables' defaults, then --zone, --intensity, --pue. */
void tp_carbonset_setup(tp_pipeline_state *st);

/* Price every run with energy in CO2e, and record the assumptions used. */
void tp_carbonset_price(tp_pipeline_state *st);

/* ---- cli/estimates.c ---- */

/* Estimates from declared hardware for runs that no trace or declared figure
 * covers, then the configuration's hardware entries told to the attribution. */
void tp_estimates_apply(tp_pipeline_state *st);

/* ---- cli/summaries.c ---- */

/* Read run summaries (files, or directories of *.json files) into lab, the
 * first one's assumptions as the lab's.  Returns how many were read. */
size_t tp_summaries_read(tp_lab *lab, char *const *paths, size_t n_paths);

#endif
