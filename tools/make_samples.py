#!/usr/bin/env python3
"""Generate the synthetic sample lab in samples/ (standard library only).

    python3 tools/make_samples.py            # (re)write samples/lab, README, expected-*.csv
    python3 tools/make_samples.py --verify   # re-read what is there and check it
    python3 tools/make_samples.py --out DIR  # write somewhere else (DIR/lab, ...)

Everything is derived from fixed seeds, so a re-run gives byte-identical files.

What is written (see samples/README.md for the story of the lab):
  * one TensorBoard event file per run directory (two for the restarted run),
    framed as TFRecords with masked CRC32C, written the way the torch /
    Lightning writer does (file_version + source_metadata, hparams plugin
    records in the same file, simple_value scalars), plus TF2-style rank-0
    DT_FLOAT tensor scalars for the validation metrics and one legacy `histo`
    tag per run;
  * one nvidia-smi CSV per experiment (4 x A100-SXM4-40GB, ~1 Hz, naive
    Europe/Berlin local time);
  * one CodeCarbon 2.5-style emissions.csv for one distillation run;
  * samples/expected-energy.csv (run_id,gpu_wh) and samples/expected-runs.csv,
    computed from the power values exactly as written: trapezoid between
    samples, clipped at the run window by linear interpolation, gaps longer
    than max(10 s, 5 x median sampling interval) not bridged, and a device
    shared by several runs at the same time split equally between them.

--verify is an independent reader: its own (bitwise) CRC32C and protobuf
decoder, it checks both CRCs of every record, decodes every event, re-parses
the CSV traces and recomputes the expected energies from the files.
"""

import argparse
import calendar
import math
import os
import random
import shutil
import struct
import sys
import time
import zlib

# --------------------------------------------------------------------------
# CRC32C and TFRecord framing (writer side: table driven)

_CRC_POLY = 0x82F63B78
_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _CRC_POLY if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc32c(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(payload):
    head = struct.pack('<Q', len(payload))
    return (head + struct.pack('<I', masked_crc32c(head)) + payload
            + struct.pack('<I', masked_crc32c(payload)))


# --------------------------------------------------------------------------
# Protobuf encoding

def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def f_varint(field, n):
    return key(field, 0) + varint(n)


def f_double(field, x):
    return key(field, 1) + struct.pack('<d', x)


def f_float(field, x):
    return key(field, 5) + struct.pack('<f', x)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode('utf-8')
    return key(field, 2) + varint(len(b)) + b


def packed_doubles(field, xs):
    return f_bytes(field, b''.join(struct.pack('<d', x) for x in xs))


TORCH_WRITER = 'tensorboard.summary.writer.event_file_writer'


def ev(wall_time, step=0, file_version=None, summary=None, source=False):
    """Serialized Event, fields in number order as Python protobuf writes them."""
    b = f_double(1, wall_time)
    if step:
        b += f_varint(2, step)
    if file_version is not None:
        b += f_bytes(3, file_version)
    if summary is not None:
        b += f_bytes(5, summary)
    if source:
        b += f_bytes(10, f_bytes(1, TORCH_WRITER))
    return b


def summary(*values):
    return b''.join(f_bytes(1, v) for v in values)


def v_simple(tag, x):
    return f_bytes(1, tag) + f_float(2, x)


SCALARS_MD = f_bytes(1, f_bytes(1, 'scalars'))


def v_tensor_scalar(tag, x, with_metadata=True):
    """TF2 tf.summary.scalar: DT_FLOAT, rank 0, value in tensor_content."""
    tensor = f_varint(1, 1) + f_bytes(2, b'') + f_bytes(4, struct.pack('<f', x))
    b = f_bytes(1, tag) + f_bytes(8, tensor)
    if with_metadata:
        b += f_bytes(9, SCALARS_MD)
    return b


def v_histo(tag, values, nbuckets=30):
    lo, hi = min(values), max(values)
    width = (hi - lo) / nbuckets or 1.0
    counts = [0.0] * nbuckets
    for x in values:
        counts[min(nbuckets - 1, int((x - lo) / width))] += 1.0
    limits = [lo + width * (i + 1) for i in range(nbuckets - 1)] + [1.7976931348623157e308]
    h = (f_double(1, lo) + f_double(2, hi) + f_double(3, float(len(values)))
         + f_double(4, sum(values)) + f_double(5, sum(x * x for x in values))
         + packed_doubles(6, limits) + packed_doubles(7, counts))
    return f_bytes(1, tag) + f_bytes(5, h)


def v_hparams(tag, content):
    md = f_bytes(1, f_bytes(1, 'hparams') + f_bytes(2, content))
    return f_bytes(1, tag) + f_bytes(9, md)


def hparams_values(hp, metrics):
    """The three torch/Lightning hparams values: experiment, start, end."""
    infos = b''
    for k, v in hp.items():
        infos += f_bytes(4, f_bytes(1, k) + f_varint(4, 1 if isinstance(v, str) else 3))
    for m in metrics:
        infos += f_bytes(5, f_bytes(1, f_bytes(2, m)))
    exp = f_bytes(2, infos)
    entries = b''
    for k in sorted(hp):
        v = hp[k]
        val = f_bytes(3, v) if isinstance(v, str) else f_double(2, float(v))
        entries += f_bytes(1, f_bytes(1, k) + f_bytes(2, val))
    ssi = f_bytes(3, entries)
    sei = f_bytes(4, f_varint(1, 1))
    return [v_hparams('_hparams_/experiment', exp),
            v_hparams('_hparams_/session_start_info', ssi),
            v_hparams('_hparams_/session_end_info', sei)]


# --------------------------------------------------------------------------
# Time

TZ_NAME = 'Europe/Berlin'
DST_START_2026 = calendar.timegm((2026, 3, 29, 1, 0, 0))  # 02:00 CET -> 03:00 CEST


def berlin_offset_s(t_utc):
    """UTC offset of Europe/Berlin in March/April 2026."""
    return 7200 if t_utc >= DST_START_2026 else 3600


def utc(y, mo, d, h, mi, s=0):
    return calendar.timegm((y, mo, d, h, mi, s))


def local_to_utc(y, mo, d, h, mi, s=0):
    naive = calendar.timegm((y, mo, d, h, mi, s))
    return naive - berlin_offset_s(naive - 3600)


def iso_utc(t):
    ms = int(round(t * 1000))
    s, ms = divmod(ms, 1000)
    return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(s)) + '.%03d' % ms


