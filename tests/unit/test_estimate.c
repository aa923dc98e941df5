/* Estimate: hardware lookup by name and Green Algorithms power, by hand. */
#include <math.h>

#include "model/estimate.h"
#include "tp_test.h"

static tp_hardware S_hw[] = {
    {TP_HW_GPU, "NVIDIA A100 PCIe 40GB", 250, "s", 0, NULL},
    {TP_HW_GPU, "NVIDIA A100 SXM4 80GB", 400, "s", 0, NULL},
    {TP_HW_GPU, "NVIDIA A10G", 150, "s", 0, NULL},
    {TP_HW_GPU, "NVIDIA H100 PCIe 80GB", 350, "s", 0, NULL},
    {TP_HW_GPU, "NVIDIA H100 SXM5 80GB", 700, "s", 0, NULL},
    {TP_HW_TPU, "Google TPU v3", 450, "s", 0, NULL},
    {TP_HW_CPU, "Intel Xeon Platinum 8480+", 350, "s", 0, NULL},
    {TP_HW_CPU, "AMD EPYC 7763", 280, "s", 64, "cores src"},
};

static tp_reftables S_tables(void) {
  tp_reftables t = {0};
  t.hardware = S_hw;
  t.n_hardware = sizeof S_hw / sizeof *S_hw;
  return t;
}

static void test_lookup(void) {
  tp_reftables t = S_tables();
  bool amb;
  const tp_hardware *h = tp_estimate_find_hardware(&t, TP_HW_GPU, "NVIDIA A100-SXM4-80GB", &amb);
  CHECK(h == &S_hw[1] && !amb);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, "  a100 sxm4  80gb", NULL) == &S_hw[1]);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, "NVIDIA A10G 24GB", &amb) == &S_hw[2]);
  CHECK(!amb);
  /* "A100" alone: both A100 rows fit; the higher TDP is taken. */
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, "NVIDIA A100", &amb) == &S_hw[1]);
  CHECK(amb);
  /* nvidia-smi's name of the SXM5 part shares only the family word. */
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, "NVIDIA H100 80GB HBM3", &amb) == &S_hw[4]);
  CHECK(amb);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_CPU,
                                  "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz", &amb) ==
        &S_hw[6]);
  CHECK(!amb);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_CPU, "amd epyc 7763 64-Core Processor", NULL) ==
        &S_hw[7]);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, "Radeon", NULL) == NULL);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, "", NULL) == NULL);
  CHECK(tp_estimate_find_hardware(&t, TP_HW_GPU, NULL, NULL) == NULL);
}

/* 8 x A100 SXM4 (400 W) at util 1 = 3200 W; 2 x Xeon 8480+ (350 W) at util
 * 0.5 = 350 W; 512 GB x 0.3725 = 190.72 W: 3740.72 W, x 3600 s = 13466592 J. */
static void test_power(void) {
  tp_reftables t = S_tables();
  tp_hw_decl hw = {"NVIDIA A100-SXM4-80GB", 8, NAN, "Intel Xeon Platinum 8480+", 2, 0, 0,
                   0.5, 512};
  tp_estimate est;
  tp_diags d = {0};
  CHECK_INT(tp_estimate_power(&est, &t, &hw, &d), 0);
  CHECK_NEAR(est.gpu_w, 3200, 1e-9);
  CHECK_NEAR(est.cpu_w, 350, 1e-9);
  CHECK_NEAR(est.memory_w, 190.72, 1e-9);
  CHECK_NEAR(est.power_w, 3740.72, 1e-9);
  CHECK_INT(d.count, 0);
  tp_run_energy re = {0};
  CHECK_INT(tp_estimate_apply(&re, &est, 3600), 0);
  CHECK_INT(re.method, TP_ENERGY_ESTIMATED);
  CHECK_NEAR(re.it_j, 13466592.0, 1e-6);
  CHECK_NEAR(re.coverage, 1, 0);
  CHECK_INT(tp_estimate_apply(&re, &est, NAN), -1);

  /* A trace-based figure is not overwritten. */
  tp_run_energy measured = {.method = TP_ENERGY_INTEGRATED, .it_j = 5};
  tp_estimate_apply(&measured, &est, 3600);
  CHECK_NEAR(measured.it_j, 5, 0);

  /* 28 cores of a 56-core processor: half its 350 W; a TPU by its kind. */
  tp_hw_decl cores = {"TPU v3", 4, 0.5, "Xeon Platinum 8480+", 0, 28, 56, NAN, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &cores, &d), 0);
  CHECK_NEAR(est.cpu_w, 175, 1e-9);
  CHECK_NEAR(est.gpu_w, 900, 1e-9);
  CHECK_INT(d.count, 0);

  /* Unknown model, cores without the chip's core count: left out, warned. */
  tp_hw_decl unknown = {"Voodoo 2", 1, NAN, "Xeon Platinum 8480+", 0, 8, 0, NAN, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &unknown, &d), -1);
  CHECK_NEAR(est.power_w, 0, 0);
  CHECK_INT(d.n_by_severity[TP_WARN], 2);
  tp_diag_free(&d);
}

