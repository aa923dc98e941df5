/* Footprint: sensor and sampling ranges, embodied emissions and idle share,
 * each with numbers worked out by hand (docs/uncertainty.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/footprint.h"
#include "model/mem.h"
#include "model/uncertainty.h"
#include "tp_test.h"

static tp_sensor_accuracy S_sensors[] = {
    {"A100", "power.draw", 0, 1, -0.3, 0.3, "a100 fast"},
    {"A100", "power.draw", 1, INFINITY, -0.1, 0.1, "a100"},
    {"*", "power.draw", 0, INFINITY, -0.05, 0.05, "any"},
    {"*", "counter", 0, INFINITY, -0.02, 0.02, "counter"},
    {"*", "declared.measured", 0, INFINITY, -0.1, 0.1, "declared measured"},
    {"*", "declared", 0, INFINITY, -0.5, 1.0, "declared fallback"},
};
static tp_embodied S_embodied[] = {
    {false, "A100", 150, 6, 0.85, 1, "gpu a100"},
    {true, "A100", 2500, 6, 0.85, 8, "server a100"},
    {false, "*", 100, 4, 1, 1, "gpu any"},
};
static tp_hardware S_hw[] = {{TP_HW_GPU, "NVIDIA A100-SXM4-40GB", 400, "a100 tdp", 0, NULL}};

static tp_reftables S_tables(void) {
  tp_reftables t = {0};
  t.sensors = S_sensors;
  t.n_sensors = 6;
  t.embodied = S_embodied;
  t.n_embodied = 3;
  t.hardware = S_hw;
  t.n_hardware = 1;
  return t;
}

/* A profile of 1 s buckets from t = 0 holding one sample each (heap, as a
 * run's own; the run frees it). */
static tp_power_profile S_profile(const char *dev, const double *w, size_t n) {
  tp_power_profile p = {.device = tp_xstrdup(dev), .t0_s = 0, .dt_s = 1, .n = n,
                        .sum_w = tp_xcalloc(n, sizeof(double)),
                        .max_w = tp_xcalloc(n, sizeof(double)),
                        .min_w = tp_xcalloc(n, sizeof(double)),
                        .count = tp_xcalloc(n, sizeof(uint32_t))};
  for (size_t i = 0; i < n; i++) {
    p.sum_w[i] = p.max_w[i] = p.min_w[i] = w[i];
    p.count[i] = 1;
  }
  return p;
}

static void S_profile_free(tp_power_profile *p) {
  free(p->device);
  free(p->sum_w);
  free(p->max_w);
  free(p->min_w);
  free(p->count);
}

static void test_sensor_row(void) {
  tp_reftables t = S_tables();
  CHECK_STR(tp_footprint_sensor_row(&t, "NVIDIA A100-SXM4-40GB", "power.draw", 0.5)->source,
            "a100 fast");
  CHECK_STR(tp_footprint_sensor_row(&t, "NVIDIA A100-SXM4-40GB", "power.draw", 2)->source, "a100");
  CHECK_STR(tp_footprint_sensor_row(&t, "Tesla V100", "power.draw", 2)->source, "any");
  CHECK_STR(tp_footprint_sensor_row(&t, NULL, "counter", NAN)->source, "counter");
  CHECK(tp_footprint_sensor_row(&t, "x", "no such reading", 1) == NULL);
  CHECK(tp_footprint_sensor_row(NULL, "x", "power.draw", 1) == NULL);
}

/* Samples 100, 200, 200, 100 W, one a second, over [0, 4] with 3 s
 * covered: the bound is 1/2 x (100 x 1 + 0 + 100 x 1 + 0) = 100 J; the
 * profile's energy is the mean 150 W x 3 s = 450 J; interval 3 / 3 = 1 s. */