def nvsmi_stamp(t_ms):
    """nvidia-smi timestamp (local, naive) for UTC epoch milliseconds."""
    off = berlin_offset_s(t_ms // 1000) * 1000
    loc = t_ms + off
    s, ms = divmod(loc, 1000)
    return time.strftime('%Y/%m/%d %H:%M:%S', time.gmtime(s)) + '.%03d' % ms


# --------------------------------------------------------------------------
# The lab

GPU_NAME = 'NVIDIA A100-SXM4-40GB'
IDLE_W = [57.9, 61.3, 59.4, 63.2]   # per GPU index, the same idle on every node
IDLE_MIB = 4
MAX_W = 399.6                       # 400 W board limit


class Seg:
    """One process of a run: writes one event file."""

    def __init__(self, start, step_from, step_to, kill_at=None):
        self.start = start          # writer creation, UTC epoch s
        self.step_from = step_from
        self.step_to = step_to      # last step trained
        self.kill_at = kill_at      # step at which the process was killed, or None
        self.phases = []            # (t0, t1, kind) kind: startup/train/val/tail
        self.events = []            # serialized Event payloads
        self.first = self.last = None
        self.pid = None


class Run:
    def __init__(self, exp, name, gpus, hp, kind, **kw):
        self.exp, self.name, self.gpus, self.hp, self.kind = exp, name, gpus, hp, kind
        self.__dict__.update(kw)
        self.segs = []

    @property
    def run_id(self):
        return 'lab/%s/%s' % (self.exp, self.name)

    @property
    def window(self):
        return (self.segs[0].first, max(s.last for s in self.segs))


def seed_of(*parts):
    return zlib.crc32('/'.join(str(p) for p in parts).encode())


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


# ---- metric curves -------------------------------------------------------

def cls_curves(run, rng):
    """Image classification: loss/acc as a function of progress."""
    bs, amp = run.hp['batch_size'], run.hp.get('precision') == 'amp-bf16'
    floor = 1.32 + (0.06 if bs == 256 else 0.0) + (0.015 if amp else 0.0) + rng.uniform(-0.03, 0.03)
    acc_end = 0.668 - (0.018 if bs == 256 else 0.0) - (0.004 if amp else 0.0) + rng.uniform(-0.006, 0.006)

    def loss(p):
        return floor + (4.605 - floor) * math.exp(-p * 4.2) + rng.gauss(0, 0.06)

    def val(p):
        a = acc_end * (1 - math.exp(-p * 3.4)) / (1 - math.exp(-3.4)) + rng.gauss(0, 0.004)
        return {'val/acc': a, 'val/loss': floor + 0.18 + (4.605 - floor) * math.exp(-p * 3.8)
                + rng.gauss(0, 0.02)}
    return loss, val


def lm_curves(run, rng):
    lr = run.hp['lr']
    floor = {1e-4: 4.05, 3e-4: 3.62, 1e-3: 3.71}[lr] + rng.uniform(-0.03, 0.03)
    diverge = getattr(run, 'diverge', None)

    def loss(step):
        x = floor + (10.83 - floor) * math.exp(-step / 260.0) + 0.9 * math.exp(-step / 1400.0)
        if diverge and step > diverge[0]:
            if step >= diverge[1]:
                return float('nan')
            x += 0.04 * math.exp((step - diverge[0]) / 55.0)
        return x + rng.gauss(0, 0.05)

    def val(step):
        v = loss(step)
        v = v if math.isnan(v) else v + 0.07 + rng.gauss(0, 0.01)
        return {'val/loss': v, 'val/ppl': math.exp(v) if not math.isnan(v) else v}
    return loss, val


def distill_curves(run, rng):
    t = run.hp['teacher']
    acc_end = {'vit-s16': 0.611, 'vit-b16': 0.634, 'vit-l16': 0.642}[t] + rng.uniform(-0.004, 0.004)
    floor = 1.9 - acc_end

    def loss(p):
        return floor + (5.1 - floor) * math.exp(-p * 3.9) + rng.gauss(0, 0.05)

    def val(p):
        a = acc_end * (1 - math.exp(-p * 3.2)) / (1 - math.exp(-3.2)) + rng.gauss(0, 0.004)
        return {'val/acc': a, 'val/loss': floor + 0.25 + (4.6 - floor) * math.exp(-p * 3.5)}
    return loss, val


# ---- one process ---------------------------------------------------------

def simulate_seg(run, seg, rng, first_file):
    """Fill seg.events and seg.phases from the run's schedule parameters."""
    t = seg.start
    seg.phases.append((t - 18.0, t, 'launch'))        # imports, data set, CUDA context
    total_steps = run.total_steps
    curves = run.curves(run, random.Random(seed_of(run.run_id, 'curve', seg.step_from)))
    loss_fn, val_fn = curves

    def emit(tw, step, *values, **kw):
        seg.events.append(ev(round(tw, 6), step, summary=summary(*values), **kw))
        seg.last = round(tw, 6)

    # writer creation: file_version with source_metadata, then Lightning's
    # log_hyperparams: hp_metric -1 at step 0 and the three hparams records.
    t_fv = round(t + 0.000287, 6)
    seg.events.append(ev(t_fv, 0, file_version='brain.Event:2', source=True))
    seg.first = seg.last = t_fv
    emit(t + 0.0021, 0, v_simple('hp_metric', -1.0))
    # The launcher records the GPUs it gave the run, as CUDA_VISIBLE_DEVICES:
    # trainprint charges the run only for those GPUs of the node's trace.
    placed = dict(run.hp, CUDA_VISIBLE_DEVICES=','.join(str(g) for g in run.gpus))
    for i, v in enumerate(hparams_values(placed, ['hp_metric'])):
        emit(t + 0.0024 + 0.0002 * i, 0, v)
    t_train = t + run.startup_s * rng.uniform(0.9, 1.1)
    seg.phases.append((t, t_train, 'startup'))

    sps = run.steps_per_s * rng.uniform(0.985, 1.015)
    step = seg.step_from
    stop = seg.kill_at if seg.kill_at is not None else seg.step_to
    tcur = t_train
    first_md = True
    hist_rng = random.Random(seed_of(run.run_id, 'hist', seg.step_from))
    w_scale = 0.05
    while step < stop:
        chunk_end = min((step // run.val_every + 1) * run.val_every, stop)
        dur = (chunk_end - step) / sps
        seg.phases.append((tcur, tcur + dur, 'train'))
        # log points: step 0 at the very start, then multiples of log_every
        s = 0 if step == 0 else (step // run.log_every + 1) * run.log_every
        while s <= chunk_end:
            if True:
                tw = tcur + (s - step) / sps + rng.uniform(0.0, 0.02)
                p = s / total_steps
                x = loss_fn(s if run.kind == 'lm' else p)
                emit(tw, s, v_simple('train/loss', x))
                if run.kind == 'distill':
                    emit(tw + 0.0003, s, v_simple('train/kd_loss', x * 0.62 + rng.gauss(0, 0.01)))
                emit(tw + 0.0006, s, v_simple(run.lr_tag, run.lr_at(s)))
            s += run.log_every
        tcur += dur
        step = chunk_end
        if seg.kill_at is not None and step == stop:
            seg.phases.append((seg.last, seg.last + 0.6, 'killed'))
            break
        # validation at the end of each chunk (epoch)
        vdur = run.val_s * rng.uniform(0.95, 1.05)
        seg.phases.append((tcur, tcur + vdur, 'val'))
        tcur += vdur
        vals = val_fn(step if run.kind == 'lm' else step / total_steps)
        for i, (tag, x) in enumerate(sorted(vals.items())):
            emit(tcur + 0.0004 * i, step,
                 v_tensor_scalar(tag, x, with_metadata=run.md_every or first_md))
        first_md = False
        w_scale *= 1.08
        ws = [hist_rng.gauss(0, w_scale) for _ in range(400)]
        emit(tcur + 0.004, step, v_histo(run.hist_tag, ws))
        if getattr(run, 'diverge', None) and any(math.isnan(x) for x in vals.values()):
            stop = step   # EarlyStopping(check_finite=True) ends the run
            break
        tcur += 0.01
    if seg.kill_at is None:
        if not getattr(run, 'diverge', None):
            final = vals['val/acc'] if 'val/acc' in vals else vals['val/loss']
            emit(tcur + 0.05, step, v_simple('hp_metric', final))
        seg.phases.append((seg.last, seg.last + 4.0, 'tail'))


def lr_cosine(base, total, warmup=0):
    def f(s):
        if s < warmup:
            return base * (s + 1) / warmup
        q = (s - warmup) / max(1, total - warmup)
        return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, q))))
    return f


