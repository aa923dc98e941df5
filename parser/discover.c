/* discover: walk command-line paths, find runs (directories with event files
 * or framework logs) and trace files, classified by asking the framework and
 * power format tables. */
#include "parser/discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/logs/framework.h"
#include "parser/logs/mlflow.h"
#include "parser/logs/textlog.h"
#include "parser/logs/wandb.h"

#define TP_DISCOVER_MAX_DEPTH 64 /* deeper trees are reported and not entered */
#define TP_SNIFF_BYTES 4096

const char *tp_file_kind_name(tp_file_kind k) {
  switch (k) {
    case TP_FILE_TFEVENTS: return "tfevents";
    case TP_FILE_HPARAMS_YAML: return "hparams.yaml";
    case TP_FILE_TRACE: return "trace";
    case TP_FILE_TRAINPRINT_YAML: return "trainprint.yaml";
    case TP_FILE_LIGHTNING_CSV: return "lightning-csv";
    case TP_FILE_HF_TRAINER_STATE: return "hf-trainer-state";
    case TP_FILE_KERAS_CSV: return "keras-csv";
    case TP_FILE_TEXTLOG: return "textlog";
    default: return "unknown";
  }
}

static bool S_is_event_file(const char *name) {
  if (!strstr(name, "tfevents")) return false;
  size_t n = strlen(name);
  static const char skip[] = ".profile-empty";
  if (n >= sizeof skip - 1 && strcmp(name + n - (sizeof skip - 1), skip) == 0) return false;
  /* Ground-truth or note files that merely mention the name. */
  static const char *const not_events[] = {".csv", ".json", ".txt", ".md"};
  for (size_t i = 0; i < sizeof not_events / sizeof *not_events; i++) {
    size_t m = strlen(not_events[i]);
    if (n > m && strcmp(name + n - m, not_events[i]) == 0) return false;
  }
  return true;
}

tp_file_kind tp_discover_sniff(const char *name, const unsigned char *head, size_t head_len,
                               tp_power_format *format) {
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  if (format) *format = TP_POWER_UNKNOWN;
  if (S_is_event_file(base)) return TP_FILE_TFEVENTS;
  if (strcmp(base, "hparams.yaml") == 0) return TP_FILE_HPARAMS_YAML;
  if (strcmp(base, "trainprint.yaml") == 0 || strcmp(base, "trainprint.yml") == 0)
    return TP_FILE_TRAINPRINT_YAML;
  for (size_t i = 0; i < head_len; i++)
    if (head[i] == 0) return TP_FILE_UNKNOWN; /* binary */
  /* Framework logs, then power and energy traces: the rows of their format
   * tables, each by its sniffer. */
  tp_framework_kind fk = tp_framework_sniff_file(base, (const char *)head, head_len);
  if (fk) return tp_framework_file_kind(fk);
  tp_power_format f = tp_power_sniff_file(base, head, head_len);
  if (f == TP_POWER_UNKNOWN) return TP_FILE_UNKNOWN;
  if (format) *format = f;
  return TP_FILE_TRACE;
}

/* ---- the walk ---------------------------------------------------------- */

/* A directory or trace file already reached, and the path it was reached by. */
typedef struct S_seen {
  dev_t dev;
  ino_t ino;
  char *path;
} S_seen;

typedef struct S_walk {
  tp_discovery *out;
  tp_diags *diags;
  const char *root;       /* argument being walked */
  dev_t devs[TP_DISCOVER_MAX_DEPTH];
  ino_t inos[TP_DISCOVER_MAX_DEPTH];
  int depth;
  S_seen *seen;           /* every directory and trace file reached, over all arguments */
  size_t n_seen, cap_seen;
  size_t *slots;          /* open-addressing index into seen (index + 1; 0 = empty) */
  size_t n_slots;         /* a power of two, at least twice n_seen */
  const char *alias_dir;  /* a checkpoint snapshot directory whose run takes ... */
  const char *alias_of;   /* ... the id of this output directory */
  char **alias_events;    /* ... and the output directory's runs/ event files */
  size_t n_alias_events;
  tp_textlog *textlog;    /* the configuration's text-log patterns, compiled, or NULL */
} S_walk;

static size_t S_seen_hash(dev_t dev, ino_t ino, size_t n_slots) {
  uint64_t h = (uint64_t)dev * 0x9E3779B97F4A7C15ULL ^ (uint64_t)ino * 0xC2B2AE3D27D4EB4FULL;
  return (size_t)(h ^ (h >> 29)) & (n_slots - 1);
}

