/* Tests for the framework part of parser/discover: directories holding
 * framework logs become runs, MLflow runs get mlruns/<exp>/<run_id> ids,
 * deleted MLflow runs and their subdirectories are left out; one run per
 * training (a folder or trace reached twice is read once, Hugging Face
 * checkpoint snapshots are one run, several trainings' logs in one folder are
 * a run each, read from tests/data/discover). */
#include <string.h>

#include "fw_check.h"
#include "parser/discover.h"

/* Count the diagnostics whose message holds part. */
static size_t diags_with(const tp_diags *g, const char *part) {
  size_t n = 0;
  for (size_t i = 0; i < g->count; i++) n += strstr(g->items[i].message, part) != NULL;
  return n;
}

/* Load a found run's framework logs as the pipeline does (its own log alone,
 * or its directory without the logs split off it). */
static tp_run *load_found(const tp_found_run *fr) {
  tp_run *run = tp_run_new(fr->id, fr->dir);
  tp_framework_opts o = {.only_file = fr->log_file, .skip_files = fr->split_off,
                         .n_skip_files = fr->n_split_off};
  tp_diags d = {0};
  tp_framework_load_run(run, fr->dir, &o, &d);
  tp_diag_print_all(stderr, &d);
  tp_diag_free(&d);
  tp_run_finish(run);
  return run;
}

static const tp_found_run *find_run(const tp_discovery *d, const char *id) {
  for (size_t i = 0; i < d->n_runs; i++)
    if (strcmp(d->runs[i].id, id) == 0) return &d->runs[i];
  fprintf(stderr, "no run '%s'\n", id);
  tp_test_failed++;
  return NULL;
}

/* Load run id of d and check one of its series (see fw_check_series). */
static void check_found(const tp_discovery *d, const char *id, const char *tag, size_t count,
                        long long step0, double v0, long long step1, double v1) {
  const tp_found_run *fr = find_run(d, id);
  if (!fr) return;
  tp_run *run = load_found(fr);
  fw_check_series(run, tag, count, step0, v0, step1, v1);
  CHECK_INT(run->restarts, 0);
  tp_run_free(run);
}

/* Discover tests/data/discover/<a> and <b> (two arguments) into d and g. */
static void discover_data(const char *a, const char *b, tp_discovery *d, tp_diags *g) {
  char *paths[2] = {tp_xasprintf("%s/tests/data/discover/%s", TP_SOURCE_DIR, a),
                    tp_xasprintf("%s/tests/data/discover/%s", TP_SOURCE_DIR, b)};
  CHECK_INT(tp_discover(d, paths, 2, g), 0);
  free(paths[0]);
  free(paths[1]);
}

/* A W&B run reached twice (wandb/latest-run, a symbolic link made here, sorts
 * before run-1 but is walked after it), the whole folder given twice, and a
 * trace reached again through a link: one run, one trace, each duplicate path
 * noted. */
static void test_reached_twice(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "wandb/run-1/files/wandb-summary.json", "{}");
  fw_write(dir, "wandb/gpu.csv", "timestamp, index, power.draw [W]\n"
                                 "2024/01/01 10:00:00.000, 0, 100.00 W\n");
  char *link = tp_xasprintf("%s/wandb/latest-run", dir);
  CHECK_INT(symlink("run-1", link), 0);
  char *link2 = tp_xasprintf("%s/wandb/run-1/gpu-link.csv", dir);
  CHECK_INT(symlink("../gpu.csv", link2), 0);
  tp_discovery d = {0};
  tp_diags g = {0};
  char *paths[] = {(char *)dir, (char *)dir};
  CHECK_INT(tp_discover(&d, paths, 2, &g), 0);
  CHECK_INT(d.n_runs, 1);
  if (d.n_runs == 1) CHECK_STR(d.runs[0].id, "wandb/run-1");
  CHECK_INT(d.n_traces, 1);
  if (d.n_traces == 1) CHECK(strstr(d.traces[0].path, "wandb/gpu.csv") != NULL);
  /* latest-run, the second argument (directories), gpu-link.csv (a file) */
  CHECK_INT(diags_with(&g, "the same directory as"), 2);
  CHECK_INT(diags_with(&g, "the same file as"), 1);
  tp_diag_print_all(stderr, &g);
  tp_discovery_free(&d);
  tp_diag_free(&g);
  unlink(link);
  unlink(link2);
  free(link);
  free(link2);
}

/* Hugging Face checkpoint snapshots: hf-out holds checkpoint-90, -500 and
 * -1000 (each a trainer_state.json of the same training, cut at its step) and
 * no state of its own: one run, id hf-out, read from checkpoint-1000 (highest
 * N, though it sorts first by name): loss at steps 90, 250, 500, 1000 =
 * 2 - step/1000.  hf-top has its own trainer_state.json: the run is hf-top,
 * read from it (loss at 10, 20, 30 = 1.5 - step/100); checkpoint-20 is left
 * out. */
