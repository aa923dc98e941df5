#!/usr/bin/env bash
# End-to-end: the report site of the sample lab.
#   - every page parses as XML, and every local href/src resolves to a file
#     inside the site (nothing loaded from the network);
#   - every chart is inline, with its numbers in its page's CSV and an "SVG"
#     link that the page's script fills; --figures pdf,png adds PNG and PDF
#     files;
#   - figures carry their ranges, the index has the roll-ups (and the what-ifs
#     when the reference tables are there), experiments with a target rank
#     their configurations by energy to target;
#   - two reports of the same inputs are byte-identical, file for file;
#   - a report that fails (output below a regular file, /dev/full, a broken
#     template while replacing a site) exits non-zero and leaves the
#     previous site exactly as it was.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}
report() { "$tp" report "$src/samples" --timezone Europe/Berlin -q "$@"; }

report -o "$scratch/r1"
check "report exits 0" test $? -eq 0
report -o "$scratch/r2"
check "second report exits 0" test $? -eq 0
check "deterministic: identical sites" diff -r "$scratch/r1" "$scratch/r2"
check "index.html written" test -s "$scratch/r1/index.html"
check "style.css copied" cmp -s "$src/templates/style.css" "$scratch/r1/style.css"

python3 - "$scratch/r1" <<'PY'
import os, sys, xml.etree.ElementTree as ET
from urllib.parse import urlsplit, unquote
site = os.path.realpath(sys.argv[1])
bad = pages = links = 0
for root, _, files in os.walk(site):
    for f in files:
        if not f.endswith(".html"):
            continue
        pages += 1
        path = os.path.join(root, f)
        try:
            doc = ET.parse(path)
        except ET.ParseError as e:
            print("FAIL: %s does not parse as XML: %s" % (path, e)); bad += 1; continue
        for el in doc.iter():
            for attr in ("href", "src"):
                v = el.get(attr)
                if v is None or v.startswith("#"):
                    continue
                links += 1
                u = urlsplit(v)
                if u.scheme or u.netloc:
                    print("FAIL: %s: external link %s" % (path, v)); bad += 1; continue
                target = os.path.realpath(os.path.join(root, unquote(u.path)))
                if not target.startswith(site + os.sep) or not os.path.isfile(target):
                    print("FAIL: %s: %s does not resolve inside the site" % (path, v)); bad += 1
# every chart: drawn inline on its page, with a link to its numbers (one CSV
# per page, parallel charts their own) and a "SVG" link that a script shows
# and fills; no SVG file per chart, every chart under 300 KB
charts = os.path.join(site, "charts")
if any(f.endswith(".svg") for f in os.listdir(charts)):
    print("FAIL: an SVG file under charts/"); bad += 1
figs = 0
X = "{http://www.w3.org/1999/xhtml}"
for root, _, files in os.walk(site):
    for f in files:
        if not f.endswith(".html"):
            continue
        path = os.path.join(root, f)
        for fig in ET.parse(path).iter(X + "figure"):
            if fig.get("class") != "chart":
                continue
            figs += 1
            svg = fig.find(".//{http://www.w3.org/2000/svg}svg")
            if svg is None or len(ET.tostring(svg)) > 300 * 1024:
                print("FAIL: %s: chart %s not inline or over 300 KB" % (path, fig.get("id"))); bad += 1
            hrefs = [a.get("href") for a in fig.iter(X + "a")]
            if not any(h and h.endswith(".csv") for h in hrefs):
                print("FAIL: %s: chart %s without its CSV" % (path, fig.get("id"))); bad += 1
            saves = [a for a in fig.iter(X + "a") if a.get("class") == "svg-save"]
            if len(saves) != 1 or saves[0].get("download") != fig.get("id") + ".svg":
                print("FAIL: %s: chart %s without its SVG link" % (path, fig.get("id"))); bad += 1
        page = open(path, encoding="utf-8").read()
        if "svg-save" in page and "XMLSerializer" not in page:
            print("FAIL: %s: SVG links without the script that saves them" % path); bad += 1