/* The path by which the file or directory st was reached before, or NULL. */
static const char *S_seen_path(const S_walk *w, const struct stat *st) {
  if (!w->n_slots) return NULL;
  for (size_t h = S_seen_hash(st->st_dev, st->st_ino, w->n_slots); w->slots[h];
       h = (h + 1) & (w->n_slots - 1)) {
    const S_seen *e = &w->seen[w->slots[h] - 1];
    if (e->dev == st->st_dev && e->ino == st->st_ino) return e->path;
  }
  return NULL;
}

static void S_seen_index(S_walk *w, size_t i) {
  size_t h = S_seen_hash(w->seen[i].dev, w->seen[i].ino, w->n_slots);
  while (w->slots[h]) h = (h + 1) & (w->n_slots - 1);
  w->slots[h] = i + 1;
}

/* As S_seen_path; when not reached before, st is recorded as reached by path. */
static const char *S_seen_before(S_walk *w, const struct stat *st, const char *path) {
  const char *first = S_seen_path(w, st);
  if (first) return first;
  TP_GROW(w->seen, w->cap_seen, w->n_seen + 1);
  w->seen[w->n_seen++] = (S_seen){.dev = st->st_dev, .ino = st->st_ino, .path = tp_xstrdup(path)};
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

static void S_reached_twice(S_walk *w, const char *path, const char *first, const char *what) {
  tp_diag_add(w->diags, TP_NOTE, path, -1, -1,
              "the same %s as %s (reached again through a symbolic link, a mount or another "
              "argument); read once, there",
              what, first);
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Leading decimal timestamp in an event file name after "tfevents.", or -1. */
static long long S_name_time(const char *path) {
  const char *p = strstr(path, "tfevents.");
  if (!p) return -1;
  p += 9;
  long long v = 0;
  int digits = 0;
  while (*p >= '0' && *p <= '9' && digits < 18) v = v * 10 + (*p++ - '0'), digits++;
  return digits ? v : -1;
}

static int S_cmp_event_file(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');
  bx = bx ? bx + 1 : x;
  by = by ? by + 1 : y;
  long long tx = S_name_time(bx), ty = S_name_time(by);
  if (tx != ty) return tx < ty ? -1 : 1;
  return strcmp(bx, by);
}

static char *S_join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  if (n && dir[n - 1] == '/') return tp_xasprintf("%s%s", dir, name);
  return tp_xasprintf("%s/%s", dir, name);
}

static const char *S_basename(const char *path, char *buf, size_t cap) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  size_t s = n;
  while (s > 0 && path[s - 1] != '/') s--;
  size_t len = n - s;
  if (len >= cap) len = cap - 1;
  memcpy(buf, path + s, len);
  buf[len] = '\0';
  if (len == 0 || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0) {
    /* "." or ".." as an argument: name the run after the real directory. */
    char *real = realpath(path, NULL);
    if (real) {
      const char *r = strrchr(real, '/');
      r = r && r[1] ? r + 1 : real;
      snprintf(buf, cap, "%s", r);
      free(real);
    }
  }
  return buf;
}

/* Path of dir relative to root ('/'-separated), or NULL when dir == root. */
static char *S_relative(const char *root, const char *dir) {
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/') n--;
  if (strncmp(dir, root, n) != 0) return tp_xstrdup(dir);
  const char *rest = dir + n;
  while (*rest == '/') rest++;
  return *rest ? tp_xstrdup(rest) : NULL;
}

/* The id of a run in dir (see discover.h). */
static char *S_dir_id(const S_walk *w, const char *dir) {
  if (w->alias_dir && strcmp(dir, w->alias_dir) == 0) dir = w->alias_of;
  char *rel = S_relative(w->root, dir);
  if (!rel) {
    char buf[256];
    rel = tp_xstrdup(S_basename(dir, buf, sizeof buf));
  }
  return rel;
}

/* Append event files (copied) to run r, keeping its event files in reading order. */
static void S_take_events(tp_found_run *r, char *const *events, size_t n) {
  r->event_files = tp_xrealloc(r->event_files, (r->n_event_files + n) * sizeof *r->event_files);
  for (size_t i = 0; i < n; i++) r->event_files[r->n_event_files++] = tp_xstrdup(events[i]);
  if (r->n_event_files > 1)
    qsort(r->event_files, r->n_event_files, sizeof *r->event_files, S_cmp_event_file);
}

