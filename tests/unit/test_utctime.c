/* test_utctime: the calendar arithmetic of model/utctime (day counts to and
 * from civil dates, and epoch seconds to a calendar date). */
#include <stdint.h>
#include <time.h>

#include "model/utctime.h"
#include "tp_test.h"

static bool S_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Every day from 1600 to 2400 in order: each date follows the one before by
 * the calendar's rules, and converts back to its count. */
static void test_round_trip(void) {
  static const int k_len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t from = tp_days_from_civil(1600, 1, 1), to = tp_days_from_civil(2400, 12, 31);
  int64_t py = 1599;
  int pm = 12, pd = 31, bad = 0;
  for (int64_t z = from; z <= to; z++) {
    int64_t y;
    int m, d;
    tp_civil_from_days(z, &y, &m, &d);
    int plen = pm == 2 && S_leap(py) ? 29 : k_len[pm - 1];
    bool next = pd < plen ? (y == py && m == pm && d == pd + 1)
                : pm < 12 ? (y == py && m == pm + 1 && d == 1)
                          : (y == py + 1 && m == 1 && d == 1);
    if (!next || tp_days_from_civil(y, m, d) != z) bad++;
    py = y, pm = m, pd = d;
  }
  CHECK_INT(bad, 0);
  CHECK_INT(to - from + 1, 801 * 365 + 195); /* 1600..2400: 801 years, 195 of them leap */
  /* Far from the epoch, both ways. */
  for (int64_t z = -3000000; z <= 3000000; z += 9973) {
    int64_t y;
    int m, d;
    tp_civil_from_days(z, &y, &m, &d);
    CHECK_INT(tp_days_from_civil(y, m, d), z);
  }
}

static void test_fixed_dates(void) {
  int64_t y;
  int m, d;
  CHECK_INT(tp_days_from_civil(1970, 1, 1), 0);
  tp_civil_from_days(0, &y, &m, &d);
  CHECK(y == 1970 && m == 1 && d == 1);
  CHECK_INT(tp_days_from_civil(1969, 12, 31), -1);
  CHECK_INT(tp_days_from_civil(2000, 3, 1), 11017);
  tp_civil_from_days(11017, &y, &m, &d);
  CHECK(y == 2000 && m == 3 && d == 1);
  /* 2000 is a leap year (divisible by 400), 1900 and 2100 are not. */
  CHECK_INT(tp_days_from_civil(2000, 3, 1) - tp_days_from_civil(2000, 2, 28), 2);
  CHECK_INT(tp_days_from_civil(1900, 3, 1) - tp_days_from_civil(1900, 2, 28), 1);
  CHECK_INT(tp_days_from_civil(2100, 3, 1) - tp_days_from_civil(2100, 2, 28), 1);
  CHECK_INT(tp_days_from_civil(2024, 2, 29), 19782);
  tp_civil_from_days(19782, &y, &m, &d);
  CHECK(y == 2024 && m == 2 && d == 29);
}

/* tp_utc_tm agrees with the day counts, and refuses what it cannot hold. */
static void test_utc_tm(void) {
  struct tm tm;
  double t = (double)tp_days_from_civil(2000, 3, 1) * 86400.0 + 3661.5;
  CHECK(tp_utc_tm(t, &tm));
  CHECK(tm.tm_year == 100 && tm.tm_mon == 2 && tm.tm_mday == 1);
  CHECK(tm.tm_hour == 1 && tm.tm_min == 1 && tm.tm_sec == 1);
  CHECK(!tp_utc_tm(NAN, &tm));
  CHECK(!tp_utc_tm(1e300, &tm));
  CHECK(!tp_utc_tm((double)tp_days_from_civil(10000, 1, 1) * 86400.0, &tm));
  /* tp_utc_dated: the same bounds, 0001-01-01 included, 10000-01-01 not */
  CHECK(tp_utc_dated((double)tp_days_from_civil(1, 1, 1) * 86400.0));
  CHECK(!tp_utc_dated((double)tp_days_from_civil(1, 1, 1) * 86400.0 - 1));
  CHECK(tp_utc_dated((double)tp_days_from_civil(10000, 1, 1) * 86400.0 - 1));
  CHECK(!tp_utc_dated((double)tp_days_from_civil(10000, 1, 1) * 86400.0));
  CHECK(!tp_utc_dated(NAN) && !tp_utc_dated(INFINITY) && !tp_utc_dated(-INFINITY));
  CHECK(!tp_utc_dated(3.76e156));
}

int main(void) {
  TP_RUN(test_round_trip);
  TP_RUN(test_fixed_dates);
  TP_RUN(test_utc_tm);
  return tp_test_summary();
}
