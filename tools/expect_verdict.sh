#!/bin/sh
# expect_verdict.sh INVARIANT PROGRAM ARGS... - passes only if PROGRAM (an engine tool built
# on a known-bad port) ends with a failing verdict naming INVARIANT and a reproduce line,
# instead of hanging (the ctest's TIMEOUT bounds the wall time).
want=$1 prog=$2
shift 2
out=$("$prog" "$@" 2>&1)
rc=$?
if echo "$out" | grep -Eq "invariant=$want( |:|$)" && echo "$out" | grep -q '^reproduce: '; then
  echo "verdict (exit $rc): $(echo "$out" | grep -m1 "invariant=$want")"
  echo "$out" | grep -m1 '^reproduce: '
  exit 0
fi
echo "FAILED: no invariant=$want verdict with a reproduce line (exit $rc); output:"
echo "$out" | tail -n 30
exit 1
