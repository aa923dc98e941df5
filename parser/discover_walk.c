/* discover_walk: the walk of a directory tree.
 *
 * Each directory is entered once (a directory reached again through a link,
 * or inside itself, is noted and not entered), its entries sorted by name
 * into subdirectories, event files, framework logs and traces; the runs of a
 * directory are made by discover_runs.c before its subdirectories are walked.
 * A directory holding a report's manifest (TP_SITE_MANIFEST) is a report
 * trainprint wrote: it is noted and not entered, so that a report written
 * inside the folder it reports on is never read back as inputs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "model/sitemark.h"
#include "parser/discover_impl.h"
#include "parser/logs/wandb_binary.h"
#include "parser/logs/framework.h"
#include "parser/logs/textlog.h"

#define TP_SNIFF_BYTES 4096
#define TP_TEXTLOG_SNIFF_BYTES (1024 * 1024) /* logs open with long environment dumps */

static size_t S_seen_hash(dev_t dev, ino_t ino, size_t n_slots) {
  uint64_t h = (uint64_t)dev * 0x9E3779B97F4A7C15ULL ^ (uint64_t)ino * 0xC2B2AE3D27D4EB4FULL;
  return (size_t)(h ^ (h >> 29)) & (n_slots - 1);
}

/* The path by which the file or directory st was reached before, or NULL. */
const char *tp_discover_seen_path(const tp_discover_walk *w, const struct stat *st) {
  if (!w->n_slots) return NULL;
  for (size_t h = S_seen_hash(st->st_dev, st->st_ino, w->n_slots); w->slots[h];
       h = (h + 1) & (w->n_slots - 1)) {
    const tp_discover_seen *e = &w->seen[w->slots[h] - 1];
    if (e->dev == st->st_dev && e->ino == st->st_ino) return e->path;
  }
  return NULL;
}

static void S_seen_index(tp_discover_walk *w, size_t i) {
  size_t h = S_seen_hash(w->seen[i].dev, w->seen[i].ino, w->n_slots);
  while (w->slots[h]) h = (h + 1) & (w->n_slots - 1);
  w->slots[h] = i + 1;
}

/* As tp_discover_seen_path; when not reached before, st is recorded as reached by path. */
const char *tp_discover_seen_before(tp_discover_walk *w, const struct stat *st, const char *path) {
  const char *first = tp_discover_seen_path(w, st);
  if (first) return first;
  TP_GROW(w->seen, w->cap_seen, w->n_seen + 1);
  w->seen[w->n_seen++] =
      (tp_discover_seen){.dev = st->st_dev, .ino = st->st_ino, .path = tp_xstrdup(path)};
  if (w->n_seen * 2 > w->n_slots) {
    free(w->slots);
    w->n_slots = w->n_slots ? w->n_slots * 2 : 64;
    w->slots = tp_xcalloc(w->n_slots, sizeof *w->slots);
    for (size_t i = 0; i < w->n_seen; i++) S_seen_index(w, i);
  } else {
    S_seen_index(w, w->n_seen - 1);
  }
  return NULL;
}

void tp_discover_reached_twice(tp_discover_walk *w, const char *path, const char *first,
                               const char *what) {
  tp_diag_add(w->diags, TP_NOTE, path, -1, -1,
              "the same %s as %s (reached again through a symbolic link, a mount or another "
              "argument); read once, there",
              what, first);
}

char *tp_discover_join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  if (n && dir[n - 1] == '/') return tp_xasprintf("%s%s", dir, name);
  return tp_xasprintf("%s/%s", dir, name);
}

/* Count a file the walk leaves out, by the ending of its name. */
void tp_discover_skip(tp_discovery *out, const char *path, const char *why) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  char *what = strcmp(base, "hparams.yaml") == 0 ? tp_xstrdup("hparams.yaml")
               : dot && dot != base && dot[1]    ? tp_xasprintf("*%s", dot)
                                                 : tp_xstrdup("extensionless");
  if (!why) {
    if (dot && (strcmp(dot, ".log") == 0 || strcmp(dot, ".txt") == 0))
      why = "not matching any text-log pattern";
    else if (dot && strcmp(dot, ".csv") == 0)
      why = "no known log or trace header";
    else
      why = "not a log or trace format trainprint reads";
  }
  for (size_t i = 0; i < out->n_skipped; i++)
    if (strcmp(out->skipped[i].what, what) == 0 && strcmp(out->skipped[i].why, why) == 0) {
      out->skipped[i].count++;
      free(what);
      return;
    }
  TP_GROW(out->skipped, out->cap_skipped, out->n_skipped + 1);
  out->skipped[out->n_skipped++] = (tp_skipped){.what = what, .why = why, .count = 1};
}

