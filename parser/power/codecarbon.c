/* codecarbon: CodeCarbon emissions.csv readers (see codecarbon.h). */
#include "parser/power/codecarbon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/units.h"

#define S_MAX_COLS 128
#define S_MAX_RUNS 65536   /* runs held before the older half is delivered early */
#define S_SEARCH_RUNS 256  /* recent runs a row may belong to */

bool tp_codecarbon_sniff(const char *head, size_t len) {
  const char *nl = memchr(head, '\n', len);
  size_t n = nl ? (size_t)(nl - head) : len;
  if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) head += 3, n -= 3;
  tp_field f[S_MAX_COLS];
  size_t nf = tp_csv_split(head, n, ',', f, S_MAX_COLS);
  if (nf > S_MAX_COLS) return false;
  return tp_csv_find(f, nf, "timestamp") >= 0 && tp_csv_find(f, nf, "duration") >= 0 &&
         tp_csv_find(f, nf, "emissions") >= 0 && tp_csv_find(f, nf, "energy_consumed") >= 0;
}

enum {
  C_TIME, C_PROJECT, C_RUN, C_EXPERIMENT, C_DURATION, C_ENERGY, C_CPU_E, C_GPU_E, C_RAM_E,
  C_CPU_P, C_GPU_P, C_RAM_P, C_PUE, C_GPU_MODEL, C_CPU_MODEL, C_COUNTRY, C_COUNT
};
static const char *const k_cols[C_COUNT] = {
    "timestamp",  "project_name", "run_id",     "experiment_id", "duration",  "energy_consumed",
    "cpu_energy", "gpu_energy",   "ram_energy", "cpu_power",     "gpu_power", "ram_power",
    "pue",        "gpu_model",    "cpu_model",  "country_iso_code"};

typedef struct S_run {
  char *key;        /* run id ("" when none) */
  char *project, *run_id, *experiment_id, *hardware, *country;
  tp_declared d;    /* strings above, energies in J */
} S_run;

typedef struct S_cc {
  int col[C_COUNT];
  size_t ncols;
  bool dev_2021;    /* cpu_power/gpu_power hold energies */
  S_run *runs;
  size_t n_runs, cap_runs;
  double pue_min, pue_max;
  size_t n_delivered;
} S_cc;

static void S_run_free(S_run *r) {
  free(r->key);
  free(r->project);
  free(r->run_id);
  free(r->experiment_id);
  free(r->hardware);
  free(r->country);
}

static void S_deliver(S_cc *c, S_run *r, tp_emit *e) {
  if (e->sink->declared) e->sink->declared(e->sink->ctx, &r->d);
  c->n_delivered++;
  if (r->d.tool_pue < c->pue_min) c->pue_min = r->d.tool_pue;
  if (r->d.tool_pue > c->pue_max) c->pue_max = r->d.tool_pue;
}

/* An optional kWh column: J with the PUE divided out, NAN when absent/empty. */
static double S_energy(const S_cc *c, const tp_field *f, int which, double pue) {
  int k = c->col[which];
  double v;
  if (k < 0 || f[k].n == 0 || tp_csv_number(f[k].s, f[k].n, &v) || !isfinite(v) || v < 0)
    return NAN;
  return v * TP_J_PER_KWH / pue;
}

/* Whether a row's CPU power was read rather than guessed.  CodeCarbon
 * writes half the CPU's TDP when it cannot read the CPU (TDPs are whole
 * watts, so the guess is a multiple of 0.5 W: 42.5 W for a CPU it does not
 * know) and 0 when it leaves the CPU out; a reading is any other power.
 * The 2021 layout's cpu_power holds an energy, which says nothing. */
static bool S_cpu_measured(const S_cc *c, const tp_field *f) {
  int k = c->col[C_CPU_P];
  double w;
  if (c->dev_2021 || k < 0 || f[k].n == 0 || tp_csv_number(f[k].s, f[k].n, &w) ||
      !isfinite(w) || w <= 0)
    return false;
  return w * 2 != floor(w * 2);
}

