/* pipeline: discover, read, hand traces and declared rows to the attribution
 * (model/attrib.h), estimate, price, group.
 *
 * The two entry points and the order of their steps; each step lives in the
 * module that owns it (cli/pipeline_impl.h lists them). */
#include "cli/pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/pipeline_impl.h"
#include "model/attrib.h"
#include "model/mem.h"
#include "model/resplit.h"
#include "render/render.h"

int tp_pipeline_cmp_cstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load the configuration: -c FILE, else trainprint.yaml in the first path's
 * directory when there is one.  Returns tp_config_load's result (0 when there
 * is none). */
static int S_load_config(tp_lab *lab, char *const *paths, size_t n_paths,
                         const tp_pipeline_opts *opts, tp_config *cfg) {
  char *found = opts->config_path ? NULL : (n_paths ? tp_config_find(paths[0]) : NULL);
  const char *cfg_path = opts->config_path ? opts->config_path : found;
  int cfg_rc = 0;
  if (cfg_path) {
    cfg_rc = tp_config_load(cfg, cfg_path, &lab->diags);
    if (cfg_rc == 0)
      tp_diag_add(&lab->diags, TP_NOTE, cfg_path, -1, -1, "configuration read");
  }
  free(found);
  return cfg_rc;
}

/* --format: a trace reader forced on every trace, or a framework (left to
 * S_framework_opts); anything else is diagnosed. */
static void S_trace_format(tp_pipeline_state *st) {
  const char *name = st->opts->trace_format;
  tp_framework_kind fw_probe;
  if (name && tp_power_format_parse(name, &st->force) != 0) {
    st->force = TP_POWER_AUTO;
    if (tp_framework_parse_name(name, &fw_probe) != 0)
      tp_diag_add(&st->lab->diags, TP_ERROR, NULL, -1, -1,
                  "unknown format '%s'; formats are recognised by content instead", name);
  }
}

/* The configuration's text-log parsers, as the pattern sets and names the
 * framework readers and discovery use. */
typedef struct S_textlog {
  tp_framework_textlog *entries; /* one per text `parsers` entry, in order; owned */
  tp_textlog_rule **rules;       /* each entry's rules, owned; NULL where it has none */
  tp_textlog_set *custom;        /* each entry's set over its rules */
  size_t n;
} S_textlog;

/* The entry for configured text-log parser cp into tl's slot i. */
static void S_text_entry(tp_pipeline_state *st, const tp_config_parser *cp, S_textlog *tl,
                         size_t i) {
  tp_framework_textlog *e = &tl->entries[i];
  if (cp->files.count) e->files = cp->files.items, e->n_files = cp->files.count;
  const char *name = cp->name ? cp->name : "configured";
  if (cp->patterns.count) {
    tl->rules[i] = tp_xcalloc(cp->patterns.count, sizeof *tl->rules[i]);
    for (size_t k = 0; k < cp->patterns.count; k++)
      tl->rules[i][k] = (tp_textlog_rule){.name = name, .line = cp->patterns.items[k],
                                          .time_format = cp->time_format};
    tl->custom[i] = (tp_textlog_set){.name = name, .rules = tl->rules[i],
                                     .n_rules = cp->patterns.count};
    e->set = &tl->custom[i];
  } else if (cp->set) {
    e->set = tp_textlog_builtin(cp->set);
    if (!e->set)
      tp_diag_add(&st->lab->diags, TP_ERROR, st->cfg->path, -1, cp->line,
                  "parsers: no built-in pattern set named '%s'", cp->set);
  }
}

/* Framework logs: the configuration's text-log parsers (every `parsers`
 * entry without columns; a file is read by the first whose files match it)
 * and its CSV log parsers (every entry with columns).  Discovery knows them
 * too, so that a log they read is a run's log (and several in one folder are
 * several runs). */
