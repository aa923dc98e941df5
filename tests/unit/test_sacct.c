/* Tests for parser/cluster/: host lists, sacct -P (header in any order,
 * steps folded, requeued segments, '|' in a job name, relative times,
 * --noheader with configured columns) and sacct --json (v0.0.37 and v0.0.40
 * schemas), written from Slurm's sacct manual and data_parser schemas. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/run.h"
#include "parser/cluster/hostlist.h"
#include "parser/cluster/sacct.h"
#include "tp_test.h"

static void S_collect(void *ctx, const char *host, size_t len) {
  tp_buf *b = ctx;
  if (b->len) tp_buf_addc(b, ' ');
  tp_buf_add(b, host, len);
}

static void S_check_hosts(const char *list, long count, const char *want) {
  tp_buf b = {0};
  CHECK_INT(tp_hostlist_expand(list, strlen(list), S_collect, &b), count);
  if (want) CHECK_STR(b.data ? b.data : "", want);
  tp_buf_free(&b);
}

static void test_hostlist(void) {
  S_check_hosts("gpu-[01-03,07]", 4, "gpu-01 gpu-02 gpu-03 gpu-07");
  S_check_hosts("node1,node2", 2, "node1 node2");
  S_check_hosts("a[1-2],b[08-10]", 5, "a1 a2 b08 b09 b10");
  S_check_hosts("r[1-2]n[1-2]", 4, "r1n1 r1n2 r2n1 r2n2");
  S_check_hosts("None assigned", 0, "");
  S_check_hosts("gpu-[01-03", -1, NULL);
  S_check_hosts("gpu-[3-1]", -1, NULL);
  S_check_hosts("gpu-[a-b]", -1, NULL);
  S_check_hosts("n[0-99999999]", -1, NULL);
  S_check_hosts("a b", -1, NULL);
  S_check_hosts(" n1 ", 1, "n1");
}

/* Read text as sacct -P output (columns: NULL for a header) into jobs. */
static long S_read(const char *text, const char *columns, tp_slurm_jobs *jobs, tp_diags *d) {
  FILE *f = fmemopen((void *)text, strlen(text), "r");
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, "sacct.txt");
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 0);
  tp_sacct_options opt = {.columns = columns};
  long n = tp_sacct_read(&lr, &opt, jobs, &rd);
  tp_lines_free(&lr);
  tp_rdiag_finish(&rd);
  fclose(f);
  return n;
}

static const char k_parsable[] =
    "JobID|JobName|User|State|Start|End|NodeList|AllocTRES|WorkDir|ConsumedEnergyRaw\n"
    "101|train|ana|COMPLETED|2024-03-01T10:00:00|2024-03-01T12:00:00|gpu-[01-02]|"
    "billing=16,cpu=16,gres/gpu:a100=8,gres/gpu=8,mem=128G,node=2|/proj/x/runs/a|7200000\n"
    "101.batch|batch||COMPLETED|2024-03-01T10:00:00|2024-03-01T12:00:00|gpu-01|"
    "cpu=8,gres/gpu:a100=4,gres/gpu=4,mem=64G,node=1||3600000\n"
    "101.extern|extern||COMPLETED|2024-03-01T10:00:00|2024-03-01T12:00:00|gpu-[01-02]|"
    "billing=16,cpu=16,gres/gpu=8,node=2||3600000\n"
    "102_3|sweep|a|b|ana|CANCELLED by 1000|2024-03-01T11:00:00|2024-03-01T11:30:00|gpu-03|"
    "cpu=4,gres/gpu:1g.10gb=1,mem=16G,node=1|/proj/x|0\n"
    "103|long|bo|RUNNING|2024-03-01T12:00:00|Unknown|gpu-02|cpu=4,gres/gpu=2,node=1|/p|\n"
    "104|requeued|bo|REQUEUED|2024-03-01T09:00:00|2024-03-01T09:10:00|gpu-01|"
    "cpu=4,gres/gpu=1,node=1|/p|1000\n"
    "104|requeued|bo|COMPLETED|2024-03-01T09:20:00|2024-03-01T10:00:00|gpu-03|"
    "cpu=4,gres/gpu=1,node=1|/p|3000\n"
    "105|pending|bo|PENDING|Unknown|Unknown|None assigned|||\n"
    "106|rel|bo|COMPLETED|Ystday 14:03|Ystday 15:00|gpu-01|cpu=1,node=1|/p|\n"
    "107|cpu-only|bo|COMPLETED|2024-03-01T09:00:00|2024-03-01T09:05:00|cpu-01|cpu=1,node=1|/p|\n";

