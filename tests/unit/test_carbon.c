/* Carbon: PUE and intensity applied to IT energy, with numbers by hand. */
#include <math.h>
#include <stdlib.h>

#include "model/carbon.h"
#include "tp_test.h"

/* A small table built in memory: WORLD 475 (2019), FR 50, SRVC 280 and one
 * cloud region in SRVC with PUE 1.15. */
static tp_zone_intensity S_zones[] = {
    {"WORLD", "World", 475, 2019, "world source"},
    {"FR", "France", 50, 2023, "fr source"},
    {"SRVC", "eGRID SERC Virginia/Carolina", 280, 2022, "egrid source"},
};
static tp_country_code S_countries[] = {{"FR", "FRA", "France"}};
static tp_cloud_region S_regions[] = {
    {"aws", "us-east-1", "US East (N. Virginia)", "SRVC", 280, 1.15, "aws source"},
};

static tp_reftables S_tables(void) {
  tp_reftables t = {0};
  t.zones = S_zones;
  t.n_zones = 3;
  t.countries = S_countries;
  t.n_countries = 1;
  t.regions = S_regions;
  t.n_regions = 1;
  return t;
}

/* 1 kWh of IT energy, PUE 1.5, 400 g/kWh: 1.5 kWh facility, 600 g. */
static void test_constant(void) {
  tp_reftables t = S_tables();
  tp_carbon c;
  tp_carbon_defaults(&c, &t);
  tp_carbon_use_intensity(&c, 400, "--intensity 400");
  tp_carbon_use_pue(&c, 1.5, "--pue 1.5");
  tp_run_energy re = {.it_j = 3.6e6};
  tp_carbon_apply(&c, &re, 0, 3600, NULL, 0, NULL);
  CHECK_NEAR(re.facility_j, 5.4e6, 1e-6);
  CHECK_NEAR(re.co2e_kg, 0.6, 1e-12);
  CHECK_NEAR(re.intensity_g_per_kwh, 400, 1e-9);
  CHECK(!c.pue_assumed && !c.intensity_assumed);
  /* No energy: nothing emitted, the intensity still shown. */
  tp_run_energy zero = {.it_j = 0};
  tp_carbon_apply(&c, &zero, 0, 3600, NULL, 0, NULL);
  CHECK_NEAR(zero.co2e_kg, 0, 1e-12);
  CHECK_NEAR(zero.intensity_g_per_kwh, 400, 1e-9);
}

/* Rows: 0 h 100 g, 1 h 300 g, 2 h 200 g (PUE 1).
 * - 1 kWh evenly over [0.5 h, 1.5 h]: 0.5 kWh x 100 + 0.5 kWh x 300 = 200 g.
 * - by a profile of 1e6 J in [0.5 h, 1 h] and 2.6e6 J in [1 h, 1.5 h]:
 *   1e6/3.6e6 x 100 + 2.6e6/3.6e6 x 300 = 244.44 g.
 * - evenly over [-0.5 h, 0.5 h]: priced at the first row's 100 g, but 1800 s
 *   of it lie before the series: the run's CO2e is unknown (a warning).
 * - the typical interval is 1 h, so the series spans [0 h, 3 h): over
 *   [2 h, 3 h] the last row holds, 200 g; over [2.5 h, 3.5 h] half an hour
 *   lies past it: unknown. */
