/* page_run: runs/SLUG.html, one page per run: its window, power and energy
 * (with ranges), target, devices, hyperparameters, scalars and input files;
 * an unchanged run's page is taken from the previous site by its key without
 * being built.
 */
#include "render/pages_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/utctime.h"
#include "render/figures.h"
#include "model/runbin.h"
#include "model/runspill.h"
#include "render/summary.h"

static const char *S_role(const tp_lab *lab, const char *key) {
  if (tp_lab_is_config_key(lab, key)) return "configuration";
  return tp_lab_is_seed_key(key) ? "seed (repeats differ)" : "placement";
}

/* The run's experiment (a link), configuration and window. */
static void S_head(const tp_run *r, const tp_experiment *e, size_t ri, tp_tval *root) {
  char buf[64];
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
  tp_pages_item(facts, "Start", tp_pages_time(buf, r->start_s), r->window_source);
  tp_pages_item(facts, "End", tp_pages_time(buf, r->end_s), NULL);
  tp_pages_item(facts, "Duration", tp_units_duration_text(buf, r->end_s - r->start_s), NULL);
  snprintf(buf, sizeof buf, "%d", r->restarts);
  tp_pages_item(facts, "Restarts", buf,
                r->restarts ? "training resumed from a checkpoint" : NULL);
}

/* The footprint beside operational CO2e: embodied emissions, water and the
 * idle share of GPU energy (model/footprint.h). */
static void S_beyond(const tp_uncertainty_run *u, tp_tval *ef) {
  char v[160];
  tp_pages_beside(ef, u->fp.embodied_kg, u->water_onsite_l, u->water_offsite_l);
  if (u->fp.gpu_j > 0 && isfinite(u->fp.idle_j)) {
    snprintf(v, sizeof v, "%.1f%%", 100 * u->fp.idle_j / u->fp.gpu_j);
    tp_pages_item(ef, "Idle GPU energy", v,
                  "share of the GPUs' energy drawn at no more than a fifth of their rated power");
  }
}

/* The energy figures of a run whose energy is known (or "unknown"): IT,
 * facility and CO2e with their ranges, and the intensity. */
static void S_figures(const tp_pages_ctx *x, size_t ri, tp_tval *ef) {
  const tp_run_energy *en = &x->lab->runs[ri]->energy;
  bool known = en->method != TP_ENERGY_NONE;
  const tp_uncertainty_run *ur = &x->u.runs[ri];
  char buf[64], rb[160];
  char *gap = NULL;
  if (known && ur->gap_device_s > 0)
    gap = tp_xasprintf("the traces miss %s of device time: the high bound adds it at the "
                       "highest power seen%s (at idle power: %s)",
                       tp_units_duration_text(buf, ur->gap_device_s),
                       ur->gap_unbounded ? ", where a device had any" : "",
                       tp_units_energy_text(rb, ur->gap_idle_j));
  tp_range it = tp_pages_range_of(en->it_j, ur->it_j);
  tp_range fac = tp_pages_range_of(en->facility_j, ur->facility_j);
  tp_range co2e = tp_pages_range_of(en->co2e_kg, ur->co2e_kg);
  tp_pages_item(ef, "IT energy", known ? tp_units_energy_range(rb, it) : "unknown", gap);
  free(gap);
  tp_pages_item(ef, "Facility energy", known ? tp_units_energy_range(rb, fac) : "unknown",
                known ? "IT energy × PUE, with the ranges of both" : NULL);
  tp_pages_item(ef, "Emissions", known ? tp_units_co2e_range(rb, co2e) : "unknown",
                known ? "facility energy × carbon intensity, with the ranges of both" : NULL);
  snprintf(buf, sizeof buf, "%.0f gCO2e/kWh", en->intensity_g_per_kwh);
  tp_pages_item(ef, "Carbon intensity",
                !known                             ? "–"
                : isfinite(en->intensity_g_per_kwh) ? buf
                                                    : "unknown (see diagnostics)",
                NULL);
  if (known) S_beyond(ur, ef);
}

