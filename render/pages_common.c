/* pages_common: what every page builder uses (see pages_impl.h): numbers
 * that are not quantities, the data-tree builders (tables, key-value lists,
 * lead sentences), and the charts and writing of a built page (inline SVG,
 * the page's one CSV of chart numbers, PNG/PDF when asked for; a page and
 * its files taken unchanged from the previous site when their fingerprint is
 * the same).
 */
#include "model/utctime.h"
#include "render/pages_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A metric value: four significant digits. */
const char *tp_pages_metric(char buf[64], double v) {
  if (!isfinite(v)) return "–";
  snprintf(buf, 64, "%.4g", v);
  return buf;
}

/* "2026-03-30 12:03:30 UTC"; "unknown" when not finite. */
const char *tp_pages_time(char buf[64], double t_s) {
  struct tm tm;
  if (!tp_utc_tm(t_s, &tm)) return "unknown";
  strftime(buf, 64, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

/* "2026-03-30 12:03" (UTC, for tables whose header says so). */
const char *tp_pages_minute(char buf[64], double t_s) {
  struct tm tm;
  if (!tp_utc_tm(t_s, &tm)) return "–";
  strftime(buf, 64, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

const char *tp_pages_bytes(char buf[64], uint64_t n) {
  if (n < 1024) snprintf(buf, 64, "%llu B", (unsigned long long)n);
  else if (n < 1024 * 1024) snprintf(buf, 64, "%.1f KiB", (double)n / 1024);
  else if (n < 1024ull * 1024 * 1024) snprintf(buf, 64, "%.1f MiB", (double)n / 1048576.0);
  else snprintf(buf, 64, "%.2f GiB", (double)n / 1073741824.0);
  return buf;
}

const char *tp_pages_percent(char buf[64], double share) {
  if (!isfinite(share)) return "–";
  snprintf(buf, 64, "%.1f %%", share * 100);
  return buf;
}

tp_pages_tab tp_pages_table(tp_tval *parent, const char *key, const char *id, const char *caption) {
  tp_tval *t = tp_tval_set_object(parent, key);
  tp_tval_set_string(t, "id", id);
  tp_tval_set_string(t, "caption", caption);
  tp_pages_tab tab = {tp_tval_set_list(t, "columns"), tp_tval_set_list(t, "rows"), NULL};
  return tab;
}

void tp_pages_col(tp_pages_tab *t, const char *label, bool numeric) {
  tp_tval *c = tp_tval_push_object(t->columns);
  tp_tval_set_string(c, "label", label);
  tp_tval_set_string(c, "cls", numeric ? "num" : NULL);
}

/* Several columns at once: labels separated by '|', a leading '#' marks a
 * numeric one ("Zone|Grid|#Year"). */
void tp_pages_cols(tp_pages_tab *t, const char *spec) {
  while (*spec) {
    size_t n = strcspn(spec, "|");
    bool num = spec[0] == '#';
    char *label = tp_xasprintf("%.*s", (int)(n - num), spec + num);
    tp_pages_col(t, label, num);
    free(label);
    spec += n + (spec[n] == '|');
  }
}

/* A numeric column whose label names its unit: "IT energy (kWh)". */
void tp_pages_col_unit(tp_pages_tab *t, const char *label, const char *unit) {
  char *s = tp_xasprintf("%s (%s)", label, unit);
  tp_pages_col(t, s, true);
  free(s);
}

void tp_pages_row(tp_pages_tab *t) {
  t->cells = tp_tval_set_list(tp_tval_push_object(t->rows), "cells");
}

void tp_pages_cell_full(tp_pages_tab *t, const char *text, const char *href, const char *cls,
                        bool head) {
  tp_tval *c = tp_tval_push_object(t->cells);
  tp_tval_set_string(c, "text", text);
  tp_tval_set_string(c, "href", href);
  tp_tval_set_string(c, "cls", cls);
  tp_tval_set_bool(c, "head", head);
}

void tp_pages_cell(tp_pages_tab *t, const char *text) {
  tp_pages_cell_full(t, text, NULL, NULL, false);
}

void tp_pages_num(tp_pages_tab *t, const char *text) {
  tp_pages_cell_full(t, text, NULL, "num", false);
}

/* A {label, value, range, detail} entry of a key-value list; range (the
 * interval of a headline figure, "1.60–1.75 kWh") and detail may be null. */
void tp_pages_item_r(tp_tval *list, const char *label, const char *value, const char *range,
                     const char *detail) {
  tp_tval *o = tp_tval_push_object(list);
  tp_tval_set_string(o, "label", label);
  tp_tval_set_string(o, "value", value);
  tp_tval_set_string(o, "range", range);
  tp_tval_set_string(o, "detail", detail);
}

void tp_pages_item(tp_tval *list, const char *label, const char *value, const char *detail) {
  tp_pages_item_r(list, label, value, NULL, detail);
}

void tp_pages_beside(tp_tval *list, double embodied_kg, double onsite_l, double offsite_l) {
  char buf[64], v[160];
  if (isfinite(embodied_kg))
    tp_pages_item(list, "Embodied emissions", tp_units_co2e_text(buf, embodied_kg),
                  "manufacturing of the GPUs and their servers, amortized per GPU-hour; "
                  "beside the emissions above, not in them");
  if (isfinite(onsite_l) && isfinite(offsite_l)) {
    char on[48], off[48], all[48];
    snprintf(v, sizeof v, "%s L", tp_units_number(all, onsite_l + offsite_l, 3));
    char *d = tp_xasprintf("%s L on site (IT energy × WUE), %s L off site (facility energy × "
                           "the grid's water intensity)",
                           tp_units_number(on, onsite_l, 3), tp_units_number(off, offsite_l, 3));
    tp_pages_item(list, "Water", v, d);
    free(d);
  }
}

/* A headline figure: the value with its unit, and its range apart. */
/* A total over runs of which `known` of `total` have a known energy: the
 * value, "N of M runs: X (the rest unknown)" when some lack one, "unknown"
 * when none has one. */
void tp_pages_item_total(tp_tval *list, const char *label, tp_range r, bool co2e,
                         const char *detail, size_t known, size_t total) {
  tp_unit u = co2e ? tp_units_for_co2e(r.value) : tp_units_for_energy(r.value);
  const char *suffix = co2e ? " CO2e" : "";
  char t[160], v[260], rg[200];
  tp_units_range_in(t, &u, r);
  char *open = strstr(t, " (");
  if (!isfinite(r.value) || known == 0) {
    tp_pages_item_r(list, label, "unknown", NULL, detail);
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
  tp_pages_item_r(list, label, v, open ? rg : NULL, detail);
}

/* A table cell of a total over runs of which `known` of `total` have a known
 * energy: "1.2 (1.1–1.4)", "3 of 5 runs: 1.2 (1.1–1.4)", or "unknown". */
const char *tp_pages_part_range(char buf[240], const tp_unit *u, tp_range r, size_t known,
                              size_t total) {
  if (known == 0 || !isfinite(r.value)) return "unknown";
  char t[160];
  tp_units_range_in(t, u, r);
  if (known < total) snprintf(buf, 240, "%zu of %zu runs: %s", known, total, t);
  else snprintf(buf, 240, "%s", t);
  return buf;
}

/* The same for a plain value (no range). */
const char *tp_pages_part_in(char buf[240], const tp_unit *u, double v, size_t known,
                             size_t total) {
  if (known == 0 || !isfinite(v)) return "unknown";
  char t[64];
  tp_units_in(t, u, v);
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
char *tp_pages_energy_lead(const char *what, size_t n, size_t known, tp_range it, tp_range fac,
                           tp_range co2e, bool paren) {
  char r1[160], r2[160], r3[160];
  if (known >= n)
    return paren ? tp_xasprintf("%s used %s of IT energy (%s at the facility) and emitted %s.",
                                what, tp_units_energy_range(r1, it), tp_units_energy_range(r2, fac),
                                tp_units_co2e_range(r3, co2e))
                 : tp_xasprintf("%s used %s of IT energy, %s at the facility, and emitted %s.",
                                what, tp_units_energy_range(r1, it), tp_units_energy_range(r2, fac),
                                tp_units_co2e_range(r3, co2e));
  if (known == 0)
    return tp_xasprintf("%s; %s energy is unknown: no power trace, declared figure or estimate "
                        "covers %s.",
                        what, n == 1 ? "its" : "their", n == 1 ? "it" : "any of them");
  return tp_xasprintf("%s; the %zu of them with a known energy used %s of IT energy (%s at the "
                      "facility) and emitted %s; the energy of the other %zu is unknown.",
                      what, known, tp_units_energy_range(r1, it), tp_units_energy_range(r2, fac),
                      tp_units_co2e_range(r3, co2e), n - known);
}

void tp_pages_set_lead(tp_tval *root, const char *what, size_t n, size_t known, double it_j,
                       double facility_j, double co2e_kg, const tp_uncertainty_sum *u,
                       bool paren) {
  char *lead = tp_pages_energy_lead(what, n, known, tp_pages_range_of(it_j, u->it_j),
                                    tp_pages_range_of(facility_j, u->facility_j),
                                    tp_pages_range_of(co2e_kg, u->co2e_kg), paren);
  tp_tval_set_string(root, "lead", lead);
  free(lead);
}

int tp_pages_put(tp_pages_ctx *x, const char *rel, const tp_buf *b) {
  if (x->err) return -1;
  return tp_site_write(x->site, rel, tp_buf_str(b), b->len, &x->err);
}

/* Place chart c (taken; NULL is skipped) in the list `charts` of the page
 * being built: its id, title and description now, its drawing (inline SVG,
 * its numbers in the page's CSV, charts/STEM.png and .pdf when asked for)
 * when the page is rendered; `up` leads from the page to the site's root ("" or "../"). */
void tp_pages_chart(tp_pages_ctx *x, tp_tval *charts, tp_chart *c, const char *stem,
                    const char *up) {
  if (!c) return;
  tp_chart_set_id(c, stem);
  tp_tval *o = tp_tval_push_object(charts);
  tp_tval_set_string(o, "id", stem);
  tp_tval_set_string(o, "title", c->title);
  tp_tval_set_string(o, "desc", c->desc);
  TP_GROW(x->pend, x->cap_pend, x->n_pend + 1);
  x->pend[x->n_pend++] = (tp_pages_pending){.c = c, .stem = tp_xstrdup(stem), .up = up, .obj = o};
}

/* The stem of the CSV file under charts/ that holds the numbers of the x/y
 * charts of the page at rel: "run-SLUG" for runs/SLUG.html, "exp-SLUG" for
 * experiments/SLUG.html, "lab" for index.html (the prefixes of their charts'
 * stems).  The caller frees it. */
static char *S_page_stem(const char *rel) {
  static const struct {
    const char *dir, *prefix;
  } kinds[] = {{"runs/", "run-"}, {"experiments/", "exp-"}};
  size_t n = strlen(rel);
  if (n > 5 && strcmp(rel + n - 5, ".html") == 0) n -= 5;
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    size_t d = strlen(kinds[i].dir);
    if (strncmp(rel, kinds[i].dir, d) == 0 && n > d)
      return tp_xasprintf("%s%.*s", kinds[i].prefix, (int)(n - d), rel + d);
  }
  return tp_xstrdup("lab");
}

/* Draw a placed chart: inline SVG into its entry, its numbers into the
 * page's CSV `csv` (a parallel chart: into a file of its own), PNG and PDF
 * files when asked for.  The SVG is not written as a file: the page's "SVG"
 * link saves the inline one (see templates/base.xhtml). */
static int S_chart_draw(tp_pages_ctx *x, const tp_pages_pending *pc, const char *page,
                        bool ranges, tp_buf *csv) {
  int rc = -1;
  tp_buf b = {0};
  char *rel = NULL;
  tp_chart *c = pc->c;
  tp_tval *o = pc->obj;
  const char *stem = pc->stem, *up = pc->up;

  tp_chart_svg(c, &b);
  tp_tval_set(o, "svg", tp_tval_chart_svg(tp_buf_str(&b)));
  rel = tp_xasprintf("%s.svg", stem);
  tp_tval_set_string(o, "svg_name", rel);

  /* The chart is named in the page's CSV by its key, else by its stem less
   * the page's. */
  size_t pn = strlen(page);
  const char *name = c->key                                              ? c->key
                     : strncmp(stem, page, pn) == 0 && stem[pn] == '-' ? stem + pn + 1
                                                                        : stem;
  free(rel);
  if (tp_chart_csv_page(c, name, ranges, csv)) {
    rel = tp_xasprintf("%scharts/%s.csv", up, page);
  } else {
    tp_buf_clear(&b);
    tp_chart_csv(c, &b);
    rel = tp_xasprintf("charts/%s.csv", stem);
    if (tp_pages_put(x, rel, &b) != 0) goto done;
    free(rel);
    rel = tp_xasprintf("%scharts/%s.csv", up, stem);
  }
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

/* Draw the charts of page b, then write the CSV of their numbers
 * (charts/PAGE.csv, see S_page_stem) when it has any: with the columns lo
 * and hi when a chart of the page has error bars. */
static int S_charts_draw(tp_pages_ctx *x, const tp_pages_built *b) {
  int rc = 0;
  char *page = S_page_stem(b->rel);
  tp_buf csv = {0};
  bool ranges = false;
  for (size_t i = 0; i < b->n_pend; i++) ranges = ranges || tp_chart_has_ranges(b->pend[i].c);
  for (size_t i = 0; rc == 0 && i < b->n_pend; i++)
    rc = S_chart_draw(x, &b->pend[i], page, ranges, &csv);
  if (rc == 0 && csv.len) {
    char *rel = tp_xasprintf("charts/%s.csv", page);
    rc = tp_pages_put(x, rel, &csv);
    free(rel);
  }
  tp_buf_free(&csv);
  free(page);
  return rc;
}

static void S_pend_free(tp_pages_pending *pend, size_t n) {
  for (size_t i = 0; i < n; i++) {
    tp_chart_free(pend[i].c);
    free(pend[i].stem);
  }
}

void tp_pages_pending_clear(tp_pages_ctx *x) {
  S_pend_free(x->pend, x->n_pend);
  x->n_pend = 0;
}

/* Move the charts placed so far into b. */
void tp_pages_take_pending(tp_pages_ctx *x, tp_pages_built *b) {
  b->pend = x->pend;
  b->n_pend = x->n_pend;
  x->pend = NULL;
  x->n_pend = x->cap_pend = 0;
}

static void S_built_free(tp_pages_ctx *x, tp_pages_built *b) {
  if (b->taken.group) tp_site_taken_drop(x->site, &b->taken);
  S_pend_free(b->pend, b->n_pend);
  free(b->pend);
  tp_tval_free(b->root);
  free(b->rel);
  *b = (tp_pages_built){0};
}

/* The fields every page has: title, generator, stamp, stylesheet, home. */
tp_tval *tp_pages_page(tp_pages_ctx *x, const char *title, const char *up) {
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
static void S_digest(const tp_pages_ctx *x, const tp_template *t, const tp_pages_built *b,
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
void tp_pages_key_begin(const tp_pages_ctx *x, tp_hash *h, const char *tag, const tp_template *t) {
  tp_hash_init(h);
  tp_hash_str(h, tag);
  for (size_t k = 0; k < x->paths.n_roots; k++) tp_hash_str(h, x->paths.roots[k]);
  tp_hash_str(h, x->opts->program_id);
  tp_hash_str(h, tp_template_digest(t));
  tp_hash_u64(h, (uint64_t)x->opts->png << 1 | (uint64_t)x->opts->pdf);
  tp_hash_str(h, x->opts->generator);
  tp_hash_str(h, x->opts->stamp);
}

int tp_pages_finish(tp_pages_ctx *x, const tp_template *t, tp_pages_built *b) {
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
  if (rc == 0) rc = S_charts_draw(x, b);
  tp_buf out = {0};
  if (rc == 0) rc = tp_template_render(t, b->root, &out, &x->err);
  if (rc == 0) rc = tp_pages_put(x, b->rel, &out);
  if (group) tp_site_group_end(x->site);
  tp_buf_free(&out);
  S_built_free(x, b);
  return rc;
}

/* Write the page rel from template t and data (taken) with the charts placed
 * in it so far (see tp_pages_finish). */
int tp_pages_render(tp_pages_ctx *x, const tp_template *t, tp_tval *data, const char *rel) {
  tp_pages_built b = {.root = data, .rel = tp_xstrdup(rel)};
  tp_pages_take_pending(x, &b);
  return tp_pages_finish(x, t, &b);
}

/* Diagnostics as [{severity, text}]. */
void tp_pages_notes(const tp_pages_ctx *x, tp_tval *root, const tp_diags *d) {
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

/* ---- index.html -------------------------------------------------------- */

/* The range of a figure v of the lab or an experiment: r, or v alone when r
 * summed nothing (no run with energy). */
tp_range tp_pages_range_of(double v, tp_range r) {
  if (!isfinite(r.value) || !isfinite(v)) return (tp_range){v, NAN, NAN};
  return r;
}

/* ---- experiments/SLUG.html --------------------------------------------- */

/* "val/acc ≥ 0.9" or "val/loss ≤ 0.3". */
char *tp_pages_target_text(const tp_experiment *e) {
  char v[32];
  return tp_xasprintf("%s %s %s", e->metric_tag ? e->metric_tag : "metric",
                      e->metric_higher_better ? "≥" : "≤", tp_fmt_double(v, e->target));
}
