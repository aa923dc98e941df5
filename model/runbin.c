/* runbin: the cache's binary form of a run, written and read back (see
 * runbin.h, which describes the layout).  The writer and the reader sit side
 * by side and share one definition of the magic and version: a field added
 * to one is added to the other, in the same place. */
#include "model/runbin.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/lebytes.h"
#include "model/mem.h"

/* ---- Writing ------------------------------------------------------------- */

static void S_put_u8(tp_buf *b, unsigned v) { tp_buf_addc(b, (char)(unsigned char)v); }

static void S_put_u32(tp_buf *b, uint32_t v) {
  char c[4];
  for (int i = 0; i < 4; i++) c[i] = (char)(unsigned char)(v >> (8 * i));
  tp_buf_add(b, c, 4);
}

static void S_put_u64(tp_buf *b, uint64_t v) {
  char c[8];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(c, &v, 8); /* already in the order written */
#else
  for (int i = 0; i < 8; i++) c[i] = (char)(unsigned char)(v >> (8 * i));
#endif
  tp_buf_add(b, c, 8);
}

static void S_put_i64(tp_buf *b, int64_t v) { S_put_u64(b, (uint64_t)v); }

static void S_put_f64(tp_buf *b, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  S_put_u64(b, u);
}

static void S_put_count(tp_buf *b, size_t n) { S_put_u32(b, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n); }

static void S_put_str(tp_buf *b, const char *s) {
  if (!s) {
    S_put_u32(b, UINT32_MAX);
    return;
  }
  size_t n = strlen(s);
  S_put_count(b, n);
  tp_buf_add(b, s, n);
}

static void S_put_f64s(tp_buf *b, const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) S_put_f64(b, v[i]);
}

/* The run's identity and window. */
static void S_put_head(tp_buf *out, const tp_run *r) {
  S_put_str(out, r->id);
  S_put_str(out, r->dir);
  S_put_str(out, r->experiment);
  S_put_str(out, r->host);
  S_put_f64(out, r->start_s);
  S_put_f64(out, r->end_s);
  S_put_str(out, r->window_source);
  S_put_f64(out, r->declared_duration_s);
  S_put_i64(out, r->restarts);
}

/* Hyperparameters, then tags. */
static void S_put_params(tp_buf *out, const tp_run *r) {
  S_put_count(out, r->n_hparams);
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *h = &r->hparams[i];
    S_put_str(out, h->key);
    S_put_u8(out, (unsigned)h->kind);
    S_put_str(out, h->text);
    S_put_f64(out, h->number);
    S_put_str(out, h->source);
  }
  S_put_count(out, r->n_tags);
  for (size_t i = 0; i < r->n_tags; i++) {
    S_put_str(out, r->tag_keys[i]);
    S_put_str(out, r->tag_values[i]);
  }
}

/* Each series: its stats, then its points. */
static void S_put_series(tp_buf *out, const tp_run *r, bool bare) {
  S_put_count(out, r->n_series);
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    S_put_str(out, s->tag);
    S_put_u8(out, s->decimated);
    const tp_series_stats *st = &s->stats;
    S_put_u64(out, st->count);
    S_put_i64(out, st->first_step);
    S_put_i64(out, st->last_step);
    S_put_f64(out, st->first);
    S_put_f64(out, st->last);
    S_put_f64(out, st->last_raw);
    S_put_f64(out, st->min);
    S_put_f64(out, st->max);
    S_put_count(out, s->count);
    for (size_t k = 0; k < s->count && !bare; k++) {
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
}

/* Skipped tags, then input files. */
static void S_put_inputs(tp_buf *out, const tp_run *r) {
  S_put_count(out, r->n_skipped);
  for (size_t i = 0; i < r->n_skipped; i++) {
    S_put_str(out, r->skipped[i].tag);
    S_put_str(out, r->skipped[i].kind);
    S_put_u64(out, r->skipped[i].count);
  }
  S_put_count(out, r->n_inputs);
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    S_put_str(out, in->path);
    S_put_str(out, in->format);
    S_put_u64(out, in->size);
    S_put_i64(out, in->mtime_s);
    S_put_str(out, in->sha256);
    S_put_f64(out, in->energy_j);
  }
}

