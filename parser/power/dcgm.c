/* dcgm: dcgm-exporter series to devices and samples (see dcgm.h). */
#include "parser/power/dcgm.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "model/mem.h"
#include "model/utctime.h"

/* Repeats of a value held back, at most: a quarter of an hour at a 15 s step,
 * past Prometheus's 5-minute lookback. */
#define S_HELD 64

/* A value as read, kept until the end of the file. */
typedef struct S_val {
  double t_s;          /* its time */
  double value;        /* as the exporter gave it (W or mJ) */
  int64_t line;        /* where it was read */
} S_val;

/* One device's values of one metric: all of them as read, from every series
 * of the device (S_keep), until the end of the file; then, merged by time
 * (S_flush), what was delivered (for the sampling note), and the repeats of
 * the last value held back until a new value comes or the values end.  Then
 * the repeats within the value's expected life (twice the effective sampling
 * interval from its first time) are delivered, and those past it are stale
 * and dropped (S_close_stretch). */
typedef struct S_stream {
  S_val *vals;         /* the values read, in order of reading */
  size_t n_vals, cap_vals;
  size_t order;        /* 1 + how many streams had a value before its first; 0: none */
  double max_t;        /* the latest time read */
  size_t n_late;       /* values read at or before a time already read */
  size_t n_ser;        /* series that gave it values */
  size_t n_merged;     /* values read out of time order that took a time of their own */
  int emit;            /* tp_emit device index, -1 before the first value */
  double last_t;       /* last delivered time (-INFINITY before) */
  double last_v;       /* its value as the exporter gave it */
  double value_t;      /* the time last_v was first delivered (its change) */
  double seen_t;       /* last time delivered or held (-INFINITY before) */
  size_t n;            /* values delivered */
  size_t changes;      /* of which differ from the one before */
  double first_t;      /* first delivered time */
  double held_t[S_HELD]; /* times of repeats of last_v not yet delivered */
  size_t n_held;
  bool stale;          /* the held stretch is past its life: repeats are dropped */
  double stale_from;   /* first dropped repeat of the stretch, when stale */
  double stale_to;     /* last dropped repeat of the stretch, when stale */
  double dropped_s;    /* seconds of stale stretches so far (not in the interval) */
} S_stream;

/* One hold of a device by a job: from the first to the last value of the
 * job's series, with no pause longer than TP_DCGM_HOLD_GAP_S. */
typedef struct S_hold {
  char *job;           /* the job label's value */
  double start_s, end_s;
  double step_s;       /* the shortest time between two of its values (INFINITY: one) */
} S_hold;

struct tp_dcgm_dev {
  char *key;           /* host, 0x1f, then the UUID or "gpu" and the index */
  char *id;            /* what the sink is told */
  char *model;         /* modelName, or NULL */
  bool has_counter;    /* an energy counter series exists for it (survey) */
  S_stream s[2];       /* [0] power, [1] energy counter */
  S_hold *holds;       /* the job labels' holds of it, in order of first sight */
  size_t n_holds, cap_holds;
};

/* A series of the delivering pass: what its handle stands for. */
struct tp_dcgm_ser {
  size_t dev;          /* index in g->dev */
  int kind;            /* 0 power, 1 energy counter */
  bool deliver;        /* false: read only for its job label's holds */
  char *job;           /* its job label, or NULL */
  size_t hold;         /* the device's hold it last extended, or SIZE_MAX */
  bool gave;           /* a value of it was kept */
};

/* ---- Labels ------------------------------------------------------------------ */

void tp_dcgm_labels_clear(tp_dcgm_labels *l) { memset(l, 0, sizeof *l); }

static bool S_key_is(const char *k, size_t kn, const char *want) {
  return strlen(want) == kn && memcmp(k, want, kn) == 0;
}

/* Copy v[0..n) into out[cap], truncated, NUL-terminated. */
static void S_put(char *out, size_t cap, const char *v, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(out, v, n);
  out[n] = '\0';
}

