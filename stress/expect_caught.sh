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
# The planted bug (grab-runnext-no-cas: a thief empties runnext with a plain store instead
# of a CAS) makes two threads take one G, or erases the G the owner put in runnext after
# taking the old one. Whichever check meets the consequence first reports it; each id
# below is a true report of it:
#   dup-g             a take finds the G held by the other taker (or parked)
#   lost-g            the thief's store erased a newer runnext G: an audit finds it nowhere
#   payload-mismatch  both takers ran the G: one reads what the other wrote
#   audit-token       an audit finds the G queued (one taker put it back) while its token
#                     says the other holds it
#   audit-count       an audit counts one G too many or too few (a copy, an erased G)
#   not-holder        a taker whose copy the other already took places it again
#   drain-count       both copies ended in one ring: runqdrain links the G once for two slots
#   tsan-race         (TSan builds) the thief reads runnext plainly and never CASes it, so
#                     nothing orders the owner's writes to the G (its ledger entry) before
#                     the thief's reads: the data race the missing CAS (acquire) leaves
# A bug in the queue's other code could also show as bad-g or throw; they are left out, so
# the test fails if the planted bug ever shows as something it cannot cause.
caught=$(grep -m1 -E '^!!! .*invariant=(dup-g|lost-g|not-holder|payload-mismatch|audit-token|audit-count|drain-count|tsan-race)' "$log")
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
