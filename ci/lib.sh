# ci/lib.sh - shared helpers of the ci/ scripts (sourced, not run).
# Each script installs what it needs from Debian's packages when run as root, or prints
# the exact command to run.

RUNQ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNQ_PACKAGES="clang llvm cmake ninja-build gcc libclang-rt-dev python3 git"

# need_tools: make sure the toolchain is there; install it if we are root.
need_tools() {
  local missing=()
  command -v clang >/dev/null || missing+=(clang)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v ninja >/dev/null || missing+=(ninja-build)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v llvm-cov >/dev/null || missing+=(llvm)
  command -v python3 >/dev/null || missing+=(python3)
  # libFuzzer and the sanitizer runtimes ship in libclang-rt-<ver>-dev on Debian 12.
  if command -v clang >/dev/null; then
    local rt
    rt=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
    [ -f "$rt" ] || missing+=(libclang-rt-dev)
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      { echo "!!! apt-get install ${missing[*]} failed" >&2; exit 2; }
  else
    echo "!!! missing: ${missing[*]}. Run as root: apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
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
