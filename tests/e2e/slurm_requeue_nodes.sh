#!/usr/bin/env bash
# A Slurm job requeued onto another node is charged, during each of its
# records, only on that record's node (docs/attribution.md, "Slurm jobs").
# A Prometheus export (DCGM power, every 30 s, 09:50 to 13:10 UTC on
# 2024-03-01, no job label) of two hosts of one GPU each: gpu-01 at 300 W,
# gpu-02 at 200 W.  Jobs, by hand:
#  - 9001 ran on gpu-01 from 10:00 to 11:00, was requeued, and ran again on
#    gpu-02 from 11:30 to 13:00: gpu-01 300 W x 3600 s = 1 080 000 J and
#    gpu-02 200 W x 5400 s = 1 080 000 J, 2 160 000 J = 0.6 kWh, coverage 1;
#    nothing of gpu-02 from 10:00 to 11:00 and nothing between its records;
#  - 9002 ran on gpu-02 from 10:00 to 11:00: it keeps all of that GPU's
#    energy, 200 W x 3600 s = 720 000 J = 0.2 kWh, not shared;
#  - 9003, outside the export, ran on gpu-01 with 2 GPUs from 14:00 to 15:00
#    and, requeued, on gpu-02 with 4 GPUs from 15:30 to 16:00: estimated
#    with --hardware A100-SXM4-40GB (400 W) record by record,
#    400 W x (2 x 3600 s + 4 x 1800 s) = 5 760 000 J = 1.6 kWh.
# The same from sacct -P and from sacct --json, and scanned then rendered.
# With gpu-01's own nvidia-smi log instead of the export (its power entry in
# the configuration declares its host), 9001 is charged that log during its
# first record only, 0.3 kWh, coverage 1; 9002, on gpu-02, none of it: it is
# estimated, 400 W x 3600 s = 0.4 kWh.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 scratch=$4
. "$(dirname "$0")/lib/summaries.sh"
rm -rf "$scratch" && mkdir -p "$scratch/plain" "$scratch/json" "$scratch/smi"
python3 - "$scratch" <<'PY'
import json, os, sys, datetime as dt
out = sys.argv[1]
def ts(h, m):
    return int(dt.datetime(2024, 3, 1, h, m, tzinfo=dt.timezone.utc).timestamp())
result = []
for host, w in (("gpu-01", 300), ("gpu-02", 200)):
    m = {"__name__": "DCGM_FI_DEV_POWER_USAGE", "Hostname": host, "gpu": "0",
         "UUID": "GPU-%s-0" % host, "modelName": "NVIDIA A100-SXM4-40GB"}
    result.append({"metric": m, "values": [[t, str(w)] for t in range(ts(9, 50), ts(13, 10) + 1, 30)]})
prom = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}})
for d in ("plain", "json"):
    open(os.path.join(out, d, "dcgm.json"), "w").write(prom + "\n")
head = "JobID|JobIDRaw|JobName|Partition|User|State|Start|End|Elapsed|NodeList|AllocTRES|WorkDir|ConsumedEnergyRaw"
def row(j, state, a, b, node, gpus):
    return "%s|%s|j%s|gpu|ana|%s|2024-03-01T%s:00|2024-03-01T%s:00|01:00:00|%s|gres/gpu=%d,node=1|/p/%s|" % (
        j, j, j, state, a, b, node, gpus, j)
def step(j, a, b, node, gpus):
    return "%s.batch|%s.batch|batch|||COMPLETED|2024-03-01T%s:00|2024-03-01T%s:00|01:00:00|%s|gres/gpu=%d,node=1||" % (
        j, j, a, b, node, gpus)
rows = [row("9001", "REQUEUED", "10:00", "11:00", "gpu-01", 1), step("9001", "10:00", "11:00", "gpu-01", 1),
        row("9001", "COMPLETED", "11:30", "13:00", "gpu-02", 1), step("9001", "11:30", "13:00", "gpu-02", 1),
        row("9002", "COMPLETED", "10:00", "11:00", "gpu-02", 1),
        row("9003", "REQUEUED", "14:00", "15:00", "gpu-01", 2),
        row("9003", "COMPLETED", "15:30", "16:00", "gpu-02", 4)]
for d in ("plain", "smi"):
    open(os.path.join(out, d, "sacct.txt"), "w").write("\n".join([head] + rows) + "\n")
for host, w in (("gpu-01", 300),):
    lines = ["timestamp, index, name, power.draw [W]"]
    for t in range(ts(9, 50), ts(13, 10) + 1, 10):
        when = dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y/%m/%d %H:%M:%S.000")
        lines.append("%s, 0, NVIDIA A100-SXM4-40GB, %d.00 W" % (when, w))
    open(os.path.join(out, "smi", host + ".csv"), "w").write("\n".join(lines) + "\n")
