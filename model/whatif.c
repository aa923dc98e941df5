/* whatif: the same energy under other locations, PUEs and times (see whatif.h). */
#include "model/whatif.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/runspill.h"

/* ======================================================================== */
/* by location                                                               */
/* ======================================================================== */

/* Iceland to India in the shipped table (OWID/Ember, 2022-2023 values):
 * IS 28, SE 41, FR 56, BR 98, GB 238, US 369, DE 381, CN 582, PL 662,
 * ZA 708, IN 713 gCO2e/kWh. */
const char *const TP_WHATIF_DEFAULT_ZONES[] = {"IS", "SE", "FR", "BR", "GB", "US",
                                               "DE", "CN", "PL", "ZA", "IN"};
const size_t TP_WHATIF_N_DEFAULT_ZONES =
    sizeof TP_WHATIF_DEFAULT_ZONES / sizeof TP_WHATIF_DEFAULT_ZONES[0];

/* The grid row of a zone code or of a cloud region's zone, or NULL. */
static const tp_zone_intensity *S_zone_of(const tp_reftables *t, const char *code) {
  const tp_zone_intensity *z = tp_reftable_find_zone(t, code);
  if (z) return z;
  const tp_cloud_region *r = tp_reftable_find_region(t, code);
  return r ? tp_reftable_find_zone(t, r->zone) : NULL;
}

void tp_whatif_by_zones(tp_whatif_zones *out, const tp_reftables *t, double facility_j,
                        const char *const *codes, size_t n) {
  memset(out, 0, sizeof *out);
  if (!codes) {
    codes = TP_WHATIF_DEFAULT_ZONES;
    n = TP_WHATIF_N_DEFAULT_ZONES;
  }
  out->facility_j = facility_j;
  out->factor = NAN;
  out->rows = tp_xcalloc(n ? n : 1, sizeof *out->rows);
  for (size_t i = 0; i < n; i++) {
    const tp_zone_intensity *z = S_zone_of(t, codes[i]);
    if (!z) {
      out->unknown = tp_xrealloc(out->unknown, (out->n_unknown + 1) * sizeof *out->unknown);
      out->unknown[out->n_unknown++] = tp_xstrdup(codes[i]);
      continue;
    }
    tp_whatif_zone *row = &out->rows[out->n++];
    row->code = codes[i];
    row->zone = z;
    row->co2e_kg = facility_j / TP_J_PER_KWH * z->intensity_g_per_kwh / 1000.0;
  }
  for (size_t i = 1; i < out->n; i++) {
    if (out->rows[i].co2e_kg < out->rows[out->i_min].co2e_kg) out->i_min = i;
    if (out->rows[i].co2e_kg > out->rows[out->i_max].co2e_kg) out->i_max = i;
  }
  if (out->n && out->rows[out->i_min].co2e_kg > 0)
    out->factor = out->rows[out->i_max].co2e_kg / out->rows[out->i_min].co2e_kg;
}

char **tp_whatif_split_codes(const char *list, size_t *n) {
  char **codes = NULL;
  size_t cap = 0;
  *n = 0;
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    const char *a = p, *b = end;
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    if (b > a) {
      TP_GROW(codes, cap, *n + 1);
      codes[(*n)++] = tp_xstrndup(a, (size_t)(b - a));
    }
    p = *end ? end + 1 : end;
  }
  return codes;
}

void tp_whatif_codes_free(char **codes, size_t n) {
  for (size_t i = 0; i < n; i++) free(codes[i]);
  free(codes);
}

void tp_whatif_zones_free(tp_whatif_zones *z) {
  if (!z) return;
  free(z->rows);
  tp_whatif_codes_free(z->unknown, z->n_unknown);
  memset(z, 0, sizeof *z);
}

/* ======================================================================== */
/* by PUE                                                                    */
/* ======================================================================== */

double tp_whatif_efficient_pue(const tp_reftables *t, const char **source) {
  const tp_cloud_region *best = NULL;
  for (size_t i = 0; t && i < t->n_regions; i++)
    if (isfinite(t->regions[i].pue) && t->regions[i].pue >= 1 &&
        (!best || t->regions[i].pue < best->pue))
      best = &t->regions[i];
  if (!best) {
    if (source) *source = TP_PUE_DEFAULT_SOURCE;
    return TP_PUE_DEFAULT;
  }
  if (source) {
    const char *pue = best->source ? strstr(best->source, "PUE: ") : NULL;
    *source = pue ? pue + 5 : best->source;
  }
  return best->pue;
}

