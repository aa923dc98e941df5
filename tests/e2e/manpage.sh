#!/usr/bin/env bash
# The man page and `--help` agree: every long option a command's --help lists
# is in the man page, and every long option the man page lists for a command
# is in that command's --help.
# Arguments: TRAINPRINT SOURCE_DIR SHARED_DIR SCRATCH_DIR
set -u
tp=$1 src=$2
man=$src/docs/trainprint.1
fail=0 pass=0
opts_help() { "$tp" "$1" --help | grep -o -- '--[a-z][a-z-]*' | sort -u; }
opts_man() { # the options listed under the command's OPTIONS section
  awk -v sec="$1" '/^\.SH /{on = ($0 ~ "^\\.SH " sec " OPTIONS")} on' "$man" |
    grep -o -- '\\-\\-[a-z][a-z\\-]*' | sed -e 's/\\f$//' -e 's/\\-/-/g' | sort -u
}
for cmd in report scan render inspect; do
  upper=$(echo "$cmd" | tr a-z A-Z)
  h=$(opts_help "$cmd") m=$(opts_man "$upper")
  missing=$(comm -23 <(echo "$h") <(echo "$m"))
  extra=$(comm -13 <(echo "$h") <(echo "$m"))
  if [ -z "$missing" ] && [ -z "$extra" ] && [ -n "$h" ]; then pass=$((pass + 1))
  else echo "FAIL: $cmd: in --help only: [$missing] in the man page only: [$extra]"; fail=$((fail + 1)); fi
done
# The top-level help names every command the man page documents.
for cmd in report scan render inspect; do
  if "$tp" --help | grep -q "^  $cmd "; then pass=$((pass + 1)); else echo "FAIL: --help lacks $cmd"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
