/* Fast paths that must agree with the code they stand in for.
 *
 * textlog: the hand-written pairs scanner of the built-in sets against the
 * same sets forced through PCRE2, on the unit-test inputs, on random lines
 * built from the characters the patterns care about, and on every file of the
 * shared framework corpus (skipped when it is absent).  Each run's records,
 * values (bit for bit), statistics and diagnostics must be the same. */
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/logs/textlog.h"
#include "tp_test.h"

/* A sink that writes everything it is given into a buffer. */
static void S_event(void *ctx, int64_t step, double t) {
  tp_buf *b = ctx;
  char line[96];
  uint64_t bits;
  memcpy(&bits, &t, 8);
  int n = snprintf(line, sizeof line, "E %lld %016llx\n", (long long)step,
                   (unsigned long long)bits);
  tp_buf_add(b, line, (size_t)n);
}

static void S_scalar(void *ctx, const char *tag, int64_t step, double t, double v) {
  tp_buf *b = ctx;
  char line[96];
  uint64_t tb, vb;
  memcpy(&tb, &t, 8), memcpy(&vb, &v, 8);
  tp_buf_add(b, tag, strlen(tag));
  int n = snprintf(line, sizeof line, " %lld %016llx %016llx\n", (long long)step,
                   (unsigned long long)tb, (unsigned long long)vb);
  tp_buf_add(b, line, (size_t)n);
}

/* Read text with set once; the transcript goes to out. */
static void S_run(const tp_textlog_set *set, const char *text, size_t n, bool pcre2, tp_buf *out) {
  tp_diags d = {0};
  tp_textlog *tl = tp_textlog_compile(set, &d);
  CHECK(tl != NULL);
  if (!tl) return;
  size_t with_pairs = 0;
  for (size_t i = 0; i < set->n_rules; i++) with_pairs += set->rules[i].pairs != NULL;
  if (!pcre2) CHECK(tp_textlog_scanned_rules(tl) == with_pairs);
  tp_textlog_force_pcre2(tl, pcre2);
  FILE *f = fmemopen((void *)text, n, "rb");
  tp_metric_sink sink = {.ctx = out, .event = S_event, .scalar = S_scalar};
  tp_textlog_stats st;
  tp_textlog_read(tl, f, "log", NULL, &sink, &d, &st);
  fclose(f);
  char line[160];
  int k = snprintf(line, sizeof line, "lines %llu records %llu values %llu gave_up %llu diags %zu\n",
                   (unsigned long long)st.lines, (unsigned long long)st.records,
                   (unsigned long long)st.values, (unsigned long long)st.gave_up, d.count);
  tp_buf_add(out, line, (size_t)k);
  tp_textlog_free(tl);
  tp_diag_free(&d);
}

static size_t S_compared, S_values_seen;

/* Every built-in set over text: scanner and PCRE2 give the same transcript. */
static void S_same(const char *text, size_t n, const char *what) {
  size_t n_sets;
  const tp_textlog_set *sets = tp_textlog_builtins(&n_sets);
  for (size_t i = 0; i < n_sets; i++) {
    tp_buf a = {0}, b = {0};
    S_run(&sets[i], text, n, false, &a);
    S_run(&sets[i], text, n, true, &b);
    const char *sa = tp_buf_str(&a), *sb = tp_buf_str(&b);
    bool same = strcmp(sa, sb) == 0;
    if (!same) fprintf(stderr, "scanner and PCRE2 differ: set %s on %s\n", sets[i].name, what);
    CHECK(same);
    S_compared++;
    S_values_seen += strlen(sa) > 60;
    tp_buf_free(&a);
    tp_buf_free(&b);
  }
}