def build_lab():
    runs = []
    nodes = {}

    # ---- precision-sweep: ResNet-50 on a 100-class ImageNet subset ------
    exp = 'precision-sweep'
    nodes[exp] = dict(host='gpu-a100-03', t0=local_to_utc(2026, 3, 3, 9, 0), t1_min=52.0)
    T0 = nodes[exp]['t0']
    train_imgs = 126689
    # name, gpu, start (min after trace start), precision, bs, seed
    plan = [
        ('fp32', 128, 0, 0, 5.0), ('fp32', 256, 0, 1, 5.5),
        ('amp-bf16', 128, 0, 2, 6.2), ('amp-bf16', 256, 0, 3, 6.8),
        ('fp32', 256, 1, 2, 20.0), ('fp32', 128, 1, 3, 20.4),
        ('amp-bf16', 256, 1, 1, 31.0),
        ('amp-bf16', 128, 1, 0, 26.0),   # launched on GPU 0 while fp32-bs128-s0 still runs
    ]
    img_s = {('fp32', 128): 790.0, ('fp32', 256): 835.0,
             ('amp-bf16', 128): 1870.0, ('amp-bf16', 256): 2080.0}
    watts = {('fp32', 128): 318.0, ('fp32', 256): 334.0,
             ('amp-bf16', 128): 257.0, ('amp-bf16', 256): 272.0}
    mem = {('fp32', 128): 17850, ('fp32', 256): 33120,
           ('amp-bf16', 128): 10930, ('amp-bf16', 256): 19740}
    for prec, bs, seed, gpu, start_min in plan:
        steps_per_epoch = train_imgs // bs
        epochs = 8
        hp = {'model': 'resnet50', 'dataset': 'imagenet-100', 'precision': prec,
              'batch_size': bs, 'lr': 0.1 * bs / 256, 'optimizer': 'sgd',
              'epochs': epochs, 'seed': seed}
        r = Run(exp, '%s-bs%d-s%d' % (prec, bs, seed), [gpu], hp, 'cls',
                total_steps=steps_per_epoch * epochs, val_every=steps_per_epoch,
                log_every=50, steps_per_s=img_s[(prec, bs)] / bs, val_s=21.0,
                startup_s=52.0, train_w=watts[(prec, bs)], val_frac=0.55,
                mem_mib=mem[(prec, bs)], util=(95, 100) if prec == 'fp32' else (88, 97),
                lr_tag='lr-SGD', hist_tag='weights/fc', md_every=True, curves=cls_curves,
                host=nodes[exp]['host'])
        r.lr_at = lr_cosine(hp['lr'], r.total_steps)
        r.seg_plan = [(T0 + start_min * 60.0, 0, r.total_steps, None)]
        runs.append(r)

    # ---- lr-sweep: 6-layer GPT-style LM ----------------------------------
    exp = 'lr-sweep'
    nodes[exp] = dict(host='gpu-a100-05', t0=local_to_utc(2026, 3, 10, 10, 0), t1_min=47.0,
                      gap_min=(18.0, 20.0))
    T0 = nodes[exp]['t0']
    # lr, seed, gpu, start min, segments
    plan = [
        (1e-4, 0, 0, 7.0), (1e-4, 1, 1, 3.0), (1e-4, 2, 2, 2.5), (3e-4, 0, 3, 2.0),
        (3e-4, 1, 0, 22.0),     # killed at step 1340, resumed from the step-1000 checkpoint
        (3e-4, 2, 1, 20.3), (1e-3, 0, 2, 20.7), (1e-3, 1, 3, 21.1),
        (1e-3, 2, 1, 35.0),     # diverges
    ]
    for lr, seed, gpu, start_min in plan:
        hp = {'model': 'gpt-6l-512d', 'dataset': 'wikitext-103', 'lr': lr,
              'batch_size': 64, 'seq_len': 512, 'warmup_steps': 200, 'max_steps': 3000,
              'optimizer': 'adamw', 'seed': seed}
        name = 'lr%s-s%d' % (('%.0e' % lr).replace('e-0', 'e-'), seed)
        r = Run(exp, name, [gpu], hp, 'lm', total_steps=3000, val_every=500, log_every=20,
                steps_per_s=4.35, val_s=14.0, startup_s=41.0, train_w=291.0 + 4 * seed,
                val_frac=0.6, mem_mib=14210, util=(96, 100), lr_tag='lr-AdamW',
                hist_tag='weights/lm_head', md_every=False, curves=lm_curves,
                host=nodes[exp]['host'])
        r.lr_at = lr_cosine(lr, 3000, warmup=200)
        s0 = T0 + start_min * 60.0
        if name == 'lr3e-4-s1':
            r.seg_plan = [(s0, 0, 3000, 1340), (s0 + 9.6 * 60.0, 1000, 3000, None)]
        else:
            r.seg_plan = [(s0, 0, 3000, None)]
        if name == 'lr1e-3-s2':
            r.diverge = (880, 1150)
        runs.append(r)

    # ---- distill: ResNet-18 student, ViT teachers, DDP on 2 GPUs --------
    exp = 'distill'
    nodes[exp] = dict(host='gpu-a100-02', t0=local_to_utc(2026, 3, 30, 14, 0), t1_min=45.0)
    T0 = nodes[exp]['t0']
    plan = [('vit-s16', [0, 1], 3.0, 1180.0, 238.0, 16120),
            ('vit-b16', [2, 3], 3.5, 960.0, 286.0, 22870),
            ('vit-l16', [0, 1], 21.0, 760.0, 347.0, 36410)]
    for teacher, gpus, start_min, imgs, w, mib in plan:
        bs = 256
        steps_per_epoch = train_imgs // (bs * 2)
        epochs = 10
        hp = {'student': 'resnet18', 'teacher': teacher, 'dataset': 'imagenet-100',
              'temperature': 4.0, 'alpha': 0.7, 'batch_size': bs, 'epochs': epochs,
              'lr': 0.2, 'seed': 0}
        r = Run(exp, 'teacher-' + teacher.replace('16', ''), gpus, hp, 'distill',
                total_steps=steps_per_epoch * epochs, val_every=steps_per_epoch, log_every=25,
                steps_per_s=imgs / bs, val_s=24.0, startup_s=63.0, train_w=w, val_frac=0.5,
                mem_mib=mib, util=(92, 99), lr_tag='lr-SGD', hist_tag='weights/student.fc',
                md_every=True, curves=distill_curves, host=nodes[exp]['host'])
        r.lr_at = lr_cosine(0.2, r.total_steps)
        r.seg_plan = [(T0 + start_min * 60.0, 0, r.total_steps, None)]
        runs.append(r)

    # ---- simulate the processes -----------------------------------------
    for r in runs:
        rng = random.Random(seed_of(r.run_id))
        for i, (start, a, b, kill) in enumerate(r.seg_plan):
            seg = Seg(round(start + rng.uniform(0.05, 0.95), 6), a, b, kill)
            seg.pid = rng.randint(2000, 99999)
            simulate_seg(r, seg, rng, i == 0)
            r.segs.append(seg)
    return runs, nodes


