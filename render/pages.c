/* pages: the report's HTML pages, from templates and a priced lab (see pages.h).
 *
 * The file is in four parts: formatting numbers with units for tables and
 * lists; small builders for the data tree (tables, key-value lists); the
 * charts (inline SVG plus files beside the page); and one builder per kind
 * of page.
 */
#include "render/pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/mem.h"
#include "render/chart.h"
#include "render/figures.h"
#include "render/summary.h"
#include "render/template.h"

#define J_PER_WH 3600.0
#define J_PER_KWH 3600000.0

/* ======================================================================== */
/* numbers with units                                                        */
/* ======================================================================== */

/* A column's unit: values are divided by `scale` and shown with `decimals`. */
typedef struct S_unit {
  const char *name; /* "kWh", "g", "min", ... */
  double scale;
  int decimals;
} S_unit;

/* Decimals that show about four significant digits of the largest value. */
static int S_decimals(double maxabs) {
  if (!(maxabs > 0) || !isfinite(maxabs)) return 1;
  int d = 3 - (int)floor(log10(maxabs));
  return d < 0 ? 0 : d > 3 ? 3 : d;
}

static S_unit S_unit_energy(double max_j) {
  S_unit u = {"Wh", J_PER_WH, 1};
  if (max_j >= 1000 * J_PER_WH) u = (S_unit){"kWh", J_PER_KWH, 1};
  if (max_j >= 1000 * J_PER_KWH) u = (S_unit){"MWh", 1000 * J_PER_KWH, 1};
  u.decimals = S_decimals(max_j / u.scale);
  return u;
}

static S_unit S_unit_co2e(double max_kg) {
  S_unit u = {"g", 0.001, 1};
  if (max_kg >= 1) u = (S_unit){"kg", 1, 1};
  if (max_kg >= 1000) u = (S_unit){"t", 1000, 1};
  u.decimals = S_decimals(max_kg / u.scale);
  return u;
}

static S_unit S_unit_duration(double max_s) {
  S_unit u = {"s", 1, 0};
  if (max_s >= 120) u = (S_unit){"min", 60, 1};
  if (max_s >= 3 * 3600.0) u = (S_unit){"h", 3600, 2};
  return u;
}

/* v in unit u, no unit name; "–" when not finite. */
static const char *S_in(char buf[64], const S_unit *u, double v) {
  if (!isfinite(v)) return "–";
  snprintf(buf, 64, "%.*f", u->decimals, v / u->scale);
  return buf;
}

/* "mean ± sd" of a statistic in unit u ("mean" for one value, "–" for none). */
static const char *S_mean_sd(char buf[64], const S_unit *u, const tp_stat *st) {
  if (st->n == 0 || !isfinite(st->mean)) return "–";
  if (st->n < 2 || !isfinite(st->sd)) return S_in(buf, u, st->mean);
  snprintf(buf, 64, "%.*f ± %.*f", u->decimals, st->mean / u->scale, u->decimals,
           st->sd / u->scale);
  return buf;
}

/* v with the unit that suits it alone ("1.610 kWh"). */
static const char *S_with_unit(char buf[64], S_unit u, double v) {
  if (!isfinite(v)) return "unknown";
  snprintf(buf, 64, "%.*f %s", u.decimals, v / u.scale, u.name);
  return buf;
}

static const char *S_energy(char buf[64], double j) { return S_with_unit(buf, S_unit_energy(j), j); }

static const char *S_co2e(char buf[64], double kg) {
  if (!isfinite(kg)) return "unknown";
  S_unit u = S_unit_co2e(kg);
  snprintf(buf, 64, "%.*f %s CO2e", u.decimals, kg / u.scale, u.name);
  return buf;
}

/* "1 h 05 min", "25 min 07 s", "42.5 s". */
static const char *S_duration(char buf[64], double s) {
  if (!isfinite(s) || s < 0) return "unknown";
  long t = lround(s);
  if (s < 60) snprintf(buf, 64, "%.1f s", s);
  else if (t < 3600) snprintf(buf, 64, "%ld min %02ld s", t / 60, t % 60);
  else if (t < 86400) snprintf(buf, 64, "%ld h %02ld min", t / 3600, t % 3600 / 60);
  else snprintf(buf, 64, "%ld d %ld h", t / 86400, t % 86400 / 3600);
  return buf;
}

/* A metric value: four significant digits. */
static const char *S_metric(char buf[64], double v) {
  if (!isfinite(v)) return "–";
  snprintf(buf, 64, "%.4g", v);
  return buf;
}

