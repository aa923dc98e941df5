#!/usr/bin/env bash
# test.sh: set up, then build and run the whole test suite twice: a normal
# build (build/) and an AddressSanitizer + UndefinedBehaviorSanitizer build
# with clang (build-asan/), in which the fuzz targets also fuzz for a bounded
# time.  Exits non-zero if any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export TP_SETUP_TESTS=1
scripts/setup.sh build
(cd build && ctest --output-on-failure -j"$(nproc)")

CC=clang scripts/setup.sh build-asan -DTP_SANITIZE=ON -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=Debug
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j"$(nproc)")