static void test_parsable(void) {
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  CHECK_INT(S_read(k_parsable, NULL, &jobs, &d), 9);
  CHECK_INT(jobs.count, 6); /* 106 refused */
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "101");
  if (j) {
    CHECK_STR(j->name, "train");
    CHECK_STR(j->user, "ana");
    CHECK_STR(j->state, "COMPLETED");
    CHECK_STR(j->workdir, "/proj/x/runs/a");
    CHECK_INT(j->n_nodes, 2);
    if (j->n_nodes == 2) CHECK_STR(j->nodes[1], "gpu-02");
    CHECK_INT(j->gpus, 8);
    CHECK_NEAR(j->consumed_energy_j, 7200000, 1e-9); /* the steps are not added */
    CHECK_INT(j->n_segments, 1);
    CHECK_NEAR(tp_slurm_job_start_s(j), 1709287200, 1e-9);
    CHECK_NEAR(tp_slurm_job_end_s(j), 1709294400, 1e-9);
  }
  j = tp_slurm_jobs_find(&jobs, "102_3");
  if (j) {
    CHECK_STR(j->name, "sweep|a|b");
    CHECK_STR(j->state, "CANCELLED");
    CHECK_INT(j->gpus, 1);
    CHECK(isnan(j->consumed_energy_j));
  }
  j = tp_slurm_jobs_find(&jobs, "103");
  if (j) {
    CHECK(tp_slurm_job_running(j));
    CHECK(isnan(tp_slurm_job_end_s(j)));
    CHECK_INT(j->gpus, 2);
  }
  j = tp_slurm_jobs_find(&jobs, "104");
  if (j) {
    CHECK_INT(j->n_segments, 2);
    CHECK_INT(j->n_nodes, 2);
    CHECK_STR(j->state, "COMPLETED");
    CHECK_NEAR(j->consumed_energy_j, 4000, 1e-9);
    CHECK_NEAR(tp_slurm_job_end_s(j) - tp_slurm_job_start_s(j), 3600, 1e-9);
  }
  j = tp_slurm_jobs_find(&jobs, "105");
  if (j) CHECK_INT(j->n_segments, 0);
  CHECK(tp_slurm_jobs_find(&jobs, "106") == NULL);
  j = tp_slurm_jobs_find(&jobs, "107");
  if (j) CHECK_INT(j->gpus, 0);
  CHECK_INT(d.n_by_severity[TP_WARN], 1); /* the relative time */
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
}

static void test_order_and_noheader(void) {
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  /* -p (trailing '|'), another column order, a repeated record */
  const char *p = "End|NodeList|JobIDRaw|Start|\n"
                  "2024-03-01T12:00:00|n[1-3]|9|2024-03-01T10:00:00|\n"
                  "2024-03-01T12:00:00|n[1-3]|9|2024-03-01T10:00:00|\n";
  CHECK(tp_sacct_sniff(p, strlen(p)));
  CHECK_INT(S_read(p, NULL, &jobs, &d), 2);
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "9");
  if (j) {
    CHECK_INT(j->n_nodes, 3);
    CHECK_INT(j->n_segments, 1);
    CHECK_INT(j->gpus, -1);
  }
  tp_slurm_jobs_free(&jobs);
  const char *nh = "11|x|2024-03-01T10:00:00|2024-03-01T11:00:00\n";
  CHECK(!tp_sacct_sniff(nh, strlen(nh)));
  CHECK_INT(S_read(nh, "JobID,JobName%30,Start,End", &jobs, &d), 1);
  j = tp_slurm_jobs_find(&jobs, "11");
  if (j) CHECK_NEAR(tp_slurm_job_end_s(j) - tp_slurm_job_start_s(j), 3600, 1e-9);
  tp_slurm_jobs_free(&jobs);
  CHECK_INT(d.count, 0);
  /* no Start column: refused */
  CHECK_INT(S_read("JobID|JobName\n1|a\n", NULL, &jobs, &d), -1);
  CHECK_INT(d.n_by_severity[TP_ERROR], 1);
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
  CHECK(!tp_sacct_sniff("a,b,c\n1,2,3\n", 12));
}