open(os.path.join(out, "smi", "trainprint.yaml"), "w").write(
    "power:\n  - files: gpu-01.csv\n    host: gpu-01\n")
def job(j, state, a, b, node, gpus):
    return {"job_id": int(j), "name": "j" + j, "user": "ana", "nodes": node,
            "state": {"current": [state], "reason": "None"},
            "time": {"start": ts(*a), "end": ts(*b), "elapsed": ts(*b) - ts(*a)},
            "tres": {"allocated": [{"type": "gres", "name": "gpu", "id": 1001, "count": gpus}]},
            "working_directory": "/p/" + j, "steps": []}
jobs = [job("9001", "REQUEUED", (10, 0), (11, 0), "gpu-01", 1),
        job("9001", "COMPLETED", (11, 30), (13, 0), "gpu-02", 1),
        job("9002", "COMPLETED", (10, 0), (11, 0), "gpu-02", 1),
        job("9003", "REQUEUED", (14, 0), (15, 0), "gpu-01", 2),
        job("9003", "COMPLETED", (15, 30), (16, 0), "gpu-02", 4)]
json.dump({"jobs": jobs, "meta": {"plugin": {"data_parser": "data_parser/v0.0.40"}},
           "errors": [], "warnings": []}, open(os.path.join(out, "json", "sacct.json"), "w"))
PY
export TRAINPRINT_CHECK=1
rc=0
check() { # SUMMARY_JSON WHAT
  python3 - "$1" "$2" <<'PY'
import json, sys
runs = {r["id"]: r for r in json.load(open(sys.argv[1]))["runs"]}
what = sys.argv[2]
bad = 0
def fail(*a):
    global bad
    print("FAIL (%s):" % what, *a); bad += 1
def kwh(j): return runs.get("slurm/" + j, {}).get("energy", {})
want = {"9001": ("integrated", 0.6), "9002": ("integrated", 0.2), "9003": ("estimated", 1.6)}
if what == "smi":
    want.update({"9001": ("integrated", 0.3), "9002": ("estimated", 0.4)})
for j, (method, k) in want.items():
    e = kwh(j)
    if e.get("method") != method or abs((e.get("it_kwh") or 0) - k) > 1e-6:
        fail(j, e.get("method"), e.get("it_kwh"), "expected", method, k)
e1 = kwh("9001")
devs = sorted((d.get("host"), round(d["it_kwh"] * 3.6e6)) for d in e1.get("devices", []))
if devs != [("gpu-01", 1080000)] + ([("gpu-02", 1080000)] if what != "smi" else []):
    fail("9001 devices", devs)
if abs(e1.get("coverage", 0) - 1) > 1e-4: fail("9001 coverage", e1.get("coverage"))
if e1.get("shared") or kwh("9002").get("shared"): fail("9001 or 9002 shared")
r1 = runs.get("slurm/9001", {})
if r1.get("hosts") != ["gpu-01", "gpu-02"]: fail("9001 hosts", r1.get("hosts"))
sl = r1.get("slurm", {})
if sl.get("nodes") != 2 or sl.get("segments") != 2: fail("9001 slurm", sl)
rec = [(x["start"][11:16], x["end"][11:16], x["nodes"], x["gpus"]) for x in sl.get("records", [])]
if rec != [("10:00", "11:00", ["gpu-01"], 1), ("11:30", "13:00", ["gpu-02"], 1)]:
    fail("9001 records", rec)
notes = " ".join(r1.get("diagnostics", []))
if "requeued onto other nodes" not in notes or "11:30:00 to 2024-03-01 13:00:00 UTC, on gpu-02" not in notes:
    fail("9001 note", notes)
n3 = " ".join(runs.get("slurm/9003", {}).get("diagnostics", []))
if "different GPU counts (2, 4" not in n3: fail("9003 note", n3)
rec2 = [x["nodes"] for x in runs.get("slurm/9002", {}).get("slurm", {}).get("records", [])]
if rec2 != [["gpu-02"]]: fail("9002 records", rec2)
sys.exit(1 if bad else 0)
PY
}
for form in plain json smi; do
  if ! "$tp" report --timezone UTC --hardware A100-SXM4-40GB "$scratch/$form" -o "$scratch/site-$form" \
      2>"$scratch/err-$form"; then
    echo "FAIL: report ($form)"; cat "$scratch/err-$form"; rc=1; continue
  fi
  check "$scratch/site-$form/summary.json" "$form" || rc=1
done
# Scanned then rendered, the records and their charges come out the same.
"$tp" scan -q --timezone UTC --hardware A100-SXM4-40GB "$scratch/plain" -o "$scratch/sums" &&
  "$tp" render -q "$scratch/sums" -o "$scratch/site2" || { echo "FAIL: scan/render"; rc=1; }
same_summary "$scratch/site-plain" "$scratch/site2" || rc=1
exit $rc
