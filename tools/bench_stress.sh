#!/usr/bin/env bash
# tools/bench_stress.sh - how fast the stress harness drives the queue, and what its checks
# cost. Prints figures; asserts nothing.
#
#   tools/bench_stress.sh [--seconds N] [--build-root DIR] [--no-tsan]
#
# For the plain build (preset default) and the TSan build (preset tsan), at 1, 2 and 4
# threads:
#   bare     runq-stress-bare: each thread runqput/runqget on its own private P, no checks
#   checked  runq-torture --phase 0 (the crowd mix): the full loop with holder tokens,
#            payloads, op logs, audits; its "queue ops" are calls into the port
#   recorded runq-torture --record (--no-handoff, needed by record mode): every seam access
#            under the flight recorder's lock and ticket (issue 11); rec-cost = the checked
#            rate without hand-off over the recorded rate
# and the harness overhead: ns per queue op in the checked loop minus ns per bare op, and
# the ratio of the two rates. The goal is that the checks cost less than the queue itself
# (ratio < 2). Both programs are built (only these targets) into DIR/<preset>
# (default: build/<preset>). On a machine with fewer cores than threads the per-thread
# figures drop for both; compare bare and checked at the same thread count.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=3
build_root=$root/build
presets="default tsan"
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --build-root) build_root=$2; shift ;;
    --no-tsan) presets="default" ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
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
  cmake --build "$2" --target runq-torture runq-stress-bare >"$tmp/build.log" 2>&1 ||
    { tail -20 "$tmp/build.log"; return 1; }
}

json_field() { # json_field FILE KEY (in "stats")
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"][sys.argv[2]])' "$1" "$2"
}

printf '%-8s %-7s %14s %14s %12s %12s %10s %7s %14s %9s\n' build threads bare-ops/s/thr \
  checked-ops/s/thr bare-ns/op checked-ns/op check-ns/op ratio recorded-ops/s/thr rec-cost
for preset in $presets; do
  dir=$build_root/$preset
  if ! build "$preset" "$dir"; then
    echo "$preset: build failed (see above)"
    continue
  fi
  for t in 1 2 4; do
    bare=$("$dir/bin/runq-stress-bare" --threads "$t" --seconds "$seconds" |
      sed -n 's/.*ops\/s\/thread: \([0-9.]*\).*/\1/p')
    "$dir/bin/runq-torture" --procs "$t" --duration "${seconds}s" --phase 0 --seed 1 \
      --stat-interval 1h --json "$tmp/t.json" >"$tmp/t.log" 2>&1 ||
      { echo "$preset t=$t: runq-torture failed:"; tail -5 "$tmp/t.log"; continue; }
    checked=$(json_field "$tmp/t.json" ops_per_s_per_thread)
    "$dir/bin/runq-torture" --procs "$t" --duration "${seconds}s" --phase 0 --seed 1 \
      --no-handoff --stat-interval 1h --json "$tmp/n.json" >"$tmp/n.log" 2>&1 ||
      { echo "$preset t=$t: runq-torture --no-handoff failed:"; tail -5 "$tmp/n.log"; continue; }
    nohand=$(json_field "$tmp/n.json" ops_per_s_per_thread)
    "$dir/bin/runq-torture" --procs "$t" --duration "${seconds}s" --phase 0 --seed 1 \
      --record --stat-interval 1h --json "$tmp/r.json" >"$tmp/r.log" 2>&1 ||
      { echo "$preset t=$t: runq-torture --record failed:"; tail -5 "$tmp/r.log"; continue; }
    rec=$(json_field "$tmp/r.json" ops_per_s_per_thread)
    awk -v b="$bare" -v c="$checked" -v p="$preset" -v t="$t" -v n="$nohand" -v r="$rec" 'BEGIN {
      bn = 1e9 / b; cn = 1e9 / c
      printf "%-8s %-7s %14.0f %14.0f %12.1f %12.1f %10.1f %7.2f %14.0f %9.2f\n", p, t, b, c, bn, cn, cn - bn, b / c, r, n / r
    }'
  done
done
echo "rec-cost = checked rate without hand-off / --record rate (what recording costs)"
echo "ratio = bare rate / checked rate per thread; check-ns/op = what the harness adds per queue op"
