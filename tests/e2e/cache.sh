#!/usr/bin/env bash
# --cache: a second report over unchanged inputs reuses what was read and
# gives the same site; a changed file is read again; a corrupt cache entry or
# one from another version is ignored with a diagnostic, never trusted.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }
cp -r "$src/samples" "$scratch/lab"
run() { "$tp" report -q "$scratch/lab" --cache "$scratch/cache" -o "$scratch/$1" 2>"$scratch/$1.err"; }

"$tp" report -q "$scratch/lab" -o "$scratch/plain"
run first
check "cache filled" test "$(ls "$scratch/cache"/*.run | wc -l)" -eq 20
run second
check "cached report equals the uncached one" diff -r "$scratch/plain" "$scratch/second"
check "first equals second" diff -r "$scratch/first" "$scratch/second"

# A changed event file: append a cut-short record; the run is read again and
# the new diagnostic shows.
ev=$(ls "$scratch"/lab/lab/lr-sweep/lr1e-4-s0/events.out.tfevents.*)
printf '\x20\x00\x00\x00\x00\x00\x00\x00' >>"$ev"
run third
check "changed file read again" grep -q "lr1e-4-s0" "$scratch/third/summary.json"
check "its new diagnostic" grep -q "truncated\|cut short\|incomplete" "$scratch/third/summary.json"

