#!/usr/bin/env bash
# The GPUs a Slurm job held, from DCGM's job label, SLURM_JOB_GPUS and
# CUDA_VISIBLE_DEVICES inside the job (docs/attribution.md, "Slurm jobs").
# A Prometheus export (every 30 s, 09:50 to 11:10 UTC on 2024-03-01) of three
# hosts of 4 GPUs each, with constant power, and a sacct file; energies by
# hand (a label is seen at scrapes only: a hold reaches one step, 30 s, past
# its first and last value, inside the job's window here):
#  - node1/gpu0 at 200 W is labelled 501 from 10:00 to 10:40 and 502 from
#    10:20 to 11:00 (jobs 501: 10:00-10:40, 502: 10:20-11:00): shared from
#    10:20 to 10:40, split, never added: each job 200 W x 1200 s alone plus
#    200 W x 1200 s / 2 = 360 000 J = 0.1 kWh;
#  - node1/gpu1-3 at 50 W have no label: job 507 (node1, 10:00-10:40, no
#    label, nothing recorded) is charged them, its allocation, but not gpu0,
#    which labels give to other jobs: 3 x 50 W x 2400 s = 0.1 kWh;
#  - node2's GPUs draw 100, 150, 200, 250 W: job 503 (10:00-10:30) is
#    labelled on gpu1 and gpu3 only: (150 + 250) W x 1800 s = 0.2 kWh;
#    job 506 (10:40-11:00) labelled on gpu0 and gpu2, whose run folder
#    records CUDA_VISIBLE_DEVICES=1: the second of its GPUs, gpu2:
#    200 W x 1200 s = 240 000 J;
#  - node3's GPUs (no labels) draw 100, 150, 200, 250 W: job 504
#    (10:00-10:30), whose run folder (W&B metadata: its "slurm" object
#    gives the job id) records SLURM_JOB_GPUS=2,3 in its environment:
#    (200 + 250) W x 1800 s = 810 000 J; job 505 (10:40-11:00) records
#    SLURM_JOB_GPUS=0,2 and CUDA_VISIBLE_DEVICES=1: GPU 2, 200 W x 1200 s.
# A configured job label (slurm: job_label) is read before hpc_job.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 scratch=$4
. "$(dirname "$0")/lib/summaries.sh"
rm -rf "$scratch" && mkdir -p "$scratch/lab"
python3 - "$scratch/lab" <<'PY'
import json, os, sys, datetime as dt
lab = sys.argv[1]
def ts(h, m):
    return int(dt.datetime(2024, 3, 1, h, m, tzinfo=dt.timezone.utc).timestamp())
watts = {("node1", 0): 200, ("node1", 1): 50, ("node1", 2): 50, ("node1", 3): 50}
for host in ("node2", "node3"):
    for g, w in enumerate((100, 150, 200, 250)):
        watts[(host, g)] = w
# (host, gpu) -> [(job, from, to)] as the exporter labels it
labels = {("node1", 0): [("501", ts(10, 0), ts(10, 40)), ("502", ts(10, 20), ts(11, 0))],
          ("node2", 1): [("503", ts(10, 0), ts(10, 30))], ("node2", 3): [("503", ts(10, 0), ts(10, 30))],
          ("node2", 0): [("506", ts(10, 40), ts(11, 0))], ("node2", 2): [("506", ts(10, 40), ts(11, 0))]}
# Three answers, one per time range (as users save them), each with a series
# per device and label, in the order of their first value.
def label_at(host, g, t):
    return [j for j, a, b in labels.get((host, g), []) if a <= t <= b] or [None]
answers = []
for lo, hi in ((ts(9, 50), ts(10, 0) - 1), (ts(10, 0), ts(11, 0)), (ts(11, 0) + 1, ts(11, 10))):
    result = []
    for (host, g), w in sorted(watts.items()):
        base = {"__name__": "DCGM_FI_DEV_POWER_USAGE", "Hostname": host, "gpu": str(g),
                "UUID": "GPU-%s-%d" % (host, g), "instance": host + ":9400",
                "modelName": "NVIDIA A100-SXM4-80GB"}
        series = {}
        for t in range(ts(9, 50), ts(11, 10) + 1, 30):
            if lo <= t <= hi:
                for j in label_at(host, g, t):
                    series.setdefault(j, []).append([t, str(w)])
        for j, vals in sorted(series.items(), key=lambda kv: kv[1][0][0]):
            m = dict(base, hpc_job="x" + j, slurm_job=j) if j else base
            result.append({"metric": m, "values": vals})
    answers.append(json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}))
open(os.path.join(lab, "dcgm.json"), "w").write("\n".join(answers) + "\n")
head = "JobID|JobIDRaw|JobName|Partition|User|State|Start|End|Elapsed|NodeList|AllocTRES|WorkDir|ConsumedEnergyRaw"
def row(j, node, n, a, b):
    return "%s|%s|j%s|gpu|ana|COMPLETED|2024-03-01T%s:00|2024-03-01T%s:00|00:20:00|%s|gres/gpu=%d,node=1|/p/%s|" % (
        j, j, j, a, b, node, n, j)
rows = [row("501", "node1", 1, "10:00", "10:40"), row("502", "node1", 1, "10:20", "11:00"),
        row("503", "node2", 2, "10:00", "10:30"), row("504", "node3", 2, "10:00", "10:30"),
        row("505", "node3", 2, "10:40", "11:00"), row("506", "node2", 2, "10:40", "11:00"),
        row("507", "node1", 3, "10:00", "10:40")]
