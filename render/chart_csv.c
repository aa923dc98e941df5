/* chart_csv: the numbers of a chart as CSV (RFC 4180), for the file or the
 * table beside the chart: every point, not the downsampled ones (see
 * tp_chart_csv in render/chart.h for the columns). */
#include "render/chart_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/run.h"
#include "model/utctime.h"
#include "render/csvout.h"

/* A text cell: cleaned for a chart (line breaks and tabs as spaces, control
 * characters and bad UTF-8 as U+FFFD), then quoted by the one CSV writer. */
static void S_csv_field(tp_buf *out, const char *s) {
  char *t = tp_chart_clean(s);
  tp_csvout_field(out, t);
  free(t);
}

/* A number as the chart used it: a float32 (a logged scalar) as the
 * shortest text that reads back as that float32, any other double as the
 * shortest that reads back as the double (see tp_csvout_logged). */
static void S_csv_number(tp_buf *out, double v) { tp_csvout_logged(out, v); }

/* tm as "YYYY-MM-DDTHH:MM:SSZ", as "%04d-%02d-%02dT%02d:%02d:%02dZ" wrote it,
 * digits by hand for the years 0 to 9999 (every time a chart holds). */
static void S_csv_time(tp_buf *out, const struct tm *tm) {
  int year = tm->tm_year + 1900;
  if (year < 0 || year > 9999) {
    tp_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, tm->tm_mon + 1, tm->tm_mday,
                  tm->tm_hour, tm->tm_min, tm->tm_sec);
    return;
  }
  const int two[5] = {tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec};
  char t[20] = {(char)('0' + year / 1000), (char)('0' + year / 100 % 10),
                (char)('0' + year / 10 % 10), (char)('0' + year % 10)};
  static const char sep[5] = {'-', '-', 'T', ':', ':'};
  for (int i = 0; i < 5; i++) {
    t[4 + 3 * i] = sep[i];
    t[5 + 3 * i] = (char)('0' + two[i] / 10 % 10);
    t[6 + 3 * i] = (char)('0' + two[i] % 10);
  }
  t[19] = 'Z';
  tp_buf_add(out, t, 20);
}

/* A time as seconds after origin_s, to the millisecond ("-95.5", "0", "4.78"). */
static void S_csv_offset(tp_buf *out, double v, double origin_s) {
  double ms = round((v - origin_s) * 1000);
  tp_csvout_shortest(out, ms == 0 ? 0 : ms / 1000);
}

/* A value on an axis as CSV text: category name, time (ISO 8601, or seconds
 * after the axis's origin_s when it is finite), or number. */
static void S_csv_value(tp_buf *out, tp_axis_kind kind, char *const *cats, size_t ncats,
                        double origin_s, double v) {
  if (kind == TP_AXIS_CATEGORY && v >= 0 && v < (double)ncats && v == floor(v)) {
    S_csv_field(out, cats[(size_t)v]);
  } else if (kind == TP_AXIS_TIME && isfinite(v) && isfinite(origin_s)) {
    S_csv_offset(out, v, origin_s);
  } else if (kind == TP_AXIS_TIME && isfinite(v)) {
    struct tm tm;
    if (tp_utc_tm(v, &tm)) S_csv_time(out, &tm);
  } else {
    S_csv_number(out, v);
  }
}

/* A parallel chart: one row per record, a column per axis, then its key. */
static void S_csv_parallel(const tp_chart *c, tp_buf *out) {
  for (size_t a = 0; a < c->n_paxes; a++) {
    S_csv_field(out, c->paxes[a].label);
    tp_buf_addc(out, ',');
  }
  tp_buf_adds(out, "key\r\n");
  for (size_t r = 0; r < c->n_plines; r++) {
    const tp_chart_pline *pl = &c->plines[r];
    for (size_t a = 0; a < c->n_paxes; a++) {
      const tp_chart_paxis *ax = &c->paxes[a];
      S_csv_value(out, ax->categorical ? TP_AXIS_CATEGORY : TP_AXIS_NUMBER, ax->categories,
                  ax->n_categories, NAN, pl->values[a]);
      tp_buf_addc(out, ',');
    }
    for (size_t k = 0; k < c->n_keys; k++) {
      if (c->keys[k].colour == pl->colour) {
        S_csv_field(out, c->keys[k].name);
        break;
      }
    }
    tp_buf_adds(out, "\r\n");
  }
}

bool tp_chart_has_ranges(const tp_chart *c) {
  if (c->kind == TP_CHART_PARALLEL) return false;
  for (size_t i = 0; i < c->n_series; i++)
    if (c->series[i].lo) return true;
  return false;
}

/* The rows of an x/y chart, each opening with the field `chart` when it is
 * not NULL, and ending with the fields lo and hi when `ranges`. */
static void S_csv_rows(const tp_chart *c, const char *chart, bool ranges, tp_buf *out) {
  tp_buf name = {0};
  for (size_t i = 0; i < c->n_series; i++) {
    const tp_chart_series *s = &c->series[i];
    /* The row's first fields, made once per series and copied to each row. */
    tp_buf_clear(&name);
    if (chart) {
      S_csv_field(&name, chart);
      tp_buf_addc(&name, ',');
    }
    S_csv_field(&name, s->name);
    tp_buf_addc(&name, ',');
    for (size_t k = 0; k < s->n; k++) {
      tp_buf_add(out, name.data, name.len);
      S_csv_value(out, c->x.kind, c->x.categories, c->x.n_categories, c->x.origin_s, s->x[k]);
      tp_buf_addc(out, ',');
      S_csv_number(out, s->y[k]);
      if (ranges) {
        tp_buf_addc(out, ',');
        if (s->lo) S_csv_number(out, s->lo[k]);
        tp_buf_addc(out, ',');
        if (s->hi) S_csv_number(out, s->hi[k]);
      }
      tp_buf_adds(out, "\r\n");
    }
  }
  tp_buf_free(&name);
}

void tp_chart_csv(const tp_chart *c, tp_buf *out) {
  if (c->kind == TP_CHART_PARALLEL) {
    S_csv_parallel(c, out);
    return;
  }
  bool ranges = tp_chart_has_ranges(c);
  tp_buf_adds(out, ranges ? "series,x,y,lo,hi\r\n" : "series,x,y\r\n");
  S_csv_rows(c, NULL, ranges, out);
}

bool tp_chart_csv_page(const tp_chart *c, const char *chart, bool ranges, tp_buf *out) {
  if (c->kind == TP_CHART_PARALLEL) return false;
  if (out->len == 0) tp_buf_adds(out, ranges ? "chart,series,x,y,lo,hi\r\n" : "chart,series,x,y\r\n");
  S_csv_rows(c, chart, ranges, out);
  return true;
}
