/* Tests for model/lab: seed keys, configs, repeats, statistics, metric choice,
 * and the summary writers on a lab built by hand. */
#include <stdlib.h>

#include "model/energy.h"
#include "model/lab.h"
#include "model/mem.h"
#include "render/json.h"
#include "render/summary.h"
#include "tp_test.h"

static tp_run *S_run(const char *id, const char *prec, double seed, double it_j, double acc) {
  tp_run *r = tp_run_new(id, "/tmp");
  tp_run_set_hparam(r, "precision", TP_HP_STRING, prec, NAN, "x");
  char t[32];
  tp_run_set_hparam(r, "seed", TP_HP_NUMBER, tp_fmt_double(t, seed), seed, "x");
  tp_run_set_hparam(r, "batch_size", TP_HP_NUMBER, "256", 256, "x");
  tp_run_note_event(r, 0, 1767225600.0);
  tp_run_note_event(r, 100, 1767225600.0 + 1800.0);
  tp_run_add_scalar(r, "val/acc", 1, 1767225600.0, acc - 0.1);
  tp_run_add_scalar(r, "val/acc", 2, 1767225700.0, acc);
  tp_run_add_scalar(r, "val/loss", 2, 1767225700.0, 0.5);
  tp_run_finish(r);
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = it_j;
  r->energy.facility_j = it_j * 1.5;
  r->energy.co2e_kg = it_j * 1.5 / 3.6e6 * 0.4;
  r->energy.coverage = 1.0;
  return r;
}

static void test_seed_keys(void) {
  CHECK(tp_lab_is_seed_key("seed"));
  CHECK(tp_lab_is_seed_key("Seed"));
  CHECK(tp_lab_is_seed_key("data_seed"));
  CHECK(tp_lab_is_seed_key("config/trainer/seed"));
  CHECK(tp_lab_is_seed_key("random_state"));
  CHECK(!tp_lab_is_seed_key("seedling"));
  CHECK(!tp_lab_is_seed_key("lr"));
}

static void test_group(void) {
  tp_lab lab = {0};
  /* Added out of order on purpose: output is sorted by id. */
  tp_lab_add_run(&lab, S_run("sweep/fp32-s1", "fp32", 1, 3.6e6 * 0.30, 0.90));
  tp_lab_add_run(&lab, S_run("sweep/fp32-s0", "fp32", 0, 3.6e6 * 0.28, 0.92));
  tp_lab_add_run(&lab, S_run("sweep/amp-s0", "amp", 0, 3.6e6 * 0.10, 0.91));
  tp_lab_add_run(&lab, S_run("solo", "fp32", 0, 3.6e6 * 1.0, 0.5));
  tp_lab_group(&lab);
  CHECK_STR(lab.runs[0]->id, "solo");
  CHECK_STR(lab.runs[1]->id, "sweep/amp-s0");
  CHECK_INT(lab.n_experiments, 2);
  CHECK_STR(lab.experiments[0].name, ".");
  CHECK_STR(lab.experiments[1].name, "sweep");
  tp_experiment *e = &lab.experiments[1];
  CHECK_INT(e->n_configs, 2);
  CHECK_STR(e->configs[0].config, "batch_size=256, precision=amp");
  CHECK_STR(e->configs[1].config, "batch_size=256, precision=fp32");
  CHECK_INT(e->configs[1].n_runs, 2);
  /* mean of 0.28 and 0.30 kWh = 0.29 kWh; sample sd = 0.02/sqrt(2) kWh */
  CHECK_NEAR(e->configs[1].it_j.mean, 0.29 * 3.6e6, 1e-6);
  CHECK_NEAR(e->configs[1].it_j.sd, 0.01414213562373095 * 3.6e6, 1e-6);
  CHECK(isnan(e->configs[0].it_j.sd)); /* one run: no spread */
  CHECK_STR(e->metric_tag, "val/acc");
  CHECK(e->metric_higher_better);
  CHECK_NEAR(e->configs[1].metric_best.mean, 0.91, 1e-12);
  CHECK_NEAR(e->it_j, 3.6e6 * 0.68, 1e-6);
  CHECK_NEAR(lab.it_j, 3.6e6 * 1.68, 1e-6);
  CHECK_INT(lab.n_runs_with_energy, 4);

  tp_buf json = {0}, csv = {0};
  tp_summary_json(&lab, &json);
  tp_summary_runs_csv(&lab, &csv);
  CHECK(strstr(tp_buf_str(&json), "\"it_kwh_mean\": 0.290000") != NULL);
  CHECK(strstr(tp_buf_str(&json), "\"config\": \"batch_size=256, precision=fp32\"") != NULL);
  CHECK(strstr(tp_buf_str(&json), "\"start\": \"2026-01-01T00:00:00.000000Z\"") != NULL);
  CHECK(strstr(tp_buf_str(&csv), "sweep/fp32-s0,sweep,\"batch_size=256, precision=fp32\","
                                 "2026-01-01T00:00:00.000000Z,2026-01-01T00:30:00.000000Z,"
                                 "1800.000,0,integrated,1.0000,0.280000,0.420000,0.168000,") !=
        NULL);
  tp_buf_free(&json);
  tp_buf_free(&csv);
  tp_lab_free(&lab);
}

