/* lightning_csv: Lightning metrics.csv and the shared metrics-CSV core (see lightning_csv.h). */
#include "parser/logs/lightning_csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/text/number.h"
#include "model/run.h"

/* Time columns, in order of preference: names that say wall-clock time, then
 * "time", whose first value tells whether it is an epoch or an offset. */
static const char *const k_time_cols[] = {"created_at", "timestamp", "wall_time", "time"};

/* What the time column holds (decided on its first value; see the header). */
typedef enum S_time_kind { S_TIME_UNDECIDED, S_TIME_WALL, S_TIME_OFFSET, S_TIME_UNUSED } S_time_kind;

static int S_span(size_t n) { return (int)(n > 40 ? 40 : n); }

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

/* Decide what the time column holds from its first value ts[0..tn) (see
 * tp_metrics_csv_read in the header); a column not used says why. */
static S_time_kind S_time_decide(tp_rdiag *rd, int64_t line, const char *col, const char *ts,
                                 size_t tn, tp_clock *clock) {
  double num, t;
  bool bare = tp_csv_number(ts, tn, &num) == 0;
  if (tp_clock_parse(clock, ts, tn, TP_TIME_AUTO, &t) != 0) {
    if (bare && strcmp(col, "time") == 0 && isfinite(num) && num >= 0) return S_TIME_OFFSET;
    return S_TIME_WALL; /* the row reports the bad time; later rows are tried */
  }
  if (!bare || t >= TP_TIME_PLAUSIBLE_FROM_S) return S_TIME_WALL;
  if (strcmp(col, "time") == 0 && num >= 0 && num < TP_TIME_PLAUSIBLE_FROM_S) return S_TIME_OFFSET;
  tp_rdiag_add(rd, TP_WARN, "time column not used", line,
               "%s '%.*s' is neither a plausible wall-clock time (1990 or later) nor seconds "
               "since the start; the column is not used as time",
               col, S_span(tn), ts);
  return S_TIME_UNUSED;
}

/* A wall-clock time in s[0..n) as the caller's format says (else told apart
 * by shape): 0 and *t, or -1. */
static int S_wall_time(const tp_metrics_csv_opts *opt, tp_clock *clock, const char *s, size_t n,
                       double *t) {
  if (!opt->time_set || opt->time_fmt != TP_TIME_PATTERN || !opt->time_pattern)
    return tp_clock_parse(clock, s, n, opt->time_set ? opt->time_fmt : TP_TIME_AUTO, t);
  tp_timestamp ts;
  if (tp_time_parse_pattern(s, n, opt->time_pattern, &ts) != 0) return -1;
  *t = tp_clock_utc(clock, &ts);
  return 0;
}

/* Whether the column named tag is a metric the caller asked for. */
static bool S_wanted(const tp_metrics_csv_opts *opt, const char *tag) {
  if (!opt->metric_cols) return true;
  for (size_t i = 0; i < opt->n_metric_cols; i++)
    if (strcmp(opt->metric_cols[i], tag) == 0) return true;
  return false;
}

/* The step and time columns of the header (-1: none), as the caller named
 * them or by the default names; a named column the header lacks is warned
 * about, and so is a named metric. */
