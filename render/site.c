/* site: atomic, manifest-tracked writing of the report directory. */
#include "render/site.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/diag.h"
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

int tp_site_mkdirs(const char *path) {
  if (mkdir(path, 0755) == 0 || errno == EEXIST) return 0; /* the usual case: one call */
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
  if (tp_site_mkdirs(parent) != 0 || access(parent, W_OK) != 0) {
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

/* Create path's parent directory inside the site (remembering the last one
 * made, as consecutive files mostly share it). */
static int S_make_parent(tp_site *s, const char *path, char **err) {
  char *parent = S_parent(path);
  if (s->made_dir && strcmp(parent, s->made_dir) == 0) {
    free(parent);
    return 0;
  }
  if (tp_site_mkdirs(parent) != 0) {
    *err = tp_xasprintf("%s: cannot create directory (%s)", parent, strerror(errno));
    free(parent);
    return -1;
  }
  free(s->made_dir);
  s->made_dir = parent;
  return 0;
}

static void S_add_file(tp_site *s, const char *rel, const tp_site_stamp *st) {
  TP_GROW(s->files, s->cap_files, s->n_files + 1);
  if (s->record) {
    TP_GROW(s->stamps, s->cap_stamps, s->n_files + 1);
    s->stamps[s->n_files] = st ? *st : (tp_site_stamp){0};
  }
  s->files[s->n_files++] = tp_xstrdup(rel);
}

/* Open path for writing a new file.  The temporary site is fresh and every
 * path is written once, so no file is there already; in particular no link
 * into the previous site (tp_site_group_reuse removes what it linked when it
 * gives up), which writing would change. */
static FILE *S_create(const char *path) { return fopen(path, "wb"); }

char *tp_site_path(tp_site *s, const char *rel, char **err) {
  if (!tp_site_path_ok(rel)) {
    *err = tp_xasprintf("refusing unsafe output path '%s'", rel);
    return NULL;
  }
  char *path = tp_xasprintf("%s/%s", s->tmp, rel);
  if (S_make_parent(s, path, err) != 0) {
    free(path);
    return NULL;
  }
  S_add_file(s, rel, NULL);
  unlink(path); /* the writer (cairo) must not write through an old link */
  return path;
}

int tp_site_write(tp_site *s, const char *rel, const void *data, size_t n, char **err) {
  char *path = tp_site_path(s, rel, err);
  if (!path) return -1;
  FILE *f = S_create(path);
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

static int S_dirfd(const char *root, tp_site_dirs *c, const char *rel_dir, bool create);

static int S_cmp_depth(const void *a, const void *b) {
  /* deeper (longer) paths first, then by name so that duplicates meet */
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  size_t nx = strlen(x), ny = strlen(y);
  if (nx != ny) return nx > ny ? -1 : 1;
  return strcmp(x, y);
}

/* Remove the files an old site's manifest lists, then its empty directories.
 * Returns true when the old directory ended up empty (and was removed). */
static bool S_remove_old(const char *dir) {
  char *manifest = tp_xasprintf("%s/%s", dir, TP_SITE_MANIFEST);
  FILE *f = fopen(manifest, "r");
  char line[4096];
  char **dirs = NULL;
  size_t nd = 0, cd = 0;
  char *last = NULL; /* the previous file's directory: its ancestors are noted */
  tp_site_dirs open_dirs = {0};
  if (f) {
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = '\0';
      if (!tp_site_path_ok(line) || strcmp(line, TP_SITE_MANIFEST) == 0) continue;
      char *p = tp_xasprintf("%s/%s", dir, line);
      char *parent = S_parent(p);
      /* within its directory, opened once, not by the whole path each time */
      const char *slash = strrchr(line, '/');
      char *rel_dir = slash ? tp_xstrndup(line, (size_t)(slash - line)) : tp_xstrdup("");
      int dfd = S_dirfd(dir, &open_dirs, rel_dir, false);
      free(rel_dir);
      if (dfd < 0 || unlinkat(dfd, slash ? slash + 1 : line, 0) != 0) unlink(p);
      if (!last || strcmp(last, parent) != 0) {
        /* note the parent directories inside the site, each once after sorting */
        for (char *q = strrchr(p, '/'); q && q > p + strlen(dir); q = strrchr(p, '/')) {
          *q = '\0';
          TP_GROW(dirs, cd, nd + 1);
          dirs[nd++] = tp_xstrdup(p);
        }
        free(last);
        last = parent;
      } else {
        free(parent);
      }
      free(p);
    }
    fclose(f);
  }
  free(last);
  tp_site_dirs_close(&open_dirs);
  unlink(manifest);
  free(manifest);
  /* rmdir fails harmlessly on a directory that is not empty; children first */
  if (nd) qsort(dirs, nd, sizeof *dirs, S_cmp_depth);
  for (size_t i = 0; i < nd; i++)
    if (i == 0 || strcmp(dirs[i], dirs[i - 1]) != 0) rmdir(dirs[i]);
  for (size_t i = 0; i < nd; i++) free(dirs[i]);
  free(dirs);
  return rmdir(dir) == 0;
}

/* ---- reuse of unchanged files ------------------------------------------- */

/* The record, one group after another:
 *
 *   trainprint-site-record 2
 *   G DIGEST KEY NAME                      (KEY: 32 hex digits, or - for none)
 *   F SIZE MTIME_S MTIME_NS INODE REL      (one line per file of the group)
 */
#define S_RECORD_HEAD "trainprint-site-record 2"

struct tp_site_record {
  tp_site_group *groups; /* first/n index files below */
  size_t n_groups, cap_groups;
  char **rels;
  tp_site_stamp *stamps;
  size_t n_files, cap_files, cap_stamps;
  size_t *slots; /* open addressing over groups by name: index + 1, 0 empty */
  size_t n_slots;
};

static uint64_t S_name_hash(const char *name) {
  uint64_t h = 14695981039346656037ull; /* FNV-1a 64 */
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= 1099511628211ull;
  }
  return h;
}

static void S_record_free(tp_site_record *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_groups; i++) free(r->groups[i].name);
  for (size_t i = 0; i < r->n_files; i++) free(r->rels[i]);
  free(r->groups);
  free(r->rels);
  free(r->stamps);
  free(r->slots);
  free(r);
}

