/* publish_disclose: the disclosures papers and regulators ask for, in Markdown.
 *
 *   neurips-compute.md   the compute-resources answer of the NeurIPS Paper
 *                        Checklist (item 8, "Experiments compute resources":
 *                        type of compute workers, time of execution, compute
 *                        per run and in total, compute not reported), with the
 *                        energy and CO2e of that compute.
 *   eu-ai-act-energy.md  the energy section of the technical documentation that
 *                        the EU AI Act asks of providers of general-purpose AI
 *                        models (Regulation (EU) 2024/1689, Annex XI, Section 1,
 *                        point 2(e): the known or estimated energy consumption
 *                        of the model, which may be based on the computational
 *                        resources used), saying which part is known and which
 *                        estimated.
 *
 * Both state the method, the coverage of the traces, the ranges and what was
 * left out (runs without a known energy), from the same figures as
 * summary.json and footprint.md.
 */
#include "render/publish_impl.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "model/utctime.h"
#include "render/summary.h"

#define S_MAX_LISTED 10 /* run ids named in "left out" before "and N more" */

/* The hardware: the traced devices by name and count, then the GPUs that
 * declared and estimated runs name, each model once per method, with the
 * count of its first run ("8 x NVIDIA A100 (declared)"). */
static void S_hardware(tp_buf *b, const tp_publish_ctx *c) {
  size_t start = b->len;
  tp_publish_md_escape(b, tp_buf_str(&c->devices));
  for (size_t i = 0; i < c->lab->n_runs; i++) {
    const tp_run_energy *e = &c->lab->runs[i]->energy;
    if (!e->gpu_model || (e->method != TP_ENERGY_ESTIMATED && e->method != TP_ENERGY_DECLARED))
      continue;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) {
      const tp_run_energy *o = &c->lab->runs[k]->energy;
      seen = o->method == e->method && o->gpu_model && strcmp(o->gpu_model, e->gpu_model) == 0;
    }
    if (seen) continue;
    if (b->len > start) tp_buf_adds(b, ", ");
    if (e->gpu_count > 0 && !strstr(e->gpu_model, " x ")) tp_buf_printf(b, "%g x ", e->gpu_count);
    tp_publish_md_escape(b, e->gpu_model);
    tp_buf_printf(b, " (%s)", tp_summary_method_name(e->method));
  }
  if (b->len == start) tp_buf_adds(b, "hardware the logs do not name");
}

/* Hours of training: the runs' windows summed (runs idx[0..n), or all when
 * idx is NULL); a run without a window adds nothing. */
static double S_hours(const tp_lab *lab, const size_t *idx, size_t n) {
  double s = 0;
  for (size_t i = 0; i < (idx ? n : lab->n_runs); i++) {
    const tp_run *r = lab->runs[idx ? idx[i] : i];
    double d = r->end_s - r->start_s;
    if (isfinite(d) && d > 0) s += d;
  }
  return s / TP_S_PER_H;
}

static size_t S_n_unknown(const tp_lab *lab) {
  size_t n = 0;
  for (size_t i = 0; i < lab->n_runs; i++) n += lab->runs[i]->energy.method == TP_ENERGY_NONE;
  return n;
}

/* What the figures leave out: runs without a known energy (named), gaps in
 * the traces, and compute that left no logs. */
/* Embodied emissions and water of the lab, as summary.json's totals give
 * them: a bullet beside the figures, never added to them; none when both
 * are unknown. */
static void S_beside(tp_buf *b, const tp_publish_ctx *c) {
  const tp_uncertainty_sum *t = &c->u.total;
  bool emb = isfinite(t->embodied_kg);
  bool water = isfinite(t->water_onsite_l) && isfinite(t->water_offsite_l);
  char n1[48], n2[48], n3[48];
  if (!emb && !water) return;
  tp_buf_adds(b, "- Beside the figures above, never added to them:");
  if (emb)
    tp_buf_printf(b, " embodied emissions of %s kg CO2e (manufacturing of the GPUs and their "
                     "servers, amortized per GPU-hour over service life and utilization)",
                  tp_units_number(n1, t->embodied_kg, TP_UNITS_SIG));
  if (emb && water) tp_buf_adds(b, ";");
  if (water)
    tp_buf_printf(b, " water of %s L (%s L on site: IT energy × WUE; %s L off site: facility "
                     "energy × the grid's water intensity)",
                  tp_units_number(n1, t->water_onsite_l + t->water_offsite_l, TP_UNITS_SIG),
                  tp_units_number(n2, t->water_onsite_l, TP_UNITS_SIG),
                  tp_units_number(n3, t->water_offsite_l, TP_UNITS_SIG));
  tp_buf_adds(b, ".\n");
}