void tp_dcgm_labels_set(tp_dcgm_labels *l, const char *key, size_t kn, const char *value,
                        size_t vn) {
  if (S_key_is(key, kn, "__name__")) {
    l->has_name = true;
    S_put(l->name, sizeof l->name, value, vn);
  } else if (S_key_is(key, kn, "Hostname") || S_key_is(key, kn, "hostname")) {
    S_put(l->hostname, sizeof l->hostname, value, vn);
  } else if (S_key_is(key, kn, "instance")) {
    /* "host:port", "[v6]:port": the port goes. */
    const char *colon = NULL;
    for (size_t k = vn; k-- > 0;)
      if (value[k] == ':' || value[k] == ']') {
        colon = value[k] == ':' ? value + k : NULL;
        break;
      }
    size_t n = colon ? (size_t)(colon - value) : vn;
    if (n >= 2 && value[0] == '[' && value[n - 1] == ']') value++, n -= 2;
    S_put(l->instance, sizeof l->instance, value, n);
  } else if (S_key_is(key, kn, "gpu")) {
    S_put(l->gpu, sizeof l->gpu, value, vn);
  } else if (S_key_is(key, kn, "UUID") || S_key_is(key, kn, "uuid")) {
    S_put(l->uuid, sizeof l->uuid, value, vn);
  } else if (S_key_is(key, kn, "modelName")) {
    S_put(l->model, sizeof l->model, value, vn);
  } else if (S_key_is(key, kn, "GPU_I_ID")) {
    S_put(l->mig, sizeof l->mig, value, vn);
  } else if (S_key_is(key, kn, "hpc_job") || S_key_is(key, kn, "job_id")) {
    S_put(l->job, sizeof l->job, value, vn);
  } else if (l->n_other + kn + vn + 2 <= sizeof l->other) {
    memcpy(l->other + l->n_other, key, kn);
    l->other[l->n_other + kn] = '\0';
    memcpy(l->other + l->n_other + kn + 1, value, vn);
    l->other[l->n_other + kn + 1 + vn] = '\0';
    l->n_other += kn + vn + 2;
  }
}

/* The job label of a series: the configured label's value where it has one,
 * else hpc_job / job_id; NULL when none (or empty). */
static const char *S_job_of(const tp_dcgm *g, const tp_dcgm_labels *l) {
  for (size_t i = 0; g->job_label && i < l->n_other;) {
    const char *k = l->other + i, *v = k + strlen(k) + 1;
    if (strcmp(k, g->job_label) == 0 && v[0]) return v;
    i += strlen(k) + strlen(v) + 2;
  }
  return l->job[0] ? l->job : NULL;
}

/* ---- Devices ----------------------------------------------------------------- */

void tp_dcgm_init(tp_dcgm *g, tp_emit *e, const tp_power_options *opt) {
  memset(g, 0, sizeof *g);
  g->e = e;
  g->rd = e->rd;
  g->job_label = opt && opt->job_label && opt->job_label[0] ? opt->job_label : NULL;
  g->survey = true;
}

void tp_dcgm_free(tp_dcgm *g) {
  for (size_t k = 0; k < g->n_dev; k++) {
    free(g->dev[k].key);
    free(g->dev[k].id);
    free(g->dev[k].model);
    for (size_t h = 0; h < g->dev[k].n_holds; h++) free(g->dev[k].holds[h].job);
    free(g->dev[k].holds);
    free(g->dev[k].s[0].vals);
    free(g->dev[k].s[1].vals);
  }
  free(g->dev);
  for (size_t k = 0; k < g->n_ser; k++) free(g->ser[k].job);
  free(g->ser);
  g->dev = NULL;
  g->ser = NULL;
  g->n_dev = g->n_ser = 0;
}

void tp_dcgm_deliver(tp_dcgm *g) {
  g->survey = false;
  g->n_unnamed = g->n_other = g->n_no_device = g->n_power_unused = g->n_repeats = 0;
  g->n_series = 0;
}

/* The device of labels l, made on first sight; NULL past TP_EMIT_MAX_DEVICES. */
static tp_dcgm_dev *S_device(tp_dcgm *g, const tp_dcgm_labels *l) {
  const char *host = l->hostname[0] ? l->hostname : l->instance;
  char key[256], id[256];
  snprintf(key, sizeof key, "%s\x1f%s%s", host, l->uuid[0] ? "" : "gpu",
           l->uuid[0] ? l->uuid : l->gpu);
  for (size_t k = 0; k < g->n_dev; k++)
    if (strcmp(g->dev[k].key, key) == 0) return &g->dev[k];
  if (g->n_dev >= TP_EMIT_MAX_DEVICES) return NULL;
  const char *which = l->gpu[0] ? l->gpu : l->uuid;
  snprintf(id, sizeof id, "%s%sgpu%s", host, host[0] ? "/" : "", which);
  if (!l->gpu[0]) snprintf(id, sizeof id, "%s%s%s", host, host[0] ? "/" : "", l->uuid);
  TP_GROW(g->dev, g->cap_dev, g->n_dev + 1);
  tp_dcgm_dev *d = &g->dev[g->n_dev++];
  memset(d, 0, sizeof *d);
  d->key = tp_xstrdup(key);
  d->id = tp_xstrdup(id);
  d->model = l->model[0] ? tp_xstrdup(l->model) : NULL;
  for (int k = 0; k < 2; k++) {
    d->s[k].emit = -1;
    d->s[k].last_t = -INFINITY;
    d->s[k].seen_t = -INFINITY;
  }
  return d;
}

