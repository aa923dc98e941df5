#!/usr/bin/env bash
# Valgrind on the sample report: no invalid read or write, no use of an
# uninitialised value, no definite leak.  Skipped (77) without valgrind, and
# in a sanitizer build (the two do not run together).
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
if ! command -v valgrind >/dev/null; then
  echo "skip: valgrind is not installed"
  exit 77
fi
if nm "$tp" 2>/dev/null | grep -q __asan_init; then
  echo "skip: $tp is built with AddressSanitizer; valgrind runs on the normal build"
  exit 77
fi
rm -rf "$scratch" && mkdir -p "$scratch"
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  "$tp" report "$src/samples" -o "$scratch/report" --timezone UTC -q 2>"$scratch/valgrind.log"
rc=$?
if [ "$rc" -ne 0 ]; then
  cat "$scratch/valgrind.log"
  echo "FAIL: valgrind exit $rc (99: it found errors)"
  exit 1
fi
test -s "$scratch/report/summary.json" || { echo "FAIL: no summary.json"; exit 1; }
echo "valgrind: clean"
