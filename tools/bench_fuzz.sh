#!/usr/bin/env bash
# tools/bench_fuzz.sh - how fast the deterministic fuzzing is, on this machine.
#
#   tools/bench_fuzz.sh [--seconds N] [--runs N] [--corpus-root DIR] [--plain-build DIR]
#                       [--memory sc|weak|both] [--no-build] [--empty-only]
#
#   --seconds N        length of each timed fuzzing run (default 10)
#   --runs N           fixed execution count of the -runs measurement (default 20000)
#   --corpus-root DIR  corpora to start from (default corpus/); text schedules are used in
#                      their byte form
#   --plain-build DIR  where the plain (no sanitizer) libFuzzer build goes (default
#                      ${TMPDIR:-/tmp}/runqtorture-bench/plain: a scratch build, not a preset)
#   --memory MODE      which memory model the exec/s rows run: sc (the corpus as it is,
#                      sequentially consistent), weak (the same corpus with header byte [7]
#                      set to memory weak), both (default)
#   --no-build         use the builds as they are
#   --empty-only       only the exec/s from an empty corpus (the search after a change to
#                      the queue: issue 10's speed figure), no corpus rows
#
# For each fuzz target and each build - plain libFuzzer (clang -O2), ASan+UBSan (preset
# fuzz), TSan (preset fuzz-tsan) - prints exec/s of
#   * `-runs=N -seed=1` from the target's corpus (a fixed count: the corpus, then mutations),
#   * a timed fuzzing run of --seconds, one process (libFuzzer's average_exec_per_sec),
# (once per memory mode: the fuzzer's own mutations may turn an input weak or SC, so these
# rows mostly say where a run starts), then runq-replay --quiet over each view of the
# corpus, SC and weak (pure: no mutation; executions per second of the replay build and
# weak/SC), the average steps and fiber switches per execution (runq-replay's "(N steps, M
# switches)" over the corpus and over the corpus the timed plain run grew), and the cost of
# one fiber switch (tools/bench_switch.c, plain/ASan/TSan). Figures are printed, never
# asserted; the machine they came from is printed first.
set -uo pipefail
. "$(dirname "$0")/../ci/lib.sh"
cd "$RUNQ_ROOT"

seconds=10 runs=20000 corpus_root=corpus build=1 memory=both empty_only=0
plain=${TMPDIR:-/tmp}/runqtorture-bench/plain
usage_err() { echo "bench_fuzz.sh: $1 (try --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --seconds|--runs|--corpus-root|--plain-build|--memory)
      [ $# -ge 2 ] || usage_err "$1 needs a value"
      case $1 in
        --seconds) seconds=$2 ;; --runs) runs=$2 ;; --corpus-root) corpus_root=$2 ;; --plain-build) plain=$2 ;;
        --memory) memory=$2 ;;
      esac
      shift 2 ;;
    --seconds=*) seconds=${1#*=}; shift ;;
    --runs=*) runs=${1#*=}; shift ;;
    --corpus-root=*) corpus_root=${1#*=}; shift ;;
    --plain-build=*) plain=${1#*=}; shift ;;
    --memory=*) memory=${1#*=}; shift ;;
    --no-build) build=0; shift ;;
    --empty-only) empty_only=1; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_err "unknown option '$1'" ;;
  esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage_err "--seconds: '$seconds' is not a positive number of seconds"
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage_err "--runs: '$runs' is not a positive count"
[ -d "$corpus_root" ] || usage_err "--corpus-root: '$corpus_root' is not a directory"
case $memory in
  sc) modes="sc" ;; weak) modes="weak" ;; both) modes="sc weak" ;;
  *) usage_err "--memory: expected sc, weak or both, got '$memory'" ;;
esac

