/* Tests for render/site: atomic replacement, manifests, refusals, slugs. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
  CHECK_INT(tp_site_commit(&s, NULL, &err), 0);
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
  /* That is said to the caller, as a note naming where the files are kept;
   * the site prints nothing itself. */
  tp_diags notes = {0};
  CHECK_INT(tp_site_commit(&s, &notes, &err), 0);
  CHECK_INT((int)notes.count, 1);
  if (notes.count) {
    CHECK_INT(notes.items[0].severity, TP_NOTE);
    CHECK(notes.items[0].file && strncmp(notes.items[0].file, out, strlen(out)) == 0);
    CHECK(strstr(notes.items[0].message, "kept there") != NULL);
  }
  tp_diag_free(&notes);
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

static unsigned long long S_ino(const char *dir, const char *rel) {
  char *p = tp_xasprintf("%s/%s", dir, rel);
  struct stat st;
  unsigned long long ino = stat(p, &st) == 0 ? (unsigned long long)st.st_ino : 0;
  free(p);
  return ino;
}

static char *S_read_in(const char *dir, const char *rel) {
  char *p = tp_xasprintf("%s/%s", dir, rel);
  char *t = S_read(p);
  free(p);
  return t;
}

/* One site with two groups: a page and its chart each. */
static void S_write_two(tp_site *s, const char *a_text, const char *b_text, const char *b_digest) {
  char *err = NULL;
  static const char da[] = "0123456789abcdef0123456789abcdef";
  tp_site_group_begin(s, "runs/a.html", da);
  CHECK_INT(tp_site_write(s, "charts/a.svg", "<svg/>", 6, &err), 0);
  CHECK_INT(tp_site_write(s, "runs/a.html", a_text, strlen(a_text), &err), 0);
  tp_site_group_end(s);
  tp_site_group_begin(s, "runs/b.html", b_digest);
  CHECK_INT(tp_site_write(s, "runs/b.html", b_text, strlen(b_text), &err), 0);
  tp_site_group_end(s);
  CHECK_INT(tp_site_write(s, "index.html", "index", 5, &err), 0);
}

