/* chart_scale: the axes of a chart as numbers: data ranges, round ticks
 * (1, 2 or 5 x 10^k), SI prefixes and common factors, round UTC times and
 * months for time axes, durations in the unit that reads best, categories.
 * Positions in points are left to the layout (chart_layout.c). */
#include "render/chart_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/mem.h"
#include "model/run.h"
#include "model/utctime.h"

/* ======================================================================== */
/* Numbers                                                                   */
/* ======================================================================== */

double tp_nice_step(double lo, double hi, int target, double *first) {
  if (!isfinite(lo) || !isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) {
    double t = lo;
    lo = hi, hi = t;
  }
  if (hi - lo < 1e-12 * fmax(fabs(lo), fabs(hi)) || hi == lo) {
    double d = lo == 0 ? 1 : fabs(lo) * 0.1;
    lo -= d, hi += d;
  }
  if (target < 1) target = 1;
  double raw = (hi - lo) / target;
  double mag = pow(10, floor(log10(raw)));
  double f = raw / mag, step;
  if (f < 1.5) step = 1 * mag;
  else if (f < 3.5) step = 2 * mag;
  else if (f < 7.5) step = 5 * mag;
  else step = 10 * mag;
  *first = floor(lo / step + 1e-9) * step;
  return step;
}

const char *tp_nice_number(char buf[32], double v, double step) {
  int dec = 0;
  if (step > 0 && step < 1) dec = (int)ceil(-log10(step) - 1e-9);
  if (dec > 12) dec = 12;
  if (fabs(v) < step * 1e-6) v = 0;
  snprintf(buf, 32, "%.*f", dec, v);
  if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
  return buf;
}

const char *tp_si_prefix(double maxabs, double *scale) {
  static const char *const pre[] = {"p", "n", "\xC2\xB5", "m", "", "k", "M", "G", "T", "P", "E"};
  *scale = 1;
  if (!isfinite(maxabs) || maxabs == 0 || (maxabs >= 0.01 && maxabs < 1000)) return "";
  int e3 = (int)floor(log10(maxabs) / 3 + 1e-12);
  if (e3 < -4) e3 = -4;
  if (e3 > 6) e3 = 6;
  *scale = pow(10, 3 * e3);
  return pre[e3 + 4];
}

/* ======================================================================== */
/* Scales                                                                    */
/* ======================================================================== */

double tp_chart_scale_map(const tp_chart_scale *s, double v) {
  if (s->hi == s->lo) return (s->p0 + s->p1) / 2;
  return s->p0 + (v - s->lo) / (s->hi - s->lo) * (s->p1 - s->p0);
}

void tp_chart_scale_free(tp_chart_scale *s) {
  for (size_t i = 0; i < s->nt; i++) free(s->labels[i]);
  free(s->labels);
  free(s->ticks);
  free(s->title);
}

void tp_chart_scale_tick(tp_chart_scale *s, double v, const char *label) {
  s->ticks = tp_xrealloc(s->ticks, (s->nt + 1) * sizeof *s->ticks);
  s->labels = tp_xrealloc(s->labels, (s->nt + 1) * sizeof *s->labels);
  s->ticks[s->nt] = v;
  s->labels[s->nt++] = tp_xstrdup(label);
}

static char *S_axis_title(const char *label, const char *unit) {
  bool has_unit = unit && *unit;
  if (!label || !*label) return has_unit ? tp_xstrdup(unit) : NULL;
  if (!has_unit) return tp_xstrdup(label);
  return tp_xasprintf("%s (%s)", label, unit);
}

/* "×10⁻³" for a factor of 10^e3 (e3 a negative multiple of 3). */
static void S_times_ten(char *buf, size_t size, int e3) {
  static const char *const sup[] = {"\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3",
                                    "\xE2\x81\xB4", "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7",
                                    "\xE2\x81\xB8", "\xE2\x81\xB9"};
  int n = snprintf(buf, size, "\xC3\x97" "10%s", e3 < 0 ? "\xE2\x81\xBB" : "");
  int a = e3 < 0 ? -e3 : e3;
  if (a >= 10 && n >= 0 && (size_t)n < size)
    n += snprintf(buf + n, size - (size_t)n, "%s", sup[a / 10 % 10]);
  if (n >= 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, "%s", sup[a % 10]);
}

