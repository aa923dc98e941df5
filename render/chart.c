/* chart: layout of a chart description into drawing primitives, and the
 * painters that turn them into SVG text (by hand) or PNG/PDF (through cairo).
 *
 * Sections: building the description; numbers and ticks; the display list;
 * layout (axes, legend, series per kind); the SVG writer; the cairo painter.
 */
#include "model/utctime.h"
#include "render/chart.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/downsample.h"
#include "render/template.h"
#include "model/run.h"

/* ======================================================================== */
/* Building                                                                  */
/* ======================================================================== */

static void S_axis_init(tp_chart_axis *a, tp_axis_kind kind) {
  memset(a, 0, sizeof *a);
  a->kind = kind;
  a->si = true;
  a->min = a->max = NAN;
}

static void S_axis_free(tp_chart_axis *a) {
  free(a->label);
  free(a->unit);
  for (size_t i = 0; i < a->n_categories; i++) free(a->categories[i]);
  free(a->categories);
}

static char *S_dup(const char *s) { return s ? tp_xstrdup(s) : NULL; }

tp_chart *tp_chart_new(tp_chart_kind kind, const char *title, const char *desc) {
  tp_chart *c = tp_xcalloc(1, sizeof *c);
  c->kind = kind;
  c->id = tp_xstrdup("chart");
  c->title = tp_xstrdup(title ? title : "");
  c->desc = S_dup(desc);
  c->width_pt = 480;
  c->height_pt = 300;
  c->draw_title = true;
  c->max_points = 2000;
  S_axis_init(&c->x, kind == TP_CHART_BAR ? TP_AXIS_CATEGORY : TP_AXIS_NUMBER);
  S_axis_init(&c->y, TP_AXIS_NUMBER);
  c->y.zero = kind == TP_CHART_BAR;
  return c;
}

/* ---- fingerprint --------------------------------------------------------- */

static void S_hash_axis(tp_hash *h, const tp_chart_axis *a) {
  tp_hash_u64(h, (uint64_t)a->kind);
  tp_hash_str(h, a->label);
  tp_hash_str(h, a->unit);
  tp_hash_u64(h, (uint64_t)a->si << 1 | (uint64_t)a->zero);
  tp_hash_double(h, a->min);
  tp_hash_double(h, a->max);
  tp_hash_u64(h, a->n_categories);
  for (size_t i = 0; i < a->n_categories; i++) tp_hash_str(h, a->categories[i]);
}

void tp_chart_hash(const tp_chart *c, tp_hash *h) {
  /* Every field that shapes the output is fed below.  These sizes trip when a
   * struct grows, so that a new field cannot be forgotten here (a forgotten
   * field would let a changed chart pass for an unchanged one). */
#if UINTPTR_MAX == 0xffffffffffffffffu
  _Static_assert(sizeof(tp_chart_axis) == 72, "a tp_chart_axis field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_series) == 64, "a tp_chart_series field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_band) == 24, "a tp_chart_band field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_paxis) == 48, "a tp_chart_paxis field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_pline) == 16, "a tp_chart_pline field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_key) == 16, "a tp_chart_key field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart) == 320, "a tp_chart field: feed it to tp_chart_hash");
#endif
  /* The painter's version shapes PNG and PDF. */
  tp_hash_u64(h, (uint64_t)cairo_version());
  tp_hash_u64(h, (uint64_t)c->kind);
  tp_hash_str(h, c->id);
  tp_hash_str(h, c->title);
  tp_hash_str(h, c->desc);
  tp_hash_double(h, c->width_pt);
  tp_hash_double(h, c->height_pt);
  tp_hash_u64(h, (uint64_t)c->draw_title);
  tp_hash_u64(h, (uint64_t)(int64_t)c->max_points);
  S_hash_axis(h, &c->x);
  S_hash_axis(h, &c->y);
  tp_hash_u64(h, c->n_series);
  for (size_t i = 0; i < c->n_series; i++) {
    const tp_chart_series *s = &c->series[i];
    tp_hash_str(h, s->name);
    tp_hash_u64(h, (uint64_t)(int64_t)s->colour);
    tp_hash_u64(h, (uint64_t)s->style);
    tp_hash_doubles(h, s->x, s->n);
    tp_hash_doubles(h, s->y, s->n);
    tp_hash_doubles(h, s->lo, s->lo ? s->n : 0);
    tp_hash_doubles(h, s->hi, s->hi ? s->n : 0);
  }
  tp_hash_u64(h, c->n_bands);
  for (size_t i = 0; i < c->n_bands; i++) {
    tp_hash_double(h, c->bands[i].x0);
    tp_hash_double(h, c->bands[i].x1);
    tp_hash_str(h, c->bands[i].label);
  }
  tp_hash_u64(h, c->n_paxes);
  for (size_t i = 0; i < c->n_paxes; i++) {
    const tp_chart_paxis *a = &c->paxes[i];
    tp_hash_str(h, a->label);
    tp_hash_str(h, a->unit);
    tp_hash_u64(h, (uint64_t)a->categorical);
    tp_hash_u64(h, a->n_categories);
    for (size_t k = 0; k < a->n_categories; k++) tp_hash_str(h, a->categories[k]);
  }
  tp_hash_u64(h, c->n_plines);
  for (size_t i = 0; i < c->n_plines; i++) {
    tp_hash_u64(h, (uint64_t)(int64_t)c->plines[i].colour);
    tp_hash_doubles(h, c->plines[i].values, c->n_paxes);
  }
  tp_hash_u64(h, c->n_keys);
  for (size_t i = 0; i < c->n_keys; i++) {
    tp_hash_str(h, c->keys[i].name);
    tp_hash_u64(h, (uint64_t)(int64_t)c->keys[i].colour);
  }
}

void tp_chart_free(tp_chart *c) {
  if (!c) return;
  free(c->id);
  free(c->title);
  free(c->desc);
  S_axis_free(&c->x);
  S_axis_free(&c->y);
  for (size_t i = 0; i < c->n_series; i++) {
    tp_chart_series *s = &c->series[i];
    free(s->name);
    free(s->x);
    free(s->y);
    free(s->lo);
    free(s->hi);
  }
  free(c->series);
  for (size_t i = 0; i < c->n_bands; i++) free(c->bands[i].label);
  free(c->bands);
  for (size_t i = 0; i < c->n_paxes; i++) {
    tp_chart_paxis *a = &c->paxes[i];
    free(a->label);
    free(a->unit);
    for (size_t k = 0; k < a->n_categories; k++) free(a->categories[k]);
    free(a->categories);
  }
  free(c->paxes);
  for (size_t i = 0; i < c->n_plines; i++) free(c->plines[i].values);
  free(c->plines);
  for (size_t i = 0; i < c->n_keys; i++) free(c->keys[i].name);
  free(c->keys);
  free(c);
}

void tp_chart_set_id(tp_chart *c, const char *id) {
  free(c->id);
  c->id = tp_xstrdup(id && *id ? id : "chart");
}

void tp_chart_axis_set(tp_chart_axis *a, tp_axis_kind kind, const char *label, const char *unit) {
  a->kind = kind;
  free(a->label);
  free(a->unit);
  a->label = S_dup(label);
  a->unit = S_dup(unit);
}

static size_t S_add_name(char ***names, size_t *n, size_t *cap, const char *name) {
  TP_GROW(*names, *cap, *n + 1);
  (*names)[*n] = tp_xstrdup(name ? name : "");
  return (*n)++;
}

size_t tp_chart_add_category(tp_chart_axis *a, const char *name) {
  return S_add_name(&a->categories, &a->n_categories, &a->cap_categories, name);
}

tp_chart_series *tp_chart_add_series(tp_chart *c, const char *name, int colour,
                                     tp_draw_style style) {
  TP_GROW(c->series, c->cap_series, c->n_series + 1);
  tp_chart_series *s = &c->series[c->n_series++];
  memset(s, 0, sizeof *s);
  s->name = S_dup(name);
  s->colour = colour;
  s->style = style;
  return s;
}

static void S_series_push(tp_chart_series *s, double x, double y, double lo, double hi) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->x = tp_xrealloc(s->x, s->cap * sizeof *s->x);
    s->y = tp_xrealloc(s->y, s->cap * sizeof *s->y);
    if (s->lo) {
      s->lo = tp_xrealloc(s->lo, s->cap * sizeof *s->lo);
      s->hi = tp_xrealloc(s->hi, s->cap * sizeof *s->hi);
    }
  }
  if (!s->lo && !(isnan(lo) && isnan(hi))) {
    /* The first error bar: earlier points get none. */
    s->lo = tp_xmalloc(s->cap * sizeof *s->lo);
    s->hi = tp_xmalloc(s->cap * sizeof *s->hi);
    for (size_t i = 0; i < s->n; i++) s->lo[i] = s->hi[i] = NAN;
  }
  s->x[s->n] = x;
  s->y[s->n] = y;
  if (s->lo) s->lo[s->n] = lo, s->hi[s->n] = hi;
  s->n++;
}

