#!/usr/bin/env bash
# main.sh: set up, build, and write the report of the bundled sample lab to
# report/ (open report/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
./build/trainprint report samples -o report
echo "report written to report/index.html"
