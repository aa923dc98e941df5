/* Tests for parser/wandb_binary and the W&B run file in parser/wandb: a run
 * file written by hand (tests/data/wandb-binary/make_two_gpus.py, its values
 * in its comment), damaged copies of it, and every run file of the corpus
 * (values from tests/data/wandb-binary/wandb_truth.py, an independent
 * reading, which agree with the corpus manifest's hand-read table). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fw_check.h"
#include "model/energy.h"
#include "parser/text/crc32.h"
#include "parser/logs/wandb.h"
#include "parser/logs/wandb_binary.h"
#include "parser/discover.h"

#define S_TWO_DIR TP_SOURCE_DIR "/tests/data/wandb-binary/run-20260101_000000-twogpus"
#define S_TWO S_TWO_DIR "/run-twogpus.wandb"
#define S_START 1767225600.0
#define S_MAX_KEYS 64

/* What a reading delivered: per history key its count and last point, the
 * summary, config items, skipped kinds. */
typedef struct S_got {
  char *key[S_MAX_KEYS];
  size_t n_keys, count[S_MAX_KEYS];
  int64_t first_step[S_MAX_KEYS], last_step[S_MAX_KEYS];
  double first[S_MAX_KEYS], last[S_MAX_KEYS], last_t[S_MAX_KEYS];
  char *sum_key[S_MAX_KEYS];
  double sum[S_MAX_KEYS];
  size_t n_sum, rows, config, skipped, stats, stat_items;
} S_got;

static size_t S_slot(S_got *g, const char *key) {
  for (size_t i = 0; i < g->n_keys; i++)
    if (strcmp(g->key[i], key) == 0) return i;
  if (g->n_keys == S_MAX_KEYS) abort();
  g->key[g->n_keys] = tp_xstrdup(key);
  return g->n_keys++;
}

static void S_row(void *ctx, int64_t step, double t_s) {
  (void)step, (void)t_s;
  ((S_got *)ctx)->rows++;
}

static void S_scalar(void *ctx, const char *key, int64_t step, double t_s, double v) {
  S_got *g = ctx;
  size_t i = S_slot(g, key);
  if (!g->count[i]++) g->first_step[i] = step, g->first[i] = v;
  g->last_step[i] = step, g->last[i] = v, g->last_t[i] = t_s;
}

static void S_skipped(void *ctx, const char *key, const char *kind) {
  (void)key, (void)kind;
  ((S_got *)ctx)->skipped++;
}

static void S_config(void *ctx, const char *key, const char *json, size_t n) {
  (void)key, (void)json, (void)n;
  ((S_got *)ctx)->config++;
}

static void S_summary(void *ctx, const char *key, double v) {
  S_got *g = ctx;
  for (size_t i = 0; i < g->n_sum; i++)
    if (strcmp(g->sum_key[i], key) == 0) {
      g->sum[i] = v;
      return;
    }
  if (g->n_sum == S_MAX_KEYS) abort();
  g->sum_key[g->n_sum] = tp_xstrdup(key);
  g->sum[g->n_sum++] = v;
}

static void S_stats(void *ctx, double t_s) {
  (void)t_s;
  ((S_got *)ctx)->stats++;
}

static void S_stat(void *ctx, double t_s, const char *key, double v) {
  (void)t_s, (void)key, (void)v;
  ((S_got *)ctx)->stat_items++;
}

static int S_read(const char *path, S_got *g, tp_wandb_bin_info *in, tp_diags *d) {
  memset(g, 0, sizeof *g);
  tp_wandb_bin_handlers h = {.ctx = g, .row = S_row, .scalar = S_scalar, .skipped = S_skipped,
                             .config = S_config, .summary = S_summary, .stats = S_stats,
                             .stat = S_stat};
  return tp_wandb_bin_read(path, &h, in, d);
}

static void S_got_free(S_got *g) {
  for (size_t i = 0; i < g->n_keys; i++) free(g->key[i]);
  for (size_t i = 0; i < g->n_sum; i++) free(g->sum_key[i]);
}