void tp_chart_series_add(tp_chart_series *s, double x, double y) {
  S_series_push(s, x, y, NAN, NAN);
}

void tp_chart_series_add_err(tp_chart_series *s, double x, double y, double lo, double hi) {
  S_series_push(s, x, y, lo, hi);
}

void tp_chart_add_band(tp_chart *c, double x0, double x1, const char *label) {
  TP_GROW(c->bands, c->cap_bands, c->n_bands + 1);
  tp_chart_band *b = &c->bands[c->n_bands++];
  b->x0 = x0 < x1 ? x0 : x1;
  b->x1 = x0 < x1 ? x1 : x0;
  b->label = S_dup(label);
}

typedef struct S_pp {
  double x, y;
  size_t i;
} S_pp;

static int S_pp_cmp(const void *a, const void *b) {
  const S_pp *p = a, *q = b;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  if (p->y != q->y) return p->y > q->y ? -1 : 1; /* better (higher, after sign) first */
  return p->i < q->i ? -1 : p->i > q->i;
}

size_t tp_pareto_front(const double *x, const double *y, size_t n, bool y_higher_better,
                       size_t *idx) {
  S_pp *pp = tp_xmalloc((n ? n : 1) * sizeof *pp);
  size_t m = 0, out = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i]) && isfinite(y[i]))
      pp[m++] = (S_pp){x[i], y_higher_better ? y[i] : -y[i], i};
  qsort(pp, m, sizeof *pp, S_pp_cmp);
  double best = -INFINITY;
  for (size_t k = 0; k < m; k++) {
    if (pp[k].y > best) {
      best = pp[k].y;
      idx[out++] = pp[k].i;
    }
  }
  free(pp);
  return out;
}

tp_chart_series *tp_chart_add_pareto(tp_chart *c, const char *name, const double *x,
                                     const double *y, size_t n, bool y_higher_better) {
  tp_chart_series *s = tp_chart_add_series(c, name, -1, TP_DRAW_STEP);
  size_t *idx = tp_xmalloc((n ? n : 1) * sizeof *idx);
  size_t m = tp_pareto_front(x, y, n, y_higher_better, idx);
  for (size_t k = 0; k < m; k++) tp_chart_series_add(s, x[idx[k]], y[idx[k]]);
  free(idx);
  return s;
}

tp_chart_paxis *tp_chart_add_paxis(tp_chart *c, const char *label, const char *unit,
                                   bool categorical) {
  TP_GROW(c->paxes, c->cap_paxes, c->n_paxes + 1);
  tp_chart_paxis *a = &c->paxes[c->n_paxes++];
  memset(a, 0, sizeof *a);
  a->label = tp_xstrdup(label ? label : "");
  a->unit = S_dup(unit);
  a->categorical = categorical;
  return a;
}

size_t tp_chart_paxis_add_category(tp_chart_paxis *a, const char *name) {
  return S_add_name(&a->categories, &a->n_categories, &a->cap_categories, name);
}

void tp_chart_add_pline(tp_chart *c, int colour, const double *values) {
  TP_GROW(c->plines, c->cap_plines, c->n_plines + 1);
  tp_chart_pline *p = &c->plines[c->n_plines++];
  p->colour = colour;
  p->values = tp_xmalloc((c->n_paxes ? c->n_paxes : 1) * sizeof *p->values);
  memcpy(p->values, values, c->n_paxes * sizeof *p->values);
}

void tp_chart_add_key(tp_chart *c, const char *name, int colour) {
  TP_GROW(c->keys, c->cap_keys, c->n_keys + 1);
  c->keys[c->n_keys].name = tp_xstrdup(name ? name : "");
  c->keys[c->n_keys++].colour = colour;
}

/* ======================================================================== */
/* Numbers and ticks                                                         */
/* ======================================================================== */

/* Okabe & Ito (2008), ordered so that neighbours contrast most; black is left
 * out (it is the foreground) and yellow comes last (weak on white). */
static const char *const k_palette[] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                        "#CC79A7", "#56B4E9", "#F0E442"};
#define K_NPAL 7

const char *tp_chart_colour(int i) {
  if (i < 0) return "#000000";
  return k_palette[i % K_NPAL];
}

double tp_nice_step(double lo, double hi, int target, double *first) {
  if (!isfinite(lo) || !isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) {
    double t = lo;
    lo = hi, hi = t;
  }
  if (hi - lo < 1e-12 * fmax(fabs(lo), fabs(hi)) || hi == lo) {
    double d = lo == 0 ? 1 : fabs(lo) * 0.1;
    lo -= d, hi += d;
  }
  if (target < 1) target = 1;
  double raw = (hi - lo) / target;
  double mag = pow(10, floor(log10(raw)));
  double f = raw / mag, step;
  if (f < 1.5) step = 1 * mag;
  else if (f < 3.5) step = 2 * mag;
  else if (f < 7.5) step = 5 * mag;
  else step = 10 * mag;
  *first = floor(lo / step + 1e-9) * step;
  return step;
}

const char *tp_nice_number(char buf[32], double v, double step) {
  int dec = 0;
  if (step > 0 && step < 1) dec = (int)ceil(-log10(step) - 1e-9);
  if (dec > 12) dec = 12;
  if (fabs(v) < step * 1e-6) v = 0;
  snprintf(buf, 32, "%.*f", dec, v);
  if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
  return buf;
}

const char *tp_si_prefix(double maxabs, double *scale) {
  static const char *const pre[] = {"p", "n", "\xC2\xB5", "m", "", "k", "M", "G", "T", "P", "E"};
  *scale = 1;
  if (!isfinite(maxabs) || maxabs == 0 || (maxabs >= 0.01 && maxabs < 1000)) return "";
  int e3 = (int)floor(log10(maxabs) / 3 + 1e-12);
  if (e3 < -4) e3 = -4;
  if (e3 > 6) e3 = 6;
  *scale = pow(10, 3 * e3);
  return pre[e3 + 4];
}

/* ======================================================================== */
/* The display list                                                          */
/* ======================================================================== */

/* Colour roles below 0; palette indices from 0. */
enum { C_FG = -1, C_GRID = -2, C_BAND = -3, C_MUTED = -4 };
enum { P_LINE, P_POLY, P_RECT, P_MARK, P_TEXT };
enum { A_START, A_MIDDLE, A_END };

typedef struct S_prim {
  int kind;
  int colour;         /* role or palette index */
  double opacity;     /* 1 = opaque */
  double width;       /* stroke width (LINE, RECT outline when fill < 0), points */
  int dash;           /* 0 solid, 1 dashed, 2 dotted */
  double *pts;        /* LINE/POLY: x,y pairs */
  size_t npts;
  double x, y, w, h;  /* RECT box; MARK/TEXT anchor point (TEXT: baseline) */
  double r;           /* MARK radius */
  int shape;          /* MARK: 0 circle, 1 square, 2 triangle, 3 diamond, 4 down-triangle */
  char *text;         /* TEXT */
  double size;        /* TEXT font size, points */
  int anchor;         /* TEXT: A_START, A_MIDDLE, A_END */
  bool bold;
  double angle;       /* TEXT rotation in degrees (clockwise positive), about (x, y) */
  char cls[24];       /* SVG class */
} S_prim;

typedef struct S_dl {
  S_prim *p;
  size_t n, cap;
  cairo_t *measure;   /* scratch context for text widths */
} S_dl;

static S_prim *S_push(S_dl *dl, int kind, int colour, const char *cls) {
  TP_GROW(dl->p, dl->cap, dl->n + 1);
  S_prim *p = &dl->p[dl->n++];
  memset(p, 0, sizeof *p);
  p->kind = kind;
  p->colour = colour;
  p->opacity = 1;
  p->width = 1;
  snprintf(p->cls, sizeof p->cls, "%s", cls);
  return p;
}

static void S_line(S_dl *dl, int colour, double width, const char *cls, double x0, double y0,
                   double x1, double y1) {
  S_prim *p = S_push(dl, P_LINE, colour, cls);
  p->width = width;
  p->pts = tp_xmalloc(4 * sizeof *p->pts);
  p->pts[0] = x0, p->pts[1] = y0, p->pts[2] = x1, p->pts[3] = y1;
  p->npts = 2;
}

