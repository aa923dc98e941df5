/* carbon: facility energy and CO2e from IT energy, PUE and carbon intensity.
 *
 * Facility energy = IT energy x PUE; CO2e = facility energy x carbon
 * intensity.  The intensity is either one constant (given, or a zone's annual
 * average from the shipped tables) or a time series.  In a series, a row holds
 * from its time until the next row's time, as hourly grid data means it, and
 * the energy of each such interval is priced at its row's value.  The last row
 * holds for one typical row interval (the median interval between rows) past
 * its time, no longer; a one-row series has no interval and holds only at its
 * instant.  The series thus spans [first row, last row + typical interval).
 * Energy outside that span is not priced silently: tp_carbon_apply leaves the
 * run's CO2e unknown (NAN) and says how many hours lie outside and what the
 * series spans.
 *
 * How a run's energy is spread over time: by its power profile when one is
 * given (tp_energy_profile() cut at the series' row times, so each piece lies
 * within one row), else evenly over its window.  Within a piece, energy is
 * spread evenly.
 *
 * Defaults when nothing is given: the world-average intensity of the shipped
 * grid table (zone WORLD) and the industry-average PUE below; both are marked
 * as assumptions so the report says so.
 *
 * Units: joules, seconds, kg CO2e; intensity in gCO2e/kWh, its conventional
 * unit (1 kWh = 3.6e6 J).  Strings in tp_carbon are borrowed: they point into
 * the tables, to static text or to the caller's strings, which must outlive it.
 */
#ifndef TP_CARBON_H
#define TP_CARBON_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/energy.h"
#include "model/reftable.h"
#include "model/run.h"
#include "model/units.h"

/* The shipped tables hold no general PUE: the default is the industry
 * average annual PUE of the Uptime Institute Global Data Center Survey 2023
 * (1.58; the 2024 survey gives 1.56). */
#define TP_PUE_DEFAULT 1.58
#define TP_PUE_DEFAULT_YEAR 2023
#define TP_PUE_DEFAULT_SOURCE \
  "Uptime Institute Global Data Center Survey 2023: industry-average annual PUE 1.58"


/* A series, rows in strictly increasing time. */
typedef struct tp_intensity_series {
  tp_intensity_row *rows;
  size_t count, cap;
  double interval_s;    /* the typical interval (tp_intensity_series_interval) when
                           the loader computed it; 0: compute it when needed */
} tp_intensity_series;

void tp_intensity_series_free(tp_intensity_series *s);

/* The typical interval between rows: the median of the intervals between
 * consecutive rows, s (the mean of the two middle ones for an even count); 0
 * for fewer than two rows. */
double tp_intensity_series_interval(const tp_intensity_series *s);
/* The span the series prices: [first row's time, last row's time + typical
 * interval), UTC epoch seconds.  -1 (and nothing set) for an empty series. */
int tp_intensity_series_span(const tp_intensity_series *s, double *from_s, double *to_s);

typedef struct tp_carbon {
  double pue;                   /* facility energy / IT energy, >= 1 */
  const char *pue_source;       /* where it came from */
  int pue_year;                 /* its year, 0 if unknown */
  bool pue_assumed;             /* the default, not given by the user */
  double intensity_g_per_kwh;   /* the constant intensity (unused with a series) */
  const tp_intensity_series *series; /* a time series, or NULL */
  const char *intensity_source; /* where the intensity came from */
  int intensity_year;           /* data year, 0 if unknown */
  const char *zone;             /* the zone or cloud region asked for, or NULL */
  bool intensity_assumed;       /* the default, not given by the user */
} tp_carbon;

/* The defaults: world-average intensity from t (zone WORLD) and
 * TP_PUE_DEFAULT, both marked assumed.  Returns -1 when t has no WORLD row
 * (then the intensity is NAN). */
int tp_carbon_defaults(tp_carbon *c, const tp_reftables *t);

/* Use the annual intensity of a grid zone ("FR", "FRA", "US-CA", "CAMX",
 * "WORLD") or of a cloud region ("us-east-1", "aws:us-east-1"); a cloud
 * region also sets the provider's PUE when the PUE is still the assumed
 * default.  Returns 0, or -1 (c unchanged) when the code is neither. */
int tp_carbon_use_zone(tp_carbon *c, const tp_reftables *t, const char *code);

/* Use a constant intensity (gCO2e/kWh, >= 0), a time series (borrowed, at
 * least one row), or a PUE (>= 1); source says where it came from.  These
 * mark the value as given, not assumed. */
void tp_carbon_use_intensity(tp_carbon *c, double intensity_g_per_kwh, const char *source);
void tp_carbon_use_series(tp_carbon *c, const tp_intensity_series *s, const char *source);
void tp_carbon_use_pue(tp_carbon *c, double pue, const char *source);

/* kg CO2e of the energy in pieces (each spread evenly over [start_s, end_s);
 * a piece with end_s <= start_s is priced at the instant start_s).  Units of
 * energy_j: whatever energy is to be priced (facility energy for CO2e).
 * Outside the series' span the nearest row's value is used, and *uncovered_s
 * (may be NULL) gets the seconds of the pieces with energy that lie outside
 * the span (0 with a constant intensity). */
double tp_carbon_price(const tp_carbon *c, const tp_energy_piece *pieces, size_t n,
                       double *uncovered_s);

/* Fill re->facility_j, re->co2e_kg and re->intensity_g_per_kwh (the effective
 * intensity: CO2e / facility energy, or the time-weighted intensity over the
 * window when the energy is 0) from re->it_j.  The energy is spread over time
 * like `profile` (n pieces, may be NULL: evenly over [start_s, end_s]).  When
 * part of that energy lies outside the series' span, re->co2e_kg and
 * re->intensity_g_per_kwh are NAN (unknown) and a warning goes to d (may be
 * NULL) with the hours outside and the span.  Nothing is done when re->it_j is
 * not finite. */
void tp_carbon_apply(const tp_carbon *c, tp_run_energy *re, double start_s, double end_s,
                     const tp_energy_piece *profile, size_t n, tp_diags *d);

#endif
