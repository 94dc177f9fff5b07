# ci/lib.sh - shared helpers of the ci/ scripts (sourced, not run).
# Each script installs what it needs from Debian's packages when run as root, or prints
# the exact command to run.

RUNQ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNQ_PACKAGES="clang llvm cmake ninja-build gcc libclang-rt-dev python3 python3-yaml git"

# python3 through a version manager's shim (pyenv) costs a second or more per call, and the
# scripts call it often: the interpreter's own folder goes first on PATH.
if runq_pydir=$(python3 -c 'import os, sys; print(os.path.dirname(os.path.realpath(sys.executable)))' 2>/dev/null) &&
  [ -n "$runq_pydir" ]; then
  PATH=$runq_pydir:$PATH
fi

# need_tools: make sure the toolchain is there; install it if we are root.
need_tools() {
  local missing=()
  command -v clang >/dev/null || missing+=(clang)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v ninja >/dev/null || missing+=(ninja-build)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v llvm-cov >/dev/null || missing+=(llvm)
  command -v python3 >/dev/null || missing+=(python3)
  # PyYAML for ci/check_workflows.py (ctest ci.workflows), in some python3 on the PATH.
  python3 -c 'import yaml' 2>/dev/null || /usr/bin/python3 -c 'import yaml' 2>/dev/null ||
    missing+=(python3-yaml)
  command -v clang-format >/dev/null || missing+=(clang-format)
  command -v patch >/dev/null || missing+=(patch)
  command -v git >/dev/null || missing+=(git)
  # Go's own source, for the drift check (ci/upstream-drift.sh against the 1.19 tree).
  command -v go >/dev/null || missing+=(golang-go)
  # libFuzzer and the sanitizer runtimes ship in libclang-rt-<ver>-dev on Debian 12.
  if command -v clang >/dev/null; then
    local rt
    rt=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
    [ -f "$rt" ] || missing+=(libclang-rt-dev)
  fi
  install_missing "${missing[@]}" || exit 2
}

