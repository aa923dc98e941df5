/* nvsmi: nvidia-smi --query-gpu CSV logs and dmon output (see nvsmi.h). */
#include "parser/power/nvsmi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/mem.h"
#include "parser/text/number.h"

#define S_MAX_COLS 128

/* ---- Field names ---------------------------------------------------------- */

/* Query fields nvidia-smi prints as they were asked (prefixes end with '.'). */
static bool S_known_field(tp_field f) {
  static const char *const k_exact[] = {
      "timestamp", "driver_version", "count", "name", "gpu_name", "serial", "uuid",
      "gpu_uuid", "index", "pstate", "display_mode", "display_active", "persistence_mode",
      "compute_mode", "vbios_version", "gpu_bus_id", "addressing_mode", "compute_cap",
      "gpu_serial", "accounting.mode", "fan.speed"};
  static const char *const k_prefix[] = {
      "power.", "utilization.", "memory.", "clocks.", "clocks_", "temperature.", "pci.",
      "pcie.", "ecc.", "encoder.", "enforced.", "inforom.", "mig.", "retired_pages.",
      "accounting.", "gom.", "driver_model.", "fabric.", "protected_memory.", "reset_status.",
      "clocks_event_reasons.", "clocks_throttle_reasons."};
  for (size_t k = 0; k < sizeof k_exact / sizeof *k_exact; k++)
    if (tp_field_eq(f, k_exact[k])) return true;
  for (size_t k = 0; k < sizeof k_prefix / sizeof *k_prefix; k++) {
    size_t n = strlen(k_prefix[k]);
    if (f.n > n && strncasecmp(f.s, k_prefix[k], n) == 0) return true;
  }
  return false;
}

/* "power.draw [W]" -> name "power.draw", unit "W". */
static void S_split_header_field(tp_field f, tp_field *name, tp_field *unit) {
  *name = f;
  *unit = (tp_field){f.s + f.n, 0};
  const char *lb = memchr(f.s, '[', f.n);
  if (lb && f.n && f.s[f.n - 1] == ']') {
    *unit = (tp_field){lb + 1, (size_t)(f.s + f.n - 1 - (lb + 1))};
    name->n = (size_t)(lb - f.s);
    while (name->n && name->s[name->n - 1] == ' ') name->n--;
  }
}

/* The scale from a power unit to W, or 0 when it is not one. */
static double S_watts(tp_field unit) {
  if (unit.n == 0 || (unit.n == 1 && unit.s[0] == 'W')) return 1;
  if (tp_field_eq(unit, "mW")) return 1e-3;
  if (tp_field_eq(unit, "kW")) return 1e3;
  return 0;
}

/* ---- Sniffing -------------------------------------------------------------- */

/* The first line of head (after a BOM) as a field. */
static tp_field S_first_line(const char *head, size_t len, size_t *next) {
  size_t b = len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  const char *nl = memchr(head + b, '\n', len - b);
  size_t e = nl ? (size_t)(nl - head) : len;
  if (next) *next = nl ? e + 1 : len;
  size_t n = e - b;
  if (n && head[b + n - 1] == '\r') n--;
  return (tp_field){head + b, n};
}

bool tp_nvsmi_sniff_csv(const char *head, size_t len) {
  tp_field line = S_first_line(head, len, NULL);
  tp_field f[S_MAX_COLS];
  size_t n = tp_csv_split(line.s, line.n, ',', f, S_MAX_COLS);
  if (n > S_MAX_COLS) return false;
  bool has_key = false, has_ts = false, all_known = true;
  for (size_t k = 0; k < n; k++) {
    tp_timestamp ts;
    if (tp_time_parse(f[k].s, f[k].n, TP_TIME_NVSMI, &ts) == 0) {
      has_ts = true;
      continue;
    }
    tp_field name, unit;
    S_split_header_field(f[k], &name, &unit);
    if (!S_known_field(name)) all_known = false;
    if (tp_field_eq(name, "timestamp") || (name.n > 6 && strncasecmp(name.s, "power.", 6) == 0))
      has_key = true;
  }
  /* A noheader row is not this format by content (tp_nvsmi_sniff_noheader). */
  return !has_ts && all_known && has_key;
}

