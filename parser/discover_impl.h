/* discover_impl: what the files of discovery share, and no one else.
 *
 * discover.c holds the front: what a file is (tp_discover_sniff), the
 * command-line arguments, run ids, and the explanation of an empty report.
 * discover_walk.c walks a directory tree: each directory is entered once
 * (links and loops are reached once), its entries sorted into event files,
 * framework logs, traces and subdirectories.  discover_runs.c makes the runs
 * of a directory: logs of several trainings split into a run each, the
 * framework markers (W&B, Hydra, MLflow), and a Hugging Face output's
 * checkpoint snapshots and TensorBoard logs.
 *
 * Callers outside parser/discover*.c include parser/discover.h only.
 */
#ifndef TP_DISCOVER_IMPL_H
#define TP_DISCOVER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "parser/discover.h"
#include "parser/logs/textlog.h"

#define TP_DISCOVER_MAX_DEPTH 64 /* deeper trees are reported and not entered */

/* A directory or trace file already reached, and the path it was reached by. */
typedef struct tp_discover_seen {
  dev_t dev;
  ino_t ino;
  char *path;
} tp_discover_seen;

/* The state of one discovery, over all its arguments. */
typedef struct tp_discover_walk {
  tp_discovery *out;
  tp_diags *diags;
  const char *root;       /* argument being walked */
  dev_t devs[TP_DISCOVER_MAX_DEPTH];
  ino_t inos[TP_DISCOVER_MAX_DEPTH];
  int depth;
  tp_discover_seen *seen; /* every directory and trace file reached, over all arguments */
  size_t n_seen, cap_seen;
  size_t *slots;          /* open-addressing index into seen (index + 1; 0 = empty) */
  size_t n_slots;         /* a power of two, at least twice n_seen */
  const char *alias_dir;  /* a checkpoint snapshot directory whose run takes ... */
  const char *alias_of;   /* ... the id of this output directory */
  char **alias_events;    /* ... and the output directory's runs/ event files */
  size_t n_alias_events;
  tp_textlog **textlogs;  /* each configured text-log parser's patterns, compiled
                             (parallel to fw->textlogs; NULL where it has none) */
  const struct tp_framework_opts *fw; /* what the configuration says of logs, or NULL */
} tp_discover_walk;

/* What the walk knows of one directory while it is in it. */
typedef struct tp_discover_dir {
  const char *dir;
  char **events;          /* event files directly in it (owned until the run takes them) */
  size_t n_events;
  char **others;          /* framework logs and hparams.yaml directly in it (same) */
  tp_file_kind *okinds;   /* their kinds, parallel to others */
  size_t n_others;
  char **subdirs;         /* its subdirectories, owned */
  bool *sublink;          /* parallel to subdirs: reached through a symbolic link */
  size_t n_sub;
  bool mlflow;            /* it is an MLflow run: nothing below it is walked */
  bool wandb;             /* it is a W&B run: its files/ is not walked */
  bool is_run;            /* a run was made of it */
  bool top_state;         /* it holds a trainer_state.json itself */
  bool *snap;             /* parallel to subdirs: a Hugging Face checkpoint-N snapshot */
  size_t n_snap;
  size_t newest;          /* the snapshot read (n_sub: none, or dir's own state) */
  size_t tb_sub;          /* the subdirectory holding the Trainer's TensorBoard logs, or n_sub */
  char **tb_events;       /* those logs' event files, owned */
  size_t n_tb;
  bool tb_for_alias;      /* the snapshot's run takes them (dir is no run) */
  /* Names among its entries that tell a framework's run, noted as they are
   * sorted so that telling it takes no system call (stat follows links, as
   * the checks did): directories files/, .hydra/, mlruns/, metrics/ or
   * params/; regular files meta.yaml, trainer_state.json, run-*.wandb. */
  bool has_files_dir, has_hydra_dir, has_mlruns_dir, has_metrics_or_params_dir;
  bool has_meta_yaml, has_trainer_state, has_wandb_run_file;
} tp_discover_dir;

/* ---- the front (discover.c) --------------------------------------------- */

/* Whether a file name is a TensorBoard event file's. */
bool tp_discover_is_event_file(const char *name);

/* ---- the walk (discover_walk.c) ----------------------------------------- */

/* Walk dir (st its stat) and everything below it into w->out. */
void tp_discover_walk_dir(tp_discover_walk *w, const char *dir, const struct stat *st);
/* The path by which the file or directory st was reached before, or NULL. */
const char *tp_discover_seen_path(const tp_discover_walk *w, const struct stat *st);
/* As tp_discover_seen_path; when not reached before, st is recorded as reached by path. */
const char *tp_discover_seen_before(tp_discover_walk *w, const struct stat *st, const char *path);
/* Note that path (a "file" or "directory", what) is the one first reached by first. */
void tp_discover_reached_twice(tp_discover_walk *w, const char *path, const char *first,
                               const char *what);
/* dir/name, newly allocated. */
char *tp_discover_join(const char *dir, const char *name);
/* Count a file the walk leaves out, by the ending of its name; why NULL: by its ending. */
void tp_discover_skip(tp_discovery *out, const char *path, const char *why);
/* What the file at path is, by its name and first bytes (*format for a trace). */
tp_file_kind tp_discover_sniff_file(tp_discover_walk *w, const char *path,
                                    tp_power_format *format);
/* Whether a file of kind k is a framework log (a run of its own directory). */
bool tp_discover_is_framework_kind(tp_file_kind k);
/* A file the text-log row of the framework table claims (*.log, *.txt) that a
 * built-in text pattern set reads (3 records or more in its first MiB), or
 * the configuration's patterns read at least once. */
bool tp_discover_is_textlog(tp_discover_walk *w, const char *path);

/* ---- making runs (discover_runs.c) -------------------------------------- */

/* The last path component of path in buf (the real directory's name for "."
 * and ".."); returns buf. */
const char *tp_discover_basename(const char *path, char *buf, size_t cap);
/* A run of dir with these event files and other logs (both taken, either may
 * be NULL); its id is dir's relative to the argument walked. */
void tp_discover_add_run(tp_discover_walk *w, const char *dir, char **events, size_t n_events,
                         char **others, size_t n_others);
/* A trace file (path copied) found in dir; a Slurm accounting file (kind
 * TP_FILE_SACCT) goes to the cluster records instead. */
void tp_discover_add_trace(tp_discover_walk *w, const char *path, const char *dir,
                           tp_file_kind kind, tp_power_format format);
/* The runs of D's directory: one of the directory when it holds event files
 * or framework logs, and one per log where several trainings' logs lie side
 * by side.  Takes D's events and others. */
void tp_discover_make_run(tp_discover_walk *w, tp_discover_dir *D);
/* Hugging Face checkpoint snapshots (checkpoint-N/trainer_state.json) of one
 * training among D's subdirectories: only the newest is read (D->snap, D->newest). */
void tp_discover_hf_snapshots(tp_discover_walk *w, tp_discover_dir *D);
/* A Hugging Face output directory's TensorBoard logs (runs/<date_host>/, the
 * Trainer's default logging_dir) are the same training's: they go with its
 * run (which gets its window from them), not to a run of their own. */
void tp_discover_hf_logs(tp_discover_walk *w, tp_discover_dir *D);

#endif
