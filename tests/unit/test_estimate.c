/* Estimate: hardware lookup by name and Green Algorithms power, by hand. */
#include <math.h>

#include "model/estimate.h"
#include "tp_test.h"

static tp_hardware S_hw[] = {
    {TP_HW_GPU, "NVIDIA A100 PCIe 40GB", 250, "s"},
    {TP_HW_GPU, "NVIDIA A100 SXM4 80GB", 400, "s"},
    {TP_HW_GPU, "NVIDIA A10G", 150, "s"},
    {TP_HW_GPU, "NVIDIA H100 PCIe 80GB", 350, "s"},
    {TP_HW_GPU, "NVIDIA H100 SXM5 80GB", 700, "s"},
    {TP_HW_TPU, "Google TPU v3", 450, "s"},
    {TP_HW_CPU, "Intel Xeon Platinum 8480+", 350, "s"},
    {TP_HW_CPU, "AMD EPYC 7763", 280, "s"},
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

int main(void) {
  TP_RUN(test_lookup);
  TP_RUN(test_power);
  return tp_test_summary();
}