/* A configured experiment: compare_by, metric, goal and target; the energy to
 * target comes from the cumulative energy at each metric point. */
static void test_rules_and_target(void) {
  tp_lab lab = {0};
  char *cmp[] = {"precision"};
  tp_lab_rule rule = {.experiment = "sweep", .metric_tag = "val/loss", .goal_set = true,
                      .goal_max = false, .target = 0.45, .compare_by = cmp, .n_compare_by = 1};
  tp_lab_add_rule(&lab, &rule);
  tp_run *a = S_run("sweep/a", "fp32", 0, 3.6e6, 0.9);
  tp_run *b = S_run("sweep/b", "fp32", 1, 3.6e6, 0.9);
  /* a reaches loss <= 0.45 at its second point; b never does. */
  tp_run_add_scalar(a, "val/loss", 3, 1767225800.0, 0.4);
  tp_run_add_scalar(b, "val/loss", 3, 1767225800.0, 0.7);
  tp_lab_add_run(&lab, a);
  tp_lab_add_run(&lab, b);
  tp_lab_assign(&lab);
  CHECK_STR(lab.experiments[0].metric_tag, "val/loss");
  CHECK(!lab.experiments[0].metric_higher_better);
  CHECK_STR(a->config, "precision=fp32"); /* batch_size left out by compare_by */
  /* cumulative energy at each val/loss point of a (steps 2 and 3) */
  a->metric_cum_j = tp_xmalloc(2 * sizeof(double));
  a->metric_cum_j[0] = 1000.0;
  a->metric_cum_j[1] = 1234.0;
  a->n_metric_cum = 2;
  tp_lab_compute_targets(&lab);
  tp_lab_aggregate(&lab);
  CHECK(a->target.set);
  CHECK(a->target.reached);
  CHECK_INT(a->target.step, 3);
  CHECK_NEAR(a->target.time_s, 200.0, 1e-9);
  CHECK_NEAR(a->target.it_j, 1234.0, 1e-9);
  CHECK(b->target.set);
  CHECK(!b->target.reached);
  CHECK_INT(lab.experiments[0].n_configs, 1);
  CHECK_INT(lab.experiments[0].configs[0].n_reached, 1);
  CHECK_NEAR(lab.experiments[0].configs[0].target_it_j.mean, 1234.0, 1e-9);
  tp_buf json = {0};
  tp_summary_json(&lab, &json);
  CHECK(strstr(tp_buf_str(&json), "\"reached\": true") != NULL);
  CHECK(strstr(tp_buf_str(&json), "\"target_ranking\"") != NULL);
  tp_buf_free(&json);
  tp_lab_free(&lab);
}

