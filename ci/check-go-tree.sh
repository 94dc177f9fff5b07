#!/usr/bin/env bash
# ci/check-go-tree.sh - gate a Go tree's run-queue code: the proc.go a runtime engineer
# changed, imported as written (tools/runq-import), run through the suite's tools.
#
#   ci/check-go-tree.sh [--budget 10m] [--quick] [--build-dir DIR] TREE
#
#   TREE           a GOROOT (its src/runtime/proc.go) or a proc.go
#   --budget DUR   wall-clock budget of the full check (default 10m; 90s, 10m, 1h): the
#                  time-boxed steps (explore, fuzz, stress) share what the fixed ones
#                  (import, builds, corpus replays) leave of it
#   --quick        import, plain build, corpus replay only (about a minute on 2 cores)
#   --build-dir DIR  where the builds go (default build/check-go-tree; the sanitizer build
#                  goes to DIR-asan, failure files and fuzz corpora to DIR/run)
#
# The full check (the default), step by step:
#   import        tools/runq-import TREE -> C port (refusal: exit 2)
#   build         plain build (cc): runq-replay-, runq-explore-, runq-torture-,
#                 runq-record-imported
#   build-asan    clang, ASan + UBSan, libFuzzer: runq-replay-imported and both fuzz
#                 targets (fuzz_runq_sched-imported, fuzz_runq_model-imported)
#   replay        every corpus file on the imported port (--go 1.19; the model corpus
#                 --sequential)
#   replay-asan   the same under ASan + UBSan
#   explore-sc    runq-explore over corpus/fuzz_runq_sched/regress-*: every interleaving
#                 with <= 2 preemptions, sequential consistency
#   explore-weak  the same scenarios, 1 preemption and weak memory (--stale 1)
#   fuzz-sched    libFuzzer, fuzz_runq_sched-imported, seeded with the corpus (read only;
#   fuzz-model    new inputs go to DIR/run/fuzz), the same for fuzz_runq_model-imported
#   stress        runq-torture-imported on real threads
# A proc.go with Go master's signatures (the importer says which API family it found) is
# built as Go master's port instead, and every step runs it: runq-replay-, runq-explore-,
# runq-torture- and runq-record-imported-master and fuzz_runq_{sched,model}-imported-master
# (replay, explore and stress with --go master; the fuzz targets run every input on master
# and their reproduce lines say --go master).
# It prints a verdict table (step, result, seconds, detail). Every failure prints its
# invariant, the schedule file and a `reproduce:` line (absolute paths: it works as printed
# from any directory) that traces the failure with each access's proc.go:LINE.
#
# Exit: 0 every step passed; 1 a step failed (its invariant, schedule and reproduce line
# above the table); 2 bad input (no such tree, not a proc.go, a proc.go the importer
# refuses: "proc.go:LINE:COL: cannot import <construct> in <function>") or a missing tool.
set -uo pipefail
. "$(dirname "$0")/lib.sh" # fuzz_option_args
root=$RUNQ_ROOT

usage() { sed -n '2,/^# Exit:/p' "$0" | sed 's/^# \{0,1\}//'; }
bad() { echo "check-go-tree: $*" >&2; exit 2; }
quick=0 budget=10m tree="" build=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --budget) [ $# -ge 2 ] || bad "--budget needs a duration (90s, 10m, 1h)"; budget=$2; shift ;;
    --budget=*) budget=${1#--budget=} ;;
    --build-dir) [ $# -ge 2 ] || bad "--build-dir needs a directory"; build=$2; shift ;;
    --build-dir=*) build=${1#--build-dir=} ;;
    -h | --help) usage; exit 0 ;;
    -*) bad "unknown option '$1' (try --help)" ;;
    *) [ -z "$tree" ] || bad "one TREE only ('$tree' and '$1')"; tree=$1 ;;
  esac
  shift
done
[ -n "$tree" ] || { echo "usage: ci/check-go-tree.sh [--budget 10m] [--quick] [--build-dir DIR] GOROOT|PROC_GO" >&2; exit 2; }
num=${budget%[smh]}
case $num in '' | *[!0-9]*) bad "--budget: '$budget' is not a duration (90s, 10m, 1h)" ;; esac
case $budget in
  *h) budget_s=$((num * 3600)) ;;
  *m) budget_s=$((num * 60)) ;;
  *) budget_s=$num ;;
