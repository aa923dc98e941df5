/* timefmt: timestamps as logs write them, and naive local time made UTC.
 *
 * Parsing is split from zone conversion.  tp_time_parse() turns text into a
 * tp_timestamp: the wall-clock reading (seconds counted as if the wall clock
 * were UTC), a fraction, and the UTC offset when the text carried one.  A
 * tp_clock then turns it into UTC epoch seconds: times with an offset use it,
 * naive ones are read in the clock's zone, and the clock's offset
 * (--clock-offset) is added to every time.
 *
 * Zones: a tp_tz is made once from an IANA name ("Europe/Paris"), or from NULL
 * (the TZ environment variable, else UTC), and is immutable afterwards, so it
 * may be shared between threads.  The conversion of one hour of local time is
 * computed through the C library (setenv("TZ") + tzset + localtime_r, under a
 * process-wide lock, the previous TZ restored) and then cached in the
 * tp_clock, which each reader owns: a trace costs one library call per
 * distinct hour, not per line.
 *
 * DST: a local time that occurs twice (the hour repeated when clocks go back)
 * is read as its FIRST occurrence (the earlier UTC instant, still on summer
 * time).  A local time that does not exist (skipped when clocks go forward)
 * is read with the offset in force before the change, so 02:30 on a night
 * that jumps from 02:00 to 03:00 becomes 03:30 summer time.  These rules are
 * ours, not the C library's, so they hold whatever mktime would do.
 */
#ifndef TP_TIMEFMT_H
#define TP_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/utctime.h"

/* ---- Parsing ---------------------------------------------------------- */

typedef enum tp_time_format {
  TP_TIME_AUTO = 0,  /* any of the below except PATTERN, told apart by shape;
                        bare numbers are epoch s/ms/us/ns by their magnitude */
  TP_TIME_NVSMI,     /* YYYY/MM/DD HH:MM:SS[.fff] (naive) */
  TP_TIME_ISO8601,   /* YYYY-MM-DD[T ]HH:MM[:SS[.f...]][Z|+HH:MM|+HHMM|+HH] */
  TP_TIME_CTIME,     /* [Www ]Mmm DD HH:MM:SS YYYY, e.g. "Sat Jun 10 13:48:28 2023" */
  TP_TIME_EPOCH_S,   /* seconds since 1970 (fraction allowed) */
  TP_TIME_EPOCH_MS,
  TP_TIME_EPOCH_US,
  TP_TIME_EPOCH_NS,
  TP_TIME_PATTERN    /* a strptime-like pattern, see tp_time_parse_pattern */
} tp_time_format;

typedef struct tp_timestamp {
  int64_t wall_s;    /* whole seconds of the reading, counted as if it were UTC */
  double frac_s;     /* fraction of a second, [0, 1) */
  bool has_offset;   /* the text said where it was (Z, +08:00, or an epoch) */
  int32_t offset_s;  /* that UTC offset, east positive (0 for Z and epochs) */
} tp_timestamp;

/* Parse s[0..n) (blanks around it allowed) in the given format.  Returns 0 and
 * fills *out, or -1 when the span is not one timestamp of that format (a bad
 * field such as month 13 or 25:00 is an error too).  PATTERN is not valid
 * here: use tp_time_parse_pattern. */
int tp_time_parse(const char *s, size_t n, tp_time_format fmt, tp_timestamp *out);

/* Parse s[0..n) with a pattern.  Directives: %Y year, %m month, %d day,
 * %H hour, %M minute, %S seconds (a fraction ".ddd" may follow), %f fraction
 * digits, %b month name (Jan..Dec), %z zone (Z, +HH:MM, +HHMM, +HH), %%;
 * a blank matches any run of blanks; other characters match themselves.
 * Fields not given default to 1970-01-01 00:00:00.  Returns 0 or -1. */
int tp_time_parse_pattern(const char *s, size_t n, const char *pattern, tp_timestamp *out);

/* Short stable name of a format ("auto", "nvidia-smi", "iso8601", "ctime",
 * "epoch-s", "epoch-ms", "epoch-us", "epoch-ns", "pattern"), and back:
 * 0 and *out set, or -1 for an unknown name. */
