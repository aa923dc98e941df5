/* page_index: index.html, the front page: totals with their ranges,
 * assumptions, one row per experiment, the what-ifs (by location, PUE, time;
 * equivalents) and the lab's roll-ups (per month, GPU model, host, tag).
 */
#include "render/pages_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/whatif.h"
#include "render/figures.h"

/* What ends sentence s before the next one: ". ", " " after a full stop,
 * nothing after an empty or absent s. */
static const char *S_stop(const char *s) {
  if (!s || !s[0]) return "";
  return s[strlen(s) - 1] == '.' ? " " : ". ";
}

/* The assumptions behind every total, as a key-value list, each with the
 * range it is given and why (x->u). */
static void S_assumptions(const tp_pages_ctx *x, tp_tval *root) {
  const tp_assumptions *a = &x->lab->assumptions;
  tp_tval *list = tp_tval_set_list(root, "assumptions");
  char buf[160], *v;
  tp_range pue = isfinite(x->u.pue.value) ? x->u.pue : tp_range_exact(a->pue);
  tp_units_range_text(buf, sizeof buf, pue, 1, TP_UNITS_SIG);
  char *detail = tp_xasprintf("%s%sRange: %s.", a->pue_source ? a->pue_source : "",
                              S_stop(a->pue_source), x->u.pue_basis ? x->u.pue_basis : "none");
  tp_pages_item(list, "PUE", buf, detail);
  free(detail);
  tp_range ci = x->u.intensity;
  ci.value = a->intensity_g_per_kwh;
  if (!isfinite(ci.low) || !isfinite(ci.high)) ci.low = ci.high = NAN;
  char rt[160];
  tp_units_range_text(rt, sizeof rt, ci, 1, TP_UNITS_SIG);
  v = tp_xasprintf("%s gCO2e/kWh%s%s%s", rt,
                   a->intensity_series ? " (mean of a time series, priced interval by interval)"
                                       : "",
                   a->zone ? ", zone " : "", a->zone ? a->zone : "");
  const char *src = a->intensity_source ? a->intensity_source : "";
  const char *basis = x->u.intensity_basis ? x->u.intensity_basis : "none";
  detail = a->intensity_year
               ? tp_xasprintf("%d figure. %s%sRange: %s.", a->intensity_year, src, S_stop(src),
                              basis)
               : tp_xasprintf("%s%sRange: %s.", src, S_stop(src), basis);
  tp_pages_item(list, "Carbon intensity", v, detail);
  free(v);
  free(detail);
  v = tp_xasprintf("from %s", a->timezone_source ? a->timezone_source : "default");
  tp_pages_item(list, "Timezone of naive timestamps", a->timezone ? a->timezone : "UTC", v);
  free(v);
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
  tp_unit ue = tp_units_for_energy(max_j), uc = tp_units_for_co2e(max_kg);
  tp_tval *o = tp_tval_push_object(list);
  tp_tval_set_string(o, "title", title);
  tp_pages_tab t = tp_pages_table(o, "table", id,
                                  "Runs and GPU-hours beside IT energy, facility energy and CO2e");
  tp_pages_col(&t, key_label, false);
  tp_pages_cols(&t, "#Runs|#GPU-hours");
  tp_pages_col_unit(&t, "IT", ue.name);
  tp_pages_col_unit(&t, "Facility", ue.name);
  tp_pages_col_unit(&t, "CO2e", uc.name);
  char buf[64];
  for (size_t i = 0; i < r->count; i++) {
    const tp_rollup *it = &r->items[i];
    tp_pages_row(&t);
    tp_pages_cell_full(&t, it->key, NULL, NULL, true);
    snprintf(buf, sizeof buf, "%zu", it->n_runs);
    tp_pages_num(&t, buf);
    snprintf(buf, sizeof buf, "%.2f", it->gpu_hours);
    bool gpu_known = isfinite(it->gpu_hours) && (it->n_runs_with_energy || it->gpu_hours > 0);
    tp_pages_num(&t, gpu_known ? buf : "unknown");
    char part[240];
    size_t nk = it->n_runs_with_energy, nr = it->n_runs;
    tp_pages_num(&t, tp_pages_part_in(part, &ue, it->it_j, nk, nr));
    tp_pages_num(&t, tp_pages_part_in(part, &ue, it->facility_j, nk, nr));
    tp_pages_num(&t, tp_pages_part_in(part, &uc, it->co2e_kg, nk, nr));
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

/* The lead of the what-if by location. */
static void S_zones_lead(tp_tval *w, const tp_lab *lab, const tp_whatif_zones *z) {
  const tp_whatif_zone *lo = &z->rows[z->i_min], *hi = &z->rows[z->i_max];
  char buf[64], n1[48];
  char *lead;
  if (isfinite(z->factor))
    lead = tp_xasprintf("The same facility energy (%s) priced at the annual carbon intensity "
                        "of %zu grids: in the dirtiest, %s (%s), it emits %s× what it emits in "
                        "the cleanest, %s (%s).",
                        tp_units_energy_text(buf, lab->facility_j), z->n, hi->zone->name,
                        hi->code, tp_units_number(n1, z->factor, 3), lo->zone->name, lo->code);
  else
    lead = tp_xasprintf("The same facility energy (%s) priced at the annual carbon intensity "
                        "of %zu grids.",
                        tp_units_energy_text(buf, lab->facility_j), z->n);
  tp_tval_set_string(w, "zones_lead", lead);
  free(lead);
}

/* The table of the what-if by location: one row per zone. */
static void S_zones_table(tp_tval *w, const tp_whatif_zones *z) {
  char buf[64], n1[48], n2[48];
  double max_kg = 0;
  for (size_t i = 0; i < z->n; i++)
    if (isfinite(z->rows[i].co2e_kg)) max_kg = fmax(max_kg, z->rows[i].co2e_kg);
  tp_unit uc = tp_units_for_co2e(max_kg);
  tp_pages_tab t = tp_pages_table(w, "zones", "whatif-zones",
                                  "By location: CO2e of the lab's facility energy at each "
                                  "grid's annual average intensity");
  tp_pages_cols(&t, "Zone|Grid|#gCO2e/kWh|#Year");
  tp_pages_col_unit(&t, "CO2e", uc.name);
  tp_pages_col(&t, "× cleanest", true);
  double base = z->rows[z->i_min].co2e_kg;
  for (size_t i = 0; i < z->n; i++) {
    const tp_whatif_zone *r = &z->rows[i];
    tp_pages_row(&t);
    tp_pages_cell_full(&t, r->code, NULL, NULL, true);
    tp_pages_cell(&t, r->zone->name ? r->zone->name : "");
    tp_pages_num(&t, tp_units_number(n1, r->zone->intensity_g_per_kwh, 3));
    snprintf(buf, sizeof buf, "%d", r->zone->year);
    tp_pages_num(&t, r->zone->year > 0 ? buf : "–");
    tp_pages_num(&t, tp_units_in(buf, &uc, r->co2e_kg));
    if (base > 0) snprintf(n2, sizeof n2, "%.2f", r->co2e_kg / base);
    tp_pages_num(&t, base > 0 ? n2 : "–");
  }
}

/* By location: lead, table and chart, and the zones asked for that the
 * reference tables lack. */
static void S_whatif_zones(tp_pages_ctx *x, tp_tval *w) {
  const tp_lab *lab = x->lab;
  size_t ncodes = 0;
  char **codes = x->opts->compare_zones ? tp_whatif_split_codes(x->opts->compare_zones, &ncodes)
                                        : NULL;
  tp_whatif_zones z;
  tp_whatif_by_zones(&z, x->opts->tables, lab->facility_j,
                     ncodes ? (const char *const *)codes : NULL, ncodes);
  tp_tval *wcharts = tp_tval_set_list(w, "charts");
  if (z.n) {
    S_zones_lead(w, lab, &z);
    S_zones_table(w, &z);
    tp_pages_chart(x, wcharts, tp_figures_whatif_zones(&z), "whatif-zones", "");
  } else {
    tp_tval_set(w, "zones_lead", tp_tval_null());
    tp_tval_set(w, "zones", tp_tval_null());
  }
  if (z.n_unknown) {
    tp_buf b = {0};
    tp_buf_adds(&b, "Not in the reference tables, left out: ");
    for (size_t i = 0; i < z.n_unknown; i++)
      tp_buf_printf(&b, "%s%s", i ? ", " : "", z.unknown[i]);
    tp_buf_adds(&b, ".");
    tp_tval_set_string(w, "zones_unknown", tp_buf_str(&b));
    tp_buf_free(&b);
  } else {
    tp_tval_set(w, "zones_unknown", tp_tval_null());
  }
  tp_whatif_zones_free(&z);
  tp_whatif_codes_free(codes, ncodes);
}

/* By PUE: as assumed, typical, efficient hyperscale. */
static void S_whatif_pue(const tp_pages_ctx *x, tp_tval *w) {
  const tp_lab *lab = x->lab;
  char buf[64], n1[48];
  double intensity = lab->facility_j > 0
                         ? tp_units_g_per_kwh(lab->co2e_kg, lab->facility_j)
                         : lab->assumptions.intensity_g_per_kwh;
  tp_whatif_pue p;
  tp_whatif_by_pue(&p, x->opts->tables, lab->it_j, intensity);
  double mj = fmax(lab->facility_j, fmax(p.typical_facility_j, p.efficient_facility_j));
  double mk = fmax(lab->co2e_kg, fmax(p.typical_co2e_kg, p.efficient_co2e_kg));
  tp_unit ue = tp_units_for_energy(isfinite(mj) ? mj : 0);
  tp_unit uc = tp_units_for_co2e(isfinite(mk) ? mk : 0);
  tp_pages_tab t = tp_pages_table(w, "pue", "whatif-pue",
                                  "By PUE: the same IT energy in other data centres, priced at "
                                  "the intensity in force");
  tp_pages_cols(&t, "Data centre|#PUE");
  tp_pages_col_unit(&t, "Facility energy", ue.name);
  tp_pages_col_unit(&t, "CO2e", uc.name);
  tp_pages_col(&t, "Source of the PUE", false);
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
    tp_pages_row(&t);
    tp_pages_cell_full(&t, rows[i].name, NULL, NULL, true);
    tp_pages_num(&t, tp_units_number(n1, rows[i].pue, 3));
    tp_pages_num(&t, tp_units_in(buf, &ue, rows[i].fj));
    tp_pages_num(&t, tp_units_in(buf, &uc, rows[i].kg));
    tp_pages_cell_full(&t, rows[i].src ? rows[i].src : "", NULL, "source", false);
  }
}

/* By time, with an intensity series: as the runs happened, at the best
 * start time, pausable. */
static void S_whatif_time(const tp_pages_ctx *x, tp_tval *w) {
  const tp_lab *lab = x->lab;
  tp_tval *tl = tp_tval_set_list(w, "time");
  tp_tval_set(w, "time_note", tp_tval_null());
  if (lab->intensity_series.count == 0) return;
  tp_whatif_time tm;
  size_t priced = 0;
  tp_whatif_lab_time(&tm, lab, &lab->intensity_series, &priced);
  if (!tm.shift_ok && !tm.pause_ok) return;
  char buf[64], ch[64];
  tp_pages_item(tl, "As the runs happened", tp_units_co2e_text(buf, tm.co2e_kg_actual),
                "priced interval by interval with the intensity series");
  if (tm.shift_ok) {
    char *v = tp_xasprintf("%s", tp_units_co2e_text(buf, tm.co2e_kg_best));
    char *d = tp_xasprintf("each run started at the hour of least CO2e within the next 24 "
                           "hours, its power profile unchanged; %s",
                           S_change(ch, tm.co2e_kg_best, tm.co2e_kg_actual));
    tp_pages_item(tl, "Best start time", v, d);
    free(v);
    free(d);
  }
  if (tm.pause_ok) {
    char *d = tp_xasprintf("each run paused and resumed to run only in the cleanest hours "
                           "up to 24 hours after its end, same energy and power (Dodge et "
                           "al. 2022); %s",
                           S_change(ch, tm.co2e_kg_pausable, tm.co2e_kg_actual));
    tp_pages_item(tl, "Pausable", tp_units_co2e_text(buf, tm.co2e_kg_pausable), d);
    free(d);
  }
  char *note = tp_xasprintf("%zu of %zu runs priced by both%s.", priced, lab->n_runs,
                            priced < lab->n_runs ? "; the others count as they happened" : "");
  tp_tval_set_string(w, "time_note", note);
  free(note);
}

/* Equivalents of the total CO2e, each with its range and source. */
static void S_whatif_equivalents(const tp_pages_ctx *x, tp_tval *w) {
  const tp_lab *lab = x->lab;
  char r1[160];
  tp_tval *eql = tp_tval_set_list(w, "equivalents");
  tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
  size_t ne = isfinite(lab->co2e_kg) ? tp_whatif_equivalents(x->opts->tables, lab->co2e_kg, eq)
                                     : 0;
  for (size_t k = 0; k < ne; k++) {
    tp_range rg = tp_pages_range_of(lab->co2e_kg, x->u.total.co2e_kg);
    double per = eq[k].row->kg_co2e_per_unit;
    if (!(per > 0)) continue;
    tp_units_range_text(r1, sizeof r1, rg, 1.0 / per, TP_UNITS_SIG);
    tp_pages_item(eql, eq[k].row->unit, r1, eq[k].row->source);
  }
}

/* The what-ifs of the whole lab (model/whatif.h): by location (table and
 * chart), by PUE, by time (with an intensity series), and equivalents.  Null
 * without the reference tables, and when no run's energy is known (there is
 * nothing to move a lever on). */
static void S_whatif(tp_pages_ctx *x, tp_tval *root) {
  const tp_lab *lab = x->lab;
  if (!x->opts->tables || !lab->n_runs_with_energy || !isfinite(lab->facility_j)) {
    tp_tval_set(root, "whatif", tp_tval_null());
    return;
  }
  tp_tval *w = tp_tval_set_object(root, "whatif");
  S_whatif_zones(x, w);
  S_whatif_pue(x, w);
  S_whatif_time(x, w);
  S_whatif_equivalents(x, w);
}

/* The lead sentence, and without any figure how to get one. */
static void S_index_lead(const tp_pages_ctx *x, tp_tval *root) {
  const tp_lab *lab = x->lab;
  char *what = tp_xasprintf("%zu runs in %zu experiments", lab->n_runs, lab->n_experiments);
  tp_pages_set_lead(root, what, lab->n_runs, lab->n_runs_with_energy, lab->it_j,
                    lab->facility_j, lab->co2e_kg, &x->u.total, false);
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
}

/* The lab's totals with their ranges, GPU-hours and runs. */
static void S_totals(const tp_pages_ctx *x, tp_tval *root) {
  const tp_lab *lab = x->lab;
  const tp_uncertainty_sum *ut = &x->u.total;
  char buf[64];
  tp_tval *tot = tp_tval_set_list(root, "totals");
  size_t nk = lab->n_runs_with_energy, nr = lab->n_runs;
  tp_pages_item_total(tot, "IT energy", tp_pages_range_of(lab->it_j, ut->it_j), false,
                      "what the devices drew", nk, nr);
  tp_pages_item_total(tot, "Facility energy", tp_pages_range_of(lab->facility_j, ut->facility_j),
                      false, "IT energy × PUE", nk, nr);
  tp_pages_item_total(tot, "Emissions", tp_pages_range_of(lab->co2e_kg, ut->co2e_kg), true,
                      "facility energy × carbon intensity", nk, nr);
  tp_pages_beside(tot, ut->embodied_kg, ut->water_onsite_l, ut->water_offsite_l);
  /* No run with energy and no GPU-hour counted: not known to be 0. */
  if (!lab->n_runs_with_energy && !(lab->gpu_hours > 0)) snprintf(buf, sizeof buf, "unknown");
  else snprintf(buf, sizeof buf, "%.2f", lab->gpu_hours);
  tp_pages_item(tot, "GPU-hours", buf, "device time of the GPUs covered");
  snprintf(buf, sizeof buf, "%zu", lab->n_runs);
  char *d = tp_xasprintf("%zu with a known energy", lab->n_runs_with_energy);
  tp_pages_item(tot, "Runs", buf, d);
  free(d);
}

/* One row of the experiments table. */
static void S_experiment_row(const tp_pages_ctx *x, tp_pages_tab *t, size_t i, const tp_unit *ue,
                             const tp_unit *uc) {
  const tp_experiment *e = &x->lab->experiments[i];
  char buf[64];
  char *href = tp_pages_experiment_path(e->name);
  tp_pages_row(t);
  tp_pages_cell_full(t, e->name, href, NULL, true);
  free(href);
  snprintf(buf, sizeof buf, "%zu", e->n_runs);
  tp_pages_num(t, buf);
  snprintf(buf, sizeof buf, "%zu", e->n_configs);
  tp_pages_num(t, buf);
  if (!e->n_runs_with_energy && !(e->gpu_hours > 0)) snprintf(buf, sizeof buf, "unknown");
  else snprintf(buf, sizeof buf, "%.2f", e->gpu_hours);
  tp_pages_num(t, buf);
  const tp_uncertainty_sum *us = &x->u.experiments[i];
  char part[240];
  size_t ek = e->n_runs_with_energy, n = e->n_runs;
  tp_range it = tp_pages_range_of(e->it_j, us->it_j);
  tp_range fac = tp_pages_range_of(e->facility_j, us->facility_j);
  tp_range co2e = tp_pages_range_of(e->co2e_kg, us->co2e_kg);
  tp_pages_num(t, tp_pages_part_range(part, ue, it, ek, n));
  tp_pages_num(t, tp_pages_part_range(part, ue, fac, ek, n));
  tp_pages_num(t, tp_pages_part_range(part, uc, co2e, ek, n));
  char *m = e->metric_tag ? tp_xasprintf("%s (%s)", e->metric_tag,
                                         e->metric_higher_better ? "max" : "min")
                          : tp_xstrdup("none");
  tp_pages_cell(t, m);
  free(m);
}

/* One row per experiment. */
static void S_experiments(const tp_pages_ctx *x, tp_tval *root) {
  const tp_lab *lab = x->lab;
  double max_j = 0, max_kg = 0;
  for (size_t i = 0; i < lab->n_experiments; i++) {
    max_j = fmax(max_j, lab->experiments[i].facility_j);
    max_kg = fmax(max_kg, lab->experiments[i].co2e_kg);
  }
  tp_unit ue = tp_units_for_energy(max_j), uc = tp_units_for_co2e(max_kg);
  tp_pages_tab t = tp_pages_table(root, "experiments", "experiments",
                                  "One row per experiment; energy, CO2e and GPU-hours summed "
                                  "over its runs; in brackets the range each figure lies in");
  tp_pages_col(&t, "Experiment", false);
  tp_pages_col(&t, "Runs", true);
  tp_pages_col(&t, "Configurations", true);
  tp_pages_col(&t, "GPU-hours", true);
  tp_pages_col_unit(&t, "IT energy", ue.name);
  tp_pages_col_unit(&t, "Facility energy", ue.name);
  tp_pages_col_unit(&t, "CO2e", uc.name);
  tp_pages_col(&t, "Main metric", false);
  for (size_t i = 0; i < lab->n_experiments; i++) S_experiment_row(x, &t, i, &ue, &uc);
}

int tp_pages_index(tp_pages_ctx *x) {
  const tp_lab *lab = x->lab;
  tp_tval *root = tp_pages_page(x, "Training energy report", "");
  S_index_lead(x, root);
  S_totals(x, root);
  S_assumptions(x, root);
  S_experiments(x, root);

  tp_tval *charts = tp_tval_set_list(root, "charts");
  /* Bars of unknown figures would read as zeros: none without any energy. */
  if (lab->n_runs_with_energy) {
    tp_pages_chart(x, charts, tp_figures_lab_energy(lab), "lab-energy", "");
    tp_pages_chart(x, charts, tp_figures_lab_co2e(lab), "lab-co2e", "");
  }
  tp_pages_chart(x, charts, tp_figures_lab_calendar(lab), "lab-calendar", "");

  S_whatif(x, root);
  tp_tval *ru = tp_tval_set_list(root, "rollups");
  S_rollup(ru, &lab->by_month, "by-month", "Per month (UTC, of the start)", "Month");
  S_rollup(ru, &lab->by_gpu_model, "by-gpu", "Per GPU model", "GPU model");
  S_rollup(ru, &lab->by_host, "by-host", "Per host", "Host");
  S_rollup(ru, &lab->by_tag, "by-tag", "Per tag", "Tag");

  tp_tval *dl = tp_tval_set_list(root, "downloads");
  tp_pages_item(dl, "summary.json", "summary.json", "every figure, machine-readable");
  tp_pages_item(dl, "runs.csv", "runs.csv", "one row per run");
  tp_pages_notes(x, root, &lab->diags);
  return tp_pages_render(x, x->tpl_index, root, "index.html");
}
