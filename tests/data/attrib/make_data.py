#!/usr/bin/env python3
"""Writes the small labs of tests/e2e/attribution.sh (run once; the output is
committed).  Every run logs a scalar at T0 + a .. T0 + b, so its window is
exactly [T0 + a, T0 + b]; every power trace is a constant power, so the energy
of a window it covers is power x seconds (worked out in attribution.sh).

Event files are written with ../tfrecord.py (TensorFlow's framing)."""
import os, sys, time

T0 = 1767607200  # 2026-01-05 10:00:00 UTC
HERE = os.path.dirname(os.path.abspath(__file__))

sys.path.insert(0, os.path.dirname(HERE))
from tfrecord import event, record  # noqa: E402

def run(path, a, b, host="node1"):
    """A run logging loss at T0+a, the middle and T0+b, on host."""
    os.makedirs(path, exist_ok=True)
    name = os.path.join(path, "events.out.tfevents.%d.%s.1.0" % (T0 + a, host))
    recs = [event(T0 + a, 0, version="brain.Event:2")]
    for i, t in enumerate((a, (a + b) / 2, b)):
        recs.append(event(T0 + t, i, "loss", 1.0 / (i + 1)))
    with open(name, "wb") as f:
        f.write(b"".join(record(r) for r in recs))

def stamp(t):
    import time
    return time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(t)) + ".000"