bool tp_nvsmi_sniff_noheader(const char *head, size_t len) {
  tp_field line = S_first_line(head, len, NULL);
  tp_field f[S_MAX_COLS];
  size_t n = tp_csv_split(line.s, line.n, ',', f, S_MAX_COLS);
  if (n > S_MAX_COLS || n < 2) return false;
  bool has_ts = false;
  for (size_t k = 0; k < n && !has_ts; k++) {
    tp_timestamp ts;
    has_ts = tp_time_parse(f[k].s, f[k].n, TP_TIME_NVSMI, &ts) == 0;
  }
  /* nvidia-smi's own date format and its ", " separator. */
  return has_ts && tp_mem_contains(line.s, line.n, ", ");
}

int tp_nvsmi_read_unstated(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  (void)lr, (void)opt;
  tp_rdiag_add(e->rd, TP_NOTE, "headerless nvidia-smi", 1,
               "looks like an nvidia-smi log without its header line (--format=csv,noheader): "
               "not read as power unless --format nvidia-smi or the configuration's "
               "power[].format: nvidia-smi says so");
  return 0;
}

/* Whitespace/comma tokens of a dmon line (a leading '#' dropped).  Returns the
 * count, which may exceed max. */
static size_t S_dmon_tokens(const char *s, size_t n, tp_field *out, size_t max) {
  size_t count = 0, i = 0;
  if (n && s[0] == '#') i = 1;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) i++;
    if (i >= n) break;
    size_t b = i;
    while (i < n && !(s[i] == ' ' || s[i] == '\t' || s[i] == ',')) i++;
    if (count < max) out[count] = (tp_field){s + b, i - b};
    count++;
  }
  return count;
}

static bool S_has_token(const tp_field *t, size_t n, const char *word) {
  for (size_t k = 0; k < n; k++)
    if (tp_field_eq(t[k], word)) return true;
  return false;
}

bool tp_nvsmi_sniff_dmon(const char *head, size_t len) {
  size_t next;
  tp_field l1 = S_first_line(head, len, &next);
  tp_field l2 = S_first_line(head + next, len - next, NULL);
  if (!l1.n || l1.s[0] != '#' || !l2.n || l2.s[0] != '#') return false;
  tp_field t[64];
  size_t n1 = S_dmon_tokens(l1.s, l1.n, t, 64);
  if (n1 > 64 || !S_has_token(t, n1, "gpu")) return false;
  size_t n2 = S_dmon_tokens(l2.s, l2.n, t, 64);
  return n2 <= 64 && S_has_token(t, n2, "Idx");
}

/* ---- query-gpu CSV ---------------------------------------------------------- */

typedef struct S_csv {
  size_t ncols;
  int col_time, col_power, col_index, col_uuid, col_bus, col_name;
  double power_scale;        /* header unit to W */
  char power_field[64];      /* the chosen column's name, for messages */
  tp_power_field field;      /* which reading that column is (unsaid when inferred) */
  char prev_time[64];        /* the last timestamp text, and its value */
  size_t prev_time_n;
  double prev_t;
  int pos_in_instant;        /* rows since the timestamp changed */
  bool more_ok;              /* rows may have fields past ncols (a field list
                                ending in "...") */
} S_csv;

/* Learn the columns from header-like fields.  Returns 0, or -1 (reported) when
 * there is no time column. */
