/* publish_md: footprint.md, the figures, method and what-ifs in Markdown,
 * with every experiment's model-card block.
 */
#include "render/publish_impl.h"

#include <math.h>
#include <stdio.h>

static void S_md_range(tp_buf *b, tp_range r, double scale) {
  char t[160];
  tp_buf_adds(b, tp_units_range_text(t, sizeof t, r, scale, TP_UNITS_SIG));
}

/* A total over runs of which `known` of `total` have a known energy:
 * "3 of 5 runs: X (the rest unknown)" when some lack one, "unknown" when
 * none has one. */
void tp_publish_md_part(tp_buf *b, tp_range r, double scale, size_t known, size_t total) {
  if (known == 0 || !isfinite(r.value)) {
    tp_buf_adds(b, "unknown");
    return;
  }
  if (known < total) tp_buf_printf(b, "%zu of %zu runs: ", known, total);
  S_md_range(b, r, scale);
  if (known < total) tp_buf_adds(b, " (the rest unknown)");
}

static void S_md_whatif(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  char n1[48], n2[48], n3[48];
  tp_buf_adds(b, "\n## What if\n\n");
  if (c->zones.n) {
    tp_buf_printf(b, "**By location.** The same facility energy (%s kWh) priced at the annual "
                     "intensity of other grids",
                  tp_units_number(n1, tp_units_kwh(lab->facility_j), TP_UNITS_SIG));
    if (isfinite(c->zones.factor))
      tp_buf_printf(b, ": %s× between the cleanest and the dirtiest",
                    tp_units_number(n2, c->zones.factor, 2));
    tp_buf_adds(b, ".\n\n| zone | name | gCO2e/kWh | year | CO2e (kg) |\n"
                   "|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < c->zones.n; i++) {
      const tp_whatif_zone *z = &c->zones.rows[i];
      tp_buf_adds(b, "| ");
      tp_publish_md_escape(b, z->code);
      tp_buf_adds(b, " | ");
      tp_publish_md_escape(b, z->zone->name);
      tp_buf_printf(b, " | %s | %d | %s |\n",
                    tp_units_number(n1, z->zone->intensity_g_per_kwh, TP_UNITS_SIG), z->zone->year,
                    tp_units_number(n2, z->co2e_kg, TP_UNITS_SIG));
    }
    if (c->zones.n_unknown) {
      tp_buf_adds(b, "\nNot in the tables: ");
      for (size_t i = 0; i < c->zones.n_unknown; i++) {
        if (i) tp_buf_adds(b, ", ");
        tp_publish_md_escape(b, c->zones.unknown[i]);
      }
      tp_buf_adds(b, ".\n");
    }
    tp_buf_adds(b, "\n");
  }
  tp_buf_printf(b, "**By PUE.** The same IT energy in a typical data centre (PUE %s: ",
                tp_units_number(n1, c->pue.typical_pue, TP_UNITS_SIG));
  tp_publish_md_escape(b, c->pue.typical_source);
  tp_buf_printf(b, ") emits %s kg CO2e; in an efficient hyperscale one (PUE %s: ",
                tp_units_number(n2, c->pue.typical_co2e_kg, TP_UNITS_SIG),
                tp_units_number(n3, c->pue.efficient_pue, TP_UNITS_SIG));
  tp_publish_md_escape(b, c->pue.efficient_source);
  tp_buf_printf(b, ") %s kg.\n\n", tp_units_number(n1, c->pue.efficient_co2e_kg, TP_UNITS_SIG));
  if (c->time.shift_ok || c->time.pause_ok) {
    tp_buf_printf(b, "**By time.** Priced with the intensity series, the runs emitted %s kg. "
                     "Started at the best hour within the next 24 hours: %s kg. Run only in "
                     "the cleanest hours up to 24 hours after their end (pausing, same energy "
                     "and power): %s kg. (%zu of %zu runs priced by both.)\n\n",
                  tp_units_number(n1, c->time.co2e_kg_actual, TP_UNITS_SIG),
                  tp_units_number(n2, c->time.co2e_kg_best, TP_UNITS_SIG),
                  tp_units_number(n3, c->time.co2e_kg_pausable, TP_UNITS_SIG), c->n_time_priced,
                  lab->n_runs);
  }
  if (c->opts->equivalents && c->tables) {
    tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
    size_t ne = tp_whatif_equivalents(c->tables, lab->co2e_kg, eq);
    if (ne) tp_buf_adds(b, "**Equivalents** of the total CO2e:\n\n");
    for (size_t k = 0; k < ne; k++) {
      tp_buf_printf(b, "- %s × ", tp_units_number(n1, eq[k].amount, TP_UNITS_SIG));
      tp_publish_md_escape(b, eq[k].row->unit);
      tp_buf_adds(b, " (");
      tp_publish_md_escape(b, eq[k].row->source);
      tp_buf_adds(b, ")\n");
    }
    if (ne) tp_buf_adds(b, "\n");
  }
}

/* The table of figures: each experiment, its configurations (means), the
 * total. */
