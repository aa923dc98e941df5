/* summaries: run summaries written by `scan`, read back for `render`.
 *
 * Each path is a summary file or a directory of *.json summaries (read in
 * name order).  Every run read joins the lab; the first summary's assumptions
 * (PUE, intensity, zone, time zone) become the lab's, and a summary scanned
 * with others is diagnosed.
 */
#include "cli/pipeline_impl.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"

static bool S_same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void S_free_assumptions(tp_assumptions *a) {
  free(a->pue_source);
  free(a->intensity_source);
  free(a->zone);
  free(a->timezone);
  free(a->timezone_source);
  free(a->wue_source);
  free(a->water_offsite_source);
  *a = (tp_assumptions){0};
}

static void S_read_summary(tp_lab *lab, const char *path, bool *have_a, size_t *n_read) {
  tp_run *run = NULL;
  tp_assumptions a = {0};
  if (tp_runfile_read(path, &run, &a, &lab->diags, &lab->diags) != 0) return;
  (*n_read)++;
  /* Its points wait on disk until a step reads them (model/runspill.h). */
  if (!lab->spill) lab->spill = tp_runspill_new();
  tp_runspill_put_series(lab->spill, run);
  tp_lab_add_run(lab, run);
  if (!*have_a) {
    lab->assumptions = a;
    *have_a = true;
    return;
  }
  const tp_assumptions *f = &lab->assumptions;
  if (f->pue != a.pue || f->intensity_g_per_kwh != a.intensity_g_per_kwh ||
      !S_same_str(f->zone, a.zone) || !S_same_str(f->timezone, a.timezone))
    tp_diag_add(&lab->diags, TP_WARN, path, -1, -1,
                "scanned with other assumptions (PUE, intensity, zone or time zone) than the "
                "first summary; the report states the first's");
  S_free_assumptions(&a);
}

/* Read the summaries of directory dir, in name order. */
static void S_read_dir(tp_lab *lab, const char *dir, bool *have_a, size_t *n_read) {
  DIR *d = opendir(dir);
  if (!d) {
    tp_diag_add(&lab->diags, TP_ERROR, dir, -1, -1, "cannot read directory; skipped");
    return;
  }
  char **names = NULL;
  size_t nn = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
    TP_GROW(names, cap, nn + 1);
    names[nn++] = tp_xasprintf("%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (nn > 1) qsort(names, nn, sizeof *names, tp_pipeline_cmp_cstr);
  for (size_t k = 0; k < nn; k++) {
    S_read_summary(lab, names[k], have_a, n_read);
    free(names[k]);
  }
  free(names);
}

size_t tp_summaries_read(tp_lab *lab, char *const *paths, size_t n_paths) {
  bool have_a = false;
  size_t n_read = 0;
  for (size_t i = 0; i < n_paths; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0) {
      tp_diag_add(&lab->diags, TP_ERROR, paths[i], -1, -1, "cannot read; skipped");
      continue;
    }
    if (S_ISDIR(st.st_mode)) S_read_dir(lab, paths[i], &have_a, &n_read);
    else S_read_summary(lab, paths[i], &have_a, &n_read);
  }
  return n_read;
}