/* Energy with its devices, cumulative energies, then the target. */
static void S_put_energy(tp_buf *out, const tp_run *r) {
  const tp_run_energy *e = &r->energy;
  S_put_u8(out, (unsigned)e->method);
  S_put_f64(out, e->coverage);
  S_put_f64(out, e->it_j);
  S_put_f64(out, e->facility_j);
  S_put_f64(out, e->co2e_kg);
  S_put_f64(out, e->intensity_g_per_kwh);
  S_put_u8(out, e->shared);
  S_put_u8(out, e->declared_measured);
  S_put_count(out, e->n_devices);
  for (size_t d = 0; d < e->n_devices; d++) {
    const tp_device_energy *dv = &e->devices[d];
    S_put_str(out, dv->id);
    S_put_str(out, dv->name);
    S_put_str(out, dv->host);
    S_put_f64(out, dv->energy_j);
    S_put_f64(out, dv->covered_s);
    S_put_f64(out, dv->peak_w);
    S_put_f64(out, dv->idle_w);
    S_put_u8(out, (unsigned char)dv->field);
  }
  S_put_u8(out, r->metric_cum_j != NULL);
  S_put_count(out, r->metric_cum_j ? r->n_metric_cum : 0);
  if (r->metric_cum_j) S_put_f64s(out, r->metric_cum_j, r->n_metric_cum);

  const tp_target *t = &r->target;
  S_put_u8(out, t->set);
  S_put_u8(out, t->reached);
  S_put_f64(out, t->value);
  S_put_i64(out, t->step);
  S_put_f64(out, t->time_s);
  S_put_f64(out, t->it_j);
}

/* Power profiles, then the run's notes. */
static void S_put_power_diags(tp_buf *out, const tp_run *r, bool bare) {
  S_put_count(out, r->n_power);
  for (size_t i = 0; i < r->n_power; i++) {
    const tp_power_profile *p = &r->power[i];
    S_put_str(out, p->device);
    S_put_f64(out, p->t0_s);
    S_put_f64(out, p->dt_s);
    S_put_count(out, p->n);
    if (bare) continue;
    S_put_f64s(out, p->sum_w, p->n);
    for (int highest = 1; highest >= 0; highest--) {
      double *ext = tp_power_profile_extremes(p, highest);
      S_put_f64s(out, ext, p->n);
      free(ext);
    }
    for (size_t k = 0; k < p->n; k++) S_put_u32(out, p->count[k]);
  }

  S_put_count(out, r->diags.count);
  for (size_t i = 0; i < r->diags.count; i++) {
    const tp_diag *g = &r->diags.items[i];
    S_put_u8(out, (unsigned)g->severity);
    S_put_str(out, g->file);
    S_put_i64(out, g->offset);
    S_put_i64(out, g->line);
    S_put_str(out, g->message);
  }
}

/* The encoding of r (bare: its points and profile arrays left out). */
static void S_write(const tp_run *r, tp_buf *out, bool bare) {
  size_t start = out->len; /* written straight into out, fingerprinted from here */
  tp_buf_add(out, TP_RUNBIN_MAGIC, 8);
  S_put_u32(out, TP_RUNBIN_VERSION);
  S_put_str(out, TP_VERSION);
  S_put_head(out, r);
  S_put_params(out, r);
  S_put_series(out, r, bare);
  S_put_inputs(out, r);
  S_put_energy(out, r);
  S_put_power_diags(out, r, bare);
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, out->data + start, out->len - start);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  tp_buf_add(out, hex, 32);
}

void tp_runbin_write(const tp_run *r, tp_buf *out) { S_write(r, out, false); }

void tp_runbin_write_bare(const tp_run *r, tp_buf *out) { S_write(r, out, true); }

/* ---- Reading ------------------------------------------------------------- */

/* A cursor over the input; the first failure sticks (later reads give
 * zeros and do nothing). */
typedef struct S_in {
  const unsigned char *p; /* next byte */
  size_t left;            /* bytes after p */
  size_t len;             /* the whole input, for offsets */
  const char *why;        /* first failure, or NULL */
  size_t at;              /* its offset */
} S_in;

static bool S_fail(S_in *in, const char *why) {
  if (!in->why) {
    in->why = why;
    in->at = in->len - in->left;
  }
  in->left = 0;
  return false;
}

static bool S_take(S_in *in, size_t n, const unsigned char **out) {
  if (in->why) return false;
  if (n > in->left) return S_fail(in, "cut short");
  *out = in->p;
  in->p += n;
  in->left -= n;
  return true;
}

static uint64_t S_le(const unsigned char *c, int n) { return tp_le_load(c, (size_t)n); }

static unsigned S_u8(S_in *in) {
  const unsigned char *c;
  return S_take(in, 1, &c) ? c[0] : 0;
}