/* Check a history series: points, first and last (step, value). */
static void S_series(S_got *g, const char *key, size_t n, int64_t s0, double v0, int64_t s1,
                     double v1) {
  size_t i = S_slot(g, key);
  CHECK_INT(g->count[i], n);
  CHECK_INT(g->first_step[i], s0);
  CHECK_NEAR(g->first[i], v0, 0);
  CHECK_INT(g->last_step[i], s1);
  CHECK_NEAR(g->last[i], v1, 0);
}

/* Every summary value of a key the history has is the history's last value. */
static void S_summary_is_last(S_got *g) {
  size_t matched = 0;
  for (size_t k = 0; k < g->n_sum; k++)
    for (size_t i = 0; i < g->n_keys; i++)
      if (strcmp(g->key[i], g->sum_key[k]) == 0) {
        CHECK_NEAR(g->sum[k], g->last[i], 0);
        matched++;
      }
  CHECK(matched > 0);
}

/* The integrated energy per device of a run file's power trace, over a
 * window wide enough to hold all of it; one device expected, `id`. */
static void S_energy(const char *dir, double start_s, const char *id, double energy_j,
                     const char *note) {
  tp_energy_window w = {start_s - 3600, start_s + 86400, NULL, 0};
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  tp_trace_sink sink = tp_energy_sink(e);
  tp_diags d = {0};
  CHECK_INT(tp_wandb_read_power(dir, &sink, &d), 1);
  tp_run *run = tp_run_new("a", dir);
  tp_energy_finish(e, &run, 1);
  CHECK_INT(run->energy.n_devices, 1);
  if (run->energy.n_devices) CHECK_STR(run->energy.devices[0].id, id);
  CHECK_NEAR(run->energy.it_j, energy_j, 1e-6);
  CHECK_INT(d.count, note ? 1 : 0);
  if (note && d.count) CHECK(strstr(d.items[0].message, note) != NULL);
  tp_diag_free(&d);
  tp_run_free(run);
  tp_energy_free(e);
}

static void test_crc32(void) {
  CHECK_INT(tp_crc32_update(0, "123456789", 9), 0xCBF43926u); /* the standard check value */
  CHECK_INT(tp_crc32_update(tp_crc32_update(0, "1234", 4), "56789", 5), 0xCBF43926u);
  CHECK_INT(tp_crc32_update(0, "", 0), 0);
}

/* The hand-written run: every value of make_two_gpus.py. */
static void test_two_gpus(void) {
  S_got g;
  tp_wandb_bin_info in;
  tp_diags d = {0};
  CHECK_INT(S_read(S_TWO, &g, &in, &d), 0);
  CHECK_INT(d.count, 0);
  CHECK_INT(in.n_records, 11);
  CHECK_INT(in.n_damaged, 0);
  CHECK_NEAR(in.start_s, S_START, 0);
  CHECK_NEAR(in.runtime_s, 30, 0);
  CHECK_INT(in.n_exits, 1);
  CHECK_INT(in.exit_code, 0);
  CHECK_STR(in.run_id, "twogpus");
  CHECK_STR(in.display_name, "two-gpus");
  CHECK_STR(in.host, "testhost");
  CHECK_STR(in.project, "testproject");
  CHECK(!in.frozen_time);
  CHECK(in.any_process_gpu && in.process_gpu[1] && !in.process_gpu[0]);
  CHECK_INT(g.rows, 3);
  S_series(&g, "loss", 3, 0, 1.0, 2, 0.25);
  S_series(&g, "acc", 3, 0, 0.5, 2, 0.875);
  CHECK_NEAR(g.last_t[S_slot(&g, "loss")], S_START + 29.5, 0);
  CHECK_INT(g.n_keys, 2); /* no _step, _runtime, _timestamp */
  CHECK_INT(g.skipped, 4); /* phase x 3, hist */
  CHECK_INT(g.config, 5);  /* seed; lr, batch_size, model, _wandb */
  CHECK_INT(g.stats, 3);
  CHECK_INT(g.stat_items, 18);
  S_summary_is_last(&g);
  S_got_free(&g);
  tp_wandb_bin_info_free(&in);
  /* The run's own GPU (gpu.process.1): 4500 J, GPU 0's 2000 J not taken. */
  S_energy(S_TWO_DIR, S_START, "gpu1", 4500.0, NULL);
  tp_diag_free(&d);
}

