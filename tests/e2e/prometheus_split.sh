#!/usr/bin/env bash
# DCGM power saved from Prometheus a file per time range (query_range answers
# at most 11,000 points per series, so users save one range per file) beside a
# run's event files: the files are one series of one device, their shared
# boundary sample counted once.  GPU 0 of host node1 at 100 W every 15 s from
# 09:05:00 UTC for 1200 s (covering the run's window), split at 09:15:00 into
# a plain and a gzip file (the 09:15:00 sample in both): the run's energy is
# 100 W x its duration, integrated, neither halved (one file taken as a rival
# of the other) nor doubled.  The device, node1/gpu0, is on host node1.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch/lab/a"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

cp "$src"/samples/lab/lr-sweep/lr1e-4-s0/events.* "$scratch/lab/a/"
python3 - "$scratch/lab/a" <<'PY'
import sys, gzip, json, datetime as dt
t0 = int(dt.datetime(2026, 3, 10, 9, 5, 0, tzinfo=dt.timezone.utc).timestamp())
metric = {"__name__": "DCGM_FI_DEV_POWER_USAGE", "Hostname": "node1", "gpu": "0",
          "UUID": "GPU-aaa", "instance": "10.0.0.1:9400", "modelName": "NVIDIA A100-SXM4-80GB"}
def answer(a, b):
    vals = [[t, "100"] for t in range(t0 + a, t0 + b + 1, 15)]
    return json.dumps({"status": "success", "data": {"resultType": "matrix",
                       "result": [{"metric": metric, "values": vals}]}})
open(sys.argv[1] + "/dcgm-0905.json", "w").write(answer(0, 600) + "\n")
with gzip.open(sys.argv[1] + "/dcgm-0915.json.gz", "wt") as f:
    f.write(answer(600, 1200) + "\n")
PY

"$tp" report -q --timezone UTC "$scratch/lab" -o "$scratch/r" 2>"$scratch/err"
check "report exits 0" test $? -eq 0
check "100 W over the window, from both files" python3 - "$scratch/r/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
r = {r["id"]: r for r in s["runs"]}["a"]
e = r["energy"]
got = e["it_kwh"] * 3.6e6 if e["it_kwh"] is not None else None
want = 100.0 * r["duration_s"]
if e["method"] != "integrated" or got is None or abs(got - want) > want * 1e-3:
    print("FAIL: a: %s %s J, expected integrated %.1f J" % (e["method"], got, want)); sys.exit(1)
devs = [(d["id"], d["host"]) for d in e.get("devices", [])]
if devs != [("node1/gpu0", "node1")]:  # the device's host is its id's
    print("FAIL: devices %s" % devs); sys.exit(1)
PY

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