static char *S_opt_str(const tp_field *f, int k) {
  return k >= 0 && f[k].n ? tp_field_dup(f[k]) : NULL;
}

/* A row of a run not held yet: hold it (delivering the older half of the
 * runs held when the limit is reached). */
static void S_new_run(S_cc *c, const tp_field *f, tp_field key, double start, double end,
                      double dur, double kwh, double pue, tp_emit *e, int64_t line) {
  if (c->n_runs == S_MAX_RUNS) { /* bound the memory: deliver the older half now */
    size_t half = S_MAX_RUNS / 2;
    for (size_t k = 0; k < half; k++) {
      S_deliver(c, &c->runs[k], e);
      S_run_free(&c->runs[k]);
    }
    memmove(c->runs, c->runs + half, (c->n_runs - half) * sizeof *c->runs);
    c->n_runs -= half;
  }
  TP_GROW(c->runs, c->cap_runs, c->n_runs + 1);
  S_run *r = &c->runs[c->n_runs++];
  memset(r, 0, sizeof *r);
  r->key = tp_field_dup(key);
  r->project = S_opt_str(f, c->col[C_PROJECT]);
  r->run_id = S_opt_str(f, c->col[C_RUN]);
  r->experiment_id = S_opt_str(f, c->col[C_EXPERIMENT]);
  r->hardware = S_opt_str(f, c->col[C_GPU_MODEL]);
  if (!r->hardware) r->hardware = S_opt_str(f, c->col[C_CPU_MODEL]);
  r->country = S_opt_str(f, c->col[C_COUNTRY]);
  r->d = (tp_declared){.run_name = r->project,
                       .run_id = r->run_id,
                       .experiment_id = r->experiment_id,
                       .start_s = start,
                       .end_s = end,
                       .duration_s = dur,
                       .it_energy_j = kwh * TP_J_PER_KWH / pue,
                       .tool_pue = pue,
                       .cpu_j = S_energy(c, f, c->dev_2021 ? C_CPU_P : C_CPU_E, pue),
                       .gpu_j = S_energy(c, f, c->dev_2021 ? C_GPU_P : C_GPU_E, pue),
                       .ram_j = S_energy(c, f, C_RAM_E, pue),
                       .hardware = r->hardware,
                       .country = r->country,
                       .line = line,
                       .measured = S_cpu_measured(c, f)};
}

static void S_row(S_cc *c, const tp_field *f, tp_clock *clk, tp_emit *e, int64_t line) {
  tp_rdiag *rd = e->rd;
  double end, dur, kwh, pue = 1;
  tp_field tf = f[c->col[C_TIME]];
  if (tp_clock_parse(clk, tf.s, tf.n, TP_TIME_AUTO, &end)) {
    tp_rdiag_add(rd, TP_WARN, "bad timestamp", line, "timestamp \"%.*s\" not understood; row skipped",
                 (int)(tf.n < 40 ? tf.n : 40), tf.s);
    return;
  }
  tp_field df = f[c->col[C_DURATION]], ef = f[c->col[C_ENERGY]];
  if (tp_csv_number(df.s, df.n, &dur) || !isfinite(dur) || dur < 0) {
    tp_rdiag_add(rd, TP_WARN, "bad duration", line, "duration \"%.*s\" not understood; row skipped",
                 (int)(df.n < 40 ? df.n : 40), df.s);
    return;
  }
  if (tp_csv_number(ef.s, ef.n, &kwh) || !isfinite(kwh) || kwh < 0) {
    tp_rdiag_add(rd, TP_WARN, "bad energy value", line,
                 "energy_consumed \"%.*s\" not understood; row skipped", (int)(ef.n < 40 ? ef.n : 40),
                 ef.s);
    return;
  }
  int kp = c->col[C_PUE];
  if (kp >= 0 && f[kp].n && (tp_csv_number(f[kp].s, f[kp].n, &pue) || !isfinite(pue) || pue < 1)) {
    tp_rdiag_add(rd, TP_WARN, "bad pue", line, "pue \"%.*s\" is not a PUE (>= 1); row skipped",
                 (int)(f[kp].n < 40 ? f[kp].n : 40), f[kp].s);
    return;
  }
  int kr = c->col[C_RUN] >= 0 ? c->col[C_RUN] : c->col[C_EXPERIMENT];
  tp_field key = kr >= 0 ? f[kr] : (tp_field){"", 0};
  double start = end - dur;
  /* A later flush of a run already held?  Only the most recent runs are
   * searched: flushes of one run interleave with a few others at most. */
  size_t lo = c->n_runs > S_SEARCH_RUNS ? c->n_runs - S_SEARCH_RUNS : 0;
  for (size_t k = c->n_runs; key.n && k-- > lo;) {
    S_run *r = &c->runs[k];
    if (tp_field_eq(key, r->key) && fabs(r->d.start_s - start) <= 2.0) {
      if (dur >= r->d.duration_s) {
        /* Keep the strings, update the figures. */
        r->d.end_s = end;
        r->d.start_s = start;
        r->d.duration_s = dur;
        r->d.it_energy_j = kwh * TP_J_PER_KWH / pue;
        r->d.tool_pue = pue;
        r->d.cpu_j = S_energy(c, f, c->dev_2021 ? C_CPU_P : C_CPU_E, pue);
        r->d.gpu_j = S_energy(c, f, c->dev_2021 ? C_GPU_P : C_GPU_E, pue);
        r->d.ram_j = S_energy(c, f, C_RAM_E, pue);
        r->d.line = line;
        r->d.measured = S_cpu_measured(c, f);
      }
      return;
    }
  }
  S_new_run(c, f, key, start, end, dur, kwh, pue, e, line);
}

