/* test_resplit: the base64 form of sample arrays, and runs scanned apart that
 * shared a GPU split again from the samples their summaries keep, also Slurm
 * jobs' runs charged by the job labels (holds) their summaries keep. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/attrib.h"
#include "model/base64.h"
#include "model/jobgpus.h"
#include "model/lab.h"
#include "model/resplit.h"
#include "model/slurmjob.h"
#include "tp_test.h"

static void test_base64(void) {
  /* 1.0 is 00 00 00 00 00 00 f0 3f little-endian: "AAAAAAAA8D8=". */
  double one = 1.0;
  tp_buf b = {0};
  tp_base64_put_doubles(&b, &one, 1);
  CHECK_STR(tp_buf_str(&b), "AAAAAAAA8D8=");
  tp_buf_free(&b);
  /* Every count from 0 to 9 (all three paddings) and awkward values round-trip. */
  double v[9] = {0.1, -0.0, 1e308, -4.9e-324, INFINITY, -INFINITY, NAN, 1767607200.123, 3};
  for (size_t n = 0; n <= 9; n++) {
    tp_buf t = {0};
    tp_base64_put_doubles(&t, v, n);
    size_t m;
    double *w = tp_base64_get_doubles(n ? tp_buf_str(&t) : "", t.len, &m);
    CHECK(w != NULL);
    CHECK_INT(m, n);
    for (size_t i = 0; w && i < m; i++) CHECK(memcmp(&w[i], &v[i], sizeof *w) == 0);
    free(w);
    tp_buf_free(&t);
  }
  /* Malformed: a length not a multiple of 4, a foreign character, a whole
   * number of bytes that is not a whole number of doubles. */
  size_t m = 7;
  CHECK(tp_base64_get_doubles("AAAAAAAA8D8", 11, &m) == NULL && m == 0);
  CHECK(tp_base64_get_doubles("AAAAAAAA8D*=", 12, &m) == NULL);
  CHECK(tp_base64_get_doubles("AAAA", 4, &m) == NULL);
}

/* A run from a summary: window [a, b] (seconds after T0), 100 W on gpu0 every
 * second from a - 1 to b + 1 kept, charged in full (its scan saw no other run). */
#define T0 1767607200.0
static tp_run *S_run(const char *id, double a, double b) {
  tp_run *r = tp_run_new(id, id);
  r->start_s = T0 + a;
  r->end_s = T0 + b;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.coverage = 1;
  r->energy.it_j = 100.0 * (b - a);
  tp_energy_merge_device(&r->energy, "gpu0", "A100", NULL, r->energy.it_j, b - a, b - a, 100, 100);
  tp_input *in = tp_run_add_input(r, "gpu.csv", "nvidia-smi");
  in->energy_j = r->energy.it_j;
  memcpy(in->sha256, "ab", 3);
  tp_trace_use *u = tp_run_add_use(r, "gpu.csv", "ab");
  u->devs = calloc(1, sizeof *u->devs);
  u->n_devs = 1;
  tp_use_device *d = &u->devs[0];
  *d = (tp_use_device){.id = strdup("gpu0"), .kind = TP_SAMPLE_POWER_W, .typical_s = 1,
                       .energy_j = r->energy.it_j, .covered_s = b - a, .share_s = b - a};
  size_t n = (size_t)(b - a) + 3;
  d->t_s = malloc(n * sizeof *d->t_s);
  d->v = malloc(n * sizeof *d->v);
  for (size_t k = 0; k < n; k++) {
    d->t_s[k] = T0 + a - 1 + (double)k;
    d->v[k] = 100;
  }
  d->n = n;
  u->pieces = malloc(sizeof *u->pieces);
  u->pieces[0] = (tp_energy_piece){r->start_s, r->end_s, r->energy.it_j};
  u->n_pieces = 1;
  return r;
}

