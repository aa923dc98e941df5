/* trace: power field names and the summarising sink (see trace.h). */
#include "model/trace.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/mem.h"

static const char *const k_field_names[] = {NULL, "power.draw", "power.draw.average",
                                            "power.draw.instant"};

const char *tp_power_field_name(tp_power_field f) {
  return f > TP_FIELD_UNSAID && f <= TP_FIELD_DRAW_INSTANT ? k_field_names[f] : NULL;
}

tp_power_field tp_power_field_of(const char *name, size_t n) {
  for (int f = TP_FIELD_DRAW; f <= TP_FIELD_DRAW_INSTANT; f++)
    if (strlen(k_field_names[f]) == n && strncasecmp(name, k_field_names[f], n) == 0)
      return (tp_power_field)f;
  return TP_FIELD_UNSAID;
}

static int S_tally_device(void *ctx, const char *id, const char *name, tp_sample_kind kind,
                          double wrap_j) {
  tp_power_tally *t = ctx;
  TP_GROW(t->dev, t->cap_dev, t->n_dev + 1);
  tp_power_tally_dev *d = &t->dev[t->n_dev];
  *d = (tp_power_tally_dev){.id = tp_xstrdup(id), .name = name ? tp_xstrdup(name) : NULL,
                            .kind = kind, .wrap_j = wrap_j};
  return (int)t->n_dev++;
}

static void S_tally_sample(void *ctx, int device, double t_s, double value) {
  tp_power_tally *t = ctx;
  if (device < 0 || (size_t)device >= t->n_dev) return;
  tp_power_tally_dev *d = &t->dev[device];
  if (d->n++ == 0) d->t_first = t_s, d->v_first = value;
  d->t_last = t_s;
  d->v_last = value;
  t->n_samples++;
}

static char *S_dup_or_null(const char *s) { return s ? tp_xstrdup(s) : NULL; }

static void S_tally_declared(void *ctx, const tp_declared *dc) {
  tp_power_tally *t = ctx;
  TP_GROW(t->decl, t->cap_decl, t->n_decl + 1);
  tp_declared *c = &t->decl[t->n_decl++];
  *c = *dc;
  c->run_name = S_dup_or_null(dc->run_name);
  c->run_id = S_dup_or_null(dc->run_id);
  c->experiment_id = S_dup_or_null(dc->experiment_id);
  c->hardware = S_dup_or_null(dc->hardware);
  c->country = S_dup_or_null(dc->country);
}

static void S_tally_hold(void *ctx, const char *id, const char *job, double start_s,
                         double end_s) {
  tp_power_tally *t = ctx;
  TP_GROW(t->holds, t->cap_holds, t->n_holds + 1);
  t->holds[t->n_holds++] = (tp_power_tally_hold){tp_xstrdup(id), tp_xstrdup(job), start_s, end_s};
}

tp_trace_sink tp_power_tally_sink(tp_power_tally *t) {
  return (tp_trace_sink){t, S_tally_device, S_tally_sample, S_tally_declared, NULL, S_tally_hold};
}

void tp_power_tally_free(tp_power_tally *t) {
  for (size_t k = 0; k < t->n_dev; k++) {
    free(t->dev[k].id);
    free(t->dev[k].name);
  }
  for (size_t k = 0; k < t->n_decl; k++) {
    free((char *)t->decl[k].run_name);
    free((char *)t->decl[k].run_id);
    free((char *)t->decl[k].experiment_id);
    free((char *)t->decl[k].hardware);
    free((char *)t->decl[k].country);
  }
  for (size_t k = 0; k < t->n_holds; k++) {
    free(t->holds[k].id);
    free(t->holds[k].job);
  }
  free(t->dev);
  free(t->decl);
  free(t->holds);
  memset(t, 0, sizeof *t);
}
