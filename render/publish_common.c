/* publish_common: what every export writer uses (see publish_impl.h): text
 * escaped for LaTeX, Markdown and YAML, macro names, and the context computed
 * once (ranges, macro words, what-ifs, how the energy was measured).
 */
#include "render/publish_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/summary.h"

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
void tp_publish_yaml_quote(tp_buf *b, const char *s) {
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

static int S_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Coverage, sampling interval, device names and methods over the lab. */
static void S_measurement(tp_publish_ctx *c) {
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
      uint64_t ns, nb; /* read without the arrays (model/runspill.h) */
      tp_power_profile_counts(pp, &ns, &nb);
      double samples = (double)ns, buckets = (double)nb;
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

void tp_publish_ctx_init(tp_publish_ctx *c, const tp_lab *lab, const tp_reftables *t,
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
                   lab->facility_j > 0 ? tp_units_g_per_kwh(lab->co2e_kg, lab->facility_j)
                                       : lab->assumptions.intensity_g_per_kwh);
  tp_whatif_lab_time(&c->time, lab, o->series, &c->n_time_priced);
  S_measurement(c);
}

void tp_publish_ctx_free(tp_publish_ctx *c) {
  tp_uncertainty_free(&c->u);
  for (size_t i = 0; i < c->lab->n_experiments; i++) free(c->exp_words[i]);
  free(c->exp_words);
  tp_whatif_zones_free(&c->zones);
  tp_whatif_codes_free(c->zone_codes, c->n_zone_codes);
  tp_buf_free(&c->devices);
}

/* "12 integrated, 3 estimated" over the methods used. */
void tp_publish_methods_text(tp_buf *b, const tp_publish_ctx *c) {
  bool any = false;
  for (int m = TP_ENERGY_INTEGRATED; m <= TP_ENERGY_DECLARED; m++) {
    if (!c->n_by_method[m]) continue;
    tp_buf_printf(b, "%s%zu %s", any ? ", " : "", c->n_by_method[m], tp_summary_method_name(m));
    any = true;
  }
  if (c->n_by_method[TP_ENERGY_NONE])
    tp_buf_printf(b, "%s%zu without energy", any ? ", " : "", c->n_by_method[TP_ENERGY_NONE]);
}

double tp_publish_gpu_hours(double h, size_t n_known) { return n_known || h > 0 ? h : NAN; }

/* " (SOURCE; data year YEAR)" of the intensity, escaped by esc. */
void tp_publish_intensity_source(tp_buf *b, const tp_assumptions *a,
                               void (*esc)(tp_buf *, const char *)) {
  tp_buf_adds(b, " (");
  esc(b, a->intensity_source);
  if (a->intensity_year > 0) tp_buf_printf(b, "; data year %d", a->intensity_year);
  tp_buf_addc(b, ')');
}

/* What was measured and how: runs, methods, devices, sampling interval and
 * coverage, as LaTeX (latex) or Markdown text. */
void tp_publish_measured_text(tp_buf *b, const tp_publish_ctx *c, bool latex) {
  void (*esc)(tp_buf *, const char *) = latex ? tp_publish_latex_escape : tp_publish_md_escape;
  char n[48];
  tp_buf_printf(b, "%zu training runs in %zu experiments (", c->lab->n_runs,
                c->lab->n_experiments);
  tp_publish_methods_text(b, c);
  tp_buf_adds(b, "). ");
  if (!c->devices.len) return;
  tp_buf_adds(b, "Power was logged per device (");
  esc(b, tp_buf_str(&c->devices));
  tp_buf_adds(b, ")");
  if (isfinite(c->interval_s))
    tp_buf_printf(b, " about every %s%ss", tp_units_number(n, c->interval_s, 2),
                  latex ? "~" : " ");
  tp_buf_adds(b, " and integrated over each run's window (trapezoid rule); counters, where "
                 "used, were differenced. ");
  if (isfinite(c->coverage))
    tp_buf_printf(b, "The traces covered %s%s of the runs' device time. ",
                  tp_units_number(n, c->coverage * 100, 3), latex ? "\\,\\%" : " %");
}
