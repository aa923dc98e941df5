/* test_tfevents_corpus: every real event file of the shared corpus against the
 * ground truth TensorBoard's own loader wrote beside it (*.truth.csv).
 *
 * Rows must match one for one in file order: tag, step, and wall_time and
 * value as doubles, bit for bit (NaN equals NaN).  The `#hparam` rows give the
 * hyperparameters, `#hparam_domain` / `#hparam_metric` the experiment's
 * declared hparams and metrics, and `#tag` rows the per-tag counts of
 * non-scalar summaries.  Skips (77) when the corpus is absent.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/number.h"
#include "parser/logs/tfevents.h"
#include "tp_test.h"

/* What the reader gave for one file. */
typedef struct got_row { char *tag; int64_t step; double wall, value; } got_row;
typedef struct got_kv { char *key, *a, *b; } got_kv; /* hparam: key, kind, text / info */
typedef struct got {
  got_row *rows; size_t n_rows, cap_rows;
  got_kv *kv; size_t n_kv, cap_kv;      /* "hp" key kind text, "dom" name type, "met" tag */
} got;

static void add_kv(got *g, const char *k, const char *a, const char *b) {
  TP_GROW(g->kv, g->cap_kv, g->n_kv + 1);
  g->kv[g->n_kv++] = (got_kv){tp_xstrdup(k), tp_xstrdup(a), tp_xstrdup(b)};
}

static void on_scalar(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t id,
                      double v) {
  got *g = ctx;
  TP_GROW(g->rows, g->cap_rows, g->n_rows + 1);
  g->rows[g->n_rows++] = (got_row){tp_xstrdup(tag), ev->step, ev->wall_time_s, v};
}

static void on_skipped(void *ctx, const tp_tfevents_event *ev, const char *tag, const char *k) {
  add_kv(ctx, "skip", tag, k);
}

static void on_hparam(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                      double number) {
  static const char *const kinds[] = {"string", "number", "bool"};
  char *k = tp_xasprintf("hp\x1f%s", key);
  add_kv(ctx, k, kinds[kind], text);
  free(k);
}

static void on_info(void *ctx, const char *name, const char *type) {
  char *k = tp_xasprintf("dom\x1f%s", name);
  add_kv(ctx, k, type, "");
  free(k);
}

static void on_metric(void *ctx, const char *group, const char *tag) {
  char *k = tp_xasprintf("met\x1f%s", tag);
  add_kv(ctx, k, group, "");
  free(k);
}

static const got_kv *find_kv(const got *g, const char *key) {
  for (size_t i = 0; i < g->n_kv; i++)
    if (strcmp(g->kv[i].key, key) == 0) return &g->kv[i];
  return NULL;
}

static void got_free(got *g) {
  for (size_t i = 0; i < g->n_rows; i++) free(g->rows[i].tag);
  for (size_t i = 0; i < g->n_kv; i++) free(g->kv[i].key), free(g->kv[i].a), free(g->kv[i].b);
  free(g->rows);
  free(g->kv);
}

/* Split one CSV line (RFC 4180 quoting) into at most 8 fields, in place. */
static size_t split_csv(char *line, char **f, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    char *w = p;
    f[n++] = w;
    if (*p == '"') {
      p++;
      for (;;) {
        if (*p == '"' && p[1] == '"') *w++ = '"', p += 2;
        else if (*p == '"') { p++; break; }
        else if (!*p) break;
        else *w++ = *p++;
      }
    } else {
      while (*p && *p != ',') *w++ = *p++;
    }
    if (*p != ',') { *w = '\0'; break; }
    p++;
    *w = '\0';
  }
  return n;
}

