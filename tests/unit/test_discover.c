/* Tests for parser/discover: run ids, event-file order, trace sniffing,
 * loops and unreadable paths. */
#include <stdlib.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/discover.h"
#include "tp_test.h"

static char S_root[256];

static void S_write(const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", S_root, rel);
  /* make parent directories */
  for (char *p = path + strlen(S_root) + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  fputs(text, f);
  fclose(f);
}

/* A symbolic link at rel (under the root) to target. */
static void S_link(const char *rel, const char *target) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", S_root, rel);
  CHECK(symlink(target, path) == 0);
}

static void test_tree(void) {
  S_write("exp1/run_a/events.out.tfevents.1700000200.host.1.0", "x");
  S_write("exp1/run_a/events.out.tfevents.1700000100.host.1.0", "x");
  S_write("exp1/run_a/events.out.tfevents.1700000100.host.1.0.truth.csv", "tag,step\n");
  S_write("exp1/run_a/hparams.yaml", "lr: 0.1\n");
  S_write("exp1/run_b/events.out.tfevents.1700000300.h.2.0", "x");
  S_write("exp1/gpu.csv", "timestamp, index, power.draw [W]\n");
  S_write("exp1/rapl.csv", "timestamp,domain,energy_uj\n");
  S_write("exp1/emissions.csv", "timestamp,project_name,run_id,duration,emissions,energy_consumed\n");
  S_write("exp1/notes.txt", "hello\n");
  S_write("run_top/events.out.tfevents.1700000400.h.3.0", "x");

  S_link("exp1/loop", "..");

  tp_discovery d = {0};
  tp_diags diags = {0};
  char *paths[] = {S_root};
  CHECK_INT(tp_discover(&d, paths, 1, &diags), 0);
  CHECK_INT(d.n_runs, 3);
  if (d.n_runs == 3) {
    CHECK_STR(d.runs[0].id, "exp1/run_a");
    CHECK_INT(d.runs[0].n_event_files, 2);
    CHECK(strstr(d.runs[0].event_files[0], "1700000100") != NULL);
    CHECK(strstr(d.runs[0].event_files[1], "1700000200") != NULL);
    CHECK_INT(d.runs[0].n_other_files, 1);
    CHECK_STR(d.runs[1].id, "exp1/run_b");
    CHECK_STR(d.runs[2].id, "run_top");
  }
  CHECK_INT(d.n_traces, 3);
  if (d.n_traces == 3) {
    CHECK(strstr(d.traces[0].path, "emissions.csv") != NULL);
    CHECK_INT(d.traces[0].kind, TP_FILE_TRACE);
    CHECK_INT(d.traces[0].format, TP_POWER_CODECARBON);
    CHECK_INT(d.traces[1].format, TP_POWER_NVSMI_CSV);
    CHECK_INT(d.traces[2].format, TP_POWER_RAPL_CSV);
  }
  /* The loop is entered once (exp1/loop -> root) and reported when it would
   * come back to a directory already on the path. */
  int loops = 0;
  for (size_t i = 0; i < diags.count; i++)
    if (strstr(diags.items[i].message, "directory loop")) loops++;
  CHECK(loops >= 1);
  tp_discovery_free(&d);
  tp_diag_free(&diags);

  /* The run directory itself as the argument: named after the directory. */
  char runpath[512];
  snprintf(runpath, sizeof runpath, "%s/exp1/run_b", S_root);
  char *p2[] = {runpath};
  CHECK_INT(tp_discover(&d, p2, 1, &diags), 0);
  CHECK_INT(d.n_runs, 1);
  if (d.n_runs) CHECK_STR(d.runs[0].id, "run_b");
  tp_discovery_free(&d);

  /* An event file alone: a run named after its directory. */
  char evpath[512];
  snprintf(evpath, sizeof evpath, "%s/exp1/run_b/events.out.tfevents.1700000300.h.2.0", S_root);
  char *p3[] = {evpath};
  CHECK_INT(tp_discover(&d, p3, 1, &diags), 0);
  CHECK_INT(d.n_runs, 1);
  if (d.n_runs) CHECK_STR(d.runs[0].id, "run_b");
  tp_discovery_free(&d);
  tp_diag_free(&diags);
}

static void test_missing(void) {
  tp_discovery d = {0};
  tp_diags diags = {0};
  char *paths[] = {"/nonexistent/trainprint-test"};
  CHECK_INT(tp_discover(&d, paths, 1, &diags), -1);
  CHECK_INT(diags.count, 1);
  CHECK_INT(diags.items[0].severity, TP_ERROR);
  CHECK(strstr(diags.items[0].message, "cannot read") != NULL);
  tp_discovery_free(&d);
  tp_diag_free(&diags);
}

