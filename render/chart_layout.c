/* chart_layout: a chart description laid out as a display list: title,
 * legend, frame, grid, ticks and axis titles, then each series by its kind
 * (lines, steps, markers, grouped bars, error bars) or the axes and records
 * of a parallel-coordinates chart.  Colours, dashes and marker shapes per
 * palette index are chosen here too. */
#include "render/chart_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "render/downsample.h"

/* ======================================================================== */
/* Style                                                                     */
/* ======================================================================== */

/* Okabe & Ito (2008), ordered so that neighbours contrast most; black is left
 * out (it is the foreground) and yellow comes last (weak on white). */
static const char *const k_palette[] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                        "#CC79A7", "#56B4E9", "#F0E442"};
#define K_NPAL 7 /* colours before the palette repeats */

const char *tp_chart_colour(int i) {
  if (i < 0) return "#000000";
  return k_palette[i % K_NPAL];
}

/* Font sizes and the padding around the plot, in points. */
#define K_TITLE 11.0
#define K_LABEL 9.5
#define K_TICK 8.5
#define K_PAD 8.0

/* A legend entry. */
typedef struct S_key {
  const char *name;
  int colour;
  int style;          /* tp_draw_style */
} S_key;

static int S_dash_of(int colour) { return colour < 0 ? 1 : (colour / K_NPAL) % 3; }
static int S_shape_of(int colour) { return colour < 0 ? 0 : colour % 5; }

static tp_chart_prim *S_mark(tp_chart_dl *dl, int colour, const char *cls, double x, double y,
                             double r) {
  tp_chart_prim *p = tp_chart_dl_push(dl, TP_PRIM_MARK, colour, cls);
  p->x = x, p->y = y, p->r = r;
  p->shape = S_shape_of(colour);
  return p;
}

/* Legend at the right of the plot; returns its width (0 when empty). */
static double S_legend_width(tp_chart_dl *dl, const S_key *keys, size_t n, double max_w) {
  double w = 0;
  for (size_t i = 0; i < n; i++)
    w = fmax(w, tp_chart_text_width(dl, keys[i].name, K_TICK, false));
  if (n == 0) return 0;
  return fmin(w + 22, max_w);
}

static void S_draw_legend(tp_chart_dl *dl, const S_key *keys, size_t n, double x, double y,
                          double w, double bottom) {
  double lh = 13;
  for (size_t i = 0; i < n; i++) {
    double cy = y + i * lh + lh / 2;
    if (cy + lh / 2 > bottom && i + 1 < n) {
      char more[48];
      snprintf(more, sizeof more, "+%zu more", n - i);
      tp_chart_dl_text(dl, TP_COL_MUTED, "tp-legend", x, cy + K_TICK * 0.35, more, K_TICK,
                       TP_ANCHOR_START, w);
      break;
    }
    const S_key *k = &keys[i];
    char cls[24];
    snprintf(cls, sizeof cls, "tp-legend tp-s%d", k->colour < 0 ? 99 : k->colour % 100);
    if (k->style == TP_DRAW_BARS) {
      tp_chart_dl_rect(dl, k->colour, cls, x, cy - 4.5, 12, 9);
    } else {
      if (k->style != TP_DRAW_MARKERS) {
        tp_chart_prim *p = tp_chart_dl_push(dl, TP_PRIM_LINE, k->colour, cls);
        p->width = 1.6;
        p->dash = S_dash_of(k->colour);
        p->pts = tp_xmalloc(4 * sizeof *p->pts);
        p->pts[0] = x, p->pts[1] = cy, p->pts[2] = x + 14, p->pts[3] = cy;
        p->npts = 2;
      }
      if (k->style == TP_DRAW_MARKERS || k->style == TP_DRAW_LINE_MARKERS)
        S_mark(dl, k->colour, cls, x + 7, cy, 3);
    }
    tp_chart_dl_text(dl, TP_COL_FG, "tp-legend", x + 19, cy + K_TICK * 0.35, k->name, K_TICK,
                     TP_ANCHOR_START, w - 19);
  }
}

