/* timefmt: timestamp parsing and naive-local-to-UTC conversion (see timefmt.h). */
#include "parser/text/timefmt.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "model/mem.h"
#include "parser/text/number.h"

/* ---- Calendar arithmetic (the day counts are in model/utctime.c) ---- */

static int S_days_in_month(int64_t y, int m) {
  static const int k_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return k_days[m - 1];
}

static int64_t S_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* ---- Small scanners over (s, n, *i) ------------------------------------ */

static bool S_isdigit(char c) { return c >= '0' && c <= '9'; }

/* Exactly `count` digits at *i. */
static int S_fixed(const char *s, size_t n, size_t *i, int count, int *out) {
  int v = 0;
  for (int k = 0; k < count; k++) {
    if (*i >= n || !S_isdigit(s[*i])) return -1;
    v = v * 10 + (s[(*i)++] - '0');
  }
  *out = v;
  return 0;
}

/* One to `max` digits at *i. */
static int S_upto(const char *s, size_t n, size_t *i, int max, int *out) {
  int v = 0, k = 0;
  while (k < max && *i < n && S_isdigit(s[*i])) v = v * 10 + (s[(*i)++] - '0'), k++;
  if (k == 0) return -1;
  *out = v;
  return 0;
}

static int S_lit(const char *s, size_t n, size_t *i, char c) {
  if (*i >= n || s[*i] != c) return -1;
  (*i)++;
  return 0;
}

/* Digits of a fraction (the separator already consumed): at least one. */
static int S_fraction(const char *s, size_t n, size_t *i, double *out) {
  double v = 0, scale = 1;
  size_t start = *i;
  while (*i < n && S_isdigit(s[*i])) {
    if (scale > 1e-12) { /* digits past picoseconds change nothing */
      scale /= 10;
      v += (s[*i] - '0') * scale;
    }
    (*i)++;
  }
  if (*i == start) return -1;
  *out = v;
  return 0;
}

/* Optional ".ddd" or ",ddd" after seconds. */
static int S_opt_fraction(const char *s, size_t n, size_t *i, double *out) {
  *out = 0;
  if (*i < n && (s[*i] == '.' || s[*i] == ',') && *i + 1 < n && S_isdigit(s[*i + 1])) {
    (*i)++;
    return S_fraction(s, n, i, out);
  }
  return 0;
}

/* Z, +HH:MM, +HHMM or +HH. */
static int S_zone(const char *s, size_t n, size_t *i, int32_t *off) {
  if (*i < n && (s[*i] == 'Z' || s[*i] == 'z')) {
    (*i)++;
    *off = 0;
    return 0;
  }
  if (*i >= n || (s[*i] != '+' && s[*i] != '-')) return -1;
  int sign = s[(*i)++] == '-' ? -1 : 1, hh = 0, mm = 0;
  if (S_fixed(s, n, i, 2, &hh)) return -1;
  if (*i < n && s[*i] == ':') {
    (*i)++;
    if (S_fixed(s, n, i, 2, &mm)) return -1;
  } else if (*i + 1 < n && S_isdigit(s[*i])) {
    if (S_fixed(s, n, i, 2, &mm)) return -1;
  }
  if (hh > 23 || mm > 59) return -1;
  *off = sign * (hh * 3600 + mm * 60);
  return 0;
}

static int S_month_name(const char *s, size_t n, size_t *i, int *mon) {
  static const char k_mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (*i + 3 > n) return -1;
  for (int m = 0; m < 12; m++)
    if (strncasecmp(s + *i, k_mon + 3 * m, 3) == 0) {
      *i += 3;
      *mon = m + 1;
      return 0;
    }
  return -1;
}

static void S_trim(const char **s, size_t *n) {
  while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
  while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r')) (*n)--;
}

/* Check the fields and fill *out (naive). */
static int S_build(int64_t y, int mo, int d, int h, int mi, int sec, double frac,
                   tp_timestamp *out) {
  if (mo < 1 || mo > 12 || d < 1 || d > S_days_in_month(y, mo) || h > 23 || mi > 59 ||
      sec > 60)
    return -1;
  out->wall_s = tp_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  out->frac_s = frac;
  out->has_offset = false;
  out->offset_s = 0;
  return 0;
}

/* ---- Formats ----------------------------------------------------------- */

