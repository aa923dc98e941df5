/* estimate: Green Algorithms-style energy from declared hardware. */
#include "model/estimate.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#define S_MAX_WORDS 12
#define S_WORD_LEN 24

/* A model name as its significant words, lower case. */
typedef struct S_words {
  char w[S_MAX_WORDS][S_WORD_LEN];
  size_t n;
} S_words;

static bool S_noise(const char *w) {
  static const char *const noise[] = {"nvidia", "tesla", "intel", "amd", "google", "r", "tm", "cpu",
                                      "processor"};
  for (size_t i = 0; i < sizeof noise / sizeof *noise; i++)
    if (strcmp(w, noise[i]) == 0) return true;
  return false;
}

static void S_split(const char *s, S_words *out) {
  out->n = 0;
  char cur[S_WORD_LEN];
  size_t len = 0;
  for (const char *p = s;; p++) {
    bool end = !*p || *p == '@';
    if (!end && isalnum((unsigned char)*p)) {
      if (len + 1 < S_WORD_LEN) cur[len++] = (char)tolower((unsigned char)*p);
      continue;
    }
    if (len) {
      cur[len] = '\0';
      if (!S_noise(cur) && out->n < S_MAX_WORDS) memcpy(out->w[out->n++], cur, len + 1);
      len = 0;
    }
    if (end) break;
  }
}

/* Does a begin with all of b's words? */
static bool S_begins(const S_words *a, const S_words *b) {
  if (b->n == 0 || b->n > a->n) return false;
  for (size_t i = 0; i < b->n; i++)
    if (strcmp(a->w[i], b->w[i]) != 0) return false;
  return true;
}

/* The first word holding a digit ("a100", "8480"), or NULL. */
static const char *S_family(const S_words *a) {
  for (size_t i = 0; i < a->n; i++)
    for (const char *p = a->w[i]; *p; p++)
      if (isdigit((unsigned char)*p)) return a->w[i];
  return NULL;
}

const tp_hardware *tp_estimate_find_hardware(const tp_reftables *t, tp_hw_kind kind,
                                             const char *model, bool *ambiguous) {
  if (ambiguous) *ambiguous = false;
  if (!model) return NULL;
  S_words q, r;
  S_split(model, &q);
  if (q.n == 0) return NULL;
  const char *qfam = S_family(&q);
  const tp_hardware *prefix = NULL, *wide = NULL;
  size_t prefix_n = 0;
  for (size_t i = 0; i < t->n_hardware; i++) {
    const tp_hardware *h = &t->hardware[i];
    if (h->kind != kind) continue;
    S_split(h->model, &r);
    if (r.n == q.n && S_begins(&q, &r)) return h;
    if (S_begins(&q, &r) && r.n > prefix_n) {
      prefix = h;
      prefix_n = r.n;
    }
    const char *rfam = S_family(&r);
    if (S_begins(&r, &q) || (qfam && rfam && strcmp(qfam, rfam) == 0))
      if (!wide || h->tdp_w > wide->tdp_w) wide = h;
  }
  if (prefix) return prefix;
  if (wide && ambiguous) *ambiguous = true;
  return wide;
}

static double S_or(double v, double dflt) { return isnan(v) ? dflt : v; }

/* Rated power of one part: its table row's TDP, or 0 with a diagnostic. */
static const tp_hardware *S_part(const tp_reftables *t, tp_hw_kind kind, const char *model,
                                 tp_diags *d) {
  bool amb;
  const char *what = kind == TP_HW_CPU ? "CPU" : "GPU";
  const tp_hardware *h = tp_estimate_find_hardware(t, kind, model, &amb);
  if (!h && kind == TP_HW_GPU) h = tp_estimate_find_hardware(t, TP_HW_TPU, model, &amb);
  if (!h)
    tp_diag_add(d, TP_WARN, NULL, -1, -1,
                "%s \"%s\" is not in the hardware table; its power is left out of the estimate",
                what, model ? model : "(none)");
  else if (amb)
    tp_diag_add(d, TP_NOTE, NULL, -1, -1,
                "%s \"%s\" matches several rows of the hardware table; the highest rated "
                "power, %g W (%s), is used",
                what, model, h->tdp_w, h->model);
  return h;
}

int tp_estimate_power(tp_estimate *out, const tp_reftables *t, const tp_hw_decl *hw,
                      tp_diags *d) {
  memset(out, 0, sizeof *out);
  bool any = false;
  double n_gpus = S_or(hw->n_gpus, 0);
  if (n_gpus > 0 && (out->gpu = S_part(t, TP_HW_GPU, hw->gpu_model, d))) {
    out->gpu_w = n_gpus * out->gpu->tdp_w * S_or(hw->gpu_util, 1.0);
    any = true;
  }
  double n_cpus = S_or(hw->n_cpus, 0), cores = S_or(hw->n_cpu_cores, 0);
  double chip_cores = S_or(hw->cpu_chip_cores, 0);
  if (n_cpus <= 0 && cores > 0 && chip_cores <= 0) {
    tp_diag_add(d, TP_WARN, NULL, -1, -1,
                "%g CPU cores declared without the processor's core count; the CPU's "
                "power is left out of the estimate",
                cores);
  } else if ((n_cpus > 0 || cores > 0) && (out->cpu = S_part(t, TP_HW_CPU, hw->cpu_model, d))) {
    double chips = n_cpus > 0 ? n_cpus : cores / chip_cores;
    out->cpu_w = chips * out->cpu->tdp_w * S_or(hw->cpu_util, 1.0);
    any = true;
  }
  double mem = S_or(hw->memory_gb, 0);
  if (mem > 0) {
    out->memory_w = mem * TP_MEMORY_W_PER_GB;
    any = true;
  }
  out->power_w = out->gpu_w + out->cpu_w + out->memory_w;
  return any ? 0 : -1;
}

int tp_estimate_apply(tp_run_energy *re, const tp_estimate *est, double duration_s) {
  if (!(duration_s > 0) || !isfinite(duration_s) || !(est->power_w > 0)) return -1;
  if (re->method != TP_ENERGY_NONE && re->method != TP_ENERGY_ESTIMATED) return 0;
  re->method = TP_ENERGY_ESTIMATED;
  re->it_j = est->power_w * duration_s;
  re->coverage = 1;
  return 0;
}