static void S_left_out(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  char n1[48], n2[48], n3[48];
  size_t none = S_n_unknown(lab), listed = 0;
  if (none) {
    tp_buf_printf(b, "- %zu of %zu runs have no known energy (no trace, no declared figure, no "
                     "hardware to estimate from); their energy and CO2e are not in the figures, "
                     "never counted as 0: ",
                  none, lab->n_runs);
    for (size_t i = 0; i < lab->n_runs && listed < S_MAX_LISTED; i++) {
      if (lab->runs[i]->energy.method != TP_ENERGY_NONE) continue;
      if (listed++) tp_buf_adds(b, ", ");
      tp_publish_md_escape(b, lab->runs[i]->id);
    }
    if (none > listed) tp_buf_printf(b, " and %zu more", none - listed);
    tp_buf_adds(b, ".\n");
  } else {
    tp_buf_printf(b, "- Every run (%zu) has a known energy.\n", lab->n_runs);
  }
  if (isfinite(c->coverage))
    tp_buf_printf(b, "- The power traces covered %s %% of the traced runs' device time",
                  tp_units_number(n1, c->coverage * 100, TP_UNITS_SIG));
  if (isfinite(c->coverage) && c->u.total.gap_device_s > 0)
    tp_buf_printf(b, "; the gaps (%s device-hours) count as 0 in the figures, and add %s kWh "
                     "at the devices' peak power to the high bound (%s kWh if they idled)",
                  tp_units_number(n1, c->u.total.gap_device_s / TP_S_PER_H, TP_UNITS_SIG),
                  tp_units_number(n2, tp_units_kwh(c->u.total.gap_peak_j), TP_UNITS_SIG),
                  tp_units_number(n3, tp_units_kwh(c->u.total.gap_idle_j), TP_UNITS_SIG));
  if (isfinite(c->coverage)) tp_buf_adds(b, ".\n");
  tp_buf_adds(b, "- Only runs whose logs were read are counted: preliminary, failed or "
                 "deleted runs that left no logs here are not, nor is the energy of storage, "
                 "networking, idle machines between runs, or of making the hardware.\n");
  S_beside(b, c);
}

/* One row per experiment: runs, GPU-hours, hours, IT energy and CO2e with
 * ranges; then the total. */
static void S_exp_table(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  char n1[48], n2[48];
  tp_buf_adds(b, "| experiment | runs | GPU-hours | training hours | IT energy (kWh) "
                 "| CO2e (kg) |\n|---|---:|---:|---:|---|---|\n");
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    const tp_uncertainty_sum *s = &c->u.experiments[i];
    double gh = tp_publish_gpu_hours(e->gpu_hours, e->n_runs_with_energy);
    tp_buf_adds(b, "| ");
    tp_publish_md_escape(b, e->name);
    tp_buf_printf(b, " | %zu | %s | %s | ", e->n_runs, tp_units_number(n1, gh, TP_UNITS_SIG),
                  tp_units_number(n2, S_hours(lab, e->runs, e->n_runs), TP_UNITS_SIG));
    tp_publish_md_part(b, s->it_j, 1 / TP_J_PER_KWH, s->n_known, e->n_runs);
    tp_buf_adds(b, " | ");
    tp_publish_md_part(b, s->co2e_kg, 1, s->n_known, e->n_runs);
    tp_buf_adds(b, " |\n");
  }
  double gh = tp_publish_gpu_hours(lab->gpu_hours, lab->n_runs_with_energy);
  tp_buf_printf(b, "| **total** | %zu | %s | %s | ", lab->n_runs,
                tp_units_number(n1, gh, TP_UNITS_SIG),
                tp_units_number(n2, S_hours(lab, NULL, 0), TP_UNITS_SIG));
  tp_publish_md_part(b, c->u.total.it_j, 1 / TP_J_PER_KWH, c->u.total.n_known, lab->n_runs);
  tp_buf_adds(b, " | ");
  tp_publish_md_part(b, c->u.total.co2e_kg, 1, c->u.total.n_known, lab->n_runs);
  tp_buf_adds(b, " |\n\nFigures are `value (low–high)`. GPU-hours count each GPU once per "
                 "hour, split among runs that shared it; training hours are the runs' wall-clock "
                 "windows summed.\n");
}