/* The run directory with only the run file: series, hparams, window, host. */
static void test_load_run(void) {
  tp_run *run = tp_run_new("t", S_TWO_DIR);
  tp_diags d = {0};
  run->reading = "wandb";
  CHECK_INT(tp_wandb_load_run(run, S_TWO_DIR, &d), 1);
  CHECK_INT(d.count, 0);
  fw_check_series(run, "loss", 3, 0, 1.0, 2, 0.25);
  fw_check_series(run, "acc", 3, 0, 0.5, 2, 0.875);
  const tp_series *s = tp_run_find_series(run, "loss");
  if (s && s->count == 3) CHECK_NEAR(s->points[1].wall_time_s, S_START + 20, 0);
  CHECK_INT(run->n_series, 2);
  fw_check_hparam(run, "lr", "0.1");
  fw_check_hparam(run, "batch_size", "32");
  fw_check_hparam(run, "model.depth", "4");
  fw_check_hparam(run, "seed", "7");
  CHECK(tp_run_find_hparam(run, "_wandb.cli_version") == NULL);
  CHECK_NEAR(run->start_s, S_START, 0);
  CHECK_NEAR(run->end_s, S_START + 30, 0);
  CHECK_STR(run->window_source, "run metadata");
  CHECK_STR(run->host, "testhost");
  CHECK_INT(run->n_inputs, 1);
  tp_run_free(run);
  tp_diag_free(&d);
  /* Two run files in one directory: the first by name is read, with a note. */
  const char *two = fw_tmpdir();
  char *a = tp_xasprintf("%s/run-a.wandb", two), *b = tp_xasprintf("%s/run-b.wandb", two);
  CHECK_INT(symlink(S_TWO, a), 0);
  CHECK_INT(symlink(S_TWO, b), 0);
  run = tp_run_new("t", two);
  CHECK_INT(tp_wandb_load_run(run, two, &d), 1);
  CHECK_INT(d.count, 1);
  if (d.count) CHECK_STR(d.items[0].file, a);
  CHECK_INT(run->n_series, 2);
  unlink(a);
  unlink(b);
  rmdir(two);
  free(a);
  free(b);
  tp_run_free(run);
  tp_diag_free(&d);
}

/* A copy of the hand-written file, cut to `size` bytes and with byte `flip`
 * inverted (-1: none), in a fresh directory; returns the file's path. */
static const char *S_copy(long size, long flip) {
  static char path[256];
  snprintf(path, sizeof path, "%s/run-x.wandb", fw_tmpdir());
  FILE *in = fopen(S_TWO, "rb"), *out = fopen(path, "wb");
  if (!in || !out) abort();
  int c;
  for (long i = 0; i < size && (c = getc(in)) != EOF; i++) putc(i == flip ? c ^ 0xFF : c, out);
  fclose(in);
  fclose(out);
  return path;
}

/* Read a damaged copy: one diagnostic at `offset` containing `what`; rows and
 * exits kept as given. */
static void S_damaged(const char *path, int64_t offset, const char *what, size_t rows,
                      int exits) {
  S_got g;
  tp_wandb_bin_info in;
  tp_diags d = {0};
  CHECK_INT(S_read(path, &g, &in, &d), 0);
  CHECK_INT(d.count, 1);
  CHECK_INT(in.n_damaged, 1);
  if (d.count) {
    CHECK_INT(d.items[0].offset, offset);
    CHECK(strstr(d.items[0].message, what) != NULL);
    if (!strstr(d.items[0].message, what)) fprintf(stderr, "  got: %s\n", d.items[0].message);
  }
  CHECK_INT(g.rows, rows);
  CHECK_INT(in.n_exits, exits);
  CHECK_NEAR(in.start_s, S_START, 0);
  S_got_free(&g);
  tp_wandb_bin_info_free(&in);
  tp_diag_free(&d);
}

