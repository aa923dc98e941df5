/* Fuzz target for the site record (render/site.h: tp_site_reuse_from): any
 * bytes as the record of a previous site's pages, which `report --cache` and
 * `render --cache` read back to reuse unchanged pages.
 *
 * Once per process a real previous site is written (with its record) in a
 * scratch directory, so that the groups an input names reach the checks of
 * their files and the links into the new site.  Each input is then the
 * record of a new site over it: refused with a message, or taken; when taken,
 * every group the input names ("G DIGEST KEY NAME" lines) is asked for by
 * key or digest, and taken groups are added to the new site, which is then
 * given up.  The previous site never changes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "render/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define S_DIGEST_A "0123456789abcdef0123456789abcdef"
#define S_DIGEST_B "fedcba9876543210fedcba9876543210"
#define S_KEY_B "00000000111111112222222233333333"

/* Write one group of files (name's page, then the others) into s. */
static void S_group(tp_site *s, const char *name, const char *digest, const char *const *files,
                    size_t n) {
  char *err = NULL;
  tp_site_group_begin(s, name, digest);
  for (size_t i = 0; i < n; i++)
    if (tp_site_write(s, files[i], files[i], strlen(files[i]), &err) != 0) abort();
  tp_site_group_end(s);
}

static char S_dir[96]; /* the previous site */

static size_t S_try(const char *dir, const char *path, const uint8_t *data, size_t size);

/* Remove the previous site and its record at exit. */
static void S_cleanup(void) {
  static const char *const paths[] = {"index.html", "runs/a.html", "charts/a-loss.svg",
                                      "charts/a-power.svg", TP_SITE_MANIFEST};
  char p[160];
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    snprintf(p, sizeof p, "%s/%s", S_dir, paths[i]);
    unlink(p);
  }
  snprintf(p, sizeof p, "%s/runs", S_dir);
  rmdir(p);
  snprintf(p, sizeof p, "%s/charts", S_dir);
  rmdir(p);
  rmdir(S_dir);
  snprintf(p, sizeof p, "%s.record", S_dir);
  unlink(p);
  snprintf(p, sizeof p, "/tmp/tp_fuzz_site_record.%ld", (long)getpid()); /* tp_fuzz_scratch's */
  unlink(p);
}

/* The previous site, made on first use: two groups, the second with a key. */
static const char *S_previous_site(void) {
  char *dir = S_dir;
  if (dir[0]) return dir;
  snprintf(dir, sizeof S_dir, "/tmp/tp_fuzz_previous_site.%ld", (long)getpid());
  atexit(S_cleanup);
  char record[128];
  snprintf(record, sizeof record, "%s.record", dir);
  tp_site s;
  char *err = NULL;
  if (tp_site_begin(&s, dir, &err) != 0 || tp_site_reuse_from(&s, record, &err) != 0) abort();
  static const char *const a[] = {"index.html"};
  static const char *const b[] = {"runs/a.html", "charts/a-loss.svg", "charts/a-power.svg"};
  S_group(&s, "index.html", S_DIGEST_A, a, 1);
  S_group(&s, "runs/a.html", S_DIGEST_B, b, 3);
  tp_site_group_key(&s, S_KEY_B);
  if (tp_site_commit(&s, NULL, &err) != 0) abort();
  /* Its own record reuses both groups: the takes and links work. */
  FILE *f = fopen(record, "rb");
  static uint8_t text[4096];
  size_t n = f ? fread(text, 1, sizeof text, f) : 0;
  if (!f || fclose(f) != 0 || S_try(dir, record, text, n) != 2) abort();
  return dir;
}

/* Ask the new site for the group of one "G DIGEST KEY NAME" line (line[0..n),
 * not NUL-terminated) as the pipeline does: by key when it has one, else by
 * digest; add what is taken. */
static void S_ask(tp_site *s, const char *line, size_t n) {
  if (n < 38 || memcmp(line, "G ", 2) != 0) return;
  char digest[33], key[33] = "";
  memcpy(digest, line + 2, 32);
  digest[32] = '\0';
  bool keyed = line[35] != '-';
  size_t at = keyed ? 68 : 37;
  if (n <= at) return;
  if (keyed) memcpy(key, line + 35, 32);
  key[32] = '\0';
  char *name = tp_xstrndup(line + at, n - at);
  tp_site_taken t;
  if ((keyed && tp_site_group_take_key(s, name, key, &t)) || tp_site_group_take(s, name, digest, &t))
    tp_site_group_add(s, &t);
  free(name);
}

/* A new site over the previous one with the record at path (whose bytes are
 * data[0..size)); the number of groups it took. */
static size_t S_try(const char *dir, const char *path, const uint8_t *data, size_t size) {
  tp_site s;
  char *err = NULL;
  if (tp_site_begin(&s, dir, &err) != 0) abort();
  if (tp_site_reuse_from(&s, path, &err) != 0) {
    if (!err || !strstr(err, "ignored")) abort(); /* a refusal says so */
    free(err);
  } else {
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
      S_ask(&s, p, n);
      p += n + 1;
    }
  }
  size_t taken = s.n_reused;
  tp_site_abort(&s);
  return taken;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 20)) return 0;
  const char *dir = S_previous_site();
  char path[96];
  if (tp_fuzz_scratch(path, "site_record", data, size) != 0) return 0;
  S_try(dir, path, data, size);
  return 0;
}