/* The event files in dir and in its subdirectories down to `depth` more
 * levels, appended to *out. */
static void S_collect_events(const char *dir, int depth, char ***out, size_t *n, size_t *cap) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *path = S_join(dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && S_is_event_file(e->d_name)) {
      TP_GROW(*out, *cap, *n + 1);
      (*out)[(*n)++] = path;
      continue;
    }
    if (depth > 0 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
      S_collect_events(path, depth - 1, out, n, cap);
    free(path);
  }
  closedir(d);
}

static void S_add_run(S_walk *w, const char *dir, char **events, size_t n_events, char **others,
                      size_t n_others) {
  tp_discovery *out = w->out;
  TP_GROW(out->runs, out->cap_runs, out->n_runs + 1);
  tp_found_run *r = &out->runs[out->n_runs++];
  char *rel = S_dir_id(w, dir);
  if (n_events > 1) qsort(events, n_events, sizeof *events, S_cmp_event_file);
  *r = (tp_found_run){.id = rel,
                      .dir = tp_xstrdup(dir),
                      .root = tp_xstrdup(w->root),
                      .event_files = events,
                      .n_event_files = n_events,
                      .other_files = others,
                      .n_other_files = n_others,
                      .from_snapshot = w->alias_dir && strcmp(dir, w->alias_dir) == 0};
  if (r->from_snapshot && w->n_alias_events) S_take_events(r, w->alias_events, w->n_alias_events);
}

static void S_add_trace(S_walk *w, const char *path, const char *dir, tp_file_kind kind,
                        tp_power_format format) {
  tp_discovery *out = w->out;
  TP_GROW(out->traces, out->cap_traces, out->n_traces + 1);
  out->traces[out->n_traces++] = (tp_found_file){.path = tp_xstrdup(path),
                                                 .dir = tp_xstrdup(dir),
                                                 .root = tp_xstrdup(w->root),
                                                 .kind = kind,
                                                 .format = format};
}

