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
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(c, &v, 8); /* already in the order written */
#else
  for (int i = 0; i < 8; i++) c[i] = (char)(unsigned char)(v >> (8 * i));
#endif
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
  size_t start = out->len; /* written straight into out, fingerprinted from here */
  tp_buf_add(out, TP_RUNBIN_MAGIC, 8);
  S_u32(out, TP_RUNBIN_VERSION);
  S_str(out, TP_VERSION);

  S_str(out, r->id);
  S_str(out, r->dir);
  S_str(out, r->experiment);
  S_str(out, r->host);
  S_f64(out, r->start_s);
  S_f64(out, r->end_s);
  S_str(out, r->window_source);
  S_f64(out, r->declared_duration_s);
  S_i64(out, r->restarts);

  S_count(out, r->n_hparams);
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *h = &r->hparams[i];
    S_str(out, h->key);
    S_u8(out, (unsigned)h->kind);
    S_str(out, h->text);
    S_f64(out, h->number);
    S_str(out, h->source);
  }
  S_count(out, r->n_tags);
  for (size_t i = 0; i < r->n_tags; i++) {
    S_str(out, r->tag_keys[i]);
    S_str(out, r->tag_values[i]);
  }

  S_count(out, r->n_series);
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    S_str(out, s->tag);
    S_u8(out, s->decimated);
    const tp_series_stats *st = &s->stats;
    S_u64(out, st->count);
    S_i64(out, st->first_step);
    S_i64(out, st->last_step);
    S_f64(out, st->first);
    S_f64(out, st->last);
    S_f64(out, st->last_raw);
    S_f64(out, st->min);
    S_f64(out, st->max);
    S_count(out, s->count);
    for (size_t k = 0; k < s->count; k++) {
      /* a point: 24 bytes in one append */
      char raw[24];
      uint64_t w[3];
      w[0] = (uint64_t)s->points[k].step;
      memcpy(&w[1], &s->points[k].wall_time_s, 8);
      memcpy(&w[2], &s->points[k].value, 8);
      for (int f = 0; f < 3; f++)
        for (int j = 0; j < 8; j++) raw[8 * f + j] = (char)(unsigned char)(w[f] >> (8 * j));
      tp_buf_add(out, raw, 24);
    }
  }

  S_count(out, r->n_skipped);
  for (size_t i = 0; i < r->n_skipped; i++) {
    S_str(out, r->skipped[i].tag);
    S_str(out, r->skipped[i].kind);
    S_u64(out, r->skipped[i].count);
  }
  S_count(out, r->n_inputs);
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    S_str(out, in->path);
    S_str(out, in->format);
    S_u64(out, in->size);
    S_i64(out, in->mtime_s);
    S_str(out, in->sha256);
    S_f64(out, in->energy_j);
  }

  const tp_run_energy *e = &r->energy;
  S_u8(out, (unsigned)e->method);
  S_f64(out, e->coverage);
  S_f64(out, e->it_j);
  S_f64(out, e->facility_j);
  S_f64(out, e->co2e_kg);
  S_f64(out, e->intensity_g_per_kwh);
  S_u8(out, e->shared);
  S_count(out, e->n_devices);
  for (size_t d = 0; d < e->n_devices; d++) {
    const tp_device_energy *dv = &e->devices[d];
    S_str(out, dv->id);
    S_str(out, dv->name);
    S_f64(out, dv->energy_j);
    S_f64(out, dv->covered_s);
    S_f64(out, dv->peak_w);
    S_f64(out, dv->idle_w);
  }
  S_u8(out, r->metric_cum_j != NULL);
  S_count(out, r->metric_cum_j ? r->n_metric_cum : 0);
  if (r->metric_cum_j) S_f64s(out, r->metric_cum_j, r->n_metric_cum);

  const tp_target *t = &r->target;
  S_u8(out, t->set);
  S_u8(out, t->reached);
  S_f64(out, t->value);
  S_i64(out, t->step);
  S_f64(out, t->time_s);
  S_f64(out, t->it_j);

  S_count(out, r->n_power);
  for (size_t i = 0; i < r->n_power; i++) {
    const tp_power_profile *p = &r->power[i];
    S_str(out, p->device);
    S_f64(out, p->t0_s);
    S_f64(out, p->dt_s);
    S_count(out, p->n);
    S_f64s(out, p->sum_w, p->n);
    S_f64s(out, p->max_w, p->n);
    S_f64s(out, p->min_w, p->n);
    for (size_t k = 0; k < p->n; k++) S_u32(out, p->count[k]);
  }

  S_count(out, r->diags.count);
  for (size_t i = 0; i < r->diags.count; i++) {
    const tp_diag *g = &r->diags.items[i];
    S_u8(out, (unsigned)g->severity);
    S_str(out, g->file);
    S_i64(out, g->offset);
    S_i64(out, g->line);
    S_str(out, g->message);
  }

  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, out->data + start, out->len - start);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  tp_buf_add(out, hex, 32);
}
