#!/usr/bin/env bash
# The attribution contract (docs/attribution.md) end to end, on the small labs
# of tests/data/attrib (written by make_data.py there; every run's window is
# exact and every trace a constant power, so energies are worked out by hand):
#   named       two CodeCarbon rows in the parent folder, each naming its run by
#               project_name ("proj-run-a", "proj-run-b"), both overlapping both
#               runs: run-a 0.2 kWh, run-b 0.1 kWh (not 0.3 each, not split).
#   split       one row naming nothing, 0.1 kWh over [0, 100 s]; runs at [0, 60]
#               and [60, 100]: 0.1 x 60/100 = 0.06 and 0.1 x 40/100 = 0.04 kWh.
#   precedence  `traced`: 200 W over its 100 s window = 20 000 J = 0.005556 kWh
#               integrated, its own 0.5 kWh row passed over; `declared`: its row,
#               0.05 kWh, not the hardware `**` estimate; `estimated`: 1 x A100
#               at 400 W x 1.0 x 100 s = 40 000 J = 0.011111 kWh, the
#               configuration as its input.
#   copies      the same nvidia-smi log in the run folder and its parent: 20 000 J
#               once (0.005556 kWh), with a note naming both.
#   finer       a 1 s log at 200 W and a 5 s log at 300 W of the same GPU: the
#               1 s one, 0.005556 kWh, not 0.005556 + 0.008333.
#   apart       a trace a week later and one of other devices: no energy, each
#               trace's reason in the run, a warning naming the nearest run.
#   shared      runs at [0, 60] and [40, 100] on one GPU at 100 W: the overlap
#               [40, 60] is split, a = 40 x 100 + 20 x 50 = 5000 J = 0.001389 kWh,
#               b the same; scanned apart, `render` splits them the same way
#               from the samples the summaries keep (summaries without them:
#               each is charged 6000 J, 0.001667 kWh, and render warns).
#   hosts       runs on node1 and node2.cluster, a trace declared as node1's:
#               100 W x 100 s = 0.002778 kWh to the first, none to the other.
#   siblings    the same node log copied into two run folders, runs as in
#               `shared`: one trace read once for both, so the same 5000 J each
#               (not 6000 J each from two copies).
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
data=$src/tests/data/attrib
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }
export TRAINPRINT_CHECK=1

report() { "$tp" report --timezone UTC -j 2 "$data/$1" -o "$scratch/$1" 2>"$scratch/$1.err"; }
# energy LAB RUN METHOD KWH [INPUT-SUFFIX INPUT-KWH]: summary.json says so.
energy() {
  python3 - "$scratch/$1/summary.json" "$2" "$3" "$4" "${5:-}" "${6:-}" <<'PY'
import json, sys
s, run, method, kwh, inp, ikwh = sys.argv[1:7]
r = [r for r in json.load(open(s))["runs"] if r["id"] == run]
if len(r) != 1: sys.exit("no run " + run)
e = r[0]["energy"]
ok = e["method"] == method and (e["it_kwh"] is None if kwh == "null" else e["it_kwh"] == float(kwh))
given = [i for i in r[0]["inputs"] if i.get("it_kwh") is not None]
if inp:
    ok = ok and len(given) == 1 and given[0]["path"].endswith(inp) and given[0]["it_kwh"] == float(ikwh)
else:
    ok = ok and not given
if not ok: print(run, e["method"], e["it_kwh"], given)
sys.exit(0 if ok else 1)
PY
}
has() { grep -qF -- "$2" "$1"; }
diag() { python3 -c "import json,sys; r=[r for r in json.load(open(sys.argv[1]))['runs'] if r['id']==sys.argv[2]][0]; sys.exit(0 if any(sys.argv[3] in d for d in r['diagnostics']) else 1)" "$scratch/$1/summary.json" "$2" "$3"; }

report named; check "named: exit 0" test $? -eq 0
check "named: run-a gets its row" energy named run-a declared 0.2 named/emissions.csv 0.2
check "named: run-b gets its row" energy named run-b declared 0.1 named/emissions.csv 0.1

report split; check "split: exit 0" test $? -eq 0
check "split: 60% to first" energy split first declared 0.06 split/emissions.csv 0.06
check "split: 40% to second" energy split second declared 0.04 split/emissions.csv 0.04

