#!/usr/bin/env bash
# Benchmark of a report fanned out as on a cluster: scan, render in parts,
# assemble.
#
#   bench/fanout.sh RUNS [--parts N] [--check] [--program PATH]
#       (default: 2 parts, build/trainprint)
#
# Generates RUNS runs (bench/gen_archive.c: experiments of 100 runs, one
# event file each, one 4-GPU nvidia-smi trace per experiment) under
# bench/work/archive-RUNS/ unless it is there, then measures with
# /usr/bin/time, each step after `sync`:
#   1. scan with 2 workers (xargs -P 2, one task per experiment, -j 1 each),
#   2. render --part I/N for the N parts, 2 workers (-j 1 each),
#   3. render --assemble of the N parts (-j 2: it draws the front page only),
# printing wall time, CPU time (user + system), peak memory of each step (of
# the largest process), the total and the wall time per run.  With RUNS <=
# 2000, or with --check, it also writes `report -j 2` of the archive and
# compares the two sites byte for byte (diff -r).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: bench/fanout.sh RUNS [--parts N] [--check] [--program PATH]}
shift
parts=2 check=0 prog=build/trainprint
while [ $# -gt 0 ]; do
  case $1 in
    --parts) parts=$2; shift 2 ;;
    --check) check=1; shift ;;
    --program) prog=$2; shift 2 ;;
    *) echo "fanout.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$runs" -le 2000 ] && check=1
. bench/archive_lib.sh
bench_archive fanout.sh "$prog" "$runs"
out=$work/fanout-$runs
echo "archive: $runs runs, $(du -sh "$arch" | cut -f1), $(find "$arch" -type f | wc -l) files;" \
  "$parts parts; $(nproc) processors"
rm -rf "$out" && mkdir -p "$out"

tot_wall=0 tot_cpu=0
measure() { # measure LABEL COMMAND...
  local label=$1; shift
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$out/time.out" "$@" >/dev/null 2>"$out/err.out" || {
    echo "$label: failed"; tail -3 "$out/err.out"; exit 1; }
  read -r wall user sys kb <"$out/time.out"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" \
    'BEGIN { printf "%-34s %8.1f s wall %8.1f s CPU %8.1f MiB\n", l, w, u + s, k / 1024 }'
  tot_wall=$(awk -v a="$tot_wall" -v b="$wall" 'BEGIN { print a + b }')
  tot_cpu=$(awk -v a="$tot_cpu" -v u="$user" -v s="$sys" 'BEGIN { print a + u + s }')
}
measure "scan, 2 workers" bash -c \
  "ls -d '$arch'/*/ | xargs -P 2 -I{} '$prog' scan -q -j 1 --root '$arch' {} -o '$out/sums'"
measure "render --part I/$parts, 2 workers" bash -c \
  "seq 1 $parts | xargs -P 2 -I{} '$prog' render -q -j 1 '$out/sums' --part {}/$parts -o '$out/parts/{}'"
measure "render --assemble" "$prog" render -q -j 2 "$out/sums" --assemble \
  $(seq -f "$out/parts/%g" 1 "$parts") -o "$out/site"
awk -v w="$tot_wall" -v c="$tot_cpu" -v n="$runs" \
  'BEGIN { printf "%-34s %8.1f s wall %8.1f s CPU   %.2f ms wall per run\n", "total", w, c, 1000 * w / n }'
echo "site: $(du -sh "$out/site" | cut -f1), $(find "$out/site" -type f | wc -l) files"
if [ "$check" = 1 ]; then
  measure "(report -j 2, for the comparison)" "$prog" report -q -j 2 "$arch" -o "$out/report"
  if diff -r "$out/report" "$out/site" >/dev/null; then
    echo "assembled site identical to report's: yes"
  else
    echo "assembled site identical to report's: NO"
    exit 1
  fi
fi
