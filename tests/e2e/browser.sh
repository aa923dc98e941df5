#!/usr/bin/env bash
# Real-browser test of the report: headless Chromium opens the sample site's
# index, one experiment page and one run page and checks that every chart is
# drawn with a non-zero size and that no stylesheet or image failed to load
# (through browser_check.html, a test-only harness that loads the page in an
# iframe), and that each chart's "SVG" link, which the page's one small
# script shows, saves the chart as its standalone SVG file.  Screenshots of the three pages,
# light and dark, stay in the scratch directory (inside the build directory).
# Skips (exit 77) when Chromium is not installed.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "SKIP: no chromium found (Debian: apt-get install chromium, or TP_SETUP_TESTS=1 scripts/setup.sh)"
  exit 77
fi
rm -rf "$scratch" && mkdir -p "$scratch/shots"
scratch=$(cd "$scratch" && pwd)
fail=0 pass=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

"$tp" report "$src/samples" --timezone Europe/Berlin -q -o "$scratch/site"
check "report exits 0" test $? -eq 0
cp "$src/tests/e2e/browser_check.html" "$scratch/check.html"

# chrome ARGS...: one headless run with a fresh profile, no network services.
chrome() {
  local profile
  profile=$(mktemp -d "$scratch/profile.XXXXXX")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-extensions \
    --user-data-dir="$profile" --hide-scrollbars "$@" 2>>"$scratch/chromium.log"
  local rc=$?
  rm -rf "$profile"
  return $rc
}

exp=$(cd "$scratch/site" && ls experiments/*precision-sweep*.html | head -1)
run=$(cd "$scratch/site" && ls runs/*lr3e-4-s1*.html | head -1)
for page in index.html "$exp" "$run"; do
  url="file://$scratch/site/$page"
  name=$(basename "$page" .html | sed 's/-[0-9a-f]\{8\}$//')
  chrome --allow-file-access-from-files --virtual-time-budget=15000 --window-size=1280,2000 \
    --dump-dom "file://$scratch/check.html#$url" >"$scratch/$name.dom"
  result=$(python3 -c 'import html,re,sys; m=re.search(r"<pre id=\"result\">(.*?)</pre>", open(sys.argv[1]).read(), re.S); print(html.unescape(m.group(1)) if m else "no result")' "$scratch/$name.dom")
  echo "$page: $(echo "$result" | head -1)"
  echo "$result" | grep FAIL
  check "$page: the check ran" grep -q DONE <<<"$result"
  check "$page: no failures" test "$(grep -c FAIL <<<"$result")" -eq 0
  n=$(sed -n 's/^charts \([0-9]*\)$/\1/p' <<<"$result")
  check "$page: charts found" test "${n:-0}" -ge 2
  s=$(sed -n 's/^saves \([0-9]*\)$/\1/p' <<<"$result")
  check "$page: an SVG link per chart" test "${s:-0}" -eq "${n:-0}"
  # Each saves its chart as the SVG file trainprint writes for it: an XML
  # declaration, then the inline chart with a line break after each tag.
  python3 - "$scratch/site/$page" <<<"$result" <<'PY'
import base64, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
want = {}
for m in re.finditer(r'<figure class="chart" id="([^"]+)">.*?(<svg .*?</svg>)', page, re.S):
    svg = re.sub(r'(<svg[^>]*>|/>|</(?:title|desc|text|svg)>)', r'\1\n', m.group(2))
    want[m.group(1) + ".svg"] = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
bad = 0
for line in sys.stdin:
    if line.startswith("SVG "):
        _, name, data = line.split(" ", 2)
        if base64.b64decode(data).decode("utf-8") != want.get(name):
            print("FAIL: saved %s differs from the chart's SVG" % name); bad += 1
sys.exit(1 if bad else 0)
PY
  check "$page: each SVG link saves its chart's SVG" test $? -eq 0
  chrome --screenshot="$scratch/shots/$name.png" --window-size=1280,2400 "$url" >/dev/null
  check "$page: screenshot" test -s "$scratch/shots/$name.png"
  chrome --screenshot="$scratch/shots/$name-dark.png" --window-size=1280,2400 \
    --force-dark-mode --blink-settings=preferredColorScheme=0 "$url" >/dev/null
  check "$page: dark screenshot" test -s "$scratch/shots/$name-dark.png"
done
echo "screenshots: $scratch/shots"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
