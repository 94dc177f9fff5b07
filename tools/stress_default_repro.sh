#!/bin/sh
# stress_default_repro.sh - at default settings (hand-off on), how often a stress variant
# fails, and how often following its printed lines reproduces the same invariant.
#
#   tools/stress_default_repro.sh [-n SEEDS] [-d DURATION] [-b BIN_DIR] [-o OUT_DIR] [-a ARGS] [PROGRAM...]
#
# For each stress program (default: runq-torture-broken runq-torture-throw) and each seed
# 1..SEEDS: run it with --seed S --duration DURATION --fail-file (nothing else: default
# settings; -a adds ARGS, e.g. -a "--procs 8"); if it fails, follow two printed lines exactly as printed (sh -c, from another
# directory) and compare the first invariant with the run's:
#   reproduce:          the same run again on real threads
#   failure schedule:   the runq-replay of the same port on the schedule the run's search found
#                       (.found.txt), or the search command itself when it found none
# Prints one row per seed and a summary per program. Figures, not a test: exit 0 unless a
# program is missing.
set -u
SEEDS=8
DURATION=20s
BIN=""
OUT=/tmp/stress-default-repro
ARGS=""
while getopts n:d:b:o:a: opt; do
    case $opt in
    n) SEEDS=$OPTARG ;;
    d) DURATION=$OPTARG ;;
    b) BIN=$OPTARG ;;
    o) OUT=$OPTARG ;;
    a) ARGS=$OPTARG ;;
    *) echo "usage: $0 [-n SEEDS] [-d DURATION] [-b BIN_DIR] [-o OUT_DIR] [-a ARGS] [PROGRAM...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/default/bin}
PROGS=${*:-"runq-torture-broken runq-torture-throw"}
first_inv() { sed -n 's/^!!! \(first failure: \)\{0,1\}invariant=\([a-z0-9-]*\).*/\2/p' | head -n1; }
for prog in $PROGS; do
    [ -x "$BIN/$prog" ] || { echo "$prog: not built in $BIN" >&2; exit 2; }
    dir=$OUT/$prog
    rm -rf "$dir" && mkdir -p "$dir/elsewhere" || exit 2
    fails=0 rerun_same=0 sched_same=0
    for s in $(seq 1 "$SEEDS"); do
        log=$dir/$s.log
        # shellcheck disable=SC2086 # ARGS are words
        (cd "$dir" && "$BIN/$prog" --duration "$DURATION" --seed "$s" --fail-file "$s.txt" $ARGS >"$log" 2>&1)
        rc=$?
        inv=$(first_inv <"$log")
        if [ "$rc" -ne 1 ]; then
            echo "$prog seed $s: exit $rc (no failure)"
            continue
        fi
        fails=$((fails + 1))
        repro=$(sed -n 's/^reproduce: //p' "$log" | head -n1)
        hint=$(sed -n 's/^--- failure schedule: [^ ]* (runq-schedule v1: \(.*\))$/\1/p' "$log")
        rinv=$(cd "$dir/elsewhere" && sh -c "$repro" 2>&1 | first_inv)
        sinv=$(cd / && sh -c "$hint" 2>&1 | first_inv)
        [ "$rinv" = "$inv" ] && rerun_same=$((rerun_same + 1))
        [ "$sinv" = "$inv" ] && sched_same=$((sched_same + 1))
        echo "$prog seed $s: invariant=$inv reproduce:=${rinv:-pass} schedule=${sinv:-pass}"
    done
    echo "$prog: $fails of $SEEDS seeds failed; same invariant: reproduce: line $rerun_same/$fails, failure schedule $sched_same/$fails"
done
