/* lightning_csv: Lightning metrics.csv and the shared metrics-CSV core (see lightning_csv.h). */
#include "parser/lightning_csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/csv.h"
#include "parser/number.h"

static const char *const k_time_cols[] = {"created_at", "time", "timestamp", "wall_time"};

static char S_pick_sep(const char *line, size_t len) {
  if (memchr(line, ',', len)) return ',';
  if (memchr(line, ';', len)) return ';';
  if (memchr(line, '\t', len)) return '\t';
  return ',';
}

/* Index of the column named `name`, or -1. */
static long S_col(tp_field *hdr, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (tp_field_eq(hdr[i], name)) return (long)i;
  return -1;
}

bool tp_lightning_csv_header(const char *line, size_t len) {
  tp_field f[512];
  size_t n = tp_csv_split(line, len, S_pick_sep(line, len), f, 512);
  if (n > 512 || n < 2) return false;
  if (S_col(f, n, "step") >= 0) return true;
  return S_col(f, n, "epoch") >= 0 && S_col(f, n, "created_at") >= 0;
}

int tp_metrics_csv_int(const char *s, size_t n, int64_t *out) {
  if (n > 0 && n <= 18) { /* fast path: up to 18 digits cannot overflow */
    int64_t v = 0;
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    if (i == n) return *out = v, 0;
  }
  if (tp_parse_int64(s, n, out) == 0) return 0;
  double dv;
  if (tp_csv_number(s, n, &dv) == 0 && isfinite(dv) && dv == floor(dv) && fabs(dv) < 9e15)
    return *out = (int64_t)dv, 0;
  return -1;
}

