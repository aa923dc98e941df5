#!/usr/bin/env bash
# One run per training, through the whole program: a folder reached twice (a
# symbolic link made here, and the same argument given twice) is one run;
# Hugging Face checkpoint snapshots are one run read from the newest; two
# trainings' logs in one folder are two runs, each with all its points; and
# `scan --root` + `render` give the same run ids.  Inputs: tests/data/discover.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2 scratch=$4
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi; }

cp -r "$src/tests/data/discover" "$scratch/lab"
ln -s two-keras "$scratch/lab/latest"
"$tp" report "$scratch/lab" "$scratch/lab" -o "$scratch/report" 2> "$scratch/stderr"
check "report" test $? -eq 0

# ids, and the points of each: faster_rcnn logs iters 19..79 (4 points),
# retinanet 19..59 (3); hf-out's newest snapshot (checkpoint-1000) holds the
# losses at steps 90, 250, 500, 1000 (4), and the Trainer's TensorBoard log
# in its runs/ (make_hf_runs.py) two train/loss points, read with the same run
# (hf-top: three); the others are in the data files.
python3 - "$scratch/report/summary.json" > "$scratch/runs.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for r in s["runs"]:
    counts = ",".join("%s=%d" % (k, v["count"]) for k, v in sorted(r["metrics"].items()))
    print(r["id"], r["restarts"], counts)
PY
cat > "$scratch/want.txt" <<'TXT'
hf-out 0 learning_rate=4,loss=4,train/loss=2
hf-top 0 learning_rate=3,loss=3,train/loss=3
two-keras/phase_a 0 loss=2,val_loss=2
two-keras/phase_b 0 loss=3,val_loss=3
two-trainings/faster_rcnn 0 loss_cls=4,lr=4,total_loss=4
two-trainings/retinanet 0 loss_cls=3,lr=3,total_loss=3
TXT
check "runs and their points" diff "$scratch/want.txt" "$scratch/runs.txt"
check "the link is noted" grep -q "lab/latest: the same directory as" "$scratch/stderr"
check "the second argument is noted" grep -q "the same directory as .*lab (reached again" "$scratch/stderr"
check "the Trainer's TensorBoard logs noted" grep -q "hf-out/runs: the Hugging Face Trainer's TensorBoard logs (1 event file) of the training in" "$scratch/stderr"
check "their window is the run's" python3 -c "import json,sys; r=[r for r in json.load(open(sys.argv[1]))['runs'] if r['id']=='hf-out'][0]; sys.exit(0 if (r['start'],r['end'])==('2026-01-05T10:00:00.000000Z','2026-01-05T10:02:00.000000Z') else 1)" "$scratch/report/summary.json"

# scan per folder with --root, then render: the same ids (split logs keep
# their /stem, the snapshot run keeps its output folder's name).
for d in hf-out hf-top two-keras two-trainings; do
  "$tp" scan -q --root "$scratch/lab" "$scratch/lab/$d" -o "$scratch/sums"
done
"$tp" render -q "$scratch/sums" -o "$scratch/site"
check "render" test $? -eq 0
python3 - "$scratch/site/summary.json" > "$scratch/runs2.txt" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["runs"]:
    print(r["id"])
PY
check "scan ids equal report ids" diff <(cut -d' ' -f1 "$scratch/want.txt") "$scratch/runs2.txt"

# Two logs in one folder in a format only the configuration's pattern reads
# (tests/data/discover-custom): two runs, each with all its points (3 and 2).
"$tp" report "$src/tests/data/discover-custom" -o "$scratch/custom" 2> "$scratch/custom.err"
check "configured logs: report" test $? -eq 0
python3 - "$scratch/custom/summary.json" > "$scratch/custom.txt" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["runs"]:
    print(r["id"], r["metrics"]["loss"]["count"], r["start"])
PY
printf '%s\n' "custom/train_a 3 2026-01-05T10:00:00.000000Z" "custom/train_b 2 2026-01-05T11:00:00.000000Z" > "$scratch/custom.want"
check "configured logs: a run each" diff "$scratch/custom.want" "$scratch/custom.txt"
check "configured logs: the split noted" grep -q "2 textlog logs in one directory: read as 2 different trainings" "$scratch/custom.err"

echo "$pass passed, $fail failed"
test $fail -eq 0
