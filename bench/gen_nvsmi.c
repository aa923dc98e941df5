/* gen_nvsmi: benchmark helper for the nvidia-smi CSV reader.
 *
 *   gen_nvsmi gen FILE [HOURS] [GPUS] [HZ] [ZONE]   write an nvidia-smi
 *       --query-gpu=timestamp,index,power.draw --format=csv log: HOURS of
 *       samples (default 168, one week) at HZ (default 10) for GPUS GPUs
 *       (default 8), as a host whose clock is in ZONE (default UTC) writes
 *       them, starting 2024-03-28 00:00:00 local time; in a European zone the
 *       week crosses the end-of-March DST change (local 02:00 becomes 03:00).
 *   gen_nvsmi parse FILE [ZONE]              read FILE with tp_power_read into a
 *       counting sink and print samples, devices, a checksum and the rate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "parser/power/power.h"
#include "parser/text/timefmt.h"

static int S_gen(const char *path, double hours, int gpus, int hz, const char *zone) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 1;
  }
  static char buf[1 << 20];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  fputs("timestamp, index, power.draw [W]\n", f);
  const char *err = NULL;
  tp_tz *tz = tp_tz_open(zone, &err);
  if (!tz) {
    fprintf(stderr, "%s: %s\n", zone, err);
    fclose(f);
    return 1;
  }
  /* The host's wall clock: UTC instants shown in its zone. */
  int64_t start_utc = tp_tz_local_to_utc(tz, tp_days_from_civil(2024, 3, 28) * 86400);
  setenv("TZ", tp_tz_name(tz), 1);
  tzset();
  int64_t n_inst = (int64_t)(hours * 3600 * hz), last_s = INT64_MIN;
  unsigned rnd = 1;
  char line[64];
  int n = 0;
  for (int64_t i = 0; i < n_inst; i++) {
    int64_t ms = i * 1000 / hz, secs = start_utc + ms / 1000;
    if (secs != last_s) { /* format the date and time once per second */
      time_t tt = (time_t)secs;
      struct tm tm;
      localtime_r(&tt, &tm);
      n = snprintf(line, sizeof line, "%04d/%02d/%02d %02d:%02d:%02d.", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      last_s = secs;
    }
    int n2 = n + snprintf(line + n, sizeof line - (size_t)n, "%03d, ", (int)(ms % 1000));
    for (int g = 0; g < gpus; g++) {
      rnd = rnd * 1103515245u + 12345u;
      unsigned cw = 5000 + (rnd >> 16) % 30000; /* 50.00 .. 349.99 W */
      int m = snprintf(line + n2, sizeof line - (size_t)n2, "%d, %u.%02u W\n", g, cw / 100, cw % 100);
      fwrite(line, 1, (size_t)(n2 + m), f);
    }
  }
  tp_tz_free(tz);
  if (fclose(f) != 0) {
    perror(path);
    return 1;
  }
  return 0;
}

typedef struct S_count {
  size_t devices, samples;
  double sum_w;
} S_count;

static int S_device(void *ctx, const char *id, const char *name, tp_sample_kind k, double w) {
  S_count *c = ctx;
  return (int)c->devices++;
}

static void S_sample(void *ctx, int dev, double t_s, double value) {
  S_count *c = ctx;
  c->samples++;
  c->sum_w += value;
}

static int S_parse(const char *path, const char *zone) {
  const char *err = NULL;
  tp_tz *tz = tp_tz_open(zone, &err);
  if (!tz) {
    fprintf(stderr, "%s: %s\n", zone, err);
    return 1;
  }
  S_count c = {0};
  tp_trace_sink sink = {&c, S_device, S_sample, NULL, NULL, NULL};
  tp_power_options o;
  tp_power_options_init(&o);
  o.tz = tz;
  tp_diags d = {0};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = tp_power_read(path, TP_POWER_AUTO, &o, &sink, &d);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  tp_diag_print_all(stderr, &d);
  printf("rc=%d zone=%s devices=%zu samples=%zu mean_w=%.6f diagnostics=%zu\n", rc,
         tp_tz_name(tz), c.devices, c.samples, c.samples ? c.sum_w / (double)c.samples : 0.0,
         d.count);
  printf("parse_s=%.3f samples_per_s=%.0f\n", s, (double)c.samples / s);
  tp_diag_free(&d);
  tp_tz_free(tz);
  return rc ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "gen") == 0) {
    double hours;
    int gpus, hz;
    if (!S_arg_double(argc > 3 ? argv[3] : NULL, 168, &hours) &&
        !S_arg_int(argc > 4 ? argv[4] : NULL, 8, &gpus) && !S_arg_int(argc > 5 ? argv[5] : NULL, 10, &hz))
      return S_gen(argv[2], hours, gpus, hz, argc > 6 ? argv[6] : "UTC");
  }
  if (argc >= 3 && strcmp(argv[1], "parse") == 0)
    return S_parse(argv[2], argc > 3 ? argv[3] : "UTC");
  fprintf(stderr, "usage: gen_nvsmi gen FILE [HOURS] [GPUS] [HZ] [ZONE] | parse FILE [ZONE]\n");
  return 2;
}
