/* pages: the report's HTML pages, from templates and a priced lab.
 *
 * Three kinds of page, each from one XHTML template (render/template.h) filled
 * with a data tree built here:
 *
 *   index.html                    totals with their ranges, assumptions, one row
 *                                 per experiment, the what-ifs (by location, PUE,
 *                                 time; equivalents) and the lab's roll-ups (per
 *                                 month, GPU model, host, tag)
 *   experiments/SLUG.html         configurations (with ranges), the ranking by
 *                                 energy to target, runs and their charts
 *   runs/SLUG.html                power, energy (with ranges), target, metrics,
 *                                 hparams, provenance
 *
 * Energy and CO2e figures carry their range (model/uncertainty.h) as
 * `value (low–high)` (tp_units_range_text, render/units.h); the what-ifs and default
 * ranges need the reference tables (opts->tables), and are left out without.
 *
 * Every chart (render/figures.h) is inlined in its page as SVG and also
 * written beside it as charts/STEM.svg with its numbers in charts/STEM.csv
 * (and .png at 300 dpi, .pdf when asked).  File names from the inputs go
 * through tp_site_slug(), so they stay inside the site whatever a run or
 * experiment is called; every link is relative, so the site works from
 * file:// and offline.  The template directory's style.css is copied in.
 *
 * The data each template receives is listed in a comment at the top of the
 * default templates (templates/index.xhtml, experiment.xhtml, run.xhtml).
 *
 * Output is deterministic: nothing depends on the time of rendering unless
 * opts->stamp is given.
 */
#ifndef TP_PAGES_H
#define TP_PAGES_H

#include <stdbool.h>

#include "model/lab.h"
#include "model/reftable.h"
#include "model/uncertainty.h"
#include "render/site.h"

/* Which pages to draw, for a site drawn in parts (see tp_pages_opts.pick). */
typedef struct tp_pages_pick {
  bool front;              /* style.css and index.html with its charts */
  const bool *experiments; /* per experiment of the lab: draw its page (and charts) */
  const bool *runs;        /* per run of the lab: draw its page (and charts) */
} tp_pages_pick;

typedef struct tp_pages_opts {
  const char *templates_dir; /* holds index.xhtml, experiment.xhtml, run.xhtml, style.css */
  bool png;                  /* also write every chart as PNG (300 dpi) */
  bool pdf;                  /* also write every chart as PDF */
  const char *stamp;         /* shown as the time of rendering, or NULL for none */
  const char *generator;     /* e.g. "trainprint 0.1.0" */
  const tp_reftables *tables;/* the shipped reference tables, for default ranges,
                                what-ifs and equivalents; NULL: left out */
  const tp_uncertainty_opts *uncertainty; /* configured ranges; NULL: the defaults */
  const char *compare_zones; /* zones for the what-if by location (comma-separated
                                codes or cloud regions); NULL: the default list */
  const char *program_id;    /* a fingerprint of the program and its data, part of every
                                page's fingerprint (tp_site_group_reuse); NULL: none */
  int jobs;                  /* threads drawing pages; 0: one per online processor */
  const tp_pages_pick *pick; /* the pages to draw; NULL: every one */
} tp_pages_opts;

/* Write every page, chart and the stylesheet of lab into site (only those of
 * opts->pick when given), in this order: style.css, index.html, the
 * experiments' pages, the runs' pages, each page after its charts.  Pages
 * are drawn on opts->jobs threads; the files and the manifest are the same
 * for any number.  Returns 0, or
 * -1 with a message in *err (the caller frees it) when a template cannot be
 * read or rendered or a file cannot be written; the caller then aborts the
 * site, so nothing half-written is ever moved into place. */
int tp_pages_write(tp_site *site, const tp_lab *lab, const tp_pages_opts *opts, char **err);

/* The relative path of an experiment's and a run's page (caller frees). */
char *tp_pages_experiment_path(const char *name);
char *tp_pages_run_path(const char *id);

#endif