/* Whether and when the run reached its experiment's target. */
static void S_target(const tp_run *r, const tp_experiment *e, tp_tval *ef) {
  const tp_target *tg = &r->target;
  char *tt = tp_pages_target_text(e);
  char *label = tp_xasprintf("Target %s", tt);
  if (tg->reached) {
    char *v = tp_xasprintf("reached at step %lld", (long long)tg->step);
    char d1[64], d2[64];
    char *d = tp_xasprintf("first logged point at the target: %s after the run's start, %s of "
                           "IT energy from its start",
                           tp_units_duration_text(d1, tg->time_s),
                           isfinite(tg->it_j) ? tp_units_energy_text(d2, tg->it_j)
                                              : "an unknown amount");
    tp_pages_item(ef, label, v, d);
    free(v);
    free(d);
  } else {
    tp_pages_item(ef, label, "never reached", "no logged point of the main metric reached it");
  }
  free(label);
  free(tt);
}

/* The energy list: method, coverage, figures, target, sharing. */
static void S_energy(const tp_pages_ctx *x, size_t ri, const tp_experiment *e, tp_tval *root) {
  const tp_run *r = x->lab->runs[ri];
  const tp_run_energy *en = &r->energy;
  bool known = en->method != TP_ENERGY_NONE;
  char buf[64];
  tp_tval *ef = tp_tval_set_list(root, "energy");
  static const char *const how[] = {
      "no trace, hardware or declared figure: unknown", "power samples integrated over the window",
      "energy counters differenced", "rated hardware power × time",
      "a tool's own figure, its PUE divided out"};
  tp_pages_item(ef, "Method", tp_summary_method_name(en->method),
                how[en->method <= TP_ENERGY_DECLARED ? en->method : 0]);
  tp_pages_item(ef, "Coverage", known ? tp_pages_percent(buf, en->coverage) : "–",
                known && en->coverage < 0.999 ? "share of the device-time the traces cover; the "
                                                "rest is not counted"
                                              : NULL);
  S_figures(x, ri, ef);
  if (r->target.set && e) S_target(r, e, ef);
  if (en->shared)
    tp_pages_item(ef, "Shared", "yes",
                  "another run used the same devices at the same time; the energy of the "
                  "overlap was split");
}

/* Which part of the range comes from where: each source's factors. */
static void S_range_sources(const tp_pages_ctx *x, size_t ri, tp_tval *root) {
  const tp_uncertainty_run *u = &x->u.runs[ri];
  tp_pages_tab t = tp_pages_table(root, "ranges", "ranges", "Where the range comes from");
  if (!isfinite(u->it_j.value)) return;
  static const char *const acts[TP_US_COUNT] = {"IT energy", "IT energy", "IT energy",
                                                "facility energy", "emissions", "IT energy"};
  const char *basis[TP_US_COUNT] = {
      u->fp.sensor_row ? u->fp.sensor_row->source : "no accuracy known for these readings",
      "power change between samples (at most |ΔP| × Δt / 2 per interval)",
      "gaps in the traces, at the highest power seen",
      x->u.pue_basis,
      x->u.intensity_basis,
      "rated power is an upper bound; the low end is half of it. Measured against TDP-based "
      "estimates, training on 8-GPU H100 nodes drew 76% of the rated power even when "
      "compute-bound, and TDP-based estimates were off by 27-37% (Newkirk et al., arXiv "
      "2506.14551, 2025)"};
  tp_pages_cols(&t, "Source|Acts on|#Low|#High|Basis");
  char lo[32], hi[32];
  for (int k = 0; k < TP_US_COUNT; k++) {
    if (u->factors.low[k] == 1 && u->factors.high[k] == 1) continue;
    tp_pages_row(&t);
    tp_pages_cell_full(&t, tp_uncertainty_source_names[k], NULL, NULL, true);
    tp_pages_cell(&t, acts[k]);
    snprintf(lo, sizeof lo, "×%.3f", u->factors.low[k]);
    snprintf(hi, sizeof hi, "×%.3f", u->factors.high[k]);
    tp_pages_num(&t, lo);
    tp_pages_num(&t, hi);
    tp_pages_cell(&t, basis[k] ? basis[k] : "–");
  }
}

