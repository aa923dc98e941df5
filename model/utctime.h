/* utctime: epoch seconds to a calendar date, safely.
 *
 * Times come from inputs and can be anything; casting a huge double to
 * time_t is undefined behaviour.  Every conversion of an epoch time to a
 * calendar date goes through here. */
#ifndef TP_UTCTIME_H
#define TP_UTCTIME_H

#include <stdbool.h>
#include <time.h>

/* The UTC calendar time of t_s (whole seconds, rounded down) into *out.
 * False, with *out untouched, when t_s is not finite or falls outside the
 * years 0001-9999. */
bool tp_utc_tm(double t_s, struct tm *out);

#endif
