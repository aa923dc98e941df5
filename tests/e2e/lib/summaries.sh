# summaries.sh: a check e2e scripts share, sourced.
# same_summary A B: true when sites A and B have the same summary.json; else
# says so, shows where they differ, and is false (a report and scan + render of
# the same inputs must agree byte for byte).
same_summary() {
  cmp -s "$1/summary.json" "$2/summary.json" && return 0
  echo "FAIL: scan + render differs from report"
  diff "$1/summary.json" "$2/summary.json" | head -20
  return 1
}
