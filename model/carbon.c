/* carbon: PUE, intensity (constant or series) and pricing energy in CO2e. */
#include "model/carbon.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/utctime.h"

void tp_intensity_series_free(tp_intensity_series *s) {
  free(s->rows);
  memset(s, 0, sizeof *s);
}

int tp_carbon_defaults(tp_carbon *c, const tp_reftables *t) {
  memset(c, 0, sizeof *c);
  c->pue = TP_PUE_DEFAULT;
  c->pue_source = TP_PUE_DEFAULT_SOURCE;
  c->pue_year = TP_PUE_DEFAULT_YEAR;
  c->pue_assumed = true;
  c->intensity_assumed = true;
  const tp_zone_intensity *w = tp_reftable_find_zone(t, "WORLD");
  if (!w) {
    c->intensity_g_per_kwh = NAN;
    c->intensity_source = "no world average in the tables";
    return -1;
  }
  c->intensity_g_per_kwh = w->intensity_g_per_kwh;
  c->intensity_source = w->source;
  c->intensity_year = w->year;
  c->zone = w->zone;
  return 0;
}

int tp_carbon_use_zone(tp_carbon *c, const tp_reftables *t, const char *code) {
  const tp_zone_intensity *z = tp_reftable_find_zone(t, code);
  if (z) {
    c->intensity_g_per_kwh = z->intensity_g_per_kwh;
    c->intensity_source = z->source;
    c->intensity_year = z->year;
    c->zone = z->zone;
    c->series = NULL;
    c->intensity_assumed = false;
    return 0;
  }
  const tp_cloud_region *r = tp_reftable_find_region(t, code);
  if (!r) return -1;
  z = tp_reftable_find_zone(t, r->zone);
  c->intensity_g_per_kwh = r->intensity_g_per_kwh;
  c->intensity_source = z ? z->source : r->source;
  c->intensity_year = z ? z->year : 0;
  c->zone = r->region;
  c->series = NULL;
  c->intensity_assumed = false;
  if (c->pue_assumed) {
    c->pue = r->pue;
    c->pue_source = r->source;
    c->pue_year = 0;
    c->pue_assumed = false;
  }
  return 0;
}

void tp_carbon_use_intensity(tp_carbon *c, double intensity_g_per_kwh, const char *source) {
  c->intensity_g_per_kwh = intensity_g_per_kwh;
  c->intensity_source = source;
  c->intensity_year = 0;
  c->zone = NULL;
  c->series = NULL;
  c->intensity_assumed = false;
}

void tp_carbon_use_series(tp_carbon *c, const tp_intensity_series *s, const char *source) {
  c->series = s;
  c->intensity_g_per_kwh = NAN;
  c->intensity_source = source;
  c->intensity_year = 0;
  c->zone = NULL;
  c->intensity_assumed = false;
}

void tp_carbon_use_pue(tp_carbon *c, double pue, const char *source) {
  c->pue = pue;
  c->pue_source = source;
  c->pue_year = 0;
  c->pue_assumed = false;
}

/* Index of the last row at or before t, or -1 when t is before the first. */
static long S_row_at(const tp_intensity_series *s, double t) {
  size_t lo = 0, hi = s->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->rows[mid].t_s <= t) lo = mid + 1;
    else hi = mid;
  }
  return (long)lo - 1;
}

static int S_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double tp_intensity_series_interval(const tp_intensity_series *s) {
  if (!s || s->count < 2) return 0;
  size_t n = s->count - 1;
  double *iv = tp_xmalloc(n * sizeof *iv);
  for (size_t i = 0; i < n; i++) iv[i] = s->rows[i + 1].t_s - s->rows[i].t_s;
  qsort(iv, n, sizeof *iv, S_cmp_double);
  double m = n % 2 ? iv[n / 2] : (iv[n / 2 - 1] + iv[n / 2]) / 2;
  free(iv);
  return m;
}

int tp_intensity_series_span(const tp_intensity_series *s, double *from_s, double *to_s) {
  if (!s || !s->count) return -1;
  double iv = s->interval_s > 0 ? s->interval_s : tp_intensity_series_interval(s);
  *from_s = s->rows[0].t_s;
  *to_s = s->rows[s->count - 1].t_s + iv;
  return 0;
}

/* Seconds of [a, b) outside [from, to); an instant (b <= a) outside counts
 * in *instants. */
static double S_outside(double a, double b, double from, double to, size_t *instants) {
  if (!(b > a)) {
    if (a < from || a >= to) ++*instants;
    return 0;
  }
  double out = 0;
  if (a < from) out += fmin(b, from) - a;
  if (b > to) out += b - fmax(a, to);
  return out;
}

