#!/usr/bin/env bash
# ci/stress_run.sh PRESET SECONDS SEED OUTDIR TSV [PROGRAM] - one nightly stress run under a
# hard time limit, judged and recorded.
#
# Runs PROGRAM (default build/PRESET/bin/runq-torture) for SECONDS with SEED, its log, its
# --json and any failure files (runq-torture-fail-SEED-PRESET*) in OUTDIR, and appends one
# row to TSV: preset planned actual seed rc verdict log json status note invariant go.
# STRESS_GO=master runs the port of Go master (--go master); default 1.19.
# A run that overstays SECONDS + STRESS_GRACE (default 60) is killed (TERM, then KILL 10 s
# later) and recorded as a failure with invariant "hang", its log kept: a stuck stress run
# never stalls the night. Exit: 0 pass, 1 fail, 2 usage.
set -uo pipefail
[ $# -ge 5 ] && [ $# -le 6 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
preset=$1 secs=$2 seed=$3 outdir=$4 tsv=$5
prog=${6:-build/$preset/bin/runq-torture}
case $secs in ''|*[!0-9]*) echo "stress_run.sh: SECONDS '$secs' is not a whole number" >&2; exit 2 ;; esac
case $seed in ''|*[!0-9]*) echo "stress_run.sh: SEED '$seed' is not a whole number" >&2; exit 2 ;; esac
[ -x "$prog" ] || { echo "stress_run.sh: $prog is not an executable" >&2; exit 2; }
mkdir -p "$outdir" || exit 2
grace=${STRESS_GRACE:-60}
limit=$((secs + grace))
go=${STRESS_GO:-1.19}
case $go in 1.19|master) ;; *) echo "stress_run.sh: STRESS_GO '$go' is not 1.19 or master" >&2; exit 2 ;; esac
goargs=()
[ "$go" = master ] && goargs=(--go master)
log=$outdir/$preset-go$go.log json=$outdir/$preset-go$go.json
envs=()
# TSan: report and go on, so the run's own failure path writes the dump and the files.
[ "$preset" = tsan ] && envs=("TSAN_OPTIONS=halt_on_error=0:atexit_sleep_ms=0:report_signal_unsafe=0")
[ "$preset" = asan ] && envs=("ASAN_OPTIONS=detect_stack_use_after_return=1:abort_on_error=1:detect_leaks=1")
t0=$SECONDS
env "${envs[@]}" timeout -k 10 "$limit" "$prog" "${goargs[@]}" --duration "${secs}s" --seed "$seed" \
  --json "$json" --fail-file "$outdir/runq-torture-fail-$seed-$preset-go$go.txt" >"$log" 2>&1
rc=$?
actual=$((SECONDS - t0))
verdict=$(python3 "$(dirname "$0")/parse_stress_log.py" "$log" 2>&1)
vrc=$?
status=pass note= inv=
if [ $rc != 0 ] || [ $vrc != 0 ]; then status=fail; fi
inv=$(grep -a -m1 '^!!!' "$log" | sed -n 's/.*invariant=\([a-z0-9-]*\).*/\1/p')
case $rc in
  124|137)
    inv=hang status=fail
    note="hang: overstayed its hard limit of ${limit}s (--duration ${secs}s + ${grace}s) and was killed; log kept"
    verdict="stress-log: FAIL $log: invariant=hang (killed after ${actual}s)" ;;
  2) note="usage error (exit 2)" ;;
esac
[ $status = fail ] && [ -z "$inv" ] && inv=unknown
echo "   exit $rc; $verdict"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$preset" "$secs" "$actual" "$seed" "$rc" \
  "${verdict//	/ }" "$log" "$json" "$status" "$note" "$inv" "$go" >>"$tsv"
[ $status = pass ]