int tp_metrics_csv_read(FILE *f, const char *name, const tp_metrics_csv_opts *opt,
                        const tp_metric_sink *sink, tp_diags *d, tp_metrics_csv_stats *st) {
  tp_metrics_csv_opts none = {0};
  if (!opt) opt = &none;
  tp_clock utc;
  tp_clock *clock = opt->clock;
  if (!clock) {
    tp_clock_init(&utc, NULL, 0);
    clock = &utc;
  }
  tp_metrics_csv_stats local;
  if (!st) st = &local;
  memset(st, 0, sizeof *st);
  st->first_time_s = st->last_time_s = NAN;
  st->phases = 1;

  tp_rdiag rd;
  tp_rdiag_init(&rd, d, name);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 0);
  tp_field *fields = tp_xmalloc(TP_METRICS_CSV_MAX_COLS * sizeof *fields);
  char **tags = NULL;
  size_t n_cols = 0;
  long c_step = -1, c_epoch = -1, c_time = -1, c_axis = -1;
  char sep = ',';
  int rc = 0;
  const char *line;
  size_t len;

  /* Header: the first non-empty line. */
  for (;;) {
    if (!tp_lines_next(&lr, &line, &len)) {
      tp_rdiag_add(&rd, TP_ERROR, "no header", -1, "no header line; file not used");
      rc = -1;
      goto done;
    }
    if (len) break;
  }
  sep = S_pick_sep(line, len);
  n_cols = tp_csv_split(line, len, sep, fields, TP_METRICS_CSV_MAX_COLS);
  if (n_cols > TP_METRICS_CSV_MAX_COLS) {
    tp_rdiag_add(&rd, TP_ERROR, "header too wide", lr.line,
                 "header has %zu columns, more than %d; file not used", n_cols,
                 TP_METRICS_CSV_MAX_COLS);
    rc = -1;
    goto done;
  }
  tags = tp_xcalloc(n_cols, sizeof *tags);
  for (size_t i = 0; i < n_cols; i++) tags[i] = tp_field_dup(fields[i]);
  c_step = S_col(fields, n_cols, "step");
  c_epoch = S_col(fields, n_cols, "epoch");
  for (size_t i = 0; i < sizeof k_time_cols / sizeof *k_time_cols && c_time < 0; i++)
    c_time = S_col(fields, n_cols, k_time_cols[i]);
  st->has_time = c_time >= 0;
  c_axis = opt->epoch_is_step ? c_epoch : (c_step >= 0 ? c_step : c_epoch);

  int64_t step = 0, last_step = -1, offset = 0, prev_epoch = INT64_MIN, row_no = 0;
  while (tp_lines_next(&lr, &line, &len)) {
    if (len == 0) continue;
    size_t n = tp_csv_split(line, len, sep, fields, TP_METRICS_CSV_MAX_COLS);
    if (n != n_cols) {
      tp_rdiag_add(&rd, TP_WARN, "ragged row", lr.line,
                   "row has %zu fields but the header has %zu; row skipped", n, n_cols);
      st->bad_rows++;
      continue;
    }
    /* The header again (files concatenated): skip it. */
    if (c_axis >= 0 && fields[c_axis].n && !(fields[c_axis].s[0] >= '0' && fields[c_axis].s[0] <= '9') &&
        tp_field_eq(fields[c_axis], tags[c_axis]))
      continue;
    row_no++;
    /* Step axis. */
    if (c_axis >= 0 && fields[c_axis].n) {
      int64_t v;
      if (tp_metrics_csv_int(fields[c_axis].s, fields[c_axis].n, &v) != 0) {
        tp_rdiag_add(&rd, TP_WARN, "bad step", lr.line, "%s '%.*s' is not an integer; row skipped",
                     tags[c_axis], (int)(fields[c_axis].n > 40 ? 40 : fields[c_axis].n),
                     fields[c_axis].s);
        st->bad_rows++;
        continue;
      }
      if (opt->split_on_epoch_reset && c_axis == c_epoch) {
        if (prev_epoch != INT64_MIN && v < prev_epoch) {
          offset = last_step + 1;
          st->phases++;
          tp_rdiag_add(&rd, TP_NOTE, "epoch reset", lr.line,
                       "epoch goes back to %lld (file appended to by another training phase): "
                       "phase %d continues at step %lld",
                       (long long)v, st->phases, (long long)(offset + v));
        }
        prev_epoch = v;
      }
      step = offset + v;
    } else if (c_axis < 0) {
      step = row_no - 1;
    } /* else: an empty step keeps the previous one (LearningRateMonitor rows) */
    double t = NAN;
    if (c_time >= 0 && fields[c_time].n) {
      if (tp_clock_parse(clock, fields[c_time].s, fields[c_time].n, TP_TIME_AUTO, &t) != 0) {
        tp_rdiag_add(&rd, TP_WARN, "bad time", lr.line, "%s '%.*s' is not a time; time ignored",
                     tags[c_time], (int)(fields[c_time].n > 40 ? 40 : fields[c_time].n),
                     fields[c_time].s);
        t = NAN;
      } else {
        if (isnan(st->first_time_s)) st->first_time_s = t;
        st->last_time_s = t;
      }
    }
    if (sink->event) sink->event(sink->ctx, step, t);
    last_step = step;
    st->rows++;
    for (size_t i = 0; i < n_cols; i++) {
      if ((long)i == c_step || (long)i == c_epoch || (long)i == c_time || !fields[i].n) continue;
      double v;
      if (tp_csv_number(fields[i].s, fields[i].n, &v) != 0) {
        tp_rdiag_add(&rd, TP_WARN, "not a number", lr.line,
                     "%s '%.*s' is not a number; value skipped", tags[i],
                     (int)(fields[i].n > 40 ? 40 : fields[i].n), fields[i].s);
        continue;
      }
      sink->scalar(sink->ctx, tags[i], step, t, v);
      st->values++;
    }
  }
done:
  tp_rdiag_finish(&rd);
  tp_lines_free(&lr);
  if (tags)
    for (size_t i = 0; i < n_cols; i++) free(tags[i]);
  free(tags);
  free(fields);
  return rc;
}

int tp_lightning_csv_read(FILE *f, const char *name, tp_clock *clock, const tp_metric_sink *sink,
                          tp_diags *d, tp_metrics_csv_stats *st) {
  tp_metrics_csv_opts opt = {.clock = clock};
  return tp_metrics_csv_read(f, name, &opt, sink, d, st);
}
