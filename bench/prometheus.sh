#!/bin/bash
# Benchmark of the Prometheus reader (DCGM metrics saved from query_range): a
# day of 64 GPUs (8 hosts of 8) at a 15 s step, 368,640 points per metric, as
#   1. power only (DCGM_FI_DEV_POWER_USAGE, one answer);
#   2. power and the energy counter (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION), two
#      answers as JSON lines: the counter is used, the power series passed over;
#   3. the same gzip-compressed;
#   4. power with job labels: each GPU's day split in three series (idle, a
#      job's from 06:00 to 18:00, idle again), the job's first, so that the
#      reader merges them by time.
# Values repeat in pairs (DCGM collects every 30 s).  Each file is read into a
# counting sink; wall time of the read and peak memory (/usr/bin/time -v).
#
#   bench/prometheus.sh [HOURS]     (default 24)
#
# Builds bench/prom_read.c with the parser sources at -O2 (no CMake), and
# writes the files under bench/work/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
HOURS=${1:-24}
WORK=bench/work
mkdir -p "$WORK"
CC=${CC:-cc}
SRC="parser/text/timefmt.c parser/text/csv.c parser/power/*.c parser/text/number.c model/diag.c
     model/mem.c model/trace.c model/utctime.c"
# shellcheck disable=SC2086
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I. \
    bench/prom_read.c $SRC -lpcre2-8 -lz -lm -lpthread -o "$WORK/prom_read"
P="$WORK/dcgm-${HOURS}h-64gpu-power.json" B="$WORK/dcgm-${HOURS}h-64gpu-both.jsonl"
if [ ! -s "$B.gz" ]; then
  echo "generating $P, $B, $B.gz"
  python3 - "$HOURS" "$P" "$B" <<'PY'
import gzip, json, sys
hours, p_path, b_path = float(sys.argv[1]), sys.argv[2], sys.argv[3]
t0, step, n = 1704067200, 15, int(hours * 3600 / 15)
def series(name, host, g, values):
    m = {"__name__": name, "Hostname": "gpu-%02d" % host, "gpu": str(g),
         "UUID": "GPU-%02d-%d" % (host, g), "instance": "10.0.0.%d:9400" % host,
         "job": "dcgm", "modelName": "NVIDIA H100 80GB HBM3"}
    return {"metric": m, "values": [[t0 + k * step, v] for k, v in enumerate(values)]}
def answer(result):
    return json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}},
                      separators=(",", ":"))
power, energy = [], []
for h in range(8):
    for g in range(8):
        w = [200 + ((k // 2) * 37 + 13 * g + 7 * h) % 400 for k in range(n)]
        power.append(series("DCGM_FI_DEV_POWER_USAGE", h, g, ["%.3f" % x for x in w]))
        mj, acc = [], 1e9
        for k in range(n):
            mj.append("%.0f" % acc)
            acc += w[k] * step * 1000
        energy.append(series("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", h, g, mj))
open(p_path, "w").write(answer(power) + "\n")
both = answer(power) + "\n" + answer(energy) + "\n"
open(b_path, "w").write(both)
with gzip.open(b_path + ".gz", "wt", compresslevel=6) as f:
    f.write(both)
PY
fi
J="$WORK/dcgm-${HOURS}h-64gpu-jobs.json"
if [ ! -s "$J" ]; then
  echo "generating $J"
  python3 - "$P" "$J" <<'PY'
import json, sys
answer = json.load(open(sys.argv[1]))
result = []
for s in answer["data"]["result"]:
    v = s["values"]
    a, b = len(v) // 4, 3 * len(v) // 4
    job = dict(s["metric"], hpc_job="%s-%s" % (s["metric"]["Hostname"], s["metric"]["gpu"]))
    result.append({"metric": job, "values": v[a:b]})
    result.append({"metric": s["metric"], "values": v[:a] + v[b:]})
answer["data"]["result"] = result
open(sys.argv[2], "w").write(json.dumps(answer, separators=(",", ":")) + "\n")
PY
fi
ls -l "$P" "$B" "$B.gz" "$J"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
for f in "$P" "$B" "$B.gz" "$J"; do
  log="$WORK/time-prom.txt"
  echo "== $f"
  /usr/bin/time -v "$WORK/prom_read" "$f" 2> "$log"
  grep -E "User time|System time|Elapsed \(wall|Maximum resident" "$log"
done