void tp_whatif_by_pue(tp_whatif_pue *out, const tp_reftables *t, double it_j,
                      double intensity_g_per_kwh) {
  memset(out, 0, sizeof *out);
  out->it_j = it_j;
  out->intensity_g_per_kwh = intensity_g_per_kwh;
  out->typical_pue = TP_PUE_DEFAULT;
  out->typical_source = TP_PUE_DEFAULT_SOURCE;
  out->efficient_pue = tp_whatif_efficient_pue(t, &out->efficient_source);
  out->typical_facility_j = it_j * out->typical_pue;
  out->efficient_facility_j = it_j * out->efficient_pue;
  double kg_per_j = intensity_g_per_kwh / 1000.0 / TP_J_PER_KWH;
  out->typical_co2e_kg = out->typical_facility_j * kg_per_j;
  out->efficient_co2e_kg = out->efficient_facility_j * kg_per_j;
}

/* ======================================================================== */
/* by time                                                                   */
/* ======================================================================== */

/* Where the series stops holding, as model/carbon prices it: the last row's
 * time plus the series' typical interval. */
static double S_series_end(const tp_intensity_series *s) {
  double from, to;
  return tp_intensity_series_span(s, &from, &to) == 0 ? to : -INFINITY;
}

/* kg CO2e of the pieces shifted by d seconds. */
static double S_price_shifted(const tp_carbon *c, const tp_energy_piece *pieces, size_t n,
                              double d, tp_energy_piece *tmp, double *uncovered_s) {
  for (size_t i = 0; i < n; i++) {
    tmp[i] = pieces[i];
    tmp[i].start_s += d;
    tmp[i].end_s += d;
  }
  return tp_carbon_price(c, tmp, n, uncovered_s);
}

/* One interval of the series inside a span, for the pausable case. */
typedef struct S_slot {
  double len_s, intensity;
  double t_s; /* start, to break ties by time */
} S_slot;

static int S_cmp_slot(const void *a, const void *b) {
  const S_slot *x = a, *y = b;
  if (x->intensity != y->intensity) return x->intensity < y->intensity ? -1 : 1;
  return (x->t_s > y->t_s) - (x->t_s < y->t_s);
}

/* Least kg CO2e of energy_j run at constant power for duration_s within
 * [a, b) under s, cleanest intervals first; NAN when s covers too little. */
static double S_price_pausable(const tp_intensity_series *s, double a, double b,
                               double energy_j, double duration_s) {
  double series_end = S_series_end(s);
  S_slot *slots = tp_xmalloc(s->count * sizeof *slots);
  size_t n = 0;
  for (size_t k = 0; k < s->count; k++) {
    double lo = fmax(s->rows[k].t_s, a);
    double hi = fmin(k + 1 < s->count ? s->rows[k + 1].t_s : series_end, b);
    if (hi > lo) slots[n++] = (S_slot){hi - lo, s->rows[k].intensity_g_per_kwh, lo};
  }
  qsort(slots, n, sizeof *slots, S_cmp_slot);
  double left = duration_s, g_s = 0; /* gCO2e/kWh x seconds */
  for (size_t i = 0; i < n && left > 0; i++) {
    double take = fmin(left, slots[i].len_s);
    g_s += take * slots[i].intensity;
    left -= take;
  }
  free(slots);
  if (left > 1e-9 * duration_s) return NAN;
  double power_w = energy_j / duration_s;
  return power_w * g_s / TP_J_PER_KWH / 1000.0;
}

void tp_whatif_by_time(tp_whatif_time *out, const tp_energy_piece *pieces, size_t n,
                       const tp_intensity_series *s, double horizon_s, double step_s) {
  memset(out, 0, sizeof *out);
  out->co2e_kg_actual = out->co2e_kg_best = out->co2e_kg_pausable = NAN;
  out->best_delay_s = NAN;
  if (!n || !s || !s->count) return;
  tp_carbon c = {.pue = 1, .series = s};
  tp_energy_piece *tmp = tp_xmalloc(n * sizeof *tmp);
  double a = pieces[0].start_s, b = pieces[n - 1].end_s, energy_j = 0;
  for (size_t i = 0; i < n; i++) energy_j += pieces[i].energy_j;
  double series_end = S_series_end(s);
  out->co2e_kg_actual = S_price_shifted(&c, pieces, n, 0, tmp, NULL);
  if (!(step_s > 0)) step_s = TP_WHATIF_STEP_S;
  for (double k = 0; k * step_s <= horizon_s; k++) {
    double d = k * step_s, unc = 0;
    if (b + d > series_end) break;
    double kg = S_price_shifted(&c, pieces, n, d, tmp, &unc);
    if (unc > 0) continue;
    out->n_starts++;
    if (!out->shift_ok || kg < out->co2e_kg_best) {
      out->shift_ok = true;
      out->co2e_kg_best = kg;
      out->best_delay_s = d;
    }
  }
  free(tmp);
  if (b > a) {
    out->co2e_kg_pausable = S_price_pausable(s, a, b + horizon_s, energy_j, b - a);
    out->pause_ok = isfinite(out->co2e_kg_pausable);
  }
}