static void test_unit_inputs(void) {
  static const char *const texts[] = {
      "2021-01-01 12:00:00 | INFO | train_inner | epoch 001:    100 / 1000 "
      "loss=9.876, ppl=940.2, num_updates=100, lr=1.25e-05, wall=52\n"
      "noise\n"
      "2021-01-01 12:01:00 | INFO | train_inner | epoch 001:    200 / 1000 "
      "loss=8.5, ppl=362, num_updates=200, lr=2.5e-05, wall=112\n"
      "| epoch 002 | loss 4.200 | ppl 18.38 | num_updates 300\n",
      "Epoch [1/10] Step [100/500] loss: 0.23, acc: 0.91\n"
      "Epoch [1/10] Step [200/500] loss: 0.20\n"
      "Epoch [2/10] Step [100/500] loss: 0.15\n",
      "[2024-01-01T00:00:00Z] step=1 loss=0.5 lr=1e-3\nhello world\n"
      "2024-01-01T00:00:10Z step=2 loss=0.4 note=abc\n",
      "[01/02 03:04:05] d2.utils.events INFO:  eta: 1:00:00  iter: 19  total_loss: 1.5  "
      "loss_cls: 0.7  lr: 0.0001  max_mem: 2000M\n",
      "2024/01/01 00:00:00 - mmengine - INFO - Epoch(train)  [1][ 50/100]  lr: 1.0000e-02  "
      "eta: 0:01:00  time: 0.5  loss: 1.2  acc: nan  x: -inf\n"
      "2024/01/01 00:00:10 - mmengine - INFO - Epoch(val) [1][10/10]    accuracy/top1: 71.5\n",
  };
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    S_same(texts[i], strlen(texts[i]), "a unit-test input");
}

/* Random lines: a line start of each set, then tokens that make and break pairs. */
static void test_random_lines(void) {
  static const char *const heads[] = {
      "2021-01-01 12:00:00 | INFO | train_inner | epoch 001: ",
      "| epoch 002",
      "| epoch 003 |",
      "Epoch [1/10] Step [100/500] ",
      "epoch 2 iter 7",
      "",
      "[2024-01-01T00:00:00Z] ",
      "[01/02 03:04:05] d2.utils.events INFO: ",
      "2024/01/01 00:00:00 - mmengine - INFO - Epoch(train) [1][ 10/100] ",
      "2024/01/01 00:00:00 - mmengine - INFO - Iter(val) [2] ",
      "iter 10: loss 2.5, time 30.1ms, mfu 12.5%",
  };
  /* Pieces of a pair, each list with right and wrong choices. */
  static const char *const parts[6][24] = {
      {"", " ", "  ", ",", "|", ";", "\t", ", ", " | ", "x", "-", "\v", "\f", NULL},
      {"loss", "lr", "_x", "b1", "x/y", "a.b", "a-b", "step", "epoch", "num_updates", "9x", "",
       "\xc3\xa9", "iter", NULL},
      {"", "", "", " ", "  ", "\t", "\r", NULL},
      {"=", "=", ":", ":", " ", ": ", "", ":=", "==", NULL},
      {"1", "23", "4.5", ".5", "5.", "1e", "1.e5", "e-3", "2E+7", "nan", "NaN", "inf", "-INF",
       "infinity", "+1", "-", ".", "0x1", "1.2.3", "-.5e-2", "", "abc", "12", NULL},
      {"", "", " ", ",", "|", ";", ".", "x", "%", "/", "\t", "e", "-", NULL},
  };
  const size_t n_heads = sizeof heads / sizeof *heads;
  srand(12345);
  for (int round = 0; round < 300; round++) {
    tp_buf text = {0};
    for (int line = 0; line < 40; line++) {
      const char *h = heads[(size_t)rand() % n_heads];
      tp_buf_add(&text, h, strlen(h));
      int len = rand() % 12;
      for (int k = 0; k < len; k++)
        for (int p = 0; p < 6; p++) {
          size_t n = 0;
          while (parts[p][n]) n++;
          const char *t = parts[p][(size_t)rand() % n];
          tp_buf_add(&text, t, strlen(t));
        }
      tp_buf_add(&text, "\n", 1);
    }
    S_same(tp_buf_str(&text), text.len, "random lines");
    tp_buf_free(&text);
  }
}

static size_t S_files;

static int S_visit(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
  (void)ftw;
  if (type != FTW_F || sb->st_size <= 0 || sb->st_size > (8 << 20)) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char *data = tp_xmalloc((size_t)sb->st_size);
  size_t n = fread(data, 1, (size_t)sb->st_size, f);
  fclose(f);
  S_same(data, n, path);
  free(data);
  S_files++;
  return 0;
}

static void test_corpus(void) {
  if (!tp_test_shared()) {
    tp_test_skip("framework corpus comparison");
    return;
  }
  tp_test_need(TP_SHARED_DIR "/corpus/framework");
  nftw(TP_SHARED_DIR "/corpus/framework", S_visit, 16, FTW_PHYS);
  printf("  %zu corpus files, %zu set runs compared, %zu with values\n", S_files, S_compared,
         S_values_seen);
  CHECK(S_files > 0);
}

int main(void) {
  TP_RUN(test_unit_inputs);
  TP_RUN(test_random_lines);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
