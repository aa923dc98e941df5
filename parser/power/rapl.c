/* rapl: RAPL energy_uj CSV logs and perf stat energy output (see rapl.h). */
#include "parser/power/rapl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

#define S_MAX_COLS 64

/* ---- RAPL CSV ------------------------------------------------------------- */

bool tp_rapl_sniff_csv(const char *head, size_t len) {
  const char *nl = memchr(head, '\n', len);
  size_t n = nl ? (size_t)(nl - head) : len;
  tp_field f[S_MAX_COLS];
  size_t nf = tp_csv_split(head, n, ',', f, S_MAX_COLS);
  if (nf > S_MAX_COLS) return false;
  return tp_csv_find(f, nf, "domain") >= 0 && tp_csv_find(f, nf, "energy_uj") >= 0 &&
         tp_csv_find(f, nf, "timestamp") >= 0;
}

int tp_rapl_read_csv(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  tp_rdiag *rd = e->rd;
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  tp_field f[S_MAX_COLS];
  int c_time = -1, c_dom = -1, c_e = -1, c_max = -1;
  size_t ncols = 0, n;
  while (tp_csv_next_row(lr, ',', f, S_MAX_COLS, &n)) {
    if (c_time < 0) {
      c_time = tp_csv_find(f, n, "timestamp");
      c_dom = tp_csv_find(f, n, "domain");
      c_e = tp_csv_find(f, n, "energy_uj");
      c_max = tp_csv_find(f, n, "max_energy_range_uj");
      ncols = n;
      if (c_time < 0 || c_dom < 0 || c_e < 0) {
        tp_rdiag_add(rd, TP_ERROR, "no header", lr->line,
                     "expected a header with timestamp, domain and energy_uj: file not used");
        return -1;
      }
      continue;
    }
    if (n != ncols) {
      tp_rdiag_add(rd, TP_WARN, "field count", lr->line,
                   "%zu fields where the header has %zu; row skipped", n, ncols);
      continue;
    }
    double t, uj, max_uj = opt->rapl_max_range_uj;
    if (tp_clock_parse(&clk, f[c_time].s, f[c_time].n, TP_TIME_AUTO, &t)) {
      tp_rdiag_add(rd, TP_WARN, "bad timestamp", lr->line,
                   "timestamp \"%.*s\" not understood; row skipped",
                   (int)(f[c_time].n < 40 ? f[c_time].n : 40), f[c_time].s);
      continue;
    }
    if (tp_csv_number(f[c_e].s, f[c_e].n, &uj) || !isfinite(uj) || uj < 0) {
      tp_rdiag_add(rd, TP_WARN, "bad energy value", lr->line,
                   "energy_uj \"%.*s\" is not a counter value; row skipped",
                   (int)(f[c_e].n < 40 ? f[c_e].n : 40), f[c_e].s);
      continue;
    }
    if (c_max >= 0 && f[c_max].n &&
        (tp_csv_number(f[c_max].s, f[c_max].n, &max_uj) || !isfinite(max_uj) || max_uj < 0)) {
      tp_rdiag_add(rd, TP_WARN, "bad wrap value", lr->line,
                   "max_energy_range_uj \"%.*s\" not understood; taken as unknown",
                   (int)(f[c_max].n < 40 ? f[c_max].n : 40), f[c_max].s);
      max_uj = opt->rapl_max_range_uj;
    }
    if (max_uj > 0 && uj > max_uj) {
      tp_rdiag_add(rd, TP_WARN, "counter above wrap", lr->line,
                   "energy_uj %.0f is above max_energy_range_uj %.0f; row skipped", uj, max_uj);
      continue;
    }
    tp_field dom = f[c_dom];
    if (dom.n == 0) {
      tp_rdiag_add(rd, TP_WARN, "no domain", lr->line, "empty domain; row skipped");
      continue;
    }
    int dev = tp_emit_device(e, dom.s, dom.n, NULL, TP_SAMPLE_ENERGY_J, max_uj * 1e-6, lr->line);
    if (dev < 0) continue;
    double j = uj * 1e-6, prev = e->dev[dev].last_v;
    bool known_wrap = max_uj > 0;
    if (tp_emit_sample(e, dev, t, j, lr->line) && !known_wrap && j < prev)
      tp_rdiag_add(rd, TP_WARN, "counter went down", lr->line,
                   "%s counter went down from %.6f J to %.6f J and its wrap value is unknown: "
                   "a wrap or a reset",
                   e->dev[dev].id, prev, j);
  }
  return 0;
}