need_tools
work=$(mktemp -d "${TMPDIR:-/tmp}/runqtorture-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
TSAN_OPTS=halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
targets="fuzz_runq_sched fuzz_runq_model"

echo "# runqtorture fuzzing benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)   (other jobs on the machine skew every figure)"
echo "compiler: $(clang --version | head -n 1); commit $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')"
echo

# ---- builds -------------------------------------------------------------------------------
if [ $build = 1 ]; then
  echo "== building: plain libFuzzer ($plain), fuzz, fuzz-tsan"
  fuzz_targets=(fuzz_runq_sched fuzz_runq_model runq-replay)
  # A plain build configured from another checkout would measure that checkout's code:
  # start it afresh (it is a scratch build).
  if [ -f "$plain/CMakeCache.txt" ] &&
    [ "$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$plain/CMakeCache.txt")" != "$(cd "$RUNQ_ROOT" && pwd -P)" ]; then
    echo "note: $plain was configured from $(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$plain/CMakeCache.txt"), not this checkout: rebuilding it"
    rm -rf "$plain"
  fi
  if [ ! -f "$plain/CMakeCache.txt" ]; then
    cmake -S "$RUNQ_ROOT" -B "$plain" -G Ninja -DCMAKE_C_COMPILER=clang \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -DRUNQ_FUZZ=ON \
      -DRUNQ_SKIP_SUBDIRS=stress >"$work/plain-configure.log" 2>&1 ||
      { tail -n 20 "$work/plain-configure.log"; echo "!!! configure of the plain build failed" >&2; exit 1; }
  fi
  # Only the libFuzzer programs: with RUNQ_FUZZ and no sanitizer, runq-replay and the
  # standalones do not link (the sancov hooks come from no runtime); steps are counted with
  # the ASan build's runq-replay instead (an execution is the same in every build).
  cmake --build "$plain" --target fuzz_runq_sched fuzz_runq_model >"$work/plain-build.log" 2>&1 ||
    { tail -n 20 "$work/plain-build.log"; echo "!!! plain build failed" >&2; exit 1; }
  build_targets fuzz -DRUNQ_SKIP_SUBDIRS=stress -- "${fuzz_targets[@]}" >"$work/fuzz-build.log" 2>&1 ||
    { tail -n 20 "$work/fuzz-build.log"; echo "!!! build of preset fuzz failed" >&2; exit 1; }
  build_targets fuzz-tsan -DRUNQ_SKIP_SUBDIRS=stress -- fuzz_runq_sched fuzz_runq_model >"$work/tsan-build.log" 2>&1 ||
    echo "!!! build of preset fuzz-tsan failed: no TSan figures (log kept: $work/tsan-build.log)"
  # bench_switch, three ways (the engine is uninstrumented under TSan, as in harness/).
  sw="tools/bench_switch.c harness/fiber.c harness/fiber_switch_x86_64.S"
  clang -O2 -Iharness $sw -o "$work/bench_switch-plain" || echo "!!! could not build bench_switch"
  clang -O1 -fsanitize=address,undefined -Iharness $sw -o "$work/bench_switch-asan" ||
    echo "!!! could not build bench_switch under ASan"
  (cd "$work" && for f in tools/bench_switch.c harness/fiber.c harness/fiber_switch_x86_64.S; do
     clang -O1 -DRUNQ_TSAN_RUNTIME -I"$RUNQ_ROOT/harness" -c "$RUNQ_ROOT/$f" -o "$(basename "$f").o" || exit 1
   done && clang -fsanitize=thread bench_switch.c.o fiber.c.o fiber_switch_x86_64.S.o -o bench_switch-tsan) ||
    echo "!!! could not build bench_switch under TSan"
fi
declare -A bindir=([plain]=$plain/bin [asan]=build/fuzz/bin [tsan]=build/fuzz-tsan/bin)

replay=build/fuzz/bin/runq-replay
# --no-build with only the default preset built: its runq-replay does the same conversion.
[ -x "$replay" ] || [ $build = 1 ] || replay=build/default/bin/runq-replay
[ -x "$replay" ] || { echo "!!! $replay is not built (run without --no-build)" >&2; exit 1; }

if [ $empty_only = 0 ]; then
# ---- corpora as the fuzzer sees them --------------------------------------------------------
for t in $targets; do
  python3 ci/corpus_tool.py byteview --src "$corpus_root/$t" --dst "$work/view/$t" --replay "$replay" >/dev/null
  # The weak view: header byte [7] says memory weak (harness/schedule.c: 0x77 for Go 1.19,
  # 'W' for master), short files padded to a full header; nothing else changes.
  python3 - "$work/view/$t" "$work/view-weak/$t" <<'PYEOF'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for name in os.listdir(src):
    data = bytearray(open(os.path.join(src, name), "rb").read())
    data.extend(b"\0" * max(0, 8 - len(data)))
    data[7] = ord("W") if data[7] in (ord("M"), ord("W")) else 0x77
    open(os.path.join(dst, name), "wb").write(bytes(data))
PYEOF
done
view_of() { [ "$1" = sc ] && echo "$work/view/$2" || echo "$work/view-weak/$2"; }