/* "2026-03-30 12:03:30 UTC"; "unknown" when not finite. */
static const char *S_time(char buf[64], double t_s) {
  if (!isfinite(t_s)) return "unknown";
  time_t t = (time_t)floor(t_s);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return "unknown";
  strftime(buf, 64, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

/* "2026-03-30 12:03" (UTC, for tables whose header says so). */
static const char *S_minute(char buf[64], double t_s) {
  if (!isfinite(t_s)) return "–";
  time_t t = (time_t)floor(t_s);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return "–";
  strftime(buf, 64, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

static const char *S_bytes(char buf[64], uint64_t n) {
  if (n < 1024) snprintf(buf, 64, "%llu B", (unsigned long long)n);
  else if (n < 1024 * 1024) snprintf(buf, 64, "%.1f KiB", (double)n / 1024);
  else if (n < 1024ull * 1024 * 1024) snprintf(buf, 64, "%.1f MiB", (double)n / 1048576.0);
  else snprintf(buf, 64, "%.2f GiB", (double)n / 1073741824.0);
  return buf;
}

static const char *S_percent(char buf[64], double share) {
  if (!isfinite(share)) return "–";
  snprintf(buf, 64, "%.1f %%", share * 100);
  return buf;
}

/* ======================================================================== */
/* data-tree builders                                                        */
/* ======================================================================== */

/* A table being built: {id, caption, columns: [{label, cls}], rows: [{cells:
 * [{text, href, cls, head}]}]}; cls is "num" for numbers (right-aligned),
 * head marks the cell that names its row (a row header). */
typedef struct S_tab {
  tp_tval *columns, *rows; /* lists inside the table object */
  tp_tval *cells;          /* the cells of the row being filled */
} S_tab;

static S_tab S_table(tp_tval *parent, const char *key, const char *id, const char *caption) {
  tp_tval *t = tp_tval_set_object(parent, key);
  tp_tval_set_string(t, "id", id);
  tp_tval_set_string(t, "caption", caption);
  S_tab tab = {tp_tval_set_list(t, "columns"), tp_tval_set_list(t, "rows"), NULL};
  return tab;
}

static void S_col(S_tab *t, const char *label, bool numeric) {
  tp_tval *c = tp_tval_push_object(t->columns);
  tp_tval_set_string(c, "label", label);
  tp_tval_set_string(c, "cls", numeric ? "num" : NULL);
}

/* A numeric column whose label names its unit: "IT energy (kWh)". */
static void S_col_unit(S_tab *t, const char *label, const char *unit) {
  char *s = tp_xasprintf("%s (%s)", label, unit);
  S_col(t, s, true);
  free(s);
}

static void S_row(S_tab *t) { t->cells = tp_tval_set_list(tp_tval_push_object(t->rows), "cells"); }

static void S_cell_full(S_tab *t, const char *text, const char *href, const char *cls,
                        bool head) {
  tp_tval *c = tp_tval_push_object(t->cells);
  tp_tval_set_string(c, "text", text);
  tp_tval_set_string(c, "href", href);
  tp_tval_set_string(c, "cls", cls);
  tp_tval_set_bool(c, "head", head);
}

static void S_cell(S_tab *t, const char *text) { S_cell_full(t, text, NULL, NULL, false); }
static void S_num(S_tab *t, const char *text) { S_cell_full(t, text, NULL, "num", false); }

/* A {label, value, detail} entry of a key-value list. */
static void S_item(tp_tval *list, const char *label, const char *value, const char *detail) {
  tp_tval *o = tp_tval_push_object(list);
  tp_tval_set_string(o, "label", label);
  tp_tval_set_string(o, "value", value);
  tp_tval_set_string(o, "detail", detail);
}

/* ======================================================================== */
/* charts                                                                    */
/* ======================================================================== */

typedef struct S_ctx {
  tp_site *site;
  const tp_lab *lab;
  const tp_pages_opts *opts;
  tp_template *tpl_index, *tpl_exp, *tpl_run;
  char *err;  /* first failure, or NULL */
} S_ctx;

static int S_write(S_ctx *x, const char *rel, const tp_buf *b) {
  if (x->err) return -1;
  return tp_site_write(x->site, rel, tp_buf_str(b), b->len, &x->err);
}

/* Place chart c (taken, freed here; NULL is skipped) in the list `charts`:
 * inline SVG for the page, and charts/STEM.svg, .csv (and .png, .pdf) beside
 * it; `up` leads from the page to the site's root ("" or "../"). */
static int S_chart(S_ctx *x, tp_tval *charts, tp_chart *c, const char *stem, const char *up) {
  if (!c) return 0;
  int rc = -1;
  tp_buf b = {0};
  char *rel = NULL;
  tp_chart_set_id(c, stem);
  tp_tval *o = tp_tval_push_object(charts);
  tp_tval_set_string(o, "id", stem);
  tp_tval_set_string(o, "title", c->title);
  tp_tval_set_string(o, "desc", c->desc);

  tp_chart_svg(c, &b);
  tp_tval_set_string(o, "svg", tp_buf_str(&b));
  tp_buf_clear(&b);
  tp_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  tp_chart_svg(c, &b);
  rel = tp_xasprintf("charts/%s.svg", stem);
  if (S_write(x, rel, &b) != 0) goto done;
  free(rel);
  rel = tp_xasprintf("%scharts/%s.svg", up, stem);
  tp_tval_set_string(o, "svg_file", rel);

  tp_buf_clear(&b);
  tp_chart_csv(c, &b);
  free(rel);
  rel = tp_xasprintf("charts/%s.csv", stem);
  if (S_write(x, rel, &b) != 0) goto done;
  free(rel);
  rel = tp_xasprintf("%scharts/%s.csv", up, stem);
  tp_tval_set_string(o, "csv", rel);

  static const struct {
    const char *ext;
    tp_chart_format fmt;
  } extra[] = {{"png", TP_CHART_PNG}, {"pdf", TP_CHART_PDF}};
  for (size_t i = 0; i < 2; i++) {
    bool want = i == 0 ? x->opts->png : x->opts->pdf;
    tp_tval_set_string(o, extra[i].ext, NULL);
    if (!want) continue;
    free(rel);
    rel = tp_xasprintf("charts/%s.%s", stem, extra[i].ext);
    char *path = tp_site_path(x->site, rel, &x->err);
    if (!path || tp_chart_write(c, extra[i].fmt, path, &x->err) != 0) {
      free(path);
      goto done;
    }
    free(path);
    free(rel);
    rel = tp_xasprintf("%scharts/%s.%s", up, stem, extra[i].ext);
    tp_tval_set_string(o, extra[i].ext, rel);
  }
  rc = 0;
done:
  free(rel);
  tp_buf_free(&b);
  tp_chart_free(c);
  return rc;
}

/* ======================================================================== */
/* pages                                                                     */
/* ======================================================================== */

char *tp_pages_experiment_path(const char *name) {
  char *slug = tp_site_slug(name);
  char *p = tp_xasprintf("experiments/%s.html", slug);
  free(slug);
  return p;
}

char *tp_pages_run_path(const char *id) {
  char *slug = tp_site_slug(id);
  char *p = tp_xasprintf("runs/%s.html", slug);
  free(slug);
  return p;
}

/* The fields every page has: title, generator, stamp, stylesheet, home. */
static tp_tval *S_page(S_ctx *x, const char *title, const char *up) {
  tp_tval *root = tp_tval_object();
  tp_tval_set_string(root, "title", title);
  tp_tval_set_string(root, "generator", x->opts->generator);
  tp_tval_set_string(root, "stamp", x->opts->stamp);
  char *s = tp_xasprintf("%sstyle.css", up);
  tp_tval_set_string(root, "stylesheet", s);
  free(s);
  s = tp_xasprintf("%sindex.html", up);
  tp_tval_set_string(root, "home", s);
  free(s);
  return root;
}

static int S_render(S_ctx *x, const tp_template *t, tp_tval *data, const char *rel) {
  tp_buf b = {0};
  int rc = x->err ? -1 : tp_template_render(t, data, &b, &x->err);
  if (rc == 0) rc = S_write(x, rel, &b);
  tp_buf_free(&b);
  tp_tval_free(data);
  return rc;
}

/* Diagnostics as [{severity, text}]. */
static void S_notes(tp_tval *root, const tp_diags *d) {
  static const char *const sev[] = {"note", "warning", "error"};
  tp_tval *list = tp_tval_set_list(root, "notes");
  for (size_t i = 0; i < d->count; i++) {
    const char *sv = sev[d->items[i].severity <= TP_ERROR ? d->items[i].severity : TP_ERROR];
    char *text = tp_diag_format(&d->items[i]);
    /* The severity has its own field; drop it from the text. */
    size_t n = strlen(sv);
    if (strncmp(text, sv, n) == 0 && text[n] == ':' && text[n + 1] == ' ')
      memmove(text, text + n + 2, strlen(text + n + 2) + 1);
    tp_tval *o = tp_tval_push_object(list);
    tp_tval_set_string(o, "severity", sv);
    tp_tval_set_string(o, "text", text);
    free(text);
  }
}

/* The assumptions behind every total, as a key-value list. */
static void S_assumptions(tp_tval *root, const tp_assumptions *a) {
  tp_tval *list = tp_tval_set_list(root, "assumptions");
  char buf[64], *v;
  snprintf(buf, sizeof buf, "%.2f", a->pue);
  S_item(list, "PUE", buf, a->pue_source);
  v = tp_xasprintf("%.0f gCO2e/kWh%s%s%s", a->intensity_g_per_kwh,
                   a->intensity_series ? " (mean of a time series, priced interval by interval)" : "",
                   a->zone ? ", zone " : "", a->zone ? a->zone : "");
  char *detail = a->intensity_year
                     ? tp_xasprintf("%d figure. %s", a->intensity_year,
                                    a->intensity_source ? a->intensity_source : "")
                     : tp_xstrdup(a->intensity_source ? a->intensity_source : "");
  S_item(list, "Carbon intensity", v, detail);
  free(v);
  free(detail);
  v = tp_xasprintf("from %s", a->timezone_source ? a->timezone_source : "default");
  S_item(list, "Timezone of naive timestamps", a->timezone ? a->timezone : "UTC", v);
  free(v);
}

/* Length of the directory prefix ("lab/sweep/") that every run id of e
 * shares, so that the runs table can show what tells them apart. */
static size_t S_common_dir(const tp_lab *lab, const tp_experiment *e) {
  if (e->n_runs == 0) return 0;
  const char *first = lab->runs[e->runs[0]]->id;
  const char *slash = strrchr(first, '/');
  size_t n = slash ? (size_t)(slash - first) + 1 : 0;
  for (size_t i = 1; i < e->n_runs && n; i++) {
    const char *id = lab->runs[e->runs[i]]->id;
    while (n && (strncmp(id, first, n) != 0 || first[n - 1] != '/')) n--;
  }
  return n;
}

/* ---- index.html -------------------------------------------------------- */

static int S_index(S_ctx *x) {
  const tp_lab *lab = x->lab;
  tp_tval *root = S_page(x, "Training energy report", "");
  char buf[64], b2[64], b3[64];
  char *lead = tp_xasprintf("%zu runs in %zu experiments used %s of IT energy, %s at the "
                            "facility, and emitted %s.",
                            lab->n_runs, lab->n_experiments, S_energy(buf, lab->it_j),
                            S_energy(b2, lab->facility_j), S_co2e(b3, lab->co2e_kg));
  tp_tval_set_string(root, "lead", lead);
  free(lead);

  tp_tval *tot = tp_tval_set_list(root, "totals");
  S_item(tot, "IT energy", S_energy(buf, lab->it_j), "what the devices drew");
  S_item(tot, "Facility energy", S_energy(buf, lab->facility_j), "IT energy × PUE");
  S_item(tot, "Emissions", S_co2e(buf, lab->co2e_kg), "facility energy × carbon intensity");
  snprintf(buf, sizeof buf, "%.2f", lab->gpu_hours);
  S_item(tot, "GPU-hours", buf, "device time of the GPUs covered");
  snprintf(buf, sizeof buf, "%zu", lab->n_runs);
  char *d = tp_xasprintf("%zu with a known energy", lab->n_runs_with_energy);
  S_item(tot, "Runs", buf, d);
  free(d);
  S_assumptions(root, &lab->assumptions);

  double max_j = 0, max_kg = 0;
  for (size_t i = 0; i < lab->n_experiments; i++) {
    max_j = fmax(max_j, lab->experiments[i].facility_j);
    max_kg = fmax(max_kg, lab->experiments[i].co2e_kg);
  }
  S_unit ue = S_unit_energy(max_j), uc = S_unit_co2e(max_kg);
  S_tab t = S_table(root, "experiments", "experiments",
                    "One row per experiment; energy, CO2e and GPU-hours summed over its runs");
  S_col(&t, "Experiment", false);
  S_col(&t, "Runs", true);
  S_col(&t, "Configurations", true);
  S_col(&t, "GPU-hours", true);
  S_col_unit(&t, "IT energy", ue.name);
  S_col_unit(&t, "Facility energy", ue.name);
  S_col_unit(&t, "CO2e", uc.name);
  S_col(&t, "Main metric", false);
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    char *href = tp_pages_experiment_path(e->name);
    S_row(&t);
    S_cell_full(&t, e->name, href, NULL, true);
    free(href);
    snprintf(buf, sizeof buf, "%zu", e->n_runs);
    S_num(&t, buf);
    snprintf(buf, sizeof buf, "%zu", e->n_configs);
    S_num(&t, buf);
    snprintf(buf, sizeof buf, "%.2f", e->gpu_hours);
    S_num(&t, buf);
    S_num(&t, S_in(buf, &ue, e->it_j));
    S_num(&t, S_in(buf, &ue, e->facility_j));
    S_num(&t, S_in(buf, &uc, e->co2e_kg));
    char *m = e->metric_tag ? tp_xasprintf("%s (%s)", e->metric_tag,
                                           e->metric_higher_better ? "max" : "min")
                            : tp_xstrdup("none");
    S_cell(&t, m);
    free(m);
  }

  tp_tval *charts = tp_tval_set_list(root, "charts");
  S_chart(x, charts, tp_figures_lab_energy(lab), "lab-energy", "");
  S_chart(x, charts, tp_figures_lab_co2e(lab), "lab-co2e", "");
  S_chart(x, charts, tp_figures_lab_calendar(lab), "lab-calendar", "");

  tp_tval *dl = tp_tval_set_list(root, "downloads");
  S_item(dl, "summary.json", "summary.json", "every figure, machine-readable");
  S_item(dl, "runs.csv", "runs.csv", "one row per run");
  S_notes(root, &lab->diags);
  return S_render(x, x->tpl_index, root, "index.html");
}

/* ---- experiments/SLUG.html --------------------------------------------- */

static int S_experiment(S_ctx *x, const tp_experiment *e) {
  const tp_lab *lab = x->lab;
  char buf[64], b2[64], b3[64];
  char *slug = tp_site_slug(e->name);
  char **labels = tp_figures_config_labels(lab, e);
  tp_tval *root = S_page(x, e->name, "../");
  char *lead = tp_xasprintf("%zu runs in %zu configurations used %s of IT energy (%s at the "
                            "facility) and emitted %s.",
                            e->n_runs, e->n_configs, S_energy(buf, e->it_j),
                            S_energy(b2, e->facility_j), S_co2e(b3, e->co2e_kg));
  tp_tval_set_string(root, "lead", lead);
  free(lead);

  if (e->metric_tag) {
    tp_tval *m = tp_tval_set_object(root, "metric");
    tp_tval_set_string(m, "tag", e->metric_tag);
    tp_tval_set_string(m, "goal", e->metric_higher_better ? "higher is better" : "lower is better");
    tp_tval_set_string(m, "reason", e->metric_reason);
  } else {
    tp_tval_set(root, "metric", tp_tval_null());
  }

  /* Configurations, named by the values of the keys that vary. */
  size_t nk;
  const char **keys = tp_figures_varying_keys(lab, e, &nk);
  tp_buf kb = {0};
  for (size_t k = 0; k < nk; k++) tp_buf_printf(&kb, "%s%s", k ? " / " : "", keys[k]);
  tp_tval_set_string(root, "config_keys", nk > 1 ? tp_buf_str(&kb) : NULL);
  tp_buf_free(&kb);
  free(keys);
  double max_j = 0, max_kg = 0, max_s = 0;
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    if (g->it_j.n) max_j = fmax(max_j, g->it_j.max);
    if (g->co2e_kg.n) max_kg = fmax(max_kg, g->co2e_kg.max);
    if (g->duration_s.n) max_s = fmax(max_s, g->duration_s.max);
  }
  S_unit ue = S_unit_energy(max_j), uc = S_unit_co2e(max_kg), ud = S_unit_duration(max_s);
  const char *tag = e->metric_tag ? e->metric_tag : "metric";
  S_tab t = S_table(root, "configs", "configurations",
                    "Configurations: mean ± sample standard deviation over repeats");
  S_col(&t, "Configuration", false);
  S_col(&t, "Runs", true);
  S_col_unit(&t, "Duration", ud.name);
  S_col_unit(&t, "IT energy", ue.name);
  S_col_unit(&t, "CO2e", uc.name);
  char *h = tp_xasprintf("Best %s", tag);
  S_col(&t, h, true);
  free(h);
  h = tp_xasprintf("Last %s", tag);
  S_col(&t, h, true);
  free(h);
  tp_tval *full = tp_tval_set_list(root, "config_texts");
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    S_row(&t);
    S_cell_full(&t, labels[i], NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu", g->n_runs);
    S_num(&t, buf);
    S_num(&t, S_mean_sd(buf, &ud, &g->duration_s));
    S_num(&t, S_mean_sd(buf, &ue, &g->it_j));
    S_num(&t, S_mean_sd(buf, &uc, &g->co2e_kg));
    S_num(&t, S_metric(buf, g->metric_best.n ? g->metric_best.mean : NAN));
    S_num(&t, S_metric(buf, g->metric_last.n ? g->metric_last.mean : NAN));
    S_item(full, labels[i], g->config[0] ? g->config : "(no hyperparameters)", NULL);
  }

  /* Runs. */
  max_j = max_kg = max_s = 0;
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    if (isfinite(r->energy.it_j)) max_j = fmax(max_j, r->energy.it_j);
    if (isfinite(r->energy.co2e_kg)) max_kg = fmax(max_kg, r->energy.co2e_kg);
    if (isfinite(r->end_s - r->start_s)) max_s = fmax(max_s, r->end_s - r->start_s);
  }
  ue = S_unit_energy(max_j), uc = S_unit_co2e(max_kg), ud = S_unit_duration(max_s);
  size_t prefix = S_common_dir(lab, e);
  char *cap = prefix ? tp_xasprintf("Runs (ids under %.*s)", (int)prefix, lab->runs[e->runs[0]]->id)
                     : tp_xstrdup("Runs");
  t = S_table(root, "runs", "runs", cap);
  free(cap);
  S_col(&t, "Run", false);
  S_col(&t, "Configuration", false);
  S_col(&t, "Start (UTC)", false);
  S_col_unit(&t, "Duration", ud.name);
  S_col_unit(&t, "IT energy", ue.name);
  S_col_unit(&t, "CO2e", uc.name);
  S_col(&t, "Method", false);
  S_col(&t, "Coverage", true);
  h = tp_xasprintf("Last %s", tag);
  S_col(&t, h, true);
  free(h);
  for (size_t i = 0; i < e->n_runs; i++) {
    const tp_run *r = lab->runs[e->runs[i]];
    bool known = r->energy.method != TP_ENERGY_NONE;
    char *href = tp_pages_run_path(r->id);
    char *up = tp_xasprintf("../%s", href);
    S_row(&t);
    S_cell_full(&t, r->id + prefix, up, NULL, true);
    free(up);
    free(href);
    int ci = tp_figures_config_of_run(e, e->runs[i]);
    S_cell_full(&t, ci >= 0 ? labels[ci] : "", NULL, "nowrap", false);
    S_cell_full(&t, S_minute(buf, r->start_s), NULL, "nowrap", false);
    S_num(&t, S_in(buf, &ud, r->end_s - r->start_s));
    S_num(&t, known ? S_in(buf, &ue, r->energy.it_j) : "–");
    S_num(&t, known ? S_in(buf, &uc, r->energy.co2e_kg) : "–");
    char *m = tp_xasprintf("%s%s", tp_summary_method_name(r->energy.method),
                           r->energy.shared ? ", shared" : "");
    S_cell_full(&t, m, NULL, "nowrap", false);
    free(m);
    S_num(&t, known ? S_percent(buf, r->energy.coverage) : "–");
    double best, last = NAN;
    if (!e->metric_tag || !tp_lab_metric(r, e->metric_tag, e->metric_higher_better, &best, &last))
      last = NAN;
    S_num(&t, S_metric(buf, last));
  }

  tp_tval *charts = tp_tval_set_list(root, "charts");
  static const char *const names[] = {"energy", "pareto", "metric-energy",
                                      "metric-time", "power", "parallel"};
  tp_chart *(*const make[])(const tp_lab *, const tp_experiment *, char *const *) = {
      tp_figures_exp_energy,      tp_figures_exp_pareto, tp_figures_exp_metric_energy,
      tp_figures_exp_metric_time, tp_figures_exp_power,  tp_figures_exp_parallel};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *stem = tp_xasprintf("exp-%s-%s", slug, names[i]);
    S_chart(x, charts, make[i](lab, e, labels), stem, "../");
    free(stem);
  }

  tp_diags none = {0};
  S_notes(root, &none);
  char *rel = tp_pages_experiment_path(e->name);
  int rc = S_render(x, x->tpl_exp, root, rel);
  free(rel);
  tp_figures_labels_free(labels, e->n_configs);
  free(slug);
  return rc;
}

