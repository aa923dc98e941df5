/* csvmap: a CSV trace read through a column mapping (see csvmap.h). */
#include "parser/power/csvmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
  int k = hdr ? tp_csv_find(hdr, n, name) : -1;
  if (k < 0)
    tp_rdiag_add(rd, TP_ERROR, "mapping", line, "no %s column \"%s\" in the header: file not used",
                 what, name);
  return k;
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
  int c_time = -1, c_val = -1, c_dev = -1;
  size_t ncols = 0;
  bool started = false;
  const char *fixed_id = m->device_name ? m->device_name : "device";
  size_t n;
  while (tp_csv_next_row(lr, sep, f, S_MAX_COLS, &n)) {
    if (!started) {
      started = true;
      const tp_field *hdr = m->no_header ? NULL : f;
      c_time = S_column(hdr, n, m->time_column, m->time_index, "time", rd, lr->line);
      c_val = S_column(hdr, n, m->value_column, m->value_index, "value", rd, lr->line);
      if (m->device_column || m->device_index > 0)
        c_dev = S_column(hdr, n, m->device_column, m->device_index, "device", rd, lr->line);
      if (c_time < 0 || c_val < 0 || ((m->device_column || m->device_index > 0) && c_dev < 0))
        return -1;
      ncols = n;
      if (!m->no_header) continue;
    }
    if (n != ncols) {
      tp_rdiag_add(rd, TP_WARN, "field count", lr->line, "%zu fields where the first line has %zu; row skipped",
                   n, ncols);
      continue;
    }
    tp_field tf = f[c_time], vf = f[c_val];
    tp_timestamp ts;
    int r = m->time_format == TP_TIME_PATTERN ? tp_time_parse_pattern(tf.s, tf.n, m->time_pattern, &ts)
                                              : tp_time_parse(tf.s, tf.n, m->time_format, &ts);
    if (r) {
      tp_rdiag_add(rd, TP_WARN, "bad timestamp", lr->line, "time \"%.*s\" not understood as %s; row skipped",
                   (int)(tf.n < 40 ? tf.n : 40), tf.s, tp_time_format_name(m->time_format));
      continue;
    }
    double t = tp_clock_utc(&clk, &ts), v;
    tp_field unit;
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
    tp_field id = c_dev >= 0 ? f[c_dev] : (tp_field){fixed_id, strlen(fixed_id)};
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