/* Count a file the walk leaves out, by the ending of its name. */
static void S_skip(tp_discovery *out, const char *path, const char *why) {
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

static tp_file_kind S_sniff_file(S_walk *w, const char *path, tp_power_format *format) {
  unsigned char head[TP_SNIFF_BYTES];
  size_t n = 0;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  *format = TP_POWER_UNKNOWN;
  if (S_is_event_file(base)) return TP_FILE_TFEVENTS;
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

static bool S_is_framework_kind(tp_file_kind k) {
  return k == TP_FILE_LIGHTNING_CSV || k == TP_FILE_HF_TRAINER_STATE || k == TP_FILE_KERAS_CSV ||
         k == TP_FILE_TEXTLOG;
}

#define TP_TEXTLOG_SNIFF_BYTES (1024 * 1024) /* logs open with long environment dumps */

/* A file the text-log row of the framework table claims (*.log, *.txt) that a
 * built-in text pattern set reads (3 records or more in its first MiB). */
static void S_no_scalar(void *ctx, const char *tag, int64_t step, double t_s, double v) {
  (void)ctx, (void)tag, (void)step, (void)t_s, (void)v;
}

/* Does the configuration's compiled text-log set tl give a record in the
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

static bool S_is_textlog(S_walk *w, const char *path) {
  if (!tp_framework_claims(TP_FW_TEXTLOG, path)) return false;
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  char *head = tp_xmalloc(TP_TEXTLOG_SNIFF_BYTES);
  size_t got = fread(head, 1, TP_TEXTLOG_SNIFF_BYTES, f);
  fclose(f);
  while (got && head[got - 1] != '\n') got--; /* whole lines only */
  bool yes = got && !memchr(head, 0, got) &&
             (tp_textlog_sniff(head, got, 3) != NULL ||
              (w->textlog && S_configured_log(w->textlog, head, got)));
  free(head);
  return yes;
}

/* Framework markers below dir: .hydra/, a W&B files/ directory, an MLflow run. */
static bool S_has_file(const char *dir, const char *rel) {
  char *p = S_join(dir, rel);
  struct stat st;
  bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
  free(p);
  return ok;
}

static bool S_has_dir(const char *dir, const char *rel) {
  char *p = S_join(dir, rel);
  struct stat st;
  bool ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
  free(p);
  return ok;
}

/* N of a Hugging Face snapshot directory name "checkpoint-N", or -1. */
static long long S_snapshot_number(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  static const char pre[] = "checkpoint-";
  if (strncmp(base, pre, sizeof pre - 1) != 0) return -1;
  const char *p = base + sizeof pre - 1;
  long long v = 0;
  int digits = 0;
  while (*p >= '0' && *p <= '9' && digits < 18) v = v * 10 + (*p++ - '0'), digits++;
  return digits && !*p ? v : -1;
}

/* The file name without its last extension ("log.v1.txt" -> "log.v1"). */
static char *S_stem(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? tp_xstrndup(base, (size_t)(dot - base)) : tp_xstrdup(base);
}

char *tp_discover_id_dir(const tp_found_run *fr) {
  size_t n = strlen(fr->dir);
  while (n > 1 && fr->dir[n - 1] == '/') n--;
  if (fr->from_snapshot)
    while (n > 1 && fr->dir[--n] != '/') {
    }
  return tp_xstrndup(fr->dir, n);
}

char *tp_discover_run_id(const tp_found_run *fr, const char *dir_id) {
  if (!fr->log_file) return tp_xstrdup(dir_id);
  char *stem = S_stem(fr->log_file);
  char *id = tp_xasprintf("%s/%s", dir_id, stem);
  free(stem);
  return id;
}

/* A run of one log file of dir, split off a directory holding several. */
static void S_add_split_run(S_walk *w, const char *dir, const char *path) {
  char **files = tp_xmalloc(sizeof *files);
  files[0] = tp_xstrdup(path);
  S_add_run(w, dir, NULL, 0, files, 1);
  tp_found_run *r = &w->out->runs[w->out->n_runs - 1];
  r->log_file = tp_xstrdup(path);
  char *id = tp_discover_run_id(r, r->id);
  free(r->id);
  r->id = id;
}

/* Several logs of one per-file kind in dir are different trainings: mark
 * them in split[] (parallel to kinds[], the kinds of dir's logs) and note it;
 * returns how many. */
static size_t S_mark_split(S_walk *w, const char *dir, const tp_file_kind *kinds, size_t n,
                           bool *split) {
  static const tp_file_kind per_file[] = {TP_FILE_KERAS_CSV, TP_FILE_TEXTLOG};
  size_t total = 0;
  for (size_t k = 0; k < sizeof per_file / sizeof *per_file; k++) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += kinds[i] == per_file[k];
    if (c < 2) continue;
    for (size_t i = 0; i < n; i++)
      if (kinds[i] == per_file[k]) split[i] = true;
    total += c;
    tp_diag_add(w->diags, TP_NOTE, dir, -1, -1,
                "%zu %s logs in one directory: read as %zu different trainings, a run each "
                "(id <directory>/<file name>), not merged",
                c, tp_file_kind_name(per_file[k]), c);
  }
  return total;
}

