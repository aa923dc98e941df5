#!/usr/bin/env python3
"""make_two_gpus: writes run-20260101_000000-twogpus/run-twogpus.wandb, a small
W&B run file with values chosen so that test_wandb_binary can check them by hand.

Run it from this directory; the output is committed beside it.

- run record: id twogpus, host testhost, display name two-gpus, start
  2026-01-01T00:00:00Z (1767225600), config {seed: 7}
- config record: lr 0.1, batch_size 32, model {depth: 4}, _wandb {...} (dropped)
- history rows _step 0, 1, 2 at _timestamp start + 10, 20, 29.5 (_runtime the
  same): loss 1.0, 0.5, 0.25; acc 0.5, 0.75, 0.875; phase "train" (a string);
  row 1 also a histogram object
- system stats at start + 5, 15, 25: gpu.0.powerWatts 100, 100, 100 and
  gpu.1.powerWatts 200, 300, 100, gpu.process.1.* repeating GPU 1 (the run's
  GPU), cpu 50.  GPU 1 by trapezoid: (200+300)/2*10 + (300+100)/2*10 = 4500 J
  (GPU 0 would add 2000 J: it is not the run's)
- an output record of 70000 bytes between rows 1 and 2, so that it is split
  FIRST, MIDDLE, LAST over blocks 0..2
- summary record: loss 0.25, acc 0.875, _step 2; exit record: runtime 30 s
"""
import os
import struct
import zlib

START = 1767225600
BLOCK = 32768


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field(num, value):
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(num << 3 | 2) + varint(len(value)) + value


def item(key, json_text):
    return field(1, key) + field(16, json_text)


def timestamp(t):
    sec = int(t)
    nanos = round((t - sec) * 1e9)
    return field(1, sec) + (field(2, nanos) if nanos else b"")


def record(kind, body):
    return field(kind, body)


def history(step, t, **values):
    body = b"".join(field(1, item(k, v)) for k, v in values.items())
    body += field(1, item("_timestamp", repr(t))) + field(1, item("_runtime", repr(t - START)))
    body += field(1, item("_step", str(step)))
    if step:
        body += field(2, field(1, step))
    return record(2, body)


def stats(t, g0, g1):
    items = [("gpu.0.powerWatts", g0), ("gpu.1.powerWatts", g1), ("gpu.process.1.powerWatts", g1),
             ("gpu.0.temp", 40), ("gpu.1.temp", 60), ("cpu", 50)]
    body = field(2, timestamp(t)) + b"".join(field(3, item(k, repr(v))) for k, v in items)
    return record(7, body)


def records():
    config = field(1, item("seed", "7"))
    run = (field(1, "twogpus") + field(3, "testproject") + field(4, config) + field(8, "two-gpus")
           + field(13, "testhost") + field(17, timestamp(START)))
    cfg = b"".join(field(1, item(k, v)) for k, v in [
        ("lr", "0.1"), ("batch_size", "32"), ("model", '{"depth": 4}'),
        ("_wandb", '{"cli_version": "0.16.5"}')])
    out = [record(17, run), record(5, cfg), stats(START + 5, 100.0, 200.0),
           history(0, START + 10.0, loss="1.0", acc="0.5", phase='"train"'),
           stats(START + 15, 100.0, 300.0),
           history(1, START + 20.0, loss="0.5", acc="0.75", phase='"train"',
                   hist='{"_type": "histogram", "values": [1, 2]}'),
           record(4, field(2, "x" * 70000)),
           stats(START + 25, 100.0, 100.0),
           history(2, START + 29.5, loss="0.25", acc="0.875", phase='"train"'),
           record(3, field(1, item("loss", "0.25")) + field(1, item("acc", "0.875"))
                  + field(1, item("_step", "2"))),
           record(18, field(2, 30))]
    return [field(1, i + 1) + r for i, r in enumerate(out)]


def write(path, recs):
    out = bytearray(b":W&B" + struct.pack("<HB", 0xBEE1, 0))
    for rec in recs:
        first = True
        while True:
            space = BLOCK - len(out) % BLOCK
            if space < 7:
                out += b"\0" * space
                continue
            frag, rec = rec[:space - 7], rec[space - 7:]
            kind = (1 if not rec else 2) if first else (4 if not rec else 3)
            crc = zlib.crc32(frag, zlib.crc32(bytes([kind])))
            out += struct.pack("<IHB", crc, len(frag), kind) + frag
            first = False
            if not rec:
                break
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    write("run-20260101_000000-twogpus/run-twogpus.wandb", records())
