#!/usr/bin/env bash
# End-to-end: `trainprint report` on a lab of bad inputs, generated here.
#
# Each case of docs/bad-input.md that needs the whole program is checked here:
# the exit code, the diagnostic on stderr, that the good parts are still in
# summary.json (read with Python's strict JSON and UTF-8), that names from the
# inputs come out escaped, and that nothing is written outside the output
# directory.  A full disk and an unreadable directory use an LD_PRELOAD shim
# built from tests/e2e/failshim.c (skipped, with a message, without a C
# compiler).
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0 skip=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}
has() { grep -qF -- "$2" "$1"; } # has FILE TEXT
# An instrumented binary wants its sanitizer runtime first; the shim comes before it.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
lab=$scratch/lab
mkdir -p "$lab"

# ---- the lab ----------------------------------------------------------------
python3 - "$lab" "$scratch/chunk" "$src" <<'PY'
import calendar, os, struct, sys
lab, chunk, src = sys.argv[1], sys.argv[2], sys.argv[3]

sys.path.insert(0, os.path.join(src, 'tests', 'data'))
from tfrecord import header, ld, record, varint  # noqa: E402
def scalar(wall, step, tag, value):
    val = ld(1, tag) + b'\x15' + struct.pack('<f', value)
    return record(b'\x09' + struct.pack('<d', wall) + b'\x10' + varint(step) + ld(5, ld(1, val)))
def events(t0, n=20, dt=30.0, tags=(b'val/acc',)):
    out = record(b'\x09' + struct.pack('<d', t0) + ld(3, b'brain.Event:2'))
    for i in range(n):
        for tag in tags:
            out += scalar(t0 + i * dt, i, tag, 0.1 + 0.01 * i)
    return out
def run(rel, data, name=b'events.out.tfevents.1773136800.host.1.0'):
    d = os.path.join(lab.encode(), rel)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
    return d
def utc(y, mo, d, h, mi, s): return calendar.timegm((y, mo, d, h, mi, s))
def stamp(t):
    tm = __import__('time').gmtime(t)
    return '%04d/%02d/%02d %02d:%02d:%02d.000' % tm[:6]

