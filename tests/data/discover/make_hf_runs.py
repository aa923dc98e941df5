#!/usr/bin/env python3
"""Writes the Hugging Face Trainer's TensorBoard logs (output_dir/runs/<date_host>/,
its default logging_dir) into hf-out and hf-top (run once; the output is
committed): hf-out logs train/loss at steps 500 and 1000 at T0 + 60 and
T0 + 120; hf-top at steps 5, 10, 20 at T0 + 10, 20, 40.  Each is one
training with its trainer_state.json, so one run (tests/e2e/one_run_per_training.sh)."""
import os, sys

T0 = 1767607200  # 2026-01-05 10:00:00 UTC
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from tfrecord import event, record  # noqa: E402


def log(out, points):
    d = os.path.join(HERE, out, "runs", "Jan05_10-00-00_node1")
    os.makedirs(d, exist_ok=True)
    recs = [event(T0, 0, version="brain.Event:2")]
    recs += [event(T0 + t, step, "train/loss", v) for step, t, v in points]
    with open(os.path.join(d, "events.out.tfevents.%d.node1.7.0" % T0), "wb") as f:
        f.write(b"".join(record(r) for r in recs))


log("hf-out", [(500, 60, 0.5), (1000, 120, 0.25)])
log("hf-top", [(5, 10, 2.0), (10, 20, 1.0), (20, 40, 0.5)])
