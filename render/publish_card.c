/* publish_card: the Hugging Face model-card `co2_eq_emissions` block of an
 * experiment (emissions in grams, null when unknown), as YAML.
 */
#include "render/publish_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* hardware_used of the runs of experiment e (or of the lab when e is NULL). */
static void S_hardware(tp_buf *b, const tp_lab *lab, const tp_experiment *e) {
  const char **names = NULL;
  size_t n = 0, cap = 0;
  size_t nr = e ? e->n_runs : lab->n_runs;
  for (size_t i = 0; i < nr; i++) {
    const tp_run *r = lab->runs[e ? e->runs[i] : i];
    for (size_t d = 0; d < r->energy.n_devices; d++) {
      const char *nm = r->energy.devices[d].name;
      if (!nm) continue;
      bool seen = false;
      for (size_t k = 0; k < n && !seen; k++) seen = strcmp(names[k], nm) == 0;
      if (seen) continue;
      TP_GROW(names, cap, n + 1);
      names[n++] = nm;
    }
  }
  for (size_t k = 0; k < n; k++) tp_buf_printf(b, "%s%s", k ? ", " : "", names[k]);
  if (n == 0) tp_buf_adds(b, "unknown");
  free(names);
}

/* One co2_eq_emissions block for experiment i. */
void tp_publish_model_card(tp_buf *b, const tp_publish_ctx *c, size_t i) {
  const tp_lab *lab = c->lab;
  const tp_experiment *e = &lab->experiments[i];
  const tp_assumptions *a = &lab->assumptions;
  char n1[48], n2[48], n3[48];
  tp_buf t = {0};
  size_t known = c->u.experiments[i].n_known;
  tp_buf_adds(b, "co2_eq_emissions:\n  emissions: ");
  if (known == 0 || !isfinite(e->co2e_kg)) {
    /* Unknown is not zero: YAML null, and why. */
    tp_buf_adds(b, "null  # unknown: no run of this experiment has a known energy\n");
  } else {
    tp_buf_adds(b, tp_units_number(n1, e->co2e_kg * 1000, 4));
    tp_buf_printf(b, "  # grams CO2e; range %s-%s g",
                  tp_units_number(n2, c->u.experiments[i].co2e_kg.low * 1000, 4),
                  tp_units_number(n3, c->u.experiments[i].co2e_kg.high * 1000, 4));
    if (known < e->n_runs)
      tp_buf_printf(b, "; %zu of %zu runs (the rest unknown)", known, e->n_runs);
    tp_buf_adds(b, "\n");
  }
  if (known < e->n_runs)
    tp_buf_printf(&t, "trainprint %s (energy known for %zu of %zu runs; PUE %s; intensity: %s)",
                  c->opts->version ? c->opts->version : "", known, e->n_runs,
                  tp_units_number(n1, a->pue, TP_UNITS_SIG),
                  a->intensity_source ? a->intensity_source : "");
  else
    tp_buf_printf(&t, "trainprint %s (power traces of %zu runs; PUE %s; intensity: %s)",
                  c->opts->version ? c->opts->version : "", e->n_runs,
                  tp_units_number(n1, a->pue, TP_UNITS_SIG),
                  a->intensity_source ? a->intensity_source : "");
  tp_buf_adds(b, "  source: ");
  tp_publish_yaml_quote(b, tp_buf_str(&t));
  tp_buf_adds(b, "\n  training_type: ");
  tp_publish_yaml_quote(b, c->opts->training_type ? c->opts->training_type : "pre-training");
  tp_buf_adds(b, "  # or fine-tuning\n  geographical_location: ");
  tp_buf_clear(&t);
  if (a->intensity_series) tp_buf_adds(&t, "intensity series");
  else if (a->zone) {
    const tp_zone_intensity *z = c->tables ? tp_reftable_find_zone(c->tables, a->zone) : NULL;
    tp_buf_adds(&t, z ? z->name : a->zone);
  } else tp_buf_adds(&t, "unknown");
  tp_publish_yaml_quote(b, tp_buf_str(&t));
  tp_buf_adds(b, "\n  hardware_used: ");
  tp_buf_clear(&t);
  S_hardware(&t, lab, e);
  tp_publish_yaml_quote(b, tp_buf_str(&t));
  tp_buf_adds(b, "\n");
  tp_buf_free(&t);
}

void tp_publish_model_card_file(tp_buf *b, const tp_publish_ctx *c, size_t i) {
  tp_buf_adds(b, "# Hugging Face model card metadata (https://huggingface.co/docs/hub/"
                 "model-cards-co2) for experiment ");
  tp_publish_yaml_quote(b, c->lab->experiments[i].name);
  tp_buf_adds(b, ",\n# written by trainprint; paste into the card's YAML front matter.\n");
  tp_publish_model_card(b, c, i);
}
