/* framework: the front door to the framework-log readers.
 *
 * Given a run directory, find which framework files it holds (Lightning
 * metrics.csv + hparams.yaml, Hugging Face trainer_state.json, a Keras
 * CSVLogger file or a Keras history saved by pandas, an Ultralytics run folder,
 * an MLflow run directory, Hydra's .hydra/, a W&B run's files/,
 * a Sacred run folder, a DVCLive folder,
 * plain-text logs matching a pattern set) and load them all into one tp_run:
 * metrics from all, hparams from all (a diagnostic where two disagree), and the
 * run window from the files' own wall times where they have them.
 *
 * The streaming readers (CSV, text logs, MLflow metric files) hand each value
 * to a tp_metric_sink (model/metric.h).
 */
#ifndef TP_FRAMEWORK_H
#define TP_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/diag.h"
#include "model/metric.h"
#include "model/run.h"
#include "parser/discover.h"

/* ---- Formats ------------------------------------------------------------- */

typedef enum tp_framework_kind {
  TP_FW_LIGHTNING = 1u << 0, /* metrics.csv (+ hparams.yaml, legacy meta_tags.csv) */
  TP_FW_HF_TRAINER = 1u << 1,/* trainer_state.json (+ config.json, *_results.json) */
  TP_FW_KERAS = 1u << 2,     /* Keras CSVLogger file (header starting with epoch) */
  TP_FW_MLFLOW = 1u << 3,    /* mlruns/<exp>/<run_id>/ */
  TP_FW_HYDRA = 1u << 4,     /* .hydra/config.yaml, overrides.yaml */
  TP_FW_WANDB = 1u << 5,     /* files/wandb-metadata.json, wandb-summary.json, config.yaml */
  TP_FW_TEXTLOG = 1u << 6,   /* plain-text logs through a pattern set */
  TP_FW_JSONLINES = 1u << 7, /* JSON lines: DETR log.txt, detectron2 metrics.json,
                                MMEngine scalars.json */
  TP_FW_SACRED = 1u << 8,    /* Sacred FileStorageObserver run folder: run.json, config.json,
                                metrics.json */
  TP_FW_DVCLIVE = 1u << 9,   /* DVCLive folder: dvc.yaml + plots/metrics/, or 0.x's
                                dvclive.json + dvclive/ */
  TP_FW_KERAS_HISTORY = 1u << 10, /* Keras history saved by pandas: no epoch column */
  TP_FW_ULTRALYTICS = 1u << 11,   /* Ultralytics results.csv (+ args.yaml) */
  TP_FW_CSVLOG = 1u << 12         /* a CSV log read through a configured parser's column
                                     roles (parsers[].columns) */
} tp_framework_kind;

/* The formats are rows of one table in framework.c (kind, name, what
 * discovery calls a file of it, the file names it claims, its sniffer, its
 * loader), sniffed and loaded in table order.
 * Short stable name ("lightning", "keras", "hf-trainer", "mlflow", "hydra",
 * "wandb", "textlog", "jsonlines", "sacred", "dvclive", "keras-history", "ultralytics") of one kind, and back for --format
 * (0 and *out, or -1). */
const char *tp_framework_name(tp_framework_kind k);
int tp_framework_parse_name(const char *name, tp_framework_kind *out);

/* The format of the file at name (a path or a file name) by its first bytes
 * (head[0..len), up to 4 KiB), asking the rows that claim its name in table
 * order; 0 when none.  What discovery and the loader both ask. */
tp_framework_kind tp_framework_sniff_file(const char *name, const char *head, size_t len);
/* What discovery calls a file of kind k (TP_FILE_UNKNOWN for formats told by
 * a directory's layout). */
tp_file_kind tp_framework_file_kind(tp_framework_kind k);
/* Whether kind k's row claims the file name (a path or a file name). */
bool tp_framework_claims(tp_framework_kind k, const char *name);

struct tp_tz;
struct tp_textlog_set;
struct tp_config_parser;

/* One configured text-log parser (a `parsers` entry without columns): the
 * files it reads and how. */
