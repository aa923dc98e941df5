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

/* A coordinate in tenths, rounded: not a number reads as 0 and a value
 * beyond +-S_COORD_MAX as that bound. */
static long long S_tenths(double v) {
  if (isnan(v)) v = 0;
  if (v > S_COORD_MAX) v = S_COORD_MAX;
  if (v < -S_COORD_MAX) v = -S_COORD_MAX;
  return llround(v * 10);
}

/* t tenths with one decimal, locale-independent, "-0" never, written to end
 * backwards; returns where the text starts.  The digits are written by hand
 * (this is the hottest formatting of a report): the text is what "%lld" of
 * the tenths, then ".%lld" of a nonzero last digit, gave, less the leading
 * zero of a number below one when bare (".5", "-.5": path data). */
static char *S_tenths_chars(char *end, long long t, bool bare) {
  char *p = end;
  unsigned long long u = t < 0 ? 0ULL - (unsigned long long)t : (unsigned long long)t;
  unsigned tenth = (unsigned)(u % 10);
  u /= 10;
  if (tenth) *--p = (char)('0' + tenth), *--p = '.';
  if (!(bare && tenth && u == 0))
    do *--p = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (t < 0) *--p = '-';
  return p;
}

/* t tenths with one decimal (see S_tenths_chars). */
static void S_tenths_text(tp_buf *b, long long t) {
  char text[32], *end = text + sizeof text, *p = S_tenths_chars(end, t, false);
  tp_buf_add(b, p, (size_t)(end - p));
}

/* A coordinate with one decimal (see S_tenths and S_tenths_text). */
static void S_num(tp_buf *b, double v) { S_tenths_text(b, S_tenths(v)); }

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

/* The stroke attributes of line p (colour, opacity, width, dashes). */
static void S_svg_stroke(tp_buf *b, const tp_chart_prim *p) {
  S_svg_paint(b, "stroke", p->colour, p->opacity);
  S_num_attr(b, "stroke-width", p->width);
  if (p->dash == 1) tp_buf_adds(b, " stroke-dasharray=\"5 3\"");
  if (p->dash == 2) tp_buf_adds(b, " stroke-dasharray=\"1.5 2\"");
}

/* `<path class="CLS" fill="none" d="` */
static void S_path_open(tp_buf *b, const char *cls) {
  tp_buf_adds(b, "<path");
  S_class_attr(b, cls);
  tp_buf_adds(b, " fill=\"none\" d=\"");
}

/* Path data, as short as its grammar allows and the same numbers: a number
 * below one has no leading zero, and a number is spaced from the one before
 * only where neither its sign nor its point separates them ("3.5.5-2" is
 * 3.5, 0.5, -2).  `last` says what the data ends with. */
typedef struct S_path {
  tp_buf *b;
  enum { S_AFTER_CMD, S_AFTER_INT, S_AFTER_POINT } last;
} S_path;

/* Command letter c (M, l, H, V, L). */
static void S_path_cmd(S_path *pd, char c) {
  tp_buf_addc(pd->b, c);
  pd->last = S_AFTER_CMD;
}

/* A number of t tenths. */
static void S_path_num(S_path *pd, long long t) {
  char text[32], *end = text + sizeof text, *p = S_tenths_chars(end, t, true);
  bool sep = *p == '-'        ? false
             : *p == '.'      ? pd->last == S_AFTER_INT
                              : pd->last != S_AFTER_CMD;
  if (sep) tp_buf_addc(pd->b, ' ');
  tp_buf_add(pd->b, p, (size_t)(end - p));
  pd->last = memchr(p, '.', (size_t)(end - p)) ? S_AFTER_POINT : S_AFTER_INT;
}

/* A line through p's points as one path: the first point absolute, then
 * relative moves ("M45 202l3.5-1 2 .5"), each the difference of the rounded
 * coordinates, so that every point falls where its absolute text put it. */
static void S_svg_polyline(tp_buf *b, const tp_chart_prim *p) {
  S_path_open(b, p->cls);
  S_path pd = {b, S_AFTER_CMD};
  long long px = 0, py = 0;
  for (size_t i = 0; i < p->npts; i++) {
    long long x = S_tenths(p->pts[2 * i]), y = S_tenths(p->pts[2 * i + 1]);
    if (i < 2) S_path_cmd(&pd, i == 0 ? 'M' : 'l');
    S_path_num(&pd, i == 0 ? x : x - px);
    S_path_num(&pd, i == 0 ? y : y - py);
    px = x, py = y;
  }
  tp_buf_addc(b, '"');
  S_svg_stroke(b, p);
  if (p->npts > 2) tp_buf_adds(b, " stroke-linejoin=\"round\"");
  tp_buf_adds(b, "/>\n");
}

/* One straight segment of a grouped path: "M x y" then H, V or L to the end. */
static void S_segment(S_path *pd, const tp_chart_prim *p) {
  long long x0 = S_tenths(p->pts[0]), y0 = S_tenths(p->pts[1]);
  long long x1 = S_tenths(p->pts[2]), y1 = S_tenths(p->pts[3]);
  S_path_cmd(pd, 'M');
  S_path_num(pd, x0);
  S_path_num(pd, y0);
  if (y1 == y0) {
    S_path_cmd(pd, 'H');
    S_path_num(pd, x1);
  } else if (x1 == x0) {
    S_path_cmd(pd, 'V');
    S_path_num(pd, y1);
  } else {
    S_path_cmd(pd, 'L');
    S_path_num(pd, x1);
    S_path_num(pd, y1);
  }
}

