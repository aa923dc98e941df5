/* grafana: Grafana panel CSV exports of DCGM metrics (see grafana.h). */
#include "parser/power/grafana.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/power/dcgm.h"
#include "parser/power/grafana_map.h"

#define S_MAX_COLS 1024
#define S_SAID 10 /* series left out that are named one by one */

/* What the series names of one file came to. */
typedef struct S_names {
  const tp_grafana_map *map; /* the configuration's series mapping, or NULL */
  size_t n_used;             /* series of a DCGM metric and a GPU, handed on */
  size_t n_left;             /* series left out: no GPU said, none mapped */
} S_names;

/* The separator of header line s[0..n): ';' when it has more of them than
 * ',' outside quotes (the old panel menu's export), else ','. */
static char S_sep(const char *s, size_t n) {
  size_t commas = 0, semis = 0;
  bool quoted = false;
  for (size_t k = 0; k < n; k++) {
    if (s[k] == '"') quoted = !quoted;
    else if (!quoted && s[k] == ',') commas++;
    else if (!quoted && s[k] == ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

/* The header's shape: 1 long (Series, Time, Value), 2 wide (Time, series...),
 * 0 neither. */
static int S_shape(const tp_field *f, size_t n) {
  if (n == 3 && tp_field_eq(f[0], "Series") && tp_field_eq(f[1], "Time") &&
      tp_field_eq(f[2], "Value"))
    return 1;
  return n >= 2 && n <= S_MAX_COLS && tp_field_eq(f[0], "Time") ? 2 : 0;
}

bool tp_grafana_sniff(const char *head, size_t len) {
  if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) head += 3, len -= 3;
  if (!tp_mem_contains(head, len, "DCGM_FI_DEV_")) return false;
  const char *nl = memchr(head, '\n', len);
  size_t n = nl ? (size_t)(nl - head) : len;
  if (n && head[n - 1] == '\r') n--;
  tp_field f[4];
  size_t nf = tp_csv_split(head, n, S_sep(head, n), f, 4);
  return S_shape(f, nf < 4 ? nf : 4) != 0;
}

/* The labels of series name f: `metric{k="v", ...}` (quotes doubled, as the
 * CSV cell leaves them) or the old `metric(k=v,...)`. */
static void S_labels(tp_field f, tp_dcgm_labels *l) {
  tp_dcgm_labels_clear(l);
  size_t i = 0;
  while (i < f.n && f.s[i] != '{' && f.s[i] != '(') i++;
  size_t ne = i;
  while (ne > 0 && f.s[ne - 1] == ' ') ne--;
  if (ne) tp_dcgm_labels_set(l, "__name__", 8, f.s, ne);
  i++;
  while (i < f.n) {
    while (i < f.n && (f.s[i] == ' ' || f.s[i] == ',')) i++;
    size_t kb = i;
    while (i < f.n && f.s[i] != '=' && f.s[i] != '}' && f.s[i] != ')') i++;
    if (i >= f.n || f.s[i] != '=') break;
    size_t ke = i++, vb, ve;
    if (i < f.n && f.s[i] == '"') {
      while (i < f.n && f.s[i] == '"') i++;
      vb = i;
      while (i < f.n && f.s[i] != '"') i++;
      ve = i;
      while (i < f.n && f.s[i] == '"') i++;
    } else {
      vb = i;
      while (i < f.n && f.s[i] != ',' && f.s[i] != '}' && f.s[i] != ')') i++;
      ve = i;
    }
    tp_dcgm_labels_set(l, f.s + kb, ke - kb, f.s + vb, ve - vb);
  }
}

/* Say that series f (column col of a wide export, 0 for a long one's row at
 * line) is left out; mapped: a `series` entry matched but gave no GPU. */
static void S_left_out(tp_dcgm *g, S_names *nm, tp_field f, size_t col, int64_t line,
                       bool mapped) {
  if (nm->n_left++ >= S_SAID) return;
  char where[32] = "series";
  if (col) snprintf(where, sizeof where, "column %zu", col + 1);
  tp_rdiag_add(g->rd, TP_WARN, "unmapped series", line,
               "%s \"%.*s\": %s; left out (a power entry's `series` mapping says which host and "
               "GPU a series is)",
               where, (int)(f.n < 80 ? f.n : 80), f.s,
               mapped ? "the `series` entry that matches it gives no gpu or uuid"
                      : "its name does not say which GPU (no gpu or UUID label) and no `series` "
                        "entry of the configuration matches it");
}

/* The dcgm handle of series name f (column col of a wide export, 0 for a
 * long one's row at line), or -1.  The configuration's mapping first; else
 * the name's own labels.  A series of a DCGM metric and a GPU is handed on;
 * so is a name with labels but no DCGM metric (another metric, a computed
 * result: dcgm.c says why it is not used); anything else cannot be mapped
 * and is said, column by column, never guessed. */
static int S_series(tp_dcgm *g, S_names *nm, tp_field f, size_t col, int64_t line) {
  tp_dcgm_labels l;
  S_labels(f, &l);
  bool labelled = memchr(f.s, '{', f.n) || memchr(f.s, '(', f.n);
  bool mapped = tp_grafana_map_apply(nm->map, f.s, f.n, &l);
  bool dcgm = l.has_name && (strcmp(l.name, TP_DCGM_POWER_METRIC) == 0 ||
                             strcmp(l.name, TP_DCGM_ENERGY_METRIC) == 0);
  bool gpu = l.gpu[0] || l.uuid[0];
  if (!(dcgm && gpu) && (mapped || !labelled || dcgm)) {
    if (!g->survey) S_left_out(g, nm, f, col, line, mapped);
    return -1;
  }
  if (!g->survey && dcgm) nm->n_used++;
  return tp_dcgm_series(g, &l, line);
}

/* A cell's value in the exporter's own unit (W, or mJ for the counter): 0
 * with *v; 1 when the cell holds none (empty, undefined, null); -1 when it is
 * not understood. */
static int S_value(tp_field f, double *v) {
  static const struct {
    const char *unit;
    double scale;
  } k_units[] = {{"W", 1}, {"kW", 1e3}, {"mW", 1e-3}, {"mJ", 1}, {"J", 1e3}, {"kJ", 1e6}};
  if (f.n == 0 || tp_field_eq(f, "undefined") || tp_field_eq(f, "null")) return 1;
  tp_field unit;
  int r = tp_csv_value_unit(f, v, &unit);
  if (r) return r > 0 ? 1 : -1;
  if (unit.n == 0) return 0;
  for (size_t k = 0; k < sizeof k_units / sizeof *k_units; k++)
    if (strlen(k_units[k].unit) == unit.n && memcmp(k_units[k].unit, unit.s, unit.n) == 0) {
      *v *= k_units[k].scale;
      return 0;
    }
  return -1;
}

/* One cell of series h at t_s. */
static void S_cell(tp_dcgm *g, int h, double t_s, tp_field cell, int64_t line) {
  double v;
  int r = S_value(cell, &v);
  if (r == 0) tp_dcgm_value(g, h, t_s, v, line);
  else if (r < 0)
    tp_rdiag_add(g->rd, TP_WARN, "bad value", line, "value \"%.*s\" not understood; skipped",
                 (int)(cell.n < 40 ? cell.n : 40), cell.s);
}

/* The time of a row; false (reported) when it is not understood. */
static bool S_time(tp_clock *clk, tp_rdiag *rd, tp_field f, int64_t line, double *t_s) {
  if (tp_clock_parse(clk, f.s, f.n, TP_TIME_AUTO, t_s) == 0) return true;
  tp_rdiag_add(rd, TP_WARN, "bad timestamp", line, "time \"%.*s\" not understood; row skipped",
               (int)(f.n < 40 ? f.n : 40), f.s);
  return false;
}

/* Series as columns: the header says every series, so the survey is the
 * header itself. */
static void S_wide(tp_lines *lr, char sep, tp_field *f, size_t ncols, tp_dcgm *g, tp_clock *clk,
                   S_names *nm) {
  int *h = tp_xmalloc(ncols * sizeof *h);
  for (size_t c = 1; c < ncols; c++) S_series(g, nm, f[c], c, lr->line);
  tp_dcgm_deliver(g);
  for (size_t c = 1; c < ncols; c++) h[c] = S_series(g, nm, f[c], c, lr->line);
  size_t n;
  double t;
  while (tp_csv_next_row(lr, sep, f, S_MAX_COLS, &n)) {
    if (n != ncols) {
      tp_rdiag_add(g->rd, TP_WARN, "field count", lr->line,
                   "%zu fields where the header has %zu; row skipped", n, ncols);
      continue;
    }
    if (!S_time(clk, g->rd, f[0], lr->line, &t)) continue;
    for (size_t c = 1; c < ncols; c++)
      if (h[c] >= 0) S_cell(g, h[c], t, f[c], lr->line);
  }
  free(h);
}

/* One pass over the rows of a long export (header read): the survey when
 * g->survey, else the delivering pass. */
static void S_long_pass(tp_lines *lr, char sep, tp_field *f, tp_dcgm *g, tp_clock *clk,
                        S_names *nm) {
  char *last = NULL; /* the series of the row before, and its handle */
  int h = -1;
  size_t n;
  double t;
  while (tp_csv_next_row(lr, sep, f, S_MAX_COLS, &n)) {
    if (n != 3) {
      if (!g->survey)
        tp_rdiag_add(g->rd, TP_WARN, "field count", lr->line,
                     "%zu fields where the header has 3; row skipped", n);
      continue;
    }
    if (!last || !tp_field_eq(f[0], last) || strlen(last) != f[0].n) {
      free(last);
      last = tp_field_dup(f[0]);
      h = S_series(g, nm, f[0], 0, lr->line);
    }
    if (h >= 0 && S_time(clk, g->rd, f[1], lr->line, &t)) S_cell(g, h, t, f[2], lr->line);
  }
  free(last);
}

/* Series as rows: a survey over the whole file, then the rows again. */
static int S_long(tp_lines *lr, char sep, tp_field *f, tp_dcgm *g, tp_clock *clk, S_names *nm) {
  S_long_pass(lr, sep, f, g, clk, nm);
  tp_dcgm_deliver(g);
  if (fseek(lr->f, 0, SEEK_SET) != 0) {
    tp_rdiag_add(g->rd, TP_ERROR, "cannot rewind", -1,
                 "the input cannot be read twice (a pipe?): not used");
    return -1;
  }
  tp_lines again;
  tp_lines_init(&again, lr->f, lr->rd, lr->max_line);
  size_t n;
  tp_csv_next_row(&again, sep, f, S_MAX_COLS, &n); /* the header */
  S_long_pass(&again, sep, f, g, clk, nm);
  tp_lines_free(&again);
  return 0;
}

int tp_grafana_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  tp_field *f = tp_xmalloc(S_MAX_COLS * sizeof *f);
  tp_dcgm g;
  tp_dcgm_init(&g, e, opt);
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  const char *s;
  size_t len, n;
  int rc = -1, shape = 0;
  char sep = ',';
  while (tp_lines_next(lr, &s, &len))
    if (len) {
      sep = S_sep(s, len);
      n = tp_csv_split(s, len, sep, f, S_MAX_COLS);
      shape = S_shape(f, n);
      break;
    }
  if (shape == 0) {
    tp_rdiag_add(e->rd, TP_ERROR, "no header", lr->line,
                 "expected a header \"Time\",<series>... or Series,Time,Value: file not used");
    goto done;
  }
  S_names nm = {.map = opt->grafana_map};
  rc = shape == 1 ? S_long(lr, sep, f, &g, &clk, &nm) : (S_wide(lr, sep, f, n, &g, &clk, &nm), 0);
  tp_dcgm_finish(&g);
  if (nm.n_left > S_SAID)
    tp_rdiag_add(e->rd, TP_WARN, "unmapped series", -1, "%zu series left out in all: none says "
                 "or is mapped to a GPU", nm.n_left);
  if (rc == 0 && nm.n_used == 0 && nm.n_left) {
    tp_rdiag_add(e->rd, TP_ERROR, "no mapped series", -1,
                 "no series of the file says or is mapped to a GPU and a DCGM metric: file not "
                 "used (give its power entry a `series` mapping)");
    rc = -1;
  } else if (rc == 0 && e->n_samples == 0) {
    tp_rdiag_add(e->rd, TP_ERROR, "no samples", -1, "no %s or %s samples: file not used",
                 TP_DCGM_POWER_METRIC, TP_DCGM_ENERGY_METRIC);
    rc = -1;
  }
done:
  tp_dcgm_free(&g);
  free(f);
  return rc;
}
