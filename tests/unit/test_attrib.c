/* Tests of model/attrib: the attribution contract at the model level (one
 * trace shared by two runs, two traces of one device, identical files,
 * declared rows) and the invariant checker, one violated rule at a time. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/attrib.h"
#include "model/mem.h"
#include "tp_test.h"

#define T0 1767607200.0 /* 2026-01-05 10:00:00 UTC */
#define NOW (T0 + 86400 * 30)

/* A lab of runs "r0".."r{n-1}" in folders "lab/r{i}" with windows
 * [T0 + w[2i], T0 + w[2i+1]]. */
static void S_lab(tp_lab *lab, const double *w, size_t n) {
  *lab = (tp_lab){0};
  for (size_t i = 0; i < n; i++) {
    char id[16], dir[32];
    snprintf(id, sizeof id, "r%zu", i);
    snprintf(dir, sizeof dir, "lab/r%zu", i);
    tp_run *r = tp_run_new(id, dir);
    r->start_s = T0 + w[2 * i];
    r->end_s = T0 + w[2 * i + 1];
    tp_lab_add_run(lab, r);
  }
}

/* A constant-power trace of device `dev` on `host` (NULL: not declared) from
 * T0+a to T0+b every `step` seconds, read for every run of the lab, collected
 * under `path` (which holds a '/'). */
static tp_attrib_trace *S_trace_on(const tp_lab *lab, const char *path, const char *sha,
                                   const char *dev, const char *host, double a, double b,
                                   double step, double watts) {
  tp_energy_window *w = tp_xcalloc(lab->n_runs + 1, sizeof *w);
  size_t *idx = tp_xcalloc(lab->n_runs + 1, sizeof *idx);
  for (size_t i = 0; i < lab->n_runs; i++) {
    w[i] = (tp_energy_window){lab->runs[i]->start_s, lab->runs[i]->end_s, NULL, 0};
    idx[i] = i;
  }
  tp_energy *e = tp_energy_new(w, lab->n_runs, NULL, 0);
  int g = tp_energy_device(e, dev, NULL, TP_SAMPLE_POWER_W, 0);
  for (double t = a; t <= b + 1e-9; t += step) tp_energy_sample(e, g, T0 + t, watts);
  tp_energy_close(e);
  /* Its scope is its folder, as for a trace found beside runs. */
  char *scope = tp_xstrndup(path, (size_t)(strrchr(path, '/') - path));
  tp_attrib_file f = {.path = path, .format = "nvidia-smi", .sha256 = sha, .scope = scope,
                      .host = host};
  tp_attrib_trace *t = tp_attrib_collect(e, lab, idx, lab->n_runs, &f);
  free(scope);
  tp_energy_free(e);
  free(w);
  free(idx);
  return t;
}

/* The same, on no declared host. */
static tp_attrib_trace *S_trace(const tp_lab *lab, const char *path, const char *sha,
                                const char *dev, double a, double b, double step, double watts) {
  return S_trace_on(lab, path, sha, dev, NULL, a, b, step, watts);
}

static const tp_input *S_input(const tp_run *r, const char *path) {
  for (size_t i = 0; i < r->n_inputs; i++)
    if (strcmp(r->inputs[i].path, path) == 0) return &r->inputs[i];
  return NULL;
}

static bool S_has_diag(const tp_diags *d, const char *text) {
  for (size_t i = 0; i < d->count; i++)
    if (strstr(d->items[i].message, text)) return true;
  return false;
}

/* "lab/emissions.csv" holding `rows`, for every run of the lab. */
static tp_attrib_trace *S_rows(const tp_lab *lab, const tp_declared *rows, size_t n) {
  size_t *idx = tp_xcalloc(lab->n_runs + 1, sizeof *idx);
  for (size_t i = 0; i < lab->n_runs; i++) idx[i] = i;
  tp_attrib_file f = {.path = "lab/emissions.csv", .format = "codecarbon", .sha256 = "cc",
                      .scope = "lab"};
  tp_attrib_trace *t = tp_attrib_collect(NULL, lab, idx, lab->n_runs, &f);
  for (size_t i = 0; i < n; i++) tp_attrib_collect_declared(t, &rows[i]);
  free(idx);
  return t;
}

