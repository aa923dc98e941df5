#!/usr/bin/env bash
# Slurm jobs charged through DCGM job labels, scanned apart, then rendered: the
# site of `report`, byte for byte (docs/attribution.md, "Slurm jobs" and "Runs
# scanned apart").  A Prometheus export (every 30 s, 09:50 to 11:10 UTC on
# 2024-03-01) of node1's GPUs at constant power, and three jobs on node1,
# each in its own accounting file (jobs/60N/sacct.txt, or in the job's run
# folder), so each can be scanned alone (`scan --root LAB LAB/jobs/60N`: the
# export lies above).
# A label is seen at scrapes only: a hold reaches one step, 30 s, past its
# first and last labelled value.  By hand:
#  - job 601 (10:00-10:40) is labelled on gpu1 (100 W) from 10:00 to 10:40
#    (held 09:59:30-10:40:30: its whole window, 2400 s) and on gpu0 (200 W)
#    from 10:10 to 10:30 only (held 10:09:30-10:30:30);
#  - job 602 (10:15-11:00) is labelled on gpu2 (150 W) from 10:15 to 11:00
#    (its whole window, 2700 s) and on gpu0 from 10:20 to 10:50 (held
#    10:19:30-10:50:30);
#  - gpu0 is held by both from 10:19:30 to 10:30:30 (660 s): split, never
#    added.  601: 100 W x 2400 s + 200 W x 600 s + 200 W x 660 s / 2 =
#    426 000 J; 602: 150 W x 2700 s + 200 W x 660 s / 2 + 200 W x 1200 s =
#    711 000 J;
#  - job 603 (10:30-10:50) has no label: it is charged its allocation, node1's
#    GPUs while no other job's label holds them: gpu3 (50 W) 1200 s and gpu1
#    from 10:40:30, 570 s: 60 000 + 57 000 = 117 000 J.
# Scanned one job at a time, each scan sees the other jobs' labels but not
# their runs: render must split gpu0 again from what the summaries keep.  The
# same with the labels apart in time (602 holds gpu0 from 10:31 only): no
# split, and no warning of runs scanned apart.  And with 603 labelled on gpu0
# from 10:30 to 10:50 (held 10:29:30-10:50:30; it is then charged gpu0 only),
# 601 and 603 scanned together, 602 alone: gpu0 is split three ways over
# 10:30:00-10:30:30, two ways where two hold it: 601 240 000 + 120 000 +
# 60 000 + 3000 + 2000 = 425 000 J; 602 405 000 + 63 000 + 2000 + 117 000 +
# 6000 = 593 000 J; 603 2000 + 117 000 = 119 000 J.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

# lab DIR FROM WHERE [THREE]: the export and the accounting files, 602's
# label on gpu0 starting at 10:FROM; WHERE "jobs": each accounting file in
# jobs/60N (the jobs' runs are slurm/60N), "runs": in run folders runs/r60N
# that hold slurm-60N.out and a Sacred run of their own (the folders are the
# jobs' runs); THREE: 603 labelled on gpu0 too.
lab() {
python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import json, os, sys, datetime as dt
lab, from602, where, three = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def ts(h, m):
    return int(dt.datetime(2024, 3, 1, h, m, tzinfo=dt.timezone.utc).timestamp())
watts = {0: 200, 1: 100, 2: 150, 3: 50}
labels = {0: [("601", ts(10, 10), ts(10, 30)), ("602", ts(10, from602), ts(10, 50))],
          1: [("601", ts(10, 0), ts(10, 40))], 2: [("602", ts(10, 15), ts(11, 0))]}
if three:
    labels[0].append(("603", ts(10, 30), ts(10, 50)))
def label_at(g, t):
    return [j for j, a, b in labels.get(g, []) if a <= t <= b] or [None]
result = []
for g, w in sorted(watts.items()):
    base = {"__name__": "DCGM_FI_DEV_POWER_USAGE", "Hostname": "node1", "gpu": str(g),
            "UUID": "GPU-node1-%d" % g, "instance": "node1:9400",
            "modelName": "NVIDIA A100-SXM4-80GB"}
    series = {}
    for t in range(ts(9, 50), ts(11, 10) + 1, 30):
        for j in label_at(g, t):
            series.setdefault(j, []).append([t, str(w)])
    for j, vals in sorted(series.items(), key=lambda kv: kv[1][0][0]):
        result.append({"metric": dict(base, hpc_job=j) if j else base, "values": vals})
os.makedirs(lab)
answer = {"status": "success", "data": {"resultType": "matrix", "result": result}}
open(os.path.join(lab, "dcgm.json"), "w").write(json.dumps(answer) + "\n")
head = "JobID|JobIDRaw|JobName|Partition|User|State|Start|End|Elapsed|NodeList|AllocTRES|WorkDir|ConsumedEnergyRaw"
for j, a, b in (("601", "10:00", "10:40"), ("602", "10:15", "11:00"), ("603", "10:30", "10:50")):
    d = os.path.join(lab, where, ("r" if where == "runs" else "") + j)
    os.makedirs(d)
    if where == "runs":
        open(os.path.join(d, "slurm-%s.out" % j), "w").write("epoch 1\n")
        json.dump({"seed": int(j)}, open(os.path.join(d, "config.json"), "w"))
        la, lb = {"601": ("10:01", "10:39"), "602": ("10:16", "10:59"), "603": ("10:31", "10:49")}[j]  # the logs' own window
        json.dump({"command": "train", "experiment": {"name": "train"}, "host": {"hostname": "node1"},
                   "start_time": "2024-03-01T%s:00.000000" % la, "status": "COMPLETED",
                   "stop_time": "2024-03-01T%s:00.000000" % lb,
                   "heartbeat": "2024-03-01T%s:00.000000" % lb},
                  open(os.path.join(d, "run.json"), "w"))
    row = "%s|%s|j%s|gpu|ana|COMPLETED|2024-03-01T%s:00|2024-03-01T%s:00|00:40:00|node1|gres/gpu=2,node=1|/p/%s|" % (
        j, j, j, a, b, j)
    open(os.path.join(d, "sacct.txt"), "w").write(head + "\n" + row + "\n")
PY
}

