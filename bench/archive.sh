#!/usr/bin/env bash
# Benchmark of a lab archive: report, cached report, and scan fanned out.
#
#   bench/archive.sh [RUNS [PROGRAM]]     (default 10000 runs, build/trainprint)
#
# Generates RUNS runs (bench/gen_archive.c: experiments of 100 runs, one
# event file each, one 4-GPU nvidia-smi trace per experiment) under
# bench/work/archive-RUNS/, then measures with /usr/bin/time:
#   1. report (no cache), 2. report --cache (filling it), 3. report --cache
#   again (unchanged archive), 4. the same after one run's event file changed,
#   5. scan with 2 workers (xargs -P 2, one task per experiment) followed by
#   render.
# Prints wall time and peak memory of each step, and the second report's time
# as a share of the first's.  Each step starts after `sync`, so that none pays
# for writing back what an earlier one left in the page cache.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000}
prog=${2:-build/trainprint}
. bench/archive_lib.sh
bench_archive archive.sh "$prog" "$runs"
echo "archive: $runs runs, $(du -sh "$arch" | cut -f1), $(find "$arch" -type f | wc -l) files"

measure() { # measure LABEL COMMAND...
  local label=$1; shift
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/err.out" || {
    echo "$label: failed"; tail -3 "$work/err.out"; return 1; }
  read -r wall kb <"$work/time.out"
  awk -v l="$label" -v w="$wall" -v k="$kb" 'BEGIN { printf "%-40s %8.1f s  %7.1f MiB\n", l, w, k / 1024 }'
  last_wall=$wall
}
rm -rf "$work/arch-cache" "$work/arch-sums" "$work/arch-site"*
measure "report" "$prog" report -q "$arch" -o "$work/arch-site1"
first=$last_wall
measure "report --cache (first, filling)" "$prog" report -q --cache "$work/arch-cache" "$arch" -o "$work/arch-site2"
measure "report --cache (second, unchanged)" "$prog" report -q --cache "$work/arch-cache" "$arch" -o "$work/arch-site2"
second=$last_wall
awk -v a="$first" -v b="$second" 'BEGIN { printf "second report / first report: %.3f\n", b / a }'
if diff -rq "$work/arch-site1" "$work/arch-site2" >/dev/null; then
  echo "cached report's site identical to report's: yes"
else
  echo "cached report's site identical to report's: NO"
fi
touch "$(ls "$arch"/exp000/run000/events.out.tfevents.* | head -1)"
measure "report --cache (one run changed)" "$prog" report -q --cache "$work/arch-cache" "$arch" -o "$work/arch-site2"
t0=$(date +%s.%N)
measure "scan, 2 workers (xargs -P 2)" bash -c \
  "ls -d '$arch'/*/ | xargs -P 2 -I{} '$prog' scan -q -j 1 --root '$arch' {} -o '$work/arch-sums'"
measure "render" "$prog" render -q "$work/arch-sums" -o "$work/arch-site4"
if diff -rq "$work/arch-site2" "$work/arch-site4" >/dev/null; then
  echo "scan + render site identical to report's: yes"
else
  echo "scan + render site identical to report's: NO"
fi
