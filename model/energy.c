/* energy: the elementary-segment integrator (see energy.h for the rules). */
#include "model/utctime.h"
#include "model/energy.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model/energy_impl.h"
#include "model/mem.h"

static int S_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Index of the first bound >= t (n_bounds when none). */
static size_t S_lower_bound(const tp_energy *e, double t) {
  size_t lo = 0, hi = e->n_bounds;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (e->bounds[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Copy the holes `from` that lie inside w (clipped to it) into w. */
static void S_copy_holes(tp_energy_win *w, const tp_energy_holes *from) {
  if (!from || !from->holes_s || !from->n_holes) return;
  w->holes = tp_xcalloc(2 * from->n_holes, sizeof *w->holes);
  for (size_t k = 0; k < from->n_holes; k++) {
    double a = fmax(from->holes_s[2 * k], w->start_s), b = fmin(from->holes_s[2 * k + 1], w->end_s);
    if (!(b > a)) continue;
    w->holes[2 * w->n_holes] = a;
    w->holes[2 * w->n_holes + 1] = b;
    w->n_holes++;
  }
}

/* Whether segment s (from..to) is window w's: inside it, and in no hole. */
static bool S_covers(const tp_energy *e, const tp_energy_win *w, size_t s) {
  if (s < w->seg_lo || s >= w->seg_hi) return false;
  double mid = 0.5 * (e->bounds[s] + e->bounds[s + 1]);
  for (size_t k = 0; k < w->n_holes; k++)
    if (mid >= w->holes[2 * k] && mid < w->holes[2 * k + 1]) return false;
  return true;
}

/* The seconds of window w that are the run's: its span less its holes. */
static double S_span_s(const tp_energy_win *w) {
  double s = w->end_s - w->start_s;
  for (size_t k = 0; k < w->n_holes; k++) s -= w->holes[2 * k + 1] - w->holes[2 * k];
  return s;
}

tp_energy *tp_energy_new(const tp_energy_window *windows, size_t n, const double *cuts_s,
                         size_t n_cuts) {
  return tp_energy_new_holed(windows, n, cuts_s, n_cuts, NULL);
}

tp_energy *tp_energy_new_holed(const tp_energy_window *windows, size_t n, const double *cuts_s,
                               size_t n_cuts, const tp_energy_holes *holes) {
  tp_energy *e = tp_xcalloc(1, sizeof *e);
  e->win = tp_xcalloc(n ? n : 1, sizeof *e->win);
  e->n_win = n;
  double lo = INFINITY, hi = -INFINITY;
  size_t n_valid = 0;
  for (size_t i = 0; i < n; i++) {
    tp_energy_win *w = &e->win[i];
    w->start_s = windows[i].start_s;
    w->end_s = windows[i].end_s;
    w->valid = isfinite(w->start_s) && isfinite(w->end_s) && w->end_s > w->start_s;
    if (windows[i].devices) {
      w->devices = tp_xcalloc(windows[i].n_devices ? windows[i].n_devices : 1, sizeof(char *));
      w->n_devices = windows[i].n_devices;
      for (size_t k = 0; k < w->n_devices; k++)
        w->devices[k] = tp_xstrdup(windows[i].devices[k] ? windows[i].devices[k] : "");
    }
    if (!w->valid) continue;
    n_valid++;
    if (w->start_s < lo) lo = w->start_s;
    if (w->end_s > hi) hi = w->end_s;
    S_copy_holes(w, holes ? &holes[i] : NULL);
    n_valid += w->n_holes;
  }
  e->bounds = tp_xmalloc((2 * n_valid + n_cuts + 1) * sizeof *e->bounds);
  for (size_t i = 0; i < n; i++) {
    if (!e->win[i].valid) continue;
    e->bounds[e->n_bounds++] = e->win[i].start_s;
    e->bounds[e->n_bounds++] = e->win[i].end_s;
    for (size_t k = 0; k < 2 * e->win[i].n_holes; k++)
      e->bounds[e->n_bounds++] = e->win[i].holes[k];
  }
  for (size_t i = 0; i < n_cuts && cuts_s; i++)
    if (cuts_s[i] > lo && cuts_s[i] < hi) e->bounds[e->n_bounds++] = cuts_s[i];
  qsort(e->bounds, e->n_bounds, sizeof *e->bounds, S_cmp_double);
  size_t u = 0;
  for (size_t i = 0; i < e->n_bounds; i++)
    if (u == 0 || e->bounds[i] != e->bounds[u - 1]) e->bounds[u++] = e->bounds[i];
  e->n_bounds = u;
  for (size_t i = 0; i < n; i++) {
    tp_energy_win *w = &e->win[i];
    if (!w->valid) continue;
    w->seg_lo = S_lower_bound(e, w->start_s);
    w->seg_hi = S_lower_bound(e, w->end_s);
  }
  return e;
}

void tp_energy_free(tp_energy *e) {
  if (!e) return;
  for (size_t i = 0; i < e->n_win; i++) {
    for (size_t k = 0; k < e->win[i].n_devices; k++) free(e->win[i].devices[k]);
    free(e->win[i].devices);
    free(e->win[i].holes);
    for (size_t k = 0; k < e->win[i].n_hosts; k++) free(e->win[i].hosts[k]);
    free(e->win[i].hosts);
    free(e->win[i].job);
    tp_energy_free_spans(&e->win[i]);
  }
  for (size_t k = 0; k < e->n_holds; k++) {
    free(e->holds[k].device);
    free(e->holds[k].job);
  }
  free(e->holds);
  free(e->allow);
  for (size_t d = 0; d < e->n_dev; d++) {
    free(e->dev[d].holds);
    free(e->dev[d].id);
    free(e->dev[d].name);
    free(e->dev[d].cells);
    free(e->dev[d].keep_t);
    free(e->dev[d].keep_v);
  }
  free(e->win);
  free(e->bounds);
  free(e->dev);
  tp_diag_free(&e->diags);
  free(e);
}

static size_t S_n_segments(const tp_energy *e) { return e->n_bounds < 2 ? 0 : e->n_bounds - 1; }

int tp_energy_device(tp_energy *e, const char *id, const char *name, tp_sample_kind kind,
                     double wrap_j) {
  TP_GROW(e->dev, e->cap_dev, e->n_dev + 1);
  tp_energy_dev *d = &e->dev[e->n_dev];
  memset(d, 0, sizeof *d);
  d->id = tp_xstrdup(id ? id : "");
  d->name = name ? tp_xstrdup(name) : NULL;
  d->kind = kind;
  d->wrap_j = isfinite(wrap_j) && wrap_j > 0 ? wrap_j : 0;
  d->first_t = NAN;
  size_t nseg = S_n_segments(e);
  d->cells = tp_xcalloc(nseg ? nseg : 1, sizeof *d->cells);
  for (size_t s = 0; s < nseg; s++) {
    d->cells[s].peak_w = -INFINITY;
    d->cells[s].idle_w = INFINITY;
  }
  return (int)e->n_dev++;
}

/* Add the integral of the linear power p0 at t0 .. p1 at t1 over each segment
 * it meets.  Amortized O(1): the device's cursor only moves forward. */
static void S_integrate(tp_energy *e, tp_energy_dev *d, double t0, double t1, double p0,
                        double p1) {
  const double *b = e->bounds;
  size_t nb = e->n_bounds;
  if (nb < 2 || t1 <= b[0] || t0 >= b[nb - 1]) return;
  size_t k = d->cursor;
  while (k + 2 < nb && b[k + 1] <= t0) k++;
  double slope = (p1 - p0) / (t1 - t0);
  for (;;) {
    double lo = t0 > b[k] ? t0 : b[k];
    double hi = t1 < b[k + 1] ? t1 : b[k + 1];
    if (hi > lo) {
      double plo = p0 + slope * (lo - t0), phi = p0 + slope * (hi - t0);
      tp_energy_cell *c = &d->cells[k];
      c->energy_j += 0.5 * (plo + phi) * (hi - lo);
      c->covered_s += hi - lo;
      double mx = plo > phi ? plo : phi, mn = plo < phi ? plo : phi;
      if (mx > c->peak_w) c->peak_w = mx;
      if (mn < c->idle_w) c->idle_w = mn;
    }
    if (b[k + 1] >= t1 || k + 2 >= nb) break;
    k++;
  }
  d->cursor = k;
}

/* One interval between accepted samples of a device whose gap rule is known. */
static void S_interval(tp_energy *e, tp_energy_dev *d, double t0, double v0, double t1, double v1) {
  double dt = t1 - t0;
  if (dt > d->gap_s) {
    d->n_gaps++;
    d->gap_total_s += dt;
    return;
  }
  if (d->kind == TP_SAMPLE_ENERGY_J) {
    double delta = v1 - v0;
    if (delta < 0) {
      if (d->wrap_j <= 0 || v0 > d->wrap_j) {
        d->n_counter_back++;
        return;
      }
      delta = v1 + d->wrap_j - v0;
    }
    double p = delta / dt;
    S_integrate(e, d, t0, t1, p, p);
  } else {
    S_integrate(e, d, t0, t1, v0, v1);
  }
}

/* Keep sample (t, v) of d, after the ones kept so far; a sample at the time
 * of the last kept one replaces it. */
static void S_keep(tp_energy_dev *d, double t, double v) {
  if (d->n_keep && d->keep_t[d->n_keep - 1] == t) {
    d->keep_v[d->n_keep - 1] = v;
    return;
  }
  TP_GROW(d->keep_t, d->cap_keep_t, d->n_keep + 1);
  TP_GROW(d->keep_v, d->cap_keep_v, d->n_keep + 1);
  d->keep_t[d->n_keep] = t;
  d->keep_v[d->n_keep++] = v;
}

/* Accept an in-order sample after the probe. */
static void S_push(tp_energy *e, tp_energy_dev *d, double t, double v) {
  if (d->have_last) {
    if (t == d->last_t) {
      d->last_v = v;
      if (d->n_keep && d->keep_t[d->n_keep - 1] == t) d->keep_v[d->n_keep - 1] = v;
      return;
    }
    if (e->keep && e->n_bounds >= 2 && t > e->bounds[0] &&
        d->last_t < e->bounds[e->n_bounds - 1]) {
      S_keep(d, d->last_t, d->last_v);
      S_keep(d, t, v);
    }
    S_interval(e, d, d->last_t, d->last_v, t, v);
  }
  d->have_last = true;
  d->last_t = t;
  d->last_v = v;
}

/* Fix the typical interval from the held samples and let them through. */
static void S_fix(tp_energy *e, tp_energy_dev *d) {
  double iv[TP_ENERGY_PROBE];
  size_t n = 0;
  for (size_t i = 1; i < d->n_pend && n < TP_ENERGY_PROBE; i++)
    iv[n++] = d->pend_t[i] - d->pend_t[i - 1]; /* held samples are strictly increasing */
  d->typical_s = 0;
  if (n) {
    qsort(iv, n, sizeof *iv, S_cmp_double);
    d->typical_s = n % 2 ? iv[n / 2] : 0.5 * (iv[n / 2 - 1] + iv[n / 2]);
  }
  d->gap_s = TP_ENERGY_GAP_FACTOR * d->typical_s;
  if (d->gap_s < TP_ENERGY_GAP_MIN_S) d->gap_s = TP_ENERGY_GAP_MIN_S;
  d->fixed = true;
  for (size_t i = 0; i < d->n_pend; i++) S_push(e, d, d->pend_t[i], d->pend_v[i]);
  d->n_pend = 0;
}

void tp_energy_keep_samples(tp_energy *e) { e->keep = true; }

void tp_energy_device_typical(tp_energy *e, int dev, double typical_s) {
  if (dev < 0 || (size_t)dev >= e->n_dev || !(typical_s >= 0)) return;
  tp_energy_dev *d = &e->dev[dev];
  if (d->fixed || d->n_pend) return;
  d->typical_s = typical_s;
  d->gap_s = TP_ENERGY_GAP_FACTOR * typical_s;
  if (d->gap_s < TP_ENERGY_GAP_MIN_S) d->gap_s = TP_ENERGY_GAP_MIN_S;
  d->fixed = true;
}

size_t tp_energy_kept(const tp_energy *e, size_t d, const double **t_s, const double **v) {
  if (d >= e->n_dev) return 0;
  *t_s = e->dev[d].keep_t;
  *v = e->dev[d].keep_v;
  return e->dev[d].n_keep;
}

void tp_energy_sample(tp_energy *e, int dev, double t_s, double value) {
  if (dev < 0 || (size_t)dev >= e->n_dev || e->finished) return;
  tp_energy_dev *d = &e->dev[dev];
  if (!isfinite(t_s) || !isfinite(value) || (d->kind == TP_SAMPLE_POWER_W && value < 0)) {
    d->n_bad++;
    return;
  }
  if (d->fixed) {
    if (d->have_last && t_s < d->last_t) {
      d->n_backwards++;
      return;
    }
    if (isnan(d->first_t)) d->first_t = t_s; /* typical interval given up front */
    S_push(e, d, t_s, value);
    return;
  }
  if (d->n_pend) {
    double last = d->pend_t[d->n_pend - 1];
    if (t_s < last) {
      d->n_backwards++;
      return;
    }
    if (t_s == last) {
      d->pend_v[d->n_pend - 1] = value;
      return;
    }
  } else {
    d->first_t = t_s;
  }
  d->pend_t[d->n_pend] = t_s;
  d->pend_v[d->n_pend] = value;
  if (++d->n_pend == TP_ENERGY_PROBE + 1) S_fix(e, d);
}

static int S_sink_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                         double wrap_j) {
  return tp_energy_device(ctx, id, name, kind, wrap_j);
}

static void S_sink_sample(void *ctx, int device, double t_s, double value) {
  tp_energy_sample(ctx, device, t_s, value);
}

static void S_sink_field(void *ctx, int device, tp_power_field f) {
  tp_energy_field(ctx, device, f);
}

void tp_energy_field(tp_energy *e, int dev, tp_power_field f) {
  if (dev >= 0 && (size_t)dev < e->n_dev) e->dev[dev].field = f;
}

tp_trace_sink tp_energy_sink(tp_energy *e) {
  tp_trace_sink s = {e, S_sink_device, S_sink_sample, NULL, S_sink_field, NULL};
  return s;
}

tp_diags *tp_energy_diags(tp_energy *e) { return &e->diags; }


/* ---- finish ------------------------------------------------------------ */

static void S_device_diags(tp_energy *e, const tp_energy_dev *d) {
  if (d->n_gaps)
    tp_diag_add(&e->diags, TP_WARN, NULL, -1, -1,
                "power trace of %s: %zu gap%s longer than %g s (%g s in all) not bridged; "
                "the time they span counts as not covered",
                d->id, d->n_gaps, d->n_gaps == 1 ? "" : "s", d->gap_s, d->gap_total_s);
  if (d->n_backwards)
    tp_diag_add(&e->diags, TP_WARN, NULL, -1, -1,
                "power trace of %s: %zu sample%s earlier than the one before dropped",
                d->id, d->n_backwards, d->n_backwards == 1 ? "" : "s");
  if (d->n_bad)
    tp_diag_add(&e->diags, TP_WARN, NULL, -1, -1,
                "power trace of %s: %zu sample%s with a non-finite time or value, or a "
                "negative power, dropped",
                d->id, d->n_bad, d->n_bad == 1 ? "" : "s");
  if (d->n_counter_back)
    tp_diag_add(&e->diags, TP_WARN, NULL, -1, -1,
                "energy counter of %s went back %zu time%s with no known wrap value; "
                "those intervals were not bridged",
                d->id, d->n_counter_back, d->n_counter_back == 1 ? "" : "s");
}

bool tp_energy_same_device(const char *id_a, const char *host_a, const char *id_b,
                           const char *host_b) {
  if (strcmp(id_a, id_b) != 0) return false;
  return !host_a || !host_b || tp_energy_same_host(host_a, host_b);
}

tp_device_energy *tp_energy_merge_device(tp_run_energy *re, const char *id, const char *name,
                                         const char *host, double energy_j, double covered_s,
                                         double share_s, double peak_w, double idle_w) {
  tp_device_energy *de = NULL;
  for (size_t i = 0; i < re->n_devices && !de; i++)
    if (tp_energy_same_device(re->devices[i].id, re->devices[i].host, id, host))
      de = &re->devices[i];
  if (!de) {
    re->devices = tp_xrealloc(re->devices, (re->n_devices + 1) * sizeof *re->devices);
    de = &re->devices[re->n_devices++];
    memset(de, 0, sizeof *de);
    de->id = tp_xstrdup(id);
    de->name = name ? tp_xstrdup(name) : NULL;
    de->peak_w = de->idle_w = NAN;
  }
  if (host && !de->host) de->host = tp_xstrdup(host);
  de->energy_j += energy_j;
  de->covered_s += covered_s;
  de->share_s += share_s;
  if (!isnan(peak_w) && (isnan(de->peak_w) || peak_w > de->peak_w)) de->peak_w = peak_w;
  if (!isnan(idle_w) && (isnan(de->idle_w) || idle_w < de->idle_w)) de->idle_w = idle_w;
  return de;
}

void tp_energy_set_coverage(tp_run *run, double dur_s) {
  tp_energy_set_coverage_over(run, (double)run->energy.n_devices * dur_s);
}

void tp_energy_set_coverage_over(tp_run *run, double device_s) {
  tp_run_energy *re = &run->energy;
  double cov = 0;
  for (size_t k = 0; k < re->n_devices; k++) cov += re->devices[k].covered_s;
  re->coverage = re->n_devices && device_s > 0 ? cov / device_s : 0;
  if (re->coverage > 1) re->coverage = 1;
  if (re->coverage < 0.9995)
    tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                "power traces cover %.1f%% of the run's device-time; energy of the rest "
                "is not counted",
                100.0 * re->coverage);
}

/* Seconds in which windows a and b overlap and share a device of the trace. */
static double S_shared_s(const tp_energy *e, const tp_energy_win *a, const tp_energy_win *b) {
  double lo = a->start_s > b->start_s ? a->start_s : b->start_s;
  double hi = a->end_s < b->end_s ? a->end_s : b->end_s;
  if (hi <= lo) return 0;
  for (size_t d = 0; d < e->n_dev; d++) {
    if (!tp_energy_allows_dev(e, a, &e->dev[d]) || !tp_energy_allows_dev(e, b, &e->dev[d]))
      continue;
    bool spans = a->n_spans || b->n_spans;
    if (!a->n_holes && !b->n_holes && !spans) return hi - lo;
    double both = 0; /* holes, spans: the segments both windows have on the device */
    for (size_t s = S_lower_bound(e, lo); s + 1 < e->n_bounds && e->bounds[s] < hi; s++)
      if (S_covers(e, a, s) && S_covers(e, b, s) &&
          (!a->n_spans || tp_energy_span_allows(e, a, &e->dev[d], s)) &&
          (!b->n_spans || tp_energy_span_allows(e, b, &e->dev[d], s)))
        both += e->bounds[s + 1] - e->bounds[s];
    if (both > 0 || !spans) return both;
  }
  return 0;
}

/* Has the trace's span [first sample, last sample] met window w? */
static bool S_overlaps(const tp_energy *e, const tp_energy_win *w) {
  for (size_t d = 0; d < e->n_dev; d++) {
    const tp_energy_dev *dv = &e->dev[d];
    if (isnan(dv->first_t) || !tp_energy_allows_dev(e, w, dv)) continue;
    double last = dv->have_last ? dv->last_t : dv->first_t;
    if (dv->first_t <= w->end_s && last >= w->start_s) return true;
  }
  return false;
}

/* "2026-03-10 10:00:00 UTC" for t_s (buf: 40 bytes). */
static const char *S_utc(char buf[40], double t_s) {
  struct tm tm;
  /* Only times of the years 0-9999 are converted (the cast would overflow). */
  if (!(fabs(t_s) < 253402300800.0)) {
    snprintf(buf, 40, "%.6g s", t_s);
    return buf;
  }
  if (!tp_utc_tm(t_s, &tm) || !strftime(buf, 40, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, 40, "%.0f s", t_s);
  return buf;
}

/* A trace with samples that no run window overlaps is reported: its energy
 * goes nowhere, which is worth saying (a wrong clock, a wrong directory). */
static void S_unused_trace_diag(tp_energy *e) {
  double lo = INFINITY, hi = -INFINITY;
  for (size_t d = 0; d < e->n_dev; d++) {
    const tp_energy_dev *dv = &e->dev[d];
    if (isnan(dv->first_t)) continue;
    double last = dv->have_last ? dv->last_t : dv->first_t;
    if (dv->first_t < lo) lo = dv->first_t;
    if (last > hi) hi = last;
  }
  if (!(lo <= hi)) return; /* no sample at all */
  for (size_t i = 0; i < e->n_win; i++)
    if (e->win[i].valid && S_overlaps(e, &e->win[i])) return;
  char a[40], b[40];
  tp_diag_add(&e->diags, TP_WARN, NULL, -1, -1,
              "the trace's samples (%s to %s) overlap no run's window%s; not used",
              S_utc(a, lo), S_utc(b, hi), e->n_win ? "" : " (no run could use it)");
}

void tp_energy_close(tp_energy *e) {
  if (e->finished) return;
  e->finished = true;
  for (size_t d = 0; d < e->n_dev; d++) {
    if (!e->dev[d].fixed) S_fix(e, &e->dev[d]);
    S_device_diags(e, &e->dev[d]);
  }
  tp_energy_index_holds(e);
  tp_energy_fill_allow(e);
  /* How many runs share each (segment, device). */
  for (size_t i = 0; i < e->n_win; i++) {
    const tp_energy_win *w = &e->win[i];
    if (!w->valid) continue;
    for (size_t d = 0; d < e->n_dev; d++) {
      if (!tp_energy_allows_dev(e, w, &e->dev[d])) continue;
      for (size_t s = w->seg_lo; s < w->seg_hi; s++)
        if (S_covers(e, w, s) && tp_energy_allows_at(e, w, &e->dev[d], s))
          e->dev[d].cells[s].n_runs++;
    }
  }
}

size_t tp_energy_n_devices(const tp_energy *e) { return e->n_dev; }

double tp_energy_total_j(const tp_energy *e) {
  double sum = 0;
  size_t nseg = S_n_segments(e);
  for (size_t d = 0; d < e->n_dev; d++)
    for (size_t s = 0; s < nseg; s++)
      if (e->dev[d].cells[s].n_runs) sum += e->dev[d].cells[s].energy_j;
  return sum;
}

bool tp_energy_met(const tp_energy *e, size_t i) {
  return e->finished && i < e->n_win && e->win[i].valid && S_overlaps(e, &e->win[i]);
}

void tp_energy_get_share(const tp_energy *e, size_t i, size_t d, tp_energy_share *out) {
  const tp_energy_dev *dv = &e->dev[d];
  *out = (tp_energy_share){.id = dv->id, .name = dv->name, .kind = dv->kind,
                           .peak_w = NAN, .idle_w = NAN, .typical_s = dv->typical_s,
                           .wrap_j = dv->wrap_j, .first_s = dv->first_t, .field = dv->field,
                           .last_s = dv->have_last ? dv->last_t : dv->first_t};
  if (i >= e->n_win || !e->win[i].valid) return;
  const tp_energy_win *w = &e->win[i];
  out->allowed = tp_energy_allows_dev(e, w, dv);
  if (!out->allowed) return;
  double peak = -INFINITY, idle = INFINITY;
  for (size_t s = w->seg_lo; s < w->seg_hi; s++) {
    const tp_energy_cell *c = &dv->cells[s];
    if (!S_covers(e, w, s) || !tp_energy_allows_at(e, w, dv, s)) continue;
    if (c->n_runs) {
      out->energy_j += c->energy_j / c->n_runs;
      out->share_s += c->covered_s / c->n_runs;
    }
    out->covered_s += c->covered_s;
    if (c->peak_w > peak) peak = c->peak_w;
    if (c->idle_w < idle) idle = c->idle_w;
    if (c->n_runs > 1) out->shared = true;
  }
  if (peak > -INFINITY) out->peak_w = peak;
  if (idle < INFINITY) out->idle_w = idle;
}

double tp_energy_shared_s(const tp_energy *e, size_t i, size_t j) {
  if (i >= e->n_win || j >= e->n_win || !e->win[i].valid || !e->win[j].valid) return 0;
  return S_shared_s(e, &e->win[i], &e->win[j]);
}

size_t tp_energy_segments(const tp_energy *e, size_t i, const double **bounds) {
  *bounds = NULL;
  if (i >= e->n_win || !e->win[i].valid) return 0;
  *bounds = e->bounds + e->win[i].seg_lo;
  return e->win[i].seg_hi - e->win[i].seg_lo;
}

double tp_energy_cell_j(const tp_energy *e, size_t i, size_t d, size_t k) {
  const tp_energy_win *w = &e->win[i];
  const tp_energy_cell *c = &e->dev[d].cells[w->seg_lo + k];
  if (!S_covers(e, w, w->seg_lo + k)) return 0;
  return c->n_runs && tp_energy_allows_dev(e, w, &e->dev[d]) &&
                 tp_energy_allows_at(e, w, &e->dev[d], w->seg_lo + k)
             ? c->energy_j / c->n_runs
             : 0;
}

/* The seconds window w (with spans) may use its devices, summed over the
 * devices it may use: each device's time in the window's spans on its hosts. */
static double S_device_s(const tp_energy *e, const tp_energy_win *w) {
  double sum = 0;
  for (size_t d = 0; d < e->n_dev; d++) {
    if (!tp_energy_allows_dev(e, w, &e->dev[d])) continue;
    for (size_t s = w->seg_lo; s < w->seg_hi; s++)
      if (S_covers(e, w, s) && tp_energy_span_allows(e, w, &e->dev[d], s))
        sum += e->bounds[s + 1] - e->bounds[s];
  }
  return sum;
}

void tp_energy_finish(tp_energy *e, tp_run *const *runs, size_t n_runs) {
  if (e->finished) return;
  tp_energy_close(e);
  S_unused_trace_diag(e);
  for (size_t i = 0; i < e->n_win && i < n_runs; i++) {
    const tp_energy_win *w = &e->win[i];
    tp_run *run = runs[i];
    if (!run || !w->valid || !S_overlaps(e, w)) continue;
    tp_run_energy *re = &run->energy;
    if (re->method != TP_ENERGY_INTEGRATED && re->method != TP_ENERGY_MEASURED) {
      for (size_t k = 0; k < re->n_devices; k++) {
        free(re->devices[k].id);
        free(re->devices[k].name);
        free(re->devices[k].host);
      }
      free(re->devices);
      re->devices = NULL;
      re->n_devices = 0;
      re->method = TP_ENERGY_MEASURED; /* downgraded below when a power device is met */
      re->it_j = 0;
    }
    bool shared = false;
    for (size_t d = 0; d < e->n_dev; d++) {
      const tp_energy_dev *dv = &e->dev[d];
      if (!tp_energy_allows_dev(e, w, dv)) continue;
      tp_energy_share sh;
      tp_energy_get_share(e, i, d, &sh);
      tp_device_energy *de = tp_energy_merge_device(re, dv->id, dv->name, NULL, sh.energy_j,
                                                    sh.covered_s, sh.share_s, sh.peak_w,
                                                    sh.idle_w);
      if (dv->field != TP_FIELD_UNSAID) de->field = dv->field;
      re->it_j += sh.energy_j;
      if (sh.shared) shared = true;
      if (dv->kind == TP_SAMPLE_POWER_W) re->method = TP_ENERGY_INTEGRATED;
    }
    if (w->n_spans) tp_energy_set_coverage_over(run, S_device_s(e, w));
    else tp_energy_set_coverage(run, S_span_s(w));
    if (!shared) continue;
    re->shared = true;
    for (size_t j = 0; j < e->n_win; j++) {
      if (j == i || !e->win[j].valid) continue;
      double s = S_shared_s(e, w, &e->win[j]);
      if (s > 0)
        tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                    "overlaps run %s for %g s on the same devices; the energy of that "
                    "time was split equally among the runs declared on them",
                    j < n_runs && runs[j] ? runs[j]->id : "(unnamed)", s);
    }
  }
}

size_t tp_energy_profile(const tp_energy *e, size_t i, tp_energy_piece **out) {
  *out = NULL;
  if (!e->finished || i >= e->n_win || !e->win[i].valid || !S_overlaps(e, &e->win[i]))
    return 0;
  const tp_energy_win *w = &e->win[i];
  tp_energy_piece *p = tp_xcalloc(w->seg_hi - w->seg_lo + 1, sizeof *p);
  size_t n = 0;
  for (size_t s = w->seg_lo; s < w->seg_hi; s++) {
    if (!S_covers(e, w, s)) continue;
    double energy = 0;
    for (size_t d = 0; d < e->n_dev; d++) {
      const tp_energy_cell *c = &e->dev[d].cells[s];
      if (c->n_runs && tp_energy_allows_dev(e, w, &e->dev[d]) &&
          tp_energy_allows_at(e, w, &e->dev[d], s))
        energy += c->energy_j / c->n_runs;
    }
    if (energy == 0) continue;
    p[n].start_s = e->bounds[s];
    p[n].end_s = e->bounds[s + 1];
    p[n].energy_j = energy;
    n++;
  }
  if (!n) {
    free(p);
    return 0;
  }
  *out = p;
  return n;
}