static S_prim *S_rect(S_dl *dl, int colour, const char *cls, double x, double y, double w,
                      double h) {
  S_prim *p = S_push(dl, P_RECT, colour, cls);
  p->x = x, p->y = y, p->w = w, p->h = h;
  return p;
}

static void S_set_font(cairo_t *cr, double size, bool bold) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

static double S_text_width(S_dl *dl, const char *s, double size, bool bold) {
  cairo_text_extents_t ex;
  S_set_font(dl->measure, size, bold);
  cairo_text_extents(dl->measure, s, &ex);
  return ex.x_advance;
}

/* A copy of s on one line (tabs and newlines as spaces) with invalid UTF-8 and
 * other control characters replaced by U+FFFD,
 * shortened with an ellipsis to fit max_w points (max_w <= 0: no limit). */
static char *S_clean_fit(S_dl *dl, const char *s, double size, bool bold, double max_w) {
  tp_buf b = {0};
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  const unsigned char *end = p + strlen((const char *)p);
  while (*p) {
    size_t n = tp_xml_char_len((const char *)p, (size_t)(end - p));
    if (n == 0 || *p == '\n' || *p == '\r' || *p == '\t') {
      tp_buf_adds(&b, n ? " " : "\xEF\xBF\xBD");
      p++;
    } else {
      tp_buf_add(&b, (const char *)p, n);
      p += n;
    }
  }
  char *t = tp_buf_detach(&b);
  if (!t) t = tp_xstrdup("");
  if (max_w > 0 && S_text_width(dl, t, size, bold) > max_w) {
    size_t len = strlen(t);
    /* No label of more than 1024 bytes fits a chart: start the search there
     * (it measures once per character it takes off). */
    if (len > 1024) {
      len = 1024;
      while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80) len--;
    }
    char *u = tp_xmalloc(len + 4);
    while (len > 0) {
      do len--; while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80);
      memcpy(u, t, len);
      memcpy(u + len, "\xE2\x80\xA6", 4);
      if (S_text_width(dl, u, size, bold) <= max_w) break;
    }
    if (len == 0) memcpy(u, "\xE2\x80\xA6", 4);
    free(t);
    t = u;
  }
  return t;
}

static S_prim *S_text(S_dl *dl, int colour, const char *cls, double x, double y, const char *s,
                      double size, int anchor, double max_w) {
  S_prim *p = S_push(dl, P_TEXT, colour, cls);
  p->x = x, p->y = y;
  p->size = size;
  p->anchor = anchor;
  p->text = S_clean_fit(dl, s, size, false, max_w);
  return p;
}

static void S_dl_free(S_dl *dl) {
  for (size_t i = 0; i < dl->n; i++) {
    free(dl->p[i].pts);
    free(dl->p[i].text);
  }
  free(dl->p);
  if (dl->measure) cairo_destroy(dl->measure);
}

/* ======================================================================== */
/* Layout                                                                    */
/* ======================================================================== */

#define K_TITLE 11.0
#define K_LABEL 9.5
#define K_TICK 8.5
#define K_PAD 8.0

/* One axis after layout: its range, ticks and how values map to points. */
typedef struct S_scale {
  double lo, hi;       /* data range shown */
  double p0, p1;       /* where lo and hi fall, in points */
  double *ticks;       /* tick values (data units) */
  char **labels;       /* tick labels */
  size_t nt;
  char *title;         /* axis title with unit, or NULL */
} S_scale;

static double S_map(const S_scale *s, double v) {
  if (s->hi == s->lo) return (s->p0 + s->p1) / 2;
  return s->p0 + (v - s->lo) / (s->hi - s->lo) * (s->p1 - s->p0);
}

static void S_scale_free(S_scale *s) {
  for (size_t i = 0; i < s->nt; i++) free(s->labels[i]);
  free(s->labels);
  free(s->ticks);
  free(s->title);
}

static void S_tick(S_scale *s, double v, const char *label) {
  s->ticks = tp_xrealloc(s->ticks, (s->nt + 1) * sizeof *s->ticks);
  s->labels = tp_xrealloc(s->labels, (s->nt + 1) * sizeof *s->labels);
  s->ticks[s->nt] = v;
  s->labels[s->nt++] = tp_xstrdup(label);
}

static char *S_axis_title(const char *label, const char *unit) {
  bool has_unit = unit && *unit;
  if (!label || !*label) return has_unit ? tp_xstrdup(unit) : NULL;
  if (!has_unit) return tp_xstrdup(label);
  return tp_xasprintf("%s (%s)", label, unit);
}

/* "×10⁻³" for a factor of 10^e3 (e3 a negative multiple of 3). */
static void S_times_ten(char *buf, size_t size, int e3) {
  static const char *const sup[] = {"\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3",
                                    "\xE2\x81\xB4", "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7",
                                    "\xE2\x81\xB8", "\xE2\x81\xB9"};
  int n = snprintf(buf, size, "\xC3\x97" "10%s", e3 < 0 ? "\xE2\x81\xBB" : "");
  int a = e3 < 0 ? -e3 : e3;
  if (a >= 10 && n >= 0 && (size_t)n < size) n += snprintf(buf + n, size - (size_t)n, "%s", sup[a / 10 % 10]);
  if (n >= 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, "%s", sup[a % 10]);
}

/* Numeric ticks over [lo, hi] (in units of unit_scale: 3600 shows seconds as
 * hours), extended to round bounds unless `exact`.  Large values take an SI
 * prefix on the unit ("MJ"), or on each label when there is no unit ("20k");
 * small unitless values a common factor in the title ("×10⁻³"). */
static void S_numeric_ticks(S_scale *s, double lo, double hi, int target, bool exact,
                            const char *label, const char *unit, bool si, double unit_scale) {
  double slo = lo / unit_scale, shi = hi / unit_scale;
  double first, step = tp_nice_step(slo, shi, target, &first);
  if (!exact) {
    if (shi - slo <= 0) slo = first, shi = first + step * target;
    slo = floor(slo / step + 1e-9) * step;
    shi = ceil(shi / step - 1e-9) * step;
    first = slo;
  }
  s->lo = slo * unit_scale, s->hi = shi * unit_scale;
  double scale = 1;
  const char *prefix = si ? tp_si_prefix(fmax(fabs(slo), fabs(shi)), &scale) : "";
  bool unitless = !(unit && *unit);
  char ubuf[64] = "", suffix[8] = "";
  if (!unitless) snprintf(ubuf, sizeof ubuf, "%s%s", prefix, unit);
  else if (scale > 1) snprintf(suffix, sizeof suffix, "%s", prefix);
  else if (scale < 1) S_times_ten(ubuf, sizeof ubuf, (int)lround(log10(scale)));
  for (int i = 0; i < 1000; i++) {
    double v = first + i * step;
    if (v > shi + step * 1e-6) break;
    if (v < slo - step * 1e-6) continue;
    char nb[32], lb[48];
    tp_nice_number(nb, v / scale, step / scale);
    snprintf(lb, sizeof lb, "%s%s", nb, suffix);
    S_tick(s, v * unit_scale, lb);
  }
  s->title = S_axis_title(label, ubuf);
}