report precedence; check "precedence: exit 0" test $? -eq 0
check "precedence: trace beats declared" energy precedence traced integrated 0.005556 traced/gpu.csv 0.005556
check "precedence: passed-over row said" diag precedence traced "declared energy (0.500000 kWh, in the run's own folder) passed over"
check "precedence: declared beats hardware" energy precedence declared declared 0.05 declared/emissions.csv 0.05
check "precedence: passed-over estimate said" diag precedence declared "hardware estimate passed over"
check "precedence: estimate from the configuration" energy precedence estimated estimated 0.011111 precedence/trainprint.yaml 0.011111

report copies; check "copies: exit 0" test $? -eq 0
check "copies: counted once" energy copies run integrated 0.005556 copies/gpu.csv 0.005556
check "copies: note names both" has "$scratch/copies.err" "copies/run/gpu.csv: the same content (SHA-256) as $data/copies/gpu.csv; counted once"

report finer; check "finer: exit 0" test $? -eq 0
check "finer: the 1 s trace" energy finer run integrated 0.005556 finer/run/fine.csv 0.005556
check "finer: the other noted" diag finer run "coarse.csv: records device gpu0 over the same time as"

report apart; check "apart: exit 0" test $? -eq 0
check "apart: no energy" energy apart run none null
check "apart: late trace's reason" diag apart run "late.csv: trace tried, not applied: no overlap in time: its samples start 7.0 days after the run ends"
check "apart: other devices' reason" diag apart run "other.csv: trace tried, not applied: other devices: it records gpu0, gpu1"
check "apart: unjoined trace warned with the nearest run" has "$scratch/apart.err" "warning: $data/apart/late.csv: the trace's samples (2026-01-12 10:00:00 UTC to 2026-01-12 10:01:00 UTC) overlap no run's window; not used; the nearest run in time is run, which ends 7.0 days before them"