static tp_draw_style S_style(const tp_chart *c, const tp_chart_series *s) {
  if (s->style != TP_DRAW_DEFAULT) return s->style;
  switch (c->kind) {
  case TP_CHART_SCATTER: return TP_DRAW_MARKERS;
  case TP_CHART_BAR: return TP_DRAW_BARS;
  default: return TP_DRAW_LINE;
  }
}

/* The finite points of one series: x (replaced by its position in points
 * once placed), y in data units, and each point's index in the series. */
typedef struct S_pts {
  double *x, *y;
  size_t *orig;
  size_t n;
} S_pts;

static void S_pts_finite(S_pts *pt, const tp_chart_series *s) {
  pt->n = 0;
  pt->x = tp_xmalloc((s->n + 1) * sizeof *pt->x);
  pt->y = tp_xmalloc((s->n + 1) * sizeof *pt->y);
  pt->orig = tp_xmalloc((s->n + 1) * sizeof *pt->orig);
  for (size_t k = 0; k < s->n; k++)
    if (isfinite(s->x[k]) && isfinite(s->y[k]))
      pt->x[pt->n] = s->x[k], pt->y[pt->n] = s->y[k], pt->orig[pt->n++] = k;
}

static void S_pts_free(S_pts *pt) {
  free(pt->x);
  free(pt->y);
  free(pt->orig);
}

/* The width in points of one bar among nbars in a category. */
static double S_bar_width(const tp_chart_scale *xs, size_t nbars) {
  double slot = (xs->p1 - xs->p0) / (xs->hi - xs->lo);
  return slot * 0.75 / (double)(nbars ? nbars : 1);
}

/* The centre in points of bar number `slot` (of nbars) in category x. */
static double S_bar_x(const tp_chart_scale *xs, double x, size_t nbars, size_t slot) {
  double span = (xs->p1 - xs->p0) / (xs->hi - xs->lo);
  double bw = span * 0.75 / (double)(nbars ? nbars : 1);
  return tp_chart_scale_map(xs, x) - span * 0.375 + bw * ((double)slot + 0.5);
}

/* Bars from the zero line (or the bottom) to each point; the points' x move
 * to their bar so that error bars sit on it. */
static void S_place_bars(tp_chart_dl *dl, const tp_chart_series *s, const char *cls, S_pts *pt,
                         const tp_chart_scale *xs, const tp_chart_scale *ys, size_t nbars,
                         size_t slot) {
  double y0 = tp_chart_scale_map(ys, ys->lo <= 0 && ys->hi >= 0 ? 0 : ys->lo);
  double bw = S_bar_width(xs, nbars);
  for (size_t k = 0; k < pt->n; k++) {
    double cx = S_bar_x(xs, pt->x[k], nbars, slot);
    double py = tp_chart_scale_map(ys, pt->y[k]);
    tp_chart_dl_rect(dl, s->colour, cls, cx - bw * 0.45, fmin(py, y0), bw * 0.9, fabs(py - y0));
    pt->x[k] = cx;
  }
}

/* Points over categories (repeats), over the bar of their colour when there
 * are bars: spread a little so that they do not hide each other. */
static void S_place_spread(const tp_chart *c, S_pts *pt, const tp_chart_scale *xs, size_t nbars,
                           size_t slot) {
  size_t ncat = c->x.n_categories;
  size_t *seen = tp_xcalloc(ncat + 1, sizeof *seen);
  for (size_t k = 0; k < pt->n; k++) {
    double x = pt->x[k];
    size_t cat = x >= 0 && x < (double)ncat ? (size_t)x : ncat;
    double j = ((double)(seen[cat]++ % 5) - 2) * 2.5;
    double cx = nbars ? S_bar_x(xs, x, nbars, slot) : tp_chart_scale_map(xs, x);
    pt->x[k] = cx + j;
  }
  free(seen);
}

/* A line through the placed points (downsampled to budget: by LTTB, or as
 * an envelope, lowest and highest of each stretch), or steps; a lone point
 * of a line becomes a small marker.  A line of many points is drawn thinner,
 * however few are drawn. */
