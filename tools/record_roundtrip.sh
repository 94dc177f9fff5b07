#!/bin/sh
# record_roundtrip.sh - a real-thread stress failure becomes a schedule and replays:
#   record_roundtrip.sh STRESS RECORD REPLAY OUT_BASE [stress args...]
# Runs STRESS --record with the args (it must fail), turns OUT_BASE.record.txt into
# OUT_BASE.replay.txt with RECORD (runq-record-<mutant>), and replays that with REPLAY
# (runq-replay-<mutant>) expecting the invariant the stress run reported.
#
# Real threads are not deterministic, and about one run in ten of the broken variant ends
# in a failure whose verified replay names an earlier, different invariant (see
# tools/stress_repro.sh for the rate). So up to RECORD_TRIES (3) runs are made, each
# reported, and the test fails only if none round-trips; its logs stay in OUT_BASE.*.
set -u
stress=$1 record=$2 replay=$3 base=$4
shift 4
tries=${RECORD_TRIES:-3}
rm -f "$base".*
try=1
while [ "$try" -le "$tries" ]; do
    log=$base.try$try.log
    rm -f "$base.txt" "$base.record.txt" "$base.replay.txt"
    "$stress" --record --fail-file "$base.txt" "$@" >"$log" 2>&1
    rc=$?
    inv=$(sed -n 's/^!!! first failure: invariant=\([^:]*\):.*/\1/p' "$log" | head -n1)
    if [ "$rc" -ne 1 ] || [ -z "$inv" ] || [ ! -f "$base.record.txt" ]; then
        echo "try $try: the stress run did not fail with a recording (exit $rc); log: $log"
    else
        echo "try $try: stress: invariant=$inv, recording $base.record.txt"
        if "$record" --out "$base.replay.txt" "$base.record.txt" &&
            "$replay" --expect "$inv" "$base.replay.txt"; then
            echo "record_roundtrip: round trip on try $try of $tries"
            exit 0
        fi
        cp "$base.record.txt" "$base.try$try.record.txt" 2>/dev/null
        echo "try $try: the recording did not round-trip (kept: $base.try$try.record.txt)"
    fi
    try=$((try + 1))
done
echo "record_roundtrip: no round trip in $tries tries"
exit 1
