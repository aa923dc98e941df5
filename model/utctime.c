/* utctime: epoch seconds to a calendar date, with the range checked, and
 * day counts to and from civil dates. */
#include "model/utctime.h"

#include <math.h>
#include <stdio.h>

bool tp_utc_dated(double t_s) {
  /* 0001-01-01 and 10000-01-01 in epoch seconds (false for NaN too) */
  return t_s >= -62135596800.0 && t_s < 253402300800.0;
}

bool tp_utc_tm(double t_s, struct tm *out) {
  if (!tp_utc_dated(t_s)) return false;
  time_t t = (time_t)floor(t_s);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return false;
  *out = tm;
  return true;
}

const char *tp_utc_text(char buf[32], double t_s) {
  struct tm tm;
  if (!tp_utc_tm(t_s, &tm)) {
    snprintf(buf, 32, "?");
    return buf;
  }
  /* tp_utc_tm gives years 1-9999: every field keeps its width */
  snprintf(buf, 32, "%04d-%02d-%02d %02d:%02d:%02d", (tm.tm_year + 1900) % 10000,
           (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
           tm.tm_sec % 100);
  return buf;
}

/* Both directions follow H. Hinnant's era-based algorithm: 400-year eras of
 * 146097 days, years counted from March so that the leap day comes last. */

int64_t tp_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void tp_civil_from_days(int64_t z, int64_t *year, int *month, int *day) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}
