/* footprint: sensor and sampling error, embodied emissions and idle share of
 * a run (see footprint.h). */
#include "model/footprint.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/estimate.h"
#include "model/lab.h"
#include "model/mem.h"
#include "model/runspill.h"
#include "model/threads.h"

/* Whether a table's name pattern fits a device name: "*" fits any; else a
 * case-insensitive substring of it. */
static bool S_fits(const char *pattern, const char *name) {
  if (strcmp(pattern, "*") == 0) return true;
  if (!name) return false;
  size_t n = strlen(pattern), len = strlen(name);
  for (size_t i = 0; n && i + n <= len; i++)
    if (strncasecmp(name + i, pattern, n) == 0) return true;
  return false;
}

const tp_sensor_accuracy *tp_footprint_sensor_row(const tp_reftables *t, const char *name,
                                                  const char *field, double interval_s) {
  for (size_t i = 0; t && i < t->n_sensors; i++) {
    const tp_sensor_accuracy *s = &t->sensors[i];
    if (strcasecmp(s->field, field) != 0 || !S_fits(s->device, name)) continue;
    bool in_band = interval_s >= s->interval_min_s && interval_s < s->interval_max_s;
    if (isfinite(interval_s) && !in_band) continue;
    return s;
  }
  return NULL;
}