static const char k_lacks_all[] =
    "sacct output without the columns JobID, Start, End that a job's run needs; not read";

/* A read that returned got was refused with one error holding text; d is
 * emptied (tp_diag_free leaves it ready for the next read). */
static void S_check_refused(long got, tp_diags *d, const char *text) {
  CHECK_INT(got, -1);
  CHECK_INT(d->n_by_severity[TP_ERROR], 1);
  if (d->count) CHECK(strstr(d->items[0].message, text) != NULL);
  tp_diag_free(d);
}

/* sacct -P output without the columns a job's run needs: told apart by its
 * column names, and refused with a diagnostic that names what it lacks. */
static void test_lacking_columns(void) {
  char missing[64];
  const char *p = "JobName|Partition|AllocCPUS|State|ExitCode\n"
                  "train|gpu|16|COMPLETED|0:0\n";
  CHECK(!tp_sacct_sniff(p, strlen(p)));
  CHECK(tp_sacct_sniff_lacking(p, strlen(p), missing));
  CHECK_STR(missing, "JobID, Start, End");
  const char *q = "JobID|JobName|State|End|\n1|a|COMPLETED|2024-03-01T10:00:00|\n";
  CHECK(tp_sacct_sniff(q, strlen(q))); /* End is enough to tell it; Start is lacking */
  CHECK(tp_sacct_sniff_lacking(q, strlen(q), missing));
  CHECK_STR(missing, "Start");
  /* Whole sacct output, or not sacct's names: not this case. */
  const char *whole = "JobID|Start|End|State\n";
  CHECK(!tp_sacct_sniff_lacking(whole, strlen(whole), missing));
  const char *other = "time|loss|acc|State\n";
  CHECK(!tp_sacct_sniff_lacking(other, strlen(other), missing));
  const char *tabs = "JobName\tPartition\tAllocCPUS\tState\n";
  CHECK(!tp_sacct_sniff_lacking(tabs, strlen(tabs), missing));
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  S_check_refused(S_read(p, NULL, &jobs, &d), &d, k_lacks_all);
  S_check_refused(S_read(q, NULL, &jobs, &d), &d,
                  "without the column Start that a job's run needs");
  tp_slurm_jobs_free(&jobs);
}

/* sacct -P --delimiter=$'\t' (as --format=ALL users write it): a job name
 * may hold '|' then, which is no separator. */
static void test_tab_delimited(void) {
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  const char *t = "JobID\tJobName\tStart\tEnd\tNodeList\tAllocTRES\n"
                  "77\ta|b\t2026-01-15T19:33:36\t2026-01-15T19:46:34\tcpu03\tcpu=1,gres/gpu=2\n"
                  "77.batch\tbatch\t2026-01-15T19:33:36\t2026-01-15T19:46:34\tcpu03\tcpu=1\n";
  CHECK(tp_sacct_sniff(t, strlen(t)));
  CHECK_INT(S_read(t, NULL, &jobs, &d), 2);
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "77");
  CHECK(j != NULL);
  if (j) {
    CHECK_STR(j->name, "a|b");
    CHECK_INT(j->gpus, 2);
    CHECK_INT(j->n_nodes, 1);
    CHECK_NEAR(tp_slurm_job_end_s(j) - tp_slurm_job_start_s(j), 778, 1e-9);
  }
  CHECK_INT(d.count, 0);
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
}

/* A job without End: its start plus Elapsed (ElapsedRaw first), whether it
 * still runs or ended without a recorded end. */