/* "IT energy E kWh (range), F kWh at the facility (PUE p) and C kg CO2e
 * (range)": the lab's totals in a sentence. */
static void S_totals_sentence(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  const tp_uncertainty_sum *t = &c->u.total;
  char n1[48];
  if (t->n_known == 0) {
    tp_buf_adds(b, "an energy and CO2e that are unknown: no run has a known energy");
    return;
  }
  tp_buf_adds(b, "an IT energy (what the devices drew) of ");
  tp_publish_md_part(b, t->it_j, 1 / TP_J_PER_KWH, t->n_known, lab->n_runs);
  tp_buf_adds(b, " kWh, ");
  tp_publish_md_part(b, t->facility_j, 1 / TP_J_PER_KWH, t->n_known, lab->n_runs);
  tp_buf_printf(b, " kWh with the data centre (PUE %s), and emissions of ",
                tp_units_number(n1, lab->assumptions.pue, TP_UNITS_SIG));
  tp_publish_md_part(b, t->co2e_kg, 1, t->n_known, lab->n_runs);
  tp_buf_adds(b, " kg CO2e");
}

void tp_publish_neurips(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  char n1[48], n2[48];
  double gh = tp_publish_gpu_hours(lab->gpu_hours, lab->n_runs_with_energy);
  tp_buf_adds(b, "# Experiments compute resources\n\n"
                 "For item 8 of the NeurIPS Paper Checklist, \"Experiments compute resources\": "
                 "for each experiment, the type of compute workers (CPU or GPU, internal cluster "
                 "or cloud provider), memory and time of execution; the compute of each run and "
                 "in total; and whether the project used more compute than the paper reports "
                 "(<https://neurips.cc/public/guides/PaperChecklist>). Written from the logs and "
                 "power traces read; add what they do not hold: the workers' memory and storage, "
                 "and the cluster or cloud provider.\n\n## Answer\n\n");
  tp_buf_printf(b, "The experiments ran as %zu training run%s in %zu experiment%s on ",
                lab->n_runs, lab->n_runs == 1 ? "" : "s", lab->n_experiments,
                lab->n_experiments == 1 ? "" : "s");
  S_hardware(b, c);
  tp_buf_printf(b, ". They used %s GPU-hours over %s hours of training (wall clock, summed over "
                   "runs), with ",
                tp_units_number(n1, gh, TP_UNITS_SIG),
                tp_units_number(n2, S_hours(lab, NULL, 0), TP_UNITS_SIG));
  S_totals_sentence(b, c);
  size_t none = S_n_unknown(lab);
  if (none && none < lab->n_runs)
    tp_buf_printf(b, "; %zu of the runs have no known energy and are not in these figures",
                  none);
  tp_buf_adds(b, ". Per experiment:\n\n");
  S_exp_table(b, c);
  tp_buf_adds(b, "\n## Method\n\n");
  tp_publish_md_method(b, c);
  tp_buf_adds(b, "\n## Left out\n\n");
  S_left_out(b, c);
}

/* The first start and last end of the runs' windows, as UTC dates. */
static void S_period(tp_buf *b, const tp_lab *lab) {
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < lab->n_runs; i++) {
    if (isfinite(lab->runs[i]->start_s)) lo = fmin(lo, lab->runs[i]->start_s);
    if (isfinite(lab->runs[i]->end_s)) hi = fmax(hi, lab->runs[i]->end_s);
  }
  struct tm a, z;
  char s1[16], s2[16];
  if (!tp_utc_tm(lo, &a) || !tp_utc_tm(hi, &z)) {
    tp_buf_adds(b, "unknown");
    return;
  }
  strftime(s1, sizeof s1, "%Y-%m-%d", &a);
  strftime(s2, sizeof s2, "%Y-%m-%d", &z);
  tp_buf_printf(b, "%s to %s", s1, s2);
}