# ---- power ---------------------------------------------------------------

def job_load(run, seg, t, rng_noise):
    """(dynamic W above idle, utilization %, memory MiB) of one process at t, or None."""
    dyn_train = run.train_w - 60.0
    for (a, b, kind) in seg.phases:
        if a <= t < b:
            if kind == 'launch':
                f = (t - a) / (b - a)
                return 6.0 * f, 0, int(300 + 200 * f)
            if kind == 'startup':
                f = (t - a) / (b - a)
                return 18.0 + 8.0 * f, int(3 + 9 * f), int(520 + (run.mem_mib * 0.35) * f)
            if kind == 'train':
                ramp = min(1.0, (t - a) / 7.0) if (a, b, kind) == first_train(seg) else 1.0
                if ramp < 1.0:
                    return (26.0 + (dyn_train - 26.0) * ramp, int(15 + 80 * ramp),
                            int(run.mem_mib * (0.35 + 0.65 * ramp)))
                return dyn_train, None, run.mem_mib
            if kind == 'val':
                return dyn_train * run.val_frac, -1, run.mem_mib + 512
            if kind == 'tail':
                f = (t - a) / (b - a)
                return 22.0 * (1 - f), 0, int(run.mem_mib * (1 - f))
            if kind == 'killed':
                return 0.0, 0, run.mem_mib
    return None


def first_train(seg):
    for ph in seg.phases:
        if ph[2] == 'train':
            return ph
    return None


def make_trace(exp, node, runs):
    """Rows of the nvidia-smi CSV and the per-device samples (t_utc, W) as written."""
    rng = random.Random(seed_of(exp, 'trace'))
    t0_ms = int(node['t0'] * 1000) + rng.randint(100, 900)
    t1_ms = int(node['t0'] * 1000 + node['t1_min'] * 60000)
    gap = node.get('gap_min')
    gap_ms = None
    if gap:
        gap_ms = (int(node['t0'] * 1000 + gap[0] * 60000), int(node['t0'] * 1000 + gap[1] * 60000))
    drift = [0.0] * 4
    after = [0.0] * 4          # lingering warm-GPU power after a process exits
    lines = ['timestamp, index, name, power.draw [W], utilization.gpu [%], memory.used [MiB]']
    samples = {g: [] for g in range(4)}
    t_ms = t0_ms
    util_state = [0] * 4
    while t_ms <= t1_ms:
        if gap_ms and gap_ms[0] <= t_ms < gap_ms[1]:
            t_ms += 1000 + rng.randint(0, 10)
            continue
        t = t_ms / 1000.0
        stamp = nvsmi_stamp(t_ms)
        for g in range(4):
            loads = []
            for r in runs:
                if g not in r.gpus:
                    continue
                for seg in r.segs:
                    ld = job_load(r, seg, t, rng)
                    if ld is not None:
                        loads.append((r, ld))
            drift[g] = 0.97 * drift[g] + rng.gauss(0, 0.9)
            idle = IDLE_W[g] + rng.gauss(0, 0.35)
            if loads:
                dyns = sorted((ld[0] for _, ld in loads), reverse=True)
                dyn = dyns[0] + 0.35 * sum(dyns[1:])
                k = dyn / 250.0
                noise = 0.8 * rng.gauss(0, 1.0) + k * (rng.gauss(0, 5.0) + drift[g] * 2.2)
                busy = dyn > 100
                w = min(MAX_W, idle + dyn + noise)
                after[g] = 14.0
                mib = IDLE_MIB + sum(ld[2] for _, ld in loads)
                utils = []
                for r, ld in loads:
                    if ld[1] is None:
                        utils.append(rng.randint(*r.util))
                    elif ld[1] == -1:
                        utils.append(rng.randint(52, 74))
                    else:
                        utils.append(ld[1])
                util = min(100, max(utils) + (rng.randint(2, 6) if len(loads) > 1 else 0))
                if len(loads) > 1 and busy:
                    util = 100
            else:
                after[g] *= 0.93
                w = idle + after[g]
                util = 0
                mib = IDLE_MIB
            w = round(w, 2)
            util_state[g] = util
            lines.append('%s, %d, %s, %.2f W, %d %%, %d MiB' % (stamp, g, GPU_NAME, w, util, mib))
            samples[g].append((t, w))
        t_ms += 1000 + rng.randint(0, 10)
    return lines, samples


# ---- energy (the rules trainprint uses) ---------------------------------