static void test_rollups(void) {
  tp_lab lab = {0};
  tp_run *a = S_run("x/a", "fp32", 0, 3.6e6, 0.9); /* starts 2026-01-01 */
  tp_run *b = S_run("x/b", "fp32", 1, 7.2e6, 0.9);
  b->start_s = 1772323200.0; /* 2026-03-01 */
  b->end_s = b->start_s + 60;
  a->host = tp_xstrdup("node1");
  tp_run_set_tag(a, "project", "p1");
  tp_run_set_tag(b, "project", "p1");
  tp_run_set_tag(b, "project", "p2"); /* a key set again keeps the first value */
  tp_lab_add_run(&lab, a);
  tp_lab_add_run(&lab, b);
  tp_lab_group(&lab);
  CHECK_INT(lab.by_month.count, 2);
  CHECK_STR(lab.by_month.items[0].key, "2026-01");
  CHECK_NEAR(lab.by_month.items[0].it_j, 3.6e6, 1e-9);
  CHECK_STR(lab.by_month.items[1].key, "2026-03");
  CHECK_NEAR(lab.by_month.items[1].it_j, 7.2e6, 1e-9);
  CHECK_INT(lab.by_host.count, 2);
  CHECK_STR(lab.by_host.items[0].key, "node1");
  CHECK_STR(lab.by_host.items[1].key, "unknown");
  CHECK_INT(lab.by_tag.count, 1);
  CHECK_STR(lab.by_tag.items[0].key, "project=p1");
  CHECK_INT(lab.by_tag.items[0].n_runs, 2);
  CHECK_NEAR(lab.by_tag.items[0].it_j, 10.8e6, 1e-9);
  tp_lab_free(&lab);
}

static void test_json_escape(void) {
  tp_buf b = {0};
  tp_json_quote(&b, "<a>\"q\"\n\x01\xff");
  CHECK_STR(tp_buf_str(&b), "\"<a>\\\"q\\\"\\n\\u0001\\ufffd\"");
  /* C1 controls, the Unicode line and paragraph separators, the byte order
   * mark and the noncharacters U+FFFE/FFFF are escaped; other non-ASCII stays. */
  tp_buf_clear(&b);
  tp_json_quote(&b, "\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9|\xef\xbb\xbf|\xef\xbf\xbf|\xc3\xa9|\xe2\x82\xac");
  CHECK_STR(tp_buf_str(&b), "\"\\u0085|\\u2028|\\u2029|\\ufeff|\\uffff|\xc3\xa9|\xe2\x82\xac\"");
  tp_buf_free(&b);
}

/* GPU-hours count each physical GPU once per hour.  Runs a [0, 100 s] and b
 * [50, 150 s] both use gpu0, traced at 100 W from 0 to 150 s: 150 s of GPU
 * time.  a alone for 50 s, then 50 s shared (25 s each), so a: 75 s, b: 75 s;
 * the sum is the GPU's own 150 s, not 200.  An estimated run of 2 GPUs over
 * 1800 s: 1 GPU-hour; a declared run of 8 GPUs over 900 s: 2 GPU-hours.
 * Lab: 150/3600 + 1 + 2 = 3.041667 h. */
static void test_gpu_hours(void) {
  const double t0 = 1767225600.0;
  tp_energy_window w[2] = {{t0, t0 + 100, NULL, 0}, {t0 + 50, t0 + 150, NULL, 0}};
  tp_energy *e = tp_energy_new(w, 2, NULL, 0);
  int g = tp_energy_device(e, "gpu0", "NVIDIA A100-SXM4-40GB", TP_SAMPLE_POWER_W, 0);
  for (int t = 0; t <= 150; t++) tp_energy_sample(e, g, t0 + t, 100.0);
  tp_run *runs[2] = {tp_run_new("a", "/tmp"), tp_run_new("b", "/tmp")};
  for (int k = 0; k < 2; k++) {
    runs[k]->start_s = w[k].start_s;
    runs[k]->end_s = w[k].end_s;
  }
  tp_energy_finish(e, runs, 2);
  tp_energy_free(e);
  for (int k = 0; k < 2; k++) {
    CHECK_INT(runs[k]->energy.n_devices, 1);
    CHECK_NEAR(runs[k]->energy.devices[0].covered_s, 100, 1e-6);
    CHECK_NEAR(runs[k]->energy.devices[0].share_s, 75, 1e-6);
    CHECK_NEAR(runs[k]->energy.it_j, 7500, 1e-6); /* 75 s x 100 W, energy split alike */
  }
  tp_run *est = tp_run_new("c", "/tmp");
  est->start_s = t0;
  est->end_s = t0 + 1800;
  est->energy = (tp_run_energy){.method = TP_ENERGY_ESTIMATED, .it_j = 1.5e6, .coverage = 1,
                                .gpu_count = 2, .gpu_j = 1.44e6,
                                .gpu_model = tp_xstrdup("NVIDIA A100-SXM4-40GB")};
  tp_run *decl = tp_run_new("d", "/tmp");
  decl->start_s = t0;
  decl->end_s = t0 + 900;
  decl->energy = (tp_run_energy){.method = TP_ENERGY_DECLARED, .it_j = 1e6, .coverage = 1,
                                 .gpu_count = 8, .gpu_j = NAN};
  tp_lab lab = {0};
  tp_lab_add_run(&lab, runs[0]);
  tp_lab_add_run(&lab, runs[1]);
  tp_lab_add_run(&lab, est);
  tp_lab_add_run(&lab, decl);
  tp_lab_group(&lab);
  CHECK_NEAR(lab.gpu_hours, 150.0 / 3600 + 1 + 2, 1e-9);
  /* The model roll-up: the traced GPU once (150 s) and the estimated run's
   * 2 GPUs (1 h) with their part of its energy, 1.44 of 1.5 MJ (the traced
   * runs' 7500 J each are all GPU); the declared run, whose GPUs' part of its
   * energy is not known, is left out rather than shown with 0 kWh. */
  CHECK_INT(lab.by_gpu_model.count, 1);
  CHECK_STR(lab.by_gpu_model.items[0].key, "NVIDIA A100-SXM4-40GB");
  CHECK_NEAR(lab.by_gpu_model.items[0].gpu_hours, 150.0 / 3600 + 1, 1e-9);
  CHECK_NEAR(lab.by_gpu_model.items[0].it_j, 7500 * 2 + 1.44e6, 1e-6);
  CHECK_INT(lab.by_gpu_model.items[0].n_runs, 3);

  CHECK_NEAR(lab.by_month.items[0].gpu_hours, lab.gpu_hours, 1e-9);
  tp_lab_free(&lab);
}

