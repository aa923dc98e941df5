#!/usr/bin/env bash
# End-to-end: CSV logs read through a configured parser's columns, and an
# Ultralytics run without any wall-clock time estimated from its duration.
#   - `parsers: [{name: mycsv, files: ["log*.csv"], columns: {step: iter,
#     step_base: 1, time: wall, time_format: epoch-s, metrics: [loss, acc]}}]`:
#     a folder holding only lab/a/log-train.csv is a run of its own; iter 1..3
#     are steps 0..2, wall gives the window (1700000000 .. +120 s), and only
#     loss and acc are metrics (not extra); a second matching log in lab/b
#     makes two runs there;
#   - the configuration's hardware (1 x V100-SXM2-16GB, 300 W): run a is
#     estimated over its window, 300 W x 120 s = 36000 J = 0.01 kWh; the
#     Ultralytics run (results.csv's time column ends at 32 s, no event file)
#     has no window but is estimated from its duration, 300 W x 32 s =
#     9600 J = 0.002667 kWh, and says it has no window; args.yaml gives its
#     hyperparameters;
#   - the same Ultralytics folder with an event file beside it (first wall
#     time 2024-06-01 10:00:00 UTC, last 180.5 s later): results.csv's
#     offsets are anchored on that start, so the run starts then, its window
#     runs to the event file's last time (180.5 s, past the CSV's 32 s) and the
#     estimate covers it: 300 W x 180.5 s = 54150 J = 0.015042 kWh;
#   - a text-log parser's files globs: a folder holding only train-1.out (a
#     name no built-in reader takes) is a run read with its patterns.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 shared=$3 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch/lab/a" "$scratch/lab/b" "$scratch/lab/u/runs/detect/train" \
  "$scratch/lab/ev/train" "$scratch/lab/t"
fail=0 pass=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

cat >"$scratch/lab/trainprint.yaml" <<'YAML'
parsers:
  - name: mycsv
    files: ["log*.csv"]
    columns: {step: iter, step_base: 1, time: wall, time_format: epoch-s, metrics: [loss, acc]}
  - name: mytext
    files: ["train-*.out"]
    patterns: ['^step (?<step>\d+) loss (?<loss>[-+.\deE]+)']
hardware:
  - gpu: {model: V100-SXM2-16GB, count: 1}
YAML
printf 'iter,wall,loss,acc,extra\n1,1700000000,1.0,0.5,7\n2,1700000060,0.8,0.6,7\n3,1700000120,0.6,0.7,7\n' \
  >"$scratch/lab/a/log-train.csv"
printf 'iter,wall,loss,acc\n1,1700100000,2.0,0.1\n2,1700100030,1.5,0.2\n' >"$scratch/lab/b/log-x.csv"
printf 'iter,wall,loss,acc\n1,1700200000,3.0,0.3\n' >"$scratch/lab/b/log-y.csv"
cp "$src/tests/readers/ultralytics/elapsed/results.csv" "$src/tests/readers/ultralytics/elapsed/args.yaml" \
  "$scratch/lab/u/runs/detect/train/"
cp "$scratch/lab/u/runs/detect/train/"* "$scratch/lab/ev/train/"
cp "$src/tests/readers/tfevents/scalars.tfevents" "$scratch/lab/ev/train/events.out.tfevents.1717236000.host.1.0"
printf 'step 1 loss 0.9\nstep 2 loss 0.7\nstep 3 loss 0.5\n' >"$scratch/lab/t/train-1.out"

"$tp" report "$scratch/lab" -o "$scratch/r" 2>"$scratch/r.err"
check "report exits 0" test $? -eq 0
python3 - "$scratch/r/summary.json" <<'PY'
import json, sys
runs = {r['id']: r for r in json.load(open(sys.argv[1]))['runs']}
bad = []
def want(what, ok):
    if not ok: bad.append(what)
a = runs.get('a')
want('run a', a is not None)
if a:
    want('a metrics', sorted(a['metrics']) == ['acc', 'loss'])
    want('a loss', a['metrics']['loss']['count'] == 3 and a['metrics']['loss']['last'] == 0.6)
    want('a start', a['start'].startswith('2023-11-14T22:13:20'))
    want('a duration', abs(a['duration_s'] - 120) < 1e-6)
    want('a estimated', a['energy']['method'] == 'estimated' and abs(a['energy']['it_kwh'] - 0.01) < 1e-6)
    want('a input', any(i['format'] == 'csvlog:mycsv' for i in a['inputs']))
want('b split', 'b/log-x' in runs and 'b/log-y' in runs)
u = runs.get('u/runs/detect/train')
want('ultralytics run', u is not None)
if u:
    want('u no window', u['start'] is None)
    want('u duration', abs(u['duration_s'] - 32) < 1e-9)
    want('u estimated', u['energy']['method'] == 'estimated' and abs(u['energy']['it_kwh'] - 0.002667) < 1e-6)
    want('u hparams', u['hparams'].get('epochs') == 3 and u['hparams'].get('task') == 'pose')
    want('u says no window', any('no window' in d for d in u['diagnostics']))
e = runs.get('ev/train')
want('anchored run', e is not None)
if e:
    want('ev start', (e['start'] or '').startswith('2024-06-01T10:00:00'))
    want('ev duration', abs(e['duration_s'] - 180.5) < 1e-6)
    want('ev estimated', e['energy']['method'] == 'estimated' and abs(e['energy']['it_kwh'] - 0.015042) < 1e-6)
    want('ev csv metric', e['metrics'].get('train/box_loss', {}).get('count') == 3)
t = runs.get('t')
want('text run', t is not None and t['metrics'].get('loss', {}).get('count') == 3)
for b in bad: print('mismatch:', b)
sys.exit(1 if bad else 0)
PY
check "summary.json values" test $? -eq 0

echo "csvlog_ultralytics: $pass passed, $fail failed"
test $fail -eq 0