# ---- exec/s -----------------------------------------------------------------------------------
now() { date +%s.%N; }
printf '%-16s %-6s %-6s %12s %14s %16s\n' target build memory "corpus files" "-runs=$runs" "timed ${seconds}s"
printf '%-16s %-6s %-6s %12s %14s %16s\n' "" "" "" "" "exec/s" "exec/s (execs)"
for t in $targets; do
  for b in plain asan tsan; do
   for mode in $modes; do
    bin=${bindir[$b]}/$t
    if [ ! -x "$bin" ]; then
      printf '%-16s %-6s %-6s %12s %14s %16s\n' "$t" "$b" "$mode" "-" "not built" "-"
      continue
    fi
    view=$(view_of "$mode" "$t")
    envs=()
    [ $b = tsan ] && envs=("TSAN_OPTIONS=$TSAN_OPTS")
    n_corpus=$(find "$view" -type f | wc -l)
    # 1. a fixed count from the corpus (scratch first dir: nothing is written back)
    rm -rf "$work/scratch" && mkdir -p "$work/scratch"
    t0=$(now)
    env "${envs[@]}" timeout -s KILL 600 "$bin" -runs="$runs" -seed=1 -max_len=2200 \
      "$work/scratch" "$view" >"$work/runs-$t-$b-$mode.log" 2>&1
    rc=$?
    t1=$(now)
    if [ $rc = 0 ]; then
      fixed=$(awk -v n="$runs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
    else
      fixed="failed($rc)"
    fi
    # 2. a timed run, one process
    g=$work/grown-$t-$b
    [ $mode = sc ] || g=$work/grown-$t-$b-$mode
    rm -rf "$g" && mkdir -p "$g"
    env "${envs[@]}" timeout -s KILL $((seconds + 60)) "$bin" -max_total_time="$seconds" -seed=1 \
      -max_len=2200 -print_final_stats=1 "$g" "$view" >"$work/timed-$t-$b-$mode.log" 2>&1
    rc=$?
    eps=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$work/timed-$t-$b-$mode.log" | tail -n 1)
    execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$work/timed-$t-$b-$mode.log" | tail -n 1)
    [ $rc = 0 ] || eps="failed($rc${eps:+, $eps})"
    printf '%-16s %-6s %-6s %12s %14s %16s\n' "$t" "$b" "$mode" "$n_corpus" "$fixed" "${eps:--} (${execs:--})"
   done
  done
done
echo "(-runs=N: N executions from the corpus with -seed=1, wall time; timed: libFuzzer's"
echo " stat::average_exec_per_sec; both one process on one core. A failed run is a crash.)"
echo

fi

# ---- exec/s from an empty corpus ------------------------------------------------------------
# What a search after a change to the queue runs (ci/mutation.sh --from-empty): no seed
# files, the target's own .options (dictionary), so the inputs are the structure-aware
# mutator's (fuzz/schedule_mutator.c: short programs), not the committed corpus's long
# hand-written scenarios. This is the issue-10 speed figure; the rows above say what a
# nightly run from the corpus gets.
echo "from an empty corpus: timed ${seconds}s, one process, -seed=1 and the target's .options"
printf '%-16s %-6s %16s %12s %10s %12s\n' target build "exec/s (execs)" "exec/cpu-s" "inputs" "mean steps"
for t in $targets; do
  for b in plain asan tsan; do
    bin=${bindir[$b]}/$t
    if [ ! -x "$bin" ]; then
      printf '%-16s %-6s %16s\n' "$t" "$b" "not built"
      continue
    fi
    envs=()
    [ $b = tsan ] && envs=("TSAN_OPTIONS=$TSAN_OPTS")
    e=$work/empty-$t-$b
    rm -rf "$e" && mkdir -p "$e"
    mapfile -t fflags < <(fuzz_option_args "$t" 2>/dev/null)
    /usr/bin/time -f '%U %S' -o "$work/empty-$t-$b.cpu" env "${envs[@]}" timeout -s KILL $((seconds + 60)) \
      "$bin" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "${fflags[@]}" "$e" \
      >"$work/empty-$t-$b.log" 2>&1
    rc=$?
    eps=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$work/empty-$t-$b.log" | tail -n 1)
    execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$work/empty-$t-$b.log" | tail -n 1)
    [ $rc = 0 ] || eps="failed($rc${eps:+, $eps})"
    seq=()
    [ $t = fuzz_runq_model ] && seq=(--sequential)
    kept=("$e"/*)
    mean=-
    if [ $b = plain ] && [ -e "${kept[0]}" ]; then
      mean=$("$replay" --bytes "${seq[@]}" "${kept[@]}" 2>/dev/null |
        sed -n 's/.*: ok (\([0-9]*\) steps.*/\1/p' | awk '{ n++; s += $1 } END { if (n) printf "%.0f", s / n; else print "-" }')
    fi
    # executions per second of CPU time (user + system): what a core gives when the
    # machine is shared, where the wall-clock rate falls with the load
    cpu=$(awk -v n="${execs:-0}" '{ c = $1 + $2 } END { if (c > 0 && n > 0) printf "%.0f", n / c; else print "-" }' \
      "$work/empty-$t-$b.cpu" 2>/dev/null)
    printf '%-16s %-6s %16s %12s %10s %12s\n' "$t" "$b" "${eps:--} (${execs:--})" "${cpu:--}" \
      "$(find "$e" -type f | wc -l)" "$mean"
  done
done
echo "(exec/s: libFuzzer's stat::average_exec_per_sec, wall clock; exec/cpu-s: executions per"
echo " second of the process's user+system time, which load moves much less; mean steps:"
echo " runq-replay over the inputs the plain run kept, the same executions in every build.)"
echo

if [ $empty_only = 1 ]; then
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

# ---- SC vs weak, no mutation: the replay build over each view ---------------------------------
# Three passes over the same files in one process each; the fastest pass counts.
replay_rate() { # replay_rate VIEW [ARGS...] -> executions per second
  local v=$1 best=""
  shift
  local files=("$v"/*)
  for pass in 1 2 3; do
    local t0 t1
    t0=$(now)
    "$rate_replay" --quiet "$@" "${files[@]}" >/dev/null 2>&1
    t1=$(now)
    best=$(awk -v n="${#files[@]}" -v a="$t0" -v b="$t1" -v best="$best" \
      'BEGIN { r = n / (b - a); if (best == "" || r > best) best = r; printf "%.0f", best }')
  done
  echo "$best"
}
# the plain (gcc -O2) replay build when there is one: the sanitizers' costs are not the model's
rate_replay=$replay
[ -x build/default/bin/runq-replay ] && rate_replay=build/default/bin/runq-replay
echo "replay ($rate_replay --quiet, no mutation): executions per second, SC and weak"
for t in $targets; do
  seq=()
  [ $t = fuzz_runq_model ] && seq=(--sequential)
  sc=$(replay_rate "$work/view/$t" "${seq[@]}")
  wk=$(replay_rate "$work/view-weak/$t" "${seq[@]}")
  awk -v t="$t" -v s="$sc" -v w="$wk" 'BEGIN { printf "%-16s sc %8d   weak %8d   weak/sc %.2f\n", t, s, w, w / s }'
done
echo

# ---- steps per execution ----------------------------------------------------------------------
steps() { # steps LABEL REPLAY-ARGS... : average steps and switches per file
  local label=$1
  shift
  "$replay" "$@" 2>/dev/null | sed -n 's/.*: ok (\([0-9]*\) steps, \([0-9]*\) switches.*/\1 \2/p' |
    awk -v l="$label" '{ n++; s += $1; w += $2 }
    END { if (n) printf "%-44s %6d files  %9.1f steps  %8.1f switches per execution\n", l, n, s / n, w / n;
          else printf "%-44s (no file replayed)\n", l }'
}
for t in $targets; do
  seq=()
  [ $t = fuzz_runq_model ] && seq=(--sequential)
  files=("$work/view/$t"/*)
  [ -e "${files[0]}" ] && steps "$t: committed corpus" "${seq[@]}" "${files[@]}"
  grown=("$work/grown-$t-plain"/*)
  [ -e "${grown[0]}" ] && steps "$t: corpus grown by the timed plain run" "${seq[@]}" "${grown[@]}"
done
echo

# ---- fiber switch -----------------------------------------------------------------------------
for b in plain asan tsan; do
  exe=$work/bench_switch-$b
  if [ -x "$exe" ]; then
    n=20000000
    [ $b != plain ] && n=4000000
    printf '%-6s ' "$b"
    env TSAN_OPTIONS=$TSAN_OPTS "$exe" "$n"
  else
    echo "$b    fiber switch: not built"
  fi
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