/* ---- runs/SLUG.html ---------------------------------------------------- */

static const char *S_role(const char *key) {
  if (tp_lab_is_config_key(key)) return "configuration";
  return tp_lab_is_seed_key(key) ? "seed (repeats differ)" : "placement";
}

static int S_run(S_ctx *x, size_t ri) {
  const tp_lab *lab = x->lab;
  const tp_run *r = lab->runs[ri];
  char buf[64];
  char *slug = tp_site_slug(r->id);
  tp_tval *root = S_page(x, r->id, "../");
  const tp_run_energy *en = &r->energy;
  bool known = en->method != TP_ENERGY_NONE;

  const tp_experiment *e = NULL;
  for (size_t i = 0; i < lab->n_experiments && !e; i++)
    if (r->experiment && strcmp(lab->experiments[i].name, r->experiment) == 0)
      e = &lab->experiments[i];
  if (e) {
    tp_tval *o = tp_tval_set_object(root, "experiment");
    tp_tval_set_string(o, "name", e->name);
    char *p = tp_pages_experiment_path(e->name);
    char *href = tp_xasprintf("../%s", p);
    tp_tval_set_string(o, "href", href);
    free(href);
    free(p);
  } else {
    tp_tval_set(root, "experiment", tp_tval_null());
  }
  const char *config = "";
  int ci = e ? tp_figures_config_of_run(e, ri) : -1;
  if (ci >= 0) config = e->configs[ci].config;
  tp_tval_set_string(root, "config", config[0] ? config : "(no hyperparameters)");

  tp_tval *facts = tp_tval_set_list(root, "window");
  S_item(facts, "Start", S_time(buf, r->start_s), r->window_source);
  S_item(facts, "End", S_time(buf, r->end_s), NULL);
  S_item(facts, "Duration", S_duration(buf, r->end_s - r->start_s), NULL);
  snprintf(buf, sizeof buf, "%d", r->restarts);
  S_item(facts, "Restarts", buf, r->restarts ? "training resumed from a checkpoint" : NULL);

  tp_tval *ef = tp_tval_set_list(root, "energy");
  static const char *const how[] = {
      "no trace, hardware or declared figure: unknown", "power samples integrated over the window",
      "energy counters differenced", "rated hardware power × time",
      "a tool's own figure, its PUE divided out"};
  S_item(ef, "Method", tp_summary_method_name(en->method),
         how[en->method <= TP_ENERGY_DECLARED ? en->method : 0]);
  S_item(ef, "Coverage", known ? S_percent(buf, en->coverage) : "–",
         known && en->coverage < 0.999 ? "share of the device-time the traces cover; the rest "
                                         "is not counted"
                                       : NULL);
  S_item(ef, "IT energy", known ? S_energy(buf, en->it_j) : "unknown", NULL);
  S_item(ef, "Facility energy", known ? S_energy(buf, en->facility_j) : "unknown", NULL);
  S_item(ef, "Emissions", known ? S_co2e(buf, en->co2e_kg) : "unknown", NULL);
  snprintf(buf, sizeof buf, "%.0f gCO2e/kWh", en->intensity_g_per_kwh);
  S_item(ef, "Carbon intensity", known ? buf : "–", NULL);
  if (en->shared)
    S_item(ef, "Shared", "yes",
           "another run used the same devices at the same time; the energy of the overlap "
           "was split");

  /* Devices. */
  double max_j = 0, max_s = 0;
  for (size_t d = 0; d < en->n_devices; d++) {
    max_j = fmax(max_j, en->devices[d].energy_j);
    max_s = fmax(max_s, en->devices[d].covered_s);
  }
  S_unit ue = S_unit_energy(max_j), ud = S_unit_duration(max_s);
  S_tab t = S_table(root, "devices", "devices", "Energy per device");
  S_col(&t, "Device", false);
  S_col(&t, "Hardware", false);
  S_col_unit(&t, "IT energy", ue.name);
  S_col_unit(&t, "Covered", ud.name);
  S_col_unit(&t, "Peak", "W");
  S_col_unit(&t, "Lowest", "W");
  for (size_t d = 0; d < en->n_devices; d++) {
    const tp_device_energy *dv = &en->devices[d];
    S_row(&t);
    S_cell_full(&t, dv->id, NULL, NULL, true);
    S_cell(&t, dv->name ? dv->name : "–");
    S_num(&t, S_in(buf, &ue, dv->energy_j));
    S_num(&t, S_in(buf, &ud, dv->covered_s));
    S_unit w = {"W", 1, 1};
    S_num(&t, S_in(buf, &w, dv->peak_w));
    S_num(&t, S_in(buf, &w, dv->idle_w));
  }

  /* Hyperparameters. */
  t = S_table(root, "hparams", "hparams", "Hyperparameters");
  S_col(&t, "Key", false);
  S_col(&t, "Value", false);
  S_col(&t, "Role", false);
  S_col(&t, "Source", false);
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *hp = &r->hparams[i];
    S_row(&t);
    S_cell_full(&t, hp->key, NULL, NULL, true);
    S_cell_full(&t, hp->text, NULL, hp->kind == TP_HP_NUMBER ? "num" : NULL, false);
    S_cell(&t, S_role(hp->key));
    S_cell_full(&t, hp->source ? hp->source : "", NULL, "path", false);
  }

  /* Scalars. */
  t = S_table(root, "scalars", "scalars", "Logged scalars");
  S_col(&t, "Tag", false);
  S_col(&t, "Points", true);
  S_col(&t, "Steps", true);
  S_col(&t, "First", true);
  S_col(&t, "Last", true);
  S_col(&t, "Min", true);
  S_col(&t, "Max", true);
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    double lo = INFINITY, hi = -INFINITY, first = NAN, last = NAN;
    for (size_t k = 0; k < s->count; k++) {
      double v = s->points[k].value;
      if (!isfinite(v)) continue;
      if (!isfinite(first)) first = v;
      last = v;
      lo = fmin(lo, v);
      hi = fmax(hi, v);
    }
    S_row(&t);
    S_cell_full(&t, s->tag, NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu", s->count);
    S_num(&t, buf);
    if (s->count)
      snprintf(buf, sizeof buf, "%lld–%lld", (long long)s->points[0].step,
               (long long)s->points[s->count - 1].step);
    S_num(&t, s->count ? buf : "–");
    S_num(&t, S_metric(buf, first));
    S_num(&t, S_metric(buf, last));
    S_num(&t, S_metric(buf, isfinite(lo) ? lo : NAN));
    S_num(&t, S_metric(buf, isfinite(hi) ? hi : NAN));
  }

  /* Provenance. */
  t = S_table(root, "inputs", "inputs", "Input files");
  S_col(&t, "File", false);
  S_col(&t, "Format", false);
  S_col(&t, "Size", true);
  S_col(&t, "Modified", false);
  S_col(&t, "SHA-256", false);
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    S_row(&t);
    S_cell_full(&t, in->path, NULL, "path", true);
    S_cell(&t, in->format ? in->format : "");
    S_num(&t, S_bytes(buf, in->size));
    S_cell_full(&t, in->mtime_s > 0 ? S_time(buf, (double)in->mtime_s) : "unknown", NULL,
                "nowrap", false);
    S_cell_full(&t, in->sha256[0] ? in->sha256 : "not computed", NULL, "hash", false);
  }

  /* Charts: power, cumulative energy, then every scalar (main metric first). */
  tp_tval *charts = tp_tval_set_list(root, "charts");
  char *stem = tp_xasprintf("run-%s-power", slug);
  S_chart(x, charts, tp_figures_run_power(r), stem, "../");
  free(stem);
  stem = tp_xasprintf("run-%s-energy", slug);
  S_chart(x, charts, tp_figures_run_energy(r), stem, "../");
  free(stem);
  tp_tval *mcharts = tp_tval_set_list(root, "metric_charts");
  const tp_series *main_s = e && e->metric_tag ? tp_run_find_series(r, e->metric_tag) : NULL;
  for (size_t i = 0; i <= r->n_series; i++) {
    const tp_series *s = i == 0 ? main_s : &r->series[i - 1];
    if (!s || (i > 0 && s == main_s)) continue;
    char *tslug = tp_site_slug(s->tag);
    stem = tp_xasprintf("run-%s-scalar-%s", slug, tslug);
    S_chart(x, mcharts, tp_figures_run_series(r, s), stem, "../");
    free(stem);
    free(tslug);
  }

  S_notes(root, &r->diags);
  char *rel = tp_pages_run_path(r->id);
  int rc = S_render(x, x->tpl_run, root, rel);
  free(rel);
  free(slug);
  return rc;
}