static int S_csv_columns(S_csv *c, const tp_field *f, size_t n, const tp_power_options *opt,
                         tp_rdiag *rd, int64_t line) {
  c->ncols = n;
  c->col_time = c->col_power = c->col_index = c->col_uuid = c->col_bus = c->col_name = -1;
  c->power_scale = 1;
  c->field = TP_FIELD_UNSAID;
  static const char *const k_power[] = {"power.draw", "power.draw.average", "power.draw.instant"};
  int power_rank = 99;
  for (size_t k = 0; k < n && k < S_MAX_COLS; k++) {
    tp_field name, unit;
    S_split_header_field(f[k], &name, &unit);
    int col = (int)k;
    if (tp_field_eq(name, "timestamp")) c->col_time = col;
    else if (tp_field_eq(name, "index")) c->col_index = col;
    else if (tp_field_eq(name, "uuid") || tp_field_eq(name, "gpu_uuid")) c->col_uuid = col;
    else if (tp_field_eq(name, "pci.bus_id") || tp_field_eq(name, "gpu_bus_id")) c->col_bus = col;
    else if (tp_field_eq(name, "name") || tp_field_eq(name, "gpu_name")) c->col_name = col;
    if (opt->nvsmi_power_field) {
      if (tp_field_eq(name, opt->nvsmi_power_field)) power_rank = 0, c->col_power = col;
    } else {
      for (int r = 0; r < 3; r++)
        if (tp_field_eq(name, k_power[r]) && r < power_rank) power_rank = r, c->col_power = col;
    }
    if (c->col_power == col) {
      c->power_scale = S_watts(unit);
      snprintf(c->power_field, sizeof c->power_field, "%.*s", (int)(name.n < 60 ? name.n : 60),
               name.s);
      c->field = tp_power_field_of(name.s, name.n);
      if (c->power_scale == 0) {
        tp_rdiag_add(rd, TP_ERROR, "power unit", line,
                     "power column %s has unit [%.*s], not a power unit: file not used",
                     c->power_field, (int)(unit.n < 20 ? unit.n : 20), unit.s);
        return -1;
      }
    }
  }
  if (c->col_time < 0) {
    tp_rdiag_add(rd, TP_ERROR, "no time column", line,
                 "no timestamp column among the %zu columns: file not used", n);
    return -1;
  }
  return 0;
}

/* The query a headerless log is read as when no field list is given and its
 * rows have as many fields (docs/configuration.md, README). */
#define S_DEFAULT_QUERY "timestamp,index,name,power.draw"

/* A noheader file without a field list: the documented query when the row
 * has its four fields and starts with a timestamp; else time = the column
 * holding an nvidia-smi timestamp, power = the one column whose value ends in
 * " W".  Returns 0 (noted), or -1 (reported) when neither fits. */
static int S_csv_infer(S_csv *c, const tp_field *f, size_t n, const tp_power_options *opt,
                       tp_rdiag *rd, int64_t line) {
  tp_timestamp ts;
  if (n == 4 && tp_time_parse(f[0].s, f[0].n, TP_TIME_NVSMI, &ts) == 0) {
    tp_field q[4];
    tp_csv_split(S_DEFAULT_QUERY, strlen(S_DEFAULT_QUERY), ',', q, 4);
    if (S_csv_columns(c, q, 4, opt, rd, line)) return -1;
    tp_rdiag_add(rd, TP_NOTE, "no header", line,
                 "no header: columns read as the query " S_DEFAULT_QUERY);
    return 0;
  }
  c->ncols = n;
  c->col_time = c->col_power = c->col_index = c->col_uuid = c->col_bus = c->col_name = -1;
  c->power_scale = 1;
  c->field = TP_FIELD_UNSAID;
  int n_power = 0;
  for (size_t k = 0; k < n && k < S_MAX_COLS; k++) {
    double v;
    tp_field unit;
    if (c->col_time < 0 && tp_time_parse(f[k].s, f[k].n, TP_TIME_NVSMI, &ts) == 0)
      c->col_time = (int)k;
    else if (tp_csv_value_unit(f[k], &v, &unit) == 0 && tp_field_eq(unit, "W"))
      c->col_power = (int)k, n_power++;
  }
  if (c->col_time < 0 || n_power != 1) {
    tp_rdiag_add(rd, TP_ERROR, "no header", line,
                 "a headerless nvidia-smi file whose power column cannot be told (%zu fields, "
                 "not the 4 of the query " S_DEFAULT_QUERY "): name the positions of its time, "
                 "power and index in the configuration's columns; file not used", n);
    return -1;
  }
  snprintf(c->power_field, sizeof c->power_field, "column %d", c->col_power + 1);
  tp_rdiag_add(rd, TP_NOTE, "inferred columns", line,
               "no header: column %d read as the time and column %d (values in W) as power",
               c->col_time + 1, c->col_power + 1);
  return 0;
}