typedef struct tp_framework_textlog {
  const struct tp_textlog_set *set; /* its pattern set; NULL: the built-in sets, sniffed */
  char *const *files;           /* the names (fnmatch globs) it reads; NULL: *.log, *.txt */
  size_t n_files;
} tp_framework_textlog;

typedef struct tp_framework_opts {
  const struct tp_tz *tz;       /* zone for naive times (NULL: UTC) */
  double clock_offset_s;        /* added to every time */
  unsigned force;               /* --format: only these kinds (0: detect) */
  const tp_framework_textlog *textlogs; /* the configured text-log parsers, in order
                                          (a file is read by the first whose files
                                          match it); none: try the built-in sets on
                                          *.log / *.txt files */
  size_t n_textlogs;
  const char *only_file;        /* when set, read this log of dir (a Keras CSV or a text
                                   log) and nothing else: a run split off a directory
                                   holding several trainings' logs (tp_found_run.log_file) */
  char *const *skip_files;      /* logs of dir that are runs of their own: not read */
  size_t n_skip_files;
  const struct tp_config_parser *parsers; /* the configuration's parsers; those with
                                             columns read the CSV logs their files name */
  size_t n_parsers;
} tp_framework_opts;

/* The configured CSV log parser (one of opt->parsers with columns) whose
 * files globs (default "*.csv") match the file name (a path or a name), or
 * NULL.  A file it names is read by it alone, whatever its content. */
const struct tp_config_parser *tp_framework_csv_parser(const tp_framework_opts *opt,
                                                       const char *name);
/* Whether name (a path or a name) is one that text logs may have: one that
 * a configured text-log parser's files match (*.log, *.txt when none). */
bool tp_framework_text_name(const tp_framework_opts *opt, const char *name);
/* The configured text-log parser that reads the file name (a path or a
 * name): the first of opt->textlogs whose files match it; NULL when none
 * does (or none is configured). */
const tp_framework_textlog *tp_framework_text_entry(const tp_framework_opts *opt,
                                                    const char *name);

/* What a format's loader is given besides the run and its directory, the
 * same for every row of the format table. */
typedef struct tp_framework_ctx {
  const tp_framework_opts *opt; /* never NULL */
  unsigned kinds;               /* the kinds to load (after --format and only_file) */
  struct tp_clock *clock;       /* turns the logs' times into epoch seconds */
  const tp_metric_sink *sink;   /* where metric values go */
  tp_diags *d;
  bool had_window;              /* the run had a window (from event files) before */
  char **logs;                  /* the directory's logs of the per-file kinds (Keras
                                   CSVLogger files and histories), owned */
  tp_framework_kind *log_kinds; /* the kind of each */
  size_t n_logs;
  double offset_duration_s;     /* set by a loader: the last seconds-since-start offset of
                                   a log, NAN when none */
} tp_framework_ctx;

/* A format's loader: reads its files of dir into run and returns how many
 * files it read.  Adding a format is its module, one row in framework.c's
 * table with its loader, and its bit in tp_framework_kind. */
typedef int (*tp_framework_loader)(tp_run *run, const char *dir, tp_framework_ctx *cx);

/* Which framework logs the directory holds (a bit set of tp_framework_kind),
 * told by file names and content.  Text logs and configured CSV logs are not
 * included (they need the configuration: see tp_framework_load_run). */
unsigned tp_framework_detect(const char *dir);

/* True when the directory is an MLflow run directory (32-hex name, or a
 * meta.yaml with run_id, plus metrics/ or params/ or meta.yaml). */
bool tp_framework_is_mlflow_run(const char *dir);

/* Load every framework log in dir into run (opt may be NULL).  Problems go to
 * d (and never stop the other files).  Sets run->window_source: "log
 * timestamps" or "run metadata" when the files had wall times; else keeps a
 * window already set by event files; else "declared duration" when one was
 * found; else adds a note that the run has no window and so no integrated
 * energy.  Returns the number of framework files read (0: none found). */
int tp_framework_load_run(tp_run *run, const char *dir, const tp_framework_opts *opt,
                          tp_diags *d);

#endif
