/* Tests for the time handling of framework logs and the window check: a time
 * column is wall-clock time only when the file says so and the values are
 * plausible; seconds-since-start columns (Ultralytics results.csv) are
 * offsets; a window before 1990 or after the newest input plus a day is
 * refused (model/run tp_run_check_window). */
#include <math.h>
#include <string.h>

#include "fw_check.h"
#include "parser/logs/keras_csv.h"
#include "parser/logs/textlog.h"

/* Read text as a Keras-shaped CSV into run; start_s as tp_keras_csv_read. */
static void S_read(tp_run *run, const char *text, double start_s, tp_diags *d,
                   tp_metrics_csv_stats *st) {
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_metric_sink sink = tp_metric_sink_run(run);
  CHECK_INT(tp_keras_csv_read(f, "results.csv", NULL, start_s, &sink, d, st), 0);
  fclose(f);
}

static bool S_has_diag(const tp_diags *d, tp_severity sev, const char *needle) {
  for (size_t i = 0; i < d->count; i++)
    if (d->items[i].severity == sev && strstr(d->items[i].message, needle)) return true;
  return false;
}

/* Ultralytics >= 8.3.9: `time` is seconds since the start, never an epoch. */
static void test_offset_column(void) {
  const char *text = "epoch,time,train/box_loss\n1,10.5,2.0\n2,21.25,1.5\n3,30,1.25\n";
  tp_run *run = tp_run_new("u", ".");
  tp_diags d = {0};
  tp_metrics_csv_stats st;
  S_read(run, text, NAN, &d, &st);
  CHECK(st.time_is_offset);
  CHECK_NEAR(st.last_offset_s, 30.0, 0);
  CHECK(isnan(st.first_time_s));
  CHECK(isnan(run->start_s) && isnan(run->end_s)); /* no window from offsets alone */
  CHECK(!tp_run_find_series(run, "time"));         /* the time axis is no metric */
  fw_check_series(run, "train/box_loss", 3, 1, 2.0, 3, 1.25);
  CHECK(isnan(tp_run_find_series(run, "train/box_loss")->points[0].wall_time_s));
  CHECK(S_has_diag(&d, TP_NOTE, "seconds since the start of training (10.5 to 30 s)"));
  tp_run_free(run);
  tp_diag_free(&d);

  /* With a start known from another file, offsets become wall times:
   * 1700000000 + 10.5 .. 1700000000 + 30. */
  run = tp_run_new("u", ".");
  S_read(run, text, 1700000000.0, &d, &st);
  CHECK(st.time_is_offset);
  CHECK_NEAR(run->start_s, 1700000010.5, 0);
  CHECK_NEAR(run->end_s, 1700000030.0, 0);
  CHECK_NEAR(tp_run_find_series(run, "train/box_loss")->points[1].wall_time_s, 1700000021.25, 0);
  tp_run_free(run);
  tp_diag_free(&d);

  /* Offsets that go back give no one duration. */
  run = tp_run_new("u", ".");
  S_read(run, "epoch,time,loss\n1,10,1\n2,20,0.9\n1,5,0.8\n", NAN, &d, &st);
  CHECK(st.time_is_offset);
  CHECK(isnan(st.last_offset_s));
  CHECK(S_has_diag(&d, TP_WARN, "goes back from 20 to 5 s"));
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_wall_columns(void) {
  /* A plausible epoch under "time" is wall-clock time (seconds, by magnitude). */
  tp_run *run = tp_run_new("k", ".");
  tp_diags d = {0};
  tp_metrics_csv_stats st;
  S_read(run, "epoch,time,loss\n0,1700000000,1\n1,1700000060.5,0.5\n", NAN, &d, &st);
  CHECK(!st.time_is_offset);
  CHECK_NEAR(st.first_time_s, 1700000000.0, 0);
  CHECK_NEAR(run->end_s, 1700000060.5, 0);
  tp_run_free(run);
  tp_diag_free(&d);

  /* ISO text under "timestamp" (naive: the clock's zone, UTC here). */
  run = tp_run_new("k", ".");
  S_read(run, "epoch,timestamp,loss\n0,2023-11-14 22:13:20,1\n1,2023-11-14 22:14:20,0.5\n", NAN,
         &d, &st);
  CHECK_NEAR(run->start_s, 1700000000.0, 0);
  CHECK_NEAR(run->end_s, 1700000060.0, 0);
  tp_run_free(run);
  tp_diag_free(&d);

  /* A small number under a wall-clock name is neither: the column is not used. */
  run = tp_run_new("k", ".");
  S_read(run, "epoch,timestamp,loss\n0,12,1\n1,24,0.5\n", NAN, &d, &st);
  CHECK(!st.time_is_offset);
  CHECK(isnan(st.first_time_s) && isnan(run->start_s));
  CHECK(S_has_diag(&d, TP_WARN, "timestamp '12' is neither a plausible wall-clock time"));
  fw_check_series(run, "loss", 2, 0, 1.0, 1, 0.5);
  tp_run_free(run);
  tp_diag_free(&d);

  /* An epoch column whose later value is before 1990: that time is ignored. */
  run = tp_run_new("k", ".");
  S_read(run, "epoch,wall_time,loss\n0,1700000000,1\n1,15,0.5\n", NAN, &d, &st);
  CHECK_NEAR(run->start_s, 1700000000.0, 0);
  CHECK_NEAR(run->end_s, 1700000000.0, 0);
  CHECK(S_has_diag(&d, TP_WARN, "wall_time '15' is before 1990"));
  tp_run_free(run);
  tp_diag_free(&d);
}

/* A text log's time group: a bare number (an offset) or a format without a
 * year reads as 1970: ignored with a warning, never a 1970 window. */
static void test_textlog_times(void) {
  static const tp_textlog_rule rules[] = {
      {"secs", "^t=(?<time>[0-9.]+) step=(?<step>\\d+) loss=(?<loss>\\S+)$", NULL, NULL, NULL},
      {"noyear", "^(?<time>\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) step=(?<step>\\d+) loss=(?<loss>\\S+)$",
       NULL, "%m/%d %H:%M:%S", NULL}};
  tp_textlog_set set = {"t", rules, 2};
  const char *text = "t=12.5 step=1 loss=2\n"
                     "11/14 22:13:20 step=2 loss=1.5\n"
                     "t=1700000000 step=3 loss=1\n";
  tp_diags d = {0};
  tp_textlog *tl = tp_textlog_compile(&set, &d);
  CHECK(tl != NULL);
  tp_run *run = tp_run_new("t", ".");
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_textlog_stats st;
  tp_textlog_read(tl, f, "log", NULL, &sink, &d, &st);
  fclose(f);
  CHECK_INT(st.records, 3);
  fw_check_series(run, "loss", 3, 1, 2.0, 3, 1.0);
  CHECK_NEAR(run->start_s, 1700000000.0, 0); /* only the plausible time */
  CHECK_NEAR(run->end_s, 1700000000.0, 0);
  CHECK(S_has_diag(&d, TP_WARN, "time '12.5' reads as before 1990"));
  CHECK(S_has_diag(&d, TP_WARN, "time '11/14 22:13:20' reads as before 1990"));
  tp_run_free(run);
  tp_textlog_free(tl);
  tp_diag_free(&d);
}

static void test_window_check(void) {
  /* Start at 10 s after 1970: refused, naming the file and column. */
  tp_run *run = tp_run_new("w", ".");
  tp_run_time_source(run, "a/results.csv", "time");
  tp_run_note_event(run, 0, 10.0);
  tp_run_note_event(run, 1, 20.0);
  CHECK_INT(tp_run_check_window(run, 1700000000.0), 1);
  CHECK(isnan(run->start_s) && isnan(run->end_s));
  CHECK(run->window_source == NULL);
  CHECK(S_has_diag(&run->diags, TP_WARN,
                   "starts before 1990-01-01: 1970-01-01T00:00:10Z from a/results.csv (time)"));
  tp_run_free(run);

  /* End more than a day after the newest input: refused; the duration stays. */
  run = tp_run_new("w", ".");
  run->declared_duration_s = 60;
  tp_run_time_source(run, "b/events", "event wall_time");
  tp_run_note_event(run, 0, 1700000000.0);
  tp_run_time_source(run, "b/log.txt", "its time field");
  tp_run_note_event(run, 1, 1700000000.0 + 2 * 86400.0);
  CHECK_INT(tp_run_check_window(run, 1700000000.0 + 3600.0), 1);
  CHECK(isnan(run->start_s));
  CHECK_STR(run->window_source, "declared duration");
  CHECK(S_has_diag(&run->diags, TP_WARN, "2023-11-16T22:13:20Z from b/log.txt (its time field)"));
  tp_run_free(run);

  /* Within a day of the newest input, and after 1990: kept.  Unknown mtime:
   * only the lower bound applies. */
  run = tp_run_new("w", ".");
  tp_run_note_event(run, 0, 1700000000.0);
  tp_run_note_event(run, 1, 1700000000.0 + 86000.0);
  CHECK_INT(tp_run_check_window(run, 1700000000.0), 0);
  CHECK_INT(tp_run_check_window(run, NAN), 0);
  CHECK_NEAR(run->start_s, 1700000000.0, 0);
  CHECK_INT(run->diags.count, 0);
  tp_run_free(run);
}

/* Through the framework loader: the refusal names the file and its column. */
static void test_window_check_names_column(void) {
  char dir[64];
  snprintf(dir, sizeof dir, "%s", fw_tmpdir());
  char *file = tp_xstrdup(fw_write(dir, "training.log",
                                   "epoch,timestamp,loss\n0,4102444800,1\n1,4102444860,0.5\n"));
  tp_run *run = tp_run_new("f", dir);
  tp_diags d = {0};
  CHECK_INT(tp_framework_load_run(run, dir, NULL, &d), 1);
  CHECK_NEAR(run->end_s, 4102444860.0, 0); /* 2100-01-01T00:01:00Z */
  /* written a minute ago, as far as the check is told: refused */
  CHECK_INT(tp_run_check_window(run, 1700000000.0), 1);
  char *want = tp_xasprintf("2100-01-01T00:01:00Z from %s (column timestamp)", file);
  CHECK(S_has_diag(&run->diags, TP_WARN, want));
  CHECK(isnan(run->start_s) && isnan(run->end_s));
  fw_check_series(run, "loss", 2, 0, 1.0, 1, 0.5); /* the metrics stay */
  free(want);
  remove(file);
  rmdir(dir);
  free(file);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* The real Ultralytics folders: no window, the duration from the last `time`. */
static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/ultralytics-new-squeakpose/runs/detect/train", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  CHECK(isnan(run->start_s) && isnan(run->end_s));
  CHECK_NEAR(run->declared_duration_s, 888.065, 0);
  CHECK_STR(run->window_source, "declared duration");
  CHECK(!tp_run_find_series(run, "time"));
  fw_check_series(run, "train/box_loss", 605, 1, 6.52664, 605, 0.46856);
  fw_check_series(run, "metrics/mAP50-95(B)", 605, 1, 0, 605, 0.8681);
  fw_check_series(run, "lr/pg0", 605, 1, 2e-05, 605, 0.00080408);
  tp_run_free(run);

  run = fw_load_corpus("framework/ultralytics-new-squeakpose/runs/pose/train", &err);
  CHECK_INT(err, 0);
  CHECK(isnan(run->start_s));
  CHECK_NEAR(run->declared_duration_s, 839.939, 0);
  fw_check_series(run, "metrics/mAP50-95(B)", 527, 1, 0, 527, 0.82886);
  fw_check_series(run, "metrics/mAP50-95(P)", 527, 1, 3e-05, 527, 0.84753);
  tp_run_free(run);

  /* 8.2-era files: cells right-aligned with blanks, no time column. */
  run = fw_load_corpus("framework/ultralytics-old-basketball/2024-07-18-yolov9c/runs/detect/train",
                       &err);
  CHECK_INT(err, 0);
  CHECK(isnan(run->start_s) && isnan(run->declared_duration_s));
  fw_check_series(run, "train/box_loss", 10, 1, 0.83937, 10, 0.68224);
  fw_check_series(run, "metrics/mAP50(B)", 10, 1, 0.53242, 10, 0.83793);
  fw_check_series(run, "lr/pg0", 10, 1, 4.287e-05, 10, 6.0747e-05);
  tp_run_free(run);

  run = fw_load_corpus("framework/ultralytics-old-basketball/2024-07-25-yolov10m/runs/detect/train",
                       &err);
  CHECK_INT(err, 0);
  CHECK(isnan(run->end_s) && run->window_source == NULL);
  fw_check_series(run, "train/box_om", 10, 1, 0.89905, 10, 0.73534);
  fw_check_series(run, "metrics/mAP50-95(B)", 10, 1, 0.24745, 10, 0.71982);
  tp_run_free(run);
}

int main(void) {
  /* readers first, then the model's check, then real files */
  TP_RUN(test_offset_column);
  TP_RUN(test_wall_columns);
  TP_RUN(test_textlog_times);
  TP_RUN(test_window_check);
  TP_RUN(test_window_check_names_column);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
