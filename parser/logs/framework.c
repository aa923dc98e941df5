/* framework: detect framework logs in a run directory and load them into one run
 * (see framework.h). */
#include "parser/logs/framework.h"
#include "parser/logs/fspath.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/logs/csvlog.h"
#include "parser/logs/dvclive.h"
#include "parser/logs/hparam_text.h"
#include "parser/logs/hf_trainer.h"
#include "parser/logs/hparams_yaml.h"
#include "parser/logs/hydra.h"
#include "parser/logs/jsonlines.h"
#include "parser/logs/keras_csv.h"
#include "parser/logs/lightning_csv.h"
#include "parser/text/sha256.h"
#include "parser/logs/mlflow.h"
#include "parser/logs/sacred.h"
#include "parser/text/number.h"
#include "parser/logs/textlog.h"
#include "parser/logs/ultralytics.h"
#include "parser/text/timefmt.h"
#include "parser/logs/wandb.h"
#include "parser/text/yamldoc.h"

#define S_HEAD_BYTES 4096
#define S_TEXT_HEAD_BYTES (1024 * 1024) /* logs open with long environment dumps */

/* ---- the format table ----------------------------------------------------------- */

/* The first line of head (a UTF-8 BOM, CR and LF left out). */
static size_t S_first_line(const char **head, size_t len) {
  const char *h = *head;
  if (len >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0) h += 3, len -= 3;
  const char *nl = memchr(h, '\n', len);
  size_t n = nl ? (size_t)(nl - h) : len;
  if (n && h[n - 1] == '\r') n--;
  *head = h;
  return n;
}

static bool S_sniff_lightning(const char *head, size_t len) {
  size_t n = S_first_line(&head, len);
  return tp_lightning_csv_header(head, n);
}

/* A row of the table: one framework log format.  Adding a format is its
 * module and one row here (and its bit in tp_framework_kind); discovery asks
 * this table, and --format names a row of it. */
typedef struct S_format {
  tp_framework_kind kind;
  const char *name;         /* for --format and messages */
  tp_file_kind file_kind;   /* what discovery calls a file of it (TP_FILE_UNKNOWN:
                               told by a directory's layout, not by one file) */
  /* The file names it is offered (fnmatch patterns, NULL-terminated); NULL:
   * any name. */
  const char *const *claims;
  /* Recognise a file by its first bytes (NULL: by layout, or by a pattern set). */
  bool (*sniff)(const char *head, size_t len);
  /* Load this format's files of a run directory (see tp_framework_loader). */
  tp_framework_loader load;
  /* Which format a series read by it names (tp_run.reading). */
  const char *reading;
} S_format;

static const char *const k_lightning_names[] = {"metrics.csv", NULL};
static const char *const k_textlog_names[] = {"*.log", "*.txt", NULL};
/* DETR log.txt, detectron2 metrics.json, MMEngine vis_data/scalars.json (its
 * identical <timestamp>.json copy is not claimed, so it is read once). */
static const char *const k_jsonlines_names[] = {"log.txt", "metrics.json", "scalars.json", NULL};
static const char *const k_sacred_names[] = {"run.json", NULL};
static const char *const k_dvclive_names[] = {"dvc.yaml", "dvclive.json", NULL};