static void S_time_label(char buf[32], double t, double step) {
  struct tm tm;
  if (!tp_utc_tm(t, &tm)) {
    snprintf(buf, 32, "?");
    return;
  }
  if (step >= 365 * 86400.0) snprintf(buf, 32, "%04d", tm.tm_year + 1900);
  else if (step >= 28 * 86400.0) snprintf(buf, 32, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  else if (step >= 86400) snprintf(buf, 32, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  else if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
    snprintf(buf, 32, "%02d-%02d", tm.tm_mon + 1, tm.tm_mday);
  else if (step >= 60) snprintf(buf, 32, "%02d:%02d", tm.tm_hour, tm.tm_min);
  else snprintf(buf, 32, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Ticks at round UTC times over [lo, hi]: seconds to weeks, then months. */
static void S_time_ticks(S_scale *s, double lo, double hi, int target, const char *label) {
  static const double steps[] = {1,    2,    5,     10,    15,    30,    60,     120,
                                 300,  600,  900,   1800,  3600,  7200,  10800,  21600,
                                 43200, 86400, 172800, 604800};
  if (!(hi > lo)) lo -= 1800, hi += 1800;
  s->lo = lo, s->hi = hi;
  double span = hi - lo, step = 0;
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
    if (span / steps[i] <= target) {
      step = steps[i];
      break;
    }
  }
  char lb[32];
  if (step > 0) {
    double offset = step == 604800 ? 4 * 86400.0 : 0; /* weeks start on Monday */
    for (double v = ceil((lo - offset) / step) * step + offset; v <= hi; v += step) {
      S_time_label(lb, v, step);
      S_tick(s, v, lb);
    }
  } else {
    static const int msteps[] = {1, 2, 3, 6, 12, 24, 60, 120, 600};
    int ms = 600;
    for (size_t i = 0; i < sizeof msteps / sizeof *msteps; i++) {
      if (span / (msteps[i] * 30.44 * 86400) <= target) {
        ms = msteps[i];
        break;
      }
    }
    struct tm tm;
    int64_t mi = tp_utc_tm(lo, &tm) ? (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon : 1970 * 12;
    mi = (mi + ms - 1) / ms * ms;
    for (int k = 0; k < 1000; k++, mi += ms) {
      double v = 86400.0 * (double)tp_days_from_civil(mi / 12, (int)(mi % 12) + 1, 1);
      if (v < lo) continue;
      if (v > hi) break;
      S_time_label(lb, v, ms * 30.44 * 86400);
      S_tick(s, v, lb);
    }
  }
  /* Sub-day ticks name the day they start on. */
  char day[32] = "";
  if (step > 0 && step < 86400) {
    S_time_label(day, lo, 86400);
    s->title = tp_xasprintf("%s%sUTC, from %s", label ? label : "", label ? " (" : "(", day);
    tp_buf b = {0};
    tp_buf_adds(&b, s->title);
    tp_buf_addc(&b, ')');
    free(s->title);
    s->title = tp_buf_detach(&b);
  } else {
    s->title = tp_xasprintf("%s%sUTC)", label ? label : "", label ? " (" : "(");
  }
}

/* Durations in seconds shown in the unit that reads best. */
static void S_duration_ticks(S_scale *s, double lo, double hi, int target, const char *label) {
  double m = fmax(fabs(lo), fabs(hi)), f = 1;
  const char *u = "s";
  if (m > 72 * 3600.0) f = 86400, u = "d";
  else if (m > 3 * 3600.0) f = 3600, u = "h";
  else if (m > 180) f = 60, u = "min";
  S_numeric_ticks(s, lo, hi, target, false, label ? label : "Time", u, false, f);
}

static void S_category_ticks(S_scale *s, const tp_chart_axis *a) {
  s->lo = -0.5;
  s->hi = a->n_categories ? (double)a->n_categories - 0.5 : 0.5;
  for (size_t i = 0; i < a->n_categories; i++) S_tick(s, (double)i, a->categories[i]);
  s->title = S_axis_title(a->label, a->unit);
}

/* Data range of the chart's series on one axis (x or y), bands included. */
static void S_range(const tp_chart *c, bool want_x, double *lo, double *hi) {
  *lo = INFINITY, *hi = -INFINITY;
  for (size_t i = 0; i < c->n_series; i++) {
    const tp_chart_series *s = &c->series[i];
    for (size_t k = 0; k < s->n; k++) {
      if (!isfinite(s->x[k]) || !isfinite(s->y[k])) continue;
      double v = want_x ? s->x[k] : s->y[k];
      *lo = fmin(*lo, v), *hi = fmax(*hi, v);
      if (!want_x && s->lo) {
        if (isfinite(s->lo[k])) *lo = fmin(*lo, s->lo[k]), *hi = fmax(*hi, s->lo[k]);
        if (isfinite(s->hi[k])) *lo = fmin(*lo, s->hi[k]), *hi = fmax(*hi, s->hi[k]);
      }
    }
  }
  if (want_x)
    for (size_t i = 0; i < c->n_bands; i++)
      if (isfinite(c->bands[i].x0) && isfinite(c->bands[i].x1))
        *lo = fmin(*lo, c->bands[i].x0), *hi = fmax(*hi, c->bands[i].x1);
  if (*lo > *hi) *lo = 0, *hi = 1;
}

static void S_make_scale(S_scale *s, const tp_chart *c, const tp_chart_axis *a, bool is_x,
                         double length) {
  memset(s, 0, sizeof *s);
  if (a->kind == TP_AXIS_CATEGORY) {
    S_category_ticks(s, a);
    return;
  }
  double lo, hi;
  S_range(c, is_x, &lo, &hi);
  if (a->zero && a->kind != TP_AXIS_TIME) lo = fmin(lo, 0), hi = fmax(hi, 0);
  if (c->kind == TP_CHART_SCATTER && a->kind == TP_AXIS_NUMBER) {
    double pad = (hi - lo) * 0.04;
    if (!a->zero || lo < 0) lo -= pad;
    hi += pad;
  }
  bool fixed = isfinite(a->min) || isfinite(a->max);
  if (isfinite(a->min)) lo = a->min;
  if (isfinite(a->max)) hi = a->max;
  int target = (int)fmax(2, floor(length / (is_x ? 70 : 45)));
  if (a->kind == TP_AXIS_TIME) S_time_ticks(s, lo, hi, (int)fmax(2, floor(length / 70)), a->label);
  else if (a->kind == TP_AXIS_DURATION) S_duration_ticks(s, lo, hi, target, a->label);
  else S_numeric_ticks(s, lo, hi, target, fixed, a->label, a->unit, a->si, 1);
  if (fixed) s->lo = lo, s->hi = hi;
}

/* A legend entry. */
typedef struct S_key {
  const char *name;
  int colour;
  int style;          /* tp_draw_style */
} S_key;

static int S_dash_of(int colour) { return colour < 0 ? 1 : (colour / K_NPAL) % 3; }
static int S_shape_of(int colour) { return colour < 0 ? 0 : colour % 5; }

static S_prim *S_mark(S_dl *dl, int colour, const char *cls, double x, double y, double r) {
  S_prim *p = S_push(dl, P_MARK, colour, cls);
  p->x = x, p->y = y, p->r = r;
  p->shape = S_shape_of(colour);
  return p;
}

/* Legend at the right of the plot; returns its width (0 when empty). */
static double S_legend_width(S_dl *dl, const S_key *keys, size_t n, double max_w) {
  double w = 0;
  for (size_t i = 0; i < n; i++) w = fmax(w, S_text_width(dl, keys[i].name, K_TICK, false));
  if (n == 0) return 0;
  return fmin(w + 22, max_w);
}

static void S_draw_legend(S_dl *dl, const S_key *keys, size_t n, double x, double y, double w,
                          double bottom) {
  double lh = 13;
  for (size_t i = 0; i < n; i++) {
    double cy = y + i * lh + lh / 2;
    if (cy + lh / 2 > bottom && i + 1 < n) {
      char more[48];
      snprintf(more, sizeof more, "+%zu more", n - i);
      S_text(dl, C_MUTED, "tp-legend", x, cy + K_TICK * 0.35, more, K_TICK, A_START, w);
      break;
    }
    const S_key *k = &keys[i];
    char cls[24];
    snprintf(cls, sizeof cls, "tp-legend tp-s%d", k->colour < 0 ? 99 : k->colour % 100);
    if (k->style == TP_DRAW_BARS) {
      S_rect(dl, k->colour, cls, x, cy - 4.5, 12, 9);
    } else {
      if (k->style != TP_DRAW_MARKERS) {
        S_prim *p = S_push(dl, P_LINE, k->colour, cls);
        p->width = 1.6;
        p->dash = S_dash_of(k->colour);
        p->pts = tp_xmalloc(4 * sizeof *p->pts);
        p->pts[0] = x, p->pts[1] = cy, p->pts[2] = x + 14, p->pts[3] = cy;
        p->npts = 2;
      }
      if (k->style == TP_DRAW_MARKERS || k->style == TP_DRAW_LINE_MARKERS)
        S_mark(dl, k->colour, cls, x + 7, cy, 3);
    }
    S_text(dl, C_FG, "tp-legend", x + 19, cy + K_TICK * 0.35, k->name, K_TICK, A_START, w - 19);
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

/* Draw one series of an x/y chart. */
static void S_draw_series(S_dl *dl, const tp_chart *c, const tp_chart_series *s, size_t si,
                          const S_scale *xs, const S_scale *ys, size_t nbar_series,
                          size_t bar_slot, size_t budget) {
  tp_draw_style st = S_style(c, s);
  char cls[24];
  snprintf(cls, sizeof cls, "tp-series tp-s%d", s->colour < 0 ? 99 : s->colour % 100);
  (void)si;
  /* Finite points only. */
  size_t n = 0;
  double *x = tp_xmalloc((s->n + 1) * sizeof *x), *y = tp_xmalloc((s->n + 1) * sizeof *y);
  size_t *orig = tp_xmalloc((s->n + 1) * sizeof *orig);
  for (size_t k = 0; k < s->n; k++)
    if (isfinite(s->x[k]) && isfinite(s->y[k])) x[n] = s->x[k], y[n] = s->y[k], orig[n++] = k;

  double y0 = S_map(ys, ys->lo <= 0 && ys->hi >= 0 ? 0 : ys->lo);
  if (st == TP_DRAW_BARS) {
    double slot = (xs->p1 - xs->p0) / (xs->hi - xs->lo);
    double bw = slot * 0.75 / (double)(nbar_series ? nbar_series : 1);
    for (size_t k = 0; k < n; k++) {
      double cx = S_map(xs, x[k]) - slot * 0.375 + bw * ((double)bar_slot + 0.5);
      double py = S_map(ys, y[k]);
      S_rect(dl, s->colour, cls, cx - bw * 0.45, fmin(py, y0), bw * 0.9, fabs(py - y0));
      x[k] = cx; /* error bars below sit on the bar */
    }
  } else if (st == TP_DRAW_MARKERS && xs->ticks && c->x.kind == TP_AXIS_CATEGORY) {
    /* Points over categories (repeats): spread a little so they do not hide each other. */
    size_t *seen = tp_xcalloc(c->x.n_categories + 1, sizeof *seen);
    for (size_t k = 0; k < n; k++) {
      size_t cat = x[k] >= 0 && x[k] < (double)c->x.n_categories ? (size_t)x[k] : c->x.n_categories;
      double j = ((double)(seen[cat]++ % 5) - 2) * 2.5;
      double slot = (xs->p1 - xs->p0) / (xs->hi - xs->lo);
      double bw = slot * 0.75 / (double)(nbar_series ? nbar_series : 1);
      double cx = nbar_series ? S_map(xs, x[k]) - slot * 0.375 + bw * ((double)bar_slot + 0.5)
                              : S_map(xs, x[k]);
      x[k] = cx + j;
    }
    free(seen);
  } else {
    for (size_t k = 0; k < n; k++) x[k] = S_map(xs, x[k]);
  }
  bool mapped_x = true;
  (void)mapped_x;

  if (st == TP_DRAW_LINE || st == TP_DRAW_LINE_MARKERS || st == TP_DRAW_STEP) {
    size_t *idx = tp_xmalloc((n + 1) * sizeof *idx);
    size_t m = st == TP_DRAW_STEP ? n : tp_lttb(x, y, n, budget, idx);
    if (st == TP_DRAW_STEP)
      for (size_t k = 0; k < n; k++) idx[k] = k;
    S_prim *p = S_push(dl, P_LINE, s->colour, cls);
    p->width = s->colour < 0 ? 1.2 : m > 400 ? 0.9 : 1.4;
    p->dash = S_dash_of(s->colour);
    p->pts = tp_xmalloc((2 * m + 1) * 2 * sizeof *p->pts);
    for (size_t k = 0; k < m; k++) {
      double px = x[idx[k]], py = S_map(ys, y[idx[k]]);
      if (st == TP_DRAW_STEP && k > 0) {
        p->pts[2 * p->npts] = px;
        p->pts[2 * p->npts + 1] = p->pts[2 * p->npts - 1];
        p->npts++;
      }
      p->pts[2 * p->npts] = px;
      p->pts[2 * p->npts + 1] = py;
      p->npts++;
    }
    if (p->npts < 2 && st != TP_DRAW_LINE_MARKERS && m == 1) {
      S_mark(dl, s->colour, cls, x[idx[0]], S_map(ys, y[idx[0]]), 2.5);
    }
    free(idx);
  }
  /* Error bars. */
  if (s->lo) {
    for (size_t k = 0; k < n; k++) {
      double lo = s->lo[orig[k]], hi = s->hi[orig[k]];
      if (!isfinite(lo) || !isfinite(hi)) continue;
      double a = S_map(ys, lo), b = S_map(ys, hi);
      int col = st == TP_DRAW_BARS ? C_FG : s->colour;
      S_line(dl, col, 1, "tp-err", x[k], a, x[k], b);
      S_line(dl, col, 1, "tp-err", x[k] - 3, a, x[k] + 3, a);
      S_line(dl, col, 1, "tp-err", x[k] - 3, b, x[k] + 3, b);
    }
  }
  if (st == TP_DRAW_MARKERS || st == TP_DRAW_LINE_MARKERS || (st == TP_DRAW_STEP && n < 200)) {
    double r = st == TP_DRAW_STEP ? 0 : 3.2;
    if (r > 0) {
      for (size_t k = 0; k < n; k++) {
        S_prim *p = S_mark(dl, s->colour, cls, x[k], S_map(ys, y[k]), r);
        p->opacity = c->kind == TP_CHART_SCATTER ? 0.85 : 1;
      }
    }
  }
  free(x);
  free(y);
  free(orig);
}

/* Frame, grid, ticks and axis titles of an x/y chart. */
static void S_draw_axes(S_dl *dl, const tp_chart *c, const S_scale *xs, const S_scale *ys,
                        double px0, double py0, double px1, double py1, bool rotate_x) {
  for (size_t i = 0; i < ys->nt; i++) {
    double py = S_map(ys, ys->ticks[i]);
    S_line(dl, C_GRID, 0.6, "tp-grid", px0, py, px1, py);
    S_line(dl, C_FG, 0.8, "tp-axis", px0 - 3, py, px0, py);
    S_text(dl, C_FG, "tp-tick", px0 - 5, py + K_TICK * 0.35, ys->labels[i], K_TICK, A_END, 0);
  }
  double slot = c->x.kind == TP_AXIS_CATEGORY ? (px1 - px0) / (xs->hi - xs->lo) : 0;
  for (size_t i = 0; i < xs->nt; i++) {
    double px = S_map(xs, xs->ticks[i]);
    if (c->x.kind != TP_AXIS_CATEGORY) S_line(dl, C_GRID, 0.6, "tp-grid", px, py0, px, py1);
    S_line(dl, C_FG, 0.8, "tp-axis", px, py1, px, py1 + 3);
    if (rotate_x) {
      S_prim *p = S_text(dl, C_FG, "tp-tick", px + 3, py1 + 8, xs->labels[i], K_TICK, A_END, 110);
      p->angle = -40;
    } else {
      S_text(dl, C_FG, "tp-tick", px, py1 + 5 + K_TICK, xs->labels[i], K_TICK, A_MIDDLE,
             slot > 0 ? slot - 2 : 0);
    }
  }
  S_line(dl, C_FG, 0.8, "tp-axis", px0, py1, px1, py1);
  S_line(dl, C_FG, 0.8, "tp-axis", px0, py0, px0, py1);
  if (xs->title)
    S_text(dl, C_FG, "tp-axis-title", (px0 + px1) / 2, c->height_pt - K_PAD - 1, xs->title,
           K_LABEL, A_MIDDLE, px1 - px0);
  if (ys->title) {
    S_prim *p = S_text(dl, C_FG, "tp-axis-title", K_PAD + K_LABEL * 0.8, (py0 + py1) / 2,
                       ys->title, K_LABEL, A_MIDDLE, py1 - py0);
    p->angle = -90;
  }
}

static void S_layout_xy(S_dl *dl, const tp_chart *c, double top, S_key *keys, size_t nkeys) {
  double W = c->width_pt, H = c->height_pt;
  double lw = S_legend_width(dl, keys, nkeys, W * 0.3);
  double right = W - K_PAD - (lw > 0 ? lw + 10 : 0) - 12;
  double bottom_guess = H - K_PAD - K_LABEL - 8 - K_TICK - 6;
  S_scale ys, xs;
  S_make_scale(&ys, c, &c->y, false, bottom_guess - top);
  double ytw = 0;
  for (size_t i = 0; i < ys.nt; i++) ytw = fmax(ytw, S_text_width(dl, ys.labels[i], K_TICK, false));
  double px0 = K_PAD + (ys.title ? K_LABEL + 8 : 0) + ytw + 6;
  S_make_scale(&xs, c, &c->x, true, right - px0);
  /* Category labels that do not fit their slot are turned. */
  bool rotate = false;
  double xtw = 0;
  for (size_t i = 0; i < xs.nt; i++) xtw = fmax(xtw, S_text_width(dl, xs.labels[i], K_TICK, false));
  if (c->x.kind == TP_AXIS_CATEGORY && xs.nt > 0 && xtw > (right - px0) / (double)xs.nt - 4)
    rotate = true;
  double below = rotate ? fmin(xtw, 110) * sin(40 * M_PI / 180) + K_TICK * cos(40 * M_PI / 180) + 8
                        : K_TICK + 6;
  double py1 = H - K_PAD - (xs.title ? K_LABEL + 6 : 0) - below;
  double py0 = top + 6;
  xs.p0 = px0, xs.p1 = right;
  ys.p0 = py1, ys.p1 = py0;

  /* Bands under everything. */
  for (size_t i = 0; i < c->n_bands; i++) {
    const tp_chart_band *b = &c->bands[i];
    if (!isfinite(b->x0) || !isfinite(b->x1)) continue;
    double a = fmax(px0, S_map(&xs, b->x0)), z = fmin(right, S_map(&xs, b->x1));
    S_prim *p = S_rect(dl, C_BAND, "tp-band", a, py0, fmax(z - a, 0.5), py1 - py0);
    p->opacity = 0.12;
    if (b->label)
      S_text(dl, C_MUTED, "tp-band-label", a + 3, py0 + K_TICK + 2, b->label, K_TICK, A_START,
             fmax(z - a - 4, 40));
  }
  S_draw_axes(dl, c, &xs, &ys, px0, py0, right, py1, rotate);

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
  size_t bar_slot = 0;
  /* Bars first, then lines and markers over them. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < c->n_series; i++) {
      const tp_chart_series *s = &c->series[i];
      bool is_bar = S_style(c, s) == TP_DRAW_BARS;
      if (is_bar != (pass == 0)) continue;
      /* Markers over bars take the slot of the bar series with their colour. */
      size_t slot = bar_slot;
      if (!is_bar) {
        size_t b = 0;
        slot = 0;
        for (size_t k = 0; k < c->n_series; k++) {
          if (S_style(c, &c->series[k]) != TP_DRAW_BARS) continue;
          if (c->series[k].colour == s->colour) slot = b;
          b++;
        }
      }
      S_draw_series(dl, c, s, i, &xs, &ys, is_bar || c->x.kind == TP_AXIS_CATEGORY ? nbars : 0,
                    slot, budget);
      if (is_bar) bar_slot++;
    }
  }
  if (lw > 0) S_draw_legend(dl, keys, nkeys, W - K_PAD - lw, py0, lw, py1);
  bool empty = true;
  for (size_t i = 0; i < c->n_series; i++) empty = empty && c->series[i].n == 0;
  if (empty)
    S_text(dl, C_MUTED, "tp-empty", (px0 + right) / 2, (py0 + py1) / 2, "No data", K_LABEL,
           A_MIDDLE, 0);
  S_scale_free(&xs);
  S_scale_free(&ys);
}

static void S_layout_parallel(S_dl *dl, const tp_chart *c, double top, S_key *keys,
                              size_t nkeys) {
  double W = c->width_pt, H = c->height_pt;
  size_t na = c->n_paxes;
  double lw = S_legend_width(dl, keys, nkeys, W * 0.28);
  double left = K_PAD + 30, right = W - K_PAD - (lw > 0 ? lw + 14 : 0) - 30;
  double py0 = top + 8, py1 = H - K_PAD - 2 * (K_LABEL + 3) - 4;
  if (na == 0) {
    S_text(dl, C_MUTED, "tp-empty", W / 2, H / 2, "No data", K_LABEL, A_MIDDLE, 0);
    return;
  }
  double gap = na > 1 ? (right - left) / (double)(na - 1) : 0;
  S_scale *sc = tp_xcalloc(na, sizeof *sc);
  for (size_t a = 0; a < na; a++) {
    const tp_chart_paxis *ax = &c->paxes[a];
    S_scale *s = &sc[a];
    double axx = na > 1 ? left + gap * (double)a : (left + right) / 2;
    if (ax->categorical) {
      size_t nc = ax->n_categories;
      s->lo = 0, s->hi = nc > 1 ? (double)(nc - 1) : 1;
      if (nc == 1) s->lo = -1;
      for (size_t k = 0; k < nc; k++) S_tick(s, (double)k, ax->categories[k]);
    } else {
      double lo = INFINITY, hi = -INFINITY;
      for (size_t r = 0; r < c->n_plines; r++) {
        double v = c->plines[r].values[a];
        if (isfinite(v)) lo = fmin(lo, v), hi = fmax(hi, v);
      }
      if (lo > hi) lo = 0, hi = 1;
      S_numeric_ticks(s, lo, hi, 4, false, NULL, ax->unit, true, 1);
    }
    s->p0 = py1, s->p1 = py0;
    S_line(dl, C_FG, 0.8, "tp-axis", axx, py0, axx, py1);
    double tick_w = na > 1 ? gap - 10 : 120;
    for (size_t k = 0; k < s->nt; k++) {
      double py = S_map(s, s->ticks[k]);
      S_line(dl, C_FG, 0.8, "tp-axis", axx - 3, py, axx, py);
      S_prim *p = S_text(dl, C_FG, "tp-tick", axx + 4, py + K_TICK * 0.35, s->labels[k],
                         K_TICK - 0.5, A_START, fmin(tick_w * 0.6, 90));
      (void)p;
    }
    double lab_w = na > 1 ? gap - 6 : 200;
    if (a == 0 || a + 1 == na) lab_w = fmin(lab_w, 2 * 36);
    S_text(dl, C_FG, "tp-axis-title", axx, py1 + K_LABEL + 5, ax->label, K_LABEL, A_MIDDLE,
           lab_w);
    if (s->title || (ax->categorical && ax->unit && *ax->unit)) {
      char *u = tp_xasprintf("(%s)", s->title ? s->title : ax->unit);
      S_text(dl, C_MUTED, "tp-axis-unit", axx, py1 + 2 * K_LABEL + 7, u, K_TICK, A_MIDDLE, lab_w);
      free(u);
    }
  }
  /* Lines under the axes' labels would be nicer, but the order of the list
   * is the drawing order and the axes must stay readable: draw lines with
   * some transparency instead. */
  for (size_t r = 0; r < c->n_plines; r++) {
    const tp_chart_pline *pl = &c->plines[r];
    char cls[24];
    snprintf(cls, sizeof cls, "tp-series tp-s%d", pl->colour < 0 ? 99 : pl->colour % 100);
    S_prim *p = NULL;
    for (size_t a = 0; a < na; a++) {
      double v = pl->values[a];
      if (!isfinite(v)) {
        p = NULL;
        continue;
      }
      if (!p) {
        p = S_push(dl, P_LINE, pl->colour, cls);
        p->width = 1.3;
        p->opacity = 0.75;
        p->dash = S_dash_of(pl->colour);
        p->pts = tp_xmalloc(2 * na * sizeof *p->pts);
      }
      double axx = na > 1 ? left + gap * (double)a : (left + right) / 2;
      p->pts[2 * p->npts] = axx;
      p->pts[2 * p->npts + 1] = S_map(&sc[a], v);
      p->npts++;
    }
  }
  if (lw > 0) S_draw_legend(dl, keys, nkeys, W - K_PAD - lw, py0, lw, py1);
  for (size_t a = 0; a < na; a++) S_scale_free(&sc[a]);
  free(sc);
}

/* The whole chart as a display list. */
static void S_layout(S_dl *dl, const tp_chart *c) {
  cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  dl->measure = cairo_create(scratch);
  cairo_surface_destroy(scratch); /* the context holds its own reference */
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(dl->measure, fo);
  cairo_font_options_destroy(fo);

  double top = K_PAD;
  if (c->draw_title && c->title && *c->title) {
    S_prim *p = S_text(dl, C_FG, "tp-title", K_PAD, K_PAD + K_TITLE * 0.8, c->title, K_TITLE,
                       A_START, c->width_pt - 2 * K_PAD);
    p->bold = true;
    free(p->text);
    p->text = S_clean_fit(dl, c->title, K_TITLE, true, c->width_pt - 2 * K_PAD);
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

/* ======================================================================== */
/* SVG                                                                       */
/* ======================================================================== */

/* Coordinates beyond this many SVG units are clamped to it: a degenerate
 * scale (extreme values in a damaged input) can put a point anywhere, and
 * rounding such a number to an integer would overflow.  Charts drawn from
 * real data stay far inside (a few thousand units). */
#define S_COORD_MAX 1e12

/* A coordinate with one decimal, locale-independent, "-0" never; not a number
 * is written as 0 and a value beyond +-S_COORD_MAX as that bound. */
static void S_num(tp_buf *b, double v) {
  if (isnan(v)) v = 0;
  if (v > S_COORD_MAX) v = S_COORD_MAX;
  if (v < -S_COORD_MAX) v = -S_COORD_MAX;
  long long t = llround(v * 10);
  if (t < 0) tp_buf_addc(b, '-'), t = -t;
  tp_buf_printf(b, "%lld", t / 10);
  if (t % 10) tp_buf_printf(b, ".%lld", t % 10);
}

/* Text escaped for XML content and attribute values. */
static void S_esc(tp_buf *b, const char *s) { tp_xml_escape(b, s, strlen(s)); }

/* ` name="v"` with v as a coordinate. */
static void S_num_attr(tp_buf *b, const char *name, double v) {
  tp_buf_printf(b, " %s=\"", name);
  S_num(b, v);
  tp_buf_addc(b, '"');
}

static void S_class_attr(tp_buf *b, const char *cls) {
  tp_buf_adds(b, " class=\"");
  S_esc(b, cls);
  tp_buf_addc(b, '"');
}

static void S_svg_paint(tp_buf *b, const char *what, int colour, double opacity) {
  if (colour == C_GRID) opacity *= 0.18;
  if (colour == C_MUTED) opacity *= 0.7;
  tp_buf_printf(b, " %s=\"%s\"", what, colour < 0 ? "currentColor" : tp_chart_colour(colour));
  if (opacity < 1) {
    tp_buf_printf(b, " %s-opacity=\"", what);
    tp_buf_printf(b, "%d.%02d\"", (int)(opacity * 100 + 0.5) / 100, (int)(opacity * 100 + 0.5) % 100);
  }
}

static void S_svg_marker(tp_buf *b, const S_prim *p) {
  double x = p->x, y = p->y, r = p->r;
  if (p->shape == 0) {
    tp_buf_adds(b, "<circle");
    S_num_attr(b, "cx", x);
    S_num_attr(b, "cy", y);
    S_num_attr(b, "r", r);
  } else {
    double pts[8];
    int n = 0;
    switch (p->shape) {
    case 1: r *= 0.9; pts[0] = x - r, pts[1] = y - r, pts[2] = x + r, pts[3] = y - r;
            pts[4] = x + r, pts[5] = y + r, pts[6] = x - r, pts[7] = y + r, n = 4; break;
    case 2: r *= 1.2; pts[0] = x, pts[1] = y - r, pts[2] = x + r * 0.87, pts[3] = y + r * 0.5;
            pts[4] = x - r * 0.87, pts[5] = y + r * 0.5, n = 3; break;
    case 3: r *= 1.25; pts[0] = x, pts[1] = y - r, pts[2] = x + r, pts[3] = y;
            pts[4] = x, pts[5] = y + r, pts[6] = x - r, pts[7] = y, n = 4; break;
    default: r *= 1.2; pts[0] = x, pts[1] = y + r, pts[2] = x + r * 0.87, pts[3] = y - r * 0.5;
             pts[4] = x - r * 0.87, pts[5] = y - r * 0.5, n = 3; break;
    }
    tp_buf_adds(b, "<polygon points=\"");
    for (int i = 0; i < n; i++) {
      if (i) tp_buf_addc(b, ' ');
      S_num(b, pts[2 * i]);
      tp_buf_addc(b, ',');
      S_num(b, pts[2 * i + 1]);
    }
    tp_buf_addc(b, '"');
  }
}

static void S_svg_prim(tp_buf *b, const S_prim *p) {
  static const char *const anchors[] = {"start", "middle", "end"};
  switch (p->kind) {
  case P_LINE:
    tp_buf_adds(b, "<polyline class=\"");
    S_esc(b, p->cls);
    tp_buf_adds(b, "\" fill=\"none\" points=\"");
    for (size_t i = 0; i < p->npts; i++) {
      if (i) tp_buf_addc(b, ' ');
      S_num(b, p->pts[2 * i]);
      tp_buf_addc(b, ',');
      S_num(b, p->pts[2 * i + 1]);
    }
    tp_buf_addc(b, '"');
    S_svg_paint(b, "stroke", p->colour, p->opacity);
    S_num_attr(b, "stroke-width", p->width);
    if (p->dash == 1) tp_buf_adds(b, " stroke-dasharray=\"5 3\"");
    if (p->dash == 2) tp_buf_adds(b, " stroke-dasharray=\"1.5 2\"");
    if (p->npts > 2) tp_buf_adds(b, " stroke-linejoin=\"round\"");
    tp_buf_adds(b, "/>\n");
    break;
  case P_RECT:
    tp_buf_adds(b, "<rect");
    S_class_attr(b, p->cls);
    S_num_attr(b, "x", p->x);
    S_num_attr(b, "y", p->y);
    S_num_attr(b, "width", p->w);
    S_num_attr(b, "height", p->h);
    S_svg_paint(b, "fill", p->colour, p->opacity);
    tp_buf_adds(b, "/>\n");
    break;
  case P_MARK:
    S_svg_marker(b, p);
    S_class_attr(b, p->cls);
    S_svg_paint(b, "fill", p->colour, p->opacity);
    tp_buf_adds(b, "/>\n");
    break;
  case P_TEXT:
    tp_buf_adds(b, "<text");
    S_class_attr(b, p->cls);
    S_num_attr(b, "x", p->x);
    S_num_attr(b, "y", p->y);
    S_num_attr(b, "font-size", p->size);
    if (p->anchor != A_START) tp_buf_printf(b, " text-anchor=\"%s\"", anchors[p->anchor]);
    if (p->bold) tp_buf_adds(b, " font-weight=\"bold\"");
    if (p->angle != 0) {
      tp_buf_adds(b, " transform=\"rotate(");
      S_num(b, p->angle);
      tp_buf_addc(b, ' ');
      S_num(b, p->x);
      tp_buf_addc(b, ' ');
      S_num(b, p->y);
      tp_buf_adds(b, ")\"");
    }
    S_svg_paint(b, "fill", p->colour, p->opacity);
    tp_buf_addc(b, '>');
    S_esc(b, p->text);
    tp_buf_adds(b, "</text>\n");
    break;
  default: break;
  }
}

void tp_chart_svg(const tp_chart *c, tp_buf *out) {
  S_dl dl = {0};
  S_layout(&dl, c);
  char *id = S_clean_fit(&dl, c->id, 1, false, 0);
  char *title = S_clean_fit(&dl, c->title, 1, false, 0);
  char *desc = c->desc ? S_clean_fit(&dl, c->desc, 1, false, 0) : NULL;
  tp_buf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tp-chart\" viewBox=\"0 0 ");
  S_num(out, c->width_pt);
  tp_buf_addc(out, ' ');
  S_num(out, c->height_pt);
  tp_buf_adds(out, "\" width=\"");
  S_num(out, c->width_pt);
  tp_buf_adds(out, "\" height=\"");
  S_num(out, c->height_pt);
  tp_buf_adds(out, "\" role=\"img\" aria-labelledby=\"");
  S_esc(out, id);
  tp_buf_adds(out, "-title");
  if (desc) {
    tp_buf_addc(out, ' ');
    S_esc(out, id);
    tp_buf_adds(out, "-desc");
  }
  tp_buf_adds(out, "\" font-family=\"sans-serif\" color=\"#1a1a1a\">\n<title id=\"");
  S_esc(out, id);
  tp_buf_adds(out, "-title\">");
  S_esc(out, title);
  tp_buf_adds(out, "</title>\n");
  if (desc) {
    tp_buf_adds(out, "<desc id=\"");
    S_esc(out, id);
    tp_buf_adds(out, "-desc\">");
    S_esc(out, desc);
    tp_buf_adds(out, "</desc>\n");
  }
  for (size_t i = 0; i < dl.n; i++) S_svg_prim(out, &dl.p[i]);
  tp_buf_adds(out, "</svg>\n");
  free(id);
  free(title);
  free(desc);
  S_dl_free(&dl);
}

/* ======================================================================== */
/* cairo (PNG, PDF)                                                          */
/* ======================================================================== */

static void S_cairo_colour(cairo_t *cr, int colour, double opacity) {
  double r = 0.102, g = 0.102, bl = 0.102; /* #1a1a1a, the SVG's default colour */
  if (colour == C_GRID) opacity *= 0.18;
  if (colour == C_MUTED) opacity *= 0.7;
  if (colour >= 0) {
    unsigned v = (unsigned)strtoul(tp_chart_colour(colour) + 1, NULL, 16);
    r = ((v >> 16) & 255) / 255.0, g = ((v >> 8) & 255) / 255.0, bl = (v & 255) / 255.0;
  }
  cairo_set_source_rgba(cr, r, g, bl, opacity);
}

static void S_cairo_marker(cairo_t *cr, const S_prim *p) {
  double x = p->x, y = p->y, r = p->r;
  switch (p->shape) {
  case 0: cairo_new_sub_path(cr); cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
  case 1: r *= 0.9; cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r); break;
  case 2: r *= 1.2; cairo_move_to(cr, x, y - r); cairo_line_to(cr, x + r * 0.87, y + r * 0.5);
          cairo_line_to(cr, x - r * 0.87, y + r * 0.5); cairo_close_path(cr); break;
  case 3: r *= 1.25; cairo_move_to(cr, x, y - r); cairo_line_to(cr, x + r, y);
          cairo_line_to(cr, x, y + r); cairo_line_to(cr, x - r, y); cairo_close_path(cr); break;
  default: r *= 1.2; cairo_move_to(cr, x, y + r); cairo_line_to(cr, x + r * 0.87, y - r * 0.5);
           cairo_line_to(cr, x - r * 0.87, y - r * 0.5); cairo_close_path(cr); break;
  }
  cairo_fill(cr);
}

static void S_cairo_paint(cairo_t *cr, const S_dl *dl) {
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t i = 0; i < dl->n; i++) {
    const S_prim *p = &dl->p[i];
    S_cairo_colour(cr, p->colour, p->opacity);
    switch (p->kind) {
    case P_LINE: {
      static const double dashed[] = {5, 3}, dotted[] = {1.5, 2};
      if (p->dash == 1) cairo_set_dash(cr, dashed, 2, 0);
      else if (p->dash == 2) cairo_set_dash(cr, dotted, 2, 0);
      else cairo_set_dash(cr, NULL, 0, 0);
      cairo_set_line_width(cr, p->width);
      for (size_t k = 0; k < p->npts; k++) {
        if (k == 0) cairo_move_to(cr, p->pts[0], p->pts[1]);
        else cairo_line_to(cr, p->pts[2 * k], p->pts[2 * k + 1]);
      }
      cairo_stroke(cr);
      break;
    }
    case P_RECT:
      cairo_rectangle(cr, p->x, p->y, p->w, p->h);
      cairo_fill(cr);
      break;
    case P_MARK: S_cairo_marker(cr, p); break;
    case P_TEXT: {
      cairo_text_extents_t ex;
      S_set_font(cr, p->size, p->bold);
      cairo_text_extents(cr, p->text, &ex);
      double dx = p->anchor == A_MIDDLE ? -ex.x_advance / 2 : p->anchor == A_END ? -ex.x_advance : 0;
      cairo_save(cr);
      cairo_translate(cr, p->x, p->y);
      if (p->angle != 0) cairo_rotate(cr, p->angle * M_PI / 180);
      cairo_move_to(cr, dx, 0);
      cairo_show_text(cr, p->text);
      cairo_restore(cr);
      break;
    }
    default: break;
    }
  }
}

static int S_fail(char **err, const char *path, const char *why) {
  if (err) *err = tp_xasprintf("%s: cannot write chart: %s", path, why);
  return -1;
}

int tp_chart_write(const tp_chart *c, tp_chart_format fmt, const char *path, char **err) {
  if (err) *err = NULL;
  if (fmt == TP_CHART_SVG) {
    tp_buf b = {0};
    tp_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    tp_chart_svg(c, &b);
    FILE *f = fopen(path, "wb");
    int rc = 0;
    if (!f) return tp_buf_free(&b), S_fail(err, path, strerror(errno));
    if (fwrite(b.data, 1, b.len, f) != b.len) rc = S_fail(err, path, strerror(errno));
    if (fclose(f) != 0 && rc == 0) rc = S_fail(err, path, strerror(errno));
    tp_buf_free(&b);
    return rc;
  }

  S_dl dl = {0};
  S_layout(&dl, c);
  int rc = 0;
  cairo_surface_t *surf;
  double scale = 1;
  if (fmt == TP_CHART_PNG) {
    scale = 300.0 / 72.0;
    surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(c->width_pt * scale - 1e-9),
                                      (int)ceil(c->height_pt * scale - 1e-9));
  } else {
    surf = cairo_pdf_surface_create(path, c->width_pt, c->height_pt);
    /* A fixed date, so that the same chart gives the same bytes. */
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, c->title ? c->title : "");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "trainprint");
  }
  cairo_t *cr = cairo_create(surf);
  if (fmt == TP_CHART_PNG) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
  }
  S_cairo_paint(cr, &dl);
  cairo_destroy(cr);
  if (fmt == TP_CHART_PNG) {
    cairo_status_t st = cairo_surface_write_to_png(surf, path);
    if (st != CAIRO_STATUS_SUCCESS) rc = S_fail(err, path, cairo_status_to_string(st));
  } else {
    cairo_surface_finish(surf);
    cairo_status_t st = cairo_surface_status(surf);
    if (st != CAIRO_STATUS_SUCCESS) rc = S_fail(err, path, cairo_status_to_string(st));
  }
  cairo_surface_destroy(surf);
  S_dl_free(&dl);
  return rc;
}

