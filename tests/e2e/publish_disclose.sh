#!/usr/bin/env bash
# publish_disclose: the disclosures of the samples' report agree with its
# summary.json (the NeurIPS and EU AI Act Markdown hold its totals to three
# digits, emissions.csv gives its energies as CodeCarbon's readers take them,
# energy_consumed / pue, the yearly table adds up to its totals; the project's
# own CodeCarbon reader reads it back in tests/unit/test_publish.c), and a report written inside the folder it reports on is not
# read back: `report lab -o lab/report` twice gives the same totals.
# Args: $1 trainprint binary, $2 source dir, $3 shared dir, $4 scratch dir.
set -u
tp=$1 src=$2 work=$4
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
rm -rf "$work" && mkdir -p "$work"
. "$src/tests/e2e/lib/expect.sh"

expect 0 "$tp" report "$src/samples" -o "$work/site" -q
python3 - "$work/site" <<'EOF' || fail "publish files disagree with summary.json"
import csv, json, math, sys
site = sys.argv[1]
d = json.load(open(site + "/summary.json"))
t = d["totals"]
bad = []

def sig3(v):
    # as render/units.c writes a figure: 3 significant digits, plain decimals
    if v == 0:
        return "0"
    r = float("%.2e" % v)
    dec = max(0, 2 - math.floor(math.log10(abs(r))))
    return "%.*f" % (dec, v)

for name in ("neurips-compute.md", "eu-ai-act-energy.md"):
    text = open(site + "/publish/" + name, encoding="utf-8").read()
    for key in ("it_kwh", "co2e_kg"):
        if sig3(t[key]) not in text:
            bad.append("%s lacks %s %s" % (name, key, sig3(t[key])))
    if "%d training runs" % t["runs"] not in text and "summed over %d runs" % t["runs"] not in text:
        bad.append("%s lacks the run count %d" % (name, t["runs"]))

rows = list(csv.DictReader(open(site + "/publish/emissions.csv", encoding="utf-8")))
runs = {r["id"]: r for r in d["runs"]}
if len(rows) != len(runs):
    bad.append("emissions.csv has %d rows for %d runs" % (len(rows), len(runs)))
head = open(site + "/publish/emissions.csv").readline().strip().split(",")
cc = ("timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,"
      "ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,"
      "country_iso_code,region,cloud_provider,cloud_region,os,python_version,"
      "codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,"
      "ram_total_size,tracking_mode,on_cloud,pue").split(",")
if head[:len(cc)] != cc:
    bad.append("emissions.csv does not open with CodeCarbon's columns")
for r in rows:
    s = runs.get(r["run_id"])
    if s is None:
        bad.append("emissions.csv run %s not in summary.json" % r["run_id"])
        continue
    it = float(r["energy_consumed"]) / float(r["pue"])
    if not math.isclose(it, s["energy"]["it_kwh"], rel_tol=1e-5, abs_tol=1e-6):
        bad.append("run %s: %g kWh, summary.json %g" % (r["run_id"], it, s["energy"]["it_kwh"]))
    if not math.isclose(float(r["emissions"]), s["energy"]["co2e_kg"], rel_tol=1e-5, abs_tol=1e-6):
        bad.append("run %s: emissions differ" % r["run_id"])

years = list(csv.DictReader(open(site + "/publish/lab-years.csv")))
for key, col in (("runs", "runs"), ("it_kwh", "it_kwh"), ("co2e_kg", "co2e_kg"),
                 ("gpu_hours", "gpu_hours")):
    total = sum(float(y[col]) for y in years if y[col] != "")
    if not math.isclose(total, t[key], rel_tol=1e-4, abs_tol=1e-4):
        bad.append("lab-years.csv %s sums to %g, summary.json %g" % (col, total, t[key]))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF

# A report inside its own folder: the second run does not read the first
# (its emissions.csv would be taken as CodeCarbon's), and gives the same
# summary.json.  The sample lab without its traces, estimated from declared
# hardware: declared figures would beat its estimates.
mkdir -p "$work/lab"
cp -r "$src/samples/." "$work/lab/"
rm -f "$work"/lab/lab/*/gpu-power.csv
expect 0 "$tp" report "$work/lab" --hardware "4x A100-SXM4-40GB" -o "$work/lab/report" -q
cp "$work/lab/report/summary.json" "$work/first.json"
expect 0 "$tp" report "$work/lab" --hardware "4x A100-SXM4-40GB" -o "$work/lab/report"
grep -q "a trainprint report" "$work/err" || fail "no note on the skipped report"
# Read back, its emissions.csv would be 20 declared rows, each with a warning.
if grep "lab/report/" "$work/err" | grep -qv "a trainprint report"; then
  fail "the second report read the first: $(grep -m1 'lab/report/.' "$work/err")"
fi
cmp -s "$work/first.json" "$work/lab/report/summary.json" ||
  fail "the second report's summary.json differs from the first's"
python3 - "$work/first.json" "$work/lab/report/summary.json" <<'EOF' || fail "totals changed"
import json, sys
a, b = (json.load(open(p))["totals"] for p in sys.argv[1:3])
if a != b:
    print("first", a, "second", b)
    sys.exit(1)
EOF

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
