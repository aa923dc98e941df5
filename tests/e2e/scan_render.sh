#!/usr/bin/env bash
# `scan` fanned out with xargs -P, then `render`, gives the same site, byte for
# byte, as `report` over the same inputs; broken summaries are refused.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }
cfg=$src/samples/trainprint.yaml

"$tp" report -q -c "$cfg" "$src/samples" -o "$scratch/report"
check "report" test $? -eq 0

# One scan per experiment directory, two at a time.
ls -d "$src"/samples/lab/*/ | xargs -P 2 -I{} "$tp" scan -q -j 1 --root "$src/samples" -c "$cfg" {} -o "$scratch/sums"
check "scans by experiment" test "$(ls "$scratch/sums" | wc -l)" -eq 20
"$tp" render -q -c "$cfg" "$scratch/sums" -o "$scratch/site"
check "render" test $? -eq 0
check "site identical to report's (by experiment)" diff -r "$scratch/report" "$scratch/site"

# One scan per run directory: runs that shared a GPU (precision-sweep) or a
# node trace were scanned apart, and render splits them again from the samples
# each summary keeps, cut at the same points: the site is report's, byte for byte.
ls -d "$src"/samples/lab/*/*/ |
  xargs -P 2 -I{} "$tp" scan -q -j 1 --root "$src/samples" -c "$cfg" {} -o "$scratch/sums2"
check "scans by run" test "$(ls "$scratch/sums2" | wc -l)" -eq 20
"$tp" render -q -c "$cfg" "$scratch/sums2" -o "$scratch/site2"
check "site identical to report's (by run)" diff -r "$scratch/report" "$scratch/site2"

# A corrupt summary and one of another version are refused, the rest used.
cp -r "$scratch/sums" "$scratch/sums3"
f=$(ls "$scratch/sums3" | head -1)
head -c 300 "$scratch/sums3/$f" > "$scratch/sums3/$f.tmp" && mv "$scratch/sums3/$f.tmp" "$scratch/sums3/$f"
g=$(ls "$scratch/sums3" | sed -n 2p)
sed -i 's/"version": 1,/"version": 99,/' "$scratch/sums3/$g"
"$tp" render -c "$cfg" "$scratch/sums3" -o "$scratch/site3" 2>"$scratch/err3"
check "render with bad summaries exits 0" test $? -eq 0
check "corrupt summary reported" grep -q "not a complete trainprint run summary" "$scratch/err3"
check "other version reported" grep -q "another format version" "$scratch/err3"
check "18 runs kept" python3 -c "import json,sys; sys.exit(0 if json.load(open('$scratch/site3/summary.json'))['totals']['runs'] == 18 else 1)"
"$tp" render -q "$scratch/nothing-here" -o "$scratch/site4" 2>/dev/null
check "no summaries: exit 1" test $? -eq 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
