/* publish: LaTeX, Markdown, model-card, BibTeX and what-if exports (see publish.h). */
#include "render/publish.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/whatif.h"
#include "render/chart.h"
#include "render/csvout.h"
#include "render/summary.h"

#define S_KWH 3.6e6
#define S_SIG 3

tp_publish_opts tp_publish_opts_default(void) {
  tp_publish_opts o = {.uncertainty = tp_uncertainty_opts_default()};
  return o;
}

/* ======================================================================== */
/* numbers and text                                                          */
/* ======================================================================== */

const char *tp_publish_number(char buf[48], double v, int sig) {
  if (sig <= 0) sig = S_SIG;
  if (!isfinite(v)) {
    snprintf(buf, 48, "unknown");
    return buf;
  }
  if (v == 0) {
    snprintf(buf, 48, "0");
    return buf;
  }
  int mag = (int)floor(log10(fabs(v)));
  int decimals = sig - 1 - mag;
  if (decimals < 0) decimals = 0;
  if (decimals > 12) decimals = 12;
  snprintf(buf, 48, "%.*f", decimals, v);
  /* Rounding may carry into a new digit (0.09996 -> "0.1000"): trim to sig. */
  if (strchr(buf, '.')) {
    size_t digits = 0;
    bool lead = true;
    for (const char *p = buf; *p; p++)
      if (isdigit((unsigned char)*p) && !(lead && *p == '0')) lead = false, digits++;
    size_t len = strlen(buf);
    while (digits > (size_t)sig && buf[len - 1] != '.') buf[--len] = '\0', digits--;
    if (buf[len - 1] == '.') buf[len - 1] = '\0';
  }
  if (strcmp(buf, "-0") == 0) snprintf(buf, 48, "0");
  return buf;
}

/* value (low<dash>high), numbers to sig digits, dash as given. */
static const char *S_range(char *buf, size_t n, tp_range r, double scale, int sig,
                           const char *dash) {
  char v[48], lo[48], hi[48];
  tp_publish_number(v, r.value * scale, sig);
  if (!isfinite(r.value) || !isfinite(r.low) || !isfinite(r.high)) {
    snprintf(buf, n, "%s", v);
    return buf;
  }
  tp_publish_number(lo, r.low * scale, sig);
  tp_publish_number(hi, r.high * scale, sig);
  if (strcmp(lo, v) == 0 && strcmp(hi, v) == 0) snprintf(buf, n, "%s", v);
  else snprintf(buf, n, "%s (%s%s%s)", v, lo, dash, hi);
  return buf;
}

const char *tp_publish_range_text(char *buf, size_t n, tp_range r, double scale, int sig) {
  return S_range(buf, n, r, scale, sig, "\xe2\x80\x93");
}

void tp_publish_latex_escape(tp_buf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
      case '\\': tp_buf_adds(b, "\\textbackslash{}"); break;
      case '{': case '}': case '#': case '$': case '%': case '&': case '_':
        tp_buf_addc(b, '\\');
        tp_buf_addc(b, (char)*p);
        break;
      case '~': tp_buf_adds(b, "\\textasciitilde{}"); break;
      case '^': tp_buf_adds(b, "\\textasciicircum{}"); break;
      case '<': tp_buf_adds(b, "\\textless{}"); break;
      case '>': tp_buf_adds(b, "\\textgreater{}"); break;
      case '|': tp_buf_adds(b, "\\textbar{}"); break;
      case '-': tp_buf_adds(b, p[1] == '-' ? "-{}" : "-"); break; /* no ligature dashes */
      case '\n': case '\r': case '\t': tp_buf_addc(b, ' '); break;
      default:
        if (*p >= 0x80) {
          while ((p[1] & 0xC0) == 0x80) p++; /* one '?' per UTF-8 sequence */
          tp_buf_addc(b, '?');
        } else if (*p < 0x20) {
          tp_buf_addc(b, ' ');
        } else {
          tp_buf_addc(b, (char)*p);
        }
    }
  }
}

void tp_publish_md_escape(tp_buf *b, const char *s) {
  for (const char *p = s ? s : ""; *p; p++) {
    if (strchr("\\`*_[]<>|#{}!", *p)) tp_buf_addc(b, '\\');
    tp_buf_addc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
  }
}

/* Append s as a double-quoted YAML scalar. */
static void S_yaml_quote(tp_buf *b, const char *s) {
  tp_buf_addc(b, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') tp_buf_addc(b, '\\'), tp_buf_addc(b, (char)*p);
    else if (*p < 0x20) tp_buf_printf(b, "\\x%02x", *p);
    else tp_buf_addc(b, (char)*p);
  }
  tp_buf_addc(b, '"');
}

char *tp_publish_macro_word(const char *name) {
  static const char *const digits[] = {"Zero", "One", "Two",   "Three", "Four",
                                       "Five", "Six", "Seven", "Eight", "Nine"};
  tp_buf b = {0};
  bool start = true;
  for (const char *p = name ? name : ""; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x80 && isalpha(c)) {
      tp_buf_addc(&b, (char)(start ? toupper(c) : tolower(c)));
      start = false;
    } else if (c < 0x80 && isdigit(c)) {
      tp_buf_adds(&b, digits[c - '0']);
      start = true;
    } else {
      start = true;
    }
  }
  if (b.len == 0) tp_buf_adds(&b, "Unnamed");
  return tp_buf_detach(&b);
}