/* Grams of CO2e of energy_j spread evenly over [a, b) under series s. */
static double S_price_series(const tp_intensity_series *s, double a, double b, double energy_j) {
  long k = S_row_at(s, a);
  if (!(b > a)) return energy_j / TP_J_PER_KWH * s->rows[k < 0 ? 0 : k].intensity_g_per_kwh;
  double rate_w = energy_j / (b - a), g = 0;
  for (double t = a; t < b; k++) {
    double next = (size_t)(k + 1) < s->count ? s->rows[k + 1].t_s : INFINITY;
    double hi = next < b ? next : b;
    double v = s->rows[k < 0 ? 0 : k].intensity_g_per_kwh;
    g += rate_w * (hi - t) / TP_J_PER_KWH * v;
    t = hi;
  }
  return g;
}

/* tp_carbon_price, also counting the instants with energy outside the span. */
static double S_price(const tp_carbon *c, const tp_energy_piece *pieces, size_t n,
                      double *uncovered_s, size_t *instants) {
  double g = 0, unc = 0, from = 0, to = 0;
  bool series = c->series && tp_intensity_series_span(c->series, &from, &to) == 0;
  for (size_t i = 0; i < n; i++) {
    if (series) {
      g += S_price_series(c->series, pieces[i].start_s, pieces[i].end_s, pieces[i].energy_j);
      if (pieces[i].energy_j > 0)
        unc += S_outside(pieces[i].start_s, pieces[i].end_s, from, to, instants);
    } else {
      g += pieces[i].energy_j / TP_J_PER_KWH * c->intensity_g_per_kwh;
    }
  }
  if (uncovered_s) *uncovered_s = unc;
  return g / 1000.0;
}

double tp_carbon_price(const tp_carbon *c, const tp_energy_piece *pieces, size_t n,
                       double *uncovered_s) {
  size_t instants = 0;
  return S_price(c, pieces, n, uncovered_s, &instants);
}

/* "YYYY-MM-DD HH:MM UTC" of t into buf (72 bytes). */
static const char *S_when(char buf[72], double t) {
  struct tm tm;
  if (tp_utc_tm(t, &tm))
    snprintf(buf, 72, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min);
  else
    snprintf(buf, 72, "%g", t);
  return buf;
}

void tp_carbon_apply(const tp_carbon *c, tp_run_energy *re, double start_s, double end_s,
                     const tp_energy_piece *profile, size_t n, tp_diags *d) {
  if (!isfinite(re->it_j)) return;
  re->facility_j = re->it_j * c->pue;
  double total = 0;
  for (size_t i = 0; i < n && profile; i++) total += profile[i].energy_j;
  double unc = 0;
  size_t instants = 0;
  if (profile && n && total > 0 && re->facility_j > 0) {
    /* The profile's shape, scaled to the run's facility energy. */
    double scale = re->facility_j / total;
    tp_energy_piece *p = tp_xmalloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
      p[i] = profile[i];
      p[i].energy_j *= scale;
    }
    re->co2e_kg = S_price(c, p, n, &unc, &instants);
    free(p);
  } else {
    /* Evenly over the window; 1 J when there is no energy, for the rate. */
    double e = re->facility_j > 0 ? re->facility_j : 1.0;
    tp_energy_piece one = {start_s, isfinite(end_s) ? end_s : start_s, e};
    double kg = S_price(c, &one, 1, &unc, &instants);
    re->co2e_kg = re->facility_j > 0 ? kg : 0;
    re->intensity_g_per_kwh = kg * 1000.0 / (e / TP_J_PER_KWH);
  }
  if (re->facility_j > 0)
    re->intensity_g_per_kwh = re->co2e_kg * 1000.0 / (re->facility_j / TP_J_PER_KWH);
  double from, to;
  if ((unc > 0 || instants) && re->facility_j > 0 &&
      tp_intensity_series_span(c->series, &from, &to) == 0) {
    re->co2e_kg = re->intensity_g_per_kwh = NAN;
    char a[72], b[72];
    if (d)
      tp_diag_add(d, TP_WARN, NULL, -1, -1,
                  "%.2f h of the run lie outside the intensity series, which spans %s to %s "
                  "(its last row held for one typical interval, %g s): the run's CO2e is "
                  "left unknown",
                  unc / TP_S_PER_H, S_when(a, from), S_when(b, to), to - c->series->rows[c->series->count - 1].t_s);
  }
}