# one CSV of chart numbers per page: a run's numbers named by chart
run_csvs = [f for f in os.listdir(charts) if f.startswith("run-")]
if len(run_csvs) != 20:
    print("FAIL: %d run CSV files, not one per run" % len(run_csvs)); bad += 1
for f in run_csvs:
    with open(os.path.join(charts, f), encoding="utf-8", newline="") as fh:
        head = fh.readline()
        kinds = {line.split(",", 1)[0] for line in fh}
    if head != "chart,series,x,y\r\n" or not {"power", "energy"} <= kinds:
        print("FAIL: %s: header %r, charts %s" % (f, head, sorted(kinds))); bad += 1
if pages != 1 + 3 + 20 or links < 100 or figs < 20:
    print("FAIL: %d pages, %d links, %d charts" % (pages, links, figs)); bad += 1
sys.exit(1 if bad else 0)
PY
check "pages parse, links resolve, charts inline with CSV" test $? -eq 0

# What the pages show: ranges as `value (low–high)`, the lab archive's
# roll-ups, energy to target on experiments with a target, the what-ifs.
python3 - "$scratch/r1" <<'PY'
import os, re, sys, xml.etree.ElementTree as ET
site = sys.argv[1]
H = "{http://www.w3.org/1999/xhtml}"
bad = 0
def fail(msg):
    global bad
    print("FAIL:", msg); bad += 1
def page(rel):
    return ET.parse(os.path.join(site, rel)).getroot()
def table(root, tid):
    for t in root.iter(H + "table"):
        if t.get("id") == tid:
            return t
    return None
def rows(t):
    return [] if t is None else list(t.find(H + "tbody"))
def text(el):
    return "".join(el.itertext()).strip()
rng = re.compile(r"^[0-9.]+( ± [0-9.]+)? \([0-9.]+–[0-9.]+\)")
index = page("index.html")
exps = rows(table(index, "experiments"))
if len(exps) != 3: fail("index: %d experiment rows" % len(exps))
if not any(rng.match(text(td)) for tr in exps for td in tr.findall(H + "td")):
    fail("index: no experiment figure shows as value (low–high)")
ranges = [dd for dd in index.iter(H + "dd") if dd.get("class") == "range"]
if len(ranges) < 2: fail("index: %d totals with a range" % len(ranges))
for tid in ("by-month", "by-gpu", "by-host", "by-tag"):
    if not rows(table(index, tid)): fail("index: no roll-up table " + tid)
if sum(int(text(tr.findall(H + "td")[0])) for tr in rows(table(index, "by-host"))) != 20:
    fail("index: the per-host roll-up does not count 20 runs")
if not any(el.get("id") == "whatif-h" for el in index.iter(H + "h2")):
    fail("index: no what-if section")
if len(rows(table(index, "whatif-zones"))) != 11: fail("index: what-if table without 11 zones")
if not rows(table(index, "whatif-pue")): fail("index: no what-if by PUE")
if not os.path.isfile(os.path.join(site, "charts/lab.csv")): fail("no CSV of the index's charts")
targets = 0
for f in sorted(os.listdir(os.path.join(site, "experiments"))):
    root = page("experiments/" + f)
    t = table(root, "target-rank")
    if t is None: continue
    targets += 1
    for tr in rows(t):
        reached = [text(td) for td in tr.findall(H + "td")][1]
        if not re.match(r"^\d+ / \d+$", reached): fail("%s: reached %r" % (f, reached))
    if not any(rng.match(text(td)) for tr in rows(table(root, "configurations"))
               for td in tr.findall(H + "td")):
        fail("%s: no configuration figure shows as value (low–high)" % f)
