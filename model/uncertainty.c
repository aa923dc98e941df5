/* uncertainty: ranges from coverage, PUE and intensity (see uncertainty.h). */
#include "model/uncertainty.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/carbon.h"
#include "model/estimate.h"
#include "model/mem.h"

const char *const tp_uncertainty_source_names[TP_US_COUNT] = {
    "sensor", "sampling", "coverage", "pue", "intensity", "estimate"};

static tp_factors S_factors_one(void) {
  tp_factors f;
  for (int k = 0; k < TP_US_COUNT; k++) f.low[k] = f.high[k] = 1;
  return f;
}

tp_uncertainty_opts tp_uncertainty_opts_default(void) {
  tp_uncertainty_opts o = {.pue_low = NAN, .pue_high = NAN, .intensity_low = NAN,
                           .intensity_high = NAN, .intensity_rel = 0};
  return o;
}

tp_range tp_range_exact(double v) { return (tp_range){v, v, v}; }

void tp_range_add(tp_range *a, tp_range b) {
  if (isfinite(b.value)) a->value += b.value;
  if (isfinite(b.low)) a->low += b.low;
  if (isfinite(b.high)) a->high += b.high;
}

/* A range [lo, hi] around v, widened to hold v. */
static tp_range S_around(double v, double lo, double hi) {
  tp_range r = {v, lo < v ? lo : v, hi > v ? hi : v};
  return r;
}

