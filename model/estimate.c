/* estimate: Green Algorithms-style energy from declared hardware. */
#include "model/estimate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/jobspans.h"
#include "model/mem.h"
#include "model/slurmjob.h"

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

/* The first word holding a digit ("a100", "8480"), or NULL.  A word of one
 * or two characters ("2" of "Core 2 Duo", "9" of "Ryzen 9") names no family:
 * it would tie unrelated parts together. */
static const char *S_family(const S_words *a) {
  for (size_t i = 0; i < a->n; i++)
    for (const char *p = a->w[i]; *p; p++)
      if (isdigit((unsigned char)*p)) return strlen(a->w[i]) >= 3 ? a->w[i] : NULL;
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

/* The CPU term: whole processors x TDP, or cores used x TDP / cores per
 * processor (Green Algorithms' power per core), x utilization.  Returns 0
 * when it could be given, -1 when the declaration has no CPU part or it was
 * left out (with a diagnostic naming why). */
static int S_cpu_power(tp_estimate *out, const tp_reftables *t, const tp_hw_decl *hw,
                       tp_diags *d) {
  double n_cpus = S_or(hw->n_cpus, 0), cores = S_or(hw->n_cpu_cores, 0);
  double chip_cores = S_or(hw->cpu_chip_cores, 0), util = S_or(hw->cpu_util, 1.0);
  if (!hw->cpu_model) {
    if (n_cpus > 0 || cores > 0)
      tp_diag_add(d, TP_WARN, NULL, -1, -1,
                  "%g CPU %s declared without a CPU model; the CPU's power is left out of "
                  "the estimate",
                  n_cpus > 0 ? n_cpus : cores, n_cpus > 0 ? "processors" : "cores");
    return -1;
  }
  if (!(out->cpu = S_part(t, TP_HW_CPU, hw->cpu_model, d))) return -1;
  const tp_hardware *h = out->cpu;
  if (n_cpus > 0) {
    out->cpu_w = n_cpus * h->tdp_w * util;
    return 0;
  }
  if (chip_cores <= 0) chip_cores = h->cores;
  if (cores <= 0) {
    /* No count given: one whole processor, all its cores. */
    out->cpu_w = h->tdp_w * util;
    if (chip_cores > 0)
      tp_diag_add(d, TP_NOTE, NULL, -1, -1,
                  "CPU \"%s\": no cores given; one whole processor (%g cores, %g W) is "
                  "assumed",
                  hw->cpu_model, chip_cores, h->tdp_w);
    else
      tp_diag_add(d, TP_NOTE, NULL, -1, -1,
                  "CPU \"%s\": no cores given; one whole processor (%g W) is assumed",
                  hw->cpu_model, h->tdp_w);
    return 0;
  }
  if (chip_cores <= 0) {
    out->cpu = NULL;
    tp_diag_add(d, TP_WARN, NULL, -1, -1,
                "CPU \"%s\" (table row \"%s\") has no core count in the hardware table "
                "(data/cpu_cores.csv), so the power of %g cores cannot be told; the CPU's "
                "power is left out of the estimate",
                hw->cpu_model, h->model, cores);
    return -1;
  }
  if (cores > chip_cores)
    tp_diag_add(d, TP_NOTE, NULL, -1, -1,
                "%g cores declared on CPU \"%s\" of %g cores: counted as %g processors",
                cores, hw->cpu_model, chip_cores, cores / chip_cores);
  out->cpu_w = cores * (h->tdp_w / chip_cores) * util;
  return 0;
}

int tp_estimate_power(tp_estimate *out, const tp_reftables *t, const tp_hw_decl *hw,
                      tp_diags *d) {
  memset(out, 0, sizeof *out);
  bool any = false;
  double n_gpus = S_or(hw->n_gpus, 0);
  if (n_gpus > 0 && (out->gpu = S_part(t, TP_HW_GPU, hw->gpu_model, d))) {
    out->n_gpus = n_gpus;
    out->gpu_w = n_gpus * out->gpu->tdp_w * S_or(hw->gpu_util, 1.0);
    any = true;
  }
  if (S_cpu_power(out, t, hw, d) == 0) any = true;
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
  re->gpu_count = est->n_gpus;
  re->gpu_j = est->gpu_w * duration_s;
  return 0;
}

/* ---- hardware as text ----------------------------------------------------- */

double tp_estimate_leading_count(const char *text, const char **rest) {
  if (rest) *rest = text;
  if (!text) return 0;
  const char *p = text;
  while (*p == ' ' || *p == '\t') p++;
  double n = 0;
  size_t digits = 0;
  while (isdigit((unsigned char)*p) && digits < 7) {
    n = n * 10 + (*p - '0');
    p++;
    digits++;
  }
  if (!digits || isdigit((unsigned char)*p)) return 0;
  while (*p == ' ') p++;
  if (*p != 'x' && *p != 'X' && *p != '*') return 0;
  p++;
  /* "4x A100", "4 x A100", "4xA100"; but not "3x0" words like "1080x": a model
   * must follow, and after a bare digit run, 'x' must end the word or be
   * followed by a letter. */
  if (*p && *p != ' ' && !isalpha((unsigned char)*p)) return 0;
  while (*p == ' ' || *p == '\t') p++;
  if (!*p || n < 1 || n > 100000) return 0;
  if (rest) *rest = p;
  return n;
}

void tp_hw_spec_free(tp_hw_spec *s) {
  free(s->gpu_model);
  free(s->cpu_model);
  *s = (tp_hw_spec){0};
}

int tp_estimate_parse_spec(tp_hw_spec *out, const char *text, const tp_reftables *t, char *err,
                           size_t err_size) {
  *out = (tp_hw_spec){0};
  if (err_size) err[0] = '\0';
  const char *p = text ? text : "";
  for (;;) {
    size_t len = strcspn(p, ",");
    const char *s = p, *e = p + len;
    while (s < e && isspace((unsigned char)*s)) s++;
    while (e > s && isspace((unsigned char)e[-1])) e--;
    char part[256];
    size_t n = (size_t)(e - s);
    if (n == 0 || n >= sizeof part) {
      snprintf(err, err_size, n ? "a part longer than %zu characters" : "an empty part",
               sizeof part - 1);
      goto fail;
    }
    memcpy(part, s, n);
    part[n] = '\0';
    const char *model = part;
    double count = tp_estimate_leading_count(part, &model);
    if (!count && isdigit((unsigned char)part[0]) &&
        (strchr(part, 'x') || strchr(part, 'X') || strchr(part, '*')) &&
        strcspn(part, "xX*") < strcspn(part, " ")) {
      snprintf(err, err_size, "'%s' has a count that is not a whole number from 1 to 100000",
               part);
      goto fail;
    }
    bool amb;
    bool gpu = tp_estimate_find_hardware(t, TP_HW_GPU, model, &amb) ||
               tp_estimate_find_hardware(t, TP_HW_TPU, model, &amb);
    bool cpu = !gpu && tp_estimate_find_hardware(t, TP_HW_CPU, model, &amb);
    if (!gpu && !cpu) {
      snprintf(err, err_size, "'%s' is not a GPU, TPU or CPU model of the hardware table",
               model);
      goto fail;
    }
    char **slot = gpu ? &out->gpu_model : &out->cpu_model;
    if (*slot) {
      snprintf(err, err_size, "more than one %s model ('%s' and '%s')", gpu ? "GPU" : "CPU",
               *slot, model);
      goto fail;
    }
    *slot = tp_xstrdup(model);
    if (gpu) out->n_gpus = count ? count : 1;
    else out->n_cpus = count ? count : 1;
    p += len;
    if (!*p) break;
    p++;
  }
  return 0;
fail:
  tp_hw_spec_free(out);
  return -1;
}

/* ---- one run ---------------------------------------------------------------- */

/* A Slurm job's run whose records were allocated different GPU counts: the
 * GPUs' part of its estimate counts each record's own GPUs over its own
 * duration (model/jobspans.h); a note says so. */
static void S_job_gpus(tp_run *run, const tp_estimate *est, double dur_s) {
  if (!run->job || !(est->n_gpus > 0)) return;
  tp_run_energy *re = &run->energy;
  double gpu_s = tp_job_spans_gpu_s(run, est->n_gpus);
  re->gpu_j = est->gpu_w / est->n_gpus * gpu_s;
  re->it_j = (est->power_w - est->gpu_w) * dur_s + re->gpu_j;
  tp_buf b = {0};
  for (size_t k = 0; k < run->job->n_segments; k++) {
    int g = run->job->segments[k].gpus;
    tp_buf_printf(&b, "%s%g", k ? ", " : "", g >= 0 ? (double)g : est->n_gpus);
  }
  tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
              "job %s's records were allocated different GPU counts (%s, in the order read): "
              "the GPUs' part of the estimate counts each record's own GPUs over its own "
              "duration, %.0f GPU-seconds in all (%.1f W per GPU)",
              run->job->job_id, b.data, gpu_s, est->gpu_w / est->n_gpus);
  tp_buf_free(&b);
}

