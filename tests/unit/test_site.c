/* Tests for render/site: atomic replacement, manifests, refusals, slugs. */
#include <stdlib.h>
#include <unistd.h>

#include "model/mem.h"
#include "render/site.h"
#include "tp_test.h"

static char S_root[256];

static char *S_read(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return tp_xstrdup(buf);
}

static void test_replace(void) {
  char *out = tp_xasprintf("%s/site", S_root);
  tp_site s;
  char *err = NULL;
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_write(&s, "index.html", "one", 3, &err), 0);
  CHECK_INT(tp_site_write(&s, "runs/a.html", "a", 1, &err), 0);
  CHECK_INT(tp_site_commit(&s, &err), 0);
  char *p = tp_xasprintf("%s/index.html", out);
  char *t = S_read(p);
  CHECK_STR(t, "one");
  free(t);

  /* A user's own file inside the old site survives the replacement. */
  char *mine = tp_xasprintf("%s/runs/notes.txt", out);
  FILE *f = fopen(mine, "w");
  fputs("mine", f);
  fclose(f);

  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_write(&s, "index.html", "two", 3, &err), 0);
  CHECK_INT(tp_site_commit(&s, &err), 0);
  t = S_read(p);
  CHECK_STR(t, "two");
  free(t);
  char *gone = tp_xasprintf("%s/runs/a.html", out);
  CHECK(access(gone, F_OK) != 0);
  free(gone);
  CHECK(access(mine, F_OK) != 0); /* moved aside with the old site, not deleted */

  /* An aborted site leaves the previous one intact. */
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_write(&s, "index.html", "three", 5, &err), 0);
  tp_site_abort(&s);
  t = S_read(p);
  CHECK_STR(t, "two");
  free(t);
  free(p);
  free(mine);
  free(out);
}

static void test_refuse(void) {
  tp_site s;
  char *err = NULL;
  /* A directory with someone else's files. */
  char *d = tp_xasprintf("%s/foreign", S_root);
  mkdir(d, 0755);
  char *fpath = tp_xasprintf("%s/data.csv", d);
  FILE *f = fopen(fpath, "w");
  fputs("x", f);
  fclose(f);
  CHECK_INT(tp_site_begin(&s, d, &err), -1);
  CHECK(err && strstr(err, "not a trainprint report"));
  free(err);
  err = NULL;
  /* A file in the way. */
  CHECK_INT(tp_site_begin(&s, fpath, &err), -1);
  CHECK(err && strstr(err, "not a directory"));
  free(err);
  err = NULL;
  CHECK_INT(tp_site_begin(&s, "/dev/full", &err), -1);
  free(err);
  err = NULL;
  /* Unsafe paths inside a site. */
  char *ok = tp_xasprintf("%s/ok", S_root);
  CHECK_INT(tp_site_begin(&s, ok, &err), 0);
  CHECK_INT(tp_site_write(&s, "../escape.html", "x", 1, &err), -1);
  free(err);
  err = NULL;
  CHECK_INT(tp_site_write(&s, "/etc/passwd", "x", 1, &err), -1);
  free(err);
  tp_site_abort(&s);
  free(ok);
  free(fpath);
  free(d);
}

static void test_slug(void) {
  char *a = tp_site_slug("<script>alert(1)</script>");
  CHECK(strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == strlen(a));
  CHECK(tp_site_path_ok(a));
  char *b = tp_site_slug("../../etc");
  CHECK(b[0] != '.');
  CHECK(strchr(b, '/') == NULL);
  char *c = tp_site_slug("lab/precision-sweep");
  char *c2 = tp_site_slug("lab_precision-sweep");
  CHECK(strcmp(c, c2) != 0);
  CHECK(strncmp(c, "lab-precision-sweep-", 20) == 0);
  CHECK(!tp_site_path_ok("a/../b"));
  CHECK(!tp_site_path_ok("a//b"));
  CHECK(tp_site_path_ok("runs/x.html"));
  free(a);
  free(b);
  free(c);
  free(c2);
}

int main(void) {
  snprintf(S_root, sizeof S_root, "/tmp/tp-site-XXXXXX");
  if (!mkdtemp(S_root)) return 1;
  TP_RUN(test_replace);
  TP_RUN(test_refuse);
  TP_RUN(test_slug);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", S_root);
  return tp_test_summary();
}