static bool S_is_header(const tp_field *f, size_t n) {
  for (size_t k = 0; k < n; k++) {
    tp_field name, unit;
    S_split_header_field(f[k], &name, &unit);
    if (tp_field_eq(name, "timestamp") || (name.n >= 10 && strncasecmp(name.s, "power.draw", 10) == 0))
      return true;
  }
  return false;
}

/* Parse the row's fields; deliver its sample. */
static void S_csv_row(S_csv *c, const tp_field *f, tp_clock *clk, tp_emit *e, tp_rdiag *rd,
                      int64_t line) {
  tp_field tf = f[c->col_time];
  double t;
  if (tf.n == c->prev_time_n && tf.n && memcmp(tf.s, c->prev_time, tf.n) == 0) {
    t = c->prev_t;
    c->pos_in_instant++;
  } else {
    if (tp_clock_parse(clk, tf.s, tf.n, TP_TIME_AUTO, &t)) {
      tp_rdiag_add(rd, TP_WARN, "bad timestamp", line, "timestamp \"%.*s\" not understood; row skipped",
                   (int)(tf.n < 40 ? tf.n : 40), tf.s);
      return;
    }
    if (tf.n < sizeof c->prev_time) {
      memcpy(c->prev_time, tf.s, tf.n);
      c->prev_time_n = tf.n;
      c->prev_t = t;
    } else {
      c->prev_time_n = 0;
    }
    c->pos_in_instant = 0;
  }
  tp_field pf = f[c->col_power], unit;
  double v;
  int r = tp_csv_value_unit(pf, &v, &unit);
  if (r == 1) {
    tp_rdiag_add(rd, TP_NOTE, "power not available", line, "%s is %.*s: no sample", c->power_field,
                 (int)(pf.n < 40 ? pf.n : 40), pf.s);
    return;
  }
  double scale = unit.n ? S_watts(unit) : c->power_scale;
  if (r < 0 || scale == 0) {
    tp_rdiag_add(rd, TP_WARN, "bad power value", line, "%s value \"%.*s\" is not a power; row skipped",
                 c->power_field, (int)(pf.n < 40 ? pf.n : 40), pf.s);
    return;
  }
  /* The device: index, uuid, bus id, or position within the instant. */
  char id[96];
  size_t idn = 0;
  tp_field key;
  if (c->col_index >= 0 || (c->col_uuid < 0 && c->col_bus < 0)) {
    memcpy(id, "gpu", 3);
    idn = 3;
  }
  if (c->col_index >= 0) key = f[c->col_index];
  else if (c->col_uuid >= 0) key = f[c->col_uuid];
  else if (c->col_bus >= 0) key = f[c->col_bus];
  else key = (tp_field){id + 3, tp_csv_utoa((unsigned)c->pos_in_instant, id + 3)};
  if (key.s != id + 3) {
    size_t kn = key.n < 80 ? key.n : 80;
    memcpy(id + idn, key.s, kn);
    key.n = kn;
  }
  idn += key.n;
  id[idn] = '\0';
  int dev = tp_emit_find(e, id, idn);
  if (dev < 0) {
    char *name = c->col_name >= 0 ? tp_field_dup(f[c->col_name]) : NULL;
    e->field = c->field;
    dev = tp_emit_device(e, id, idn, name, TP_SAMPLE_POWER_W, 0, line);
    free(name);
  }
  if (dev >= 0) tp_emit_sample(e, dev, t, v * scale, line);
}

