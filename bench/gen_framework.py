#!/usr/bin/env python3
"""Generate the framework-log benchmark inputs: a fairseq-style text log and a
Lightning CSVLogger metrics.csv, each of about SIZE bytes (default 1 GiB).

usage: gen_framework.py OUTDIR [SIZE_BYTES]
"""
import os
import random
import sys


def gen_text(path, size):
    rnd = random.Random(1)
    with open(path, "w") as f:
        n, upd, written = 0, 0, 0
        while written < size:
            upd += 1
            epoch = 1 + upd // 5000
            sec = upd % 60
            line = (
                "2021-01-01 12:%02d:%02d | INFO | train_inner | epoch %03d:  %5d / 5000 "
                "loss=%.3f, ppl=%.2f, wps=%.1f, ups=%.2f, wpb=%d, bsz=%d, num_updates=%d, "
                "lr=%.6g, gnorm=%.3f, train_wall=%d, gb_free=%.1f, wall=%d\n"
                % ((upd // 60) % 60, sec, epoch, upd % 5000, rnd.uniform(2, 10),
                   rnd.uniform(5, 900), rnd.uniform(1e4, 2e4), rnd.uniform(1, 3),
                   rnd.randint(4000, 7000), rnd.randint(100, 300), upd,
                   rnd.uniform(1e-5, 1e-3), rnd.uniform(0.5, 3), upd // 2,
                   rnd.uniform(5, 20), upd))
            if upd % 1000 == 0:
                line += "2021-01-01 12:00:00 | INFO | fairseq.trainer | saving checkpoint\n"
            f.write(line)
            written += len(line)
            n += 1


def gen_csv(path, size):
    rnd = random.Random(2)
    with open(path, "w") as f:
        head = "train_loss,epoch,lr-Adam,step,val_loss,val_acc\n"
        f.write(head)
        written, step = len(head), 0
        while written < size:
            step += 1
            ep = step // 1000
            if step % 10 == 0:
                line = ",%d,,%d,%.10g,%.10g\n" % (ep, step, rnd.random(), rnd.random())
            elif step % 7 == 0:
                line = ",,%.10g,%d,,\n" % (rnd.random() * 1e-3, step)
            else:
                line = "%.10g,%d,,%d,,\n" % (rnd.random(), ep, step)
            f.write(line)
            written += len(line)


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
    os.makedirs(out, exist_ok=True)
    gen_text(os.path.join(out, "train.log"), size)
    gen_csv(os.path.join(out, "metrics.csv"), size)


if __name__ == "__main__":
    main()
