/* test_chart: ticks, SI prefixes, Pareto fronts, LTTB, and whole charts:
 * determinism, SVG well-formedness, PNG size at 300 dpi, file size bounds.
 * Writes one sample of each chart kind (SVG, PNG, PDF) to
 * <build>/chart-samples/ for a person to look at. */
#include <libxml/parser.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "render/chart.h"
#include "render/chart_impl.h"
#include "render/downsample.h"
#include "tp_test.h"

#define SAMPLES TP_BINARY_DIR "/chart-samples"

/* ---- helpers ------------------------------------------------------------ */

static char *S_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  tp_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  fclose(f);
  *len = b.len;
  return b.data ? tp_buf_detach(&b) : tp_xstrdup("");
}

static bool S_same_file(const char *a, const char *b) {
  size_t la = 0, lb = 0;
  char *x = S_read(a, &la), *y = S_read(b, &lb);
  bool same = x && y && la == lb && memcmp(x, y, la) == 0;
  free(x);
  free(y);
  return same;
}

static uint32_t S_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A deterministic pseudo-random number in [0, 1). */
static double S_rand(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return (*state >> 8) / 16777216.0;
}

/* ---- sample charts -------------------------------------------------------- */

static const char *k_configs[] = {"lr=1e-3, bs=32", "lr=1e-3, bs=64", "lr=3e-4, bs=32",
                                  "lr=3e-4, bs=64", "lr=1e-4, bs=128"};

static tp_chart *S_bar_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_BAR, "IT energy per configuration",
                             "Mean IT energy of each configuration over 3 seeds, with the "
                             "range as error bars and each seed as a point.");
  tp_chart_set_id(c, "energy-by-config");
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, "Configuration", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "IT energy", "Wh");
  tp_chart_series *bars = tp_chart_add_series(c, "Mean of 3 seeds", 0, TP_DRAW_BARS);
  tp_chart_series *pts = tp_chart_add_series(c, "Seed", 1, TP_DRAW_MARKERS);
  uint32_t st = 7;
  for (size_t i = 0; i < 5; i++) {
    tp_chart_add_category(&c->x, k_configs[i]);
    double base = 1800 + 900 * (double)i, lo = INFINITY, hi = -INFINITY, sum = 0;
    for (int k = 0; k < 3; k++) {
      double v = base * (0.9 + 0.2 * S_rand(&st));
      tp_chart_series_add(pts, (double)i, v);
      lo = fmin(lo, v), hi = fmax(hi, v), sum += v;
    }
    tp_chart_series_add_err(bars, (double)i, sum / 3, lo, hi);
  }
  return c;
}

static tp_chart *S_pareto_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_SCATTER, "Accuracy against energy",
                             "Final validation accuracy of each run against its IT energy; "
                             "the line is the Pareto front of the configurations.");
  tp_chart_set_id(c, "pareto");
  tp_chart_axis_set(&c->x, TP_AXIS_NUMBER, "IT energy", "J");
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Validation accuracy", NULL);
  uint32_t st = 11;
  double mx[5], my[5];
  for (int i = 0; i < 5; i++) {
    tp_chart_series *s = tp_chart_add_series(c, k_configs[i], i, TP_DRAW_MARKERS);
    double e = 5e6 + 4e6 * i, a = 0.82 + 0.03 * sqrt(i) - 0.01 * (i == 3);
    mx[i] = my[i] = 0;
    for (int k = 0; k < 3; k++) {
      double x = e * (0.92 + 0.16 * S_rand(&st)), y = a + 0.01 * (S_rand(&st) - 0.5);
      tp_chart_series_add(s, x, y);
      mx[i] += x / 3, my[i] += y / 3;
    }
  }
  tp_chart_add_pareto(c, "Pareto front", mx, my, 5, true);
  return c;
}

