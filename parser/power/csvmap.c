/* csvmap: a CSV trace read through a column mapping (see csvmap.h). */
#include "parser/power/csvmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/config.h"
#include "model/mem.h"
#include "model/units.h"

#define S_MAX_COLS 256

static const struct {
  const char *name;
  double scale;      /* to W or J */
} k_units[TP_UNIT_COUNT] = {
    [TP_UNIT_W] = {"W", 1},       [TP_UNIT_MW] = {"mW", 1e-3},   [TP_UNIT_KW] = {"kW", 1e3},
    [TP_UNIT_J] = {"J", 1},       [TP_UNIT_KJ] = {"kJ", 1e3},    [TP_UNIT_WH] = {"Wh", TP_J_PER_WH},
    [TP_UNIT_KWH] = {"kWh", TP_J_PER_KWH}, [TP_UNIT_UJ] = {"uJ", 1e-6}, [TP_UNIT_MJ] = {"mJ", 1e-3}};

const char *tp_value_unit_name(tp_value_unit u) {
  return (unsigned)u < TP_UNIT_COUNT ? k_units[u].name : "?";
}

int tp_value_unit_parse(const char *name, tp_value_unit *out) {
  for (int k = 0; k < TP_UNIT_COUNT; k++)
    if (strcmp(name, k_units[k].name) == 0) {
      *out = (tp_value_unit)k;
      return 0;
    }
  return -1;
}

bool tp_value_unit_is_energy(tp_value_unit u) { return u >= TP_UNIT_J && u < TP_UNIT_COUNT; }

/* ---- From the configuration -------------------------------------------- */

int tp_csvmap_of_config(tp_csvmap *m, const tp_config_columns *c, char *err, size_t err_n) {
  *m = (tp_csvmap){.sep = c->separator ? c->separator : ',',
                   .no_header = c->no_header,
                   .time_column = c->time_column,
                   .time_index = c->time_index,
                   .time2_column = c->time2_column,
                   .time2_index = c->time2_index,
                   .value_column = c->value_column,
                   .value_index = c->value_index,
                   .device_column = c->device_column,
                   .device_index = c->device_index};
  m->time_format = TP_TIME_AUTO;
  if (c->time_format) {
    if (strchr(c->time_format, '%')) {
      m->time_format = TP_TIME_PATTERN;
      m->time_pattern = c->time_format;
    } else if (tp_time_format_parse(c->time_format, &m->time_format) != 0) {
      snprintf(err, err_n, "unknown time format '%s'", c->time_format);
      return -1;
    }
  }
  if (c->date_order && tp_date_order_parse(c->date_order, &m->date_order) != 0) {
    snprintf(err, err_n, "unknown date order '%s'", c->date_order);
    return -1;
  }
  m->unit = TP_UNIT_W;
  if (c->unit && tp_value_unit_parse(c->unit, &m->unit) != 0) {
    snprintf(err, err_n, "unknown unit '%s'", c->unit);
    return -1;
  }
  return 0;
}

int tp_csvmap_nvsmi_fields(char *out, const tp_config_columns *c, char *err, size_t err_n) {
  int t = c->time_index, v = c->value_index, x = c->device_index;
  if (t <= 0 || v <= 0) {
    snprintf(err, err_n, "format nvidia-smi with columns that give no position of time or "
             "value: the columns are not used");
    return -1;
  }
  int last = t > v ? t : v;
  if (x > last) last = x;
  if (last > TP_NVSMI_MAX_POSITION) {
    snprintf(err, err_n, "nvidia-smi column position %d is past %d: the columns are not used",
             last, TP_NVSMI_MAX_POSITION);
    return -1;
  }
  size_t n = 0;
  for (int k = 1; k <= last; k++) {
    const char *name = k == t ? "timestamp" : k == v ? "power.draw" : k == x ? "index" : "-";
    n += (size_t)snprintf(out + n, TP_NVSMI_FIELDS_MAX - n, "%s,", name);
  }
  snprintf(out + n, TP_NVSMI_FIELDS_MAX - n, "...");
  return 0;
}

/* ---- Reading ------------------------------------------------------------- */

