/* rootscan: `scan --root`, runs scanned one by one as `report ROOT` sees them.
 *
 * A run's id is made relative to the root rather than to the path given, and
 * the trace files of every directory between each path and the root are
 * added to what discovery found, so that a trace of a parent folder reaches
 * the run as it would in a report of the whole root.
 */
#include "cli/pipeline_impl.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"

/* path without trailing slashes (a new string). */
static char *S_trim_slash(const char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  return tp_xstrndup(path, n);
}

static int S_cmp_found_run(const void *a, const void *b) {
  const tp_found_run *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : strcmp(x->dir, y->dir);
}

static int S_cmp_found_file(const void *a, const void *b) {
  return strcmp(((const tp_found_file *)a)->path, ((const tp_found_file *)b)->path);
}

/* Add the trace files directly in directory d (below root r) that discovery
 * has not found already. */
static void S_add_dir_traces(tp_discovery *disc, const char *d, const char *r) {
  DIR *dh = opendir(d);
  if (!dh) return;
  struct dirent *e;
  while ((e = readdir(dh))) {
    if (e->d_name[0] == '.') continue;
    char *fp = tp_xasprintf("%s/%s", d, e->d_name);
    struct stat fst;
    bool dup = false;
    for (size_t k = 0; k < disc->n_traces && !dup; k++)
      dup = strcmp(disc->traces[k].path, fp) == 0;
    if (dup || stat(fp, &fst) != 0 || !S_ISREG(fst.st_mode)) {
      free(fp);
      continue;
    }
    unsigned char head[4096];
    size_t hn = tp_traces_file_head(fp, head, sizeof head);
    tp_power_format pf;
    tp_file_kind k = tp_discover_sniff(fp, head, hn, &pf);
    if (k == TP_FILE_TRACE) {
      TP_GROW(disc->traces, disc->cap_traces, disc->n_traces + 1);
      disc->traces[disc->n_traces++] = (tp_found_file){
          .path = fp, .dir = tp_xstrdup(d), .root = tp_xstrdup(r), .kind = k, .format = pf};
    } else {
      free(fp);
    }
  }
  closedir(dh);
}

/* Re-base the id of every run found below root r (rn: its length). */
static void S_rebase_ids(tp_discovery *disc, const char *r, size_t rn, const char *root,
                         tp_diags *diags) {
  for (size_t i = 0; i < disc->n_runs; i++) {
    tp_found_run *fr = &disc->runs[i];
    char *dir = tp_discover_id_dir(fr); /* a snapshot's run is named after its output dir */
    if (strcmp(dir, r) == 0) {
      /* the root itself: named after its directory, as report does */
    } else if (strncmp(dir, r, rn) == 0 && dir[rn] == '/') {
      free(fr->id);
      fr->id = tp_discover_run_id(fr, dir + rn + 1); /* a split-off log keeps its /stem */
    } else {
      tp_diag_add(diags, TP_WARN, fr->dir, -1, -1,
                  "not below --root %s; its id stays relative to the path given", root);
    }
    free(dir);
  }
}

/* Add the traces of each parent directory of path, up to and including
 * root r (rn: its length). */
static void S_add_parent_traces(tp_discovery *disc, const char *path, const char *r, size_t rn,
                                const char *root, tp_diags *diags) {
  char *d = S_trim_slash(path);
  struct stat st;
  if (stat(d, &st) == 0 && !S_ISDIR(st.st_mode)) {
    char *slash = strrchr(d, '/');
    if (slash) {
      *slash = '\0';
    } else { /* "." in place: d holds at least one character (stat found it) */
      d[0] = '.';
      d[1] = '\0';
    }
  }
  if (!(strcmp(d, r) == 0 || (strncmp(d, r, rn) == 0 && d[rn] == '/'))) {
    tp_diag_add(diags, TP_WARN, path, -1, -1,
                "not below --root %s; traces of its parent directories are not looked for",
                root);
    free(d);
    return;
  }
  while (strcmp(d, r) != 0) {
    char *slash = strrchr(d, '/');
    if (!slash) break;
    *slash = '\0';
    S_add_dir_traces(disc, d, r);
  }
  free(d);
}

void tp_rootscan_apply(tp_discovery *disc, char *const *paths, size_t n_paths, const char *root,
                       tp_diags *diags) {
  char *r = S_trim_slash(root);
  size_t rn = strlen(r);
  S_rebase_ids(disc, r, rn, root, diags);
  for (size_t i = 0; i < n_paths; i++) S_add_parent_traces(disc, paths[i], r, rn, root, diags);
  if (disc->n_runs > 1) qsort(disc->runs, disc->n_runs, sizeof *disc->runs, S_cmp_found_run);
  if (disc->n_traces > 1)
    qsort(disc->traces, disc->n_traces, sizeof *disc->traces, S_cmp_found_file);
  free(r);
}
