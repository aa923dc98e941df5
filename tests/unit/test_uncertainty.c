/* Uncertainty: each range with numbers worked out by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/carbon.h"
#include "model/mem.h"
#include "model/uncertainty.h"
#include "tp_test.h"

/* Countries FR 50, DE 400, PL 700 (and WORLD 475, not a country); regions
 * with fleet PUEs 1.15, 1.10 and 1.18. */
static tp_zone_intensity S_zones[] = {
    {"WORLD", "World", 475, 2019, "world"}, {"FR", "France", 50, 2023, "fr"},
    {"DE", "Germany", 400, 2023, "de"},     {"PL", "Poland", 700, 2023, "pl"},
};
static tp_country_code S_countries[] = {
    {"FR", "FRA", "France"}, {"DE", "DEU", "Germany"}, {"PL", "POL", "Poland"}};
static tp_cloud_region S_regions[] = {
    {"aws", "us-east-1", "Virginia", "DE", 400, 1.15, "aws"},
    {"gcp", "europe-west1", "Belgium", "FR", 50, 1.10, "gcp"},
    {"azure", "westeurope", "Netherlands", "DE", 400, 1.18, "azure"},
};

static tp_reftables S_tables(void) {
  tp_reftables t = {0};
  t.zones = S_zones;
  t.n_zones = 4;
  t.countries = S_countries;
  t.n_countries = 3;
  t.regions = S_regions;
  t.n_regions = 3;
  return t;
}

/* Type-7 quantiles of 10..50: p 0.1 -> h = 0.4 -> 14; p 0.9 -> h = 3.6 -> 46. */
static void test_quantile(void) {
  double v[] = {10, 20, 30, 40, 50};
  CHECK_NEAR(tp_uncertainty_quantile(v, 5, 0.1), 14, 1e-12);
  CHECK_NEAR(tp_uncertainty_quantile(v, 5, 0.9), 46, 1e-12);
  CHECK_NEAR(tp_uncertainty_quantile(v, 5, 0.5), 30, 1e-12);
  CHECK_NEAR(tp_uncertainty_quantile(v, 1, 0.9), 10, 1e-12);
  CHECK(isnan(tp_uncertainty_quantile(v, 0, 0.5)));
}

/* Unknown data centre: 1.58 (1.10-1.79). */
static void test_pue_unknown(void) {
  tp_reftables t = S_tables();
  tp_range r = tp_uncertainty_pue_unknown(&t);
  CHECK_NEAR(r.value, 1.58, 1e-12);
  CHECK_NEAR(r.low, 1.10, 1e-12);
  CHECK_NEAR(r.high, 1.79, 1e-12);
  /* No regions: the low end is the value itself. */
  tp_range r0 = tp_uncertainty_pue_unknown(NULL);
  CHECK_NEAR(r0.low, 1.58, 1e-12);
  CHECK_NEAR(r0.high, 1.79, 1e-12);
}

/* Unknown grid: countries 50, 400, 700 -> 10th percentile h = 0.2 -> 50 + 0.2 x
 * 350 = 120; 90th h = 1.8 -> 400 + 0.8 x 300 = 640. */
static void test_intensity_unknown(void) {
  tp_reftables t = S_tables();
  tp_range r = tp_uncertainty_intensity_unknown(&t, 475);
  CHECK_NEAR(r.value, 475, 1e-12);
  CHECK_NEAR(r.low, 120, 1e-9);
  CHECK_NEAR(r.high, 640, 1e-9);
  /* A world value outside the spread widens it. */
  tp_range w = tp_uncertainty_intensity_unknown(&t, 700);
  CHECK_NEAR(w.high, 700, 1e-9);
}

static void S_device(tp_run *r, const char *id, double covered_s, double idle_w, double peak_w) {
  size_t n = r->energy.n_devices++;
  r->energy.devices = tp_xrealloc(r->energy.devices, (n + 1) * sizeof *r->energy.devices);
  r->energy.devices[n] =
      (tp_device_energy){tp_xstrdup(id), NULL, 0, covered_s, peak_w, idle_w, 0, NULL, TP_FIELD_UNSAID};
}

/* 100 kJ over a 1000 s window, PUE 1.5, 400 g/kWh: facility 150 kJ, CO2e
 * 150e3 / 3.6e6 x 0.4 = 0.0166667 kg.  Device b covered 800 s: gap 200 s,
 * at idle 50 W = 10 kJ, at peak 300 W = 60 kJ.  IT 100 (100-160) kJ.  PUE
 * 1.5 (1.2-1.8): facility 150 (120-288) kJ.  Intensity 400 (300-500): CO2e
 * low 120e3 x 4e-4/3.6e6 x 0.75 = 0.01, high 288e3 x 4e-4/3.6e6 x 1.25 = 0.04. */
