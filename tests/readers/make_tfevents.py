#!/usr/bin/env python3
"""Writes the event files of tests/readers/tfevents/ (run once; the output is
committed, and each file's .expect was checked by hand against this script).
Values are exact in float32 so that the tallies read as written here.

Event files are written with ../data/tfrecord.py (TensorFlow's framing)."""
import os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "data"))
from tfrecord import event, record  # noqa: E402

T0 = 1717236000  # 2024-06-01 10:00:00 UTC


def scalars():
    """loss at steps 0..3 every 60 s, val/acc at step 3."""
    recs = [event(T0, 0, version="brain.Event:2")]
    for i, v in enumerate((2.0, 1.5, 1.25, 1.0)):
        recs.append(event(T0 + 60 * i, i, "loss", v))
    recs.append(event(T0 + 180.5, 3, "val/acc", 0.75))
    return b"".join(record(r) for r in recs)


def damaged():
    """As scalars(), with the payload CRC of the third record (loss at step 1)
    broken, and the file cut in the middle of its last record."""
    recs = [record(event(T0, 0, version="brain.Event:2"))]
    for i, v in enumerate((2.0, 1.5, 1.25, 1.0)):
        recs.append(record(event(T0 + 60 * i, i, "loss", v)))
    bad = bytearray(recs[2])
    bad[-1] ^= 0xFF
    recs[2] = bytes(bad)
    last = record(event(T0 + 180.5, 3, "val/acc", 0.75))
    return b"".join(recs) + last[:len(last) // 2]


out = os.path.join(HERE, "tfevents")
os.makedirs(out, exist_ok=True)
for name, data in (("scalars.tfevents", scalars()), ("damaged.tfevents", damaged())):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