/* tp_estimate_run; job_gpus: the GPUs' part record by record (S_job_gpus). */
static int S_estimate_run(tp_run *run, const tp_reftables *t, const tp_hw_decl *hw,
                          const char *source, const char *file, long line, bool job_gpus) {
  if (run->energy.method != TP_ENERGY_NONE) return -1;
  /* A requeued job's time pending between its segments is not its. */
  double dur = isfinite(run->start_s) && isfinite(run->end_s) ? tp_slurm_run_held_s(run)
                                                               : run->declared_duration_s;
  if (!(dur > 0) || !isfinite(dur)) {
    tp_diag_add(&run->diags, TP_NOTE, file, -1, line,
                "hardware is declared (%s) but the run has no duration; no estimate", source);
    return -1;
  }
  tp_estimate est;
  if (tp_estimate_power(&est, t, hw, &run->diags) != 0) {
    tp_diag_add(&run->diags, TP_WARN, file, -1, line,
                "no estimate from %s: none of its parts has a rated power", source);
    return -1;
  }
  if (tp_estimate_apply(&run->energy, &est, dur) != 0) return -1;
  if (job_gpus) S_job_gpus(run, &est, dur);
  /* The GPUs' model as declared: metadata names them as NVML does, like traces. */
  free(run->energy.gpu_model);
  run->energy.gpu_model = est.gpu && hw->gpu_model ? tp_xstrdup(hw->gpu_model) : NULL;
  /* Provenance: a file of the run that gave the hardware (its metadata) gave
   * this energy. */
  for (size_t i = 0; file && i < run->n_inputs; i++)
    if (strcmp(run->inputs[i].path, file) == 0) {
      run->inputs[i].energy_j = run->energy.it_j;
      break;
    }
  char gpu[160] = "", cpu[160] = "";
  if (est.gpu)
    snprintf(gpu, sizeof gpu, "; GPU: %g x %s (%g W)", est.n_gpus, est.gpu->model,
             est.gpu->tdp_w);
  if (est.cpu) snprintf(cpu, sizeof cpu, "; CPU: %s, %.4g W", est.cpu->model, est.cpu_w);
  tp_diag_add(&run->diags, TP_NOTE, file, -1, line,
              "energy estimated from hardware given by %s: %.1f W for %.0f s%s%s (Green "
              "Algorithms method: rated power x utilization, an upper bound at "
              "utilization 1; its range runs down to half of it)",
              source, est.power_w, dur, gpu, cpu);
  return 0;
}