static void test_sniff(void) {
  const char *nv = "timestamp, index, name, power.draw [W]\n2024/01/01 00:00:00.000, 0, X, 1 W\n";
  tp_power_format f;
  CHECK_INT(tp_discover_sniff("whatever.log", (const unsigned char *)nv, strlen(nv), &f),
            TP_FILE_TRACE);
  CHECK_INT(f, TP_POWER_NVSMI_CSV);
  const char *dm = "# gpu    pwr  gtemp\n# Idx      W      C\n";
  CHECK_INT(tp_discover_sniff("x", (const unsigned char *)dm, strlen(dm), &f), TP_FILE_TRACE);
  CHECK_INT(f, TP_POWER_NVSMI_DMON);
  const char *perf = "#           time             counts unit events\n"
                     "     1.001    12.34 Joules power/energy-pkg/\n";
  CHECK_INT(tp_discover_sniff("x", (const unsigned char *)perf, strlen(perf), &f), TP_FILE_TRACE);
  CHECK_INT(f, TP_POWER_PERF_STAT);
  const unsigned char bin[] = {0x18, 0, 0, 0, 0, 0, 0, 0};
  CHECK_INT(tp_discover_sniff("data.bin", bin, sizeof bin, &f), TP_FILE_UNKNOWN);
  CHECK_INT(f, TP_POWER_UNKNOWN);
}

/* The index of the run of id in d, or -1. */
static int S_run_index(const tp_discovery *d, const char *id) {
  for (size_t i = 0; i < d->n_runs; i++)
    if (strcmp(d->runs[i].id, id) == 0) return (int)i;
  return -1;
}

static void test_marks(void) {
  /* A report trainprint wrote (its manifest a regular file) is not entered;
   * a directory that only bears the manifest's name is no manifest. */
  S_write("marks/site/.trainprint-site", "trainprint-site-record 2\n");
  S_write("marks/site/r/events.out.tfevents.1.h.1.0", "x");
  S_write("marks/fake/.trainprint-site/keep", "");
  S_write("marks/fake/events.out.tfevents.2.h.1.0", "x");
  /* Whether a run's folder may hold a power trace of its own. */
  S_write("marks/wb/events.out.tfevents.3.h.1.0", "x");
  S_write("marks/wb/run-abc.wandb", "x");
  S_write("marks/ml/events.out.tfevents.4.h.1.0", "x");
  S_write("marks/ml/metrics/loss", "1 0.5 0\n");
  /* A link to a run's folder: the run is found once, the link noted. */
  S_write("marks/real/events.out.tfevents.5.h.1.0", "x");
  char root[512];
  snprintf(root, sizeof root, "%s/marks", S_root);
  S_link("marks/zlink", "real");
  tp_discovery d = {0};
  tp_diags diags = {0};
  char *paths[] = {root};
  CHECK_INT(tp_discover(&d, paths, 1, &diags), 0);
  CHECK_INT(d.n_runs, 4);
  CHECK(S_run_index(&d, "site/r") < 0);
  int fake = S_run_index(&d, "fake"), wb = S_run_index(&d, "wb"), ml = S_run_index(&d, "ml");
  int real = S_run_index(&d, "real");
  CHECK(fake >= 0 && wb >= 0 && ml >= 0 && real >= 0);
  if (fake >= 0 && wb >= 0 && ml >= 0 && real >= 0) {
    CHECK(d.runs[fake].no_power_files);
    CHECK(!d.runs[wb].no_power_files);
    CHECK(!d.runs[ml].no_power_files);
    CHECK(d.runs[real].no_power_files);
  }
  int report_notes = 0, link_notes = 0;
  for (size_t i = 0; i < diags.count; i++) {
    const char *m = diags.items[i].message;
    if (strstr(m, "a trainprint report") && strstr(diags.items[i].file, "/marks/site"))
      report_notes++;
    if (strstr(m, "reached again through a symbolic link") &&
        strstr(diags.items[i].file, "/marks/zlink"))
      link_notes++;
  }
  CHECK_INT(report_notes, 1);
  CHECK_INT(link_notes, 1);
  tp_discovery_free(&d);
  tp_diag_free(&diags);
}

int main(void) {
  snprintf(S_root, sizeof S_root, "/tmp/tp-discover-XXXXXX");
  if (!mkdtemp(S_root)) return 1;
  TP_RUN(test_tree);
  TP_RUN(test_missing);
  TP_RUN(test_sniff);
  TP_RUN(test_marks);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", S_root);
  return tp_test_summary();
}
