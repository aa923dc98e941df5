/* discover: walk the paths given on the command line; find runs and traces.
 *
 * A directory that directly holds event files (basename contains "tfevents",
 * not ending in ".profile-empty") is a run.  Its id is its path relative to the
 * argument it was found under ('/'-separated), or the directory's own name
 * when the argument is the run directory itself.  An event file given as an
 * argument is a run of its own, named after its directory.  Event files of a
 * run are ordered by the timestamp in their names, then by name.
 *
 * A directory holding framework logs is a run too (ids as above, with or
 * without event files): a Lightning metrics.csv, a trainer_state.json, a Keras
 * CSVLogger file, a training log (*.log, *.txt) that a built-in text pattern
 * set reads, a .hydra/config.yaml, a W&B files/ directory, or an MLflow run
 * directory (id e.g. "mlruns/<exp>/<run_id>"; its subdirectories are not
 * walked, and runs marked deleted are left out with a note).  Its framework
 * files are listed in other_files; parser/logs/framework.h loads them.
 *
 * One run per training:
 *   - a directory or trace file reached twice (the same device and inode: a
 *     symbolic link such as W&B's wandb/latest-run, a bind mount, the same
 *     argument given twice, an argument inside another) is read once, where
 *     it is first reached; the other path is noted.  Within a directory,
 *     entries that are not symbolic links are walked before those that are,
 *     so the real path wins over a link to it.  A directory loop is reported
 *     and not entered twice;
 *   - Hugging Face checkpoint snapshots (checkpoint-N/trainer_state.json) in
 *     one output directory are one training: read from the output directory's
 *     own trainer_state.json when it has one, else from the snapshot with the
 *     highest N, whose run takes the output directory's id (unless the output
 *     directory is a run itself); the other snapshots are noted and not read;
 *   - several logs of the same per-file kind in one directory (two or more
 *     Keras CSV logs, or two or more text logs) are different trainings: each
 *     is a run of its own with id "<dir id>/<file name without extension>"
 *     (log_file set), never merged into one series set.  The directory stays
 *     a run too when it holds anything else (event files, other framework
 *     logs), without those files (split_off).
 *
 * Other regular files are classified by content (tp_discover_sniff, which asks
 * the power format table; Slurm accounting files, parser/cluster/, go to
 * clusters instead) and kept, with the format found, with the directory
 * they sit in, so that the model can give a trace to every
 * run below that directory.  Symbolic links are followed.
 */
#ifndef TP_DISCOVER_H
#define TP_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "parser/power/power.h"

typedef enum tp_file_kind {
  TP_FILE_UNKNOWN = 0,
  TP_FILE_TFEVENTS,     /* TensorBoard event file */
  TP_FILE_HPARAMS_YAML, /* Lightning-style hparams.yaml beside a run */
  TP_FILE_TRACE,        /* a power or energy trace: a row of the power format
                           table (parser/power/power.h) recognised it */
  TP_FILE_TRAINPRINT_YAML, /* trainprint.yaml configuration */
  TP_FILE_LIGHTNING_CSV,   /* Lightning CSVLogger metrics.csv */
  TP_FILE_HF_TRAINER_STATE,/* Hugging Face trainer_state.json */
  TP_FILE_KERAS_CSV,       /* Keras CSVLogger file (header "epoch,...") */
  TP_FILE_TEXTLOG,         /* a *.log / *.txt training log matching a built-in pattern set */
  TP_FILE_JSONLINES,       /* JSON-lines training log (DETR, detectron2, MMEngine) */
  TP_FILE_SACRED_RUN,      /* Sacred FileStorageObserver run.json */
  TP_FILE_DVCLIVE,         /* DVCLive's dvc.yaml, or 0.x's dvclive.json */
  TP_FILE_KERAS_HISTORY,   /* Keras history saved by pandas, no epoch column */
  TP_FILE_ULTRALYTICS,     /* Ultralytics results.csv */
  TP_FILE_CSVLOG,          /* a CSV log a configured parser names (parsers[].columns) */
  TP_FILE_SACCT,           /* Slurm accounting: sacct -P or sacct --json output */
  TP_FILE_KIND_COUNT
} tp_file_kind;

/* Short stable name of a kind ("tfevents", "nvidia-smi", ...). */
const char *tp_file_kind_name(tp_file_kind k);