/* A field without the blanks around it. */
static tp_field S_trimmed(tp_field f) {
  while (f.n && (f.s[0] == ' ' || f.s[0] == '\t')) f.s++, f.n--;
  while (f.n && (f.s[f.n - 1] == ' ' || f.s[f.n - 1] == '\t')) f.n--;
  return f;
}

/* The header cell named `name`, both trimmed of blanks (nvidia-smi writes
 * " power.draw [W]"), case ignored; -1 if none. */
static int S_find(const tp_field *hdr, size_t n, const char *name) {
  tp_field want = S_trimmed((tp_field){name, strlen(name)});
  for (size_t k = 0; k < n; k++) {
    tp_field h = S_trimmed(hdr[k]);
    if (h.n == want.n && strncasecmp(h.s, want.s, h.n) == 0) return (int)k;
  }
  return -1;
}

/* A column by 1-based position or by header name; -1 (reported) if missing. */
static int S_column(const tp_field *hdr, size_t n, const char *name, int index, const char *what,
                    tp_rdiag *rd, int64_t line) {
  if (index > 0) {
    if ((size_t)index <= n) return index - 1;
    tp_rdiag_add(rd, TP_ERROR, "mapping", line, "the %s column %d is past the %zu columns: file not used",
                 what, index, n);
    return -1;
  }
  if (!name) {
    tp_rdiag_add(rd, TP_ERROR, "mapping", line, "the mapping names no %s column: file not used", what);
    return -1;
  }
  int k = hdr ? S_find(hdr, n, name) : -1;
  if (k < 0)
    tp_rdiag_add(rd, TP_ERROR, "mapping", line, "no %s column \"%s\" in the header: file not used",
                 what, name);
  return k;
}

/* The columns of a mapped file, found from its first row. */
typedef struct S_cols {
  int time, time2, value, device; /* 0-based; -1: none (time2, device) */
  size_t n;                       /* fields of the first row: every row has as many */
} S_cols;

/* Find the mapping's columns in the first row f[0..n) (a header unless the
 * mapping says there is none).  Returns 0, or -1 (reported). */
static int S_find_columns(const tp_csvmap *m, const tp_field *f, size_t n, tp_rdiag *rd,
                          int64_t line, S_cols *c) {
  const tp_field *hdr = m->no_header ? NULL : f;
  *c = (S_cols){.time2 = -1, .device = -1, .n = n};
  c->time = S_column(hdr, n, m->time_column, m->time_index, "time", rd, line);
  if (c->time < 0) return -1;
  if (m->time2_column || m->time2_index > 0) {
    c->time2 = S_column(hdr, n, m->time2_column, m->time2_index, "time of day", rd, line);
    if (c->time2 < 0) return -1;
  }
  c->value = S_column(hdr, n, m->value_column, m->value_index, "value", rd, line);
  if (c->value < 0) return -1;
  if (m->device_column || m->device_index > 0) {
    c->device = S_column(hdr, n, m->device_column, m->device_index, "device", rd, line);
    if (c->device < 0) return -1;
  }
  return 0;
}

/* The time of a row: its time field (and time-of-day field, joined by one
 * space) in the mapping's format.  Returns 0 and *t_s; 1 when the row is
 * skipped (reported); -1 when the file is refused: a numeric date whose
 * day/month order the mapping does not state (reported). */