static const tp_site_group *S_record_find(const tp_site_record *r, const char *name) {
  if (!r || !r->n_slots) return NULL;
  for (size_t i = S_name_hash(name) & (r->n_slots - 1);; i = (i + 1) & (r->n_slots - 1)) {
    size_t g = r->slots[i];
    if (!g) return NULL;
    if (strcmp(r->groups[g - 1].name, name) == 0) return &r->groups[g - 1];
  }
}

static bool S_hex32(const char *p) {
  for (int i = 0; i < 32; i++)
    if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return false;
  return true;
}

/* Parse an unsigned decimal at *p, then one space; false when malformed. */
static bool S_field(const char **p, unsigned long long *v) {
  const char *q = *p;
  unsigned long long x = 0;
  if (*q < '0' || *q > '9') return false;
  for (; *q >= '0' && *q <= '9'; q++) {
    if (x > (ULLONG_MAX - 9) / 10) return false;
    x = x * 10 + (unsigned long long)(*q - '0');
  }
  if (*q != ' ') return false;
  *v = x;
  *p = q + 1;
  return true;
}

/* Parse the record text; NULL with *why (static text) and *line when it is
 * not a record. */
static tp_site_record *S_record_parse(char *text, const char **why, size_t *line) {
  tp_site_record *r = tp_xcalloc(1, sizeof *r);
  *line = 0;
  char *p = text;
  while (*p) {
    char *e = strchr(p, '\n');
    if (!e) {
      *why = "the last line is cut short";
      goto bad;
    }
    *e = '\0';
    ++*line;
    if (*line == 1) {
      if (strcmp(p, S_RECORD_HEAD) != 0) {
        *why = "not a site record of this version";
        goto bad;
      }
    } else if (p[0] == 'G' && p[1] == ' ' && strlen(p) > 37 && S_hex32(p + 2) && p[34] == ' ' &&
               ((p[35] == '-' && p[36] == ' ' && tp_site_path_ok(p + 37)) ||
                (strlen(p) > 68 && S_hex32(p + 35) && p[67] == ' ' && tp_site_path_ok(p + 68)))) {
      TP_GROW(r->groups, r->cap_groups, r->n_groups + 1);
      tp_site_group *g = &r->groups[r->n_groups++];
      bool keyed = p[35] != '-';
      *g = (tp_site_group){.name = tp_xstrdup(p + (keyed ? 68 : 37)), .first = r->n_files};
      memcpy(g->digest, p + 2, 32);
      g->digest[32] = '\0';
      if (keyed) {
        memcpy(g->key, p + 35, 32);
        g->key[32] = '\0';
      }
    } else if (p[0] == 'F' && p[1] == ' ' && r->n_groups) {
      const char *q = p + 2;
      unsigned long long size, ms, mns, ino;
      if (!S_field(&q, &size) || !S_field(&q, &ms) || !S_field(&q, &mns) || !S_field(&q, &ino) ||
          mns >= 1000000000ull || ms > (unsigned long long)LLONG_MAX || !tp_site_path_ok(q)) {
        *why = "a malformed file line";
        goto bad;
      }
      TP_GROW(r->rels, r->cap_files, r->n_files + 1);
      TP_GROW(r->stamps, r->cap_stamps, r->n_files + 1);
      r->rels[r->n_files] = tp_xstrdup(q);
      r->stamps[r->n_files++] = (tp_site_stamp){
          .known = true, .size = size, .ino = ino, .mtime_s = (long long)ms, .mtime_ns = (long)mns};
      r->groups[r->n_groups - 1].n++;
    } else {
      *why = "a line that is neither a group nor a file";
      goto bad;
    }
    p = e + 1;
  }
  if (*line == 0) {
    *why = "empty";
    goto bad;
  }
  r->n_slots = 16;
  while (r->n_slots < 2 * r->n_groups) r->n_slots *= 2;
  r->slots = tp_xcalloc(r->n_slots, sizeof *r->slots);
  for (size_t g = 0; g < r->n_groups; g++) {
    size_t i = S_name_hash(r->groups[g].name) & (r->n_slots - 1);
    while (r->slots[i]) {
      if (strcmp(r->groups[r->slots[i] - 1].name, r->groups[g].name) == 0) {
        *why = "a group named twice";
        goto bad;
      }
      i = (i + 1) & (r->n_slots - 1);
    }
    r->slots[i] = g + 1;
  }
  return r;
bad:
  S_record_free(r);
  return NULL;
}