/* Numeric ticks over [lo, hi] (in units of unit_scale: 3600 shows seconds as
 * hours), extended to round bounds unless `exact`.  Large values take an SI
 * prefix on the unit ("MJ"), or on each label when there is no unit ("20k");
 * small unitless values a common factor in the title ("×10⁻³"). */
void tp_chart_numeric_ticks(tp_chart_scale *s, double lo, double hi, int target, bool exact,
                            const char *label, const char *unit, bool si, double unit_scale) {
  double slo = lo / unit_scale, shi = hi / unit_scale;
  double first, step = tp_nice_step(slo, shi, target, &first);
  if (!exact) {
    if (shi - slo <= 0) slo = first, shi = first + step * target;
    slo = floor(slo / step + 1e-9) * step;
    shi = ceil(shi / step - 1e-9) * step;
    first = slo;
  }
  s->lo = slo * unit_scale, s->hi = shi * unit_scale;
  double scale = 1;
  const char *prefix = si ? tp_si_prefix(fmax(fabs(slo), fabs(shi)), &scale) : "";
  bool unitless = !(unit && *unit);
  char ubuf[64] = "", suffix[8] = "";
  if (!unitless) snprintf(ubuf, sizeof ubuf, "%s%s", prefix, unit);
  else if (scale > 1) snprintf(suffix, sizeof suffix, "%s", prefix);
  else if (scale < 1) S_times_ten(ubuf, sizeof ubuf, (int)lround(log10(scale)));
  for (int i = 0; i < 1000; i++) {
    double v = first + i * step;
    if (v > shi + step * 1e-6) break;
    if (v < slo - step * 1e-6) continue;
    char nb[32], lb[48];
    tp_nice_number(nb, v / scale, step / scale);
    snprintf(lb, sizeof lb, "%s%s", nb, suffix);
    tp_chart_scale_tick(s, v * unit_scale, lb);
  }
  s->title = S_axis_title(label, ubuf);
}

