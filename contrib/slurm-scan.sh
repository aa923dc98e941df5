#!/usr/bin/env bash
# Fan `trainprint scan` out over a Slurm array job, one task per run
# directory, then build the site once with `trainprint render`.
#
#   ls -d /archive/lab/*/*/ > runs.txt          # one run directory per line
#   sbatch --array=1-$(wc -l < runs.txt)%64 contrib/slurm-scan.sh runs.txt /archive/lab summaries/
#   # when the array is done:
#   trainprint render -c /archive/lab/trainprint.yaml summaries/ -o site/
#
# Every task writes its run's summary into the shared SUMMARIES directory under
# a name derived from the run id (atomically: a temporary file is renamed), so
# tasks never collide.  --root makes the ids the ones `trainprint report ROOT`
# gives, and lets each task read the trace files of the directories above its
# run.  Runs that shared a GPU at the same time are only split fairly when
# they are scanned by one task: list their common directory instead.
#SBATCH --job-name=trainprint-scan
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=00:30:00
set -euo pipefail
list=$1 root=$2 out=$3
shift 3
dir=$(sed -n "${SLURM_ARRAY_TASK_ID:?run as an array job}p" "$list")
exec trainprint scan --root "$root" -j 1 -q "$@" "$dir" -o "$out"