/* YYYY/MM/DD HH:MM:SS[.fff] and YYYY-MM-DD[T ]HH:MM[:SS[.fff]][zone]; `sep` is
 * the date separator, `zone_ok` whether a zone may follow. */
static int S_parse_dated(const char *s, size_t n, char sep, bool iso, tp_timestamp *out) {
  size_t i = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  double frac = 0;
  if (S_fixed(s, n, &i, 4, &y) || S_lit(s, n, &i, sep) || S_fixed(s, n, &i, 2, &mo) ||
      S_lit(s, n, &i, sep) || S_fixed(s, n, &i, 2, &d))
    return -1;
  if (iso && i == n) return S_build(y, mo, d, 0, 0, 0, 0, out);
  if (i >= n || !(s[i] == ' ' || (iso && (s[i] == 'T' || s[i] == 't')))) return -1;
  i++;
  if (S_fixed(s, n, &i, 2, &h) || S_lit(s, n, &i, ':') || S_fixed(s, n, &i, 2, &mi)) return -1;
  if (i < n && s[i] == ':') {
    i++;
    if (S_fixed(s, n, &i, 2, &sec) || S_opt_fraction(s, n, &i, &frac)) return -1;
  } else if (!iso) {
    return -1;
  }
  if (S_build(y, mo, d, h, mi, sec, frac, out)) return -1;
  if (iso && i < n) {
    int32_t off;
    if (S_zone(s, n, &i, &off)) return -1;
    out->has_offset = true;
    out->offset_s = off;
  }
  return i == n ? 0 : -1;
}

/* [Www ]Mmm DD HH:MM:SS YYYY (DD may be blank-padded). */
static int S_parse_ctime(const char *s, size_t n, tp_timestamp *out) {
  size_t i = 0;
  int mo, d, h, mi, sec, y;
  if (n >= 4 && s[3] == ' ' && S_month_name(s, n, &(size_t){0}, &mo) != 0) i = 4; /* weekday */
  while (i < n && s[i] == ' ') i++;
  if (S_month_name(s, n, &i, &mo) || S_lit(s, n, &i, ' ')) return -1;
  while (i < n && s[i] == ' ') i++;
  if (S_upto(s, n, &i, 2, &d) || S_lit(s, n, &i, ' ') || S_fixed(s, n, &i, 2, &h) ||
      S_lit(s, n, &i, ':') || S_fixed(s, n, &i, 2, &mi) || S_lit(s, n, &i, ':') ||
      S_fixed(s, n, &i, 2, &sec))
    return -1;
  while (i < n && s[i] == ' ') i++;
  if (S_fixed(s, n, &i, 4, &y) || i != n) return -1;
  return S_build(y, mo, d, h, mi, sec, 0, out);
}

/* An epoch number; unit_div 0 means: guess from the magnitude. */
static int S_parse_epoch(const char *s, size_t n, double unit_div, tp_timestamp *out) {
  bool plain_int = n > 0 && n <= 19;
  for (size_t k = 0; k < n && plain_int; k++)
    if (!S_isdigit(s[k])) plain_int = false;
  double v;
  int64_t iv = 0;
  if (plain_int) {
    if (tp_parse_int64(s, n, &iv)) return -1;
    v = (double)iv;
  } else if (tp_parse_double(s, n, &v) || !isfinite(v)) {
    return -1;
  }
  if (unit_div == 0) {
    double a = fabs(v);
    unit_div = a < 1e11 ? 1 : a < 1e14 ? 1e3 : a < 1e17 ? 1e6 : 1e9;
  }
  if (plain_int) { /* exact split: no rounding of ns counts through a double */
    int64_t div = (int64_t)unit_div;
    int64_t q = S_floor_div(iv, div);
    out->wall_s = q;
    out->frac_s = (double)(iv - q * div) / unit_div;
  } else {
    double secs = v / unit_div;
    if (fabs(secs) > 1e13) return -1; /* ~300000 years: not a time */
    double fl = floor(secs);
    out->wall_s = (int64_t)fl;
    out->frac_s = secs - fl;
  }
  out->has_offset = true;
  out->offset_s = 0;
  return 0;
}

static bool S_looks_numeric(const char *s, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (!(S_isdigit(s[k]) || s[k] == '.' || s[k] == '-' || s[k] == '+' || s[k] == 'e' ||
          s[k] == 'E'))
      return false;
  return n > 0;
}

