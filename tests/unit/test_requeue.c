/* A requeued Slurm job (several records under one id) is one run whose
 * window runs from the first start to the last end, but whose energy is the
 * sum over its records: the time between them, the job pending again, is not
 * charged to it (traces by time; estimates by the records' durations).
 * Energies worked out by hand. */
#include <math.h>
#include <stdlib.h>

#include "model/energy.h"
#include "model/mem.h"
#include "model/slurmjob.h"
#include "tp_test.h"

#define T0 1709280000.0 /* 2024-03-01 08:00:00 UTC */

static void test_gaps(void) {
  /* Records 0-600 s, 900-2100 s, one inside it (1200-1500 s), and one still
   * running from 3000 s: gaps 600-900 s and 2100-3000 s. */
  tp_slurm_job *job = tp_slurm_job_new("7013");
  tp_slurm_job_add_segment(job, T0 + 900, T0 + 2100);
  tp_slurm_job_add_segment(job, T0, T0 + 600);
  tp_slurm_job_add_segment(job, T0 + 1200, T0 + 1500);
  size_t n;
  double *g = tp_slurm_job_gaps(job, &n);
  CHECK_INT(n, 1); /* the running record is not yet added */
  CHECK_NEAR(g[0], T0 + 600, 1e-9);
  CHECK_NEAR(g[1], T0 + 900, 1e-9);
  free(g);
  tp_slurm_job_add_segment(job, T0 + 3000, NAN);
  g = tp_slurm_job_gaps(job, &n);
  CHECK_INT(n, 2);
  CHECK_NEAR(g[2], T0 + 2100, 1e-9);
  CHECK_NEAR(g[3], T0 + 3000, 1e-9);
  free(g);
  /* A run of it, to 3600 s: 3600 - 300 - 900 = 2400 s held. */
  tp_run *run = tp_run_new("slurm/7013", ".");
  run->start_s = T0;
  run->end_s = T0 + 3600;
  run->job = job;
  CHECK_NEAR(tp_slurm_run_held_s(run), 2400.0, 1e-6);
  tp_run_free(run);
  /* One record: no gap. */
  tp_slurm_job *one = tp_slurm_job_new("1");
  tp_slurm_job_add_segment(one, T0, T0 + 60);
  CHECK(tp_slurm_job_gaps(one, &n) == NULL && n == 0);
  tp_slurm_job_free(one);
}

static void test_energy_holes(void) {
  /* GPU 0 at 100 W from 0 to 3600 s, sampled every 10 s.  The job's records
   * are 0-1200 s and 1800-3000 s (a gap of 600 s); another job ran on the
   * GPU in the gap, 1200-1800 s.  The requeued job: 100 W x 2400 s =
   * 240 000 J, coverage 1 over its 2400 s; the other: 60 000 J, not shared;
   * the rest of the hour (3000-3600 s) is no one's. */
  double gap[2] = {T0 + 1200, T0 + 1800};
  tp_energy_window w[2] = {{T0, T0 + 3000, NULL, 0}, {T0 + 1200, T0 + 1800, NULL, 0}};
  tp_energy_holes holes[2] = {{gap, 1}, {NULL, 0}};
  tp_energy *e = tp_energy_new_holed(w, 2, NULL, 0, holes);
  int g = tp_energy_device(e, "gpu-01/gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  for (int t = 0; t <= 3600; t += 10) tp_energy_sample(e, g, T0 + t, 100.0);
  tp_run *runs[2] = {tp_run_new("slurm/7013", "."), tp_run_new("slurm/7014", ".")};
  tp_energy_finish(e, runs, 2);
  CHECK_NEAR(runs[0]->energy.it_j, 240000.0, 1e-3);
  CHECK_NEAR(runs[0]->energy.coverage, 1.0, 1e-9);
  CHECK_NEAR(runs[0]->energy.devices[0].covered_s, 2400.0, 1e-6);
  CHECK(!runs[0]->energy.shared);
  CHECK_NEAR(runs[1]->energy.it_j, 60000.0, 1e-3);
  CHECK(!runs[1]->energy.shared);
  CHECK_NEAR(tp_energy_total_j(e), 300000.0, 1e-3);
  /* By segment (as attribution reads it): nothing in the hole. */
  const double *b;
  size_t nseg = tp_energy_segments(e, 0, &b), in_hole = 0;
  double sum = 0;
  for (size_t k = 0; k < nseg; k++) {
    double cell = tp_energy_cell_j(e, 0, 0, k);
    sum += cell;
    if (b[k] >= T0 + 1200 && b[k + 1] <= T0 + 1800 && cell == 0) in_hole++;
  }
  CHECK_NEAR(sum, 240000.0, 1e-3);
  CHECK_INT(in_hole, 1);
  CHECK_NEAR(tp_energy_shared_s(e, 0, 1), 0.0, 1e-9);
  tp_run_free(runs[0]);
  tp_run_free(runs[1]);
  tp_energy_free(e);
}

int main(void) {
  TP_RUN(test_gaps);
  TP_RUN(test_energy_holes);
  return tp_test_summary();
}