static tp_chart *S_curve_chart(size_t n) {
  tp_chart *c = tp_chart_new(TP_CHART_LINE, "Validation loss against cumulative energy",
                             "Validation loss of each run as its cumulative energy grows.");
  tp_chart_set_id(c, "loss-energy");
  tp_chart_axis_set(&c->x, TP_AXIS_NUMBER, "Cumulative energy", "Wh");
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Validation loss", NULL);
  uint32_t st = 3;
  for (int i = 0; i < 4; i++) {
    tp_chart_series *s = tp_chart_add_series(c, k_configs[i], i, TP_DRAW_LINE);
    double total = 2000 + 700 * i;
    for (size_t k = 0; k < n; k++) {
      double f = (double)k / (double)(n - 1);
      tp_chart_series_add(s, total * f,
                          0.35 + (1.9 - 0.1 * i) * exp(-4.5 * f) + 0.03 * (S_rand(&st) - 0.5));
    }
  }
  return c;
}

static tp_chart *S_time_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_LINE, "GPU power of run seed-1",
                             "Power drawn by each GPU over time; the shaded band is the run.");
  tp_chart_set_id(c, "power");
  tp_chart_axis_set(&c->x, TP_AXIS_TIME, "Time", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Power", "W");
  c->y.zero = true;
  double t0 = 1709630400.0 + 3600 * 9.25; /* 2024-03-05 09:15 UTC */
  uint32_t st = 5;
  for (int g = 0; g < 2; g++) {
    char name[16];
    snprintf(name, sizeof name, "gpu%d", g);
    tp_chart_series *s = tp_chart_add_series(c, name, g, TP_DRAW_LINE);
    for (int k = 0; k < 5 * 3600; k += 1) {
      double t = t0 + k, p = 65;
      if (k > 600 && k < 4 * 3600 + 1200) p = 280 + 25 * sin(k / 300.0) + 30 * S_rand(&st) - 40 * g;
      tp_chart_series_add(s, t, p);
    }
  }
  tp_chart_add_band(c, t0 + 600, t0 + 4 * 3600 + 1200, "run seed-1");
  return c;
}

static tp_chart *S_duration_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_LINE, "Validation accuracy over wall-clock time", NULL);
  tp_chart_axis_set(&c->x, TP_AXIS_DURATION, "Wall-clock time", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Validation accuracy", NULL);
  for (int i = 0; i < 3; i++) {
    tp_chart_series *s = tp_chart_add_series(c, k_configs[i], i, TP_DRAW_LINE_MARKERS);
    for (int k = 0; k <= 20; k++)
      tp_chart_series_add(s, k * (1800.0 + 300 * i), 0.5 + 0.4 * (1 - exp(-k / (4.0 + i))));
  }
  return c;
}

static tp_chart *S_parallel_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_PARALLEL, "Hyperparameters, energy and accuracy",
                             "One line per run across the hyperparameters that vary, its IT "
                             "energy and its validation accuracy, coloured by configuration.");
  tp_chart_set_id(c, "parallel");
  tp_chart_paxis *opt = tp_chart_add_paxis(c, "optimizer", NULL, true);
  tp_chart_paxis_add_category(opt, "adamw");
  tp_chart_paxis_add_category(opt, "sgd");
  tp_chart_add_paxis(c, "learning rate", NULL, false);
  tp_chart_add_paxis(c, "batch size", NULL, false);
  tp_chart_add_paxis(c, "IT energy", "J", false);
  tp_chart_add_paxis(c, "val. accuracy", NULL, false);
  uint32_t st = 9;
  for (int i = 0; i < 5; i++) {
    tp_chart_add_key(c, k_configs[i], i);
    for (int k = 0; k < 3; k++) {
      double v[5] = {i % 2, i < 2 ? 1e-3 : i < 4 ? 3e-4 : 1e-4, i == 4 ? 128 : i % 2 ? 64 : 32,
                     (6e6 + 3e6 * i) * (0.9 + 0.2 * S_rand(&st)), 0.8 + 0.02 * i + 0.01 * S_rand(&st)};
      tp_chart_add_pline(c, i, v);
    }
  }
  return c;
}

