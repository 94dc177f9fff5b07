#!/bin/sh
# stress_repro.sh - how often a real-thread stress failure becomes a schedule that fails
# the same way on the deterministic engine (issue 11's goal table).
#
#   tools/stress_repro.sh [-n SEEDS] [-d DURATION] [-b BUILD_DIR] [-o OUT_DIR] [MUTANT...]
#
# For each variant (default: runq-torture-broken = grab-runnext-no-cas and
# runq-torture-throw = put-room-not-wrap-safe; other names are ci/mutants/ patches, built
# as runq-torture-<name> with -DRUNQ_STRESS_MUTANTS) and each seed 1..SEEDS: run the
# stress variant with --record until it fails (or DURATION passes), turn the recording into
# a schedule with runq-record-<mutant> (verify, cut, minimise), replay that schedule with
# runq-replay-<mutant> and compare invariant ids. Prints one row per variant:
#   variant | seeds | failures | reproduced (same invariant) | % | median decisions |
#   no-rec (recording not written: too many steps since the last audit) |
#   other-inv (the verified replay fails, but the engine names another invariant first)
# and "TOTAL". Figures, not a test: the exit status is 0 unless a program is missing.
set -u
SEEDS=20
DURATION=20s
BUILD=""
OUT=/tmp/stress-repro
while getopts n:d:b:o: opt; do
    case $opt in
    n) SEEDS=$OPTARG ;;
    d) DURATION=$OPTARG ;;
    b) BUILD=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) echo "usage: $0 [-n SEEDS] [-d DURATION] [-b BUILD_DIR] [-o OUT_DIR] [MUTANT...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MUTANTS=${*:-"grab-runnext-no-cas put-room-not-wrap-safe"}
if [ -z "$BUILD" ]; then
    # The default preset, configured with every extra variant asked for.
    BUILD=$ROOT/build/default
    extra=""
    for m in $MUTANTS; do
        case $m in grab-runnext-no-cas | put-room-not-wrap-safe) ;; *) extra="$extra;$m" ;; esac
    done
    extra=${extra#;}
    (cd "$ROOT" && cmake --preset default -DRUNQ_STRESS_MUTANTS="$extra" >/dev/null) || exit 2
    targets=""
    for m in $MUTANTS; do
        case $m in
        grab-runnext-no-cas) targets="$targets runq-torture-broken" ;;
        put-room-not-wrap-safe) targets="$targets runq-torture-throw" ;;
        *) targets="$targets runq-torture-$m" ;;
        esac
        targets="$targets runq-record-$m runq-replay-$m"
    done
    # shellcheck disable=SC2086
    cmake --build "$BUILD" -j2 --target $targets >/dev/null || exit 2
fi
BIN=$BUILD/bin
mkdir -p "$OUT"
# One thread per P, small rings and few Gs: races come quickly; audits every 20 ms keep
# the recording since the last snapshot short.
ARGS="--record --duration $DURATION --procs 4 --gs 64 --capacity 4 --audit-interval 20ms --watchdog 10s"
printf '%-28s %6s %9s %11s %6s %10s %7s %10s\n' variant seeds failures reproduced % "median-dec" \
    no-rec other-inv
all_f=0 all_r=0 all_dec="" all_n=0 all_o=0
for m in $MUTANTS; do
    case $m in
    grab-runnext-no-cas) prog=runq-torture-broken ;;
    put-room-not-wrap-safe) prog=runq-torture-throw ;;
    *) prog=runq-torture-$m ;;
    esac
    for b in "$prog" "runq-record-$m" "runq-replay-$m"; do
        if [ ! -x "$BIN/$b" ]; then
            echo "stress_repro: $BIN/$b is not built" >&2
            exit 2
        fi
    done
    f=0 r=0 decs="" nrec=0 oinv=0
    s=1
    while [ "$s" -le "$SEEDS" ]; do
        base=$OUT/$m-$s
        rm -f "$base".*
        # shellcheck disable=SC2086
        timeout -s KILL 120 "$BIN/$prog" $ARGS --seed "$s" --fail-file "$base.txt" >"$base.log" 2>&1
        inv=$(sed -n 's/^!!! first failure: invariant=\([^:]*\):.*/\1/p' "$base.log" | head -n1)
        if [ -n "$inv" ]; then
            f=$((f + 1))
            "$BIN/runq-record-$m" --quiet --out "$base.replay.txt" "$base.record.txt" \
                >"$base.convert.log" 2>&1
            if [ -f "$base.replay.txt" ] &&
                "$BIN/runq-replay-$m" --quiet --expect "$inv" "$base.replay.txt" >/dev/null 2>&1; then
                r=$((r + 1))
                d=$(grep -c '^  run ' "$base.replay.txt")
                decs="$decs $d"
            else
                grep -q 'recording: not written' "$base.log" && nrec=$((nrec + 1))
                grep -q 'the verified replay with invariant=' "$base.convert.log" && oinv=$((oinv + 1))
                echo "  $m seed $s: invariant=$inv not reproduced: $(grep -m1 '^!!!\|^cut\|^verify\|recording: not written' "$base.convert.log" "$base.log")" >&2
            fi
        fi
        s=$((s + 1))
    done
    med=$(printf '%s\n' $decs | sort -n | awk 'NF {a[++n]=$1} END {if (n == 0) print "-"; else print a[int((n + 1) / 2)]}')
    pct=$(awk -v f=$f -v r=$r 'BEGIN {if (f == 0) print "-"; else printf "%.0f", 100 * r / f}')
    printf '%-28s %6d %9d %11d %6s %10s %7d %10d\n' "$m" "$SEEDS" "$f" "$r" "$pct" "$med" "$nrec" "$oinv"
    all_n=$((all_n + nrec))
    all_o=$((all_o + oinv))
    all_f=$((all_f + f))
    all_r=$((all_r + r))
    all_dec="$all_dec $decs"
done
med=$(printf '%s\n' $all_dec | sort -n | awk 'NF {a[++n]=$1} END {if (n == 0) print "-"; else print a[int((n + 1) / 2)]}')
pct=$(awk -v f=$all_f -v r=$all_r 'BEGIN {if (f == 0) print "-"; else printf "%.0f", 100 * r / f}')
printf '%-28s %6s %9d %11d %6s %10s %7d %10d\n' TOTAL "" "$all_f" "$all_r" "$pct" "$med" "$all_n" "$all_o"
