#!/usr/bin/env bash
# A GPU whose job label comes and goes is several series in one Prometheus
# answer, each saved whole, in any order: the idle series (no label) with a
# hole while the job ran, and the job's series.  They are one trace, merged by
# time, and the job is charged its energy (docs/attribution.md, "Slurm jobs").
# node1/gpu0, every 30 s from 10:00:00 to 10:10:00 UTC on 2024-03-01, idle at
# 60 W and labelled hpc_job=601 from 10:03:00 to 10:06:00 at 300 W; job 601
# (sacct) ran from 10:02:30 to 10:06:30, which is also its label's hold (a
# label is seen at scrapes only: one step, 30 s, each side).  By hand:
#  - power (trapezoids): 10:02:30-10:03:00 (60 + 300) / 2 W x 30 s = 5400 J,
#    10:03-10:06 300 W x 180 s = 54 000 J, 10:06:00-10:06:30 5400 J:
#    64 800 J = 0.018 kWh;
#  - the energy counter (mJ): 1.8 kJ a step while idle, 9 kJ a step for the
#    eight steps that end from 10:03:00 to 10:06:30 (the job's): the job's
#    window holds those eight, 72 000 J = 0.02 kWh.
# Each metric with the job's series first and last: the same energy.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

python3 - "$scratch" <<'PY'
import json, os, sys, datetime as dt
root = sys.argv[1]
t0 = int(dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.timezone.utc).timestamp())
times = list(range(t0, t0 + 601, 30))
job = lambda t: t0 + 180 <= t <= t0 + 360
watts = {t: 300 if job(t) else 60 for t in times}
mj, acc = {}, 5e9
for t in times:
    if t > t0:
        acc += 9e6 if t0 + 180 <= t <= t0 + 390 else 1.8e6
    mj[t] = acc
base = {"Hostname": "node1", "gpu": "0", "UUID": "GPU-aaa", "instance": "node1:9400",
        "modelName": "NVIDIA A100-SXM4-80GB"}
head = "JobID|JobIDRaw|JobName|Partition|User|State|Start|End|Elapsed|NodeList|AllocTRES|WorkDir|ConsumedEnergyRaw"
sacct = "601|601|train|gpu|ana|COMPLETED|2024-03-01T10:02:30|2024-03-01T10:06:30|00:04:00|node1|gres/gpu=1,node=1|/p/601|\n"
for metric, vals in (("DCGM_FI_DEV_POWER_USAGE", watts), ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", mj)):
    idle = {"metric": dict(base, __name__=metric),
            "values": [[t, "%.0f" % vals[t]] for t in times if not job(t)]}
    held = {"metric": dict(base, __name__=metric, hpc_job="601"),
            "values": [[t, "%.0f" % vals[t]] for t in times if job(t)]}
    for order, result in (("first", [held, idle]), ("last", [idle, held])):
        lab = os.path.join(root, "%s-%s" % (metric.split("_")[-1].lower(), order))
        os.makedirs(lab)
        answer = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        open(os.path.join(lab, "dcgm.json"), "w").write(json.dumps(answer) + "\n")
        open(os.path.join(lab, "sacct.txt"), "w").write(head + "\n" + sacct)
PY

job_energy() { # SUMMARY METHOD JOULES: job 601's energy
  python3 - "$@" <<'PY'
import json, sys
path, method, want = sys.argv[1], sys.argv[2], float(sys.argv[3])
runs = [r for r in json.load(open(path))["runs"] if (r.get("slurm") or {}).get("job_id") == "601"]
if len(runs) != 1:
    print("  %d runs of job 601" % len(runs)); sys.exit(1)
e = runs[0]["energy"]
got = (e["it_kwh"] or 0) * 3.6e6
if e["method"] != method or abs(got - want) > want * 1e-3:
    print("  job 601: %s %.1f J, expected %s %.0f J" % (e["method"], got, method, want)); sys.exit(1)
if runs[0]["slurm"].get("gpu_source") != "dcgm-label":
    print("  job 601: gpu_source %s" % runs[0]["slurm"].get("gpu_source")); sys.exit(1)
PY
}

export TRAINPRINT_CHECK=1
for lab in usage-first usage-last consumption-first consumption-last; do
  "$tp" report --timezone UTC "$scratch/$lab" -o "$scratch/site-$lab" 2>"$scratch/$lab.err"
  check "$lab: report exits 0" test $? -eq 0
  case $lab in
    usage-*) check "$lab: 64 800 J integrated" job_energy "$scratch/site-$lab/summary.json" integrated 64800 ;;
    *) check "$lab: 72 000 J measured" job_energy "$scratch/site-$lab/summary.json" measured 72000 ;;
  esac
  check "$lab: nothing dropped as a repeat" bash -c "! grep -q 'counted once' '$scratch/$lab.err'"
  check "$lab: no stale values" bash -c "! grep -q 'stale' '$scratch/$lab.err'"
  check "$lab: the merge said" grep -q "node1/gpu0 DCGM_FI_DEV_.*read out of time order, from 2 series" "$scratch/$lab.err"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