const char *tp_publish_index_letters(char buf[16], size_t index) {
  char tmp[16];
  size_t n = 0, k = index + 1; /* bijective base 26 */
  while (k > 0 && n < sizeof tmp - 1) {
    k--;
    tmp[n++] = (char)('A' + k % 26);
    k /= 26;
  }
  for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return buf;
}

/* ======================================================================== */
/* what the exports say                                                      */
/* ======================================================================== */

/* Everything the writers need, computed once. */
typedef struct S_ctx {
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
} S_ctx;

static int S_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Coverage, sampling interval, device names and methods over the lab. */
static void S_measurement(S_ctx *c) {
  const tp_lab *lab = c->lab;
  double covered = 0, possible = 0;
  double *iv = NULL;
  size_t n_iv = 0, cap_iv = 0;
  const char **names = NULL, **ids = NULL;
  size_t n_names = 0, cap_names = 0;
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    const tp_run_energy *re = &r->energy;
    if (re->method <= TP_ENERGY_DECLARED) c->n_by_method[re->method]++;
    if (re->method != TP_ENERGY_INTEGRATED && re->method != TP_ENERGY_MEASURED) continue;
    double w = r->end_s - r->start_s;
    for (size_t d = 0; d < re->n_devices; d++) {
      const tp_device_energy *dev = &re->devices[d];
      if (isfinite(w) && w > 0) {
        possible += w;
        covered += isfinite(dev->covered_s) ? fmin(dev->covered_s, w) : 0;
      }
      TP_GROW(names, cap_names, n_names + 1);
      ids = tp_xrealloc(ids, cap_names * sizeof *ids);
      names[n_names] = dev->name ? dev->name : "unnamed device";
      ids[n_names++] = dev->id;
    }
    for (size_t p = 0; p < r->n_power; p++) {
      const tp_power_profile *pp = &r->power[p];
      double samples = 0, buckets = 0;
      for (size_t k = 0; k < pp->n; k++)
        if (pp->count[k]) samples += pp->count[k], buckets++;
      if (samples > buckets && pp->dt_s > 0) {
        TP_GROW(iv, cap_iv, n_iv + 1);
        iv[n_iv++] = buckets * pp->dt_s / samples;
      }
    }
  }
  c->coverage = possible > 0 ? covered / possible : NAN;
  if (n_iv) qsort(iv, n_iv, sizeof *iv, S_cmp_double);
  c->interval_s = n_iv ? iv[n_iv / 2] : NAN;
  free(iv);
  /* Distinct names, each with its count of distinct device ids. */
  for (size_t i = 0; i < n_names; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = strcmp(names[k], names[i]) == 0;
    if (seen) continue;
    size_t count = 0;
    for (size_t k = 0; k < n_names; k++) {
      if (strcmp(names[k], names[i]) != 0) continue;
      bool dup = false;
      for (size_t j = 0; j < k && !dup; j++)
        dup = strcmp(names[j], names[i]) == 0 && strcmp(ids[j], ids[k]) == 0;
      if (!dup) count++;
    }
    if (c->devices.len) tp_buf_adds(&c->devices, ", ");
    tp_buf_printf(&c->devices, "%s (%zu device%s)", names[i], count, count == 1 ? "" : "s");
  }
  free(names);
  free(ids);
}

static void S_ctx_init(S_ctx *c, const tp_lab *lab, const tp_reftables *t,
                       const tp_publish_opts *o) {
  memset(c, 0, sizeof *c);
  c->lab = lab;
  c->tables = t;
  c->opts = o;
  tp_uncertainty_compute(&c->u, lab, t, &o->uncertainty);
  c->exp_words = tp_xcalloc(lab->n_experiments + 1, sizeof *c->exp_words);
  for (size_t i = 0; i < lab->n_experiments; i++) {
    char *w = tp_publish_macro_word(lab->experiments[i].name);
    bool dup = false;
    for (size_t k = 0; k < i && !dup; k++) dup = strcmp(c->exp_words[k], w) == 0;
    if (dup) {
      char letters[16];
      char *d = tp_xasprintf("%sDup%s", w, tp_publish_index_letters(letters, i));
      free(w);
      w = d;
    }
    c->exp_words[i] = w;
  }
  if (t) {
    if (o->compare_zones) {
      c->zone_codes = tp_whatif_split_codes(o->compare_zones, &c->n_zone_codes);
      tp_whatif_by_zones(&c->zones, t, lab->facility_j, (const char *const *)c->zone_codes,
                         c->n_zone_codes);
    } else {
      tp_whatif_by_zones(&c->zones, t, lab->facility_j, NULL, 0);
    }
  }
  tp_whatif_by_pue(&c->pue, t, lab->it_j,
                   lab->facility_j > 0 ? lab->co2e_kg * 1000.0 / (lab->facility_j / S_KWH)
                                       : lab->assumptions.intensity_g_per_kwh);
  tp_whatif_lab_time(&c->time, lab, o->series, &c->n_time_priced);
  S_measurement(c);
}

static void S_ctx_free(S_ctx *c) {
  tp_uncertainty_free(&c->u);
  for (size_t i = 0; i < c->lab->n_experiments; i++) free(c->exp_words[i]);
  free(c->exp_words);
  tp_whatif_zones_free(&c->zones);
  tp_whatif_codes_free(c->zone_codes, c->n_zone_codes);
  tp_buf_free(&c->devices);
}

static const char *S_method_name(tp_energy_method m) { return tp_summary_method_name(m); }