static void test_hf_snapshots(void) {
  tp_discovery d = {0};
  tp_diags g = {0};
  discover_data("hf-out", "hf-top", &d, &g);
  CHECK_INT(d.n_runs, 2);
  const tp_found_run *out = find_run(&d, "hf-out"), *top = find_run(&d, "hf-top");
  if (out) {
    CHECK(strstr(out->dir, "hf-out/checkpoint-1000") != NULL);
    tp_run *run = load_found(out);
    fw_check_series(run, "loss", 4, 90, 1.91, 1000, 1.0);
    tp_run_free(run);
  }
  if (top) {
    CHECK(strstr(top->dir, "checkpoint") == NULL);
    tp_run *run = load_found(top);
    fw_check_series(run, "loss", 3, 10, 1.4, 30, 1.2);
    tp_run_free(run);
  }
  CHECK_INT(diags_with(&g, "3 Hugging Face checkpoint snapshots"), 1);
  CHECK_INT(diags_with(&g, "the 2 older snapshots are left out"), 1);
  CHECK_INT(diags_with(&g, "1 Hugging Face checkpoint snapshots"), 1);
  tp_discovery_free(&d);
  tp_diag_free(&g);
}

/* Two detectron2 logs of two trainings in one folder (iters 19..79 and
 * 19..59), two Keras CSV logs in another: a run each, named folder/stem, each
 * read alone.  Merged, the second's steps would go back and drop the first's
 * points. */
static void test_split_logs(void) {
  tp_discovery d = {0};
  tp_diags g = {0};
  discover_data("two-trainings", "two-keras", &d, &g);
  CHECK_INT(d.n_runs, 4);
  static const char *const ids[] = {"two-keras/phase_a", "two-keras/phase_b",
                                    "two-trainings/faster_rcnn", "two-trainings/retinanet"};
  for (size_t i = 0; i < d.n_runs && i < 4; i++) CHECK_STR(d.runs[i].id, ids[i]);
  CHECK_INT(diags_with(&g, "2 textlog logs in one directory"), 1);
  CHECK_INT(diags_with(&g, "2 keras-csv logs in one directory"), 1);
  check_found(&d, "two-trainings/faster_rcnn", "total_loss", 4, 19, 4.146, 79, 1.302);
  check_found(&d, "two-trainings/retinanet", "total_loss", 3, 19, 2.514, 59, 1.986);
  check_found(&d, "two-keras/phase_a", "val_loss", 2, 0, 1.5, 1, 1.125);
  check_found(&d, "two-keras/phase_b", "loss", 3, 0, 2.5, 2, 2.0);
  tp_discovery_free(&d);
  tp_diag_free(&g);
}

/* A folder with an event file beside two Keras logs: the folder stays a run
 * (its event file) without the two logs, which are runs of their own. */
static void test_split_beside_events(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "mix/events.out.tfevents.1700000000.host.1.0", "x");
  fw_write(dir, "mix/a.csv", "epoch,loss\n0,1.0\n1,0.5\n");
  fw_write(dir, "mix/b.csv", "epoch,loss\n0,2.0\n");
  tp_discovery d = {0};
  tp_diags g = {0};
  char *paths[] = {(char *)dir};
  CHECK_INT(tp_discover(&d, paths, 1, &g), 0);
  CHECK_INT(d.n_runs, 3);
  const tp_found_run *m = find_run(&d, "mix");
  if (m) {
    CHECK_INT(m->n_event_files, 1);
    CHECK_INT(m->n_other_files, 0);
    CHECK_INT(m->n_split_off, 2);
    tp_run *run = load_found(m);
    CHECK(tp_run_find_series(run, "loss") == NULL); /* the Keras logs are not read here */
    tp_run_free(run);
  }
  check_found(&d, "mix/a", "loss", 2, 0, 1.0, 1, 0.5);
  tp_discovery_free(&d);
  tp_diag_free(&g);
}