/* Which metric: 0 power, 1 energy counter, -1 another. */
static int S_metric(const tp_dcgm_labels *l) {
  if (strcmp(l->name, TP_DCGM_POWER_METRIC) == 0) return 0;
  if (strcmp(l->name, TP_DCGM_ENERGY_METRIC) == 0) return 1;
  return -1;
}

int tp_dcgm_series(tp_dcgm *g, const tp_dcgm_labels *l, int64_t line) {
  bool say = !g->survey;
  if (!l->has_name) {
    if (say && g->n_unnamed++ == 0)
      tp_rdiag_add(g->rd, TP_WARN, "computed series", line,
                   "a series without a metric name: a computed result (rate(), increase(), "
                   "sum by ...), which Prometheus extrapolates; not used as energy (save the raw "
                   "%s or %s series instead)",
                   TP_DCGM_ENERGY_METRIC, TP_DCGM_POWER_METRIC);
    return -1;
  }
  int kind = S_metric(l);
  if (kind < 0) {
    if (say && g->n_other++ == 0)
      tp_rdiag_add(g->rd, TP_NOTE, "other metric", line,
                   "series of %s: not a DCGM power or energy metric; skipped", l->name);
    return -1;
  }
  if (!l->gpu[0] && !l->uuid[0]) {
    if (say && g->n_no_device++ == 0)
      tp_rdiag_add(g->rd, TP_WARN, "no device", line,
                   "a %s series with neither a gpu nor a UUID label; skipped", l->name);
    return -1;
  }
  tp_dcgm_dev *d = S_device(g, l);
  if (!d) {
    if (say)
      tp_rdiag_add(g->rd, TP_WARN, "too many devices", line,
                   "more than %d devices in one file; series skipped", TP_EMIT_MAX_DEVICES);
    return -1;
  }
  if (g->survey) {
    if (kind == 1) d->has_counter = true;
    return -1;
  }
  bool deliver = !(kind == 0 && d->has_counter);
  const char *job = S_job_of(g, l);
  if (!deliver) g->n_power_unused++;
  else g->n_series++;
  if ((!deliver && !job) || g->n_ser >= INT_MAX) return -1;
  TP_GROW(g->ser, g->cap_ser, g->n_ser + 1);
  g->ser[g->n_ser] = (tp_dcgm_ser){.dev = (size_t)(d - g->dev), .kind = kind,
                                      .deliver = deliver, .job = job ? tp_xstrdup(job) : NULL,
                                      .hold = SIZE_MAX};
  return (int)g->n_ser++;
}

/* Deliver value (the exporter's unit) of device d's metric kind at t_s. */
static void S_deliver(tp_dcgm *g, tp_dcgm_dev *d, int kind, double t_s, double value,
                      int64_t line) {
  S_stream *s = &d->s[kind];
  if (s->emit < 0) {
    s->emit = tp_emit_device(g->e, d->id, strlen(d->id), d->model,
                             kind ? TP_SAMPLE_ENERGY_J : TP_SAMPLE_POWER_W, 0, line);
    if (s->emit < 0) return;
  }
  double v = kind ? value * 1e-3 : value;
  double prev = s->last_v;
  if (!tp_emit_sample(g->e, s->emit, t_s, v, line)) return;
  if (s->n == 0 || value != prev) s->value_t = t_s;
  if (s->n == 0) s->first_t = t_s;
  else if (value != prev) s->changes++;
  if (kind && s->n && value < prev)
    tp_rdiag_add(g->rd, TP_WARN, "counter reset", line,
                 "%s energy counter went back from %.3f J to %.3f J: a reset (driver reload); "
                 "that interval is not counted",
                 d->id, prev * 1e-3, v);
  s->n++;
  s->last_t = t_s;
  s->last_v = value;
}

