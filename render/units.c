/* units: converting and formatting energies, masses, durations and powers
 * for the pages and exports (see units.h). */
#include "render/units.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- units for a set of values ------------------------------------------ */

/* Decimals that show about four significant digits of the largest value. */
static int S_decimals(double maxabs) {
  if (!(maxabs > 0) || !isfinite(maxabs)) return 1;
  int d = 3 - (int)floor(log10(maxabs));
  return d < 0 ? 0 : d > 3 ? 3 : d;
}

tp_unit tp_units_for_energy(double max_j) {
  tp_unit u = {"Wh", TP_J_PER_WH, 1};
  if (max_j >= 1000 * TP_J_PER_WH) u = (tp_unit){"kWh", TP_J_PER_KWH, 1};
  if (max_j >= 1000 * TP_J_PER_KWH) u = (tp_unit){"MWh", 1000 * TP_J_PER_KWH, 1};
  u.decimals = S_decimals(max_j / u.scale);
  return u;
}

tp_unit tp_units_for_co2e(double max_kg) {
  tp_unit u = {"g", 0.001, 1};
  if (max_kg >= 1) u = (tp_unit){"kg", 1, 1};
  if (max_kg >= 1000) u = (tp_unit){"t", 1000, 1};
  u.decimals = S_decimals(max_kg / u.scale);
  return u;
}

tp_unit tp_units_for_duration(double max_s) {
  tp_unit u = {"s", 1, 0};
  if (max_s >= 120) u = (tp_unit){"min", 60, 1};
  if (max_s >= 3 * TP_S_PER_H) u = (tp_unit){"h", TP_S_PER_H, 2};
  return u;
}

tp_unit tp_units_power_w(void) { return (tp_unit){"W", 1, 1}; }

double tp_units_kwh(double j) { return j / TP_J_PER_KWH; }

double tp_units_g_per_kwh(double co2e_kg, double energy_j) {
  return co2e_kg * 1000.0 / (energy_j / TP_J_PER_KWH);
}

/* ---- one value ------------------------------------------------------------ */

const char *tp_units_in(char buf[64], const tp_unit *u, double v) {
  if (!isfinite(v)) return "–";
  snprintf(buf, 64, "%.*f", u->decimals, v / u->scale);
  return buf;
}

const char *tp_units_mean_sd(char buf[64], const tp_unit *u, const tp_stat *st) {
  if (st->n == 0 || !isfinite(st->mean)) return "–";
  if (st->n < 2 || !isfinite(st->sd)) return tp_units_in(buf, u, st->mean);
  snprintf(buf, 64, "%.*f ± %.*f", u->decimals, st->mean / u->scale, u->decimals,
           st->sd / u->scale);
  return buf;
}

const char *tp_units_with(char buf[64], tp_unit u, double v) {
  if (!isfinite(v)) return "unknown";
  snprintf(buf, 64, "%.*f %s", u.decimals, v / u.scale, u.name);
  return buf;
}

const char *tp_units_energy_text(char buf[64], double j) {
  return tp_units_with(buf, tp_units_for_energy(j), j);
}

const char *tp_units_co2e_text(char buf[64], double kg) {
  if (!isfinite(kg)) return "unknown";
  tp_unit u = tp_units_for_co2e(kg);
  snprintf(buf, 64, "%.*f %s CO2e", u.decimals, kg / u.scale, u.name);
  return buf;
}

const char *tp_units_duration_text(char buf[64], double s) {
  if (!isfinite(s) || s < 0) return "unknown";
  long t = lround(s);
  long h = (long)TP_S_PER_H, day = (long)TP_S_PER_DAY;
  if (s < 60) snprintf(buf, 64, "%.1f s", s);
  else if (t < h) snprintf(buf, 64, "%ld min %02ld s", t / 60, t % 60);
  else if (t < day) snprintf(buf, 64, "%ld h %02ld min", t / h, t % h / 60);
  else snprintf(buf, 64, "%ld d %ld h", t / day, t % day / h);
  return buf;
}

/* ---- significant digits and ranges ----------------------------------------- */