/* Layout of the hand-written file (chunk offsets): run 7, config 84, stats
 * 188, row 0 350, stats 468, row 1 630, output FIRST 805 / MIDDLE 32768 /
 * LAST 65536, stats 70836, row 2 70998, summary 71123, exit 71177, end 71191. */
static void test_damage(void) {
  /* A bad checksum in row 0: the rest of block 0 goes (row 0, a stats
   * record, row 1, the output's FIRST); its MIDDLE and LAST go silently;
   * row 2, the summary and the exit are kept. */
  S_damaged(S_copy(71191, 350 + 7 + 5), 350, "checksum mismatch: the rest of its block (32418 "
            "bytes) dropped", 1, 1);
  /* Torn tail: the exit record's chunk cut after 3 of its 7 bytes. */
  S_damaged(S_copy(71187, -1), 71177, "the file ends inside this chunk (3 of its 7 bytes", 3, 0);
  /* ... inside its chunk header. */
  S_damaged(S_copy(71180, -1), 71177, "inside a chunk header (3 bytes)", 3, 0);
  /* The file ends at a block boundary inside the output record. */
  S_damaged(S_copy(65536, -1), 805, "never ended (the file ends)", 2, 0);
  /* A chunk of unknown type in block 1: the output record is dropped with it. */
  S_damaged(S_copy(71191, 32768 + 6), 32768, "unknown type: the rest of its block (32768 bytes) "
            "dropped, with the record begun at byte 805", 3, 1);
  /* Not a run file. */
  tp_wandb_bin_info in;
  tp_diags d = {0};
  CHECK_INT(tp_wandb_bin_read(S_copy(71191, 1), NULL, &in, &d), -1);
  CHECK_INT(d.count, 1);
  CHECK_INT(tp_wandb_bin_read(S_copy(3, -1), NULL, &in, &d), -1);
  CHECK_INT(d.count, 2);
  tp_wandb_bin_info_free(&in);
  tp_diag_free(&d);
}

/* ---- the corpus ----------------------------------------------------------------- */

typedef struct S_case {
  const char *dir;          /* under corpus/framework/ */
  const char *file;         /* the run file in it */
  size_t records, rows, stats;
  double start_s;
  int exits, exit_code;
  double runtime_s;
  int64_t damage_at;        /* offset of the one damage diagnostic, -1: none */
  const char *gpu;          /* the run's GPU device, NULL: no power */
  double energy_j;
  bool all_gpus;            /* no gpu.process key: the note */
} S_case;

static const S_case S_cases[] = {
    {"wandb-binary-hivewatch/wandb/run-20260312_163434-r9yfywh4", "run-r9yfywh4.wandb", 70, 0,
     32, 1773347676.406112, 2, 255, 250, -1, "gpu0", 2788.692353, true},
    {"wandb-binary-hivewatch/wandb/run-20260312_165112-2sb7dyak", "run-2sb7dyak.wandb", 171, 10,
     34, 1773348673.261747, 1, 0, 263, -1, "gpu0", 2794.433872, true},
    {"wandb-binary-hivewatch/wandb/run-20260313_001910-kmtaf3dt", "run-kmtaf3dt.wandb", 0, 0, 0,
     NAN, 0, 0, NAN, -1, NULL, 0, false},
    {"wandb-binary-hivewatch/wandb/run-20260313_002503-inxvae70", "run-inxvae70.wandb", 97, 0,
     76, 1773375907.136712, 0, 0, NAN, 32558, "gpu0", 7086.795845, true},
    {"wandb-binary-kwt-pr8/wandb/run-20220429_201847-2zuxwf70", "run-2zuxwf70.wandb", 11, 0, 1,
     1651263527.0, 1, 1, 2, -1, "gpu0", 0.0, true},
    {"wandb-binary-kwt-pr8/wandb/run-20220429_201936-3ojed7lz", "run-3ojed7lz.wandb", 1106, 862,
     18, 1651263576.0, 0, 0, NAN, 335628, "gpu0", 26739.730798, false},
    {"wandb-binary-tevatron-3jp4rk/wandb/run-20240401_195319-70eqrmff", "run-70eqrmff.wandb",
     1888, 196, 45, 1711968799.573573, 1, 255, 1370, -1, "gpu1", 151286.571433, false},
    {"wandb-binary-tevatron-3jp4rk/wandb/run-20240401_203202-6wtuv9pb", "run-6wtuv9pb.wandb",
     9631, 1053, 111, 1711971122.439237, 1, 255, 3342, -1, "gpu1", 604644.160171, false},
};

