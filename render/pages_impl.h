/* pages_impl: what the page builders share, private to render/.
 *
 * render/pages.h is the layer's header for the pages; this one joins the
 * files that build them: pages.c (the whole site), page_index.c,
 * page_experiment.c and page_run.c (one kind of page each), and
 * pages_common.c (formatting, data-tree builders, charts and writing a built
 * page).  Numbers with units come from render/units.h.
 */
#ifndef TP_PAGES_IMPL_H
#define TP_PAGES_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/hash.h"
#include "model/mem.h"
#include "render/chart.h"
#include "render/pages.h"
#include "render/paths.h"
#include "render/site.h"
#include "render/template.h"
#include "render/units.h"

/* A table being built: {id, caption, columns: [{label, cls}], rows: [{cells:
 * [{text, href, cls, head}]}]}; cls is "num" for numbers (right-aligned),
 * head marks the cell that names its row (a row header). */
typedef struct tp_pages_tab {
  tp_tval *columns, *rows; /* lists inside the table object */
  tp_tval *cells;          /* the cells of the row being filled */
} tp_pages_tab;

/* A chart placed in a page and not yet drawn: drawing waits until the page
 * is known to have changed (see tp_pages_render). */
typedef struct tp_pages_pending {
  tp_chart *c;     /* owned */
  char *stem;      /* file name stem under charts/ */
  const char *up;  /* from the page to the site's root: "" or "../" */
  tp_tval *obj;    /* the chart's entry in the page's data (owned by the page) */
} tp_pages_pending;

/* What every page builder shares: the site, the lab, the options, the
 * ranges of every figure, the templates and the charts placed so far. */
typedef struct tp_pages_ctx {
  tp_site *site;
  const tp_lab *lab;
  const tp_pages_opts *opts;
  tp_uncertainty u; /* the ranges of every figure */
  tp_template *tpl_index, *tpl_exp, *tpl_run;
  tp_pages_pending *pend; /* the charts of the page being built */
  size_t n_pend, cap_pend;
  char (*run_keys)[TP_HASH_HEX]; /* each run's page key (tp_pages_run_key), computed
                                   before drawing while the site keeps a record, for
                                   the runs drawn and those of the experiments drawn
                                   ("" for the others); else NULL */
  tp_paths paths;   /* how input files are named (render/paths.h) */
  char *err;  /* first failure, or NULL */
} tp_pages_ctx;

/* A page built and not yet written: its data, the charts placed in it, where
 * it goes, and (when the site keeps a record) its fingerprint and whether its
 * files were taken from the previous site. */
typedef struct tp_pages_built {
  tp_tval *root;             /* owned */
  tp_pages_pending *pend;    /* owned */
  size_t n_pend;
  char *rel;                 /* owned */
  char digest[TP_HASH_HEX];  /* "" until computed */
  char key[TP_HASH_HEX];     /* the page's key (run pages), or "" */
  bool tried;                /* taking it from the previous site was tried */
  tp_site_taken taken;       /* what was taken (taken.group != NULL) */
} tp_pages_built;

/* ---- numbers (pages_common.c) ------------------------------------------- */

/* A metric value: four significant digits; "–" when not finite. */
const char *tp_pages_metric(char buf[64], double v);
/* "2026-03-30 12:03:30 UTC"; "unknown" when not finite. */
const char *tp_pages_time(char buf[64], double t_s);
/* "2026-03-30 12:03" (UTC, for tables whose header says so); "–" when unknown. */
const char *tp_pages_minute(char buf[64], double t_s);
/* "512 B", "1.5 KiB", "2.0 MiB", "1.25 GiB". */
const char *tp_pages_bytes(char buf[64], uint64_t n);
/* A share as "12.5 %"; "–" when not finite. */
const char *tp_pages_percent(char buf[64], double share);
/* The range of a figure v of the lab, an experiment or a run: r, or v alone
 * when r summed nothing (no run with energy). */
tp_range tp_pages_range_of(double v, tp_range r);
/* "val/acc ≥ 0.9" or "val/loss ≤ 0.3" (caller frees). */
char *tp_pages_target_text(const tp_experiment *e);

/* ---- data-tree builders (pages_common.c) -------------------------------- */

/* A table {id, caption, columns, rows} set as parent's key. */
tp_pages_tab tp_pages_table(tp_tval *parent, const char *key, const char *id,
                            const char *caption);
void tp_pages_col(tp_pages_tab *t, const char *label, bool numeric);
/* Several columns: labels separated by '|', a leading '#' marks a numeric
 * one ("Zone|Grid|#Year"). */