T0 = utc(2026, 3, 10, 10, 0, 0)
good = events(T0)
run(b'exp/good', good)
run(b'exp/truncated', good[:-5])
bad = bytearray(good); bad[len(good) // 2] ^= 0x01
run(b'exp/corrupt', bytes(bad))
run(b'exp/empty', b'')
run(b'exp/huge', good + header(1 << 60) + b'payload')
run(b'exp/badtag', events(T0, tags=(b'val/\xff\xfeacc', b'loss\x01\x1b[31m<b>')))
for name in (b'<script>alert(1)<', b'a"b\'c', b'..x', b'tab\there', b'ctl\x01x', b'bad\xffname'):
    run(b'names/' + name, good)
d = run(b'exp/deep', good)
with open(os.path.join(d, b'hparams.yaml'), 'w') as f:
    f.write('a:\n' + ''.join('  ' * (i + 1) + 'k%d:\n' % i for i in range(100)) + '  ' * 101 + 'v: 1\nlr: 0.1\n')
d = run(b'exp/bomb', good)
bomb = 'lr: 0.1\na0: &a0 [x, x, x, x, x, x, x, x, x]\n'
for i in range(1, 10):
    bomb += 'a%d: &a%d [%s]\n' % (i, i, ', '.join(['*a%d' % (i - 1)] * 9))
with open(os.path.join(d, b'hparams.yaml'), 'w') as f:
    f.write(bomb)
d = run(b'exp/deepjson', good)
with open(os.path.join(d, b'hparams.yaml'), 'w') as f:
    f.write('{"a": ' * 500 + '1' + '}' * 500 + '\n')

# One trace for exp/: 1 Hz over the window, with every kind of bad sample.
rows = ['timestamp, index, name, power.draw [W]']
for i in range(-30, 620):
    t = T0 + i
    p = '100.00 W'
    if i == 100: p = 'nan W'
    if i == 101: p = 'inf W'
    if i == 102: p = '-5.00 W'
    rows.append('%s, 0, NVIDIA A100, %s' % (stamp(t), p))
    if i == 200: rows.append('%s, 0, NVIDIA A100, 100.00 W' % stamp(t))        # repeated
    if i == 300: rows.append('%s, 0, NVIDIA A100, 100.00 W' % stamp(t - 50))   # out of order
    if i == 400: rows.append("%s, 0, NVIDIA A100, 100.00 W" % stamp(t - 365 * 86400))       # another year
    if i == 500: rows.append('9' * (10 * 1024 * 1024))                          # a 10 MB line
with open(os.path.join(lab, 'exp', 'gpu-power.csv'), 'w') as f:
    f.write('\n'.join(rows) + '\n')

# Clock jumps: back an hour, forward a day.
T1 = utc(2026, 3, 11, 10, 0, 0)
run(b'clock/jumpy', events(T1, n=40, dt=30.0))
rows = ['timestamp, index, name, power.draw [W]']
for i in range(0, 1200):
    t = T1 - 10 + i
    if 400 <= i < 410: t -= 3600          # ten samples an hour back
    if i >= 800: t += 86400               # the clock jumps a day forward
    rows.append('%s, 0, NVIDIA A100, 200.00 W' % stamp(t))
with open(os.path.join(lab, 'clock', 'gpu-power.csv'), 'w') as f:
    f.write('\n'.join(rows) + '\n')

# A trace that overlaps no run (a year earlier).
T2 = utc(2026, 3, 12, 10, 0, 0)
run(b'apart/run', events(T2))
rows = ['timestamp, index, name, power.draw [W]']
rows += ['%s, 0, NVIDIA A100, 150.00 W' % stamp(T2 - 365 * 86400 + i) for i in range(600)]
with open(os.path.join(lab, 'apart', 'gpu-power.csv'), 'w') as f:
    f.write('\n'.join(rows) + '\n')

# Symbolic link loops: a directory link to its parent, a link to itself.
os.makedirs(os.path.join(lab, 'links'))
os.symlink('..', os.path.join(lab, 'links', 'up'))
os.symlink('self', os.path.join(lab, 'links', 'self'))
# A run in a directory that cannot be read (through the shim).
run(b'locked/run', good)
# Records a writer appends to an event file while it is read.
with open(chunk, 'wb') as f:
    f.write(b''.join(scalar(T0 + 600 + i, 20 + i, b'val/acc', 0.5) for i in range(20)))
PY
check "lab generated" test $? -eq 0

# What lies outside the output directories before the report runs.
# (The test's own files go to $scratch/t, which the listing leaves out.)
t=$scratch/t
mkdir -p "$t"
outside() { (cd "$scratch" && find . -path ./t -prune -o -path ./out -prune -o -path './out.*' -prune -o -print | LC_ALL=C sort); }
outside >"$t/before.list"

# ---- the report ---------------------------------------------------------------
"$tp" report "$lab" -o "$scratch/out" --timezone UTC 2>"$t/err"
check "report of a lab with bad inputs exits 0" test $? -eq 0
err=$t/err
check "truncated event file: reported, records before kept" \
  has "$err" "exp/truncated/events.out.tfevents.1773136800.host.1.0: byte 895: record at byte 895 declares 29 payload bytes but only 28 bytes remain (truncated last record)"
check "corrupted record: skipped" has "$err" "exp/corrupt/events.out.tfevents.1773136800.host.1.0: byte 445: payload CRC mismatch in record at byte 445; record skipped"
check "zero-length file: reported" has "$err" "exp/empty/events.out.tfevents.1773136800.host.1.0: empty file; nothing read"
check "length of 2^60: refused" has "$err" "declares 1152921504606846976 payload bytes but only 7 bytes remain"
check "no raw escape character on stderr" bash -c "! grep -q \$'\\x1b' '$err'"
check "control characters in names shown as \\xNN on stderr" grep -qF 'ctl\x01x' "$err"
check "10 MB line: skipped" has "$err" "exp/gpu-power.csv: line 536: line longer than 65536 bytes; skipped"
check "NaN power: dropped" has "$err" "line 132: gpu0: value nan is not finite; sample dropped"
check "Inf power: dropped" has "$err" "line 133: gpu0: value inf is not finite; sample dropped"
check "negative power: dropped" has "$err" "line 134: gpu0: value -5 is negative; sample dropped"
check "time out of order: dropped" has "$err" "line 334: gpu0: time goes back 50.000 s from the previous sample; sample dropped"
check "another year: dropped" has "$err" "line 435: gpu0: time goes back 31536000.000 s from the previous sample; sample dropped"
check "clock back an hour: dropped" has "$err" "clock/gpu-power.csv: line 402: gpu0: time goes back 3599.000 s"
check "clock a day forward: gap not bridged" has "$err" "clock/gpu-power.csv: power trace of gpu0: 2 gaps longer than 10 s (86412 s in all) not bridged"
check "clock jump: coverage drops" has "$err" "clock/jumpy: power traces cover"
check "trace apart from every run: said" has "$err" "apart/gpu-power.csv: the trace's samples (2025-03-12 10:00:00 UTC to 2025-03-12 10:09:59 UTC) overlap no run's window; not used"
check "run without a trace: no energy" has "$err" "apart/run: no energy: no power trace"
# a1..a3 copy 9 x 11 + 9 x 101 + 9 x 911 = 9207 events; one a3 more (8201) is past 10000.
check "alias bomb: bounded" has "$err" "exp/bomb/hparams.yaml: line 6: alias '*a3' not expanded (expansion limit reached); key 'a4' skipped"
check "deep YAML: value skipped" has "$err" "exp/deep/hparams.yaml: line 65: nesting deeper than 64 levels under key"
check "deep JSON: value skipped" has "$err" "exp/deepjson/hparams.yaml: line 1: nesting deeper than 64 levels under key"
check "link to itself: skipped" has "$err" "links/self: cannot stat (Too many levels of symbolic links); skipped"
check "directory loop: entered once" has "$err" "links/up: directory loop (this directory contains itself through a link); not entered again"

python3 - "$scratch/out" <<'PY'
import json, os, sys
out = sys.argv[1]
bad = 0
def fail(*a):
    global bad
    print("FAIL:", *a); bad += 1
# Strict: invalid UTF-8 raises here, and so does a bare NaN (parse_constant).
def no_constants(name): raise ValueError("bare " + name)
s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"), parse_constant=no_constants)
runs = {r["id"]: r for r in s["runs"]}
want = {"exp/good", "exp/truncated", "exp/corrupt", "exp/empty", "exp/huge", "exp/badtag",
        "exp/deep", "exp/bomb", "exp/deepjson", "clock/jumpy", "apart/run", "locked/run",
        "names/<script>alert(1)<", "names/a\"b'c", "names/..x", "names/tab\there",
        "names/ctl\x01x", "names/bad\ufffdname"}
if set(runs) != want:
    fail("runs", sorted(set(runs) ^ want))
def energy(rid): return runs.get(rid, {}).get("energy", {})
g = energy("exp/good").get("it_kwh")
for rid in ("exp/truncated", "exp/corrupt", "exp/huge", "exp/badtag", "exp/deep", "exp/bomb"):
    e = energy(rid)
    if e.get("method") != "integrated" or not e.get("it_kwh"):
        fail("good parts of", rid, "lost:", e)
for rid, n in (("exp/truncated", 19), ("exp/corrupt", 19), ("exp/huge", 20), ("exp/good", 20)):
    c = runs[rid]["metrics"].get("val/acc", {}).get("count")
    if c != n: fail(rid, "val/acc count", c, "expected", n)
if energy("exp/empty").get("method") != "none": fail("empty run has energy")
if energy("apart/run").get("method") != "none": fail("run apart from its trace has energy")
if not 0 < energy("clock/jumpy").get("coverage", 0) < 1: fail("clock jump coverage", energy("clock/jumpy"))
tags = sorted(runs["exp/badtag"]["metrics"])
if tags != ["loss\x01\x1b[31m<b>", "val/\ufffd\ufffdacc"]: fail("tags", tags)
hp = runs["exp/deep"]["hparams"]
if hp.get("lr") != 0.1: fail("keys after a deep value lost", hp)
if runs["exp/bomb"]["hparams"].get("lr") != 0.1: fail("keys beside an alias bomb lost")
# Pages: every name escaped, every file inside the site, all of it valid UTF-8.
for root, dirs, files in os.walk(out):
    for f in files:
        p = os.path.join(root, f)
        data = open(p, "rb").read()
        if f.endswith((".html", ".svg", ".json", ".csv")):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                fail(p, "not UTF-8:", e); continue
            if f.endswith((".html", ".svg")) and ("<script>alert" in text or "<b>" in text):
                fail(p, "holds a name from the inputs unescaped")
            if "\x1b" in text: fail(p, "holds a raw escape character")
page = [f for f in os.listdir(os.path.join(out, "runs")) if f.startswith("names-script")]
if not page or "&lt;script&gt;alert(1)&lt;" not in open(os.path.join(out, "runs", page[0]), encoding="utf-8").read():
    fail("the run named <script> has no page with its name escaped")
sys.exit(1 if bad else 0)
PY
check "summary.json strict, good parts kept, names escaped in pages" test $? -eq 0
outside >"$t/after.list"
check "nothing written outside the output directory" cmp -s "$t/before.list" "$t/after.list"
check "no temporary site left beside it" test -z "$(ls -d "$scratch"/out.* 2>/dev/null)"

# ---- a file that grows while it is read ----------------------------------------
# A writer appends records to an event file while the report reads it (a run
# still training); the report ends, keeps the run, and exits 0.
grow=$scratch/grow/run/events.out.tfevents.1773136800.host.1.0
mkdir -p "$(dirname "$grow")"
cp "$lab/exp/good/events.out.tfevents.1773136800.host.1.0" "$grow"
( for i in $(seq 1 400); do cat "$scratch/chunk" >>"$grow"; done ) &
writer=$!
timeout 120 "$tp" report "$scratch/grow" -o "$scratch/out-grow" 2>"$scratch/grow.err"
rc=$?
wait "$writer"
check "growing file: exit 0 (no hang)" test "$rc" -eq 0
check "growing file: the run is reported" grep -q '"id": "run"' "$scratch/out-grow/summary.json"

# ---- output directories ---------------------------------------------------------
echo keep >"$scratch/afile"
"$tp" report "$lab" -o "$scratch/afile" 2>"$scratch/o1.err"
check "output is a file: exit 1" test $? -eq 1
check "output is a file: untouched" grep -qx keep "$scratch/afile"
"$tp" report "$lab" -o /proc/trainprint-cannot-write 2>"$scratch/o2.err"
check "output not writable: exit 1" test $? -eq 1
check "output not writable: said" grep -q "error" "$scratch/o2.err"
"$tp" report "$lab" -o "$lab" 2>"$scratch/o3.err"
check "output is the input (foreign, not empty): exit 1" test $? -eq 1
check "output is the input: nothing written" test ! -e "$lab/summary.json"

# ---- the shim: a full disk, an unreadable directory ---------------------------------
cc=$(command -v cc || command -v gcc || command -v clang)
shim=$scratch/failshim.so
if [ -n "$cc" ] && "$cc" -shared -fPIC -O1 -o "$shim" "$src/tests/e2e/failshim.c" -ldl 2>"$scratch/shim.err"; then
  cp "$scratch/out/summary.json" "$scratch/prev.json"
  TP_SHIM_FULL="$scratch/out" LD_PRELOAD=$shim "$tp" report "$lab" -o "$scratch/out" --timezone UTC \
    2>"$scratch/full.err"
  check "full disk: exit 1" test $? -eq 1
  check "full disk: said" grep -q "No space left on device" "$scratch/full.err"
  check "full disk: previous report intact" cmp -s "$scratch/prev.json" "$scratch/out/summary.json"
  check "full disk: no temporary site left" test -z "$(ls -d "$scratch"/out.* 2>/dev/null)"
  TP_SHIM_NOACCESS="$lab/locked" LD_PRELOAD=$shim "$tp" report "$lab" -o "$scratch/out-locked" \
    --timezone UTC 2>"$scratch/locked.err"
  check "unreadable directory: exit 0" test $? -eq 0
  check "unreadable directory: said" has "$scratch/locked.err" "locked: cannot read directory (Permission denied); skipped"
  check "unreadable directory: its run left out, the rest kept" python3 -c '
import json, sys
ids = {r["id"] for r in json.load(open(sys.argv[1]))["runs"]}
sys.exit(0 if "locked/run" not in ids and "exp/good" in ids else 1)' "$scratch/out-locked/summary.json"
  TP_SHIM_NOACCESS="$lab" LD_PRELOAD=$shim "$tp" report "$lab" -o "$scratch/out-none" 2>"$scratch/none.err"
  check "unreadable argument: exit 1" test $? -eq 1
else
  echo "skip: no C compiler to build the LD_PRELOAD shim; full disk and unreadable directory not tested"
  skip=1
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
