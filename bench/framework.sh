#!/usr/bin/env bash
# Framework-log benchmark: a 1 GB fairseq-style text log through the built-in
# "fairseq" pattern set, and a 1 GB Lightning metrics.csv, each read by its
# reader alone into a counting sink.  Inputs and the build go to bench/work/
# (git-ignored).  usage: bench/framework.sh [SIZE_BYTES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work="$here/work"
size=${1:-1073741824}
mkdir -p "$work"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DTP_WERROR=OFF >/dev/null
cmake --build "$work/build" -j2 --target tp_parser >/dev/null
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$root" -o "$work/bench_framework" \
  "$here/bench_framework.c" "$work/build/libtp_parser.a" "$work/build/libtp_model.a" \
  $(pkg-config --libs yaml-0.1 libpcre2-8) -lm
if [ ! -s "$work/train.log" ] || [ "$(stat -c %s "$work/train.log")" -lt "$size" ]; then
  python3 "$here/gen_framework.py" "$work" "$size"
fi
"$work/bench_framework" textlog fairseq "$work/train.log"
"$work/bench_framework" lightning "$work/metrics.csv"
