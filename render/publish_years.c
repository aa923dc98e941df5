/* publish_years: the whole lab by year, for a lab's yearly report or archive:
 * lab-years.csv and lab-years.md.
 *
 * A run counts in the UTC year its window starts in, as the monthly roll-up
 * of summary.json (rollups.by_month) counts it in its month; a run without a
 * window counts under "unknown".  The counts, energies, CO2e and GPU-hours
 * are the sums of that roll-up's months, so they add up to summary.json's;
 * the ranges are the sums of the runs' ranges (model/uncertainty.h).
 */
#include "render/publish_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/utctime.h"
#include "render/csvout.h"

/* One year of the lab. */
typedef struct S_year {
  char key[8];              /* "2026", or "unknown" */
  size_t n_runs, n_known;   /* runs, and those with a known energy */
  double it_j, facility_j, co2e_kg, gpu_hours; /* sums from the monthly roll-up */
  tp_range it_r, co2e_r;    /* summed ranges of its runs with a known energy */
} S_year;

static S_year *S_year_of(S_year **ys, size_t *n, size_t *cap, const char *key) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*ys)[i].key, key) == 0) return &(*ys)[i];
  TP_GROW(*ys, *cap, *n + 1);
  S_year *y = &(*ys)[(*n)++];
  memset(y, 0, sizeof *y);
  snprintf(y->key, sizeof y->key, "%s", key);
  y->it_r = y->co2e_r = (tp_range){NAN, NAN, NAN};
  return y;
}

/* "2026" from a month key "2026-03"; "unknown" stays. */
static void S_year_key(char key[8], const char *month) {
  if (strlen(month) == 7 && month[4] == '-') snprintf(key, 8, "%.4s", month);
  else snprintf(key, 8, "%s", "unknown");
}

static void S_add_sum(double *to, double v) {
  if (!isfinite(v)) return;
  *to = isfinite(*to) ? *to + v : v;
}

/* The years of c's lab, sorted ("unknown" last, as it sorts after digits). */
static S_year *S_years(const tp_publish_ctx *c, size_t *n_out) {
  const tp_lab *lab = c->lab;
  S_year *ys = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < lab->by_month.count; i++) {
    const tp_rollup *m = &lab->by_month.items[i];
    char key[8];
    S_year_key(key, m->key);
    S_year *y = S_year_of(&ys, &n, &cap, key);
    if (y->n_runs == 0) y->it_j = y->facility_j = y->co2e_kg = NAN;
    y->n_runs += m->n_runs;
    y->n_known += m->n_runs_with_energy;
    S_add_sum(&y->it_j, m->it_j);
    S_add_sum(&y->facility_j, m->facility_j);
    S_add_sum(&y->co2e_kg, m->co2e_kg);
    y->gpu_hours += m->gpu_hours;
  }
  for (size_t i = 0; i < lab->n_runs && i < c->u.n_runs; i++) {
    char key[8] = "unknown";
    struct tm tm;
    if (tp_utc_tm(lab->runs[i]->start_s, &tm))
      snprintf(key, sizeof key, "%04d", (tm.tm_year + 1900) % 10000);
    S_year *y = S_year_of(&ys, &n, &cap, key);
    if (!isfinite(c->u.runs[i].it_j.value)) continue;
    if (!isfinite(y->it_r.value)) y->it_r = y->co2e_r = (tp_range){0, 0, 0};
    tp_range_add(&y->it_r, c->u.runs[i].it_j);
    tp_range_add(&y->co2e_r, c->u.runs[i].co2e_kg);
  }
  *n_out = n;
  return ys;
}

void tp_publish_years_csv(tp_buf *b, const tp_publish_ctx *c) {
  size_t n;
  S_year *ys = S_years(c, &n);
  tp_buf_adds(b, "year,runs,runs_with_energy,gpu_hours,it_kwh,it_kwh_low,it_kwh_high,"
                 "facility_kwh,co2e_kg,co2e_kg_low,co2e_kg_high\n");
  for (size_t i = 0; i < n; i++) {
    const S_year *y = &ys[i];
    double gh = tp_publish_gpu_hours(y->gpu_hours, y->n_known);
    tp_buf_printf(b, "%s,%zu,%zu,", y->key, y->n_runs, y->n_known);
    double cells[] = {tp_units_kwh(y->it_j),      tp_units_kwh(y->it_r.low),
                      tp_units_kwh(y->it_r.high), tp_units_kwh(y->facility_j),
                      y->co2e_kg,                 y->co2e_r.low,
                      y->co2e_r.high};
    tp_csvout_fixed(b, gh, 4);
    for (size_t k = 0; k < sizeof cells / sizeof *cells; k++) {
      tp_buf_addc(b, ',');
      tp_csvout_fixed(b, cells[k], 6);
    }
    tp_buf_addc(b, '\n');
  }
  free(ys);
}

void tp_publish_years_md(tp_buf *b, const tp_publish_ctx *c) {
  size_t n;
  S_year *ys = S_years(c, &n);
  char n1[48];
  tp_buf_adds(b, "# The lab by year\n\n"
                 "| year | runs | GPU-hours | IT energy (kWh) | facility energy (kWh) "
                 "| CO2e (kg) |\n|---|---:|---:|---|---:|---|\n");
  for (size_t i = 0; i < n; i++) {
    const S_year *y = &ys[i];
    double gh = tp_publish_gpu_hours(y->gpu_hours, y->n_known);
    tp_buf_printf(b, "| %s | %zu | %s | ", y->key, y->n_runs,
                  tp_units_number(n1, gh, TP_UNITS_SIG));
    tp_range it = y->it_r;
    it.value = y->it_j;
    tp_publish_md_part(b, it, 1 / TP_J_PER_KWH, y->n_known, y->n_runs);
    tp_buf_printf(b, " | %s | ",
                  y->n_known ? tp_units_number(n1, tp_units_kwh(y->facility_j), TP_UNITS_SIG)
                             : "unknown");
    tp_range co = y->co2e_r;
    co.value = y->co2e_kg;
    tp_publish_md_part(b, co, 1, y->n_known, y->n_runs);
    tp_buf_adds(b, " |\n");
  }
  tp_buf_adds(b, "\nA run counts in the UTC year its window starts in (\"unknown\": a run "
                 "without a window). Figures are `value (low–high)`; GPU-hours count each "
                 "GPU once per hour, split among runs that shared it. The same table as CSV: "
                 "`lab-years.csv`.\n\n## Method\n\n");
  tp_publish_md_method(b, c);
  free(ys);
}