/* ---- the whole site ---------------------------------------------------- */

static int S_load(S_ctx *x, tp_template **t, const char *name) {
  char *path = tp_xasprintf("%s/%s", x->opts->templates_dir, name);
  int rc = tp_template_load(t, path, &x->err);
  free(path);
  return rc;
}

static int S_copy_style(S_ctx *x) {
  char *path = tp_xasprintf("%s/style.css", x->opts->templates_dir);
  FILE *f = fopen(path, "rb");
  tp_buf b = {0};
  int rc = -1;
  if (!f) {
    x->err = tp_xasprintf("%s: cannot read the stylesheet", path);
    goto done;
  }
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  if (ferror(f)) {
    x->err = tp_xasprintf("%s: cannot read the stylesheet", path);
    goto done;
  }
  rc = S_write(x, "style.css", &b);
done:
  if (f) fclose(f);
  tp_buf_free(&b);
  free(path);
  return rc;
}

int tp_pages_write(tp_site *site, const tp_lab *lab, const tp_pages_opts *opts, char **err) {
  S_ctx x = {.site = site, .lab = lab, .opts = opts};
  int rc = -1;
  if (S_load(&x, &x.tpl_index, "index.xhtml") != 0 ||
      S_load(&x, &x.tpl_exp, "experiment.xhtml") != 0 ||
      S_load(&x, &x.tpl_run, "run.xhtml") != 0 || S_copy_style(&x) != 0)
    goto done;
  if (S_index(&x) != 0) goto done;
  for (size_t i = 0; i < lab->n_experiments; i++)
    if (S_experiment(&x, &lab->experiments[i]) != 0) goto done;
  for (size_t i = 0; i < lab->n_runs; i++)
    if (S_run(&x, i) != 0) goto done;
  rc = x.err ? -1 : 0;
done:
  tp_template_free(x.tpl_index);
  tp_template_free(x.tpl_exp);
  tp_template_free(x.tpl_run);
  if (rc != 0 && err) *err = x.err ? x.err : tp_xstrdup("cannot write the pages");
  else free(x.err);
  return rc;
}