tp_file_kind tp_discover_sniff_file(tp_discover_walk *w, const char *path,
                                    tp_power_format *format) {
  unsigned char head[TP_SNIFF_BYTES];
  size_t n = 0;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  *format = TP_POWER_UNKNOWN;
  if (tp_discover_is_event_file(base)) return TP_FILE_TFEVENTS;
  if (tp_framework_csv_parser(w->fw, base)) return TP_FILE_CSVLOG; /* named: its log */
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(w->diags, TP_WARN, path, -1, -1, "cannot open (%s); file skipped",
                strerror(errno));
    return TP_FILE_UNKNOWN;
  }
  n = fread(head, 1, sizeof head, f);
  fclose(f);
  return tp_discover_sniff(path, head, n, format);
}

bool tp_discover_is_framework_kind(tp_file_kind k) {
  return k == TP_FILE_LIGHTNING_CSV || k == TP_FILE_HF_TRAINER_STATE || k == TP_FILE_KERAS_CSV ||
         k == TP_FILE_TEXTLOG || k == TP_FILE_JSONLINES || k == TP_FILE_SACRED_RUN ||
         k == TP_FILE_DVCLIVE || k == TP_FILE_KERAS_HISTORY || k == TP_FILE_ULTRALYTICS ||
         k == TP_FILE_CSVLOG;
}

/* A sink that keeps nothing: only the count of records matters. */
static void S_no_scalar(void *ctx, const char *tag, int64_t step, double t_s, double v) {
  (void)ctx, (void)tag, (void)step, (void)t_s, (void)v;
}

/* Does the compiled text-log set tl (a configured parser's) give a record in the
 * got bytes of head (whole lines)? */
static bool S_configured_log(tp_textlog *tl, const char *head, size_t got) {
  FILE *mf = fmemopen((void *)head, got, "rb");
  if (!mf) return false;
  tp_metric_sink none = {.scalar = S_no_scalar};
  tp_textlog_stats st = {0};
  tp_diags quiet = {0};
  tp_textlog_read(tl, mf, "", NULL, &none, &quiet, &st);
  fclose(mf);
  tp_diag_free(&quiet);
  return st.records > 0;
}

bool tp_discover_is_textlog(tp_discover_walk *w, const char *path) {
  if (!tp_framework_text_name(w->fw, path)) return false;
  /* The configured parser that would read it (the first whose files match). */
  const tp_framework_textlog *entry = tp_framework_text_entry(w->fw, path);
  tp_textlog *tl = entry ? w->textlogs[entry - w->fw->textlogs] : NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  char *head = tp_xmalloc(TP_TEXTLOG_SNIFF_BYTES);
  size_t got = fread(head, 1, TP_TEXTLOG_SNIFF_BYTES, f);
  fclose(f);
  while (got && head[got - 1] != '\n') got--; /* whole lines only */
  bool yes = got && !memchr(head, 0, got) &&
             (tp_textlog_sniff(head, got, 3) != NULL ||
              (tl && S_configured_log(tl, head, got)));
  free(head);
  return yes;
}

/* A directory's entry: its name and what readdir says it is (DT_REG,
 * DT_DIR, DT_LNK, ... or DT_UNKNOWN where the file system does not say). */
typedef struct S_entry {
  char *name;
  unsigned char type;
} S_entry;

static int S_cmp_entry(const void *a, const void *b) {
  return strcmp(((const S_entry *)a)->name, ((const S_entry *)b)->name);
}

/* List dir's entries, sorted by name, into *out (NULL when empty); -1 with
 * errno when it cannot be opened. */
static int S_list(const char *dir, S_entry **out, size_t *n) {
  *out = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) return -1;
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    TP_GROW(*out, cap, *n + 1);
    (*out)[(*n)++] = (S_entry){tp_xstrdup(e->d_name), e->d_type};
  }
  closedir(d);
  if (*n > 1) qsort(*out, *n, sizeof **out, S_cmp_entry);
  return 0;
}

static void S_entries_free(S_entry *v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i].name);
  free(v);
}

/* Is dir a report trainprint wrote (it holds the site manifest, a regular
 * file)?  Noted when it is.  listed: dir's entries, or NULL when they could
 * not be read (then the manifest is looked for by its path). */