static void S_md_table(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  tp_buf_adds(b, "# Energy and carbon footprint\n\n");
  tp_buf_adds(b, "| experiment | configuration | runs | IT energy (kWh) | facility energy (kWh) "
                 "| CO2e (kg) |\n|---|---|---:|---|---|---|\n");
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    const tp_uncertainty_sum *s = &c->u.experiments[i];
    tp_buf_adds(b, "| ");
    tp_publish_md_escape(b, e->name);
    tp_buf_printf(b, " | all | %zu | ", e->n_runs);
    tp_publish_md_part(b, s->it_j, 1 / TP_J_PER_KWH, s->n_known, e->n_runs);
    tp_buf_adds(b, " | ");
    tp_publish_md_part(b, s->facility_j, 1 / TP_J_PER_KWH, s->n_known, e->n_runs);
    tp_buf_adds(b, " | ");
    tp_publish_md_part(b, s->co2e_kg, 1, s->n_known, e->n_runs);
    tp_buf_adds(b, " |\n");
    for (size_t k = 0; k < e->n_configs; k++) {
      const tp_uncertainty_sum *cs = &c->u.configs[i][k];
      tp_buf_adds(b, "| ");
      tp_publish_md_escape(b, e->name);
      tp_buf_adds(b, " | ");
      tp_publish_md_escape(b, e->configs[k].config[0] ? e->configs[k].config : "(no hparams)");
      tp_buf_printf(b, " | %zu | ", e->configs[k].n_runs);
      size_t ck = cs->n_known, cn = e->configs[k].n_runs;
      tp_publish_md_part(b, cs->it_j, 1 / TP_J_PER_KWH, ck, cn);
      tp_buf_adds(b, ck ? " (mean) | " : " | ");
      tp_publish_md_part(b, cs->facility_j, 1 / TP_J_PER_KWH, ck, cn);
      tp_buf_adds(b, ck ? " (mean) | " : " | ");
      tp_publish_md_part(b, cs->co2e_kg, 1, ck, cn);
      tp_buf_adds(b, ck ? " (mean) |\n" : " |\n");
    }
  }
  tp_buf_printf(b, "| **total** | | %zu | ", lab->n_runs);
  size_t tk = c->u.total.n_known;
  tp_publish_md_part(b, c->u.total.it_j, 1 / TP_J_PER_KWH, tk, lab->n_runs);
  tp_buf_adds(b, " | ");
  tp_publish_md_part(b, c->u.total.facility_j, 1 / TP_J_PER_KWH, tk, lab->n_runs);
  tp_buf_adds(b, " | ");
  tp_publish_md_part(b, c->u.total.co2e_kg, 1, tk, lab->n_runs);
  tp_buf_adds(b, " |\n\nFigures are `value (low–high)`; configuration rows are means over their "
                 "runs.\n\n## Method\n\n");
}

/* The method: what was measured, PUE and intensity with their ranges, gaps. */
void tp_publish_md_method(tp_buf *b, const tp_publish_ctx *c) {
  const tp_assumptions *a = &c->lab->assumptions;
  char n1[48], n2[48];
  tp_publish_measured_text(b, c, false);
  tp_buf_printf(b, "CO2e = IT energy × PUE × carbon intensity. PUE %s (",
                tp_units_number(n1, a->pue, TP_UNITS_SIG));
  tp_publish_md_escape(b, a->pue_source);
  tp_buf_printf(b, "); range %s–%s: ", tp_units_number(n1, c->u.pue.low, TP_UNITS_SIG),
                tp_units_number(n2, c->u.pue.high, TP_UNITS_SIG));
  tp_publish_md_escape(b, c->u.pue_basis);
  tp_buf_printf(b, ". Carbon intensity %s gCO2e/kWh%s",
                tp_units_number(n1, a->intensity_g_per_kwh, TP_UNITS_SIG),
                a->intensity_series ? " (mean of a series, priced interval by interval)" : "");
  if (a->zone && !a->intensity_series) {
    tp_buf_adds(b, ", zone ");
    tp_publish_md_escape(b, a->zone);
  }
  tp_publish_intensity_source(b, a, tp_publish_md_escape);
  tp_buf_adds(b, "; range ");
  if (isfinite(c->u.intensity.low))
    tp_buf_printf(b, "%s–%s: ", tp_units_number(n1, c->u.intensity.low, TP_UNITS_SIG),
                  tp_units_number(n2, c->u.intensity.high, TP_UNITS_SIG));
  tp_publish_md_escape(b, c->u.intensity_basis);
  tp_buf_adds(b, ". Gaps in the power traces count as 0 in the figures and at the device's "
                 "peak power in the high bound");
  if (c->u.total.gap_device_s > 0)
    tp_buf_printf(b, " (%s kWh at the peak; %s kWh if the devices idled)",
                  tp_units_number(n1, tp_units_kwh(c->u.total.gap_peak_j), TP_UNITS_SIG),
                  tp_units_number(n2, tp_units_kwh(c->u.total.gap_idle_j), TP_UNITS_SIG));
  tp_buf_printf(b, ". Computed with trainprint %s.\n",
                c->opts->version ? c->opts->version : "");
}

void tp_publish_md(tp_buf *b, const tp_publish_ctx *c) {
  const tp_lab *lab = c->lab;
  S_md_table(b, c);
  tp_publish_md_method(b, c);
  S_md_whatif(b, c);
  tp_buf_adds(b, "## Model cards\n\nHugging Face `co2_eq_emissions` metadata per experiment "
                 "(also in `model-card-*.yaml`):\n");
  for (size_t i = 0; i < lab->n_experiments; i++) {
    tp_buf_adds(b, "\n");
    tp_publish_md_escape(b, lab->experiments[i].name);
    tp_buf_adds(b, ":\n\n```yaml\n");
    tp_publish_model_card(b, c, i);
    tp_buf_adds(b, "```\n");
  }
}
