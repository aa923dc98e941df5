/* publish_tex: footprint.tex, LaTeX macros for every headline figure, a
 * ready table (\tpFootprintTable) and a methods paragraph (\tpMethods).
 */
#include "render/publish_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void S_tex_def(tp_buf *b, const char *name, const char *value) {
  tp_buf_printf(b, "\\newcommand{\\%s}{%s}\n", name, value);
}

static void S_tex_num(tp_buf *b, const char *name, double v, int sig) {
  char n[48];
  S_tex_def(b, name, tp_units_number(n, v, sig));
}

/* Name, NameLow, NameHigh, NameRange for r x scale. */
static void S_tex_range(tp_buf *b, const char *prefix, const char *qty, tp_range r,
                        double scale) {
  char name[256], v[48], text[160];
  snprintf(name, sizeof name, "%s%s", prefix, qty);
  S_tex_def(b, name, tp_units_number(v, r.value * scale, TP_UNITS_SIG));
  snprintf(name, sizeof name, "%s%sLow", prefix, qty);
  S_tex_def(b, name, tp_units_number(v, (isfinite(r.low) ? r.low : r.value) * scale, TP_UNITS_SIG));
  snprintf(name, sizeof name, "%s%sHigh", prefix, qty);
  S_tex_def(b, name,
            tp_units_number(v, (isfinite(r.high) ? r.high : r.value) * scale, TP_UNITS_SIG));
  snprintf(name, sizeof name, "%s%sRange", prefix, qty);
  S_tex_def(b, name, tp_units_range_dash(text, sizeof text, r, scale, TP_UNITS_SIG, "--"));
}

static void S_tex_escaped_def(tp_buf *b, const char *name, const char *text) {
  tp_buf e = {0};
  tp_publish_latex_escape(&e, text);
  S_tex_def(b, name, tp_buf_str(&e));
  tp_buf_free(&e);
}

/* The three ranges of one scope (Total, ExpX, ExpXCfgA). */
static void S_tex_scope(tp_buf *b, const char *scope, const tp_uncertainty_sum *s, size_t runs) {
  char prefix[200];
  snprintf(prefix, sizeof prefix, "tp%s", scope);
  S_tex_range(b, prefix, "EnergyKWh", s->it_j, 1 / TP_J_PER_KWH);
  S_tex_range(b, prefix, "FacilityKWh", s->facility_j, 1 / TP_J_PER_KWH);
  S_tex_range(b, prefix, "CarbonKg", s->co2e_kg, 1);
  char name[256], n[32];
  snprintf(name, sizeof name, "%sRuns", prefix);
  snprintf(n, sizeof n, "%zu", runs);
  S_tex_def(b, name, n);
  /* The figures above sum only these runs; over none they read "unknown". */
  snprintf(name, sizeof name, "%sRunsWithEnergy", prefix);
  snprintf(n, sizeof n, "%zu", s->n_known);
  S_tex_def(b, name, n);
}

/* A comment line holding text (one line, ASCII). */
static void S_tex_comment(tp_buf *b, const char *fmt_prefix, const char *text) {
  tp_buf_adds(b, fmt_prefix);
  for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
    tp_buf_addc(b, *p >= 0x20 && *p < 0x7f ? (char)*p : '?');
  tp_buf_addc(b, '\n');
}

/* The methods paragraph as LaTeX. */
static void S_tex_methods(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  const tp_assumptions *a = &lab->assumptions;
  char n1[48], n2[48];
  tp_buf_printf(b, "\\newcommand{\\tpMethods}{%%\n");
  tp_buf_adds(b, "We report the energy of ");
  tp_publish_measured_text(b, c, true);
  tp_buf_adds(b, "Facility energy is IT energy times the PUE, and CO$_2$e is facility energy "
                 "times the carbon intensity of the grid: "
                 "$\\mathrm{CO_2e} = E_\\mathrm{IT} \\times \\mathrm{PUE} \\times I$. ");
  tp_buf_adds(b, "We used a PUE of \\tpPUE{} (");
  tp_publish_latex_escape(b, a->pue_source);
  tp_buf_adds(b, ")");
  if (a->intensity_series) {
    tp_buf_adds(b, " and an hourly intensity series (");
    tp_publish_latex_escape(b, a->intensity_source);
    tp_buf_adds(b, "), priced interval by interval, mean \\tpIntensity{}~g\\,CO$_2$e/kWh. ");
  } else {
    tp_buf_adds(b, " and a carbon intensity of \\tpIntensity{}~g\\,CO$_2$e/kWh");
    if (a->zone) {
      tp_buf_adds(b, " for zone ");
      tp_publish_latex_escape(b, a->zone);
    }
    tp_publish_intensity_source(b, a, tp_publish_latex_escape);
    tp_buf_adds(b, ". ");
  }
  tp_buf_adds(b, "Ranges give what is not known exactly: the PUE (\\tpPUELow--\\tpPUEHigh; ");
  tp_publish_latex_escape(b, c->u.pue_basis);
  tp_buf_adds(b, "), the intensity");
  if (isfinite(c->u.intensity.low))
    tp_buf_adds(b, " (\\tpIntensityLow--\\tpIntensityHigh~g\\,CO$_2$e/kWh; ");
  else
    tp_buf_adds(b, " (");
  tp_publish_latex_escape(b, c->u.intensity_basis);
  tp_buf_adds(b, ") and gaps in the power traces, counted as 0 in the figures and at most "
                 "the peak power seen on the device in the high bound");
  if (c->u.total.gap_device_s > 0) {
    tp_buf_printf(b, " (%s~kWh at the peak, %s~kWh if the devices idled)",
                  tp_units_number(n1, tp_units_kwh(c->u.total.gap_peak_j), TP_UNITS_SIG),
                  tp_units_number(n2, tp_units_kwh(c->u.total.gap_idle_j), TP_UNITS_SIG));
  }
  tp_buf_adds(b, ". Figures were computed with trainprint~\\tpVersion{}.%\n}\n");
}