int tp_time_parse(const char *s, size_t n, tp_time_format fmt, tp_timestamp *out) {
  S_trim(&s, &n);
  if (n == 0) return -1;
  switch (fmt) {
    case TP_TIME_NVSMI: return S_parse_dated(s, n, '/', false, out);
    case TP_TIME_ISO8601: return S_parse_dated(s, n, '-', true, out);
    case TP_TIME_CTIME: return S_parse_ctime(s, n, out);
    case TP_TIME_EPOCH_S: return S_parse_epoch(s, n, 1, out);
    case TP_TIME_EPOCH_MS: return S_parse_epoch(s, n, 1e3, out);
    case TP_TIME_EPOCH_US: return S_parse_epoch(s, n, 1e6, out);
    case TP_TIME_EPOCH_NS: return S_parse_epoch(s, n, 1e9, out);
    case TP_TIME_AUTO:
      if (n >= 10 && s[4] == '/') return S_parse_dated(s, n, '/', false, out);
      if (n >= 10 && s[4] == '-' && S_isdigit(s[0])) return S_parse_dated(s, n, '-', true, out);
      if (S_looks_numeric(s, n)) return S_parse_epoch(s, n, 0, out);
      return S_parse_ctime(s, n, out);
    case TP_TIME_PATTERN: return -1;
  }
  return -1;
}

int tp_time_parse_pattern(const char *s, size_t n, const char *pat, tp_timestamp *out) {
  S_trim(&s, &n);
  size_t i = 0;
  int y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  double frac = 0;
  bool has_off = false;
  int32_t off = 0;
  for (const char *p = pat; *p; p++) {
    if (*p == ' ') {
      while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
      continue;
    }
    if (*p != '%') {
      if (S_lit(s, n, &i, *p)) return -1;
      continue;
    }
    int r = 0;
    switch (*++p) {
      case 'Y': r = S_fixed(s, n, &i, 4, &y); break;
      case 'm': r = S_upto(s, n, &i, 2, &mo); break;
      case 'd': r = S_upto(s, n, &i, 2, &d); break;
      case 'H': r = S_upto(s, n, &i, 2, &h); break;
      case 'M': r = S_upto(s, n, &i, 2, &mi); break;
      case 'S': r = S_upto(s, n, &i, 2, &sec) || S_opt_fraction(s, n, &i, &frac); break;
      case 'f': r = S_fraction(s, n, &i, &frac); break;
      case 'b': r = S_month_name(s, n, &i, &mo); break;
      case 'z': r = S_zone(s, n, &i, &off); has_off = true; break;
      case '%': r = S_lit(s, n, &i, '%'); break;
      default: return -1; /* unknown directive, or a lone '%' at the end */
    }
    if (r) return -1;
  }
  if (i != n || S_build(y, mo, d, h, mi, sec, frac, out)) return -1;
  out->has_offset = has_off;
  out->offset_s = off;
  return 0;
}

/* ---- Numeric dates in a stated order ------------------------------------ */

static const char *const k_order_names[] = {
    [TP_DATE_ORDER_NONE] = "none", [TP_DATE_DMY] = "dmy", [TP_DATE_MDY] = "mdy",
    [TP_DATE_YMD] = "ymd"};

const char *tp_date_order_name(tp_date_order o) {
  return (unsigned)o < sizeof k_order_names / sizeof *k_order_names ? k_order_names[o] : "?";
}

int tp_date_order_parse(const char *name, tp_date_order *out) {
  for (unsigned k = TP_DATE_DMY; k < sizeof k_order_names / sizeof *k_order_names; k++)
    if (strcasecmp(name, k_order_names[k]) == 0) {
      *out = (tp_date_order)k;
      return 0;
    }
  return -1;
}

/* The three numbers of a leading numeric date: `wide` (0, 1 or 2) is the one
 * of four digits, the others have one or two; the separator is one of "/.-"
 * and the same twice.  *i is left after the date. */
static int S_three_numbers(const char *s, size_t n, size_t *i, int wide, int v[3]) {
  char sep = 0;
  for (int k = 0; k < 3; k++) {
    if (k > 0) {
      if (*i >= n || !(s[*i] == '/' || s[*i] == '.' || s[*i] == '-')) return -1;
      if (k == 1) sep = s[*i];
      if (S_lit(s, n, i, sep)) return -1;
    }
    if (k == wide ? S_fixed(s, n, i, 4, &v[k]) : S_upto(s, n, i, 2, &v[k])) return -1;
    if (*i < n && S_isdigit(s[*i])) return -1;
  }
  return 0;
}

