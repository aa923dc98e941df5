/* runcache: --cache, runs as read kept per run directory.
 *
 * Each run is stored in the binary run format (model/runbin.h) beside a key
 * naming the program's version, the configured log parsers and every file
 * that went into it (size, modification time, inode).  A run whose key still holds is loaded from its
 * entry; any other is read again and stored.  Entries are written to a
 * temporary name and renamed, the key last, so a key only ever names a
 * complete document.
 *
 * The SHA-256 digests of trace files (which tell identical copies apart and
 * name each trace in the provenance) are kept too, one small file per trace
 * with the same size, modification time and inode test, so that a report of
 * an unchanged archive does not read every trace twice.
 */
#include "cli/pipeline_impl.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"
#include "model/runbin.h"
#include "parser/text/sha256.h"
#include "render/render.h"

/* The key of a cached run: the program's version, the configured parsers
 * (S_key_parsers), then one line per file that went into it, with its size,
 * modification time (ns) and inode.  A run whose key differs is read again. */
static void S_key_line(tp_buf *b, char tag, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    tp_buf_printf(b, "%c\t%s\tmissing\n", tag, path);
    return;
  }
  tp_buf_printf(b, "%c\t%s\t%lld\t%lld.%09ld\t%llu\n", tag, path, (long long)st.st_size,
                (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
                (unsigned long long)st.st_ino);
}

/* One field of a parser line: a tab, then s with its tabs and line breaks
 * escaped ("-" for none). */
static void S_key_field(tp_buf *b, const char *s) {
  tp_buf_addc(b, '\t');
  if (!s) s = "-";
  for (; *s; s++) {
    if (*s == '\t') tp_buf_adds(b, "\\t");
    else if (*s == '\n') tp_buf_adds(b, "\\n");
    else if (*s == '\\') tp_buf_adds(b, "\\\\");
    else tp_buf_addc(b, *s);
  }
}

static void S_key_strs(tp_buf *b, const tp_config_strs *l) {
  tp_buf_printf(b, "\t%zu", l->count);
  for (size_t i = 0; i < l->count; i++) S_key_field(b, l->items[i]);
}

/* The configured log parsers, one "P" line each, so that a run read through
 * other parsers is read again. */
static void S_key_parsers(tp_buf *b, const tp_framework_opts *fo) {
  for (size_t i = 0; fo && i < fo->n_parsers; i++) {
    const tp_config_parser *cp = &fo->parsers[i];
    tp_buf_addc(b, 'P');
    S_key_field(b, cp->name);
    S_key_field(b, cp->set);
    S_key_field(b, cp->time_format);
    S_key_strs(b, &cp->patterns);
    S_key_strs(b, &cp->files);
    if (cp->has_columns) {
      const tp_config_csvlog *c = &cp->columns;
      tp_buf_printf(b, "\tcolumns\t%d", c->step_base);
      S_key_field(b, c->step);
      S_key_field(b, c->time);
      S_key_field(b, c->time_format);
      S_key_strs(b, &c->metrics);
    }
    tp_buf_addc(b, '\n');
  }
}

static char *S_cache_key(const tp_found_run *fr, const tp_framework_opts *fo, const tp_run *run) {
  tp_buf b = {0};
  tp_buf_printf(&b, "trainprint %s run cache (binary %d)\nid\t%s\n", TP_VERSION, TP_RUNBIN_VERSION,
                fr->id);
  S_key_parsers(&b, fo);
  for (size_t i = 0; i < fr->n_event_files; i++) S_key_line(&b, 'F', fr->event_files[i]);
  for (size_t i = 0; i < fr->n_other_files; i++) S_key_line(&b, 'F', fr->other_files[i]);
  for (size_t i = 0; run && i < run->n_inputs; i++) S_key_line(&b, 'I', run->inputs[i].path);
  return tp_buf_detach(&b);
}

typedef enum { S_CACHE_MISSING, S_CACHE_STALE, S_CACHE_OTHER_VERSION, S_CACHE_OK } S_cache_state;

/* Append the bytes of file path (at most about 16 MiB) to b; false when it
 * cannot be opened.  Plain reads: a key is a few hundred bytes. */
static bool S_slurp(const char *path, tp_buf *b) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char chunk[4096];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0 && b->len < (1u << 24))
    tp_buf_add(b, chunk, (size_t)n);
  close(fd);
  return true;
}

