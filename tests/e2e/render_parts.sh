#!/usr/bin/env bash
# render_parts: pages drawn on several threads, and a render fanned out in
# parts and assembled, give report's site byte for byte; --assemble refuses
# parts that are missing, twice, of another split or of other inputs, and
# --part refuses what is not I/N.
# Args: $1 trainprint binary, $2 source dir, $3 shared dir, $4 scratch dir.
set -u
tp=$1 src=$2 work=$4
rm -rf "$work" && mkdir -p "$work"
. "$src/tests/e2e/lib/expect.sh"
cfg=$src/samples/trainprint.yaml
same() { diff -r "$1" "$2" > "$work/diff" || fail "$1 and $2 differ: $(head -5 "$work/diff")"; }

# The reference: report on one thread, and on three.
expect 0 "$tp" report -q -j 1 -c "$cfg" "$src/samples" -o "$work/report"
expect 0 "$tp" report -q -j 3 -c "$cfg" "$src/samples" -o "$work/report3"
same "$work/report" "$work/report3"

# Summaries, then render on one thread and on three.
expect 0 "$tp" scan -q -j 2 --root "$src/samples" -c "$cfg" "$src/samples" -o "$work/sums"
expect 0 "$tp" render -q -j 1 -c "$cfg" "$work/sums" -o "$work/render1"
same "$work/report" "$work/render1"
expect 0 "$tp" render -q -j 3 -c "$cfg" "$work/sums" -o "$work/render3"
same "$work/report" "$work/render3"

# Three parts (drawn with different -j, summaries given in another order),
# assembled: the same site, its pages hard links to the parts'.
expect 0 "$tp" render -q -j 1 -c "$cfg" "$work/sums" --part 1/3 -o "$work/parts/1"
expect 0 "$tp" render -q -j 2 -c "$cfg" "$work/sums" --part 2/3 -o "$work/parts/2"
expect 0 "$tp" render -q -j 3 -c "$cfg" $(ls -r "$work"/sums/*.json) --part 3/3 -o "$work/parts/3"
for i in 1 2 3; do
  [ -f "$work/parts/$i/.trainprint-part" ] || fail "part $i has no manifest"
  [ -e "$work/parts/$i/index.html" ] && fail "part $i holds the front page"
done
expect 0 "$tp" render -q -c "$cfg" "$work/sums" --assemble "$work"/parts/3 "$work"/parts/1 \
  "$work"/parts/2 -o "$work/site"
same "$work/report" "$work/site"
page=$(cd "$work/site/runs" && ls | head -1)
[ "$(stat -c %h "$work/site/runs/$page")" -ge 2 ] || fail "runs/$page is not a hard link"
# Every page is in exactly one part.
n_pages=$(cat "$work"/parts/*/.trainprint-part | grep -c '^G ')
[ "$n_pages" = $(($(ls "$work/site/runs" | wc -l) + $(ls "$work/site/experiments" | wc -l))) ] ||
  fail "the parts hold $n_pages pages"
# One part: the whole set of pages.
expect 0 "$tp" render -q -c "$cfg" "$work/sums" --part 1/1 -o "$work/one/1"
expect 0 "$tp" render -q -c "$cfg" "$work/sums" --assemble "$work/one/1" -o "$work/site1"
same "$work/report" "$work/site1"

# Refusals: exit 1, a clear message, nothing written.
refused() {
  local text=$1
  shift
  expect 1 "$tp" render -q -c "$cfg" "$work/sums" --assemble "$@" -o "$work/bad"
  has err "$text"
  [ -e "$work/bad" ] && fail "--assemble $*: wrote $work/bad"
}
refused "part 2 of 3 is missing" "$work/parts/1" "$work/parts/3"
refused "are both part 1 of 3" "$work/parts/1" "$work/parts/1" "$work/parts/3"
expect 0 "$tp" render -q -c "$cfg" "$work/sums" --part 2/2 -o "$work/other/2"
refused "parts of different splits" "$work/parts/1" "$work/other/2" "$work/parts/3"
refused "not a part of a site" "$work/parts/1" "$work/report" "$work/parts/3"
# Drawn from other summaries (one run fewer), or with other options.
mkdir -p "$work/fewer" && cp "$work"/sums/*.json "$work/fewer/" && rm "$(ls "$work"/fewer/*.json | head -1)"
expect 0 "$tp" render -q -c "$cfg" "$work/fewer" --part 2/3 -o "$work/fewer-part/2"
refused "drawn from other summaries or options" "$work/parts/1" "$work/fewer-part/2" "$work/parts/3"
expect 0 "$tp" render -q -c "$cfg" "$work/sums" --figures png --part 2/3 -o "$work/png-part/2"
refused "drawn from other summaries or options" "$work/parts/1" "$work/png-part/2" "$work/parts/3"
# A part whose pages were tampered with (a page taken out of its manifest).
cp -r "$work/parts/2" "$work/cut"
awk '/^G /{g++} g!=1' "$work/parts/2/.trainprint-part" > "$work/cut/.trainprint-part"
refused "does not hold the page" "$work/parts/1" "$work/cut" "$work/parts/3"
# A manifest cut short (a page with fewer files than it announces).
cp -r "$work/parts/2" "$work/short"
head -n -1 "$work/parts/2/.trainprint-part" > "$work/short/.trainprint-part"
refused "not a part manifest" "$work/parts/1" "$work/short" "$work/parts/3"

# Usage errors: exit 2.
for bad in 0/3 4/3 1/0 x/2 2 -1/3 1/3x " 1/3" 1//3; do
  expect 2 "$tp" render -q "$work/sums" --part "$bad" -o "$work/bad"
  has err "part"
done
expect 2 "$tp" render -q "$work/sums" --part 1/2 --assemble "$work/parts/1" -o "$work/bad"
expect 2 "$tp" render -q "$work/sums" --assemble -o "$work/bad"
expect 2 "$tp" render -q "$work/sums" --part 1/2 --cache "$work/cache" -o "$work/bad"
expect 2 "$tp" render -q "$work/sums" -j 0 -o "$work/bad"
[ -e "$work/bad" ] && fail "a usage error wrote $work/bad"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
