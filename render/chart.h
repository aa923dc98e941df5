/* chart: a description of one chart, drawn as SVG, PNG or PDF.
 *
 * The caller describes what to show (kind, title, axes with units, series of
 * points, bands, a Pareto front, parallel axes); this module decides how:
 * layout, round ticks, SI prefixes, legend, colours.  It knows nothing of
 * runs or experiments, so any table of numbers can become a chart.
 *
 * One layout, two painters.  The layout produces a list of drawing
 * primitives (lines, rectangles, markers, text) in points (1/72 in); SVG is
 * written from that list as text, PNG and PDF are painted from the same list
 * through cairo.  The SVG is written by hand rather than through cairo's SVG
 * surface because cairo turns text into glyph outlines (larger files, text
 * neither selectable nor read by screen readers) and writes its own colours;
 * the hand-written SVG keeps real <text>, takes its foreground from CSS
 * `currentColor` (so a page's dark mode restyles it), names its parts with
 * classes (tp-grid, tp-axis, tp-series-N, ...) and carries <title>/<desc>
 * for screen readers.  PNG (300 dpi) and PDF come from cairo with the same
 * geometry, so the three agree.
 *
 * Style: series colours follow Okabe & Ito, "Color Universal Design"
 * (2008, jfly.uni-koeln.de/color/), which readers with any common form of
 * colour blindness can tell apart; markers also change shape with the
 * colour index, so series stay distinct in greyscale print.  Text uses the
 * generic "sans-serif" family.
 *
 * Determinism: the same description gives byte-identical SVG, PNG and PDF
 * (the PDF's creation date is fixed; see tp_chart_write).  Size: line
 * series longer than the point budget are downsampled with LTTB (see
 * render/downsample.h) so that an SVG stays well under 300 KB whatever the
 * input length.
 *
 * Ownership: a tp_chart owns copies of every string and array given to it;
 * tp_chart_free() releases everything.
 *
 * This is the layer's one public header.  The implementation is one file per
 * concern (chart.c, chart_scale.c, chart_layout.c, chart_svg.c,
 * chart_cairo.c, chart_csv.c) sharing the private render/chart_impl.h.
 */
#ifndef TP_CHART_H
#define TP_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "model/hash.h"
#include "model/mem.h"

typedef enum tp_chart_kind {
  TP_CHART_LINE,     /* series drawn as lines (numeric or time x) */
  TP_CHART_SCATTER,  /* series drawn as markers (numeric x) */
  TP_CHART_BAR,      /* categorical x; each series one bar per category (grouped) */
  TP_CHART_PARALLEL  /* parallel coordinates: one polyline per record across axes */
} tp_chart_kind;

typedef enum tp_axis_kind {
  TP_AXIS_NUMBER,    /* plain numbers; ticks SI-prefixed ("Energy (MJ)") */
  TP_AXIS_TIME,      /* UTC epoch seconds; ticks at round times, dates as labels */
  TP_AXIS_DURATION,  /* seconds; shown in s, min, h or d, whichever reads best */
  TP_AXIS_CATEGORY   /* categories 0..n-1 named by tp_chart_add_category */
} tp_axis_kind;

/* How one series is drawn; TP_DRAW_DEFAULT follows the chart's kind. */
typedef enum tp_draw_style {
  TP_DRAW_DEFAULT = 0,
  TP_DRAW_LINE,      /* straight segments through the points, in x order */
  TP_DRAW_STEP,      /* horizontal-then-vertical steps (a Pareto front) */
  TP_DRAW_MARKERS,   /* markers only */
  TP_DRAW_LINE_MARKERS,
  TP_DRAW_BARS       /* a bar from zero to each y (category x) */
} tp_draw_style;

typedef struct tp_chart_axis {
  tp_axis_kind kind;
  char *label;        /* e.g. "IT energy"; NULL for none */
  char *unit;         /* base unit, e.g. "J", "Wh", "W", "gCO2e"; NULL for none.
                         NUMBER axes prefix it ("kWh"); use si = false to keep it. */
  bool si;            /* NUMBER: scale ticks by an SI prefix (default true) */
  bool zero;          /* NUMBER: the range includes zero (default: true for bar y) */
  double min, max;    /* fixed range; NAN (default) for automatic */
  double origin_s;    /* TIME: when finite, the CSV gives a time as seconds after it
                         (to the millisecond) rather than as ISO 8601; NAN (default) */
  char **categories;  /* CATEGORY: names of categories 0..n-1 */
  size_t n_categories, cap_categories;
} tp_chart_axis;