/* Deliver the first k held repeats of d's metric kind, and forget the rest. */
static void S_release(tp_dcgm *g, tp_dcgm_dev *d, int kind, size_t k) {
  S_stream *s = &d->s[kind];
  for (size_t i = 0; i < k && i < s->n_held; i++)
    S_deliver(g, d, kind, s->held_t[i], s->last_v, -1);
  s->n_held = 0;
}

/* How long a value of stream s may repeat and still be live: twice the
 * effective sampling interval (the time between changes, stale stretches left
 * out); unbounded before the first change. */
static double S_life(const S_stream *s) {
  if (!s->changes) return INFINITY;
  return 2 * (s->value_t - s->first_t - s->dropped_s) / (double)s->changes;
}

#define S_STALE_SAID 5 /* stale stretches described one by one, per file */

/* Say where d's stale stretch of metric kind lies (line: of the value that
 * ended it, -1 at the end of the file), and count it. */
static void S_stale_said(tp_dcgm *g, tp_dcgm_dev *d, int kind, int64_t line) {
  S_stream *s = &d->s[kind];
  double gone_s = s->stale_to - s->last_t;
  g->n_stale++;
  g->stale_s += gone_s;
  if (g->n_stale > S_STALE_SAID) return;
  char a[32], b[32], c[32];
  tp_rdiag_add(g->rd, TP_WARN, "stale values", line,
               "%s %s: its value of %s UTC repeated from %s to %s UTC, past twice its effective "
               "sampling interval (%.3g s): taken as stale (a target gone, in an answer without "
               "staleness markers) and not counted (%.0f s); %s",
               d->id, kind ? TP_DCGM_ENERGY_METRIC : TP_DCGM_POWER_METRIC,
               tp_utc_text(a, s->value_t), tp_utc_text(b, s->stale_from),
               tp_utc_text(c, s->stale_to), S_life(s) / 2, gone_s,
               line < 0 ? "the trace ends there" : "the trace has a gap there");
}

/* The end of a stretch of repeats of d's metric kind (a new value at `line`,
 * or the end of the file: -1): the held repeats within the value's life are
 * delivered; later ones are a value repeated past its end (a target gone, and
 * an answer without staleness markers: federation, other backends) and are
 * dropped, which leaves a gap in the trace. */
static void S_close_stretch(tp_dcgm *g, tp_dcgm_dev *d, int kind, int64_t line) {
  S_stream *s = &d->s[kind];
  double life_s = S_life(s);
  size_t keep = 0;
  while (keep < s->n_held && s->held_t[keep] - s->value_t <= life_s) keep++;
  if (keep < s->n_held && !s->stale) {
    s->stale = true;
    s->stale_from = s->held_t[keep];
    s->stale_to = s->held_t[s->n_held - 1];
  }
  S_release(g, d, kind, keep);
  if (!s->stale) return;
  S_stale_said(g, d, kind, line);
  s->dropped_s += s->stale_to - s->last_t;
  s->stale = false;
}

/* A repeat of d's current value of metric kind at t_s: held back; when the
 * held ones fill up, the oldest is delivered while within the value's life,
 * else the stretch is stale from there on and its repeats are only counted. */
static void S_hold_repeat(tp_dcgm *g, tp_dcgm_dev *d, int kind, double t_s) {
  S_stream *s = &d->s[kind];
  if (s->stale) {
    s->stale_to = t_s;
    return;
  }
  if (s->n_held == S_HELD) {
    if (s->held_t[0] - s->value_t > S_life(s)) {
      s->stale = true;
      s->stale_from = s->held_t[0];
      s->stale_to = t_s;
      s->n_held = 0;
      return;
    }
    S_deliver(g, d, kind, s->held_t[0], s->last_v, -1);
    memmove(s->held_t, s->held_t + 1, (S_HELD - 1) * sizeof *s->held_t);
    s->n_held--;
  }
  s->held_t[s->n_held++] = t_s;
}

/* Is t_s within a pause of hold h (TP_DCGM_HOLD_GAP_S either side)? */
static bool S_hold_near(const S_hold *h, double t_s) {
  return t_s >= h->start_s - TP_DCGM_HOLD_GAP_S && t_s <= h->end_s + TP_DCGM_HOLD_GAP_S;
}

/* Series sr (with a job label) has a value at t_s: extend the device's hold
 * by its job that t_s is near, else start one. */
