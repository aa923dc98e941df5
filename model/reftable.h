/* reftable: the reference tables the energy and carbon model looks things up in.
 *
 * Plain data, filled by parser/reftable from the CSVs shipped in data/ (see
 * data/README.md for where each value comes from): grid carbon intensity per
 * zone, ISO country codes, cloud regions (zone and PUE), rated power (TDP) of
 * hardware (with cores per processor for the CPUs cpu_cores.csv lists), and
 * equivalences for CO2e; and, where shipped, the accuracy of power readings,
 * the embodied emissions of GPUs and servers, and water per kWh.  Every row
 * keeps its source text, so a report can cite what it used.
 *
 * Ownership: a tp_reftables owns every string and array it points to;
 * tp_reftables_free() releases all of it.  Lookups return pointers into the
 * tables, valid until they are freed.
 */
#ifndef TP_REFTABLE_H
#define TP_REFTABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Grid carbon intensity of one zone (grid_intensity.csv). */
typedef struct tp_zone_intensity {
  char *zone;                  /* "WORLD", "FR", "US-CA", "AU-WA-NWIS", "CAMX" */
  char *name;                  /* "France", "eGRID ..." */
  double intensity_g_per_kwh;  /* gCO2e per kWh, the quantity's conventional unit */
  int year;                    /* data year of the value (0 if unknown) */
  char *source;                /* provenance text */
} tp_zone_intensity;

/* ISO 3166-1 codes of a country (country_codes.csv). */
typedef struct tp_country_code {
  char alpha2[3];              /* "FR" */
  char alpha3[4];              /* "FRA" */
  char *name;                  /* "France" */
} tp_country_code;

/* One cloud provider region (cloud_regions.csv). */
typedef struct tp_cloud_region {
  char *provider;              /* "aws", "gcp", "azure" */
  char *region;                /* "us-east-1", "europe-west1", "westeurope" */
  char *location;              /* "US East (N. Virginia)" */
  char *zone;                  /* grid_intensity.csv zone of the location */
  double intensity_g_per_kwh;  /* that zone's intensity, gCO2e per kWh */
  double pue;                  /* the provider's fleet-wide PUE */
  char *source;
} tp_cloud_region;

typedef enum tp_hw_kind { TP_HW_GPU = 0, TP_HW_CPU = 1, TP_HW_TPU = 2 } tp_hw_kind;

/* Rated power of one hardware model (hardware_tdp.csv). */
typedef struct tp_hardware {
  tp_hw_kind kind;
  char *model;                 /* "NVIDIA A100 SXM4 80GB", "AMD EPYC 7763" */
  double tdp_w;                /* TDP / maximum board power, watts (whole chip) */
  char *source;
  int cores;                   /* CPU rows: physical cores per processor, from
                                  cpu_cores.csv; 0 when the table has none */
  char *cores_source;          /* where that count comes from, or NULL */
} tp_hardware;

/* A CO2e equivalence (equivalences.csv). */
typedef struct tp_equivalence {
  char *name;                  /* "car_km_us_epa" */
  double kg_co2e_per_unit;     /* kg CO2e per one `unit` */
  char *unit;                  /* "km driven by an average US gasoline passenger vehicle" */
  char *source;
} tp_equivalence;

/* Relative accuracy of one kind of power reading (power_sensor_uncertainty.csv). */
typedef struct tp_sensor_accuracy {
  char *device;                /* GPU name pattern ("A100": a substring of the
                                  device's name, any case), or "*" for any device */
  char *field;                 /* "power.draw", "power.draw.instant",
                                  "power.draw.average", "counter", "declared", "power" */
  double interval_min_s, interval_max_s; /* sampling interval band [min, max), s */
  double rel_low, rel_high;    /* relative error bounds (-0.05 and 0.05: +-5%) */
  char *source;
} tp_sensor_accuracy;

/* Manufacturing emissions of a GPU or of a server per GPU (embodied.csv). */
typedef struct tp_embodied {
  bool server;                 /* a server's row (false: the GPU's own) */
  char *model;                 /* GPU name pattern, or "*" for any */
  double kg_co2e;              /* manufacturing emissions of one unit, kg CO2e */
  double life_years;           /* service life over which they are amortized, years */
  double utilization;          /* share of the service life in use, 0..1 */
  double per_server;           /* GPUs per server (a server's kg is split over them) */
  char *source;
} tp_embodied;

/* Water per kWh (water_intensity.csv): the on-site WUE row ("WUE"), zones'
 * off-site electricity water intensity, and the default ("DEFAULT"). */
typedef struct tp_water_intensity {
  char *zone;
  double l_per_kwh;            /* litres per kWh */
  char *source;
} tp_water_intensity;

typedef struct tp_reftables {
  tp_zone_intensity *zones;  size_t n_zones;
  tp_country_code *countries; size_t n_countries;
  tp_cloud_region *regions;  size_t n_regions;
  tp_hardware *hardware;     size_t n_hardware;
  tp_equivalence *equivalences; size_t n_equivalences;
  tp_sensor_accuracy *sensors; size_t n_sensors;   /* optional: empty when not shipped */
  tp_embodied *embodied;     size_t n_embodied;    /* optional */
  tp_water_intensity *water; size_t n_water;       /* optional */
} tp_reftables;

/* Release everything the tables hold and zero them. */
void tp_reftables_free(tp_reftables *t);

/* The zone with this code, case-insensitively; an ISO alpha-3 country code
 * ("FRA") is accepted for its alpha-2 row.  NULL when there is none. */
const tp_zone_intensity *tp_reftable_find_zone(const tp_reftables *t, const char *code);

/* The cloud region named `region`, case-insensitively, written either bare
 * ("us-east-1") or with its provider ("aws:us-east-1", "aws/us-east-1").
 * A bare name that more than one provider uses matches none (NULL). */
const tp_cloud_region *tp_reftable_find_region(const tp_reftables *t, const char *region);

/* The water row of this zone (or "WUE", "DEFAULT"), case-insensitively, or NULL. */
const tp_water_intensity *tp_reftable_find_water(const tp_reftables *t, const char *zone);
/* The equivalence of this name, or NULL. */
const tp_equivalence *tp_reftable_find_equivalence(const tp_reftables *t, const char *name);

#endif
