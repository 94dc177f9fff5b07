#!/bin/sh
# record_roundtrip.sh - a real-thread stress failure becomes a schedule and replays:
#   record_roundtrip.sh STRESS RECORD REPLAY OUT_BASE [stress args...]
# Runs STRESS --record with the args (it must fail), turns OUT_BASE.record.txt into
# OUT_BASE.replay.txt with RECORD (runq-record-<mutant>), and replays that with REPLAY
# (runq-replay-<mutant>) expecting the invariant the stress run reported.
set -u
stress=$1 record=$2 replay=$3 base=$4
shift 4
rm -f "$base".*
"$stress" --record --fail-file "$base.txt" "$@" >"$base.log" 2>&1
rc=$?
inv=$(sed -n 's/^!!! first failure: invariant=\([^:]*\):.*/\1/p' "$base.log" | head -n1)
if [ "$rc" -ne 1 ] || [ -z "$inv" ] || [ ! -f "$base.record.txt" ]; then
    echo "record_roundtrip: the stress run did not fail with a recording (exit $rc); log: $base.log"
    exit 1
fi
echo "stress: invariant=$inv, recording $base.record.txt"
"$record" --out "$base.replay.txt" "$base.record.txt" || exit 1
"$replay" --expect "$inv" "$base.replay.txt"
