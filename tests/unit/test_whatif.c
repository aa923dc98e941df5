/* What-if: location, PUE, time and equivalents, with numbers worked out by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/whatif.h"
#include "tp_test.h"

static tp_zone_intensity S_zones[] = {
    {"WORLD", "World", 475, 2019, "world"}, {"FR", "France", 50, 2023, "fr"},
    {"DE", "Germany", 400, 2023, "de"},     {"PL", "Poland", 700, 2023, "pl"},
};
static tp_country_code S_countries[] = {{"FR", "FRA", "France"}};
static tp_cloud_region S_regions[] = {
    {"aws", "us-east-1", "Virginia", "DE", 400, 1.15, "aws; PUE: AWS 1.15"},
    {"gcp", "europe-west1", "Belgium", "FR", 50, 1.10, "gcp; PUE: Google 1.10"},
};
static tp_equivalence S_equivalences[] = {
    {"car_km_us_epa", 0.2442, "km driven", "EPA"},
    {"household_energy_year_epa_codecarbon", 8350, "US home-year", "EPA via CodeCarbon"},
};

static tp_reftables S_tables(void) {
  tp_reftables t = {0};
  t.zones = S_zones;
  t.n_zones = 4;
  t.countries = S_countries;
  t.n_countries = 1;
  t.regions = S_regions;
  t.n_regions = 2;
  t.equivalences = S_equivalences;
  t.n_equivalences = 2;
  return t;
}

/* 1 kWh facility: FR 50 g, PL 700 g, europe-west1 (FR) 50 g, DE 400 g; XX is
 * unknown; factor 700 / 50 = 14. */
static void test_zones(void) {
  tp_reftables t = S_tables();
  const char *codes[] = {"FR", "PL", "XX", "europe-west1", "DE"};
  tp_whatif_zones z;
  tp_whatif_by_zones(&z, &t, 3.6e6, codes, 5);
  CHECK_INT(z.n, 4);
  CHECK_INT(z.n_unknown, 1);
  CHECK_STR(z.unknown[0], "XX");
  CHECK_NEAR(z.rows[0].co2e_kg, 0.05, 1e-12);
  CHECK_NEAR(z.rows[1].co2e_kg, 0.7, 1e-12);
  CHECK_STR(z.rows[2].zone->zone, "FR");
  CHECK_NEAR(z.rows[3].co2e_kg, 0.4, 1e-12);
  CHECK_INT(z.i_min, 0);
  CHECK_INT(z.i_max, 1);
  CHECK_NEAR(z.factor, 14, 1e-12);
  tp_whatif_zones_free(&z);

  /* The default list: the tables here know only FR, DE and PL of it. */
  tp_whatif_by_zones(&z, &t, 3.6e6, NULL, 0);
  CHECK_INT(z.n, 3);
  CHECK_INT(z.n + z.n_unknown, TP_WHATIF_N_DEFAULT_ZONES);
  CHECK_NEAR(z.factor, 14, 1e-12);
  tp_whatif_zones_free(&z);

  size_t n;
  char **c = tp_whatif_split_codes(" FR, ,DE,PL ", &n);
  CHECK_INT(n, 3);
  CHECK_STR(c[0], "FR");
  CHECK_STR(c[2], "PL");
  tp_whatif_codes_free(c, n);
  c = tp_whatif_split_codes("", &n);
  CHECK_INT(n, 0);
  tp_whatif_codes_free(c, n);
}

/* 1 kWh IT at 400 g/kWh: typical PUE 1.58 -> 0.632 kg; efficient 1.10 -> 0.44 kg. */
static void test_pue(void) {
  tp_reftables t = S_tables();
  tp_whatif_pue p;
  tp_whatif_by_pue(&p, &t, 3.6e6, 400);
  CHECK_NEAR(p.typical_pue, 1.58, 1e-12);
  CHECK_NEAR(p.efficient_pue, 1.10, 1e-12);
  CHECK_STR(p.efficient_source, "Google 1.10");
  CHECK_NEAR(p.typical_facility_j, 1.58 * 3.6e6, 1e-6);
  CHECK_NEAR(p.typical_co2e_kg, 0.632, 1e-12);
  CHECK_NEAR(p.efficient_co2e_kg, 0.44, 1e-12);
}

/* Hourly rows from t = 0 for 30 h (series end 30 h): 500, 500, 100, 300, then
 * 400, except hour 10 at 60, hour 20 at 50 and hour 21 at 80. */
static tp_intensity_series S_day(void) {
  tp_intensity_series s = {0};
  s.count = s.cap = 30;
  s.rows = tp_xcalloc(30, sizeof *s.rows);
  for (size_t k = 0; k < 30; k++) {
    double v = 400;
    if (k < 2) v = 500;
    if (k == 2) v = 100;
    if (k == 3) v = 300;
    if (k == 10) v = 60;
    if (k == 20) v = 50;
    if (k == 21) v = 80;
    s.rows[k] = (tp_intensity_row){(double)k * 3600, v};
  }
  return s;
}

