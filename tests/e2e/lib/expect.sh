# expect.sh: the checks e2e scripts share, sourced after they set $work.
# fail MESSAGE counts a failure; expect CODE CMD... runs CMD with stdout and
# stderr in $work/out and $work/err and checks its exit code; has FILE TEXT
# checks that $work/FILE holds TEXT (a grep pattern).
fails=0 passes=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
  local want=$1
  shift
  "$@" > "$work/out" 2> "$work/err"
  local rc=$?
  if [ "$rc" = "$want" ]; then passes=$((passes + 1)); else fail "exit $rc, expected $want: $*"; fi
}
has() { grep -q -- "$2" "$work/$1" || fail "$1 of the last command lacks '$2'"; }