def nvsmi(path, a, b, step, watts, gpus=(0,)):
    """nvidia-smi --query-gpu=timestamp,index,name,power.draw --format=csv, from
    T0+a to T0+b every `step` seconds, constant power."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("timestamp, index, name, power.draw [W]\n")
        t = a
        while t <= b:
            for g in gpus:
                f.write("%s, %d, NVIDIA A100-SXM4-40GB, %.2f W\n" % (stamp(T0 + t), g, watts))
            t += step

CC_HEAD = ("timestamp,project_name,run_id,duration,emissions,cpu_energy,gpu_energy,"
           "ram_energy,energy_consumed,country_iso_code,gpu_model,pue\n")

def cc_row(project, run_id, a, b, kwh):
    import time
    end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(T0 + b))
    return "%s,%s,%s,%d,0.01,,,,%.6f,DEU,1 x NVIDIA A100,1.0\n" % (end, project, run_id, b - a, kwh)

def cc(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(CC_HEAD + "".join(rows))

d = lambda *p: os.path.join(HERE, *p)
# named: two rows in the parent, each naming its run; both overlap both runs.
run(d("named", "run-a"), 0, 100)
run(d("named", "run-b"), 0, 100)
cc(d("named", "emissions.csv"), [cc_row("proj-run-a", "u1", 0, 100, 0.2),
                                 cc_row("proj-run-b", "u2", 0, 100, 0.1)])
# split: one row naming nothing over [0, 100]; runs at [0, 60] and [60, 100].
run(d("split", "first"), 0, 60)
run(d("split", "second"), 60, 100)
cc(d("split", "emissions.csv"), [cc_row("codecarbon", "u3", 0, 100, 0.1)])
# precedence: traced has a trace and a declared row in its own folder;
# declared has only a row; estimated has only the configuration's hardware.
run(d("precedence", "traced"), 0, 100)
nvsmi(d("precedence", "traced", "gpu.csv"), -10, 110, 1, 200)
cc(d("precedence", "traced", "emissions.csv"), [cc_row("x", "u4", 0, 100, 0.5)])
run(d("precedence", "declared"), 0, 100)
cc(d("precedence", "declared", "emissions.csv"), [cc_row("y", "u5", 0, 100, 0.05)])
run(d("precedence", "estimated"), 0, 100)
with open(d("precedence", "trainprint.yaml"), "w") as f:
    f.write('hardware:\n  - runs: "**"\n    gpu: {model: A100-SXM4-40GB, count: 1, util: 1.0}\n')
# copies: one nvidia-smi log in the run folder and, byte for byte, its parent.
run(d("copies", "run"), 0, 100)
nvsmi(d("copies", "run", "gpu.csv"), -10, 110, 1, 200)
nvsmi(d("copies", "gpu.csv"), -10, 110, 1, 200)
# finer: a 1 s and a 5 s log of the same GPU.
run(d("finer", "run"), 0, 100)
nvsmi(d("finer", "run", "fine.csv"), -10, 110, 1, 200)
nvsmi(d("finer", "run", "coarse.csv"), -10, 110, 5, 300)
# apart: a run, a trace a week later, and a trace of other devices.
run(d("apart", "run"), 0, 100)
nvsmi(d("apart", "late.csv"), 7 * 86400, 7 * 86400 + 60, 1, 100)
with open(d("apart", "trainprint.yaml"), "w") as f:
    f.write('power:\n  - files: "other.csv"\n    devices: [gpu5]\n')
nvsmi(d("apart", "other.csv"), -10, 110, 1, 100, gpus=(0, 1))
# shared: runs at [0, 60] and [40, 100] on the one GPU of a trace in their parent.
run(d("shared", "a"), 0, 60)
run(d("shared", "b"), 40, 100)
nvsmi(d("shared", "gpu.csv"), -10, 110, 1, 100)
# siblings: the same node log copied into two run folders, runs at [0, 60] and
# [40, 100]: one trace, split over the overlap as in `shared`.
run(d("siblings", "a"), 0, 60)
run(d("siblings", "b"), 40, 100)
nvsmi(d("siblings", "a", "gpu.csv"), -10, 110, 1, 100)
nvsmi(d("siblings", "b", "gpu.csv"), -10, 110, 1, 100)
# resplit: three runs on the two GPUs of one trace in their parent, logging
# loss every 60 s; a [0, 3000], b [1800, 5400], c [3600, 7200]; power varies
# (a sine per GPU, sampled every 2 s), an hourly intensity series and a loss
# target, so that `render` of summaries scanned apart must split, price and
# cut exactly as `report` does.
import math
def run_every(path, a, b, every):
    os.makedirs(path, exist_ok=True)
    name = os.path.join(path, "events.out.tfevents.%d.node1.1.0" % (T0 + a))
    recs = [event(T0 + a, 0, version="brain.Event:2")]
    for i, t in enumerate(range(a, b + 1, every)):
        recs.append(event(T0 + t, i, "loss", 2.0 / (1 + i / 10.0)))
    with open(name, "wb") as f:
        f.write(b"".join(record(r) for r in recs))
for name, a, b in (("a", 0, 3000), ("b", 1800, 5400), ("c", 3600, 7200)):
    run_every(d("resplit", "lab", name), a, b, 60)
with open(d("resplit", "lab", "gpu.csv"), "w") as f:
    f.write("timestamp, index, name, power.draw [W]\n")
    for t in range(-60, 7301, 2):
        for g in (0, 1):
            w = 100 + 50 * math.sin((t + 60 * g) / 300.0)
            f.write("%s, %d, NVIDIA A100-SXM4-40GB, %.2f W\n" % (stamp(T0 + t), g, w))
with open(d("resplit", "series.csv"), "w") as f:
    f.write("time,gco2e_per_kwh\n")
    for h in range(-1, 4):
        f.write("%s,%d\n" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime(T0 + 3600 * h)), 300 + 40 * h))
with open(d("resplit", "lab", "trainprint.yaml"), "w") as f:
    f.write('experiments:\n  - name: resplit\n    runs: "*"\n    metric: {tag: loss, goal: min, target: 0.5}\n')
# hosts: two runs at [0, 100], on node1 and on node2.cluster (their event
# files' names say so), and a trace the configuration declares as node1's:
# 100 W x 100 s = 10 000 J = 0.002778 kWh to the node1 run; none to the other,
# which says why (other host).
run(d("hosts", "n1"), 0, 100, "node1")
run(d("hosts", "n2"), 0, 100, "node2.cluster")
nvsmi(d("hosts", "power", "gpu.csv"), -10, 110, 1, 100)
with open(d("hosts", "trainprint.yaml"), "w") as f:
    f.write('power:\n  - files: "power/gpu.csv"\n    host: node1\n')
