/* publish_codecarbon: emissions.csv, the lab's runs in CodeCarbon's format, so
 * that dashboards and scripts built for CodeCarbon read trainprint's figures.
 *
 * The columns are those CodeCarbon 2.2 to 2.5 write (3.x added and moved
 * some), in their order: the file most tools and the Hugging Face Hub hold.
 * One row per run, with
 * CodeCarbon's units: duration s, emissions kg CO2e, emissions_rate kg/s,
 * *_power W, *_energy and energy_consumed kWh.  As in CodeCarbon, energies
 * include the PUE (facility energy) and the `pue` column says which, so a
 * reader that divides it out (trainprint's own, parser/power/codecarbon.c)
 * gets the IT energy back.  timestamp is the end of the run's window, in UTC
 * with its "Z" (CodeCarbon writes local time without a zone; a time with its
 * zone reads the same wherever it is read).  What trainprint
 * does not know (os, python_version, cpu_model, location, ...) is an empty
 * cell, and so is an unknown figure: never 0.  cpu_energy and ram_energy are
 * empty: the traces do not tell CPU from memory counters.
 *
 * After CodeCarbon's columns come trainprint's own, which readers that take
 * columns by name leave alone: the method, coverage and the ranges.
 */
#include "render/publish_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/utctime.h"
#include "render/csvout.h"
#include "render/summary.h"

static const char *const k_header =
    "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,"
    "ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,"
    "region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,"
    "cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud,"
    "pue,trainprint_method,trainprint_coverage,trainprint_it_kwh,trainprint_it_kwh_low,"
    "trainprint_it_kwh_high,trainprint_co2e_kg_low,trainprint_co2e_kg_high\n";

/* The GPUs of a run: their IT energy (J, NAN when unknown), count and model. */
typedef struct S_gpus {
  double j;
  double count;
  const char *model;
} S_gpus;

static S_gpus S_gpus_of(const tp_run *r) {
  const tp_run_energy *e = &r->energy;
  S_gpus g = {NAN, 0, NULL};
  if (e->method == TP_ENERGY_ESTIMATED || e->method == TP_ENERGY_DECLARED) {
    g.j = e->gpu_j;
    g.count = e->gpu_count;
    g.model = e->gpu_model;
    return g;
  }
  for (size_t d = 0; d < e->n_devices; d++) {
    const tp_device_energy *dev = &e->devices[d];
    if (strncmp(dev->id, "gpu", 3) != 0) continue;
    g.j = isfinite(g.j) ? g.j + dev->energy_j : dev->energy_j;
    g.count++;
    if (!g.model && dev->name && *dev->name) g.model = dev->name;
  }
  return g;
}

/* timestamp: the end of the window, "YYYY-MM-DDTHH:MM:SSZ" (UTC); empty when
 * unknown. */
static void S_timestamp(tp_buf *b, double t_s) {
  struct tm tm;
  if (!tp_utc_tm(t_s, &tm)) return;
  char s[32];
  strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
  tp_buf_adds(b, s);
}

/* The cells from country_name to pue: location from the zone when it is a
 * country of the tables, the GPUs, the PUE. */
static void S_context(tp_buf *b, const tp_publish_ctx *c, const S_gpus *g) {
  const tp_assumptions *a = &c->lab->assumptions;
  const tp_country_code *cc = NULL;
  for (size_t i = 0; c->tables && a->zone && !a->intensity_series && i < c->tables->n_countries;
       i++)
    if (strcmp(c->tables->countries[i].alpha2, a->zone) == 0) cc = &c->tables->countries[i];
  tp_csvout_field(b, cc ? cc->name : NULL);
  tp_buf_addc(b, ',');
  tp_csvout_field(b, cc ? cc->alpha3 : NULL);
  /* region .. cpu_model: not known to trainprint */
  tp_buf_adds(b, ",,,,,,,,,");
  if (g->count > 0) tp_buf_printf(b, "%g", g->count);
  tp_buf_addc(b, ',');
  if (g->model) {
    char *m = g->count > 0 && !strstr(g->model, " x ")
                  ? tp_xasprintf("%g x %s", g->count, g->model)
                  : tp_xstrdup(g->model);
    tp_csvout_field(b, m);
    free(m);
  }
  /* longitude .. on_cloud: not known */
  tp_buf_adds(b, ",,,,,,");
  tp_csvout_shortest(b, a->pue);
}

/* ",v" for each of v[0..n), shortest form; NAN an empty cell. */
static void S_cells(tp_buf *b, const double *v, size_t n) {
  for (size_t k = 0; k < n; k++) {
    tp_buf_addc(b, ',');
    tp_csvout_shortest(b, v[k]);
  }
}

static void S_row(tp_buf *b, const tp_publish_ctx *c, size_t i) {
  const tp_run *r = c->lab->runs[i];
  const tp_run_energy *e = &r->energy;
  const tp_uncertainty_run *u = &c->u.runs[i];
  bool known = e->method != TP_ENERGY_NONE && isfinite(e->it_j);
  double pue = c->lab->assumptions.pue;
  double dur = r->end_s - r->start_s;
  if (!(isfinite(dur) && dur >= 0)) dur = r->declared_duration_s;
  double co2 = known ? e->co2e_kg : NAN;
  S_gpus g = S_gpus_of(r);
  double gpu_j = known ? g.j : NAN;
  S_timestamp(b, r->end_s);
  tp_buf_addc(b, ',');
  tp_csvout_field(b, r->experiment);
  tp_buf_addc(b, ',');
  tp_csvout_field(b, r->id);
  /* duration .. energy_consumed; NAN: an empty cell (CPU and RAM are not
   * told apart) */
  double cells[] = {dur, co2, dur > 0 ? co2 / dur : NAN, NAN, dur > 0 ? gpu_j / dur : NAN,
                    NAN, NAN, tp_units_kwh(gpu_j * pue), NAN,
                    known ? tp_units_kwh(e->facility_j) : NAN};
  S_cells(b, cells, sizeof cells / sizeof *cells);
  tp_buf_addc(b, ',');
  S_context(b, c, &g);
  tp_buf_addc(b, ',');
  tp_buf_adds(b, tp_summary_method_name(e->method));
  double ours[] = {known ? e->coverage : NAN,
                   known ? tp_units_kwh(e->it_j) : NAN,
                   known ? tp_units_kwh(u->it_j.low) : NAN,
                   known ? tp_units_kwh(u->it_j.high) : NAN,
                   known ? u->co2e_kg.low : NAN,
                   known ? u->co2e_kg.high : NAN};
  S_cells(b, ours, sizeof ours / sizeof *ours);
  tp_buf_addc(b, '\n');
}

void tp_publish_codecarbon_csv(tp_buf *b, const tp_publish_ctx *c) {
  tp_buf_adds(b, k_header);
  for (size_t i = 0; i < c->lab->n_runs && i < c->u.n_runs; i++) S_row(b, c, i);
}