/* Unknown is not zero: sums over no run with energy are NAN; over some of
 * them, the sum of those with the count beside it. */
static void test_unknown_sums(void) {
  tp_lab lab = {0};
  tp_run *none = S_run("dark/a", "fp32", 0, 0, 0.5);
  none->energy = (tp_run_energy){.method = TP_ENERGY_NONE};
  tp_lab_add_run(&lab, none);
  tp_run *b = S_run("mixed/b", "fp32", 0, 0, 0.5);
  b->energy = (tp_run_energy){.method = TP_ENERGY_NONE};
  tp_lab_add_run(&lab, b);
  tp_lab_add_run(&lab, S_run("mixed/c", "fp32", 1, 3.6e6 * 0.25, 0.5)); /* 0.25 kWh */
  tp_lab_group(&lab);
  CHECK_INT(lab.n_experiments, 2);
  const tp_experiment *dark = &lab.experiments[0], *mixed = &lab.experiments[1];
  CHECK_STR(dark->name, "dark");
  CHECK_INT(dark->n_runs_with_energy, 0);
  CHECK(isnan(dark->it_j) && isnan(dark->facility_j) && isnan(dark->co2e_kg));
  CHECK_INT(mixed->n_runs_with_energy, 1);
  CHECK_NEAR(mixed->it_j, 3.6e6 * 0.25, 1e-6);
  CHECK_NEAR(mixed->facility_j, 3.6e6 * 0.25 * 1.5, 1e-6);
  CHECK_INT(lab.n_runs_with_energy, 1);
  CHECK_NEAR(lab.it_j, 3.6e6 * 0.25, 1e-6); /* the known run only, not NAN */
  CHECK_INT(lab.by_month.count, 1);
  CHECK_INT(lab.by_month.items[0].n_runs, 3);
  CHECK_INT(lab.by_month.items[0].n_runs_with_energy, 1);
  tp_lab_free(&lab);

  tp_lab dark_lab = {0};
  tp_run *d = S_run("x/a", "fp32", 0, 0, 0.5);
  d->energy = (tp_run_energy){.method = TP_ENERGY_NONE};
  tp_lab_add_run(&dark_lab, d);
  tp_lab_group(&dark_lab);
  CHECK_INT(dark_lab.n_runs_with_energy, 0);
  CHECK(isnan(dark_lab.it_j) && isnan(dark_lab.facility_j) && isnan(dark_lab.co2e_kg));
  CHECK(isnan(dark_lab.by_month.items[0].it_j));
  tp_buf json = {0};
  tp_summary_json(&dark_lab, &json);
  CHECK(strstr(tp_buf_str(&json), "\"runs_with_energy\": 0,\n    \"it_kwh\": null") != NULL);
  tp_buf_free(&json);
  tp_lab_free(&dark_lab);
}