static void S_hold_at(tp_dcgm_dev *d, tp_dcgm_ser *sr, double t_s) {
  size_t k = sr->hold;
  if (k >= d->n_holds || !S_hold_near(&d->holds[k], t_s))
    for (k = 0; k < d->n_holds; k++)
      if (strcmp(d->holds[k].job, sr->job) == 0 && S_hold_near(&d->holds[k], t_s)) break;
  if (k == d->n_holds) {
    TP_GROW(d->holds, d->cap_holds, d->n_holds + 1);
    d->holds[d->n_holds++] = (S_hold){tp_xstrdup(sr->job), t_s, t_s, INFINITY};
  }
  S_hold *h = &d->holds[k];
  if (t_s < h->start_s && h->start_s - t_s < h->step_s) h->step_s = h->start_s - t_s;
  if (t_s > h->end_s && t_s - h->end_s < h->step_s) h->step_s = t_s - h->end_s;
  if (t_s < h->start_s) h->start_s = t_s;
  if (t_s > h->end_s) h->end_s = t_s;
  sr->hold = k;
}

/* Keep a value of series sr (of device d) for the end of the file: the
 * series of one device may come in any order and overlap in time (its labels
 * change: a job label; MIG instances; answers split in time), so the rules
 * that read values in time order run over all of them at once (S_flush). */
static void S_keep(tp_dcgm *g, tp_dcgm_dev *d, tp_dcgm_ser *sr, double t_s, double value,
                   int64_t line) {
  S_stream *s = &d->s[sr->kind];
  if (!isfinite(t_s)) {
    tp_rdiag_add(g->rd, TP_WARN, "bad sample time", line,
                 "%s: time is not finite; sample dropped", d->id);
    return;
  }
  if (s->order == 0) s->order = ++g->n_streams;
  if (!sr->gave) s->n_ser++;
  sr->gave = true;
  if (s->n_vals && t_s <= s->max_t) s->n_late++;
  else s->max_t = t_s;
  TP_GROW(s->vals, s->cap_vals, s->n_vals + 1);
  s->vals[s->n_vals++] = (S_val){t_s, value, line};
}

void tp_dcgm_value(tp_dcgm *g, int h, double t_s, double value, int64_t line) {
  if (h < 0 || (size_t)h >= g->n_ser) return;
  tp_dcgm_ser *sr = &g->ser[h];
  tp_dcgm_dev *d = &g->dev[sr->dev];
  if (sr->job && isfinite(t_s)) S_hold_at(d, sr, t_s);
  if (sr->deliver) S_keep(g, d, sr, t_s, value, line);
}

/* Sort v[0..n) by time, values of one time in the order they were read (a
 * bottom-up merge sort through a copy: stable, n log n at worst). */
static void S_sort(S_val *v, size_t n) {
  S_val *tmp = tp_xmalloc(n * sizeof *tmp), *a = v, *b = tmp;
  for (size_t w = 1; w < n; w *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * w) {
      size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) b[k++] = a[j].t_s < a[i].t_s ? a[j++] : a[i++];
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    S_val *x = a;
    a = b;
    b = x;
  }
  if (a != v) memcpy(v, a, n * sizeof *v);
  free(tmp);
}

/* The values kept of d's metric kind, merged by time, through the rules: a
 * value at a time already taken is a repeat (MIG instances, a GPU shared by
 * jobs, overlapping answers) and is counted once, the first read kept; a
 * value equal to the one before is held (the stale rule); any other closes
 * the stretch of repeats and is delivered.  The values are then let go. */
static void S_flush(tp_dcgm *g, tp_dcgm_dev *d, int kind) {
  S_stream *s = &d->s[kind];
  if (s->n_late) S_sort(s->vals, s->n_vals);
  size_t repeats = 0;
  for (size_t k = 0; k < s->n_vals; k++) {
    const S_val *x = &s->vals[k];
    if (x->t_s <= s->seen_t) {
      repeats++;
      continue;
    }
    s->seen_t = x->t_s;
    if (s->n && x->value == s->last_v) {
      S_hold_repeat(g, d, kind, x->t_s);
      continue;
    }
    S_close_stretch(g, d, kind, x->line);
    S_deliver(g, d, kind, x->t_s, x->value, x->line);
  }
  S_close_stretch(g, d, kind, -1);
  /* A repeat was read after the value it repeats: it is among the late ones. */
  s->n_merged = s->n_late - repeats;
  g->n_repeats += repeats;
  free(s->vals);
  s->vals = NULL;
  s->n_vals = s->cap_vals = 0;
}

