#!/usr/bin/env bash
# tfevents.sh: throughput and peak memory of `trainprint inspect --stats` on a
# large generated event file, side by side with `cat FILE > /dev/null`; and of
# `trainprint inspect --hparams` on it, which reads the file as `report` does
# (the run loader: SHA-256 of the file, every point kept in the run's series).
#
# Usage: bench/tfevents.sh [SIZE_MB] [TRAINPRINT] [REPEAT]
#   SIZE_MB     size of the generated file (default 1100, i.e. over 1 GB)
#   TRAINPRINT  the program (default build/trainprint)
#   REPEAT      `cat` and `inspect --stats` are run this many times, one after
#               the other in turn (default 5); the medians are printed, with
#               the range, and the ratio is that of the medians (one run of
#               each wanders by a third on a shared machine)
# The file and the generator go to bench/work/ (git-ignored); the file is
# reused when it already has the requested size.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1100}
prog=${2:-build/trainprint}
repeat=${3:-5}
work=bench/work
mkdir -p "$work"
file=$work/events.out.tfevents.bench.${size_mb}mb

[ -x "$prog" ] || { echo "tfevents.sh: $prog not built" >&2; exit 1; }
cc -O2 -o "$work/gen_tfevents" bench/gen_tfevents.c
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -lt $((size_mb * 1048576)) ]; then
  "$work/gen_tfevents" "$file" "$size_mb"
fi
bytes=$(stat -c %s "$file")

# Run a command; print "seconds peak_kib cpu_seconds".  /usr/bin/time -v when present,
# else the shell's clock and the child's VmHWM read from /proc while it runs.
measure() {
  local out=$work/time.out
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$out" "$@" > /dev/null
    local el rss cpu
    el=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$out")
    echo "$(echo "$el" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }') $rss $cpu"
  else
    local t0 t1 pid hwm=0 h
    t0=$(date +%s.%N)
    "$@" > /dev/null & pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      h=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$h" ] && hwm=$h
      sleep 0.05
    done
    wait "$pid"
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') $hwm -"
  fi
}

cat "$file" > /dev/null   # warm the page cache for both
# median LIST...: the middle value (the mean of the two middle ones).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
span() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
cat_w=() cat_c=() tp_w=() tp_c=() cat_kib=0 tp_kib=0
for ((i = 0; i < repeat; i++)); do
  read -r w k c < <(measure sh -c "cat '$file' > /dev/null")
  cat_w+=("$w") cat_c+=("$c") cat_kib=$k
  read -r w k c < <(measure "$prog" inspect --stats "$file")
  tp_w+=("$w") tp_c+=("$c") tp_kib=$k
done
cat_s=$(median "${cat_w[@]}") tp_s=$(median "${tp_w[@]}")
if [ "${cat_c[0]}" = - ]; then cat_cpu=- tp_cpu=-
else cat_cpu=$(median "${cat_c[@]}") tp_cpu=$(median "${tp_c[@]}"); fi
read -r ld_s ld_kib ld_cpu < <(measure "$prog" inspect --hparams "$file")
rows=$("$prog" inspect --stats "$file" | wc -l)

mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? b / s / 1e6 : 0) }'; }
echo "file: $file ($bytes bytes, $((rows - 1)) stats rows)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "medians of $repeat runs each (wall s: cat $(span "${cat_w[@]}"), inspect --stats $(span "${tp_w[@]}"))"
printf '%-28s %9s %9s %9s %13s %9s\n' command wall_s MB/s cpu_s MB/s_of_cpu peak_MiB
row() {
  printf '%-28s %9s %9s %9s %13s %9.1f\n' "$1" "$2" "$(mbps "$2")" "$3" \
    "$( [ "$3" = - ] && echo - || mbps "$3")" "$(awk -v k="$4" 'BEGIN { print k / 1024 }')"
}
row "cat FILE > /dev/null" "$cat_s" "$cat_cpu" "$cat_kib"
row "trainprint inspect --stats" "$tp_s" "$tp_cpu" "$tp_kib"
row "  --hparams (report's scan)" "$ld_s" "$ld_cpu" "$ld_kib"
awk -v a="$tp_s" -v b="$cat_s" 'BEGIN { if (b > 0) printf "inspect/cat time ratio: %.2f\n", a / b }'
[ "$tp_cpu" = - ] ||
  awk -v a="$tp_cpu" -v b="$cat_cpu" 'BEGIN { if (b > 0) printf "inspect/cat CPU time ratio: %.2f\n", a / b }'
