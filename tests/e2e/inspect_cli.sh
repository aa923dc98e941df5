#!/usr/bin/env bash
# inspect_cli: `trainprint inspect` as a user runs it: help, usage errors, bad
# files and exit codes, the three output views, and the real corpus.
# Args: $1 trainprint binary, $2 source dir, $3 shared dir, $4 scratch dir.
set -u
tp=$1 src=$2 shared=$3 work=$4
seeds=$src/tests/fuzz/corpus/tfevents
rm -rf "$work" && mkdir -p "$work"
# fail, expect CODE CMD... (stdout/stderr in $work/out, $work/err), has FILE TEXT.
. "$src/tests/e2e/lib/expect.sh"

expect 0 "$tp" inspect --help
has out "Usage: trainprint inspect"
expect 0 "$tp" inspect -h
expect 2 "$tp" inspect --bogus x
has err "unknown option '--bogus'"
[ "$(wc -l < "$work/err")" = 1 ] || fail "usage error is not one line"
expect 2 "$tp" inspect

expect 1 "$tp" inspect "$work/missing"
has err "cannot read"

mkdir -p "$work/lab/run_a" "$work/lab/run_b" "$work/bad"
cp "$seeds/simple" "$work/lab/run_a/events.out.tfevents.1700000000.host"
cp "$seeds/hparams" "$work/lab/run_b/events.out.tfevents.1700000000.host"
cp "$seeds/notevents" "$work/bad/events.out.tfevents.1.notevents"
: > "$work/bad/events.out.tfevents.2.empty"
cp "$seeds/truncated" "$work/bad/events.out.tfevents.3.trunc"
cp "$seeds/badcrc" "$work/bad/events.out.tfevents.4.badcrc"

# One good file: its run is named after its directory.
expect 0 "$tp" inspect "$work/lab/run_a/events.out.tfevents.1700000000.host"
has out "^run,tag,step,wall_time,value$"
has out "^run_a,loss,1,1700000001,0.5$"
has out "^run_a,acc,2,1700000002,0.25$"
[ -s "$work/err" ] && fail "stderr not empty for a good file"

# A directory: runs relative to it; --stats and --hparams.
expect 0 "$tp" inspect "$work/lab"
[ "$(grep -c '^run_[ab],' "$work/out")" = 4 ] || fail "expected 4 rows from lab/"
expect 0 "$tp" inspect --stats "$work/lab"
has out "^run,tag,kind,count,first_step,last_step,min,max,last$"
has out "^run_b,loss,scalar,1,1,1,0.5,0.5,0.5$"
# --stats over NaN and infinities: min and max of the numbers only (NaN when
# there are none), last as it was.
mkdir -p "$work/nan/r"
python3 - "$work/nan/r/events.out.tfevents.1.host" "$src/tests/data" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from tfrecord import record, event
nan, inf = float("nan"), float("inf")
vals = [("x", nan), ("y", nan), ("z", inf), ("x", 2.0), ("y", nan), ("z", inf),
        ("x", -1.0), ("y", nan), ("z", -inf), ("x", nan)]
out = record(event(1700000000.0, 0, version="brain.Event:2"))
for i, (tag, v) in enumerate(vals):
    out += record(event(1700000001.0 + i, i + 1, tag, v))
open(sys.argv[1], "wb").write(out)
PY
expect 0 "$tp" inspect --stats "$work/nan"
has out "^r,x,scalar,4,1,10,-1,2,nan$"
has out "^r,y,scalar,3,2,8,nan,nan,nan$"
has out "^r,z,scalar,3,3,9,-inf,inf,-inf$"
expect 0 "$tp" inspect --hparams "$work/lab"
has out "^run,key,value$"
has out "^run_b,lr,0.1$"
has out "^run_b,opt,sgd$"
has out "^run_b,amp,true$"

# Bad files, one at a time: a diagnostic naming the file and the byte offset.
expect 1 "$tp" inspect "$work/bad/events.out.tfevents.1.notevents"
has err "events.out.tfevents.1.notevents: byte 0: not an event file"
expect 1 "$tp" inspect "$work/bad/events.out.tfevents.2.empty"
has err "empty file"
expect 0 "$tp" inspect "$work/bad/events.out.tfevents.3.trunc"
has err "byte [0-9]*: record at byte [0-9]* declares .* (truncated last record)"
has out "^bad,acc,2,"
expect 0 "$tp" inspect "$work/bad/events.out.tfevents.4.badcrc"
has err "payload CRC mismatch in record at byte 82; record skipped"
has out "^bad,loss,1,"
# A file not named like an event file, given explicitly, is still read.
expect 1 "$tp" inspect "$seeds/notevents"
has err "not an event file"
# The whole bad directory: something was read, so exit 0.
expect 0 "$tp" inspect "$work/bad"

# Unreadable file (root reads everything, so only as another user).
if [ "$(id -u)" != 0 ]; then
  cp "$seeds/simple" "$work/bad/events.out.tfevents.5.locked"
  chmod 000 "$work/bad/events.out.tfevents.5.locked"
  expect 1 "$tp" inspect "$work/bad/events.out.tfevents.5.locked"
  has err "cannot read"
  chmod 600 "$work/bad/events.out.tfevents.5.locked"
fi

# A directory loop is reported and not followed forever.
mkdir -p "$work/loop/run"
cp "$seeds/simple" "$work/loop/run/events.out.tfevents.1700000000.host"
ln -s .. "$work/loop/run/up"
expect 0 timeout 20 "$tp" inspect "$work/loop"
grep -qi "loop" "$work/err" || fail "directory loop not reported"
[ "$(grep -c '^run,loss' "$work/out")" = 1 ] || fail "loop: run read more than once"

# The real corpus: as many rows as the truth files hold.
# A corpus that is there but lacks its tfevents folder is a failure, not a skip.
corpus=$shared/corpus/tfevents
[ -d "$shared/corpus" ] && [ ! -d "$corpus" ] && fail "the shared corpus lacks tfevents/"
if [ -d "$corpus" ]; then
  want=$(find "$corpus" -name '*.truth.csv' -exec grep -hv -e '^#' -e '^tag,step,' {} + | wc -l)
  expect 0 "$tp" inspect "$corpus"
  got=$(($(wc -l < "$work/out") - 1))
  [ "$got" = "$want" ] || fail "corpus: $got rows, truth has $want"
  [ -s "$work/err" ] && { cat "$work/err" >&2; fail "corpus: diagnostics on stderr"; }
else
  echo "note: shared corpus absent; corpus check skipped" >&2
fi

[ "$fails" = 0 ] && echo "inspect_cli: all checks passed"
exit $((fails > 0))
