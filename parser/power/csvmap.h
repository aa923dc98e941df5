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
 * nvidia-smi's ", " separators and leading spaces read as plain values, and a
 * header cell matches its name however many blanks surround either.
 *
 * The time may be two columns (a date and a time of day), read joined by one
 * space.  Under the `auto` time format a numeric date whose day/month order
 * the text does not say (03/04/2024) is read only in the order the mapping
 * states; without one the file is refused at the first such date.
 */
#ifndef TP_CSVMAP_H
#define TP_CSVMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/power/power_reader.h"
#include "parser/text/timefmt.h"

struct tp_config_columns; /* model/config.h */

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
  const char *time2_column;   /* a second time column, by name ... */
  int time2_index;            /* ... or position (NULL and 0: none): the time of
                                 day when the first holds the date; the two
                                 fields are read joined by one space */
  tp_time_format time_format; /* TP_TIME_AUTO, an epoch unit, ISO, ... */
  tp_date_order date_order;   /* the order of a numeric date such as 03/04/2024
                                 under TP_TIME_AUTO; none: such a date refuses
                                 the file (never guessed) */
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

/* ---- From the configuration's power[].columns (model/config.h) ---------- */

/* The mapping c states (m's strings point into c, which must outlive it).
 * Returns 0, or -1 with the problem in err[0..err_n) ("unknown unit 'x'"). */
int tp_csvmap_of_config(tp_csvmap *m, const struct tp_config_columns *c, char *err,
                        size_t err_n);

/* Room for the field list below (positions up to TP_NVSMI_MAX_POSITION). */
#define TP_NVSMI_MAX_POSITION 100
#define TP_NVSMI_FIELDS_MAX (3 * TP_NVSMI_MAX_POSITION + 64)

/* For a headerless nvidia-smi log (format nvidia-smi) whose columns give
 * 1-based positions: the query field list for tp_power_options.nvsmi_columns,
 * "timestamp" at the time's position, "power.draw" at the value's, "index"
 * at the device's, "-" elsewhere, then "..." (later fields ignored), into
 * out[0..TP_NVSMI_FIELDS_MAX).  Returns 0, or -1 with the problem in err
 * when a position of time or value is missing or one is too far. */
int tp_csvmap_nvsmi_fields(char *out, const struct tp_config_columns *c, char *err, size_t err_n);

/* Read from lr with opt->csvmap, deliver through e.  Returns 0, or -1 when
 * the mapping does not fit the file (reported). */
int tp_csvmap_read(tp_lines *lr, const tp_power_options *opt, tp_emit *e);

#endif