static void S_walk_dir(S_walk *w, const char *dir, const struct stat *st) {
  for (int i = 0; i < w->depth; i++)
    if (w->devs[i] == st->st_dev && w->inos[i] == st->st_ino) {
      tp_diag_add(w->diags, TP_WARN, dir, -1, -1,
                  "directory loop (this directory contains itself through a link); not entered "
                  "again");
      return;
    }
  const char *first = S_seen_before(w, st, dir);
  if (first) {
    S_reached_twice(w, dir, first, "directory");
    return;
  }
  if (w->depth >= TP_DISCOVER_MAX_DEPTH) {
    tp_diag_add(w->diags, TP_WARN, dir, -1, -1,
                "directories nested deeper than %d levels; not entered", TP_DISCOVER_MAX_DEPTH);
    return;
  }
  DIR *d = opendir(dir);
  if (!d) {
    tp_diag_add(w->diags, TP_WARN, dir, -1, -1, "cannot read directory (%s); skipped",
                strerror(errno));
    return;
  }
  w->devs[w->depth] = st->st_dev;
  w->inos[w->depth] = st->st_ino;
  w->depth++;

  char **names = NULL;
  size_t n_names = 0, cap_names = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    TP_GROW(names, cap_names, n_names + 1);
    names[n_names++] = tp_xstrdup(e->d_name);
  }
  closedir(d);
  if (n_names > 1) qsort(names, n_names, sizeof *names, S_cmp_str); /* names is NULL when empty */

  char **events = NULL, **others = NULL;
  tp_file_kind *okinds = NULL;
  size_t n_events = 0, cap_events = 0, n_others = 0, cap_others = 0, cap_okinds = 0;
  bool mlflow = false;
  char **subdirs = NULL;
  bool *sublink = NULL;
  size_t n_sub = 0, cap_sub = 0, cap_sublink = 0;
  for (size_t i = 0; i < n_names; i++) {
    char *path = S_join(dir, names[i]);
    struct stat cst, lst;
    if (stat(path, &cst) != 0) {
      tp_diag_add(w->diags, TP_WARN, path, -1, -1, "cannot stat (%s); skipped", strerror(errno));
      free(path);
      continue;
    }
    if (S_ISDIR(cst.st_mode)) {
      TP_GROW(subdirs, cap_sub, n_sub + 1);
      TP_GROW(sublink, cap_sublink, n_sub + 1);
      sublink[n_sub] = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
      subdirs[n_sub++] = path;
      continue;
    }
    if (!S_ISREG(cst.st_mode)) {
      S_skip(w->out, path, "not a regular file");
      free(path);
      continue;
    }
    tp_power_format format;
    tp_file_kind k = S_sniff_file(w, path, &format);
    if (k == TP_FILE_UNKNOWN && S_is_textlog(w, path)) k = TP_FILE_TEXTLOG;
    if (k == TP_FILE_TFEVENTS) {
      TP_GROW(events, cap_events, n_events + 1);
      events[n_events++] = path;
    } else if (S_is_framework_kind(k) || k == TP_FILE_HPARAMS_YAML) {
      TP_GROW(others, cap_others, n_others + 1);
      TP_GROW(okinds, cap_okinds, n_others + 1);
      okinds[n_others] = k;
      others[n_others++] = path;
    } else if (k != TP_FILE_UNKNOWN && k != TP_FILE_TRAINPRINT_YAML) {
      const char *was = S_seen_before(w, &cst, path);
      if (was) S_reached_twice(w, path, was, "file");
      else S_add_trace(w, path, dir, k, format);
      free(path);
    } else {
      if (k == TP_FILE_UNKNOWN) S_skip(w->out, path, NULL);
      free(path);
    }
  }
  for (size_t i = 0; i < n_names; i++) free(names[i]);
  free(names);

  /* Several trainings' logs side by side: a run each. */
  bool *split = n_others ? tp_xcalloc(n_others, sizeof *split) : NULL;
  size_t n_split = S_mark_split(w, dir, okinds, n_others, split);
  bool framework = false;
  for (size_t i = 0; i < n_others; i++)
    if (!split[i] && S_is_framework_kind(okinds[i])) framework = true;

  /* A W&B run: its files/, or only its run file (an offline run, or one cut
   * short, may have nothing else). */
  bool wandb = S_has_file(dir, "files/wandb-metadata.json") ||
               S_has_file(dir, "files/wandb-summary.json") || tp_wandb_has_run_file(dir);
  bool hydra = S_has_file(dir, ".hydra/config.yaml");
  if (hydra && !wandb && !framework && !n_events && S_has_dir(dir, "mlruns")) {
    /* A Hydra output folder whose training logged to MLflow inside it: the
     * configuration fills the MLflow run's hyperparameters (framework.h);
     * the folder is not a second run of the same training. */
    tp_diag_add(w->diags, TP_NOTE, dir, -1, -1,
                "Hydra output folder holding an MLflow store (mlruns/): its configuration "
                "goes to the MLflow runs below, and the folder is not a run of its own");
    hydra = false;
  }
  if (wandb || hydra) framework = true;
  if (tp_framework_is_mlflow_run(dir)) {
    /* Its metrics/, params/, tags/ and artifacts/ are the run's, not runs. */
    mlflow = true;
    char *meta = S_join(dir, "meta.yaml");
    tp_diags scratch = {0};
    tp_mlflow_meta m;
    bool deleted = tp_mlflow_read_meta(meta, &m, &scratch) == 0 && m.deleted;
    tp_mlflow_meta_free(&m);
    tp_diag_free(&scratch);
    if (deleted)
      tp_diag_add(w->diags, TP_NOTE, dir, -1, -1, "MLflow run marked deleted; left out");
    else
      framework = true;
    free(meta);
  }
  for (size_t i = 0; i < n_others; i++)
    if (split[i]) S_add_split_run(w, dir, others[i]);
  bool is_run = n_events || framework;
  if (is_run) {
    char **rest = NULL, **gone = NULL;
    size_t n_rest = 0, n_gone = 0;
    if (n_others - n_split) rest = tp_xmalloc((n_others - n_split) * sizeof *rest);
    if (n_split) gone = tp_xmalloc(n_split * sizeof *gone);
    for (size_t i = 0; i < n_others; i++) {
      if (split[i]) gone[n_gone++] = others[i];
      else rest[n_rest++] = others[i];
    }
    free(others);
    S_add_run(w, dir, events, n_events, rest, n_rest);
    tp_found_run *r = &w->out->runs[w->out->n_runs - 1];
    r->split_off = gone;
    r->n_split_off = n_gone;
  } else {
    for (size_t i = 0; i < n_others; i++) {
      S_skip(w->out, others[i], "no event file or framework log beside it");
      free(others[i]);
    }
    free(others);
    free(events);
  }
  free(okinds);
  free(split);

  /* Hugging Face checkpoint snapshots of one training: read one. */
  bool top_state = S_has_file(dir, "trainer_state.json");
  size_t newest = n_sub, n_snap = 0;
  long long newest_n = -1;
  bool *snap = n_sub ? tp_xcalloc(n_sub, sizeof *snap) : NULL;
  for (size_t i = 0; i < n_sub; i++) {
    long long v = S_snapshot_number(subdirs[i]);
    if (v < 0 || !S_has_file(subdirs[i], "trainer_state.json")) continue;
    snap[i] = true;
    n_snap++;
    if (v > newest_n) newest_n = v, newest = i;
  }
  if (top_state) newest = n_sub;
  if (n_snap > (newest < n_sub ? 1u : 0u)) {
    char *from = newest < n_sub ? S_join(subdirs[newest], "trainer_state.json")
                                : S_join(dir, "trainer_state.json");
    tp_diag_add(w->diags, TP_NOTE, dir, -1, -1,
                "%zu Hugging Face checkpoint snapshots (checkpoint-N/trainer_state.json) of one "
                "training: the run is read from %s; the %zu older snapshots are left out",
                n_snap, from, n_snap - (newest < n_sub));
    free(from);
  }

  /* A Hugging Face output directory's TensorBoard logs (runs/<date_host>/,
   * the Trainer's default logging_dir) are the same training's: they go with
   * its run (which gets its window from them), not to a run of their own. */
  size_t tb_sub = n_sub;
  char **tb_events = NULL;
  size_t n_tb = 0, cap_tb = 0;
  bool tb_for_alias = false;
  for (size_t i = 0; i < n_sub && (top_state || n_snap); i++) {
    char buf[256];
    if (!sublink[i] && strcmp(S_basename(subdirs[i], buf, sizeof buf), "runs") == 0) tb_sub = i;
  }
  if (tb_sub < n_sub) S_collect_events(subdirs[tb_sub], 2, &tb_events, &n_tb, &cap_tb);
  if (n_tb) {
    tp_found_run *own = NULL;
    for (size_t i = w->out->n_runs; is_run && i-- > 0 && !own;)
      if (strcmp(w->out->runs[i].dir, dir) == 0 && !w->out->runs[i].log_file)
        own = &w->out->runs[i];
    if (own) S_take_events(own, tb_events, n_tb);
    else tb_for_alias = true; /* the snapshot's run, made in the walk below, takes them */
    tp_diag_add(w->diags, TP_NOTE, subdirs[tb_sub], -1, -1,
                "the Hugging Face Trainer's TensorBoard logs (%zu event file%s) of the training "
                "in %s: read with its run, not as runs of their own",
                n_tb, n_tb == 1 ? "" : "s", dir);
  } else {
    tb_sub = n_sub; /* no logs there: walk it as any folder */
  }

  for (int pass = 0; pass < 2; pass++) /* real directories first, then links */
    for (size_t i = 0; i < n_sub; i++) {
      if (sublink[i] != (pass == 1)) continue;
      if (i == tb_sub) continue;
      struct stat sst;
      /* A W&B run's files/ (output.log included) belongs to the run. */
      const char *sub = strrchr(subdirs[i], '/');
      bool wandb_files = wandb && sub && strcmp(sub, "/files") == 0;
      if (snap[i] && i != newest) continue;
      bool alias = snap[i] && !is_run;
      if (alias) {
        w->alias_dir = subdirs[i], w->alias_of = dir;
        w->alias_events = tb_for_alias ? tb_events : NULL;
        w->n_alias_events = tb_for_alias ? n_tb : 0;
      }
      if (!mlflow && !wandb_files && stat(subdirs[i], &sst) == 0) S_walk_dir(w, subdirs[i], &sst);
      if (alias) w->alias_dir = w->alias_of = NULL, w->alias_events = NULL, w->n_alias_events = 0;
    }
  for (size_t i = 0; i < n_tb; i++) free(tb_events[i]);
  free(tb_events);
  for (size_t i = 0; i < n_sub; i++) free(subdirs[i]);
  free(subdirs);
  free(sublink);
  free(snap);
  w->depth--;
}

