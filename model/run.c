/* run: one training run, and the restart rule applied as points arrive. */
#include "model/run.h"

#include "model/utctime.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/slurmjob.h"
#include "model/units.h"

/* Open-addressing hash from a key to an index in one of a run's arrays
 * (index + 1; 0 = empty): series by tag, hparams by key.  n is how many
 * entries of the array it holds; an index whose n differs from the array's
 * count (entries added elsewhere, or the array sorted: n is then set to
 * SIZE_MAX) is rebuilt before it is used. */
struct tp_run_index {
  size_t *slots;
  size_t cap; /* power of two */
  size_t n;
};

typedef const char *(*S_key_fn)(const tp_run *run, size_t i);

static const char *S_series_key(const tp_run *run, size_t i) { return run->series[i].tag; }
static const char *S_hparam_key(const tp_run *run, size_t i) { return run->hparams[i].key; }

static uint64_t S_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  return h;
}

static void S_index_put(tp_run_index *ix, const char *key, size_t i) {
  size_t h = (size_t)S_hash(key) & (ix->cap - 1);
  while (ix->slots[h]) h = (h + 1) & (ix->cap - 1);
  ix->slots[h] = i + 1;
}

/* Index the first n entries of the array key() reads, in a table of at least
 * twice that many slots. */
static void S_index_rebuild(tp_run_index *ix, const tp_run *run, size_t n, S_key_fn key) {
  size_t cap = 16;
  while (cap < 2 * n + 2) cap *= 2;
  free(ix->slots);
  ix->slots = tp_xcalloc(cap, sizeof *ix->slots);
  ix->cap = cap;
  ix->n = n;
  for (size_t i = 0; i < n; i++) S_index_put(ix, key(run, i), i);
}

/* The index of name among the n entries key() reads, or -1; rebuilds the
 * index first when it does not hold exactly those n. */
static long S_index_find(tp_run_index *ix, const tp_run *run, size_t n, S_key_fn key,
                         const char *name) {
  if (!ix) { /* not made by tp_run_new */
    for (size_t i = 0; i < n; i++)
      if (strcmp(key(run, i), name) == 0) return (long)i;
    return -1;
  }
  if (ix->n != n || !ix->cap) S_index_rebuild(ix, run, n, key);
  size_t h = (size_t)S_hash(name) & (ix->cap - 1);
  while (ix->slots[h]) {
    size_t i = ix->slots[h] - 1;
    if (strcmp(key(run, i), name) == 0) return (long)i;
    h = (h + 1) & (ix->cap - 1);
  }
  return -1;
}

/* Record that entry n - 1 (just appended) holds name. */
static void S_index_added(tp_run_index *ix, const tp_run *run, size_t n, S_key_fn key,
                          const char *name) {
  if (!ix) return;
  if (ix->n != n - 1 || 2 * n + 2 > ix->cap) {
    S_index_rebuild(ix, run, n, key);
    return;
  }
  S_index_put(ix, name, n - 1);
  ix->n = n;
}

tp_run *tp_run_new(const char *id, const char *dir) {
  tp_run *run = tp_xcalloc(1, sizeof *run);
  run->id = tp_xstrdup(id);
  run->dir = tp_xstrdup(dir);
  run->index = tp_xcalloc(1, sizeof *run->index);
  run->hp_index = tp_xcalloc(1, sizeof *run->hp_index);
  run->start_s = run->end_s = NAN;
  run->declared_duration_s = NAN;
  run->time_source = run->start_source = run->end_source = -1;
  run->tb.recent_step = -1;
  return run;
}

static void S_free_time_sources(tp_run *run) {
  for (size_t i = 0; i < run->n_time_sources; i++) free(run->time_sources[i]);
  free(run->time_sources);
  run->time_sources = NULL;
  run->n_time_sources = 0;
  run->time_source = run->start_source = run->end_source = -1;
}

