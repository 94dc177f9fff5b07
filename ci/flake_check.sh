#!/usr/bin/env bash
# ci/flake_check.sh - the gate's real-thread tests, run N times in a row in each preset: a
# test whose verdict depends on timing shows up here, not in someone's gate.
#
#   ci/flake_check.sh [--repeat N] [PRESET...]     (default: 50 times; default asan tsan)
#
# The gate's real-thread tests are those with the ctest label stress or threads and not
# nightly (runq-torture's runs, its failure paths and usage checks, and Go's
# RunSchedLocalQueueEmptyTest in the unit_runq programs). Each preset must be built
# (ci/gate.sh or cmake --build --preset P). Runs
# `ctest --preset P -L 'stress|threads' -LE nightly --repeat until-fail:N`, prints a table
# (preset, tests, repeats asked, failed tests, seconds) and the failing tests' names.
# Exit: 0 no failure, 1 a test failed in some repeat, 2 usage or a preset not built.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

repeat=50
presets=()
while [ $# -gt 0 ]; do
  case $1 in
    --repeat) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] ||
        { echo "flake_check.sh: --repeat needs a positive count" >&2; exit 2; }
      repeat=$2; shift ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "flake_check.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) presets+=("$1") ;;
  esac
  shift
done
[ ${#presets[@]} -gt 0 ] || presets=(default asan tsan)
for p in "${presets[@]}"; do
  [ -f "build/$p/CTestTestfile.cmake" ] ||
    { echo "flake_check.sh: build/$p is not built (cmake --preset $p && cmake --build --preset $p)" >&2; exit 2; }
done

mkdir -p out/flake
rows=() rc=0
for p in "${presets[@]}"; do
  log=out/flake/$p.log
  n=$(ctest --preset "$p" -N -L 'stress|threads' -LE nightly | sed -n 's/^Total Tests: *//p')
  t0=$SECONDS
  echo "== $p: $n real-thread tests, up to $repeat times each (log $log)"
  ctest --preset "$p" -L 'stress|threads' -LE nightly --repeat until-fail:"$repeat" >"$log" 2>&1
  r=$?
  secs=$((SECONDS - t0))
  failed=$(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (.*)$/\1/p' "$log" | sort -u | tr '\n' ' ')
  [ $r = 0 ] || rc=1
  rows+=("$p|$n|$repeat|${failed:-none}|$secs")
done
echo
echo "| preset | real-thread tests | repeats | failed | seconds |"
echo "| --- | --- | --- | --- | --- |"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
echo "flake_check: $([ $rc = 0 ] && echo "0 failures in $repeat repeats" || echo FAILED)"
exit $rc