esac
[ "$budget_s" -gt 0 ] || bad "--budget: '$budget' is not a duration (90s, 10m, 1h)"

abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
tree=$(abspath "$tree")
proc=$tree
[ -d "$tree" ] && proc=$tree/src/runtime/proc.go
[ -e "$proc" ] || bad "$proc: no such file"
[ -f "$proc" ] || bad "$proc: not a regular file"
[ -r "$proc" ] || bad "$proc: cannot read it"
grep -q '^package runtime' "$proc" 2>/dev/null ||
  bad "$proc: not a Go runtime source file (no 'package runtime' line): give a GOROOT or its src/runtime/proc.go"
command -v go >/dev/null || bad "needs go (apt-get install golang-go)"
command -v cmake >/dev/null && command -v ninja >/dev/null || bad "needs cmake and ninja (apt-get install cmake ninja-build)"
if [ $quick = 0 ]; then
  command -v clang >/dev/null || bad "the full check needs clang (apt-get install clang libclang-rt-dev), or run --quick"
  [ -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
    bad "the full check needs libFuzzer (apt-get install libclang-rt-dev), or run --quick"
fi

build=$(abspath "${build:-$root/build/check-go-tree}")
asan=$build-asan
run=$build/run
mkdir -p "$build" || bad "cannot create $build"
exec 8>"$build/.lock"
flock -n 8 || bad "another check-go-tree is using $build (give --build-dir)"
rm -rf "$run"
mkdir -p "$run"
export GOCACHE="$build/go-cache" GOPATH="$build/go-path" GOFLAGS=-mod=mod GO111MODULE=on

now_ms() { date +%s%3N; }
t_start=$(now_ms)
elapsed_s() { echo $((($(now_ms) - t_start) / 1000)); }
ROWS=() # "step|result|seconds|detail"
FAILS=() # blocks printed before the table
failed=0
step_t0=0
begin() { step_t0=$(now_ms); printf '== %s\n' "$1"; }
row() { # row STEP RESULT DETAIL
  local ms=$(($(now_ms) - step_t0))
  ROWS+=("$1|$2|$(printf '%d.%d' $((ms / 1000)) $(((ms % 1000) / 100)))|$3")
  [ "$2" = FAIL ] && failed=1
  return 0
}
# go_line CMD...: runs a reproduce command (it traces with --go-lines) and prints where the
# failing thread's last access is in proc.go ("proc.go:LINE"), or nothing.
go_line() {
  bash -c "$1" 2>/dev/null | sed -n 's/^last access of \([^:]*\): \(.*\)/\1 at \2/p' | head -n 1
}
# fail_block STEP INVARIANT SCHEDULE REPRODUCE [MORE]: a failure, as the table's caller shows it.
fail_block() {
  local where
  where=$(go_line "$4")
  FAILS+=("FAIL $1: invariant=$2${where:+ (last access: $where)}
  schedule: $3
  reproduce: $4${5:+
  $5}")
}

table() {
  echo
  printf '%-13s %-6s %8s  %s\n' step result seconds detail
  local r s res sec det
  for r in "${ROWS[@]}"; do
    IFS='|' read -r s res sec det <<<"$r"
    printf '%-13s %-6s %8s  %s\n' "$s" "$res" "$sec" "$det"
  done
}
finish() {
  local f
  echo
  for f in "${FAILS[@]}"; do printf '%s\n' "$f"; done
  table
  echo
  if [ $failed = 0 ]; then
    local skipped="" r
    for r in "${ROWS[@]}"; do [ "$(cut -d'|' -f2 <<<"$r")" = skip ] && skipped="$skipped $(cut -d'|' -f1 <<<"$r")"; done
    echo "verdict: PASS: $proc ($(elapsed_s) s$([ $quick = 1 ] && echo ", quick mode")${skipped:+; not run:$skipped})"
    exit 0
  fi
  echo "verdict: FAIL: $proc ($(elapsed_s) s$([ $quick = 1 ] && echo ", quick mode")): every failure above has its invariant, schedule and reproduce line"
  exit 1
}

# ---- import: a refusal is bad input (exit 2) and says why ------------------------------------
begin import
(cd "$root/tools/runq-import" && go build -o "$build/runq-import" .) >"$build/go-build.log" 2>&1 ||
  { cat "$build/go-build.log" >&2; bad "building tools/runq-import failed"; }
"$build/runq-import" -o "$build/imported-check.c" "$proc" || exit 2
n_acc=$(grep -o 'RQ_AT([0-9]' "$build/imported-check.c" | wc -l)
# The API family decides which engine world the port is built as and what the ops mean:
# Go 1.19's signatures (queue/runq.c's) or master's (queue/runq_master.c's).
family=$(sed -n 's#^// API family: \([a-z0-9.]*\).*#\1#p' "$build/imported-check.c" | head -n 1)
case $family in
  1.19) gover=1.19 sfx=imported import_def=RUNQ_IMPORT_PROC_GO ;;
  master) gover=master sfx=imported-master import_def=RUNQ_IMPORT_MASTER_PROC_GO ;;
  *) bad "$build/imported-check.c: the importer named no API family I know ('$family')" ;;
