/* prom_read: read one power trace (any format the table sniffs) into a
 * counting sink, for bench/prometheus.sh.
 *
 *   prom_read FILE
 *
 * Prints the format, devices, samples, and the wall time of the read; exits 1
 * when the file could not be used. */
#include <stdio.h>
#include <time.h>

#include "model/diag.h"
#include "parser/power/power.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: prom_read FILE\n");
    return 2;
  }
  tp_power_tally t = {0};
  tp_trace_sink sink = tp_power_tally_sink(&t);
  tp_diags d = {0};
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  int rc = tp_power_read(argv[1], TP_POWER_AUTO, NULL, &sink, &d);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
  printf("rc %d, %zu devices, %zu samples, %zu diagnostics, read in %.3f s\n", rc, t.n_dev,
         t.n_samples, d.count, s);
  for (size_t k = 0; k < d.count && k < 5; k++) printf("  %s\n", d.items[k].message);
  tp_power_tally_free(&t);
  tp_diag_free(&d);
  return rc == 0 ? 0 : 1;
}