/* ---- perf stat ------------------------------------------------------------ */

bool tp_rapl_sniff_perf(const char *head, size_t len) {
  return tp_mem_contains(head, len, "Joules") &&
         (tp_mem_contains(head, len, "power/energy-") || tp_mem_contains(head, len, "energy-pkg") ||
          tp_mem_contains(head, len, "energy-ram") || tp_mem_contains(head, len, "energy-cores"));
}

/* A perf count with a locale's separators: the last separator is the decimal
 * point unless a kind of separator repeats (then it groups thousands). */
static int S_perf_number(tp_field f, double *out) {
  char buf[64];
  if (f.n == 0 || f.n >= sizeof buf) return -1;
  size_t n_comma = 0, n_dot = 0, last = f.n;
  for (size_t k = 0; k < f.n; k++) {
    if (f.s[k] == ',') n_comma++, last = k;
    else if (f.s[k] == '.') n_dot++, last = k;
  }
  bool single_kind = (n_comma == 0) != (n_dot == 0);
  bool grouping_only = single_kind && (n_comma > 1 || n_dot > 1);
  size_t bn = 0;
  for (size_t k = 0; k < f.n; k++) {
    char c = f.s[k];
    if (c == ',' || c == '.') {
      if (!grouping_only && k == last) buf[bn++] = '.';
      continue;
    }
    buf[bn++] = c;
  }
  return tp_csv_number(buf, bn, out);
}

/* Whitespace tokens. */
static size_t S_tokens(const char *s, size_t n, tp_field *out, size_t max) {
  size_t count = 0, i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i >= n) break;
    size_t b = i;
    while (i < n && s[i] != ' ' && s[i] != '\t') i++;
    if (count < max) out[count] = (tp_field){s + b, i - b};
    count++;
  }
  return count;
}

/* Per event: the running sum. */
typedef struct S_perf_dev {
  double sum_j;
} S_perf_dev;

typedef struct S_perf {
  bool have_start;
  double start_s;         /* UTC, clock offset included */
  S_perf_dev *sum;        /* by emit device index */
  size_t cap;
  bool reported_no_start;
} S_perf;

/* The device for (aggregate, event); announces it with its 0 J start sample. */
static int S_perf_device(S_perf *p, tp_emit *e, tp_field agg, tp_field ev, int64_t line) {
  char id[160];
  const char *evs = ev.s;
  size_t evn = ev.n;
  if (evn > 6 && memcmp(evs, "power/", 6) == 0) evs += 6, evn -= 6;
  if (evn && evs[evn - 1] == '/') evn--;
  int n = snprintf(id, sizeof id, "%.*s%s%.*s", (int)(agg.n < 60 ? agg.n : 60), agg.s,
                   agg.n ? "/" : "", (int)(evn < 80 ? evn : 80), evs);
  int dev = tp_emit_find(e, id, (size_t)n);
  if (dev >= 0) return dev;
  dev = tp_emit_device(e, id, (size_t)n, NULL, TP_SAMPLE_ENERGY_J, 0, line);
  if (dev < 0) return -1;
  TP_GROW(p->sum, p->cap, (size_t)dev + 1);
  p->sum[dev].sum_j = 0;
  tp_emit_sample(e, dev, p->start_s, 0, line);
  return dev;
}

static bool S_need_start(S_perf *p, tp_rdiag *rd, int64_t line) {
  if (p->have_start) return true;
  if (!p->reported_no_start)
    tp_rdiag_add(rd, TP_ERROR, "no start time", line,
                 "perf stat output without a \"# started on\" line and no start time given in "
                 "the configuration: its times cannot be placed; file not used");
  p->reported_no_start = true;
  return false;
}

/* A comment line c[0..n) of perf stat output: "# started on <ctime>" gives
 * the start time. */
static void S_perf_comment(S_perf *p, tp_clock *clk, tp_rdiag *rd, const char *c, size_t n,
                           int64_t line) {
  static const char k_started[] = "# started on ";
  size_t k = sizeof k_started - 1;
  if (n > k && memcmp(c, k_started, k) == 0) {
    tp_timestamp ts;
    if (tp_time_parse(c + k, n - k, TP_TIME_CTIME, &ts) == 0) {
      p->have_start = true;
      p->start_s = tp_clock_utc(clk, &ts);
    } else {
      tp_rdiag_add(rd, TP_WARN, "bad start line", line, "start time not understood");
    }
  }
}