static int S_cmp_run(const void *a, const void *b) {
  const tp_found_run *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->dir, y->dir);
}

static int S_cmp_trace(const void *a, const void *b) {
  return strcmp(((const tp_found_file *)a)->path, ((const tp_found_file *)b)->path);
}

static char *S_dirname(const char *path) {
  const char *s = strrchr(path, '/');
  if (!s) return tp_xstrdup(".");
  if (s == path) return tp_xstrdup("/");
  return tp_xstrndup(path, (size_t)(s - path));
}

/* A file given as an argument that makes a run of its own directory, named
 * after that directory: an event file, or a framework log. */
static void S_add_file_run(S_walk *w, const char *dir, const char *path, bool event_file) {
  char **files = tp_xmalloc(sizeof *files);
  files[0] = tp_xstrdup(path);
  char buf[256];
  w->root = dir;
  if (event_file) S_add_run(w, dir, files, 1, NULL, 0);
  else S_add_run(w, dir, NULL, 0, files, 1);
  tp_found_run *r = &w->out->runs[w->out->n_runs - 1];
  free(r->id);
  r->id = tp_xstrdup(S_basename(dir, buf, sizeof buf));
  free(r->root);
  r->root = tp_xstrdup(path);
}

/* Discover what one command-line path holds. */
static void S_discover_one(S_walk *w, const char *p) {
  tp_discovery *out = w->out;
  tp_diags *diags = w->diags;
  struct stat st;
  if (stat(p, &st) != 0) {
    tp_diag_add(diags, TP_ERROR, p, -1, -1, "cannot read (%s); skipped", strerror(errno));
    return;
  }
  w->root = p;
  w->depth = 0;
  if (S_ISDIR(st.st_mode)) {
    if (access(p, R_OK | X_OK) != 0) {
      tp_diag_add(diags, TP_ERROR, p, -1, -1, "cannot read directory (%s); skipped",
                  strerror(errno));
      return;
    }
    out->n_paths_ok++;
    S_walk_dir(w, p, &st);
  } else if (S_ISREG(st.st_mode)) {
    if (access(p, R_OK) != 0) {
      tp_diag_add(diags, TP_ERROR, p, -1, -1, "cannot read (%s); skipped", strerror(errno));
      return;
    }
    out->n_paths_ok++;
    char *dir = S_dirname(p);
    struct stat dst;
    const char *first = S_seen_before(w, &st, p);
    const char *in_dir = !first && stat(dir, &dst) == 0 ? S_seen_path(w, &dst) : NULL;
    if (first || in_dir) {
      /* Given twice, or inside a directory already walked: read there. */
      if (first) S_reached_twice(w, p, first, "file");
      else tp_diag_add(diags, TP_NOTE, p, -1, -1,
                       "inside %s, already read as a directory argument; read once, there",
                       in_dir);
      free(dir);
      return;
    }
    tp_power_format format;
    tp_file_kind k = S_sniff_file(w, p, &format);
    if (k == TP_FILE_TFEVENTS) {
      /* An event file alone: a run named after its directory. */
      S_add_file_run(w, dir, p, true);
    } else if (S_is_framework_kind(k) || (k == TP_FILE_UNKNOWN && S_is_textlog(w, p))) {
      /* A framework log alone: a run of its directory, named after it. */
      S_add_file_run(w, dir, p, false);
    } else if (k != TP_FILE_UNKNOWN && k != TP_FILE_HPARAMS_YAML &&
               k != TP_FILE_TRAINPRINT_YAML) {
      S_add_trace(w, p, dir, k, format);
    } else if (k == TP_FILE_UNKNOWN) {
      S_skip(out, p, NULL);
      tp_diag_add(diags, TP_WARN, p, -1, -1,
                  "not a recognised log or trace (no event-file name, no known header); "
                  "skipped");
    }
    free(dir);
  } else {
    tp_diag_add(diags, TP_WARN, p, -1, -1, "not a regular file or directory; skipped");
  }
}