# joules SITE JOB: the IT energy of the job's run in the site, in joules.
joules() {
  python3 -c "
import json, sys
runs = json.load(open('$1/summary.json'))['runs']
r = [r for r in runs if (r.get('slurm') or {}).get('job_id') == '$2']
print('%.1f' % ((r[0]['energy']['it_kwh'] or 0) * 3.6e6) if r else 'none')"
}
near() { python3 -c "import sys; sys.exit(0 if abs(float('$1') - $2) <= $2 * 1e-3 else 1)" 2>/dev/null; }

export TRAINPRINT_CHECK=1
for case in shared apart folders three; do
  from=20 where=jobs three=
  [ "$case" = apart ] && from=31
  [ "$case" = folders ] && where=runs
  [ "$case" = three ] && three=1
  l=$scratch/$case
  lab "$l" "$from" "$where" "$three"
  touch -h -d '2024-03-02 00:00:00 UTC' $(find "$l")
  "$tp" report -q --timezone UTC "$l" -o "$scratch/$case-report" 2>"$scratch/$case-err"
  check "$case: report" test $? -eq 0
  j1=$(joules "$scratch/$case-report" 601) j2=$(joules "$scratch/$case-report" 602)
  j3=$(joules "$scratch/$case-report" 603)
  if [ "$case" = three ]; then
    check "three: job 601 425000 J (got $j1)" near "$j1" 425000
    check "three: job 602 593000 J (got $j2)" near "$j2" 593000
    check "three: job 603 119000 J (got $j3)" near "$j3" 119000
  elif [ "$case" != apart ]; then
    check "$case: job 601 426000 J (got $j1)" near "$j1" 426000
    check "$case: job 602 711000 J (got $j2)" near "$j2" 711000
    check "$case: job 603 117000 J (got $j3)" near "$j3" 117000
  else
    # 602 holds gpu0 from 10:30:30 on: 601 has it alone until then.
    check "apart: job 601 492000 J (got $j1)" near "$j1" 492000
    check "apart: job 602 645000 J (got $j2)" near "$j2" 645000
  fi
  # One scan per job (601 and 603 in one scan in case three), then render.
  for j in 601 602 603; do
    d=$l/jobs/$j
    [ "$where" = runs ] && d=$l/runs/r$j
    [ "$case" = three ] && [ $j = 603 ] && continue
    [ "$case" = three ] && [ $j = 601 ] && set -- "$l/jobs/603" || set --
    "$tp" scan -q -j 1 --timezone UTC --root "$l" "$d" "$@" -o "$scratch/$case-sums"
    check "$case: scan of job $j" test $? -eq 0
  done
  check "$case: three summaries" test "$(ls "$scratch/$case-sums" | wc -l)" -eq 3
  "$tp" render -q "$scratch/$case-sums" -o "$scratch/$case-site" 2>"$scratch/$case-rerr"
  check "$case: render" test $? -eq 0
  check "$case: site by job identical to report's" diff -r "$scratch/$case-report" "$scratch/$case-site"
  check "$case: no warning of runs scanned apart" bash -c "! grep -q 'scanned apart' '$scratch/$case-site/summary.json'"
  # One scan of both, then render: the same.
  "$tp" scan -q --timezone UTC "$l" -o "$scratch/$case-sums2" &&
    "$tp" render -q "$scratch/$case-sums2" -o "$scratch/$case-site2"
  check "$case: scan of both + render" test $? -eq 0
  check "$case: site of one scan identical to report's" diff -r "$scratch/$case-report" "$scratch/$case-site2"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