report shared; check "shared: exit 0" test $? -eq 0
check "shared: a's half of the overlap" energy shared a integrated 0.001389 shared/gpu.csv 0.001389
check "shared: b's half of the overlap" energy shared b integrated 0.001389 shared/gpu.csv 0.001389
for r in a b; do "$tp" scan -q --timezone UTC --root "$data/shared" "$data/shared/$r" -o "$scratch/apart-sums"; done
"$tp" render "$scratch/apart-sums" -o "$scratch/apart-site" 2>"$scratch/apart-site.err"
check "scanned apart: render exit 0" test $? -eq 0
check "scanned apart: split by render, a" energy apart-site a integrated 0.001389 shared/gpu.csv 0.001389
check "scanned apart: split by render, b" energy apart-site b integrated 0.001389 shared/gpu.csv 0.001389
check "scanned apart: the split noted" has "$scratch/apart-site.err" "a: overlaps run b for 20 s on the same devices"
check "scanned apart: no warning" bash -c "! grep -q 'scanned apart' '$scratch/apart-site.err'"
check "scanned apart: the site is report's" diff -r "$scratch/shared" "$scratch/apart-site"
# Summaries without the trace's samples (written by an older version, or
# edited) cannot be split: each keeps its full charge and render says so.
mkdir -p "$scratch/bare"
for f in "$scratch"/apart-sums/*.json; do
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('trace_uses',None); json.dump(d,open(sys.argv[2],'w'))" "$f" "$scratch/bare/$(basename "$f")"
done
"$tp" render "$scratch/bare" -o "$scratch/bare-site" 2>"$scratch/bare-site.err"
check "bare summaries: render exit 0" test $? -eq 0
check "bare summaries: each charged in full" energy bare-site a integrated 0.001667 shared/gpu.csv 0.001667
check "bare summaries: said" has "$scratch/bare-site.err" "runs a and b were scanned apart but both took device gpu0 of this trace for the 20 s they overlap"
"$tp" scan -q --timezone UTC "$data/shared" -o "$scratch/together" && "$tp" render "$scratch/together" -o "$scratch/together-site" 2>"$scratch/together-site.err"
check "scanned together: split" energy together-site a integrated 0.001389 shared/gpu.csv 0.001389
check "scanned together: no warning" bash -c "! grep -q 'scanned apart' '$scratch/together-site.err'"

report hosts; check "hosts: exit 0" test $? -eq 0
check "hosts: the trace's host gets it" energy hosts n1 integrated 0.002778 power/gpu.csv 0.002778
check "hosts: another host does not" energy hosts n2 none null
check "hosts: and says why" diag hosts n2 "gpu.csv: trace tried, not applied: other host: it was taken on node1 (the configuration's power entry), the run ran on node2.cluster"

# resplit: three runs on two GPUs whose power varies, an intensity series and a
# target; a and b scanned together, c apart.  render splits what c shares with
# b, prices it with the series rows the summaries kept and cuts at every
# metric point: the site is byte for byte report's (and the sum over runs of a
# device's energy is what the trace drew in their windows: TRAINPRINT_CHECK).
rs=$data/resplit
ro=(--timezone UTC --intensity "$rs/series.csv" -c "$rs/lab/trainprint.yaml")
"$tp" report -q "${ro[@]}" "$rs/lab" -o "$scratch/resplit-report"
"$tp" scan -q "${ro[@]}" --root "$rs/lab" "$rs/lab/a" "$rs/lab/b" -o "$scratch/resplit-ab"
"$tp" scan -q "${ro[@]}" --root "$rs/lab" "$rs/lab/c" -o "$scratch/resplit-c"
"$tp" render -c "$rs/lab/trainprint.yaml" "$scratch/resplit-ab" "$scratch/resplit-c" \
  -o "$scratch/resplit-site" 2>"$scratch/resplit-site.err"
check "resplit: render exit 0" test $? -eq 0
check "resplit: the site is report's" diff -r "$scratch/resplit-report" "$scratch/resplit-site"
check "resplit: b and c split" has "$scratch/resplit-site.err" "c: overlaps run b for 1800 s on the same devices"
check "resplit: by-time what-ifs from the kept rows" grep -q "Best start time" "$scratch/resplit-site/index.html"

report siblings; check "siblings: exit 0" test $? -eq 0
check "siblings: a's half" energy siblings a integrated 0.001389 siblings/a/gpu.csv 0.001389
check "siblings: b's half, from the first copy" energy siblings b integrated 0.001389 siblings/a/gpu.csv 0.001389
check "siblings: the copy noted" has "$scratch/siblings.err" "siblings/b/gpu.csv: the same content (SHA-256) as $data/siblings/a/gpu.csv; counted once, from that file, for the runs of both folders"

# The sample lab's distill experiment without its power trace: the CodeCarbon
# row names teacher-vit-b (project_name distill-teacher-vit-b), so its
# 0.221791 kWh (PUE 1.0) goes to that run alone; teacher-vit-s gets none of it.
mkdir -p "$scratch/distill"
cp -r "$src"/samples/lab/distill/teacher-vit-* "$src/samples/lab/distill/emissions.csv" "$scratch/distill/"
"$tp" report -q --timezone Europe/Berlin "$scratch/distill" -o "$scratch/distill-site"
check "distill without trace: exit 0" test $? -eq 0
check "distill: the named run gets the row" energy distill-site teacher-vit-b declared 0.221791 distill/emissions.csv 0.221791
check "distill: the other run does not" energy distill-site teacher-vit-s none null
check "distill: and says why" diag distill-site teacher-vit-s "emissions.csv: declared rows tried, none applied: 1 row, each naming another run"

# The same figures through scan + render, and the cache codec keeps them.
"$tp" scan -q --timezone UTC "$data/precedence" -o "$scratch/sums" &&
  "$tp" render -q "$scratch/sums" -o "$scratch/rendered"
check "scan+render: exit 0" test $? -eq 0
check "scan+render: inputs' energy read back" energy rendered estimated estimated 0.011111 precedence/trainprint.yaml 0.011111
"$tp" report -q --timezone UTC --cache "$scratch/cache" "$data/precedence" -o "$scratch/c1" &&
  "$tp" report -q --timezone UTC --cache "$scratch/cache" "$data/precedence" -o "$scratch/c2"
check "cached report equals the first" cmp -s "$scratch/c1/summary.json" "$scratch/c2/summary.json"
check "cached report's figures" energy c2 traced integrated 0.005556 traced/gpu.csv 0.005556

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