def gap_threshold(samples):
    dts = sorted(b[0] - a[0] for a, b in zip(samples, samples[1:]))
    med = dts[len(dts) // 2] if dts else 1.0
    return max(10.0, 5.0 * med)


def integrate(samples, a, b, thr):
    """Energy (J) and covered seconds of the power series over [a, b]."""
    e = cov = 0.0
    for (t0, p0), (t1, p1) in zip(samples, samples[1:]):
        if t1 <= a or t0 >= b or t1 - t0 > thr:
            continue
        lo, hi = max(t0, a), min(t1, b)
        if hi <= lo:
            continue
        plo = p0 + (p1 - p0) * (lo - t0) / (t1 - t0)
        phi = p0 + (p1 - p0) * (hi - t0) / (t1 - t0)
        e += 0.5 * (plo + phi) * (hi - lo)
        cov += hi - lo
    return e, cov


def run_energies(runs_windows, samples_by_dev):
    """runs_windows: {run_id: (start, end, [devices])}; samples_by_dev: {dev: [(t, W)]}.
    Returns {run_id: (joules, coverage 0..1, shared bool)}.  A device used by
    several runs at once is split equally between them over the overlap."""
    out = {rid: [0.0, 0.0, False] for rid in runs_windows}
    for dev, smp in samples_by_dev.items():
        users = [(rid, w[0], w[1]) for rid, w in runs_windows.items() if dev in w[2]]
        if not users:
            continue
        thr = gap_threshold(smp)
        cuts = sorted({x for _, a, b in users for x in (a, b)})
        for lo, hi in zip(cuts, cuts[1:]):
            active = [rid for rid, a, b in users if a <= lo and hi <= b]
            if not active:
                continue
            e, cov = integrate(smp, lo, hi, thr)
            for rid in active:
                out[rid][0] += e / len(active)
                out[rid][1] += cov
                if len(active) > 1:
                    out[rid][2] = True
    res = {}
    for rid, (e, cov, shared) in out.items():
        a, b, devs = runs_windows[rid]
        res[rid] = (e, cov / (len(devs) * (b - a)), shared)
    return res


# ---- CodeCarbon ----------------------------------------------------------

CC_COLUMNS = ('timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,'
              'gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,'
              'country_name,country_iso_code,region,cloud_provider,cloud_region,os,'
              'python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,'
              'longitude,latitude,ram_total_size,tracking_mode,on_cloud,pue')


def codecarbon_row(run, samples, rng):
    a, b = run.window
    cc_a = a - 8.43 - rng.uniform(0, 1)       # tracker started before the logger
    cc_b = b + 3.12 + rng.uniform(0, 1)       # and stopped after fit() returned
    dur = cc_b - cc_a
    gpu_j = 0.0
    last_w = 0.0
    for g in run.gpus:
        thr = gap_threshold(samples[g])
        gpu_j += integrate(samples[g], cc_a, cc_b, thr)[0]
        last_w += integrate(samples[g], cc_b - 15.0, cc_b, thr)[0] / 15.0
    cpu_w = 151.37
    ram_total = 503.7164764404297
    ram_w = ram_total * 3.0 / 8.0
    kwh = 3.6e6
    cpu_e, gpu_e, ram_e = cpu_w * dur / kwh, gpu_j / kwh, ram_w * dur / kwh
    pue = 1.0
    total = (cpu_e + gpu_e + ram_e) * pue
    intensity = 0.38094          # kg/kWh, Germany
    emis = total * intensity
    ts = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(int(cc_b + berlin_offset_s(cc_b))))
    uuid = '%08x-%04x-4%03x-%04x-%012x' % (rng.getrandbits(32), rng.getrandbits(16),
                                           rng.getrandbits(12), 0x8000 | rng.getrandbits(14),
                                           rng.getrandbits(48))
    row = [ts, 'distill-' + run.name, uuid, repr(dur), repr(emis), repr(emis / dur),
           repr(148.92), repr(round(last_w, 3)), repr(ram_w), repr(cpu_e), repr(gpu_e),
           repr(ram_e), repr(total), 'Germany', 'DEU', 'berlin', '', '',
           'Linux-5.15.0-97-generic-x86_64-with-glibc2.35', '3.10.12', '2.5.0', '128',
           'AMD EPYC 7763 64-Core Processor', '2', '2 x ' + GPU_NAME, '13.4105', '52.5244',
           repr(ram_total), 'machine', 'N', '1.0']
    return CC_COLUMNS + '\n' + ','.join(row) + '\n', (cc_a, cc_b, gpu_j)


# --------------------------------------------------------------------------
# Writing

def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def event_file_name(run, seg, counter=0):
    return 'events.out.tfevents.%010d.%s.%d.%d' % (int(seg.start), run.host, seg.pid, counter)


def fmt_local(t):
    t2 = t + berlin_offset_s(t)
    return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(int(t2)))


def generate(out):
    runs, nodes = build_lab()
    lab = os.path.join(out, 'lab')
    if os.path.isdir(lab):
        shutil.rmtree(lab)
    for r in runs:
        d = os.path.join(lab, r.exp, r.name)
        for seg in r.segs:
            data = b''.join(tfrecord(e) for e in seg.events)
            write_bytes(os.path.join(d, event_file_name(r, seg)), data)

    # exactly one pair of runs may share a GPU (the designed one)
    shared_pairs = []
    for i, r in enumerate(runs):
        for q in runs[i + 1:]:
            if r.exp == q.exp and set(r.gpus) & set(q.gpus) and \
                    r.window[0] < q.window[1] and q.window[0] < r.window[1]:
                shared_pairs.append((r.name, q.name))
    assert shared_pairs == [('fp32-bs128-s0', 'amp-bf16-bs128-s1')], shared_pairs

    results = {}
    cc_info = None
    traces = {}
    for exp, node in nodes.items():
        exp_runs = [r for r in runs if r.exp == exp]
        lines, samples = make_trace(exp, node, exp_runs)
        traces[exp] = (node, samples)
        write_bytes(os.path.join(lab, exp, 'gpu-power.csv'), ('\n'.join(lines) + '\n').encode())
        wins = {r.run_id: (r.window[0], r.window[1], r.gpus) for r in exp_runs}
        results.update(run_energies(wins, samples))
        if exp == 'distill':
            r = [x for x in exp_runs if x.name == 'teacher-vit-b'][0]
            text, cc_info = codecarbon_row(r, samples, random.Random(seed_of('codecarbon')))
            cc_info = (r,) + cc_info
            write_bytes(os.path.join(lab, exp, 'emissions.csv'), text.encode())

    # expected numbers
    exp_lines = ['run_id,gpu_wh']
    run_lines = ['run_id,host,gpus,start_utc,end_utc,duration_s,gpu_wh,coverage,shared,'
                 'event_files']
    near = []
    for r in runs:
        e, cov, shared = results[r.run_id]
        wh = e / 3600.0
        frac = wh * 10 - math.floor(wh * 10)
        if abs(frac - 0.5) < 0.01:
            near.append(r.run_id)
        a, b = r.window
        exp_lines.append('%s,%.1f' % (r.run_id, wh))
        run_lines.append('%s,%s,%s,%.6f,%.6f,%.1f,%.1f,%.4f,%s,%d' % (
            r.run_id, r.host, ' '.join('gpu%d' % g for g in r.gpus), a, b, b - a, wh, cov,
            'yes' if shared else 'no', len(r.segs)))
    write_bytes(os.path.join(out, 'expected-energy.csv'), ('\n'.join(exp_lines) + '\n').encode())
    write_bytes(os.path.join(out, 'expected-runs.csv'), ('\n'.join(run_lines) + '\n').encode())
    write_bytes(os.path.join(out, 'README.md'),
                readme(runs, nodes, results, cc_info).encode())
    if near:
        print('note: close to a rounding edge: ' + ', '.join(near), file=sys.stderr)
    total = 0
    for dp, _, fs in os.walk(out):
        for f in fs:
            total += os.path.getsize(os.path.join(dp, f))
    print('wrote %s: %d runs, %.2f MB' % (out, len(runs), total / 1e6))