static tp_chart *S_experiment_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_BAR, "Energy and emissions per experiment",
                             "Facility energy and CO2e of each experiment.");
  tp_chart_set_id(c, "experiments");
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, "Experiment", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "Facility energy", "Wh");
  tp_chart_series *s = tp_chart_add_series(c, NULL, 0, TP_DRAW_BARS);
  const char *names[] = {"resnet-cifar10", "bert-finetune-glue-sst2", "vit-imagenet-subset",
                         "lstm-ptb", "gpt2-small-pretraining-openwebtext"};
  for (int i = 0; i < 5; i++) {
    tp_chart_add_category(&c->x, names[i]);
    tp_chart_series_add(s, i, 12000.0 * (i + 1) * (i % 2 ? 0.6 : 1.3));
  }
  return c;
}

static tp_chart *S_calendar_chart(void) {
  tp_chart *c = tp_chart_new(TP_CHART_BAR, "Energy per month", "IT energy of all runs by month.");
  tp_chart_set_id(c, "calendar");
  tp_chart_axis_set(&c->x, TP_AXIS_CATEGORY, "Month", NULL);
  tp_chart_axis_set(&c->y, TP_AXIS_NUMBER, "IT energy", "Wh");
  tp_chart_series *s = tp_chart_add_series(c, "IT energy", 2, TP_DRAW_BARS);
  for (int m = 0; m < 12; m++) {
    char lab[16];
    snprintf(lab, sizeof lab, "2024-%02d", m + 1);
    tp_chart_add_category(&c->x, lab);
    tp_chart_series_add(s, m, 1e5 * (1 + (m * 7 % 5)) + 3e4 * m);
  }
  return c;
}

typedef struct sample {
  const char *name;
  tp_chart *(*make)(void);
} sample;

static tp_chart *S_curve_default(void) { return S_curve_chart(500); }

static const sample k_samples[] = {
    {"bar", S_bar_chart},         {"pareto", S_pareto_chart},     {"curve", S_curve_default},
    {"power", S_time_chart},      {"duration", S_duration_chart}, {"parallel", S_parallel_chart},
    {"experiments", S_experiment_chart}, {"calendar", S_calendar_chart},
};

/* ---- tests ---------------------------------------------------------------- */

static void test_nice_step(void) {
  double first;
  CHECK_NEAR(tp_nice_step(0, 10, 5, &first), 2, 1e-12);
  CHECK_NEAR(first, 0, 1e-12);
  CHECK_NEAR(tp_nice_step(0, 1, 5, &first), 0.2, 1e-12);
  CHECK_NEAR(tp_nice_step(0.13, 0.87, 4, &first), 0.2, 1e-12);
  CHECK_NEAR(first, 0, 1e-12);
  CHECK_NEAR(tp_nice_step(-37, 412, 5, &first), 100, 1e-12);
  CHECK_NEAR(first, -100, 1e-12);
  CHECK_NEAR(tp_nice_step(1234, 1261, 5, &first), 5, 1e-12);
  CHECK_NEAR(first, 1230, 1e-9);
  CHECK_NEAR(tp_nice_step(0, 7e6, 6, &first), 1e6, 1e-3);
  CHECK_NEAR(tp_nice_step(5, 5, 5, &first), 0.2, 1e-12); /* degenerate: widened */
  CHECK(tp_nice_step(0, 0, 5, &first) > 0);
  CHECK(tp_nice_step(NAN, 1, 5, &first) > 0);
  char b[32];
  CHECK_STR(tp_nice_number(b, 0.25, 0.05), "0.25");
  CHECK_STR(tp_nice_number(b, 0.6000000000000001, 0.2), "0.6");
  CHECK_STR(tp_nice_number(b, 2000, 500), "2000");
  CHECK_STR(tp_nice_number(b, -1e-17, 0.1), "0.0");
  CHECK_STR(tp_nice_number(b, 1.5, 0.5), "1.5");
  double sc;
  CHECK_STR(tp_si_prefix(25e6, &sc), "M");
  CHECK_NEAR(sc, 1e6, 1e-9);
  CHECK_STR(tp_si_prefix(0.85, &sc), "");
  CHECK_STR(tp_si_prefix(999, &sc), "");
  CHECK_STR(tp_si_prefix(5000, &sc), "k");
  CHECK_STR(tp_si_prefix(20000, &sc), "k");
  CHECK_STR(tp_si_prefix(0.002, &sc), "m");
  CHECK_STR(tp_si_prefix(3e-6, &sc), "\xC2\xB5");
}