static void test_run(void) {
  tp_run *r = tp_run_new("exp/a", "exp/a");
  r->start_s = 0;
  r->end_s = 1000;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = 100e3;
  r->energy.facility_j = 150e3;
  r->energy.co2e_kg = 150e3 / 3.6e6 * 0.4;
  r->energy.intensity_g_per_kwh = 400;
  S_device(r, "gpu0", 1000, 40, 250);
  S_device(r, "gpu1", 800, 50, 300);
  tp_uncertainty_run u = tp_uncertainty_of_run(r, (tp_range){1.5, 1.2, 1.8},
                                               (tp_range){400, 300, 500}, NULL);
  CHECK_NEAR(u.gap_device_s, 200, 1e-9);
  CHECK_NEAR(u.gap_idle_j, 10e3, 1e-9);
  CHECK_NEAR(u.gap_peak_j, 60e3, 1e-9);
  CHECK(!u.gap_unbounded);
  CHECK_NEAR(u.it_j.value, 100e3, 1e-9);
  CHECK_NEAR(u.it_j.low, 100e3, 1e-9);
  CHECK_NEAR(u.it_j.high, 160e3, 1e-9);
  CHECK_NEAR(u.facility_j.value, 150e3, 1e-9);
  CHECK_NEAR(u.facility_j.low, 120e3, 1e-9);
  CHECK_NEAR(u.facility_j.high, 288e3, 1e-9);
  CHECK_NEAR(u.co2e_kg.value, 0.0166666667, 1e-9);
  CHECK_NEAR(u.co2e_kg.low, 0.01, 1e-12);
  CHECK_NEAR(u.co2e_kg.high, 0.04, 1e-12);

  /* Exact PUE and intensity: only the gap widens the range. */
  tp_uncertainty_run e = tp_uncertainty_of_run(r, tp_range_exact(1.5), (tp_range){NAN, NAN, NAN}, NULL);
  CHECK_NEAR(e.facility_j.low, 150e3, 1e-9);
  CHECK_NEAR(e.facility_j.high, 240e3, 1e-9);
  CHECK_NEAR(e.co2e_kg.high, 240e3 / 3.6e6 * 0.4, 1e-12);

  /* A device with a gap and no power seen: flagged, not bounded. */
  S_device(r, "gpu2", 0, NAN, NAN);
  tp_uncertainty_run g = tp_uncertainty_of_run(r, tp_range_exact(1.5), tp_range_exact(400), NULL);
  CHECK(g.gap_unbounded);
  CHECK_NEAR(g.gap_device_s, 1200, 1e-9);
  CHECK_NEAR(g.it_j.high, 160e3, 1e-9);

  /* The same device with a name the hardware table knows (A100 SXM4, 400 W):
   * its 1000 s gap is bounded by the rated power, +400 kJ: high 560 kJ. */
  tp_hardware hw[] = {{TP_HW_GPU, "NVIDIA A100 SXM4 40GB", 400, "s", 0, NULL}};
  tp_reftables ht = {.hardware = hw, .n_hardware = 1};
  r->energy.devices[2].name = tp_xstrdup("NVIDIA A100-SXM4-40GB");
  tp_uncertainty_run rated =
      tp_uncertainty_of_run(r, tp_range_exact(1.5), tp_range_exact(400), &ht);
  CHECK(!rated.gap_unbounded);
  CHECK_NEAR(rated.gap_peak_j, 60e3 + 400e3, 1e-6);
  CHECK_NEAR(rated.it_j.high, 560e3, 1e-6);
  CHECK_NEAR(rated.it_j.low, 100e3, 1e-9);

  /* Estimated energy has no gap; its range is half of it to all of it (an
   * upper bound at rated power): 100 kJ (50-100). */
  r->energy.method = TP_ENERGY_ESTIMATED;
  tp_uncertainty_run s = tp_uncertainty_of_run(r, tp_range_exact(1.5), tp_range_exact(400), NULL);
  CHECK_NEAR(s.it_j.high, 100e3, 1e-9);
  CHECK_NEAR(s.it_j.low, 50e3, 1e-9);
  CHECK_NEAR(s.gap_device_s, 0, 0);
  r->energy.method = TP_ENERGY_NONE;
  tp_uncertainty_run n = tp_uncertainty_of_run(r, tp_range_exact(1.5), tp_range_exact(400), NULL);
  CHECK(isnan(n.it_j.value) && isnan(n.co2e_kg.high));
  tp_run_free(r);
}

static tp_run *S_priced_run(const char *id, double it_kwh, double covered_s, double peak_w) {
  tp_run *r = tp_run_new(id, id);
  r->start_s = 0;
  r->end_s = 3600;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = it_kwh * 3.6e6;
  r->energy.facility_j = r->energy.it_j * 1.58;
  r->energy.co2e_kg = r->energy.facility_j / 3.6e6 * 0.475;
  r->energy.intensity_g_per_kwh = 475;
  S_device(r, "gpu0", covered_s, peak_w / 4, peak_w);
  return r;
}

