#!/usr/bin/env bash
# Embodied emissions and water beside the CO2e totals (docs/uncertainty.md):
# on the bundled samples, the index page's totals, each experiment page and
# publish/neurips-compute.md and publish/eu-ai-act-energy.md give the
# embodied kg CO2e and the water in L that summary.json gives (to the three
# significant digits they are written with), said to be beside the
# emissions, not in them.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
"$tp" report -q "$src/samples" --timezone Europe/Berlin -o "$scratch/site" 2>/dev/null || {
  echo "FAIL: report"; exit 1; }
python3 - "$scratch/site" <<'PY'
import html, json, os, re, sys
site = sys.argv[1]
s = json.load(open(os.path.join(site, "summary.json")))
bad = 0
def fail(msg):
    global bad
    print("FAIL:", msg); bad += 1
def near(text, want):
    return abs(float(text) - want) <= 0.005 * abs(want) + 1e-12
def page_items(path):
    t = html.unescape(re.sub(r"\s+", " ", open(path, encoding="utf-8").read()))
    emb = re.search(r"Embodied emissions</dt>.*?([0-9.]+(?:e-?[0-9]+)?) (g|kg|t) CO2e", t)
    water = re.search(r"Water</dt>.*?([0-9.]+(?:e-?[0-9]+)?) L", t)
    return emb, water
def check_page(name, path, o):
    emb, water = page_items(path)
    if not emb or not water or "not in them" not in open(path, encoding="utf-8").read():
        fail("%s: no embodied emissions or water beside the totals" % name); return
    scale = {"g": 1e-3, "kg": 1, "t": 1e3}[emb.group(2)]
    if not near(str(float(emb.group(1)) * scale), o["embodied_kg"]):
        fail("%s: embodied %s %s, summary %s" % (name, emb.group(1), emb.group(2), o["embodied_kg"]))
    if not near(water.group(1), o["water_l"]):
        fail("%s: water %s L, summary %s" % (name, water.group(1), o["water_l"]))
t = s["totals"]
check_page("index", os.path.join(site, "index.html"), t)
for e in s["experiments"]:
    pages = [p for p in os.listdir(os.path.join(site, "experiments"))
             if p.startswith(e["name"]) and p.endswith(".html")]
    if len(pages) != 1:
        fail("%s: experiment page not found" % e["name"]); continue
    check_page(e["name"], os.path.join(site, "experiments", pages[0]), e)
for doc in ("neurips-compute.md", "eu-ai-act-energy.md"):
    text = open(os.path.join(site, "publish", doc), encoding="utf-8").read()
    m = re.search(r"never added to them: embodied emissions of ([0-9.]+) kg CO2e.*?water of ([0-9.]+) L", text)
    if not m:
        fail("%s: no embodied emissions and water beside the figures" % doc); continue
    if not near(m.group(1), t["embodied_kg"]) or not near(m.group(2), t["water_l"]):
        fail("%s: %s kg, %s L; summary %s kg, %s L" % (doc, m.group(1), m.group(2),
                                                      t["embodied_kg"], t["water_l"]))
sys.exit(1 if bad else 0)
PY
rc=$?
[ $rc -eq 0 ] && echo "beside_totals: all checks passed"
exit $rc