/* "12 integrated, 3 estimated" over the methods used. */
static void S_methods_text(tp_buf *b, const S_ctx *c) {
  bool any = false;
  for (int m = TP_ENERGY_INTEGRATED; m <= TP_ENERGY_DECLARED; m++) {
    if (!c->n_by_method[m]) continue;
    tp_buf_printf(b, "%s%zu %s", any ? ", " : "", c->n_by_method[m], S_method_name(m));
    any = true;
  }
  if (c->n_by_method[TP_ENERGY_NONE])
    tp_buf_printf(b, "%s%zu without energy", any ? ", " : "", c->n_by_method[TP_ENERGY_NONE]);
}

/* " (SOURCE; data year YEAR)" of the intensity, escaped by esc. */
static void S_intensity_source(tp_buf *b, const tp_assumptions *a,
                               void (*esc)(tp_buf *, const char *)) {
  tp_buf_adds(b, " (");
  esc(b, a->intensity_source);
  if (a->intensity_year > 0) tp_buf_printf(b, "; data year %d", a->intensity_year);
  tp_buf_addc(b, ')');
}

/* What was measured and how: runs, methods, devices, sampling interval and
 * coverage, as LaTeX (latex) or Markdown text. */
static void S_measured_text(tp_buf *b, const S_ctx *c, bool latex) {
  void (*esc)(tp_buf *, const char *) = latex ? tp_publish_latex_escape : tp_publish_md_escape;
  char n[48];
  tp_buf_printf(b, "%zu training runs in %zu experiments (", c->lab->n_runs,
                c->lab->n_experiments);
  S_methods_text(b, c);
  tp_buf_adds(b, "). ");
  if (!c->devices.len) return;
  tp_buf_adds(b, "Power was logged per device (");
  esc(b, tp_buf_str(&c->devices));
  tp_buf_adds(b, ")");
  if (isfinite(c->interval_s))
    tp_buf_printf(b, " about every %s%ss", tp_publish_number(n, c->interval_s, 2),
                  latex ? "~" : " ");
  tp_buf_adds(b, " and integrated over each run's window (trapezoid rule); counters, where "
                 "used, were differenced. ");
  if (isfinite(c->coverage))
    tp_buf_printf(b, "The traces covered %s%s of the runs' device time. ",
                  tp_publish_number(n, c->coverage * 100, 3), latex ? "\\,\\%" : " %");
}

/* ======================================================================== */
/* footprint.tex                                                             */
/* ======================================================================== */

static void S_tex_def(tp_buf *b, const char *name, const char *value) {
  tp_buf_printf(b, "\\newcommand{\\%s}{%s}\n", name, value);
}

static void S_tex_num(tp_buf *b, const char *name, double v, int sig) {
  char n[48];
  S_tex_def(b, name, tp_publish_number(n, v, sig));
}

/* Name, NameLow, NameHigh, NameRange for r x scale. */
static void S_tex_range(tp_buf *b, const char *prefix, const char *qty, tp_range r,
                        double scale) {
  char name[256], v[48], text[160];
  snprintf(name, sizeof name, "%s%s", prefix, qty);
  S_tex_def(b, name, tp_publish_number(v, r.value * scale, S_SIG));
  snprintf(name, sizeof name, "%s%sLow", prefix, qty);
  S_tex_def(b, name, tp_publish_number(v, (isfinite(r.low) ? r.low : r.value) * scale, S_SIG));
  snprintf(name, sizeof name, "%s%sHigh", prefix, qty);
  S_tex_def(b, name,
            tp_publish_number(v, (isfinite(r.high) ? r.high : r.value) * scale, S_SIG));
  snprintf(name, sizeof name, "%s%sRange", prefix, qty);
  S_tex_def(b, name, S_range(text, sizeof text, r, scale, S_SIG, "--"));
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
  S_tex_range(b, prefix, "EnergyKWh", s->it_j, 1 / S_KWH);
  S_tex_range(b, prefix, "FacilityKWh", s->facility_j, 1 / S_KWH);
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
static void S_tex_methods(tp_buf *b, const S_ctx *c) {
  const tp_lab *lab = c->lab;
  const tp_assumptions *a = &lab->assumptions;
  char n1[48], n2[48];
  tp_buf_printf(b, "\\newcommand{\\tpMethods}{%%\n");
  tp_buf_adds(b, "We report the energy of ");
  S_measured_text(b, c, true);
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
    S_intensity_source(b, a, tp_publish_latex_escape);
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
                  tp_publish_number(n1, c->u.total.gap_peak_j / S_KWH, S_SIG),
                  tp_publish_number(n2, c->u.total.gap_idle_j / S_KWH, S_SIG));
  }
  tp_buf_adds(b, ". Figures were computed with trainprint~\\tpVersion{}.%\n}\n");
}