int tp_codecarbon_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  S_cc c;
  memset(&c, 0, sizeof c);
  c.pue_min = INFINITY;
  c.pue_max = -INFINITY;
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  tp_rdiag *rd = e->rd;
  tp_field f[S_MAX_COLS];
  bool have_header = false;
  int rc = 0;
  size_t n;
  while (tp_csv_next_row(lr, ',', f, S_MAX_COLS, &n)) {
    if (tp_csv_find(f, n, "timestamp") >= 0 && tp_csv_find(f, n, "energy_consumed") >= 0) {
      /* The header (again, if files were concatenated). */
      for (int k = 0; k < C_COUNT; k++) c.col[k] = tp_csv_find(f, n, k_cols[k]);
      c.ncols = n;
      c.dev_2021 = c.col[C_CPU_E] < 0 && c.col[C_RAM_P] < 0 && c.col[C_CPU_P] >= 0;
      if (c.col[C_DURATION] < 0) {
        tp_rdiag_add(rd, TP_ERROR, "no duration", lr->line,
                     "a CodeCarbon header without duration: file not used");
        rc = -1;
        break;
      }
      have_header = true;
      continue;
    }
    if (!have_header) {
      tp_rdiag_add(rd, TP_ERROR, "no header", lr->line,
                   "no CodeCarbon header (timestamp, ..., energy_consumed): file not used");
      rc = -1;
      break;
    }
    if (n != c.ncols) {
      tp_rdiag_add(rd, TP_WARN, "field count", lr->line,
                   "%zu fields where the header has %zu; row skipped", n, c.ncols);
      continue;
    }
    S_row(&c, f, &clk, e, lr->line);
  }
  for (size_t k = 0; k < c.n_runs; k++) {
    S_deliver(&c, &c.runs[k], e);
    S_run_free(&c.runs[k]);
  }
  free(c.runs);
  if (c.n_delivered) {
    if (c.pue_min == c.pue_max)
      tp_rdiag_add(rd, TP_NOTE, "codecarbon pue", -1,
                   "%zu declared runs: CodeCarbon's energies include its PUE (%g in every row), "
                   "which was divided out to give IT energy",
                   c.n_delivered, c.pue_min);
    else
      tp_rdiag_add(rd, TP_NOTE, "codecarbon pue", -1,
                   "%zu declared runs: CodeCarbon's energies include its PUE (%g to %g), which "
                   "was divided out row by row to give IT energy",
                   c.n_delivered, c.pue_min, c.pue_max);
  }
  return rc;
}