static bool same_double(double a, double b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static double num(const char *s) {
  double v = NAN;
  if (tp_parse_double(s, strlen(s), &v)) fprintf(stderr, "bad number '%s'\n", s);
  return v;
}

static int n_files;

static void check_file(const char *truth) {
  char *events = tp_xstrndup(truth, strlen(truth) - strlen(".truth.csv"));
  tp_test_need(events);
  static const tp_tfevents_visitor v = {.scalar = on_scalar, .skipped = on_skipped,
                                        .hparam = on_hparam, .hparam_info = on_info,
                                        .metric_info = on_metric};
  got g = {0};
  tp_diags d = {0};
  int rc = tp_tfevents_read(events, &v, &g, &d);
  CHECK_INT(rc, 0);
  CHECK_INT(d.n_by_severity[TP_WARN] + d.n_by_severity[TP_ERROR], 0);
  tp_diag_print_all(stderr, &d);
  FILE *f = fopen(truth, "r");
  CHECK(f != NULL);
  char line[8192];
  size_t row = 0, n_hp = 0, n_hp_got = 0;
  int fails_before = tp_test_failed;
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *fl[8];
    size_t nf = split_csv(line, fl, 8);
    if (strcmp(fl[0], "tag") == 0 && nf >= 4 && strcmp(fl[3], "value") == 0) continue;
    if (strcmp(fl[0], "#hparam") == 0 && nf >= 4) {
      n_hp++;
      char *k = tp_xasprintf("hp\x1f%s", fl[1]);
      const got_kv *h = find_kv(&g, k);
      free(k);
      CHECK(h != NULL);
      if (!h) { fprintf(stderr, "%s: hparam %s missing\n", events, fl[1]); continue; }
      CHECK_STR(h->a, fl[2]);
      if (strcmp(fl[2], "number") == 0) CHECK(same_double(num(h->b), num(fl[3])));
      else if (strcmp(fl[2], "bool") == 0) CHECK_INT(strcmp(h->b, "true") == 0,
                                                     strcmp(fl[3], "True") == 0 || strcmp(fl[3], "true") == 0);
      else CHECK_STR(h->b, fl[3]);
    } else if (strcmp(fl[0], "#hparam_domain") == 0 && nf >= 3) {
      char *k = tp_xasprintf("dom\x1f%s", fl[1]);
      const got_kv *h = find_kv(&g, k);
      free(k);
      CHECK(h != NULL);
      const char *want = strcmp(fl[2], "DATA_TYPE_FLOAT64") == 0 ? "number"
                         : strcmp(fl[2], "DATA_TYPE_BOOL") == 0  ? "bool"
                         : strcmp(fl[2], "DATA_TYPE_STRING") == 0 ? "string" : "";
      if (h) CHECK_STR(h->a, want);
    } else if (strcmp(fl[0], "#hparam_metric") == 0 && nf >= 2) {
      char *k = tp_xasprintf("met\x1f%s", fl[1]);
      CHECK(find_kv(&g, k) != NULL);
      free(k);
    } else if (strcmp(fl[0], "#tag") == 0 && nf >= 5) {
      /* Non-scalar tags: counted per tag; hparams records are decoded, not counted. */
      if (strcmp(fl[2], "scalars") != 0 && strcmp(fl[2], "hparams") != 0) {
        size_t n = 0;
        for (size_t i = 0; i < g.n_kv; i++)
          if (strcmp(g.kv[i].key, "skip") == 0 && strcmp(g.kv[i].a, fl[1]) == 0) n++;
        CHECK_INT(n, num(fl[4]));
      }
    } else if (fl[0][0] != '#' && nf >= 4) {
      CHECK(row < g.n_rows);
      if (row >= g.n_rows) { row++; continue; }
      const got_row *r = &g.rows[row++];
      CHECK_STR(r->tag, fl[0]);
      int64_t step = -1;
      CHECK_INT(tp_parse_int64(fl[1], strlen(fl[1]), &step), 0);
      CHECK_INT(r->step, step);
      CHECK(same_double(r->wall, num(fl[2])));
      CHECK(same_double(r->value, num(fl[3])));
    }
  }
  for (size_t i = 0; i < g.n_kv; i++) n_hp_got += strncmp(g.kv[i].key, "hp\x1f", 3) == 0;
  CHECK_INT(row, g.n_rows);
  CHECK_INT(n_hp_got, n_hp);
  if (tp_test_failed != fails_before) fprintf(stderr, "  in %s\n", events);
  if (f) fclose(f);
  n_files++;
  got_free(&g);
  tp_diag_free(&d);
  free(events);
}

