/* site_fork: child sites for threads that draw one site together, and files
 * taken into a site from elsewhere (the parts of a site drawn apart); see
 * site.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/mem.h"
#include "render/site.h"

void tp_site_fork(tp_site *child, const tp_site *s) {
  *child = (tp_site){.dir = s->dir, .tmp = s->tmp, .record = s->record, .old = s->old};
}

void tp_site_join(tp_site *s, tp_site *child) {
  size_t base = s->n_files;
  TP_GROW(s->files, s->cap_files, s->n_files + child->n_files);
  if (child->n_files) /* a child that failed first may hold none (and no array) */
    memcpy(s->files + base, child->files, child->n_files * sizeof *child->files);
  s->n_files += child->n_files;
  if (s->record) {
    TP_GROW(s->stamps, s->cap_stamps, s->n_files);
    for (size_t i = 0; i < child->n_files; i++)
      s->stamps[base + i] = child->stamps ? child->stamps[i] : (tp_site_stamp){0};
  }
  TP_GROW(s->groups, s->cap_groups, s->n_groups + child->n_groups);
  for (size_t i = 0; i < child->n_groups; i++) {
    s->groups[s->n_groups] = child->groups[i];
    s->groups[s->n_groups++].first += base;
  }
  s->n_reused += child->n_reused;
  tp_site_dirs_close(&child->old_dirs);
  tp_site_dirs_close(&child->new_dirs);
  free(child->files); /* the names now belong to s */
  free(child->stamps);
  free(child->groups);
  free(child->made_dir);
  *child = (tp_site){0};
}

int tp_site_copy_file(const char *src, const char *dst) {
  FILE *in = fopen(src, "rb");
  if (!in) return -1;
  FILE *out = fopen(dst, "wb");
  int rc = out ? 0 : -1;
  char chunk[65536];
  size_t n;
  while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
    if (fwrite(chunk, 1, n, out) != n) rc = -1;
  if (ferror(in)) rc = -1;
  fclose(in);
  if (out && fclose(out) != 0) rc = -1;
  return rc;
}

int tp_site_import(tp_site *s, const char *src_root, const char *rel, char **err) {
  char *dst = tp_site_path(s, rel, err);
  if (!dst) return -1;
  char *src = tp_xasprintf("%s/%s", src_root, rel);
  int rc = 0;
  if (link(src, dst) != 0 && tp_site_copy_file(src, dst) != 0) {
    *err = tp_xasprintf("%s: cannot link or copy it into the site (%s)", src, strerror(errno));
    rc = -1;
  }
  free(src);
  free(dst);
  return rc;
}
