/* csvmap: any CSV trace through a column mapping.
 *
 * For the loggers that have no reader of their own (wrapper scripts around
 * nvidia-smi, pynvml loggers, BMC power logs, ...), the configuration says
 * which column holds the time and in what format, which holds power or
 * energy and in what unit, and which (if any) names the device.  Columns are
 * named by header name, or by 1-based position when the file has no header.
 *
 * Power units (W, mW, kW) give power samples; energy units (J, kJ, Wh, kWh,
 * uJ, mJ) give a cumulative energy counter.  Fields are trimmed of blanks, so
 * nvidia-smi's ", " separators and leading spaces read as plain values.
 */
#ifndef TP_CSVMAP_H
#define TP_CSVMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"
#include "parser/text/timefmt.h"

typedef enum tp_value_unit {
  TP_UNIT_W = 0, TP_UNIT_MW, TP_UNIT_KW,                  /* power */
  TP_UNIT_J, TP_UNIT_KJ, TP_UNIT_WH, TP_UNIT_KWH, TP_UNIT_UJ, TP_UNIT_MJ, /* energy */
  TP_UNIT_COUNT
} tp_value_unit;

typedef struct tp_csvmap {
  char sep;                   /* field separator; 0 means ',' */
  bool no_header;             /* the first line is data: columns by position */
  const char *time_column;    /* header name of the time column ... */
  int time_index;             /* ... or its 1-based position (0: use the name) */
  tp_time_format time_format; /* TP_TIME_AUTO, an epoch unit, ISO, ... */
  const char *time_pattern;   /* for TP_TIME_PATTERN (see tp_time_parse_pattern) */
  const char *value_column;   /* power or energy column, by name ... */
  int value_index;            /* ... or 1-based position */
  tp_value_unit unit;         /* its unit */
  const char *device_column;  /* column naming the device, or NULL ... */
  int device_index;           /* ... or its 1-based position (0: none) */
  const char *device_name;    /* the device id when there is no device column
                                 (NULL: "device") */
} tp_csvmap;

/* Unit names ("W", "mW", "kW", "J", "kJ", "Wh", "kWh", "uJ", "mJ"; case
 * matters for m/M) and back: 0 and *out, or -1. */
const char *tp_value_unit_name(tp_value_unit u);
int tp_value_unit_parse(const char *name, tp_value_unit *out);
/* Whether the unit is an energy (then the column is a cumulative counter). */
bool tp_value_unit_is_energy(tp_value_unit u);

/* Read from lr with opt->csvmap, deliver through e.  Returns 0, or -1 when
 * the mapping does not fit the file (reported). */
int tp_csvmap_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
