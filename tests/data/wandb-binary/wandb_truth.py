#!/usr/bin/env python3
"""wandb_truth: the values test_wandb_binary checks, read independently of trainprint.

Usage: wandb_truth.py FILE.wandb...   (the corpus files: ../shared/corpus/framework/wandb-binary-*)

A plain reading of W&B's run file (FORMATS.md B10): 7-byte header, 32 KiB blocks,
chunks checked with zlib's CRC-32 seeded by the type byte, FIRST..LAST joined,
records walked as protobuf wire format.  Prints per file: whole records, damage,
run start, exits, history rows, first and last value of each series, summary
values, system stats records and per GPU the trapezoid energy of gpu.N.powerWatts.
"""
import struct
import sys
import zlib

BLOCK = 32768


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def fields(b):
    i, out = 0, []
    while i < len(b):
        k, i = varint(b, i)
        f, w = k >> 3, k & 7
        if w == 0:
            v, i = varint(b, i)
        elif w == 1:
            v, i = b[i:i + 8], i + 8
        elif w == 5:
            v, i = b[i:i + 4], i + 4
        elif w == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % w)
        out.append((f, v))
    return out


def records(data):
    assert data[:7] == b":W&B\xe1\xbe\x00"
    off, buf, out, damage = 7, None, [], []
    while off < len(data):
        left = BLOCK - off % BLOCK
        if left < 7:
            off += left
            continue
        if off + 7 > len(data):
            damage.append(("torn chunk header", off))
            break
        crc, n, t = struct.unpack("<IHB", data[off:off + 7])
        if off + 7 + n > len(data):
            damage.append(("torn chunk", off, n))
            buf = None
            break
        d = data[off + 7:off + 7 + n]
        if zlib.crc32(d, zlib.crc32(bytes([t]))) != crc:
            damage.append(("crc", off))
            off += left
            buf = None
            continue
        if t == 1:
            out.append(d)
        elif t == 2:
            buf = (off, bytearray(d))
        elif t in (3, 4) and buf:
            buf[1].extend(d)
            if t == 4:
                out.append(bytes(buf[1]))
                buf = None
        off += 7 + n
    if buf:
        damage.append(("unfinished record", buf[0]))
    return out, damage


def item(b):
    key, nested, val = None, [], b""
    for f, v in fields(b):
        if f == 1:
            key = v.decode()
        elif f == 2:
            nested.append(v.decode())
        elif f == 16:
            val = v.decode()
    return key if key is not None else ".".join(nested), val


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def stamp(b):
    f = dict(fields(b))
    return f.get(1, 0) + f.get(2, 0) * 1e-9


def main(path):
    data = open(path, "rb").read()
    recs, damage = records(data)
    series, summary, gpus, rows, stats, exits, start = {}, {}, {}, 0, 0, [], None
    for r in recs:
        for f, v in fields(r):
            if f == 2:
                rows += 1
                for g, it in fields(v):
                    if g == 1:
                        k, val = item(it)
                        x = num(val)
                        if x is not None and k not in ("_step", "_runtime", "_timestamp"):
                            series.setdefault(k, []).append(x)
            elif f == 3:
                for g, it in fields(v):
                    if g == 1:
                        k, val = item(it)
                        if num(val) is not None:
                            summary[k] = num(val)
            elif f == 7:
                fs = fields(v)
                t = [stamp(x) for g, x in fs if g == 2][0]
                stats += 1
                for g, it in fs:
                    k, val = item(it) if g == 3 else (None, None)
                    if k and k.startswith("gpu.") and k.endswith(".powerWatts") and "process" not in k:
                        gpus.setdefault(k.split(".")[1], []).append((t, float(val)))
            elif f == 17:
                for g, x in fields(v):
                    if g == 17 and start is None:
                        start = stamp(x)
            elif f == 18:
                e = dict(fields(v))
                exits.append((e.get(1, 0), e.get(2, 0)))
    print(path)
    print("  records %d, damage %s, start %r, exits %s" % (len(recs), damage, start, exits))
    print("  history rows %d, stats records %d" % (rows, stats))
    for k, v in sorted(series.items()):
        print("  series %-28s n %4d first %r last %r" % (k, len(v), v[0], v[-1]))
    for k, v in sorted(summary.items()):
        print("  summary %-27s %r" % (k, v))
    for g, s in sorted(gpus.items()):
        e = sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in zip(s, s[1:]))
        print("  gpu%s samples %d %r .. %r energy %.6f J" % (g, len(s), s[0], s[-1], e))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
