#!/usr/bin/env bash
# exit_codes: every invalid option value is a usage error (exit 2, one line
# naming it, nothing written) on every command; a folder where nothing is a
# run exits 1 and says what was skipped and why; report, scan and inspect
# agree on an empty or unreadable input.
# Args: $1 trainprint binary, $2 source dir, $3 shared dir, $4 scratch dir.
set -u
tp=$1 src=$2 work=$4
rm -rf "$work" && mkdir -p "$work"
# fail, expect CODE CMD... (stdout/stderr in $work/out, $work/err), has FILE TEXT
# (exact text here).
. "$src/tests/e2e/lib/expect.sh"
has() { grep -qF -- "$2" "$work/$1" || fail "$1 of the last command lacks '$2'"; }
one_line() { [ "$(wc -l < "$work/err")" = 1 ] || fail "stderr is not one line: $(cat "$work/err")"; }

# A small lab that would give a report: one event file of the fuzz seeds.
mkdir -p "$work/lab/run_a"
cp "$src/tests/fuzz/corpus/tfevents/simple" "$work/lab/run_a/events.out.tfevents.1700000000.host"
printf 'time,gco2e_per_kwh\n' > "$work/no-rows.csv"

# usage VALUE-TEXT ARGS...: each of report and scan refuses ARGS with exit 2,
# one line that names VALUE-TEXT, and writes nothing.
usage() {
  local text=$1
  shift
  for cmd in report scan; do
    expect 2 "$tp" $cmd "$work/lab" -o "$work/out-$cmd" "$@"
    has err "$text"
    one_line
    [ -e "$work/out-$cmd" ] && fail "$cmd $*: wrote $work/out-$cmd"
  done
}
usage "--format 'bogus'" --format bogus
usage "--zone 'XX-NOWHERE'" --zone XX-NOWHERE
usage "--timezone 'Mars/Olympus'" --timezone Mars/Olympus
usage "--intensity '$work/missing.csv'" --intensity "$work/missing.csv"
usage "--intensity '$work/no-rows.csv'" --intensity "$work/no-rows.csv"
usage "--intensity takes gCO2e/kWh >= 0, not '-5'" --intensity -5
usage "--intensity takes gCO2e/kWh >= 0, not 'nan'" --intensity nan
usage "--pue takes a number from 1 to 10, not '0.5'" --pue 0.5
usage "--pue takes a number from 1 to 10, not 'x'" --pue x
usage "-j takes a number of threads from 1 to 256, not '0'" -j 0
usage "--clock-offset takes seconds, not 'soon'" --clock-offset soon
usage "option '--zone' needs a value" --zone

# Options of the site, on report and render.
for cmd in report render; do
  expect 2 "$tp" $cmd "$work/lab" -o "$work/out-$cmd" --compare-zones DE,XX-NOWHERE
  has err "--compare-zones: 'XX-NOWHERE' is not in the shipped tables"
  one_line
  expect 2 "$tp" $cmd "$work/lab" -o "$work/out-$cmd" --templates "$work/missing"
  has err "--templates '$work/missing' is not a directory"
  one_line
  expect 2 "$tp" $cmd "$work/lab" -o "$work/out-$cmd" --figures svgz
  has err "--figures takes pdf, png or pdf,png, not 'svgz'"
  one_line
done
expect 2 "$tp" inspect --stats --format bogus "$work/lab"
one_line

# Valid values still work (the zone, the time zone, a number).
expect 0 "$tp" report "$work/lab" -o "$work/ok" -q --zone DE --timezone Europe/Berlin \
  --intensity 300 --format nvidia-smi --compare-zones FR,us-east-1
[ -f "$work/ok/summary.json" ] || fail "valid options: no report"

# A folder where nothing is a run: exit 1, and what was skipped, per kind.
mkdir -p "$work/pics/sub"
: > "$work/pics/a.png"
: > "$work/pics/sub/b.png"
echo "remember to train" > "$work/pics/notes.txt"
printf 'x,y\n1,2\n' > "$work/pics/table.csv"
: > "$work/pics/README"
for cmd in report scan; do
  expect 1 "$tp" $cmd "$work/pics" -o "$work/out-$cmd"
  has err "no training run found"
  has err "2 *.png files (not a log or trace format trainprint reads)"
  has err "1 *.txt file (not matching any text-log pattern)"
  has err "1 *.csv file (no known log or trace header)"
  has err "1 extensionless file (not a log or trace format trainprint reads)"
  [ -e "$work/out-$cmd" ] && fail "$cmd of a folder without runs wrote $work/out-$cmd"
done
expect 1 "$tp" inspect "$work/pics"
has err "no training run found"
has err "2 *.png files (not a log or trace format trainprint reads)"

# An empty folder: the same exit code and message from report and inspect.
mkdir -p "$work/empty/sub"
expect 1 "$tp" report "$work/empty" -o "$work/out-empty"
has err "no training run found (no event file, framework log or text log trainprint reads); the paths hold no files"
expect 1 "$tp" inspect "$work/empty"
has err "no training run found (no event file, framework log or text log trainprint reads); the paths hold no files"

# A power trace alone is said, too.
mkdir -p "$work/traceonly"
printf 'timestamp, power.draw [W]\n2024/10/30 18:42:33.189, 22.89\n' > "$work/traceonly/nvidia-smi.csv"
expect 1 "$tp" report "$work/traceonly" -o "$work/out-trace"
has err "1 power trace found, with no run to join"

# Only unreadable logs: report, scan and inspect all exit 1.
mkdir -p "$work/bad/run"
: > "$work/bad/run/events.out.tfevents.1700000000.host"
for cmd in report scan; do
  expect 1 "$tp" $cmd "$work/bad" -o "$work/out-$cmd"
  has err "empty file; nothing read"
  has err "no run could be read (each log is empty or unreadable); nothing written"
done
expect 1 "$tp" inspect "$work/bad"
has err "empty file; nothing read"
has err "no event file could be read (each is empty or unreadable)"

# sacct output without the columns a job's run needs: 1, and the columns it
# lacks named (not "no known log or trace header"); the same with the corpus's
# Kabre export (no JobID, Start or End) when the shared corpus is there.
mkdir -p "$work/acct"
printf 'JobName|Partition|AllocCPUS|State|ExitCode\ntrain|gpu|16|COMPLETED|0:0\n' > "$work/acct/sacct.csv"
kabre=${3:-}/corpus/cluster/sacct-kabre-cenat
for dir in "$work/acct" "$kabre"; do
  [ -d "$dir" ] || continue
  expect 1 "$tp" report "$dir" -o "$work/out-acct"
  has err "sacct output without the columns JobID, Start, End that a job's run needs; not read"
  grep -qF "no known log or trace header" "$work/err" && fail "sacct.csv said to have no known header"
done

# A missing path: 1 from all three.
for cmd in report scan; do
  expect 1 "$tp" $cmd "$work/nowhere" -o "$work/out-$cmd"
  has err "cannot read (No such file or directory)"
done
expect 1 "$tp" inspect "$work/nowhere"
has err "cannot read (No such file or directory)"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