/* The key file's input lines ("I\t<path>") recomputed, with the found files. */
static S_cache_state S_cache_valid(const char *keyfile, const tp_found_run *fr,
                                   const tp_framework_opts *fo) {
  tp_buf old = {0};
  if (!S_slurp(keyfile, &old)) return S_CACHE_MISSING;
  /* Rebuild the key from the found files and the inputs the old key names. */
  tp_buf now = {0};
  char *base = S_cache_key(fr, fo, NULL);
  tp_buf_adds(&now, base);
  free(base);
  const char *p = tp_buf_str(&old);
  while ((p = strstr(p, "\nI\t"))) {
    p += 3;
    size_t len = strcspn(p, "\t\n");
    char *path = tp_xstrndup(p, len);
    S_key_line(&now, 'I', path);
    free(path);
  }
  bool same = old.len == now.len && memcmp(tp_buf_str(&old), tp_buf_str(&now), old.len) == 0;
  /* The first line names the program's version and the document format. */
  size_t l1 = strcspn(tp_buf_str(&now), "\n");
  bool version = old.len >= l1 && memcmp(tp_buf_str(&old), tp_buf_str(&now), l1) == 0 &&
                 tp_buf_str(&old)[l1] == '\n';
  tp_buf_free(&old);
  tp_buf_free(&now);
  return !version ? S_CACHE_OTHER_VERSION : same ? S_CACHE_OK : S_CACHE_STALE;
}

/* The real path of dir (caller frees), or NULL.  Run directories come
 * folder by folder: the real path of the last parent is kept (per thread),
 * and a directory that is not a link is that and its own name. */
static _Thread_local char S_last_parent[PATH_MAX], S_last_parent_real[PATH_MAX];