static void test_lttb(void) {
  /* Fewer points than the budget: all of them. */
  double x[10], y[10];
  size_t idx[10];
  for (int i = 0; i < 10; i++) x[i] = i, y[i] = 0;
  CHECK_INT(tp_lttb(x, y, 5, 10, idx), 5);
  CHECK_INT(idx[4], 4);
  CHECK_INT(tp_lttb(x, y, 10, 0, idx), 0);
  CHECK_INT(tp_lttb(x, y, 10, 1, idx), 1);
  CHECK_INT(tp_lttb(x, y, 10, 2, idx), 2);
  CHECK_INT(idx[1], 9);
  /* A spike is kept: 10 points into 3 buckets + ends = 5. */
  y[6] = 10;
  CHECK_INT(tp_lttb(x, y, 10, 5, idx), 5);
  CHECK_INT(idx[0], 0);
  CHECK_INT(idx[4], 9);
  bool spike = false;
  for (int i = 0; i < 5; i++) spike = spike || idx[i] == 6;
  CHECK(spike);
  /* By hand: x 0..6, y 0 1 0 5 0 1 0, 5 points: 3 buckets over the 5 inner
   * points are {1} {2,3} {4,5}.  Bucket 1 has one point: 1.  Bucket 2: prev
   * (1,1), next mean (4.5,0.5); twice the area is |(1-4.5)(y-1) - (1-x)(0.5-1)|:
   * x=2,y=0: 3; x=3,y=5: 15 -> 3.  Bucket 3: prev (3,5), next the last (6,0):
   * x=4,y=0: |(-3)(-5) - (-1)(-5)| = 10; x=5,y=1: |(-3)(-4) - (-2)(-5)| = 2 -> 4. */
  double hx[7] = {0, 1, 2, 3, 4, 5, 6}, hy[7] = {0, 1, 0, 5, 0, 1, 0};
  CHECK_INT(tp_lttb(hx, hy, 7, 5, idx), 5);
  CHECK_INT(idx[1], 1);
  CHECK_INT(idx[2], 3);
  CHECK_INT(idx[3], 4);
  /* Min/max keeps both extremes of each bucket. */
  double mx[12], my[12];
  size_t mi[12];
  for (int i = 0; i < 12; i++) mx[i] = i, my[i] = i % 3 == 0 ? -i : i;
  size_t m = tp_minmax_downsample(mx, my, 12, 6, mi);
  CHECK(m <= 6);
  CHECK_INT(mi[0], 0);
  CHECK_INT(mi[m - 1], 11);
  for (size_t k = 1; k < m; k++) CHECK(mi[k] > mi[k - 1]);
  /* A long series: the budget holds and indices increase. */
  size_t n = 100000;
  double *lx = malloc(n * sizeof *lx), *ly = malloc(n * sizeof *ly);
  size_t *li = malloc(1000 * sizeof *li);
  for (size_t i = 0; i < n; i++) lx[i] = (double)i, ly[i] = sin((double)i / 1000.0);
  ly[54321] = 50;
  size_t got = tp_lttb(lx, ly, n, 1000, li);
  CHECK_INT(got, 1000);
  bool ok = true, has = false;
  for (size_t k = 1; k < got; k++) ok = ok && li[k] > li[k - 1];
  for (size_t k = 0; k < got; k++) has = has || li[k] == 54321;
  CHECK(ok);
  CHECK(has);
  got = tp_minmax_downsample(lx, ly, n, 1000, li);
  CHECK(got <= 1000);
  has = false;
  for (size_t k = 0; k < got; k++) has = has || li[k] == 54321;
  CHECK(has);
  free(lx);
  free(ly);
  free(li);
}