static void S_framework_opts(tp_pipeline_state *st, tp_framework_opts *fo, S_textlog *tl) {
  const tp_config *cfg = st->cfg;
  *fo = (tp_framework_opts){.tz = st->tz, .clock_offset_s = st->opts->clock_offset_s,
                            .parsers = cfg->parsers, .n_parsers = cfg->n_parsers};
  *tl = (S_textlog){0};
  for (size_t i = 0; i < cfg->n_parsers; i++) tl->n += !cfg->parsers[i].has_columns;
  if (!tl->n) return;
  tl->entries = tp_xcalloc(tl->n, sizeof *tl->entries);
  tl->rules = tp_xcalloc(tl->n, sizeof *tl->rules);
  tl->custom = tp_xcalloc(tl->n, sizeof *tl->custom);
  size_t k = 0;
  for (size_t i = 0; i < cfg->n_parsers; i++)
    if (!cfg->parsers[i].has_columns) S_text_entry(st, &cfg->parsers[i], tl, k++);
  fo->textlogs = tl->entries, fo->n_textlogs = tl->n;
}

static void S_textlog_free(S_textlog *tl) {
  for (size_t i = 0; i < tl->n; i++) free(tl->rules[i]);
  free(tl->rules);
  free(tl->custom);
  free(tl->entries);
}

/* The --cache directory, made when missing (with the directories above it);
 * NULL when not given or not usable (runs are then read without it). */
static const char *S_cache_dir(tp_lab *lab, const tp_pipeline_opts *opts) {
  if (!opts->cache_dir) return NULL;
  struct stat cst;
  if (stat(opts->cache_dir, &cst) != 0 && tp_site_mkdirs(opts->cache_dir) != 0)
    tp_diag_add(&lab->diags, TP_WARN, opts->cache_dir, -1, -1,
                "cannot create the cache directory; runs are read without it");
  return stat(opts->cache_dir, &cst) == 0 && S_ISDIR(cst.st_mode) ? opts->cache_dir : NULL;
}

/* Discover the inputs of paths and read their runs into the lab.  Returns
 * discovery's result. */
static int S_discover_and_load(tp_pipeline_state *st, char *const *paths, size_t n_paths,
                               tp_discovery *disc) {
  tp_lab *lab = st->lab;
  const tp_pipeline_opts *opts = st->opts;
  tp_framework_opts fo;
  S_textlog tl;
  S_framework_opts(st, &fo, &tl);
  int rc = tp_discover_with_opts(disc, paths, n_paths, &fo, &lab->diags);
  if (opts->root) tp_rootscan_apply(disc, paths, n_paths, opts->root, &lab->diags);
  tp_discovery_explain_empty(disc, &lab->diags);
  tp_framework_kind fw_kind;
  if (opts->trace_format && tp_framework_parse_name(opts->trace_format, &fw_kind) == 0)
    fo.force = (unsigned)fw_kind;
  const char *cache = S_cache_dir(lab, opts);
  st->cache_dir = cache;
  /* Each run's points wait on disk from when it is read until a step reads
   * them (model/runspill.h): memory holds the lab, not every run's points. */
  lab->spill = tp_runspill_new();
  tp_run **loaded = tp_runload_all(disc->runs, disc->n_runs, &fo, opts->jobs, cache, lab->spill);
  for (size_t i = 0; i < disc->n_runs; i++) tp_lab_add_run(lab, loaded[i]);
  free(loaded);
  tp_runspill_trim();
  S_textlog_free(&tl);
  return rc;
}

/* True when a series of r has more points than are drawn. */
static bool S_wants_thinning(const tp_run *r) {
  for (size_t i = 0; i < r->n_series; i++)
    if (r->series[i].count > TP_SERIES_MAX_POINTS) return true;
  return false;
}

/* Thin the series for drawing (their full figures stay in stats), aggregate,
 * and settle the diagnostics. */
static void S_finish_lab(tp_lab *lab) {
  tp_lab_compute_targets(lab);
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_experiment *e = tp_lab_experiment_of(lab, lab->runs[i]);
    tp_run *r = lab->runs[i];
    if (!S_wants_thinning(r)) continue;
    tp_runspill_hold_points(r);
    tp_run_decimate(r, e ? e->metric_tag : NULL, TP_SERIES_MAX_POINTS);
    tp_runspill_changed(r);
    tp_runspill_release_points(r);
  }
  tp_lab_aggregate(lab);
  tp_diag_sort_unique(&lab->diags);
  /* A run's diagnostics that name no file are about the run: name its directory. */
  for (size_t i = 0; i < lab->n_runs; i++)
    for (size_t k = 0; k < lab->runs[i]->diags.count; k++)
      if (!lab->runs[i]->diags.items[k].file)
        lab->runs[i]->diags.items[k].file = tp_xstrdup(lab->runs[i]->dir);
}