void tp_pages_cols(tp_pages_tab *t, const char *spec);
/* A numeric column whose label names its unit: "IT energy (kWh)". */
void tp_pages_col_unit(tp_pages_tab *t, const char *label, const char *unit);
/* Start a row; then its cells, in the order of the columns. */
void tp_pages_row(tp_pages_tab *t);
void tp_pages_cell_full(tp_pages_tab *t, const char *text, const char *href, const char *cls,
                        bool head);
void tp_pages_cell(tp_pages_tab *t, const char *text);
void tp_pages_num(tp_pages_tab *t, const char *text);
/* A {label, value, range, detail} entry of a key-value list; range and
 * detail may be NULL. */
void tp_pages_item_r(tp_tval *list, const char *label, const char *value, const char *range,
                     const char *detail);
void tp_pages_item(tp_tval *list, const char *label, const char *value, const char *detail);
/* Embodied emissions and water (each left out when NAN) as items of list,
 * said to be beside the CO2e above them, never in it. */
void tp_pages_beside(tp_tval *list, double embodied_kg, double onsite_l, double offsite_l);
/* A headline total over runs of which `known` of `total` have a known
 * energy, its range apart. */
void tp_pages_item_total(tp_tval *list, const char *label, tp_range r, bool co2e,
                         const char *detail, size_t known, size_t total);
/* A table cell of such a total: "1.2 (1.1–1.4)", "3 of 5 runs: 1.2 (1.1–1.4)",
 * "unknown"; tp_pages_part_in for a plain value. */
const char *tp_pages_part_range(char buf[240], const tp_unit *u, tp_range r, size_t known,
                                size_t total);
const char *tp_pages_part_in(char buf[240], const tp_unit *u, double v, size_t known,
                             size_t total);
/* The lead sentence of a page over n runs (caller frees). */
char *tp_pages_energy_lead(const char *what, size_t n, size_t known, tp_range it, tp_range fac,
                           tp_range co2e, bool paren);
/* Set root's "lead" to that sentence over figures with their ranges in u. */
void tp_pages_set_lead(tp_tval *root, const char *what, size_t n, size_t known, double it_j,
                       double facility_j, double co2e_kg, const tp_uncertainty_sum *u,
                       bool paren);
/* Diagnostics as the page's notes, [{severity, text}]. */
void tp_pages_notes(const tp_pages_ctx *x, tp_tval *root, const tp_diags *d);

/* ---- charts and writing (pages_common.c) -------------------------------- */

/* Write rel into the site; -1 with x->err on failure (or when it is set). */
int tp_pages_put(tp_pages_ctx *x, const char *rel, const tp_buf *b);
/* Place chart c (taken; NULL is skipped) in the list `charts` of the page
 * being built; it is drawn when the page is rendered. */
void tp_pages_chart(tp_pages_ctx *x, tp_tval *charts, tp_chart *c, const char *stem,
                    const char *up);
/* Drop the charts placed and not yet taken by a page. */
void tp_pages_pending_clear(tp_pages_ctx *x);
/* Move the charts placed so far into b. */
void tp_pages_take_pending(tp_pages_ctx *x, tp_pages_built *b);
/* The fields every page has: title, generator, stamp, stylesheet, home. */
tp_tval *tp_pages_page(tp_pages_ctx *x, const char *title, const char *up);
/* Start h as a page key: tag (which page kind, and the key's version), the
 * arguments input files are named against, the program, template t and the
 * options every page is drawn with. */
void tp_pages_key_begin(const tp_pages_ctx *x, tp_hash *h, const char *tag, const tp_template *t);
/* Write the built page b (freed) from template t, or take it unchanged from
 * the previous site. */
int tp_pages_finish(tp_pages_ctx *x, const tp_template *t, tp_pages_built *b);
/* Write the page rel from template t and data (taken) with the charts placed
 * so far. */
int tp_pages_render(tp_pages_ctx *x, const tp_template *t, tp_tval *data, const char *rel);

/* ---- the pages ---------------------------------------------------------- */

int tp_pages_index(tp_pages_ctx *x);                              /* page_index.c */
int tp_pages_experiment(tp_pages_ctx *x, const tp_experiment *e); /* page_experiment.c */
int tp_pages_run(tp_pages_ctx *x, size_t ri);                     /* page_run.c */
/* The key of run ri's page (page_run.c): a fingerprint of everything its
 * page is built from; scratch is working space. */
void tp_pages_run_key(const tp_pages_ctx *x, size_t ri, tp_buf *scratch, char out[TP_HASH_HEX]);

#endif