int tp_discover(tp_discovery *out, char *const *paths, size_t n_paths, tp_diags *diags) {
  return tp_discover_with(out, paths, n_paths, NULL, diags);
}

int tp_discover_with(tp_discovery *out, char *const *paths, size_t n_paths,
                     const tp_textlog_set *textlog, tp_diags *diags) {
  memset(out, 0, sizeof *out);
  S_walk w = {.out = out, .diags = diags};
  if (textlog) {
    tp_diags quiet = {0}; /* the loader reports bad patterns */
    w.textlog = tp_textlog_compile(textlog, &quiet);
    tp_diag_free(&quiet);
  }
  for (size_t i = 0; i < n_paths; i++) {
    /* "dir/" and "dir" name the same runs: ids and paths never keep the slash. */
    size_t plen = strlen(paths[i]);
    while (plen > 1 && paths[i][plen - 1] == '/') plen--;
    char *owned = tp_xstrndup(paths[i], plen);
    S_discover_one(&w, owned);
    free(owned);
  }
  if (out->n_runs > 1) qsort(out->runs, out->n_runs, sizeof *out->runs, S_cmp_run);
  if (out->n_traces > 1) qsort(out->traces, out->n_traces, sizeof *out->traces, S_cmp_trace);
  for (size_t i = 0; i < w.n_seen; i++) free(w.seen[i].path);
  free(w.seen);
  free(w.slots);
  tp_textlog_free(w.textlog);
  for (size_t i = 1; i < out->n_runs; i++)
    if (strcmp(out->runs[i].id, out->runs[i - 1].id) == 0)
      tp_diag_add(diags, TP_WARN, out->runs[i].dir, -1, -1,
                  "run id '%s' is also the id of %s (found under another argument); both kept",
                  out->runs[i].id, out->runs[i - 1].dir);
  return out->n_paths_ok ? 0 : -1;
}