static void test_pareto(void) {
  double x[6] = {1, 2, 3, 4, 2.5, NAN}, y[6] = {0.5, 0.7, 0.65, 0.9, 0.7, 1};
  size_t idx[6];
  size_t n = tp_pareto_front(x, y, 6, true, idx);
  CHECK_INT(n, 3);
  CHECK_INT(idx[0], 0);
  CHECK_INT(idx[1], 1);
  CHECK_INT(idx[2], 3);
  /* Lower y better: only the first point (lowest x) and those lower still. */
  n = tp_pareto_front(x, y, 6, false, idx);
  CHECK_INT(n, 1);
  CHECK_INT(idx[0], 0);
  CHECK_INT(tp_pareto_front(x, y, 0, true, idx), 0);
}

static void test_samples(void) {
  mkdir(SAMPLES, 0777);
  for (size_t i = 0; i < sizeof k_samples / sizeof *k_samples; i++) {
    const sample *s = &k_samples[i];
    tp_chart *c = s->make();
    char a[512], b[512];
    char *err = NULL;
    /* SVG: deterministic, well-formed, small. */
    tp_buf one = {0}, two = {0};
    tp_chart_svg(c, &one);
    tp_chart_svg(c, &two);
    CHECK(one.len == two.len && memcmp(one.data, two.data, one.len) == 0);
    xmlDocPtr doc = xmlReadMemory(one.data, (int)one.len, "chart.svg", NULL, XML_PARSE_NONET);
    CHECK(doc != NULL);
    if (doc) {
      xmlNodePtr root = xmlDocGetRootElement(doc);
      CHECK_STR((const char *)root->name, "svg");
      xmlChar *role = xmlGetProp(root, (const xmlChar *)"role");
      CHECK_STR((const char *)role, "img");
      xmlFree(role);
      xmlFreeDoc(doc);
    }
    CHECK(one.len < 300 * 1024);
    tp_buf_free(&one);
    tp_buf_free(&two);

    snprintf(a, sizeof a, "%s/%s.svg", SAMPLES, s->name);
    CHECK_INT(tp_chart_write(c, TP_CHART_SVG, a, &err), 0);
    free(err);
    /* PNG: 300 dpi, twice the same bytes. */
    snprintf(a, sizeof a, "%s/%s.png", SAMPLES, s->name);
    snprintf(b, sizeof b, "%s/%s-again.png", SAMPLES, s->name);
    CHECK_INT(tp_chart_write(c, TP_CHART_PNG, a, &err), 0);
    CHECK_INT(tp_chart_write(c, TP_CHART_PNG, b, &err), 0);
    CHECK(S_same_file(a, b));
    remove(b);
    size_t len = 0;
    char *png = S_read(a, &len);
    CHECK(png && len > 24 && memcmp(png, "\x89PNG", 4) == 0);
    if (png && len > 24) {
      CHECK_INT(S_be32((unsigned char *)png + 16), (long long)ceil(c->width_pt * 300 / 72 - 1e-9));
      CHECK_INT(S_be32((unsigned char *)png + 20), (long long)ceil(c->height_pt * 300 / 72 - 1e-9));
    }
    free(png);
    /* PDF: twice the same bytes. */
    snprintf(a, sizeof a, "%s/%s.pdf", SAMPLES, s->name);
    snprintf(b, sizeof b, "%s/%s-again.pdf", SAMPLES, s->name);
    CHECK_INT(tp_chart_write(c, TP_CHART_PDF, a, &err), 0);
    CHECK_INT(tp_chart_write(c, TP_CHART_PDF, b, &err), 0);
    CHECK(S_same_file(a, b));
    remove(b);
    tp_chart_free(c);
  }
}

static void test_long_series(void) {
  /* A million points per series: downsampled, and the SVG stays small. */
  tp_chart *c = S_curve_chart(1000000);
  tp_buf b = {0};
  tp_chart_svg(c, &b);
  CHECK(b.len < 300 * 1024);
  tp_buf_free(&b);
  tp_chart_free(c);
}

/* The lowest and highest y of the first series' path in svg, and its points
 * (the path: "M x y l dx dy dx dy ...", numbers as short as SVG allows). */