static void test_sampling(void) {
  double w[] = {100, 200, 200, 100};
  tp_power_profile p = S_profile("gpu0", w, 4);
  double pj, iv;
  CHECK_NEAR(tp_footprint_sampling_j(&p, 0, 4, 3, &pj, &iv), 100, 1e-9);
  CHECK_NEAR(pj, 450, 1e-9);
  CHECK_NEAR(iv, 1, 1e-12);
  /* A window over the middle two buckets: 1/2 x (0 x 1 + 100 x 1) = 50 J. */
  CHECK_NEAR(tp_footprint_sampling_j(&p, 1, 3, 2, &pj, &iv), 50, 1e-9);
  /* Constant power: no sampling error. */
  double flat[] = {300, 300, 300};
  tp_power_profile q = S_profile("gpu0", flat, 3);
  CHECK_NEAR(tp_footprint_sampling_j(&q, 0, 3, 2, &pj, &iv), 0, 1e-12);
  S_profile_free(&p);
  S_profile_free(&q);
}

/* (150 + 2500 / 8) kg / (6 x 8760 h x 0.85) = 462.5 / 44676 kg per GPU-hour;
 * an unnamed GPU: 100 kg / (4 x 8760 x 1) and no server row for it. */
static void test_embodied(void) {
  tp_reftables t = S_tables();
  const tp_embodied *g, *s;
  CHECK_NEAR(tp_footprint_embodied_per_gpu_h(&t, "NVIDIA A100-SXM4-40GB", &g, &s),
             462.5 / 44676.0, 1e-12);
  CHECK_STR(g->source, "gpu a100");
  CHECK_STR(s->source, "server a100");
  CHECK_NEAR(tp_footprint_embodied_per_gpu_h(&t, "Tesla V100", &g, &s), 100 / 35040.0, 1e-12);
  CHECK(s == NULL);
  CHECK(isnan(tp_footprint_embodied_per_gpu_h(NULL, "x", NULL, NULL)));
}

/* Bucket means 50, 200, 200, 50 W with idle at <= 80 W: 100 of 500. */
static void test_idle_share(void) {
  double w[] = {50, 200, 200, 50};
  tp_power_profile p = S_profile("gpu0", w, 4);
  CHECK_NEAR(tp_footprint_idle_share(&p, 0, 4, 80), 0.2, 1e-12);
  CHECK_NEAR(tp_footprint_idle_share(&p, 1, 3, 80), 0, 1e-12);
  S_profile_free(&p);
}

/* A100 traced over [0, 4], 4 s covered, 900 J, one GPU-hour charged.  The
 * profile above: s = 100 J / (150 W x 4 s) = 1/6, interval 4/3 s (the A100
 * row for 1 s and more, +-10%).  IT low 900 x 0.9 x 5/6 = 675 J, high
 * 900 x 1.1 x 7/6 = 1155 J; embodied 462.5 / 44676 kg; nothing idle. */
