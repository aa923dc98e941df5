#!/usr/bin/env bash
# End-to-end: `trainprint report` on the bundled sample lab.
#   - every run's GPU energy equals samples/expected-energy.csv (worked out by
#     the generator independently, to 0.1 Wh);
#   - the overlap and the gap show up as `shared` and coverage < 1;
#   - two reports of the same inputs are byte-identical;
#   - bad output directories fail cleanly and leave the previous report alone.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

"$tp" report "$src/samples" --timezone Europe/Berlin -o "$scratch/r1" 2>"$scratch/r1.err"
check "report exits 0" test $? -eq 0
"$tp" report "$src/samples" --timezone Europe/Berlin -o "$scratch/r2" 2>/dev/null
for f in summary.json runs.csv; do
  check "deterministic $f" cmp -s "$scratch/r1/$f" "$scratch/r2/$f"
done

python3 - "$scratch/r1/summary.json" "$src/samples/expected-energy.csv" <<'PY'
import csv, json, sys
s = json.load(open(sys.argv[1]))
want = {r["run_id"]: float(r["gpu_wh"]) for r in csv.DictReader(open(sys.argv[2]))}
runs = {r["id"]: r for r in s["runs"]}
bad = 0
for rid, wh in sorted(want.items()):
    r = runs.get(rid)
    if r is None:
        print("FAIL: run missing:", rid); bad += 1; continue
    got = round(r["energy"]["it_kwh"] * 1000, 1)
    if abs(got - wh) > 1e-9 or r["energy"]["method"] != "integrated":
        print("FAIL: %s: %.1f Wh (%s), expected %.1f" % (rid, got, r["energy"]["method"], wh)); bad += 1
if len(runs) != len(want):
    print("FAIL: %d runs, expected %d" % (len(runs), len(want))); bad += 1
shared = sorted(k for k, r in runs.items() if r["energy"]["shared"])
if shared != ["lab/precision-sweep/amp-bf16-bs128-s1", "lab/precision-sweep/fp32-bs128-s0"]:
    print("FAIL: shared runs", shared); bad += 1
gap = runs["lab/lr-sweep/lr1e-4-s0"]["energy"]["coverage"]
if not 0.84 < gap < 0.86:
    print("FAIL: coverage of the run with a trace gap:", gap); bad += 1
if runs["lab/lr-sweep/lr3e-4-s1"]["restarts"] != 1:
    print("FAIL: restarts of the resumed run"); bad += 1
# samples/trainprint.yaml names the experiments and their metrics and targets.
cfgs = {e["name"]: e for e in s["experiments"]}
if sorted(cfgs) != ["distill", "lr-sweep", "precision-sweep"]:
    print("FAIL: experiments", sorted(cfgs)); bad += 1
ps = cfgs["precision-sweep"]
if len(ps["configs"]) != 4 or any(len(c["runs"]) != 2 for c in ps["configs"]):
    print("FAIL: precision-sweep should have 4 configurations of 2 seeds"); bad += 1
if s["assumptions"]["timezone"] != "Europe/Berlin":
    print("FAIL: time zone"); bad += 1
lr = cfgs["lr-sweep"]
if lr["metric"]["tag"] != "val/loss" or lr["metric"]["goal"] != "min" or lr["metric"]["target"] != 4:
    print("FAIL: lr-sweep metric", lr["metric"]); bad += 1
# The diverged run and the slowest learning rate never reach the loss target.
t = runs["lab/lr-sweep/lr1e-3-s2"]["target"]
if t["reached"] or runs["lab/lr-sweep/lr1e-4-s0"]["target"]["reached"]:
    print("FAIL: targets that must not be reached"); bad += 1
t = runs["lab/lr-sweep/lr1e-3-s0"]["target"]
if not t["reached"] or not (0 < t["it_kwh"] < runs["lab/lr-sweep/lr1e-3-s0"]["energy"]["it_kwh"]):
    print("FAIL: energy to target", t); bad += 1
if lr["target_ranking"][-1] != "lr=0.0001":
    print("FAIL: ranking", lr["target_ranking"]); bad += 1
tot = sum(r["energy"]["it_kwh"] for r in s["runs"])
if abs(tot - s["totals"]["it_kwh"]) > 1e-5:
    print("FAIL: totals"); bad += 1
sys.exit(1 if bad else 0)
PY
check "energies match the expected values" test $? -eq 0

# A file in the way, and a foreign non-empty directory: refused, exit 1.
echo keep >"$scratch/afile"
"$tp" report "$src/samples" -o "$scratch/afile" 2>/dev/null
check "output is a file: exit 1" test $? -eq 1
check "the file is untouched" grep -q keep "$scratch/afile"
mkdir -p "$scratch/foreign" && echo mine >"$scratch/foreign/data.txt"
"$tp" report "$src/samples" -o "$scratch/foreign" 2>/dev/null
check "foreign directory: exit 1" test $? -eq 1
check "foreign file kept" grep -q mine "$scratch/foreign/data.txt"
"$tp" report "$src/samples" -o /dev/full 2>/dev/null
check "/dev/full: exit 1" test $? -eq 1
# Replacing a report keeps the previous one until the new one is complete.
cp "$scratch/r1/summary.json" "$scratch/before.json"
"$tp" report /nonexistent/trainprint-input -o "$scratch/r1" 2>/dev/null
check "no input: exit 1" test $? -eq 1
check "previous report intact" cmp -s "$scratch/before.json" "$scratch/r1/summary.json"
# Usage errors: exit 2.
"$tp" report --no-such-option 2>/dev/null
check "unknown option: exit 2" test $? -eq 2
"$tp" report "$src/samples" 2>/dev/null
check "no -o: exit 2" test $? -eq 2

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