static void S_tex_table(tp_buf *b, const S_ctx *c) {
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

static void S_write_tex(tp_buf *b, const S_ctx *c) {
  const tp_lab *lab = c->lab;
  const tp_assumptions *a = &lab->assumptions;
  char text[160];
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
  tp_buf_adds(b, "\n");
  S_tex_def(b, "tpVersion", c->opts->version ? c->opts->version : "");
  S_tex_scope(b, "Total", &c->u.total, lab->n_runs);
  S_tex_num(b, "tpTotalGPUHours", lab->gpu_hours, S_SIG);
  S_tex_num(b, "tpCoverage", isfinite(c->coverage) ? c->coverage * 100 : NAN, S_SIG);
  S_tex_num(b, "tpSamplingIntervalS", c->interval_s, 2);
  S_tex_escaped_def(b, "tpDevices", tp_buf_str(&c->devices));
  S_tex_num(b, "tpPUE", a->pue, S_SIG);
  S_tex_num(b, "tpPUELow", isfinite(c->u.pue.low) ? c->u.pue.low : a->pue, S_SIG);
  S_tex_num(b, "tpPUEHigh", isfinite(c->u.pue.high) ? c->u.pue.high : a->pue, S_SIG);
  S_tex_escaped_def(b, "tpPUESource", a->pue_source);
  S_tex_num(b, "tpIntensity", a->intensity_g_per_kwh, S_SIG);
  S_tex_num(b, "tpIntensityLow",
            isfinite(c->u.intensity.low) ? c->u.intensity.low : a->intensity_g_per_kwh, S_SIG);
  S_tex_num(b, "tpIntensityHigh",
            isfinite(c->u.intensity.high) ? c->u.intensity.high : a->intensity_g_per_kwh, S_SIG);
  S_tex_escaped_def(b, "tpIntensitySource", a->intensity_source);
  snprintf(text, sizeof text, "%d", a->intensity_year);
  S_tex_def(b, "tpIntensityYear", a->intensity_year > 0 ? text : "unknown");
  S_tex_escaped_def(b, "tpZone", a->zone ? a->zone : "none");

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

  tp_buf_adds(b, "\n% what-if\n");
  if (c->zones.n) {
    const tp_whatif_zone *lo = &c->zones.rows[c->zones.i_min], *hi = &c->zones.rows[c->zones.i_max];
    S_tex_escaped_def(b, "tpWhatifCleanestZone", lo->zone->name);
    S_tex_num(b, "tpWhatifCleanestCarbonKg", lo->co2e_kg, S_SIG);
    S_tex_escaped_def(b, "tpWhatifDirtiestZone", hi->zone->name);
    S_tex_num(b, "tpWhatifDirtiestCarbonKg", hi->co2e_kg, S_SIG);
    S_tex_num(b, "tpWhatifZoneFactor", c->zones.factor, 2);
  }
  S_tex_num(b, "tpWhatifTypicalPUE", c->pue.typical_pue, S_SIG);
  S_tex_num(b, "tpWhatifTypicalCarbonKg", c->pue.typical_co2e_kg, S_SIG);
  S_tex_num(b, "tpWhatifEfficientPUE", c->pue.efficient_pue, S_SIG);
  S_tex_num(b, "tpWhatifEfficientCarbonKg", c->pue.efficient_co2e_kg, S_SIG);
  if (c->time.shift_ok || c->time.pause_ok) {
    S_tex_num(b, "tpWhatifSeriesCarbonKg", c->time.co2e_kg_actual, S_SIG);
    S_tex_num(b, "tpWhatifBestStartCarbonKg", c->time.co2e_kg_best, S_SIG);
    S_tex_num(b, "tpWhatifPausableCarbonKg", c->time.co2e_kg_pausable, S_SIG);
  }
  if (c->opts->equivalents && c->tables) {
    static const char *const names[] = {"tpEquivCarKm", "tpEquivFlights",
                                        "tpEquivHouseholdYears"};
    tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
    size_t ne = tp_whatif_equivalents(c->tables, lab->co2e_kg, eq);
    for (size_t k = 0; k < ne; k++)
      for (size_t j = 0; j < TP_WHATIF_N_EQUIVALENTS; j++)
        if (strcmp(eq[k].row->name, TP_WHATIF_EQUIVALENTS[j]) == 0)
          S_tex_num(b, names[j], eq[k].amount, S_SIG);
  }
  tp_buf_adds(b, "\n");
  S_tex_table(b, c);
  S_tex_methods(b, c);
}

/* ======================================================================== */
/* footprint.md                                                              */
/* ======================================================================== */

static void S_md_range(tp_buf *b, tp_range r, double scale) {
  char t[160];
  tp_buf_adds(b, tp_publish_range_text(t, sizeof t, r, scale, S_SIG));
}

/* A total over runs of which `known` of `total` have a known energy:
 * "3 of 5 runs: X (the rest unknown)" when some lack one, "unknown" when
 * none has one. */
static void S_md_part(tp_buf *b, tp_range r, double scale, size_t known, size_t total) {
  if (known == 0 || !isfinite(r.value)) {
    tp_buf_adds(b, "unknown");
    return;
  }
  if (known < total) tp_buf_printf(b, "%zu of %zu runs: ", known, total);
  S_md_range(b, r, scale);
  if (known < total) tp_buf_adds(b, " (the rest unknown)");
}

static void S_md_whatif(tp_buf *b, const S_ctx *c) {
  const tp_lab *lab = c->lab;
  char n1[48], n2[48], n3[48];
  tp_buf_adds(b, "\n## What if\n\n");
  if (c->zones.n) {
    tp_buf_printf(b, "**By location.** The same facility energy (%s kWh) priced at the annual "
                     "intensity of other grids",
                  tp_publish_number(n1, lab->facility_j / S_KWH, S_SIG));
    if (isfinite(c->zones.factor))
      tp_buf_printf(b, ": %s× between the cleanest and the dirtiest",
                    tp_publish_number(n2, c->zones.factor, 2));
    tp_buf_adds(b, ".\n\n| zone | name | gCO2e/kWh | year | CO2e (kg) |\n|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < c->zones.n; i++) {
      const tp_whatif_zone *z = &c->zones.rows[i];
      tp_buf_adds(b, "| ");
      tp_publish_md_escape(b, z->code);
      tp_buf_adds(b, " | ");
      tp_publish_md_escape(b, z->zone->name);
      tp_buf_printf(b, " | %s | %d | %s |\n", tp_publish_number(n1, z->zone->intensity_g_per_kwh, S_SIG),
                    z->zone->year, tp_publish_number(n2, z->co2e_kg, S_SIG));
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
                tp_publish_number(n1, c->pue.typical_pue, S_SIG));
  tp_publish_md_escape(b, c->pue.typical_source);
  tp_buf_printf(b, ") emits %s kg CO2e; in an efficient hyperscale one (PUE %s: ",
                tp_publish_number(n2, c->pue.typical_co2e_kg, S_SIG),
                tp_publish_number(n3, c->pue.efficient_pue, S_SIG));
  tp_publish_md_escape(b, c->pue.efficient_source);
  tp_buf_printf(b, ") %s kg.\n\n", tp_publish_number(n1, c->pue.efficient_co2e_kg, S_SIG));
  if (c->time.shift_ok || c->time.pause_ok) {
    tp_buf_printf(b, "**By time.** Priced with the intensity series, the runs emitted %s kg. "
                     "Started at the best hour within the next 24 hours: %s kg. Run only in "
                     "the cleanest hours up to 24 hours after their end (pausing, same energy "
                     "and power): %s kg. (%zu of %zu runs priced by both.)\n\n",
                  tp_publish_number(n1, c->time.co2e_kg_actual, S_SIG),
                  tp_publish_number(n2, c->time.co2e_kg_best, S_SIG),
                  tp_publish_number(n3, c->time.co2e_kg_pausable, S_SIG), c->n_time_priced,
                  lab->n_runs);
  }
  if (c->opts->equivalents && c->tables) {
    tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
    size_t ne = tp_whatif_equivalents(c->tables, lab->co2e_kg, eq);
    if (ne) tp_buf_adds(b, "**Equivalents** of the total CO2e:\n\n");
    for (size_t k = 0; k < ne; k++) {
      tp_buf_printf(b, "- %s × ", tp_publish_number(n1, eq[k].amount, S_SIG));
      tp_publish_md_escape(b, eq[k].row->unit);
      tp_buf_adds(b, " (");
      tp_publish_md_escape(b, eq[k].row->source);
      tp_buf_adds(b, ")\n");
    }
    if (ne) tp_buf_adds(b, "\n");
  }
}

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
static void S_model_card(tp_buf *b, const S_ctx *c, size_t i) {
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
    tp_buf_adds(b, tp_publish_number(n1, e->co2e_kg * 1000, 4));
    tp_buf_printf(b, "  # grams CO2e; range %s-%s g",
                  tp_publish_number(n2, c->u.experiments[i].co2e_kg.low * 1000, 4),
                  tp_publish_number(n3, c->u.experiments[i].co2e_kg.high * 1000, 4));
    if (known < e->n_runs)
      tp_buf_printf(b, "; %zu of %zu runs (the rest unknown)", known, e->n_runs);
    tp_buf_adds(b, "\n");
  }
  if (known < e->n_runs)
    tp_buf_printf(&t, "trainprint %s (energy known for %zu of %zu runs; PUE %s; intensity: %s)",
                  c->opts->version ? c->opts->version : "", known, e->n_runs,
                  tp_publish_number(n1, a->pue, S_SIG),
                  a->intensity_source ? a->intensity_source : "");
  else
    tp_buf_printf(&t, "trainprint %s (power traces of %zu runs; PUE %s; intensity: %s)",
                  c->opts->version ? c->opts->version : "", e->n_runs,
                  tp_publish_number(n1, a->pue, S_SIG),
                  a->intensity_source ? a->intensity_source : "");
  tp_buf_adds(b, "  source: ");
  S_yaml_quote(b, tp_buf_str(&t));
  tp_buf_adds(b, "\n  training_type: ");
  S_yaml_quote(b, c->opts->training_type ? c->opts->training_type : "pre-training");
  tp_buf_adds(b, "  # or fine-tuning\n  geographical_location: ");
  tp_buf_clear(&t);
  if (a->intensity_series) tp_buf_adds(&t, "intensity series");
  else if (a->zone) {
    const tp_zone_intensity *z = c->tables ? tp_reftable_find_zone(c->tables, a->zone) : NULL;
    tp_buf_adds(&t, z ? z->name : a->zone);
  } else tp_buf_adds(&t, "unknown");
  S_yaml_quote(b, tp_buf_str(&t));
  tp_buf_adds(b, "\n  hardware_used: ");
  tp_buf_clear(&t);
  S_hardware(&t, lab, e);
  S_yaml_quote(b, tp_buf_str(&t));
  tp_buf_adds(b, "\n");
  tp_buf_free(&t);
}

static void S_write_md(tp_buf *b, const S_ctx *c) {
  const tp_lab *lab = c->lab;
  const tp_assumptions *a = &lab->assumptions;
  char n1[48], n2[48];
  tp_buf_adds(b, "# Energy and carbon footprint\n\n");
  tp_buf_adds(b, "| experiment | configuration | runs | IT energy (kWh) | facility energy (kWh) "
                 "| CO2e (kg) |\n|---|---|---:|---|---|---|\n");
  for (size_t i = 0; i < lab->n_experiments; i++) {
    const tp_experiment *e = &lab->experiments[i];
    const tp_uncertainty_sum *s = &c->u.experiments[i];
    tp_buf_adds(b, "| ");
    tp_publish_md_escape(b, e->name);
    tp_buf_printf(b, " | all | %zu | ", e->n_runs);
    S_md_part(b, s->it_j, 1 / S_KWH, s->n_known, e->n_runs);
    tp_buf_adds(b, " | ");
    S_md_part(b, s->facility_j, 1 / S_KWH, s->n_known, e->n_runs);
    tp_buf_adds(b, " | ");
    S_md_part(b, s->co2e_kg, 1, s->n_known, e->n_runs);
    tp_buf_adds(b, " |\n");
    for (size_t k = 0; k < e->n_configs; k++) {
      const tp_uncertainty_sum *cs = &c->u.configs[i][k];
      tp_buf_adds(b, "| ");
      tp_publish_md_escape(b, e->name);
      tp_buf_adds(b, " | ");
      tp_publish_md_escape(b, e->configs[k].config[0] ? e->configs[k].config : "(no hparams)");
      tp_buf_printf(b, " | %zu | ", e->configs[k].n_runs);
      size_t ck = cs->n_known, cn = e->configs[k].n_runs;
      S_md_part(b, cs->it_j, 1 / S_KWH, ck, cn);
      tp_buf_adds(b, ck ? " (mean) | " : " | ");
      S_md_part(b, cs->facility_j, 1 / S_KWH, ck, cn);
      tp_buf_adds(b, ck ? " (mean) | " : " | ");
      S_md_part(b, cs->co2e_kg, 1, ck, cn);
      tp_buf_adds(b, ck ? " (mean) |\n" : " |\n");
    }
  }
  tp_buf_printf(b, "| **total** | | %zu | ", lab->n_runs);
  size_t tk = c->u.total.n_known;
  S_md_part(b, c->u.total.it_j, 1 / S_KWH, tk, lab->n_runs);
  tp_buf_adds(b, " | ");
  S_md_part(b, c->u.total.facility_j, 1 / S_KWH, tk, lab->n_runs);
  tp_buf_adds(b, " | ");
  S_md_part(b, c->u.total.co2e_kg, 1, tk, lab->n_runs);
  tp_buf_adds(b, " |\n\nFigures are `value (low–high)`; configuration rows are means over their "
                 "runs.\n\n## Method\n\n");

  S_measured_text(b, c, false);
  tp_buf_printf(b, "CO2e = IT energy × PUE × carbon intensity. PUE %s (",
                tp_publish_number(n1, a->pue, S_SIG));
  tp_publish_md_escape(b, a->pue_source);
  tp_buf_printf(b, "); range %s–%s: ", tp_publish_number(n1, c->u.pue.low, S_SIG),
                tp_publish_number(n2, c->u.pue.high, S_SIG));
  tp_publish_md_escape(b, c->u.pue_basis);
  tp_buf_printf(b, ". Carbon intensity %s gCO2e/kWh%s",
                tp_publish_number(n1, a->intensity_g_per_kwh, S_SIG),
                a->intensity_series ? " (mean of a series, priced interval by interval)" : "");
  if (a->zone && !a->intensity_series) {
    tp_buf_adds(b, ", zone ");
    tp_publish_md_escape(b, a->zone);
  }
  S_intensity_source(b, a, tp_publish_md_escape);
  tp_buf_adds(b, "; range ");
  if (isfinite(c->u.intensity.low))
    tp_buf_printf(b, "%s–%s: ", tp_publish_number(n1, c->u.intensity.low, S_SIG),
                  tp_publish_number(n2, c->u.intensity.high, S_SIG));
  tp_publish_md_escape(b, c->u.intensity_basis);
  tp_buf_adds(b, ". Gaps in the power traces count as 0 in the figures and at the device's "
                 "peak power in the high bound");
  if (c->u.total.gap_device_s > 0)
    tp_buf_printf(b, " (%s kWh at the peak; %s kWh if the devices idled)",
                  tp_publish_number(n1, c->u.total.gap_peak_j / S_KWH, S_SIG),
                  tp_publish_number(n2, c->u.total.gap_idle_j / S_KWH, S_SIG));
  tp_buf_printf(b, ". Computed with trainprint %s.\n",
                c->opts->version ? c->opts->version : "");

  S_md_whatif(b, c);

  tp_buf_adds(b, "## Model cards\n\nHugging Face `co2_eq_emissions` metadata per experiment "
                 "(also in `model-card-*.yaml`):\n");
  for (size_t i = 0; i < lab->n_experiments; i++) {
    tp_buf_adds(b, "\n");
    tp_publish_md_escape(b, lab->experiments[i].name);
    tp_buf_adds(b, ":\n\n```yaml\n");
    S_model_card(b, c, i);
    tp_buf_adds(b, "```\n");
  }
}

/* ======================================================================== */
/* references.bib                                                            */
/* ======================================================================== */

static const char S_BIB[] =
    "@article{patterson2021carbon,\n"
    "  author = {Patterson, David and Gonzalez, Joseph and Le, Quoc and Liang, Chen and "
    "Munguia, Lluis-Miquel and Rothchild, Daniel and So, David and Texier, Maud and Dean, "
    "Jeff},\n"
    "  title = {Carbon Emissions and Large Neural Network Training},\n"
    "  journal = {arXiv preprint arXiv:2104.10350},\n  year = {2021}\n}\n\n"
    "@inproceedings{strubell2019energy,\n"
    "  author = {Strubell, Emma and Ganesh, Ananya and McCallum, Andrew},\n"
    "  title = {Energy and Policy Considerations for Deep Learning in {NLP}},\n"
    "  booktitle = {Proceedings of the 57th Annual Meeting of the Association for "
    "Computational Linguistics},\n  pages = {3645--3650},\n  year = {2019}\n}\n\n"
    "@article{henderson2020towards,\n"
    "  author = {Henderson, Peter and Hu, Jieru and Romoff, Joshua and Brunskill, Emma and "
    "Jurafsky, Dan and Pineau, Joelle},\n"
    "  title = {Towards the Systematic Reporting of the Energy and Carbon Footprints of "
    "Machine Learning},\n"
    "  journal = {Journal of Machine Learning Research},\n  volume = {21},\n"
    "  number = {248},\n  pages = {1--43},\n  year = {2020}\n}\n\n"
    "@article{lannelongue2021green,\n"
    "  author = {Lannelongue, Lo{\\\"\\i}c and Grealey, Jason and Inouye, Michael},\n"
    "  title = {Green Algorithms: Quantifying the Carbon Footprint of Computation},\n"
    "  journal = {Advanced Science},\n  volume = {8},\n  number = {12},\n"
    "  pages = {2100707},\n  year = {2021}\n}\n\n"
    "@article{lacoste2019quantifying,\n"
    "  author = {Lacoste, Alexandre and Luccioni, Alexandra and Schmidt, Victor and "
    "Dandres, Thomas},\n"
    "  title = {Quantifying the Carbon Emissions of Machine Learning},\n"
    "  journal = {arXiv preprint arXiv:1910.09700},\n  year = {2019}\n}\n\n"
    "@inproceedings{dodge2022measuring,\n"
    "  author = {Dodge, Jesse and Prewitt, Taylor and Tachet des Combes, Remi and Odmark, "
    "Erika and Schwartz, Roy and Strubell, Emma and Luccioni, Alexandra Sasha and Smith, "
    "Noah A. and DeCario, Nicole and Buchanan, Will},\n"
    "  title = {Measuring the Carbon Intensity of {AI} in Cloud Instances},\n"
    "  booktitle = {Proceedings of the 2022 ACM Conference on Fairness, Accountability, and "
    "Transparency (FAccT)},\n  pages = {1877--1894},\n  year = {2022}\n}\n\n"
    "@misc{uptime2023survey,\n"
    "  author = {{Uptime Institute}},\n"
    "  title = {Global Data Center Survey 2023},\n  year = {2023},\n"
    "  note = {Industry-average annual PUE 1.58}\n}\n\n"
    "@misc{uptime2020regions,\n"
    "  author = {Lawrence, Andy},\n"
    "  title = {Which regions have the most energy efficient data centers?},\n"
    "  howpublished = {Uptime Institute Journal, "
    "\\url{https://journal.uptimeinstitute.com/datacenter-energy-efficiency-by-region/}},\n"
    "  year = {2020},\n"
    "  note = {Regional average PUE from 1.46 (Europe) to 1.79 (Middle East and Africa)}\n}\n\n"
    "@misc{google2023pue,\n"
    "  author = {{Google}},\n  title = {Data center efficiency},\n"
    "  howpublished = {\\url{https://www.google.com/about/datacenters/efficiency/}},\n"
    "  year = {2023},\n  note = {Fleet-wide average PUE about 1.10}\n}\n\n"
    "@misc{owid2024energy,\n"
    "  author = {{Our World in Data}},\n"
    "  title = {Energy dataset: carbon intensity of electricity generation},\n"
    "  howpublished = {\\url{https://github.com/owid/energy-data}},\n"
    "  note = {Based on Ember Yearly Electricity Data and Energy Institute Statistical "
    "Review of World Energy; CC BY 4.0},\n  year = {2024}\n}\n\n"
    "@misc{epa2024egrid,\n"
    "  author = {{U.S. Environmental Protection Agency}},\n"
    "  title = {Emissions \\& Generation Resource Integrated Database (eGRID2022)},\n"
    "  howpublished = {\\url{https://www.epa.gov/egrid}},\n  year = {2024}\n}\n\n"
    "@misc{hf2022co2,\n"
    "  author = {{Hugging Face}},\n"
    "  title = {Displaying carbon emissions for your model},\n"
    "  howpublished = {\\url{https://huggingface.co/docs/hub/model-cards-co2}},\n"
    "  year = {2022}\n}\n\n";

static void S_write_bib(tp_buf *b, const S_ctx *c) {
  const tp_assumptions *a = &c->lab->assumptions;
  tp_buf_adds(b, "% references.bib: sources of the figures, written by trainprint.\n"
                 "% \\url needs the url or hyperref package.\n\n");
  tp_buf_adds(b, S_BIB);
  tp_buf_adds(b, "@misc{trainprint,\n  title = {trainprint: energy and {CO$_2$e} of "
                 "machine-learning training runs},\n  note = {Version ");
  tp_publish_latex_escape(b, c->opts->version ? c->opts->version : "");
  tp_buf_adds(b, "}\n}\n\n@misc{tpintensity,\n  title = {Carbon intensity used");
  if (a->zone) {
    tp_buf_adds(b, " (zone ");
    tp_publish_latex_escape(b, a->zone);
    tp_buf_adds(b, ")");
  }
  tp_buf_adds(b, "},\n  note = {");
  tp_publish_latex_escape(b, a->intensity_source);
  tp_buf_adds(b, "}");
  if (a->intensity_year > 0) tp_buf_printf(b, ",\n  year = {%d}", a->intensity_year);
  tp_buf_adds(b, "\n}\n");
  if (c->opts->equivalents && c->tables) {
    tp_whatif_equivalent eq[TP_WHATIF_N_EQUIVALENTS];
    size_t ne = tp_whatif_equivalents(c->tables, c->lab->co2e_kg, eq);
    for (size_t k = 0; k < ne; k++) {
      tp_buf_printf(b, "\n@misc{tpequiv%c,\n  title = {", (char)('a' + k));
      tp_publish_latex_escape(b, eq[k].row->unit);
      tp_buf_adds(b, "},\n  note = {");
      tp_publish_latex_escape(b, eq[k].row->source);
      tp_buf_adds(b, "}\n}\n");
    }
  }
}

/* ======================================================================== */
/* what-if by location: CSV and chart                                        */
/* ======================================================================== */

static void S_write_zones_csv(tp_buf *b, const S_ctx *c) {
  char n[48];
  tp_buf_adds(b, "zone,name,gco2e_per_kwh,year,facility_kwh,co2e_kg,factor_vs_cleanest,source\n");
  double lo = c->zones.n ? c->zones.rows[c->zones.i_min].co2e_kg : NAN;
  for (size_t i = 0; i < c->zones.n; i++) {
    const tp_whatif_zone *z = &c->zones.rows[i];
    tp_csvout_field(b, z->code);
    tp_buf_addc(b, ',');
    tp_csvout_field(b, z->zone->name);
    tp_buf_printf(b, ",%s,%d,", tp_fmt_double(n, z->zone->intensity_g_per_kwh), z->zone->year);
    /* Unknown energy: empty cells, never "nan" or 0. */
    if (isfinite(c->zones.facility_j)) tp_buf_printf(b, "%.6f", c->zones.facility_j / S_KWH);
    tp_buf_addc(b, ',');
    if (isfinite(z->co2e_kg)) tp_buf_printf(b, "%.6f", z->co2e_kg);
    tp_buf_addc(b, ',');
    if (lo > 0) tp_buf_printf(b, "%.4f", z->co2e_kg / lo);
    tp_buf_addc(b, ',');
    tp_csvout_field(b, z->zone->source);
    tp_buf_addc(b, '\n');
  }
}

static tp_chart *S_zones_chart(const S_ctx *c) {
  tp_chart *ch = tp_chart_new(TP_CHART_BAR, "CO2e of the same energy by grid zone",
                              "The lab's facility energy priced at the annual carbon intensity "
                              "of each grid zone.");
  tp_chart_set_id(ch, "whatif-zones");
  tp_chart_axis_set(&ch->x, TP_AXIS_CATEGORY, "Grid zone", NULL);
  tp_chart_axis_set(&ch->y, TP_AXIS_NUMBER, "CO2e", "g");
  tp_chart_series *s = tp_chart_add_series(ch, "CO2e", 0, TP_DRAW_BARS);
  for (size_t i = 0; i < c->zones.n; i++) {
    double x = (double)tp_chart_add_category(&ch->x, c->zones.rows[i].code);
    tp_chart_series_add(s, x, c->zones.rows[i].co2e_kg * 1000);
  }
  return ch;
}

static int S_put(tp_site *site, const char *path, tp_buf *b, char **err) {
  int rc = tp_site_write(site, path, tp_buf_str(b), b->len, err);
  tp_buf_clear(b);
  return rc;
}

int tp_publish_write(tp_site *site, const tp_lab *lab, const tp_reftables *tables,
                     const tp_publish_opts *opts, char **err) {
  tp_publish_opts def = tp_publish_opts_default();
  S_ctx c;
  S_ctx_init(&c, lab, tables, opts ? opts : &def);
  tp_buf b = {0};
  int rc = 0;
  S_write_tex(&b, &c);
  rc = S_put(site, "publish/footprint.tex", &b, err);
  if (rc == 0) {
    S_write_md(&b, &c);
    rc = S_put(site, "publish/footprint.md", &b, err);
  }
  for (size_t i = 0; rc == 0 && i < lab->n_experiments; i++) {
    char *slug = tp_site_slug(lab->experiments[i].name);
    char *path = tp_xasprintf("publish/model-card-%s.yaml", slug);
    tp_buf_adds(&b, "# Hugging Face model card metadata (https://huggingface.co/docs/hub/"
                    "model-cards-co2) for experiment ");
    S_yaml_quote(&b, lab->experiments[i].name);
    tp_buf_adds(&b, ",\n# written by trainprint; paste into the card's YAML front matter.\n");
    S_model_card(&b, &c, i);
    rc = S_put(site, path, &b, err);
    free(path);
    free(slug);
  }
  if (rc == 0) {
    S_write_bib(&b, &c);
    rc = S_put(site, "publish/references.bib", &b, err);
  }
  if (rc == 0 && c.zones.n) {
    S_write_zones_csv(&b, &c);
    rc = S_put(site, "publish/whatif-zones.csv", &b, err);
    tp_chart *ch = S_zones_chart(&c);
    static const struct {
      const char *path;
      tp_chart_format fmt;
    } outs[] = {{"publish/whatif-zones.svg", TP_CHART_SVG},
                {"publish/whatif-zones.pdf", TP_CHART_PDF},
                {"publish/whatif-zones.png", TP_CHART_PNG}};
    for (size_t k = 0; rc == 0 && k < sizeof outs / sizeof outs[0]; k++) {
      char *p = tp_site_path(site, outs[k].path, err);
      rc = p ? tp_chart_write(ch, outs[k].fmt, p, err) : -1;
      free(p);
    }
    tp_chart_free(ch);
  }
  tp_buf_free(&b);
  S_ctx_free(&c);
  return rc;
}