typedef struct tp_chart_series {
  char *name;         /* legend entry; NULL keeps it out of the legend */
  int colour;         /* palette index (cycles); the same index, the same colour */
  tp_draw_style style;
  double *x, *y;      /* n points; CATEGORY x holds the category index */
  double *lo, *hi;    /* optional error bar ends (absolute y), NULL when none;
                         NAN in an entry means no bar for that point */
  size_t n, cap;
} tp_chart_series;

/* A shaded x interval across the plot (e.g. a run's window), with a label. */
typedef struct tp_chart_band {
  double x0, x1;
  char *label;        /* drawn at the top of the band; may be NULL */
} tp_chart_band;

/* A parallel-coordinates axis: numeric, or categorical with named values. */
typedef struct tp_chart_paxis {
  char *label;
  char *unit;         /* may be NULL */
  bool categorical;
  char **categories;  /* categorical: values 0..n-1 */
  size_t n_categories, cap_categories;
} tp_chart_paxis;

/* One record of a parallel-coordinates chart: one value per axis (for a
 * categorical axis the category index; NAN where unknown). */
typedef struct tp_chart_pline {
  int colour;         /* palette index, usually the configuration */
  double *values;     /* n_paxes values */
} tp_chart_pline;

/* A legend entry that is not a series (parallel charts: one per colour). */
typedef struct tp_chart_key {
  char *name;
  int colour;
} tp_chart_key;

typedef struct tp_chart {
  tp_chart_kind kind;
  char *id;           /* prefix of the ids inside the SVG (title, desc); keep it
                         unique per page when charts are inlined.  "chart" by default */
  char *key;          /* the chart's name in its page's CSV (tp_chart_csv_page's
                         `chart`); NULL (default): the caller names it */
  char *title;        /* drawn above the plot and used as the SVG <title> */
  char *desc;         /* SVG <desc>: what the chart shows, for screen readers */
  double width_pt, height_pt; /* size in points (default 480 x 300 = 6.67 x 4.17 in) */
  bool draw_title;    /* draw the title in the image (default true) */
  int max_points;     /* line series budget per series before downsampling (default 2000) */
  double envelope_pt; /* when > 0, a line series longer than the plot's resolution is
                         drawn as the lowest and highest point of each stretch of this
                         many points of plot width (so spikes stay), not by LTTB;
                         default 0.  Its CSV keeps every point. */
  tp_chart_axis x, y;

  tp_chart_series *series;
  size_t n_series, cap_series;
  tp_chart_band *bands;
  size_t n_bands, cap_bands;
  tp_chart_paxis *paxes;
  size_t n_paxes, cap_paxes;
  tp_chart_pline *plines;
  size_t n_plines, cap_plines;
  tp_chart_key *keys;
  size_t n_keys, cap_keys;
} tp_chart;

typedef enum tp_chart_format { TP_CHART_SVG, TP_CHART_PNG, TP_CHART_PDF } tp_chart_format;

/* ---- building ---------------------------------------------------------- */

/* A new chart.  title and desc are copied; desc may be NULL.  The x axis is a
 * NUMBER axis (CATEGORY for BAR), the y axis a NUMBER axis. */
tp_chart *tp_chart_new(tp_chart_kind kind, const char *title, const char *desc);
void tp_chart_free(tp_chart *c);
/* Feed everything that shapes c's SVG, CSV, PNG and PDF to h (and the
 * version of the library that paints PNG and PDF): equal fingerprints, equal
 * files. */
void tp_chart_hash(const tp_chart *c, tp_hash *h);
void tp_chart_set_id(tp_chart *c, const char *id);
/* Name c in its page's CSV by key (copied; NULL: the caller's name). */
void tp_chart_set_key(tp_chart *c, const char *key);
/* Set an axis's kind, label and base unit (either may be NULL). */
void tp_chart_axis_set(tp_chart_axis *a, tp_axis_kind kind, const char *label, const char *unit);
/* Append a category to a CATEGORY axis; returns its index. */
size_t tp_chart_add_category(tp_chart_axis *a, const char *name);

/* A new, empty series (name may be NULL); it belongs to the chart. */
tp_chart_series *tp_chart_add_series(tp_chart *c, const char *name, int colour,
                                     tp_draw_style style);
void tp_chart_series_add(tp_chart_series *s, double x, double y);
/* A point with an error bar from lo to hi (absolute values). */
void tp_chart_series_add_err(tp_chart_series *s, double x, double y, double lo, double hi);

void tp_chart_add_band(tp_chart *c, double x0, double x1, const char *label);

/* Add the Pareto front of the n points (x lower is better; y higher is better
 * when y_higher_better, else lower) as a STEP series named `name`, drawn in
 * the foreground colour.  Returns the series (empty when n is 0). */