/* Whether a field names a perf aggregate (--per-socket "S0", --per-core "CPU0"). */
static bool S_is_aggregate(tp_field f) {
  return (f.n >= 2 && f.s[0] == 'S' && f.s[1] >= '0' && f.s[1] <= '9') ||
         (f.n >= 3 && memcmp(f.s, "CPU", 3) == 0);
}

/* The energy of the fields t[k] (value) and t[k + 1] (unit) of an energy
 * line of n fields, in J; -1 (noted) when not understood. */
static int S_perf_energy(const tp_field *t, size_t n, size_t k, tp_rdiag *rd, int64_t line,
                         double *energy_j) {
  double j;
  if (k + 2 >= n || S_perf_number(t[k], &j)) {
    tp_rdiag_add(rd, TP_WARN, "bad line", line, "an energy line not understood; skipped");
    return -1;
  }
  tp_field unit = t[k + 1];
  double scale = tp_field_eq(unit, "Joules") || tp_field_eq(unit, "J") ? 1
                 : tp_field_eq(unit, "mJ")                             ? 1e-3
                                                                       : 0;
  if (scale == 0 || !isfinite(j) || j < 0) {
    tp_rdiag_add(rd, TP_WARN, "bad energy value", line,
                 "energy \"%.*s %.*s\" not understood; skipped", (int)(t[k].n < 30 ? t[k].n : 30),
                 t[k].s, (int)(unit.n < 20 ? unit.n : 20), unit.s);
    return -1;
  }
  *energy_j = j * scale;
  return 0;
}

int tp_rapl_read_perf(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  tp_rdiag *rd = e->rd;
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  S_perf p = {0};
  if (opt->has_start) {
    p.have_start = true;
    p.start_s = opt->start_s + opt->clock_offset_s;
  }
  tp_field t[32], agg = {"", 0};
  const char *s;
  size_t len;
  /* Totals without -I wait for the "seconds time elapsed" line. */
  int pending[32];
  double pending_j[32];
  size_t n_pending = 0;
  while (tp_lines_next(lr, &s, &len)) {
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == len) continue;
    if (s[i] == '#') {
      S_perf_comment(&p, &clk, rd, s + i, len - i, lr->line);
      continue;
    }
    bool csv = tp_mem_contains(s, len, ",Joules,") || tp_mem_contains(s, len, ",J,");
    size_t n = csv ? tp_csv_split(s, len, ',', t, 32) : S_tokens(s, len, t, 32);
    if (n > 32) n = 32;
    if (!csv && n >= 4 && tp_field_eq(t[1], "seconds") && tp_field_eq(t[2], "time") &&
        tp_field_eq(t[3], "elapsed")) {
      double el;
      if (S_perf_number(t[0], &el) == 0 && S_need_start(&p, rd, lr->line))
        for (size_t k = 0; k < n_pending; k++)
          tp_emit_sample(e, pending[k], p.start_s + el, pending_j[k], lr->line);
      n_pending = 0;
      continue;
    }
    if (!tp_mem_contains(s, len, "energy")) continue; /* other events and noise */
    /* [time] [aggregate count] value unit event ... */
    size_t k = 0;
    double rel = NAN;
    bool interval = n >= 4 && S_perf_number(t[0], &rel) == 0 &&
                    !(tp_field_eq(t[1], "Joules") || tp_field_eq(t[1], "J"));
    if (interval) k = 1;
    agg = (tp_field){"", 0};
    if (k + 2 < n && S_is_aggregate(t[k])) {
      agg = t[k];
      k += 2; /* the aggregate's name and its CPU count */
    }
    if (k < n && t[k].n && t[k].s[0] == '<') {
      tp_rdiag_add(rd, TP_WARN, "not counted", lr->line,
                   "the event was not counted in this interval; no sample");
      continue;
    }
    double energy_j;
    if (S_perf_energy(t, n, k, rd, lr->line, &energy_j)) continue;
    tp_field ev = t[k + 2];
    if (!S_need_start(&p, rd, lr->line)) {
      free(p.sum);
      return -1;
    }
    int dev = S_perf_device(&p, e, agg, ev, lr->line);
    if (dev < 0) continue;
    if (!interval) {
      if (n_pending < 32) pending[n_pending] = dev, pending_j[n_pending++] = energy_j;
      continue;
    }
    p.sum[dev].sum_j += energy_j;
    tp_emit_sample(e, dev, p.start_s + rel, p.sum[dev].sum_j, lr->line);
  }
  free(p.sum);
  return 0;
}