static bool S_is_report(tp_discover_walk *w, const char *dir, const S_entry *listed, size_t n) {
  if (listed) {
    S_entry key = {(char *)TP_SITE_MANIFEST, 0};
    if (!bsearch(&key, listed, n, sizeof *listed, S_cmp_entry)) return false;
  }
  char *mark = tp_discover_join(dir, TP_SITE_MANIFEST);
  struct stat mst;
  bool yes = stat(mark, &mst) == 0 && S_ISREG(mst.st_mode);
  free(mark);
  if (yes)
    tp_diag_add(w->diags, TP_NOTE, dir, -1, -1,
                "a trainprint report (it holds %s): not read as inputs", TP_SITE_MANIFEST);
  return yes;
}

/* Enter dir: not a report trainprint wrote; refuse a loop, a directory
 * reached before and one too deep; list its entries, sorted, into *entries.
 * Returns false when not entered (with a diagnostic); when entered, the
 * caller leaves it (w->depth--).  The entries are listed first, so that the
 * report's manifest is seen among them, but the diagnostics come in the
 * order of the checks: report, loop, reached before, depth, unreadable. */
static bool S_enter(tp_discover_walk *w, const char *dir, const struct stat *st,
                    S_entry **entries, size_t *n_entries) {
  int listed = S_list(dir, entries, n_entries);
  int list_errno = errno;
  bool ok = !S_is_report(w, dir, listed == 0 ? *entries : NULL, *n_entries);
  for (int i = 0; ok && i < w->depth; i++)
    if (w->devs[i] == st->st_dev && w->inos[i] == st->st_ino) {
      tp_diag_add(w->diags, TP_WARN, dir, -1, -1,
                  "directory loop (this directory contains itself through a link); not entered "
                  "again");
      ok = false;
    }
  const char *first = ok ? tp_discover_seen_before(w, st, dir) : NULL;
  if (first) {
    tp_discover_reached_twice(w, dir, first, "directory");
    ok = false;
  }
  if (ok && w->depth >= TP_DISCOVER_MAX_DEPTH) {
    tp_diag_add(w->diags, TP_WARN, dir, -1, -1,
                "directories nested deeper than %d levels; not entered", TP_DISCOVER_MAX_DEPTH);
    ok = false;
  }
  if (ok && listed != 0) {
    tp_diag_add(w->diags, TP_WARN, dir, -1, -1, "cannot read directory (%s); skipped",
                strerror(list_errno));
    ok = false;
  }
  if (!ok) {
    S_entries_free(*entries, *n_entries);
    *entries = NULL;
    *n_entries = 0;
    return false;
  }
  w->devs[w->depth] = st->st_dev;
  w->inos[w->depth] = st->st_ino;
  w->depth++;
  return true;
}

/* Note in D an entry name that tells a framework's run (see tp_discover_dir). */
static void S_note_mark(tp_discover_dir *D, const char *name, bool is_dir, bool is_reg) {
  if (is_dir) {
    if (strcmp(name, "files") == 0) D->has_files_dir = true;
    else if (strcmp(name, ".hydra") == 0) D->has_hydra_dir = true;
    else if (strcmp(name, "mlruns") == 0) D->has_mlruns_dir = true;
    else if (strcmp(name, "metrics") == 0 || strcmp(name, "params") == 0)
      D->has_metrics_or_params_dir = true;
  } else if (is_reg) {
    if (strcmp(name, "meta.yaml") == 0) D->has_meta_yaml = true;
    else if (strcmp(name, "trainer_state.json") == 0) D->has_trainer_state = true;
    else if (tp_wandb_is_run_file_name(name)) D->has_wandb_run_file = true;
  }
}

/* Sort dir's entries (names, freed here) into D: subdirectories, event
 * files, framework logs; traces are added to the discovery at once, the rest
 * counted as skipped. */