bool tp_time_is_dm_date(const char *s, size_t n) {
  S_trim(&s, &n);
  size_t i = 0;
  int v[3];
  return S_three_numbers(s, n, &i, 2, v) == 0 && (i == n || s[i] == ' ' || s[i] == 'T');
}

int tp_time_parse_ordered(const char *s, size_t n, tp_date_order order, tp_timestamp *out) {
  S_trim(&s, &n);
  size_t i = 0;
  int v[3], y, mo, d;
  if (order == TP_DATE_YMD) {
    if (S_three_numbers(s, n, &i, 0, v)) return -1;
    y = v[0], mo = v[1], d = v[2];
  } else if (order == TP_DATE_DMY || order == TP_DATE_MDY) {
    if (S_three_numbers(s, n, &i, 2, v)) return -1;
    y = v[2], mo = order == TP_DATE_DMY ? v[1] : v[0], d = order == TP_DATE_DMY ? v[0] : v[1];
  } else {
    return -1;
  }
  /* The date rewritten as ISO 8601, the rest as it was: one parser for the time. */
  char iso[96];
  if (n - i > sizeof iso - 16) return -1;
  int len = snprintf(iso, sizeof iso, "%04d-%02d-%02d%.*s", y, mo, d, (int)(n - i), s + i);
  return S_parse_dated(iso, (size_t)len, '-', true, out);
}

static const char *const k_format_names[] = {
    [TP_TIME_AUTO] = "auto",         [TP_TIME_NVSMI] = "nvidia-smi",
    [TP_TIME_ISO8601] = "iso8601",   [TP_TIME_CTIME] = "ctime",
    [TP_TIME_EPOCH_S] = "epoch-s",   [TP_TIME_EPOCH_MS] = "epoch-ms",
    [TP_TIME_EPOCH_US] = "epoch-us", [TP_TIME_EPOCH_NS] = "epoch-ns",
    [TP_TIME_PATTERN] = "pattern"};

const char *tp_time_format_name(tp_time_format f) {
  if ((unsigned)f < sizeof k_format_names / sizeof *k_format_names) return k_format_names[f];
  return "?";
}

int tp_time_format_parse(const char *name, tp_time_format *out) {
  for (unsigned k = 0; k < sizeof k_format_names / sizeof *k_format_names; k++)
    if (strcasecmp(name, k_format_names[k]) == 0) {
      *out = (tp_time_format)k;
      return 0;
    }
  return -1;
}

/* ---- Zones ------------------------------------------------------------- */

struct tp_tz {
  char *name;          /* as given to TZ */
  tp_tz_origin origin;
  bool utc;            /* no conversion needed */
};

static bool S_name_is_utc(const char *name) {
  static const char *const k_utc[] = {"UTC", "UTC0", "GMT", "GMT0", "Z", "Zulu", "Universal",
                                      "Etc/UTC", "Etc/GMT", "Etc/Universal", "Etc/Zulu"};
  if (*name == ':') name++;
  for (size_t k = 0; k < sizeof k_utc / sizeof *k_utc; k++)
    if (strcmp(name, k_utc[k]) == 0) return true;
  return false;
}

