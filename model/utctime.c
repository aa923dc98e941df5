/* utctime: epoch seconds to a calendar date, with the range checked. */
#include "model/utctime.h"

#include <math.h>

bool tp_utc_tm(double t_s, struct tm *out) {
  /* 0001-01-01 and 10000-01-01 in epoch seconds. */
  if (!isfinite(t_s) || t_s < -62135596800.0 || t_s >= 253402300800.0) return false;
  time_t t = (time_t)floor(t_s);
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return false;
  *out = tm;
  return true;
}