int tp_estimate_run(tp_run *run, const tp_reftables *t, const tp_hw_decl *hw, const char *source,
                    const char *file, long line) {
  return S_estimate_run(run, t, hw, source, file, line, false);
}

int tp_estimate_from_sources(tp_run *run, const tp_reftables *t, const tp_estimate_sources *s) {
  if (run->energy.method != TP_ENERGY_NONE) return -1;
  const tp_config_hardware *c = s->config;
  if (c) {
    tp_hw_decl decl = {.gpu_model = c->gpu_model,
                       .n_gpus = c->gpu_count,
                       .gpu_util = c->gpu_util,
                       .cpu_model = c->cpu_model,
                       .n_cpu_cores = c->cpu_cores,
                       .cpu_util = c->cpu_util,
                       .memory_gb = isfinite(c->memory_gb) ? c->memory_gb : 0};
    if (tp_estimate_run(run, t, &decl, "the configuration's hardware entry", s->config_path,
                        c->line) == 0)
      return 0;
  }
  const tp_hw_spec *f = s->fallback && (s->fallback->gpu_model || s->fallback->cpu_model)
                            ? s->fallback
                            : NULL;
  if (s->meta_gpu_model && s->meta_gpu_count >= 1) {
    tp_hw_decl decl = {.gpu_model = s->meta_gpu_model, .n_gpus = s->meta_gpu_count,
                       .gpu_util = NAN, .cpu_util = NAN};
    char src[320];
    snprintf(src, sizeof src,
             "the run's own %s (%d x %s; no trace, declared energy or configured hardware "
             "covers it)",
             s->meta_tool ? s->meta_tool : "metadata", s->meta_gpu_count, s->meta_gpu_model);
    if (tp_estimate_run(run, t, &decl, src, s->meta_path, -1) == 0) {
      if (f)
        tp_diag_add(&run->diags, TP_NOTE, NULL, -1, -1,
                    "--hardware not used for this run: its own metadata names its GPUs");
      return 0;
    }
  }
  if (!f) return -1;
  tp_hw_decl decl = {.gpu_model = f->gpu_model, .n_gpus = f->n_gpus, .gpu_util = NAN,
                     .cpu_model = f->cpu_model, .n_cpus = f->n_cpus, .cpu_util = NAN};
  if (S_estimate_run(run, t, &decl, "--hardware", NULL, -1, f->job_gpus) != 0) return -1;
  /* Provenance: no file gave this figure but the command line; say so as
   * the run's input that gave its energy. */
  tp_input *in = tp_run_add_input(run, "--hardware", "command-line option");
  in->energy_j = run->energy.it_j;
  return 0;
}
