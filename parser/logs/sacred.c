/* sacred: Sacred FileStorageObserver run folders (see sacred.h). */
#include "parser/logs/sacred.h"
#include "parser/logs/fspath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/yamldoc.h"

bool tp_sacred_sniff(const char *head, size_t len) {
  size_t i = 0;
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) i++;
  if (i >= len || head[i] != '{') return false;
  static const char *const keys[] = {"\"experiment\"", "\"command\""};
  for (size_t k = 0; k < 2; k++) {
    size_t n = strlen(keys[k]);
    bool found = false;
    for (size_t j = i; j + n <= len && !found; j++) found = memcmp(head + j, keys[k], n) == 0;
    if (!found) return false;
  }
  return true;
}

/* A naive ISO time that Sacred wrote in UTC, as UTC epoch seconds (the
 * clock's offset added); NAN when n is not one. */
static double S_utc(tp_clock *clock, const tp_ynode *n) {
  const char *s = tp_ynode_str(n);
  tp_timestamp ts;
  if (!s || tp_time_parse(s, strlen(s), TP_TIME_ISO8601, &ts) != 0) return NAN;
  if (!ts.has_offset) ts.has_offset = true, ts.offset_s = 0;
  return tp_clock_utc(clock, &ts);
}

/* run.json: window, host, status. */
static void S_read_run(tp_run *run, const char *path, tp_clock *clock, tp_diags *d) {
  tp_ydoc doc;
  tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (!root || root->kind != TP_YNODE_MAP) {
    if (root) tp_diag_add(d, TP_WARN, path, -1, root->line, "not a JSON object; ignored");
    tp_ydoc_free(&doc);
    return;
  }
  const char *host = tp_ynode_str(tp_ynode_get(tp_ynode_get(root, "host"), "hostname"));
  if (host && *host && !run->host) run->host = tp_xstrdup(host);
  const char *status = tp_ynode_str(tp_ynode_get(root, "status"));
  double start_s = S_utc(clock, tp_ynode_get(root, "start_time"));
  double end_s = S_utc(clock, tp_ynode_get(root, "stop_time"));
  const char *end_field = "stop_time";
  if (isnan(end_s)) {
    end_s = S_utc(clock, tp_ynode_get(root, "heartbeat"));
    end_field = "heartbeat";
    if (isfinite(end_s))
      tp_diag_add(d, TP_NOTE, path, -1, -1,
                  "no stop_time (status %s): the window ends at the last heartbeat",
                  status ? status : "unknown");
  }
  if (status && strcmp(status, "COMPLETED") != 0 && strcmp(status, "RUNNING") != 0)
    tp_diag_add(d, TP_NOTE, path, -1, -1, "run ended with status %s", status);
  if (isfinite(start_s) && isfinite(end_s) && end_s >= start_s) {
    char *field = tp_xasprintf("start_time, %s", end_field);
    tp_run_time_source(run, path, field);
    free(field);
    tp_run_window_from_time_source(run);
    run->start_s = start_s;
    run->end_s = end_s;
    run->window_source = "run metadata";
  } else if (isfinite(start_s) && isfinite(end_s)) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "stop_time before start_time; no window from it");
  }
  tp_ydoc_free(&doc);
}

/* One metric of metrics.json: the parallel lists, point by point. */
static void S_read_metric(const char *path, const char *name, const tp_ynode *m,
                          tp_clock *clock, const tp_metric_sink *sink, tp_diags *d) {
  const tp_ynode *steps = tp_ynode_get(m, "steps"), *times = tp_ynode_get(m, "timestamps"),
                 *values = tp_ynode_get(m, "values");
  if (!values || values->kind != TP_YNODE_SEQ) {
    tp_diag_add(d, TP_WARN, path, -1, m ? m->line : -1, "metric '%s' has no values list; skipped",
                name);
    return;
  }
  if (steps && steps->kind != TP_YNODE_SEQ) steps = NULL;
  if (times && times->kind != TP_YNODE_SEQ) times = NULL;
  if ((steps && steps->n != values->n) || (times && times->n != values->n))
    tp_diag_add(d, TP_WARN, path, -1, m->line,
                "metric '%s': steps, timestamps and values differ in length; the points beyond "
                "the shortest are skipped", name);
  for (size_t i = 0; i < values->n; i++) {
    if ((steps && i >= steps->n) || (times && i >= times->n)) break;
    double v, st = (double)i;
    if (steps && (tp_ynode_number(steps->items[i], &st) != 0 || st != floor(st) ||
                  fabs(st) > 9e15)) {
      tp_diag_add(d, TP_WARN, path, -1, steps->items[i]->line,
                  "metric '%s' point %zu: step is not an integer; skipped", name, i);
      continue;
    }
    if (tp_ynode_number(values->items[i], &v) != 0) {
      tp_diag_add(d, TP_WARN, path, -1, values->items[i]->line,
                  "metric '%s' point %zu: value is not a number; skipped", name, i);
      continue;
    }
    double t = times ? S_utc(clock, times->items[i]) : NAN;
    if (sink->event) sink->event(sink->ctx, (int64_t)st, t);
    sink->scalar(sink->ctx, name, (int64_t)st, t, v);
  }
}

static void S_read_metrics(const char *path, tp_clock *clock, const tp_metric_sink *sink,
                           tp_diags *d) {
  tp_ydoc doc;
  tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind != TP_YNODE_MAP) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "not a JSON object; ignored");
    root = NULL;
  }
  tp_metric_sink_time_source(sink, path, "timestamps");
  for (size_t k = 0; root && k < root->n; k++) {
    const char *name = tp_ynode_str(root->keys[k]);
    if (name && *name) S_read_metric(path, name, root->items[k], clock, sink, d);
  }
  tp_ydoc_free(&doc);
}

int tp_sacred_load_run(tp_run *run, const char *dir, tp_clock *clock, const tp_metric_sink *sink,
                       tp_diags *d) {
  int n = 0;
  char *p = tp_xasprintf("%s/config.json", dir);
  if (tp_fspath_is_file(p)) {
    tp_ydoc doc;
    tp_ydoc_load(&doc, p, d);
    if (doc.root && doc.root->kind == TP_YNODE_MAP) tp_ydoc_to_hparams(doc.root, NULL, run, p);
    else if (doc.root) tp_diag_add(d, TP_WARN, p, -1, -1, "not a JSON object; ignored");
    tp_ydoc_free(&doc);
    tp_run_add_input(run, p, "sacred-config");
    n++;
  }
  free(p);
  p = tp_xasprintf("%s/metrics.json", dir);
  if (tp_fspath_is_file(p)) {
    S_read_metrics(p, clock, sink, d);
    tp_run_add_input(run, p, "sacred-metrics");
    n++;
  }
  free(p);
  /* run.json last: its start and stop win over the metrics' timestamps. */
  p = tp_xasprintf("%s/run.json", dir);
  if (tp_fspath_is_file(p)) {
    S_read_run(run, p, clock, d);
    tp_run_add_input(run, p, "sacred-run");
    n++;
  }
  free(p);
  return n;
}