/* Device d's name in the table: its id, as "HOST/ID" when another device of
 * the run has the same id on another host (two nodes' gpu0; buf: n bytes). */
static const char *S_device_label(const tp_run_energy *en, size_t d, char *buf, size_t n) {
  const tp_device_energy *dv = &en->devices[d];
  for (size_t k = 0; k < en->n_devices && dv->host; k++)
    if (k != d && strcmp(en->devices[k].id, dv->id) == 0) {
      snprintf(buf, n, "%s/%s", dv->host, dv->id);
      return buf;
    }
  return dv->id;
}

/* Energy per device. */
static void S_devices(const tp_run_energy *en, tp_tval *root) {
  char buf[64];
  double max_j = 0, max_s = 0;
  for (size_t d = 0; d < en->n_devices; d++) {
    max_j = fmax(max_j, en->devices[d].energy_j);
    max_s = fmax(max_s, en->devices[d].covered_s);
  }
  tp_unit ue = tp_units_for_energy(max_j), ud = tp_units_for_duration(max_s);
  tp_unit w = tp_units_power_w();
  tp_pages_tab t = tp_pages_table(root, "devices", "devices", "Energy per device");
  tp_pages_col(&t, "Device", false);
  tp_pages_col(&t, "Hardware", false);
  tp_pages_col_unit(&t, "IT energy", ue.name);
  tp_pages_col_unit(&t, "Covered", ud.name);
  tp_pages_col_unit(&t, "Peak", w.name);
  tp_pages_col_unit(&t, "Lowest", w.name);
  for (size_t d = 0; d < en->n_devices; d++) {
    const tp_device_energy *dv = &en->devices[d];
    tp_pages_row(&t);
    char label[512];
    tp_pages_cell_full(&t, S_device_label(en, d, label, sizeof label), NULL, NULL, true);
    tp_pages_cell(&t, dv->name ? dv->name : "–");
    tp_pages_num(&t, tp_units_in(buf, &ue, dv->energy_j));
    tp_pages_num(&t, tp_units_in(buf, &ud, dv->covered_s));
    tp_pages_num(&t, tp_units_in(buf, &w, dv->peak_w));
    tp_pages_num(&t, tp_units_in(buf, &w, dv->idle_w));
  }
}

/* The distinct source files of r's hyperparameters, by their names
 * (*n_src of them; the caller frees the array); *unsourced when some have
 * none. */
static const char **S_hparam_sources(const tp_pages_ctx *x, const tp_run *r, size_t *n_src,
                                     bool *unsourced) {
  const char **hp_src = tp_xcalloc(r->n_hparams + 1, sizeof *hp_src);
  *n_src = 0;
  *unsourced = false;
  for (size_t i = 0; i < r->n_hparams; i++) {
    const char *sn = r->hparams[i].source ? tp_paths_name(&x->paths, r->hparams[i].source) : NULL;
    if (!sn) {
      *unsourced = true;
      continue;
    }
    size_t k = 0;
    while (k < *n_src && strcmp(hp_src[k], sn) != 0) k++;
    if (k == *n_src) hp_src[(*n_src)++] = sn;
  }
  return hp_src;
}

/* Hyperparameters.  Each source file is named once: in the caption when
 * they all come from one, else numbered there ("[1] a.yaml") with the
 * number in each row. */
