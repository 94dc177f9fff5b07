#!/bin/sh
# expect_caught.sh PROGRAM ARGS... - passes only if PROGRAM (a stress program built on a
# known-bad queue) fails with one of the G invariants. Prints the time it took to catch.
# Used by the ctest stress.broken.caught; a run that ends in SUCCESS fails the test.
prog=$1
shift
log=$(mktemp)
t0=$(date +%s.%N)
"$prog" "$@" >"$log" 2>&1
rc=$?
t1=$(date +%s.%N)
secs=$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")
caught=$(grep -m1 -E '^!!! .*invariant=(dup-g|lost-g|not-holder|payload-mismatch|audit-token|audit-count|bad-g|drain-count|throw)' "$log")
if [ "$rc" -ne 0 ] && [ -n "$caught" ]; then
  echo "caught in ${secs}s (exit $rc): $caught"
  grep -m1 '^reproduce:' "$log"
  rm -f "$log"
  exit 0
fi
echo "NOT caught (exit $rc, ${secs}s); last lines of the log:"
tail -n 30 "$log"
rm -f "$log"
exit 1