# A corrupt entry: ignored with a warning, same result.
f=$(ls "$scratch"/cache/*lr-sweep-lr1e-3-s0*.run)
b=$(od -An -tu1 -j100 -N1 "$f") # one byte changed, whatever it was
printf "\\$(printf %o $((b ^ 255)))" | dd of="$f" bs=1 seek=100 conv=notrunc status=none
run fourth
check "corrupt entry reported" grep -q "cache entry unreadable (its fingerprint does not match" "$scratch/fourth.err"
check "corrupt entry not trusted" diff "$scratch/third/summary.json" "$scratch/fourth/summary.json"

# An entry from another version: ignored with a warning.
k=$(ls "$scratch"/cache/*lr-sweep-lr1e-3-s1*.key)
sed -i '1s/.*/trainprint 0.0.1 run cache (binary 1)/' "$k"
run fifth
check "other version reported" grep -q "another version" "$scratch/fifth.err"
check "other version not trusted" diff "$scratch/third/summary.json" "$scratch/fifth/summary.json"
# Many such entries (after an upgrade, every one): one warning, not one a run.
for k in "$scratch"/cache/*lr-sweep-lr1e-3-s1*.key "$scratch"/cache/*lr-sweep-lr1e-4-s1*.key "$scratch"/cache/*lr-sweep-lr3e-4-s1*.key; do
  sed -i '1s/.*/trainprint 0.0.1 run cache (binary 1)/' "$k"
done
run fifth-b
check "other versions: one warning" test "$(grep -c 'another version' "$scratch/fifth-b.err")" = 1
check "other versions: how many" grep -q "and 2 more: cache entries from another version" "$scratch/fifth-b.err"
check "other versions not trusted" diff "$scratch/third/summary.json" "$scratch/fifth-b/summary.json"

# Pages: a report into the same directory with the same cache takes every
# page (and its charts) that nothing changed from the previous report, as the
# same files, and draws the others; the site is always the one a report
# without the cache gives.
cp -r "$src/samples" "$scratch/lab2"
inc() { "$tp" report -q "$scratch/lab2" --cache "$scratch/cache2" -o "$scratch/inc" "$@" 2>"$scratch/inc.err"; }
ino() { stat -c %i "$1"; }
inc
check "record of the pages kept in the cache" test "$(ls "$scratch"/cache2/site-*.record | wc -l)" -eq 1
pa=$(ls "$scratch"/inc/runs/*lr1e-4-s0*.html)
pb=$(ls "$scratch"/inc/runs/*lr1e-3-s1*.html)
ca=$(ls "$scratch"/inc/charts/run-*lr1e-4-s0*.csv)
ea=$(ls "$scratch"/inc/experiments/lr-sweep-*.html)
eb=$(ls "$scratch"/inc/experiments/precision-sweep-*.html)
ia=$(ino "$pa") ib=$(ino "$pb") ic=$(ino "$ca") iea=$(ino "$ea") ieb=$(ino "$eb")
# the key an experiment's page is recorded with (the third field of its G line)
ekey() { awk -v rel="experiments/$1-" 'substr($4, 1, length(rel)) == rel && $1 == "G" { print $3 }' "$scratch"/cache2/site-*.record; }
ka=$(ekey lr-sweep) kb=$(ekey precision-sweep)
check "experiment pages recorded with a key" test "${#ka}" = 32 -a "${#kb}" = 32
inc
check "unchanged page taken as it was" test "$(ino "$pa")" = "$ia"
check "unchanged experiment page taken as it was" test "$(ino "$ea")" = "$iea"
check "unchanged experiment page: the same key" test "$(ekey lr-sweep)" = "$ka"
check "unchanged chart taken as it was" test "$(ino "$ca")" = "$ic"
"$tp" report -q "$scratch/lab2" -o "$scratch/inc-plain"
check "a site of taken pages equals a drawn one" diff -r "$scratch/inc" "$scratch/inc-plain"
ev=$(ls "$scratch"/lab2/lab/lr-sweep/lr1e-4-s0/events.out.tfevents.*)
printf '\x20\x00\x00\x00\x00\x00\x00\x00' >>"$ev"
inc
check "a changed run's page drawn again" test "$(ino "$pa")" != "$ia"
check "its new diagnostic on it" grep -q "cut short\|truncated\|incomplete" "$pa"
check "another run's page still taken" test "$(ino "$pb")" = "$ib"
check "the changed run's experiment page: another key" test "$(ekey lr-sweep)" != "$ka"
check "another experiment's page: the same key" test "$(ekey precision-sweep)" = "$kb"
check "another experiment's page still taken" test "$(ino "$eb")" = "$ieb"
rm -rf "$scratch/inc-plain"
"$tp" report -q "$scratch/lab2" -o "$scratch/inc-plain"
check "after a change, the site equals a drawn one" diff -r "$scratch/inc" "$scratch/inc-plain"
# Other templates: the pages made from them are drawn again.
cp -r "$src/templates" "$scratch/tpl"
echo >>"$scratch/tpl/run.xhtml"
ib=$(ino "$pb")
inc --templates "$scratch/tpl"
check "other templates: pages drawn again" test "$(ino "$pb")" != "$ib"
# A corrupt record: a warning, every page drawn, a good record written.
rec=$(ls "$scratch"/cache2/site-*.record)
echo "garbage" >"$rec"
inc --templates "$scratch/tpl"
check "corrupt record reported" grep -q "record.*ignored, every page is drawn again" "$scratch/inc.err"
check "record written anew" grep -q "^trainprint-site-record 2" "$rec"

# Traces: what reading each gave is recorded, and replayed while the file,
# the program and the reading options are unchanged; anything else reads the
# file again, and the site is always the one a report without the cache gives.
cp -r "$src/samples" "$scratch/lab3"
tr3() { "$tp" report -q "$scratch/lab3" --cache "$scratch/cache3" -o "$scratch/$1" "${@:2}" 2>"$scratch/$1.err"; }
plain3() { rm -rf "$scratch/$1"; "$tp" report -q "$scratch/lab3" -o "$scratch/$1" "${@:2}"; }
tr3 t1
check "trace recordings kept" test "$(ls "$scratch"/cache3/trace-*.rec | wc -l)" -ge 1
tr3 t2
plain3 p2
check "recorded traces: the same site" diff -r "$scratch/p2" "$scratch/t2"
gp="$scratch/lab3/lab/lr-sweep/gpu-power.csv"
sed -i '200,400s/ W,/5 W,/' "$gp" # other power readings, the same dates
tr3 t3
plain3 p3
check "a changed trace is read again" diff -r "$scratch/p3" "$scratch/t3"
check "a changed trace changes the energy" sh -c "! diff -q '$scratch/t2/summary.json' '$scratch/t3/summary.json' >/dev/null"
tr3 t4 --clock-offset 90
plain3 p4 --clock-offset 90
check "other reading options: the trace read again" diff -r "$scratch/p4" "$scratch/t4"
tr3 t5 --timezone Europe/Paris
plain3 p5 --timezone Europe/Paris
check "another zone: the trace read again" diff -r "$scratch/p5" "$scratch/t5"
for rec in "$scratch"/cache3/trace-*.rec; do
  printf '\377' | dd of="$rec" bs=1 seek=300 conv=notrunc status=none
done
tr3 t6
check "a damaged recording is not replayed" diff -r "$scratch/t3" "$scratch/t6"
check "a damaged recording: nothing said" test ! -s "$scratch/t6.err"
tr3 t7
check "recorded again after the damage" diff -r "$scratch/t3" "$scratch/t7"
# The same traces named by another path: their diagnostics name that path.
printf '2026/03/10 10:00:01.000, 0, NVIDIA A100-SXM4-40GB, -5 W, 0 %%, 4 MiB\n' >>"$gp"
tr3 t8
(cd "$scratch" && "$tp" report -q lab3 --cache "$scratch/cache3" -o t9 2>t9.err)
(cd "$scratch" && "$tp" report -q lab3 -o p9)
check "a trace named by another path: its diagnostics name that path" diff -r "$scratch/p9" "$scratch/t9"

# A cache directory that cannot be made: a warning, and the report as without it.
"$tp" report "$scratch/lab2" --cache /proc/no-cache-here --templates "$scratch/tpl" -o "$scratch/nocache" 2>"$scratch/nocache.err"
check "unusable cache directory: report written" test -f "$scratch/nocache/summary.json"
check "unusable cache directory: said" grep -q "cache directory" "$scratch/nocache.err"
check "unusable cache directory: the same runs and energies" python3 -c '
import json, sys
a, b = (json.load(open(p))["runs"] for p in sys.argv[1:])
sys.exit(0 if a == b else 1)' "$scratch/inc/summary.json" "$scratch/nocache/summary.json"

# A cache directory whose parents are missing: made with them, like -o, and filled.
"$tp" report "$scratch/lab" --cache "$scratch/deep/er/cache" -o "$scratch/deep-site" 2>"$scratch/deep.err"
check "cache below missing directories: no warning about it" test -z "$(grep 'cache directory' "$scratch/deep.err")"
check "cache below missing directories: filled" test "$(ls "$scratch/deep/er/cache"/*.run | wc -l)" -eq 20

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