const char *tp_time_format_name(tp_time_format f);
int tp_time_format_parse(const char *name, tp_time_format *out);

/* The order of the numbers of a numeric date ("03/04/2024"), which the text
 * does not say: none (such a date is not read), day-month-year,
 * month-day-year, year-month-day. */
typedef enum tp_date_order {
  TP_DATE_ORDER_NONE = 0,
  TP_DATE_DMY,
  TP_DATE_MDY,
  TP_DATE_YMD
} tp_date_order;

/* Names ("dmy", "mdy", "ymd"; "none" for none) and back (0 and *out, or -1;
 * "none" is not accepted). */
const char *tp_date_order_name(tp_date_order o);
int tp_date_order_parse(const char *name, tp_date_order *out);
/* Whether s[0..n) starts with a date of one or two digits, a separator ('/',
 * '.' or '-'), one or two digits, the same separator and four digits, alone or
 * followed by a blank or 'T': a date whose day/month order it does not say. */
bool tp_time_is_dm_date(const char *s, size_t n);
/* Parse s[0..n): a numeric date in the given order (the year of four digits,
 * the others of one or two, separated by '/', '.' or '-'), then optionally
 * [ T]HH:MM[:SS[.fff]][zone] as in ISO 8601.  Returns 0 and fills *out, or -1
 * (also for TP_DATE_ORDER_NONE). */
int tp_time_parse_ordered(const char *s, size_t n, tp_date_order order, tp_timestamp *out);

/* Calendar arithmetic (tp_days_from_civil, tp_civil_from_days) lives in
 * model/utctime.h, included above. */

/* ---- Zones ------------------------------------------------------------ */

typedef struct tp_tz tp_tz;

typedef enum tp_tz_origin {
  TP_TZ_GIVEN = 0,   /* a name passed by the caller (--timezone, configuration) */
  TP_TZ_ENV = 1,     /* the TZ environment variable */
  TP_TZ_DEFAULT = 2  /* nothing given and TZ unset: UTC */
} tp_tz_origin;

/* A zone from an IANA name (a file under $TZDIR or /usr/share/zoneinfo, "UTC",
 * or a POSIX TZ string such as "EST5EDT"), or from NULL: the TZ environment
 * variable, else UTC.  Returns NULL and sets *err (a static string) for a
 * name that is not a zone.  Free with tp_tz_free(). */
tp_tz *tp_tz_open(const char *name, const char **err);
void tp_tz_free(tp_tz *tz);
/* The zone's name as used ("Europe/Paris", "UTC"), never NULL; NULL tz is UTC. */
const char *tp_tz_name(const tp_tz *tz);
tp_tz_origin tp_tz_origin_of(const tp_tz *tz);
/* True when the zone is UTC (then no conversion is ever needed). */
bool tp_tz_is_utc(const tp_tz *tz);

/* UTC epoch seconds of a naive wall-clock reading in tz (DST rules above),
 * uncached.  tz NULL means UTC. */
int64_t tp_tz_local_to_utc(const tp_tz *tz, int64_t wall_s);

/* ---- Clocks: what readers use ----------------------------------------- */

/* A reader's view of time: the zone for naive times, the clock offset, and a
 * cache of the last converted hour.  Initialise with tp_clock_init; it holds
 * no resources. */
typedef struct tp_clock {
  const tp_tz *tz;     /* zone for naive times; NULL = UTC */
  double offset_s;     /* added to every time (--clock-offset) */
  int64_t hour_key;    /* cached local hour (wall_s / 3600), or INT64_MIN */
  int64_t hour_shift;  /* UTC - local over that whole hour */
} tp_clock;

void tp_clock_init(tp_clock *c, const tp_tz *tz, double offset_s);
/* UTC epoch seconds of ts, the clock offset added. */
double tp_clock_utc(tp_clock *c, const tp_timestamp *ts);
/* Convenience: parse then convert.  Returns 0 and sets *t_s, or -1. */
int tp_clock_parse(tp_clock *c, const char *s, size_t n, tp_time_format fmt, double *t_s);

#endif