static void S_settle(tp_attrib *a) {
  tp_attrib_resolve(a);
  tp_attrib_finish(a);
}

/* The lab breaks no invariant; then both are freed. */
static void S_sound_free(tp_lab *lab, tp_attrib *a) {
  tp_diags d = {0};
  CHECK_INT(tp_attrib_check(lab, a, NOW, &d), 0);
  tp_diag_free(&d);
  tp_attrib_free(a);
  tp_lab_free(lab);
}

/* 100 W over [0, 100] for runs [0, 60] and [40, 100]: the overlap [40, 60] is
 * split, so r0 = 40 x 100 + 20 x 50 = 5000 J and r1 = 5000 J; together the
 * trace's 10 000 J, once. */
static void test_shared_trace_once(void) {
  double w[] = {0, 60, 40, 100};
  tp_lab lab;
  S_lab(&lab, w, 2);
  tp_attrib *a = tp_attrib_new(&lab);
  tp_attrib_add(a, S_trace(&lab, "lab/gpu.csv", "aa", "gpu0", 0, 100, 1, 100));
  S_settle(a);
  CHECK_NEAR(lab.runs[0]->energy.it_j, 5000.0, 1e-6);
  CHECK_NEAR(lab.runs[1]->energy.it_j, 5000.0, 1e-6);
  CHECK(lab.runs[0]->energy.shared && lab.runs[1]->energy.shared);
  CHECK_NEAR(S_input(lab.runs[0], "lab/gpu.csv")->energy_j, 5000.0, 1e-6);
  size_t np;
  tp_energy_piece *pc = tp_attrib_pieces(a, 1, &np);
  double sum = 0;
  for (size_t i = 0; i < np; i++) sum += pc[i].energy_j;
  CHECK_NEAR(sum, 5000.0, 1e-6);
  S_sound_free(&lab, a);
}

/* The same file twice (same digest): 100 W x 100 s = 10 000 J once; a 1 s and
 * a 5 s trace of gpu0 (different content): the 1 s one (100 W), not the 5 s
 * one (300 W) and never the sum. */
static void test_copies_and_finer(void) {
  double w[] = {0, 100};
  tp_lab lab;
  S_lab(&lab, w, 1);
  tp_attrib *a = tp_attrib_new(&lab);
  tp_attrib_add(a, S_trace(&lab, "lab/r0/gpu.csv", "aa", "gpu0", 0, 100, 1, 100));
  tp_attrib_add(a, S_trace(&lab, "lab/gpu.csv", "aa", "gpu0", 0, 100, 1, 100));
  tp_attrib_add(a, S_trace(&lab, "lab/r0/coarse.csv", "bb", "gpu0", 0, 100, 5, 300));
  S_settle(a);
  const tp_run *r = lab.runs[0];
  CHECK_NEAR(r->energy.it_j, 10000.0, 1e-6);
  CHECK_INT(r->energy.method, TP_ENERGY_INTEGRATED);
  /* The copy with the wider scope (the parent's, "lab" holds "lab/r0") is used. */
  CHECK(S_input(r, "lab/gpu.csv") && S_input(r, "lab/r0/gpu.csv") == NULL);
  CHECK(S_input(r, "lab/r0/coarse.csv") == NULL);
  CHECK(S_has_diag(&lab.diags, "the same content (SHA-256) as lab/gpu.csv"));
  CHECK(S_has_diag(&r->diags, "records device gpu0 over the same time as lab/gpu.csv"));
  S_sound_free(&lab, a);
}

/* A device is its host and its id.  Run [0, 100] of a job on two nodes,
 * each node's log naming its GPU gpu0: node1 at 100 W (10 000 J) and node2
 * at 50 W (5 000 J) are two devices, both charged, 15 000 J.  A coarser log
 * of node1.cluster.org's gpu0 (300 W every 5 s) is node1's gpu0 again (short
 * name): dropped for the finer one, with a note.  A log of gpu0 on no
 * declared host (400 W every 5 s) may be either: dropped too. */
