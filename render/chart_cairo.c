/* chart_cairo: the PNG and PDF back end.  Paints the display list through
 * cairo with the geometry the SVG has: PNG at 300 dpi on white, PDF as
 * vectors with text kept as text and a fixed creation date, so that the same
 * chart gives the same bytes.  Also releases cairo's process-wide caches. */
#include "render/chart_impl.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

static void S_cairo_colour(cairo_t *cr, int colour, double opacity) {
  double r = 0.102, g = 0.102, bl = 0.102; /* #1a1a1a, the SVG's default colour */
  opacity = tp_chart_role_opacity(colour, opacity);
  if (colour >= 0) {
    unsigned v = (unsigned)strtoul(tp_chart_colour(colour) + 1, NULL, 16);
    r = ((v >> 16) & 255) / 255.0, g = ((v >> 8) & 255) / 255.0, bl = (v & 255) / 255.0;
  }
  cairo_set_source_rgba(cr, r, g, bl, opacity);
}

static void S_cairo_marker(cairo_t *cr, const tp_chart_prim *p) {
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

static void S_cairo_line(cairo_t *cr, const tp_chart_prim *p) {
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
}

static void S_cairo_text(cairo_t *cr, const tp_chart_prim *p) {
  cairo_text_extents_t ex;
  tp_chart_set_font(cr, p->size, p->bold);
  cairo_text_extents(cr, p->text, &ex);
  double dx = p->anchor == TP_ANCHOR_MIDDLE ? -ex.x_advance / 2
              : p->anchor == TP_ANCHOR_END  ? -ex.x_advance
                                            : 0;
  cairo_save(cr);
  cairo_translate(cr, p->x, p->y);
  if (p->angle != 0) cairo_rotate(cr, p->angle * M_PI / 180);
  cairo_move_to(cr, dx, 0);
  cairo_show_text(cr, p->text);
  cairo_restore(cr);
}

static void S_cairo_paint(cairo_t *cr, const tp_chart_dl *dl) {
  tp_chart_unhinted(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t i = 0; i < dl->n; i++) {
    const tp_chart_prim *p = &dl->p[i];
    S_cairo_colour(cr, p->colour, p->opacity);
    switch (p->kind) {
    case TP_PRIM_LINE: S_cairo_line(cr, p); break;
    case TP_PRIM_RECT:
      cairo_rectangle(cr, p->x, p->y, p->w, p->h);
      cairo_fill(cr);
      break;
    case TP_PRIM_MARK: S_cairo_marker(cr, p); break;
    case TP_PRIM_TEXT: S_cairo_text(cr, p); break;
    default: break;
    }
  }
}

/* The surface to paint c on: a white-backed 300 dpi image for PNG (*scale
 * set to pixels per point), or a PDF file at path with fixed metadata. */
static cairo_surface_t *S_surface(const tp_chart *c, tp_chart_format fmt, const char *path,
                                  double *scale) {
  *scale = 1;
  if (fmt == TP_CHART_PNG) {
    *scale = 300.0 / 72.0;
    return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(c->width_pt * *scale - 1e-9),
                                      (int)ceil(c->height_pt * *scale - 1e-9));
  }
  cairo_surface_t *surf = cairo_pdf_surface_create(path, c->width_pt, c->height_pt);
  /* A fixed date, so that the same chart gives the same bytes. */
  cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
  cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, c->title ? c->title : "");
  cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "trainprint");
  return surf;
}

int tp_chart_cairo_file(const tp_chart *c, tp_chart_format fmt, const char *path, char **err) {
  tp_chart_dl dl = {0};
  tp_chart_layout(&dl, c);
  int rc = 0;
  double scale;
  cairo_surface_t *surf = S_surface(c, fmt, path, &scale);
  cairo_t *cr = cairo_create(surf);
  if (fmt == TP_CHART_PNG) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
  }
  S_cairo_paint(cr, &dl);
  cairo_destroy(cr);
  cairo_status_t st;
  if (fmt == TP_CHART_PNG) {
    st = cairo_surface_write_to_png(surf, path);
  } else {
    cairo_surface_finish(surf);
    st = cairo_surface_status(surf);
  }
  if (st != CAIRO_STATUS_SUCCESS) rc = tp_chart_fail(err, path, cairo_status_to_string(st));
  cairo_surface_destroy(surf);
  tp_chart_dl_free(&dl);
  return rc;
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

