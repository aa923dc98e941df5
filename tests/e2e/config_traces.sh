#!/usr/bin/env bash
# The configuration's power and hardware sections, end to end, with energies
# worked out by hand:
#   - an nvidia-smi dmon log without dates, placed by `start` (100 W on GPU 1);
#   - any CSV through a column mapping (timestamp in ms, power in mW);
#   - an estimate from declared hardware for a run without a trace
#     (1 x A100 SXM4 40GB at 400 W, utilization 0.5, no CPU or memory).
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch/lab/a" "$scratch/lab/b" "$scratch/lab/c"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

# Three runs from the sample lab (lr1e-4-s1 records CUDA_VISIBLE_DEVICES=1).
cp "$src"/samples/lab/lr-sweep/lr1e-4-s1/events.* "$scratch/lab/a/"
cp "$src"/samples/lab/lr-sweep/lr1e-4-s2/events.* "$scratch/lab/b/"
cp "$src"/samples/lab/lr-sweep/lr3e-4-s0/events.* "$scratch/lab/c/"
# a: dmon, GPU 1 at 100 W from 09:03:00 UTC for 1000 s (covers a's window)
{ printf '# gpu    pwr  gtemp\n# Idx      W      C\n'
  for i in $(seq 0 1000); do printf '    1    100     50\n'; done; } >"$scratch/dmon.log"
# b: mapped CSV, 250 W (250000 mW) every second over b's window
python3 - "$scratch/watts.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("ms;milliwatts;dev\n")
    t0 = 1773133200000  # 2026-03-10T09:00:00Z
    for i in range(1500):
        f.write("%d;250000;gpu2\n" % (t0 + i * 1000))
PY
cat >"$scratch/trainprint.yaml" <<'YAML'
defaults:
  timezone: Europe/Berlin
power:
  - files: [dmon.log]
    runs: [a]
    start: 2026-03-10T09:03:00Z
    interval: 1
  - files: [watts.csv]
    runs: [b]
    columns: {separator: ";", time: ms, time_format: epoch-ms, value: milliwatts, unit: mW, device: dev}
hardware:
  - runs: c
    gpu: {model: NVIDIA A100 SXM4 40GB, count: 1, util: 0.5}
YAML
"$tp" report -c "$scratch/trainprint.yaml" "$scratch/lab" -o "$scratch/r" 2>"$scratch/err"
check "report exits 0" test $? -eq 0
python3 - "$scratch/r/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
runs = {r["id"]: r for r in s["runs"]}
bad = 0
def expect(rid, method, joules):
    global bad
    e = runs[rid]["energy"]
    got = e["it_kwh"] * 3.6e6 if e["it_kwh"] is not None else None
    if e["method"] != method or got is None or abs(got - joules) > 3.6e6 * 1e-6:
        print("FAIL: %s: %s %s J, expected %s %.1f J" % (rid, e["method"], got, method, joules)); bad += 1
d = lambda rid: runs[rid]["duration_s"]
expect("a", "integrated", 100.0 * d("a"))   # 100 W over the whole window
expect("b", "integrated", 250.0 * d("b"))   # 250 W
expect("c", "estimated", 400.0 * 0.5 * d("c"))  # rated 400 W x 0.5
sys.exit(1 if bad else 0)
PY
check "energies as worked out by hand" test $? -eq 0
check "estimate says how it was made" grep -q "Green" "$scratch/r/summary.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