static void S_hparams(const tp_pages_ctx *x, const tp_run *r, tp_tval *root) {
  char buf[64];
  size_t n_src;
  bool unsourced;
  const char **hp_src = S_hparam_sources(x, r, &n_src, &unsourced);
  bool numbered = n_src > 1 || (n_src == 1 && unsourced);
  tp_buf cap = {0};
  tp_buf_adds(&cap, "Hyperparameters");
  for (size_t k = 0; k < n_src; k++) {
    if (numbered) tp_buf_printf(&cap, "%s[%zu] %s", k ? ", " : "; sources: ", k + 1, hp_src[k]);
    else tp_buf_printf(&cap, ", from %s", hp_src[k]);
  }
  tp_pages_tab t = tp_pages_table(root, "hparams", "hparams", tp_buf_str(&cap));
  tp_buf_free(&cap);
  tp_pages_col(&t, "Key", false);
  tp_pages_col(&t, "Value", false);
  tp_pages_col(&t, "Role", false);
  if (numbered) tp_pages_col(&t, "Source", true);
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *hp = &r->hparams[i];
    tp_pages_row(&t);
    tp_pages_cell_full(&t, hp->key, NULL, NULL, true);
    tp_pages_cell_full(&t, hp->text, NULL, hp->kind == TP_HP_NUMBER ? "num" : NULL, false);
    tp_pages_cell(&t, S_role(x->lab, hp->key));
    if (!numbered) continue;
    const char *sn = hp->source ? tp_paths_name(&x->paths, hp->source) : NULL;
    size_t k = 0;
    while (sn && k < n_src && strcmp(hp_src[k], sn) != 0) k++;
    if (sn) snprintf(buf, sizeof buf, "[%zu]", k + 1);
    tp_pages_num(&t, sn ? buf : "–");
  }
  free(hp_src);
}

/* The logged scalars, as logged (not as thinned for drawing). */
static void S_scalars(const tp_run *r, tp_tval *root) {
  char buf[64];
  tp_pages_tab t = tp_pages_table(root, "scalars", "scalars", "Logged scalars");
  tp_pages_cols(&t, "Tag|#Points|#Steps|#First|#Last|#Min|#Max");
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    tp_series_stats st;
    tp_series_get_stats(s, &st);
    tp_pages_row(&t);
    tp_pages_cell_full(&t, s->tag, NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu", st.count);
    tp_pages_num(&t, buf);
    if (st.count)
      snprintf(buf, sizeof buf, "%lld–%lld", (long long)st.first_step, (long long)st.last_step);
    tp_pages_num(&t, st.count ? buf : "–");
    tp_pages_num(&t, tp_pages_metric(buf, st.first));
    tp_pages_num(&t, tp_pages_metric(buf, st.last));
    tp_pages_num(&t, tp_pages_metric(buf, st.min));
    tp_pages_num(&t, tp_pages_metric(buf, st.max));
  }
}

/* Provenance: the input files. */
static void S_inputs(const tp_pages_ctx *x, const tp_run *r, tp_tval *root) {
  char buf[64];
  tp_pages_tab t = tp_pages_table(root, "inputs", "inputs", "Input files");
  tp_pages_cols(&t, "File|Format|#IT energy given|#Size|Modified|SHA-256");
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    tp_pages_row(&t);
    tp_pages_cell_full(&t, tp_paths_name(&x->paths, in->path), NULL, "path", true);
    tp_pages_cell(&t, in->format ? in->format : "");
    tp_pages_num(&t, isfinite(in->energy_j) ? tp_units_energy_text(buf, in->energy_j) : "–");
    tp_pages_num(&t, tp_pages_bytes(buf, in->size));
    tp_pages_cell_full(&t, in->mtime_s > 0 ? tp_pages_time(buf, (double)in->mtime_s) : "unknown",
                       NULL, "nowrap", false);
    tp_pages_cell_full(&t, in->sha256[0] ? in->sha256 : "not computed", NULL, "hash", false);
  }
}

