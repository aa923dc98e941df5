#!/usr/bin/env bash
# unknown_paths: unknown is not zero, and pages never show where the inputs
# lay.  A lab of two runs, one with a power trace and one without, gives
# totals over "1 of 2 runs"; a lab of event files alone gives "unknown"
# (null in summary.json, empty cells in runs.csv) and says how to get a
# figure; no page or export but summary.json holds the absolute input path,
# and with --redact-paths not even it.
# Args: $1 trainprint binary, $2 source dir, $3 shared dir, $4 scratch dir.
set -u
tp=$1 src=$2 work=$4
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd) # absolute, so that the pages could leak it
. "$src/tests/e2e/lib/expect.sh"
has() { grep -qF -- "$2" "$1" || fail "$1 lacks '$2'"; }
# json FILE EXPR: EXPR over the document d, a tuple printed space-separated.
json() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2])
print(' '.join(map(str, r)) if isinstance(r, tuple) else r)" "$@"
}

# run_a and run_b hold the same event file: wall times 1700000000 to
# 1700000002 (2023-11-14 22:13:20 to :22 UTC), a window of 2 s.  Only run_a
# has a trace: 360 W throughout, so 360 W x 2 s = 720 J = 0.0002 kWh of IT
# energy; x PUE 1.58 = 0.000316 kWh; x 475 g/kWh (world) = 0.1501 g.
lab=$work/lab
mkdir -p "$lab/exp/run_a" "$lab/exp/run_b" "$work/only/exp/run_c"
for d in "$lab/exp/run_a" "$lab/exp/run_b" "$work/only/exp/run_c"; do
  cp "$src/tests/fuzz/corpus/tfevents/simple" "$d/events.out.tfevents.1700000000.host"
done
{
  echo "timestamp, index, name, power.draw [W]"
  for s in 20 21 22 23; do echo "2023/11/14 22:13:$s.000, 0, NVIDIA A100-SXM4-40GB, 360.00 W"; done
} > "$lab/exp/run_a/nvidia-smi.csv"

expect 0 "$tp" report "$lab" -o "$work/part" --timezone UTC -q
s=$work/part/summary.json
[ "$(json "$s" "d['totals']['runs_with_energy'], d['totals']['it_kwh'], d['totals']['facility_kwh']")" = "1 0.0002 0.000316" ] ||
  fail "partial totals: $(json "$s" "d['totals']")"
[ "$(json "$s" "d['experiments'][0]['runs_with_energy'], d['experiments'][0]['it_kwh']")" = "1 0.0002" ] ||
  fail "partial experiment: $(json "$s" "d['experiments'][0]")"
[ "$(json "$s" "d['rollups']['by_month'][0]['runs'], d['rollups']['by_month'][0]['runs_with_energy']")" = "2 1" ] ||
  fail "partial roll-up: $(json "$s" "d['rollups']['by_month']")"
[ "$(json "$s" "[r['energy']['it_kwh'] for r in d['runs']]")" = "[0.0002, None]" ] || fail "run energies"
has "$work/part/runs.csv" "exp/run_b,exp,,2023-11-14T22:13:20.000000Z,2023-11-14T22:13:22.000000Z,2.000,0,none,,,,,0,no,"
has "$work/part/index.html" "1 of 2 runs: 0.200 Wh (the rest unknown)"
# (the run's power readings carry the sensor's +-10%: data/power_sensor_uncertainty.csv)
has "$work/part/index.html" "the 1 of them with a known energy used 0.200 (0.180–0.220) Wh of IT energy"
has "$work/part/index.html" "the energy of the other 1 is unknown."
has "$work/part/experiments/"*.html "the energy of the other 1 is unknown."
has "$work/part/experiments/"*.html "1 of 2 runs: 0.200" # the configuration's mean
has "$work/part/publish/footprint.md" "| **total** | | 2 | 1 of 2 runs: 0.000200 (0.000180–0.000220) (the rest unknown) |"
has "$work/part/publish/footprint.tex" '\newcommand{\tpTotalRunsWithEnergy}{1}'
has "$work/part/publish/footprint.tex" 'Total & \tpTotalRunsWithEnergy{} of \tpTotalRuns &'
grep -q "how to get\|To get a figure" "$work/part/index.html" && fail "partial lab: the how-to is for labs without any figure"

# Event files alone: unknown, never 0.
expect 0 "$tp" report "$work/only" -o "$work/none" --timezone UTC -q
s=$work/none/summary.json
[ "$(json "$s" "d['totals']['runs_with_energy'], d['totals']['it_kwh'], d['totals']['facility_kwh'], d['totals']['co2e_kg']")" = "0 None None None" ] ||
  fail "totals without energy: $(json "$s" "d['totals']")"
[ "$(json "$s" "d['experiments'][0]['it_kwh'], d['experiments'][0]['co2e_kg'], d['experiments'][0]['runs_with_energy']")" = "None None 0" ] ||
  fail "experiment without energy"
[ "$(json "$s" "[(x['it_kwh'], x['runs_with_energy']) for x in d['rollups']['by_month']]")" = "[(None, 0)]" ] ||
  fail "roll-up without energy"
has "$work/none/index.html" "1 runs in 1 experiments; its energy is unknown"
has "$work/none/index.html" "To get a figure, give trainprint what the hardware drew"
has "$work/none/index.html" '<dd class="value">unknown</dd>'
grep -q '<dd class="value">0 ' "$work/none/index.html" && fail "a zero total without energy"
has "$work/none/publish/footprint.md" "| **total** | | 1 | unknown | unknown | unknown |"
has "$work/none/publish/whatif-zones.csv" "IS,Iceland,27.68,2022,,,,"
grep -q "nan" "$work/none/publish/whatif-zones.csv" && fail "nan in whatif-zones.csv"
has "$work/none/publish/"model-card-*.yaml "emissions: null"

# scan and render read the unknown back: the same site as report's.
expect 0 "$tp" scan "$work/only" -o "$work/sums" --timezone UTC -q
expect 0 "$tp" render "$work/sums" -o "$work/none-rendered" -q
diff -r "$work/none" "$work/none-rendered" >/dev/null || fail "render of scans differs from report"

# Paths: relative to the argument in every page and export but summary.json.
leaks=$(grep -rlF "$work" "$work/part" | sed "s|$work/part/||" | sort | tr '\n' ' ')
[ "$leaks" = "summary.json " ] || fail "absolute input path in: $leaks"
has "$work/part/runs/"exp-run_a-*.html "<th scope=\"row\" class=\"path\">exp/run_a/events.out.tfevents.1700000000.host</th>"
has "$work/part/summary.json" "\"name\": \"exp/run_a/events.out.tfevents.1700000000.host\""
# An intensity series given by its absolute path is named by its file name.
printf 'time,gco2e_per_kwh\n2023-11-14T22:00:00Z,300\n' > "$work/series.csv"
expect 0 "$tp" report "$lab" -o "$work/redacted" --timezone UTC -q --redact-paths \
  --intensity "$work/series.csv"
has "$work/redacted/index.html" "time series series.csv"
leaks=$(grep -rlF "$work" "$work/redacted" | tr '\n' ' ')
[ -z "$leaks" ] || fail "absolute input path with --redact-paths in: $leaks"
has "$work/redacted/summary.json" '"path": null'

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