open(os.path.join(lab, "sacct.txt"), "w").write("\n".join([head] + rows) + "\n")
def sacred(d, host, cfg, a, b):
    os.makedirs(d)
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"))
    json.dump({"command": "train", "experiment": {"name": "train"}, "host": {"hostname": host},
               "start_time": "2024-03-01T%s:00.000000" % a, "status": "COMPLETED",
               "stop_time": "2024-03-01T%s:00.000000" % b, "heartbeat": "2024-03-01T%s:00.000000" % b},
              open(os.path.join(d, "run.json"), "w"))
sacred(os.path.join(lab, "runs/r505"), "node3",
       {"seed": 1, "SLURM_JOB_ID": "505", "SLURM_JOB_GPUS": "0,2", "CUDA_VISIBLE_DEVICES": "1"},
       "10:41", "10:59")
sacred(os.path.join(lab, "runs/r506"), "node2",
       {"seed": 2, "SLURM_JOB_ID": "506", "CUDA_VISIBLE_DEVICES": "1"}, "10:41", "10:59")
# A W&B run whose metadata names its Slurm job and GPUs.
w = os.path.join(lab, "runs/r504/wandb/run-20240301_100100-abc/files")
os.makedirs(w)
json.dump({"startedAt": "2024-03-01T10:01:00.000000", "host": "node3",
           "slurm": {"job_id": "504", "job_gpus": "2,3"},
           "env": {"SLURM_JOB_GPUS": "2,3"}}, open(os.path.join(w, "wandb-metadata.json"), "w"))
open(os.path.join(w, "wandb-summary.json"), "w").write('{"loss": 0.5, "_timestamp": %d, "_runtime": 1680}' % (ts(10, 29)))
open(os.path.join(w, "config.yaml"), "w").write("seed:\n  value: 3\n")
open(os.path.join(lab, "trainprint.yaml"), "w").write("slurm:\n  job_label: slurm_job\n")
PY
export TRAINPRINT_CHECK=1
if ! "$tp" report --timezone UTC "$scratch/lab" -o "$scratch/site" 2>"$scratch/err"; then
  echo "FAIL: report"; cat "$scratch/err"; exit 1
fi
python3 - "$scratch/site/summary.json" <<'PY'
import json, sys
runs = {r["id"]: r for r in json.load(open(sys.argv[1]))["runs"]}
jobs = {r["slurm"]["job_id"]: r for r in runs.values() if r.get("slurm")}
bad = 0
want = {"501": (360000, "dcgm-label"), "502": (360000, "dcgm-label"),
        "503": (720000, "dcgm-label"), "504": (810000, "SLURM_JOB_GPUS"),
        "505": (240000, "CUDA_VISIBLE_DEVICES"), "506": (240000, "CUDA_VISIBLE_DEVICES"),
        "507": (360000, "allocation")}
for j, (joules, source) in want.items():
    r = jobs.get(j)
    if not r:
        print("FAIL: no run of job", j, sorted(runs)); bad += 1; continue
    e = r["energy"]
    got = (e["it_kwh"] or 0) * 3.6e6
    if e["method"] != "integrated" or abs(got - joules) > joules * 1e-3:
        print("FAIL: job %s: %s %.1f J, expected %d J" % (j, e["method"], got, joules)); bad += 1
    if r["slurm"].get("gpu_source") != source:
        print("FAIL: job %s: gpu_source %s, expected %s" % (j, r["slurm"].get("gpu_source"), source)); bad += 1
for j, rid in (("504", "runs/r504/wandb/run-20240301_100100-abc"), ("505", "runs/r505"),
               ("506", "runs/r506")):
    if j in jobs and jobs[j]["id"] != rid:
        print("FAIL: job %s's run is %s, not %s" % (j, jobs[j]["id"], rid)); bad += 1
devs = lambda j: sorted(d["id"] for d in jobs.get(j, {}).get("energy", {}).get("devices", []))
for j, d in (("503", ["node2/gpu1", "node2/gpu3"]), ("506", ["node2/gpu2"]),
             ("504", ["node3/gpu2", "node3/gpu3"]), ("507", ["node1/gpu1", "node1/gpu2", "node1/gpu3"])):
    if devs(j) != d:
        print("FAIL: job %s devices %s, expected %s" % (j, devs(j), d)); bad += 1
if not jobs.get("501", {}).get("energy", {}).get("shared"):
    print("FAIL: 501 not marked shared"); bad += 1
notes = " ".join(jobs.get("505", {}).get("diagnostics", []))
if "counted within SLURM_JOB_GPUS=0,2" not in notes or "dcgm.json" not in notes:
    print("FAIL: 505's note:", notes); bad += 1
if "not while the exporter's job label gives a GPU to another job (node1/gpu0" not in \
        " ".join(jobs.get("507", {}).get("diagnostics", [])):
    print("FAIL: 507's note:", jobs.get("507", {}).get("diagnostics")); bad += 1
sys.exit(1 if bad else 0)
PY
rc=$?
if ! grep -q "held by two jobs at once" "$scratch/err"; then
  echo "FAIL: no note on the shared GPU"; rc=1
fi
# Scanned then rendered, the same.
"$tp" scan -q --timezone UTC -c "$scratch/lab/trainprint.yaml" "$scratch/lab" -o "$scratch/sums" &&
  "$tp" render -q -c "$scratch/lab/trainprint.yaml" "$scratch/sums" -o "$scratch/site2" ||
  { echo "FAIL: scan/render"; rc=1; }
same_summary "$scratch/site" "$scratch/site2" || rc=1
exit $rc