void tp_discovery_free(tp_discovery *d) {
  for (size_t i = 0; i < d->n_runs; i++) {
    tp_found_run *r = &d->runs[i];
    free(r->id);
    free(r->dir);
    free(r->root);
    for (size_t j = 0; j < r->n_event_files; j++) free(r->event_files[j]);
    free(r->event_files);
    for (size_t j = 0; j < r->n_other_files; j++) free(r->other_files[j]);
    free(r->other_files);
    free(r->log_file);
    for (size_t j = 0; j < r->n_split_off; j++) free(r->split_off[j]);
    free(r->split_off);
  }
  free(d->runs);
  for (size_t i = 0; i < d->n_traces; i++) {
    free(d->traces[i].path);
    free(d->traces[i].dir);
    free(d->traces[i].root);
  }
  free(d->traces);
  for (size_t i = 0; i < d->n_skipped; i++) free(d->skipped[i].what);
  free(d->skipped);
  *d = (tp_discovery){0};
}

void tp_discovery_explain_empty(const tp_discovery *d, tp_diags *diags) {
  if (d->n_runs || !d->n_paths_ok) return; /* unreadable paths have their own errors */
  tp_buf b = {0};
  tp_buf_adds(&b, "no training run found (no event file, framework log or text log trainprint "
                  "reads)");
  for (size_t i = 0; i < d->n_skipped; i++)
    tp_buf_printf(&b, "%s %zu %s file%s (%s)", i ? "," : "; skipped:", d->skipped[i].count,
                  d->skipped[i].what, d->skipped[i].count == 1 ? "" : "s", d->skipped[i].why);
  if (!d->n_skipped && !d->n_traces) tp_buf_adds(&b, "; the paths hold no files");
  if (d->n_traces) {
    tp_buf_printf(&b, "; %zu power trace%s found, with no run to join (", d->n_traces,
                  d->n_traces == 1 ? "" : "s");
    for (size_t i = 0; i < d->n_traces; i++) {
      const char *k = tp_power_format_name(d->traces[i].format);
      bool seen = false;
      for (size_t j = 0; j < i && !seen; j++) seen = d->traces[j].format == d->traces[i].format;
      if (!seen) tp_buf_printf(&b, "%s%s", i ? ", " : "", k);
    }
    tp_buf_adds(&b, ")");
  }
  tp_diag_add(diags, TP_ERROR, NULL, -1, -1, "%s", tp_buf_str(&b));
  tp_buf_free(&b);
}