def readme(runs, nodes, results, cc_info):
    L = []
    w = L.append
    w('# Sample lab')
    w('')
    w('A small, **synthetic** lab so that `trainprint report samples -o report` gives a meaningful')
    w('report on a fresh checkout. Nothing here was measured: the event files, power traces and the')
    w('CodeCarbon file are written by `tools/make_samples.py` (Python 3 standard library only,')
    w('fixed seeds, byte-identical on every run). To regenerate and check:')
    w('')
    w('```')
    w('python3 tools/make_samples.py            # rewrites samples/lab, README.md, expected-*.csv')
    w('python3 tools/make_samples.py --verify   # independent re-read: CRCs, events, energies')
    w('```')
    w('')
    w('## Layout')
    w('')
    w('```')
    w('samples/')
    w('  README.md               this file (generated)')
    w('  expected-energy.csv     run_id,gpu_wh: expected GPU energy per run (Wh, 1 decimal)')
    w('  expected-runs.csv       the same runs with host, GPUs, window (UTC epoch s), coverage, sharing')
    w('  lab/')
    for exp in nodes:
        w('    %s/' % exp)
        w('      gpu-power.csv       nvidia-smi log of the node (%s, 4 GPUs)' % nodes[exp]['host'])
        if exp == 'distill':
            w('      emissions.csv       CodeCarbon 2.5 row for teacher-vit-b')
        for r in runs:
            if r.exp == exp:
                w('      %s/%s' % (r.name, '  (2 event files)' if len(r.segs) > 1 else ''))
    w('```')
    w('')
    w('Each run directory holds an event file named like the torch writer names them')
    w('(`events.out.tfevents.<10-digit sec>.<host>.<pid>.0`), written the way PyTorch Lightning\'s')
    w('`TensorBoardLogger` writes them:')
    w('')
    w('- the `brain.Event:2` file_version record with `source_metadata` (torch writer);')
    w('- the hparams plugin records in the same file: `_hparams_/experiment` (hparam_infos, metric')
    w('  `hp_metric`), `_hparams_/session_start_info` (string and number values, including `seed`),')
    w('  `_hparams_/session_end_info` (SUCCESS), and `hp_metric` = -1 at step 0, then the final')
    w('  validation metric as `hp_metric` at the end (not in crashed or killed processes);')
    w('- `train/loss` (plus `train/kd_loss` in distill) and the learning rate (`lr-SGD` /')
    w('  `lr-AdamW`) as `simple_value` every 50 / 20 / 25 steps;')
    w('- validation metrics (`val/acc`, `val/loss`, `val/ppl`) as TF2-style tensor scalars: DT_FLOAT,')
    w('  rank 0, value in `tensor_content`, plugin `scalars`. In precision-sweep and distill every')
    w('  such value carries the metadata; in **lr-sweep only the first value of each tag does** (as the')
    w('  TF1 Python writer does), so a reader must remember a tag\'s plugin from its first value;')
    w('- one legacy `histo` tag per run (`weights/...`) at every validation, to be skipped.')
    w('')
    w('## The experiments')
    w('')
    w('| experiment | node | date (local) | what |')
    w('|---|---|---|---|')
    w('| precision-sweep | %s | 2026-03-03 | ResNet-50, 100-class ImageNet subset, 8 epochs: '
      'precision {fp32, amp-bf16} x batch_size {128, 256} x seed {0, 1}; amp is ~2.4x faster '
      'and draws less power |' % nodes['precision-sweep']['host'])
    w('| lr-sweep | %s | 2026-03-10 | 6-layer GPT-style LM on wikitext-103, 3000 steps: '
      'lr {1e-4, 3e-4, 1e-3} x seed {0, 1, 2} |' % nodes['lr-sweep']['host'])
    w('| distill | %s | 2026-03-30 | ResNet-18 student distilled from ViT teachers of three '
      'sizes (`teacher` = vit-s16, vit-b16, vit-l16), DDP on 2 GPUs each |'
      % nodes['distill']['host'])
    w('')
    w('Things worth noticing in the report:')
    w('')
    w('- **Overlap on different GPUs**: within each experiment several runs train at the same time')
    w('  on different GPUs of the node; the trace file covers all 4 GPUs and each run gets only')
    w('  its own GPUs: each run records them as the hparam `CUDA_VISIBLE_DEVICES` (as a launcher')
    w('  would), which trainprint uses to charge the run only for those GPUs and leaves out of')
    w('  the configuration, so that seeds still group as repeats.')
    w('- **Same GPU shared**: `precision-sweep/amp-bf16-bs128-s1` was started on GPU 0 while')
    w('  `precision-sweep/fp32-bs128-s0` was still running there. Over the part of their windows')
    w('  that overlaps, the energy of GPU 0 is **split equally** between the two runs; outside it')
    w('  each run gets all of it.')
    w('- **Gap in a trace**: the nvidia-smi logger of the lr-sweep node stalled for two minutes')
    w('  (10:18 to 10:20 local) while only `lr-sweep/lr1e-4-s0` was running; there are no rows')
    w('  at all in that hole, so that run\'s coverage drops to %.1f %%. The gap is longer than'
      % (100 * results['lab/lr-sweep/lr1e-4-s0'][1]))
    w('  max(10 s, 5 x sampling interval), so it is not bridged.')
    rr = [r for r in runs if len(r.segs) > 1][0]
    w('- **Restart**: `lr-sweep/%s` was killed at step 1340 and resumed %.1f minutes' % (
        rr.name, (rr.segs[1].start - rr.segs[0].last) / 60.0))
    w('  later from its step-1000 checkpoint: a second event file in the same run directory')
    w('  (new pid) whose steps go back to 0 (file_version, hparams, `hp_metric` -1) and then')
    w('  continue from 1020, logging steps 1020..1340 a second time. Its window spans both')
    w('  files, including the idle minutes in between.')
    w('- **Divergence**: `lr-sweep/lr1e-3-s2` (lr 1e-3) blows up: its loss climbs from step ~900')
    w('  and is NaN from step 1150; validation at step 1500 is NaN and early stopping ends the run')
    w('  there (no final `hp_metric`).')
    w('- **Declared energy**: `distill/emissions.csv` is the CodeCarbon 2.5.0 file of')
    w('  `distill/teacher-vit-b` (31 columns, `pue` 1.0, tracking_mode machine, GPUs 2 and 3).')
    if cc_info:
        r, a, b, gj = cc_info
        w('  The tracker ran from %s to %s UTC' % (iso_utc(round(a, 3)), iso_utc(round(b, 3))))
        w('  (%.1f s, a few seconds wider than the run\'s event window);' % (b - a))
        w('  its `gpu_energy` (%.6f kWh) is the trapezoid integral of the trace over that span.'
          % (gj / 3.6e6))
        w('  CPU and RAM figures are CodeCarbon-style estimates and are not in any trace.')
    w('')
    w('## Time')
    w('')
    w('Event wall times are UTC epoch seconds. The nvidia-smi timestamps (and CodeCarbon\'s')
    w('`timestamp`) are **naive local time in `Europe/Berlin`**: CET (UTC+1) for precision-sweep')
    w('and lr-sweep, and CEST (UTC+2) for distill, which ran after the switch to summer time on')
    w('29 March 2026 (02:00 CET -> 03:00 CEST). No trace crosses the switch. A reader that')
    w('assumes a fixed UTC+1 puts the distill traces an hour off.')
    w('')
    w('The traces sample about once a second (intervals 1.000-1.010 s, as `nvidia-smi -lms 1000`')
    w('drifts), with GPU idle power of 55-65 W between runs, a ramp when a run starts, a dip during')
    w('each validation, and noise.')
    w('')
    w('## Runs and expected GPU energy')
    w('')
    w('Window = first..last event wall time over all event files of the run. Energy = trapezoid')
    w('integral of `power.draw` of the run\'s GPUs over the window, clipped at the window edges by')
    w('linear interpolation, gaps longer than max(10 s, 5 x median interval) not bridged, and a GPU')
    w('used by two runs at once split equally. Coverage = covered seconds / (window x GPUs).')
    w('The same numbers are in `expected-energy.csv` (run_id,gpu_wh) and `expected-runs.csv`.')
    w('')
    w('| run | GPUs | window start (UTC) | window end (UTC) | minutes | GPU Wh | coverage | note |')
    w('|---|---|---|---|---:|---:|---:|---|')
    for r in runs:
        e, cov, shared = results[r.run_id]
        a, b = r.window
        notes = []
        if shared:
            notes.append('shares GPU 0')
        if len(r.segs) > 1:
            notes.append('restarted')
        if getattr(r, 'diverge', None):
            notes.append('diverged')
        if cov < 0.999:
            notes.append('trace gap')
        if cc_info and cc_info[0] is r:
            notes.append('CodeCarbon')
        w('| %s | %s | %s | %s | %.1f | %.1f | %.3f | %s |' % (
            r.run_id, ','.join(str(g) for g in r.gpus), iso_utc(round(a, 3)),
            iso_utc(round(b, 3)), (b - a) / 60.0, e / 3600.0, cov, ', '.join(notes)))
    w('')
    return '\n'.join(L)


