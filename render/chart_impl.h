/* chart_impl: what the files of the chart layer share, and no one else.
 *
 * A chart is drawn in two steps.  The layout (chart_layout.c, with the axis
 * scales of chart_scale.c) turns a tp_chart into a display list: drawing
 * primitives (lines, rectangles, markers, text) in points, in drawing order.
 * Each back end walks that one list: chart_svg.c writes SVG text,
 * chart_cairo.c paints PNG and PDF.  chart_csv.c writes the chart's numbers
 * and needs only the text cleaning.  chart.c holds the build API and the
 * display list's own functions.
 *
 * Callers outside render/chart*.c include render/chart.h only.
 */
#ifndef TP_CHART_IMPL_H
#define TP_CHART_IMPL_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "render/chart.h"

/* ---- the display list (chart.c) ----------------------------------------- */

/* Colour roles below 0; palette indices from 0. */
enum { TP_COL_FG = -1, TP_COL_GRID = -2, TP_COL_BAND = -3, TP_COL_MUTED = -4 };
enum { TP_PRIM_LINE, TP_PRIM_POLY, TP_PRIM_RECT, TP_PRIM_MARK, TP_PRIM_TEXT };
enum { TP_ANCHOR_START, TP_ANCHOR_MIDDLE, TP_ANCHOR_END };

typedef struct tp_chart_prim {
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
  int anchor;         /* TEXT: TP_ANCHOR_START, TP_ANCHOR_MIDDLE, TP_ANCHOR_END */
  bool bold;
  double angle;       /* TEXT rotation in degrees (clockwise positive), about (x, y) */
  char cls[24];       /* SVG class */
} tp_chart_prim;

typedef struct tp_chart_dl {
  tp_chart_prim *p;
  size_t n, cap;
  cairo_t *measure;   /* scratch context for text widths */
} tp_chart_dl;


/* The measuring context of dl for text widths (unhinted, as painted). */
void tp_chart_dl_init(tp_chart_dl *dl);
/* Release every primitive of dl and its measuring context. */
void tp_chart_dl_free(tp_chart_dl *dl);
/* A new primitive at the end of dl: opaque, stroke width 1, class cls. */
tp_chart_prim *tp_chart_dl_push(tp_chart_dl *dl, int kind, int colour, const char *cls);
void tp_chart_dl_line(tp_chart_dl *dl, int colour, double width, const char *cls, double x0,
                      double y0, double x1, double y1);
tp_chart_prim *tp_chart_dl_rect(tp_chart_dl *dl, int colour, const char *cls, double x, double y,
                                double w, double h);
/* Text s (cleaned, and shortened to max_w points when max_w > 0) anchored
 * at its baseline point (x, y). */
tp_chart_prim *tp_chart_dl_text(tp_chart_dl *dl, int colour, const char *cls, double x, double y,
                                const char *s, double size, int anchor, double max_w);

/* The chart's font (generic sans-serif) at size points on cr. */
void tp_chart_set_font(cairo_t *cr, double size, bool bold);
/* Metrics and outlines unhinted on cr, so that widths scale with the page. */
void tp_chart_unhinted(cairo_t *cr);
/* The advance width of s in points, measured with dl's context. */
double tp_chart_text_width(tp_chart_dl *dl, const char *s, double size, bool bold);
/* A copy of s (NULL reads as "") on one line, with invalid UTF-8 and control
 * characters replaced by U+FFFD; the caller frees it. */
char *tp_chart_clean(const char *s);
/* tp_chart_clean, then shortened with an ellipsis to fit max_w points
 * (max_w <= 0: no limit). */
char *tp_chart_clean_fit(tp_chart_dl *dl, const char *s, double size, bool bold, double max_w);
/* The opacity a colour role is drawn with (grid and muted text are lighter). */
double tp_chart_role_opacity(int colour, double opacity);

/* ---- scales (chart_scale.c) --------------------------------------------- */

/* One axis after layout: its range, ticks and how values map to points. */
typedef struct tp_chart_scale {
  double lo, hi;       /* data range shown */
  double p0, p1;       /* where lo and hi fall, in points */
  double *ticks;       /* tick values (data units) */
  char **labels;       /* tick labels */
  size_t nt;
  char *title;         /* axis title with unit, or NULL */
} tp_chart_scale;

/* Where v falls on s, in points. */
double tp_chart_scale_map(const tp_chart_scale *s, double v);
void tp_chart_scale_free(tp_chart_scale *s);
/* Append a tick at v labelled label (copied). */
void tp_chart_scale_tick(tp_chart_scale *s, double v, const char *label);
/* The scale of axis a of c (is_x: the x axis) over length points: range,
 * ticks, labels and title; p0 and p1 are left for the caller. */
void tp_chart_scale_make(tp_chart_scale *s, const tp_chart *c, const tp_chart_axis *a, bool is_x,
                         double length);
/* Numeric ticks over [lo, hi] in units of unit_scale (3600 shows seconds as
 * hours), extended to round bounds unless exact; see chart_scale.c. */
void tp_chart_numeric_ticks(tp_chart_scale *s, double lo, double hi, int target, bool exact,
                            const char *label, const char *unit, bool si, double unit_scale);

/* ---- layout and back ends ------------------------------------------------ */

/* Lay c out into dl (which starts empty: {0}); dl gets its measuring context. */
void tp_chart_layout(tp_chart_dl *dl, const tp_chart *c);

/* tp_chart_write's back ends: 0, or -1 with *err set through tp_chart_fail. */
int tp_chart_svg_file(const tp_chart *c, const char *path, char **err);
int tp_chart_cairo_file(const tp_chart *c, tp_chart_format fmt, const char *path, char **err);
/* "path: cannot write chart: why" into *err (when err is not NULL); returns -1. */
int tp_chart_fail(char **err, const char *path, const char *why);

#endif