/* ======================================================================== */
/* CSV                                                                       */
/* ======================================================================== */

static void S_csv_field(tp_buf *out, const char *s) {
  S_dl none = {0}; /* cleaning without fitting needs no measuring context */
  char *t = S_clean_fit(&none, s ? s : "", 0, false, 0);
  if (strpbrk(t, ",\"\n\r")) {
    tp_buf_addc(out, '"');
    for (const char *p = t; *p; p++) {
      if (*p == '"') tp_buf_addc(out, '"');
      tp_buf_addc(out, *p);
    }
    tp_buf_addc(out, '"');
  } else {
    tp_buf_adds(out, t);
  }
  free(t);
}

static void S_csv_number(tp_buf *out, double v) {
  char nb[32];
  if (isfinite(v)) tp_buf_adds(out, tp_fmt_double(nb, v));
}

/* A value on an axis as CSV text: category name, ISO time, or number. */
static void S_csv_value(tp_buf *out, tp_axis_kind kind, char *const *cats, size_t ncats, double v) {
  if (kind == TP_AXIS_CATEGORY && v >= 0 && v < (double)ncats && v == floor(v)) {
    S_csv_field(out, cats[(size_t)v]);
  } else if (kind == TP_AXIS_TIME && isfinite(v)) {
    struct tm tm;
    if (tp_utc_tm(v, &tm))
      tp_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  } else {
    S_csv_number(out, v);
  }
}

