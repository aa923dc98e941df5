/* power_reader: read options and checked delivery to the sink (see
 * power_reader.h). */
#include "parser/power/power_reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

void tp_power_options_init(tp_power_options *o) { memset(o, 0, sizeof *o); }

/* ---- Checked delivery ---------------------------------------------------------- */

void tp_emit_init(tp_emit *e, const tp_trace_sink *sink, tp_rdiag *rd) {
  memset(e, 0, sizeof *e);
  e->sink = sink;
  e->rd = rd;
}

void tp_emit_free(tp_emit *e) {
  for (size_t k = 0; k < e->n_dev; k++) free(e->dev[k].id);
  free(e->dev);
  e->dev = NULL;
  e->n_dev = 0;
}

int tp_emit_find(tp_emit *e, const char *id, size_t n) {
  /* Devices usually come round-robin: try the next one and the last first. */
  for (size_t probe = 1; probe <= 2 && e->n_dev; probe++) {
    size_t k = (e->last + probe) % e->n_dev;
    if (e->dev[k].id_n == n && memcmp(e->dev[k].id, id, n) == 0) {
      e->last = k;
      return (int)k;
    }
  }
  for (size_t k = 0; k < e->n_dev; k++)
    if (e->dev[k].id_n == n && memcmp(e->dev[k].id, id, n) == 0) {
      e->last = k;
      return (int)k;
    }
  return -1;
}

int tp_emit_device(tp_emit *e, const char *id, size_t n, const char *name, tp_sample_kind kind,
                   double wrap_j, int64_t line) {
  int k = tp_emit_find(e, id, n);
  if (k >= 0) return k;
  if (n == 0 || memchr(id, '\0', n)) {
    tp_rdiag_add(e->rd, TP_WARN, "bad device id", line,
                 "a device id that is empty or holds a NUL byte; row skipped");
    return -1;
  }
  if (e->n_dev >= TP_EMIT_MAX_DEVICES) {
    tp_rdiag_add(e->rd, TP_WARN, "too many devices", line,
                 "more than %d devices in one file; device \"%.*s\" skipped", TP_EMIT_MAX_DEVICES,
                 (int)(n < 40 ? n : 40), id);
    return -1;
  }
  TP_GROW(e->dev, e->cap_dev, e->n_dev + 1);
  tp_emit_dev *dv = &e->dev[e->n_dev];
  dv->id = tp_xstrndup(id, n);
  dv->id_n = n;
  dv->last_t = -INFINITY;
  dv->last_v = NAN;
  dv->handle = e->sink && e->sink->device ? e->sink->device(e->sink->ctx, dv->id, name, kind, wrap_j) : 0;
  if (e->field != TP_FIELD_UNSAID && e->sink && e->sink->field && dv->handle >= 0)
    e->sink->field(e->sink->ctx, dv->handle, e->field);
  e->last = e->n_dev;
  return (int)e->n_dev++;
}

void tp_emit_hold(tp_emit *e, const char *id, const char *job, double start_s, double end_s) {
  if (e->sink && e->sink->hold) e->sink->hold(e->sink->ctx, id, job, start_s, end_s);
}

bool tp_emit_sample(tp_emit *e, int dev, double t_s, double value, int64_t line) {
  tp_emit_dev *dv = &e->dev[dev];
  if (!isfinite(value) || value < 0) {
    tp_rdiag_add(e->rd, TP_WARN, "bad sample value", line, "%s: value %g is %s; sample dropped",
                 dv->id, value, isfinite(value) ? "negative" : "not finite");
    return false;
  }
  if (!isfinite(t_s)) {
    tp_rdiag_add(e->rd, TP_WARN, "bad sample time", line, "%s: time is not finite; sample dropped",
                 dv->id);
    return false;
  }
  if (t_s < dv->last_t) {
    tp_rdiag_add(e->rd, TP_WARN, "time went backwards", line,
                 "%s: time goes back %.3f s from the previous sample; sample dropped", dv->id,
                 dv->last_t - t_s);
    return false;
  }
  dv->last_t = t_s;
  dv->last_v = value;
  if (e->sink && e->sink->sample) e->sink->sample(e->sink->ctx, dv->handle, t_s, value);
  e->n_samples++;
  return true;
}
