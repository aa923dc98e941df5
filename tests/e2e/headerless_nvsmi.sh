#!/usr/bin/env bash
# A headerless nvidia-smi log (`--query-gpu=timestamp,index,power.draw
# --format=csv,noheader`: no header line, values with their units) beside a
# run's event files is read when `--format nvidia-smi` names its format, and
# when the configuration's power section does: one GPU at 100 W over the whole
# window of a run that may use any GPU, so the run's energy is 100 W x its
# duration, integrated.  (Without a header the device column cannot be told:
# the trace is one device, and the note says which columns were read.)
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch/lab/a" "$scratch/cfg/a"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

cp "$src"/samples/lab/lr-sweep/lr1e-4-s0/events.* "$scratch/lab/a/"
cp "$src"/samples/lab/lr-sweep/lr1e-4-s0/events.* "$scratch/cfg/a/"
# GPU 0 (the run uses GPU 0) at 100 W every second from 09:05:00 UTC for 1200 s
# (covers the window).
python3 - "$scratch/lab/a/gpu.log" <<'PY'
import sys, datetime as dt
t0 = dt.datetime(2026, 3, 10, 9, 5, 0)
with open(sys.argv[1], "w") as f:
    for i in range(1201):
        t = t0 + dt.timedelta(seconds=i)
        f.write("%s, 0, 100.00 W\n" % t.strftime("%Y/%m/%d %H:%M:%S.000"))
PY
cp "$scratch/lab/a/gpu.log" "$scratch/cfg/gpu.log"
cat >"$scratch/cfg/trainprint.yaml" <<'YAML'
power:
  - files: [gpu.log]
    runs: [a]
    format: nvidia-smi
YAML

expect() { # SUMMARY: run a integrated at 100 W over its window
  python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
r = {r["id"]: r for r in s["runs"]}["a"]
e = r["energy"]
got = e["it_kwh"] * 3.6e6 if e["it_kwh"] is not None else None
want = 100.0 * r["duration_s"]
if e["method"] != "integrated" or got is None or abs(got - want) > 3.6e6 * 1e-6:
    print("FAIL: a: %s %s J, expected integrated %.1f J" % (e["method"], got, want)); sys.exit(1)
PY
}

"$tp" report -q --timezone UTC --format nvidia-smi "$scratch/lab" -o "$scratch/r1" 2>"$scratch/err1"
check "--format nvidia-smi: report exits 0" test $? -eq 0
check "--format nvidia-smi: 100 W over the window" expect "$scratch/r1/summary.json"

"$tp" report -q --timezone UTC -c "$scratch/cfg/trainprint.yaml" "$scratch/cfg" -o "$scratch/r2" 2>"$scratch/err2"
check "configuration format: report exits 0" test $? -eq 0
check "configuration format: 100 W over the window" expect "$scratch/r2/summary.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
