#!/usr/bin/env bash
# The nvidia-smi field a trace logged picks its row of the sensor table
# (data/power_sensor_uncertainty.csv, docs/uncertainty.md): one A100 at 100 W
# every 2 s over a run's window, logged as power.draw (the A100 row for
# samples 1 s or more apart: -10 %..+10 %), power.draw.average and
# power.draw.instant (their own rows: -5 %..+5 %).  The constant power leaves
# no sampling error, so the run's sensor factors are the row's; `scan` then
# `render` gives the same summary.json as `report`.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

sensor() { # SUMMARY LOW HIGH: run a's sensor factors
  python3 - "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
e = {r["id"]: r for r in s["runs"]}["a"]["energy"]
got = e["uncertainty"]["sensor"]
want = [float(sys.argv[2]), float(sys.argv[3])]
if e["method"] != "integrated" or any(abs(g - w) > 1e-6 for g, w in zip(got, want)):
    print("FAIL: %s: sensor %s, expected %s" % (e["method"], got, want)); sys.exit(1)
PY
}

for case in "power.draw 0.9 1.1" "power.draw.average 0.95 1.05" "power.draw.instant 0.95 1.05"; do
  set -- $case
  field=$1 low=$2 high=$3
  lab="$scratch/$field/lab"
  mkdir -p "$lab/a"
  cp "$src"/samples/lab/lr-sweep/lr1e-4-s0/events.* "$lab/a/"
  python3 - "$lab/a/nvidia-smi.csv" "$field" <<'PY'
import sys, datetime as dt
t0 = dt.datetime(2026, 3, 10, 9, 5, 0)
with open(sys.argv[1], "w") as f:
    f.write("timestamp, index, name, %s [W]\n" % sys.argv[2])
    for i in range(601):
        t = t0 + dt.timedelta(seconds=2 * i)
        f.write("%s, 0, NVIDIA A100-SXM4-80GB, 100.00 W\n" % t.strftime("%Y/%m/%d %H:%M:%S.000"))
PY
  "$tp" report -q --timezone UTC "$lab" -o "$scratch/$field/r1" 2>"$scratch/$field/err"
  check "$field: report exits 0" test $? -eq 0
  check "$field: sensor factors $low, $high" sensor "$scratch/$field/r1/summary.json" "$low" "$high"
  "$tp" scan -q --timezone UTC "$lab" -o "$scratch/$field/sums" &&
    "$tp" render -q "$scratch/$field/sums" -o "$scratch/$field/r2"
  check "$field: scan and render exit 0" test $? -eq 0
  check "$field: render's summary.json is report's" \
    cmp -s "$scratch/$field/r1/summary.json" "$scratch/$field/r2/summary.json"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