/* The cpu part by power per core, with the table's cores per processor. */
static void test_cpu_cores(void) {
  tp_reftables t = S_tables();
  tp_estimate est;
  tp_diags d = {0};
  /* AMD EPYC 7763: 280 W over 64 cores = 4.375 W per core; 8 cores at
   * utilization 1.0 = 35 W; for 3600 s: 126000 J = 35 Wh. */
  tp_hw_decl eight = {NULL, 0, NAN, "AMD EPYC 7763 64-Core Processor", 0, 8, 0, 1.0, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &eight, &d), 0);
  CHECK_NEAR(est.cpu_w, 35, 1e-9);
  CHECK_NEAR(est.power_w, 35, 1e-9);
  CHECK(est.cpu == &S_hw[7]);
  CHECK_INT(d.count, 0);
  tp_run_energy re = {0};
  CHECK_INT(tp_estimate_apply(&re, &est, 3600), 0);
  CHECK_NEAR(re.it_j / 3600.0, 35, 1e-9); /* Wh */
  /* ... at utilization 0.5: 17.5 W. */
  eight.cpu_util = 0.5;
  CHECK_INT(tp_estimate_power(&est, &t, &eight, &d), 0);
  CHECK_NEAR(est.cpu_w, 17.5, 1e-9);

  /* cpu: MODEL alone is one whole processor: 280 W, with a note saying so. */
  tp_hw_decl whole = {NULL, 0, NAN, "AMD EPYC 7763", 0, 0, 0, NAN, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &whole, &d), 0);
  CHECK_NEAR(est.cpu_w, 280, 1e-9);
  CHECK_INT(d.count, 1);
  CHECK(d.items[0].severity == TP_NOTE && strstr(d.items[0].message, "64 cores"));
  tp_diag_free(&d);

  /* Cores on a processor whose core count the table lacks: a warning naming
   * it, nothing estimated. */
  tp_hw_decl nocount = {NULL, 0, NAN, "Intel Xeon Platinum 8480+", 0, 8, 0, NAN, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &nocount, &d), -1);
  CHECK_NEAR(est.cpu_w, 0, 0);
  CHECK(est.cpu == NULL);
  CHECK_INT(d.n_by_severity[TP_WARN], 1);
  CHECK(strstr(d.items[0].message, "Xeon Platinum 8480+") &&
        strstr(d.items[0].message, "core count"));
  tp_diag_free(&d);

  /* An unknown CPU model alone: a warning naming it, never silence. */
  tp_hw_decl unknown = {NULL, 0, NAN, "Pentium Pro 200", 0, 0, 0, NAN, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &unknown, &d), -1);
  CHECK_INT(d.n_by_severity[TP_WARN], 1);
  CHECK(strstr(d.items[0].message, "Pentium Pro 200") != NULL);
  tp_diag_free(&d);

  /* 2 GPUs of 400 W TDP at utilization 1.0 for 1800 s: 800 W x 1800 s =
   * 1.44 MJ = 0.4 kWh. */
  tp_hw_decl gpus = {"A100-SXM4-40GB", 2, 1.0, NULL, 0, 0, 0, NAN, 0};
  CHECK_INT(tp_estimate_power(&est, &t, &gpus, &d), 0);
  re = (tp_run_energy){0};
  CHECK_INT(tp_estimate_apply(&re, &est, 1800), 0);
  CHECK_NEAR(re.it_j / 3.6e6, 0.4, 1e-12);
  tp_diag_free(&d);
}

