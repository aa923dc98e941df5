/* pages: the report's HTML pages, from templates and a priced lab (see pages.h).
 *
 * The file is in four parts: formatting numbers with units for tables and
 * lists; small builders for the data tree (tables, key-value lists); the
 * charts (inline SVG plus files beside the page); and one builder per kind
 * of page.
 */
#include "model/utctime.h"
#include "render/pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/mem.h"
#include "model/whatif.h"
#include "render/chart.h"
#include "render/figures.h"
#include "render/paths.h"
#include "render/publish.h"
#include "model/runbin.h"
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
  struct tm tm;
  if (!tp_utc_tm(t_s, &tm)) return "unknown";
  strftime(buf, 64, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

/* "2026-03-30 12:03" (UTC, for tables whose header says so). */
static const char *S_minute(char buf[64], double t_s) {
  struct tm tm;
  if (!tp_utc_tm(t_s, &tm)) return "–";
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

/* ---- ranges (model/uncertainty.h) --------------------------------------- */

#define S_SIG 3 /* significant digits of a figure shown with its range */

/* r / u.scale as `value (low–high)`; "–" when unknown. */
static const char *S_rng(char buf[160], const S_unit *u, tp_range r) {
  if (!isfinite(r.value)) return "–";
  return tp_publish_range_text(buf, 160, r, 1.0 / u->scale, S_SIG);
}

/* r with the unit that suits its value: "1.61 (1.60–1.75) kWh"; suffix after
 * the unit (" CO2e"); "unknown" when not finite. */
static const char *S_rng_unit(char buf[160], S_unit u, tp_range r, const char *suffix) {
  if (!isfinite(r.value)) return "unknown";
  char t[160];
  snprintf(buf, 160, "%s %s%s", S_rng(t, &u, r), u.name, suffix ? suffix : "");
  return buf;
}

static const char *S_energy_rng(char buf[160], tp_range r) {
  return S_rng_unit(buf, S_unit_energy(r.value), r, NULL);
}

static const char *S_co2e_rng(char buf[160], tp_range r) {
  return S_rng_unit(buf, S_unit_co2e(r.value), r, " CO2e");
}

/* A statistic over repeats with the range of its mean: "mean ± sd (low–high)"
 * ("mean (low–high)" for one value, "–" for none); sd to two digits. */
static const char *S_mean_sd_rng(char buf[400], const S_unit *u, const tp_stat *st, tp_range r) {
  if (st->n == 0 || !isfinite(st->mean)) return "–";
  if (!isfinite(r.value)) r = (tp_range){st->mean, NAN, NAN};
  char t[160], sd[48];
  S_rng(t, u, r);
  if (st->n < 2 || !isfinite(st->sd)) {
    snprintf(buf, 400, "%s", t);
    return buf;
  }
  tp_publish_number(sd, st->sd / u->scale, 2);
  const char *sp = strchr(t, ' ');
  if (sp) snprintf(buf, 400, "%.*s ± %s%s", (int)(sp - t), t, sd, sp);
  else snprintf(buf, 400, "%s ± %s", t, sd);
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

/* Several columns at once: labels separated by '|', a leading '#' marks a
 * numeric one ("Zone|Grid|#Year"). */
static void S_cols(S_tab *t, const char *spec) {
  while (*spec) {
    size_t n = strcspn(spec, "|");
    bool num = spec[0] == '#';
    char *label = tp_xasprintf("%.*s", (int)(n - num), spec + num);
    S_col(t, label, num);
    free(label);
    spec += n + (spec[n] == '|');
  }
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

/* A {label, value, range, detail} entry of a key-value list; range (the
 * interval of a headline figure, "1.60–1.75 kWh") and detail may be null. */
static void S_item_r(tp_tval *list, const char *label, const char *value, const char *range,
                     const char *detail) {
  tp_tval *o = tp_tval_push_object(list);
  tp_tval_set_string(o, "label", label);
  tp_tval_set_string(o, "value", value);
  tp_tval_set_string(o, "range", range);
  tp_tval_set_string(o, "detail", detail);
}

static void S_item(tp_tval *list, const char *label, const char *value, const char *detail) {
  S_item_r(list, label, value, NULL, detail);
}

/* A headline figure: the value with its unit, and its range apart. */
/* A total over runs of which `known` of `total` have a known energy: the
 * value, "N of M runs: X (the rest unknown)" when some lack one, "unknown"
 * when none has one. */
static void S_item_total(tp_tval *list, const char *label, tp_range r, bool co2e,
                         const char *detail, size_t known, size_t total) {
  S_unit u = co2e ? S_unit_co2e(r.value) : S_unit_energy(r.value);
  const char *suffix = co2e ? " CO2e" : "";
  char t[160], v[260], rg[200];
  S_rng(t, &u, r);
  char *open = strstr(t, " (");
  if (!isfinite(r.value) || known == 0) {
    S_item_r(list, label, "unknown", NULL, detail);
    return;
  }
  if (open) {
    size_t n = strlen(open + 2);
    snprintf(rg, sizeof rg, "range %.*s %s%s", (int)(n ? n - 1 : 0), open + 2, u.name, suffix);
    *open = '\0';
  }
  if (known < total)
    snprintf(v, sizeof v, "%zu of %zu runs: %s %s%s (the rest unknown)", known, total, t, u.name,
             suffix);
  else
    snprintf(v, sizeof v, "%s %s%s", t, u.name, suffix);
  S_item_r(list, label, v, open ? rg : NULL, detail);
}

/* A table cell of a total over runs of which `known` of `total` have a known
 * energy: "1.2 (1.1–1.4)", "3 of 5 runs: 1.2 (1.1–1.4)", or "unknown". */
static const char *S_part_rng(char buf[240], const S_unit *u, tp_range r, size_t known,
                              size_t total) {
  if (known == 0 || !isfinite(r.value)) return "unknown";
  char t[160];
  S_rng(t, u, r);
  if (known < total) snprintf(buf, 240, "%zu of %zu runs: %s", known, total, t);
  else snprintf(buf, 240, "%s", t);
  return buf;
}

/* The same for a plain value (no range). */
static const char *S_part_in(char buf[240], const S_unit *u, double v, size_t known,
                             size_t total) {
  if (known == 0 || !isfinite(v)) return "unknown";
  char t[64];
  S_in(t, u, v);
  if (known < total) snprintf(buf, 240, "%zu of %zu runs: %s", known, total, t);
  else snprintf(buf, 240, "%s", t);
  return buf;
}

/* The lead of a page over n runs of which `known` have a known energy:
 * "{what} used X of IT energy, Y at the facility, and emitted Z." when every
 * run has one (with `paren`: "... of IT energy (Y at the facility) and
 * emitted Z."); "{what}; the 3 of them with a known energy used X of IT
 * energy (Y at the facility) and emitted Z; the energy of the other 2 is
 * unknown." when some lack one; "{what}; their energy is unknown: ..." when
 * none has one.  A new string. */
static char *S_energy_lead(const char *what, size_t n, size_t known, tp_range it, tp_range fac,
                           tp_range co2e, bool paren) {
  char r1[160], r2[160], r3[160];
  if (known >= n)
    return paren ? tp_xasprintf("%s used %s of IT energy (%s at the facility) and emitted %s.",
                                what, S_energy_rng(r1, it), S_energy_rng(r2, fac),
                                S_co2e_rng(r3, co2e))
                 : tp_xasprintf("%s used %s of IT energy, %s at the facility, and emitted %s.",
                                what, S_energy_rng(r1, it), S_energy_rng(r2, fac),
                                S_co2e_rng(r3, co2e));
  if (known == 0)
    return tp_xasprintf("%s; %s energy is unknown: no power trace, declared figure or estimate "
                        "covers %s.",
                        what, n == 1 ? "its" : "their", n == 1 ? "it" : "any of them");
  return tp_xasprintf("%s; the %zu of them with a known energy used %s of IT energy (%s at the "
                      "facility) and emitted %s; the energy of the other %zu is unknown.",
                      what, known, S_energy_rng(r1, it), S_energy_rng(r2, fac),
                      S_co2e_rng(r3, co2e), n - known);
}

/* ======================================================================== */
/* charts                                                                    */
/* ======================================================================== */

/* A chart placed in a page and not yet drawn: drawing waits until the page
 * is known to have changed (see S_render). */
typedef struct S_pending {
  tp_chart *c;     /* owned */
  char *stem;      /* file name stem under charts/ */
  const char *up;  /* from the page to the site's root: "" or "../" */
  tp_tval *obj;    /* the chart's entry in the page's data (owned by the page) */
} S_pending;

typedef struct S_ctx {
  tp_site *site;
  const tp_lab *lab;
  const tp_pages_opts *opts;
  tp_uncertainty u; /* the ranges of every figure */
  tp_template *tpl_index, *tpl_exp, *tpl_run;
  S_pending *pend;  /* the charts of the page being built */
  size_t n_pend, cap_pend;
  tp_buf keybuf;    /* scratch for S_run_key */
  tp_paths paths;   /* how input files are named (render/paths.h) */
  char *err;  /* first failure, or NULL */
} S_ctx;

static int S_write(S_ctx *x, const char *rel, const tp_buf *b) {
  if (x->err) return -1;
  return tp_site_write(x->site, rel, tp_buf_str(b), b->len, &x->err);
}

/* Place chart c (taken; NULL is skipped) in the list `charts` of the page
 * being built: its id, title and description now, its drawing (inline SVG,
 * and charts/STEM.svg, .csv, .png, .pdf beside the page) when the page is
 * rendered; `up` leads from the page to the site's root ("" or "../"). */
static void S_chart(S_ctx *x, tp_tval *charts, tp_chart *c, const char *stem, const char *up) {
  if (!c) return;
  tp_chart_set_id(c, stem);
  tp_tval *o = tp_tval_push_object(charts);
  tp_tval_set_string(o, "id", stem);
  tp_tval_set_string(o, "title", c->title);
  tp_tval_set_string(o, "desc", c->desc);
  TP_GROW(x->pend, x->cap_pend, x->n_pend + 1);
  x->pend[x->n_pend++] = (S_pending){.c = c, .stem = tp_xstrdup(stem), .up = up, .obj = o};
}

/* Draw a placed chart: inline SVG into its entry, files into the site. */
static int S_chart_draw(S_ctx *x, const S_pending *pc) {
  int rc = -1;
  tp_buf b = {0};
  char *rel = NULL;
  tp_chart *c = pc->c;
  tp_tval *o = pc->obj;
  const char *stem = pc->stem, *up = pc->up;

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
  return rc;
}

static void S_pend_free(S_pending *pend, size_t n) {
  for (size_t i = 0; i < n; i++) {
    tp_chart_free(pend[i].c);
    free(pend[i].stem);
  }
}

static void S_pending_clear(S_ctx *x) {
  S_pend_free(x->pend, x->n_pend);
  x->n_pend = 0;
}

/* A page built and not yet written: its data, the charts placed in it, where
 * it goes, and (when the site keeps a record) its fingerprint and whether its
 * files were taken from the previous site. */
typedef struct S_built {
  tp_tval *root;             /* owned */
  S_pending *pend;           /* owned */
  size_t n_pend;
  char *rel;                 /* owned */
  char digest[TP_HASH_HEX];  /* "" until computed */
  char key[TP_HASH_HEX];     /* the page's key (S_run_key), or "" */
  bool tried;                /* taking it from the previous site was tried */
  tp_site_taken taken;       /* what was taken (taken.group != NULL) */
} S_built;

/* Move the charts placed so far into b. */
static void S_built_take_pending(S_ctx *x, S_built *b) {
  b->pend = x->pend;
  b->n_pend = x->n_pend;
  x->pend = NULL;
  x->n_pend = x->cap_pend = 0;
}

static void S_built_free(S_ctx *x, S_built *b) {
  if (b->taken.group) tp_site_taken_drop(x->site, &b->taken);
  S_pend_free(b->pend, b->n_pend);
  free(b->pend);
  tp_tval_free(b->root);
  free(b->rel);
  *b = (S_built){0};
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

/* The fingerprint of everything a page and its charts are made of: the
 * program, the template, the chart formats asked for, the page's path, its
 * data and its charts' descriptions. */
static void S_digest(const S_ctx *x, const tp_template *t, const S_built *b,
                     char out[TP_HASH_HEX]) {
  const tp_tval *data = b->root;
  const char *rel = b->rel;
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_str(&h, x->opts->program_id);
  tp_hash_str(&h, tp_template_digest(t));
  tp_hash_u64(&h, (uint64_t)x->opts->png << 1 | (uint64_t)x->opts->pdf);
  tp_hash_str(&h, rel);
  tp_tval_hash(data, &h);
  tp_hash_u64(&h, b->n_pend);
  for (size_t i = 0; i < b->n_pend; i++) {
    tp_hash_str(&h, b->pend[i].stem);
    tp_hash_str(&h, b->pend[i].up);
    tp_chart_hash(b->pend[i].c, &h);
  }
  tp_hash_hex(&h, out);
}

/* Write the built page b from template t with its charts, or take it and its
 * charts unchanged from the previous site when their fingerprint is the same
 * as then; b is freed. */
static int S_finish(S_ctx *x, const tp_template *t, S_built *b) {
  int rc = x->err ? -1 : 0;
  if (rc == 0 && b->taken.group) {
    tp_site_group_add(x->site, &b->taken);
    S_built_free(x, b);
    return 0;
  }
  bool group = rc == 0 && tp_site_recording(x->site);
  if (group) {
    if (!b->digest[0]) S_digest(x, t, b, b->digest);
    if (!b->tried && tp_site_group_reuse(x->site, b->rel, b->digest)) {
      if (b->key[0]) tp_site_group_key(x->site, b->key);
      S_built_free(x, b);
      return 0;
    }
    tp_site_group_begin(x->site, b->rel, b->digest);
    if (b->key[0]) tp_site_group_key(x->site, b->key);
  }
  for (size_t i = 0; rc == 0 && i < b->n_pend; i++) rc = S_chart_draw(x, &b->pend[i]);
  tp_buf out = {0};
  if (rc == 0) rc = tp_template_render(t, b->root, &out, &x->err);
  if (rc == 0) rc = S_write(x, b->rel, &out);
  if (group) tp_site_group_end(x->site);
  tp_buf_free(&out);
  S_built_free(x, b);
  return rc;
}

/* Write the page rel from template t and data (taken) with the charts placed
 * in it so far (see S_finish). */
static int S_render(S_ctx *x, const tp_template *t, tp_tval *data, const char *rel) {
  S_built b = {.root = data, .rel = tp_xstrdup(rel)};
  S_built_take_pending(x, &b);
  return S_finish(x, t, &b);
}

/* Diagnostics as [{severity, text}]. */
static void S_notes(const S_ctx *x, tp_tval *root, const tp_diags *d) {
  static const char *const sev[] = {"note", "warning", "error"};
  tp_tval *list = tp_tval_set_list(root, "notes");
  for (size_t i = 0; i < d->count; i++) {
    const char *sv = sev[d->items[i].severity <= TP_ERROR ? d->items[i].severity : TP_ERROR];
    char *text = tp_paths_diag_format(&x->paths, &d->items[i]);
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

/* What ends sentence s before the next one: ". ", " " after a full stop,
 * nothing after an empty or absent s. */
static const char *S_stop(const char *s) {
  if (!s || !s[0]) return "";
  return s[strlen(s) - 1] == '.' ? " " : ". ";
}

/* The assumptions behind every total, as a key-value list, each with the
 * range it is given and why (x->u). */
static void S_assumptions(const S_ctx *x, tp_tval *root) {
  const tp_assumptions *a = &x->lab->assumptions;
  tp_tval *list = tp_tval_set_list(root, "assumptions");
  char buf[160], *v;
  tp_range pue = isfinite(x->u.pue.value) ? x->u.pue : tp_range_exact(a->pue);
  tp_publish_range_text(buf, sizeof buf, pue, 1, S_SIG);
  char *detail = tp_xasprintf("%s%sRange: %s.", a->pue_source ? a->pue_source : "",
                              S_stop(a->pue_source), x->u.pue_basis ? x->u.pue_basis : "none");
  S_item(list, "PUE", buf, detail);
  free(detail);
  tp_range ci = x->u.intensity;
  ci.value = a->intensity_g_per_kwh;
  if (!isfinite(ci.low) || !isfinite(ci.high)) ci.low = ci.high = NAN;
  char rt[160];
  tp_publish_range_text(rt, sizeof rt, ci, 1, S_SIG);
  v = tp_xasprintf("%s gCO2e/kWh%s%s%s", rt,
                   a->intensity_series ? " (mean of a time series, priced interval by interval)" : "",
                   a->zone ? ", zone " : "", a->zone ? a->zone : "");
  const char *src = a->intensity_source ? a->intensity_source : "";
  const char *basis = x->u.intensity_basis ? x->u.intensity_basis : "none";
  detail = a->intensity_year
               ? tp_xasprintf("%d figure. %s%sRange: %s.", a->intensity_year, src, S_stop(src),
                              basis)
               : tp_xasprintf("%s%sRange: %s.", src, S_stop(src), basis);
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

/* The range of a figure v of the lab or an experiment: r, or v alone when r
 * summed nothing (no run with energy). */
static tp_range S_lab_range(double v, tp_range r) {
  if (!isfinite(r.value) || !isfinite(v)) return (tp_range){v, NAN, NAN};
  return r;
}

/* One roll-up of the lab archive as {title, table} in list; none when it
 * has no rows. */
static void S_rollup(tp_tval *list, const tp_rollups *r, const char *id, const char *title,
                     const char *key_label) {
  if (r->count == 0) return;
  double max_j = 0, max_kg = 0;
  for (size_t i = 0; i < r->count; i++) {
    if (isfinite(r->items[i].facility_j)) max_j = fmax(max_j, r->items[i].facility_j);
    if (isfinite(r->items[i].co2e_kg)) max_kg = fmax(max_kg, r->items[i].co2e_kg);
  }
  S_unit ue = S_unit_energy(max_j), uc = S_unit_co2e(max_kg);
  tp_tval *o = tp_tval_push_object(list);
  tp_tval_set_string(o, "title", title);
  S_tab t = S_table(o, "table", id, "Runs and GPU-hours beside IT energy, facility energy and CO2e");
  S_col(&t, key_label, false);
  S_cols(&t, "#Runs|#GPU-hours");
  S_col_unit(&t, "IT", ue.name);
  S_col_unit(&t, "Facility", ue.name);
  S_col_unit(&t, "CO2e", uc.name);
  char buf[64];
  for (size_t i = 0; i < r->count; i++) {
    const tp_rollup *it = &r->items[i];
    S_row(&t);
    S_cell_full(&t, it->key, NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu", it->n_runs);
    S_num(&t, buf);
    snprintf(buf, sizeof buf, "%.2f", it->gpu_hours);
    S_num(&t, isfinite(it->gpu_hours) && (it->n_runs_with_energy || it->gpu_hours > 0) ? buf
                                                                                     : "unknown");
    char part[240];
    S_num(&t, S_part_in(part, &ue, it->it_j, it->n_runs_with_energy, it->n_runs));
    S_num(&t, S_part_in(part, &ue, it->facility_j, it->n_runs_with_energy, it->n_runs));
    S_num(&t, S_part_in(part, &uc, it->co2e_kg, it->n_runs_with_energy, it->n_runs));
  }
}

/* "−12.0 % against ..." / "+3.4 % ...": v against base; "" when either is
 * unknown. */
static const char *S_change(char buf[64], double v, double base) {
  if (!isfinite(v) || !(base > 0)) return "";
  double pct = (v / base - 1) * 100;
  if (fabs(pct) < 0.05) return "no change";
  snprintf(buf, 64, "%s%.1f %% against the runs as they happened", pct < 0 ? "−" : "+",
           fabs(pct));
  return buf;
}

/* The what-ifs of the whole lab (model/whatif.h): by location (table and
 * chart), by PUE, by time (with an intensity series), and equivalents.  Null
 * without the reference tables, and when no run's energy is known (there is
 * nothing to move a lever on). */
static void S_whatif(S_ctx *x, tp_tval *root) {
  const tp_lab *lab = x->lab;
  const tp_reftables *tables = x->opts->tables;
  if (!tables || !lab->n_runs_with_energy || !isfinite(lab->facility_j)) {
    tp_tval_set(root, "whatif", tp_tval_null());
    return;
  }
  tp_tval *w = tp_tval_set_object(root, "whatif");
  char buf[64], n1[48], n2[48], r1[160];

  /* By location. */
  size_t ncodes = 0;
  char **codes = x->opts->compare_zones ? tp_whatif_split_codes(x->opts->compare_zones, &ncodes)
                                        : NULL;
  tp_whatif_zones z;
  tp_whatif_by_zones(&z, tables, lab->facility_j, ncodes ? (const char *const *)codes : NULL,
                     ncodes);
  tp_tval *wcharts = tp_tval_set_list(w, "charts");
  if (z.n) {
    const tp_whatif_zone *lo = &z.rows[z.i_min], *hi = &z.rows[z.i_max];
    char *lead;
    if (isfinite(z.factor))
      lead = tp_xasprintf("The same facility energy (%s) priced at the annual carbon intensity "
                          "of %zu grids: in the dirtiest, %s (%s), it emits %s× what it emits in "
                          "the cleanest, %s (%s).",
                          S_energy(buf, lab->facility_j), z.n, hi->zone->name, hi->code,
                          tp_publish_number(n1, z.factor, 3), lo->zone->name, lo->code);
    else
      lead = tp_xasprintf("The same facility energy (%s) priced at the annual carbon intensity "
                          "of %zu grids.",
                          S_energy(buf, lab->facility_j), z.n);
    tp_tval_set_string(w, "zones_lead", lead);
    free(lead);
    double max_kg = 0;
    for (size_t i = 0; i < z.n; i++)
      if (isfinite(z.rows[i].co2e_kg)) max_kg = fmax(max_kg, z.rows[i].co2e_kg);
    S_unit uc = S_unit_co2e(max_kg);
    S_tab t = S_table(w, "zones", "whatif-zones",
                      "By location: CO2e of the lab's facility energy at each grid's annual "
                      "average intensity");
    S_cols(&t, "Zone|Grid|#gCO2e/kWh|#Year");
    S_col_unit(&t, "CO2e", uc.name);
    S_col(&t, "× cleanest", true);
    double base = z.rows[z.i_min].co2e_kg;
    for (size_t i = 0; i < z.n; i++) {
      const tp_whatif_zone *r = &z.rows[i];
      S_row(&t);
      S_cell_full(&t, r->code, NULL, NULL, true);
      S_cell(&t, r->zone->name ? r->zone->name : "");
      S_num(&t, tp_publish_number(n1, r->zone->intensity_g_per_kwh, 3));
      snprintf(buf, sizeof buf, "%d", r->zone->year);
      S_num(&t, r->zone->year > 0 ? buf : "–");
      S_num(&t, S_in(buf, &uc, r->co2e_kg));
      if (base > 0) snprintf(n2, sizeof n2, "%.2f", r->co2e_kg / base);
      S_num(&t, base > 0 ? n2 : "–");
    }
    S_chart(x, wcharts, tp_figures_whatif_zones(&z), "whatif-zones", "");
  } else {
    tp_tval_set(w, "zones_lead", tp_tval_null());
    tp_tval_set(w, "zones", tp_tval_null());
  }
  if (z.n_unknown) {
    tp_buf b = {0};
    tp_buf_adds(&b, "Not in the reference tables, left out: ");
    for (size_t i = 0; i < z.n_unknown; i++) tp_buf_printf(&b, "%s%s", i ? ", " : "", z.unknown[i]);
    tp_buf_adds(&b, ".");
    tp_tval_set_string(w, "zones_unknown", tp_buf_str(&b));
    tp_buf_free(&b);
  } else {
    tp_tval_set(w, "zones_unknown", tp_tval_null());
  }
  tp_whatif_zones_free(&z);
  tp_whatif_codes_free(codes, ncodes);

  /* By PUE: as assumed, typical, efficient hyperscale. */
  double intensity = lab->facility_j > 0 ? lab->co2e_kg * 1000.0 / (lab->facility_j / J_PER_KWH)
                                         : lab->assumptions.intensity_g_per_kwh;
  tp_whatif_pue p;
  tp_whatif_by_pue(&p, tables, lab->it_j, intensity);
  {
    double mj = fmax(lab->facility_j, fmax(p.typical_facility_j, p.efficient_facility_j));
    double mk = fmax(lab->co2e_kg, fmax(p.typical_co2e_kg, p.efficient_co2e_kg));
    S_unit ue = S_unit_energy(isfinite(mj) ? mj : 0), uc = S_unit_co2e(isfinite(mk) ? mk : 0);
    S_tab t = S_table(w, "pue", "whatif-pue",
                      "By PUE: the same IT energy in other data centres, priced at the "
                      "intensity in force");
    S_cols(&t, "Data centre|#PUE");
    S_col_unit(&t, "Facility energy", ue.name);
    S_col_unit(&t, "CO2e", uc.name);
    S_col(&t, "Source of the PUE", false);
    struct {
      const char *name;
      double pue, fj, kg;
      const char *src;
    } rows[] = {{"As assumed in this report", lab->assumptions.pue, lab->facility_j, lab->co2e_kg,
                 lab->assumptions.pue_source},
                {"Typical", p.typical_pue, p.typical_facility_j, p.typical_co2e_kg,
                 p.typical_source},
                {"Efficient hyperscale", p.efficient_pue, p.efficient_facility_j,
                 p.efficient_co2e_kg, p.efficient_source}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
      S_row(&t);
      S_cell_full(&t, rows[i].name, NULL, NULL, true);
      S_num(&t, tp_publish_number(n1, rows[i].pue, 3));
      S_num(&t, S_in(buf, &ue, rows[i].fj));
      S_num(&t, S_in(buf, &uc, rows[i].kg));
      S_cell_full(&t, rows[i].src ? rows[i].src : "", NULL, "source", false);
    }
  }

  /* By time, with an intensity series. */
  tp_tval *tl = tp_tval_set_list(w, "time");
  tp_tval_set(w, "time_note", tp_tval_null());
  if (lab->intensity_series.count > 0) {
    tp_whatif_time tm;
    size_t priced = 0;
    tp_whatif_lab_time(&tm, lab, &lab->intensity_series, &priced);
    if (tm.shift_ok || tm.pause_ok) {
      S_item(tl, "As the runs happened", S_co2e(buf, tm.co2e_kg_actual),
             "priced interval by interval with the intensity series");
      char ch[64];
      if (tm.shift_ok) {
        char *v = tp_xasprintf("%s", S_co2e(buf, tm.co2e_kg_best));
        char *d = tp_xasprintf("each run started at the hour of least CO2e within the next 24 "
                               "hours, its power profile unchanged; %s",
                               S_change(ch, tm.co2e_kg_best, tm.co2e_kg_actual));
        S_item(tl, "Best start time", v, d);
        free(v);
        free(d);
      }
      if (tm.pause_ok) {
        char *d = tp_xasprintf("each run paused and resumed to run only in the cleanest hours "
                               "up to 24 hours after its end, same energy and power (Dodge et "
                               "al. 2022); %s",
                               S_change(ch, tm.co2e_kg_pausable, tm.co2e_kg_actual));
        S_item(tl, "Pausable", S_co2e(buf, tm.co2e_kg_pausable), d);
        free(d);
      }
      char *note = tp_xasprintf("%zu of %zu runs priced by both%s.", priced, lab->n_runs,
                                priced < lab->n_runs ? "; the others count as they happened"
                                                     : "");
      tp_tval_set_string(w, "time_note", note);
      free(note);
    }
  }

  /* Equivalents of the total CO2e, each with its range and source. */
  tp_tval *eql = tp_tval_set_list(w, "equivalents");
  tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
  size_t ne = isfinite(lab->co2e_kg) ? tp_whatif_equivalents(tables, lab->co2e_kg, eq) : 0;
  for (size_t k = 0; k < ne; k++) {
    tp_range rg = S_lab_range(lab->co2e_kg, x->u.total.co2e_kg);
    double per = eq[k].row->kg_co2e_per_unit;
    if (!(per > 0)) continue;
    tp_publish_range_text(r1, sizeof r1, rg, 1.0 / per, S_SIG);
    S_item(eql, eq[k].row->unit, r1, eq[k].row->source);
  }
}

static int S_index(S_ctx *x) {
  const tp_lab *lab = x->lab;
  tp_tval *root = S_page(x, "Training energy report", "");
  const tp_uncertainty_sum *ut = &x->u.total;
  char buf[64];
  char *what = tp_xasprintf("%zu runs in %zu experiments", lab->n_runs, lab->n_experiments);
  char *lead = S_energy_lead(what, lab->n_runs, lab->n_runs_with_energy,
                             S_lab_range(lab->it_j, ut->it_j),
                             S_lab_range(lab->facility_j, ut->facility_j),
                             S_lab_range(lab->co2e_kg, ut->co2e_kg), false);
  tp_tval_set_string(root, "lead", lead);
  free(lead);
  free(what);
  /* Without any figure, the front page says how to get one. */
  tp_tval_set_string(root, "howto",
                     lab->n_runs_with_energy || !lab->n_runs
                         ? NULL
                         : "To get a figure, give trainprint what the hardware drew or what it "
                           "was: a power trace beside the runs (nvidia-smi --query-gpu="
                           "timestamp,power.draw --format=csv -l 1, RAPL or perf stat energy "
                           "counters), CodeCarbon's emissions.csv in a run's folder, or the "
                           "hardware the runs used (--hardware \"4x A100-SXM4-40GB\", or "
                           "hardware: in trainprint.yaml), for an estimate with its range.");

  tp_tval *tot = tp_tval_set_list(root, "totals");
  size_t nk = lab->n_runs_with_energy, nr = lab->n_runs;
  S_item_total(tot, "IT energy", S_lab_range(lab->it_j, ut->it_j), false, "what the devices drew",
               nk, nr);
  S_item_total(tot, "Facility energy", S_lab_range(lab->facility_j, ut->facility_j), false,
               "IT energy × PUE", nk, nr);
  S_item_total(tot, "Emissions", S_lab_range(lab->co2e_kg, ut->co2e_kg), true,
               "facility energy × carbon intensity", nk, nr);
  /* No run with energy and no GPU-hour counted: not known to be 0. */
  if (!lab->n_runs_with_energy && !(lab->gpu_hours > 0)) snprintf(buf, sizeof buf, "unknown");
  else snprintf(buf, sizeof buf, "%.2f", lab->gpu_hours);
  S_item(tot, "GPU-hours", buf, "device time of the GPUs covered");
  snprintf(buf, sizeof buf, "%zu", lab->n_runs);
  char *d = tp_xasprintf("%zu with a known energy", lab->n_runs_with_energy);
  S_item(tot, "Runs", buf, d);
  free(d);
  S_assumptions(x, root);

  double max_j = 0, max_kg = 0;
  for (size_t i = 0; i < lab->n_experiments; i++) {
    max_j = fmax(max_j, lab->experiments[i].facility_j);
    max_kg = fmax(max_kg, lab->experiments[i].co2e_kg);
  }
  S_unit ue = S_unit_energy(max_j), uc = S_unit_co2e(max_kg);
  S_tab t = S_table(root, "experiments", "experiments",
                    "One row per experiment; energy, CO2e and GPU-hours summed over its runs; "
                    "in brackets the range each figure lies in");
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
    if (!e->n_runs_with_energy && !(e->gpu_hours > 0)) snprintf(buf, sizeof buf, "unknown");
    else snprintf(buf, sizeof buf, "%.2f", e->gpu_hours);
    S_num(&t, buf);
    const tp_uncertainty_sum *us = &x->u.experiments[i];
    char part[240];
    size_t ek = e->n_runs_with_energy;
    S_num(&t, S_part_rng(part, &ue, S_lab_range(e->it_j, us->it_j), ek, e->n_runs));
    S_num(&t, S_part_rng(part, &ue, S_lab_range(e->facility_j, us->facility_j), ek, e->n_runs));
    S_num(&t, S_part_rng(part, &uc, S_lab_range(e->co2e_kg, us->co2e_kg), ek, e->n_runs));
    char *m = e->metric_tag ? tp_xasprintf("%s (%s)", e->metric_tag,
                                           e->metric_higher_better ? "max" : "min")
                            : tp_xstrdup("none");
    S_cell(&t, m);
    free(m);
  }

  tp_tval *charts = tp_tval_set_list(root, "charts");
  /* Bars of unknown figures would read as zeros: none without any energy. */
  if (lab->n_runs_with_energy) {
    S_chart(x, charts, tp_figures_lab_energy(lab), "lab-energy", "");
    S_chart(x, charts, tp_figures_lab_co2e(lab), "lab-co2e", "");
  }
  S_chart(x, charts, tp_figures_lab_calendar(lab), "lab-calendar", "");

  S_whatif(x, root);
  tp_tval *ru = tp_tval_set_list(root, "rollups");
  S_rollup(ru, &lab->by_month, "by-month", "Per month (UTC, of the start)", "Month");
  S_rollup(ru, &lab->by_gpu_model, "by-gpu", "Per GPU model", "GPU model");
  S_rollup(ru, &lab->by_host, "by-host", "Per host", "Host");
  S_rollup(ru, &lab->by_tag, "by-tag", "Per tag", "Tag");

  tp_tval *dl = tp_tval_set_list(root, "downloads");
  S_item(dl, "summary.json", "summary.json", "every figure, machine-readable");
  S_item(dl, "runs.csv", "runs.csv", "one row per run");
  S_notes(x, root, &lab->diags);
  return S_render(x, x->tpl_index, root, "index.html");
}

/* ---- experiments/SLUG.html --------------------------------------------- */

/* "val/acc ≥ 0.9" or "val/loss ≤ 0.3". */
static char *S_target_text(const tp_experiment *e) {
  char v[32];
  return tp_xasprintf("%s %s %s", e->metric_tag ? e->metric_tag : "metric",
                      e->metric_higher_better ? "≥" : "≤", tp_fmt_double(v, e->target));
}

/* The configurations ranked by energy to target ({text, table}), or null
 * when the experiment has no target. */
static void S_target_rank(tp_tval *root, const tp_experiment *e, char *const *labels) {
  if (!isfinite(e->target) || !e->config_rank || e->n_configs == 0) {
    tp_tval_set(root, "target", tp_tval_null());
    return;
  }
  tp_tval *o = tp_tval_set_object(root, "target");
  char *tt = S_target_text(e);
  tp_tval_set_string(o, "text", tt);
  double max_j = 0, max_s = 0;
  size_t reached = 0, runs = 0;
  for (size_t i = 0; i < e->n_configs; i++) {
    const tp_config_group *g = &e->configs[i];
    if (g->target_it_j.n) max_j = fmax(max_j, g->target_it_j.max);
    if (g->target_time_s.n) max_s = fmax(max_s, g->target_time_s.max);
    reached += g->n_reached;
    runs += g->n_runs;
  }
  char *lead = tp_xasprintf("%zu of %zu runs reached %s. Configurations are ranked by their mean "
                            "IT energy from the run's start to the first logged point at the "
                            "target; those that never reached it come last.",
                            reached, runs, tt);
  tp_tval_set_string(o, "lead", lead);
  free(lead);
  free(tt);
  S_unit ue = S_unit_energy(max_j), ud = S_unit_duration(max_s);
  S_tab t = S_table(o, "table", "target-rank",
                    "Energy to target: mean ± sample standard deviation over the repeats "
                    "that reached it");
  S_cols(&t, "#Rank|Configuration|#Reached");
  S_col_unit(&t, "IT energy to target", ue.name);
  S_col_unit(&t, "Time to target", ud.name);
  char buf[64];
  for (size_t k = 0; k < e->n_configs; k++) {
    size_t ci = e->config_rank[k];
    if (ci >= e->n_configs) continue;
    const tp_config_group *g = &e->configs[ci];
    S_row(&t);
    snprintf(buf, sizeof buf, "%zu", k + 1);
    S_cell_full(&t, g->n_reached ? buf : "–", NULL, "num", false);
    S_cell_full(&t, labels[ci], NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu / %zu", g->n_reached, g->n_runs);
    S_num(&t, buf);
    S_num(&t, S_mean_sd(buf, &ue, &g->target_it_j));
    S_num(&t, S_mean_sd(buf, &ud, &g->target_time_s));
  }
}

static int S_experiment(S_ctx *x, const tp_experiment *e) {
  const tp_lab *lab = x->lab;
  char buf[64], cell[400];
  size_t ei = (size_t)(e - lab->experiments);
  const tp_uncertainty_sum *us = &x->u.experiments[ei];
  char *slug = tp_site_slug(e->name);
  char **labels = tp_figures_config_labels(lab, e);
  tp_tval *root = S_page(x, e->name, "../");
  char *what = tp_xasprintf("%zu runs in %zu configurations", e->n_runs, e->n_configs);
  char *lead = S_energy_lead(what, e->n_runs, e->n_runs_with_energy,
                             S_lab_range(e->it_j, us->it_j),
                             S_lab_range(e->facility_j, us->facility_j),
                             S_lab_range(e->co2e_kg, us->co2e_kg), true);
  tp_tval_set_string(root, "lead", lead);
  free(lead);
  free(what);

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
                    "Configurations: mean ± sample standard deviation over repeats; in "
                    "brackets the range the mean lies in");
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
    const tp_uncertainty_sum *uc_g = &x->u.configs[ei][i];
    /* Means over the runs with a known energy: said when not all have one. */
    const char *cells[2] = {S_mean_sd_rng(cell, &ue, &g->it_j, uc_g->it_j), NULL};
    char cell2[400];
    cells[1] = S_mean_sd_rng(cell2, &uc, &g->co2e_kg, uc_g->co2e_kg);
    for (size_t k = 0; k < 2; k++) {
      size_t n = k ? g->co2e_kg.n : g->it_j.n;
      if (n == 0) {
        S_num(&t, "unknown");
      } else if (n < g->n_runs) {
        char *v = tp_xasprintf("%zu of %zu runs: %s", n, g->n_runs, cells[k]);
        S_num(&t, v);
        free(v);
      } else {
        S_num(&t, cells[k]);
      }
    }
    S_num(&t, S_metric(buf, g->metric_best.n ? g->metric_best.mean : NAN));
    S_num(&t, S_metric(buf, g->metric_last.n ? g->metric_last.mean : NAN));
    S_item(full, labels[i], g->config[0] ? g->config : "(no hyperparameters)", NULL);
  }

  S_target_rank(root, e, labels);

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
  S_notes(x, root, &none);
  char *rel = tp_pages_experiment_path(e->name);
  int rc = S_render(x, x->tpl_exp, root, rel);
  free(rel);
  tp_figures_labels_free(labels, e->n_configs);
  free(slug);
  return rc;
}

/* ---- runs/SLUG.html ---------------------------------------------------- */

static const char *S_role(const tp_lab *lab, const char *key) {
  if (tp_lab_is_config_key(lab, key)) return "configuration";
  return tp_lab_is_seed_key(key) ? "seed (repeats differ)" : "placement";
}

/* The experiment run r belongs to, or NULL. */
static const tp_experiment *S_experiment_of(const tp_lab *lab, const tp_run *r) {
  for (size_t i = 0; r->experiment && i < lab->n_experiments; i++)
    if (strcmp(lab->experiments[i].name, r->experiment) == 0) return &lab->experiments[i];
  return NULL;
}

/* Build the page of run ri (its data and charts) into out, writing nothing. */
static void S_run_build(S_ctx *x, size_t ri, S_built *out) {
  const tp_lab *lab = x->lab;
  const tp_run *r = lab->runs[ri];
  char buf[64];
  char *slug = tp_site_slug(r->id);
  tp_tval *root = S_page(x, r->id, "../");
  const tp_run_energy *en = &r->energy;
  bool known = en->method != TP_ENERGY_NONE;

  const tp_experiment *e = S_experiment_of(lab, r);
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
  const tp_uncertainty_run *ur = &x->u.runs[ri];
  char rb[160];
  char *gap = NULL;
  if (known && ur->gap_device_s > 0)
    gap = tp_xasprintf("the traces miss %s of device time: the high bound adds it at the "
                       "highest power seen%s (at idle power: %s)",
                       S_duration(buf, ur->gap_device_s),
                       ur->gap_unbounded ? ", where a device had any" : "",
                       S_energy(rb, ur->gap_idle_j));
  S_item(ef, "IT energy", known ? S_energy_rng(rb, S_lab_range(en->it_j, ur->it_j)) : "unknown",
         gap);
  free(gap);
  S_item(ef, "Facility energy",
         known ? S_energy_rng(rb, S_lab_range(en->facility_j, ur->facility_j)) : "unknown",
         known ? "IT energy × PUE, with the PUE's range" : NULL);
  S_item(ef, "Emissions", known ? S_co2e_rng(rb, S_lab_range(en->co2e_kg, ur->co2e_kg)) : "unknown",
         known ? "facility energy × carbon intensity, with the intensity's range" : NULL);
  snprintf(buf, sizeof buf, "%.0f gCO2e/kWh", en->intensity_g_per_kwh);
  S_item(ef, "Carbon intensity",
         !known ? "–" : isfinite(en->intensity_g_per_kwh) ? buf : "unknown (see diagnostics)", NULL);
  if (r->target.set && e) {
    const tp_target *tg = &r->target;
    char *tt = S_target_text(e);
    char *label = tp_xasprintf("Target %s", tt);
    if (tg->reached) {
      char *v = tp_xasprintf("reached at step %lld", (long long)tg->step);
      char d1[64], d2[64];
      char *d = tp_xasprintf("first logged point at the target: %s after the run's start, %s of "
                             "IT energy from its start",
                             S_duration(d1, tg->time_s),
                             isfinite(tg->it_j) ? S_energy(d2, tg->it_j) : "an unknown amount");
      S_item(ef, label, v, d);
      free(v);
      free(d);
    } else {
      S_item(ef, label, "never reached", "no logged point of the main metric reached it");
    }
    free(label);
    free(tt);
  }
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

  /* Hyperparameters.  Each source file is named once: in the caption when
   * they all come from one, else numbered there ("[1] a.yaml") with the
   * number in each row. */
  const char **hp_src = tp_xcalloc(r->n_hparams + 1, sizeof *hp_src);
  size_t n_src = 0;
  bool unsourced = false;
  for (size_t i = 0; i < r->n_hparams; i++) {
    const char *sn = r->hparams[i].source ? tp_paths_name(&x->paths, r->hparams[i].source) : NULL;
    if (!sn) {
      unsourced = true;
      continue;
    }
    size_t k = 0;
    while (k < n_src && strcmp(hp_src[k], sn) != 0) k++;
    if (k == n_src) hp_src[n_src++] = sn;
  }
  bool numbered = n_src > 1 || (n_src == 1 && unsourced);
  tp_buf cap = {0};
  tp_buf_adds(&cap, "Hyperparameters");
  for (size_t k = 0; k < n_src; k++) {
    if (numbered) tp_buf_printf(&cap, "%s[%zu] %s", k ? ", " : "; sources: ", k + 1, hp_src[k]);
    else tp_buf_printf(&cap, ", from %s", hp_src[k]);
  }
  t = S_table(root, "hparams", "hparams", tp_buf_str(&cap));
  tp_buf_free(&cap);
  S_col(&t, "Key", false);
  S_col(&t, "Value", false);
  S_col(&t, "Role", false);
  if (numbered) S_col(&t, "Source", true);
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *hp = &r->hparams[i];
    S_row(&t);
    S_cell_full(&t, hp->key, NULL, NULL, true);
    S_cell_full(&t, hp->text, NULL, hp->kind == TP_HP_NUMBER ? "num" : NULL, false);
    S_cell(&t, S_role(lab, hp->key));
    if (!numbered) continue;
    const char *sn = hp->source ? tp_paths_name(&x->paths, hp->source) : NULL;
    size_t k = 0;
    while (sn && k < n_src && strcmp(hp_src[k], sn) != 0) k++;
    if (sn) snprintf(buf, sizeof buf, "[%zu]", k + 1);
    S_num(&t, sn ? buf : "–");
  }
  free(hp_src);

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
    tp_series_stats st; /* the series as logged, not as thinned for drawing */
    tp_series_get_stats(s, &st);
    S_row(&t);
    S_cell_full(&t, s->tag, NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu", st.count);
    S_num(&t, buf);
    if (st.count)
      snprintf(buf, sizeof buf, "%lld–%lld", (long long)st.first_step, (long long)st.last_step);
    S_num(&t, st.count ? buf : "–");
    S_num(&t, S_metric(buf, st.first));
    S_num(&t, S_metric(buf, st.last));
    S_num(&t, S_metric(buf, st.min));
    S_num(&t, S_metric(buf, st.max));
  }

  /* Provenance. */
  t = S_table(root, "inputs", "inputs", "Input files");
  S_col(&t, "File", false);
  S_col(&t, "Format", false);
  S_col(&t, "IT energy given", true);
  S_col(&t, "Size", true);
  S_col(&t, "Modified", false);
  S_col(&t, "SHA-256", false);
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    S_row(&t);
    S_cell_full(&t, tp_paths_name(&x->paths, in->path), NULL, "path", true);
    S_cell(&t, in->format ? in->format : "");
    S_num(&t, isfinite(in->energy_j) ? S_energy(buf, in->energy_j) : "–");
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

  S_notes(x, root, &r->diags);
  *out = (S_built){.root = root, .rel = tp_pages_run_path(r->id)};
  S_built_take_pending(x, out);
  free(slug);
}

/* The key of run ri's page: a fingerprint of everything S_run_build reads
 * (the run, whole, as the cache encodes it; of its experiment the name,
 * metric, goal, target and the run's configuration; the run's ranges; the
 * program, template and options), so that an unchanged run's page is taken
 * from the previous site without being built.  The page's digest (of what is
 * built) stays the check of last resort: pages are recorded with both. */
static void S_run_key(S_ctx *x, size_t ri, char out[TP_HASH_HEX]) {
  const tp_lab *lab = x->lab;
  const tp_run *r = lab->runs[ri];
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_str(&h, "run page inputs 2");
  /* Input files are named relative to the arguments of every run. */
  for (size_t k = 0; k < x->paths.n_roots; k++) tp_hash_str(&h, x->paths.roots[k]);
  tp_hash_str(&h, x->opts->program_id);
  tp_hash_str(&h, tp_template_digest(x->tpl_run));
  tp_hash_u64(&h, (uint64_t)x->opts->png << 1 | (uint64_t)x->opts->pdf);
  tp_hash_str(&h, x->opts->generator);
  tp_hash_str(&h, x->opts->stamp);
  tp_buf_clear(&x->keybuf);
  tp_runbin_write(r, &x->keybuf);
  tp_hash_u64(&h, x->keybuf.len);
  tp_hash_bytes(&h, tp_buf_str(&x->keybuf), x->keybuf.len);
  const tp_experiment *e = S_experiment_of(lab, r);
  tp_hash_u64(&h, e != NULL);
  if (e) {
    tp_hash_str(&h, e->name);
    tp_hash_str(&h, e->metric_tag);
    tp_hash_u64(&h, e->metric_higher_better);
    tp_hash_double(&h, e->target);
    int ci = tp_figures_config_of_run(e, ri);
    tp_hash_str(&h, ci >= 0 ? e->configs[ci].config : NULL);
  }
  const tp_uncertainty_run *u = &x->u.runs[ri];
  tp_hash_double(&h, u->gap_device_s);
  tp_hash_double(&h, u->gap_idle_j);
  tp_hash_double(&h, u->gap_peak_j);
  tp_hash_u64(&h, u->gap_unbounded);
  const tp_range *rg[] = {&u->it_j, &u->facility_j, &u->co2e_kg};
  for (size_t i = 0; i < 3; i++) {
    tp_hash_double(&h, rg[i]->value);
    tp_hash_double(&h, rg[i]->low);
    tp_hash_double(&h, rg[i]->high);
  }
  tp_hash_hex(&h, out);
}

static int S_run(S_ctx *x, size_t ri) {
  char key[TP_HASH_HEX] = "";
  if (!x->err && tp_site_recording(x->site)) {
    S_run_key(x, ri, key);
    char *rel = tp_pages_run_path(x->lab->runs[ri]->id);
    tp_site_taken t;
    bool taken = tp_site_group_take_key(x->site, rel, key, &t);
    free(rel);
    if (taken) {
      tp_site_group_add(x->site, &t);
      return 0;
    }
  }
  S_built b;
  S_run_build(x, ri, &b);
  memcpy(b.key, key, sizeof key);
  return S_finish(x, x->tpl_run, &b);
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
  tp_paths_init(&x.paths, lab);
  int rc = -1;
  tp_uncertainty_compute(&x.u, lab, opts->tables, opts->uncertainty);
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
  S_pending_clear(&x);
  free(x.pend);
  tp_buf_free(&x.keybuf);
  tp_paths_free(&x.paths);
  tp_uncertainty_free(&x.u);
  if (rc != 0 && err) *err = x.err ? x.err : tp_xstrdup("cannot write the pages");
  else free(x.err);
  return rc;
}
