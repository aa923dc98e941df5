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
 * files are listed in other_files; parser/framework.h loads them.
 *
 * Other regular files are classified by content (tp_discover_sniff) and kept
 * with the directory they sit in, so that the model can give a trace to every
 * run below that directory.  Symbolic links are followed; a directory loop
 * (the same device and inode again) is reported and not entered twice.
 */
#ifndef TP_DISCOVER_H
#define TP_DISCOVER_H

#include <stddef.h>

#include "model/diag.h"

typedef enum tp_file_kind {
  TP_FILE_UNKNOWN = 0,
  TP_FILE_TFEVENTS,     /* TensorBoard event file */
  TP_FILE_HPARAMS_YAML, /* Lightning-style hparams.yaml beside a run */
  TP_FILE_NVSMI_CSV,    /* nvidia-smi --query-gpu --format=csv */
  TP_FILE_NVSMI_DMON,   /* nvidia-smi dmon */
  TP_FILE_RAPL_CSV,     /* timestamp,domain,energy_uj */
  TP_FILE_PERF_STAT,    /* perf stat -I ... -e power/energy-pkg/ */
  TP_FILE_CODECARBON,   /* CodeCarbon emissions.csv */
  TP_FILE_TRAINPRINT_YAML, /* trainprint.yaml configuration */
  TP_FILE_LIGHTNING_CSV,   /* Lightning CSVLogger metrics.csv */
  TP_FILE_HF_TRAINER_STATE,/* Hugging Face trainer_state.json */
  TP_FILE_KERAS_CSV,       /* Keras CSVLogger file (header "epoch,...") */
  TP_FILE_TEXTLOG,         /* a *.log / *.txt training log matching a built-in pattern set */
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
} tp_found_run;

typedef struct tp_found_file {
  char *path;
  char *dir;          /* the directory holding it */
  char *root;         /* the argument it was found under */
  tp_file_kind kind;
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
  size_t n_paths_ok;    /* arguments that existed and could be read */
  tp_skipped *skipped;  /* files left out, in the order first seen */
  size_t n_skipped, cap_skipped;
} tp_discovery;

/* Walk every path.  Problems (missing path, unreadable directory, loop) become
 * diagnostics; returns 0 when at least one path could be read, else -1. */
int tp_discover(tp_discovery *out, char *const *paths, size_t n_paths, tp_diags *diags);
void tp_discovery_free(tp_discovery *d);

/* When d found no run: one error diagnostic saying so and what was left out,
 * per kind ("nothing read as a training run: 12 *.png files (not a log or
 * trace format trainprint reads), 3 *.txt files (...)"), plus the traces
 * found that have no run to join.  Nothing when d has a run. */
void tp_discovery_explain_empty(const tp_discovery *d, tp_diags *diags);

/* Classify a file by its name and first bytes (head, head_len: up to 4 KiB). */
tp_file_kind tp_discover_sniff(const char *name, const unsigned char *head, size_t head_len);

#endif