static int S_row_time(const tp_csvmap *m, const tp_field *f, const S_cols *c, tp_clock *clk,
                      tp_rdiag *rd, int64_t line, double *t_s) {
  char joined[160];
  tp_field tf = S_trimmed(f[c->time]);
  if (c->time2 >= 0) {
    tp_field tod = S_trimmed(f[c->time2]);
    if (tf.n > 79) tf.n = 79; /* longer is no time: the parse fails, as it should */
    if (tod.n > 79) tod.n = 79;
    int len = snprintf(joined, sizeof joined, "%.*s %.*s", (int)tf.n, tf.s, (int)tod.n, tod.s);
    tf = (tp_field){joined, (size_t)len};
  }
  tp_timestamp ts;
  int r;
  if (m->time_format == TP_TIME_PATTERN) {
    r = tp_time_parse_pattern(tf.s, tf.n, m->time_pattern, &ts);
  } else if (m->time_format == TP_TIME_AUTO && tp_time_is_dm_date(tf.s, tf.n)) {
    if (m->date_order == TP_DATE_ORDER_NONE) {
      tp_rdiag_add(rd, TP_ERROR, "date order", line,
                   "date \"%.*s\" does not say whether day or month comes first, and the mapping "
                   "states no date_order (dmy, mdy or ymd): file not used",
                   (int)(tf.n < 40 ? tf.n : 40), tf.s);
      return -1;
    }
    r = tp_time_parse_ordered(tf.s, tf.n, m->date_order, &ts);
  } else if (m->time_format == TP_TIME_AUTO && m->date_order == TP_DATE_YMD &&
             tp_time_parse_ordered(tf.s, tf.n, TP_DATE_YMD, &ts) == 0) {
    r = 0; /* 2024.03.04 and the like, which auto alone does not read */
  } else {
    r = tp_time_parse(tf.s, tf.n, m->time_format, &ts);
  }
  if (r) {
    tp_rdiag_add(rd, TP_WARN, "bad timestamp", line, "time \"%.*s\" not understood as %s; row skipped",
                 (int)(tf.n < 40 ? tf.n : 40), tf.s, tp_time_format_name(m->time_format));
    return 1;
  }
  *t_s = tp_clock_utc(clk, &ts);
  return 0;
}

int tp_csvmap_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e) {
  tp_rdiag *rd = e->rd;
  const tp_csvmap *m = opt->csvmap;
  if (!m) {
    tp_rdiag_add(rd, TP_ERROR, "mapping", -1, "read as a mapped CSV but no column mapping given: file not used");
    return -1;
  }
  if ((unsigned)m->unit >= TP_UNIT_COUNT || (m->time_format == TP_TIME_PATTERN && !m->time_pattern)) {
    tp_rdiag_add(rd, TP_ERROR, "mapping", -1, "the column mapping is incomplete: file not used");
    return -1;
  }
  char sep = m->sep ? m->sep : ',';
  bool energy = tp_value_unit_is_energy(m->unit);
  double scale = k_units[m->unit].scale;
  tp_clock clk;
  tp_clock_init(&clk, opt->tz, opt->clock_offset_s);
  tp_field f[S_MAX_COLS];
  S_cols c;
  bool started = false;
  const char *fixed_id = m->device_name ? m->device_name : "device";
  size_t n;
  while (tp_csv_next_row(lr, sep, f, S_MAX_COLS, &n)) {
    if (!started) {
      started = true;
      if (S_find_columns(m, f, n, rd, lr->line, &c)) return -1;
      if (!m->no_header) continue;
    }
    if (n != c.n) {
      tp_rdiag_add(rd, TP_WARN, "field count", lr->line, "%zu fields where the first line has %zu; row skipped",
                   n, c.n);
      continue;
    }
    double t, v;
    int tr = S_row_time(m, f, &c, &clk, rd, lr->line, &t);
    if (tr < 0) return -1;
    if (tr > 0) continue;
    tp_field unit, vf = f[c.value];
    int vr = tp_csv_value_unit(vf, &v, &unit);
    if (vr == 1) {
      tp_rdiag_add(rd, TP_NOTE, "value not available", lr->line, "value is %.*s: no sample",
                   (int)(vf.n < 40 ? vf.n : 40), vf.s);
      continue;
    }
    if (vr < 0 || (unit.n && !tp_field_eq(unit, k_units[m->unit].name))) {
      tp_rdiag_add(rd, TP_WARN, "bad value", lr->line, "value \"%.*s\" is not a number in %s; row skipped",
                   (int)(vf.n < 40 ? vf.n : 40), vf.s, k_units[m->unit].name);
      continue;
    }
    tp_field id = c.device >= 0 ? f[c.device] : (tp_field){fixed_id, strlen(fixed_id)};
    if (id.n == 0) {
      tp_rdiag_add(rd, TP_WARN, "no device", lr->line, "empty device field; row skipped");
      continue;
    }
    int dev = tp_emit_device(e, id.s, id.n, NULL, energy ? TP_SAMPLE_ENERGY_J : TP_SAMPLE_POWER_W,
                             0, lr->line);
    if (dev < 0) continue;
    tp_emit_sample(e, dev, t, v * scale, lr->line);
  }
  return 0;
}