/* Overlap in seconds of [a0, a1) with [b0, b1). */
static double S_overlap(double a0, double a1, double b0, double b1) {
  double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

/* The next bucket after i with samples, or p->n. */
static size_t S_next_sampled(const tp_power_profile *p, size_t i) {
  size_t k = i + 1;
  while (k < p->n && p->count[k] == 0) k++;
  return k;
}

double tp_footprint_sampling_j(const tp_power_profile *p, double start_s, double end_s,
                               double covered_s, double *profile_j, double *interval_s) {
  double bound = 0, sum_w = 0, n = 0;
  for (size_t i = 0; i < p->n; i++) {
    double b0 = p->t0_s + (double)i * p->dt_s;
    if (p->count[i] == 0 || S_overlap(b0, b0 + p->dt_s, start_s, end_s) <= 0) continue;
    sum_w += p->sum_w[i];
    n += p->count[i];
  }
  *interval_s = n >= 2 && covered_s > 0 ? covered_s / (n - 1) : NAN;
  *profile_j = n > 0 && covered_s > 0 ? sum_w / n * covered_s : 0;
  double reach = p->dt_s + (isfinite(*interval_s) ? 4 * *interval_s : 0);
  for (size_t i = 0; i < p->n; i++) {
    if (p->count[i] == 0) continue;
    size_t k = S_next_sampled(p, i);
    double hi = tp_power_profile_max(p, i), lo = tp_power_profile_min(p, i);
    double b0 = p->t0_s + (double)i * p->dt_s;
    double b1 = b0 + p->dt_s;
    if (k < p->n && (double)(k - i) * p->dt_s <= reach) {
      if (tp_power_profile_max(p, k) > hi) hi = tp_power_profile_max(p, k);
      if (tp_power_profile_min(p, k) < lo) lo = tp_power_profile_min(p, k);
      b1 = p->t0_s + (double)k * p->dt_s;
    }
    double span = S_overlap(b0, b1, start_s, end_s);
    if (isfinite(hi) && isfinite(lo) && span > 0) bound += (hi - lo) * span / 2;
  }
  return bound;
}

/* The first embodied row of the kind whose model fits name, the "*" row
 * only when no named row does. */
static const tp_embodied *S_embodied_row(const tp_reftables *t, const char *name, bool server) {
  const tp_embodied *any = NULL;
  for (size_t i = 0; t && i < t->n_embodied; i++) {
    const tp_embodied *e = &t->embodied[i];
    if (e->server != server) continue;
    if (strcmp(e->model, "*") == 0) {
      if (!any) any = e;
    } else if (S_fits(e->model, name)) {
      return e;
    }
  }
  return any;
}

/* kg CO2e per GPU-hour of one row's units. */
static double S_per_gpu_h(const tp_embodied *e) {
  return e->kg_co2e / e->per_server / (e->life_years * TP_H_PER_YEAR * e->utilization);
}

double tp_footprint_embodied_per_gpu_h(const tp_reftables *t, const char *name,
                                       const tp_embodied **gpu_row,
                                       const tp_embodied **server_row) {
  const tp_embodied *g = S_embodied_row(t, name, false), *s = S_embodied_row(t, name, true);
  if (gpu_row) *gpu_row = g;
  if (server_row) *server_row = s;
  if (!g && !s) return NAN;
  return (g ? S_per_gpu_h(g) : 0) + (s ? S_per_gpu_h(s) : 0);
}

double tp_footprint_idle_share(const tp_power_profile *p, double start_s, double end_s,
                               double idle_w) {
  double all = 0, idle = 0;
  for (size_t i = 0; i < p->n; i++) {
    double b0 = p->t0_s + (double)i * p->dt_s;
    if (p->count[i] == 0 || S_overlap(b0, b0 + p->dt_s, start_s, end_s) <= 0) continue;
    double mean = p->sum_w[i] / p->count[i];
    all += mean;
    if (mean <= idle_w) idle += mean;
  }
  return all > 0 ? idle / all : NAN;
}

static const tp_power_profile *S_profile(const tp_run *run, const char *device) {
  for (size_t i = 0; i < run->n_power; i++)
    if (run->power[i].device && strcmp(run->power[i].device, device) == 0) return &run->power[i];
  return NULL;
}

/* The kind of reading behind a device's energy, as the sensor table names it. */
static const char *S_field(const tp_run_energy *e, const tp_device_energy *dv) {
  if (e->method == TP_ENERGY_MEASURED) return "counter";
  if (e->method == TP_ENERGY_DECLARED) return "declared";
  if (dv->field != TP_FIELD_UNSAID) return tp_power_field_name(dv->field);
  return strncmp(dv->id, "gpu", 3) == 0 ? "power.draw" : "power";
}

/* Add one traced device's sensor, sampling and idle parts to f; *w_j is the
 * energy the sensor factors are weighted by so far. */
static void S_device(tp_footprint_run *f, double *w_j, const tp_run *run,
                     const tp_device_energy *dv, const tp_reftables *t) {
  char key[512];
  const tp_power_profile *p =
      S_profile(run, tp_run_profile_device(run, dv->id, dv->host, key, sizeof key));
  double interval = NAN, profile_j = 0, sampling = 0;
  if (p) sampling = tp_footprint_sampling_j(p, run->start_s, run->end_s, dv->covered_s,
                                            &profile_j, &interval);
  double e_j = isfinite(dv->energy_j) ? dv->energy_j : 0;
  if (run->energy.method == TP_ENERGY_INTEGRATED && profile_j > 0)
    f->sampling_rel += sampling / profile_j * e_j; /* summed in joules, divided at the end */
  const tp_sensor_accuracy *s = tp_footprint_sensor_row(t, dv->name, S_field(&run->energy, dv),
                                                        interval);
  f->sensor_low += e_j * (1 + (s ? s->rel_low : 0));
  f->sensor_high += e_j * (1 + (s ? s->rel_high : 0));
  if (s && (!f->sensor_row || e_j > f->sensor_row_j)) {
    f->sensor_row = s;
    f->sensor_row_j = e_j;
  }
  *w_j += e_j;
  if (strncmp(dv->id, "gpu", 3) != 0) return;
  const tp_hardware *h =
      t && dv->name ? tp_estimate_find_hardware(t, TP_HW_GPU, dv->name, NULL) : NULL;
  double share = p && h ? tp_footprint_idle_share(p, run->start_s, run->end_s,
                                                  h->tdp_w * TP_IDLE_TDP_SHARE)
                        : NAN;
  if (!isfinite(share)) return;
  f->idle_j = (isfinite(f->idle_j) ? f->idle_j : 0) + share * e_j;
  f->gpu_j = (isfinite(f->gpu_j) ? f->gpu_j : 0) + e_j;
}

/* Embodied emissions of the run's GPU-hours, per device for traces, by the
 * declared GPU model otherwise. */
static double S_embodied(tp_footprint_run *f, const tp_run *run, const tp_reftables *t) {
  const tp_run_energy *e = &run->energy;
  if (e->method == TP_ENERGY_ESTIMATED || e->method == TP_ENERGY_DECLARED) {
    double h = tp_lab_run_gpu_hours(run);
    double k = tp_footprint_embodied_per_gpu_h(t, e->gpu_model, &f->gpu_row, &f->server_row);
    return h > 0 && isfinite(k) ? h * k : NAN;
  }
  double kg = NAN;
  for (size_t d = 0; d < e->n_devices; d++) {
    double h = tp_lab_device_gpu_hours(&e->devices[d]);
    if (!(h > 0)) continue;
    double k = tp_footprint_embodied_per_gpu_h(t, e->devices[d].name, &f->gpu_row, &f->server_row);
    if (isfinite(k)) kg = (isfinite(kg) ? kg : 0) + h * k;
  }
  return kg;
}

/* tp_footprint_of_run of a run whose power profiles are in memory. */
static tp_footprint_run S_of_run(const tp_run *run, const tp_reftables *t) {
  tp_footprint_run f = {.embodied_kg = NAN, .idle_j = NAN, .gpu_j = NAN};
  const tp_run_energy *e = &run->energy;
  double w_j = 0;
  if (e->method == TP_ENERGY_INTEGRATED || e->method == TP_ENERGY_MEASURED) {
    for (size_t d = 0; d < e->n_devices; d++) S_device(&f, &w_j, run, &e->devices[d], t);
  } else if (e->method == TP_ENERGY_DECLARED && isfinite(e->it_j)) {
    const char *field = e->declared_measured ? "declared.measured" : "declared";
    const tp_sensor_accuracy *s = tp_footprint_sensor_row(t, NULL, field, NAN);
    f.sensor_row = s;
    w_j = e->it_j;
    f.sensor_low = w_j * (1 + (s ? s->rel_low : 0));
    f.sensor_high = w_j * (1 + (s ? s->rel_high : 0));
  }
  if (w_j > 0) {
    f.sensor_low /= w_j;
    f.sensor_high /= w_j;
    f.sampling_rel /= w_j;
  } else {
    f.sensor_low = f.sensor_high = 1;
    f.sampling_rel = 0;
  }
  if (e->method != TP_ENERGY_NONE) f.embodied_kg = S_embodied(&f, run, t);
  return f;
}

tp_footprint_run tp_footprint_of_run(const tp_run *run, const tp_reftables *t) {
  tp_runspill_hold_power(run); /* the profiles alone: the points stay out */
  tp_footprint_run f = S_of_run(run, t);
  tp_runspill_release_power(run);
  return f;
}

typedef struct S_lab_work {
  tp_lab *lab;
  const tp_reftables *t;
  atomic_size_t next; /* the next run to take */
} S_lab_work;

static void *S_lab_worker(void *arg) {
  S_lab_work *w = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&w->next, 1);
    if (i >= w->lab->n_runs) return NULL;
    w->lab->footprints[i] = tp_footprint_of_run(w->lab->runs[i], w->t);
  }
}

void tp_footprint_lab(tp_lab *lab, const tp_reftables *t, int threads) {
  tp_footprint_lab_clear(lab);
  lab->footprints = tp_xcalloc(lab->n_runs ? lab->n_runs : 1, sizeof *lab->footprints);
  S_lab_work w = {.lab = lab, .t = t};
  atomic_init(&w.next, 0);
  size_t n = threads > 1 ? (size_t)threads : 1;
  if (n > 1 + lab->n_runs / 256) n = 1 + lab->n_runs / 256; /* a thread for 256 runs at least */
  tp_threads_run(n, S_lab_worker, &w);
  lab->footprint_tables = t;
}

void tp_footprint_lab_clear(tp_lab *lab) {
  free(lab->footprints);
  lab->footprints = NULL;
  lab->footprint_tables = NULL;
}

tp_footprint_run tp_footprint_of_lab_run(const tp_lab *lab, size_t i, const tp_reftables *t) {
  if (lab->footprints && lab->footprint_tables == t) return lab->footprints[i];
  return tp_footprint_of_run(lab->runs[i], t);
}