static void test_elapsed(void) {
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  const char *t = "JobID|State|Start|End|Elapsed|ElapsedRaw\n"
                  "1|RUNNING|2024-03-01T10:00:00|Unknown|1-02:03:04|\n"
                  "2|CANCELLED by 5|2024-03-01T10:00:00|Unknown|05:06|\n"
                  "3|RUNNING|2024-03-01T10:00:00|Unknown|00:01:00|120\n"
                  "4|FAILED|2024-03-01T10:00:00|Unknown|bogus|\n";
  CHECK_INT(S_read(t, NULL, &jobs, &d), 4);
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "1");
  CHECK(j != NULL);
  if (j) CHECK_NEAR(j->elapsed_s, 93784, 1e-9);
  j = tp_slurm_jobs_find(&jobs, "2");
  CHECK(j != NULL);
  if (j) {
    CHECK_NEAR(j->elapsed_s, 306, 1e-9);
    CHECK_STR(j->state, "CANCELLED");
  }
  j = tp_slurm_jobs_find(&jobs, "3");
  CHECK(j != NULL);
  if (j) CHECK_NEAR(j->elapsed_s, 120, 1e-9);
  j = tp_slurm_jobs_find(&jobs, "4");
  CHECK(j != NULL);
  if (j) {
    CHECK(isnan(j->elapsed_s));
    /* ended, no End, no Elapsed: not charged, and said */
    tp_run *run = tp_run_new("slurm/4", ".");
    CHECK_INT(tp_slurm_job_claim(run, j, "f", NAN), 0);
    CHECK(isnan(run->start_s) && isnan(run->end_s));
    CHECK_INT(run->diags.n_by_severity[TP_WARN], 1);
    tp_run_free(run);
  }
  j = tp_slurm_jobs_find(&jobs, "2");
  if (j) {
    tp_run *run = tp_run_new("slurm/2", ".");
    CHECK_INT(tp_slurm_job_claim(run, j, "f", NAN), 0);
    CHECK_NEAR(run->end_s - run->start_s, 306, 1e-9);
    tp_run_free(run);
  }
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
}

/* The real files of the shared corpus: a tab-separated --format=ALL export
 * (one job, its .batch and .0 steps: 2026-01-15 19:33:36 to 19:46:34 on
 * slurm-cpu03, ConsumedEnergyRaw 0, which says nothing was measured), and a
 * -P export without JobID, Start or End (refused, naming them). */
static void test_corpus(void) {
  const char *shared = tp_test_shared();
  if (!shared) {
    tp_test_skip("corpus sacct files");
    return;
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/cluster/sacct-tab-all-fields-genomique/sacct.csv", shared);
  if (tp_test_need(path)) {
    tp_slurm_jobs jobs = {0};
    tp_diags d = {0};
    CHECK_INT(tp_sacct_load(path, NULL, &jobs, &d), 3);
    tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "33979");
    CHECK(j != NULL);
    if (j) {
      CHECK_STR(j->user, "hermes");
      CHECK_INT(j->n_nodes, 1);
      CHECK_INT(j->gpus, 0);
      CHECK_NEAR(tp_slurm_job_start_s(j), 1768505616, 1e-6); /* 2026-01-15T19:33:36 as UTC */
      CHECK_NEAR(tp_slurm_job_end_s(j) - tp_slurm_job_start_s(j), 778, 1e-9);
    }
    tp_slurm_jobs_free(&jobs);
    tp_diag_free(&d);
  }
  snprintf(path, sizeof path, "%s/corpus/cluster/sacct-kabre-cenat/sacct.csv", shared);
  if (tp_test_need(path)) {
    tp_slurm_jobs jobs = {0};
    tp_diags d = {0};
    S_check_refused(tp_sacct_load(path, NULL, &jobs, &d), &d, k_lacks_all);
    tp_slurm_jobs_free(&jobs);
  }
}