# install_missing PACKAGE...: apt-get install them when root, else say the command; 2 on
# failure or when not root. Nothing to do with no arguments.
install_missing() {
  [ $# -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
      { echo "!!! apt-get install $* failed" >&2; return 2; }
  else
    echo "!!! missing: $*. Run as root: apt-get install -y $*" >&2
    return 2
  fi
}

# need_packages CMD:PACKAGE...: like need_tools, for tools only some scripts need (the
# nightly's gnuplot, ci/look.sh's browser): installs PACKAGE (Debian) where CMD is missing.
need_packages() {
  local missing=() x
  for x in "$@"; do
    command -v "${x%%:*}" >/dev/null || missing+=("${x#*:}")
  done
  install_missing "${missing[@]}"
}

# build_preset NAME: configure (once) and build one preset into build/NAME.
build_preset() {
  local preset=$1
  (cd "$RUNQ_ROOT" &&
    { [ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null; } &&
    cmake --build --preset "$preset")
}

# Step bookkeeping: step NAME CMD... runs CMD, records status and duration.
STEP_NAMES=()
STEP_RESULTS=()
STEP_SECONDS=()
STEP_LOGDIR=${STEP_LOGDIR:-$RUNQ_ROOT/out/logs}
step() {
  local name=$1
  shift
  mkdir -p "$STEP_LOGDIR"
  local log="$STEP_LOGDIR/${name//[^A-Za-z0-9_.-]/_}.log"
  local t0=$SECONDS
  printf '== %-28s ' "$name"
  if "$@" >"$log" 2>&1; then
    STEP_RESULTS+=(ok)
    printf 'ok    %4ds\n' $((SECONDS - t0))
  else
    STEP_RESULTS+=(FAIL)
    printf 'FAIL  %4ds   (log: %s)\n' $((SECONDS - t0)) "${log#$RUNQ_ROOT/}"
    tail -n 40 "$log" | sed 's/^/    | /'
  fi
  STEP_NAMES+=("$name")
  STEP_SECONDS+=($((SECONDS - t0)))
}

# summary_table: prints the steps; returns 1 if any failed.
summary_table() {
  local failed=0 i
  echo
  echo "| step | result | seconds |"
  echo "| --- | --- | --- |"
  for i in "${!STEP_NAMES[@]}"; do
    echo "| ${STEP_NAMES[$i]} | ${STEP_RESULTS[$i]} | ${STEP_SECONDS[$i]} |"
    [ "${STEP_RESULTS[$i]}" = ok ] || failed=1
  done
  echo
  local n_ok=0 n_fail=0
  for i in "${!STEP_NAMES[@]}"; do
    if [ "${STEP_RESULTS[$i]}" = ok ]; then n_ok=$((n_ok + 1)); else n_fail=$((n_fail + 1)); fi
  done
  echo "gate: $n_ok passed, $n_fail failed"
  if [ $failed = 1 ]; then
    for i in "${!STEP_NAMES[@]}"; do
      [ "${STEP_RESULTS[$i]}" = ok ] || echo "!!! failed step: ${STEP_NAMES[$i]}"
    done
  fi
  return $failed
}

# ---- helpers of ci/nightly.sh, ci/coverage.sh and tools/bench_fuzz.sh (appended) -------

# parse_duration STR: prints STR in seconds; accepts 90, 90s, 10m, 2h, 1h30m. Returns 1
# (printing nothing) if STR is not a duration.
parse_duration() {
  local s=$1 total=0 n u
  [[ $s =~ ^[0-9]+$ ]] && { echo "$s"; return 0; }
  [[ $s =~ ^([0-9]+[hms])+$ ]] || return 1
  while [[ $s =~ ^([0-9]+)([hms])(.*)$ ]]; do
    n=$((10#${BASH_REMATCH[1]})) u=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
    case $u in h) total=$((total + n * 3600)) ;; m) total=$((total + n * 60)) ;; s) total=$((total + n)) ;; esac
  done
  echo "$total"
}

# build_targets PRESET [CMAKE_ARG...] -- TARGET...: configure PRESET into build/PRESET
# (once; the CMAKE_ARGs apply to that first configure only) and build only the TARGETs.
build_targets() {
  local preset=$1 defs=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do defs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  (cd "$RUNQ_ROOT" &&
    { [ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" "${defs[@]}"; } &&
    cmake --build --preset "$preset" --target "$@")
}

# fuzz_option_args TARGET: the [libfuzzer] section of fuzz/TARGET.options as libFuzzer
# flags, one per line (key = value -> -key=value); dict is resolved beside the .options
# file and left out, with a note on stderr, when that file does not exist. Keys a run sets
# itself (runs, max_total_time, seed, artifact_prefix, jobs, workers, fork) are left out:
# libFuzzer takes the last of a repeated flag, so the file's would silently win. Every
# script that runs a fuzz target takes its options from here.
fuzz_option_args() {
  local f=$RUNQ_ROOT/fuzz/$1.options k v
  [ -f "$f" ] || return 0
  awk '/^[ \t]*\[/ { sec = $0; gsub(/[ \t]/, "", sec); next }
       sec == "[libfuzzer]" && index($0, "=") > 0 {
         k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
         gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t\r]+$/, "", v); print k "=" v }' "$f" |
    while IFS='=' read -r k v; do
      if [ "$k" = dict ]; then
        if [ -f "$RUNQ_ROOT/fuzz/$v" ]; then
          echo "-dict=$RUNQ_ROOT/fuzz/$v"
        else
          echo "note: fuzz/$1.options names dict fuzz/$v, which does not exist; running without it" >&2
        fi
      else
        case $k in runs | max_total_time | seed | artifact_prefix | jobs | workers | fork) ;;
          *) echo "-$k=$v" ;;
        esac
      fi
    done
}

# progress_run LABEL LOG REGEX CMD...: runs CMD with stdout and stderr to LOG and, every
# ${PROGRESS_EVERY:-20} s while it runs, prints "   [elapsed] LABEL: <last LOG line
# matching REGEX>" (or "running"). Returns CMD's exit status; PROGRESS_PID is CMD's pid
# while it runs (a trap may kill it).
progress_run() {
  local label=$1 log=$2 re=$3 pid t0=$SECONDS next last
  shift 3
  "$@" >"$log" 2>&1 &
  pid=$!
  PROGRESS_PID=$pid # for the caller's signal trap
  next=$((SECONDS + ${PROGRESS_EVERY:-20}))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ]; then
      last=$(grep -aE -- "$re" "$log" 2>/dev/null | tail -n 1 | tr -d '\r' | cut -c1-140)
      printf '   [%4ds] %s: %s\n' $((SECONDS - t0)) "$label" "${last:-running}"
      next=$((SECONDS + ${PROGRESS_EVERY:-20}))
    fi
  done
  wait "$pid"
  local rc=$?
  PROGRESS_PID=
  return $rc
}