static void S_tex_table(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  tp_buf_adds(b, "\\newcommand{\\tpFootprintTable}{%\n"
                 "\\begin{tabular}{lrll}\n\\hline\n"
                 "Experiment & Runs & IT energy (kWh) & CO$_2$e (kg) \\\\\n\\hline\n");
  /* Runs: "3 of 5" when only some have a known energy (the figures sum those). */
  for (size_t i = 0; i < lab->n_experiments; i++) {
    tp_publish_latex_escape(b, lab->experiments[i].name);
    tp_buf_adds(b, " & ");
    if (c->u.experiments[i].n_known < lab->experiments[i].n_runs)
      tp_buf_printf(b, "\\tpExp%sRunsWithEnergy{} of ", c->exp_words[i]);
    tp_buf_printf(b, "\\tpExp%sRuns & \\tpExp%sEnergyKWhRange & \\tpExp%sCarbonKgRange \\\\\n",
                  c->exp_words[i], c->exp_words[i], c->exp_words[i]);
  }
  tp_buf_adds(b, "\\hline\nTotal & ");
  if (c->u.total.n_known < lab->n_runs) tp_buf_adds(b, "\\tpTotalRunsWithEnergy{} of ");
  tp_buf_adds(b, "\\tpTotalRuns & \\tpTotalEnergyKWhRange & "
                 "\\tpTotalCarbonKgRange \\\\\n\\hline\n\\end{tabular}%\n}\n");
}

/* The file's header comment: how to use it, and every scope with the
 * experiment or configuration it stands for. */
static void S_tex_header(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  tp_buf_printf(b,
                "%% footprint.tex: energy and CO2e of the training runs, written by trainprint "
                "%s.\n"
                "%% Use: \\input{footprint.tex} in the preamble, then \\tpFootprintTable,\n"
                "%% \\tpMethods and any figure, e.g. \\tpTotalEnergyKWh{} kWh or "
                "\\tpTotalCarbonKgRange{} kg CO$_2$e.\n"
                "%% Figures: EnergyKWh = IT energy (kWh), FacilityKWh = IT energy x PUE (kWh),\n"
                "%% CarbonKg = CO2e (kg); each also as ...Low, ...High and ...Range = "
                "value (low--high).\n"
                "%% Configuration figures are means over the configuration's runs.\n",
                c->opts->version ? c->opts->version : "");
  tp_buf_adds(b, "% Scopes:\n%   Total = all runs\n");
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    char pre[256];
    snprintf(pre, sizeof pre, "%%   Exp%s = experiment ", c->exp_words[i]);
    S_tex_comment(b, pre, e->name);
    for (size_t k = 0; k < e->n_configs; k++) {
      char letters[16];
      snprintf(pre, sizeof pre, "%%     Exp%sCfg%s = configuration ", c->exp_words[i],
               tp_publish_index_letters(letters, k));
      S_tex_comment(b, pre, e->configs[k].config[0] ? e->configs[k].config : "(no hparams)");
    }
  }
}