/* The series each corpus file is checked on (wandb_truth.py). */
static void S_corpus_series(const char *file, S_got *g) {
  if (strstr(file, "2sb7dyak")) {
    S_series(g, "round/loss", 10, 1, 3.6515811036346824, 10, 1.8493670817393406);
    S_series(g, "round/accuracy", 10, 1, 75.9, 10, 68.68);
  } else if (strstr(file, "3ojed7lz")) {
    S_series(g, "Training/loss", 861, 1, 2.5225067138671875, 861, 1.6868462562561035);
    S_series(g, "Training/accuracy", 861, 1, 3.90625, 861, 47.65625);
    S_series(g, "Validation/accuracy", 862, 0, 8.203125, 861, 68.17555147058823);
    /* Frozen _timestamp: the last rows are timed by the last stats record. */
    CHECK_NEAR(g->last_t[S_slot(g, "Training/loss")], 1651264120.967328, 1e-6);
  } else if (strstr(file, "70eqrmff")) {
    S_series(g, "train/loss", 196, 0, 7.8614, 195, 7.249);
    S_series(g, "train/global_step", 196, 0, 1, 195, 196);
    CHECK_NEAR(g->last_t[S_slot(g, "train/loss")], 1711970167.640778, 1e-6);
  } else if (strstr(file, "6wtuv9pb")) {
    S_series(g, "train/loss", 1053, 0, 5.6533, 1052, 5.7899);
    S_series(g, "train/global_step", 1053, 0, 1, 1052, 1053);
  }
  if (g->n_sum && g->rows) S_summary_is_last(g);
}

static void S_corpus_case(const char *shared, const S_case *c) {
  char *dir = tp_xasprintf("%s/corpus/framework/%s", shared, c->dir);
  char *path = tp_xasprintf("%s/%s", dir, c->file);
  fprintf(stderr, "  %s\n", c->file);
  if (!tp_test_need(path)) goto done;
  S_got g;
  tp_wandb_bin_info in;
  tp_diags d = {0};
  CHECK_INT(S_read(path, &g, &in, &d), 0);
  CHECK_INT(in.n_records, c->records);
  CHECK_INT(g.rows, c->rows);
  CHECK_INT(in.n_history, c->rows);
  CHECK_INT(g.stats, c->stats);
  if (isnan(c->start_s)) CHECK(isnan(in.start_s));
  else CHECK_NEAR(in.start_s, c->start_s, 1e-6);
  CHECK_INT(in.n_exits, c->exits);
  CHECK_INT(in.exit_code, c->exit_code);
  if (c->exits) CHECK_NEAR(in.runtime_s, c->runtime_s, 0);
  CHECK_INT(d.count, c->damage_at >= 0 ? 1 : 0);
  if (d.count) CHECK_INT(d.items[0].offset, c->damage_at);
  S_corpus_series(c->file, &g);
  S_got_free(&g);
  tp_wandb_bin_info_free(&in);
  tp_diag_free(&d);
  if (c->gpu)
    S_energy(dir, c->start_s, c->gpu, c->energy_j, c->all_gpus ? "is taken as the run's" : NULL);
  /* The whole run directory loads (the header-only one too). */
  tp_run *run = tp_run_new("c", dir);
  run->reading = "wandb";
  CHECK(tp_wandb_load_run(run, dir, &d) >= 1);
  if (c->rows) CHECK_INT(run->n_inputs >= 1 && tp_run_find_series(run, "_step") == NULL, 1);
  if (!isnan(c->start_s)) CHECK_NEAR(run->start_s, c->start_s, 1e-6);
  tp_run_free(run);
  tp_diag_free(&d);
done:
  free(path);
  free(dir);
}

