#!/usr/bin/env bash
# ci/gate.sh - the test gate: decides whether a change to the queue may land.
#
#   ci/gate.sh              the full gate (what .ci/run and CI run)
#   ci/gate.sh --quick      default + asan builds and their ctest only
#   ci/gate.sh --no-mutation   everything but the mutation check
#
# Steps: warnings-as-errors builds with gcc (default) and clang (asan, tsan, and the fuzz
# targets); ctest in default, asan, tsan (unit tests, every corpus file replayed, teeth
# tests, short stress); the corpus's traces compared byte for byte across the gcc build
# and the two clang sanitizer builds (ci/trace_determinism.sh: two compilers, two
# optimisation levels, both sanitizers); a short libFuzzer run per target from the
# committed corpus, both at once; the mutation check (every known-bad variant in
# ci/mutants/ must be caught). Installs missing
# Debian packages when run as root (or prints the command). Prints each step's duration,
# a summary table, and exits non-zero naming the failed step(s).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

quick=0
mutation=1
fuzz_seconds=${GATE_FUZZ_SECONDS:-30}
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    --no-mutation) mutation=0 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "gate.sh: unknown argument '$a' (try --help)" >&2; exit 2 ;;
  esac
done

need_tools
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0}

# fuzz_smoke TARGET: fuzz for a while from the committed corpus (read only: new inputs go
# to a scratch dir), failing on any crash.
fuzz_smoke() {
  local target=$1 dir
  dir=$(mktemp -d)
  mkdir -p "$dir/new" "$dir/artifacts"
  # Fibers release their fake stacks on each final switch, so use-after-return detection
  # stays on here too (it once leaked ~1 MB per input until libFuzzer hit its rss limit).
  ASAN_OPTIONS=detect_stack_use_after_return=1:abort_on_error=1:detect_leaks=1 \
    timeout -s KILL $((fuzz_seconds + 60)) "build/fuzz/bin/$target" \
    -max_total_time="$fuzz_seconds" -max_len=2200 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/new" "corpus/$target"
  local rc=$?
  if ls "$dir/artifacts/"* >/dev/null 2>&1; then
    echo "!!! $target found a failure: $(ls "$dir/artifacts/")"
    rc=1
  fi
  rm -rf "$dir"
  return $rc
}

# fuzz_smoke_both: the two targets' smoke runs at once (one core each), their logs one
# after the other.
fuzz_smoke_both() {
  local d rc=0
  d=$(mktemp -d)
  fuzz_smoke fuzz_runq_sched >"$d/sched.log" 2>&1 &
  local p1=$!
  fuzz_smoke fuzz_runq_model >"$d/model.log" 2>&1 &
  local p2=$!
  wait $p1 || rc=1
  echo "== fuzz_runq_sched" && cat "$d/sched.log"
  wait $p2 || rc=1
  echo "== fuzz_runq_model" && cat "$d/model.log"
  rm -rf "$d"
  return $rc
}

# format_check: every C file of the tree as the one .clang-format says.
format_check() {
  command -v clang-format >/dev/null || { echo "clang-format missing: apt-get install clang-format"; return 1; }
  git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror
}

t_start=$SECONDS
step "format (clang-format)" format_check
if [ $quick = 1 ]; then
  presets="default asan"
else
  # No separate clang -O2 build: asan and tsan are clang with -Werror, and the
  # determinism step compares gcc against them.
  presets="default asan tsan"
fi
# The default build also imports Debian's Go 1.19 proc.go (tools/runq-import) as a port of
# its own: ctest import.proof proves it runs every corpus file as queue/runq.c does, and
# the Go-side mutants (ci/go-mutants/) are caught through it.
build_default_with_import() {
  local goroot
  goroot=$(go env GOROOT 2>/dev/null) && [ -f "$goroot/src/runtime/proc.go" ] ||
    { echo "!!! no Go tree to import (go env GOROOT): apt-get install golang-go"; return 1; }
  [ -f build/default/CMakeCache.txt ] ||
    cmake --preset default -DRUNQ_IMPORT_PROC_GO="$goroot/src/runtime/proc.go" >/dev/null || return 1
  cmake --build --preset default
}
for preset in $presets; do
  if [ "$preset" = default ]; then
    step "build default (+ Go 1.19 imported)" build_default_with_import
  else
    step "build $preset" build_preset "$preset"
  fi
  # -LE nightly: real-thread tests the nightly runs instead (more configurations); tests
  # of a script alone (label script) run in the first build only.
  exclude=nightly
  [ "$preset" = default ] || exclude='nightly|script'
  step "ctest $preset" ctest --preset "$preset" -LE "$exclude"
done
if [ $quick = 0 ]; then
  step "trace determinism" ci/trace_determinism.sh --every 3 --sample 20 default asan tsan
  # Only the two fuzz targets: the gate runs nothing else of this preset.
  step "build fuzz" build_targets fuzz -- fuzz_runq_sched fuzz_runq_model
  step "fuzz both targets ${fuzz_seconds}s" fuzz_smoke_both
  if [ $mutation = 1 ] && [ -x ci/mutation.sh ]; then
    # In place: the mutants rebuild the gate's own build/ dirs instead of four fresh
    # builds in a scratch copy. The steps above already ran every detector's kind on the
    # unmodified tree (ctest's corpus and unit labels, stress.short in the asan and tsan
    # builds, the fuzz smoke runs), and a false alarm there fails the gate, so the
    # false-alarm check is skipped. Detectors: the cheap corpus replay first (it kills all
    # but a handful), then the unit tests, which kill the rest (exporter, driver-rule and
    # engine mutants), before the sanitizer replays.
    # MUT_GO_MUTANTS=0: the Go-side mutants (ci/go-mutants/) are caught through the
    # importer by ctest default above (teeth.import.*: each patched proc.go imported, built
    # and replayed, with its invariant; check-go-tree.mutant.* through the script); a full
    # ci/mutation.sh run reports them in their own table.
    step "mutation check" env MUT_GO_MUTANTS=0 \
      MUT_BASELINE_SKIP="corpus-plain corpus corpus-tsan unit fuzz stress stress-tsan determinism" \
      MUT_DETECTORS="corpus-plain unit corpus corpus-tsan fuzz stress stress-tsan determinism" \
      ci/mutation.sh --in-place
  fi
fi

summary_table
rc=$?
echo "gate: total $((SECONDS - t_start))s"
exit $rc
