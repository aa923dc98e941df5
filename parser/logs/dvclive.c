/* dvclive: DVCLive folders, both layouts (see dvclive.h). */
#include "parser/logs/dvclive.h"
#include "parser/logs/fspath.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/text/number.h"
#include "parser/text/yamldoc.h"

#define S_MAX_DEPTH 8 /* folders below plots/metrics */

bool tp_dvclive_sniff(const char *head, size_t len) {
  size_t i = 0;
  while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) i++;
  if (i < len && head[i] == '{') return tp_mem_contains(head, len, "\"step\"");
  return tp_mem_contains(head, len, "plots/metrics");
}

size_t tp_dvclive_read_tsv(FILE *f, const char *path, const char *name, const tp_clock *clock,
                           const tp_metric_sink *sink, tp_diags *d) {
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, path);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 0);
  tp_field fl[8];
  size_t nf, points = 0;
  int c_step = -1, c_time = -1, c_value = -1;
  if (tp_csv_next_row(&lr, '\t', fl, 8, &nf)) {
    c_step = tp_csv_find(fl, nf, "step");
    c_time = tp_csv_find(fl, nf, "timestamp");
    for (size_t k = 0; k < nf; k++)
      if ((int)k != c_step && (int)k != c_time) c_value = (int)k;
  }
  if (c_step < 0 || c_value < 0) {
    tp_rdiag_add(&rd, TP_WARN, "header", lr.line, "no step and value columns; file not used");
  } else {
    tp_metric_sink_time_source(sink, path, c_time >= 0 ? "timestamp" : NULL);
    while (tp_csv_next_row(&lr, '\t', fl, 8, &nf)) {
      int64_t step;
      double v, ms = NAN;
      if ((size_t)c_step >= nf || (size_t)c_value >= nf ||
          tp_parse_int64(fl[c_step].s, fl[c_step].n, &step) != 0 ||
          tp_csv_number(fl[c_value].s, fl[c_value].n, &v) != 0 ||
          (c_time >= 0 && ((size_t)c_time >= nf ||
                           tp_parse_double(fl[c_time].s, fl[c_time].n, &ms) != 0))) {
        tp_rdiag_add(&rd, TP_WARN, "row", lr.line, "not a step and a number; row skipped");
        continue;
      }
      double t = isfinite(ms) && ms > 0 && ms < 253402300800000.0
                     ? ms / 1000.0 + clock->offset_s : NAN;
      if (sink->event) sink->event(sink->ctx, step, t);
      sink->scalar(sink->ctx, name, step, t, v);
      points++;
    }
  }
  tp_lines_free(&lr);
  tp_rdiag_finish(&rd);
  return points;
}

typedef struct S_walk {
  tp_run *run;
  const tp_clock *clock;
  const tp_metric_sink *sink;
  tp_diags *d;
  int files;
} S_walk;

static int S_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The TSVs under dir (name: their path below the metrics folder so far), in
 * name order. */
static void S_walk_tsv(S_walk *w, const char *dir, const char *prefix, int depth) {
  DIR *dh = depth <= S_MAX_DEPTH ? opendir(dir) : NULL;
  if (!dh) return;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dh)))
    if (e->d_name[0] != '.') {
      TP_GROW(names, cap, n + 1);
      names[n++] = tp_xstrdup(e->d_name);
    }
  closedir(dh);
  if (n) qsort(names, n, sizeof *names, S_cmp);
  for (size_t i = 0; i < n; i++) {
    char *p = tp_xasprintf("%s/%s", dir, names[i]);
    char *tag = *prefix ? tp_xasprintf("%s/%s", prefix, names[i]) : tp_xstrdup(names[i]);
    size_t len = strlen(tag);
    if (tp_fspath_is_dir(p)) {
      S_walk_tsv(w, p, tag, depth + 1);
    } else if (len > 4 && strcmp(tag + len - 4, ".tsv") == 0 && tp_fspath_is_file(p)) {
      tag[len - 4] = '\0';
      FILE *f = fopen(p, "rb");
      if (!f) {
        tp_diag_add(w->d, TP_WARN, p, -1, -1, "cannot open (%s); skipped", strerror(errno));
      } else {
        tp_dvclive_read_tsv(f, p, tag, w->clock, w->sink, w->d);
        fclose(f);
        tp_run_add_input(w->run, p, "dvclive-tsv");
        w->files++;
      }
    }
    free(tag);
    free(p);
    free(names[i]);
  }
  free(names);
}

int tp_dvclive_load_run(tp_run *run, const char *dir, const tp_clock *clock,
                        const tp_metric_sink *sink, tp_diags *d) {
  S_walk w = {run, clock, sink, d, 0};
  char *p = tp_xasprintf("%s/params.yaml", dir);
  if (tp_fspath_is_file(p)) {
    tp_ydoc doc;
    tp_ydoc_load(&doc, p, d);
    if (doc.root && doc.root->kind == TP_YNODE_MAP) tp_ydoc_to_hparams(doc.root, NULL, run, p);
    tp_ydoc_free(&doc);
    tp_run_add_input(run, p, "dvclive-params");
    w.files++;
  }
  free(p);
  /* 1 and later: plots/metrics/; 0.x: dvclive/ beside dvclive.json. */
  p = tp_xasprintf("%s/plots/metrics", dir);
  if (!tp_fspath_is_dir(p)) {
    free(p);
    p = tp_xasprintf("%s/dvclive", dir);
  }
  S_walk_tsv(&w, p, "", 0);
  free(p);
  return w.files;
}
