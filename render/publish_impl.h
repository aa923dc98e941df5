/* publish_impl: what the export writers share, private to render/.
 *
 * render/publish.h is the layer's header for the exports; this one joins the
 * files that write them, one per format: publish_tex.c (footprint.tex),
 * publish_md.c (footprint.md), publish_card.c (model-card YAML),
 * publish_bib.c (references.bib), publish_zones.c (the what-if by
 * location as CSV and chart), publish_disclose.c (the NeurIPS compute
 * paragraph and the EU AI Act energy section), publish_codecarbon.c
 * (emissions.csv) and publish_years.c (the lab's yearly table), with
 * publish_common.c (escaping and the
 * context every writer reads) and publish.c (writing them all).  Numbers
 * with units come from render/units.h.
 */
#ifndef TP_PUBLISH_IMPL_H
#define TP_PUBLISH_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/whatif.h"
#include "render/chart.h"
#include "render/publish.h"
#include "render/units.h"

/* Everything the writers need, computed once. */
typedef struct tp_publish_ctx {
  const tp_lab *lab;
  const tp_reftables *tables;
  const tp_publish_opts *opts;
  tp_uncertainty u;
  char **exp_words;        /* macro word of each experiment */
  tp_whatif_zones zones;
  char **zone_codes;       /* owned codes for zones (the asked list) */
  size_t n_zone_codes;
  tp_whatif_pue pue;
  tp_whatif_time time;
  size_t n_time_priced;
  double coverage;         /* device-time share covered, traced runs; NAN if none */
  double interval_s;       /* typical seconds between power samples; NAN if unknown */
  tp_buf devices;          /* "NVIDIA A100-SXM4-40GB (8 devices)" ... */
  size_t n_by_method[TP_ENERGY_DECLARED + 1];
} tp_publish_ctx;

/* ---- publish_common.c ---------------------------------------------------- */

/* Compute everything the writers need for lab (tables may be NULL). */
void tp_publish_ctx_init(tp_publish_ctx *c, const tp_lab *lab, const tp_reftables *t,
                         const tp_publish_opts *o);
void tp_publish_ctx_free(tp_publish_ctx *c);
/* Append s as a double-quoted YAML scalar. */
void tp_publish_yaml_quote(tp_buf *b, const char *s);
/* "12 integrated, 3 estimated" over the methods used. */
void tp_publish_methods_text(tp_buf *b, const tp_publish_ctx *c);
/* " (SOURCE; data year YEAR)" of the intensity, escaped by esc. */
void tp_publish_intensity_source(tp_buf *b, const tp_assumptions *a,
                                 void (*esc)(tp_buf *, const char *));
/* GPU-hours h of a total over runs of which n_known have a known energy, as
 * summary.json gives them: unknown (NAN) rather than 0 when none were
 * counted and no run has a known energy. */
double tp_publish_gpu_hours(double h, size_t n_known);
/* What was measured and how, as LaTeX (latex) or Markdown text. */
void tp_publish_measured_text(tp_buf *b, const tp_publish_ctx *c, bool latex);

/* ---- publish_md.c, shared with the disclosures ---------------------------- */

/* A total over runs of which `known` of `total` have a known energy, as
 * Markdown: "3 of 5 runs: X (the rest unknown)" when some lack one,
 * "unknown" when none has one; X is `value (low–high)` of r x scale. */
void tp_publish_md_part(tp_buf *b, tp_range r, double scale, size_t known, size_t total);
/* The method paragraph: what was measured, PUE and intensity with their
 * ranges, the gaps, the version. */
void tp_publish_md_method(tp_buf *b, const tp_publish_ctx *c);

/* ---- one writer per format ------------------------------------------------ */

void tp_publish_tex(tp_buf *b, const tp_publish_ctx *c);    /* publish_tex.c */
void tp_publish_md(tp_buf *b, const tp_publish_ctx *c);     /* publish_md.c */
/* One co2_eq_emissions block for experiment i; with its file's header
 * comment (tp_publish_model_card_file).  publish_card.c */
void tp_publish_model_card(tp_buf *b, const tp_publish_ctx *c, size_t i);
void tp_publish_model_card_file(tp_buf *b, const tp_publish_ctx *c, size_t i);
void tp_publish_bib(tp_buf *b, const tp_publish_ctx *c);    /* publish_bib.c */
/* The what-if by location as CSV, and as a chart (caller frees).
 * publish_zones.c */
void tp_publish_zones_csv(tp_buf *b, const tp_publish_ctx *c);
tp_chart *tp_publish_zones_chart(const tp_publish_ctx *c);
/* neurips-compute.md and eu-ai-act-energy.md.  publish_disclose.c */
void tp_publish_neurips(tp_buf *b, const tp_publish_ctx *c);
void tp_publish_eu_ai_act(tp_buf *b, const tp_publish_ctx *c);
/* emissions.csv, CodeCarbon's columns, one row per run.  publish_codecarbon.c */
void tp_publish_codecarbon_csv(tp_buf *b, const tp_publish_ctx *c);
/* The lab by year as lab-years.csv and lab-years.md.  publish_years.c */
void tp_publish_years_csv(tp_buf *b, const tp_publish_ctx *c);
void tp_publish_years_md(tp_buf *b, const tp_publish_ctx *c);

#endif