/* The attributes that a text shares with others of its style: font size,
 * anchor, weight. */
static void S_text_style(tp_buf *b, const tp_chart_prim *p) {
  static const char *const anchors[] = {"start", "middle", "end"};
  S_num_attr(b, "font-size", p->size);
  if (p->anchor != TP_ANCHOR_START) {
    tp_buf_adds(b, " text-anchor=\"");
    tp_buf_adds(b, anchors[p->anchor]);
    tp_buf_addc(b, '"');
  }
  if (p->bold) tp_buf_adds(b, " font-weight=\"bold\"");
}

/* A text's own part: position and rotation, then `>`, the text and
 * `</text>`; the element's name and any shared attributes come before. */
static void S_text_body(tp_buf *b, const tp_chart_prim *p) {
  S_num_attr(b, "x", p->x);
  S_num_attr(b, "y", p->y);
  if (p->angle != 0) {
    tp_buf_adds(b, " transform=\"rotate(");
    S_num(b, p->angle);
    tp_buf_addc(b, ' ');
    S_num(b, p->x);
    tp_buf_addc(b, ' ');
    S_num(b, p->y);
    tp_buf_adds(b, ")\"");
  }
  tp_buf_addc(b, '>');
  S_esc(b, p->text);
  tp_buf_adds(b, "</text>\n");
}

static void S_svg_text(tp_buf *b, const tp_chart_prim *p) {
  tp_buf_adds(b, "<text");
  S_class_attr(b, p->cls);
  S_text_style(b, p);
  S_svg_paint(b, "fill", p->colour, p->opacity);
  S_text_body(b, p);
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

/* ---- grouping ------------------------------------------------------------
 * Axes, grids, ticks, error bars and legends are many short lines and texts
 * of a few styles.  A run of such primitives between others is written
 * style by style: all straight lines of one style as one <path>, all texts
 * of one style inside one <g> that carries their shared attributes.  Each
 * group takes the place of its first member.  Within a run nothing of one
 * style is drawn over something of another (ticks, grid lines and labels
 * meet at most at an end), so the picture is the one drawn in list order. */

/* Whether p can join a group: a straight solid line, or a text. */
static bool S_groupable(const tp_chart_prim *p) {
  return (p->kind == TP_PRIM_LINE && p->npts == 2 && p->dash == 0) || p->kind == TP_PRIM_TEXT;
}

/* Whether a and b (both groupable) are drawn with the same attributes. */
static bool S_same_style(const tp_chart_prim *a, const tp_chart_prim *b) {
  if (a->kind != b->kind || a->colour != b->colour || a->opacity != b->opacity ||
      strcmp(a->cls, b->cls) != 0)
    return false;
  if (a->kind == TP_PRIM_LINE) return a->width == b->width;
  return a->size == b->size && a->anchor == b->anchor && a->bold == b->bold;
}

/* The group of p[0] among the n primitives of a run: its members (p[0] and
 * the later ones of its style that are not yet written) are marked done. */
static void S_svg_group(tp_buf *b, const tp_chart_prim *p, size_t n, bool *done) {
  S_path pd = {b, S_AFTER_CMD};
  size_t members = 0;
  for (size_t k = 0; k < n; k++) members += !done[k] && S_same_style(p, &p[k]);
  if (p->kind == TP_PRIM_TEXT && members == 1) {
    S_svg_text(b, p);
    done[0] = true;
    return;
  }
  if (p->kind == TP_PRIM_LINE) {
    S_path_open(b, p->cls);
  } else {
    tp_buf_adds(b, "<g");
    S_class_attr(b, p->cls);
    S_text_style(b, p);
    S_svg_paint(b, "fill", p->colour, p->opacity);
    tp_buf_adds(b, ">\n");
  }
  for (size_t k = 0; k < n; k++) {
    if (done[k] || !S_same_style(p, &p[k])) continue;
    done[k] = true;
    if (p->kind == TP_PRIM_LINE) {
      S_segment(&pd, &p[k]);
    } else {
      tp_buf_adds(b, "<text");
      S_text_body(b, &p[k]);
    }
  }
  if (p->kind == TP_PRIM_LINE) {
    tp_buf_addc(b, '"');
    S_svg_stroke(b, p);
    tp_buf_adds(b, "/>\n");
  } else {
    tp_buf_adds(b, "</g>\n");
  }
}

/* The display list: runs of groupable primitives grouped by style, the
 * others one element each, in list order. */
static void S_svg_list(tp_buf *b, const tp_chart_dl *dl) {
  bool *done = tp_xcalloc(dl->n ? dl->n : 1, sizeof *done);
  size_t i = 0;
  while (i < dl->n) {
    if (!S_groupable(&dl->p[i])) {
      S_svg_prim(b, &dl->p[i++]);
      continue;
    }
    size_t j = i;
    while (j < dl->n && S_groupable(&dl->p[j])) j++;
    for (size_t k = i; k < j; k++)
      if (!done[k]) S_svg_group(b, &dl->p[k], j - k, &done[k]);
    i = j;
  }
  free(done);
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
  S_svg_list(out, &dl);
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