/* Chart c (NULL passes) of the scalar `tag`, named in the page's CSV by the
 * tag itself: a run's tags are unique, and only a tag that could be taken
 * for another chart's name (`power`, `energy`, or one starting with
 * `scalar-`, the prefix of the long names), an empty one, or one with bytes
 * other than printable ASCII (which the CSV would clean, so that two could
 * read alike) keeps its long name
 * `scalar-TAGSLUG` (the chart's id less the page's). */
static tp_chart *S_scalar_keyed(tp_chart *c, const char *tag) {
  bool plain = *tag != '\0';
  for (const char *p = tag; *p && plain; p++) plain = *p >= 0x20 && *p < 0x7f;
  if (c && plain && strcmp(tag, "power") != 0 && strcmp(tag, "energy") != 0 &&
      strncmp(tag, "scalar-", 7) != 0)
    tp_chart_set_key(c, tag);
  return c;
}

/* What x is in the page's CSV, shown with the power and energy charts (their
 * times count from the run's start, to the millisecond: see
 * tp_figures_run_power); nothing when the start is unknown. */
static void S_csv_times(const tp_run *r, tp_tval *root) {
  struct tm tm;
  double start_s = round(r->start_s * 1000) / 1000, whole_s = floor(start_s);
  if (!isfinite(start_s) || !tp_utc_tm(whole_s, &tm)) return;
  char when[64];
  strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
  char *text = tp_xasprintf("In the charts' numbers (CSV), x is a time in seconds since the "
                            "run's start, %s.%03d UTC (negative before it), and a step for "
                            "a metric.",
                            when, (int)round((start_s - whole_s) * 1000));
  tp_tval_set_string(root, "csv_times", text);
  free(text);
}

/* Charts: power, cumulative energy, then every scalar (main metric first). */
static void S_charts(tp_pages_ctx *x, const tp_run *r, const tp_experiment *e, tp_tval *root) {
  char *slug = tp_site_slug(r->id);
  tp_tval *charts = tp_tval_set_list(root, "charts");
  S_csv_times(r, root);
  char *stem = tp_xasprintf("run-%s-power", slug);
  tp_pages_chart(x, charts, tp_figures_run_power(r), stem, "../");
  free(stem);
  stem = tp_xasprintf("run-%s-energy", slug);
  tp_pages_chart(x, charts, tp_figures_run_energy(r), stem, "../");
  free(stem);
  tp_tval *mcharts = tp_tval_set_list(root, "metric_charts");
  const tp_series *main_s = e && e->metric_tag ? tp_run_find_series(r, e->metric_tag) : NULL;
  for (size_t i = 0; i <= r->n_series; i++) {
    const tp_series *s = i == 0 ? main_s : &r->series[i - 1];
    if (!s || (i > 0 && s == main_s)) continue;
    char *tslug = tp_site_slug(s->tag);
    stem = tp_xasprintf("run-%s-scalar-%s", slug, tslug);
    tp_pages_chart(x, mcharts, S_scalar_keyed(tp_figures_run_series(r, s), s->tag), stem, "../");
    free(stem);
    free(tslug);
  }
  free(slug);
}

/* Build the page of run ri (its data and charts) into out, writing nothing. */
static void S_run_build(tp_pages_ctx *x, size_t ri, tp_pages_built *out) {
  const tp_run *r = x->lab->runs[ri];
  const tp_experiment *e = tp_lab_experiment_of(x->lab, r);
  tp_tval *root = tp_pages_page(x, r->id, "../");
  S_head(r, e, ri, root);
  S_energy(x, ri, e, root);
  S_devices(&r->energy, root);
  S_range_sources(x, ri, root);
  S_hparams(x, r, root);
  S_scalars(r, root);
  S_inputs(x, r, root);
  S_charts(x, r, e, root);
  tp_pages_notes(x, root, &r->diags);
  *out = (tp_pages_built){.root = root, .rel = tp_pages_run_path(r->id)};
  tp_pages_take_pending(x, out);
}