tp_chart_series *tp_chart_add_pareto(tp_chart *c, const char *name, const double *x,
                                     const double *y, size_t n, bool y_higher_better);
/* The indices of the non-dominated points among n, sorted by x; writes at
 * most n to idx and returns the count.  Non-finite points are never on it. */
size_t tp_pareto_front(const double *x, const double *y, size_t n, bool y_higher_better,
                       size_t *idx);

/* Parallel coordinates: add axes first, then records. */
tp_chart_paxis *tp_chart_add_paxis(tp_chart *c, const char *label, const char *unit,
                                   bool categorical);
size_t tp_chart_paxis_add_category(tp_chart_paxis *a, const char *name);
/* values: one per axis added so far (copied). */
void tp_chart_add_pline(tp_chart *c, int colour, const double *values);
/* A legend entry for colour (parallel charts, or any extra key). */
void tp_chart_add_key(tp_chart *c, const char *name, int colour);

/* ---- drawing ----------------------------------------------------------- */

/* Append the chart as a standalone SVG element (no XML declaration) to out,
 * fit for inlining in a page or writing to a file. */
void tp_chart_svg(const tp_chart *c, tp_buf *out);

/* Write the chart to path: SVG as above (with an XML declaration), PNG at
 * 300 dpi (width_pt / 72 * 300 pixels wide) on white, or PDF (vector, text
 * kept as text, page of width_pt x height_pt, creation date fixed so that
 * output is reproducible).  Returns 0, or -1 with a message in *err (the
 * caller frees it) when the file cannot be written. */
int tp_chart_write(const tp_chart *c, tp_chart_format fmt, const char *path, char **err);

/* Append the chart's numbers as CSV (RFC 4180, header line first) for the
 * file or table beside it.  x/y charts: one row per point, columns series,
 * x, y, then lo, hi when a series has error bars (tp_chart_has_ranges; x as
 * the category name on CATEGORY axes and on TIME axes as ISO 8601 UTC, or
 * as seconds after the axis's origin_s when it has one; lo/hi
 * empty on points without error bars; every point, not the downsampled
 * ones).  Parallel charts: one row per record, a column per
 * axis (category names for categorical axes) and a last column "key" with
 * the legend name of the record's colour.  Non-finite numbers are empty;
 * the others are exact (tp_csvout_logged): a value that is exactly a float32
 * (event files log scalars as float32) as the shortest text that reads back
 * as that float32, as logged; any other as the shortest that reads back as
 * the double. */
void tp_chart_csv(const tp_chart *c, tp_buf *out);
/* Whether x/y chart c has error bars (lo/hi) on any point; false for a
 * parallel chart. */
bool tp_chart_has_ranges(const tp_chart *c);
/* The numbers of x/y chart c as rows of a page's CSV, the one file of all
 * the x/y charts of a page: columns chart, series, x, y, then lo, hi when
 * `ranges` (which the page passes the same for all its charts: true when
 * any of them has error bars), where `chart` is the given name of the chart
 * on its page; the header first when out is empty.  Returns false, writing
 * nothing, for a parallel chart (its columns are its own: it keeps a file of
 * its own, from tp_chart_csv).  Numbers are as in tp_chart_csv. */
bool tp_chart_csv_page(const tp_chart *c, const char *chart, bool ranges, tp_buf *out);

/* Release cairo's and fontconfig's process-wide caches (font faces, font
 * configuration).  Call once at program end, after the last chart, so that
 * leak checkers see a clean exit; charts may not be drawn afterwards. */
void tp_chart_cleanup(void);

/* ---- helpers (exported for tests and for tables beside charts) ---------- */

/* Round ticks for [lo, hi]: a step of 1, 2 or 5 x 10^k giving about `target`
 * intervals.  Writes the first tick (a multiple of step at or below lo) to
 * *first and returns the step; the caller takes ticks first + i*step up to
 * hi.  Degenerate ranges are widened first. */
double tp_nice_step(double lo, double hi, int target, double *first);
/* Format v in the shortest way that shows `step` resolution
 * (tp_nice_number(buf, 0.25, 0.05) -> "0.25"), "-0" never.  buf holds 32. */
const char *tp_nice_number(char buf[32], double v, double step);
/* The SI prefix ("k", "M", "m", "µ", ...) for a range whose largest magnitude
 * is maxabs, and its factor in *scale (1000 for "k"); "" and 1 when none is
 * needed (magnitudes from 0.01 to 9999 keep their own digits). */
const char *tp_si_prefix(double maxabs, double *scale);
/* The colour of palette index i as "#rrggbb" (static string). */
const char *tp_chart_colour(int i);

#endif
