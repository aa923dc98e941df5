/* timefmt: timestamp formats, zones with their DST rules, clocks. */
#include <stdlib.h>

#include "parser/text/timefmt.h"
#include "tp_test.h"

static double utc(const char *s, tp_time_format f, const tp_tz *tz) {
  tp_clock c;
  tp_clock_init(&c, tz, 0);
  double t = NAN;
  if (tp_clock_parse(&c, s, strlen(s), f, &t)) return NAN;
  return t;
}

static void test_formats(void) {
  CHECK_NEAR(utc("2024/10/13 03:33:31.779", TP_TIME_NVSMI, NULL), 1728790411.779, 1e-6);
  CHECK_NEAR(utc("2024/10/13 03:33:31", TP_TIME_AUTO, NULL), 1728790411.0, 0);
  CHECK_NEAR(utc("2025-09-24T03:48:33.493Z", TP_TIME_ISO8601, NULL), 1758685713.493, 1e-6);
  CHECK_NEAR(utc("2025-09-08T17:26:50+08:00", TP_TIME_AUTO, NULL), 1757323610.0, 0);
  CHECK_NEAR(utc("2025-10-13T14:56:26.862554+00:00", TP_TIME_AUTO, NULL), 1760367386.862554, 1e-6);
  CHECK_NEAR(utc("2025-10-13 14:56:26,5-0130", TP_TIME_AUTO, NULL), 1760367386.5 + 5400, 1e-6);
  CHECK_NEAR(utc("2023-11-09T12:28:05", TP_TIME_AUTO, NULL), 1699532885.0, 0);
  CHECK_NEAR(utc("2000-02-29", TP_TIME_ISO8601, NULL), 951782400.0, 0);
  CHECK_NEAR(utc("Sat Jun 10 13:48:28 2023", TP_TIME_CTIME, NULL), 1686404908.0, 0);
  CHECK_NEAR(utc("Thu Jan  5 12:34:56 2023", TP_TIME_AUTO, NULL), 1672922096.0, 0);
  /* Epochs by unit, and by magnitude under AUTO. */
  CHECK_NEAR(utc("1763638585.215", TP_TIME_AUTO, NULL), 1763638585.215, 1e-6);
  CHECK_NEAR(utc("1763638585215", TP_TIME_AUTO, NULL), 1763638585.215, 1e-6);
  CHECK_NEAR(utc("1748543102123456789", TP_TIME_AUTO, NULL), 1748543102.123456789, 1e-6);
  CHECK_NEAR(utc("1748543102123456", TP_TIME_EPOCH_US, NULL), 1748543102.123456, 1e-6);
  CHECK_NEAR(utc("1.742638292664503e+09", TP_TIME_EPOCH_S, NULL), 1742638292.664503, 1e-6);
  CHECK_NEAR(utc("1700000000", TP_TIME_EPOCH_MS, NULL), 1700000.0, 0);
  /* Rejected: bad fields, trailing junk, wrong shapes. */
  CHECK(isnan(utc("2024/13/01 00:00:00", TP_TIME_NVSMI, NULL)));
  CHECK(isnan(utc("2023/02/29 00:00:00", TP_TIME_NVSMI, NULL)));
  CHECK(isnan(utc("2024/01/01 24:00:00", TP_TIME_NVSMI, NULL)));
  CHECK(isnan(utc("2024/01/01 00:00:00x", TP_TIME_NVSMI, NULL)));
  CHECK(isnan(utc("2024-01-01T00:00:00+25:00", TP_TIME_ISO8601, NULL)));
  CHECK(isnan(utc("", TP_TIME_AUTO, NULL)));
  CHECK(isnan(utc("nan", TP_TIME_EPOCH_S, NULL)));
  CHECK(isnan(utc("N", TP_TIME_AUTO, NULL)));
}