static void test_reuse(void) {
  char *out = tp_xasprintf("%s/reuse", S_root);
  char *rec = tp_xasprintf("%s/reuse.record", S_root);
  static const char da[] = "0123456789abcdef0123456789abcdef";
  static const char db[] = "fedcba9876543210fedcba9876543210";
  static const char db2[] = "00000000000000000000000000000002";
  tp_site s;
  char *err = NULL;

  /* First site: no record yet, nothing to reuse; the record is written at commit. */
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), 0);
  CHECK(tp_site_recording(&s));
  CHECK(!tp_site_group_reuse(&s, "runs/a.html", da));
  S_write_two(&s, "page a", "page b", db);
  CHECK_INT(tp_site_commit(&s, NULL, &err), 0);
  CHECK(access(rec, F_OK) == 0);
  unsigned long long ia = S_ino(out, "runs/a.html"), ic = S_ino(out, "charts/a.svg");
  unsigned long long ib = S_ino(out, "runs/b.html");

  /* Second site: a's digest unchanged, so a and its chart are taken as they
   * are (the same files); b's changed, so it is written again. */
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), 0);
  CHECK(tp_site_group_reuse(&s, "runs/a.html", da));
  CHECK(!tp_site_group_reuse(&s, "runs/b.html", db2));
  CHECK(!tp_site_group_reuse(&s, "runs/none.html", da));
  tp_site_group_begin(&s, "runs/b.html", db2);
  CHECK_INT(tp_site_write(&s, "runs/b.html", "page B", 6, &err), 0);
  tp_site_group_end(&s);
  CHECK_INT(tp_site_write(&s, "index.html", "index", 5, &err), 0);
  CHECK_INT((int)s.n_reused, 1);
  CHECK_INT(tp_site_commit(&s, NULL, &err), 0);
  CHECK(S_ino(out, "runs/a.html") == ia && ia != 0);
  CHECK(S_ino(out, "charts/a.svg") == ic && ic != 0);
  char *t = S_read_in(out, "runs/a.html");
  CHECK_STR(t, "page a");
  free(t);
  t = S_read_in(out, "runs/b.html");
  CHECK_STR(t, "page B");
  free(t);
  (void)ib;
  /* The manifest lists the reused files: a third site removes them. */
  char *m = S_read_in(out, TP_SITE_MANIFEST);
  CHECK(m && strstr(m, "charts/a.svg\nruns/a.html\nruns/b.html\nindex.html\n"));
  free(m);

  /* A key recorded with a group: taken by key without its digest; another
   * key is not taken. */
  static const char k1[] = "11111111111111111111111111111111";
  static const char k2[] = "22222222222222222222222222222222";
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), 0);
  tp_site_taken tk;
  CHECK(!tp_site_group_take_key(&s, "runs/a.html", k1, &tk)); /* no key recorded yet */
  CHECK(tp_site_group_reuse(&s, "runs/a.html", da));
  tp_site_group_key(&s, k1);
  CHECK(tp_site_group_reuse(&s, "runs/b.html", db2));
  CHECK_INT(tp_site_write(&s, "index.html", "index", 5, &err), 0);
  CHECK_INT(tp_site_commit(&s, NULL, &err), 0);
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), 0);
  CHECK(!tp_site_group_take_key(&s, "runs/a.html", k2, &tk));
  CHECK(tp_site_group_take_key(&s, "runs/a.html", k1, &tk));
  tp_site_group_add(&s, &tk);
  CHECK(tp_site_group_reuse(&s, "runs/b.html", db2));
  CHECK_INT(tp_site_write(&s, "index.html", "index", 5, &err), 0);
  CHECK_INT(tp_site_commit(&s, NULL, &err), 0);
  CHECK(S_ino(out, "runs/a.html") == ia);
  m = S_read_in(out, TP_SITE_MANIFEST);
  CHECK(m && strstr(m, "charts/a.svg\nruns/a.html\nruns/b.html\nindex.html\n"));
  free(m);
  m = S_read(rec);
  CHECK(m && strstr(m, "G 0123456789abcdef0123456789abcdef 11111111111111111111111111111111 "
                       "runs/a.html\n"));
  free(m);

  /* A file edited in the site since: its group is never taken. */
  char *chart = tp_xasprintf("%s/charts/a.svg", out);
  FILE *f = fopen(chart, "w");
  fputs("<svg>edited</svg>", f);
  fclose(f);
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), 0);
  CHECK(!tp_site_group_reuse(&s, "runs/a.html", da));
  S_write_two(&s, "page a2", "page b2", db);
  CHECK_INT(tp_site_commit(&s, NULL, &err), 0);
  t = S_read_in(out, "charts/a.svg");
  CHECK_STR(t, "<svg/>");
  free(t);

  /* A group whose second file is gone: nothing of it is taken, and writing
   * the page afresh never writes through into the previous site. */
  remove(chart);
  char *old_a = tp_xasprintf("%s/runs/a.html", out);
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), 0);
  CHECK(!tp_site_group_reuse(&s, "runs/a.html", da));
  CHECK_INT(tp_site_write(&s, "runs/a.html", "fresh", 5, &err), 0);
  t = S_read(old_a);
  CHECK_STR(t, "page a2");
  free(t);
  tp_site_abort(&s);
  free(old_a);
  free(chart);

  /* A corrupt record: a diagnostic naming the line, and nothing reused. */
  f = fopen(rec, "w");
  fputs("trainprint-site-record 2\nG 0123 - runs/a.html\n", f);
  fclose(f);
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), -1);
  CHECK(err && strstr(err, "reuse.record:2:") && strstr(err, "ignored"));
  free(err);
  err = NULL;
  CHECK(!tp_site_group_reuse(&s, "runs/a.html", da));
  tp_site_abort(&s);
  /* Another version's record: the same. */
  f = fopen(rec, "w");
  fputs("trainprint-site-record 99\n", f);
  fclose(f);
  CHECK_INT(tp_site_begin(&s, out, &err), 0);
  CHECK_INT(tp_site_reuse_from(&s, rec, &err), -1);
  CHECK(err && strstr(err, "not a site record of this version"));
  free(err);
  tp_site_abort(&s);
  free(rec);
  free(out);
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
  TP_RUN(test_reuse);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", S_root);
  return tp_test_summary();
}