/* 2 kWh facility over hours 0-1 (1 kWh each): actual 500 + 500 = 1000 g.
 * Start k hours later costs I[k] + I[k+1]: k = 2 -> 400, k = 20 -> 50 + 80 =
 * 130 g, the least of k = 0..24 (all 25 covered: 26 h <= 30 h).  Pausable:
 * the 2 cleanest hours of [0, 26 h): 50 + 60 = 110 g. */
static void test_time(void) {
  tp_intensity_series s = S_day();
  tp_energy_piece p = {0, 7200, 7.2e6};
  tp_whatif_time w;
  tp_whatif_by_time(&w, &p, 1, &s, TP_WHATIF_HORIZON_S, TP_WHATIF_STEP_S);
  CHECK_NEAR(w.co2e_kg_actual, 1.0, 1e-12);
  CHECK(w.shift_ok);
  CHECK_INT(w.n_starts, 25);
  CHECK_NEAR(w.best_delay_s, 20 * 3600, 1e-9);
  CHECK_NEAR(w.co2e_kg_best, 0.13, 1e-12);
  CHECK(w.pause_ok);
  CHECK_NEAR(w.co2e_kg_pausable, 0.11, 1e-12);

  /* The same energy in two pieces of different power gives the same start
   * when the best hours are flat enough, and prices each piece on its own:
   * 0.5 kWh in hour 0 and 1.5 kWh in hour 1 -> actual 250 + 750 = 1000 g;
   * at +20 h: 0.5 x 50 + 1.5 x 80 = 145 g. */
  tp_energy_piece two[] = {{0, 3600, 1.8e6}, {3600, 7200, 5.4e6}};
  tp_whatif_by_time(&w, two, 2, &s, TP_WHATIF_HORIZON_S, TP_WHATIF_STEP_S);
  CHECK_NEAR(w.co2e_kg_actual, 1.0, 1e-12);
  CHECK_NEAR(w.best_delay_s, 20 * 3600, 1e-9);
  CHECK_NEAR(w.co2e_kg_best, 0.145, 1e-12);
  CHECK_NEAR(w.co2e_kg_pausable, 0.11, 1e-12);
  tp_intensity_series_free(&s);

  /* Rows 0: 300, 1 h: 100, 2 h: 200 (series end 3 h); 1.5 kWh over 1.5 h.
   * Actual: 1 h at 300 + 0.5 h at 100 = 350 g.  +1 h: 100 + 0.5 x 200 = 200 g;
   * +2 h would end after the series: 2 starts.  Pausable at 1 kW: 1 h at 100
   * and half of the 200 hour: 200 g. */
  tp_intensity_row rows[] = {{0, 300}, {3600, 100}, {7200, 200}};
  tp_intensity_series s3 = {rows, 3, 3, 0};
  tp_energy_piece q = {0, 5400, 5.4e6};
  tp_whatif_by_time(&w, &q, 1, &s3, TP_WHATIF_HORIZON_S, TP_WHATIF_STEP_S);
  CHECK_NEAR(w.co2e_kg_actual, 0.35, 1e-12);
  CHECK_INT(w.n_starts, 2);
  CHECK_NEAR(w.best_delay_s, 3600, 1e-9);
  CHECK_NEAR(w.co2e_kg_best, 0.2, 1e-12);
  CHECK_NEAR(w.co2e_kg_pausable, 0.2, 1e-12);

  /* Rows from 1 h: 300, 2 h: 100, 3 h: 200 (series end 4 h); 3 kWh over
   * [0, 3 h).  The start at 0 lies partly before the series: not compared;
   * +1 h is covered (300 + 100 + 200 = 600 g); +2 h ends after the series.
   * Pausing: the span holds exactly 3 h of series, 600 g. */
  tp_intensity_row late[] = {{3600, 300}, {7200, 100}, {10800, 200}};
  tp_intensity_series sl = {late, 3, 3, 0};
  tp_energy_piece r3 = {0, 10800, 10.8e6};
  tp_whatif_by_time(&w, &r3, 1, &sl, TP_WHATIF_HORIZON_S, TP_WHATIF_STEP_S);
  CHECK(w.shift_ok);
  CHECK_INT(w.n_starts, 1);
  CHECK_NEAR(w.best_delay_s, 3600, 1e-9);
  CHECK_NEAR(w.co2e_kg_best, 0.6, 1e-12);
  CHECK(w.pause_ok);
  CHECK_NEAR(w.co2e_kg_pausable, 0.6, 1e-12);
  /* 4 h of running: no start is covered, and too little series to pause. */
  tp_energy_piece r4 = {0, 14400, 14.4e6};
  tp_whatif_by_time(&w, &r4, 1, &sl, TP_WHATIF_HORIZON_S, TP_WHATIF_STEP_S);
  CHECK(!w.shift_ok);
  CHECK(isnan(w.co2e_kg_best));
  CHECK(!w.pause_ok);
  CHECK(isnan(w.co2e_kg_pausable));
}