static void test_pattern(void) {
  tp_timestamp ts;
  CHECK_INT(tp_time_parse_pattern("20230101 12:00:05", 17, "%Y%m%d %H:%M:%S", &ts), 0);
  CHECK_INT(ts.wall_s, 1672574405);
  CHECK_INT(tp_time_parse_pattern("05/Mar/2021:10:00:00.25 +0100", 29, "%d/%b/%Y:%H:%M:%S %z", &ts), 0);
  CHECK_INT(ts.wall_s, 1614938400);
  CHECK(ts.has_offset && ts.offset_s == 3600);
  CHECK_NEAR(ts.frac_s, 0.25, 1e-12);
  CHECK_INT(tp_time_parse_pattern("2021", 4, "%Y%", &ts), -1);
  CHECK_INT(tp_time_parse_pattern("2021x", 5, "%Y", &ts), -1);
  tp_time_format f;
  CHECK_INT(tp_time_format_parse("epoch-ms", &f), 0);
  CHECK_INT(f, TP_TIME_EPOCH_MS);
  CHECK_STR(tp_time_format_name(TP_TIME_ISO8601), "iso8601");
}

/* Numeric dates whose order the text does not say: read only as stated. */
static void test_date_order(void) {
  tp_timestamp ts;
  CHECK(tp_time_is_dm_date("03/04/2024", 10));
  CHECK(tp_time_is_dm_date(" 3.4.2024 10:00:00", 18));
  CHECK(tp_time_is_dm_date("03-04-2024T10:00", 16));
  CHECK(!tp_time_is_dm_date("2024/03/04 10:00:00", 19));
  CHECK(!tp_time_is_dm_date("03/04/24", 8));
  CHECK(!tp_time_is_dm_date("03/04-2024", 10));
  CHECK(!tp_time_is_dm_date("03/04/20245", 11));
  CHECK_INT(tp_time_parse_ordered("03/04/2024 10:00:00", 19, TP_DATE_DMY, &ts), 0);
  CHECK_INT(ts.wall_s, 1712138400); /* 2024-04-03 */
  CHECK_INT(tp_time_parse_ordered("03/04/2024 10:00:00", 19, TP_DATE_MDY, &ts), 0);
  CHECK_INT(ts.wall_s, 1709546400); /* 2024-03-04 */
  CHECK_INT(tp_time_parse_ordered("2024.4.3T10:00:00.5Z", 20, TP_DATE_YMD, &ts), 0);
  CHECK_INT(ts.wall_s, 1712138400);
  CHECK(ts.has_offset && ts.frac_s == 0.5);
  CHECK_INT(tp_time_parse_ordered("3/4/2024", 8, TP_DATE_DMY, &ts), 0);
  CHECK_INT(ts.wall_s, 1712102400);
  CHECK_INT(tp_time_parse_ordered("13/04/2024", 10, TP_DATE_MDY, &ts), -1); /* month 13 */
  CHECK_INT(tp_time_parse_ordered("03/04/2024", 10, TP_DATE_ORDER_NONE, &ts), -1);
  CHECK_INT(tp_time_parse_ordered("03/04/2024 10", 13, TP_DATE_DMY, &ts), -1);
  /* Unstated, such a date is not read (today's AUTO does not guess). */
  CHECK_INT(tp_time_parse("03/04/2024 10:00:00", 19, TP_TIME_AUTO, &ts), -1);
  tp_date_order o;
  CHECK_INT(tp_date_order_parse("MDY", &o), 0);
  CHECK_INT(o, TP_DATE_MDY);
  CHECK_INT(tp_date_order_parse("none", &o), -1);
  CHECK_STR(tp_date_order_name(TP_DATE_YMD), "ymd");
}

static void test_civil(void) {
  for (int64_t d = -800000; d <= 800000; d += 997) {
    int64_t y;
    int m, dd;
    tp_civil_from_days(d, &y, &m, &dd);
    CHECK_INT(tp_days_from_civil(y, m, dd), d);
  }
  CHECK_INT(tp_days_from_civil(1970, 1, 1), 0);
  CHECK_INT(tp_days_from_civil(1969, 12, 31), -1);
}

