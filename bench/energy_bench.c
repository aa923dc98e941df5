/* energy_bench: the integrator's cost for a week at 10 Hz on 8 GPUs.
 *
 *   energy_bench [HOURS [GPUS [HZ]]]      (defaults 168 8 10)
 *
 * Generates the samples in memory (no file, so only the model is measured),
 * interleaved by time as a CSV gives them, and streams them through a sink
 * into an integrator with three run windows: the whole week, and two runs
 * that overlap in its middle on GPUs 0-3 and 2-5.  Power follows a ramp that
 * integrates to a known total, so the result is checked: it prints the energy
 * and the expected value, and exits 1 on a mismatch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_args.h"
#include "model/energy.h"
#include "model/units.h"

int main(int argc, char **argv) {
  double hours, hz;
  int gpus;
  if (S_arg_double(argc > 1 ? argv[1] : NULL, 168, &hours) || S_arg_int(argc > 2 ? argv[2] : NULL, 8, &gpus) ||
      S_arg_double(argc > 3 ? argv[3] : NULL, 10, &hz))
    return 2;
  if (!(hours > 0) || gpus < 1 || gpus > 64 || !(hz > 0)) return 2;
  const double t0 = 1710000000.0, dur = hours * TP_S_PER_H;
  static const char *const a_devs[] = {"0", "1", "2", "3"};
  static const char *const b_devs[] = {"2", "3", "4", "5"};
  tp_energy_window w[3] = {
      {t0, t0 + dur, NULL, 0},
      {t0 + 0.25 * dur, t0 + 0.5 * dur, a_devs, 4},
      {t0 + 0.4 * dur, t0 + 0.6 * dur, b_devs, 4},
  };
  tp_energy *e = tp_energy_new(w, 3, NULL, 0);
  tp_trace_sink sink = tp_energy_sink(e);
  int dev[64];
  for (int g = 0; g < gpus; g++) {
    char id[16];
    snprintf(id, sizeof id, "gpu%d", g);
    dev[g] = sink.device(sink.ctx, id, "NVIDIA H100 SXM5 80GB", TP_SAMPLE_POWER_W, 0);
  }
  /* Power of GPU g: a sawtooth from 100 W to 500 W every 1000 samples,
   * linear within each tooth, so the trapezoid sum is exact per tooth. */
  long n = (long)llround(dur * hz);
  clock_t c0 = clock();
  for (long i = 0; i <= n; i++) {
    double t = t0 + (double)i / hz;
    double p = 100.0 + 400.0 * (double)(i % 1000) / 999.0;
    for (int g = 0; g < gpus; g++) sink.sample(sink.ctx, dev[g], t, p + g);
  }
  tp_run *runs[3] = {tp_run_new("week", "."), tp_run_new("a", "."), tp_run_new("b", ".")};
  tp_energy_finish(e, runs, 3);
  double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
  double total = 0;
  for (int r = 0; r < 3; r++) total += runs[r]->energy.it_j;
  /* Expected: integrate the sawtooth exactly, interval by interval. */
  double expect = 0, dt = 1.0 / hz;
  for (long i = 0; i < n; i++) {
    double p0 = 100.0 + 400.0 * (double)(i % 1000) / 999.0;
    double p1 = 100.0 + 400.0 * (double)((i + 1) % 1000) / 999.0;
    if ((i + 1) % 1000 == 0) continue; /* the drop 500 -> 100 W is one interval too */
    expect += 0.5 * (p0 + p1) * dt;
  }
  for (long i = 999; i < n; i += 1000) expect += 0.5 * (500.0 + 100.0) * dt;
  expect = expect * gpus + (double)gpus * (gpus - 1) / 2.0 * dur;
  printf("samples: %ld (%d devices x %ld)\n", (n + 1) * gpus, gpus, n + 1);
  printf("integrate + finish: %.3f s CPU\n", secs);
  printf("energy: week %.6e J, a %.6e J, b %.6e J; sum %.9e J, expected %.9e J\n",
         runs[0]->energy.it_j, runs[1]->energy.it_j, runs[2]->energy.it_j, total, expect);
  printf("coverage: %.6f; shared: %d %d %d\n", runs[0]->energy.coverage,
         runs[0]->energy.shared, runs[1]->energy.shared, runs[2]->energy.shared);
  int ok = fabs(total - expect) <= 1e-9 * expect;
  for (int r = 0; r < 3; r++) tp_run_free(runs[r]);
  tp_energy_free(e);
  printf("%s\n", ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}
