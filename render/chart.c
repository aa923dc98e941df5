/* chart: the build API of a chart description, its fingerprint, and the
 * display list that the layout fills and the back ends walk.
 *
 * The rest of the layer, one concern per file (declarations shared in
 * render/chart_impl.h): chart_scale.c (ranges, round ticks, SI prefixes,
 * time axes), chart_layout.c (axes, legend, series per kind),
 * chart_svg.c (SVG text), chart_cairo.c (PNG and PDF), chart_csv.c (the
 * numbers as CSV).
 */
#include "render/chart.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/run.h"
#include "render/chart_impl.h"
#include "render/template.h"

/* ======================================================================== */
/* Building                                                                  */
/* ======================================================================== */

static void S_axis_init(tp_chart_axis *a, tp_axis_kind kind) {
  memset(a, 0, sizeof *a);
  a->kind = kind;
  a->si = true;
  a->min = a->max = a->origin_s = NAN;
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
  tp_hash_double(h, a->origin_s);
  tp_hash_u64(h, a->n_categories);
  for (size_t i = 0; i < a->n_categories; i++) tp_hash_str(h, a->categories[i]);
}

void tp_chart_hash(const tp_chart *c, tp_hash *h) {
  /* Every field that shapes the output is fed below.  These sizes trip when a
   * struct grows, so that a new field cannot be forgotten here (a forgotten
   * field would let a changed chart pass for an unchanged one). */
#if UINTPTR_MAX == 0xffffffffffffffffu
  _Static_assert(sizeof(tp_chart_axis) == 80, "a tp_chart_axis field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_series) == 64, "a tp_chart_series field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_band) == 24, "a tp_chart_band field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_paxis) == 48, "a tp_chart_paxis field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_pline) == 16, "a tp_chart_pline field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart_key) == 16, "a tp_chart_key field: feed it to tp_chart_hash");
  _Static_assert(sizeof(tp_chart) == 352, "a tp_chart field: feed it to tp_chart_hash");
#endif
  /* The painter's version shapes PNG and PDF. */
  tp_hash_u64(h, (uint64_t)cairo_version());
  tp_hash_u64(h, (uint64_t)c->kind);
  tp_hash_str(h, c->id);
  tp_hash_str(h, c->key);
  tp_hash_str(h, c->title);
  tp_hash_str(h, c->desc);
  tp_hash_double(h, c->width_pt);
  tp_hash_double(h, c->height_pt);
  tp_hash_u64(h, (uint64_t)c->draw_title);
  tp_hash_u64(h, (uint64_t)(int64_t)c->max_points);
  tp_hash_double(h, c->envelope_pt);
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
  free(c->key);
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

void tp_chart_set_key(tp_chart *c, const char *key) {
  free(c->key);
  c->key = S_dup(key);
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
/* The display list                                                          */
/* ======================================================================== */

tp_chart_prim *tp_chart_dl_push(tp_chart_dl *dl, int kind, int colour, const char *cls) {
  TP_GROW(dl->p, dl->cap, dl->n + 1);
  tp_chart_prim *p = &dl->p[dl->n++];
  memset(p, 0, sizeof *p);
  p->kind = kind;
  p->colour = colour;
  p->opacity = 1;
  p->width = 1;
  snprintf(p->cls, sizeof p->cls, "%s", cls);
  return p;
}

void tp_chart_dl_line(tp_chart_dl *dl, int colour, double width, const char *cls, double x0,
                      double y0, double x1, double y1) {
  tp_chart_prim *p = tp_chart_dl_push(dl, TP_PRIM_LINE, colour, cls);
  p->width = width;
  p->pts = tp_xmalloc(4 * sizeof *p->pts);
  p->pts[0] = x0, p->pts[1] = y0, p->pts[2] = x1, p->pts[3] = y1;
  p->npts = 2;
}

tp_chart_prim *tp_chart_dl_rect(tp_chart_dl *dl, int colour, const char *cls, double x, double y,
                                double w, double h) {
  tp_chart_prim *p = tp_chart_dl_push(dl, TP_PRIM_RECT, colour, cls);
  p->x = x, p->y = y, p->w = w, p->h = h;
  return p;
}

void tp_chart_set_font(cairo_t *cr, double size, bool bold) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

void tp_chart_unhinted(cairo_t *cr) {
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);
}

void tp_chart_dl_init(tp_chart_dl *dl) {
  cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  dl->measure = cairo_create(scratch);
  cairo_surface_destroy(scratch); /* the context holds its own reference */
  tp_chart_unhinted(dl->measure);
}

double tp_chart_text_width(tp_chart_dl *dl, const char *s, double size, bool bold) {
  cairo_text_extents_t ex;
  tp_chart_set_font(dl->measure, size, bold);
  cairo_text_extents(dl->measure, s, &ex);
  return ex.x_advance;
}

char *tp_chart_clean(const char *s) {
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
  return t ? t : tp_xstrdup("");
}

char *tp_chart_clean_fit(tp_chart_dl *dl, const char *s, double size, bool bold, double max_w) {
  char *t = tp_chart_clean(s);
  if (max_w > 0 && tp_chart_text_width(dl, t, size, bold) > max_w) {
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
      if (tp_chart_text_width(dl, u, size, bold) <= max_w) break;
    }
    if (len == 0) memcpy(u, "\xE2\x80\xA6", 4);
    free(t);
    t = u;
  }
  return t;
}

tp_chart_prim *tp_chart_dl_text(tp_chart_dl *dl, int colour, const char *cls, double x, double y,
                                const char *s, double size, int anchor, double max_w) {
  tp_chart_prim *p = tp_chart_dl_push(dl, TP_PRIM_TEXT, colour, cls);
  p->x = x, p->y = y;
  p->size = size;
  p->anchor = anchor;
  p->text = tp_chart_clean_fit(dl, s, size, false, max_w);
  return p;
}

double tp_chart_role_opacity(int colour, double opacity) {
  if (colour == TP_COL_GRID) opacity *= 0.18;
  if (colour == TP_COL_MUTED) opacity *= 0.7;
  return opacity;
}

void tp_chart_dl_free(tp_chart_dl *dl) {
  for (size_t i = 0; i < dl->n; i++) {
    free(dl->p[i].pts);
    free(dl->p[i].text);
  }
  free(dl->p);
  if (dl->measure) cairo_destroy(dl->measure);
}

/* ======================================================================== */
/* Writing a file                                                            */
/* ======================================================================== */

int tp_chart_fail(char **err, const char *path, const char *why) {
  if (err) *err = tp_xasprintf("%s: cannot write chart: %s", path, why);
  return -1;
}

int tp_chart_write(const tp_chart *c, tp_chart_format fmt, const char *path, char **err) {
  if (err) *err = NULL;
  if (fmt == TP_CHART_SVG) return tp_chart_svg_file(c, path, err);
  return tp_chart_cairo_file(c, fmt, path, err);
}