esac
row import pass "$n_acc seam accesses from $proc (API family $family: runs with --go $gover)"

# ---- builds ----------------------------------------------------------------------------------
configure() { # configure DIR LOG ARGS...
  local d=$1 log=$2
  shift 2
  cmake -S "$root" -B "$d" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -D$import_def="$proc" "$@" >"$log" 2>&1
}
begin build
targets=(runq-replay-$sfx)
# (runq-record-$sfx: runq-torture-$sfx's recording hint names it; runq-explore-$sfx: its
# search of a failure's ops runs it.)
if [ $quick = 0 ]; then
  targets+=(runq-explore-$sfx runq-torture-$sfx runq-record-$sfx)
fi
skip="fuzz;stress"
[ $quick = 1 ] || skip="fuzz"
if ! configure "$build" "$build/configure.log" -DRUNQ_SKIP_SUBDIRS="$skip"; then
  tail -20 "$build/configure.log"
  bad "configure failed (log: $build/configure.log)"
fi
if ! cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >"$build/build.log" 2>&1; then
  tail -30 "$build/build.log"
  row build FAIL "the imported port does not compile (log: $build/build.log)"
  FAILS+=("FAIL build: invariant=import-does-not-build: the C that tools/runq-import wrote from $proc does not compile
  schedule: -
  reproduce: cmake --build $build --target runq-replay-$sfx")
  finish
fi
row build pass "${targets[*]} in $build"
B=$build/bin

if [ $quick = 0 ]; then
  begin build-asan
  if ! configure "$asan" "$asan.configure.log" -DCMAKE_C_COMPILER=clang \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -DRUNQ_SANITIZE=asan -DRUNQ_FUZZ=ON -DRUNQ_SKIP_SUBDIRS=stress; then
    tail -20 "$asan.configure.log"
    bad "configure of the sanitizer build failed (log: $asan.configure.log)"
  fi
  asan_targets=(runq-replay-$sfx fuzz_runq_sched-$sfx fuzz_runq_model-$sfx)
  if cmake --build "$asan" -j "$(nproc)" --target "${asan_targets[@]}" >"$asan.build.log" 2>&1; then
    row build-asan pass "clang ASan+UBSan+libFuzzer: ${asan_targets[*]} in $asan"
  else
    tail -30 "$asan.build.log"
    row build-asan FAIL "the imported port does not compile with clang (log: $asan.build.log)"
    FAILS+=("FAIL build-asan: invariant=import-does-not-build (clang, ASan+UBSan)
  schedule: -
  reproduce: cmake --build $asan --target runq-replay-$sfx")
    quick_after_build=1
  fi
fi

# ---- replay the corpus -----------------------------------------------------------------------
# replay_corpus STEP REPLAY: every corpus file; per failing invariant, its first file and
# the reproduce line runq-replay printed for it.
replay_corpus() {
  local step=$1 replay=$2 c args rc total=0 nfail=0 log=$run/$1.log invs="" odd=""
  : >"$log"
  for c in fuzz_runq_sched fuzz_runq_model; do
    args=(--quiet --go $gover)
    [ $c = fuzz_runq_model ] && args+=(--sequential)
    rc=0
    (cd "$root" && find "corpus/$c" -maxdepth 1 -type f | LC_ALL=C sort | xargs "$replay" "${args[@]}") >>"$log" 2>&1 || rc=$?
    total=$((total + $(find "$root/corpus/$c" -maxdepth 1 -type f | wc -l)))
    # 1/123: a schedule failed (its lines say which); anything else: a crash (a signal, a
    # sanitizer's abort) that stopped the replay of this corpus.
    [ $rc = 0 ] || [ $rc = 1 ] || [ $rc = 123 ] || odd="$odd $c"
  done
  local san=""
  if grep -q 'ERROR: AddressSanitizer' "$log"; then san=asan-error
  elif grep -q 'ERROR: LeakSanitizer' "$log"; then san=lsan-leak
  elif grep -q 'runtime error:' "$log"; then san=ubsan
  fi
  if [ -n "$san" ] || [ -n "$odd" ]; then
    # Which file: one at a time, until one crashes or draws a sanitizer report.
    local f one=$run/$step-crash.log r extra found=""
    for c in fuzz_runq_sched fuzz_runq_model; do
      extra=""
      [ $c = fuzz_runq_model ] && extra=" --sequential"
      while IFS= read -r f; do
        r=0
        "$replay" --quiet --go $gover $extra "$root/$f" >"$one" 2>&1 || r=$?
        if [ $r -gt 1 ] || grep -qE 'runtime error:|ERROR: [A-Za-z]+Sanitizer' "$one"; then
          found=$f
          break 2
        fi
      done < <(cd "$root" && find "corpus/$c" -maxdepth 1 -type f | LC_ALL=C sort)
    done
    [ -n "$san" ] || san=crash
    if [ -n "$found" ]; then
      fail_block "$step" "$san" "$root/$found" "$replay --go-lines --go $gover$extra --trace $root/$found" \
        "report: $one"
    else
      FAILS+=("FAIL $step: invariant=$san (not reproduced file by file)
  schedule: see $log
  reproduce: cd $root && find corpus/fuzz_runq_sched -type f | xargs $replay --quiet --go $gover")
    fi
    row "$step" FAIL "invariant=$san${found:+ on $found} (log: $log)"
    return
  fi
  nfail=$(grep -c ': FAIL' "$log")
  if [ "$nfail" = 0 ] && ! grep -q '^!!! ' "$log"; then
    row "$step" pass "$total corpus files"
    return
  fi
  # One block per invariant: its first file, and how many files fail with it.
  local inv file repro n
  for inv in $(grep -o '^!!! invariant=[a-z0-9-]*' "$log" | sed 's/^!!! invariant=//' | awk '!s[$0]++'); do
    n=$(grep -c "^!!! invariant=$inv " "$log")
    file=$(grep -B1 -m1 "^!!! invariant=$inv " "$log" | head -n 1 | sed 's/: FAIL.*//')
    repro=$(grep -A1 -m1 "^!!! invariant=$inv " "$log" | sed -n 's/^reproduce: //p')
    fail_block "$step" "$inv" "$root/$file ($n file(s) fail with it)" "$repro"
    invs="$invs $inv($n)"
  done
  row "$step" FAIL "$nfail of $total corpus files fail:$invs (log: $log)"
}
begin replay
replay_corpus replay "$B/runq-replay-$sfx"
if [ $quick = 1 ]; then finish; fi

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
if [ -z "${quick_after_build:-}" ]; then
  begin replay-asan
  ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} replay_corpus replay-asan "$asan/bin/runq-replay-$sfx"
fi

# ---- the time-boxed steps share what is left of the budget ----------------------------------
# Weights: explore-sc 20, explore-weak 15, fuzz-sched 20, fuzz-model 15, stress 30. Each step
# gets its weight's part of what is left when it starts (a step that ends early leaves its
# time to the next ones); at least 10 s each when the fixed steps used up the budget.
weights_left=100
share() { # share WEIGHT: SHARE = seconds for the next step (not in a subshell: it counts down)
  local left=$((budget_s - $(elapsed_s)))
  SHARE=$((left * $1 / weights_left))
  weights_left=$((weights_left - $1))
  [ $SHARE -ge 10 ] || SHARE=10
}
left=$((budget_s - $(elapsed_s)))
echo "== time-boxed steps: ${left} s of the ${budget_s} s budget left"

# explore MODE SECONDS ARGS...: every regress scenario. Two rounds: each scenario first gets
# an equal part of the step's time; those cut short then share what is left (their search
# starts again, with the longer limit).
explore() {
  local step=$1 secs=$2 f name n=${#scen[@]} done_n=0 rc per t_end remaining round
  shift 2
  begin "$step"
  t_end=$(($(now_ms) + secs * 1000))
  local todo=("${scen[@]}") cut=()
  for round in 1 2; do
    cut=()
    remaining=${#todo[@]}
    for f in "${todo[@]}"; do
      name=$(basename "$f" .txt)
      per=$(((t_end - $(now_ms)) / remaining)) # ms
      remaining=$((remaining - 1))
      if [ $per -lt 100 ]; then cut+=("$f"); continue; fi
      rc=0
      timeout -k 5 "$((per / 1000)).$(printf '%03d' $((per % 1000)))" "$B/runq-explore-$sfx" --go $gover "$@" --out "$run/$step-$name.txt" "$f" \
        >"$run/$step-$name.log" 2>&1 || rc=$?
      case $rc in
        0) done_n=$((done_n + 1)) ;;
        124 | 137) cut+=("$f") ;;
        1)
          local inv repro
          inv=$(sed -n 's/^!!! invariant=\([a-z0-9-]*\).*/\1/p' "$run/$step-$name.log" | head -n 1)
          repro=$(sed -n 's/^reproduce: //p' "$run/$step-$name.log" | head -n 1)
          fail_block "$step" "${inv:-unknown}" "$run/$step-$name.txt (found from $f)" "$repro" \
            "search log: $run/$step-$name.log"
          row "$step" FAIL "$name: invariant=${inv:-unknown} ($done_n of $n scenarios searched before it)"
          return ;;
        *)
          row "$step" FAIL "$name: runq-explore exited $rc (log: $run/$step-$name.log)"
          FAILS+=("FAIL $step: runq-explore exited $rc on $f
  schedule: $f
  reproduce: $B/runq-explore-$sfx --go $gover $* --out $run/$step-$name.txt $f")
          return ;;
      esac
    done
    [ ${#cut[@]} -gt 0 ] || break
    todo=("${cut[@]}")
  done
  local cutnames=""
  for f in "${cut[@]}"; do cutnames="$cutnames $(basename "$f" .txt)"; done
  row "$step" pass "$n regress scenarios ($*): $done_n searched completely${cutnames:+, ${#cut[@]} cut by the budget:$cutnames} (${secs} s)"
}
scen=("$root"/corpus/fuzz_runq_sched/regress-*.txt)
share 20
explore explore-sc "$SHARE" --preemptions 2
share 15
explore explore-weak "$SHARE" --preemptions 1 --stale 1

fuzz() { # fuzz STEP TARGET SECONDS
  local step=$1 t=$2 secs=$3 w=$run/fuzz/$2 flags=() rc=0 log
  begin "$step"
  [ -z "${quick_after_build:-}" ] || { row "$step" FAIL "not built (build-asan failed)"; return; }
  mkdir -p "$w/corpus" "$w/artifacts"
  log=$w/fuzz.log
  mapfile -t flags < <(fuzz_option_args "$t")
  # The committed corpus is read, never written: new inputs go to the first dir ($w/corpus).
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 timeout -k 10 $((secs + 120)) \
    "$asan/bin/$t-$sfx" "$w/corpus" "$root/corpus/$t" -max_total_time="$secs" -seed=1 \
    -artifact_prefix="$w/artifacts/" -print_final_stats=1 "${flags[@]}" >"$log" 2>&1 || rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  if [ $rc = 0 ]; then
    row "$step" pass "$t-$sfx: ${execs:-?} inputs in ${secs} s from $(find "$root/corpus/$t" -maxdepth 1 -type f | wc -l) corpus seeds"
    return
  fi
  local art inv repro
  art=$(find "$w/artifacts" -type f | head -n 1)
  inv=$(sed -n 's/^!!! invariant=\([a-z0-9-]*\).*/\1/p' "$log" | head -n 1)
  if [ -z "$inv" ]; then
    if grep -q 'ERROR: AddressSanitizer' "$log"; then inv=asan-error
    elif grep -q 'ERROR: LeakSanitizer' "$log"; then inv=lsan-leak
    elif grep -q 'runtime error:' "$log"; then inv=ubsan
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then inv=timeout
    elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then inv=oom
    elif [ $rc = 124 ] || [ $rc = 137 ]; then inv=timeout
    else inv=unknown; fi
  fi
  repro=$(sed -n 's/^reproduce: //p' "$log" | head -n 1)
  if [ -n "$repro" ] && [ -n "$art" ]; then
    repro=${repro//"<this input>"/$art}
  elif [ -n "$art" ]; then # a sanitizer's report: the standalone target runs the input again
    repro="$asan/bin/$t-$sfx $art"
  fi
  fail_block "$step" "$inv" "${art:-none written (log: $log)}" "${repro:-see $log}" "fuzzer log: $log"
  row "$step" FAIL "$t-$sfx: invariant=$inv after ${execs:-?} inputs"
}
share 20
fuzz fuzz-sched fuzz_runq_sched "$SHARE"
share 15
fuzz fuzz-model fuzz_runq_model "$SHARE"

# ---- stress: real threads --------------------------------------------------------------------
begin stress
share 30
secs=$SHARE
log=$run/stress.log
rc=0
# runq-torture runs Go 1.19's port by default: a master-family import is its --go master port.
goarg=()
[ $gover = master ] && goarg=(--go master)
timeout -k 10 $((secs + 90)) "$B/runq-torture-$sfx" "${goarg[@]}" --duration "${secs}s" --seed 1 \
  --fail-file "$run/stress-fail.txt" >"$log" 2>&1 || rc=$?
if [ $rc = 0 ]; then
  row stress pass "runq-torture-$sfx ${goarg[*]}${goarg[*]:+ }--duration ${secs}s: $(grep -m1 -o 'End of test: SUCCESS' "$log")"
else
  inv=$(sed -n 's/^!!! first failure: invariant=\([a-z0-9-]*\).*/\1/p' "$log" | head -n 1)
  if [ -z "$inv" ] && { [ $rc = 124 ] || [ $rc = 137 ]; }; then inv=hang; fi
  repro=$(sed -n 's/^reproduce: //p' "$log" | head -n 1)
  # runq-torture searched the failing ops for an order that fails every time
  # (FILE.found.txt); without one, the ops as they were (which may pass on replay).
  sched=$run/stress-fail.found.txt
  replay_line="a schedule that fails every time with invariant=${inv:-?}: $B/runq-replay-$sfx --go-lines --go $gover --trace $sched"
  if [ ! -f "$sched" ]; then
    sched=$run/stress-fail.schedule.txt
    replay_line=""
    [ -f "$sched" ] && replay_line="its ops as a schedule (no order that fails every time was found; it may pass on replay): $B/runq-replay-$sfx --go-lines --go $gover --trace $sched"
  fi
  FAILS+=("FAIL stress: invariant=${inv:-unknown}
  schedule: $([ -f "$sched" ] && echo "$sched" || echo "none written") (failure trace: $run/stress-fail.txt, log: $log)
  reproduce: ${repro:-$B/runq-torture-$sfx ${goarg[*]}${goarg[*]:+ }--duration ${secs}s --seed 1}${replay_line:+
  $replay_line}")
  row stress FAIL "runq-torture-$sfx: invariant=${inv:-unknown} (exit $rc)"
fi
finish