/* The key of run ri's page: a fingerprint of everything S_run_build reads
 * (the run, whole, as the cache encodes it, or, while its points and
 * profiles wait on disk, encoded without them beside their fingerprint; of
 * its experiment the name,
 * metric, goal, target and the run's configuration; the run's ranges; the
 * program, template and options), so that an unchanged run's page is taken
 * from the previous site without being built.  The page's digest (of what is
 * built) stays the check of last resort: pages are recorded with both. */
void tp_pages_run_key(const tp_pages_ctx *x, size_t ri, tp_buf *scratch, char out[TP_HASH_HEX]) {
  const tp_lab *lab = x->lab;
  const tp_run *r = lab->runs[ri];
  tp_hash h;
  tp_pages_key_begin(x, &h, "run page inputs 4", x->tpl_run);
  /* The encoding ends in the fingerprint of every byte before it
   * (model/runbin.h): that and the length stand for the whole.  A run whose
   * points and profiles wait on disk is encoded without them, their
   * fingerprint standing in, so that an unchanged page is taken without
   * reading them back. */
  tp_buf_clear(scratch);
  char arrays[TP_HASH_HEX];
  if (tp_runspill_fingerprint(r, arrays)) {
    tp_hash_str(&h, arrays);
    tp_runbin_write_bare(r, scratch);
  } else {
    tp_runspill_hold(r);
    tp_runbin_write(r, scratch);
    tp_runspill_release(r);
  }
  tp_hash_u64(&h, scratch->len);
  size_t fp = scratch->len >= 32 ? 32 : scratch->len;
  tp_hash_bytes(&h, tp_buf_str(scratch) + scratch->len - fp, fp);
  const tp_experiment *e = tp_lab_experiment_of(lab, r);
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
  for (int k = 0; k < TP_US_COUNT; k++) {
    tp_hash_double(&h, u->factors.low[k]);
    tp_hash_double(&h, u->factors.high[k]);
  }
  tp_hash_double(&h, u->fp.embodied_kg);
  tp_hash_double(&h, u->fp.idle_j);
  tp_hash_double(&h, u->fp.gpu_j);
  tp_hash_double(&h, u->water_onsite_l);
  tp_hash_double(&h, u->water_offsite_l);
  tp_hash_str(&h, u->fp.sensor_row ? u->fp.sensor_row->source : NULL);
  tp_hash_str(&h, x->u.pue_basis);
  tp_hash_str(&h, x->u.intensity_basis);
  const tp_range *rg[] = {&u->it_j, &u->facility_j, &u->co2e_kg};
  for (size_t i = 0; i < 3; i++) {
    tp_hash_double(&h, rg[i]->value);
    tp_hash_double(&h, rg[i]->low);
    tp_hash_double(&h, rg[i]->high);
  }
  tp_hash_hex(&h, out);
}

int tp_pages_run(tp_pages_ctx *x, size_t ri) {
  char key[TP_HASH_HEX] = "";
  if (!x->err && tp_site_recording(x->site)) {
    if (x->run_keys && x->run_keys[ri][0]) {
      memcpy(key, x->run_keys[ri], sizeof key);
    } else {
      tp_buf scratch = {0};
      tp_pages_run_key(x, ri, &scratch, key);
      tp_buf_free(&scratch);
    }
    char *rel = tp_pages_run_path(x->lab->runs[ri]->id);
    tp_site_taken t;
    bool taken = tp_site_group_take_key(x->site, rel, key, &t);
    free(rel);
    if (taken) {
      tp_site_group_add(x->site, &t);
      return 0;
    }
  }
  const tp_run *r = x->lab->runs[ri];
  tp_runspill_hold(r); /* drawn from its points and profiles (model/runspill.h) */
  tp_pages_built b;
  S_run_build(x, ri, &b);
  memcpy(b.key, key, sizeof key);
  int rc = tp_pages_finish(x, x->tpl_run, &b);
  tp_runspill_release(r);
  return rc;
}
