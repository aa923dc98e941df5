/* power: the front door of the power and energy readers.
 *
 * tp_power_read() opens a trace, recognises its format by content (or takes
 * the one it is given), and streams its samples into a tp_trace_sink.  The
 * formats live one per module (nvsmi.c, rapl.c, codecarbon.c, csvmap.c) and
 * are listed in one table in power.c: adding a format is one module with a
 * sniffer and a reader, and one row in that table.
 *
 * Every reader checks what it hands over, so that the sink sees only sound
 * data: a sample with NaN, Inf or negative power, or a time earlier than the
 * device's previous sample, is reported and dropped (tp_emit below).
 */
#ifndef TP_POWER_H
#define TP_POWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/diag.h"
#include "model/trace.h"
#include "parser/csv.h"
#include "parser/discover.h"
#include "parser/timefmt.h"

typedef enum tp_power_format {
  TP_POWER_UNKNOWN = 0, /* from tp_power_sniff: not a trace we read */
  TP_POWER_NVSMI_CSV,   /* nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits] */
  TP_POWER_NVSMI_DMON,  /* nvidia-smi dmon [-o DT] */
  TP_POWER_RAPL_CSV,    /* timestamp,domain,energy_uj[,max_energy_range_uj] */
  TP_POWER_PERF_STAT,   /* perf stat -I MS -e power/energy-pkg/ */
  TP_POWER_CODECARBON,  /* CodeCarbon emissions.csv (declared energies) */
  TP_POWER_CSVMAP,      /* any CSV through a tp_csvmap (never sniffed) */
  TP_POWER_FORMAT_COUNT
} tp_power_format;

/* For tp_power_read: recognise the format by content. */
#define TP_POWER_AUTO TP_POWER_UNKNOWN

struct tp_csvmap; /* parser/csvmap.h */

typedef struct tp_power_options {
  const tp_tz *tz;          /* zone of naive times; NULL = UTC (the caller makes it
                               from --timezone, the configuration, or TZ) */
  double clock_offset_s;    /* added to every time (--clock-offset) */
  const struct tp_csvmap *csvmap; /* column mapping for TP_POWER_CSVMAP, or NULL */
  const char *nvsmi_columns;  /* query field list of a noheader nvidia-smi file,
                                 e.g. "timestamp,index,power.draw"; NULL if none */
  const char *nvsmi_power_field; /* power column to use; NULL: power.draw, else
                                    power.draw.average, else power.draw.instant */
  bool has_start;           /* start_s is set */
  double start_s;           /* UTC start of a trace without absolute times
                               (dmon without -o DT, perf stat without its
                               "# started on" line) */
  double dmon_interval_s;   /* dmon sampling interval (-d); 0 means 1 s */
  double rapl_max_range_uj; /* RAPL wrap value when the file has no
                               max_energy_range_uj column; 0 = unknown */
  size_t max_line;          /* longest line read; 0 = 64 KiB */
} tp_power_options;

/* Fill with defaults (all zero/NULL: UTC, no offset, no start). */
void tp_power_options_init(tp_power_options *o);

/* Recognise a trace by its first bytes (head[0..len), up to ~4 KiB).  Returns
 * TP_POWER_UNKNOWN when it is none of the sniffable formats. */
tp_power_format tp_power_sniff(const unsigned char *head, size_t len);

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
/* The discovery kind of a format (TP_FILE_UNKNOWN for CSVMAP). */
tp_file_kind tp_power_file_kind(tp_power_format f);

/* ---- A summarising sink ------------------------------------------------- */

/* Counts what a reader delivers: per device the number of samples and the
 * first and last (time, value); declared figures are kept (strings copied).
 * For `inspect`-style summaries, tests and benchmarks.  Memory grows with
 * devices and declared runs, not with samples. */
typedef struct tp_power_tally_dev {
  char *id, *name;       /* as announced (name may be NULL) */
  tp_sample_kind kind;
  double wrap_j;
  size_t n;              /* samples */
  double t_first, v_first, t_last, v_last;
} tp_power_tally_dev;

typedef struct tp_power_tally {
  tp_power_tally_dev *dev;
  size_t n_dev, cap_dev;
  size_t n_samples;
  tp_declared *decl;     /* copies; run_name/hardware/country owned */
  size_t n_decl, cap_decl;
} tp_power_tally;

/* A sink writing into t (which must start zeroed and outlive the sink). */
tp_trace_sink tp_power_tally_sink(tp_power_tally *t);
void tp_power_tally_free(tp_power_tally *t);

/* ---- For the readers: checked delivery to the sink ---------------------- */

typedef struct tp_emit_dev {
  char *id;          /* device id within the file */
  size_t id_n;       /* its length */
  int handle;        /* what the sink returned */
  double last_t;     /* time of the last sample delivered (-INFINITY before) */
  double last_v;     /* its value (NAN before) */
} tp_emit_dev;

typedef struct tp_emit {
  const tp_trace_sink *sink;
  tp_rdiag *rd;
  tp_emit_dev *dev;
  size_t n_dev, cap_dev;
  size_t last;       /* index of the device last looked up (a hint) */
  size_t n_samples;  /* samples delivered */
} tp_emit;

#define TP_EMIT_MAX_DEVICES 4096

void tp_emit_init(tp_emit *e, const tp_trace_sink *sink, tp_rdiag *rd);
void tp_emit_free(tp_emit *e);
/* The index of device id[0..n), announcing it to the sink the first time.
 * Returns -1 (reported at `line`) past TP_EMIT_MAX_DEVICES devices. */
int tp_emit_device(tp_emit *e, const char *id, size_t n, const char *name, tp_sample_kind kind,
                   double wrap_j, int64_t line);
/* The index of a device already announced, or -1. */
int tp_emit_find(tp_emit *e, const char *id, size_t n);
/* Deliver a sample after the checks (finite, not negative, time not going
 * backwards for this device).  Returns true when it was delivered. */
bool tp_emit_sample(tp_emit *e, int dev, double t_s, double value, int64_t line);

#endif