static void S_draw_path(tp_chart_dl *dl, const tp_chart_series *s, tp_draw_style st,
                        const char *cls, const S_pts *pt, const tp_chart_scale *ys,
                        size_t budget, bool envelope) {
  size_t n = pt->n;
  size_t *idx = tp_xmalloc((n + 1) * sizeof *idx);
  size_t m = st == TP_DRAW_STEP ? n
             : envelope         ? tp_minmax_downsample(pt->x, pt->y, n, budget, idx)
                                : tp_lttb(pt->x, pt->y, n, budget, idx);
  if (st == TP_DRAW_STEP)
    for (size_t k = 0; k < n; k++) idx[k] = k;
  tp_chart_prim *p = tp_chart_dl_push(dl, TP_PRIM_LINE, s->colour, cls);
  p->width = s->colour < 0 ? 1.2 : (envelope ? n : m) > 400 ? 0.9 : 1.4;
  p->dash = S_dash_of(s->colour);
  p->pts = tp_xmalloc((2 * m + 1) * 2 * sizeof *p->pts);
  for (size_t k = 0; k < m; k++) {
    double px = pt->x[idx[k]], py = tp_chart_scale_map(ys, pt->y[idx[k]]);
    if (st == TP_DRAW_STEP && k > 0) {
      p->pts[2 * p->npts] = px;
      p->pts[2 * p->npts + 1] = p->pts[2 * p->npts - 1];
      p->npts++;
    }
    p->pts[2 * p->npts] = px;
    p->pts[2 * p->npts + 1] = py;
    p->npts++;
  }
  if (p->npts < 2 && st != TP_DRAW_LINE_MARKERS && m == 1)
    S_mark(dl, s->colour, cls, pt->x[idx[0]], tp_chart_scale_map(ys, pt->y[idx[0]]), 2.5);
  free(idx);
}

/* Error bars (whiskers with caps) at the placed points that have both ends. */
static void S_draw_errors(tp_chart_dl *dl, const tp_chart_series *s, tp_draw_style st,
                          const S_pts *pt, const tp_chart_scale *ys) {
  for (size_t k = 0; k < pt->n; k++) {
    double lo = s->lo[pt->orig[k]], hi = s->hi[pt->orig[k]], x = pt->x[k];
    if (!isfinite(lo) || !isfinite(hi)) continue;
    double a = tp_chart_scale_map(ys, lo), b = tp_chart_scale_map(ys, hi);
    int col = st == TP_DRAW_BARS ? TP_COL_FG : s->colour;
    tp_chart_dl_line(dl, col, 1, "tp-err", x, a, x, b);
    tp_chart_dl_line(dl, col, 1, "tp-err", x - 3, a, x + 3, a);
    tp_chart_dl_line(dl, col, 1, "tp-err", x - 3, b, x + 3, b);
  }
}

/* Draw one series of an x/y chart.  nbars: the bar series the chart has when
 * this series sits in bar slots (else 0); slot: its place among them. */
static void S_draw_series(tp_chart_dl *dl, const tp_chart *c, const tp_chart_series *s,
                          const tp_chart_scale *xs, const tp_chart_scale *ys, size_t nbars,
                          size_t slot, size_t budget) {
  tp_draw_style st = S_style(c, s);
  char cls[24];
  snprintf(cls, sizeof cls, "tp-series tp-s%d", s->colour < 0 ? 99 : s->colour % 100);
  S_pts pt;
  S_pts_finite(&pt, s);
  if (st == TP_DRAW_BARS) S_place_bars(dl, s, cls, &pt, xs, ys, nbars, slot);
  else if (st == TP_DRAW_MARKERS && xs->ticks && c->x.kind == TP_AXIS_CATEGORY)
    S_place_spread(c, &pt, xs, nbars, slot);
  else
    for (size_t k = 0; k < pt.n; k++) pt.x[k] = tp_chart_scale_map(xs, pt.x[k]);

  if (st == TP_DRAW_LINE || st == TP_DRAW_LINE_MARKERS || st == TP_DRAW_STEP)
    S_draw_path(dl, s, st, cls, &pt, ys, budget, c->envelope_pt > 0);
  if (s->lo) S_draw_errors(dl, s, st, &pt, ys);
  if (st == TP_DRAW_MARKERS || st == TP_DRAW_LINE_MARKERS) {
    for (size_t k = 0; k < pt.n; k++) {
      tp_chart_prim *p = S_mark(dl, s->colour, cls, pt.x[k], tp_chart_scale_map(ys, pt.y[k]), 3.2);
      p->opacity = c->kind == TP_CHART_SCATTER ? 0.85 : 1;
    }
  }
  S_pts_free(&pt);
}