/* Every device's kept values, metric by metric in the order of their first
 * value read (the order the sink hears of devices in). */
static void S_flush_all(tp_dcgm *g) {
  size_t *at = tp_xmalloc((g->n_streams ? g->n_streams : 1) * sizeof *at);
  for (size_t k = 0; k < g->n_dev; k++)
    for (size_t kind = 0; kind < 2; kind++)
      if (g->dev[k].s[kind].order) at[g->dev[k].s[kind].order - 1] = 2 * k + kind;
  for (size_t i = 0; i < g->n_streams; i++) S_flush(g, &g->dev[at[i] / 2], (int)(at[i] % 2));
  free(at);
}

/* A note where values of a device came out of time order and took times of
 * their own: series of one GPU whose labels changed over time (a job label)
 * interleave, or rows of a file are out of order; both are merged by time. */
static void S_merged_note(tp_dcgm *g) {
  size_t n_streams = 0, n_vals = 0;
  const tp_dcgm_dev *first = NULL;
  int first_kind = 0;
  for (size_t k = 0; k < g->n_dev; k++)
    for (int kind = 0; kind < 2; kind++) {
      const S_stream *s = &g->dev[k].s[kind];
      if (!s->n_merged) continue;
      if (!first) first = &g->dev[k], first_kind = kind;
      n_streams++;
      n_vals += s->n_merged;
    }
  if (!first) return;
  const S_stream *s = &first->s[first_kind];
  char more[64] = "";
  if (n_streams > 1)
    snprintf(more, sizeof more, " (%zu values on %zu devices in all)", n_vals, n_streams);
  char from[160] = " (rows out of order)";
  if (s->n_ser > 1)
    snprintf(from, sizeof from, ", from %zu series (one per set of labels, such as a job label "
             "that comes and goes; each saved whole)", s->n_ser);
  tp_rdiag_add(g->rd, TP_NOTE, "merged by time", -1,
               "%s %s: %zu value%s read out of time order%s: merged by time, none dropped%s",
               first->id, first_kind ? TP_DCGM_ENERGY_METRIC : TP_DCGM_POWER_METRIC,
               s->n_merged, s->n_merged == 1 ? "" : "s", from, more);
}

/* The sampling note of one metric (kind) over all devices. */
static void S_sampling_note(tp_dcgm *g, int kind) {
  size_t n_dev = 0, intervals = 0, changes = 0;
  double span_s = 0;
  for (size_t k = 0; k < g->n_dev; k++) {
    const S_stream *s = &g->dev[k].s[kind];
    if (s->n < 2) continue;
    n_dev++;
    intervals += s->n - 1;
    changes += s->changes;
    span_s += s->last_t - s->first_t;
  }
  if (n_dev == 0 || span_s <= 0) return;
  const char *what = kind ? TP_DCGM_ENERGY_METRIC : TP_DCGM_POWER_METRIC;
  if (changes == 0) {
    tp_rdiag_add(g->rd, TP_NOTE, "sampling", -1,
                 "%s: %zu device%s, a sample every %.3g s, values never change", what, n_dev,
                 n_dev == 1 ? "" : "s", span_s / (double)intervals);
    return;
  }
  tp_rdiag_add(g->rd, TP_NOTE, "sampling", -1,
               "%s: %zu device%s, a sample every %.3g s, values changing every %.3g s (the "
               "effective sampling interval)",
               what, n_dev, n_dev == 1 ? "" : "s", span_s / (double)intervals,
               span_s / (double)changes);
}

/* Join the holds of one job on d that values out of order brought near each
 * other. */
static void S_holds_join(tp_dcgm_dev *d) {
  for (size_t i = 0; i < d->n_holds; i++)
    for (size_t j = i + 1; j < d->n_holds;) {
      S_hold *a = &d->holds[i], *b = &d->holds[j];
      bool near = b->start_s <= a->end_s + TP_DCGM_HOLD_GAP_S &&
                  a->start_s <= b->end_s + TP_DCGM_HOLD_GAP_S;
      if (strcmp(a->job, b->job) != 0 || !near) {
        j++;
        continue;
      }
      if (b->start_s < a->start_s) a->start_s = b->start_s;
      if (b->end_s > a->end_s) a->end_s = b->end_s;
      if (b->step_s < a->step_s) a->step_s = b->step_s;
      free(b->job);
      memmove(b, b + 1, (d->n_holds - j - 1) * sizeof *b);
      d->n_holds--;
      j = i + 1; /* a grew: look again */
    }
}