/* The lab's macros: totals and the assumptions behind them. */
static void S_tex_lab(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  const tp_assumptions *a = &lab->assumptions;
  char text[160];
  S_tex_def(b, "tpVersion", c->opts->version ? c->opts->version : "");
  S_tex_scope(b, "Total", &c->u.total, lab->n_runs);
  S_tex_num(b, "tpTotalGPUHours", lab->gpu_hours, TP_UNITS_SIG);
  S_tex_num(b, "tpCoverage", isfinite(c->coverage) ? c->coverage * 100 : NAN, TP_UNITS_SIG);
  S_tex_num(b, "tpSamplingIntervalS", c->interval_s, 2);
  S_tex_escaped_def(b, "tpDevices", tp_buf_str(&c->devices));
  S_tex_num(b, "tpPUE", a->pue, TP_UNITS_SIG);
  S_tex_num(b, "tpPUELow", isfinite(c->u.pue.low) ? c->u.pue.low : a->pue, TP_UNITS_SIG);
  S_tex_num(b, "tpPUEHigh", isfinite(c->u.pue.high) ? c->u.pue.high : a->pue, TP_UNITS_SIG);
  S_tex_escaped_def(b, "tpPUESource", a->pue_source);
  S_tex_num(b, "tpIntensity", a->intensity_g_per_kwh, TP_UNITS_SIG);
  double ci = a->intensity_g_per_kwh;
  S_tex_num(b, "tpIntensityLow", isfinite(c->u.intensity.low) ? c->u.intensity.low : ci,
            TP_UNITS_SIG);
  S_tex_num(b, "tpIntensityHigh", isfinite(c->u.intensity.high) ? c->u.intensity.high : ci,
            TP_UNITS_SIG);
  S_tex_escaped_def(b, "tpIntensitySource", a->intensity_source);
  snprintf(text, sizeof text, "%d", a->intensity_year);
  S_tex_def(b, "tpIntensityYear", a->intensity_year > 0 ? text : "unknown");
  S_tex_escaped_def(b, "tpZone", a->zone ? a->zone : "none");
}

/* The macros of each experiment and each of its configurations. */
static void S_tex_experiments(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    char scope[160];
    tp_buf_adds(b, "\n");
    S_tex_comment(b, "% experiment ", e->name);
    snprintf(scope, sizeof scope, "Exp%s", c->exp_words[i]);
    S_tex_scope(b, scope, &c->u.experiments[i], e->n_runs);
    for (size_t k = 0; k < e->n_configs; k++) {
      char letters[16];
      snprintf(scope, sizeof scope, "Exp%sCfg%s", c->exp_words[i],
               tp_publish_index_letters(letters, k));
      S_tex_scope(b, scope, &c->u.configs[i][k], e->configs[k].n_runs);
    }
  }
}

/* The what-if macros: by location, by PUE, by time, equivalents. */
static void S_tex_whatif(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  tp_buf_adds(b, "\n% what-if\n");
  if (c->zones.n) {
    const tp_whatif_zone *lo = &c->zones.rows[c->zones.i_min], *hi = &c->zones.rows[c->zones.i_max];
    S_tex_escaped_def(b, "tpWhatifCleanestZone", lo->zone->name);
    S_tex_num(b, "tpWhatifCleanestCarbonKg", lo->co2e_kg, TP_UNITS_SIG);
    S_tex_escaped_def(b, "tpWhatifDirtiestZone", hi->zone->name);
    S_tex_num(b, "tpWhatifDirtiestCarbonKg", hi->co2e_kg, TP_UNITS_SIG);
    S_tex_num(b, "tpWhatifZoneFactor", c->zones.factor, 2);
  }
  S_tex_num(b, "tpWhatifTypicalPUE", c->pue.typical_pue, TP_UNITS_SIG);
  S_tex_num(b, "tpWhatifTypicalCarbonKg", c->pue.typical_co2e_kg, TP_UNITS_SIG);
  S_tex_num(b, "tpWhatifEfficientPUE", c->pue.efficient_pue, TP_UNITS_SIG);
  S_tex_num(b, "tpWhatifEfficientCarbonKg", c->pue.efficient_co2e_kg, TP_UNITS_SIG);
  if (c->time.shift_ok || c->time.pause_ok) {
    S_tex_num(b, "tpWhatifSeriesCarbonKg", c->time.co2e_kg_actual, TP_UNITS_SIG);
    S_tex_num(b, "tpWhatifBestStartCarbonKg", c->time.co2e_kg_best, TP_UNITS_SIG);
    S_tex_num(b, "tpWhatifPausableCarbonKg", c->time.co2e_kg_pausable, TP_UNITS_SIG);
  }
  if (c->opts->equivalents && c->tables) {
    static const char *const names[] = {"tpEquivCarKm", "tpEquivFlights",
                                        "tpEquivHouseholdYears"};
    tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
    size_t ne = tp_whatif_equivalents(c->tables, lab->co2e_kg, eq);
    for (size_t k = 0; k < ne; k++)
      for (size_t j = 0; j < TP_WHATIF_N_EQUIVALENTS; j++)
        if (strcmp(eq[k].row->name, TP_WHATIF_EQUIVALENTS[j]) == 0)
          S_tex_num(b, names[j], eq[k].amount, TP_UNITS_SIG);
  }
}

void tp_publish_tex(tp_buf *b, const tp_publish_ctx *c) {
  S_tex_header(b, c);
  tp_buf_adds(b, "\n");
  S_tex_lab(b, c);
  S_tex_experiments(b, c);
  S_tex_whatif(b, c);
  tp_buf_adds(b, "\n");
  S_tex_table(b, c);
  S_tex_methods(b, c);
}