/* Frame, grid, ticks and axis titles of an x/y chart. */
static void S_draw_axes(tp_chart_dl *dl, const tp_chart *c, const tp_chart_scale *xs,
                        const tp_chart_scale *ys, double px0, double py0, double px1, double py1,
                        bool rotate_x) {
  for (size_t i = 0; i < ys->nt; i++) {
    double py = tp_chart_scale_map(ys, ys->ticks[i]);
    tp_chart_dl_line(dl, TP_COL_GRID, 0.6, "tp-grid", px0, py, px1, py);
    tp_chart_dl_line(dl, TP_COL_FG, 0.8, "tp-axis", px0 - 3, py, px0, py);
    tp_chart_dl_text(dl, TP_COL_FG, "tp-tick", px0 - 5, py + K_TICK * 0.35, ys->labels[i], K_TICK,
                     TP_ANCHOR_END, 0);
  }
  double slot = c->x.kind == TP_AXIS_CATEGORY ? (px1 - px0) / (xs->hi - xs->lo) : 0;
  for (size_t i = 0; i < xs->nt; i++) {
    double px = tp_chart_scale_map(xs, xs->ticks[i]);
    if (c->x.kind != TP_AXIS_CATEGORY)
      tp_chart_dl_line(dl, TP_COL_GRID, 0.6, "tp-grid", px, py0, px, py1);
    tp_chart_dl_line(dl, TP_COL_FG, 0.8, "tp-axis", px, py1, px, py1 + 3);
    if (rotate_x) {
      tp_chart_prim *p = tp_chart_dl_text(dl, TP_COL_FG, "tp-tick", px + 3, py1 + 8, xs->labels[i],
                                          K_TICK, TP_ANCHOR_END, 110);
      p->angle = -40;
    } else {
      tp_chart_dl_text(dl, TP_COL_FG, "tp-tick", px, py1 + 5 + K_TICK, xs->labels[i], K_TICK,
                       TP_ANCHOR_MIDDLE, slot > 0 ? slot - 2 : 0);
    }
  }
  tp_chart_dl_line(dl, TP_COL_FG, 0.8, "tp-axis", px0, py1, px1, py1);
  tp_chart_dl_line(dl, TP_COL_FG, 0.8, "tp-axis", px0, py0, px0, py1);
  if (xs->title)
    tp_chart_dl_text(dl, TP_COL_FG, "tp-axis-title", (px0 + px1) / 2, c->height_pt - K_PAD - 1,
                     xs->title, K_LABEL, TP_ANCHOR_MIDDLE, px1 - px0);
  if (ys->title) {
    tp_chart_prim *p = tp_chart_dl_text(dl, TP_COL_FG, "tp-axis-title", K_PAD + K_LABEL * 0.8,
                                        (py0 + py1) / 2, ys->title, K_LABEL, TP_ANCHOR_MIDDLE,
                                        py1 - py0);
    p->angle = -90;
  }
}

/* The shaded x intervals, drawn under everything else. */
static void S_draw_bands(tp_chart_dl *dl, const tp_chart *c, const tp_chart_scale *xs, double px0,
                         double py0, double px1, double py1) {
  for (size_t i = 0; i < c->n_bands; i++) {
    const tp_chart_band *b = &c->bands[i];
    if (!isfinite(b->x0) || !isfinite(b->x1)) continue;
    double a = fmax(px0, tp_chart_scale_map(xs, b->x0));
    double z = fmin(px1, tp_chart_scale_map(xs, b->x1));
    tp_chart_prim *p =
        tp_chart_dl_rect(dl, TP_COL_BAND, "tp-band", a, py0, fmax(z - a, 0.5), py1 - py0);
    p->opacity = 0.12;
    if (b->label)
      tp_chart_dl_text(dl, TP_COL_MUTED, "tp-band-label", a + 3, py0 + K_TICK + 2, b->label,
                       K_TICK, TP_ANCHOR_START, fmax(z - a - 4, 40));
  }
}

