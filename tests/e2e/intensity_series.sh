#!/usr/bin/env bash
# An intensity series end to end, with CO2e worked out by hand, and an
# Ultralytics-style offset column that must not be joined to a trace.
#   Files: tests/data/times/ (Keras-shaped logs with wall-clock timestamps,
#   one nvidia-smi trace per run folder, each of one GPU at constant power
#   from 09:59 to 11:31 UTC, written in Berlin time; a series with naive
#   times).
#   Run `a` trains 10:00-11:00 UTC on 2024-01-01, its trace draws 100 W all
#   that hour: 0.1 kWh IT, x PUE 1 = 0.1 kWh facility.
#   The series, read in Europe/Berlin (UTC+1 in January): 11:00 -> 10:00 UTC
#   at 200 g, 11:30 -> 10:30 UTC at 400 g; the typical interval is 30 min, so
#   it spans 10:00-11:00 UTC.  CO2e = 0.05 kWh x 200 + 0.05 kWh x 400 = 30 g.
#   (Read as UTC the rows would start at 11:00 UTC, after the run.)
#   Run `b` trains 10:30-11:30 UTC, its trace draws 200 W: 0.2 kWh; half an
#   hour lies past the series, so its CO2e is unknown (null), with a warning.
#   Run `u` (results.csv, `time` = seconds since the start) has a duration,
#   no window, and no energy from the 50 W trace in its folder.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
data=$src/tests/data/times
rm -rf "$scratch" && mkdir -p "$scratch/lab/a" "$scratch/lab/b" "$scratch/lab/u"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

cp "$data/a-training.log" "$scratch/lab/a/training.log"
cp "$data/b-training.log" "$scratch/lab/b/training.log"
cp "$data/u-results.csv" "$scratch/lab/u/results.csv"
for r in a b u; do cp "$data/gpu-power-$r.csv" "$scratch/lab/$r/gpu-power.csv"; done
cp "$data/series.csv" "$scratch/series.csv"

"$tp" report "$scratch/lab" -o "$scratch/site" --pue 1 --intensity "$scratch/series.csv" \
  --timezone Europe/Berlin -q 2>"$scratch/err"
check "report exits 0" test $? -eq 0
python3 - "$scratch/site/summary.json" "$scratch/err" <<'PY' || fail=$((fail + 1))
import json, sys
d = json.load(open(sys.argv[1]))
err = open(sys.argv[2]).read()
runs = {r["id"]: r for r in d["runs"]}
bad = []
def want(cond, what):
    if not cond: bad.append(what)
a, b, u = runs.get("a"), runs.get("b"), runs.get("u")
want(a and abs(a["energy"]["it_kwh"] - 0.1) < 1e-6, "a: 0.1 kWh IT (%r)" % (a and a["energy"]))
want(a and abs(a["energy"]["co2e_kg"] - 0.030) < 1e-9, "a: 0.030 kg CO2e (%r)" % (a and a["energy"]))
want(b and abs(b["energy"]["it_kwh"] - 0.2) < 1e-6, "b: 0.2 kWh IT")
want(b and b["energy"]["co2e_kg"] is None, "b: CO2e unknown (%r)" % (b and b["energy"]))
want(b and any("0.50 h of the run lie outside the intensity series" in x for x in b["diagnostics"]),
     "b: says half an hour lies outside the series")
want(u and u["start"] is None and u["end"] is None, "u: no window")
want(u and abs(u["duration_s"] - 3000.5) < 1e-9, "u: duration 3000.5 s from the last offset")
want(u and not (u.get("energy") or {}).get("it_kwh"), "u: no energy from the trace")
want("1970" not in json.dumps(u), "u: no 1970 anywhere")
for x in bad: print("FAIL:", x)
sys.exit(1 if bad else 0)
PY
pass=$((pass + 1))
echo "intensity_series: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