static void test_two_hosts_one_id(void) {
  double w[] = {0, 100};
  tp_lab lab;
  S_lab(&lab, w, 1);
  tp_attrib *a = tp_attrib_new(&lab);
  tp_attrib_add(a, S_trace_on(&lab, "lab/node1.csv", "aa", "gpu0", "node1", 0, 100, 1, 100));
  tp_attrib_add(a, S_trace_on(&lab, "lab/node2.csv", "bb", "gpu0", "node2", 0, 100, 1, 50));
  tp_attrib_add(a, S_trace_on(&lab, "lab/node1-5s.csv", "cc", "gpu0", "node1.cluster.org", 0,
                              100, 5, 300));
  tp_attrib_add(a, S_trace(&lab, "lab/somewhere.csv", "dd", "gpu0", 0, 100, 5, 400));
  S_settle(a);
  const tp_run *r = lab.runs[0];
  CHECK_NEAR(r->energy.it_j, 15000.0, 1e-6);
  CHECK_INT(r->energy.n_devices, 2);
  if (r->energy.n_devices == 2) {
    const tp_device_energy *d0 = &r->energy.devices[0], *d1 = &r->energy.devices[1];
    CHECK_STR(d0->id, "gpu0");
    CHECK_STR(d1->id, "gpu0");
    CHECK_STR(d0->host, "node1");
    CHECK_STR(d1->host, "node2");
    CHECK_NEAR(d0->energy_j, 10000.0, 1e-6);
    CHECK_NEAR(d1->energy_j, 5000.0, 1e-6);
  }
  CHECK_NEAR(S_input(r, "lab/node2.csv")->energy_j, 5000.0, 1e-6);
  CHECK(S_input(r, "lab/node1-5s.csv") == NULL && S_input(r, "lab/somewhere.csv") == NULL);
  CHECK(!S_has_diag(&r->diags, "as lab/node2.csv") &&
        !S_has_diag(&r->diags, "as lab/node1.csv (power samples every 1 s against"));
  CHECK(S_has_diag(&r->diags, "records device gpu0 over the same time as lab/node1.csv"));
  S_sound_free(&lab, a);
}

/* A row elsewhere naming nothing, 1000 J over [0, 100], runs [0, 60] and
 * [60, 100]: 600 J and 400 J.  A second row whose run_id names r1: all of
 * its 50 J to r1. */
static void test_declared_rows(void) {
  double w[] = {0, 60, 60, 100};
  tp_lab lab;
  S_lab(&lab, w, 2);
  tp_attrib *a = tp_attrib_new(&lab);
  tp_declared rows[2] = {{.run_name = "codecarbon", .start_s = T0, .end_s = T0 + 100,
                          .it_energy_j = 1000, .tool_pue = 1, .line = 2},
                         {.run_id = "r1", .start_s = T0, .end_s = T0 + 100, .it_energy_j = 50,
                          .tool_pue = 1, .line = 3}};
  tp_attrib_add(a, S_rows(&lab, rows, 2));
  S_settle(a);
  CHECK_INT(lab.runs[0]->energy.method, TP_ENERGY_DECLARED);
  CHECK_NEAR(lab.runs[0]->energy.it_j, 600.0, 1e-9);
  CHECK_NEAR(lab.runs[1]->energy.it_j, 400.0 + 50.0, 1e-9);
  CHECK_NEAR(S_input(lab.runs[1], "lab/emissions.csv")->energy_j, 450.0, 1e-9);
  S_sound_free(&lab, a);
}

