/* fuzz_power: every power reader on arbitrary bytes.
 *
 * The first byte picks the format (auto-detection or one reader forced) and
 * a few options; the rest is the file.  The sink checks what the readers
 * promise: devices announced before their samples, finite non-negative
 * values, and per-device time that never goes backwards.  Every sample also
 * goes to the energy model, integrated over a run window set by the first
 * and last samples seen (with counters, wrap-around and gaps as the file has
 * them), and that run is reported.  Holds of job labels are checked too:
 * a device and a job named, a finite span that does not go backwards.
 *
 * Selector byte: bits 0-2 pick the reader (0 auto-detect, 1 nvidia-smi CSV,
 * 2 nvidia-smi dmon, 3 RAPL CSV, 4 perf stat, 5 CodeCarbon, 6 CSV mapping,
 * 7 one of the formats past those, picked by bits 5-6: 0 the headerless
 * nvidia-smi note, 1 and 3 Prometheus answers of DCGM metrics, 2 Grafana CSV
 * exports; Grafana is also reached through 0), bit 3 a start time and a
 * noheader column list, bit 4 the mapping's time in two columns (date, time
 * of day) and that list open-ended ("...": rows may have more fields), and for
 * DCGM metrics a configured job label ("slurm_job"), bit 5
 * a day-first date order, bit 6 a device column for the CSV mapping (bits 5
 * and 6 set options of the CSV mapping only, so they are free to pick among
 * the later formats), bit 7 a mapping without header.  A Grafana export
 * forced (7, bits 5-6 = 2) with bit 4 is read with a series mapping (a
 * pattern with host and gpu groups, and a name mapped to an energy counter),
 * as the configuration's `series` gives it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "model/energy.h"
#include "parser/power/csvmap.h"
#include "parser/power/grafana_map.h"
#include "parser/power/power.h"

#define MAX_DEV 5000

typedef struct check {
  int n_dev;
  double last_t[MAX_DEV];
  tp_trace_sink energy;  /* the integrator's sink */
  int handle[MAX_DEV];   /* energy handle of each device */
  double t_min, t_max;   /* first and last sample time seen */
} check;

static int S_device(void *ctx, const char *id, const char *name, tp_sample_kind kind, double wrap_j) {
  check *c = ctx;
  if (!id || !*id || c->n_dev >= MAX_DEV || !(wrap_j >= 0)) abort();
  c->last_t[c->n_dev] = -INFINITY;
  c->handle[c->n_dev] = c->energy.device(c->energy.ctx, id, name, kind, wrap_j);
  return c->n_dev++;
}

static void S_sample(void *ctx, int dev, double t_s, double value) {
  check *c = ctx;
  if (dev < 0 || dev >= c->n_dev || !isfinite(t_s) || !isfinite(value) || value < 0 ||
      t_s < c->last_t[dev])
    abort();
  c->last_t[dev] = t_s;
  if (t_s < c->t_min) c->t_min = t_s;
  if (t_s > c->t_max) c->t_max = t_s;
  c->energy.sample(c->energy.ctx, c->handle[dev], t_s, value);
}

static void S_hold(void *ctx, const char *id, const char *job, double start_s, double end_s) {
  (void)ctx;
  if (!id || !*id || !job || !*job || !isfinite(start_s) || !isfinite(end_s) || end_s < start_s)
    abort();
}

static void S_declared(void *ctx, const tp_declared *d) {
  if (!(d->it_energy_j >= 0) || !(d->tool_pue >= 1)) abort();
}

/* The series mapping of Grafana exports (made once, kept for the process). */
static const tp_grafana_map *S_series_map(void) {
  static tp_grafana_map *m;
  static const tp_config_series e[] = {
      {.pattern = "(?<host>[A-Za-z0-9-]+) GPU (?<gpu>[0-9]+)"},
      {.name = "A", .host = "node1", .uuid = "GPU-a", .metric = "energy"}};
  if (!m) m = tp_grafana_map_new(e, sizeof e / sizeof *e);
  return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t sel = data[0];
  data++, size--;
  static check c;
  c.n_dev = 0;
  c.t_min = INFINITY;
  c.t_max = -INFINITY;
  /* The window is not known before the trace is read: integrate over all of
   * time; the run's window is then the span the samples covered. */
  tp_energy_window w = {.start_s = -1e12, .end_s = 1e12};
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  c.energy = tp_energy_sink(e);
  tp_trace_sink sink = {&c, S_device, S_sample, S_declared, NULL, S_hold};
  bool two = (sel & 0x10) != 0; /* time in columns 1 and 2 */
  tp_csvmap map = {.time_index = 1, .time2_index = two ? 2 : 0, .value_index = two ? 3 : 2,
                   .device_index = (sel & 0x40) ? (two ? 4 : 3) : 0,
                   .date_order = (sel & 0x20) ? TP_DATE_DMY : TP_DATE_ORDER_NONE,
                   .no_header = (sel & 0x80) != 0, .unit = TP_UNIT_W};
  tp_power_options o;
  tp_power_options_init(&o);
  o.csvmap = &map;
  o.max_line = 256; /* small, so that long lines are exercised */
  if (two) o.job_label = "slurm_job";
  if (sel & 0x08) {
    o.has_start = true;
    o.start_s = 1e9;
    o.nvsmi_columns = two ? "timestamp,index,power.draw,..." : "timestamp,index,power.draw";
  }
  static const tp_power_format later[4] = {TP_POWER_NVSMI_UNSTATED, TP_POWER_PROMETHEUS,
                                           TP_POWER_GRAFANA_CSV, TP_POWER_PROMETHEUS};
  tp_power_format fmt = (tp_power_format)(sel & 0x07);
  if ((sel & 0x07) == 7) fmt = later[(sel >> 5) & 3];
  if (fmt == TP_POWER_GRAFANA_CSV && two) o.grafana_map = S_series_map();
  FILE *f = size ? fmemopen((void *)data, size, "rb") : tmpfile();
  if (!f) {
    tp_energy_free(e);
    return 0;
  }
  tp_diags d = {0};
  tp_power_read_stream(f, "fuzz", fmt, &o, &sink, &d);
  fclose(f);
  tp_diag_free(&d);
  tp_run *run = tp_run_new("trace", ".");
  tp_energy_finish(e, &run, 1);
  tp_energy_free(e);
  if (c.t_max > c.t_min) {
    tp_run_note_event(run, 0, c.t_min);
    tp_run_note_event(run, 1, c.t_max);
  }
  tp_run_finish(run);
  tp_fuzz_report_run(run);
  return 0;
}
