/* bench_framework: time one framework reader over one file with a counting
 * sink (the reader alone, memory independent of the file size).
 *
 * usage: bench_framework textlog SET FILE | lightning FILE
 * prints: bytes, seconds, MB/s, records/values, peak RSS (KiB) */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "parser/logs/lightning_csv.h"
#include "parser/logs/textlog.h"

static unsigned long long g_values, g_events;
static double g_sum;

static void S_event(void *ctx, int64_t step, double t) {
  (void)ctx, (void)step, (void)t;
  g_events++;
}
static void S_scalar(void *ctx, const char *tag, int64_t step, double t, double v) {
  (void)ctx, (void)tag, (void)step, (void)t;
  g_values++;
  g_sum += v;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_framework textlog SET FILE | lightning FILE\n");
    return 2;
  }
  const char *path = strcmp(argv[1], "textlog") == 0 ? argv[3] : argv[2];
  FILE *f = fopen(path, "rb");
  if (!f) return 1;
  struct stat st;
  fstat(fileno(f), &st);
  tp_metric_sink sink = {.event = S_event, .scalar = S_scalar};
  tp_diags d = {0};
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  if (strcmp(argv[1], "textlog") == 0) {
    const tp_textlog_set *set = tp_textlog_builtin(argv[2]);
    tp_textlog *tl = set ? tp_textlog_compile(set, &d) : NULL;
    if (!tl) return 1;
    tp_textlog_read(tl, f, path, NULL, &sink, &d, NULL);
    tp_textlog_free(tl);
  } else {
    tp_lightning_csv_read(f, path, NULL, &sink, &d, NULL);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  fclose(f);
  double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%s: %lld bytes in %.2f s = %.0f MB/s; %llu records, %llu values; %zu diagnostics; "
         "peak RSS %ld KiB\n",
         argv[1], (long long)st.st_size, s, (double)st.st_size / s / 1e6, g_events, g_values,
         d.count, ru.ru_maxrss);
  tp_diag_free(&d);
  return 0;
}