typedef struct tp_found_run {
  char *id;           /* see above */
  char *dir;          /* directory on disk */
  char *root;         /* the argument it was found under */
  char **event_files; /* in reading order */
  size_t n_event_files;
  char **other_files; /* hparams.yaml and other per-run logs in dir */
  size_t n_other_files;
  char *log_file;     /* set when the run is one of several trainings' logs in dir
                         (see above): the run is this file alone, other_files[0] */
  char **split_off;   /* logs in dir that are runs of their own (log_file of
                         another run): not read for this run */
  size_t n_split_off;
  bool from_snapshot; /* dir is the newest checkpoint-N snapshot of the output
                         directory that the id names (see above) */
  bool no_power_files; /* the walk saw no name in dir that may hold the run's own
                          power trace (a W&B run file, MLflow's metrics/), and dir is
                          not a W&B run's files/: there is none to look for */
} tp_found_run;

typedef struct tp_found_file {
  char *path;
  char *dir;          /* the directory holding it */
  char *root;         /* the argument it was found under */
  tp_file_kind kind;
  tp_power_format format; /* for TP_FILE_TRACE: the row that recognised it, which
                             reads it (no second sniff) */
} tp_found_file;

/* Files the walk saw and left out, counted by kind of name and reason
 * ("*.png", "not a log or trace format trainprint reads"). */
typedef struct tp_skipped {
  char *what;         /* "*.png", "extensionless", "hparams.yaml" */
  const char *why;    /* static text */
  size_t count;
} tp_skipped;

typedef struct tp_discovery {
  tp_found_run *runs;   /* sorted by id */
  size_t n_runs, cap_runs;
  tp_found_file *traces;/* power/energy files, sorted by path */
  size_t n_traces, cap_traces;
  tp_found_file *clusters; /* scheduler records (TP_FILE_SACCT), sorted by path */
  size_t n_clusters, cap_clusters;
  size_t n_paths_ok;    /* arguments that existed and could be read */
  tp_skipped *skipped;  /* files left out, in the order first seen */
  size_t n_skipped, cap_skipped;
} tp_discovery;

/* Walk every path into out (which it sets whole; free with
 * tp_discovery_free).  Problems (missing path, unreadable directory, loop)
 * become diagnostics; returns 0 when at least one path could be read, else -1. */
int tp_discover(tp_discovery *out, char *const *paths, size_t n_paths, tp_diags *diags);
struct tp_textlog_set;
/* tp_discover, where a *.log or *.txt file is also a text log (a run's log,
 * and several in one folder several runs) when the configuration's pattern
 * set `textlog` (may be NULL) reads a record from its first MiB. */
int tp_discover_with(tp_discovery *out, char *const *paths, size_t n_paths,
                     const struct tp_textlog_set *textlog, tp_diags *diags);
struct tp_framework_opts;
/* tp_discover_with, where what the configuration says of logs comes from the
 * framework options fo (may be NULL): its text-log parsers (fo->textlogs: the
 * names each reads and its pattern set; a file is read by the first whose
 * names match it, and is a log when that set or a built-in one reads a record
 * from its first MiB), and its CSV log parsers, whose every
 * named file is a log (a run of its own directory, and several in one folder
 * several runs). */
int tp_discover_with_opts(tp_discovery *out, char *const *paths, size_t n_paths,
                          const struct tp_framework_opts *fo, tp_diags *diags);
void tp_discovery_free(tp_discovery *d);

/* The directory fr's id names: fr->dir, or for a run read from a checkpoint
 * snapshot, the output directory above it.  Newly allocated. */
char *tp_discover_id_dir(const tp_found_run *fr);

/* fr's id when the directory its id names has the id dir_id: dir_id, or
 * "<dir_id>/<file name without extension>" for a run of one log split off
 * its directory (log_file).  Newly allocated.  For re-basing ids (scan --root). */
char *tp_discover_run_id(const tp_found_run *fr, const char *dir_id);

/* When d found no run: one error diagnostic saying so and what was left out,
 * per kind ("nothing read as a training run: 12 *.png files (not a log or
 * trace format trainprint reads), 3 *.txt files (...)"), plus the traces
 * found that have no run to join.  Nothing when d has a run. */
void tp_discovery_explain_empty(const tp_discovery *d, tp_diags *diags);

/* Classify a file by its name and first bytes (head, head_len: up to 4 KiB):
 * by the names discovery itself knows (event files, hparams.yaml,
 * trainprint.yaml), then by asking the framework readers and the power format
 * table (tp_power_sniff_file).  For a trace, *format (when not NULL) is set to
 * the row that recognised it. */
tp_file_kind tp_discover_sniff(const char *name, const unsigned char *head, size_t head_len,
                               tp_power_format *format);

#endif