/* Free what the state owns; the lab keeps the series it was priced with (for
 * the what-if by time). */
static void S_state_free(tp_pipeline_state *st) {
  tp_attrib_free(st->attrib);
  for (size_t i = 0; i < st->n_claimed; i++) free(st->claimed[i]);
  free(st->claimed);
  if (st->carbon.series == &st->series) {
    st->lab->intensity_series = st->series;
    st->series = (tp_intensity_series){0};
  }
  tp_intensity_series_free(&st->series);
  free(st->intensity_text);
  tp_reftables_free(&st->tables);
  tp_tz_free(st->tz);
}

int tp_pipeline_run(tp_lab *lab, char *const *paths, size_t n_paths,
                    const tp_pipeline_opts *opts) {
  tp_config cfg;
  tp_config_init(&cfg);
  int cfg_rc = S_load_config(lab, paths, n_paths, opts, &cfg);
  tp_pipeline_state st = {.lab = lab, .opts = opts, .force = TP_POWER_AUTO, .cfg = &cfg};
  tp_carbonset_timezone(&st);
  S_trace_format(&st);
  tp_carbonset_setup(&st);
  tp_discovery disc = {0};
  int rc = S_discover_and_load(&st, paths, n_paths, &disc);
  tp_slurmjobs_apply(&st, &disc);
  tp_lab_apply_config(lab, &cfg);
  tp_lab_assign(lab);
  st.attrib = tp_attrib_new(lab);
  tp_cfgtraces_apply(&st);
  tp_traces_apply_found(&st, &disc);
  /* Traces and declared rows first, estimates only for runs neither reached
   * (precedence: measured > integrated > declared > estimated). */
  tp_attrib_resolve(st.attrib);
  tp_slurmjobs_declare(&st);
  tp_estimates_apply(&st);
  tp_attrib_finish(st.attrib);
  tp_carbonset_price(&st);
  S_finish_lab(lab);
  if (tp_attrib_check_wanted()) tp_attrib_check_or_abort(lab, st.attrib);
  S_state_free(&st);
  tp_config_free(&cfg);
  tp_discovery_free(&disc);
  /* A configuration named with -c that cannot be used is an input that
   * could not be read: the caller decides whether that is fatal. */
  return opts->config_path && cfg_rc != 0 ? -1 : rc;
}

int tp_pipeline_from_summaries(tp_lab *lab, char *const *paths, size_t n_paths,
                               const tp_pipeline_opts *opts) {
  tp_config cfg;
  tp_config_init(&cfg);
  if (opts->config_path && tp_config_load(&cfg, opts->config_path, &lab->diags) != 0) {
    tp_config_free(&cfg);
    return -1;
  }
  size_t n_read = tp_summaries_read(lab, paths, n_paths);
  tp_runspill_trim();
  tp_lab_add_config_rules(lab, &cfg);
  /* Two summaries of one run (scanned twice): keep the first by name. */
  tp_lab_assign(lab);
  for (size_t i = 1; i < lab->n_runs; i++)
    if (strcmp(lab->runs[i]->id, lab->runs[i - 1]->id) == 0)
      tp_diag_add(&lab->diags, TP_WARN, NULL, -1, -1,
                  "run '%s' appears in more than one summary; both are shown",
                  lab->runs[i]->id);
  tp_resplit(lab);
  tp_resplit_series(lab);
  tp_attrib_scanned_apart(lab);
  tp_resplit_drop_samples(lab); /* split: not held while the pages are drawn */
  tp_attrib_drop_joined_elsewhere(lab);
  tp_lab_aggregate(lab);
  tp_diag_sort_unique(&lab->diags);
  tp_config_free(&cfg);
  if (tp_attrib_check_wanted()) tp_attrib_check_or_abort(lab, NULL);
  return n_read ? 0 : -1;
}
