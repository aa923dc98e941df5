#!/usr/bin/env bash
# Slurm accounting as runs (tests/data/slurm): a sacct -P file of 20 jobs on 3
# nodes (gpu-01..03) with their .batch and .extern steps, and a sacct --json
# file of one job.  Every job that started is a run slurm/<id> with the hosts,
# GPUs and window written here by hand from the file:
#   - 7004 held all three nodes and 12 GPUs; 7009 one MIG slice (1 GPU);
#   - 7007's name holds a '|' ("sweep|lr=3e-4"); 6990_3 is an array task;
#   - 7013 was requeued: a record on gpu-03 (14:20-14:25), then gpu-02
#     (14:30-14:50): one run from 14:20 to 14:50 on both hosts, the 5
#     minutes between its records (pending again) not charged;
#   - 7019 is still running: charged up to when sacct was run, its start
#     plus Elapsed (17:30 + 00:20:00 = 17:50), and says so; the file's time
#     (set to 2024-03-01T18:00:00Z here) is not used: copies change it;
#   - 7020 never started (PENDING): no run;
#   - cluster/runs/train-3 holds slurm-7003.out: it is job 7003's run, its
#     window the allocation (09:30-09:50), not its logs' (09:32-09:48);
#   - cluster/copied/runs/r5 (a copy off the cluster) ends with job 7005's
#     WorkDir /proj/ana/runs/r5 ("runs/r5", two components): 7005's run,
#     10:30-10:50 on gpu-03, declared 600000 J = 0.166667 kWh;
#   - cluster/runs/rec records SLURM_JOB_ID 7010 in its config: 7010's run,
#     13:00-13:20 on gpu-02, declared 1100000 J = 0.305556 kWh;
#   - 7000's device gpu0 (an nvidia-smi trace with no declared host) is on
#     the run's host, gpu-01.
# gpu-01-power.csv holds one GPU at 300 W from 07:50 to 08:25: job 7000
# (08:00-08:20) is charged 300 W x 1200 s = 0.1 kWh integrated, the idle time
# around it no one; its whole-node ConsumedEnergyRaw (500 000 J) is not added:
# the rest, 500 000 - 360 000 = 140 000 J (0.038889 kWh), is its host_energy_j.  No trace covers the others: a job's ConsumedEnergyRaw is its declared energy (the
# whole node's, the default scope); 7002, 7004 and 7017 have none, and with
# --hardware "A100-SXM4-40GB" are estimated at 400 W per GPU Slurm allocated:
# 7004, 12 x 400 W x 1200 s = 5 760 000 J = 1.6 kWh.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
. "$(dirname "$0")/lib/summaries.sh"
rm -rf "$scratch" && mkdir -p "$scratch"
cp -r "$src/tests/data/slurm" "$scratch/lab"
touch -d '2024-03-01 18:00:00 UTC' "$scratch/lab/cluster/sacct.txt"
export TRAINPRINT_CHECK=1
if ! "$tp" report --timezone UTC "$scratch/lab" -o "$scratch/site" --hardware A100-SXM4-40GB \
    2>"$scratch/err"; then
  echo "FAIL: report"; cat "$scratch/err"; exit 1
fi
python3 - "$scratch/site/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
runs = {r["id"]: r for r in s["runs"]}
bad = 0
def fail(*a):
    global bad
    print("FAIL:", *a); bad += 1
def t(h, m): return "2024-03-01T%02d:%02d:00.000000Z" % (h, m)
want = {}
nodes = ["gpu-01", "gpu-02", "gpu-03"]
for i in range(20):
    jid = "6990_3" if i == 11 else str(7000 + i)
    h, m = divmod(8 * 60 + 30 * i, 60)
    e = divmod(8 * 60 + 30 * i + 20, 60)
    want[jid] = ([nodes[i % 3]], 1 + i % 4, t(h, m), t(*e))
want["7004"] = (nodes, 12, t(10, 0), t(10, 20))
want["7009"] = (["gpu-01"], 1, t(12, 30), t(12, 50))
want["7013"] = (["gpu-03", "gpu-02"], 2, t(14, 20), t(14, 50))
want["7019"] = (["gpu-02"], 4, t(17, 30), t(17, 50))
want["8100"] = (["gpu-02", "gpu-03"], 8, "2024-03-01T11:00:00.000000Z", "2024-03-01T12:00:00.000000Z")
got = {r["slurm"]["job_id"]: r for r in runs.values() if r.get("slurm")}
if len(got) != 21 or len(runs) != 21: fail("runs", sorted(runs))
# The run folder holding slurm-7003.out is job 7003's run (not slurm/7003),
# charged for the allocation, its logs' window (09:32-09:48) in a note.
if "cluster/runs/train-3" not in runs or "slurm/7003" in runs: fail("7003's folder", sorted(runs))
if not any("logs' own window is 2024-03-01 09:32:00" in d
           for d in got.get("7003", {}).get("diagnostics", [])): fail("7003 note")