static char *S_realpath(const char *dir) {
  const char *slash = strrchr(dir, '/');
  struct stat st;
  if (!slash || slash == dir || !slash[1] || strcmp(slash + 1, ".") == 0 ||
      strcmp(slash + 1, "..") == 0 || (size_t)(slash - dir) >= sizeof S_last_parent ||
      lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return realpath(dir, NULL);
  size_t pn = (size_t)(slash - dir);
  if (!(strncmp(S_last_parent, dir, pn) == 0 && S_last_parent[pn] == '\0')) {
    char *parent = tp_xstrndup(dir, pn);
    char *real = realpath(parent, NULL);
    free(parent);
    S_last_parent[0] = '\0';
    size_t rn = real ? strlen(real) : 0;
    if (!real || rn >= sizeof S_last_parent_real) {
      free(real);
      return realpath(dir, NULL);
    }
    memcpy(S_last_parent, dir, pn);
    S_last_parent[pn] = '\0';
    memcpy(S_last_parent_real, real, rn + 1);
    free(real);
  }
  const char *sep = strcmp(S_last_parent_real, "/") == 0 ? "" : "/";
  return tp_xasprintf("%s%s%s", S_last_parent_real, sep, slash + 1);
}

static char *S_cache_base(const char *cache_dir, const tp_found_run *fr) {
  /* Named after the run id, with a hash of the directory's real path so that
   * runs of the same id under different roots do not share an entry. */
  char *real = S_realpath(fr->dir);
  char *slug = tp_site_slug(fr->id);
  char *where = tp_site_slug(real ? real : fr->dir);
  size_t wn = strlen(where);
  char *base = tp_xasprintf("%s/%s-%s", cache_dir, slug, wn >= 8 ? where + wn - 8 : where);
  free(where);
  free(slug);
  free(real);
  return base;
}

/* Write data to path through a temporary name beside it, so that path only
 * ever holds a complete file.  Returns true when written. */
static bool S_write_whole(const char *path, const char *data, size_t len) {
  char *tmp = tp_xasprintf("%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp);
  bool ok = false;
  if (fd >= 0) {
    FILE *f = fdopen(fd, "wb");
    if (f) {
      ok = fwrite(data, 1, len, f) == len;
      ok = fclose(f) == 0 && ok && rename(tmp, path) == 0;
    } else {
      close(fd);
    }
    if (!ok) unlink(tmp);
  }
  free(tmp);
  return ok;
}

static void S_cache_store(const char *base, const tp_found_run *fr, const tp_framework_opts *fo,
                          const tp_run *run) {
  tp_buf doc = {0};
  tp_runbin_write(run, &doc);
  char *key = S_cache_key(fr, fo, run);
  const char *ext[2] = {".run", ".key"};
  const char *data[2] = {tp_buf_str(&doc), key};
  size_t len[2] = {doc.len, strlen(key)};
  /* The document first, the key last: a key only ever names a complete document. */
  for (int k = 0; k < 2; k++) {
    char *dst = tp_xasprintf("%s%s", base, ext[k]);
    bool ok = S_write_whole(dst, data[k], len[k]);
    free(dst);
    if (!ok) break;
  }
  free(key);
  tp_buf_free(&doc);
}

/* The cached run in file path, or NULL with *why and *at (-1 when the file
 * cannot be read at all). */
static tp_run *S_cache_load(const char *path, const char **why, long long *at) {
  *why = "cannot be read";
  *at = -1;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  tp_run *run = NULL;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (1 << 30)) {
    size_t n = (size_t)st.st_size, got = 0;
    char *buf = tp_xmalloc(n ? n : 1);
    while (got < n) {
      ssize_t r = read(fd, buf + got, n - got);
      if (r <= 0) break;
      got += (size_t)r;
    }
    size_t off = 0;
    if (got == n && tp_runbin_read(buf, n, &run, why, &off) == 0) *why = NULL;
    else if (got == n) *at = (long long)off;
    free(buf);
  }
  close(fd);
  return run;
}

/* A run from the cache when its files are unchanged, else read and cached. */
tp_run *tp_runcache_get(const tp_found_run *fr, const tp_framework_opts *fo,
                        const char *cache_dir, char **other_version) {
  if (!cache_dir) return tp_runload_one(fr, fo);
  char *base = S_cache_base(cache_dir, fr);
  char *keyfile = tp_xasprintf("%s.key", base);
  char *docfile = tp_xasprintf("%s.run", base);
  tp_run *run = NULL;
  S_cache_state cs = S_cache_valid(keyfile, fr, fo);
  if (cs == S_CACHE_OTHER_VERSION) *other_version = tp_xstrdup(keyfile);
  if (cs == S_CACHE_OK) {
    const char *why;
    long long at;
    run = S_cache_load(docfile, &why, &at);
    if (run && strcmp(run->id, fr->id) != 0) {
      tp_run_free(run);
      run = NULL;
      why = "it holds another run";
      at = -1;
    }
    if (!run && at >= 0)
      fprintf(stderr, "trainprint: warning: %s: byte %lld: cache entry unreadable (%s); "
                      "ignored, the run is read again\n", docfile, at, why);
    else if (!run)
      fprintf(stderr, "trainprint: warning: %s: cache entry unreadable (%s); ignored, the run "
                      "is read again\n", docfile, why);
  }
  if (!run) {
    run = tp_runload_one(fr, fo);
    S_cache_store(base, fr, fo, run);
  }
  free(keyfile);
  free(docfile);
  free(base);
  return run;
}

/* The first line of a digest entry: the file as it is now (real path, size,
 * modification time in ns, inode); NULL when it is not a readable regular file. */
static char *S_digest_key(const char *real) {
  struct stat st;
  if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
  return tp_xasprintf("trainprint digest 1\t%s\t%lld\t%lld.%09ld\t%llu\n", real,
                      (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                      (long)st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
}

int tp_runcache_digest(const char *cache_dir, const char *path, char sha[65]) {
  if (!cache_dir) return tp_sha256_file(path, sha, &(uint64_t){0});
  char *real = realpath(path, NULL);
  char *key = real ? S_digest_key(real) : NULL;
  if (!key) {
    free(real);
    return tp_sha256_file(path, sha, &(uint64_t){0});
  }
  char *slug = tp_site_slug(real);
  free(real);
  char *entry = tp_xasprintf("%s/digest-%s", cache_dir, slug);
  free(slug);
  size_t kn = strlen(key);
  char old[8192];
  size_t got = 0;
  FILE *f = fopen(entry, "rb");
  if (f) {
    got = fread(old, 1, sizeof old - 1, f);
    fclose(f);
  }
  old[got] = '\0';
  int rc = 0;
  if (got == kn + 65 && memcmp(old, key, kn) == 0 && old[kn + 64] == '\n' &&
      strspn(old + kn, "0123456789abcdef") == 64) {
    memcpy(sha, old + kn, 64);
    sha[64] = '\0';
  } else if ((rc = tp_sha256_file(path, sha, &(uint64_t){0})) == 0) {
    char *doc = tp_xasprintf("%s%s\n", key, sha);
    S_write_whole(entry, doc, strlen(doc));
    free(doc);
  }
  free(entry);
  free(key);
  return rc;
}