/* Placement keys (built in and configured) and Python reprs' addresses stay
 * out of the configuration; two repeats on other GPUs group. */
static void test_placement_and_addresses(void) {
  CHECK(tp_lab_is_placement_key(NULL, "CUDA_VISIBLE_DEVICES"));
  CHECK(tp_lab_is_placement_key(NULL, "trainer.gpus"));
  CHECK(tp_lab_is_placement_key(NULL, "config/Devices"));
  CHECK(tp_lab_is_placement_key(NULL, "local_rank"));
  CHECK(tp_lab_is_placement_key(NULL, "trainer.gpus.0")); /* a flattened list */
  CHECK(tp_lab_is_placement_key(NULL, "trainer/devices/1/2"));
  CHECK(!tp_lab_is_placement_key(NULL, "gpus0"));
  CHECK(!tp_lab_is_placement_key(NULL, "0"));
  CHECK(!tp_lab_is_placement_key(NULL, "trainer.accelerator"));
  CHECK(!tp_lab_is_placement_key(NULL, "num_gpus_per_model_x")); /* not a component */
  CHECK(!tp_lab_is_placement_key(NULL, "xgpus"));
  CHECK(!tp_lab_is_placement_key(NULL, "slurm_job"));
  CHECK(!tp_lab_is_placement_key(NULL, "lora.rank")); /* a model's rank */

  tp_config cfg;
  tp_config_init(&cfg);
  tp_config_strs_add(&cfg.placement_keys, "slurm_job");
  tp_config_strs_add(&cfg.placement_keys, "data.cache_dir");
  tp_lab lab = {0};
  for (int i = 0; i < 2; i++) {
    tp_run *r = tp_run_new(i ? "e/b" : "e/a", "/tmp");
    char t[32];
    tp_run_set_hparam(r, "trainer.gpus", TP_HP_STRING, i ? "[1]" : "[0]", NAN, "x");
    tp_run_set_hparam(r, "local_rank", TP_HP_NUMBER, "0", 0, "x");
    tp_run_set_hparam(r, "slurm_job", TP_HP_NUMBER, tp_fmt_double(t, 100 + i), 100 + i, "x");
    tp_run_set_hparam(r, "exp.data.cache_dir", TP_HP_STRING, i ? "/b" : "/a", NAN, "x");
    tp_run_set_hparam(r, "loss_fn", TP_HP_STRING,
                      i ? "<function mse at 0x7f3a2c1d9e50>" : "<function mse at 0x0000020CB5CADEE0>",
                      NAN, "x");
    tp_run_set_hparam(r, "sched", TP_HP_NULL, "null", NAN, "x");
    tp_run_set_hparam(r, "note", TP_HP_STRING, "meet at 0xford", NAN, "x"); /* no hex after 0x */
    tp_run_finish(r);
    tp_lab_add_run(&lab, r);
  }
  tp_lab_apply_config(&lab, &cfg);
  tp_lab_group(&lab);
  CHECK(tp_lab_is_placement_key(&lab, "slurm_job"));
  CHECK(!tp_lab_is_config_key(&lab, "x/data.cache_dir"));
  CHECK_INT(lab.n_experiments, 1);
  CHECK_INT(lab.experiments[0].n_configs, 1);
  CHECK_STR(lab.runs[0]->config, "loss_fn=<function mse>, note=meet at 0xford, sched=null");
  /* The hparam itself is kept as written. */
  CHECK_STR(tp_run_find_hparam(lab.runs[1], "loss_fn")->text, "<function mse at 0x7f3a2c1d9e50>");
  tp_buf json = {0};
  tp_summary_json(&lab, &json);
  CHECK(strstr(tp_buf_str(&json), "\"sched\": null") != NULL);
  CHECK(strstr(tp_buf_str(&json), "\"trainer.gpus\": \"[1]\"") != NULL); /* in the run's hparams */
  tp_buf_free(&json);
  tp_lab_free(&lab);
  tp_config_free(&cfg);
}

int main(void) {
  TP_RUN(test_gpu_hours);
  TP_RUN(test_seed_keys);
  TP_RUN(test_unknown_sums);
  TP_RUN(test_placement_and_addresses);
  TP_RUN(test_group);
  TP_RUN(test_rules_and_target);
  TP_RUN(test_rollups);
  TP_RUN(test_json_escape);
  return tp_test_summary();
}