static void test_split(void) {
  /* a [0, 60], b [40, 100] at 100 W: the overlap [40, 60] is halved, so each
   * gets 40 x 100 + 20 x 50 = 5000 J; c [200, 260] overlaps neither: 6000 J. */
  tp_lab lab = {0};
  lab.assumptions.pue = 1.5;
  lab.assumptions.intensity_g_per_kwh = 400;
  tp_lab_add_run(&lab, S_run("a", 0, 60));
  tp_lab_add_run(&lab, S_run("b", 40, 100));
  tp_lab_add_run(&lab, S_run("c", 200, 260));
  tp_lab_assign(&lab);
  CHECK_INT(tp_resplit(&lab), 1);
  for (size_t i = 0; i < lab.n_runs; i++) {
    const tp_run *r = lab.runs[i];
    bool c = strcmp(r->id, "c") == 0;
    double want = c ? 6000 : 5000;
    CHECK_NEAR(r->energy.it_j, want, 1e-6);
    CHECK_NEAR(r->energy.devices[0].energy_j, want, 1e-6);
    CHECK_NEAR(r->energy.devices[0].covered_s, 60, 1e-9);   /* covered is not split */
    CHECK_NEAR(r->energy.devices[0].share_s, c ? 60 : 50, 1e-9); /* GPU-time is */
    CHECK_NEAR(r->inputs[0].energy_j, want, 1e-6);
    CHECK_NEAR(r->energy.facility_j, want * 1.5, 1e-6);
    CHECK_NEAR(r->energy.co2e_kg, want * 1.5 / 3.6e6 * 400 / 1000, 1e-12);
    CHECK(r->energy.shared == !c);
  }
  /* Split again, nothing changes (runs scanned together come out as they were). */
  tp_resplit(&lab);
  CHECK_NEAR(lab.runs[0]->energy.it_j, 5000, 1e-6);
  CHECK_NEAR(lab.runs[1]->energy.it_j, 5000, 1e-6);
  tp_lab_free(&lab);
}

/* The run of Slurm job `job` on host n1 (S_run's window and samples), charged
 * by the trace's job labels; with `kept`, its summary kept the holds
 * [device, job, from, to] (seconds after T0) of holds[0..n). */
static tp_run *S_job_run(const char *id, const char *job, double a, double b, bool kept,
                         const double (*holds)[3], const char *const *jobs, size_t n) {
  tp_run *r = S_run(id, a, b);
  r->job = tp_slurm_job_new(job);
  tp_slurm_job_add_node(r->job, "n1", 2);
  tp_slurm_job_add_segment(r->job, r->start_s, r->end_s);
  r->job->gpu_source = TP_GPUS_LABEL;
  tp_trace_use *u = &r->uses[0];
  u->holds_kept = kept;
  u->holds = calloc(n + 1, sizeof *u->holds);
  for (size_t k = 0; kept && k < n; k++)
    u->holds[u->n_holds++] = (tp_use_hold){strdup("gpu0"), strdup(jobs[k]), T0 + holds[k][1],
                                           T0 + holds[k][2]};
  return r;
}

/* Two jobs' runs scanned apart, each charged gpu0 while the labels gave it
 * to its job; render brings them together. */
static void S_two_jobs(tp_lab *lab, bool kept, double from2) {
  const double holds[2][3] = {{0, 0, 50}, {0, from2, 100}};
  const char *const jobs[2] = {"1", "2"};
  *lab = (tp_lab){.assumptions = {.pue = 1, .intensity_g_per_kwh = 400}};
  tp_lab_add_run(lab, S_job_run("a", "1", 0, 60, kept, holds, jobs, 2));
  tp_lab_add_run(lab, S_job_run("b", "2", 40, 100, kept, holds, jobs, 2));
  tp_lab_assign(lab);
}

static void test_split_holds(void) {
  /* Job 1 [0, 60] holds gpu0 (100 W) over [0, 50], job 2 [40, 100] over
   * [45, 100]: held by both over [45, 50], split: a gets 45 x 100 + 5 x 50 =
   * 4750 J, b 5 x 50 + 50 x 100 = 5250 J; neither is charged outside its
   * holds. */
  tp_lab lab;
  S_two_jobs(&lab, true, 45);
  CHECK_INT(tp_resplit(&lab), 1);
  CHECK_NEAR(lab.runs[0]->energy.it_j, 4750, 1e-6);
  CHECK_NEAR(lab.runs[1]->energy.it_j, 5250, 1e-6);
  CHECK(lab.runs[0]->energy.shared && lab.runs[1]->energy.shared);
  CHECK_INT(tp_attrib_scanned_apart(&lab), 0);
  tp_lab_free(&lab);
  /* Holds apart in time (job 2 from 50 on): the windows overlap, gpu0 is
   * shared at no time: a 5000 J, b 5000 J, and no warning that they were
   * scanned apart. */
  S_two_jobs(&lab, true, 50);
  CHECK_INT(tp_resplit(&lab), 1);
  CHECK_NEAR(lab.runs[0]->energy.it_j, 5000, 1e-6);
  CHECK_NEAR(lab.runs[1]->energy.it_j, 5000, 1e-6);
  CHECK(!lab.runs[0]->energy.shared);
  CHECK_INT(tp_attrib_scanned_apart(&lab), 0);
  tp_lab_free(&lab);
  /* Summaries that kept no holds (older scans): not split, and a warning. */
  S_two_jobs(&lab, false, 45);
  CHECK_INT(tp_resplit(&lab), 0);
  CHECK_NEAR(lab.runs[0]->energy.it_j, 6000, 1e-6);
  CHECK_INT(tp_attrib_scanned_apart(&lab), 1);
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_base64);
  TP_RUN(test_split);
  TP_RUN(test_split_holds);
  return tp_test_summary();
}
