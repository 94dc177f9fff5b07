#!/usr/bin/env bash
# tools/bench_stress.sh - how fast the stress harness drives the queue, and what its checks
# cost. Prints figures; asserts nothing.
#
#   tools/bench_stress.sh [--seconds N] [--repeat N] [--build-root DIR] [--no-tsan]
#                         [--callgrind]
#
# For the plain build (preset default) and the TSan build (preset tsan), at 1, 2 and 4 Ps,
# each program run with the same flags (--procs N --phase 0 --seed 1: the crowd mix, with
# hand-off, so N+1 threads) and rates per thread in queue ops (calls into the port):
#   unchecked  runq-torture-unchecked: runq-torture's own loop (same Ps, threads, op mix,
#              stealing, hand-off, sched.lock, audits' stops) with every check compiled out
#              (stress/world_*.c, STRESS_UNCHECKED: no holder tokens, payloads, op log or its
#              clock, doing words, statistics counters, G pointer checks, audit walks) on
#              the native port. The "bare op" of issue 11's goal.
#   checked    runq-torture: the same loop with all of them, on the port built with the
#              flight recorder's hooks (off: one predicted-not-taken test per access)
#   ratio      unchecked rate / checked rate: what a checked op costs against a bare op of
#              the same workload. The goal is <= 3.
#   private    runq-stress-bare, the old "bare": each thread runqput/runqget 16 Gs on its
#              own private P (no stealing, no scheduler loop, no checks). Kept for
#              reference; p-ratio = private rate / checked rate measures the workload's
#              difference as well as the checks, so it is not the goal's ratio.
#   nh-*       the same three without hand-off (--no-handoff: N threads, no syscall op,
#              no idle thread spinning for a P): the loop's queue work alone, where the
#              checks weigh most
#   recorded   runq-torture --record (implies --no-handoff: N threads); rec-cost = the
#              checked rate with --no-handoff over the recorded rate (what recording costs)
# --repeat N runs every measurement N times and keeps the best (the machine may be loaded
# by other work; the best run is the least disturbed). --callgrind also prints instructions
# per queue op of the worker thread at 1 P without hand-off (valgrind --tool=callgrind, 2 s
# each), which load does not move. Programs are built (only these targets) into
# DIR/<preset> (default: build/<preset>). With fewer cores than threads every per-thread
# figure drops; compare columns of the same row.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=3
repeat=1
build_root=$root/build
presets="default tsan"
callgrind=0
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --build-root) build_root=$2; shift ;;
    --no-tsan) presets="default" ;;
    --callgrind) callgrind=1 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d'; exit 0 ;;
    *) echo "bench_stress.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build() { # build PRESET DIR
  [ -f "$2/CMakeCache.txt" ] || cmake --preset "$1" -B "$2" >"$tmp/cfg.log" 2>&1 ||
    { cat "$tmp/cfg.log"; return 1; }
  cmake --build "$2" --target runq-torture runq-torture-unchecked runq-stress-bare \
    >"$tmp/build.log" 2>&1 || { tail -20 "$tmp/build.log"; return 1; }
}

json_field() { # json_field FILE KEY (in "stats")
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"][sys.argv[2]])' "$1" "$2"
}

best() { # best A B: the larger
  awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'
}

# torture_rate PROGRAM ARGS...: ops/s/thread, best of $repeat runs; empty if a run failed.
torture_rate() {
  local prog=$1 r=0 k
  shift
  for ((k = 0; k < repeat; k++)); do
    "$prog" --duration "${seconds}s" --phase 0 --seed 1 --stat-interval 1h \
      --json "$tmp/r.json" "$@" >"$tmp/r.log" 2>&1 ||
      { echo "$(basename "$prog") $*: failed:" >&2; tail -5 "$tmp/r.log" >&2; return 1; }
    r=$(best "$r" "$(json_field "$tmp/r.json" ops_per_s_per_thread)")
  done
  echo "$r"
}

private_rate() { # private_rate DIR THREADS
  local r=0 k
  for ((k = 0; k < repeat; k++)); do
    r=$(best "$r" "$("$1/bin/runq-stress-bare" --threads "$2" --seconds "$seconds" |
      sed -n 's/.*ops\/s\/thread: \([0-9.]*\).*/\1/p')")
  done
  echo "$r"
}

printf '%-8s %-3s %13s %13s %8s %8s %6s %13s %13s %6s %13s %7s %13s %8s\n' build Ps \
  unchecked/s/t checked/s/t unch-ns chk-ns ratio nh-unch/s/t nh-chk/s/t nh-rat private/s/t \
  p-ratio recorded/s/t rec-cost
for preset in $presets; do
  dir=$build_root/$preset
  if ! build "$preset" "$dir"; then
    echo "$preset: build failed (see above)"
    continue
  fi
  for t in 1 2 4; do
    unch=$(torture_rate "$dir/bin/runq-torture-unchecked" --procs "$t") || continue
    chk=$(torture_rate "$dir/bin/runq-torture" --procs "$t") || continue
    nhunch=$(torture_rate "$dir/bin/runq-torture-unchecked" --procs "$t" --no-handoff) || continue
    nhchk=$(torture_rate "$dir/bin/runq-torture" --procs "$t" --no-handoff) || continue
    priv=$(private_rate "$dir" "$t")
    rec=$(torture_rate "$dir/bin/runq-torture" --procs "$t" --record) || continue
    awk -v u="$unch" -v c="$chk" -v p="$preset" -v t="$t" -v b="$priv" -v nu="$nhunch" \
      -v n="$nhchk" -v r="$rec" 'BEGIN {
      printf "%-8s %-3s %13.0f %13.0f %8.1f %8.1f %6.2f %13.0f %13.0f %6.2f %13.0f %7.2f %13.0f %8.2f\n",
        p, t, u, c, 1e9 / u, 1e9 / c, u / c, nu, n, nu / n, b, b / c, r, n / r
    }'
  done
done
echo "ratio, nh-rat = unchecked rate / checked rate (same loop, checks compiled out vs in; goal <= 3)"
echo "p-ratio = runq-stress-bare's private-P rate / checked rate (a different workload)"
echo "rec-cost = checked rate without hand-off / --record rate (what recording costs)"

if [ "$callgrind" = 1 ]; then
  if ! command -v valgrind >/dev/null; then
    echo "--callgrind: valgrind is not installed"
    exit 0
  fi
  dir=$build_root/default
  echo
  echo "instructions per queue op (callgrind, worker thread, --procs 1 --no-handoff, 2 s):"
  printf '%-24s %14s %10s %8s\n' program Ir qops Ir/op
  for prog in runq-torture-unchecked runq-torture; do
    rm -f "$tmp"/callgrind.out.*
    (cd "$tmp" && valgrind --tool=callgrind --separate-threads=yes \
      "$dir/bin/$prog" --procs 1 --no-handoff --duration 2s --phase 0 --seed 1 \
      --stat-interval 1h --json "$tmp/cg.json" >"$tmp/cg.log" 2>&1) ||
      { echo "$prog under callgrind failed"; tail -5 "$tmp/cg.log"; continue; }
    # The worker is the second thread (the first is main, the monitor).
    ir=$(sed -n 's/^summary: //p' "$tmp"/callgrind.out.*-02)
    q=$(json_field "$tmp/cg.json" qops)
    awk -v p="$prog" -v i="$ir" -v q="$q" 'BEGIN { printf "%-24s %14d %10d %8.1f\n", p, i, q, i / q }'
  done
fi