static size_t S_path_extent(const char *svg, double *ymin, double *ymax) {
  const char *p = strstr(svg, "class=\"tp-series");
  p = p ? strstr(p, " d=\"M") : NULL;
  if (!p) return 0;
  char *end;
  p += 5;
  double x = strtod(p, &end), y = strtod(end, &end);
  (void)x;
  *ymin = *ymax = y;
  size_t n = 1;
  if (*end == 'l') end++;
  while (*end != '"') {
    double dx = strtod(end, &end), dy = strtod(end, &end);
    (void)dx;
    y += dy, n++;
    *ymin = fmin(*ymin, y), *ymax = fmax(*ymax, y);
  }
  return n;
}

static void test_envelope(void) {
  /* 1000 points with a spike and a dip: at the plot's resolution, fewer
   * points, the same extremes. */
  double lo[2], hi[2];
  size_t n[2];
  for (int k = 0; k < 2; k++) {
    tp_chart *c = tp_chart_new(TP_CHART_LINE, "power", NULL);
    tp_chart_series *s = tp_chart_add_series(c, "gpu0", 0, TP_DRAW_LINE);
    for (int i = 0; i < 1000; i++)
      tp_chart_series_add(s, i, i == 500 ? 1000 : i == 701 ? 0 : 100 + i % 7);
    c->envelope_pt = k ? 2 : 0;
    tp_buf b = {0};
    tp_chart_svg(c, &b);
    n[k] = S_path_extent(tp_buf_str(&b), &lo[k], &hi[k]);
    tp_buf_free(&b);
    tp_chart_free(c);
  }
  CHECK(n[0] == 1000);
  CHECK(n[1] > 100 && n[1] < 500);
  CHECK(fabs(lo[1] - lo[0]) < 0.01 && fabs(hi[1] - hi[0]) < 0.01);
}

static void test_escaping_and_errors(void) {
  tp_chart *c = tp_chart_new(TP_CHART_LINE, "<script>alert(1)</script> & \"q\" \xff\xfe",
                             "desc \x01 bad");
  tp_chart_set_id(c, "x\"y");
  tp_chart_series *s = tp_chart_add_series(c, "a<b", 0, TP_DRAW_DEFAULT);
  tp_chart_series_add(s, 0, 1);
  tp_chart_series_add(s, NAN, 2);
  tp_chart_series_add(s, 1, INFINITY);
  tp_chart_series_add(s, 2, 3);
  tp_buf b = {0};
  tp_chart_svg(c, &b);
  CHECK(strstr(b.data, "<script>") == NULL);
  xmlDocPtr doc = xmlReadMemory(b.data, (int)b.len, "x.svg", NULL, XML_PARSE_NONET);
  CHECK(doc != NULL);
  xmlFreeDoc(doc);
  tp_buf_free(&b);
  char *err = NULL;
  CHECK_INT(tp_chart_write(c, TP_CHART_PNG, "/nonexistent-dir/x.png", &err), -1);
  CHECK(err != NULL);
  free(err);
  err = NULL;
  CHECK_INT(tp_chart_write(c, TP_CHART_SVG, "/nonexistent-dir/x.svg", &err), -1);
  CHECK(err != NULL);
  free(err);
  tp_chart_free(c);
  /* Empty charts draw. */
  tp_chart *e = tp_chart_new(TP_CHART_PARALLEL, "empty", NULL);
  tp_chart_svg(e, &b);
  tp_buf_free(&b);
  tp_chart_free(e);
  e = tp_chart_new(TP_CHART_BAR, "empty", NULL);
  tp_chart_svg(e, &b);
  CHECK(strstr(b.data, "No data") != NULL);
  tp_buf_free(&b);
  tp_chart_free(e);
}


/* Extreme values (a damaged input) draw without overflow: coordinates are
 * clamped before they are rounded. */