# --------------------------------------------------------------------------
# Independent verifier

def v_crc32c(data):
    """Bitwise CRC-32C, deliberately not the table used by the writer."""
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
    return c ^ 0xFFFFFFFF


def v_mask(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def pb_fields(buf):
    """Yield (field, wire, value) of a protobuf message; raise on malformed input."""
    i, n = 0, len(buf)

    def rv(i):
        x = s = 0
        while True:
            if i >= n or s > 63:
                raise ValueError('bad varint')
            b = buf[i]
            i += 1
            x |= (b & 0x7F) << s
            s += 7
            if not b & 0x80:
                return x, i
    while i < n:
        k, i = rv(i)
        f, w = k >> 3, k & 7
        if w == 0:
            v, i = rv(i)
        elif w == 1:
            if i + 8 > n:
                raise ValueError('short fixed64')
            v, i = buf[i:i + 8], i + 8
        elif w == 2:
            ln, i = rv(i)
            if i + ln > n:
                raise ValueError('short bytes')
            v, i = buf[i:i + ln], i + ln
        elif w == 5:
            if i + 4 > n:
                raise ValueError('short fixed32')
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError('wire type %d' % w)
        yield f, w, v


def read_event_file(path):
    """Return (events, problems); events are dicts with wall, step, kind, scalars, ..."""
    data = open(path, 'rb').read()
    off, events, problems = 0, [], []
    while off < len(data):
        if off + 12 > len(data):
            problems.append('%d: truncated header' % off)
            break
        head = data[off:off + 8]
        (ln,) = struct.unpack('<Q', head)
        (hcrc,) = struct.unpack('<I', data[off + 8:off + 12])
        if v_mask(v_crc32c(head)) != hcrc:
            problems.append('%d: header crc' % off)
            break
        if off + 16 + ln > len(data):
            problems.append('%d: truncated data' % off)
            break
        payload = data[off + 12:off + 12 + ln]
        (dcrc,) = struct.unpack('<I', data[off + 12 + ln:off + 16 + ln])
        if v_mask(v_crc32c(payload)) != dcrc:
            problems.append('%d: data crc' % off)
            break
        e = {'off': off, 'wall': None, 'step': 0, 'version': None, 'values': [], 'source': None}
        for f, w, v in pb_fields(payload):
            if f == 1 and w == 1:
                e['wall'] = struct.unpack('<d', v)[0]
            elif f == 2 and w == 0:
                e['step'] = v
            elif f == 3:
                e['version'] = v.decode()
            elif f == 5:
                for sf, _, sv in pb_fields(v):
                    if sf == 1:
                        e['values'].append(decode_value(sv))
            elif f == 10:
                e['source'] = dict((a, b) for a, _, b in pb_fields(v)).get(1, b'').decode()
        events.append(e)
        off += 16 + ln
    return events, problems


def decode_value(buf):
    out = {'tag': None, 'kind': 'empty', 'plugin': None}
    for f, w, v in pb_fields(buf):
        if f == 1:
            out['tag'] = v.decode()
        elif f == 2 and w == 5:
            out['kind'], out['value'] = 'simple', struct.unpack('<f', v)[0]
        elif f == 5:
            out['kind'] = 'histo'
            hd = {}
            for hf, hw, hv in pb_fields(v):
                if hw == 1:
                    hd[hf] = struct.unpack('<d', hv)[0]
            out['num'] = hd.get(3)
        elif f == 8:
            dtype, content, dims = None, None, 0
            for tf, tw, tv in pb_fields(v):
                if tf == 1:
                    dtype = tv
                elif tf == 2:
                    dims = sum(1 for df, _, _ in pb_fields(tv) if df == 2)
                elif tf == 4:
                    content = tv
            if dtype == 1 and dims == 0 and content is not None and len(content) == 4:
                out['kind'], out['value'] = 'tensor', struct.unpack('<f', content)[0]
            else:
                out['kind'] = 'tensor?'
        elif f == 9:
            for mf, _, mv in pb_fields(v):
                if mf == 1:
                    pd = dict((a, b) for a, _, b in pb_fields(mv))
                    out['plugin'] = pd.get(1, b'').decode()
                    out['content'] = pd.get(2, b'')
    if out['plugin'] == 'hparams':
        out['hparams'] = decode_hparams(out['content'])
    return out


def decode_hparams(content):
    res = {}
    for f, _, v in pb_fields(content):
        if f == 2:
            res['experiment'] = {'hparams': [], 'metrics': []}
            for ef, _, ev_ in pb_fields(v):
                if ef == 4:
                    d = dict((a, b) for a, _, b in pb_fields(ev_))
                    res['experiment']['hparams'].append((d[1].decode(), d.get(4)))
                elif ef == 5:
                    name = dict((a, b) for a, _, b in pb_fields(ev_))[1]
                    res['experiment']['metrics'].append(
                        dict((a, b) for a, _, b in pb_fields(name))[2].decode())
        elif f == 3:
            hp = {}
            for sf, _, sv in pb_fields(v):
                if sf == 1:
                    ent = dict((a, b) for a, _, b in pb_fields(sv))
                    k = ent[1].decode()
                    for vf, vw, vv in pb_fields(ent[2]):
                        hp[k] = struct.unpack('<d', vv)[0] if vf == 2 else vv.decode()
            res['start'] = hp
        elif f == 4:
            res['end'] = dict((a, b) for a, _, b in pb_fields(v)).get(1)
    return res


def parse_nvsmi(path):
    """{index: [(t_utc, W)]} from an nvidia-smi CSV, local Europe/Berlin times."""
    out = {}
    with open(path, 'rb') as f:
        lines = f.read().decode('ascii').split('\n')
    assert lines[0] == 'timestamp, index, name, power.draw [W], utilization.gpu [%], memory.used [MiB]'
    assert lines[-1] == ''
    prev = None
    for ln in lines[1:-1]:
        ts, idx, name, pw, ut, mem = ln.split(', ')
        assert name == GPU_NAME and pw.endswith(' W') and ut.endswith(' %') and mem.endswith(' MiB')
        y, mo, d = ts[0:4], ts[5:7], ts[8:10]
        naive = calendar.timegm((int(y), int(mo), int(d), int(ts[11:13]), int(ts[14:16]),
                                 int(ts[17:19])))
        ms = int(ts[20:23])
        t = (naive - berlin_offset_s(naive - 3600)) * 1000 + ms
        if prev is not None:
            assert t >= prev
        prev = t
        w = float(pw[:-2])
        u = int(ut[:-2])
        assert 0 <= u <= 100 and 40 <= w <= 400
        out.setdefault(int(idx), []).append((t / 1000.0, w))
    return out


def verify(out):
    ok = True
    vec = masked_crc32c(b'\x1a\x11CRC test, one two')
    vec2 = v_mask(v_crc32c(b'\x1a\x11CRC test, one two'))
    print('CRC32C test vector: writer 0x%08x, verifier 0x%08x, expected 0x5794d08a; '
          'crc32c("123456789") = 0x%08x (expected 0xe3069283)'
          % (vec, vec2, v_crc32c(b'123456789')))
    ok &= vec == vec2 == 0x5794D08A and v_crc32c(b'123456789') == 0xE3069283
    try:
        import datetime
        import zoneinfo
        tz = zoneinfo.ZoneInfo(TZ_NAME)
        for t in range(utc(2026, 2, 25, 0, 0), utc(2026, 4, 5, 0, 0), 1800):
            off = datetime.datetime.fromtimestamp(t, tz).utcoffset().total_seconds()
            if off != berlin_offset_s(t):
                ok = False
                print('FAIL: Europe/Berlin offset at %d' % t)
                break
        print('Europe/Berlin offsets checked against the tz database')
    except Exception as e:  # no tz database: the built-in rule stands alone
        print('tz database not available (%s); offsets not cross-checked' % e)
    exp_runs = {}
    with open(os.path.join(out, 'expected-runs.csv')) as f:
        hdr = f.readline().strip().split(',')
        for ln in f:
            row = dict(zip(hdr, ln.strip().split(',')))
            exp_runs[row['run_id']] = row
    with open(os.path.join(out, 'expected-energy.csv')) as f:
        assert f.readline().strip() == 'run_id,gpu_wh'
        exp_wh = dict(ln.strip().split(',') for ln in f)
    lab = os.path.join(out, 'lab')
    windows = {}
    n_rec = 0
    for exp in sorted(os.listdir(lab)):
        ed = os.path.join(lab, exp)
        for rn in sorted(os.listdir(ed)):
            rd = os.path.join(ed, rn)
            if not os.path.isdir(rd):
                continue
            rid = 'lab/%s/%s' % (exp, rn)
            files = sorted(x for x in os.listdir(rd) if 'tfevents' in x)
            walls, tags, hps, steps_back = [], {}, None, 0
            md_seen = {}
            last_step = None
            for fn in files:
                evs, probs = read_event_file(os.path.join(rd, fn))
                n_rec += len(evs)
                if probs:
                    print('FAIL %s/%s: %s' % (rid, fn, probs))
                    ok = False
                assert evs[0]['version'] == 'brain.Event:2' and evs[0]['source'] == TORCH_WRITER
                for e in evs:
                    walls.append(e['wall'])
                    if last_step is not None and e['step'] < last_step:
                        steps_back += 1
                    last_step = e['step']
                    for v in e['values']:
                        if v['plugin'] is not None:
                            md_seen.setdefault(v['tag'], v['plugin'])
                        if 'hparams' in v and 'start' in v['hparams']:
                            hps = v['hparams']['start']
                        if v['kind'] in ('simple', 'tensor'):
                            tags.setdefault(v['tag'], []).append((e['step'], v['value']))
                        elif v['kind'] == 'tensor?':
                            ok = False
                            print('FAIL %s: undecodable tensor %s' % (rid, v['tag']))
            windows[rid] = (min(walls), max(walls))
            er = exp_runs.get(rid)
            if er is None or abs(float(er['start_utc']) - min(walls)) > 1e-6 or \
                    abs(float(er['end_utc']) - max(walls)) > 1e-6:
                ok = False
                print('FAIL %s: window differs from expected-runs.csv' % rid)
            assert 'seed' in hps
            assert md_seen.get('val/loss') == 'scalars'
            nan = sum(1 for pts in tags.values() for _, x in pts if math.isnan(x))
            print('%-36s files %d  %5.1f min  restarts %d  tags %s  nan %d  seed %g' % (
                rid, len(files), (max(walls) - min(walls)) / 60, steps_back,
                ' '.join('%s:%d' % (t, len(p)) for t, p in sorted(tags.items())), nan,
                hps['seed']))
    # energies from the files alone
    for exp in sorted(os.listdir(lab)):
        samples = parse_nvsmi(os.path.join(lab, exp, 'gpu-power.csv'))
        wins = {}
        for rid, (a, b) in windows.items():
            if rid.startswith('lab/%s/' % exp):
                gpus = [int(g[3:]) for g in exp_runs[rid]['gpus'].split()]
                wins[rid] = (a, b, gpus)
        res = run_energies(wins, samples)
        for rid, (e, cov, shared) in sorted(res.items()):
            got = '%.1f' % (e / 3600.0)
            if got != exp_wh[rid] or abs(cov - float(exp_runs[rid]['coverage'])) > 1e-4:
                ok = False
                print('FAIL %s: energy %s Wh (expected %s), coverage %.4f' % (
                    rid, got, exp_wh[rid], cov))
    cc = os.path.join(lab, 'distill', 'emissions.csv')
    with open(cc) as f:
        hdr, row = f.readline().strip().split(','), f.readline().strip().split(',')
    assert ','.join(hdr) == CC_COLUMNS and len(row) == 31
    print('records %d; CodeCarbon row: %d columns, gpu_energy %s kWh' % (
        n_rec, len(row), dict(zip(hdr, row))['gpu_energy']))
    print('verify: %s' % ('OK' if ok else 'FAILED'))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  '..', 'samples'))
    ap.add_argument('--verify', action='store_true', help='check the files instead of writing')
    a = ap.parse_args()
    out = os.path.normpath(a.out)
    if a.verify:
        sys.exit(0 if verify(out) else 1)
    generate(out)


if __name__ == '__main__':
    main()
