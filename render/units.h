/* units: the render side's numbers with units, in one place.
 *
 * The model keeps SI units (joules, kilograms, seconds, watts); every page,
 * export and summary that shows one in another unit converts and formats it
 * here, with the model's constants (model/units.h):
 *
 *   - a unit picked for a set of values (a table column): tp_units_for_energy
 *     and friends give "Wh"/"kWh"/"MWh", "g"/"kg"/"t", "s"/"min"/"h" with the
 *     decimals that show about four significant digits of the largest value;
 *   - a value with the unit that suits it alone: "1.610 kWh", "4.56 kg CO2e",
 *     "1 h 05 min";
 *   - significant-digit numbers and ranges, `value (low–high)`, as every
 *     headline figure is shown (model/uncertainty.h).
 *
 * Each formatter writes into a caller's buffer of the size in its prototype
 * and returns it, or returns a constant ("–", "unknown") for a value that is
 * not finite; the strings are UTF-8.
 */
#ifndef TP_RENDER_UNITS_H
#define TP_RENDER_UNITS_H

#include <stddef.h>

#include "model/lab.h"
#include "model/uncertainty.h"
#include "model/units.h"

#define TP_UNITS_SIG 3 /* significant digits of a figure shown with its range */

/* A unit to show values in: each value is divided by `scale` and shown with
 * `decimals` decimals. */
typedef struct tp_unit {
  const char *name; /* "kWh", "g", "min", "W", ... */
  double scale;     /* SI units per unit (3.6e6 for kWh from joules) */
  int decimals;     /* decimals shown */
} tp_unit;

/* The unit for energies up to max_j (Wh, kWh, MWh), for masses of CO2e up to
 * max_kg (g, kg, t), for durations up to max_s (s, min, h). */
tp_unit tp_units_for_energy(double max_j);
tp_unit tp_units_for_co2e(double max_kg);
tp_unit tp_units_for_duration(double max_s);
/* Watts with one decimal. */
tp_unit tp_units_power_w(void);

/* Joules in kilowatt-hours. */
double tp_units_kwh(double j);
/* The carbon intensity (gCO2e/kWh) that gave co2e_kg for energy_j. */
double tp_units_g_per_kwh(double co2e_kg, double energy_j);

/* v in unit u without the unit's name ("1.610"); "–" when not finite. */
const char *tp_units_in(char buf[64], const tp_unit *u, double v);
/* "mean ± sd" of a statistic in unit u ("mean" for one value, "–" for none). */
const char *tp_units_mean_sd(char buf[64], const tp_unit *u, const tp_stat *st);
/* v with the unit's name ("1.610 kWh"); "unknown" when not finite. */
const char *tp_units_with(char buf[64], tp_unit u, double v);
/* An energy, a mass of CO2e ("4.56 kg CO2e"), a duration ("1 h 05 min",
 * "25 min 07 s", "42.5 s", "2 d 3 h"), each in the unit that suits it;
 * "unknown" when not finite (or a negative duration). */
const char *tp_units_energy_text(char buf[64], double j);
const char *tp_units_co2e_text(char buf[64], double kg);
const char *tp_units_duration_text(char buf[64], double s);

/* v to `sig` significant digits in plain decimal notation, significant
 * trailing zeros kept ("0.0349", "1.61", "3.50", "1234" for 1234.4); "0" for
 * 0, "unknown" when not finite.  sig <= 0 means TP_UNITS_SIG. */
const char *tp_units_number(char buf[48], double v, int sig);
/* `value (low–high)` (UTF-8 en dash) of r x scale, each to `sig` significant
 * digits (TP_UNITS_SIG when sig <= 0); the value alone when the range has no
 * spread at that precision or is unknown; "unknown" when the value is not
 * finite.  E.g. for kWh from joules: scale 1 / TP_J_PER_KWH.  Writes at most
 * n bytes to buf and returns buf. */
const char *tp_units_range_text(char *buf, size_t n, tp_range r, double scale, int sig);
/* The same with the dash given ("--" for LaTeX). */
const char *tp_units_range_dash(char *buf, size_t n, tp_range r, double scale, int sig,
                                const char *dash);

/* r in unit u as `value (low–high)` without the unit's name; "–" when the
 * value is unknown. */
const char *tp_units_range_in(char buf[160], const tp_unit *u, tp_range r);
/* r with the unit that suits its value, "1.61 (1.60–1.75) kWh" or
 * "4.56 (4.1–5.0) kg CO2e"; "unknown" when not finite. */
const char *tp_units_energy_range(char buf[160], tp_range r);
const char *tp_units_co2e_range(char buf[160], tp_range r);
/* A statistic over repeats with the range of its mean: "mean ± sd (low–high)"
 * ("mean (low–high)" for one value, "–" for none); sd to two digits. */
const char *tp_units_mean_sd_range(char buf[400], const tp_unit *u, const tp_stat *st,
                                   tp_range r);

#endif