/* How each part of the energy was obtained: known (counters, samples,
 * declared) or estimated, with runs and IT energy. */
static void S_known_table(tp_buf *b, const tp_publish_ctx *c) {
  static const struct {
    tp_energy_method m;
    const char *what;
  } rows[] = {
      {TP_ENERGY_MEASURED, "known: energy counters of the devices, differenced"},
      {TP_ENERGY_INTEGRATED, "known: power samples of the devices, integrated over time"},
      {TP_ENERGY_DECLARED, "known: declared by a tracker that ran with the training "
                           "(its PUE divided out)"},
      {TP_ENERGY_ESTIMATED, "estimated: rated power of the hardware × utilization × time"},
      {TP_ENERGY_NONE, "unknown: not in the figures"}};
  char n1[48];
  tp_buf_adds(b, "| how the energy was obtained | runs | IT energy (kWh) |\n|---|---:|---:|\n");
  for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
    double j = 0;
    size_t n = 0;
    for (size_t i = 0; i < c->lab->n_runs; i++) {
      const tp_run_energy *e = &c->lab->runs[i]->energy;
      if (e->method != rows[k].m) continue;
      n++;
      if (isfinite(e->it_j)) j += e->it_j;
    }
    if (!n) continue;
    tp_buf_printf(b, "| %s | %zu | %s |\n", rows[k].what, n,
                  rows[k].m == TP_ENERGY_NONE ? "–"
                                              : tp_units_number(n1, tp_units_kwh(j), TP_UNITS_SIG));
  }
}

void tp_publish_eu_ai_act(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  char n1[48], n2[48];
  double gh = tp_publish_gpu_hours(lab->gpu_hours, lab->n_runs_with_energy);
  tp_buf_adds(b, "# Energy consumption of training\n\n"
                 "For the technical documentation of a general-purpose AI model (EU AI Act, "
                 "Regulation (EU) 2024/1689, Article 53(1)(a)): Annex XI, Section 1, point 2(e) "
                 "asks for the known or estimated energy consumption of the model, which may be "
                 "based on the computational resources used (point 2(d): compute and training "
                 "time) (<https://eur-lex.europa.eu/eli/reg/2024/1689/oj>). A model's training "
                 "may be one experiment below or several: its rows give its figures.\n\n"
                 "## Figures\n\n| quantity | value (low–high) |\n|---|---|\n");
  tp_buf_adds(b, "| energy consumed in training, IT (what the devices drew), kWh | ");
  tp_publish_md_part(b, c->u.total.it_j, 1 / TP_J_PER_KWH, c->u.total.n_known, lab->n_runs);
  tp_buf_printf(b, " |\n| energy consumed in training, with the data centre (PUE %s), kWh | ",
                tp_units_number(n1, lab->assumptions.pue, TP_UNITS_SIG));
  tp_publish_md_part(b, c->u.total.facility_j, 1 / TP_J_PER_KWH, c->u.total.n_known,
                     lab->n_runs);
  tp_buf_adds(b, " |\n| greenhouse-gas emissions, kg CO2e | ");
  tp_publish_md_part(b, c->u.total.co2e_kg, 1, c->u.total.n_known, lab->n_runs);
  tp_buf_printf(b, " |\n| compute, GPU-hours | %s |\n| training time, hours (wall clock, "
                   "summed over %zu runs) | %s |\n| training period (UTC) | ",
                tp_units_number(n1, gh, TP_UNITS_SIG), lab->n_runs,
                tp_units_number(n2, S_hours(lab, NULL, 0), TP_UNITS_SIG));
  S_period(b, lab);
  tp_buf_adds(b, " |\n| hardware | ");
  S_hardware(b, c);
  tp_buf_adds(b, " |\n\n## Known or estimated\n\n");
  S_known_table(b, c);
  tp_buf_adds(b, "\n## Method\n\n");
  tp_publish_md_method(b, c);
  tp_buf_adds(b, "\n## Coverage and what is left out\n\n");
  S_left_out(b, c);
  tp_buf_adds(b, "\n## Per experiment\n\n");
  S_exp_table(b, c);
}
