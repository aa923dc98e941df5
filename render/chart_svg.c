/* chart_svg: the SVG back end.  Writes the display list as SVG text by hand:
 * real <text>, the foreground as CSS currentColor, classes naming each part,
 * <title>/<desc> for screen readers (see render/chart.h for why not cairo's
 * SVG surface).  Coordinates have one decimal, whatever the locale. */
#include "render/chart_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "render/template.h"

/* Coordinates beyond this many SVG units are clamped to it: a degenerate
 * scale (extreme values in a damaged input) can put a point anywhere, and
 * rounding such a number to an integer would overflow.  Charts drawn from
 * real data stay far inside (a few thousand units). */
#define S_COORD_MAX 1e12

/* A coordinate with one decimal, locale-independent, "-0" never; not a number
 * is written as 0 and a value beyond +-S_COORD_MAX as that bound.  The digits
 * are written by hand (this is the hottest formatting of a report): the text
 * is what "%lld" of the tenths, then ".%lld" of a nonzero last digit, gave. */
static void S_num(tp_buf *b, double v) {
  if (isnan(v)) v = 0;
  if (v > S_COORD_MAX) v = S_COORD_MAX;
  if (v < -S_COORD_MAX) v = -S_COORD_MAX;
  long long t = llround(v * 10);
  char text[32], *end = text + sizeof text, *p = end;
  unsigned long long u = t < 0 ? 0ULL - (unsigned long long)t : (unsigned long long)t;
  unsigned tenth = (unsigned)(u % 10);
  u /= 10;
  if (tenth) *--p = (char)('0' + tenth), *--p = '.';
  do *--p = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (t < 0) *--p = '-';
  tp_buf_add(b, p, (size_t)(end - p));
}

/* n points (x,y pairs) as "x,y x,y ...". */
static void S_points(tp_buf *b, const double *pts, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i) tp_buf_addc(b, ' ');
    S_num(b, pts[2 * i]);
    tp_buf_addc(b, ',');
    S_num(b, pts[2 * i + 1]);
  }
}

/* Text escaped for XML content and attribute values. */
static void S_esc(tp_buf *b, const char *s) { tp_xml_escape(b, s, strlen(s)); }

/* ` name="v"` with v as a coordinate. */
static void S_num_attr(tp_buf *b, const char *name, double v) {
  tp_buf_addc(b, ' ');
  tp_buf_adds(b, name);
  tp_buf_add(b, "=\"", 2);
  S_num(b, v);
  tp_buf_addc(b, '"');
}

static void S_class_attr(tp_buf *b, const char *cls) {
  tp_buf_adds(b, " class=\"");
  S_esc(b, cls);
  tp_buf_addc(b, '"');
}

static void S_svg_paint(tp_buf *b, const char *what, int colour, double opacity) {
  opacity = tp_chart_role_opacity(colour, opacity);
  tp_buf_addc(b, ' ');
  tp_buf_adds(b, what);
  tp_buf_add(b, "=\"", 2);
  tp_buf_adds(b, colour < 0 ? "currentColor" : tp_chart_colour(colour));
  tp_buf_addc(b, '"');
  if (opacity < 1) {
    /* " WHAT-opacity="D.DD"": hundredths, as "%d.%02d" wrote them. */
    int pct = (int)(opacity * 100 + 0.5);
    if (pct < 0 || pct > 999) pct = 0; /* opacities are fractions in [0, 1] */
    char digits[4] = {(char)('0' + pct / 100 % 10), '.', (char)('0' + pct / 10 % 10),
                      (char)('0' + pct % 10)};
    tp_buf_addc(b, ' ');
    tp_buf_adds(b, what);
    tp_buf_add(b, "-opacity=\"", 10);
    tp_buf_add(b, digits, 4);
    tp_buf_addc(b, '"');
  }
}

static void S_svg_marker(tp_buf *b, const tp_chart_prim *p) {
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
    S_points(b, pts, (size_t)n);
    tp_buf_addc(b, '"');
  }
}

static void S_svg_polyline(tp_buf *b, const tp_chart_prim *p) {
  tp_buf_adds(b, "<polyline class=\"");
  S_esc(b, p->cls);
  tp_buf_adds(b, "\" fill=\"none\" points=\"");
  S_points(b, p->pts, p->npts);
  tp_buf_addc(b, '"');
  S_svg_paint(b, "stroke", p->colour, p->opacity);
  S_num_attr(b, "stroke-width", p->width);
  if (p->dash == 1) tp_buf_adds(b, " stroke-dasharray=\"5 3\"");
  if (p->dash == 2) tp_buf_adds(b, " stroke-dasharray=\"1.5 2\"");
  if (p->npts > 2) tp_buf_adds(b, " stroke-linejoin=\"round\"");
  tp_buf_adds(b, "/>\n");
}

static void S_svg_text(tp_buf *b, const tp_chart_prim *p) {
  static const char *const anchors[] = {"start", "middle", "end"};
  tp_buf_adds(b, "<text");
  S_class_attr(b, p->cls);
  S_num_attr(b, "x", p->x);
  S_num_attr(b, "y", p->y);
  S_num_attr(b, "font-size", p->size);
  if (p->anchor != TP_ANCHOR_START) {
    tp_buf_adds(b, " text-anchor=\"");
    tp_buf_adds(b, anchors[p->anchor]);
    tp_buf_addc(b, '"');
  }
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
}

static void S_svg_prim(tp_buf *b, const tp_chart_prim *p) {
  switch (p->kind) {
  case TP_PRIM_LINE: S_svg_polyline(b, p); break;
  case TP_PRIM_RECT:
    tp_buf_adds(b, "<rect");
    S_class_attr(b, p->cls);
    S_num_attr(b, "x", p->x);
    S_num_attr(b, "y", p->y);
    S_num_attr(b, "width", p->w);
    S_num_attr(b, "height", p->h);
    S_svg_paint(b, "fill", p->colour, p->opacity);
    tp_buf_adds(b, "/>\n");
    break;
  case TP_PRIM_MARK:
    S_svg_marker(b, p);
    S_class_attr(b, p->cls);
    S_svg_paint(b, "fill", p->colour, p->opacity);
    tp_buf_adds(b, "/>\n");
    break;
  case TP_PRIM_TEXT: S_svg_text(b, p); break;
  default: break;
  }
}

void tp_chart_svg(const tp_chart *c, tp_buf *out) {
  tp_chart_dl dl = {0};
  tp_chart_layout(&dl, c);
  char *id = tp_chart_clean(c->id);
  char *title = tp_chart_clean(c->title);
  char *desc = c->desc ? tp_chart_clean(c->desc) : NULL;
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
  tp_chart_dl_free(&dl);
}

int tp_chart_svg_file(const tp_chart *c, const char *path, char **err) {
  tp_buf b = {0};
  tp_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  tp_chart_svg(c, &b);
  FILE *f = fopen(path, "wb");
  int rc = 0;
  if (!f) return tp_buf_free(&b), tp_chart_fail(err, path, strerror(errno));
  if (fwrite(b.data, 1, b.len, f) != b.len) rc = tp_chart_fail(err, path, strerror(errno));
  if (fclose(f) != 0 && rc == 0) rc = tp_chart_fail(err, path, strerror(errno));
  tp_buf_free(&b);
  return rc;
}