/* One rule broken at a time; each gives exactly one violation. */
static void test_check_violations(void) {
  double w[] = {0, 100, 0, 100};
  tp_diags d = {0};

  /* A trace's energy charged twice: r1 claims the 10 000 J r0 got too. */
  tp_lab lab;
  S_lab(&lab, w, 2);
  tp_attrib *a = tp_attrib_new(&lab);
  tp_attrib_add(a, S_trace(&lab, "lab/gpu.csv", "aa", "gpu0", 0, 100, 1, 100));
  S_settle(a);
  CHECK_INT(tp_attrib_check(&lab, a, NOW, &d), 0);
  tp_run *r1 = lab.runs[1];
  r1->energy.it_j *= 2;
  r1->energy.devices[0].energy_j *= 2;
  for (size_t i = 0; i < r1->n_inputs; i++) r1->inputs[i].energy_j *= 2;
  CHECK_INT(tp_attrib_check(&lab, a, NOW, &d), 1);
  CHECK(S_has_diag(&d, "runs were given 15000.000 J from this source, which holds 10000.000 J"));
  tp_diag_free(&d);
  tp_attrib_free(a);
  tp_lab_free(&lab);

  /* A declared row used twice: both runs say the file gave them its 1000 J. */
  S_lab(&lab, w, 2);
  a = tp_attrib_new(&lab);
  tp_declared row = {.run_id = "r0", .start_s = T0, .end_s = T0 + 100, .it_energy_j = 1000,
                     .tool_pue = 1, .line = 2};
  tp_attrib_add(a, S_rows(&lab, &row, 1));
  S_settle(a);
  CHECK_INT(tp_attrib_check(&lab, a, NOW, &d), 0);
  lab.runs[1]->energy.method = TP_ENERGY_DECLARED;
  lab.runs[1]->energy.it_j = 1000;
  tp_run_add_input(lab.runs[1], "lab/emissions.csv", "codecarbon")->energy_j = 1000;
  CHECK_INT(tp_attrib_check(&lab, a, NOW, &d), 1);
  CHECK(S_has_diag(&d, "runs were given 2000.000 J from this source, which holds 1000.000 J"));
  tp_diag_free(&d);
  tp_attrib_free(a);
  tp_lab_free(&lab);

  /* More than the devices drew: 50 000 J from a device that peaked at 100 W
   * over 100 s (at most 10 000 J). */
  S_lab(&lab, w, 1);
  tp_run *r = lab.runs[0];
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = 50000;
  r->energy.devices = tp_xcalloc(1, sizeof *r->energy.devices);
  r->energy.n_devices = 1;
  r->energy.devices[0] = (tp_device_energy){.id = tp_xstrdup("gpu0"), .energy_j = 50000,
                                            .covered_s = 100, .peak_w = 100, .idle_w = 100};
  tp_run_add_input(r, "lab/gpu.csv", "nvidia-smi")->energy_j = 50000;
  CHECK_INT(tp_attrib_check(&lab, NULL, NOW, &d), 1);
  CHECK(S_has_diag(&d, "more than its peak 100.000 W over the window draws"));
  tp_diag_free(&d);
  tp_lab_free(&lab);

  /* A window in 1970 (seconds since start read as epoch seconds). */
  S_lab(&lab, w, 1);
  lab.runs[0]->start_s = 0;
  lab.runs[0]->end_s = 3600;
  CHECK_INT(tp_attrib_check(&lab, NULL, NOW, &d), 1);
  CHECK(S_has_diag(&d, "outside 1990-01-01 .. now + 1 day"));
  tp_diag_free(&d);
  /* ... and one that ends two days from now. */
  lab.runs[0]->start_s = NOW;
  lab.runs[0]->end_s = NOW + 2 * 86400;
  CHECK_INT(tp_attrib_check(&lab, NULL, NOW, &d), 1);
  tp_diag_free(&d);
  tp_lab_free(&lab);

  /* Energy without an input that gave it. */
  S_lab(&lab, w, 1);
  lab.runs[0]->energy.method = TP_ENERGY_ESTIMATED;
  lab.runs[0]->energy.it_j = 400;
  CHECK_INT(tp_attrib_check(&lab, NULL, NOW, &d), 1);
  CHECK(S_has_diag(&d, "has energy but no input that gave it"));
  tp_diag_free(&d);
  tp_lab_free(&lab);
}

/* The abort wrapper: a broken lab ends the process with SIGABRT. */
static void test_check_aborts(void) {
  double w[] = {0, 100};
  tp_lab lab;
  S_lab(&lab, w, 1);
  lab.runs[0]->energy.method = TP_ENERGY_ESTIMATED;
  lab.runs[0]->energy.it_j = 400;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stderr)) _exit(3);
    tp_attrib_check_or_abort(&lab, NULL);
    _exit(0);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  /* A sound lab passes (this process would abort otherwise). */
  lab.runs[0]->energy.method = TP_ENERGY_NONE;
  tp_attrib_check_or_abort(&lab, NULL);
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_shared_trace_once);
  TP_RUN(test_copies_and_finer);
  TP_RUN(test_two_hosts_one_id);
  TP_RUN(test_declared_rows);
  TP_RUN(test_check_violations);
  TP_RUN(test_check_aborts);
  return tp_test_summary();
}