int tp_nvsmi_read_csv(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  S_csv c;
  memset(&c, 0, sizeof c);
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  tp_rdiag *rd = e->rd;
  tp_field f[S_MAX_COLS];
  bool have_cols = false;
  if (opt->nvsmi_columns) {
    size_t n = tp_csv_split(opt->nvsmi_columns, strlen(opt->nvsmi_columns), ',', f, S_MAX_COLS);
    /* A list ending in "..." names the first fields; rows may have more. */
    bool open_end = n > 1 && n <= S_MAX_COLS && tp_field_eq(f[n - 1], "...");
    if (n > S_MAX_COLS || S_csv_columns(&c, f, n - open_end, opt, rd, -1)) return -1;
    c.more_ok = open_end;
    have_cols = true;
  }
  bool no_power_noted = false;
  size_t n;
  while (tp_csv_next_row(lr, ',', f, S_MAX_COLS, &n)) {
    /* A header (again, where logs were concatenated)?  Data rows have a
     * digit where the time goes, which spares the name comparisons. */
    bool maybe = !have_cols || c.col_time >= (int)n || f[c.col_time].n == 0 ||
                 !(f[c.col_time].s[0] >= '0' && f[c.col_time].s[0] <= '9');
    bool header = maybe && S_is_header(f, n);
    if (header) {
      if (opt->nvsmi_columns) continue;
      if (S_csv_columns(&c, f, n, opt, rd, lr->line)) return -1;
      if (have_cols)
        tp_rdiag_add(rd, TP_NOTE, "header again", lr->line, "a header line again; columns re-read");
      have_cols = true;
      continue;
    }
    if (!have_cols) {
      if (S_csv_infer(&c, f, n, opt, rd, lr->line)) return -1;
      have_cols = true;
    }
    if (c.col_power < 0) {
      if (!no_power_noted)
        tp_rdiag_add(rd, TP_NOTE, "no power column", lr->line,
                     "no power column (power.draw, power.draw.average, power.draw.instant%s%s): "
                     "the file gives no samples",
                     opt->nvsmi_power_field ? " or " : "",
                     opt->nvsmi_power_field ? opt->nvsmi_power_field : "");
      no_power_noted = true;
      continue;
    }
    if (c.more_ok ? n < c.ncols : n != c.ncols) {
      tp_rdiag_add(rd, TP_WARN, "field count", lr->line,
                   "%zu fields where the header has %zu; row skipped", n, c.ncols);
      continue;
    }
    S_csv_row(&c, f, &clk, e, rd, lr->line);
  }
  return 0;
}

/* ---- dmon -------------------------------------------------------------------- */

typedef struct S_dmon {
  size_t ncols;
  int col_gpu, col_pwr, col_date, col_time;
  bool have_cols;
  int64_t instant;      /* instants seen (no-time files) */
  unsigned char seen[256]; /* gpu indices seen in the current instant */
} S_dmon;

static void S_dmon_header(S_dmon *m, const tp_field *t, size_t n) {
  m->ncols = n;
  m->col_gpu = m->col_pwr = m->col_date = m->col_time = -1;
  for (size_t k = 0; k < n; k++) {
    if (tp_field_eq(t[k], "gpu")) m->col_gpu = (int)k;
    else if (tp_field_eq(t[k], "pwr")) m->col_pwr = (int)k;
    else if (tp_field_eq(t[k], "Date")) m->col_date = (int)k;
    else if (tp_field_eq(t[k], "Time")) m->col_time = (int)k;
  }
  m->have_cols = true;
}

/* The time of a dmon row of gpu idx: its Date and Time columns, else the
 * start time given and the sampling interval.  -1 (noted) when not understood. */
static int S_dmon_time(S_dmon *m, const tp_field *t, int64_t idx, tp_clock *clk,
                       const tp_power_options *opt, double interval, tp_rdiag *rd, int64_t line,
                       double *time_s) {
  if (m->col_date >= 0 && m->col_time >= 0) {
    char buf[64];
    int bn = snprintf(buf, sizeof buf, "%.*s %.*s",
                      (int)(t[m->col_date].n < 20 ? t[m->col_date].n : 20), t[m->col_date].s,
                      (int)(t[m->col_time].n < 20 ? t[m->col_time].n : 20), t[m->col_time].s);
    tp_timestamp ts;
    if (tp_time_parse_pattern(buf, (size_t)bn, "%Y%m%d %H:%M:%S", &ts)) {
      tp_rdiag_add(rd, TP_WARN, "bad timestamp", line,
                   "date/time \"%s\" not understood; row skipped", buf);
      return -1;
    }
    *time_s = tp_clock_utc(clk, &ts);
  } else {
    /* A gpu seen again starts the next instant. */
    if (m->seen[idx]) {
      memset(m->seen, 0, sizeof m->seen);
      m->instant++;
    }
    m->seen[idx] = 1;
    *time_s = opt->start_s + (double)m->instant * interval + opt->clock_offset_s;
  }
  return 0;
}

