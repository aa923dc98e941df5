/* Tests for the cache's binary form of a run: model/runbin writes it, reads
 * it back exactly, and refuses anything else. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/mem.h"
#include "model/run.h"
#include "model/runbin.h"
#include "parser/runfile.h"
#include "render/runfile.h"
#include "tp_test.h"

/* A run with every field set, awkward values included. */
static tp_run *S_full_run(void) {
  tp_run *r = tp_run_new("exp/run-1", "/data/exp/run-1");
  r->experiment = tp_xstrdup("exp");
  r->host = tp_xstrdup("node07");
  r->start_s = 1700000000.25;
  r->end_s = 1700003600.5;
  r->window_source = "event wall times";
  r->declared_duration_s = NAN;
  r->restarts = 2;
  tp_run_set_hparam(r, "lr", TP_HP_NUMBER, "0.001", 0.001, "/data/exp/run-1/hparams.yaml");
  tp_run_set_hparam(r, "opt", TP_HP_STRING, "adam \"w\"", NAN, NULL);
  tp_run_set_hparam(r, "amp", TP_HP_BOOL, "true", 1, "x");
  tp_run_set_hparam(r, "sched", TP_HP_NULL, "null", NAN, "x");
  tp_run_set_tag(r, "project", "vision");
  tp_run_add_scalar(r, "loss", 0, 1700000001, 2.5);
  tp_run_add_scalar(r, "loss", 10, 1700000002, -INFINITY);
  tp_run_add_scalar(r, "loss", 20, NAN, -0.0);
  tp_series *s = tp_run_series(r, "val/acc");
  s->decimated = true;
  s->stats = (tp_series_stats){.count = 5000, .first_step = -3, .last_step = INT64_MAX,
                               .first = 0.1, .last = 0.9, .last_raw = NAN, .min = 0.05,
                               .max = 0.95};
  tp_run_count_skipped(r, "images", "image");
  tp_input *in = tp_run_add_input(r, "/data/exp/run-1/events.out", "tfevents");
  in->size = 123456789012ull;
  in->mtime_s = -5;
  memcpy(in->sha256, "ab12", 5);
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.coverage = 0.75;
  r->energy.it_j = 3.6e6;
  r->energy.shared = true;
  r->energy.devices = tp_xcalloc(2, sizeof *r->energy.devices);
  r->energy.n_devices = 1;
  r->energy.devices[0] = (tp_device_energy){.id = tp_xstrdup("gpu0"), .name = NULL,
                                            .host = tp_xstrdup("node07"), .energy_j = 3.6e6, .covered_s = 2700,
                                            .peak_w = 300, .idle_w = NAN};
  r->n_metric_cum = 2;
  r->metric_cum_j = tp_xmalloc(2 * sizeof(double));
  r->metric_cum_j[0] = 0;
  r->metric_cum_j[1] = NAN;
  r->target = (tp_target){.set = true, .reached = true, .value = 0.9, .step = 40,
                          .time_s = 12.5, .it_j = 1000};
  tp_power_profile *p = tp_run_power_profile(r, "gpu0");
  tp_power_profile_add(p, 1700000100, 250);
  tp_diag_add(&r->diags, TP_WARN, "/data/exp/run-1/events.out", 4096, -1, "cut short");
  tp_diag_add(&r->diags, TP_NOTE, NULL, -1, 7, "a note\nwith a newline");
  return r;
}

static tp_buf S_encode(const tp_run *r) {
  tp_buf b = {0};
  tp_runbin_write(r, &b);
  return b;
}

/* Put a fresh fingerprint on b (after changing its body). */
static void S_reseal(tp_buf *b) {
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, b->data, b->len - 32);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  memcpy(b->data + b->len - 32, hex, 32);
}