static const char k_json40[] =
    "{\"jobs\": [\n"
    " {\"job_id\": 201, \"name\": \"train\", \"user\": \"ana\", \"nodes\": \"gpu-[01-02]\",\n"
    "  \"working_directory\": \"/proj/x/runs/b\",\n"
    "  \"array\": {\"job_id\": 0, \"task_id\": {\"set\": false, \"infinite\": false, \"number\": 0}},\n"
    "  \"state\": {\"current\": [\"COMPLETED\"], \"reason\": \"None\"},\n"
    "  \"time\": {\"start\": 1709287200, \"end\": 1709294400, \"elapsed\": 7200},\n"
    "  \"tres\": {\"allocated\": [{\"type\": \"cpu\", \"name\": \"\", \"id\": 1, \"count\": 16},\n"
    "    {\"type\": \"gres\", \"name\": \"gpu\", \"id\": 1001, \"count\": 8}]},\n"
    "  \"steps\": [{\"step\": {\"id\": \"201.batch\"}, \"tres\": {\"consumed\": {\"total\": [\n"
    "     {\"type\": \"energy\", \"name\": \"\", \"id\": 3, \"count\": 5000}]}}},\n"
    "   {\"step\": {\"id\": \"201.0\"}, \"tres\": {\"consumed\": {\"total\": [\n"
    "     {\"type\": \"energy\", \"name\": \"\", \"id\": 3, \"count\": 2000}]}}}]},\n"
    " {\"job_id\": 210, \"name\": \"sweep\", \"user\": \"bo\", \"nodes\": \"gpu-03\",\n"
    "  \"array\": {\"job_id\": 205, \"task_id\": {\"set\": true, \"infinite\": false, \"number\": 4}},\n"
    "  \"state\": {\"current\": [\"RUNNING\"]},\n"
    "  \"time\": {\"start\": 1709290000, \"end\": 0},\n"
    "  \"tres\": {\"allocated\": [{\"type\": \"gres\", \"name\": \"gpu:a100\", \"count\": 2}]}}\n"
    "], \"meta\": {\"plugin\": {\"data_parser\": \"data_parser/v0.0.40\"}}, \"errors\": []}\n";

static const char k_json37[] =
    "{\"meta\": {\"plugin\": {\"type\": \"openapi/dbv0.0.37\"}},\n"
    " \"jobs\": [{\"job_id\": 301, \"name\": \"old\", \"user\": \"cy\", \"nodes\": \"n1\",\n"
    "  \"state\": {\"current\": \"FAILED\", \"reason\": \"None\"},\n"
    "  \"time\": {\"start\": 1709287200, \"end\": 1709287800},\n"
    "  \"tres\": {\"allocated\": [{\"type\": \"gres\", \"name\": \"gpu\", \"count\": 1}]}}]}\n";

static void test_json(void) {
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  CHECK(tp_sacct_json_sniff(k_json40, 200));
  CHECK(tp_sacct_json_sniff(k_json37, sizeof k_json37 - 1));
  CHECK(!tp_sacct_json_sniff("{\"log_history\": []}", 19));
  CHECK_INT(tp_sacct_read_json(k_json40, sizeof k_json40 - 1, "j.json", &jobs, &d), 2);
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "201");
  if (j) {
    CHECK_STR(j->state, "COMPLETED");
    CHECK_INT(j->gpus, 8);
    CHECK_INT(j->n_nodes, 2);
    CHECK_NEAR(j->consumed_energy_j, 7000, 1e-9);
    CHECK_STR(j->workdir, "/proj/x/runs/b");
    CHECK_NEAR(tp_slurm_job_end_s(j), 1709294400, 1e-9);
  }
  j = tp_slurm_jobs_find(&jobs, "205_4");
  if (j) {
    CHECK(tp_slurm_job_running(j));
    CHECK_INT(j->gpus, 2);
    CHECK_STR(j->name, "sweep");
  }
  CHECK_INT(tp_sacct_read_json(k_json37, sizeof k_json37 - 1, "k.json", &jobs, &d), 1);
  j = tp_slurm_jobs_find(&jobs, "301");
  if (j) {
    CHECK_STR(j->state, "FAILED");
    CHECK_INT(j->gpus, 1);
  }
  CHECK_INT(d.count, 0);
  CHECK_INT(tp_sacct_read_json("{\"x\": 1}", 8, "x.json", &jobs, &d), -1);
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
}

