/* runbin: writing a run in the cache's binary form (see runbin.h). */
#include "render/runbin.h"

#include <stdint.h>
#include <string.h>

#include "model/hash.h"

static void S_u8(tp_buf *b, unsigned v) { tp_buf_addc(b, (char)(unsigned char)v); }

static void S_u32(tp_buf *b, uint32_t v) {
  char c[4];
  for (int i = 0; i < 4; i++) c[i] = (char)(unsigned char)(v >> (8 * i));
  tp_buf_add(b, c, 4);
}

static void S_u64(tp_buf *b, uint64_t v) {
  char c[8];
  for (int i = 0; i < 8; i++) c[i] = (char)(unsigned char)(v >> (8 * i));
  tp_buf_add(b, c, 8);
}

static void S_i64(tp_buf *b, int64_t v) { S_u64(b, (uint64_t)v); }

static void S_f64(tp_buf *b, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  S_u64(b, u);
}

static void S_count(tp_buf *b, size_t n) { S_u32(b, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n); }

static void S_str(tp_buf *b, const char *s) {
  if (!s) {
    S_u32(b, UINT32_MAX);
    return;
  }
  size_t n = strlen(s);
  S_count(b, n);
  tp_buf_add(b, s, n);
}

static void S_f64s(tp_buf *b, const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) S_f64(b, v[i]);
}

void tp_runbin_write(const tp_run *r, tp_buf *out) {
  tp_buf b = {0};
  tp_buf_add(&b, TP_RUNBIN_MAGIC, 8);
  S_u32(&b, TP_RUNBIN_VERSION);
  S_str(&b, TP_VERSION);

  S_str(&b, r->id);
  S_str(&b, r->dir);
  S_str(&b, r->experiment);
  S_str(&b, r->host);
  S_f64(&b, r->start_s);
  S_f64(&b, r->end_s);
  S_str(&b, r->window_source);
  S_f64(&b, r->declared_duration_s);
  S_i64(&b, r->restarts);

  S_count(&b, r->n_hparams);
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *h = &r->hparams[i];
    S_str(&b, h->key);
    S_u8(&b, (unsigned)h->kind);
    S_str(&b, h->text);
    S_f64(&b, h->number);
    S_str(&b, h->source);
  }
  S_count(&b, r->n_tags);
  for (size_t i = 0; i < r->n_tags; i++) {
    S_str(&b, r->tag_keys[i]);
    S_str(&b, r->tag_values[i]);
  }

  S_count(&b, r->n_series);
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    S_str(&b, s->tag);
    S_u8(&b, s->decimated);
    const tp_series_stats *st = &s->stats;
    S_u64(&b, st->count);
    S_i64(&b, st->first_step);
    S_i64(&b, st->last_step);
    S_f64(&b, st->first);
    S_f64(&b, st->last);
    S_f64(&b, st->last_raw);
    S_f64(&b, st->min);
    S_f64(&b, st->max);
    S_count(&b, s->count);
    for (size_t k = 0; k < s->count; k++) {
      S_i64(&b, s->points[k].step);
      S_f64(&b, s->points[k].wall_time_s);
      S_f64(&b, s->points[k].value);
    }
  }

  S_count(&b, r->n_skipped);
  for (size_t i = 0; i < r->n_skipped; i++) {
    S_str(&b, r->skipped[i].tag);
    S_str(&b, r->skipped[i].kind);
    S_u64(&b, r->skipped[i].count);
  }
  S_count(&b, r->n_inputs);
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    S_str(&b, in->path);
    S_str(&b, in->format);
    S_u64(&b, in->size);
    S_i64(&b, in->mtime_s);
    S_str(&b, in->sha256);
  }

  const tp_run_energy *e = &r->energy;
  S_u8(&b, (unsigned)e->method);
  S_f64(&b, e->coverage);
  S_f64(&b, e->it_j);
  S_f64(&b, e->facility_j);
  S_f64(&b, e->co2e_kg);
  S_f64(&b, e->intensity_g_per_kwh);
  S_u8(&b, e->shared);
  S_count(&b, e->n_devices);
  for (size_t d = 0; d < e->n_devices; d++) {
    const tp_device_energy *dv = &e->devices[d];
    S_str(&b, dv->id);
    S_str(&b, dv->name);
    S_f64(&b, dv->energy_j);
    S_f64(&b, dv->covered_s);
    S_f64(&b, dv->peak_w);
    S_f64(&b, dv->idle_w);
  }
  S_u8(&b, r->metric_cum_j != NULL);
  S_count(&b, r->metric_cum_j ? r->n_metric_cum : 0);
  if (r->metric_cum_j) S_f64s(&b, r->metric_cum_j, r->n_metric_cum);

  const tp_target *t = &r->target;
  S_u8(&b, t->set);
  S_u8(&b, t->reached);
  S_f64(&b, t->value);
  S_i64(&b, t->step);
  S_f64(&b, t->time_s);
  S_f64(&b, t->it_j);

  S_count(&b, r->n_power);
  for (size_t i = 0; i < r->n_power; i++) {
    const tp_power_profile *p = &r->power[i];
    S_str(&b, p->device);
    S_f64(&b, p->t0_s);
    S_f64(&b, p->dt_s);
    S_count(&b, p->n);
    S_f64s(&b, p->sum_w, p->n);
    S_f64s(&b, p->max_w, p->n);
    S_f64s(&b, p->min_w, p->n);
    for (size_t k = 0; k < p->n; k++) S_u32(&b, p->count[k]);
  }

  S_count(&b, r->diags.count);
  for (size_t i = 0; i < r->diags.count; i++) {
    const tp_diag *g = &r->diags.items[i];
    S_u8(&b, (unsigned)g->severity);
    S_str(&b, g->file);
    S_i64(&b, g->offset);
    S_i64(&b, g->line);
    S_str(&b, g->message);
  }

  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, b.data ? b.data : "", b.len);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  tp_buf_add(&b, hex, 32);
  tp_buf_add(out, tp_buf_str(&b), b.len);
  tp_buf_free(&b);
}
