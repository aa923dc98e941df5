/* utctime: epoch seconds to a calendar date, safely, and the proleptic
 * Gregorian calendar as day counts.
 *
 * Times come from inputs and can be anything; casting a huge double to
 * time_t is undefined behaviour.  Every conversion of an epoch time to a
 * calendar date goes through here, and so does every day-count arithmetic
 * on dates (parsers, chart axes, calendar figures). */
#ifndef TP_UTCTIME_H
#define TP_UTCTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* True when t_s (epoch seconds) has a calendar date: finite, and within the
 * years 0001-9999. */
bool tp_utc_dated(double t_s);
/* The UTC calendar time of t_s (whole seconds, rounded down) into *out.
 * False, with *out untouched, when t_s is not finite or falls outside the
 * years 0001-9999. */
bool tp_utc_tm(double t_s, struct tm *out);
/* "2024-03-01 10:00:00" for t_s into buf (whole seconds, rounded down), or
 * "?" when it has no date; returns buf. */
const char *tp_utc_text(char buf[32], double t_s);

/* Days from 1970-01-01 to the given proleptic Gregorian date (negative
 * before); month 1-12, day 1-31.  Exact for any year that fits. */
int64_t tp_days_from_civil(int64_t year, int month, int day);
/* The inverse: the date of a day count since 1970-01-01. */
void tp_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
