/* power_reader: what every power and energy reader is given and uses.
 *
 * The options of a read (zone of naive times, clock offset, the column
 * mapping, ...), and checked delivery to the sink: every reader hands its
 * samples over through tp_emit, so that the sink sees only sound data: a
 * sample with NaN, Inf or negative power, or a time earlier than the device's
 * previous sample, is reported and dropped.  The readers include this header,
 * not the dispatch (parser/power/power.h), which includes them.
 */
#ifndef TP_POWER_READER_H
#define TP_POWER_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/diag.h"
#include "model/trace.h"
#include "parser/text/csv.h"
#include "parser/text/timefmt.h"

struct tp_csvmap; /* parser/power/csvmap.h */
struct tp_grafana_map; /* parser/power/grafana_map.h */

typedef struct tp_power_options {
  const tp_tz *tz;          /* zone of naive times; NULL = UTC (the caller makes it
                               from --timezone, the configuration, or TZ) */
  double clock_offset_s;    /* added to every time (--clock-offset) */
  const struct tp_csvmap *csvmap; /* column mapping for TP_POWER_CSVMAP, or NULL */
  const struct tp_grafana_map *grafana_map; /* series mapping of a Grafana export
                                               (grafana_map.h), or NULL */
  const char *nvsmi_columns;  /* query field list of a noheader nvidia-smi file,
                                 e.g. "timestamp,index,power.draw"; ending in
                                 ",..." it names the first fields only; NULL if
                                 none */
  const char *nvsmi_power_field; /* power column to use; NULL: power.draw, else
                                    power.draw.average, else power.draw.instant */
  bool has_start;           /* start_s is set */
  double start_s;           /* UTC start of a trace without absolute times
                               (dmon without -o DT, perf stat without its
                               "# started on" line) */
  double dmon_interval_s;   /* dmon sampling interval (-d); 0 means 1 s */
  const char *job_label;    /* DCGM metrics: a label naming the Slurm job that holds a
                               GPU, looked up before hpc_job and job_id; NULL if none */
  double rapl_max_range_uj; /* RAPL wrap value when the file has no
                               max_energy_range_uj column; 0 = unknown */
  size_t max_line;          /* longest line read; 0 = 64 KiB */
} tp_power_options;

/* Fill with defaults (all zero/NULL: UTC, no offset, no start). */
void tp_power_options_init(tp_power_options *o);

/* ---- Checked delivery to the sink ------------------------------------------ */

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
  tp_power_field field; /* which reading the file's power samples are, told to the
                           sink with each new device (TP_FIELD_UNSAID: not known) */
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
/* Tell the sink that device id (as announced, or about to be) was held by
 * scheduler job `job` from start_s to end_s (a DCGM job label). */
void tp_emit_hold(tp_emit *e, const char *id, const char *job, double start_s, double end_s);
/* Deliver a sample after the checks (finite, not negative, time not going
 * backwards for this device).  Returns true when it was delivered. */
bool tp_emit_sample(tp_emit *e, int dev, double t_s, double value, int64_t line);

#endif
