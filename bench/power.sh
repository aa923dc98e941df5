#!/bin/bash
# Benchmark of the nvidia-smi CSV reader: a week at 10 Hz on 8 GPUs
# (48.4 M rows, ~1.8 GB) as written by a host in Europe/Paris (the week
# crosses the March DST change), parsed end to end into a counting sink,
# reading the naive times as UTC and as Europe/Paris.
#
#   bench/power.sh [HOURS]     (default 168; a smaller value for a quick run)
#
# Builds bench/gen_nvsmi.c with the parser sources at -O2 (no CMake, so it
# runs in any checkout), writes the trace under bench/work/ (git-ignored),
# and reports wall time and peak memory from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
HOURS=${1:-168}
WORK=bench/work
mkdir -p "$WORK"
CC=${CC:-cc}
SRC="parser/text/timefmt.c parser/text/csv.c parser/power/nvsmi.c parser/power/rapl.c parser/power/codecarbon.c
     parser/power/csvmap.c parser/power/power.c parser/power/power_reader.c parser/text/number.c model/diag.c
     model/mem.c model/trace.c model/utctime.c"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I. \
    bench/gen_nvsmi.c $SRC -lm -lpthread -o "$WORK/gen_nvsmi"
TRACE="$WORK/nvsmi-${HOURS}h-8gpu-10hz-paris.csv"
if [ ! -s "$TRACE" ]; then
  echo "generating $TRACE"
  "$WORK/gen_nvsmi" gen "$TRACE" "$HOURS" 8 10 Europe/Paris
fi
ls -l "$TRACE"
echo "rows: $(($(wc -l < "$TRACE") - 1))"
for zone in UTC Europe/Paris; do
  log="$WORK/time-${zone//\//-}.txt"
  echo "== parse, naive times read in $zone"
  /usr/bin/time -v "$WORK/gen_nvsmi" parse "$TRACE" "$zone" 2> "$log"
  grep -E "Elapsed \(wall|Maximum resident|User time|System time" "$log"
done
