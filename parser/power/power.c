/* power: format table, sniffing, dispatch, and checked delivery (see power.h). */
#include "parser/power/power.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/mem.h"
#include "parser/power/codecarbon.h"
#include "parser/power/csvmap.h"
#include "parser/power/grafana.h"
#include "parser/power/nvsmi.h"
#include "parser/power/prom.h"
#include "parser/power/rapl.h"

/* ---- The formats ------------------------------------------------------------ */

/* A row of the table: one format one reader reads.  Adding a format is its
 * module (a sniffer and a reader) and one row here; discovery, the command
 * line and the configuration find it through this table. */
typedef struct S_format {
  tp_power_format format;
  const char *name;       /* for --format, the configuration, messages, inputs */
  /* The file names it is offered (fnmatch patterns, NULL-terminated); NULL:
   * any name, for a trace is told by its content whatever its name. */
  const char *const *claims;
  /* Recognise by the first bytes (NULL: only when named). */
  bool (*sniff)(const char *head, size_t len);
  int (*read)(tp_lines *lr, const tp_power_options *opt, tp_emit *e);
} S_format;

/* In sniffing order: the most specific headers first. */
static const S_format k_formats[] = {
    {TP_POWER_CODECARBON, "codecarbon", NULL, tp_codecarbon_sniff, tp_codecarbon_read},
    {TP_POWER_PROMETHEUS, "prometheus", NULL, tp_prom_sniff, tp_prom_read},
    {TP_POWER_GRAFANA_CSV, "grafana-csv", NULL, tp_grafana_sniff, tp_grafana_read},
    {TP_POWER_RAPL_CSV, "rapl", NULL, tp_rapl_sniff_csv, tp_rapl_read_csv},
    {TP_POWER_NVSMI_DMON, "nvidia-smi-dmon", NULL, tp_nvsmi_sniff_dmon, tp_nvsmi_read_dmon},
    {TP_POWER_NVSMI_CSV, "nvidia-smi", NULL, tp_nvsmi_sniff_csv, tp_nvsmi_read_csv},
    {TP_POWER_NVSMI_UNSTATED, "nvidia-smi-noheader", NULL, tp_nvsmi_sniff_noheader,
     tp_nvsmi_read_unstated},
    {TP_POWER_PERF_STAT, "perf-stat", NULL, tp_rapl_sniff_perf, tp_rapl_read_perf},
    {TP_POWER_CSVMAP, "csv", NULL, NULL, tp_csvmap_read},
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
    if (k_formats[k].format != TP_POWER_NVSMI_UNSTATED && /* found, never named */
        strcasecmp(name, k_formats[k].name) == 0) {
      *out = k_formats[k].format;
      return 0;
    }
  return -1;
}

static bool S_claims(const S_format *s, const char *name) {
  if (!s->claims) return true;
  for (const char *const *c = s->claims; *c; c++)
    if (fnmatch(*c, name, 0) == 0) return true;
  return false;
}

tp_power_format tp_power_sniff(const unsigned char *head, size_t len) {
  return tp_power_sniff_file(NULL, head, len);
}

tp_power_format tp_power_sniff_file(const char *name, const unsigned char *head, size_t len) {
  if (!head || len == 0) return TP_POWER_UNKNOWN;
  const char *base = name ? strrchr(name, '/') : NULL;
  base = base ? base + 1 : name;
  for (size_t k = 0; k < S_N_FORMATS; k++)
    if (k_formats[k].sniff && (!base || S_claims(&k_formats[k], base)) &&
        k_formats[k].sniff((const char *)head, len))
      return k_formats[k].format;
  return TP_POWER_UNKNOWN;
}

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
    /* A field list or a column mapping given is a statement of the format. */
    if (fmt == TP_POWER_NVSMI_UNSTATED && opt->nvsmi_columns) fmt = TP_POWER_NVSMI_CSV;
    if ((fmt == TP_POWER_UNKNOWN || fmt == TP_POWER_NVSMI_UNSTATED) && opt->csvmap)
      fmt = TP_POWER_CSVMAP;
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