static bool S_flag(S_in *in) {
  unsigned v = S_u8(in);
  if (v > 1) S_fail(in, "a flag that is neither 0 nor 1");
  return v == 1;
}

static uint32_t S_u32(S_in *in) {
  const unsigned char *c;
  return S_take(in, 4, &c) ? (uint32_t)S_le(c, 4) : 0;
}

static uint64_t S_u64(S_in *in) {
  const unsigned char *c;
  return S_take(in, 8, &c) ? S_le(c, 8) : 0;
}

static int64_t S_i64(S_in *in) { return (int64_t)S_u64(in); }

static double S_f64(S_in *in) {
  uint64_t u = S_u64(in);
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* A count of elements of at least `min_size` bytes each: never more than the
 * bytes left could hold, so nothing large is allocated for a lying count. */
static size_t S_count(S_in *in, size_t min_size) {
  uint32_t n = S_u32(in);
  if (in->why) return 0;
  if (min_size && n > in->left / min_size) {
    S_fail(in, "a count larger than the bytes left");
    return 0;
  }
  return n;
}

/* A string (NULL for none); owned by the caller. */
static char *S_str(S_in *in) {
  uint32_t n = S_u32(in);
  if (in->why || n == UINT32_MAX) return NULL;
  const unsigned char *c;
  if (!S_take(in, n, &c)) return NULL;
  if (memchr(c, '\0', n)) {
    S_fail(in, "a NUL byte inside a string");
    return NULL;
  }
  return tp_xstrndup((const char *)c, n);
}

/* A string that must be there. */
static char *S_need_str(S_in *in) {
  char *s = S_str(in);
  if (!s && !in->why) S_fail(in, "a string that must be there is missing");
  return s;
}

static void S_f64s(S_in *in, double *out, size_t n) {
  const unsigned char *c;
  if (!S_take(in, n * 8, &c)) return;
  for (size_t i = 0; i < n; i++) {
    uint64_t u = S_le(c + 8 * i, 8);
    memcpy(&out[i], &u, sizeof u);
  }
}

/* window_source is a static string in the model: one of the known ones. */
static const char *S_window_source(S_in *in) {
  static const char *const known[] = {"event wall times", "log timestamps", "declared duration",
                                      "run metadata"};
  char *s = S_str(in);
  if (!s) return NULL;
  const char *k = NULL;
  for (size_t i = 0; i < sizeof known / sizeof *known && !k; i++)
    if (strcmp(s, known[i]) == 0) k = known[i];
  free(s);
  if (!k) S_fail(in, "an unknown window source");
  return k;
}

static void S_series(S_in *in, tp_run *r) {
  size_t n = S_count(in, 4 + 1 + 64 + 4);
  for (size_t i = 0; i < n && !in->why; i++) {
    char *tag = S_need_str(in);
    if (!tag) return;
    if (tp_run_find_series(r, tag)) {
      free(tag);
      S_fail(in, "a series named twice");
      return;
    }
    tp_series *s = tp_run_series(r, tag);
    free(tag);
    s->decimated = S_flag(in);
    tp_series_stats *st = &s->stats;
    st->count = (size_t)S_u64(in);
    st->first_step = S_i64(in);
    st->last_step = S_i64(in);
    st->first = S_f64(in);
    st->last = S_f64(in);
    st->last_raw = S_f64(in);
    st->min = S_f64(in);
    st->max = S_f64(in);
    size_t np = S_count(in, 24);
    if (in->why) return;
    s->points = tp_xmalloc((np ? np : 1) * sizeof *s->points);
    s->cap = np ? np : 1;
    const unsigned char *c;
    if (!S_take(in, np * 24, &c)) return;
    for (size_t k = 0; k < np; k++, c += 24) {
      uint64_t w = S_le(c + 8, 8), v = S_le(c + 16, 8);
      tp_point *pt = &s->points[k];
      pt->step = (int64_t)S_le(c, 8);
      memcpy(&pt->wall_time_s, &w, 8);
      memcpy(&pt->value, &v, 8);
    }
    s->count = np;
  }
}

static void S_power(S_in *in, tp_run *r) {
  size_t n = S_count(in, 4 + 8 + 8 + 4);
  for (size_t i = 0; i < n && !in->why; i++) {
    char *dev = S_need_str(in);
    double t0 = S_f64(in), dt = S_f64(in);
    size_t nb = S_count(in, 8 * 3 + 4);
    if (in->why) {
      free(dev);
      return;
    }
    TP_GROW(r->power, r->cap_power, r->n_power + 1);
    tp_power_profile *p = &r->power[r->n_power++];
    *p = (tp_power_profile){.device = dev,
                            .t0_s = t0,
                            .dt_s = dt,
                            .n = nb,
                            .sum_w = tp_xcalloc(nb + 1, sizeof(double)),
                            .max_w = tp_xcalloc(nb + 1, sizeof(double)),
                            .min_w = tp_xcalloc(nb + 1, sizeof(double)),
                            .count = tp_xcalloc(nb + 1, sizeof(uint32_t))};
    S_f64s(in, p->sum_w, nb);
    S_f64s(in, p->max_w, nb);
    S_f64s(in, p->min_w, nb);
    for (size_t k = 0; k < nb; k++) p->count[k] = S_u32(in);
  }
}

/* What follows the run's id and folder: its experiment, host and window. */
static void S_window(S_in *in, tp_run *r) {
  r->experiment = S_str(in);
  r->host = S_str(in);
  r->start_s = S_f64(in);
  r->end_s = S_f64(in);
  r->window_source = S_window_source(in);
  r->declared_duration_s = S_f64(in);
  int64_t restarts = S_i64(in);
  if (restarts < 0 || restarts > INT32_MAX) S_fail(in, "a restart count out of range");
  r->restarts = (int)restarts;
}

static void S_hparams(S_in *in, tp_run *r) {
  size_t n = S_count(in, 4 + 1 + 4 + 8 + 4);
  for (size_t i = 0; i < n && !in->why; i++) {
    char *key = S_need_str(in);
    unsigned kind = S_u8(in);
    char *text = S_need_str(in);
    double number = S_f64(in);
    char *source = S_str(in);
    if (kind > TP_HP_NULL) S_fail(in, "an unknown kind of hyperparameter");
    if (in->why) {
      free(key), free(text), free(source);
      return;
    }
    TP_GROW(r->hparams, r->cap_hparams, r->n_hparams + 1);
    r->hparams[r->n_hparams++] = (tp_hparam){
        .key = key, .kind = (tp_hparam_kind)kind, .text = text, .number = number, .source = source};
  }
}

static void S_tags(S_in *in, tp_run *r) {
  size_t n = S_count(in, 8);
  for (size_t i = 0; i < n && !in->why; i++) {
    char *k = S_need_str(in), *v = S_need_str(in);
    if (k && v && tp_run_tag(r, k)) S_fail(in, "a tag named twice");
    if (!in->why) tp_run_set_tag(r, k, v);
    free(k);
    free(v);
  }
}

static void S_skipped(S_in *in, tp_run *r) {
  size_t n = S_count(in, 4 + 4 + 8);
  for (size_t i = 0; i < n && !in->why; i++) {
    char *tag = S_need_str(in), *kind = S_need_str(in);
    uint64_t count = S_u64(in);
    if (in->why) {
      free(tag), free(kind);
      return;
    }
    TP_GROW(r->skipped, r->cap_skipped, r->n_skipped + 1);
    r->skipped[r->n_skipped++] = (tp_tagcount){.tag = tag, .kind = kind, .count = count};
  }
}

static void S_inputs(S_in *in, tp_run *r) {
  size_t n = S_count(in, 4 + 4 + 8 + 8 + 4 + 8);
  for (size_t i = 0; i < n && !in->why; i++) {
    char *path = S_need_str(in), *fmt = S_need_str(in);
    uint64_t size = S_u64(in);
    int64_t mtime = S_i64(in);
    char *sha = S_str(in);
    double energy_j = S_f64(in);
    if (!in->why && sha && strlen(sha) >= sizeof r->inputs->sha256)
      S_fail(in, "a digest longer than SHA-256's");
    if (!in->why) {
      tp_input *ip = tp_run_add_input(r, path, fmt);
      ip->size = size;
      ip->mtime_s = mtime;
      if (sha) memcpy(ip->sha256, sha, strlen(sha) + 1);
      ip->energy_j = energy_j;
    }
    free(path), free(fmt), free(sha);
  }
}

/* The run's energy with its devices, then its cumulative energies. */
static void S_energy(S_in *in, tp_run *r) {
  tp_run_energy *e = &r->energy;
  unsigned method = S_u8(in);
  if (method > TP_ENERGY_DECLARED) S_fail(in, "an unknown energy method");
  e->method = in->why ? TP_ENERGY_NONE : (tp_energy_method)method;
  e->coverage = S_f64(in);
  e->it_j = S_f64(in);
  e->facility_j = S_f64(in);
  e->co2e_kg = S_f64(in);
  e->intensity_g_per_kwh = S_f64(in);
  e->shared = S_flag(in);
  e->declared_measured = S_flag(in);
  size_t n = S_count(in, 4 + 4 + 4 + 32 + 1);
  e->devices = tp_xcalloc(n + 1, sizeof *e->devices);
  for (size_t i = 0; i < n && !in->why; i++) {
    tp_device_energy *dv = &e->devices[e->n_devices++];
    dv->id = S_need_str(in);
    dv->name = S_str(in);
    dv->host = S_str(in);
    dv->energy_j = S_f64(in);
    dv->covered_s = S_f64(in);
    dv->peak_w = S_f64(in);
    dv->idle_w = S_f64(in);
    unsigned field = S_u8(in);
    if (field > TP_FIELD_DRAW_INSTANT) S_fail(in, "an unknown power field");
    dv->field = in->why ? TP_FIELD_UNSAID : (tp_power_field)field;
  }
  bool has_cum = S_flag(in);
  n = S_count(in, 8);
  if (!in->why && (has_cum || n)) {
    if (!has_cum) {
      S_fail(in, "cumulative energies without their flag");
    } else {
      r->n_metric_cum = n;
      r->metric_cum_j = tp_xcalloc(n + 1, sizeof *r->metric_cum_j);
      S_f64s(in, r->metric_cum_j, n);
    }
  }
}

static void S_target(S_in *in, tp_run *r) {
  tp_target *t = &r->target;
  t->set = S_flag(in);
  t->reached = S_flag(in);
  t->value = S_f64(in);
  t->step = S_i64(in);
  t->time_s = S_f64(in);
  t->it_j = S_f64(in);
}

static void S_diags(S_in *in, tp_run *r) {
  size_t n = S_count(in, 1 + 4 + 8 + 8 + 4);
  for (size_t i = 0; i < n && !in->why; i++) {
    unsigned sev = S_u8(in);
    char *file = S_str(in);
    int64_t offset = S_i64(in), line = S_i64(in);
    char *msg = S_need_str(in);
    if (sev > TP_ERROR) S_fail(in, "an unknown severity");
    if (!in->why) tp_diag_add(&r->diags, (tp_severity)sev, file, offset, line, "%s", msg);
    free(file);
    free(msg);
  }
}

/* A run, its parts in the order tp_runbin_write puts them. */
static tp_run *S_run(S_in *in) {
  char *id = S_need_str(in), *dir = S_need_str(in);
  if (in->why) {
    free(id);
    free(dir);
    return NULL;
  }
  tp_run *r = tp_run_new(id, dir);
  free(id);
  free(dir);
  S_window(in, r);
  S_hparams(in, r);
  S_tags(in, r);
  S_series(in, r);
  S_skipped(in, r);
  S_inputs(in, r);
  S_energy(in, r);
  S_target(in, r);
  S_power(in, r);
  S_diags(in, r);
  return r;
}

int tp_runbin_read(const void *buf, size_t len, tp_run **out, const char **why, size_t *at) {
  *out = NULL;
  S_in in = {.p = buf, .left = len, .len = len};
  const unsigned char *c;
  tp_run *r = NULL;
  /* The fingerprint first: a file that does not match it is not read at all. */
  if (len < 8 + 4 + 32) {
    S_fail(&in, "too short to be a cached run");
    goto fail;
  }
  char hex[TP_HASH_HEX];
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, buf, len - 32);
  tp_hash_hex(&h, hex);
  if (memcmp(hex, (const char *)buf + len - 32, 32) != 0) {
    in.left = 32;
    S_fail(&in, "its fingerprint does not match its content (changed or cut short)");
    goto fail;
  }
  in.left = in.len = len - 32;
  S_take(&in, 8, &c);
  if (memcmp(c, TP_RUNBIN_MAGIC, 8) != 0) {
    S_fail(&in, "not a cached run");
    goto fail;
  }
  if (S_u32(&in) != TP_RUNBIN_VERSION) {
    S_fail(&in, "a cached run of another version");
    goto fail;
  }
  char *version = S_str(&in);
  bool same = version && strcmp(version, TP_VERSION) == 0;
  free(version);
  if (!same) {
    S_fail(&in, "written by another version of trainprint");
    goto fail;
  }
  r = S_run(&in);
  if (!in.why && in.left) S_fail(&in, "bytes after the run");
  if (in.why) goto fail;
  *out = r;
  return 0;
fail:
  tp_run_free(r);
  *why = in.why;
  *at = in.at;
  return -1;
}