static void test_zones(void) {
  const char *err = NULL;
  CHECK(tp_tz_open("Not/AZone", &err) == NULL && err != NULL);
  CHECK(tp_tz_open("../../etc/passwd", &err) == NULL);
  tp_tz *utc_tz = tp_tz_open("UTC", &err);
  CHECK(tp_tz_is_utc(utc_tz));
  tp_tz_free(utc_tz);
  tp_tz *posix = tp_tz_open("EST5EDT", &err);
  CHECK(posix != NULL);
  tp_tz_free(posix);

  tp_tz *paris = tp_tz_open("Europe/Paris", &err);
  CHECK(paris != NULL);
  if (!paris) return;
  CHECK_STR(tp_tz_name(paris), "Europe/Paris");
  CHECK_INT(tp_tz_origin_of(paris), TP_TZ_GIVEN);
  /* Winter (+1), summer (+2). */
  CHECK_NEAR(utc("2024-01-15 12:00:00", TP_TIME_AUTO, paris), 1705316400.0, 0);
  CHECK_NEAR(utc("2024-07-15 12:00:00.5", TP_TIME_AUTO, paris), 1721037600.5, 1e-9);
  /* An explicit offset wins over the zone. */
  CHECK_NEAR(utc("2024-07-15T12:00:00Z", TP_TIME_AUTO, paris), 1721044800.0, 0);
  /* 2024-10-27 02:30 happens twice: the first (summer, +2) is taken. */
  CHECK_NEAR(utc("2024-10-27 02:30:00", TP_TIME_AUTO, paris), 1729989000.0, 0);
  CHECK_NEAR(utc("2024-10-27 03:30:00", TP_TIME_AUTO, paris), 1729996200.0, 0);
  /* 2024-03-31 02:30 does not exist: read with +1, i.e. 03:30 summer time. */
  CHECK_NEAR(utc("2024-03-31 02:30:00", TP_TIME_AUTO, paris), 1711848600.0, 0);
  CHECK_NEAR(utc("2024-03-31 03:30:00", TP_TIME_AUTO, paris), 1711848600.0, 0);
  /* The cached clock agrees with the uncached conversion across a change. */
  tp_clock c;
  tp_clock_init(&c, paris, 0);
  int bad = 0;
  for (int64_t w = tp_days_from_civil(2024, 10, 26) * 86400; w < tp_days_from_civil(2024, 10, 28) * 86400;
       w += 617) {
    tp_timestamp ts = {.wall_s = w};
    if (tp_clock_utc(&c, &ts) != (double)tp_tz_local_to_utc(paris, w)) bad++;
  }
  CHECK_INT(bad, 0);
  /* The caller's TZ is left as it was. */
  setenv("TZ", "Asia/Tokyo", 1);
  (void)utc("2024-01-15 12:00:00", TP_TIME_AUTO, paris);
  CHECK_STR(getenv("TZ"), "Asia/Tokyo");
  tp_tz *env = tp_tz_open(NULL, &err);
  CHECK_STR(tp_tz_name(env), "Asia/Tokyo");
  CHECK_INT(tp_tz_origin_of(env), TP_TZ_ENV);
  CHECK_NEAR(utc("2024-01-15 12:00:00", TP_TIME_AUTO, env), 1705287600.0, 0);
  tp_tz_free(env);
  unsetenv("TZ");
  env = tp_tz_open(NULL, &err);
  CHECK_INT(tp_tz_origin_of(env), TP_TZ_DEFAULT);
  CHECK(tp_tz_is_utc(env));
  tp_tz_free(env);
  tp_tz_free(paris);

  /* Lord Howe moves by 30 minutes at 02:00: hours converted second by second. */
  tp_tz *lh = tp_tz_open("Australia/Lord_Howe", &err);
  if (lh) {
    tp_clock_init(&c, lh, 0);
    bad = 0;
    for (int64_t w = tp_days_from_civil(2024, 4, 6) * 86400; w < tp_days_from_civil(2024, 4, 8) * 86400;
         w += 311) {
      tp_timestamp ts = {.wall_s = w};
      if (tp_clock_utc(&c, &ts) != (double)tp_tz_local_to_utc(lh, w)) bad++;
    }
    CHECK_INT(bad, 0);
    tp_tz_free(lh);
  }
}

static void test_clock_offset(void) {
  tp_clock c;
  tp_clock_init(&c, NULL, -1.25);
  double t;
  CHECK_INT(tp_clock_parse(&c, "1000", 4, TP_TIME_EPOCH_S, &t), 0);
  CHECK_NEAR(t, 998.75, 0);
}

int main(void) {
  TP_RUN(test_formats);
  TP_RUN(test_pattern);
  TP_RUN(test_date_order);
  TP_RUN(test_civil);
  TP_RUN(test_zones);
  TP_RUN(test_clock_offset);
  return tp_test_summary();
}
