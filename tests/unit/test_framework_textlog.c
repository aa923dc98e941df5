/* Tests for parser/textlog: built-in sets (fairseq, epoch-step, key-value,
 * nanogpt, detectron2, mmengine), a custom set, limits against a pattern
 * that would backtrack forever, bad patterns, and the real text logs. */
#include <math.h>

#include "fw_check.h"
#include "parser/logs/framework.h"
#include "parser/logs/textlog.h"

static tp_run *S_read(const tp_textlog_set *set, const char *text, tp_diags *d,
                      tp_textlog_stats *st) {
  tp_run *run = tp_run_new("t", ".");
  tp_textlog *tl = tp_textlog_compile(set, d);
  CHECK(tl != NULL);
  if (!tl) return run;
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_textlog_read(tl, f, "log", NULL, &sink, d, st);
  fclose(f);
  tp_textlog_free(tl);
  return run;
}

static void test_builtins(void) {
  tp_diags d = {0};
  tp_textlog_stats st;
  tp_run *run = S_read(tp_textlog_builtin("fairseq"),
                       "2021-01-01 12:00:00 | INFO | train_inner | epoch 001:    100 / 1000 "
                       "loss=9.876, ppl=940.2, num_updates=100, lr=1.25e-05, wall=52\n"
                       "noise\n"
                       "2021-01-01 12:01:00 | INFO | train_inner | epoch 001:    200 / 1000 "
                       "loss=8.5, ppl=362, num_updates=200, lr=2.5e-05, wall=112\n"
                       "| epoch 002 | loss 4.200 | ppl 18.38 | num_updates 300\n",
                       &d, &st);
  fw_check_series(run, "loss", 3, 100, 9.876, 300, 4.2);
  fw_check_series(run, "lr", 2, 100, 1.25e-05, 200, 2.5e-05);
  CHECK(tp_run_find_series(run, "num_updates") == NULL);
  CHECK_NEAR(st.first_time_s, 1609502400, 1e-6);
  CHECK_NEAR(st.last_time_s, 1609502460, 1e-6);
  tp_run_free(run);

  run = S_read(tp_textlog_builtin("epoch-step"),
               "Epoch [1/10] Step [100/500] loss: 0.23, acc: 0.91\n"
               "Epoch [1/10] Step [200/500] loss: 0.20\n"
               "Epoch [2/10] Step [100/500] loss: 0.15\n",
               &d, &st);
  fw_check_series(run, "loss", 3, 100, 0.23, 201, 0.15); /* the step count continues */
  fw_check_series(run, "acc", 1, 100, 0.91, 100, 0.91);
  tp_run_free(run);

  run = S_read(tp_textlog_builtin("key-value"),
               "[2024-01-01T00:00:00Z] step=1 loss=0.5 lr=1e-3\nhello world\n"
               "2024-01-01T00:00:10Z step=2 loss=0.4 note=abc\n",
               &d, &st);
  fw_check_series(run, "loss", 2, 1, 0.5, 2, 0.4);
  CHECK(tp_run_find_series(run, "note") == NULL);
  CHECK_NEAR(st.last_time_s, 1704067210, 1e-6);
  tp_run_free(run);
  CHECK(tp_textlog_builtin("no-such-set") == NULL);
  tp_diag_free(&d);
}

static void test_limits_and_errors(void) {
  /* Nested quantifiers on a line that almost matches: catastrophic backtracking. */
  static const tp_textlog_rule evil[] = {{"evil", "^(a+)+(?<x>\\d)$", NULL, NULL, NULL}};
  tp_textlog_set set = {"evil", evil, 1};
  char text[8192];
  size_t n = 0;
  for (int line = 0; line < 3; line++) {
    for (int i = 0; i < 40; i++) text[n++] = 'a';
    text[n++] = '!';
    text[n++] = '\n';
  }
  memcpy(text + n, "aaa7\n", 6);
  tp_diags d = {0};
  tp_textlog_stats st;
  tp_run *run = S_read(&set, text, &d, &st);
  fw_check_series(run, "x", 1, 0, 7, 0, 7); /* the good line is kept */
  CHECK_INT(st.gave_up, 3);
  CHECK(fw_count(&d, TP_WARN) >= 3);
  tp_run_free(run);
  tp_diag_free(&d);

  /* A pattern that does not compile, a pairs pattern without its groups. */
  static const tp_textlog_rule bad[] = {{"bad", "(unclosed", NULL, NULL, NULL},
                                        {"nopairs", "^x", "(?<n>\\w+)", NULL, NULL}};
  tp_textlog_set bset = {"bad", bad, 2};
  tp_diags d2 = {0};
  CHECK(tp_textlog_compile(&bset, &d2) == NULL);
  CHECK_INT(d2.n_by_severity[TP_ERROR], 3);
  tp_diag_free(&d2);

  /* A metric group that captured text. */
  static const tp_textlog_rule txt[] = {{"t", "^loss (?<loss>\\S+)", NULL, NULL, NULL}};
  tp_textlog_set tset = {"t", txt, 1};
  tp_diags d3 = {0};
  run = S_read(&tset, "loss 0.5\nloss high\nloss 0.25\n", &d3, &st);
  fw_check_series(run, "loss", 2, 0, 0.5, 0, 0.25);
  CHECK_INT(d3.n_by_severity[TP_WARN], 1);
  tp_run_free(run);
  tp_diag_free(&d3);
}