/* Hardware as one line: --hardware and CodeCarbon's gpu_model. */
static void test_spec(void) {
  tp_reftables t = S_tables();
  const char *rest;
  CHECK_NEAR(tp_estimate_leading_count("8 x NVIDIA GeForce RTX 3090", &rest), 8, 0);
  CHECK_STR(rest, "NVIDIA GeForce RTX 3090");
  CHECK_NEAR(tp_estimate_leading_count("4x A100", &rest), 4, 0);
  CHECK_STR(rest, "A100");
  CHECK_NEAR(tp_estimate_leading_count("2 * T4", NULL), 2, 0);
  CHECK_NEAR(tp_estimate_leading_count("Apple M1", &rest), 0, 0);
  CHECK_STR(rest, "Apple M1");
  CHECK_NEAR(tp_estimate_leading_count("1080 Ti", NULL), 0, 0);
  CHECK_NEAR(tp_estimate_leading_count("0 x A100", NULL), 0, 0);
  CHECK_NEAR(tp_estimate_leading_count("4x", NULL), 0, 0);
  CHECK_NEAR(tp_estimate_leading_count(NULL, NULL), 0, 0);

  tp_hw_spec s;
  char err[200];
  CHECK_INT(tp_estimate_parse_spec(&s, "4x A100-SXM4-80GB", &t, err, sizeof err), 0);
  CHECK_STR(s.gpu_model, "A100-SXM4-80GB");
  CHECK_NEAR(s.n_gpus, 4, 0);
  CHECK(s.cpu_model == NULL && s.n_cpus == 0);
  tp_hw_spec_free(&s);
  CHECK_INT(tp_estimate_parse_spec(&s, " 2 x AMD EPYC 7763 , TPU v3 ", &t, err, sizeof err), 0);
  CHECK_STR(s.gpu_model, "TPU v3");
  CHECK_NEAR(s.n_gpus, 1, 0);
  CHECK_STR(s.cpu_model, "AMD EPYC 7763");
  CHECK_NEAR(s.n_cpus, 2, 0);
  tp_hw_spec_free(&s);
  /* Refused, with the reason. */
  CHECK_INT(tp_estimate_parse_spec(&s, "4x Voodoo 2", &t, err, sizeof err), -1);
  CHECK(strstr(err, "'Voodoo 2'") != NULL && s.gpu_model == NULL);
  CHECK_INT(tp_estimate_parse_spec(&s, "A100, H100 PCIe", &t, err, sizeof err), -1);
  CHECK(strstr(err, "more than one GPU") != NULL);
  CHECK_INT(tp_estimate_parse_spec(&s, "0x A100", &t, err, sizeof err), -1);
  CHECK(strstr(err, "count") != NULL);
  CHECK_INT(tp_estimate_parse_spec(&s, "A100,", &t, err, sizeof err), -1);
  CHECK_INT(tp_estimate_parse_spec(&s, "", &t, err, sizeof err), -1);
  /* A one- or two-character word names no family: "Core 2 Duo" is no CPU here. */
  CHECK(tp_estimate_find_hardware(&t, TP_HW_CPU, "Core 2 Duo", NULL) == NULL);
}