static int S_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double tp_uncertainty_quantile(const double *sorted, size_t n, double p) {
  if (n == 0) return NAN;
  if (p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  double h = (double)(n - 1) * p;
  size_t i = (size_t)floor(h);
  if (i + 1 >= n) return sorted[n - 1];
  return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

tp_range tp_uncertainty_pue_unknown(const tp_reftables *t) {
  double lo = TP_PUE_DEFAULT;
  for (size_t i = 0; t && i < t->n_regions; i++)
    if (isfinite(t->regions[i].pue) && t->regions[i].pue >= 1 && t->regions[i].pue < lo)
      lo = t->regions[i].pue;
  return S_around(TP_PUE_DEFAULT, lo, TP_PUE_UNKNOWN_HIGH);
}

tp_range tp_uncertainty_intensity_unknown(const tp_reftables *t, double world) {
  size_t n = 0;
  double *v = tp_xmalloc((t && t->n_countries ? t->n_countries : 1) * sizeof *v);
  for (size_t i = 0; t && i < t->n_countries; i++) {
    const tp_zone_intensity *z = NULL;
    for (size_t k = 0; k < t->n_zones && !z; k++)
      if (strcasecmp(t->zones[k].zone, t->countries[i].alpha2) == 0) z = &t->zones[k];
    if (z && isfinite(z->intensity_g_per_kwh)) v[n++] = z->intensity_g_per_kwh;
  }
  qsort(v, n, sizeof *v, S_cmp_double);
  tp_range r = n ? S_around(world, tp_uncertainty_quantile(v, n, 0.1),
                            tp_uncertainty_quantile(v, n, 0.9))
                 : tp_range_exact(world);
  free(v);
  return r;
}

/* low / value and high / value of r; 1 and 1 when r has no spread or value. */
static void S_ratios(tp_range r, double *lo, double *hi) {
  *lo = *hi = 1;
  if (!(isfinite(r.value) && r.value > 0 && isfinite(r.low) && isfinite(r.high))) return;
  *lo = r.low / r.value;
  *hi = r.high / r.value;
}

static tp_range S_nan_range(void) { return (tp_range){NAN, NAN, NAN}; }

/* Rated power of a traced device by its name (GPU rows for "gpu*" ids, CPU
 * rows for the rest), watts; NAN when unknown. */
static double S_rated_w(const tp_device_energy *dev, const tp_reftables *t) {
  if (!t || !dev->name || !dev->name[0]) return NAN;
  bool gpu = strncmp(dev->id, "gpu", 3) == 0;
  const tp_hardware *h = tp_estimate_find_hardware(t, gpu ? TP_HW_GPU : TP_HW_CPU, dev->name, NULL);
  return h ? h->tdp_w : NAN;
}

/* Device-seconds of gap in the run's traces, priced at idle and peak power. */
static void S_gaps(tp_uncertainty_run *u, const tp_run *run, const tp_reftables *t) {
  const tp_run_energy *re = &run->energy;
  double window_s = run->end_s - run->start_s;
  if (!((re->method == TP_ENERGY_INTEGRATED || re->method == TP_ENERGY_MEASURED) &&
        isfinite(window_s) && window_s > 0))
    return; /* only traces leave gaps; estimates and declared figures cover the window */
  for (size_t d = 0; d < re->n_devices; d++) {
    const tp_device_energy *dev = &re->devices[d];
    double covered = isfinite(dev->covered_s) ? dev->covered_s : 0;
    double gap = window_s - covered;
    if (!(gap > 0)) continue;
    u->gap_device_s += gap;
    if (isfinite(dev->idle_w) && dev->idle_w > 0) u->gap_idle_j += gap * dev->idle_w;
    double peak = isfinite(dev->peak_w) && dev->peak_w > 0 ? dev->peak_w : S_rated_w(dev, t);
    if (isfinite(peak) && peak > 0) u->gap_peak_j += gap * peak;
    else u->gap_unbounded = true;
  }
}

/* The IT energy's factors and range: sensor, sampling, estimate, coverage. */
static void S_it_range(tp_uncertainty_run *u, const tp_run_energy *re) {
  tp_factors *f = &u->factors;
  double s = u->fp.sampling_rel < 1 ? u->fp.sampling_rel : 1;
  f->low[TP_US_SENSOR] = u->fp.sensor_low;
  f->high[TP_US_SENSOR] = u->fp.sensor_high;
  f->low[TP_US_SAMPLING] = 1 - s;
  f->high[TP_US_SAMPLING] = 1 + s;
  if (re->method == TP_ENERGY_ESTIMATED) f->low[TP_US_ESTIMATE] = TP_ESTIMATE_LOW_SHARE;
  if (re->it_j > 0) f->high[TP_US_COVERAGE] = 1 + u->gap_peak_j / re->it_j;
  double lo = re->it_j, hi = re->it_j;
  for (int k = TP_US_SENSOR; k <= TP_US_SAMPLING; k++) {
    lo *= f->low[k];
    hi *= f->high[k];
  }
  lo *= f->low[TP_US_ESTIMATE];
  u->it_j = (tp_range){re->it_j, lo < re->it_j ? lo : re->it_j, hi + u->gap_peak_j};
}

/* tp_uncertainty_of_run with the run's footprint fp. */
static tp_uncertainty_run S_of_run(const tp_run *run, tp_range pue, tp_range intensity,
                                   const tp_reftables *t, tp_footprint_run fp) {
  const tp_run_energy *re = &run->energy;
  tp_uncertainty_run u = {.it_j = S_nan_range(), .facility_j = S_nan_range(),
                          .co2e_kg = S_nan_range(), .factors = S_factors_one(),
                          .water_onsite_l = NAN, .water_offsite_l = NAN};
  u.fp = fp;
  if (re->method == TP_ENERGY_NONE || !isfinite(re->it_j)) return u;
  S_gaps(&u, run, t);
  S_it_range(&u, re);

  double pue_v = re->it_j > 0 && isfinite(re->facility_j) ? re->facility_j / re->it_j
                 : isfinite(pue.value)                    ? pue.value
                                                          : 1;
  double plo, phi, ilo, ihi;
  S_ratios(pue, &plo, &phi);
  S_ratios(intensity, &ilo, &ihi);
  u.factors.low[TP_US_PUE] = plo;
  u.factors.high[TP_US_PUE] = phi;
  u.factors.low[TP_US_INTENSITY] = ilo;
  u.factors.high[TP_US_INTENSITY] = ihi;
  u.facility_j = (tp_range){re->facility_j, u.it_j.low * pue_v * plo,
                            u.it_j.high * pue_v * phi};
  /* The run's effective intensity (time-weighted with a series), kg per J. */
  double kg_per_j = re->intensity_g_per_kwh / 1000.0 / TP_J_PER_KWH;
  if (!isfinite(kg_per_j) && re->facility_j > 0) kg_per_j = re->co2e_kg / re->facility_j;
  u.co2e_kg = (tp_range){re->co2e_kg, u.facility_j.low * kg_per_j * ilo,
                         u.facility_j.high * kg_per_j * ihi};
  /* Rounding must not put the value outside its own range. */
  if (u.co2e_kg.low > u.co2e_kg.value) u.co2e_kg.low = u.co2e_kg.value;
  if (u.co2e_kg.high < u.co2e_kg.value) u.co2e_kg.high = u.co2e_kg.value;
  if (u.facility_j.low > u.facility_j.value) u.facility_j.low = u.facility_j.value;
  if (u.facility_j.high < u.facility_j.value) u.facility_j.high = u.facility_j.value;
  return u;
}

tp_uncertainty_run tp_uncertainty_of_run(const tp_run *run, tp_range pue, tp_range intensity,
                                         const tp_reftables *t) {
  return S_of_run(run, pue, intensity, t, tp_footprint_of_run(run, t));
}

/* The PUE range in force and why. */
static void S_pue_range(tp_uncertainty *u, const tp_lab *lab, const tp_reftables *t,
                        const tp_uncertainty_opts *o) {
  double pue = lab->assumptions.pue;
  const char *src = lab->assumptions.pue_source;
  if (isfinite(o->pue_low) && isfinite(o->pue_high)) {
    u->pue = S_around(pue, o->pue_low, o->pue_high);
    u->pue_basis = "the configured PUE range";
  } else if (src && strcmp(src, TP_PUE_DEFAULT_SOURCE) == 0) {
    tp_range r = tp_uncertainty_pue_unknown(t);
    u->pue = S_around(pue, r.low, r.high);
    u->pue_basis = "unknown data centre: from the most efficient provider fleet in "
                   "cloud_regions.csv to the highest regional average of the Uptime "
                   "Institute survey 2020 (1.79)";
  } else {
    u->pue = tp_range_exact(pue);
    u->pue_basis = "given; no range";
  }
}

/* The intensity range in force and why. */
static void S_intensity_range(tp_uncertainty *u, const tp_lab *lab, const tp_reftables *t,
                              const tp_uncertainty_opts *o) {
  const tp_assumptions *a = &lab->assumptions;
  double v = a->intensity_g_per_kwh;
  if (a->intensity_series) {
    u->intensity = S_nan_range();
    u->intensity.value = v;
    u->intensity_basis = "priced interval by interval from a time series; no range";
  } else if (isfinite(o->intensity_low) && isfinite(o->intensity_high)) {
    u->intensity = S_around(v, o->intensity_low, o->intensity_high);
    u->intensity_basis = "the configured intensity range";
  } else if (a->zone && strcasecmp(a->zone, "WORLD") == 0) {
    tp_range r = tp_uncertainty_intensity_unknown(t, v);
    u->intensity = S_around(v, r.low, r.high);
    u->intensity_basis = "unknown grid: 10th to 90th percentile of the country rows of "
                         "grid_intensity.csv";
  } else if (o->intensity_rel > 0) {
    u->intensity = S_around(v, v * (1 - o->intensity_rel), v * (1 + o->intensity_rel));
    u->intensity_basis = "the configured relative spread of the zone's annual value";
  } else {
    u->intensity = tp_range_exact(v);
    u->intensity_basis = "annual average of the zone; the table gives no spread";
  }
}

/* x + v, where a NAN x is nothing yet and a NAN v adds nothing. */
static double S_add_known(double x, double v) {
  if (!isfinite(v)) return x;
  return isfinite(x) ? x + v : v;
}

/* Weigh the run's factors into the sum's: IT energy for the sources acting
 * on it, facility energy for PUE, CO2e for intensity. */
static void S_sum_factors(tp_uncertainty_sum *s, const tp_uncertainty_run *r) {
  for (int k = 0; k < TP_US_COUNT; k++) {
    double w = k == TP_US_PUE ? r->facility_j.value
               : k == TP_US_INTENSITY ? r->co2e_kg.value
                                      : r->it_j.value;
    if (!(isfinite(w) && w > 0)) continue;
    double total = s->weight[k] + w;
    s->factors.low[k] = (s->factors.low[k] * s->weight[k] + r->factors.low[k] * w) / total;
    s->factors.high[k] = (s->factors.high[k] * s->weight[k] + r->factors.high[k] * w) / total;
    s->weight[k] = total;
  }
}

static void S_sum_add(tp_uncertainty_sum *s, const tp_uncertainty_run *r) {
  if (s->n_known == 0) {
    s->factors = S_factors_one();
    s->embodied_kg = s->water_onsite_l = s->water_offsite_l = s->idle_j = s->gpu_j = NAN;
  }
  S_sum_factors(s, r);
  s->embodied_kg = S_add_known(s->embodied_kg, r->fp.embodied_kg);
  s->water_onsite_l = S_add_known(s->water_onsite_l, r->water_onsite_l);
  s->water_offsite_l = S_add_known(s->water_offsite_l, r->water_offsite_l);
  s->idle_j = S_add_known(s->idle_j, r->fp.idle_j);
  s->gpu_j = S_add_known(s->gpu_j, r->fp.gpu_j);
  tp_range_add(&s->it_j, r->it_j);
  tp_range_add(&s->facility_j, r->facility_j);
  tp_range_add(&s->co2e_kg, r->co2e_kg);
  s->gap_device_s += r->gap_device_s;
  s->gap_idle_j += r->gap_idle_j;
  s->gap_peak_j += r->gap_peak_j;
  s->n_known++;
}

/* A sum over no run with a known energy is unknown, not 0. */
static void S_sum_unknown_if_empty(tp_uncertainty_sum *s) {
  if (s->n_known > 0) return;
  s->it_j = s->facility_j = s->co2e_kg = S_nan_range();
  s->factors = S_factors_one();
  s->embodied_kg = s->water_onsite_l = s->water_offsite_l = s->idle_j = s->gpu_j = NAN;
}

/* Water of a run with energy: IT kWh x on-site WUE, facility kWh x the
 * grid's water intensity (Li, Yang, Islam and Ren 2023). */
static void S_water(tp_uncertainty_run *u, const tp_run *run, const tp_assumptions *a) {
  const tp_run_energy *re = &run->energy;
  if (re->method == TP_ENERGY_NONE) return;
  if (a->wue_source && isfinite(a->wue_l_per_kwh) && isfinite(re->it_j))
    u->water_onsite_l = re->it_j / TP_J_PER_KWH * a->wue_l_per_kwh;
  if (a->water_offsite_source && isfinite(a->water_offsite_l_per_kwh) &&
      isfinite(re->facility_j))
    u->water_offsite_l = re->facility_j / TP_J_PER_KWH * a->water_offsite_l_per_kwh;
}

static void S_range_scale(tp_range *r, double k) {
  r->value *= k;
  r->low *= k;
  r->high *= k;
}

void tp_uncertainty_compute(tp_uncertainty *u, const tp_lab *lab, const tp_reftables *t,
                            const tp_uncertainty_opts *o) {
  tp_uncertainty_opts def = tp_uncertainty_opts_default();
  if (!o) o = &def;
  memset(u, 0, sizeof *u);
  S_pue_range(u, lab, t, o);
  S_intensity_range(u, lab, t, o);

  u->n_runs = lab->n_runs;
  u->runs = tp_xcalloc(lab->n_runs ? lab->n_runs : 1, sizeof *u->runs);
  for (size_t i = 0; i < lab->n_runs; i++) {
    u->runs[i] = S_of_run(lab->runs[i], u->pue, u->intensity, t,
                          tp_footprint_of_lab_run(lab, i, t));
    S_water(&u->runs[i], lab->runs[i], &lab->assumptions);
    if (isfinite(u->runs[i].it_j.value)) S_sum_add(&u->total, &u->runs[i]);
  }
  S_sum_unknown_if_empty(&u->total);

  u->n_experiments = lab->n_experiments;
  size_t ne = lab->n_experiments ? lab->n_experiments : 1;
  u->experiments = tp_xcalloc(ne, sizeof *u->experiments);
  u->configs = tp_xcalloc(ne, sizeof *u->configs);
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    for (size_t k = 0; k < e->n_runs; k++)
      if (e->runs[k] < lab->n_runs && isfinite(u->runs[e->runs[k]].it_j.value))
        S_sum_add(&u->experiments[i], &u->runs[e->runs[k]]);
    S_sum_unknown_if_empty(&u->experiments[i]);
    u->configs[i] = tp_xcalloc(e->n_configs ? e->n_configs : 1, sizeof *u->configs[i]);
    for (size_t c = 0; c < e->n_configs; c++) {
      const tp_config_group *g = &e->configs[c];
      tp_uncertainty_sum *s = &u->configs[i][c];
      for (size_t k = 0; k < g->n_runs; k++)
        if (g->runs[k] < lab->n_runs && isfinite(u->runs[g->runs[k]].it_j.value))
          S_sum_add(s, &u->runs[g->runs[k]]);
      if (s->n_known == 0) {
        S_sum_unknown_if_empty(s);
        continue;
      }
      double k = 1.0 / (double)s->n_known;
      S_range_scale(&s->it_j, k);
      S_range_scale(&s->facility_j, k);
      S_range_scale(&s->co2e_kg, k);
      s->gap_device_s *= k;
      s->gap_idle_j *= k;
      s->gap_peak_j *= k;
      s->embodied_kg *= k;
      s->water_onsite_l *= k;
      s->water_offsite_l *= k;
      s->idle_j *= k;
      s->gpu_j *= k;
    }
  }
}

void tp_uncertainty_free(tp_uncertainty *u) {
  if (!u) return;
  for (size_t i = 0; i < u->n_experiments; i++) free(u->configs[i]);
  free(u->configs);
  free(u->experiments);
  free(u->runs);
  memset(u, 0, sizeof *u);
}
