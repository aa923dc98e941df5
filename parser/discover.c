/* discover: what the command-line paths hold.  What a file is (by its name
 * and first bytes, asking the framework and power format tables), each
 * argument walked (discover_walk.c) into runs (discover_runs.c) and trace
 * files, run ids, and why a report found no run. */
#include "parser/discover.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/cluster/sacct.h"
#include "parser/discover_impl.h"
#include "parser/logs/framework.h"
#include "parser/logs/textlog.h"

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
    case TP_FILE_JSONLINES: return "jsonlines";
    case TP_FILE_SACRED_RUN: return "sacred-run";
    case TP_FILE_DVCLIVE: return "dvclive";
    case TP_FILE_KERAS_HISTORY: return "keras-history";
    case TP_FILE_ULTRALYTICS: return "ultralytics";
    case TP_FILE_CSVLOG: return "csvlog";
    case TP_FILE_SACCT: return "sacct";
    default: return "unknown";
  }
}

bool tp_discover_is_event_file(const char *name) {
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
  if (tp_discover_is_event_file(base)) return TP_FILE_TFEVENTS;
  if (strcmp(base, "hparams.yaml") == 0) return TP_FILE_HPARAMS_YAML;
  if (strcmp(base, "trainprint.yaml") == 0 || strcmp(base, "trainprint.yml") == 0)
    return TP_FILE_TRAINPRINT_YAML;
  /* Binary, unless gzip: a compressed trace is told by its sniffer. */
  bool gz = head_len >= 2 && head[0] == 0x1f && head[1] == 0x8b;
  for (size_t i = 0; i < head_len && !gz; i++)
    if (head[i] == 0) return TP_FILE_UNKNOWN; /* binary */
  /* Framework logs, then power and energy traces: the rows of their format
   * tables, each by its sniffer. */
  tp_framework_kind fk = tp_framework_sniff_file(base, (const char *)head, head_len);
  if (fk) return tp_framework_file_kind(fk);
  if (tp_sacct_sniff((const char *)head, head_len) ||
      tp_sacct_json_sniff((const char *)head, head_len))
    return TP_FILE_SACCT;
  tp_power_format f = tp_power_sniff_file(base, head, head_len);
  /* sacct output without the columns a run needs: its reader says which. */
  if (f == TP_POWER_UNKNOWN && tp_sacct_sniff_lacking((const char *)head, head_len, NULL))
    return TP_FILE_SACCT;
  if (f == TP_POWER_UNKNOWN) return TP_FILE_UNKNOWN;
  if (format) *format = f;
  return TP_FILE_TRACE;
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
static void S_add_file_run(tp_discover_walk *w, const char *dir, const char *path,
                           bool event_file) {
  char **files = tp_xmalloc(sizeof *files);
  files[0] = tp_xstrdup(path);
  char buf[256];
  w->root = dir;
  if (event_file) tp_discover_add_run(w, dir, files, 1, NULL, 0);
  else tp_discover_add_run(w, dir, NULL, 0, files, 1);
  tp_found_run *r = &w->out->runs[w->out->n_runs - 1];
  free(r->id);
  r->id = tp_xstrdup(tp_discover_basename(dir, buf, sizeof buf));
  free(r->root);
  r->root = tp_xstrdup(path);
}

/* Discover what one command-line path holds. */
static void S_discover_one(tp_discover_walk *w, const char *p) {
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
    tp_discover_walk_dir(w, p, &st);
  } else if (S_ISREG(st.st_mode)) {
    if (access(p, R_OK) != 0) {
      tp_diag_add(diags, TP_ERROR, p, -1, -1, "cannot read (%s); skipped", strerror(errno));
      return;
    }
    out->n_paths_ok++;
    char *dir = S_dirname(p);
    struct stat dst;
    const char *first = tp_discover_seen_before(w, &st, p);
    const char *in_dir = !first && stat(dir, &dst) == 0 ? tp_discover_seen_path(w, &dst) : NULL;
    if (first || in_dir) {
      /* Given twice, or inside a directory already walked: read there. */
      if (first) tp_discover_reached_twice(w, p, first, "file");
      else tp_diag_add(diags, TP_NOTE, p, -1, -1,
                       "inside %s, already read as a directory argument; read once, there",
                       in_dir);
      free(dir);
      return;
    }
    tp_power_format format;
    tp_file_kind k = tp_discover_sniff_file(w, p, &format);
    if (k == TP_FILE_TFEVENTS) {
      /* An event file alone: a run named after its directory. */
      S_add_file_run(w, dir, p, true);
    } else if (tp_discover_is_framework_kind(k) ||
               (k == TP_FILE_UNKNOWN && tp_discover_is_textlog(w, p))) {
      /* A framework log alone: a run of its directory, named after it. */
      S_add_file_run(w, dir, p, false);
    } else if (k != TP_FILE_UNKNOWN && k != TP_FILE_HPARAMS_YAML &&
               k != TP_FILE_TRAINPRINT_YAML) {
      tp_discover_add_trace(w, p, dir, k, format);
    } else if (k == TP_FILE_UNKNOWN) {
      tp_discover_skip(out, p, NULL);
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
  tp_framework_textlog entry = {.set = textlog};
  tp_framework_opts fo = {.textlogs = &entry, .n_textlogs = textlog ? 1 : 0};
  return tp_discover_with_opts(out, paths, n_paths, &fo, diags);
}

int tp_discover_with_opts(tp_discovery *out, char *const *paths, size_t n_paths,
                          const tp_framework_opts *fo, tp_diags *diags) {
  memset(out, 0, sizeof *out);
  tp_discover_walk w = {.out = out, .diags = diags, .fw = fo};
  size_t n_tl = fo ? fo->n_textlogs : 0;
  w.textlogs = n_tl ? tp_xcalloc(n_tl, sizeof *w.textlogs) : NULL;
  for (size_t i = 0; i < n_tl; i++)
    if (fo->textlogs[i].set) {
      tp_diags quiet = {0}; /* the loader reports bad patterns */
      w.textlogs[i] = tp_textlog_compile(fo->textlogs[i].set, &quiet);
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
  if (out->n_clusters > 1)
    qsort(out->clusters, out->n_clusters, sizeof *out->clusters, S_cmp_trace);
  for (size_t i = 0; i < w.n_seen; i++) free(w.seen[i].path);
  free(w.seen);
  free(w.slots);
  for (size_t i = 0; i < n_tl; i++) tp_textlog_free(w.textlogs[i]);
  free(w.textlogs);
  for (size_t i = 1; i < out->n_runs; i++)
    if (strcmp(out->runs[i].id, out->runs[i - 1].id) == 0)
      tp_diag_add(diags, TP_WARN, out->runs[i].dir, -1, -1,
                  "run id '%s' is also the id of %s (found under another argument); both kept",
                  out->runs[i].id, out->runs[i - 1].dir);
  return out->n_paths_ok ? 0 : -1;
}

/* Free a list of found files and what each holds. */
static void S_free_found(tp_found_file *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(list[i].path);
    free(list[i].dir);
    free(list[i].root);
  }
  free(list);
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
  S_free_found(d->traces, d->n_traces);
  S_free_found(d->clusters, d->n_clusters);
  for (size_t i = 0; i < d->n_skipped; i++) free(d->skipped[i].what);
  free(d->skipped);
  *d = (tp_discovery){0};
}

void tp_discovery_explain_empty(const tp_discovery *d, tp_diags *diags) {
  /* unreadable paths have their own errors; jobs of Slurm accounting are runs too */
  if (d->n_runs || d->n_clusters || !d->n_paths_ok) return;
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
