/* publish: exports for papers, READMEs and model cards.
 *
 * tp_publish_write() writes, into the report's publish/ directory:
 *
 *   footprint.tex            LaTeX macros for every headline figure (lab, each
 *                            experiment, each configuration), a ready table
 *                            (\tpFootprintTable) and a methods paragraph
 *                            (\tpMethods); to be \input{} by a document.
 *   footprint.md             the same for Markdown.
 *   model-card-SLUG.yaml     one Hugging Face model-card `co2_eq_emissions`
 *                            block per experiment (emissions in grams).
 *   references.bib           the data sources and methods cited.
 *   whatif-zones.csv         the by-location what-if, and its chart as
 *   whatif-zones.{svg,pdf,png}  SVG, PDF and PNG (300 dpi).
 *   neurips-compute.md       the NeurIPS Paper Checklist's compute-resources
 *                            answer (hardware, hours, energy, CO2e, left out).
 *   eu-ai-act-energy.md      the EU AI Act's Annex XI energy section (known or
 *                            estimated energy of training, with the method).
 *   emissions.csv            the runs in CodeCarbon's columns, one row each.
 *   lab-years.{csv,md}       the whole lab by year: runs, GPU-hours, energy,
 *                            CO2e.
 *
 * Every figure carries its range (model/uncertainty.h) as `value (low–high)`
 * (tp_units_range_text, render/units.h).
 * Equivalents (car km, flights, household-years) are left out unless asked.
 *
 * Macro names (letters only, as LaTeX command names must be): \tp, then the
 * scope, then the quantity and unit.  Scopes: Total; Exp<Name> with Name the
 * experiment's name in CamelCase from its letters and digits (digits spelled:
 * "vit-b16" -> VitBOneSix; a name that would repeat an earlier one gets
 * "Dup" and letters of its index); Exp<Name>Cfg<Letters> for the
 * configurations, Letters their index in the experiment's configuration
 * order (sorted by text) as A, B, ..., Z, AA, AB, ...  The .tex file lists
 * every scope with the name or configuration it stands for.  Quantities:
 * EnergyKWh (IT energy), FacilityKWh, CarbonKg (CO2e), each also with Low,
 * High and Range (`value (low--high)`); Runs.  Configuration figures are means
 * over their runs, as in summary.json.
 *
 * Text from the inputs (names, configurations, sources) is escaped for each
 * format: LaTeX specials become their commands and bytes outside ASCII
 * become '?' (pdflatex with default fonts cannot set most of them);
 * Markdown specials get a backslash; YAML strings are double-quoted.
 */
#ifndef TP_PUBLISH_H
#define TP_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

#include "model/carbon.h"
#include "model/lab.h"
#include "model/mem.h"
#include "model/reftable.h"
#include "model/uncertainty.h"
#include "render/site.h"

typedef struct tp_publish_opts {
  const char *version;            /* trainprint's version, stated in the methods */
  const char *compare_zones;      /* comma-separated zone codes or cloud regions for
                                     the by-location what-if; NULL: the default list */
  tp_uncertainty_opts uncertainty;/* configured ranges (PUE range, ...) */
  bool equivalents;               /* also give car km, flights, household-years */
  const tp_intensity_series *series; /* the intensity series the lab was priced
                                     with, or NULL: no what-if by time */
  const char *training_type;      /* model-card training_type; NULL: "pre-training" */
} tp_publish_opts;

/* Options with every default (no configured ranges, default zones, no
 * equivalents, no series). */
tp_publish_opts tp_publish_opts_default(void);

/* Write the exports of lab into site (tables: the shipped reference tables,
 * for the what-ifs, default ranges and equivalents; may be NULL, then those
 * are left out).  Returns 0, or -1 with a message in *err (the caller frees
 * it) when a file cannot be written. */
int tp_publish_write(tp_site *site, const tp_lab *lab, const tp_reftables *tables,
                     const tp_publish_opts *opts, char **err);

/* Append s escaped for LaTeX text, for Markdown text. */
void tp_publish_latex_escape(tp_buf *b, const char *s);
void tp_publish_md_escape(tp_buf *b, const char *s);
/* The letters-only CamelCase form of name (digits spelled out; "Unnamed"
 * when name has no letter or digit).  Caller frees. */
char *tp_publish_macro_word(const char *name);
/* A, B, ..., Z, AA, AB, ... for index 0, 1, ...  buf holds 16 bytes. */
const char *tp_publish_index_letters(char buf[16], size_t index);

#endif