static void walk(const char *dir) {
  DIR *dp = opendir(dir);
  if (!dp) return;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;
  while ((e = readdir(dp))) {
    if (e->d_name[0] == '.') continue;
    TP_GROW(names, cap, n + 1);
    names[n++] = tp_xasprintf("%s/%s", dir, e->d_name);
  }
  closedir(dp);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    size_t len = strlen(names[i]);
    if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) walk(names[i]);
    else if (len > 10 && strcmp(names[i] + len - 10, ".truth.csv") == 0) check_file(names[i]);
    free(names[i]);
  }
  free(names);
}

/* The run loader on the same files: every scalar lands in the run (no file
 * in the corpus restarts within itself), the input is recorded with size and
 * digest, and hparams.yaml adds nothing that contradicts the event file. */
static void test_load_run(const char *shared) {
  char *path = tp_xasprintf("%s/corpus/tfevents/torch-reducer/lax/run_1/"
                            "events.out.tfevents.1622543341.janoshs-mbp.lan.86862.3", shared);
  tp_test_need(path);
  tp_run *run = tp_run_new("run_1", "run_1");
  tp_diags d = {0};
  CHECK_INT(tp_tfevents_load_run(run, path, &d), 0);
  CHECK_INT(run->n_series, 3);
  for (size_t i = 0; i < run->n_series; i++) CHECK_INT(run->series[i].count, 110);
  CHECK_INT(run->n_inputs, 1);
  CHECK_INT(run->inputs[0].size, 15324);
  CHECK_INT(strlen(run->inputs[0].sha256), 64);
  CHECK(run->start_s > 1622543340 && run->end_s >= run->start_s);
  CHECK_INT(run->restarts, 0);
  tp_run_free(run);
  tp_diag_free(&d);
  free(path);

  /* torch-study/runs/my_first_experiment: two brain.Event:2 files of one run
   * directory, each logging Metrics/Loss and Metrics/Accuracy at steps 0..99
   * (a rerun).  No SessionLog START, so TensorBoard purges nothing: each tag
   * shows 100 + 100 points, and each series restarted once. */
  static const char *const two[] = {"events.out.tfevents.1771594466.zyzkings.21024.0",
                                    "events.out.tfevents.1771596596.zyzkings.7880.0"};
  run = tp_run_new("my_first_experiment", "my_first_experiment");
  for (int i = 0; i < 2; i++) {
    path = tp_xasprintf("%s/corpus/tfevents/torch-study/runs/my_first_experiment/%s", shared,
                        two[i]);
    CHECK_INT(tp_tfevents_load_run(run, path, &d), 0);
    free(path);
  }
  CHECK_INT(run->n_series, 2);
  for (size_t i = 0; i < run->n_series; i++) {
    CHECK_INT(run->series[i].count, 200);
    CHECK_INT(run->series[i].restarts, 1);
    CHECK_INT(run->series[i].dropped, 0);
  }
  CHECK_INT(run->restarts, 1);
  tp_run_free(run);
  tp_diag_free(&d);
}

int main(void) {
  const char *shared = tp_test_shared();
  if (!shared) return 77;
  char *dir = tp_xasprintf("%s/corpus/tfevents", shared);
  tp_test_need(dir);
  walk(dir);
  free(dir);
  fprintf(stderr, "%d corpus files checked\n", n_files);
  CHECK(n_files >= 19);
  test_load_run(shared);
  return tp_test_summary();
}
