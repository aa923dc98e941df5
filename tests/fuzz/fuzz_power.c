/* fuzz_power: every power reader on arbitrary bytes.
 *
 * The first byte picks the format (auto-detection or one reader forced) and
 * a few options; the rest is the file.  The sink checks what the readers
 * promise: devices announced before their samples, finite non-negative
 * values, and per-device time that never goes backwards.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "parser/csvmap.h"
#include "parser/power.h"

#define MAX_DEV 5000

typedef struct check {
  int n_dev;
  double last_t[MAX_DEV];
} check;

static int S_device(void *ctx, const char *id, const char *name, tp_sample_kind kind, double wrap_j) {
  check *c = ctx;
  if (!id || !*id || c->n_dev >= MAX_DEV || !(wrap_j >= 0)) abort();
  c->last_t[c->n_dev] = -INFINITY;
  return c->n_dev++;
}

static void S_sample(void *ctx, int dev, double t_s, double value) {
  check *c = ctx;
  if (dev < 0 || dev >= c->n_dev || !isfinite(t_s) || !isfinite(value) || value < 0 ||
      t_s < c->last_t[dev])
    abort();
  c->last_t[dev] = t_s;
}

static void S_declared(void *ctx, const tp_declared *d) {
  if (!(d->it_energy_j >= 0) || !(d->tool_pue >= 1)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t sel = data[0];
  data++, size--;
  static check c;
  c.n_dev = 0;
  tp_trace_sink sink = {&c, S_device, S_sample, S_declared};
  tp_csvmap map = {.time_index = 1, .value_index = 2, .device_index = (sel & 0x40) ? 3 : 0,
                   .no_header = (sel & 0x80) != 0, .unit = TP_UNIT_W};
  tp_power_options o;
  tp_power_options_init(&o);
  o.csvmap = &map;
  o.max_line = 256; /* small, so that long lines are exercised */
  if (sel & 0x08) {
    o.has_start = true;
    o.start_s = 1e9;
    o.nvsmi_columns = "timestamp,index,power.draw";
  }
  tp_power_format fmt = (tp_power_format)((sel & 0x07) % TP_POWER_FORMAT_COUNT);
  FILE *f = size ? fmemopen((void *)data, size, "rb") : tmpfile();
  if (!f) return 0;
  tp_diags d = {0};
  tp_power_read_stream(f, "fuzz", fmt, &o, &sink, &d);
  fclose(f);
  tp_diag_free(&d);
  return 0;
}
