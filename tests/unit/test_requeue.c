/* A requeued Slurm job (several records under one id) is one run whose
 * window runs from the first start to the last end, but whose energy is the
 * sum over its records: the time between them, the job pending again, is not
 * charged to it (traces by time; estimates by the records' durations).
 * Energies worked out by hand. */
#include <math.h>
#include <stdlib.h>

#include "model/energy.h"
#include "model/jobspans.h"
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

/* Job 9001 ran on gpu-01 from 0 to 3600 s, was requeued, and ran on gpu-02
 * from 5400 to 10 800 s (2 GPUs, then 4); job 9002 ran on gpu-02 from 0 to
 * 3600 s.  gpu-01 draws 300 W, gpu-02 200 W, sampled every 10 s over the
 * three hours.  9001: 300 W x 3600 s + 200 W x 5400 s = 2 160 000 J, its
 * coverage 1 over its own device-time (3600 s + 5400 s); 9002 keeps gpu-02's
 * 200 W x 3600 s = 720 000 J, shared with no one. */
static tp_slurm_job *S_moved_job(void) {
  tp_slurm_job *job = tp_slurm_job_new("9001");
  tp_slurm_job_add_segment(job, T0, T0 + 3600);
  tp_slurm_job_add_segment_node(job, 0, "gpu-01", 6);
  job->segments[0].gpus = 2;
  tp_slurm_job_add_segment(job, T0 + 5400, T0 + 10800);
  tp_slurm_job_add_segment_node(job, 1, "gpu-02", 6);
  job->segments[1].gpus = 4;
  tp_slurm_job_add_node(job, "gpu-01", 6);
  tp_slurm_job_add_node(job, "gpu-02", 6);
  job->gpus = 4;
  return job;
}

static void test_moved_energy(void) {
  tp_slurm_job *job = S_moved_job(), *other = tp_slurm_job_new("9002");
  tp_slurm_job_add_segment(other, T0, T0 + 3600);
  tp_slurm_job_add_node(other, "gpu-02", 6);
  tp_slurm_job_add_segment_node(other, 0, "gpu-02", 6);
  CHECK(tp_slurm_job_moved(job) && !tp_slurm_job_moved(other));
  tp_energy_window w[2] = {{T0, T0 + 10800, NULL, 0}, {T0, T0 + 3600, NULL, 0}};
  size_t n_gaps;
  tp_energy_holes holes[2] = {{tp_slurm_job_gaps(job, &n_gaps), 0}, {NULL, 0}};
  holes[0].n_holes = n_gaps;
  double *cuts = NULL;
  size_t n_cuts = 0, cap = 0;
  tp_job_spans_add_cuts(job, &cuts, &n_cuts, &cap);
  tp_job_spans_add_cuts(other, &cuts, &n_cuts, &cap); /* did not move: none */
  CHECK_INT(n_cuts, 4);
  tp_energy *e = tp_energy_new_holed(w, 2, cuts, n_cuts, holes);
  tp_energy_window_job(e, 0, "9001", (const char *const *)job->nodes, job->n_nodes);
  tp_energy_window_job(e, 1, "9002", (const char *const *)other->nodes, other->n_nodes);
  tp_job_spans_apply(e, 0, job, NULL);
  tp_job_spans_apply(e, 1, other, NULL);
  int g1 = tp_energy_device(e, "gpu-01/gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  int g2 = tp_energy_device(e, "gpu-02/gpu0", NULL, TP_SAMPLE_POWER_W, 0);
  for (int t = 0; t <= 10800; t += 10) {
    tp_energy_sample(e, g1, T0 + t, 300.0);
    tp_energy_sample(e, g2, T0 + t, 200.0);
  }
  tp_run *runs[2] = {tp_run_new("slurm/9001", "."), tp_run_new("slurm/9002", ".")};
  tp_energy_finish(e, runs, 2);
  CHECK_NEAR(runs[0]->energy.it_j, 2160000.0, 1e-3);
  CHECK_NEAR(runs[0]->energy.coverage, 1.0, 1e-9);
  CHECK(!runs[0]->energy.shared);
  CHECK_NEAR(runs[1]->energy.it_j, 720000.0, 1e-3);
  CHECK(!runs[1]->energy.shared);
  CHECK_NEAR(tp_energy_shared_s(e, 0, 1), 0.0, 1e-9);
  /* The run's device-time, as the attribution's coverage counts it. */
  runs[0]->start_s = T0;
  runs[0]->end_s = T0 + 10800;
  runs[0]->job = job;
  CHECK_NEAR(tp_job_spans_device_s(runs[0], "gpu-01/gpu0", NULL), 3600.0, 1e-9);
  CHECK_NEAR(tp_job_spans_device_s(runs[0], "gpu-02/gpu0", NULL), 5400.0, 1e-9);
  CHECK_NEAR(tp_job_spans_device_s(runs[0], "gpu0", NULL), 9000.0, 1e-9); /* host unknown */
  CHECK_NEAR(tp_job_spans_device_s(runs[0], "gpu0", "gpu-02"), 5400.0, 1e-9); /* its trace's */
  CHECK(tp_job_spans_ran_on(job, "gpu-01.cluster.org") && !tp_job_spans_ran_on(job, "gpu-07"));
  tp_job_spans_set_coverage(runs[0]);
  CHECK_NEAR(runs[0]->energy.coverage, 1.0, 1e-9);
  /* Its estimate counts 2 GPUs for 3600 s and 4 for 5400 s. */
  CHECK(tp_job_spans_gpus_vary(job) && !tp_job_spans_gpus_vary(other));
  CHECK_NEAR(tp_job_spans_gpu_s(runs[0], 4), 2 * 3600.0 + 4 * 5400.0, 1e-9);
  tp_run_free(runs[0]);
  tp_run_free(runs[1]);
  tp_slurm_job_free(other);
  tp_energy_free(e);
  free(cuts);
  free((double *)holes[0].holes_s);
}

int main(void) {
  TP_RUN(test_gaps);
  TP_RUN(test_energy_holes);
  TP_RUN(test_moved_energy);
  return tp_test_summary();
}