int tp_site_reuse_from(tp_site *s, const char *record_path, char **err) {
  free(s->record);
  s->record = tp_xstrdup(record_path);
  S_record_free(s->old);
  s->old = NULL;
  FILE *f = fopen(record_path, "rb");
  if (!f) return 0; /* none yet: nothing to reuse */
  tp_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  bool bad_read = ferror(f);
  fclose(f);
  const char *why = "unreadable";
  size_t line = 0;
  if (!bad_read && b.len == strlen(tp_buf_str(&b)))
    s->old = S_record_parse(b.data ? b.data : (char[]){""}, &why, &line);
  else if (!bad_read)
    why = "holds a NUL byte";
  tp_buf_free(&b);
  if (s->old) return 0;
  *err = line ? tp_xasprintf("%s:%zu: %s; ignored, every page is drawn again", record_path, line,
                             why)
              : tp_xasprintf("%s: %s; ignored, every page is drawn again", record_path, why);
  return -1;
}

bool tp_site_recording(const tp_site *s) { return s->record != NULL; }

static void S_stamp_of(const struct stat *st, tp_site_stamp *out) {
  *out = (tp_site_stamp){.known = true,
                         .size = (unsigned long long)st->st_size,
                         .ino = (unsigned long long)st->st_ino,
                         .mtime_s = (long long)st->st_mtim.tv_sec,
                         .mtime_ns = st->st_mtim.tv_nsec};
}

static bool S_stamp_same(const tp_site_stamp *a, const tp_site_stamp *b) {
  return a->size == b->size && a->ino == b->ino && a->mtime_s == b->mtime_s &&
         a->mtime_ns == b->mtime_ns;
}

static bool S_take(tp_site *s, const tp_site_group *g, tp_site_taken *t);

bool tp_site_group_take(tp_site *s, const char *name, const char *digest, tp_site_taken *t) {
  *t = (tp_site_taken){0};
  const tp_site_group *g = S_record_find(s->old, name);
  return g && strcmp(g->digest, digest) == 0 && S_take(s, g, t);
}

bool tp_site_group_take_key(tp_site *s, const char *name, const char *key, tp_site_taken *t) {
  *t = (tp_site_taken){0};
  const tp_site_group *g = S_record_find(s->old, name);
  if (!g || !g->key[0] || strcmp(g->key, key) != 0 || !S_take(s, g, t)) return false;
  snprintf(t->key, sizeof t->key, "%s", key);
  return true;
}

/* The open directory rel_dir ("" for the top) of the site at root, created
 * first when `create`; -1 when it cannot be opened or the cache is full. */
