/* whatif: what the same training would have emitted elsewhere, in another
 * data centre, or at another time.
 *
 * Each what-if keeps the energy as measured and changes one lever:
 *
 *   location  The facility energy priced at the annual intensity of each zone
 *             of a list (grid_intensity.csv, or a cloud region's zone); the
 *             factor is the dirtiest zone's CO2e over the cleanest's.
 *   PUE       The IT energy in a typical data centre (TP_PUE_DEFAULT, the
 *             Uptime Institute survey average) and in an efficient hyperscale
 *             one (the lowest provider fleet PUE in cloud_regions.csv), both
 *             priced at the intensity in force.
 *   time      Given an intensity series (rows hold until the next row, as in
 *             model/carbon.h):
 *             - best start: the run's facility energy profile, unchanged in
 *               shape, shifted to start d = k x step_s later, k = 0, 1, ...,
 *               for every d <= horizon_s (24 h by default: "the next 24
 *               hours"); a shift counts only when the series covers the whole
 *               shifted window (no part before the first row, nor after the
 *               series' end: the last row's time plus the interval between the
 *               last two rows).  The best start is the d with the least CO2e
 *               (the earliest among equals).
 *             - pausable: the run may pause and resume (Dodge et al. 2022,
 *               "Pause and Resume").  It runs for as many seconds as it ran
 *               (its duration D), at its mean facility power (E / D), in the
 *               cleanest intervals of the series within [start, end +
 *               horizon_s), filled cleanest first (the last one partly).  This
 *               is the least CO2e any schedule of that duration and power
 *               reaches in that span.  Unknown (NAN) when the series covers
 *               less than D of the span.
 *             Both are compared with the run as it happened, priced here the
 *             same way (co2e_kg_actual), so that the difference is the lever's.
 *   equivalents  CO2e as car kilometres, flights and household-years, each
 *             with its row of equivalences.csv (source included).
 *
 * Units: joules, seconds, kg CO2e, gCO2e/kWh.
 * Ownership: results point into the tables (valid while they are) and own
 * their arrays (the _free functions).
 */
#ifndef TP_WHATIF_H
#define TP_WHATIF_H

#include <stdbool.h>
#include <stddef.h>

#include "model/carbon.h"
#include "model/energy.h"
#include "model/lab.h"
#include "model/reftable.h"
#include "model/units.h"

/* ---- by location ------------------------------------------------------- */

/* About ten grids that span the world's range, all country rows of
 * grid_intensity.csv (one accounting basis: OWID/Ember lifecycle), from the
 * cleanest to the dirtiest. */
extern const char *const TP_WHATIF_DEFAULT_ZONES[];
extern const size_t TP_WHATIF_N_DEFAULT_ZONES;

typedef struct tp_whatif_zone {
  const char *code;           /* the code as asked for (borrowed) */
  const tp_zone_intensity *zone; /* its row (a cloud region's zone's row) */
  double co2e_kg;             /* facility energy x intensity */
} tp_whatif_zone;

typedef struct tp_whatif_zones {
  double facility_j;          /* the energy priced */
  tp_whatif_zone *rows;       /* known zones, in the order asked */
  size_t n;
  char **unknown;             /* codes the tables do not know (owned) */
  size_t n_unknown;
  size_t i_min, i_max;        /* cleanest and dirtiest rows (when n > 0) */
  double factor;              /* rows[i_max].co2e / rows[i_min].co2e; NAN when
                                 n == 0 or the cleanest is 0 */
} tp_whatif_zones;

/* Price facility_j in each zone of codes (n codes; NULL: the default list).
 * Codes are grid zones or cloud regions (tp_carbon_use_zone's forms).
 * codes must outlive *out. */
void tp_whatif_by_zones(tp_whatif_zones *out, const tp_reftables *t, double facility_j,
                        const char *const *codes, size_t n);
/* Split a comma-separated list ("FR,DE, PL") into codes (spaces trimmed,
 * empty items dropped); the caller frees with tp_whatif_codes_free. */