static void S_time_label(char buf[32], double t, double step) {
  struct tm tm;
  if (!tp_utc_tm(t, &tm)) {
    snprintf(buf, 32, "?");
    return;
  }
  if (step >= 365 * 86400.0) snprintf(buf, 32, "%04d", tm.tm_year + 1900);
  else if (step >= 28 * 86400.0) snprintf(buf, 32, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  else if (step >= 86400)
    snprintf(buf, 32, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  else if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
    snprintf(buf, 32, "%02d-%02d", tm.tm_mon + 1, tm.tm_mday);
  else if (step >= 60) snprintf(buf, 32, "%02d:%02d", tm.tm_hour, tm.tm_min);
  else snprintf(buf, 32, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Ticks at round UTC times over [lo, hi]: seconds to weeks, then months. */
static void S_time_ticks(tp_chart_scale *s, double lo, double hi, int target, const char *label) {
  static const double steps[] = {1,    2,    5,     10,    15,    30,    60,     120,
                                 300,  600,  900,   1800,  3600,  7200,  10800,  21600,
                                 43200, 86400, 172800, 604800};
  if (!(hi > lo)) lo -= 1800, hi += 1800;
  s->lo = lo, s->hi = hi;
  double span = hi - lo, step = 0;
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
    if (span / steps[i] <= target) {
      step = steps[i];
      break;
    }
  }
  char lb[32];
  if (step > 0) {
    double offset = step == 604800 ? 4 * 86400.0 : 0; /* weeks start on Monday */
    double first = ceil((lo - offset) / step) * step + offset;
    /* Counted, not summed: far from the epoch (a fuzzed 1e17 s) v + step is v,
     * and span / step <= target bounds the count anyway. */
    for (int k = 0; k <= target + 1; k++) {
      double v = first + k * step;
      if (v > hi) break;
      S_time_label(lb, v, step);
      tp_chart_scale_tick(s, v, lb);
    }
  } else {
    static const int msteps[] = {1, 2, 3, 6, 12, 24, 60, 120, 600};
    int ms = 600;
    for (size_t i = 0; i < sizeof msteps / sizeof *msteps; i++) {
      if (span / (msteps[i] * 30.44 * 86400) <= target) {
        ms = msteps[i];
        break;
      }
    }
    struct tm tm;
    int64_t mi = tp_utc_tm(lo, &tm) ? (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon : 1970 * 12;
    mi = (mi + ms - 1) / ms * ms;
    for (int k = 0; k < 1000; k++, mi += ms) {
      double v = 86400.0 * (double)tp_days_from_civil(mi / 12, (int)(mi % 12) + 1, 1);
      if (v < lo) continue;
      if (v > hi) break;
      S_time_label(lb, v, ms * 30.44 * 86400);
      tp_chart_scale_tick(s, v, lb);
    }
  }
  /* Sub-day ticks name the day they start on. */
  char day[32] = "";
  if (step > 0 && step < 86400) {
    S_time_label(day, lo, 86400);
    s->title = tp_xasprintf("%s%sUTC, from %s", label ? label : "", label ? " (" : "(", day);
    tp_buf b = {0};
    tp_buf_adds(&b, s->title);
    tp_buf_addc(&b, ')');
    free(s->title);
    s->title = tp_buf_detach(&b);
  } else {
    s->title = tp_xasprintf("%s%sUTC)", label ? label : "", label ? " (" : "(");
  }
}

/* Durations in seconds shown in the unit that reads best. */
static void S_duration_ticks(tp_chart_scale *s, double lo, double hi, int target,
                             const char *label) {
  double m = fmax(fabs(lo), fabs(hi)), f = 1;
  const char *u = "s";
  if (m > 72 * 3600.0) f = 86400, u = "d";
  else if (m > 3 * 3600.0) f = 3600, u = "h";
  else if (m > 180) f = 60, u = "min";
  tp_chart_numeric_ticks(s, lo, hi, target, false, label ? label : "Time", u, false, f);
}

static void S_category_ticks(tp_chart_scale *s, const tp_chart_axis *a) {
  s->lo = -0.5;
  s->hi = a->n_categories ? (double)a->n_categories - 0.5 : 0.5;
  for (size_t i = 0; i < a->n_categories; i++) tp_chart_scale_tick(s, (double)i, a->categories[i]);
  s->title = S_axis_title(a->label, a->unit);
}

/* Data range of the chart's series on one axis (x or y), bands included. */
static void S_range(const tp_chart *c, bool want_x, double *lo, double *hi) {
  *lo = INFINITY, *hi = -INFINITY;
  for (size_t i = 0; i < c->n_series; i++) {
    const tp_chart_series *s = &c->series[i];
    for (size_t k = 0; k < s->n; k++) {
      if (!isfinite(s->x[k]) || !isfinite(s->y[k])) continue;
      double v = want_x ? s->x[k] : s->y[k];
      *lo = fmin(*lo, v), *hi = fmax(*hi, v);
      if (!want_x && s->lo) {
        if (isfinite(s->lo[k])) *lo = fmin(*lo, s->lo[k]), *hi = fmax(*hi, s->lo[k]);
        if (isfinite(s->hi[k])) *lo = fmin(*lo, s->hi[k]), *hi = fmax(*hi, s->hi[k]);
      }
    }
  }
  if (want_x)
    for (size_t i = 0; i < c->n_bands; i++)
      if (isfinite(c->bands[i].x0) && isfinite(c->bands[i].x1))
        *lo = fmin(*lo, c->bands[i].x0), *hi = fmax(*hi, c->bands[i].x1);
  if (*lo > *hi) *lo = 0, *hi = 1;
}

void tp_chart_scale_make(tp_chart_scale *s, const tp_chart *c, const tp_chart_axis *a, bool is_x,
                         double length) {
  memset(s, 0, sizeof *s);
  if (a->kind == TP_AXIS_CATEGORY) {
    S_category_ticks(s, a);
    return;
  }
  double lo, hi;
  S_range(c, is_x, &lo, &hi);
  if (a->zero && a->kind != TP_AXIS_TIME) lo = fmin(lo, 0), hi = fmax(hi, 0);
  if (c->kind == TP_CHART_SCATTER && a->kind == TP_AXIS_NUMBER) {
    double pad = (hi - lo) * 0.04;
    if (!a->zero || lo < 0) lo -= pad;
    hi += pad;
  }
  bool fixed = isfinite(a->min) || isfinite(a->max);
  if (isfinite(a->min)) lo = a->min;
  if (isfinite(a->max)) hi = a->max;
  int target = (int)fmax(2, floor(length / (is_x ? 70 : 45)));
  if (a->kind == TP_AXIS_TIME) S_time_ticks(s, lo, hi, (int)fmax(2, floor(length / 70)), a->label);
  else if (a->kind == TP_AXIS_DURATION) S_duration_ticks(s, lo, hi, target, a->label);
  else tp_chart_numeric_ticks(s, lo, hi, target, fixed, a->label, a->unit, a->si, 1);
  if (fixed) s->lo = lo, s->hi = hi;
}