if targets != 2: fail("%d experiment pages rank by energy to target, not 2" % targets)
runs_with_target = 0
for f in os.listdir(os.path.join(site, "runs")):
    s = open(os.path.join(site, "runs", f), encoding="utf-8").read()
    runs_with_target += ("reached at step" in s) or ("never reached" in s)
if runs_with_target < 10: fail("only %d run pages give the target result" % runs_with_target)
sys.exit(1 if bad else 0)
PY
check "ranges, roll-ups, energy to target, what-ifs on the pages" test $? -eq 0

# --figures pdf,png: a PNG and a PDF of every chart.
report -o "$scratch/fig" --figures pdf,png
check "--figures exits 0" test $? -eq 0
nsvg=$(cat "$scratch"/fig/*.html "$scratch"/fig/*/*.html | grep -o '<figure class="chart"' | wc -l)
npng=$(ls "$scratch/fig/charts" | grep -c '\.png$')
npdf=$(ls "$scratch/fig/charts" | grep -c '\.pdf$')
check "a PNG per chart ($npng of $nsvg)" test "$npng" -eq "$nsvg"
check "a PDF per chart ($npdf of $nsvg)" test "$npdf" -eq "$nsvg"
png=$(ls "$scratch/fig/charts"/*.png | head -1)
pdf=$(ls "$scratch/fig/charts"/*.pdf | head -1)
check "PNG signature" test "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
check "PDF signature" test "$(head -c 5 "$pdf")" = "%PDF-"
check "PNG linked from the pages" grep -q '\.png"' "$scratch/fig/index.html"
report -o "$scratch/fig2" --figures png,pdf
check "figures deterministic" diff -r "$scratch/fig" "$scratch/fig2"
report -o "$scratch/bad" --figures svgz 2>/dev/null
check "--figures svgz: exit 2" test $? -eq 2

# --stamp states the time of rendering; without it nothing does.
SOURCE_DATE_EPOCH=1767225600 report -o "$scratch/stamp" --stamp
check "--stamp shows the time" grep -q "2026-01-01 00:00:00 UTC" "$scratch/stamp/index.html"
check "no stamp by default" test "$(grep -c '2026-01-01 00:00:00 UTC' "$scratch/r1/index.html")" -eq 0

# Failures leave the previous site intact.
cp -a "$scratch/r1" "$scratch/r1.before"
echo keep >"$scratch/afile"
report -o "$scratch/afile/site" 2>/dev/null
check "output below a regular file: exit 1" test $? -eq 1
check "the regular file is untouched" test "$(cat "$scratch/afile")" = keep
report -o /dev/full 2>/dev/null
check "/dev/full: exit 1" test $? -eq 1
mkdir -p "$scratch/broken"
cp "$src/templates/"* "$scratch/broken/"
printf '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:tp="urn:trainprint:template"><p tp:text="no.such.value"></p></html>\n' \
  >"$scratch/broken/run.xhtml"
report -o "$scratch/r1" --templates "$scratch/broken" 2>"$scratch/broken.err"
check "broken template: exit 1" test $? -eq 1
check "broken template: the error names the file" grep -q "run.xhtml" "$scratch/broken.err"
check "broken template: previous site intact" diff -r "$scratch/r1.before" "$scratch/r1"
check "no temporary directory left" test -z "$(ls "$scratch" | grep '\.tmp-')"
report -o "$scratch/r1" --templates "$scratch/nonexistent" 2>/dev/null
check "missing templates: a usage error, exit 2" test $? -eq 2
check "missing templates: previous site intact" diff -r "$scratch/r1.before" "$scratch/r1"

# A user's own templates are used.
mkdir -p "$scratch/mine"
cp "$src/templates/"* "$scratch/mine/"
sed -i 's/Works offline, without scripts\./Made by our lab./' "$scratch/mine/index.xhtml"
report -o "$scratch/own" --templates "$scratch/mine"
check "--templates: exit 0" test $? -eq 0
check "--templates: the user's template is used" grep -q "Made by our lab" "$scratch/own/index.html"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
