#!/usr/bin/env bash
# Configured power CSV mappings, through the configuration as a user writes it:
# - a CSV with separate date and time columns (`time: [Date, Time]`), its dates
#   day first (10/03/2026 is 10 March: `date_order: dmy`), its power header cell
#   written " power.draw [W]" with blanks inside its quotes;
# - the same without date_order: refused, with a diagnostic naming file and line;
# - a headerless nvidia-smi log (--format=csv,noheader) of the documented query
#   timestamp,index,name,power.draw, stated by `format: nvidia-smi`;
# - a headerless log with other columns, their positions named in `columns`;
# - a headerless log that nothing states: not read as power, with a note.
# Each log holds GPU 0 at a constant power every second from 09:05:00 UTC for
# 1200 s, which covers the run's window: its energy is that power x its
# duration, integrated (worked by hand: 100 W, 250 W and 40 W).
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

# lab NAME LOGNAME FORMAT POWER: a lab with run `a` and a power log beside it.
lab() {
  mkdir -p "$scratch/$1/a"
  cp "$src"/samples/lab/lr-sweep/lr1e-4-s0/events.* "$scratch/$1/a/"
  python3 - "$scratch/$1/$2" "$3" "$4" <<'PY'
import sys, datetime as dt
path, fmt, watts = sys.argv[1], sys.argv[2], float(sys.argv[3])
t0 = dt.datetime(2026, 3, 10, 9, 5, 0)
with open(path, "w") as f:
    if fmt == "dmy":
        f.write('Date,Time," power.draw [W]",GPU\n')
    for i in range(1201):
        t = t0 + dt.timedelta(seconds=i)
        nv = t.strftime("%Y/%m/%d %H:%M:%S.000")
        if fmt == "dmy":
            f.write("%s,%s,%.2f,0\n" % (t.strftime("%d/%m/%Y"), t.strftime("%H:%M:%S"), watts))
        elif fmt == "query":
            f.write("%s, 0, NVIDIA A100-SXM4-40GB, %.2f W\n" % (nv, watts))
        else:  # positions: pstate, timestamp, power.draw, index (nounits)
            f.write("P0, %s, %.2f, 0\n" % (nv, watts))
PY
}

expect() { # SUMMARY WATTS: run a integrated at WATTS over its window
  python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
r = {r["id"]: r for r in s["runs"]}["a"]
e = r["energy"]
got = e["it_kwh"] * 3.6e6 if e["it_kwh"] is not None else None
want = float(sys.argv[2]) * r["duration_s"]
if e["method"] != "integrated" or got is None or abs(got - want) > 3.6e6 * 1e-6:
    print("FAIL: a: %s %s J, expected integrated %.1f J" % (e["method"], got, want)); sys.exit(1)
PY
}
not_integrated() { # SUMMARY
  python3 -c 'import json,sys; r={r["id"]: r for r in json.load(open(sys.argv[1]))["runs"]}["a"]; sys.exit(r["energy"]["method"] == "integrated")' "$1"
}
report() { # LAB OUT [OPTIONS...]
  local d=$1 o=$2; shift 2
  "$tp" report --timezone UTC "$@" "$scratch/$d" -o "$scratch/$o" >"$scratch/$o.out" 2>"$scratch/$o.err"
}

lab dmy power.csv dmy 100
cat >"$scratch/dmy/trainprint.yaml" <<'YAML'
power:
  - files: power.csv
    columns:
      time: [Date, Time]
      date_order: dmy
      value: power.draw [W]
      device: GPU
YAML
report dmy r-dmy
check "date and time columns, day first: exits 0" test $? -eq 0
check "date and time columns, day first: 100 W over the window" expect "$scratch/r-dmy/summary.json" 100

lab unstated power.csv dmy 100
cat >"$scratch/unstated/trainprint.yaml" <<'YAML'
power:
  - files: power.csv
    columns: {time: [Date, Time], value: "power.draw [W]", device: GPU}
YAML
report unstated r-unstated
check "no date_order: refused with file and line" grep -qF \
  "$scratch/unstated/power.csv: line 2: date \"10/03/2026 09:05:00\" does not say whether day or month comes first, and the mapping states no date_order (dmy, mdy or ymd): file not used" \
  "$scratch/r-unstated.err"
check "no date_order: no integrated energy" not_integrated "$scratch/r-unstated/summary.json"

lab query gpu.log query 250
cat >"$scratch/query/trainprint.yaml" <<'YAML'
power:
  - files: gpu.log
    format: nvidia-smi
YAML
report query r-query
check "headerless query, stated: 250 W over the window" expect "$scratch/r-query/summary.json" 250

lab positions gpu.log positions 40
cat >"$scratch/positions/trainprint.yaml" <<'YAML'
power:
  - files: gpu.log
    format: nvidia-smi
    columns: {time: 2, value: 3, device: 4}
YAML
report positions r-positions
check "headerless, positions: 40 W over the window" expect "$scratch/r-positions/summary.json" 40

lab plain gpu.log query 250
report plain r-plain
check "headerless, not stated: not read as power" not_integrated "$scratch/r-plain/summary.json"
check "headerless, not stated: a note says how to read it" grep -qF \
  "$scratch/plain/gpu.log: line 1: looks like an nvidia-smi log without its header line (--format=csv,noheader): not read as power unless --format nvidia-smi" \
  "$scratch/r-plain.err"
report plain r-forced --format nvidia-smi
check "headerless, --format nvidia-smi: 250 W over the window" expect "$scratch/r-forced/summary.json" 250

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