for jid, (hosts, gpus, start, end) in want.items():
    r = got.get(jid)
    if not r: fail("missing", jid); continue
    sl = r["slurm"]
    if r["hosts"] != hosts: fail(jid, "hosts", r["hosts"], hosts)
    if sl["gpus"] != gpus: fail(jid, "gpus", sl["gpus"], gpus)
    if r["start"] != start or r["end"] != end: fail(jid, "window", r["start"], r["end"], start, end)
    if r["window_source"] != "Slurm accounting": fail(jid, "window_source", r["window_source"])
    declared = sl["consumed_energy_j"]
    if jid == "7000":  # the trace: 300 W x 1200 s, its declared figure passed over
        method, kwh = "integrated", 300 * 1200 / 3.6e6
    elif declared is None:  # 7002, 7004, 7017: estimated from the allocation
        method, kwh = "estimated", gpus * 400 * r["duration_s"] / 3.6e6
    else:
        method, kwh = "declared", declared / 3.6e6
    if r["energy"]["method"] != method or abs(r["energy"]["it_kwh"] - kwh) > 1e-6:
        fail(jid, "energy", r["energy"]["method"], r["energy"]["it_kwh"], method, kwh)
for jid, rid in (("7005", "cluster/copied/runs/r5"), ("7010", "cluster/runs/rec")):
    if runs.get(rid, {}).get("slurm", {}).get("job_id") != jid or "slurm/" + jid in runs:
        fail(jid, "run folder", rid)
if not any("ends with the job's working directory /proj/ana/runs/r5" in d
           for d in got.get("7005", {}).get("diagnostics", [])): fail("7005 note")
if not any("logs' own window is 2024-03-01 13:05:00" in d
           for d in got.get("7010", {}).get("diagnostics", [])): fail("7010 note")
devs = got.get("7000", {}).get("energy", {}).get("devices", [])
if [(d["id"], d["host"]) for d in devs] != [("gpu0", "gpu-01")]: fail("7000 device host", devs)
if got.get("7007", {}).get("slurm", {}).get("name") != "sweep|lr=3e-4": fail("7007 name")
if got.get("7015", {}).get("slurm", {}).get("state") != "CANCELLED": fail("7015 state")
sl0 = got.get("7000", {}).get("slurm", {})
if sl0.get("consumed_energy_j") != 500000: fail("7000 energy")
# The node's 500 000 J less the GPU's 360 000 J is the host's, not added.
if sl0.get("host_energy_j") != 140000: fail("7000 host energy", sl0.get("host_energy_j"))
if not any("host energy of job 7000: 0.038889 kWh" in d
           for d in got.get("7000", {}).get("diagnostics", [])): fail("7000 host note")
if any(r["slurm"].get("host_energy_j") is not None for j, r in got.items() if j != "7000"):
    fail("host energy without a trace")
if got.get("7002", {}).get("slurm", {}).get("consumed_energy_j") is not None: fail("7002 energy")
if got.get("7013", {}).get("slurm", {}).get("consumed_energy_j") != 1402000: fail("7013 energy")
# Its 5 minutes pending between the records (14:25-14:30) are not charged.
if not any("2024-03-01 14:25:00 to 2024-03-01 14:30:00 UTC; 300 s" in d
           for d in got.get("7013", {}).get("diagnostics", [])): fail("7013 gap note")
if got.get("8100", {}).get("slurm", {}).get("consumed_energy_j") != 1800000: fail("8100 energy")
j19 = got.get("7019", {})
if j19.get("slurm", {}).get("end") is not None: fail("7019 end", j19.get("slurm"))
if not any("still running" in d for d in j19.get("diagnostics", [])): fail("7019 note")
if abs(got.get("7004", {}).get("energy", {}).get("it_kwh", 0) - 1.6) > 1e-6: fail("7004 kWh")
sys.exit(1 if bad else 0)
PY
rc=$?
# Scanned then rendered, the jobs come out as the report has them.
"$tp" scan -q --timezone UTC --hardware A100-SXM4-40GB "$scratch/lab" -o "$scratch/sums" &&
  "$tp" render -q "$scratch/sums" -o "$scratch/site2" || { echo "FAIL: scan/render"; rc=1; }