/* The binary's config gives the hparams config.yaml gives (tevatron: both
 * written by wandb 0.16.5); the run file is linked into a directory of its own. */
static void S_config_equal(const char *shared) {
  char *dir = tp_xasprintf("%s/corpus/framework/wandb-binary-tevatron-3jp4rk/wandb/"
                           "run-20240401_195319-70eqrmff", shared);
  char *bin = tp_xasprintf("%s/run-70eqrmff.wandb", dir);
  char *yaml = tp_xasprintf("%s/files/config.yaml", dir);
  if (!tp_test_need(bin) || !tp_test_need(yaml)) goto done;
  char *link = tp_xasprintf("%s/run-70eqrmff.wandb", fw_tmpdir());
  CHECK_INT(symlink(bin, link), 0);
  char *tmp = tp_xstrndup(link, strlen(link) - strlen("/run-70eqrmff.wandb"));
  tp_run *a = tp_run_new("a", dir), *b = tp_run_new("b", tmp);
  tp_diags d = {0};
  CHECK_INT(tp_wandb_read_config(yaml, a, &d), 0);
  b->reading = "wandb";
  CHECK_INT(tp_wandb_load_run(b, tmp, &d), 1);
  tp_run_finish(a);
  tp_run_finish(b);
  CHECK(a->n_hparams > 100);
  CHECK_INT(b->n_hparams, a->n_hparams);
  size_t same = 0;
  for (size_t i = 0; i < a->n_hparams; i++) {
    const tp_hparam *h = tp_run_find_hparam(b, a->hparams[i].key);
    if (h && h->kind == a->hparams[i].kind && strcmp(h->text, a->hparams[i].text) == 0) same++;
    else fprintf(stderr, "  differs: %s = %s\n", a->hparams[i].key, a->hparams[i].text);
  }
  CHECK_INT(same, a->n_hparams);
  unlink(link);
  rmdir(tmp);
  tp_run_free(a);
  tp_run_free(b);
  tp_diag_free(&d);
  free(tmp);
  free(link);
done:
  free(yaml);
  free(bin);
  free(dir);
}

/* A run folder that holds only its run file (an offline run) is a run:
 * discovery finds it (and nothing else in tests/data/wandb-binary). */
static void test_discovered_alone(void) {
  char *paths[] = {TP_SOURCE_DIR "/tests/data/wandb-binary"};
  tp_discovery disc = {0};
  tp_diags d = {0};
  CHECK_INT(tp_discover(&disc, paths, 1, &d), 0);
  CHECK_INT(disc.n_runs, 1);
  if (disc.n_runs == 1) CHECK_STR(disc.runs[0].id, "run-20260101_000000-twogpus");
  tp_discovery_free(&disc);
  tp_diag_free(&d);
}

static void test_corpus(void) {
  const char *shared = tp_test_shared();
  if (!shared) {
    tp_test_skip("W&B run files of the corpus");
    return;
  }
  for (size_t i = 0; i < sizeof S_cases / sizeof S_cases[0]; i++)
    S_corpus_case(shared, &S_cases[i]);
  S_config_equal(shared);
}

int main(void) {
  TP_RUN(test_crc32);
  TP_RUN(test_two_gpus);
  TP_RUN(test_load_run);
  TP_RUN(test_damage);
  TP_RUN(test_discovered_alone);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
