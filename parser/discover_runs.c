/* discover_runs: the runs of a directory.
 *
 * A directory holding event files or framework logs is a run; several
 * trainings' logs of one per-file kind side by side are a run each; W&B,
 * Hydra and MLflow directories are told by their markers; of a Hugging Face
 * training's checkpoint snapshots only the newest is read, and its output
 * directory's TensorBoard logs go with its run.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/discover_impl.h"
#include "parser/logs/framework.h"
#include "parser/logs/mlflow.h"
#include "parser/logs/wandb.h"

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

const char *tp_discover_basename(const char *path, char *buf, size_t cap) {
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
static char *S_dir_id(const tp_discover_walk *w, const char *dir) {
  if (w->alias_dir && strcmp(dir, w->alias_dir) == 0) dir = w->alias_of;
  char *rel = S_relative(w->root, dir);
  if (!rel) {
    char buf[256];
    rel = tp_xstrdup(tp_discover_basename(dir, buf, sizeof buf));
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
    char *path = tp_discover_join(dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && tp_discover_is_event_file(e->d_name)) {
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

void tp_discover_add_run(tp_discover_walk *w, const char *dir, char **events, size_t n_events,
                         char **others, size_t n_others) {
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

void tp_discover_add_trace(tp_discover_walk *w, const char *path, const char *dir,
                           tp_file_kind kind, tp_power_format format) {
  tp_discovery *out = w->out;
  tp_found_file *list;
  if (kind == TP_FILE_SACCT) {
    TP_GROW(out->clusters, out->cap_clusters, out->n_clusters + 1);
    list = &out->clusters[out->n_clusters++];
  } else {
    TP_GROW(out->traces, out->cap_traces, out->n_traces + 1);
    list = &out->traces[out->n_traces++];
  }
  *list = (tp_found_file){.path = tp_xstrdup(path),
                                                 .dir = tp_xstrdup(dir),
                                                 .root = tp_xstrdup(w->root),
                                                 .kind = kind,
                                                 .format = format};
}

/* Framework markers below dir: .hydra/, a W&B files/ directory, an MLflow run. */
static bool S_has_file(const char *dir, const char *rel) {
  char *p = tp_discover_join(dir, rel);
  struct stat st;
  bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
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

/* A run of one log file of dir, split off a directory holding several. */
static void S_add_split_run(tp_discover_walk *w, const char *dir, const char *path) {
  char **files = tp_xmalloc(sizeof *files);
  files[0] = tp_xstrdup(path);
  tp_discover_add_run(w, dir, NULL, 0, files, 1);
  tp_found_run *r = &w->out->runs[w->out->n_runs - 1];
  r->log_file = tp_xstrdup(path);
  char *id = tp_discover_run_id(r, r->id);
  free(r->id);
  r->id = id;
}

/* Several logs of one per-file kind in dir are different trainings: mark
 * them in split[] (parallel to kinds[], the kinds of dir's logs) and note it;
 * returns how many. */
static size_t S_mark_split(tp_discover_walk *w, const char *dir, const tp_file_kind *kinds,
                           size_t n, bool *split) {
  static const tp_file_kind per_file[] = {TP_FILE_KERAS_CSV, TP_FILE_KERAS_HISTORY,
                                                TP_FILE_TEXTLOG, TP_FILE_CSVLOG};
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

/* True when dir is a W&B run's files/ (its run file lies in the folder above). */
static bool S_in_wandb_files(const char *dir) {
  size_t len = strlen(dir);
  while (len > 1 && dir[len - 1] == '/') len--;
  return len >= 6 && strncmp(dir + len - 6, "/files", 6) == 0;
}

/* Whether dir is a W&B run, a Hydra output folder that is a run, an MLflow
 * run (D->wandb, D->mlflow); notes a Hydra folder holding an MLflow store and
 * an MLflow run marked deleted.  Returns whether one of them makes dir a run. */
static bool S_framework_dir(tp_discover_walk *w, tp_discover_dir *D, bool framework) {
  const char *dir = D->dir;
  /* A W&B run: its files/, or only its run file (an offline run, or one cut
   * short, may have nothing else). */
  /* The entries' names (noted by the walk) say which checks can hold. */
  bool in_files = S_in_wandb_files(dir);
  D->wandb = (D->has_files_dir && (S_has_file(dir, "files/wandb-metadata.json") ||
                                   S_has_file(dir, "files/wandb-summary.json"))) ||
             D->has_wandb_run_file || (in_files && tp_wandb_has_run_file(dir));
  bool hydra = D->has_hydra_dir && S_has_file(dir, ".hydra/config.yaml");
  if (hydra && !D->wandb && !framework && !D->n_events && D->has_mlruns_dir) {
    /* A Hydra output folder whose training logged to MLflow inside it: the
     * configuration fills the MLflow run's hyperparameters (framework.h);
     * the folder is not a second run of the same training. */
    tp_diag_add(w->diags, TP_NOTE, dir, -1, -1,
                "Hydra output folder holding an MLflow store (mlruns/): its configuration "
                "goes to the MLflow runs below, and the folder is not a run of its own");
    hydra = false;
  }
  if (D->wandb || hydra) framework = true;
  if ((D->has_meta_yaml || D->has_metrics_or_params_dir) && tp_framework_is_mlflow_run(dir)) {
    /* Its metrics/, params/, tags/ and artifacts/ are the run's, not runs. */
    D->mlflow = true;
    char *meta = tp_discover_join(dir, "meta.yaml");
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
  return framework;
}

void tp_discover_make_run(tp_discover_walk *w, tp_discover_dir *D) {
  const char *dir = D->dir;
  size_t n_others = D->n_others;
  char **others = D->others;
  /* Several trainings' logs side by side: a run each. */
  bool *split = n_others ? tp_xcalloc(n_others, sizeof *split) : NULL;
  size_t n_split = S_mark_split(w, dir, D->okinds, n_others, split);
  bool framework = false;
  for (size_t i = 0; i < n_others; i++)
    if (!split[i] && tp_discover_is_framework_kind(D->okinds[i])) framework = true;
  framework = S_framework_dir(w, D, framework);
  bool no_power_files =
      !D->has_wandb_run_file && !D->has_metrics_or_params_dir && !S_in_wandb_files(dir);
  for (size_t i = 0; i < n_others; i++)
    if (split[i]) {
      S_add_split_run(w, dir, others[i]);
      w->out->runs[w->out->n_runs - 1].no_power_files = no_power_files;
    }
  D->is_run = D->n_events || framework;
  if (D->is_run) {
    char **rest = NULL, **gone = NULL;
    size_t n_rest = 0, n_gone = 0;
    if (n_others - n_split) rest = tp_xmalloc((n_others - n_split) * sizeof *rest);
    if (n_split) gone = tp_xmalloc(n_split * sizeof *gone);
    for (size_t i = 0; i < n_others; i++) {
      if (split[i]) gone[n_gone++] = others[i];
      else rest[n_rest++] = others[i];
    }
    free(others);
    tp_discover_add_run(w, dir, D->events, D->n_events, rest, n_rest);
    tp_found_run *r = &w->out->runs[w->out->n_runs - 1];
    r->no_power_files = no_power_files;
    r->split_off = gone;
    r->n_split_off = n_gone;
  } else {
    for (size_t i = 0; i < n_others; i++) {
      tp_discover_skip(w->out, others[i], "no event file or framework log beside it");
      free(others[i]);
    }
    free(others);
    free(D->events);
  }
  D->others = NULL;
  D->events = NULL;
  free(D->okinds);
  D->okinds = NULL;
  free(split);
}

void tp_discover_hf_snapshots(tp_discover_walk *w, tp_discover_dir *D) {
  const char *dir = D->dir;
  D->top_state = D->has_trainer_state;
  D->newest = D->n_sub;
  D->n_snap = 0;
  long long newest_n = -1;
  D->snap = D->n_sub ? tp_xcalloc(D->n_sub, sizeof *D->snap) : NULL;
  for (size_t i = 0; i < D->n_sub; i++) {
    long long v = S_snapshot_number(D->subdirs[i]);
    if (v < 0 || !S_has_file(D->subdirs[i], "trainer_state.json")) continue;
    D->snap[i] = true;
    D->n_snap++;
    if (v > newest_n) newest_n = v, D->newest = i;
  }
  if (D->top_state) D->newest = D->n_sub;
  size_t newest = D->newest, n_snap = D->n_snap, n_sub = D->n_sub;
  if (n_snap > (newest < n_sub ? 1u : 0u)) {
    char *from = newest < n_sub ? tp_discover_join(D->subdirs[newest], "trainer_state.json")
                                : tp_discover_join(dir, "trainer_state.json");
    tp_diag_add(w->diags, TP_NOTE, dir, -1, -1,
                "%zu Hugging Face checkpoint snapshots (checkpoint-N/trainer_state.json) of one "
                "training: the run is read from %s; the %zu older snapshots are left out",
                n_snap, from, n_snap - (newest < n_sub));
    free(from);
  }
}

void tp_discover_hf_logs(tp_discover_walk *w, tp_discover_dir *D) {
  const char *dir = D->dir;
  size_t n_sub = D->n_sub, cap_tb = 0;
  D->tb_sub = n_sub;
  for (size_t i = 0; i < n_sub && (D->top_state || D->n_snap); i++) {
    char buf[256];
    if (!D->sublink[i] &&
        strcmp(tp_discover_basename(D->subdirs[i], buf, sizeof buf), "runs") == 0)
      D->tb_sub = i;
  }
  if (D->tb_sub < n_sub)
    S_collect_events(D->subdirs[D->tb_sub], 2, &D->tb_events, &D->n_tb, &cap_tb);
  if (D->n_tb) {
    tp_found_run *own = NULL;
    for (size_t i = w->out->n_runs; D->is_run && i-- > 0 && !own;)
      if (strcmp(w->out->runs[i].dir, dir) == 0 && !w->out->runs[i].log_file)
        own = &w->out->runs[i];
    if (own) S_take_events(own, D->tb_events, D->n_tb);
    else D->tb_for_alias = true; /* the snapshot's run, made in the walk below, takes them */
    tp_diag_add(w->diags, TP_NOTE, D->subdirs[D->tb_sub], -1, -1,
                "the Hugging Face Trainer's TensorBoard logs (%zu event file%s) of the training "
                "in %s: read with its run, not as runs of their own",
                D->n_tb, D->n_tb == 1 ? "" : "s", dir);
  } else {
    D->tb_sub = n_sub; /* no logs there: walk it as any folder */
  }
}