/* One run: the source is named; a run with energy is left alone. */
static void test_run_estimate(void) {
  tp_reftables t = S_tables();
  tp_run *r = tp_run_new("a", "/tmp");
  tp_run_add_input(r, "/tmp/a/files/wandb-metadata.json", "wandb-metadata");
  r->start_s = 1767225600.0;
  r->end_s = r->start_s + 1800;
  tp_hw_decl hw = {"A100-SXM4-80GB", 2, NAN, NULL, 0, 0, 0, NAN, 0};
  CHECK_INT(tp_estimate_run(r, &t, &hw, "--hardware", "/tmp/a/files/wandb-metadata.json", -1), 0);
  CHECK_NEAR(r->inputs[0].energy_j, 1.44e6, 1e-6);
  CHECK_INT(r->energy.method, TP_ENERGY_ESTIMATED);
  CHECK_NEAR(r->energy.it_j, 1.44e6, 1e-6); /* 2 x 400 W x 1800 s = 0.4 kWh */
  CHECK_NEAR(r->energy.gpu_count, 2, 0);
  CHECK(r->diags.count == 1 && strstr(r->diags.items[0].message, "--hardware") &&
        strstr(r->diags.items[0].message, "800.0 W for 1800 s"));
  CHECK_INT(tp_estimate_run(r, &t, &hw, "again", NULL, -1), -1);
  CHECK_NEAR(r->energy.it_j, 1.44e6, 1e-6);
  tp_run_free(r);
  /* No window and no declared duration: a note, no estimate. */
  r = tp_run_new("b", "/tmp");
  CHECK_INT(tp_estimate_run(r, &t, &hw, "--hardware", NULL, -1), -1);
  CHECK_INT(r->energy.method, TP_ENERGY_NONE);
  CHECK_INT(r->diags.count, 1);
  tp_run_free(r);
}

/* Sources, best first: the configuration's entry, the run's metadata,
 * --hardware; one that yields nothing gives way to the next. */
static void test_sources(void) {
  tp_reftables t = S_tables();
  tp_hw_spec cli = {.gpu_model = "H100 SXM5 80GB", .n_gpus = 8};
  tp_config_hardware cfg = {.runs = "**", .gpu_model = "A10G", .gpu_count = 1, .gpu_util = 1.0,
                            .cpu_util = 1.0, .memory_gb = NAN, .line = 7};
  tp_estimate_sources s = {.config = &cfg, .config_path = "trainprint.yaml",
                           .meta_gpu_model = "NVIDIA A100-SXM4-80GB", .meta_gpu_count = 2,
                           .meta_tool = "W&B metadata", .meta_path = "m.json",
                           .fallback = &cli};
  double w[3];
  for (int k = 0; k < 3; k++) {
    tp_run *r = tp_run_new("a", "/tmp");
    r->start_s = 0;
    r->end_s = 3600;
    CHECK_INT(tp_estimate_from_sources(r, &t, &s), 0);
    w[k] = r->energy.it_j / 3600;
    if (k == 1) /* metadata used: --hardware is said to be passed over */
      CHECK(strstr(r->diags.items[r->diags.count - 1].message, "--hardware not used") != NULL);
    tp_run_free(r);
    if (k == 0) s.config = NULL;
    if (k == 1) s.meta_gpu_model = NULL;
  }
  CHECK_NEAR(w[0], 150, 1e-9);  /* the configuration: 1 x A10G */
  CHECK_NEAR(w[1], 800, 1e-9);  /* the metadata: 2 x A100 SXM4 80GB */
  CHECK_NEAR(w[2], 5600, 1e-9); /* --hardware: 8 x H100 SXM5 */
  /* A configuration entry naming an unknown GPU gives way, with a warning. */
  cfg.gpu_model = "Voodoo 2";
  s.config = &cfg;
  tp_run *r = tp_run_new("b", "/tmp");
  r->start_s = 0;
  r->end_s = 3600;
  CHECK_INT(tp_estimate_from_sources(r, &t, &s), 0);
  CHECK_NEAR(r->energy.it_j / 3600, 5600, 1e-9);
  CHECK(r->diags.n_by_severity[TP_WARN] >= 1);
  tp_run_free(r);
  /* Nothing at all: -1, no energy. */
  tp_estimate_sources none = {0};
  r = tp_run_new("c", "/tmp");
  r->start_s = 0;
  r->end_s = 3600;
  CHECK_INT(tp_estimate_from_sources(r, &t, &none), -1);
  CHECK_INT(r->energy.method, TP_ENERGY_NONE);
  tp_run_free(r);
}

int main(void) {
  TP_RUN(test_sources);
  TP_RUN(test_spec);
  TP_RUN(test_run_estimate);
  TP_RUN(test_lookup);
  TP_RUN(test_power);
  TP_RUN(test_cpu_cores);
  return tp_test_summary();
}