static void S_roles(tp_rdiag *rd, int64_t line, const tp_metrics_csv_opts *opt, tp_field *hdr,
                    size_t n, long *c_step, long *c_epoch, long *c_time) {
  *c_step = S_col(hdr, n, opt->step_col ? opt->step_col : "step");
  *c_epoch = opt->step_col ? -1 : S_col(hdr, n, "epoch");
  *c_time = opt->time_col ? S_col(hdr, n, opt->time_col) : -1;
  for (size_t i = 0; !opt->time_col && i < sizeof k_time_cols / sizeof *k_time_cols && *c_time < 0;
       i++)
    *c_time = S_col(hdr, n, k_time_cols[i]);
  if (opt->step_col && opt->step_col[0] && *c_step < 0) /* "": the index, when there is one */
    tp_rdiag_add(rd, TP_WARN, "no step column", line,
                 "no column '%s' for the step: rows are numbered from 0 instead", opt->step_col);
  if (opt->time_col && *c_time < 0)
    tp_rdiag_add(rd, TP_WARN, "no time column", line, "no column '%s' for the time: no time read",
                 opt->time_col);
  for (size_t k = 0; opt->metric_cols && k < opt->n_metric_cols; k++)
    if (S_col(hdr, n, opt->metric_cols[k]) < 0)
      tp_rdiag_add(rd, TP_WARN, "no metric column", line, "no column '%s' for a metric",
                   opt->metric_cols[k]);
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
  st->first_time_s = st->last_time_s = st->last_offset_s = NAN;
  st->phases = 1;

  tp_rdiag rd;
  tp_rdiag_init(&rd, d, name);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 0);
  tp_field *fields = tp_xmalloc(TP_METRICS_CSV_MAX_COLS * sizeof *fields);
  char **tags = NULL;
  size_t n_cols = 0;
  long c_step = -1, c_epoch = -1, c_time = -1, c_axis = -1;
  S_time_kind tkind = S_TIME_UNDECIDED;
  double first_off = NAN, last_off = NAN, base = opt->start_s > 0 ? opt->start_s : NAN;
  bool off_back = false;
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
  S_roles(&rd, lr.line, opt, fields, n_cols, &c_step, &c_epoch, &c_time);
  if (opt->time_set) tkind = opt->time_is_offset ? S_TIME_OFFSET : S_TIME_WALL;
  st->has_time = c_time >= 0;
  if (c_time >= 0) {
    char *col = tp_xasprintf("column %s", tags[c_time]);
    tp_metric_sink_time_source(sink, name, col);
    free(col);
  }
  c_axis = opt->step_col ? c_step : opt->epoch_is_step ? c_epoch : (c_step >= 0 ? c_step : c_epoch);

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
      step = offset + v - opt->step_base;
    } else if (c_axis < 0) {
      step = row_no - 1;
    } /* else: an empty step keeps the previous one (LearningRateMonitor rows) */
    double t = NAN;
    if (c_time >= 0 && fields[c_time].n && tkind != S_TIME_UNUSED) {
      const char *ts = fields[c_time].s;
      size_t tn = fields[c_time].n;
      double num;
      bool bare = tp_csv_number(ts, tn, &num) == 0;
      if (tkind == S_TIME_UNDECIDED) tkind = S_time_decide(&rd, lr.line, tags[c_time], ts, tn, clock);
      if (tkind == S_TIME_OFFSET) {
        if (!bare || !isfinite(num) || num < 0) {
          tp_rdiag_add(&rd, TP_WARN, "bad time", lr.line,
                       "%s '%.*s' is not seconds since the start; time ignored", tags[c_time],
                       S_span(tn), ts);
        } else {
          if (isfinite(last_off) && num < last_off && !off_back) {
            off_back = true;
            tp_rdiag_add(&rd, TP_WARN, "time goes back", lr.line,
                         "%s goes back from %g to %g s since the start (training restarted?): "
                         "the offsets give no one duration, none is taken",
                         tags[c_time], last_off, num);
          }
          if (isnan(first_off)) first_off = num;
          last_off = num;
          t = base + num; /* NAN without a known start */
        }
      } else if (tkind == S_TIME_WALL) {
        if (S_wall_time(opt, clock, ts, tn, &t) != 0) {
          tp_rdiag_add(&rd, TP_WARN, "bad time", lr.line, "%s '%.*s' is not a time; time ignored",
                       tags[c_time], S_span(tn), ts);
          t = NAN;
        } else if (!(t >= TP_TIME_PLAUSIBLE_FROM_S)) {
          tp_rdiag_add(&rd, TP_WARN, "implausible time", lr.line,
                       "%s '%.*s' is before 1990, not a plausible wall-clock time; time ignored",
                       tags[c_time], S_span(tn), ts);
          t = NAN;
        }
      }
      if (isfinite(t)) {
        if (isnan(st->first_time_s)) st->first_time_s = t;
        st->last_time_s = t;
      }
    }
    if (sink->event) sink->event(sink->ctx, step, t);
    last_step = step;
    st->rows++;
    for (size_t i = 0; i < n_cols; i++) {
      if ((long)i == c_step || (long)i == c_epoch || (long)i == c_time || !fields[i].n ||
          !S_wanted(opt, tags[i]))
        continue;
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
  if (tkind == S_TIME_OFFSET && isfinite(last_off)) {
    st->time_is_offset = true;
    st->last_offset_s = off_back ? NAN : last_off;
    tp_rdiag_add(&rd, TP_NOTE, "time is an offset", -1,
                 "%s holds seconds since the start of training (%g to %g s), not wall-clock "
                 "times: %s",
                 tags[c_time], first_off, last_off,
                 isfinite(base) ? "read from the run's start in its other files"
                                : "the run has a duration but no window of its own");
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