static int S_load_lightning(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_keras(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_hf(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_mlflow(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_hydra(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_wandb(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_textlogs(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_jsonlines(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_sacred(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_dvclive(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_ultralytics(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_keras_history(tp_run *run, const char *dir, tp_framework_ctx *cx);
static int S_load_csvlogs(tp_run *run, const char *dir, tp_framework_ctx *cx);

/* In sniffing order, which is also the loading order (the sniffers claim
 * disjoint files; a series two formats log keeps the points of the one read
 * last). */
static const S_format k_formats[] = {
    {TP_FW_LIGHTNING, "lightning", TP_FILE_LIGHTNING_CSV, k_lightning_names, S_sniff_lightning,
     S_load_lightning, "lightning-csv"},
    {TP_FW_ULTRALYTICS, "ultralytics", TP_FILE_ULTRALYTICS, tp_ultralytics_names,
     tp_ultralytics_sniff, S_load_ultralytics, "ultralytics"},
    {TP_FW_KERAS, "keras", TP_FILE_KERAS_CSV, NULL, tp_keras_csv_sniff, S_load_keras,
     "keras-csv"},
    {TP_FW_KERAS_HISTORY, "keras-history", TP_FILE_KERAS_HISTORY, tp_keras_history_names,
     tp_keras_history_sniff, S_load_keras_history, "keras-history"},
    {TP_FW_HF_TRAINER, "hf-trainer", TP_FILE_HF_TRAINER_STATE, NULL, tp_hf_trainer_sniff,
     S_load_hf, "hf-trainer-state"},
    {TP_FW_MLFLOW, "mlflow", TP_FILE_UNKNOWN, NULL, NULL, S_load_mlflow, "mlflow"},
    {TP_FW_HYDRA, "hydra", TP_FILE_UNKNOWN, NULL, NULL, S_load_hydra, "hydra"},
    {TP_FW_WANDB, "wandb", TP_FILE_UNKNOWN, NULL, NULL, S_load_wandb, "wandb"},
    {TP_FW_JSONLINES, "jsonlines", TP_FILE_JSONLINES, k_jsonlines_names, tp_jsonlines_sniff,
     S_load_jsonlines, "jsonlines"},
    {TP_FW_SACRED, "sacred", TP_FILE_SACRED_RUN, k_sacred_names, tp_sacred_sniff, S_load_sacred,
     "sacred"},
    {TP_FW_DVCLIVE, "dvclive", TP_FILE_DVCLIVE, k_dvclive_names, tp_dvclive_sniff, S_load_dvclive,
     "dvclive"},
    {TP_FW_TEXTLOG, "textlog", TP_FILE_TEXTLOG, k_textlog_names, NULL, S_load_textlogs,
     "textlog"},
    {TP_FW_CSVLOG, "csvlog", TP_FILE_CSVLOG, NULL, NULL, S_load_csvlogs, "csvlog"},
};
#define S_N_FORMATS (sizeof k_formats / sizeof *k_formats)

static bool S_claims(const S_format *s, const char *name) {
  if (!s->claims) return true;
  for (const char *const *c = s->claims; *c; c++)
    if (fnmatch(*c, name, 0) == 0) return true;
  return false;
}

const char *tp_framework_name(tp_framework_kind k) {
  for (size_t i = 0; i < S_N_FORMATS; i++)
    if (k_formats[i].kind == k) return k_formats[i].name;
  return "unknown";
}

int tp_framework_parse_name(const char *name, tp_framework_kind *out) {
  for (size_t i = 0; i < S_N_FORMATS; i++)
    if (strcmp(k_formats[i].name, name) == 0) return *out = k_formats[i].kind, 0;
  return -1;
}

tp_framework_kind tp_framework_sniff_file(const char *name, const char *head, size_t len) {
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  for (size_t i = 0; i < S_N_FORMATS; i++)
    if (k_formats[i].sniff && S_claims(&k_formats[i], base) && k_formats[i].sniff(head, len))
      return k_formats[i].kind;
  return 0;
}

tp_file_kind tp_framework_file_kind(tp_framework_kind k) {
  for (size_t i = 0; i < S_N_FORMATS; i++)
    if (k_formats[i].kind == k) return k_formats[i].file_kind;
  return TP_FILE_UNKNOWN;
}

bool tp_framework_claims(tp_framework_kind k, const char *name) {
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  for (size_t i = 0; i < S_N_FORMATS; i++)
    if (k_formats[i].kind == k) return S_claims(&k_formats[i], base);
  return false;
}

const tp_config_parser *tp_framework_csv_parser(const tp_framework_opts *opt, const char *name) {
  if (!opt) return NULL;
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  for (size_t i = 0; i < opt->n_parsers; i++)
    if (tp_csvlog_claims(&opt->parsers[i], base)) return &opt->parsers[i];
  return NULL;
}

/* Whether the textlog entry e's files (default *.log, *.txt) match base. */
static bool S_entry_claims(const tp_framework_textlog *e, const char *base) {
  if (!e->files) return tp_framework_claims(TP_FW_TEXTLOG, base);
  for (size_t i = 0; i < e->n_files; i++)
    if (fnmatch(e->files[i], base, 0) == 0) return true;
  return false;
}

const tp_framework_textlog *tp_framework_text_entry(const tp_framework_opts *opt,
                                                    const char *name) {
  if (!opt) return NULL;
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  for (size_t i = 0; i < opt->n_textlogs; i++)
    if (S_entry_claims(&opt->textlogs[i], base)) return &opt->textlogs[i];
  return NULL;
}

bool tp_framework_text_name(const tp_framework_opts *opt, const char *name) {
  if (!opt || !opt->n_textlogs) return tp_framework_claims(TP_FW_TEXTLOG, name);
  return tp_framework_text_entry(opt, name) != NULL;
}

/* ---- detection ---------------------------------------------------------------- */

static size_t S_head(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

static bool S_hex32(const char *name) {
  size_t n = strlen(name);
  if (n != 32) return false;
  for (size_t i = 0; i < n; i++)
    if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f'))) return false;
  return true;
}

bool tp_framework_is_mlflow_run(const char *dir) {
  const char *base = strrchr(dir, '/');
  base = base ? base + 1 : dir;
  char *p = tp_xasprintf("%s/meta.yaml", dir);
  bool has_meta = tp_fspath_is_file(p), run_meta = false;
  if (has_meta) {
    char head[S_HEAD_BYTES + 1];
    size_t n = S_head(p, head, S_HEAD_BYTES);
    head[n] = '\0';
    /* A run's meta.yaml has run_id (or run_uuid) and start_time; a model
     * version's (mlruns/models/...) has run_id but no start_time. */
    run_meta = (strstr(head, "\nrun_id:") || strncmp(head, "run_id:", 7) == 0 ||
                strstr(head, "\nrun_uuid:") || strncmp(head, "run_uuid:", 9) == 0) &&
               (strstr(head, "\nstart_time:") || strncmp(head, "start_time:", 11) == 0);
  }
  free(p);
  if (run_meta) return true;
  if (!S_hex32(base)) return false;
  char *m = tp_xasprintf("%s/metrics", dir), *q = tp_xasprintf("%s/params", dir);
  bool ok = has_meta || tp_fspath_is_dir(m) || tp_fspath_is_dir(q);
  free(m);
  free(q);
  return ok;
}

/* The kinds whose every file is a log of its own (a run each when a
 * directory holds several): listed by S_detect_files. */
#define S_PER_FILE (TP_FW_KERAS | TP_FW_KERAS_HISTORY)

/* Kinds told by the files directly in dir (names and first bytes); the logs
 * of the per-file kinds are listed into cx when cx is not NULL. */
static unsigned S_detect_files(const char *dir, tp_framework_ctx *cx) {
  unsigned kinds = 0;
  DIR *dh = opendir(dir);
  if (!dh) return 0;
  struct dirent *e;
  char head[S_HEAD_BYTES];
  while ((e = readdir(dh))) {
    if (e->d_name[0] == '.') continue;
    char *p = tp_xasprintf("%s/%s", dir, e->d_name);
    if (!tp_fspath_is_file(p)) {
      free(p);
      continue;
    }
    if (cx && tp_framework_csv_parser(cx->opt, e->d_name)) { /* named: read by it alone */
      kinds |= TP_FW_CSVLOG;
      free(p);
      continue;
    }
    size_t n = S_head(p, head, sizeof head);
    tp_framework_kind k = memchr(head, 0, n) ? 0 : tp_framework_sniff_file(e->d_name, head, n);
    kinds |= k;
    if ((k & S_PER_FILE) && cx) {
      cx->logs = tp_xrealloc(cx->logs, (cx->n_logs + 1) * sizeof *cx->logs);
      cx->log_kinds = tp_xrealloc(cx->log_kinds, (cx->n_logs + 1) * sizeof *cx->log_kinds);
      cx->log_kinds[cx->n_logs] = k;
      cx->logs[cx->n_logs++] = p;
      p = NULL;
    }
    free(p);
  }
  closedir(dh);
  return kinds;
}

/* Every kind in dir; per-file logs are listed into cx when it is not NULL. */
static unsigned S_detect(const char *dir, tp_framework_ctx *cx) {
  unsigned kinds = S_detect_files(dir, cx);
  if (tp_framework_is_mlflow_run(dir)) kinds |= TP_FW_MLFLOW;
  char *p = tp_xasprintf("%s/.hydra/config.yaml", dir);
  if (tp_fspath_is_file(p)) kinds |= TP_FW_HYDRA;
  free(p);
  char *w = tp_wandb_files_dir(dir);
  if (w || tp_wandb_has_run_file(dir)) kinds |= TP_FW_WANDB; /* files/, or the run file alone */
  free(w);
  return kinds;
}

unsigned tp_framework_detect(const char *dir) { return S_detect(dir, NULL); }

/* ---- loading ------------------------------------------------------------------ */

/* Sink wrapper that remembers whether the files had wall times. */
typedef struct S_timed {
  tp_metric_sink inner;
  bool timed;
} S_timed;

static void S_timed_event(void *ctx, int64_t step, double t) {
  S_timed *s = ctx;
  if (isfinite(t) && t > 0) s->timed = true;
  if (s->inner.event) s->inner.event(s->inner.ctx, step, t);
}
static void S_timed_scalar(void *ctx, const char *tag, int64_t step, double t, double v) {
  S_timed *s = ctx;
  s->inner.scalar(s->inner.ctx, tag, step, t, v);
}
static void S_timed_source(void *ctx, const char *file, const char *column) {
  S_timed *s = ctx;
  tp_metric_sink_time_source(&s->inner, file, column);
}

static FILE *S_open(const char *path, tp_diags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) tp_diag_add(d, TP_WARN, path, -1, -1, "cannot open (%s); skipped", strerror(errno));
  return f;
}

static void S_input(tp_run *run, const char *path, const char *format) {
  tp_input *in = tp_run_add_input(run, path, format);
  struct stat st;
  if (stat(path, &st) == 0) {
    in->size = (uint64_t)st.st_size;
    in->mtime_s = (int64_t)st.st_mtime;
  }
}

/* An input whose format is "<kind>:<name>" (a text log's pattern set, a
 * configured CSV parser). */
static void S_input_named(tp_run *run, const char *path, const char *kind, const char *name) {
  char *fmt = tp_xasprintf("%s:%s", kind, name);
  S_input(run, path, fmt);
  free(fmt);
}

/* A CSV log's offsets give the run's duration unless an earlier log gave one. */
static void S_take_duration(tp_framework_ctx *cx, const tp_metrics_csv_stats *cst) {
  if (cst->time_is_offset && isfinite(cst->last_offset_s) && isnan(cx->offset_duration_s))
    cx->offset_duration_s = cst->last_offset_s;
}

/* Lightning: metrics.csv, hparams.yaml, and the legacy meta_tags.csv. */
static int S_load_lightning(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  tp_diags *d = cx->d;
  int n = 0;
  char *p = tp_xasprintf("%s/metrics.csv", dir);
  FILE *f = S_open(p, d);
  if (f) {
    tp_metrics_csv_stats cst;
    tp_metrics_csv_opts mo = {.clock = cx->clock, .start_s = run->start_s};
    tp_metrics_csv_read(f, p, &mo, cx->sink, d, &cst);
    fclose(f);
    if (cst.time_is_offset && isfinite(cst.last_offset_s))
      cx->offset_duration_s = cst.last_offset_s;
    S_input(run, p, "lightning-csv");
    n++;
  }
  free(p);
  p = tp_xasprintf("%s/hparams.yaml", dir);
  if (tp_fspath_is_file(p)) {
    /* The same reader (and so the same keys) as for hparams.yaml beside event files. */
    tp_hparams_yaml_load(run, p, d);
    n++;
  }
  free(p);
  p = tp_xasprintf("%s/meta_tags.csv", dir);
  f = tp_fspath_is_file(p) ? S_open(p, d) : NULL;
  if (f) {
    tp_rdiag rd;
    tp_rdiag_init(&rd, d, p);
    tp_lines lr;
    tp_lines_init(&lr, f, &rd, 0);
    const char *line;
    size_t len;
    while (tp_lines_next(&lr, &line, &len)) {
      tp_field fl[3];
      if (tp_csv_split(line, len, ',', fl, 3) != 2 || tp_field_eq(fl[0], "key")) continue;
      char *key = tp_field_dup(fl[0]);
      tp_hparam_text_set(run, key, fl[1].s, fl[1].n, p);
      free(key);
    }
    tp_lines_free(&lr);
    tp_rdiag_finish(&rd);
    fclose(f);
    S_input(run, p, "lightning-meta-tags");
    n++;
  }
  free(p);
  return n;
}


/* Whether the log at path is left out of this run (see only_file, skip_files). */
static bool S_left_out(const tp_framework_opts *opt, const char *path) {
  if (opt->only_file) return strcmp(path, opt->only_file) != 0;
  for (size_t i = 0; i < opt->n_skip_files; i++)
    if (strcmp(path, opt->skip_files[i]) == 0) return true;
  return false;
}

/* Text logs directly in dir (and in a W&B files/ directory). */
static int S_load_textlogs(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  const tp_framework_opts *opt = cx->opt;
  tp_diags *d = cx->d;
  int n = 0;
  char *wdir = tp_wandb_files_dir(dir);
  const char *dirs[2] = {dir, wdir && strcmp(wdir, dir) != 0 ? wdir : NULL};
  char *head = tp_xmalloc(S_TEXT_HEAD_BYTES);
  for (int k = 0; k < 2; k++) {
    if (!dirs[k]) continue;
    DIR *dh = opendir(dirs[k]);
    if (!dh) continue;
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh)))
      if (e->d_name[0] != '.' && tp_framework_text_name(opt, e->d_name) &&
          !tp_framework_csv_parser(opt, e->d_name)) {
        TP_GROW(names, cap, nn + 1);
        names[nn++] = tp_xstrdup(e->d_name);
      }
    closedir(dh);
    for (size_t i = 0; i < nn; i++) {
      char *p = tp_xasprintf("%s/%s", dirs[k], names[i]);
      size_t hn = tp_fspath_is_file(p) && !S_left_out(opt, p) ? S_head(p, head, S_TEXT_HEAD_BYTES) : 0;
      const tp_textlog_set *set = NULL;
      bool history = tp_framework_claims(TP_FW_KERAS_HISTORY, names[i]) &&
                     tp_keras_history_sniff(head, hn);
      if (hn && !history && !tp_keras_csv_sniff(head, hn) && !tp_jsonlines_sniff(head, hn)) {
        /* Sniff on whole lines only. */
        size_t cut = hn;
        while (cut && head[cut - 1] != '\n') cut--;
        const tp_framework_textlog *entry = tp_framework_text_entry(opt, names[i]);
        set = entry && entry->set ? entry->set : tp_textlog_sniff(head, cut, 3);
      }
      tp_textlog *tl = set ? tp_textlog_compile(set, d) : NULL;
      FILE *f = tl ? S_open(p, d) : NULL;
      if (f) {
        tp_textlog_stats st;
        tp_textlog_read(tl, f, p, cx->clock, cx->sink, d, &st);
        fclose(f);
        if (st.records) {
          S_input_named(run, p, "textlog", set->name ? set->name : "custom");
          n++;
        }
      }
      tp_textlog_free(tl);
      free(p);
      free(names[i]);
    }
    free(names);
  }
  free(head);
  free(wdir);
  return n;
}

/* Keras: every CSVLogger file (kind TP_FW_KERAS) or every history saved by
 * pandas (TP_FW_KERAS_HISTORY) of dir, in directory order. */
static int S_load_per_file(tp_run *run, tp_framework_ctx *cx, tp_framework_kind kind) {
  int n = 0;
  bool history = kind == TP_FW_KERAS_HISTORY;
  for (size_t i = 0; i < cx->n_logs; i++) {
    if (cx->log_kinds[i] != kind) continue;
    FILE *f = S_open(cx->logs[i], cx->d);
    if (!f) continue;
    tp_metrics_csv_stats cst;
    if (history)
      tp_keras_history_read(f, cx->logs[i], cx->sink, cx->d, &cst);
    else
      tp_keras_csv_read(f, cx->logs[i], cx->clock, cx->had_window ? run->start_s : NAN, cx->sink,
                        cx->d, &cst);
    fclose(f);
    S_take_duration(cx, &cst);
    S_input(run, cx->logs[i], history ? "keras-history" : "keras-csv");
    n++;
  }
  return n;
}

static int S_load_keras(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  (void)dir;
  return S_load_per_file(run, cx, TP_FW_KERAS);
}

static int S_load_keras_history(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  (void)dir;
  return S_load_per_file(run, cx, TP_FW_KERAS_HISTORY);
}

/* CSV logs that a configured parser names, directly in dir, in directory order. */
static int S_load_csvlogs(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  int n = 0;
  DIR *dh = opendir(dir);
  if (!dh) return 0;
  struct dirent *e;
  while ((e = readdir(dh))) {
    const tp_config_parser *cp = tp_framework_csv_parser(cx->opt, e->d_name);
    if (e->d_name[0] == '.' || !cp) continue;
    char *p = tp_xasprintf("%s/%s", dir, e->d_name);
    FILE *f = tp_fspath_is_file(p) && !S_left_out(cx->opt, p) ? S_open(p, cx->d) : NULL;
    if (f) {
      tp_metrics_csv_stats cst;
      tp_csvlog_read(f, p, cp, cx->clock, cx->had_window ? run->start_s : NAN, cx->sink, cx->d,
                     &cst);
      fclose(f);
      S_take_duration(cx, &cst);
      S_input_named(run, p, "csvlog", cp->name ? cp->name : "configured");
      n++;
    }
    free(p);
  }
  closedir(dh);
  return n;
}

/* Ultralytics: results.csv and args.yaml, the offsets anchored on the start
 * the event files gave. */
static int S_load_ultralytics(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  double dur = NAN;
  int n = tp_ultralytics_load_run(run, dir, cx->clock, cx->had_window ? run->start_s : NAN,
                                  cx->sink, cx->d, &dur);
  if (isfinite(dur) && isnan(cx->offset_duration_s)) cx->offset_duration_s = dur;
  return n;
}

/* Hugging Face: trainer_state.json and the files the Trainer writes beside it. */
static int S_load_hf(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  int n = 0;
  char *p = tp_xasprintf("%s/trainer_state.json", dir);
  if (tp_fspath_is_file(p)) {
    tp_hf_trainer_read(p, run, cx->sink, cx->d);
    S_input(run, p, "hf-trainer-state");
    n++;
    n += tp_hf_trainer_read_neighbours(dir, run, cx->d);
  }
  free(p);
  return n;
}

/* JSON lines: every file directly in dir that the row claims and sniffs. */
static int S_load_jsonlines(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  int n = 0;
  for (const char *const *name = k_jsonlines_names; *name; name++) {
    /* A DVCLive folder's metrics.json holds its final values, which the
     * DVCLive reader takes from its TSV files: not a JSON-lines log. */
    if ((cx->kinds & TP_FW_DVCLIVE) && strcmp(*name, "metrics.json") == 0) continue;
    char *p = tp_xasprintf("%s/%s", dir, *name);
    char head[S_HEAD_BYTES];
    size_t hn = tp_fspath_is_file(p) && !S_left_out(cx->opt, p) ? S_head(p, head, sizeof head) : 0;
    FILE *f = hn && !memchr(head, 0, hn) && tp_jsonlines_sniff(head, hn) ? S_open(p, cx->d) : NULL;
    if (f) {
      tp_jsonlines_read(f, p, run, cx->sink, cx->d, NULL);
      fclose(f);
      S_input(run, p, "jsonlines");
      n++;
    }
    free(p);
  }
  return n;
}

/* MLflow: the run directory; without a .hydra/ of its own, Hydra's output
 * folder may hold MLflow's mlruns/EXPERIMENT/RUN: 3 levels up, and one more
 * for an mlruns/mlruns written by a second tracking URI (those files are not
 * counted). */
static int S_load_mlflow(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  int n = tp_mlflow_load_run(run, dir, cx->d);
  if (!(cx->kinds & TP_FW_HYDRA)) tp_hydra_load_above(run, dir, 4, cx->d);
  return n;
}

static int S_load_hydra(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  return tp_hydra_load(run, dir, cx->d);
}

static int S_load_wandb(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  return tp_wandb_load_run(run, dir, cx->d);
}

static int S_load_sacred(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  return tp_sacred_load_run(run, dir, cx->clock, cx->sink, cx->d);
}

static int S_load_dvclive(tp_run *run, const char *dir, tp_framework_ctx *cx) {
  return tp_dvclive_load_run(run, dir, cx->clock, cx->sink, cx->d);
}

/* Provenance: every file a framework reader took has its real size and
 * SHA-256 (the readers record only the path). */
static void S_provenance(tp_run *run) {
  for (size_t i = 0; i < run->n_inputs; i++) {
    tp_input *in = &run->inputs[i];
    if (in->sha256[0]) continue;
    struct stat st;
    if (stat(in->path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    in->mtime_s = (int64_t)st.st_mtime;
    tp_sha256_file(in->path, in->sha256, &in->size);
  }
}

/* The window: the files' own wall times, else event files, else a duration. */
static void S_window(tp_run *run, const char *dir, const tp_framework_ctx *cx, bool timed,
                     const char *had_source, int n) {
  tp_diags *d = cx->d;
  if (run->window_source && strcmp(run->window_source, "run metadata") == 0) {
    /* set by a reader from the run's own start and end (MLflow, W&B) */
  } else if (timed) {
    run->window_source = "log timestamps";
  } else if (cx->had_window) {
    run->window_source = had_source ? had_source : "event wall times";
  } else if (isfinite(run->declared_duration_s) || isfinite(cx->offset_duration_s)) {
    if (isnan(run->declared_duration_s)) run->declared_duration_s = cx->offset_duration_s;
    run->window_source = "declared duration";
    tp_diag_add(d, TP_NOTE, dir, -1, -1,
                "the logs give a duration (%.3f s) but no wall-clock time: the run has no window, "
                "so no power trace or declared figure can be joined to it",
                run->declared_duration_s);
  } else if (n) {
    tp_diag_add(d, TP_NOTE, dir, -1, -1,
                "no wall-clock time in these logs (and no event file beside them): the run has "
                "no window, so no energy can be integrated for it");
  }
}

int tp_framework_load_run(tp_run *run, const char *dir, const tp_framework_opts *opt,
                          tp_diags *d) {
  tp_framework_opts none = {0};
  if (!opt) opt = &none;
  tp_clock clock;
  tp_clock_init(&clock, opt->tz, opt->clock_offset_s);
  const char *had_source = run->window_source;
  tp_framework_ctx cx = {.opt = opt, .clock = &clock, .d = d, .offset_duration_s = NAN,
                         .had_window = isfinite(run->start_s) && isfinite(run->end_s)};

  unsigned kinds = S_detect(dir, &cx);
  if (opt->force) kinds = (kinds & opt->force) | (opt->force & TP_FW_TEXTLOG);
  if (opt->only_file) kinds &= S_PER_FILE | TP_FW_TEXTLOG | TP_FW_CSVLOG; /* one log alone */
  if (!(opt->force && !(opt->force & TP_FW_TEXTLOG))) kinds |= TP_FW_TEXTLOG;
  cx.kinds = kinds;
  size_t kept = 0;
  for (size_t i = 0; i < cx.n_logs; i++) {
    if (S_left_out(opt, cx.logs[i])) {
      free(cx.logs[i]);
    } else {
      cx.log_kinds[kept] = cx.log_kinds[i];
      cx.logs[kept++] = cx.logs[i];
    }
  }
  cx.n_logs = kept;

  S_timed timed = {.inner = tp_metric_sink_run(run)};
  tp_metric_sink sink = {.ctx = &timed, .event = S_timed_event, .scalar = S_timed_scalar,
                         .time_source = S_timed_source};
  cx.sink = &sink;
  int n = 0;
  const char *was = run->reading; /* each format names itself (see tp_run_add_scalar) */
  for (size_t i = 0; i < S_N_FORMATS; i++) {
    if (!(kinds & k_formats[i].kind)) continue;
    run->reading = k_formats[i].reading;
    n += k_formats[i].load(run, dir, &cx);
  }
  for (size_t i = 0; i < cx.n_logs; i++) free(cx.logs[i]);
  free(cx.logs);
  free(cx.log_kinds);
  S_provenance(run);
  run->reading = was;
  S_window(run, dir, &cx, timed.timed, had_source, n);
  return n;
}