same_summary "$scratch/site" "$scratch/site2" || rc=1
# --noheader output named in the configuration, with its columns.
mkdir -p "$scratch/nh"
grep -v '^JobID' "$scratch/lab/cluster/sacct.txt" >"$scratch/nh/acct.txt"
cat >"$scratch/nh/trainprint.yaml" <<'YAML'
slurm:
  files: acct.txt
  columns: JobID,JobIDRaw,JobName%30,Partition,User,State,Start,End,Elapsed,NodeList,AllocTRES,WorkDir,ConsumedEnergyRaw
YAML
"$tp" report -q --timezone UTC "$scratch/nh" -o "$scratch/site3" 2>"$scratch/err3"
n=$(grep -c '"job_id"' "$scratch/site3/summary.json")
[ "$n" = 20 ] || { echo "FAIL: --noheader file gave $n jobs"; cat "$scratch/err3"; rc=1; }
# A trace whose power entry declares its host: the device is on that host
# (gpu-01.cluster.org, the long name of 7000's node), in report and in scan.
mkdir -p "$scratch/cfgh" && cp -r "$scratch/lab/cluster" "$scratch/cfgh/"
printf 'power:\n  - files: "cluster/gpu-01-power.csv"\n    host: gpu-01.cluster.org\n' \
  >"$scratch/cfgh/trainprint.yaml"
for how in report scan; do
  if [ $how = report ]; then
    "$tp" report -q --timezone UTC "$scratch/cfgh" -o "$scratch/cfgh-site" 2>/dev/null
  else
    "$tp" scan -q --timezone UTC -c "$scratch/cfgh/trainprint.yaml" "$scratch/cfgh" \
      -o "$scratch/cfgh-sums" 2>/dev/null &&
      "$tp" render -q -c "$scratch/cfgh/trainprint.yaml" "$scratch/cfgh-sums" \
        -o "$scratch/cfgh-site" 2>/dev/null
  fi
  python3 - "$scratch/cfgh-site/summary.json" <<'PY' || { echo "FAIL: declared host ($how)"; rc=1; }
import json, sys
runs = {r["id"]: r for r in json.load(open(sys.argv[1]))["runs"]}
devs = runs.get("slurm/7000", {}).get("energy", {}).get("devices", [])
sys.exit([(d["id"], d["host"]) for d in devs] != [("gpu0", "gpu-01.cluster.org")])
PY
  rm -rf "$scratch/cfgh-site"
done
# A folder whose path ends with the WorkDir of two jobs is neither's run, and
# says so; one whose path shares only its last component is no job's.
mkdir -p "$scratch/amb/copy/runs/x" "$scratch/amb/copy/y"
cp "$scratch/lab/cluster/runs/train-3/config.json" "$scratch/lab/cluster/runs/train-3/run.json" \
  "$scratch/amb/copy/runs/x/"
cp "$scratch/lab/cluster/runs/train-3/config.json" "$scratch/lab/cluster/runs/train-3/run.json" \
  "$scratch/amb/copy/y/"
{ head -1 "$scratch/lab/cluster/sacct.txt"
  echo "8001|8001|a|gpu|ana|COMPLETED|2024-03-01T09:30:00|2024-03-01T09:50:00|00:20:00|gpu-01|gres/gpu=1,node=1|/p/a/runs/x|"
  echo "8002|8002|b|gpu|ana|COMPLETED|2024-03-01T09:30:00|2024-03-01T09:50:00|00:20:00|gpu-02|gres/gpu=1,node=1|/p/b/runs/x|"
  echo "8003|8003|c|gpu|ana|COMPLETED|2024-03-01T09:30:00|2024-03-01T09:50:00|00:20:00|gpu-02|gres/gpu=1,node=1|/p/b/other/y|"
} >"$scratch/amb/sacct.txt"
"$tp" report -q --timezone UTC "$scratch/amb" -o "$scratch/site4" 2>"$scratch/err4"
python3 - "$scratch/site4/summary.json" <<'PY' || rc=1
import json, sys
runs = {r["id"]: r for r in json.load(open(sys.argv[1]))["runs"]}
bad = 0
x, y = runs.get("copy/runs/x", {}), runs.get("copy/y", {})
if x.get("slurm") is not None or y.get("slurm") is not None:
    print("FAIL: ambiguous or one-component WorkDir taken"); bad = 1
if not any("working directory of 2 Slurm jobs" in d for d in x.get("diagnostics", [])):
    print("FAIL: no note on the ambiguous folder", x.get("diagnostics")); bad = 1
if not all("slurm/" + j in runs for j in ("8001", "8002", "8003")):
    print("FAIL: jobs 8001-8003 not runs of their own", sorted(runs)); bad = 1
sys.exit(bad)
PY
exit $rc
