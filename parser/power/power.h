/* power: the front door of the power and energy readers.
 *
 * tp_power_read() opens a trace, recognises its format by content (or takes
 * the one it is given), and streams its samples into a tp_trace_sink.  The
 * formats live one per module (nvsmi.c, rapl.c, codecarbon.c, csvmap.c) and
 * are listed in one table in power.c (name, the file names it claims, sniffer,
 * reader): adding a format is one module with a sniffer and a reader, one row
 * in that table and its id below.  Discovery (parser/discover.h) finds traces
 * by asking the table, the format it found travels with the file to its
 * reader, and --format and the configuration name a row of the same table.
 *
 * What a reader is given and how it hands samples over (checked, through
 * tp_emit) is parser/power/power_reader.h; the sink and a summarising sink are
 * model/trace.h.
 */
#ifndef TP_POWER_H
#define TP_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/diag.h"
#include "model/trace.h"
#include "parser/power/power_reader.h"

typedef enum tp_power_format {
  TP_POWER_UNKNOWN = 0, /* from tp_power_sniff: not a trace we read */
  TP_POWER_NVSMI_CSV,   /* nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits] */
  TP_POWER_NVSMI_DMON,  /* nvidia-smi dmon [-o DT] */
  TP_POWER_RAPL_CSV,    /* timestamp,domain,energy_uj[,max_energy_range_uj] */
  TP_POWER_PERF_STAT,   /* perf stat -I MS -e power/energy-pkg/ */
  TP_POWER_CODECARBON,  /* CodeCarbon emissions.csv (declared energies) */
  TP_POWER_CSVMAP,      /* any CSV through a tp_csvmap (never sniffed) */
  TP_POWER_NVSMI_UNSTATED, /* from sniffing only: a headerless nvidia-smi CSV,
                              read (as TP_POWER_NVSMI_CSV) only when stated */
  TP_POWER_PROMETHEUS,  /* Prometheus query_range answers of DCGM metrics (JSON, JSON lines, gzip) */
  TP_POWER_GRAFANA_CSV, /* Grafana panel CSV export of DCGM metrics (wide or long) */
  TP_POWER_FORMAT_COUNT
} tp_power_format;

/* For tp_power_read: recognise the format by content. */
#define TP_POWER_AUTO TP_POWER_UNKNOWN

/* Recognise a trace by its first bytes (head[0..len), up to ~4 KiB), asking
 * each row of the table in turn.  Returns TP_POWER_UNKNOWN when it is none of
 * the sniffable formats. */
tp_power_format tp_power_sniff(const unsigned char *head, size_t len);
/* The same for the file at name (a path or a file name), asking only the rows
 * that claim its name: what discovery asks. */
tp_power_format tp_power_sniff_file(const char *name, const unsigned char *head, size_t len);

/* Read the trace at path in format fmt (TP_POWER_AUTO: sniff it).  Problems go
 * to d, named after path, with line numbers.  Returns 0 when the file was read
 * (possibly with lines skipped), -1 when it could not be used at all (cannot
 * be opened, unknown format, no usable column) with an error in d. */
int tp_power_read(const char *path, tp_power_format fmt, const tp_power_options *opt,
                  const tp_trace_sink *sink, tp_diags *d);
/* The same over an open stream (not closed); name is used in diagnostics. */
int tp_power_read_stream(FILE *f, const char *name, tp_power_format fmt,
                         const tp_power_options *opt, const tp_trace_sink *sink, tp_diags *d);

/* Stable short name ("nvidia-smi", "nvidia-smi-dmon", "rapl", "perf-stat",
 * "codecarbon", "csv"), and back for --format (0 and *out, or -1). */
const char *tp_power_format_name(tp_power_format f);
int tp_power_format_parse(const char *name, tp_power_format *out);

#endif