static void S_sort_entries(tp_discover_walk *w, tp_discover_dir *D, S_entry *names,
                           size_t n_names) {
  size_t cap_events = 0, cap_others = 0, cap_okinds = 0, cap_sub = 0, cap_sublink = 0;
  for (size_t i = 0; i < n_names; i++) {
    char *path = tp_discover_join(D->dir, names[i].name);
    /* What readdir said of a directory or a regular file is what stat would
     * (neither is a link): stat only the others, and a trace, for its
     * identity (a file reached twice). */
    bool known = names[i].type == DT_DIR || names[i].type == DT_REG;
    struct stat cst, lst;
    if (!known && stat(path, &cst) != 0) {
      tp_diag_add(w->diags, TP_WARN, path, -1, -1, "cannot stat (%s); skipped", strerror(errno));
      free(path);
      continue;
    }
    bool is_dir = known ? names[i].type == DT_DIR : S_ISDIR(cst.st_mode);
    bool is_reg = known ? names[i].type == DT_REG : S_ISREG(cst.st_mode);
    S_note_mark(D, names[i].name, is_dir, is_reg);
    if (is_dir) {
      TP_GROW(D->subdirs, cap_sub, D->n_sub + 1);
      TP_GROW(D->sublink, cap_sublink, D->n_sub + 1);
      D->sublink[D->n_sub] = !known && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
      D->subdirs[D->n_sub++] = path;
      continue;
    }
    if (!is_reg) {
      tp_discover_skip(w->out, path, "not a regular file");
      free(path);
      continue;
    }
    tp_power_format format;
    tp_file_kind k = tp_discover_sniff_file(w, path, &format);
    if (k == TP_FILE_UNKNOWN && tp_discover_is_textlog(w, path)) k = TP_FILE_TEXTLOG;
    if (k == TP_FILE_TFEVENTS) {
      TP_GROW(D->events, cap_events, D->n_events + 1);
      D->events[D->n_events++] = path;
    } else if (tp_discover_is_framework_kind(k) || k == TP_FILE_HPARAMS_YAML) {
      TP_GROW(D->others, cap_others, D->n_others + 1);
      TP_GROW(D->okinds, cap_okinds, D->n_others + 1);
      D->okinds[D->n_others] = k;
      D->others[D->n_others++] = path;
    } else if (k != TP_FILE_UNKNOWN && k != TP_FILE_TRAINPRINT_YAML) {
      if (known && stat(path, &cst) != 0) {
        tp_diag_add(w->diags, TP_WARN, path, -1, -1, "cannot stat (%s); skipped", strerror(errno));
        free(path);
        continue;
      }
      const char *was = tp_discover_seen_before(w, &cst, path);
      if (was) tp_discover_reached_twice(w, path, was, "file");
      else tp_discover_add_trace(w, path, D->dir, k, format);
      free(path);
    } else {
      if (k == TP_FILE_UNKNOWN) tp_discover_skip(w->out, path, NULL);
      free(path);
    }
  }
  S_entries_free(names, n_names);
}

/* Walk dir's subdirectories: real directories first, then links; not a
 * Hugging Face output's TensorBoard logs (read with its run), not the older
 * checkpoint snapshots, nothing below an MLflow run or a W&B run's files/. */
static void S_walk_subdirs(tp_discover_walk *w, tp_discover_dir *D) {
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < D->n_sub; i++) {
      if (D->sublink[i] != (pass == 1)) continue;
      if (i == D->tb_sub) continue;
      struct stat sst;
      /* A W&B run's files/ (output.log included) belongs to the run. */
      const char *sub = strrchr(D->subdirs[i], '/');
      bool wandb_files = D->wandb && sub && strcmp(sub, "/files") == 0;
      if (D->snap[i] && i != D->newest) continue;
      bool alias = D->snap[i] && !D->is_run;
      if (alias) {
        w->alias_dir = D->subdirs[i], w->alias_of = D->dir;
        w->alias_events = D->tb_for_alias ? D->tb_events : NULL;
        w->n_alias_events = D->tb_for_alias ? D->n_tb : 0;
      }
      if (!D->mlflow && !wandb_files) {
        if (stat(D->subdirs[i], &sst) == 0) tp_discover_walk_dir(w, D->subdirs[i], &sst);
        else /* the first stat of a directory readdir named (S_sort_entries) */
          tp_diag_add(w->diags, TP_WARN, D->subdirs[i], -1, -1, "cannot stat (%s); skipped",
                      strerror(errno));
      }
      if (alias) w->alias_dir = w->alias_of = NULL, w->alias_events = NULL, w->n_alias_events = 0;
    }
}

static void S_dir_free(tp_discover_dir *D) {
  for (size_t i = 0; i < D->n_tb; i++) free(D->tb_events[i]);
  free(D->tb_events);
  for (size_t i = 0; i < D->n_sub; i++) free(D->subdirs[i]);
  free(D->subdirs);
  free(D->sublink);
  free(D->snap);
}

void tp_discover_walk_dir(tp_discover_walk *w, const char *dir, const struct stat *st) {
  S_entry *names;
  size_t n_names;
  if (!S_enter(w, dir, st, &names, &n_names)) return;
  tp_discover_dir D = {.dir = dir};
  S_sort_entries(w, &D, names, n_names);
  tp_discover_make_run(w, &D);
  tp_discover_hf_snapshots(w, &D);
  tp_discover_hf_logs(w, &D);
  S_walk_subdirs(w, &D);
  S_dir_free(&D);
  w->depth--;
}