void tp_chart_csv(const tp_chart *c, tp_buf *out) {
  if (c->kind == TP_CHART_PARALLEL) {
    for (size_t a = 0; a < c->n_paxes; a++) {
      S_csv_field(out, c->paxes[a].label);
      tp_buf_addc(out, ',');
    }
    tp_buf_adds(out, "key\r\n");
    for (size_t r = 0; r < c->n_plines; r++) {
      const tp_chart_pline *pl = &c->plines[r];
      for (size_t a = 0; a < c->n_paxes; a++) {
        const tp_chart_paxis *ax = &c->paxes[a];
        S_csv_value(out, ax->categorical ? TP_AXIS_CATEGORY : TP_AXIS_NUMBER, ax->categories,
                    ax->n_categories, pl->values[a]);
        tp_buf_addc(out, ',');
      }
      for (size_t k = 0; k < c->n_keys; k++) {
        if (c->keys[k].colour == pl->colour) {
          S_csv_field(out, c->keys[k].name);
          break;
        }
      }
      tp_buf_adds(out, "\r\n");
    }
    return;
  }
  tp_buf_adds(out, "series,x,y,lo,hi\r\n");
  for (size_t i = 0; i < c->n_series; i++) {
    const tp_chart_series *s = &c->series[i];
    for (size_t k = 0; k < s->n; k++) {
      S_csv_field(out, s->name);
      tp_buf_addc(out, ',');
      S_csv_value(out, c->x.kind, c->x.categories, c->x.n_categories, s->x[k]);
      tp_buf_addc(out, ',');
      S_csv_number(out, s->y[k]);
      tp_buf_addc(out, ',');
      if (s->lo) S_csv_number(out, s->lo[k]);
      tp_buf_addc(out, ',');
      if (s->hi) S_csv_number(out, s->hi[k]);
      tp_buf_adds(out, "\r\n");
    }
  }
}

void tp_chart_cleanup(void) {
  cairo_debug_reset_static_data();
  /* cairo keeps a fontconfig configuration alive; FcFini releases it.  It is
   * looked up rather than linked, as cairo's pkg-config entry does not name
   * fontconfig and cairo may be built without it. */
  void *sym = dlsym(RTLD_DEFAULT, "FcFini");
  if (sym) {
    void (*fc_fini)(void);
    memcpy(&fc_fini, &sym, sizeof fc_fini);
    fc_fini();
  }
}