char **tp_whatif_split_codes(const char *list, size_t *n);
void tp_whatif_codes_free(char **codes, size_t n);
void tp_whatif_zones_free(tp_whatif_zones *z);

/* ---- by PUE ------------------------------------------------------------ */

/* Lowest provider fleet PUE of cloud_regions.csv (Google's 1.10 in the shipped
 * table), or TP_PUE_DEFAULT when the table has none. */
double tp_whatif_efficient_pue(const tp_reftables *t, const char **source);

typedef struct tp_whatif_pue {
  double it_j;                            /* the IT energy */
  double typical_pue, efficient_pue;      /* facility / IT energy */
  const char *typical_source, *efficient_source; /* where each came from */
  double typical_facility_j, efficient_facility_j;
  double typical_co2e_kg, efficient_co2e_kg; /* at intensity_g_per_kwh */
  double intensity_g_per_kwh;
} tp_whatif_pue;

void tp_whatif_by_pue(tp_whatif_pue *out, const tp_reftables *t, double it_j,
                      double intensity_g_per_kwh);

/* ---- by time ----------------------------------------------------------- */

#define TP_WHATIF_HORIZON_S TP_S_PER_DAY /* "the next 24 hours" */
#define TP_WHATIF_STEP_S TP_S_PER_H      /* start times tried: every hour */

typedef struct tp_whatif_time {
  double co2e_kg_actual;      /* as it ran, priced with the series as model/carbon
                                 prices it (NAN only without pieces or series) */
  bool shift_ok;              /* some shifted start was covered by the series */
  double best_delay_s;        /* the best start, seconds after the actual start */
  double co2e_kg_best;        /* CO2e at the best start */
  size_t n_starts;            /* starts that were covered and compared */
  bool pause_ok;              /* the span held enough series time */
  double co2e_kg_pausable;    /* running only in the cleanest intervals */
} tp_whatif_time;

/* The what-ifs by time for facility energy given as n pieces (start-ordered,
 * each spread evenly over [start_s, end_s)), under series s.  The pausable
 * case runs for the span from the first piece's start to the last one's end. */
void tp_whatif_by_time(tp_whatif_time *out, const tp_energy_piece *pieces, size_t n,
                       const tp_intensity_series *s, double horizon_s, double step_s);

/* A run's IT energy as pieces over its window: its power profiles (all
 * devices) summed per bucket, clipped to the window and scaled to the run's
 * IT energy; one even piece over the window when it has no profile.  Returns
 * the count (0 when the run has no energy or no window); *out is freed by the
 * caller. */
size_t tp_whatif_run_pieces(const tp_run *run, tp_energy_piece **out);

/* Sum of tp_whatif_by_time over the runs of the lab (their facility energy):
 * actual, best start (each run shifted on its own) and pausable.  A run that
 * a what-if cannot price adds its actual CO2e to that what-if, so totals stay
 * comparable; *n_priced counts the runs priced by both (may be NULL).  Runs
 * whose own CO2e is unknown (energy outside the series' span) are left out. */
void tp_whatif_lab_time(tp_whatif_time *out, const tp_lab *lab, const tp_intensity_series *s,
                        size_t *n_priced);

/* ---- equivalents ------------------------------------------------------- */

#define TP_WHATIF_N_EQUIVALENTS 3
/* The equivalences used: car km (US EPA), a one-way New York-London flight
 * per passenger, a US home's energy for a year. */
extern const char *const TP_WHATIF_EQUIVALENTS[TP_WHATIF_N_EQUIVALENTS];

typedef struct tp_whatif_equivalent {
  const tp_equivalence *row;  /* the table row (name, unit, source) */
  double amount;              /* co2e_kg / row->kg_co2e_per_unit */
} tp_whatif_equivalent;

/* The equivalents of co2e_kg that t holds; returns how many were written to
 * out (at most TP_WHATIF_N_EQUIVALENTS). */
size_t tp_whatif_equivalents(const tp_reftables *t, double co2e_kg, tp_whatif_equivalent *out);

#endif