static void test_round_trip(void) {
  tp_run *r = S_full_run();
  tp_buf b = S_encode(r);
  CHECK(b.len > 8 && memcmp(b.data, TP_RUNBIN_MAGIC, 8) == 0);
  tp_run *back = NULL;
  const char *why = NULL;
  size_t at = 0;
  CHECK_INT(tp_runbin_read(b.data, b.len, &back, &why, &at), 0);
  if (!back) {
    tp_buf_free(&b);
    tp_run_free(r);
    return;
  }
  /* The same bytes again: nothing lost or changed. */
  tp_buf b2 = S_encode(back);
  CHECK(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
  /* And the values, exactly. */
  CHECK_STR(back->id, "exp/run-1");
  CHECK_STR(back->host, "node07");
  CHECK(back->start_s == 1700000000.25 && isnan(back->declared_duration_s));
  CHECK(back->window_source && strcmp(back->window_source, "event wall times") == 0);
  CHECK_INT(back->restarts, 2);
  CHECK_INT((int)back->n_hparams, 4);
  const tp_hparam *hp = tp_run_find_hparam(back, "opt");
  CHECK(hp && hp->kind == TP_HP_STRING && strcmp(hp->text, "adam \"w\"") == 0 && !hp->source);
  hp = tp_run_find_hparam(back, "sched");
  CHECK(hp && hp->kind == TP_HP_NULL && strcmp(hp->text, "null") == 0 && isnan(hp->number));
  CHECK_STR(tp_run_tag(back, "project"), "vision");
  const tp_series *loss = tp_run_find_series(back, "loss");
  CHECK(loss && loss->count == 3);
  if (loss && loss->count == 3) {
    CHECK(loss->points[1].step == 10 && isinf(loss->points[1].value) && loss->points[1].value < 0);
    CHECK(isnan(loss->points[2].wall_time_s) && signbit(loss->points[2].value));
  }
  const tp_series *acc = tp_run_find_series(back, "val/acc");
  CHECK(acc && acc->decimated && acc->stats.count == 5000 && acc->stats.last_step == INT64_MAX &&
        isnan(acc->stats.last_raw));
  CHECK(back->n_inputs == 1 && back->inputs[0].size == 123456789012ull &&
        back->inputs[0].mtime_s == -5 && strcmp(back->inputs[0].sha256, "ab12") == 0);
  CHECK(back->energy.method == TP_ENERGY_INTEGRATED && back->energy.shared &&
        back->energy.n_devices == 1 && back->energy.devices[0].name == NULL &&
        isnan(back->energy.devices[0].idle_w));
  CHECK_STR(back->energy.devices[0].host, "node07");
  CHECK(back->n_metric_cum == 2 && isnan(back->metric_cum_j[1]));
  CHECK(back->target.reached && back->target.step == 40);
  CHECK(back->n_power == 1 && back->power[0].n == TP_POWER_BUCKETS);
  CHECK_INT((int)back->diags.count, 2);
  CHECK(back->diags.count == 2 && back->diags.items[1].file == NULL &&
        back->diags.items[1].line == 7 &&
        strcmp(back->diags.items[1].message, "a note\nwith a newline") == 0);
  tp_run_free(back);
  tp_buf_free(&b2);
  tp_buf_free(&b);
  tp_run_free(r);
}

static void test_refusals(void) {
  tp_run *r = S_full_run();
  tp_buf b = S_encode(r);
  tp_run *back = NULL;
  const char *why = NULL;
  size_t at = 0;
  /* Cut short anywhere, or any byte changed: the fingerprint refuses it. */
  int taken = 0;
  for (size_t n = 0; n < b.len; n += 97) taken += tp_runbin_read(b.data, n, &back, &why, &at) == 0;
  CHECK_INT(taken, 0);
  for (size_t i = 0; i < b.len; i += 53) {
    b.data[i] ^= 0x10;
    taken += tp_runbin_read(b.data, b.len, &back, &why, &at) == 0;
    b.data[i] ^= 0x10;
  }
  CHECK_INT(taken, 0);
  CHECK(back == NULL);
  CHECK_INT(tp_runbin_read(b.data, b.len - 1, &back, &why, &at), -1);
  CHECK(why && strstr(why, "fingerprint"));

  /* With a good fingerprint, the structure is still checked. */
  tp_buf c = {0};
  tp_buf_add(&c, b.data, b.len);
  c.data[8] = 9; /* format version 9 */
  S_reseal(&c);
  CHECK_INT(tp_runbin_read(c.data, c.len, &back, &why, &at), -1);
  CHECK(why && strstr(why, "another version"));
  CHECK_INT((int)at, 12);
  /* The id's length made huge: a count larger than the bytes left. */
  memcpy(c.data, b.data, b.len);
  size_t id_at = 8 + 4 + 4 + strlen(TP_VERSION);
  c.data[id_at + 3] = 0x7f;
  S_reseal(&c);
  CHECK_INT(tp_runbin_read(c.data, c.len, &back, &why, &at), -1);
  CHECK(why && strstr(why, "cut short"));
  CHECK(at == id_at + 4);
  /* A NUL inside the id. */
  memcpy(c.data, b.data, b.len);
  c.data[id_at + 4 + 3] = '\0';
  S_reseal(&c);
  CHECK_INT(tp_runbin_read(c.data, c.len, &back, &why, &at), -1);
  CHECK(why && strstr(why, "NUL"));
  /* Another program's version string. */
  memcpy(c.data, b.data, b.len);
  c.data[16] ^= 1;
  S_reseal(&c);
  CHECK_INT(tp_runbin_read(c.data, c.len, &back, &why, &at), -1);
  CHECK(why && strstr(why, "another version of trainprint"));
  CHECK(back == NULL);
  tp_buf_free(&c);
  tp_buf_free(&b);
  tp_run_free(r);
}

/* The run summaries of scan (JSON) keep a null hparam null too. */
static void test_runfile_null(void) {
  tp_run *r = S_full_run();
  tp_buf b = {0};
  tp_runfile_write(r, NULL, NULL, &b);
  CHECK(strstr(tp_buf_str(&b), "\"kind\": \"null\"") != NULL);
  tp_run *back = NULL;
  tp_diags d = {0};
  CHECK_INT(tp_runfile_read_mem(b.data, b.len, "r.json", &back, NULL, NULL, &d), 0);
  const tp_hparam *hp = back ? tp_run_find_hparam(back, "sched") : NULL;
  CHECK(hp && hp->kind == TP_HP_NULL && strcmp(hp->text, "null") == 0 && isnan(hp->number));
  hp = back ? tp_run_find_hparam(back, "amp") : NULL;
  CHECK(hp && hp->kind == TP_HP_BOOL && hp->number == 1);
  if (back) tp_run_free(back);
  tp_run_free(r);
  tp_buf_free(&b);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_round_trip);
  TP_RUN(test_runfile_null);
  TP_RUN(test_refusals);
  return tp_test_summary();
}
