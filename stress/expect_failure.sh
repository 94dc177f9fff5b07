#!/bin/sh
# expect_failure.sh INVARIANT FAIL-FILE PROGRAM ARGS... - passes only if PROGRAM ends a
# failing run cleanly: exit 1, the first "!!!" names INVARIANT (a '|'-separated list of
# allowed ids), "End of test: FAILURE", the dump, the reproduce line, and the failure trace
# FAIL-FILE (passed to PROGRAM as --fail-file) with its schedule beside it. The bound on
# wall time is the ctest's TIMEOUT, not an assertion here. Prints how long the ending took.
want=$1 fail=$2 prog=$3
shift 3
rm -f "$fail" "${fail%.txt}.schedule.txt"
log=$fail.log
t0=$(date +%s.%N)
"$prog" "$@" --fail-file "$fail" >"$log" 2>&1
rc=$?
t1=$(date +%s.%N)
secs=$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")
first=$(grep -m1 '^!!!' "$log")
bad=""
[ "$rc" -eq 1 ] || bad="$bad exit $rc (want 1);"
echo "$first" | grep -Eq "invariant=($want)(:| )" || bad="$bad first failure is not invariant=$want;"
grep -q 'End of test: FAILURE' "$log" || bad="$bad no 'End of test: FAILURE';"
grep -q '^--- dump: queues' "$log" || bad="$bad no queue dump;"
grep -q '^--- dump: threads' "$log" || bad="$bad no thread dump;"
grep -q '^reproduce: ' "$log" || bad="$bad no reproduce line;"
grep -q '^\[timeline\]' "$fail" 2>/dev/null || bad="$bad no failure trace $fail;"
grep -q '^runq-schedule v1' "${fail%.txt}.schedule.txt" 2>/dev/null || bad="$bad no failure schedule;"
if [ -z "$bad" ]; then
  echo "ended cleanly in ${secs}s (exit 1): $first"
  exit 0
fi
echo "FAILED:$bad (${secs}s); the log:"
grep -v -e '^stats:' -e '^       [a-z-]*: [0-9]' "$log" | cut -c1-300 | tail -n 40 # stats lines, wrapped
exit 1