static void test_tree(void) {
  const char *dir = fw_tmpdir();
  fw_write(dir, "lt/version_0/metrics.csv", "train_loss,epoch,step\n0.5,0,1\n");
  fw_write(dir, "lt/version_0/hparams.yaml", "lr: 0.1\n");
  fw_write(dir, "hf/trainer_state.json", "{\"log_history\": []}\n");
  fw_write(dir, "ker/history.csv", "epoch,loss\n0,1.0\n");
  fw_write(dir, "hy/.hydra/config.yaml", "a: 1\n");
  fw_write(dir, "wb/run-1/files/wandb-summary.json", "{}");
  fw_write(dir, "wb/run-1/files/output.log", "iter 1: loss 2.0, time 1.0ms, mfu 1.0%\n"
                                              "iter 2: loss 2.0, time 1.0ms, mfu 1.0%\n"
                                              "iter 3: loss 2.0, time 1.0ms, mfu 1.0%\n");
  fw_write(dir, "ml/mlruns/1/meta.yaml", "name: e\n");
  fw_write(dir, "ml/mlruns/1/0123456789abcdef0123456789abcdef/meta.yaml",
           "run_id: 0123456789abcdef0123456789abcdef\nstart_time: 1\nlifecycle_stage: active\n");
  fw_write(dir, "ml/mlruns/1/0123456789abcdef0123456789abcdef/metrics/loss", "1 0.5 0\n");
  fw_write(dir, "ml/mlruns/1/0123456789abcdef0123456789abcdef/artifacts/x/events.out.tfevents.1.h",
           "x");
  fw_write(dir, "ml/mlruns/1/fedcba9876543210fedcba9876543210/meta.yaml",
           "run_id: fedcba9876543210fedcba9876543210\nstart_time: 1\nlifecycle_stage: deleted\n");
  fw_write(dir, "txt/train.log", "Epoch [1/2] Step [1/9] loss: 1\nEpoch [1/2] Step [2/9] loss: 1\n"
                                 "Epoch [1/2] Step [3/9] loss: 1\n");
  fw_write(dir, "notes/readme.txt", "a=1\nb=2\nc=3\n");
  tp_discovery d = {0};
  tp_diags g = {0};
  char *paths[] = {(char *)dir};
  CHECK_INT(tp_discover(&d, paths, 1, &g), 0);
  static const char *const ids[] = {"hf",    "hy",    "ker", "lt/version_0",
                                    "ml/mlruns/1/0123456789abcdef0123456789abcdef",
                                    "txt",   "wb/run-1"};
  CHECK_INT(d.n_runs, 7);
  for (size_t i = 0; i < d.n_runs && i < 7; i++) CHECK_STR(d.runs[i].id, ids[i]);
  if (d.n_runs == 7) {
    CHECK_INT(d.runs[3].n_other_files, 2); /* metrics.csv, hparams.yaml */
    CHECK_INT(d.runs[4].n_event_files, 0); /* artifacts/ is not walked */
  }
  CHECK_INT(g.n_by_severity[TP_NOTE], 1); /* the deleted run */
  tp_discovery_free(&d);
  tp_diag_free(&g);
}

static void test_sniff(void) {
  const unsigned char lt[] = "epoch,lr,step\n,0.1,49\n";
  CHECK_INT(tp_discover_sniff("x/metrics.csv", lt, sizeof lt - 1, NULL), TP_FILE_LIGHTNING_CSV);
  const unsigned char ke[] = "epoch,acc\n0,0.5\n";
  CHECK_INT(tp_discover_sniff("x/training.log", ke, sizeof ke - 1, NULL), TP_FILE_KERAS_CSV);
  const unsigned char hf[] = "{\n  \"best_metric\": null,\n  \"log_history\": []}";
  CHECK_INT(tp_discover_sniff("x/state.json", hf, sizeof hf - 1, NULL), TP_FILE_HF_TRAINER_STATE);
  CHECK_STR(tp_file_kind_name(TP_FILE_KERAS_CSV), "keras-csv");
}

static void test_corpus(void) {
  const char *shared = tp_test_shared();
  if (!shared) {
    tp_test_skip("shared corpus absent");
    return;
  }
  char *root = tp_xasprintf("%s/corpus/framework", shared);
  tp_test_need(root);
  tp_discovery d = {0};
  tp_diags g = {0};
  char *paths[] = {root};
  CHECK_INT(tp_discover(&d, paths, 1, &g), 0);
  size_t mlflow = 0, deleted = 0;
  for (size_t i = 0; i < d.n_runs; i++)
    if (strstr(d.runs[i].id, "/mlruns/")) mlflow++;
  for (size_t i = 0; i < g.count; i++)
    if (strstr(g.items[i].message, "deleted")) deleted++;
  CHECK_INT(mlflow, 14); /* 7 + 1 + 1 + 4 + 1, the 2 deleted left out */
  CHECK_INT(deleted, 2);
  /* DETR log.txt (2), detectron2 metrics.json (2) and MMEngine scalars.json
   * (1) are JSON-lines runs; the 3 Sacred run folders and the 3 DVCLive
   * folders are runs (Sacred's _sources/ are not).  Ultralytics 7.x folders
   * are not read yet; the four Ultralytics results.csv folders (8.2-era
   * blank-padded cells, and 8.3 with a time column) are, and so are the two
   * Keras histories saved by pandas without an epoch column.  One run
   * per training changes nothing here: the corpus keeps no symbolic links
   * (W&B's latest-run was left out when it was copied), no checkpoint-N
   * snapshots, and no folder holds two logs of one kind (detectron2-textlog-
   * bupt's tail80 copy holds a single iteration line, so it is not a
   * training log). */
  CHECK_INT(d.n_runs, 63);
  CHECK_INT(diags_with(&g, "reached again"), 0);
  tp_discovery_free(&d);
  tp_diag_free(&g);
  free(root);
}

int main(void) {
  TP_RUN(test_tree);
  TP_RUN(test_sniff);
  TP_RUN(test_corpus);
  TP_RUN(test_reached_twice);
  TP_RUN(test_hf_snapshots);
  TP_RUN(test_split_logs);
  TP_RUN(test_split_beside_events);
  return tp_test_summary();
}