/* The bar slot of a series that is not a bar: that of the bar series with
 * its colour (markers over bars), else 0. */
static size_t S_slot_of_colour(const tp_chart *c, int colour) {
  size_t b = 0, slot = 0;
  for (size_t k = 0; k < c->n_series; k++) {
    if (S_style(c, &c->series[k]) != TP_DRAW_BARS) continue;
    if (c->series[k].colour == colour) slot = b;
    b++;
  }
  return slot;
}

/* Every series of an x/y chart: bars first, then lines and markers over them. */
static void S_draw_all_series(tp_chart_dl *dl, const tp_chart *c, const tp_chart_scale *xs,
                              const tp_chart_scale *ys) {
  size_t nbars = 0, nseries_lines = 0;
  for (size_t i = 0; i < c->n_series; i++) {
    tp_draw_style st = S_style(c, &c->series[i]);
    if (st == TP_DRAW_BARS) nbars++;
    else nseries_lines++;
  }
  /* Keep every SVG small: share a point budget among line series. */
  size_t budget = (size_t)(c->max_points > 3 ? c->max_points : 3);
  if (nseries_lines > 0 && budget * nseries_lines > 24000) budget = 24000 / nseries_lines;
  if (budget < 100) budget = 100;
  /* At the plot's resolution: a lowest and a highest point per stretch. */
  double stretches = c->envelope_pt > 0 ? floor((xs->p1 - xs->p0) / c->envelope_pt) : 0;
  if (stretches >= 1 && 2 * stretches + 2 < (double)budget) budget = (size_t)(2 * stretches + 2);
  size_t bar_slot = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < c->n_series; i++) {
      const tp_chart_series *s = &c->series[i];
      bool is_bar = S_style(c, s) == TP_DRAW_BARS;
      if (is_bar != (pass == 0)) continue;
      size_t slot = is_bar ? bar_slot : S_slot_of_colour(c, s->colour);
      S_draw_series(dl, c, s, xs, ys, is_bar || c->x.kind == TP_AXIS_CATEGORY ? nbars : 0, slot,
                    budget);
      if (is_bar) bar_slot++;
    }
  }
}

/* The widest of the labels of s, in points. */
static double S_widest_label(tp_chart_dl *dl, const tp_chart_scale *s) {
  double w = 0;
  for (size_t i = 0; i < s->nt; i++)
    w = fmax(w, tp_chart_text_width(dl, s->labels[i], K_TICK, false));
  return w;
}

static void S_layout_xy(tp_chart_dl *dl, const tp_chart *c, double top, S_key *keys,
                        size_t nkeys) {
  double W = c->width_pt, H = c->height_pt;
  double lw = S_legend_width(dl, keys, nkeys, W * 0.3);
  double right = W - K_PAD - (lw > 0 ? lw + 10 : 0) - 12;
  double bottom_guess = H - K_PAD - K_LABEL - 8 - K_TICK - 6;
  tp_chart_scale ys, xs;
  tp_chart_scale_make(&ys, c, &c->y, false, bottom_guess - top);
  double px0 = K_PAD + (ys.title ? K_LABEL + 8 : 0) + S_widest_label(dl, &ys) + 6;
  tp_chart_scale_make(&xs, c, &c->x, true, right - px0);
  /* Category labels that do not fit their slot are turned. */
  double xtw = S_widest_label(dl, &xs);
  bool rotate =
      c->x.kind == TP_AXIS_CATEGORY && xs.nt > 0 && xtw > (right - px0) / (double)xs.nt - 4;
  double below = rotate ? fmin(xtw, 110) * sin(40 * M_PI / 180) + K_TICK * cos(40 * M_PI / 180) + 8
                        : K_TICK + 6;
  double py1 = H - K_PAD - (xs.title ? K_LABEL + 6 : 0) - below;
  double py0 = top + 6;
  xs.p0 = px0, xs.p1 = right;
  ys.p0 = py1, ys.p1 = py0;

  S_draw_bands(dl, c, &xs, px0, py0, right, py1);
  S_draw_axes(dl, c, &xs, &ys, px0, py0, right, py1, rotate);
  S_draw_all_series(dl, c, &xs, &ys);
  if (lw > 0) S_draw_legend(dl, keys, nkeys, W - K_PAD - lw, py0, lw, py1);
  bool empty = true;
  for (size_t i = 0; i < c->n_series; i++) empty = empty && c->series[i].n == 0;
  if (empty)
    tp_chart_dl_text(dl, TP_COL_MUTED, "tp-empty", (px0 + right) / 2, (py0 + py1) / 2, "No data",
                     K_LABEL, TP_ANCHOR_MIDDLE, 0);
  tp_chart_scale_free(&xs);
  tp_chart_scale_free(&ys);
}