static void test_series(void) {
  tp_intensity_row rows[] = {{0, 100}, {3600, 300}, {7200, 200}};
  tp_intensity_series s = {rows, 3, 3, 0};
  tp_reftables t = S_tables();
  tp_carbon c;
  tp_carbon_defaults(&c, &t);
  tp_carbon_use_pue(&c, 1.0, "test");
  tp_carbon_use_series(&c, &s, "series.csv");
  tp_run_energy re = {.it_j = 3.6e6};
  tp_carbon_apply(&c, &re, 1800, 5400, NULL, 0, NULL);
  CHECK_NEAR(re.co2e_kg, 0.2, 1e-12);
  CHECK_NEAR(re.intensity_g_per_kwh, 200, 1e-9);

  tp_energy_piece prof[] = {{1800, 3600, 1e6}, {3600, 5400, 2.6e6}};
  tp_carbon_apply(&c, &re, 1800, 5400, prof, 2, NULL);
  CHECK_NEAR(re.co2e_kg * 1000, 1e6 / 3.6e6 * 100 + 2.6e6 / 3.6e6 * 300, 1e-9);

  /* A profile that sums to half of it_j only gives the shape. */
  tp_energy_piece half[] = {{1800, 3600, 0.5e6}, {3600, 5400, 1.3e6}};
  tp_carbon_apply(&c, &re, 1800, 5400, half, 2, NULL);
  CHECK_NEAR(re.co2e_kg * 1000, 1e6 / 3.6e6 * 100 + 2.6e6 / 3.6e6 * 300, 1e-9);

  tp_diags d = {0};
  tp_carbon_apply(&c, &re, -1800, 1800, NULL, 0, &d);
  CHECK(isnan(re.co2e_kg) && isnan(re.intensity_g_per_kwh));
  CHECK_NEAR(re.facility_j, 3.6e6, 0);
  CHECK_INT(d.count, 1);
  CHECK(strstr(d.items[0].message, "0.50 h of the run lie outside the intensity series, which "
                                   "spans 1970-01-01 00:00 UTC to 1970-01-01 03:00 UTC") != NULL);
  tp_diag_free(&d);
  tp_carbon_apply(&c, &re, 9000, 12600, NULL, 0, &d);
  CHECK(isnan(re.co2e_kg));
  CHECK(d.count == 1 && strstr(d.items[0].message, "0.50 h of the run") != NULL);
  tp_diag_free(&d);
  /* A profile whose energy lies inside the span is priced, whatever the window. */
  tp_energy_piece inside[] = {{9000, 10800, 3.6e6}, {10800, 12600, 0}};
  tp_carbon_apply(&c, &re, 9000, 12600, inside, 2, &d);
  CHECK_NEAR(re.co2e_kg, 0.2, 1e-12);
  CHECK_INT(d.count, 0);
  double unc = -1;
  tp_energy_piece one = {-1800, 1800, 3.6e6};
  CHECK_NEAR(tp_carbon_price(&c, &one, 1, &unc), 0.1, 1e-12);
  CHECK_NEAR(unc, 1800, 1e-9);

  tp_carbon_apply(&c, &re, 7200, 10800, NULL, 0, NULL);
  CHECK_NEAR(re.co2e_kg, 0.2, 1e-12);

  /* An instant is priced at the row holding then; a spread over three rows. */
  tp_energy_piece instant = {3700, 3700, 3.6e6};
  CHECK_NEAR(tp_carbon_price(&c, &instant, 1, NULL), 0.3, 1e-12);
  tp_energy_piece three = {0, 10800, 3 * 3.6e6};
  CHECK_NEAR(tp_carbon_price(&c, &three, 1, NULL), 0.6, 1e-12);
}

static void test_zone_and_defaults(void) {
  tp_reftables t = S_tables();
  tp_carbon c;
  CHECK_INT(tp_carbon_defaults(&c, &t), 0);
  CHECK_NEAR(c.intensity_g_per_kwh, 475, 1e-9);
  CHECK_INT(c.intensity_year, 2019);
  CHECK_STR(c.intensity_source, "world source");
  CHECK(c.intensity_assumed && c.pue_assumed);
  CHECK_NEAR(c.pue, TP_PUE_DEFAULT, 1e-12);
  CHECK_INT(c.pue_year, 2023);

  /* 1 kWh IT under the defaults: 1.58 kWh x 475 g = 750.5 g. */
  tp_run_energy re = {.it_j = 3.6e6};
  tp_carbon_apply(&c, &re, 0, 60, NULL, 0, NULL);
  CHECK_NEAR(re.co2e_kg, 0.7505, 1e-12);

  CHECK_INT(tp_carbon_use_zone(&c, &t, "fra"), 0);
  CHECK_NEAR(c.intensity_g_per_kwh, 50, 1e-9);
  CHECK_STR(c.zone, "FR");
  CHECK(c.pue_assumed); /* a grid zone says nothing of PUE */
  CHECK_INT(tp_carbon_use_zone(&c, &t, "nowhere"), -1);
  CHECK_STR(c.zone, "FR");

  CHECK_INT(tp_carbon_use_zone(&c, &t, "aws:us-east-1"), 0);
  CHECK_NEAR(c.intensity_g_per_kwh, 280, 1e-9);
  CHECK_NEAR(c.pue, 1.15, 1e-12);
  CHECK_STR(c.intensity_source, "egrid source");
  /* A PUE the user gave is kept when a region is chosen. */
  tp_carbon_use_pue(&c, 1.3, "--pue");
  CHECK_INT(tp_carbon_use_zone(&c, &t, "us-east-1"), 0);
  CHECK_NEAR(c.pue, 1.3, 1e-12);

  tp_reftables empty = {0};
  CHECK_INT(tp_carbon_defaults(&c, &empty), -1);
  CHECK(isnan(c.intensity_g_per_kwh));
}

int main(void) {
  TP_RUN(test_constant);
  TP_RUN(test_series);
  TP_RUN(test_zone_and_defaults);
  return tp_test_summary();
}