static void test_run(void) {
  tp_reftables t = S_tables();
  tp_run *r = tp_run_new("exp/a", "exp/a");
  r->start_s = 0;
  r->end_s = 4;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = 900;
  r->energy.facility_j = 900;
  r->energy.co2e_kg = 900 / 3.6e6 * 0.4;
  r->energy.intensity_g_per_kwh = 400;
  r->energy.n_devices = 1;
  r->energy.devices = tp_xcalloc(1, sizeof *r->energy.devices);
  r->energy.devices[0] = (tp_device_energy){tp_xstrdup("gpu0"), tp_xstrdup("NVIDIA A100-SXM4-40GB"),
                                            900, 4, 200, 100, 3600, NULL, TP_FIELD_UNSAID};
  double w[] = {100, 200, 200, 100};
  r->power = tp_xcalloc(1, sizeof *r->power);
  r->power[0] = S_profile("gpu0", w, 4);
  r->n_power = r->cap_power = 1;
  tp_uncertainty_run u = tp_uncertainty_of_run(r, tp_range_exact(1), tp_range_exact(400), &t);
  CHECK_NEAR(u.fp.sampling_rel, 1 / 6.0, 1e-12);
  CHECK_NEAR(u.factors.low[TP_US_SENSOR], 0.9, 1e-12);
  CHECK_NEAR(u.factors.high[TP_US_SAMPLING], 7 / 6.0, 1e-12);
  CHECK_NEAR(u.it_j.low, 675, 1e-9);
  CHECK_NEAR(u.it_j.high, 1155, 1e-9);
  CHECK_NEAR(u.co2e_kg.high, 1155 / 3.6e6 * 0.4, 1e-12);
  CHECK_NEAR(u.fp.embodied_kg, 462.5 / 44676.0, 1e-12);
  CHECK_NEAR(u.fp.idle_j, 0, 1e-12);
  CHECK_NEAR(u.fp.gpu_j, 900, 1e-12);
  CHECK_STR(u.fp.sensor_row->source, "a100");
  /* Without tables: no sensor range, the sampling bound stays. */
  tp_uncertainty_run n = tp_uncertainty_of_run(r, tp_range_exact(1), tp_range_exact(400), NULL);
  CHECK_NEAR(n.it_j.low, 900 * 5 / 6.0, 1e-9);
  CHECK(isnan(n.fp.embodied_kg));

  /* Kept for a lab: the footprint is read off the profiles once, while they
   * are in memory, and given back for the same tables; a flat profile after
   * that (as if it were no longer there) changes nothing for them, while
   * other tables, or none kept, read the profile as it is now. */
  tp_lab lab = {0};
  tp_lab_add_run(&lab, r);
  tp_footprint_lab(&lab, &t, 2);
  for (size_t i = 0; i < r->power[0].n; i++)
    r->power[0].sum_w[i] = r->power[0].max_w[i] = r->power[0].min_w[i] = 150;
  CHECK_NEAR(tp_footprint_of_lab_run(&lab, 0, &t).sampling_rel, 1 / 6.0, 1e-12);
  CHECK_NEAR(tp_footprint_of_lab_run(&lab, 0, NULL).sampling_rel, 0, 1e-12);
  tp_uncertainty uc;
  tp_uncertainty_compute(&uc, &lab, &t, NULL);
  CHECK_NEAR(uc.runs[0].it_j.low, 675, 1e-9);
  tp_uncertainty_free(&uc);
  tp_footprint_lab_clear(&lab);
  CHECK(lab.footprints == NULL);
  CHECK_NEAR(tp_footprint_of_lab_run(&lab, 0, &t).sampling_rel, 0, 1e-12);
  tp_lab_free(&lab); /* frees r */
}

/* A declared figure: the fallback bound (-50 %..+100 %) unless the tool's
 * rows show it measured (-10 %..+10 %). */
static void test_declared(void) {
  tp_reftables t = S_tables();
  tp_run *r = tp_run_new("exp/d", "exp/d");
  r->energy.method = TP_ENERGY_DECLARED;
  r->energy.it_j = 1000;
  tp_footprint_run f = tp_footprint_of_run(r, &t);
  CHECK_NEAR(f.sensor_low, 0.5, 1e-12);
  CHECK_NEAR(f.sensor_high, 2.0, 1e-12);
  CHECK_STR(f.sensor_row->source, "declared fallback");
  r->energy.declared_measured = true;
  f = tp_footprint_of_run(r, &t);
  CHECK_NEAR(f.sensor_low, 0.9, 1e-12);
  CHECK_NEAR(f.sensor_high, 1.1, 1e-12);
  CHECK_STR(f.sensor_row->source, "declared measured");
  tp_run_free(r);
}

int main(void) {
  TP_RUN(test_sensor_row);
  TP_RUN(test_sampling);
  TP_RUN(test_embodied);
  TP_RUN(test_idle_share);
  TP_RUN(test_run);
  TP_RUN(test_declared);
  return tp_test_summary();
}