/* A job requeued onto another node: each record keeps its own nodes and
 * GPUs (its steps' hosts join the record they ran in); the job's nodes are
 * the union, in the order first named.  Both forms. */
static const char k_moved[] =
    "JobID|State|Start|End|NodeList|AllocTRES\n"
    "401|REQUEUED|2024-03-01T10:00:00|2024-03-01T11:00:00|gpu-01|gres/gpu=2,node=1\n"
    "401.batch|CANCELLED|2024-03-01T10:00:00|2024-03-01T11:00:00|gpu-01|gres/gpu=2\n"
    "401|COMPLETED|2024-03-01T11:30:00|2024-03-01T13:00:00|gpu-[02-03]|gres/gpu=4,node=2\n"
    "401.batch|COMPLETED|2024-03-01T11:30:00|2024-03-01T13:00:00|gpu-02|gres/gpu=2\n"
    "402|REQUEUED|2024-03-01T10:00:00|2024-03-01T11:00:00|gpu-01|gres/gpu=1,node=1\n"
    "402|COMPLETED|2024-03-01T11:30:00|2024-03-01T13:00:00|gpu-01|gres/gpu=1,node=1\n";

static const char k_moved_json[] =
    "{\"jobs\": [{\"job_id\": 401, \"nodes\": \"gpu-01\", \"time\": {\"start\": 1709287200, "
    "\"end\": 1709290800}, \"tres\": {\"allocated\": [{\"type\": \"gres\", \"name\": \"gpu\", "
    "\"count\": 2}]}}, {\"job_id\": 401, \"nodes\": \"gpu-[02-03]\", \"time\": {\"start\": "
    "1709292600, \"end\": 1709298000}, \"tres\": {\"allocated\": [{\"type\": \"gres\", "
    "\"name\": \"gpu\", \"count\": 4}]}}]}";

static void S_check_moved(tp_slurm_job *j) {
  if (!j) return;
  CHECK_INT(j->n_nodes, 3);
  if (j->n_nodes == 3) CHECK_STR(j->nodes[2], "gpu-03");
  CHECK_INT(j->gpus, 4);
  CHECK_INT(j->n_segments, 2);
  CHECK(tp_slurm_job_moved(j));
  if (j->n_segments != 2) return;
  CHECK_INT(j->segments[0].n_nodes, 1);
  if (j->segments[0].n_nodes == 1) CHECK_STR(j->segments[0].nodes[0], "gpu-01");
  CHECK_INT(j->segments[0].gpus, 2);
  CHECK_INT(j->segments[1].n_nodes, 2);
  if (j->segments[1].n_nodes == 2) CHECK_STR(j->segments[1].nodes[1], "gpu-03");
  CHECK_INT(j->segments[1].gpus, 4);
  CHECK_NEAR(j->segments[1].start_s, 1709292600, 1e-9);
}

static void test_moved(void) {
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  CHECK_INT(S_read(k_moved, NULL, &jobs, &d), 6);
  S_check_moved(tp_slurm_jobs_find(&jobs, "401"));
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "402"); /* requeued on the same node */
  if (j) {
    CHECK_INT(j->n_segments, 2);
    CHECK(!tp_slurm_job_moved(j));
  }
  /* A copy keeps each record's own nodes. */
  tp_slurm_job *c = tp_slurm_job_copy(tp_slurm_jobs_find(&jobs, "401"));
  S_check_moved(c);
  tp_slurm_job_free(c);
  tp_slurm_jobs_free(&jobs);
  CHECK_INT(tp_sacct_read_json(k_moved_json, sizeof k_moved_json - 1, "m.json", &jobs, &d), 2);
  S_check_moved(tp_slurm_jobs_find(&jobs, "401"));
  CHECK_INT(d.count, 0);
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
}

