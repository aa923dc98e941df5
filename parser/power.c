/* power: format table, sniffing, dispatch, and checked delivery (see power.h). */
#include "parser/power.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/mem.h"
#include "parser/codecarbon.h"
#include "parser/csvmap.h"
#include "parser/nvsmi.h"
#include "parser/rapl.h"

/* ---- The formats ------------------------------------------------------------ */

typedef struct S_format {
  tp_power_format format;
  const char *name;       /* for --format and messages */
  tp_file_kind kind;      /* what discovery calls it */
  /* Recognise by the first bytes (NULL: only when forced). */
  bool (*sniff)(const char *head, size_t len);
  int (*read)(tp_lines *lr, const tp_power_options *opt, tp_emit *e);
} S_format;

/* In sniffing order: the most specific headers first. */
static const S_format k_formats[] = {
    {TP_POWER_CODECARBON, "codecarbon", TP_FILE_CODECARBON, tp_codecarbon_sniff, tp_codecarbon_read},
    {TP_POWER_RAPL_CSV, "rapl", TP_FILE_RAPL_CSV, tp_rapl_sniff_csv, tp_rapl_read_csv},
    {TP_POWER_NVSMI_DMON, "nvidia-smi-dmon", TP_FILE_NVSMI_DMON, tp_nvsmi_sniff_dmon, tp_nvsmi_read_dmon},
    {TP_POWER_NVSMI_CSV, "nvidia-smi", TP_FILE_NVSMI_CSV, tp_nvsmi_sniff_csv, tp_nvsmi_read_csv},
    {TP_POWER_PERF_STAT, "perf-stat", TP_FILE_PERF_STAT, tp_rapl_sniff_perf, tp_rapl_read_perf},
    {TP_POWER_CSVMAP, "csv", TP_FILE_UNKNOWN, NULL, tp_csvmap_read},
};
#define S_N_FORMATS (sizeof k_formats / sizeof *k_formats)

static const S_format *S_find(tp_power_format f) {
  for (size_t k = 0; k < S_N_FORMATS; k++)
    if (k_formats[k].format == f) return &k_formats[k];
  return NULL;
}

const char *tp_power_format_name(tp_power_format f) {
  const S_format *s = S_find(f);
  return s ? s->name : "unknown";
}

int tp_power_format_parse(const char *name, tp_power_format *out) {
  if (strcasecmp(name, "auto") == 0) {
    *out = TP_POWER_AUTO;
    return 0;
  }
  for (size_t k = 0; k < S_N_FORMATS; k++)
    if (strcasecmp(name, k_formats[k].name) == 0) {
      *out = k_formats[k].format;
      return 0;
    }
  return -1;
}

tp_file_kind tp_power_file_kind(tp_power_format f) {
  const S_format *s = S_find(f);
  return s ? s->kind : TP_FILE_UNKNOWN;
}

tp_power_format tp_power_sniff(const unsigned char *head, size_t len) {
  if (!head || len == 0) return TP_POWER_UNKNOWN;
  for (size_t k = 0; k < S_N_FORMATS; k++)
    if (k_formats[k].sniff && k_formats[k].sniff((const char *)head, len)) return k_formats[k].format;
  return TP_POWER_UNKNOWN;
}

void tp_power_options_init(tp_power_options *o) { memset(o, 0, sizeof *o); }

/* ---- Reading ---------------------------------------------------------------- */

#define S_SNIFF_BYTES 4096

int tp_power_read_stream(FILE *f, const char *name, tp_power_format fmt,
                         const tp_power_options *opt, const tp_trace_sink *sink, tp_diags *d) {
  tp_power_options defaults;
  if (!opt) {
    tp_power_options_init(&defaults);
    opt = &defaults;
  }
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, name);
  if (fmt == TP_POWER_AUTO) {
    /* Sniff from the stream's first bytes, then read it from the start. */
    unsigned char head[S_SNIFF_BYTES];
    size_t n = fread(head, 1, sizeof head, f);
    fmt = tp_power_sniff(head, n);
    if (fseek(f, 0, SEEK_SET) != 0) {
      tp_diag_add(d, TP_ERROR, name, -1, -1, "cannot rewind the input after recognising it: not used");
      return -1;
    }
    if (fmt == TP_POWER_UNKNOWN && opt->csvmap) fmt = TP_POWER_CSVMAP;
    if (fmt == TP_POWER_UNKNOWN) {
      tp_diag_add(d, TP_ERROR, name, -1, -1,
                  "not a power or energy trace this version reads (nvidia-smi CSV or dmon, RAPL, "
                  "perf stat, CodeCarbon; other CSVs need a column mapping): not used");
      return -1;
    }
  }
  const S_format *sf = S_find(fmt);
  if (!sf) {
    tp_diag_add(d, TP_ERROR, name, -1, -1, "unknown trace format %d: not used", (int)fmt);
    return -1;
  }
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, opt->max_line);
  tp_emit e;
  tp_emit_init(&e, sink, &rd);
  int rc = sf->read(&lr, opt, &e);
  tp_emit_free(&e);
  tp_lines_free(&lr);
  tp_rdiag_finish(&rd);
  return rc;
}

int tp_power_read(const char *path, tp_power_format fmt, const tp_power_options *opt,
                  const tp_trace_sink *sink, tp_diags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot open: %s", strerror(errno));
    return -1;
  }
  int rc = tp_power_read_stream(f, path, fmt, opt, sink, d);
  fclose(f);
  return rc;
}

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
  e->last = e->n_dev;
  return (int)e->n_dev++;
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

/* ---- The tally sink ------------------------------------------------------------- */

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

tp_trace_sink tp_power_tally_sink(tp_power_tally *t) {
  return (tp_trace_sink){t, S_tally_device, S_tally_sample, S_tally_declared};
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
  free(t->dev);
  free(t->decl);
  memset(t, 0, sizeof *t);
}