/* Seconds in which two holds of different jobs on d overlap (the GPU shared). */
static double S_holds_shared_s(const tp_dcgm_dev *d) {
  double sum = 0;
  for (size_t i = 0; i < d->n_holds; i++)
    for (size_t j = i + 1; j < d->n_holds; j++) {
      const S_hold *a = &d->holds[i], *b = &d->holds[j];
      double lo = a->start_s > b->start_s ? a->start_s : b->start_s;
      double hi = a->end_s < b->end_s ? a->end_s : b->end_s;
      if (hi > lo && strcmp(a->job, b->job) != 0) sum += hi - lo;
    }
  return sum;
}

/* The holds of every device go to the sink, each widened by its sampling
 * step on both sides (a label is seen at scrapes only: the job may have held
 * the GPU up to a step before its first and after its last), and a note says
 * what they are. */
static void S_holds_deliver(tp_dcgm *g) {
  size_t n_holds = 0, n_devs = 0, n_shared = 0;
  double shared_s = 0;
  const char *first_job = NULL;
  for (size_t k = 0; k < g->n_dev; k++) {
    tp_dcgm_dev *d = &g->dev[k];
    S_holds_join(d);
    for (size_t h = 0; h < d->n_holds; h++) {
      const S_hold *x = &d->holds[h];
      double step_s = isfinite(x->step_s) ? x->step_s : 0;
      tp_emit_hold(g->e, d->id, x->job, x->start_s - step_s, x->end_s + step_s);
      if (!first_job) first_job = d->holds[h].job;
    }
    n_holds += d->n_holds;
    n_devs += d->n_holds > 0;
    double s = S_holds_shared_s(d);
    n_shared += s > 0;
    shared_s += s;
  }
  if (!n_holds) return;
  tp_rdiag_add(g->rd, TP_NOTE, "job labels", -1,
               "%zu device%s a job label (%s: job %s%s): a job is charged for a device "
               "only while its label names that job, never while it names another",
               n_devs, n_devs == 1 ? " carries" : "s carry",
               g->job_label ? g->job_label : "hpc_job, job_id", first_job, n_holds > 1 ? ", ..." : "");
  if (n_shared)
    tp_rdiag_add(g->rd, TP_NOTE, "shared GPU", -1,
                 "%zu device%s held by two jobs at once (%.0f s in all): read once, their "
                 "energy split between the jobs, never added",
                 n_shared, n_shared == 1 ? "" : "s", shared_s);
}

void tp_dcgm_finish(tp_dcgm *g) {
  S_flush_all(g);
  S_merged_note(g);
  S_holds_deliver(g);
  if (g->n_stale > S_STALE_SAID)
    tp_rdiag_add(g->rd, TP_WARN, "stale values", -1,
                 "%zu stretches of a value repeated for longer than twice its effective "
                 "sampling interval in all (%.0f s): taken as stale and not counted",
                 g->n_stale, g->stale_s);
  if (g->n_unnamed > 1)
    tp_rdiag_add(g->rd, TP_WARN, "computed series", -1,
                 "%zu series without a metric name in all: not used", g->n_unnamed);
  if (g->n_other > 1)
    tp_rdiag_add(g->rd, TP_NOTE, "other metric", -1,
                 "%zu series of other metrics in all: skipped", g->n_other);
  if (g->n_no_device > 1)
    tp_rdiag_add(g->rd, TP_WARN, "no device", -1,
                 "%zu series naming no GPU in all: skipped", g->n_no_device);
  if (g->n_power_unused)
    tp_rdiag_add(g->rd, TP_NOTE, "counter preferred", -1,
                 "%zu %s series not used: their devices have an energy counter (%s), which is "
                 "used instead",
                 g->n_power_unused, TP_DCGM_POWER_METRIC, TP_DCGM_ENERGY_METRIC);
  if (g->n_repeats)
    tp_rdiag_add(g->rd, TP_NOTE, "repeated values", -1,
                 "%zu value%s at a time of the device already read (MIG instances, a GPU "
                 "shared by jobs, overlapping answers): counted once",
                 g->n_repeats, g->n_repeats == 1 ? "" : "s");
  S_sampling_note(g, 0);
  S_sampling_note(g, 1);
}