/* A POSIX TZ string: std name (3+ letters or <...>) then an offset digit. */
static bool S_is_posix_tz(const char *s) {
  size_t k = 0;
  if (s[0] == '<') {
    const char *e = strchr(s, '>');
    if (!e) return false;
    k = (size_t)(e - s) + 1;
  } else {
    while ((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z')) k++;
    if (k < 3) return false;
  }
  if (s[k] == '+' || s[k] == '-') k++;
  return S_isdigit(s[k]);
}

static bool S_zone_file_exists(const char *name) {
  if (strstr(name, "..")) return false;
  struct stat st;
  if (name[0] == '/') return stat(name, &st) == 0 && S_ISREG(st.st_mode);
  const char *dir = getenv("TZDIR");
  char *path = tp_xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
  bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
  free(path);
  return ok;
}

tp_tz *tp_tz_open(const char *name, const char **err) {
  tp_tz_origin origin = TP_TZ_GIVEN;
  if (!name) {
    const char *env = getenv("TZ");
    if (env && *env) {
      name = env;
      origin = TP_TZ_ENV;
    } else {
      name = "UTC";
      origin = TP_TZ_DEFAULT;
    }
  } else {
    const char *bare = name[0] == ':' ? name + 1 : name;
    if (!*bare || !(S_name_is_utc(bare) || S_zone_file_exists(bare) || S_is_posix_tz(bare))) {
      if (err) *err = "not a known time zone (expected an IANA name such as Europe/Paris)";
      return NULL;
    }
  }
  tp_tz *tz = tp_xcalloc(1, sizeof *tz);
  tz->name = tp_xstrdup(name);
  tz->origin = origin;
  tz->utc = S_name_is_utc(name);
  return tz;
}

void tp_tz_free(tp_tz *tz) {
  if (!tz) return;
  free(tz->name);
  free(tz);
}

const char *tp_tz_name(const tp_tz *tz) { return tz ? tz->name : "UTC"; }
tp_tz_origin tp_tz_origin_of(const tp_tz *tz) { return tz ? tz->origin : TP_TZ_DEFAULT; }
bool tp_tz_is_utc(const tp_tz *tz) { return !tz || tz->utc; }

/* TZ is process state: one conversion at a time, the caller's TZ restored. */
static pthread_mutex_t g_tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* UTC offset (east positive) in force at UTC instant t, with TZ already set. */
static int64_t S_offset_at(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) return 0;
  int64_t wall = tp_days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
                 tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return wall - t;
}

/* The rules of the header: first occurrence when ambiguous, offset before the
 * change when in a gap.  Assumes at most one change within a day either side. */
static int64_t S_resolve(int64_t wall) {
  int64_t before = S_offset_at(wall - 86400), after = S_offset_at(wall + 86400);
  int64_t t1 = wall - before, t2 = wall - after;
  bool ok1 = S_offset_at(t1) == before, ok2 = S_offset_at(t2) == after;
  if (ok1 && ok2) return t1 < t2 ? t1 : t2;
  if (ok2) return t2;
  return t1;
}

/* Convert n wall times in one lock. */
static void S_convert(const tp_tz *tz, const int64_t *wall, int64_t *utc, size_t n) {
  pthread_mutex_lock(&g_tz_lock);
  const char *old = getenv("TZ");
  char *saved = old ? tp_xstrdup(old) : NULL;
  setenv("TZ", tz->name, 1);
  tzset();
  for (size_t k = 0; k < n; k++) utc[k] = S_resolve(wall[k]);
  if (saved) setenv("TZ", saved, 1);
  else unsetenv("TZ");
  tzset();
  free(saved);
  pthread_mutex_unlock(&g_tz_lock);
}

int64_t tp_tz_local_to_utc(const tp_tz *tz, int64_t wall_s) {
  if (tp_tz_is_utc(tz)) return wall_s;
  int64_t utc;
  S_convert(tz, &wall_s, &utc, 1);
  return utc;
}

/* ---- Clocks ------------------------------------------------------------ */

void tp_clock_init(tp_clock *c, const tp_tz *tz, double offset_s) {
  c->tz = tz;
  c->offset_s = offset_s;
  c->hour_key = INT64_MIN;
  c->hour_shift = 0;
}

static int64_t S_clock_local(tp_clock *c, int64_t wall) {
  if (tp_tz_is_utc(c->tz)) return wall;
  int64_t hour = S_floor_div(wall, 3600);
  if (hour == c->hour_key) return wall + c->hour_shift;
  /* The shift at both ends of the hour: equal for all but zones whose
   * changes fall inside an hour; such hours are converted second by second. */
  int64_t ends[2] = {hour * 3600, hour * 3600 + 3599}, utc[2];
  S_convert(c->tz, ends, utc, 2);
  if (utc[0] - ends[0] == utc[1] - ends[1]) {
    c->hour_key = hour;
    c->hour_shift = utc[0] - ends[0];
    return wall + c->hour_shift;
  }
  return tp_tz_local_to_utc(c->tz, wall);
}

double tp_clock_utc(tp_clock *c, const tp_timestamp *ts) {
  int64_t whole = ts->has_offset ? ts->wall_s - ts->offset_s : S_clock_local(c, ts->wall_s);
  return (double)whole + ts->frac_s + c->offset_s;
}

int tp_clock_parse(tp_clock *c, const char *s, size_t n, tp_time_format fmt, double *t_s) {
  tp_timestamp ts;
  if (tp_time_parse(s, n, fmt, &ts)) return -1;
  *t_s = tp_clock_utc(c, &ts);
  return 0;
}
