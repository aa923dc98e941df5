/* site: atomic, manifest-tracked writing of the report directory. */
#include "render/site.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"

bool tp_site_path_ok(const char *rel) {
  if (!rel || !*rel || rel[0] == '/') return false;
  const char *p = rel;
  while (*p) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0) return false;
    if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return false;
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)p[i] < 0x20 || p[i] == '\\') return false;
    if (!e) break;
    p = e + 1;
  }
  return true;
}

char *tp_site_slug(const char *name) {
  uint32_t h = 2166136261u; /* FNV-1a 32 */
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= 16777619u;
  }
  tp_buf b = {0};
  bool dash = false;
  for (const unsigned char *p = (const unsigned char *)name; *p && b.len < 60; p++) {
    unsigned char c = *p;
    if (isalnum(c) || c == '_' || (c == '.' && b.len > 0) || c == '-') {
      if (dash && b.len) tp_buf_addc(&b, '-');
      dash = false;
      tp_buf_addc(&b, (char)tolower(c));
    } else {
      dash = true;
    }
  }
  if (b.len) tp_buf_addc(&b, '-');
  tp_buf_printf(&b, "%08x", (unsigned)h);
  return tp_buf_detach(&b);
}

static int S_mkdirs(const char *path) {
  char *p = tp_xstrdup(path);
  for (char *q = p + 1; *q; q++)
    if (*q == '/') {
      *q = '\0';
      if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        free(p);
        return -1;
      }
      *q = '/';
    }
  int rc = (mkdir(p, 0755) != 0 && errno != EEXIST) ? -1 : 0;
  free(p);
  return rc;
}

static char *S_parent(const char *dir) {
  const char *s = strrchr(dir, '/');
  if (!s) return tp_xstrdup(".");
  if (s == dir) return tp_xstrdup("/");
  return tp_xstrndup(dir, (size_t)(s - dir));
}

static bool S_dir_empty(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return false;
  struct dirent *e;
  bool empty = true;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      empty = false;
      break;
    }
  closedir(d);
  return empty;
}

int tp_site_begin(tp_site *s, const char *dir, char **err) {
  *s = (tp_site){0};
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  s->dir = tp_xstrndup(dir, n);
  struct stat st;
  if (stat(s->dir, &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      *err = tp_xasprintf("%s: exists and is not a directory; nothing written", s->dir);
      goto fail;
    }
    char *manifest = tp_xasprintf("%s/%s", s->dir, TP_SITE_MANIFEST);
    bool ours = access(manifest, F_OK) == 0;
    free(manifest);
    if (!ours && !S_dir_empty(s->dir)) {
      *err = tp_xasprintf("%s: exists, is not empty and is not a trainprint report; "
                          "nothing written (choose another -o)",
                          s->dir);
      goto fail;
    }
  }
  char *parent = S_parent(s->dir);
  if (S_mkdirs(parent) != 0 || access(parent, W_OK) != 0) {
    *err = tp_xasprintf("%s: cannot write there (%s); nothing written", parent, strerror(errno));
    free(parent);
    goto fail;
  }
  free(parent);
  s->tmp = tp_xasprintf("%s.tmp-XXXXXX", s->dir);
  if (!mkdtemp(s->tmp)) {
    *err = tp_xasprintf("%s: cannot create a temporary directory (%s); nothing written", s->tmp,
                        strerror(errno));
    free(s->tmp);
    s->tmp = NULL;
    goto fail;
  }
  chmod(s->tmp, 0755);
  return 0;
fail:
  free(s->dir);
  s->dir = NULL;
  return -1;
}

char *tp_site_path(tp_site *s, const char *rel, char **err) {
  if (!tp_site_path_ok(rel)) {
    *err = tp_xasprintf("refusing unsafe output path '%s'", rel);
    return NULL;
  }
  char *path = tp_xasprintf("%s/%s", s->tmp, rel);
  char *parent = S_parent(path);
  if (S_mkdirs(parent) != 0) {
    *err = tp_xasprintf("%s: cannot create directory (%s)", parent, strerror(errno));
    free(parent);
    free(path);
    return NULL;
  }
  free(parent);
  TP_GROW(s->files, s->cap_files, s->n_files + 1);
  s->files[s->n_files++] = tp_xstrdup(rel);
  return path;
}

