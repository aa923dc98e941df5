/* fw_check: helpers shared by the framework-log tests (test_framework_*.c). */
#ifndef TP_FW_CHECK_H
#define TP_FW_CHECK_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"
#include "model/run.h"
#include "parser/logs/framework.h"
#include "tp_test.h"

/* A series' point count and its first and last (step, value), as written by hand. */
static inline void fw_check_series(const tp_run *run, const char *tag, size_t count, long long step0,
                            double v0, long long step1, double v1) {
  const tp_series *s = tp_run_find_series(run, tag);
  if (!s) {
    tp_test_failed++;
    fprintf(stderr, "missing series '%s'\n", tag);
    return;
  }
  CHECK_INT(s->count, count);
  if (!s->count) return;
  CHECK_INT(s->points[0].step, step0);
  if (isnan(v0)) CHECK(isnan(s->points[0].value));
  else CHECK_NEAR(s->points[0].value, v0, 1e-12);
  CHECK_INT(s->points[s->count - 1].step, step1);
  if (isnan(v1)) CHECK(isnan(s->points[s->count - 1].value));
  else CHECK_NEAR(s->points[s->count - 1].value, v1, 1e-12);
}

static inline void fw_check_hparam(const tp_run *run, const char *key, const char *text) {
  const tp_hparam *h = tp_run_find_hparam(run, key);
  CHECK_STR(h ? h->text : NULL, text);
}

/* A run's hparams, one "key=KIND:text" line each (KIND: tp_hparam_kind as a
 * number), in their order; into b (the caller frees it). */
static inline const char *fw_hparams_text(const tp_run *run, tp_buf *b) {
  *b = (tp_buf){0};
  for (size_t i = 0; i < run->n_hparams; i++)
    tp_buf_printf(b, "%s=%d:%s\n", run->hparams[i].key, (int)run->hparams[i].kind,
                  run->hparams[i].text);
  return tp_buf_str(b);
}

/* Load a corpus directory (relative to the shared corpus) as one run; NULL
 * (and a skip) when the corpus is absent, a failure when it lacks the folder.  Errors in d are counted into *n_err. */
static inline tp_run *fw_load_corpus(const char *rel, size_t *n_err) {
  const char *shared = tp_test_shared();
  if (!shared) {
    tp_test_skip("shared corpus absent");
    return NULL;
  }
  char *dir = tp_xasprintf("%s/corpus/%s", shared, rel);
  tp_test_need(dir); /* present corpus, missing folder: a failure, not a skip */
  tp_run *run = tp_run_new(rel, dir);
  tp_diags d = {0};
  int n = tp_framework_load_run(run, dir, NULL, &d);
  CHECK(n > 0);
  if (n_err) *n_err = d.n_by_severity[TP_ERROR] + run->diags.n_by_severity[TP_ERROR];
  tp_diag_print_all(stderr, &d);
  tp_diag_free(&d);
  free(dir);
  return run;
}

/* Write text to a fresh file under a scratch directory; returns its path (static buffer). */
static inline const char *fw_write(const char *dir, const char *rel, const char *text) {
  static char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  for (char *p = path + strlen(dir) + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  fputs(text, f);
  fclose(f);
  return path;
}

/* The scratch directories made so far, removed with what they hold when the
 * test exits. */
static char fw_dirs[32][32];
static int fw_n_dirs;

static inline int fw_remove_one(const char *path, const struct stat *st, int flag,
                                struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  remove(path);
  return 0;
}

static inline void fw_remove_dirs(void) {
  for (int i = 0; i < fw_n_dirs; i++) nftw(fw_dirs[i], fw_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new scratch directory (static buffer), gone when the test exits. */
static inline const char *fw_tmpdir(void) {
  if (fw_n_dirs == (int)(sizeof fw_dirs / sizeof *fw_dirs)) abort();
  char *dir = fw_dirs[fw_n_dirs];
  snprintf(dir, sizeof fw_dirs[0], "/tmp/tp_fw_XXXXXX");
  if (!mkdtemp(dir)) abort();
  if (fw_n_dirs++ == 0) atexit(fw_remove_dirs);
  return dir;
}

/* Count of diagnostics in d at least as severe as sev. */
static inline size_t fw_count(const tp_diags *d, tp_severity sev) {
  size_t n = 0;
  for (int s = (int)sev; s <= TP_ERROR; s++) n += d->n_by_severity[s];
  return n;
}

#endif