/* tp_whatif_run_pieces of a run whose power profiles are in memory. */
static size_t S_run_pieces(const tp_run *run, tp_energy_piece **out) {
  *out = NULL;
  double it = run->energy.it_j, a = run->start_s, b = run->end_s;
  if (run->energy.method == TP_ENERGY_NONE || !isfinite(it) || !isfinite(a) || !isfinite(b) ||
      b < a)
    return 0;
  const tp_power_profile *g = run->n_power ? &run->power[0] : NULL;
  tp_energy_piece *p = NULL;
  size_t n = 0;
  double total = 0;
  if (g && g->n && g->dt_s > 0 && b > a) {
    p = tp_xcalloc(g->n, sizeof *p);
    for (size_t i = 0; i < g->n; i++) {
      double lo = fmax(g->t0_s + (double)i * g->dt_s, a);
      double hi = fmin(g->t0_s + (double)(i + 1) * g->dt_s, b);
      if (!(hi > lo)) continue;
      tp_energy_piece *q = &p[n++];
      *q = (tp_energy_piece){lo, hi, 0};
      /* Every device whose profile has the same buckets (all of a run's
       * profiles are made over the same widened window). */
      for (size_t d = 0; d < run->n_power; d++) {
        const tp_power_profile *pp = &run->power[d];
        if (pp->n != g->n || pp->t0_s != g->t0_s || pp->dt_s != g->dt_s) continue;
        double w = tp_power_profile_mean(pp, i);
        if (isfinite(w) && w > 0) q->energy_j += w * (hi - lo);
      }
      total += q->energy_j;
    }
  }
  if (total > 0 && it > 0) {
    for (size_t i = 0; i < n; i++) p[i].energy_j *= it / total;
  } else {
    free(p);
    p = tp_xmalloc(sizeof *p);
    *p = (tp_energy_piece){a, b, it};
    n = 1;
  }
  *out = p;
  return n;
}

size_t tp_whatif_run_pieces(const tp_run *run, tp_energy_piece **out) {
  tp_runspill_hold_power(run);
  size_t n = S_run_pieces(run, out);
  tp_runspill_release_power(run);
  return n;
}

void tp_whatif_lab_time(tp_whatif_time *out, const tp_lab *lab, const tp_intensity_series *s,
                        size_t *n_priced) {
  memset(out, 0, sizeof *out);
  out->best_delay_s = NAN;
  if (n_priced) *n_priced = 0;
  if (!s || !s->count) {
    out->co2e_kg_actual = out->co2e_kg_best = out->co2e_kg_pausable = NAN;
    return;
  }
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    tp_energy_piece *p;
    size_t n = tp_whatif_run_pieces(r, &p);
    /* A run whose CO2e is unknown (energy outside the series) is left out. */
    if (n == 0 || !(r->energy.it_j > 0) || !isfinite(r->energy.facility_j) ||
        !isfinite(r->energy.co2e_kg)) {
      free(p);
      continue;
    }
    double k = r->energy.facility_j / r->energy.it_j;
    for (size_t j = 0; j < n; j++) p[j].energy_j *= k;
    tp_whatif_time t;
    tp_whatif_by_time(&t, p, n, s, TP_WHATIF_HORIZON_S, TP_WHATIF_STEP_S);
    free(p);
    out->co2e_kg_actual += t.co2e_kg_actual;
    out->co2e_kg_best += t.shift_ok ? t.co2e_kg_best : t.co2e_kg_actual;
    out->co2e_kg_pausable += t.pause_ok ? t.co2e_kg_pausable : t.co2e_kg_actual;
    out->n_starts += t.n_starts;
    out->shift_ok |= t.shift_ok;
    out->pause_ok |= t.pause_ok;
    if (n_priced && t.shift_ok && t.pause_ok) (*n_priced)++;
  }
}

/* ======================================================================== */
/* equivalents                                                               */
/* ======================================================================== */

const char *const TP_WHATIF_EQUIVALENTS[TP_WHATIF_N_EQUIVALENTS] = {
    "car_km_us_epa", "flight_nyc_london_oneway_ccf", "household_energy_year_epa_codecarbon"};

size_t tp_whatif_equivalents(const tp_reftables *t, double co2e_kg, tp_whatif_equivalent *out) {
  size_t n = 0;
  for (size_t i = 0; i < TP_WHATIF_N_EQUIVALENTS; i++) {
    const tp_equivalence *e = tp_reftable_find_equivalence(t, TP_WHATIF_EQUIVALENTS[i]);
    if (!e || !(e->kg_co2e_per_unit > 0)) continue;
    out[n++] = (tp_whatif_equivalent){e, co2e_kg / e->kg_co2e_per_unit};
  }
  return n;
}
