#!/usr/bin/env bash
# The whole report on a Slurm cluster: `trainprint scan` as one array job, the
# pages drawn by a second array job of N `trainprint render --part I/N` tasks,
# and the site put together by one `trainprint render --assemble` job.  Each
# stage waits for the one before (--dependency=afterok).
#
#   ls -d /archive/lab/*/*/ > runs.txt          # one run directory per line
#   contrib/slurm-render.sh runs.txt /archive/lab work/ site/ 8 /archive/lab/trainprint.yaml
#
# submits the three jobs and returns; when the last one is done, site/ holds
# the report, byte for byte the one `trainprint report /archive/lab` writes.
# Arguments: the list of run directories, the archive's root, a shared work
# directory (work/summaries/, work/parts/1 ... work/parts/N are written
# there), the site's directory, the number of parts N, the configuration
# file (- for none), then options for the render stages (site options such
# as --figures pdf,png: the parts and the assembling job get the same ones,
# or --assemble refuses the parts).
#
# Each part draws the pages of about 1/N of the runs (with their
# experiments); the assembling job draws only the front page and the exports
# and takes every other page from the parts as hard links (keep work/ and
# site/ on one file system, or the pages are copied).  A part task that
# failed can be run again alone (sbatch --array=I ...); its directory is
# replaced whole.  The script runs itself as each job, with the stage first.
#SBATCH --job-name=trainprint
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=01:00:00
set -euo pipefail
case ${1:-} in
  --scan) # --scan LIST ROOT WORK [-c FILE]: one run directory per array task
    list=$2 root=$3 work=$4
    shift 4
    dir=$(sed -n "${SLURM_ARRAY_TASK_ID:?run as an array job}p" "$list")
    exec trainprint scan --root "$root" -j 1 -q "$@" "$dir" -o "$work/summaries" ;;
  --part) # --part WORK N OPTIONS...: part SLURM_ARRAY_TASK_ID of N
    work=$2 n=$3
    shift 3
    i=${SLURM_ARRAY_TASK_ID:?run as an array job}
    exec trainprint render -j "${SLURM_CPUS_PER_TASK:-2}" -q "$@" "$work/summaries" \
      --part "$i/$n" -o "$work/parts/$i" ;;
  --assemble) # --assemble WORK N SITE OPTIONS...
    work=$2 n=$3 site=$4
    shift 4
    exec trainprint render -j "${SLURM_CPUS_PER_TASK:-2}" -q "$@" "$work/summaries" \
      --assemble $(seq -f "$work/parts/%g" 1 "$n") -o "$site" ;;
esac
list=${1:?usage: slurm-render.sh LIST ROOT WORK SITE N CONFIG|- [RENDER OPTIONS...]}
root=$2 work=$3 site=$4 n=$5 config=${6:?the configuration file, or -}
shift 6
cfg=()
[ "$config" != - ] && cfg=(-c "$config")
me=$(realpath "$0")
mkdir -p "$work/summaries" "$work/parts"
runs=$(wc -l < "$list")
scan=$(sbatch --parsable --job-name=tp-scan --cpus-per-task=1 --mem=1G --array="1-$runs%64" \
  "$me" --scan "$list" "$root" "$work" "${cfg[@]}")
part=$(sbatch --parsable --job-name=tp-part --dependency="afterok:$scan" --array="1-$n" \
  "$me" --part "$work" "$n" "${cfg[@]}" "$@")
sbatch --parsable --job-name=tp-assemble --dependency="afterok:$part" \
  "$me" --assemble "$work" "$n" "$site" "${cfg[@]}" "$@"