/* A lab with the defaults (PUE 1.58 assumed, zone WORLD at 475): run a 1 kWh
 * covered, run b 2 kWh with half its hour uncovered at 2 kW peak (+1 kWh,
 * idle 0.25 kWh).  IT 3 (3-4) kWh; facility 4.74 (3 x 1.10 = 3.3 - 4 x 1.79 =
 * 7.16) kWh; CO2e 2.2515 (3.3 x 0.120 = 0.396 - 7.16 x 0.640 = 4.5824) kg.
 * One configuration (no hparams): mean IT 1.5 (1.5-2) kWh. */
static void test_lab(void) {
  tp_reftables t = S_tables();
  tp_lab lab = {0};
  tp_lab_add_run(&lab, S_priced_run("exp/a", 1, 3600, 500));
  tp_lab_add_run(&lab, S_priced_run("exp/b", 2, 1800, 2000));
  tp_lab_group(&lab);
  lab.assumptions.pue = 1.58;
  lab.assumptions.pue_source = tp_xstrdup(TP_PUE_DEFAULT_SOURCE);
  lab.assumptions.intensity_g_per_kwh = 475;
  lab.assumptions.zone = tp_xstrdup("WORLD");

  tp_uncertainty u;
  tp_uncertainty_compute(&u, &lab, &t, NULL);
  CHECK_NEAR(u.pue.low, 1.10, 1e-12);
  CHECK_NEAR(u.pue.high, 1.79, 1e-12);
  CHECK_NEAR(u.intensity.low, 120, 1e-9);
  CHECK_NEAR(u.intensity.high, 640, 1e-9);
  const double kwh = 3.6e6;
  CHECK_NEAR(u.total.it_j.value / kwh, 3, 1e-12);
  CHECK_NEAR(u.total.it_j.low / kwh, 3, 1e-12);
  CHECK_NEAR(u.total.it_j.high / kwh, 4, 1e-12);
  CHECK_NEAR(u.total.gap_idle_j / kwh, 0.25, 1e-12);
  CHECK_NEAR(u.total.facility_j.value / kwh, 4.74, 1e-12);
  CHECK_NEAR(u.total.facility_j.low / kwh, 3.3, 1e-12);
  CHECK_NEAR(u.total.facility_j.high / kwh, 7.16, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.value, 2.2515, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.low, 0.396, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.high, 4.5824, 1e-12);
  CHECK_INT(u.n_experiments, 1);
  CHECK_NEAR(u.experiments[0].co2e_kg.high, 4.5824, 1e-12);
  CHECK_INT(lab.experiments[0].n_configs, 1);
  CHECK_NEAR(u.configs[0][0].it_j.value / kwh, 1.5, 1e-12);
  CHECK_NEAR(u.configs[0][0].it_j.high / kwh, 2, 1e-12);
  tp_uncertainty_free(&u);

  /* A configured PUE range and a relative intensity spread for a known zone:
   * PUE 1.58 (1.4-1.7); zone DE at 475 +- 10 % (427.5-522.5).  Facility low
   * 3 x 1.4 = 4.2, high 4 x 1.7 = 6.8 kWh; CO2e low 4.2 x 0.4275 = 1.7955,
   * high 6.8 x 0.5225 = 3.553 kg. */
  free(lab.assumptions.zone);
  lab.assumptions.zone = tp_xstrdup("DE");
  tp_uncertainty_opts o = tp_uncertainty_opts_default();
  o.pue_low = 1.4;
  o.pue_high = 1.7;
  o.intensity_rel = 0.1;
  tp_uncertainty_compute(&u, &lab, &t, &o);
  CHECK_NEAR(u.total.facility_j.low / kwh, 4.2, 1e-12);
  CHECK_NEAR(u.total.facility_j.high / kwh, 6.8, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.low, 1.7955, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.high, 3.553, 1e-12);
  tp_uncertainty_free(&u);

  /* A given PUE and a zone without spread: only coverage is uncertain. */
  free(lab.assumptions.pue_source);
  lab.assumptions.pue_source = tp_xstrdup("--pue");
  tp_uncertainty_compute(&u, &lab, &t, NULL);
  CHECK_NEAR(u.pue.low, 1.58, 1e-12);
  CHECK_NEAR(u.intensity.high, 475, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.low, 2.2515, 1e-12);
  CHECK_NEAR(u.total.co2e_kg.high, 4 * 1.58 * 0.475, 1e-12);
  tp_uncertainty_free(&u);

  /* A configured range that leaves the value out is widened to hold it. */
  o.pue_low = 1.2;
  o.pue_high = 1.3;
  tp_uncertainty_compute(&u, &lab, &t, &o);
  CHECK_NEAR(u.pue.high, 1.58, 1e-12);
  tp_uncertainty_free(&u);
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_quantile);
  TP_RUN(test_pue_unknown);
  TP_RUN(test_intensity_unknown);
  TP_RUN(test_run);
  TP_RUN(test_lab);
  return tp_test_summary();
}