static int S_dirfd(const char *root, tp_site_dirs *c, const char *rel_dir, bool create) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->rel[i], rel_dir) == 0) return c->fd[i];
  if (c->n == TP_SITE_DIRS) return -1;
  char *path = *rel_dir ? tp_xasprintf("%s/%s", root, rel_dir) : tp_xstrdup(root);
  if (create) tp_site_mkdirs(path);
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  free(path);
  if (fd < 0) return -1;
  c->rel[c->n] = tp_xstrdup(rel_dir);
  c->fd[c->n++] = fd;
  return fd;
}

void tp_site_dirs_close(tp_site_dirs *c) {
  for (size_t i = 0; i < c->n; i++) {
    close(c->fd[i]);
    free(c->rel[i]);
  }
  c->n = 0;
}

/* The directories (old and new site) holding rel and its last component;
 * false when they cannot be had (the caller then uses whole paths). */
static bool S_dirs_of(tp_site *s, const char *rel, int *old_fd, int *new_fd, const char **base) {
  const char *slash = strrchr(rel, '/');
  char dir[256];
  size_t n = slash ? (size_t)(slash - rel) : 0;
  if (n >= sizeof dir) return false;
  memcpy(dir, rel, n);
  dir[n] = '\0';
  *base = slash ? slash + 1 : rel;
  *old_fd = S_dirfd(s->dir, &s->old_dirs, dir, false);
  *new_fd = *old_fd >= 0 ? S_dirfd(s->tmp, &s->new_dirs, dir, true) : -1;
  return *old_fd >= 0 && *new_fd >= 0;
}

