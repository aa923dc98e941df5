#!/bin/bash
# Benchmark of the energy integrator: a week at 10 Hz on 8 GPUs (48.4 M
# samples) generated in memory and streamed through the integrator with three
# overlapping run windows.  Memory must not grow with the trace's length:
# compare the peak RSS of a short and a long run.
#
#   bench/energy.sh [HOURS]     (default 168)
#
# Builds bench/energy_bench.c with the model sources at -O2 (no CMake) and
# reports wall time and peak memory from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
HOURS=${1:-168}
WORK=bench/work
mkdir -p "$WORK"
CC=${CC:-cc}
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I. \
    bench/energy_bench.c model/energy.c model/run.c model/diag.c model/mem.c model/utctime.c -lm \
    -o "$WORK/energy_bench"
for h in 1 "$HOURS"; do
  log="$WORK/time-energy-${h}h.txt"
  echo "== $h h, 8 GPUs, 10 Hz"
  /usr/bin/time -v "$WORK/energy_bench" "$h" 8 10 2> "$log"
  grep -E "Elapsed \(wall|Maximum resident|User time" "$log"
done