const char *tp_units_number(char buf[48], double v, int sig) {
  if (sig <= 0) sig = TP_UNITS_SIG;
  if (!isfinite(v)) {
    snprintf(buf, 48, "unknown");
    return buf;
  }
  if (v == 0) {
    snprintf(buf, 48, "0");
    return buf;
  }
  int mag = (int)floor(log10(fabs(v)));
  int decimals = sig - 1 - mag;
  if (decimals < 0) decimals = 0;
  if (decimals > 12) decimals = 12;
  snprintf(buf, 48, "%.*f", decimals, v);
  /* Rounding may carry into a new digit (0.09996 -> "0.1000"): trim to sig. */
  if (strchr(buf, '.')) {
    size_t digits = 0;
    bool lead = true;
    for (const char *p = buf; *p; p++)
      if (isdigit((unsigned char)*p) && !(lead && *p == '0')) lead = false, digits++;
    size_t len = strlen(buf);
    while (digits > (size_t)sig && buf[len - 1] != '.') buf[--len] = '\0', digits--;
    if (buf[len - 1] == '.') buf[len - 1] = '\0';
  }
  if (strcmp(buf, "-0") == 0) snprintf(buf, 48, "0");
  return buf;
}

const char *tp_units_range_dash(char *buf, size_t n, tp_range r, double scale, int sig,
                                const char *dash) {
  char v[48], lo[48], hi[48];
  tp_units_number(v, r.value * scale, sig);
  if (!isfinite(r.value) || !isfinite(r.low) || !isfinite(r.high)) {
    snprintf(buf, n, "%s", v);
    return buf;
  }
  tp_units_number(lo, r.low * scale, sig);
  tp_units_number(hi, r.high * scale, sig);
  if (strcmp(lo, v) == 0 && strcmp(hi, v) == 0) snprintf(buf, n, "%s", v);
  else snprintf(buf, n, "%s (%s%s%s)", v, lo, dash, hi);
  return buf;
}

const char *tp_units_range_text(char *buf, size_t n, tp_range r, double scale, int sig) {
  return tp_units_range_dash(buf, n, r, scale, sig, "\xe2\x80\x93");
}

const char *tp_units_range_in(char buf[160], const tp_unit *u, tp_range r) {
  if (!isfinite(r.value)) {
    snprintf(buf, 160, "–"); /* callers may read buf whatever is returned */
    return buf;
  }
  return tp_units_range_text(buf, 160, r, 1.0 / u->scale, TP_UNITS_SIG);
}

/* r with the unit u and suffix after the unit's name (" CO2e"). */
static const char *S_range_unit(char buf[160], tp_unit u, tp_range r, const char *suffix) {
  if (!isfinite(r.value)) return "unknown";
  char t[160];
  snprintf(buf, 160, "%s %s%s", tp_units_range_in(t, &u, r), u.name, suffix ? suffix : "");
  return buf;
}

const char *tp_units_energy_range(char buf[160], tp_range r) {
  return S_range_unit(buf, tp_units_for_energy(r.value), r, NULL);
}

const char *tp_units_co2e_range(char buf[160], tp_range r) {
  return S_range_unit(buf, tp_units_for_co2e(r.value), r, " CO2e");
}

const char *tp_units_mean_sd_range(char buf[400], const tp_unit *u, const tp_stat *st,
                                   tp_range r) {
  if (st->n == 0 || !isfinite(st->mean)) return "–";
  if (!isfinite(r.value)) r = (tp_range){st->mean, NAN, NAN};
  char t[160], sd[48];
  tp_units_range_in(t, u, r);
  if (st->n < 2 || !isfinite(st->sd)) {
    snprintf(buf, 400, "%s", t);
    return buf;
  }
  tp_units_number(sd, st->sd / u->scale, 2);
  const char *sp = strchr(t, ' ');
  if (sp) snprintf(buf, 400, "%.*s ± %s%s", (int)(sp - t), t, sd, sp);
  else snprintf(buf, 400, "%s ± %s", t, sd);
  return buf;
}