/* Check that the files of g are intact and link them into the new site. */
static bool S_take(tp_site *s, const tp_site_group *g, tp_site_taken *t) {
  const tp_site_record *r = s->old;
  bool ok = true;
  /* Every file still as it was written? */
  for (size_t i = g->first; ok && i < g->first + g->n; i++) {
    int ofd, nfd;
    const char *base;
    struct stat st;
    if (S_dirs_of(s, r->rels[i], &ofd, &nfd, &base)) {
      ok = fstatat(ofd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
    } else {
      char *src = tp_xasprintf("%s/%s", s->dir, r->rels[i]);
      ok = lstat(src, &st) == 0;
      free(src);
    }
    tp_site_stamp now;
    ok = ok && S_ISREG(st.st_mode);
    if (ok) S_stamp_of(&st, &now);
    ok = ok && S_stamp_same(&now, &r->stamps[i]);
  }
  size_t made = 0;
  tp_site_stamp *got = tp_xcalloc(g->n ? g->n : 1, sizeof *got);
  for (size_t i = g->first; ok && i < g->first + g->n; i++, made++) {
    int ofd, nfd;
    const char *base;
    if (S_dirs_of(s, r->rels[i], &ofd, &nfd, &base) && linkat(ofd, base, nfd, base, 0) == 0) {
      got[made] = r->stamps[i]; /* the same file */
      continue;
    }
    char *src = tp_xasprintf("%s/%s", s->dir, r->rels[i]);
    char *dst = tp_xasprintf("%s/%s", s->tmp, r->rels[i]);
    char *err = NULL;
    ok = S_make_parent(s, dst, &err) == 0;
    free(err);
    if (ok && link(src, dst) == 0) {
      got[made] = r->stamps[i];
    } else if (ok) {
      struct stat st;
      ok = tp_site_copy_file(src, dst) == 0 && stat(dst, &st) == 0;
      if (ok) S_stamp_of(&st, &got[made]);
      else unlink(dst);
    }
    free(src);
    free(dst);
  }
  if (!ok) {
    for (size_t i = 0; i < made; i++) {
      char *dst = tp_xasprintf("%s/%s", s->tmp, r->rels[g->first + i]);
      unlink(dst);
      free(dst);
    }
    free(got);
    return false;
  }
  t->group = g;
  t->stamps = got;
  return true;
}

void tp_site_group_add(tp_site *s, tp_site_taken *t) {
  const tp_site_group *g = t->group;
  if (!g) return;
  tp_site_group_begin(s, g->name, g->digest);
  for (size_t i = 0; i < g->n; i++) S_add_file(s, s->old->rels[g->first + i], &t->stamps[i]);
  tp_site_group_end(s);
  if (t->key[0]) tp_site_group_key(s, t->key);
  s->n_reused++;
  free(t->stamps);
  *t = (tp_site_taken){0};
}

void tp_site_taken_drop(tp_site *s, tp_site_taken *t) {
  const tp_site_group *g = t->group;
  for (size_t i = 0; g && i < g->n; i++) {
    char *dst = tp_xasprintf("%s/%s", s->tmp, s->old->rels[g->first + i]);
    unlink(dst);
    free(dst);
  }
  free(t->stamps);
  *t = (tp_site_taken){0};
}

bool tp_site_group_reuse(tp_site *s, const char *name, const char *digest) {
  tp_site_taken t;
  if (s->in_group || !tp_site_group_take(s, name, digest, &t)) return false;
  tp_site_group_add(s, &t);
  return true;
}

void tp_site_group_begin(tp_site *s, const char *name, const char *digest) {
  if (!s->record) return;
  TP_GROW(s->groups, s->cap_groups, s->n_groups + 1);
  tp_site_group *g = &s->groups[s->n_groups++];
  *g = (tp_site_group){.name = tp_xstrdup(name), .first = s->n_files};
  snprintf(g->digest, sizeof g->digest, "%s", digest);
  s->in_group = true;
}

void tp_site_group_end(tp_site *s) {
  if (!s->record || !s->in_group) return;
  tp_site_group *g = &s->groups[s->n_groups - 1];
  g->n = s->n_files - g->first;
  s->in_group = false;
}

void tp_site_group_key(tp_site *s, const char *key) {
  if (!s->record || !s->n_groups || !key) return;
  snprintf(s->groups[s->n_groups - 1].key, sizeof s->groups->key, "%s", key);
}

/* Write the record of the committed site (its files now under s->dir);
 * a failure only costs the next report its reuse: a warning in notes (when
 * not NULL). */
static void S_record_save(tp_site *s, tp_diags *notes) {
  tp_buf b = {0};
  tp_buf_adds(&b, S_RECORD_HEAD "\n");
  for (size_t gi = 0; gi < s->n_groups; gi++) {
    const tp_site_group *g = &s->groups[gi];
    if (strlen(g->digest) != 32 || !S_hex32(g->digest) || !tp_site_path_ok(g->name) ||
        strchr(g->name, '\n'))
      continue;
    bool keyed = strlen(g->key) == 32 && S_hex32(g->key);
    tp_buf_printf(&b, "G %s %s %s\n", g->digest, keyed ? g->key : "-", g->name);
    for (size_t i = g->first; i < g->first + g->n; i++) {
      tp_site_stamp *st = &s->stamps[i];
      if (!st->known) {
        char *p = tp_xasprintf("%s/%s", s->dir, s->files[i]);
        struct stat sb;
        if (stat(p, &sb) == 0) S_stamp_of(&sb, st);
        free(p);
      }
      /* A file that cannot be described makes its group unusable next time:
       * a stamp of zeros never matches a real file. */
      tp_buf_printf(&b, "F %llu %lld %ld %llu %s\n", st->size, st->mtime_s, st->mtime_ns,
                    st->ino, s->files[i]);
    }
  }
  char *tmp = tp_xasprintf("%s.tmp", s->record);
  FILE *f = fopen(tmp, "wb");
  bool ok = f && fwrite(tp_buf_str(&b), 1, b.len, f) == b.len;
  if (f && fclose(f) != 0) ok = false;
  if (ok && rename(tmp, s->record) != 0) ok = false;
  if (!ok) {
    int e = errno;
    unlink(tmp);
    if (notes)
      tp_diag_add(notes, TP_WARN, s->record, -1, -1,
                  "cannot write the record of the site's pages (%s); the next report draws "
                  "every page again",
                  strerror(e));
  }
  free(tmp);
  tp_buf_free(&b);
}

int tp_site_commit(tp_site *s, tp_diags *notes, char **err) {
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
    if (!S_remove_old(old) && notes)
      tp_diag_add(notes, TP_NOTE, old, -1, -1,
                  "the previous report held files trainprint did not write; they were kept "
                  "there");
    free(old);
  }
  free(s->tmp);
  s->tmp = NULL;
  if (s->record) S_record_save(s, notes);
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
  tp_site_dirs_close(&s->old_dirs);
  tp_site_dirs_close(&s->new_dirs);
  /* The temporary directory holds only what this process wrote. */
  if (s->tmp) S_rm_tree(s->tmp);
  free(s->tmp);
  free(s->dir);
  for (size_t i = 0; i < s->n_files; i++) free(s->files[i]);
  free(s->files);
  free(s->stamps);
  free(s->made_dir);
  free(s->record);
  S_record_free(s->old);
  for (size_t i = 0; i < s->n_groups; i++) free(s->groups[i].name);
  free(s->groups);
  *s = (tp_site){0};
}