/* Where the axes of a parallel-coordinates chart stand, in points. */
typedef struct S_pgeom {
  size_t na;           /* axes */
  double left, right;  /* x of the first and last axis */
  double gap;          /* between neighbouring axes (0 for one axis) */
  double py0, py1;     /* top and bottom of every axis */
} S_pgeom;

static double S_paxis_x(const S_pgeom *g, size_t a) {
  return g->na > 1 ? g->left + g->gap * (double)a : (g->left + g->right) / 2;
}

/* The scale of parallel axis a: its categories, or round ticks over the
 * records' finite values. */
static void S_paxis_scale(tp_chart_scale *s, const tp_chart *c, size_t a) {
  const tp_chart_paxis *ax = &c->paxes[a];
  if (ax->categorical) {
    size_t nc = ax->n_categories;
    s->lo = 0, s->hi = nc > 1 ? (double)(nc - 1) : 1;
    if (nc == 1) s->lo = -1;
    for (size_t k = 0; k < nc; k++) tp_chart_scale_tick(s, (double)k, ax->categories[k]);
    return;
  }
  double lo = INFINITY, hi = -INFINITY;
  for (size_t r = 0; r < c->n_plines; r++) {
    double v = c->plines[r].values[a];
    if (isfinite(v)) lo = fmin(lo, v), hi = fmax(hi, v);
  }
  if (lo > hi) lo = 0, hi = 1;
  tp_chart_numeric_ticks(s, lo, hi, 4, false, NULL, ax->unit, true, 1);
}

/* Parallel axis a: its line, ticks, label and unit below it. */
static void S_draw_paxis(tp_chart_dl *dl, const tp_chart_paxis *ax, const tp_chart_scale *s,
                         const S_pgeom *g, size_t a) {
  double axx = S_paxis_x(g, a), py0 = g->py0, py1 = g->py1;
  tp_chart_dl_line(dl, TP_COL_FG, 0.8, "tp-axis", axx, py0, axx, py1);
  double tick_w = g->na > 1 ? g->gap - 10 : 120;
  for (size_t k = 0; k < s->nt; k++) {
    double py = tp_chart_scale_map(s, s->ticks[k]);
    tp_chart_dl_line(dl, TP_COL_FG, 0.8, "tp-axis", axx - 3, py, axx, py);
    tp_chart_dl_text(dl, TP_COL_FG, "tp-tick", axx + 4, py + K_TICK * 0.35, s->labels[k],
                     K_TICK - 0.5, TP_ANCHOR_START, fmin(tick_w * 0.6, 90));
  }
  double lab_w = g->na > 1 ? g->gap - 6 : 200;
  if (a == 0 || a + 1 == g->na) lab_w = fmin(lab_w, 2 * 36);
  tp_chart_dl_text(dl, TP_COL_FG, "tp-axis-title", axx, py1 + K_LABEL + 5, ax->label, K_LABEL,
                   TP_ANCHOR_MIDDLE, lab_w);
  if (s->title || (ax->categorical && ax->unit && *ax->unit)) {
    char *u = tp_xasprintf("(%s)", s->title ? s->title : ax->unit);
    tp_chart_dl_text(dl, TP_COL_MUTED, "tp-axis-unit", axx, py1 + 2 * K_LABEL + 7, u, K_TICK,
                     TP_ANCHOR_MIDDLE, lab_w);
    free(u);
  }
}

/* One polyline per record across the axes, broken where a value is unknown.
 * Lines under the axes' labels would be nicer, but the order of the list is
 * the drawing order and the axes must stay readable: draw lines with some
 * transparency instead. */
