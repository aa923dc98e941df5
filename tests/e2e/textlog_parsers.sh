#!/usr/bin/env bash
# End-to-end: several text-log parsers in one configuration, each reading the
# files its own globs name.
#   - `trainer` (files train*.log, a timed pattern): lab/a/train.log is a run
#     of its own, loss 1.0, 0.8, 0.6 at 2024-03-01 10:00:00 UTC + 0, 60,
#     120 s: start then, duration 120 s, read as textlog:trainer;
#   - `evaluator` (files *.out and *.log): lab/b/eval.out (a name no built-in
#     reader takes) is a run, top1 0.5 then 0.75, read as textlog:evaluator;
#   - a file both entries' globs match (lab/c/train-z.log, with lines of both
#     forms) is read by the first entry alone: loss only, no top1;
#   - two logs in one folder (lab/m/train-1.log, lab/m/eval-1.out) are two runs;
#   - with --cache, changing a parser's pattern (its group named acc1) reads the
#     run again: the cache is keyed on the configured parsers too;
#   - no warning that only the first text-log entry is used.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch/lab/a" "$scratch/lab/b" "$scratch/lab/c" "$scratch/lab/m"
fail=0 pass=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

write_config() { # write_config METRIC_NAME
  cat >"$scratch/lab/trainprint.yaml" <<YAML
parsers:
  - name: trainer
    files: ["train*.log"]
    patterns: ['^(?<time>\S+ \S+) step (?<step>\d+) loss=(?<loss>[-+.\deE]+)']
    time_format: "%Y-%m-%d %H:%M:%S"
  - name: evaluator
    files: ["*.out", "*.log"]
    patterns: ['^epoch (?<step>\d+) top1 (?<$1>[.\d]+)']
YAML
}
write_config top1
printf '2024-03-01 10:00:00 step 1 loss=1.0\n2024-03-01 10:01:00 step 2 loss=0.8\n2024-03-01 10:02:00 step 3 loss=0.6\n' \
  >"$scratch/lab/a/train.log"
printf 'epoch 0 top1 0.5\nepoch 1 top1 0.75\n' >"$scratch/lab/b/eval.out"
printf '2024-03-02 10:00:00 step 1 loss=2.0\nepoch 0 top1 0.1\n2024-03-02 10:00:30 step 2 loss=1.5\n' \
  >"$scratch/lab/c/train-z.log"
printf '2024-03-03 10:00:00 step 1 loss=3.0\n2024-03-03 10:00:10 step 2 loss=2.5\n' >"$scratch/lab/m/train-1.log"
printf 'epoch 0 top1 0.25\n' >"$scratch/lab/m/eval-1.out"

"$tp" report "$scratch/lab" -o "$scratch/r" --cache "$scratch/cache" 2>"$scratch/r.err"
check "report exits 0" test $? -eq 0
check "no first-entry-only warning" bash -c "! grep -q 'only the first' '$scratch/r.err'"
python3 - "$scratch/r/summary.json" top1 <<'PY'
import json, sys
runs = {r['id']: r for r in json.load(open(sys.argv[1]))['runs']}
top = sys.argv[2]
bad = []
def want(what, ok):
    if not ok: bad.append(what)
def inputs(r):
    return sorted(i['format'] for i in r['inputs'])
a = runs.get('a')
want('run a', a is not None)
if a:
    want('a metrics', sorted(a['metrics']) == ['loss'])
    m = a['metrics']['loss']
    want('a loss', m['count'] == 3 and m['max'] == 1.0 and m['last'] == 0.6 and m['min'] == 0.6)
    want('a start', a['start'] == '2024-03-01T10:00:00.000000Z')
    want('a duration', a['duration_s'] == 120)
    want('a input', inputs(a) == ['textlog:trainer'])
b = runs.get('b')
want('run b', b is not None)
if b:
    want('b metrics', sorted(b['metrics']) == [top])
    want('b top1', b['metrics'][top]['count'] == 2 and b['metrics'][top]['last'] == 0.75
         and b['metrics'][top]['min'] == 0.5)
    want('b input', inputs(b) == ['textlog:evaluator'])
c = runs.get('c')
want('run c', c is not None)
if c:
    want('c first entry only', sorted(c['metrics']) == ['loss'])
    want('c loss', c['metrics']['loss']['count'] == 2 and c['metrics']['loss']['last'] == 1.5)
    want('c duration', c['duration_s'] == 30)
    want('c input', inputs(c) == ['textlog:trainer'])
m1, m2 = runs.get('m/train-1'), runs.get('m/eval-1')
want('two runs in m', m1 is not None and m2 is not None and 'm' not in runs)
if m1 and m2:
    want('m/train-1', m1['metrics']['loss']['count'] == 2 and m1['metrics']['loss']['last'] == 2.5
         and m1['duration_s'] == 10 and sorted(m1['metrics']) == ['loss'])
    want('m/eval-1', sorted(m2['metrics']) == [top] and m2['metrics'][top]['last'] == 0.25)
want('five runs', len(runs) == 5)
for x in bad: print('mismatch:', x)
sys.exit(1 if bad else 0)
PY
check "summary.json values" test $? -eq 0

# The same lab, the same cache, the evaluator's metric renamed: read again.
write_config acc1
"$tp" report "$scratch/lab" -o "$scratch/r2" --cache "$scratch/cache" 2>"$scratch/r2.err"
check "second report exits 0" test $? -eq 0
python3 - "$scratch/r2/summary.json" <<'PY'
import json, sys
runs = {r['id']: r for r in json.load(open(sys.argv[1]))['runs']}
b = runs.get('b')
ok = b is not None and sorted(b['metrics']) == ['acc1'] and b['metrics']['acc1']['last'] == 0.75
if not ok: print('mismatch: b not read again with the changed parser:', b and sorted(b['metrics']))
sys.exit(0 if ok else 1)
PY
check "cache keyed on parsers" test $? -eq 0

echo "textlog_parsers: $pass passed, $fail failed"
test $fail -eq 0