/* Many jobs: the index finds each. */
static void test_many(void) {
  tp_slurm_jobs jobs = {0};
  char id[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(id, sizeof id, "%d", i);
    tp_slurm_jobs_get(&jobs, id, NULL);
  }
  CHECK_INT(jobs.count, 5000);
  tp_slurm_job *j = tp_slurm_jobs_find(&jobs, "4321");
  CHECK(j && strcmp(j->job_id, "4321") == 0);
  CHECK(tp_slurm_jobs_find(&jobs, "5000") == NULL);
  tp_slurm_jobs_free(&jobs);
}

/* A run folder and a job: by WorkDir (two trailing components at least, one
 * job only), by a recorded id; a device's host. */
static void test_run_matching(void) {
  tp_slurm_jobs jobs = {0};
  const char *dirs[] = {"/proj/x/runs/a", "/proj/y/runs/b/", "/proj/z/other/b", "/q/a"};
  for (size_t i = 0; i < 4; i++) {
    char id[8];
    snprintf(id, sizeof id, "%zu", i + 1);
    tp_slurm_job *j = tp_slurm_jobs_get(&jobs, id, NULL);
    j->workdir = tp_xstrdup(dirs[i]);
  }
  size_t n = 0;
  tp_slurm_job *j = tp_slurm_jobs_by_workdir(&jobs, "/home/me/copy/runs/a", NULL, &n);
  CHECK(j && strcmp(j->job_id, "1") == 0);
  CHECK_INT(n, 1);
  CHECK(tp_slurm_jobs_by_workdir(&jobs, "/home/me/copy/a", NULL, &n) == NULL); /* one part */
  CHECK_INT(n, 0);
  j = tp_slurm_jobs_by_workdir(&jobs, "runs//b", NULL, &n);
  CHECK(j && strcmp(j->job_id, "2") == 0);
  bool skip[4] = {false, true, false, false};
  CHECK(tp_slurm_jobs_by_workdir(&jobs, "/c/runs/b", skip, &n) == NULL);
  CHECK_INT(n, 0);
  tp_slurm_job *k = tp_slurm_jobs_get(&jobs, "5", NULL);
  k->workdir = tp_xstrdup("/other/runs/a");
  CHECK(tp_slurm_jobs_by_workdir(&jobs, "/c/runs/a", NULL, &n) == NULL); /* two fit */
  CHECK_INT(n, 2);
  tp_slurm_jobs_free(&jobs);

  tp_run *r = tp_run_new("r", "/lab/r");
  CHECK(tp_slurm_run_job_id(r) == NULL);
  tp_run_set_hparam(r, "my_job_id", TP_HP_STRING, "1", NAN, "config.json");
  CHECK(tp_slurm_run_job_id(r) == NULL); /* not the key itself */
  tp_run_set_hparam(r, "env.SLURM_JOB_ID", TP_HP_NUMBER, "4242", 4242, "config.json");
  const char *got = tp_slurm_run_job_id(r);
  CHECK(got && strcmp(got, "4242") == 0);
  tp_device_energy dcgm = {.id = "gpu-07/gpu3"}, smi = {.id = "gpu0"};
  char buf[64];
  got = tp_run_device_host(r, &dcgm, buf, sizeof buf);
  CHECK(got && strcmp(got, "gpu-07") == 0);
  CHECK(tp_run_device_host(r, &smi, buf, sizeof buf) == NULL);
  r->host = tp_xstrdup("node1");
  got = tp_run_device_host(r, &smi, buf, sizeof buf);
  CHECK(got && strcmp(got, "node1") == 0);
  smi.host = "node2";
  got = tp_run_device_host(r, &smi, buf, sizeof buf);
  CHECK(got && strcmp(got, "node2") == 0);
  tp_run_free(r);
}

int main(void) {
  TP_RUN(test_hostlist);
  TP_RUN(test_parsable);
  TP_RUN(test_order_and_noheader);
  TP_RUN(test_lacking_columns);
  TP_RUN(test_tab_delimited);
  TP_RUN(test_elapsed);
  TP_RUN(test_corpus);
  TP_RUN(test_json);
  TP_RUN(test_moved);
  TP_RUN(test_many);
  TP_RUN(test_run_matching);
  return tp_test_summary();
}
