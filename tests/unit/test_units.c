/* Tests for render/units (units picked for a column, values with their
 * unit, durations, ranges) and render/csvout (the one CSV quoting rule). */
#include <math.h>
#include <stdlib.h>

#include "model/mem.h"
#include "render/csvout.h"
#include "render/units.h"
#include "tp_test.h"

static void test_pick(void) {
  tp_unit u = tp_units_for_energy(500 * TP_J_PER_WH);
  CHECK_STR(u.name, "Wh");
  CHECK_INT(u.decimals, 1);
  u = tp_units_for_energy(1.61 * TP_J_PER_KWH);
  CHECK_STR(u.name, "kWh");
  CHECK_INT(u.decimals, 3);
  CHECK_STR(tp_units_for_energy(2e3 * TP_J_PER_KWH).name, "MWh");
  CHECK_STR(tp_units_for_co2e(0.5).name, "g");
  CHECK_STR(tp_units_for_co2e(2.5).name, "kg");
  CHECK_STR(tp_units_for_co2e(1500).name, "t");
  CHECK_STR(tp_units_for_duration(60).name, "s");
  CHECK_STR(tp_units_for_duration(200).name, "min");
  u = tp_units_for_duration(4 * TP_S_PER_H);
  CHECK_STR(u.name, "h");
  CHECK_INT(u.decimals, 2);
  CHECK_STR(tp_units_power_w().name, "W");
  CHECK_NEAR(tp_units_kwh(3.6e6), 1, 0);
  CHECK_NEAR(tp_units_g_per_kwh(0.4, TP_J_PER_KWH), 400, 1e-9);
}

static void test_values(void) {
  char b[64];
  CHECK_STR(tp_units_energy_text(b, 1.61 * TP_J_PER_KWH), "1.610 kWh");
  CHECK_STR(tp_units_energy_text(b, NAN), "unknown");
  CHECK_STR(tp_units_co2e_text(b, 4.56), "4.560 kg CO2e");
  CHECK_STR(tp_units_co2e_text(b, NAN), "unknown");
  CHECK_STR(tp_units_duration_text(b, 42.5), "42.5 s");
  CHECK_STR(tp_units_duration_text(b, 1507), "25 min 07 s");
  CHECK_STR(tp_units_duration_text(b, 3900), "1 h 05 min");
  CHECK_STR(tp_units_duration_text(b, 2 * TP_S_PER_DAY + 3 * TP_S_PER_H), "2 d 3 h");
  CHECK_STR(tp_units_duration_text(b, -1), "unknown");
  tp_unit wh = tp_units_for_energy(500 * TP_J_PER_WH);
  CHECK_STR(tp_units_in(b, &wh, NAN), "–");
  tp_stat st = {.n = 2, .mean = 7200, .sd = 360};
  CHECK_STR(tp_units_mean_sd(b, &wh, &st), "2.0 ± 0.1");
  st.n = 1;
  CHECK_STR(tp_units_mean_sd(b, &wh, &st), "2.0");
}

static void test_ranges(void) {
  char b[48], r[160], m[400];
  CHECK_STR(tp_units_number(b, 1.610893, 3), "1.61");
  CHECK_STR(tp_units_number(b, 0.099996, 3), "0.100");
  CHECK_STR(tp_units_number(b, NAN, 3), "unknown");
  tp_unit kwh = tp_units_for_energy(TP_J_PER_KWH);
  tp_range one = {TP_J_PER_KWH, TP_J_PER_KWH, 2 * TP_J_PER_KWH};
  CHECK_STR(tp_units_range_in(r, &kwh, one), "1.00 (1.00–2.00)");
  CHECK_STR(tp_units_range_dash(r, sizeof r, one, 1 / TP_J_PER_KWH, 3, "--"),
            "1.00 (1.00--2.00)");
  CHECK_STR(tp_units_range_in(r, &kwh, (tp_range){NAN, NAN, NAN}), "–");
  tp_range e = {1.61 * TP_J_PER_KWH, 1.60 * TP_J_PER_KWH, 1.75 * TP_J_PER_KWH};
  CHECK_STR(tp_units_energy_range(r, e), "1.61 (1.60–1.75) kWh");
  CHECK_STR(tp_units_co2e_range(r, (tp_range){4.56, 4.1, 5.0}), "4.56 (4.10–5.00) kg CO2e");
  CHECK_STR(tp_units_co2e_range(r, (tp_range){NAN, NAN, NAN}), "unknown");
  tp_stat st = {.n = 3, .mean = TP_J_PER_KWH, .sd = 0.05 * TP_J_PER_KWH};
  tp_range mr = {TP_J_PER_KWH, 0.9 * TP_J_PER_KWH, 1.1 * TP_J_PER_KWH};
  CHECK_STR(tp_units_mean_sd_range(m, &kwh, &st, mr), "1.00 ± 0.050 (0.900–1.10)");
}

/* s written as one CSV field (a new string). */
static char *S_field(const char *s) {
  tp_buf b = {0};
  tp_csvout_field(&b, s);
  tp_buf_adds(&b, "|");
  return tp_buf_detach(&b);
}

static void test_csv(void) {
  static const struct {
    const char *in, *out;
  } cases[] = {{"plain", "plain|"},
               {"a,b", "\"a,b\"|"},
               {"say \"hi\"", "\"say \"\"hi\"\"\"|"},
               {"two\nlines", "\"two\nlines\"|"},
               {"cr\r", "\"cr\r\"|"},
               {"bad \xff byte", "bad \xEF\xBF\xBD byte|"},
               {"", "|"},
               {NULL, "|"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *f = S_field(cases[i].in);
    CHECK_STR(f, cases[i].out);
    free(f);
  }
  tp_buf b = {0};
  tp_csvout_fixed(&b, 1.5, 3);
  tp_buf_addc(&b, ',');
  tp_csvout_fixed(&b, NAN, 3);
  tp_buf_addc(&b, ',');
  tp_csvout_shortest(&b, 200);
  tp_buf_addc(&b, ',');
  tp_csvout_shortest(&b, 0.1);
  tp_buf_addc(&b, ',');
  tp_csvout_shortest(&b, INFINITY);
  CHECK_STR(tp_buf_str(&b), "1.500,,200,0.1,");
  tp_buf_free(&b);
}

int main(void) {
  TP_RUN(test_pick);
  TP_RUN(test_values);
  TP_RUN(test_ranges);
  TP_RUN(test_csv);
  return tp_test_summary();
}
