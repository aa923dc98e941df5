#!/usr/bin/env bash
# Two nodes, one device id (docs/attribution.md, rule 3): a device is its host
# and its id.  Slurm job 9101 ran on gpu-01 and gpu-02 (one GPU each) from
# 10:00 to 11:00 UTC on 2024-03-01; each node kept its own nvidia-smi log
# (every 10 s, 09:50 to 11:10), both naming their GPU index 0, and the
# configuration's power entries declare each log's host.  By hand:
#  - gpu-01's gpu0 at 300 W: 300 W x 3600 s = 1 080 000 J;
#  - gpu-02's gpu0 at 200 W: 200 W x 3600 s =   720 000 J;
#  the job: 1 800 000 J = 0.5 kWh, two devices, coverage 1, not shared, and
#  no note that one log duplicates the other.
# A third log of gpu-01 (a copy at 5 s, 400 W, different content) is the same
# device as gpu-01.csv: rule 3 keeps the finer one and drops gpu-01.csv's
# figure, so gpu-01 gets 400 W x 3600 s = 1 440 000 J and the job
# 2 160 000 J = 0.6 kWh, still two devices.
# The run page's table and power chart name them HOST/gpu0.  The same scanned
# then rendered.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 scratch=$4
. "$(dirname "$0")/lib/summaries.sh"
rm -rf "$scratch" && mkdir -p "$scratch/two" "$scratch/dup"
python3 - "$scratch" <<'PY'
import os, sys, datetime as dt
out = sys.argv[1]
def ts(h, m):
    return int(dt.datetime(2024, 3, 1, h, m, tzinfo=dt.timezone.utc).timestamp())
head = "JobID|JobIDRaw|JobName|Partition|User|State|Start|End|Elapsed|NodeList|AllocTRES|WorkDir|ConsumedEnergyRaw"
rows = ["9101|9101|train|gpu|ana|COMPLETED|2024-03-01T10:00:00|2024-03-01T11:00:00|01:00:00|"
        "gpu-[01-02]|gres/gpu=2,node=2|/p/9101|",
        "9101.batch|9101.batch|batch|||COMPLETED|2024-03-01T10:00:00|2024-03-01T11:00:00|01:00:00|"
        "gpu-01|gres/gpu=1,node=1||"]
def smi(path, w, step):
    lines = ["timestamp, index, name, power.draw [W]"]
    for t in range(ts(9, 50), ts(11, 10) + 1, step):
        when = dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y/%m/%d %H:%M:%S.000")
        lines.append("%s, 0, NVIDIA A100-SXM4-40GB, %d.00 W" % (when, w))
    open(path, "w").write("\n".join(lines) + "\n")
for d in ("two", "dup"):
    open(os.path.join(out, d, "sacct.txt"), "w").write("\n".join([head] + rows) + "\n")
    smi(os.path.join(out, d, "gpu-01.csv"), 300, 10)
    smi(os.path.join(out, d, "gpu-02.csv"), 200, 10)
    cfg = "power:\n  - files: gpu-01.csv\n    host: gpu-01\n  - files: gpu-02.csv\n    host: gpu-02\n"
    if d == "dup":
        smi(os.path.join(out, d, "gpu-01-fine.csv"), 400, 5)
        cfg += "  - files: gpu-01-fine.csv\n    host: gpu-01.cluster.org\n"
    open(os.path.join(out, d, "trainprint.yaml"), "w").write(cfg)
PY
export TRAINPRINT_CHECK=1
rc=0
check() { # SUMMARY_JSON WHAT
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
runs = {r["id"]: r for r in doc["runs"]}
what = sys.argv[2]
bad = 0
def fail(*a):
    global bad
    print("FAIL (%s):" % what, *a); bad += 1
r = runs.get("slurm/9101", {})
e = r.get("energy", {})
want = {"two": (1080000, 720000), "dup": (1440000, 720000)}[what]
if e.get("method") != "integrated" or abs((e.get("it_kwh") or 0) - sum(want) / 3.6e6) > 1e-6:
    fail("9101", e.get("method"), e.get("it_kwh"), "expected", sum(want) / 3.6e6)
devs = sorted((d.get("id"), d.get("host"), round(d["it_kwh"] * 3.6e6)) for d in e.get("devices", []))
host1 = "gpu-01" if what == "two" else "gpu-01.cluster.org"  # the kept trace's
if devs != [("gpu0", host1, want[0]), ("gpu0", "gpu-02", want[1])]:
    fail("9101 devices", devs)
if abs(e.get("coverage", 0) - 1) > 1e-4: fail("9101 coverage", e.get("coverage"))
if e.get("shared"): fail("9101 shared")
if r.get("hosts") != ["gpu-01", "gpu-02"]: fail("9101 hosts", r.get("hosts"))
notes = " ".join(r.get("diagnostics", []))
if "gpu-02.csv" in notes: fail("9101 note on gpu-02.csv", notes)
if what == "dup" and "records device gpu0 over the same time" not in notes:
    fail("9101 no duplicate note", notes)
if what == "two" and "over the same time" in notes: fail("9101 duplicate note", notes)
gh = doc.get("totals", {}).get("gpu_hours")
if gh is not None and abs(gh - 2) > 1e-6: fail("gpu_hours", gh)
sys.exit(1 if bad else 0)
PY
}
for form in two dup; do
  if ! "$tp" report --timezone UTC "$scratch/$form" -o "$scratch/site-$form" 2>"$scratch/err-$form"; then
    echo "FAIL: report ($form)"; cat "$scratch/err-$form"; rc=1; continue
  fi
  check "$scratch/site-$form/summary.json" "$form" || rc=1
  # The run page tells the two devices apart (HOST/ID) in its device table.
  page=$(grep -l 'slurm/9101\|9101' "$scratch/site-$form"/runs/*.html 2>/dev/null | head -1)
  if [ -z "$page" ] || ! grep -q 'gpu-01[.a-z]*/gpu0' "$page" || ! grep -q 'gpu-02/gpu0' "$page"; then
    echo "FAIL ($form): run page does not name gpu-01/gpu0 and gpu-02/gpu0 (${page:-no page})"; rc=1
  fi
  # Its power chart draws them apart: one series per host's gpu0.
  csv=$(ls "$scratch/site-$form"/charts/run-slurm-9101-*.csv 2>/dev/null | head -1)
  for h in 'gpu-01[.a-z]*' gpu-02; do
    grep -q "^power,$h/gpu0," "${csv:-/dev/null}" || { echo "FAIL ($form): no power series $h/gpu0"; rc=1; }
  done
done
# Scanned then rendered, the same summary.
"$tp" scan -q --timezone UTC "$scratch/two" -o "$scratch/sums" &&
  "$tp" render -q "$scratch/sums" -o "$scratch/site2" || { echo "FAIL: scan/render"; rc=1; }
same_summary "$scratch/site-two" "$scratch/site2" || rc=1
exit $rc