static void S_draw_plines(tp_chart_dl *dl, const tp_chart *c, const tp_chart_scale *sc,
                          const S_pgeom *g) {
  for (size_t r = 0; r < c->n_plines; r++) {
    const tp_chart_pline *pl = &c->plines[r];
    char cls[24];
    snprintf(cls, sizeof cls, "tp-series tp-s%d", pl->colour < 0 ? 99 : pl->colour % 100);
    tp_chart_prim *p = NULL;
    for (size_t a = 0; a < g->na; a++) {
      double v = pl->values[a];
      if (!isfinite(v)) {
        p = NULL;
        continue;
      }
      if (!p) {
        p = tp_chart_dl_push(dl, TP_PRIM_LINE, pl->colour, cls);
        p->width = 1.3;
        p->opacity = 0.75;
        p->dash = S_dash_of(pl->colour);
        p->pts = tp_xmalloc(2 * g->na * sizeof *p->pts);
      }
      p->pts[2 * p->npts] = S_paxis_x(g, a);
      p->pts[2 * p->npts + 1] = tp_chart_scale_map(&sc[a], v);
      p->npts++;
    }
  }
}

static void S_layout_parallel(tp_chart_dl *dl, const tp_chart *c, double top, S_key *keys,
                              size_t nkeys) {
  double W = c->width_pt, H = c->height_pt;
  double lw = S_legend_width(dl, keys, nkeys, W * 0.28);
  S_pgeom g = {c->n_paxes, K_PAD + 30, W - K_PAD - (lw > 0 ? lw + 14 : 0) - 30, 0, top + 8,
               H - K_PAD - 2 * (K_LABEL + 3) - 4};
  if (g.na == 0) {
    tp_chart_dl_text(dl, TP_COL_MUTED, "tp-empty", W / 2, H / 2, "No data", K_LABEL,
                     TP_ANCHOR_MIDDLE, 0);
    return;
  }
  g.gap = g.na > 1 ? (g.right - g.left) / (double)(g.na - 1) : 0;
  tp_chart_scale *sc = tp_xcalloc(g.na, sizeof *sc);
  for (size_t a = 0; a < g.na; a++) {
    S_paxis_scale(&sc[a], c, a);
    sc[a].p0 = g.py1, sc[a].p1 = g.py0;
    S_draw_paxis(dl, &c->paxes[a], &sc[a], &g, a);
  }
  S_draw_plines(dl, c, sc, &g);
  if (lw > 0) S_draw_legend(dl, keys, nkeys, W - K_PAD - lw, g.py0, lw, g.py1);
  for (size_t a = 0; a < g.na; a++) tp_chart_scale_free(&sc[a]);
  free(sc);
}

/* The whole chart as a display list. */
void tp_chart_layout(tp_chart_dl *dl, const tp_chart *c) {
  tp_chart_dl_init(dl);
  double top = K_PAD;
  if (c->draw_title && c->title && *c->title) {
    tp_chart_prim *p = tp_chart_dl_text(dl, TP_COL_FG, "tp-title", K_PAD, K_PAD + K_TITLE * 0.8,
                                        c->title, K_TITLE, TP_ANCHOR_START,
                                        c->width_pt - 2 * K_PAD);
    p->bold = true;
    free(p->text);
    p->text = tp_chart_clean_fit(dl, c->title, K_TITLE, true, c->width_pt - 2 * K_PAD);
    top += K_TITLE + 6;
  }
  size_t nk = 0;
  S_key *keys = tp_xmalloc((c->n_series + c->n_keys + 1) * sizeof *keys);
  for (size_t i = 0; i < c->n_series; i++)
    if (c->series[i].name && *c->series[i].name)
      keys[nk++] = (S_key){c->series[i].name, c->series[i].colour, S_style(c, &c->series[i])};
  for (size_t i = 0; i < c->n_keys; i++)
    keys[nk++] = (S_key){c->keys[i].name, c->keys[i].colour,
                         c->kind == TP_CHART_BAR ? TP_DRAW_BARS : TP_DRAW_LINE};
  if (c->kind == TP_CHART_PARALLEL) S_layout_parallel(dl, c, top, keys, nk);
  else S_layout_xy(dl, c, top, keys, nk);
  free(keys);
}