static void test_extreme_values(void) {
  const double v[][2] = {{0, 1.7e308}, {0, -1.7e308}, {-1.7e308, 1.7e308}};
  for (size_t k = 0; k < 3; k++) {
    tp_chart *c = tp_chart_new(TP_CHART_LINE, "extreme", NULL);
    tp_chart_series *s = tp_chart_add_series(c, "a", 0, TP_DRAW_DEFAULT);
    tp_chart_series_add(s, v[k][0], v[k][1]);
    tp_chart_series_add(s, 1, 0);
    tp_chart_series_add(s, 2, 1e-300);
    tp_chart_add_band(c, -1.7e308, 1.7e308, "band");
    tp_chart_series_add_err(s, 3, 1, -1.7e308, 1.7e308);
    tp_buf b = {0};
    tp_chart_svg(c, &b);
    xmlDocPtr doc = xmlReadMemory(b.data, (int)b.len, "x.svg", NULL, XML_PARSE_NONET);
    CHECK(doc != NULL);
    xmlFreeDoc(doc);
    tp_buf_free(&b);
    tp_chart_free(c);
  }
}

/* A time axis far from the epoch (a fuzzer's find: x near 1e17 s, where
 * v + 1 s is v) gets a bounded number of ticks, not a loop that never ends. */
static void test_time_axis_far_from_epoch(void) {
  const double x0[] = {1e17, -1e17, 4e15};
  for (size_t k = 0; k < sizeof x0 / sizeof *x0; k++) {
    tp_chart *c = tp_chart_new(TP_CHART_LINE, "far", NULL);
    tp_chart_axis_set(&c->x, TP_AXIS_TIME, "Time", NULL);
    tp_chart_series *s = tp_chart_add_series(c, "a", 0, TP_DRAW_DEFAULT);
    tp_chart_series_add(s, x0[k], 1);
    tp_chart_series_add(s, x0[k] + 10, 2);
    tp_chart_scale sc;
    tp_chart_scale_make(&sc, c, &c->x, true, 700);
    CHECK(sc.nt <= 12); /* target 10 ticks (700 pt / 70), at most target + 2 */
    tp_chart_scale_free(&sc);
    tp_buf b = {0};
    tp_chart_svg(c, &b);
    CHECK(b.len > 0);
    tp_buf_free(&b);
    tp_chart_free(c);
  }
}

static void test_csv(void) {
  tp_chart *c = S_bar_chart();
  tp_buf b = {0};
  tp_chart_csv(c, &b);
  CHECK(strncmp(tp_buf_str(&b), "series,x,y,lo,hi\r\n", 18) == 0);
  CHECK(strstr(tp_buf_str(&b), "\r\nMean of 3 seeds,\"lr=1e-3, bs=32\",") != NULL);
  CHECK(strstr(tp_buf_str(&b), "\r\nSeed,\"lr=1e-4, bs=128\",") != NULL);
  tp_buf_free(&b);
  tp_chart_free(c);
  c = S_time_chart();
  tp_chart_csv(c, &b);
  CHECK(strncmp(tp_buf_str(&b), "series,x,y\r\n", 12) == 0); /* no error bars: no lo, hi */
  CHECK(strstr(tp_buf_str(&b), "\r\ngpu0,2024-03-05T") != NULL);
  tp_buf_free(&b);
  tp_chart_free(c);
  c = S_parallel_chart();
  tp_chart_csv(c, &b);
  CHECK(strncmp(tp_buf_str(&b), "optimizer,learning rate,batch size,IT energy,val. accuracy,key\r\n"
                                "adamw,0.001,32,", 78) == 0);
  CHECK(strstr(tp_buf_str(&b), ",\"lr=1e-3, bs=32\"\r\n") != NULL);
  tp_buf_free(&b);
  tp_chart_free(c);
}

int main(void) {
  TP_RUN(test_extreme_values);
  TP_RUN(test_time_axis_far_from_epoch);
  TP_RUN(test_nice_step);
  TP_RUN(test_lttb);
  TP_RUN(test_pareto);
  TP_RUN(test_samples);
  TP_RUN(test_long_series);
  TP_RUN(test_envelope);
  TP_RUN(test_escaping_and_errors);
  TP_RUN(test_csv);
  xmlCleanupParser();
  tp_chart_cleanup();
  return tp_test_summary();
}
