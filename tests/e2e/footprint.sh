#!/usr/bin/env bash
# End-to-end: the ranges and the footprint beside operational CO2e in
# summary.json (docs/uncertainty.md), on the bundled samples:
#   - every run with energy, every experiment and the totals have
#     it_kwh_range and co2e_kg_range holding the value, the six sources'
#     factors, embodied_kg, water_l = water_onsite_l + water_offsite_l;
#   - water is IT kWh x WUE + facility kWh x the grid's water intensity;
#   - embodied is GPU-hours x (150 + 2500 / 8) / (6 x 8760 x 0.85) for the
#     samples' A100s (data/embodied.csv), and never part of co2e_kg;
#   - defaults.wue and defaults.water_intensity of the configuration are used,
#     by `report` and by `scan` then `render` alike.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
"$tp" report "$src/samples" --timezone Europe/Berlin -o "$scratch/r1" 2>/dev/null || {
  echo "FAIL: report"; exit 1; }
cp -r "$src/samples" "$scratch/lab"
if grep -q '^defaults:' "$scratch/lab/trainprint.yaml" 2>/dev/null; then
  sed -i 's/^defaults:/defaults:\n  wue: 0.2\n  water_intensity: 1.5/' "$scratch/lab/trainprint.yaml"
else
  printf 'defaults:\n  wue: 0.2\n  water_intensity: 1.5\n' >>"$scratch/lab/trainprint.yaml"
fi
"$tp" report "$scratch/lab" --timezone Europe/Berlin -o "$scratch/r2" 2>/dev/null || {
  echo "FAIL: report with water configured"; exit 1; }
# scan then render carries the configured water figures (in each summary's assumptions).
"$tp" scan -q --timezone Europe/Berlin "$scratch/lab" -o "$scratch/sums" &&
  "$tp" render -q -c "$scratch/lab/trainprint.yaml" "$scratch/sums" -o "$scratch/r3" || {
  echo "FAIL: scan and render"; exit 1; }
cmp -s "$scratch/r2/summary.json" "$scratch/r3/summary.json" || {
  echo "FAIL: render's summary.json differs from report's"
  diff "$scratch/r2/summary.json" "$scratch/r3/summary.json" | head -20
  exit 1; }

python3 - "$scratch/r1/summary.json" "$scratch/r2/summary.json" <<'PY'
import json, sys
bad = 0
def fail(msg):
    global bad
    print("FAIL:", msg); bad += 1
def near(a, b, tol):
    return a is not None and b is not None and abs(a - b) <= tol
SOURCES = ["sensor", "sampling", "coverage", "pue", "intensity", "estimate"]
PER_GPU_H = (150 + 2500 / 8) / (6 * 8760 * 0.85)

def check(name, o, wue, wi, gpu_hours=None):
    if o.get("it_kwh") is None:
        return
    lo, hi = o["it_kwh_range"]
    if not (lo <= o["it_kwh"] + 1e-6 and o["it_kwh"] <= hi + 1e-6 and lo < hi):
        fail("%s: it_kwh %s outside %s" % (name, o["it_kwh"], o["it_kwh_range"]))
    lo, hi = o["co2e_kg_range"]
    if not (lo <= o["co2e_kg"] + 1e-6 <= hi + 2e-6):
        fail("%s: co2e_kg %s outside %s" % (name, o["co2e_kg"], o["co2e_kg_range"]))
    u = o["uncertainty"]
    if sorted(u) != sorted(SOURCES):
        fail("%s: uncertainty keys %s" % (name, sorted(u)))
    for k in SOURCES:
        if not (u[k][0] <= 1 + 1e-9 and u[k][1] >= 1 - 1e-9):
            fail("%s: %s factors %s do not hold 1" % (name, k, u[k]))
    if not near(u["sensor"][0], 0.9, 1e-4):  # the samples' A100s sampled every 1 s or more
        fail("%s: sensor %s, expected [0.9, 1.1]" % (name, u["sensor"]))
    if not near(o["water_onsite_l"], o["it_kwh"] * wue, 2e-3):
        fail("%s: on-site water %s, expected %s" % (name, o["water_onsite_l"], o["it_kwh"] * wue))
    if not near(o["water_offsite_l"], o["facility_kwh"] * wi, 2e-3):
        fail("%s: off-site water %s" % (name, o["water_offsite_l"]))
    if not near(o["water_l"], o["water_onsite_l"] + o["water_offsite_l"], 2e-3):
        fail("%s: water_l %s" % (name, o["water_l"]))
    if gpu_hours is not None and not near(o["embodied_kg"], gpu_hours * PER_GPU_H, 1e-5):
        fail("%s: embodied %s, expected %s" % (name, o["embodied_kg"], gpu_hours * PER_GPU_H))

for path, wue, wi in ((sys.argv[1], 0.55, 3.142), (sys.argv[2], 0.2, 1.5)):
    s = json.load(open(path))
    a = s["assumptions"]
    if a["wue_l_per_kwh"] != wue or a["water_offsite_l_per_kwh"] != wi:
        fail("assumptions: WUE %s, water intensity %s" % (a["wue_l_per_kwh"], a["water_offsite_l_per_kwh"]))
    if "power_sensor_uncertainty.csv" != a["tables"]["sensor"]["table"] or not a["tables"]["sensor"]["sources"]:
        fail("assumptions: no sensor table source")
    if not any("BLOOM" in x for x in a["tables"]["embodied"]["sources"]):
        fail("assumptions: embodied sources do not cite the BLOOM study")
    for r in s["runs"]:
        check(r["id"], r["energy"], wue, wi)
    for e in s["experiments"]:
        check(e["name"], e, wue, wi, e["gpu_hours"])
    t = s["totals"]
    check("totals", t, wue, wi, t["gpu_hours"])
    runs_co2e = sum(r["energy"]["co2e_kg"] for r in s["runs"] if r["energy"]["co2e_kg"] is not None)
    if not near(t["co2e_kg"], runs_co2e, 1e-5):
        fail("totals: co2e_kg %s is not the runs' operational sum %s" % (t["co2e_kg"], runs_co2e))
    if not (0 <= t["idle_share"] <= 1):
        fail("totals: idle_share %s" % t["idle_share"])
sys.exit(1 if bad else 0)
PY
rc=$?
[ $rc -eq 0 ] && echo "footprint: all checks passed"
exit $rc