int tp_nvsmi_read_dmon(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  S_dmon m;
  memset(&m, 0, sizeof m);
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  tp_rdiag *rd = e->rd;
  double interval = opt->dmon_interval_s > 0 ? opt->dmon_interval_s : 1;
  tp_field t[64];
  const char *s;
  size_t len;
  bool checked = false;
  while (tp_lines_next(lr, &s, &len)) {
    size_t n = S_dmon_tokens(s, len, t, 64);
    if (n == 0) continue;
    if (n > 64) {
      tp_rdiag_add(rd, TP_WARN, "too many fields", lr->line, "more than 64 fields; line skipped");
      continue;
    }
    if (s[0] == '#') {
      if (!S_has_token(t, n, "Idx") && !S_has_token(t, n, "YYYYMMDD")) S_dmon_header(&m, t, n);
      continue;
    }
    if (!m.have_cols || m.col_gpu < 0) {
      tp_rdiag_add(rd, TP_WARN, "no header", lr->line, "a dmon row before any \"# gpu\" header; skipped");
      continue;
    }
    if (!checked) {
      checked = true;
      if (m.col_pwr < 0) {
        tp_rdiag_add(rd, TP_NOTE, "no power column", lr->line,
                     "no pwr column (dmon -s without p): the file gives no samples");
        return 0;
      }
      if ((m.col_date < 0 || m.col_time < 0) && !opt->has_start) {
        tp_rdiag_add(rd, TP_ERROR, "no time", lr->line,
                     "dmon output without Date and Time columns (-o DT) and no start time "
                     "given in the configuration: file not used");
        return -1;
      }
    }
    if (n != m.ncols || m.col_pwr < 0) {
      tp_rdiag_add(rd, TP_WARN, "field count", lr->line,
                   "%zu fields where the header has %zu; row skipped", n, m.ncols);
      continue;
    }
    int64_t idx;
    if (tp_parse_int64(t[m.col_gpu].s, t[m.col_gpu].n, &idx) || idx < 0 || idx > 255) {
      tp_rdiag_add(rd, TP_WARN, "bad gpu index", lr->line, "gpu index \"%.*s\" not understood; row skipped",
                   (int)(t[m.col_gpu].n < 20 ? t[m.col_gpu].n : 20), t[m.col_gpu].s);
      continue;
    }
    double time_s;
    if (S_dmon_time(&m, t, idx, &clk, opt, interval, rd, lr->line, &time_s)) continue;
    double w;
    tp_field unit;
    int r = tp_csv_value_unit(t[m.col_pwr], &w, &unit);
    if (r == 1) {
      tp_rdiag_add(rd, TP_NOTE, "power not available", lr->line, "pwr is \"-\": no sample");
      continue;
    }
    if (r < 0 || unit.n) {
      tp_rdiag_add(rd, TP_WARN, "bad power value", lr->line, "pwr value \"%.*s\" not understood; row skipped",
                   (int)(t[m.col_pwr].n < 20 ? t[m.col_pwr].n : 20), t[m.col_pwr].s);
      continue;
    }
    char id[16];
    int idn = snprintf(id, sizeof id, "gpu%d", (int)idx);
    int dev = tp_emit_device(e, id, (size_t)idn, NULL, TP_SAMPLE_POWER_W, 0, lr->line);
    if (dev >= 0) tp_emit_sample(e, dev, time_s, w, lr->line);
  }
  return 0;
}