/* A pairs pattern whose match can leave its name and value groups out (an
 * alternative without them): such a match gives no pair, and the pairs
 * around it are read (a fuzzer's find: the unset offsets were added to the
 * line before they were checked). */
static void test_pairs_unset_groups(void) {
  static const tp_textlog_rule alt[] = {
      {"alt", "^step (?<step>\\d+)", "(?:(?<name>[a-z]+)=(?<value>[0-9.]+)|;)", NULL, NULL}};
  tp_textlog_set set = {"alt", alt, 1};
  tp_diags d = {0};
  tp_textlog_stats st;
  tp_run *run = S_read(&set, "step 3 a=1.5 ; b=2\nstep 4 ; ; a=0.5\n", &d, &st);
  fw_check_series(run, "a", 2, 3, 1.5, 4, 0.5);
  fw_check_series(run, "b", 1, 3, 2, 3, 2);
  CHECK_INT(fw_count(&d, TP_WARN), 0);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/nanogpt-textlog-pr720", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 985, 0, 10.9779, 9840, 3.7595);
  fw_check_series(run, "train_loss", 99, 0, 10.9890, 9800, 3.6054);
  fw_check_series(run, "val_loss", 99, 0, 10.9904, 9800, 3.6024);
  tp_run_free(run);

  run = fw_load_corpus("framework/detectron2-textlog-bupt/docs/logs", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "total_loss", 154, 19, 4.146, 3079, 0.979);
  fw_check_series(run, "lr", 154, 19, 0.0004, 3079, 0.02);
  tp_run_free(run);

  run = fw_load_corpus("framework/mmdet3-textlog-aicamp2/homework1/mmdet", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 158, 1, 0.0770, 158, 1.0542);
  fw_check_series(run, "val/coco/bbox_mAP", 1, 105, 0.0560, 105, 0.0560);
  CHECK_STR(run->window_source, "log timestamps");
  tp_run_free(run);
}

/* Several configured text-log parsers: a file is read by the first whose
 * globs match its name; with none configured, *.log and *.txt are names. */
static void test_entries(void) {
  char g_train[] = "train*.log", g_out[] = "*.out", g_log[] = "*.log";
  char *a_files[] = {g_train};
  char *b_files[] = {g_out, g_log};
  tp_framework_textlog entries[2] = {{.set = tp_textlog_builtin("fairseq"), .files = a_files,
                                      .n_files = 1},
                                     {.set = NULL, .files = b_files, .n_files = 2}};
  tp_framework_opts fo = {.textlogs = entries, .n_textlogs = 2};
  CHECK(tp_framework_text_entry(&fo, "dir/train-1.log") == &entries[0]);
  CHECK(tp_framework_text_entry(&fo, "eval.log") == &entries[1]);
  CHECK(tp_framework_text_entry(&fo, "x/eval.out") == &entries[1]);
  CHECK(tp_framework_text_entry(&fo, "notes.txt") == NULL);
  CHECK(tp_framework_text_name(&fo, "eval.out"));
  CHECK(!tp_framework_text_name(&fo, "notes.txt"));
  tp_framework_opts none = {0};
  CHECK(tp_framework_text_entry(&none, "train.log") == NULL);
  CHECK(tp_framework_text_name(&none, "notes.txt"));
  CHECK(!tp_framework_text_name(&none, "eval.out"));
}

int main(void) {
  TP_RUN(test_builtins);
  TP_RUN(test_limits_and_errors);
  TP_RUN(test_pairs_unset_groups);
  TP_RUN(test_corpus);
  TP_RUN(test_entries);
  return tp_test_summary();
}