static tp_run *S_run(const char *id, double it_j, double facility_j) {
  tp_run *r = tp_run_new(id, id);
  r->start_s = 0;
  r->end_s = 7200;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = it_j;
  r->energy.facility_j = facility_j;
  return r;
}

/* A profile of 4 buckets of 50 s over the window [100, 300): means 100 W,
 * 300 W, none, 200 W -> 5, 15, 0, 10 kJ, scaled to the run's 60 kJ: 10, 30,
 * 0, 20 kJ. */
static void test_run_pieces(void) {
  tp_run *r = S_run("e/a", 60e3, 90e3);
  r->start_s = 100;
  r->end_s = 300;
  r->power = tp_xcalloc(1, sizeof *r->power);
  r->n_power = r->cap_power = 1;
  tp_power_profile *p = &r->power[0];
  p->device = tp_xstrdup("gpu0");
  p->t0_s = 100;
  p->dt_s = 50;
  p->n = 4;
  p->sum_w = tp_xcalloc(4, sizeof *p->sum_w);
  p->max_w = tp_xcalloc(4, sizeof *p->max_w);
  p->min_w = tp_xcalloc(4, sizeof *p->min_w);
  p->count = tp_xcalloc(4, sizeof *p->count);
  double sums[] = {200, 600, 0, 400};
  uint32_t counts[] = {2, 2, 0, 2};
  for (int i = 0; i < 4; i++) p->sum_w[i] = sums[i], p->count[i] = counts[i];
  tp_energy_piece *pc;
  size_t n = tp_whatif_run_pieces(r, &pc);
  CHECK_INT(n, 4);
  CHECK_NEAR(pc[0].energy_j, 10e3, 1e-9);
  CHECK_NEAR(pc[1].energy_j, 30e3, 1e-9);
  CHECK_NEAR(pc[2].energy_j, 0, 1e-9);
  CHECK_NEAR(pc[3].energy_j, 20e3, 1e-9);
  CHECK_NEAR(pc[3].start_s, 250, 1e-9);
  CHECK_NEAR(pc[3].end_s, 300, 1e-9);
  free(pc);
  tp_run_free(r);

  /* No profile: one even piece over the window. */
  r = S_run("e/b", 60e3, 90e3);
  n = tp_whatif_run_pieces(r, &pc);
  CHECK_INT(n, 1);
  CHECK_NEAR(pc[0].energy_j, 60e3, 1e-9);
  CHECK_NEAR(pc[0].end_s, 7200, 1e-9);
  free(pc);
  r->energy.method = TP_ENERGY_NONE;
  CHECK_INT(tp_whatif_run_pieces(r, &pc), 0);
  free(pc);
  tp_run_free(r);
}

/* A lab of one run of test_time's first case (facility 2 kWh = IT 4.8 MJ x
 * 1.5 over hours 0-1), one without energy and one whose CO2e is unknown:
 * totals 1.0, 0.13, 0.11 kg (the first run's alone). */
static void test_lab_time(void) {
  tp_intensity_series s = S_day();
  tp_lab lab = {0};
  tp_lab_add_run(&lab, S_run("e/a", 4.8e6, 7.2e6));
  tp_run *none = S_run("e/b", NAN, NAN);
  none->energy.method = TP_ENERGY_NONE;
  tp_lab_add_run(&lab, none);
  /* energy, but its CO2e unknown (it lay outside the series): left out */
  tp_run *outside = S_run("e/c", 4.8e6, 7.2e6);
  outside->energy.co2e_kg = NAN;
  tp_lab_add_run(&lab, outside);
  tp_lab_group(&lab);
  tp_whatif_time w;
  size_t priced;
  tp_whatif_lab_time(&w, &lab, &s, &priced);
  CHECK_INT(priced, 1);
  CHECK_NEAR(w.co2e_kg_actual, 1.0, 1e-12);
  CHECK_NEAR(w.co2e_kg_best, 0.13, 1e-12);
  CHECK_NEAR(w.co2e_kg_pausable, 0.11, 1e-12);
  tp_whatif_lab_time(&w, &lab, NULL, &priced);
  CHECK(isnan(w.co2e_kg_best));
  tp_lab_free(&lab);
  tp_intensity_series_free(&s);
}

/* 24.42 kg = 100 km at 0.2442 kg/km; the flight row is missing here. */
static void test_equivalents(void) {
  tp_reftables t = S_tables();
  tp_whatif_equivalent e[TP_WHATIF_N_EQUIVALENTS];
  size_t n = tp_whatif_equivalents(&t, 24.42, e);
  CHECK_INT(n, 2);
  CHECK_STR(e[0].row->name, "car_km_us_epa");
  CHECK_NEAR(e[0].amount, 100, 1e-9);
  CHECK_NEAR(e[1].amount, 24.42 / 8350, 1e-12);
}

int main(void) {
  TP_RUN(test_zones);
  TP_RUN(test_pue);
  TP_RUN(test_time);
  TP_RUN(test_run_pieces);
  TP_RUN(test_lab_time);
  TP_RUN(test_equivalents);
  return tp_test_summary();
}