void tp_run_time_source(tp_run *run, const char *file, const char *field) {
  char *text = field ? tp_xasprintf("%s (%s)", file, field) : tp_xstrdup(file);
  for (size_t i = 0; i < run->n_time_sources; i++)
    if (strcmp(run->time_sources[i], text) == 0) {
      free(text);
      run->time_source = (int)i;
      return;
    }
  run->time_sources =
      tp_xrealloc(run->time_sources, (run->n_time_sources + 1) * sizeof *run->time_sources);
  run->time_sources[run->n_time_sources] = text;
  run->time_source = (int)run->n_time_sources++;
}

void tp_run_window_from_time_source(tp_run *run) {
  run->start_source = run->end_source = run->time_source;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of t into buf (64 bytes), or the number when it has no date. */
static const char *S_iso(char buf[64], double t) {
  struct tm tm;
  if (tp_utc_tm(t, &tm))
    snprintf(buf, 64, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  else
    snprintf(buf, 64, "%g s since 1970", t);
  return buf;
}

static const char *S_source_text(const tp_run *run, int src) {
  if (src >= 0 && (size_t)src < run->n_time_sources) return run->time_sources[src];
  return run->window_source ? run->window_source : "its logs";
}

int tp_run_check_window(tp_run *run, double newest_mtime_s) {
  if (isnan(run->start_s) && isnan(run->end_s)) return 0;
  char when[64], limit[192];
  const char *why = NULL, *from = NULL;
  double value = NAN;
  if (isfinite(run->start_s) && run->start_s < TP_TIME_PLAUSIBLE_FROM_S) {
    why = "starts before 1990-01-01";
    from = S_source_text(run, run->start_source);
    value = run->start_s;
  } else if (isfinite(run->end_s) && run->end_s < TP_TIME_PLAUSIBLE_FROM_S) {
    why = "ends before 1990-01-01";
    from = S_source_text(run, run->end_source);
    value = run->end_s;
  } else if (isfinite(newest_mtime_s) && newest_mtime_s > 0 &&
             run->end_s > newest_mtime_s + TP_S_PER_DAY) {
    snprintf(limit, sizeof limit, "ends more than a day after its newest input file was written (%s)",
             S_iso(when, newest_mtime_s));
    why = limit;
    from = S_source_text(run, run->end_source);
    value = run->end_s;
  }
  if (!why) return 0;
  char vbuf[64];
  tp_diag_add(&run->diags, TP_WARN, NULL, -1, -1,
              "window refused: the run %s: %s from %s cannot be true; the run keeps its "
              "metrics but has no window, so no trace or declared figure is joined to it",
              why, S_iso(vbuf, value), from);
  run->start_s = run->end_s = NAN;
  run->window_source = isfinite(run->declared_duration_s) ? "declared duration" : NULL;
  return 1;
}

void tp_run_free(tp_run *run) {
  if (!run) return;
  S_free_time_sources(run);
  free(run->id);
  free(run->dir);
  free(run->experiment);
  tp_slurm_job_free(run->job);
  for (size_t i = 0; i < run->n_series; i++) {
    free(run->series[i].tag);
    free(run->series[i].points);
  }
  free(run->series);
  if (run->index) free(run->index->slots);
  free(run->index);
  if (run->hp_index) free(run->hp_index->slots);
  free(run->hp_index);
  for (size_t i = 0; i < run->n_hparams; i++) {
    free(run->hparams[i].key);
    free(run->hparams[i].text);
    free(run->hparams[i].source);
  }
  free(run->hparams);
  for (size_t i = 0; i < run->n_skipped; i++) {
    free(run->skipped[i].tag);
    free(run->skipped[i].kind);
  }
  free(run->skipped);
  for (size_t i = 0; i < run->n_inputs; i++) {
    free(run->inputs[i].path);
    free(run->inputs[i].format);
  }
  free(run->inputs);
  for (size_t i = 0; i < run->energy.n_devices; i++) {
    free(run->energy.devices[i].id);
    free(run->energy.devices[i].name);
    free(run->energy.devices[i].host);
  }
  free(run->energy.devices);
  free(run->energy.gpu_model);
  for (size_t i = 0; i < run->n_power; i++) {
    tp_power_profile *p = &run->power[i];
    free(p->device);
    free(p->sum_w);
    free(p->max_w);
    free(p->min_w);
    free(p->count);
  }
  free(run->power);
  for (size_t i = 0; i < run->n_uses; i++) tp_trace_use_free(&run->uses[i]);
  free(run->uses);
  free(run->intensity_rows);
  free(run->config);
  free(run->host);
  for (size_t i = 0; i < run->n_tags; i++) {
    free(run->tag_keys[i]);
    free(run->tag_values[i]);
  }
  free(run->tag_keys);
  free(run->tag_values);
  free(run->metric_cum_j);
  tp_diag_free(&run->diags);
  free(run);
}

void tp_trace_use_free(tp_trace_use *u) {
  free(u->path);
  free(u->host);
  for (size_t d = 0; d < u->n_devs; d++) {
    free(u->devs[d].id);
    free(u->devs[d].name);
    free(u->devs[d].t_s);
    free(u->devs[d].v);
  }
  free(u->devs);
  free(u->pieces);
  for (size_t k = 0; k < u->n_split_with; k++) free(u->split_with[k]);
  free(u->split_with);
  tp_use_holds_free(u->holds, u->n_holds);
  memset(u, 0, sizeof *u);
}

void tp_use_holds_free(tp_use_hold *h, size_t n) {
  for (size_t k = 0; k < n; k++) {
    free(h[k].device);
    free(h[k].job);
  }
  free(h);
}

tp_trace_use *tp_run_add_use(tp_run *run, const char *path, const char *sha256) {
  TP_GROW(run->uses, run->cap_uses, run->n_uses + 1);
  tp_trace_use *u = &run->uses[run->n_uses++];
  memset(u, 0, sizeof *u);
  u->path = tp_xstrdup(path ? path : "");
  if (sha256 && strlen(sha256) < sizeof u->sha256) memcpy(u->sha256, sha256, strlen(sha256) + 1);
  return u;
}

tp_series *tp_run_series(tp_run *run, const char *tag) {
  long i = S_index_find(run->index, run, run->n_series, S_series_key, tag);
  if (i >= 0) return &run->series[i];
  TP_GROW(run->series, run->cap_series, run->n_series + 1);
  tp_series *s = &run->series[run->n_series++];
  *s = (tp_series){.tag = tp_xstrdup(tag)};
  S_index_added(run->index, run, run->n_series, S_series_key, s->tag);
  return s;
}

const tp_series *tp_run_find_series(const tp_run *run, const char *tag) {
  long i = S_index_find(run->index, run, run->n_series, S_series_key, tag);
  return i >= 0 ? &run->series[i] : NULL;
}

void tp_run_note_event(tp_run *run, int64_t step, double wall_time_s) {
  (void)step;
  if (isfinite(wall_time_s) && wall_time_s > 0) {
    if (isnan(run->start_s) || wall_time_s < run->start_s)
      run->start_s = wall_time_s, run->start_source = run->time_source;
    if (isnan(run->end_s) || wall_time_s > run->end_s)
      run->end_s = wall_time_s, run->end_source = run->time_source;
    if (!run->window_source) run->window_source = "event wall times";
  }
}

/* Drop the points of s with step >= step, keeping the order of the rest. */
static void S_purge_from(tp_series *s, int64_t step) {
  size_t w = 0;
  for (size_t r = 0; r < s->count; r++)
    if (s->points[r].step < step) s->points[w++] = s->points[r];
  s->dropped += s->count - w;
  s->count = w;
}

/* Count a restart of s when step goes below its previous point's step. */
static bool S_note_step(tp_run *run, tp_series *s, int64_t step) {
  bool back = (s->count || s->dropped || s->restarts) && step < s->last_step;
  if (back && ++s->restarts > run->restarts) run->restarts = s->restarts;
  s->last_step = step;
  return back;
}

static void S_append(tp_series *s, int64_t step, double wall_time_s, double value) {
  TP_GROW(s->points, s->cap, s->count + 1);
  s->points[s->count++] = (tp_point){.step = step, .wall_time_s = wall_time_s, .value = value};
}

/* When s holds the points of another format than the one being read, the
 * series is logged by a second logger of the run: the points so far are
 * dropped (counted in doubled) and the format being read takes it over, with
 * no restart counted. */
static void S_take_over(const tp_run *run, tp_series *s, int64_t step) {
  if (!s->source) s->source = run->reading;
  if (!run->reading || !s->source || s->source == run->reading ||
      strcmp(s->source, run->reading) == 0)
    return;
  s->doubled += s->count;
  s->doubled_by = s->source;
  s->count = 0;
  s->source = run->reading;
  s->last_step = step;
}

void tp_run_add_scalar(tp_run *run, const char *tag, int64_t step, double wall_time_s,
                       double value) {
  tp_series *s = tp_run_series(run, tag);
  S_take_over(run, s, step);
  if (S_note_step(run, s, step)) S_purge_from(s, step);
  S_append(s, step, wall_time_s, value);
}

void tp_run_append_scalar(tp_run *run, const char *tag, int64_t step, double wall_time_s,
                          double value) {
  tp_run_append_point(run, tp_run_series(run, tag), step, wall_time_s, value);
}

void tp_run_append_point(tp_run *run, tp_series *s, int64_t step, double wall_time_s,
                         double value) {
  S_take_over(run, s, step);
  S_note_step(run, s, step);
  S_append(s, step, wall_time_s, value);
}

void tp_run_purge_tag(tp_run *run, const char *tag, int64_t step) {
  long i = S_index_find(run->index, run, run->n_series, S_series_key, tag);
  if (i >= 0) S_purge_from(&run->series[i], step);
}

void tp_run_session_start(tp_run *run, int64_t step) {
  for (size_t i = 0; i < run->n_series; i++) S_purge_from(&run->series[i], step);
}

const tp_hparam *tp_run_find_hparam(const tp_run *run, const char *key) {
  long i = S_index_find(run->hp_index, run, run->n_hparams, S_hparam_key, key);
  return i >= 0 ? &run->hparams[i] : NULL;
}

/* Whether (kind, text, number) is the value held as (ok, ot, on) in another
 * spelling: 1 when the new one is the typed form of the old (NULL for the
 * string "None", BOOL for the number 0 or 1), -1 when the old one is the
 * typed form of the new, 0 when neither. */
static int S_hparam_richer(tp_hparam_kind ok, const char *ot, double on, tp_hparam_kind kind,
                          const char *text, double number) {
  if (ok == TP_HP_STRING && kind == TP_HP_NULL && strcmp(ot, "None") == 0) return 1;
  if (ok == TP_HP_NULL && kind == TP_HP_STRING && strcmp(text, "None") == 0) return -1;
  if (ok == TP_HP_NUMBER && kind == TP_HP_BOOL && on == number) return 1;
  if (ok == TP_HP_BOOL && kind == TP_HP_NUMBER && on == number) return -1;
  return 0;
}

void tp_run_set_hparam(tp_run *run, const char *key, tp_hparam_kind kind, const char *text,
                       double number, const char *source) {
  long at = S_index_find(run->hp_index, run, run->n_hparams, S_hparam_key, key);
  tp_hparam *old = at >= 0 ? &run->hparams[at] : NULL;
  if (old) {
    int richer = S_hparam_richer(old->kind, old->text, old->number, kind, text, number);
    if (richer > 0) {
      /* The same value, now typed: take the typed form and where it came from. */
      free(old->text);
      free(old->source);
      old->kind = kind;
      old->text = tp_xstrdup(text);
      old->number = kind == TP_HP_BOOL ? number : NAN;
      old->source = source ? tp_xstrdup(source) : NULL;
      return;
    }
    bool same = richer < 0 ||
                (old->kind == kind ? (kind == TP_HP_STRING || kind == TP_HP_NULL
                                          ? strcmp(old->text, text) == 0
                                          : old->number == number)
                                   : strcmp(old->text, text) == 0);
    if (!same)
      tp_diag_add(&run->diags, TP_WARN, source, -1, -1,
                  "hyperparameter '%s' is '%s' here but '%s' in %s; kept '%s'", key, text,
                  old->text, old->source ? old->source : "an earlier input", old->text);
    return;
  }
  TP_GROW(run->hparams, run->cap_hparams, run->n_hparams + 1);
  run->hparams[run->n_hparams++] = (tp_hparam){
      .key = tp_xstrdup(key),
      .kind = kind,
      .text = tp_xstrdup(text),
      .number = kind == TP_HP_STRING || kind == TP_HP_NULL ? NAN : number,
      .source = source ? tp_xstrdup(source) : NULL,
  };
  S_index_added(run->hp_index, run, run->n_hparams, S_hparam_key, key);
}

void tp_run_count_skipped(tp_run *run, const char *tag, const char *kind) {
  for (size_t i = 0; i < run->n_skipped; i++)
    if (strcmp(run->skipped[i].tag, tag) == 0 && strcmp(run->skipped[i].kind, kind) == 0) {
      run->skipped[i].count++;
      return;
    }
  TP_GROW(run->skipped, run->cap_skipped, run->n_skipped + 1);
  run->skipped[run->n_skipped++] =
      (tp_tagcount){.tag = tp_xstrdup(tag), .kind = tp_xstrdup(kind), .count = 1};
}

tp_input *tp_run_add_input(tp_run *run, const char *path, const char *format) {
  TP_GROW(run->inputs, run->cap_inputs, run->n_inputs + 1);
  tp_input *in = &run->inputs[run->n_inputs++];
  *in = (tp_input){.path = tp_xstrdup(path), .format = tp_xstrdup(format), .energy_j = NAN};
  return in;
}

tp_power_profile *tp_run_power_profile(tp_run *run, const char *device) {
  for (size_t i = 0; i < run->n_power; i++)
    if (strcmp(run->power[i].device, device) == 0) return &run->power[i];
  if (!isfinite(run->start_s) || !isfinite(run->end_s) || run->end_s < run->start_s) return NULL;
  double len = run->end_s - run->start_s;
  if (len <= 0) len = 1.0;
  TP_GROW(run->power, run->cap_power, run->n_power + 1);
  tp_power_profile *p = &run->power[run->n_power++];
  size_t n = TP_POWER_BUCKETS;
  *p = (tp_power_profile){
      .device = tp_xstrdup(device),
      .t0_s = run->start_s - 0.1 * len,
      .dt_s = 1.2 * len / (double)n,
      .n = n,
      .sum_w = tp_xcalloc(n, sizeof(double)),
      .count = tp_xcalloc(n, sizeof(uint32_t)), /* extremes: when a bucket has two */
  };
  return p;
}

void tp_power_profile_add(tp_power_profile *p, double t_s, double power_w) {
  if (!isfinite(t_s) || !isfinite(power_w) || t_s < p->t0_s) return;
  double k = (t_s - p->t0_s) / p->dt_s;
  if (!(k < (double)p->n)) return;
  size_t i = (size_t)k;
  if (p->count[i] && !p->max_w) { /* a second sample: the extremes are kept apart */
    p->max_w = tp_power_profile_extremes(p, true);
    p->min_w = tp_power_profile_extremes(p, false);
  }
  p->sum_w[i] += power_w;
  if (p->max_w && (p->count[i] == 0 || power_w > p->max_w[i])) p->max_w[i] = power_w;
  if (p->min_w && (p->count[i] == 0 || power_w < p->min_w[i])) p->min_w[i] = power_w;
  if (p->count[i] < UINT32_MAX) p->count[i]++;
}

void tp_power_profile_counts(const tp_power_profile *p, uint64_t *samples, uint64_t *sampled) {
  if (!p->count) { /* put out (or empty): as counted then */
    *samples = p->out_samples, *sampled = p->out_sampled;
    return;
  }
  uint64_t s = 0, b = 0;
  for (size_t k = 0; k < p->n; k++)
    if (p->count[k]) s += p->count[k], b++;
  *samples = s, *sampled = b;
}

double tp_power_profile_mean(const tp_power_profile *p, size_t i) {
  return i < p->n && p->count[i] ? p->sum_w[i] / (double)p->count[i] : NAN;
}

/* The extreme of bucket i from ext (max_w or min_w), or from its one sample. */
static double S_extreme(const tp_power_profile *p, const double *ext, size_t i) {
  if (i >= p->n) return NAN;
  if (ext) return ext[i];
  return p->count[i] ? p->sum_w[i] : NAN;
}

double tp_power_profile_max(const tp_power_profile *p, size_t i) {
  return S_extreme(p, p->max_w, i);
}

double tp_power_profile_min(const tp_power_profile *p, size_t i) {
  return S_extreme(p, p->min_w, i);
}

double *tp_power_profile_extremes(const tp_power_profile *p, bool highest) {
  double *v = tp_xmalloc((p->n ? p->n : 1) * sizeof *v);
  for (size_t i = 0; i < p->n; i++)
    v[i] = highest ? tp_power_profile_max(p, i) : tp_power_profile_min(p, i);
  return v;
}

const char *tp_run_tag(const tp_run *run, const char *key) {
  for (size_t i = 0; i < run->n_tags; i++)
    if (strcmp(run->tag_keys[i], key) == 0) return run->tag_values[i];
  return NULL;
}

void tp_run_set_tag(tp_run *run, const char *key, const char *value) {
  if (tp_run_tag(run, key)) return;
  size_t cap = run->cap_tags;
  TP_GROW(run->tag_keys, cap, run->n_tags + 1);
  cap = run->cap_tags;
  TP_GROW(run->tag_values, cap, run->n_tags + 1);
  run->cap_tags = cap;
  run->tag_keys[run->n_tags] = tp_xstrdup(key);
  run->tag_values[run->n_tags] = tp_xstrdup(value);
  run->n_tags++;
}

void tp_series_get_stats(const tp_series *s, tp_series_stats *out) {
  if (s->decimated || s->stats_kept) {
    *out = s->stats;
    return;
  }
  tp_series_stats st = {.count = s->count, .first = NAN, .last = NAN, .last_raw = NAN,
                        .min = NAN, .max = NAN};
  if (s->count) {
    st.first_step = s->points[0].step;
    st.last_step = s->points[s->count - 1].step;
    st.last_raw = s->points[s->count - 1].value;
  }
  for (size_t i = 0; i < s->count; i++) {
    double v = s->points[i].value;
    if (!isfinite(v)) continue;
    if (isnan(st.first)) st.first = v;
    st.last = v;
    if (isnan(st.min) || v < st.min) st.min = v;
    if (isnan(st.max) || v > st.max) st.max = v;
  }
  *out = st;
}

/* Give back the room the series grew into while they were read: a lab holds
 * every run's points until its pages are drawn, and doubling growth leaves
 * up to half of each array unused. */
static void S_shrink_series(tp_run *run) {
  for (size_t i = 0; i < run->n_series; i++) {
    tp_series *s = &run->series[i];
    if (s->count == 0 || s->count == s->cap) continue;
    s->points = tp_xrealloc(s->points, s->count * sizeof *s->points);
    s->cap = s->count;
  }
}

void tp_run_decimate(tp_run *run, const char *keep_aligned_tag, size_t max_points) {
  if (max_points < 4) max_points = 4;
  for (size_t i = 0; i < run->n_series; i++) {
    tp_series *s = &run->series[i];
    if (s->count <= max_points) continue;
    tp_series_stats st;
    tp_series_get_stats(s, &st);
    bool aligned = keep_aligned_tag && strcmp(s->tag, keep_aligned_tag) == 0 &&
                   run->metric_cum_j && run->n_metric_cum == s->count;
    size_t buckets = (max_points - 2) / 2, w = 0;
    size_t n = s->count;
    /* keep[] in increasing index order: first, per bucket min and max, last */
    size_t *keep = tp_xmalloc((max_points + 2) * sizeof *keep);
    keep[w++] = 0;
    for (size_t b = 0; b < buckets; b++) {
      size_t lo = 1 + (n - 2) * b / buckets, hi = 1 + (n - 2) * (b + 1) / buckets;
      if (lo >= hi) continue;
      size_t imin = lo, imax = lo;
      for (size_t k = lo; k < hi; k++) {
        double v = s->points[k].value;
        /* non-finite values are kept in view: they sort as extremes */
        if (!(v >= s->points[imin].value)) imin = k;
        if (!(v <= s->points[imax].value)) imax = k;
      }
      size_t a = imin < imax ? imin : imax, c = imin < imax ? imax : imin;
      keep[w++] = a;
      if (c != a) keep[w++] = c;
    }
    keep[w++] = n - 1;
    for (size_t k = 0; k < w; k++) {
      s->points[k] = s->points[keep[k]];
      if (aligned) run->metric_cum_j[k] = run->metric_cum_j[keep[k]];
    }
    s->count = w;
    if (aligned) run->n_metric_cum = w;
    s->decimated = true;
    s->stats = st;
    free(keep);
  }
  S_shrink_series(run);
}

static int S_cmp_hparam(const void *a, const void *b) {
  return strcmp(((const tp_hparam *)a)->key, ((const tp_hparam *)b)->key);
}

#define S_LIST_MAX 10 /* series named in one diagnostic; the rest are counted */

typedef enum { S_RESTARTS, S_DROPPED, S_DOUBLED } S_count;

/* "tag (n), tag (n), ... and k more" for the series whose count is set; the
 * number of such series in *n_out, the sum of their counts in *total. */
static char *S_series_list(const tp_run *run, S_count what, size_t *n_out,
                           unsigned long long *total) {
  tp_buf b = {0};
  size_t n = 0;
  *total = 0;
  for (size_t i = 0; i < run->n_series; i++) {
    const tp_series *s = &run->series[i];
    unsigned long long c = what == S_DROPPED   ? (unsigned long long)s->dropped
                           : what == S_DOUBLED ? (unsigned long long)s->doubled
                                               : (unsigned long long)s->restarts;
    if (!c) continue;
    *total += c;
    if (n >= S_LIST_MAX) {
    } else if (what == S_DOUBLED) {
      tp_buf_printf(&b, "%s%s (%llu from %s; kept from %s)", n ? ", " : "", s->tag, c,
                    s->doubled_by, s->source);
    } else {
      tp_buf_printf(&b, "%s%s (%llu)", n ? ", " : "", s->tag, c);
    }
    n++;
  }
  if (n > S_LIST_MAX) tp_buf_printf(&b, " and %zu more", n - S_LIST_MAX);
  *n_out = n;
  return tp_buf_detach(&b);
}

void tp_run_finish(tp_run *run) {
  S_shrink_series(run);
  if (run->n_hparams > 1) {
    qsort(run->hparams, run->n_hparams, sizeof *run->hparams, S_cmp_hparam);
    run->hp_index->n = SIZE_MAX; /* the order changed: rebuilt when next used */
  }
  S_free_time_sources(run);
  size_t n;
  unsigned long long total;
  char *list = S_series_list(run, S_RESTARTS, &n, &total);
  if (n)
    tp_diag_add(&run->diags, TP_NOTE, run->dir, -1, -1,
                "the steps of %zu series went back (training resumed or logged again), times "
                "per series: %s; restarts: %d, the most of any series",
                n, list, run->restarts);
  free(list);
  list = S_series_list(run, S_DROPPED, &n, &total);
  if (n)
    tp_diag_add(&run->diags, TP_NOTE, run->dir, -1, -1,
                "%llu logged points dropped: superseded by points logged again from an earlier "
                "step (TensorBoard's purge of orphaned data), per series: %s",
                total, list);
  free(list);
  list = S_series_list(run, S_DOUBLED, &n, &total);
  if (n)
    tp_diag_add(&run->diags, TP_NOTE, run->dir, -1, -1,
                "%llu logged points dropped: %zu series are logged by two loggers of this run "
                "(a copy is not a restart); each is kept from the last format read: %s",
                total, n, list);
  free(list);
}

/* The fast path of tp_fmt_double for a value that is not whole: when some
 * decimal of at most 15 significant digits, 1e-3 <= |v| < 1e15, reads back
 * as v, write it and return buf; else NULL.  Exact: n and 10^k are exact
 * doubles, so n / 10^k is the correctly rounded value of the decimal, which
 * is what strtod gives; and a decimal of up to 15 digits that reads back is
 * the one "%.15g" prints (see tp_fmt_double), in fixed notation as "%g" uses
 * for such an exponent, with no trailing zeros since k is the least. */
static const char *S_fmt_short(char buf[32], double v) {
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                               1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
  double a = fabs(v);
  if (!(a >= 1e-3 && a < 1e15)) return NULL;
  /* Up to 17 decimals: 15 digits from the 1e-3 place.  Every decimal of 15
   * digits or fewer that reads back is found (a * 10^k is within 0.2 of its
   * digits), so NULL means "%.15g" does not read back either. */
  for (int k = 1; k <= 17; k++) {
    double m = a * p10[k];
    if (m >= 1e15) return NULL;
    unsigned long long n = (unsigned long long)(m + 0.5);
    if ((double)n / p10[k] != a) continue;
    return tp_fmt_decimals(buf, n, k, v < 0);
  }
  return NULL;
}

const char *tp_fmt_decimals(char buf[32], unsigned long long n, int k, bool negative) {
  char digits[48], *end = digits + sizeof digits, *p = end;
  for (int d = 0; d < k; d++, n /= 10) *--p = (char)('0' + n % 10);
  *--p = '.';
  do *--p = (char)('0' + n % 10); while ((n /= 10) != 0);
  if (negative) *--p = '-';
  size_t len = (size_t)(end - p);
  while (p[len - 1] == '0') len--;
  if (p[len - 1] == '.') len--;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return buf;
}

const char *tp_fmt_double(char buf[32], double v) {
  if (isnan(v) || isinf(v)) {
    snprintf(buf, 32, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
    return buf;
  }
  /* Whole numbers as integers ("200", not "2e+02"), written as "%.0f" did. */
  if (v == floor(v) && fabs(v) < 1e16) {
    unsigned long long u = (unsigned long long)fabs(v);
    char digits[24], *end = digits + sizeof digits, *p = end;
    do *--p = (char)('0' + u % 10); while ((u /= 10) != 0);
    if (signbit(v)) *--p = '-';
    memcpy(buf, p, (size_t)(end - p));
    buf[end - p] = '\0';
    return buf;
  }
  if (S_fmt_short(buf, v)) return buf;
  /* Otherwise the shortest precision that reads back exactly.  Any shortest
   * form of up to 15 digits is what %.15g prints (the value is within half
   * an ulp of it, far less than half a unit in the 15th digit, and %g drops
   * trailing zeros), so only 15, 16 and 17 need trying.  Subnormal numbers
   * carry fewer bits, so for them every precision is tried. */
  int first = fabs(v) < DBL_MIN ? 1 : 15;
  if (fabs(v) >= 1e-3 && fabs(v) < 1e15) first = 16; /* S_fmt_short ruled out 15 */
  for (int prec = first; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  return buf;
}

const char *tp_run_profile_device(const tp_run *r, const char *id, const char *host, char *buf,
                                  size_t n) {
  if (!host || !r->job || r->job->n_nodes < 2 || strchr(id, '/')) return id;
  int len = snprintf(buf, n, "%s/%s", host, id);
  return len > 0 && (size_t)len < n ? buf : id;
}

const char *tp_run_device_host(const tp_run *r, const tp_device_energy *d, char *buf, size_t n) {
  const char *slash = d->id ? strrchr(d->id, '/') : NULL;
  if (slash && slash > d->id && (size_t)(slash - d->id) < n) {
    memcpy(buf, d->id, (size_t)(slash - d->id));
    buf[slash - d->id] = '\0';
    return buf;
  }
  if (d->host) return d->host;
  return r->host;
}