int tp_site_write(tp_site *s, const char *rel, const void *data, size_t n, char **err) {
  char *path = tp_site_path(s, rel, err);
  if (!path) return -1;
  FILE *f = fopen(path, "wb");
  int rc = 0;
  if (!f) {
    *err = tp_xasprintf("%s: cannot create (%s)", path, strerror(errno));
    rc = -1;
  } else {
    size_t w = n ? fwrite(data, 1, n, f) : 0;
    int e1 = (w != n || ferror(f)) ? errno : 0;
    int c = fclose(f);
    if (w != n || e1 || c != 0) {
      *err = tp_xasprintf("%s: write failed (%s)", path, strerror(e1 ? e1 : errno));
      rc = -1;
    }
  }
  free(path);
  return rc;
}

/* Remove the files an old site's manifest lists, then its empty directories.
 * Returns true when the old directory ended up empty (and was removed). */
static bool S_remove_old(const char *dir) {
  char *manifest = tp_xasprintf("%s/%s", dir, TP_SITE_MANIFEST);
  FILE *f = fopen(manifest, "r");
  char line[4096];
  char **dirs = NULL;
  size_t nd = 0, cd = 0;
  if (f) {
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = '\0';
      if (!tp_site_path_ok(line) || strcmp(line, TP_SITE_MANIFEST) == 0) continue;
      char *p = tp_xasprintf("%s/%s", dir, line);
      unlink(p);
      /* remember parent directories, deepest first later */
      for (char *q = strrchr(p, '/'); q && q > p + strlen(dir); q = strrchr(p, '/')) {
        *q = '\0';
        TP_GROW(dirs, cd, nd + 1);
        dirs[nd++] = tp_xstrdup(p);
      }
      free(p);
    }
    fclose(f);
  }
  unlink(manifest);
  free(manifest);
  /* rmdir fails harmlessly on non-empty directories; longest paths first */
  for (size_t pass = 0; pass < 8; pass++)
    for (size_t i = 0; i < nd; i++) rmdir(dirs[i]);
  for (size_t i = 0; i < nd; i++) free(dirs[i]);
  free(dirs);
  return rmdir(dir) == 0;
}

int tp_site_commit(tp_site *s, char **err) {
  tp_buf m = {0};
  for (size_t i = 0; i < s->n_files; i++) {
    tp_buf_adds(&m, s->files[i]);
    tp_buf_addc(&m, '\n');
  }
  char *mp = tp_xasprintf("%s/%s", s->tmp, TP_SITE_MANIFEST);
  FILE *f = fopen(mp, "wb");
  bool ok = f && fwrite(tp_buf_str(&m), 1, m.len, f) == m.len;
  if (f && fclose(f) != 0) ok = false;
  free(mp);
  tp_buf_free(&m);
  if (!ok) {
    *err = tp_xasprintf("%s: cannot write the manifest (%s); previous report left as it was",
                        s->tmp, strerror(errno));
    tp_site_abort(s);
    return -1;
  }
  struct stat st;
  char *old = NULL;
  if (stat(s->dir, &st) == 0) {
    old = tp_xasprintf("%s.old-XXXXXX", s->dir);
    if (!mkdtemp(old) || rmdir(old) != 0 || rename(s->dir, old) != 0) {
      *err = tp_xasprintf("%s: cannot move the previous report aside (%s)", s->dir,
                          strerror(errno));
      free(old);
      tp_site_abort(s);
      return -1;
    }
  }
  if (rename(s->tmp, s->dir) != 0) {
    *err = tp_xasprintf("%s: cannot move the new report into place (%s)", s->dir,
                        strerror(errno));
    if (old) rename(old, s->dir);
    free(old);
    tp_site_abort(s);
    return -1;
  }
  if (old) {
    if (!S_remove_old(old))
      fprintf(stderr,
              "trainprint: note: %s: the previous report held files trainprint did not write; "
              "they were kept there\n",
              old);
    free(old);
  }
  free(s->tmp);
  s->tmp = NULL;
  tp_site_abort(s);
  return 0;
}

static void S_rm_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *p = tp_xasprintf("%s/%s", path, e->d_name);
        S_rm_tree(p);
        free(p);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

void tp_site_abort(tp_site *s) {
  /* The temporary directory holds only what this process wrote. */
  if (s->tmp) S_rm_tree(s->tmp);
  free(s->tmp);
  free(s->dir);
  for (size_t i = 0; i < s->n_files; i++) free(s->files[i]);
  free(s->files);
  *s = (tp_site){0};
}
