# archive_lib.sh: what the archive benchmarks share, sourced from the
# checkout's root.  bench_archive NAME PROG RUNS checks that PROG is built and
# makes the synthetic archive of RUNS runs (bench/gen_archive.c) under
# bench/work/archive-RUNS/ unless it is there; it sets work and arch.
bench_archive() {
  local name=$1 prog=$2 runs=$3
  work=bench/work
  arch=$work/archive-$runs
  mkdir -p "$work"
  [ -x "$prog" ] || { echo "$name: $prog not built" >&2; exit 1; }
  cc -O2 -o "$work/gen_archive" bench/gen_archive.c
  if [ ! -d "$arch" ]; then
    echo "generating $runs runs in $arch ..."
    "$work/gen_archive" "$arch" "$runs"
  fi
}
