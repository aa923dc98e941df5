#!/usr/bin/env bash
# setup.sh: install what trainprint needs on Debian 12, then configure and
# build it.  Run as root (or with sudo available).  Installs only packages
# that are missing; safe to run again.
#
#   scripts/setup.sh [BUILD_DIR [extra cmake args...]]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config clang libclang-rt-14-dev
          libxml2-dev libcairo2-dev libpcre2-dev libyaml-dev python3)
# Extra packages the test suite needs (browser test, LaTeX export check).
if [ "${TP_SETUP_TESTS:-0}" = 1 ]; then
  PACKAGES+=(chromium texlive-latex-base valgrind)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${1:-build}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
