#!/usr/bin/env bash
# ci/mutation.sh - the mutation check: the suite's detectors must kill every known-bad
# variant of the port (ci/mutants/*.patch), and must stay silent on the port itself.
#
#   ci/mutation.sh [--quick] [--only NAME] [--list] [--no-mutants] [--no-baseline] [--in-place]
#   ci/mutation.sh --from-empty [--only NAME] [--jobs N]
#
#   --quick        shorter detector limits (fuzz 5 s per target, stress 3 s)
#   --only NAME    run one mutant (also one listed in ci/mutants/EQUIVALENT, or a Go-side
#                  one, ci/go-mutants/NAME.patch: docs/mutation-check.md)
#   --list         list the mutants with what each should be killed by, and exit
#   --no-mutants   only the false-alarm check: every detector on the unmodified port
#   --no-baseline  skip the false-alarm check (for iterating on one mutant, and in the gate,
#                  whose own ctest and fuzz steps have just run the same detectors on the
#                  unmodified port: a false alarm there fails the gate already)
#   --in-place     no scratch copy: patch the tree's own files and rebuild its own
#                  build/<preset> dirs (what the gate does in its throwaway clone; it saves a
#                  second full build of four presets). Each mutant's files are restored byte
#                  for byte, also on interrupt; a run killed outright (SIGKILL) leaves its
#                  pristine copies in build/.mutation/pristine and the next run restores
#                  them first. At the end every preset used is rebuilt, so no program in
#                  build/ stays built from a mutant.
#   --from-empty   time to kill from an EMPTY corpus (a nightly/bench figure, not a gate):
#                  each mutant of the port (a patch under queue/; the others are listed
#                  as not run), fuzz_runq_sched (then fuzz_runq_model if it survives) with
#                  no seed corpus, libFuzzer seeds 1 2 3, one process (one core) at a time;
#                  prints a Markdown table (mutant, each seed's seconds, median, max, then
#                  each seed's executions to the kill, their median and max: libFuzzer's
#                  exec count does not depend on the machine's load, its seconds do) and
#                  writes it to OUT/from-empty.md. Limit per run: MUT_FROM_EMPTY_SECONDS
#                  (30); seeds: MUT_FROM_EMPTY_SEEDS ("1 2 3").
#   --jobs N       (--from-empty) run N seeds of a mutant at once, one process each: for a
#                  caller that has N cores (MUT_FROM_EMPTY_JOBS; default 1)
#
# How: copies the tree (git ls-files: tracked plus untracked non-ignored files) into a
# scratch dir ($RUNQ_MUTATION_SCRATCH, default /tmp/runq-mutation.<uid>; kept between runs
# so rebuilds are incremental), builds there the presets the detectors need (default:
# corpus; asan: unit, corpus, stress; tsan: corpus and stress under TSan; fuzz: libFuzzer), runs every detector
# on the unmodified port (any failure there is a false alarm), then for each mutant:
# apply (patch -p1), rebuild incrementally, run the detectors cheapest first until one
# kills it, revert (the touched files are restored byte for byte, also on interrupt).
# Detectors whose program or ctest label is absent are skipped with a note.
#
# Detectors, cheapest first (measured: replaying the corpus takes about a second, the
# unit tests a minute under ASan; MUT_DETECTORS="..." picks others or another order):
#                       corpus-plain ctest -L corpus     (default build, gcc, no sanitizer:
#                                    the ledger and the engine's memory model, which checks
#                                    happens-before itself: order mutants die here)
#                       corpus       ctest -L corpus     (asan build: runq-replay of corpus/)
#                       corpus-tsan  ctest -L corpus     (tsan build: memory orders)
#                       unit         ctest -L unit       (asan build)
#                       fuzz         bin/fuzz_runq_sched, bin/fuzz_runq_model (fuzz build),
#                                    bounded, fresh scratch corpus + corpus/<target> as seeds
#                       stress       bin/runq-torture --duration 10s --seed 1 (asan build)
#                       stress-tsan  the same in the tsan build
#                       determinism  ci/trace_determinism.sh: the corpus's traces are
#                                    byte-identical in the gcc (default) and clang (asan) builds
# A mutant's header (the lines before its first "--- "): Kind:, Bug:, Rule broken:,
# Expected killer: (prose, shown by --list), and optionally Kill-test: REGEX, the ctest
# tests (-R) that det_ctest runs first (the whole label runs if they pass), and
# Detector-first: NAME, a detector run before the others for this mutant. Both hints
# change how soon a mutant dies, never whether.
# A failure's invariant: for unit, unit.<test> from "FAIL <test>"; else the first
# "invariant=<id>"; else tsan-race / asan-error / ubsan / lsan-leak from a sanitizer report;
# else throw ("runq: ..."), timeout; else the failing ctest test (unit.<test> for unit,
# ctest.<test> for the others); else unknown.
#
# Mutants of both ports: a patch of queue/runq.c is a Go 1.19 mutant, one of
# queue/runq_master.c (named master-*) a Go master mutant; where the two ports share code,
# the same bug has one patch per version. The detectors gate both ports (the corpus is
# replayed on each, unit tests run against each).
#
# Go-side mutants (ci/go-mutants/*.patch): patches of a Go tree's proc.go, not of the
# port. Each is applied to a copy of the installed Go's src/runtime/proc.go (Debian's
# golang-go) and the copy is gated by ci/check-go-tree.sh --quick (tools/runq-import, a
# build of the imported port, every corpus file replayed on it): exit 1 kills it, with the
# invariant of its first failure. The false-alarm check runs it on the unmodified proc.go
# first. Skipped with a note without golang-go; MUT_GO_MUTANTS=0 skips them; --only NAME
# takes their names too. Their rows form their own table (Go-side mutants).
#
# Output: a Markdown table per Go version (mutant | result | detector | invariant | seconds
# to kill | build s), also in out/mutation/table.md, and out/mutation/result.json; one log per
# detector run in out/mutation/logs/. ($RUNQ_MUTATION_OUT overrides out/mutation.)
# A surviving mutant fails the check unless ci/mutants/EQUIVALENT lists it ("name:
# argument", one per line); listed mutants are not run unless named with --only.
#
# Limits (env): MUT_FUZZ_SECONDS (20; quick 5) per fuzz target, MUT_FUZZ_RUNS (10000000),
# MUT_STRESS_DURATION (10s; quick 3s), MUT_UNIT_TIMEOUT (300 s), MUT_CORPUS_TIMEOUT (300 s),
# MUT_JOBS (2), MUT_FUZZ_ASAN_OPTIONS (abort_on_error=1:detect_leaks=1).
# MUT_BASELINE_SKIP="corpus-plain unit ...": detectors the caller has just run on the
# unmodified tree itself (the gate's ctest runs the corpus and unit labels of the same
# builds), left out of the false-alarm check.
#
# Exit: 0 every mutant killed (or argued equivalent) and no false alarm; 1 a survivor, a
# false alarm, or an EQUIVALENT mutant that was killed; 2 usage or setup error (no build,
# a mutant that no longer applies).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,/^# How:/p' "$0" | sed '$d'; }
quick=0 only="" list=0 no_mutants=0 no_baseline=0 from_empty=0 in_place=0
fe_jobs=${MUT_FROM_EMPTY_JOBS:-1}
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --only) [ $# -ge 2 ] || { echo "mutation.sh: --only needs a NAME" >&2; exit 2; }
            only=$2; shift ;;
    --only=*) only=${1#--only=} ;;
    --list) list=1 ;;
    --no-mutants) no_mutants=1 ;;
    --no-baseline) no_baseline=1 ;;
    --in-place) in_place=1 ;;
    --from-empty) from_empty=1 ;;
    --jobs) [ $# -ge 2 ] || { echo "mutation.sh: --jobs needs a number" >&2; exit 2; }
            fe_jobs=$2; shift ;;
    --jobs=*) fe_jobs=${1#--jobs=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mutation.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case $fe_jobs in '' | *[!0-9]* | 0) echo "mutation.sh: --jobs wants a positive number, not '$fe_jobs'" >&2; exit 2 ;; esac

MUTANTS_DIR=$RUNQ_ROOT/ci/mutants
GO_MUTANTS_DIR=$RUNQ_ROOT/ci/go-mutants
EQUIV_FILE=$MUTANTS_DIR/EQUIVALENT

# ---- the mutants and the EQUIVALENT list ---------------------------------------------------
mutant_names() {
  local f
  for f in "$MUTANTS_DIR"/*.patch; do
    [ -f "$f" ] && basename "$f" .patch
  done
}
go_mutant_names() { # the Go-side mutants (patches of a Go tree's proc.go)
  local f
  for f in "$GO_MUTANTS_DIR"/*.patch; do
    [ -f "$f" ] && basename "$f" .patch
  done
}
is_go_mutant() { [ ! -f "$MUTANTS_DIR/$1.patch" ] && [ -f "$GO_MUTANTS_DIR/$1.patch" ]; }
patch_of() { # patch_of NAME: the mutant's patch file
  if is_go_mutant "$1"; then echo "$GO_MUTANTS_DIR/$1.patch"; else echo "$MUTANTS_DIR/$1.patch"; fi
}
# equivalent_argument NAME: prints the argument if NAME is listed, else fails.
equivalent_argument() {
  [ -f "$EQUIV_FILE" ] || return 1
  local line
  line=$(grep -E "^$1:" "$EQUIV_FILE" | head -n 1) || return 1
  [ -n "$line" ] || return 1
  printf '%s\n' "${line#*:}" | sed 's/^ *//'
}
# header_field NAME FIELD: "FIELD: ..." in the mutant's header, continuation lines joined.
header_field() {
  awk -v f="$2" '/^--- /{exit}
    on && /^  / {sub(/^ +/, ""); v = v " " $0; next}
    {on = 0}
    !done && index($0, f ": ") == 1 {v = substr($0, length(f) + 3); on = 1; done = 1}
    END {print v}' "$(patch_of "$1")"
}

# mutant_version NAME: the Go version of the port the patch changes (1.19 or master), or
# go-tree for a Go-side mutant (a patch of proc.go itself).
mutant_version() {
  if is_go_mutant "$1"; then echo go-tree; return; fi
  if grep -q '^+++ b/queue/runq_master.c' "$MUTANTS_DIR/$1.patch"; then echo master; else echo 1.19; fi
}

# expect_of NAME: what the header says should kill the mutant.
expect_of() {
  local e
  e=$(header_field "$1" 'Expected killer')
  [ -n "$e" ] || e=$(header_field "$1" 'Expected catch')
  printf '%s\n' "${e:-(not stated)}"
}

if [ $list = 1 ]; then
  for m in $(mutant_names) $(go_mutant_names); do
    eq=""
    equivalent_argument "$m" >/dev/null && eq="  [EQUIVALENT]"
    kind=$(header_field "$m" Kind)
    [ -n "$kind" ] || kind=$(header_field "$m" Bug)
    [ -n "$kind" ] || kind=$(sed -n '1s/^[^:]*: *//p' "$(patch_of "$m")")
    printf '%s  [%s]  -  %s%s\n' "$m" "$(mutant_version "$m" | sed 's/^go-tree$/Go-side: a Go tree'"'"'s proc.go/; s/^[0-9m]/go &/')" "$kind" "$eq"
    expect_of "$m" | fold -s -w 86 | sed 's/^/    expect: /; 2,$s/^    expect:/           /'
  done
  exit 0
fi

if [ -n "$only" ] && [ ! -f "$MUTANTS_DIR/$only.patch" ] && [ ! -f "$GO_MUTANTS_DIR/$only.patch" ]; then
  echo "mutation.sh: no mutant '$only' (ci/mutants/$only.patch or ci/go-mutants/$only.patch); try --list" >&2
  exit 2
fi

need_tools
command -v patch >/dev/null || { echo "!!! missing: patch. Run as root: apt-get install -y patch" >&2; exit 2; }
command -v git >/dev/null || { echo "!!! missing: git" >&2; exit 2; }

if [ $quick = 1 ]; then
  FUZZ_SECONDS=${MUT_FUZZ_SECONDS:-5}
  STRESS_DURATION=${MUT_STRESS_DURATION:-3s}
else
  FUZZ_SECONDS=${MUT_FUZZ_SECONDS:-20}
  STRESS_DURATION=${MUT_STRESS_DURATION:-10s}
fi
FUZZ_RUNS=${MUT_FUZZ_RUNS:-10000000}
UNIT_TIMEOUT=${MUT_UNIT_TIMEOUT:-300}
CORPUS_TIMEOUT=${MUT_CORPUS_TIMEOUT:-300}
JOBS=${MUT_JOBS:-2}
FUZZ_TARGETS="fuzz_runq_sched fuzz_runq_model"

SCRATCH=${RUNQ_MUTATION_SCRATCH:-/tmp/runq-mutation.$(id -u)}
STATE=$SCRATCH # the lock, the pristine copies of a mutant's files, fuzz work dirs
if [ $in_place = 1 ]; then
  SCRATCH=$RUNQ_ROOT
  STATE=$RUNQ_ROOT/build/.mutation
fi
OUT=${RUNQ_MUTATION_OUT:-$RUNQ_ROOT/out/mutation}
LOGS=$OUT/logs

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# The fuzz preset's own ASan options (CMakePresets.json): detect_stack_use_after_return=1
# makes the fiber-switching fuzz targets grow ~1 MB per input until libFuzzer's rss limit.
FUZZ_ASAN_OPTIONS=${MUT_FUZZ_ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0}

now_ms() { date +%s%3N; }
secs() { # secs MS -> "12.3"
  local ms=$1
  printf '%d.%d' $((ms / 1000)) $(((ms % 1000) / 100))
}
note() { printf '   %s\n' "$*"; }

# ---- scratch copy (one per scratch dir at a time) ------------------------------------------
mkdir -p "$SCRATCH" "$STATE" "$LOGS" || { echo "!!! cannot create $STATE or $LOGS" >&2; exit 2; }
exec 9>"$STATE/.lock"
flock -n 9 || { echo "!!! another mutation.sh is using $SCRATCH (set RUNQ_MUTATION_SCRATCH)" >&2; exit 2; }
PRISTINE=$STATE/.mutation-pristine
rm -rf "$LOGS"
mkdir -p "$LOGS"

t_total=$(now_ms)
if [ $in_place = 1 ]; then
  echo "== mutation check: tree $RUNQ_ROOT, in place"
else
  echo "== mutation check: tree $RUNQ_ROOT -> scratch $SCRATCH"
fi
echo "   limits: fuzz ${FUZZ_SECONDS}s/target, stress $STRESS_DURATION, unit ${UNIT_TIMEOUT}s, corpus ${CORPUS_TIMEOUT}s, jobs $JOBS"

# sync_tree: make SCRATCH hold exactly the tree's files. Files whose content is unchanged
# keep their time stamps, so the builds in SCRATCH/build stay incremental; every changed
# file is rewritten (newer than any object built from an older version).
sync_tree() {
  local list=$SCRATCH/.mutation-files new=$SCRATCH/.mutation-files.new f n=0
  (cd "$RUNQ_ROOT" && git ls-files -co --exclude-standard) | sort -u >"$new" || return 1
  while IFS= read -r f; do
    [ -f "$RUNQ_ROOT/$f" ] || continue
    if ! cmp -s "$RUNQ_ROOT/$f" "$SCRATCH/$f"; then
      mkdir -p "$SCRATCH/$(dirname "$f")" && cp "$RUNQ_ROOT/$f" "$SCRATCH/$f" || return 1
      n=$((n + 1))
    fi
  done <"$new"
  if [ -f "$list" ]; then # files gone from the tree since the last run
    comm -23 "$list" "$new" | while IFS= read -r f; do rm -f "$SCRATCH/$f"; done
  fi
  mv "$new" "$list"
  echo "   scratch: $n file(s) updated"
}
# recover_pristine: a run killed outright (no trap) left a mutant applied; its pristine
# copies are still in PRISTINE. Put them back before anything else reads the tree.
recover_pristine() {
  [ -d "$PRISTINE" ] || return 0
  local f
  while IFS= read -r f; do
    f=${f#"$PRISTINE"/}
    if ! cmp -s "$PRISTINE/$f" "$SCRATCH/$f"; then
      echo "   !!! an earlier run was killed with a mutant applied: restoring $f"
      cp "$PRISTINE/$f" "$SCRATCH/$f" || return 1
    fi
  done < <(find "$PRISTINE" -type f)
}
t0=$(now_ms)
recover_pristine || { echo "!!! could not restore $PRISTINE into $SCRATCH" >&2; exit 2; }
if [ $in_place = 0 ]; then
  sync_tree || { echo "!!! could not copy the tree into $SCRATCH" >&2; exit 2; }
else
  echo "   no scratch copy: mutants patch the tree and rebuild its own build/<preset>"
fi
rm -rf "$PRISTINE" "$STATE/.mutation-fuzz"

# ---- applying and reverting a mutant -------------------------------------------------------
APPLIED=""           # name of the mutant currently applied in SCRATCH
APPLIED_FILES=()     # the files it touches (paths relative to SCRATCH)
patch_files() { sed -n 's/^+++ b\/\([^[:space:]]*\).*/\1/p' "$1" | sort -u; }

restore_pristine() {
  local f
  for f in "${APPLIED_FILES[@]}"; do
    if [ -f "$PRISTINE/$f" ]; then
      cmp -s "$PRISTINE/$f" "$SCRATCH/$f" ||
        cp "$PRISTINE/$f" "$SCRATCH/$f"
    fi
  done
}
apply_mutant() {
  local m=$1 pf=$MUTANTS_DIR/$1.patch f
  mapfile -t APPLIED_FILES < <(patch_files "$pf")
  [ ${#APPLIED_FILES[@]} -gt 0 ] || return 1
  rm -rf "$PRISTINE"
  for f in "${APPLIED_FILES[@]}"; do
    mkdir -p "$PRISTINE/$(dirname "$f")"
    cp -p "$SCRATCH/$f" "$PRISTINE/$f" || return 1
  done
  patch -d "$SCRATCH" -p1 --dry-run -s -f <"$pf" >/dev/null 2>&1 || return 1
  APPLIED=$m
  patch -d "$SCRATCH" -p1 -s -f --no-backup-if-mismatch -r - <"$pf" >/dev/null 2>&1 || return 1
}
revert_mutant() {
  [ -n "$APPLIED" ] || return 0
  patch -d "$SCRATCH" -p1 -R -s -f --no-backup-if-mismatch -r - \
    <"$MUTANTS_DIR/$APPLIED.patch" >/dev/null 2>&1
  restore_pristine # whatever patch -R did, the files are now byte-identical to the tree's
  rm -rf "$PRISTINE" # restored: nothing for a later run to recover
  APPLIED=""
}
FE_PIDS=() # --from-empty --jobs: the seeds' subshells
exec 7>&1 # the script's own stdout: a trap runs inside whatever redirection was active
on_signal() {
  echo >&7
  echo "!!! interrupted: restoring the scratch tree ($SCRATCH)" >&7
  if [ -n "${RUN_PID:-}" ]; then
    kill -TERM "$RUN_PID" 2>/dev/null
    wait "$RUN_PID" 2>/dev/null
  fi
  local p
  for p in "${FE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${FE_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  revert_mutant
  exit 130
}
trap on_signal INT TERM HUP
trap revert_mutant EXIT

# ---- builds --------------------------------------------------------------------------------
declare -A PRESET_OK=()     # preset -> 1 configured and built once, 0 failed
PRESET_REPORT=()            # "preset|result|seconds" for result.json
BUILD_MS=0                  # build time spent for the current mutant
declare -A ENSURED=()       # preset -> programs ensure_built brought up to date ("all": all)

# configure_preset NAME: configure + full build of NAME in SCRATCH (once per run).
configure_preset() { # configure_preset PRESET [TARGET...]: build all, or just those targets
  local p=$1 log=$LOGS/build-$1.log t=$(now_ms) rc=0 targets=()
  shift
  [ $# -gt 0 ] && targets=(--target "$@")
  printf '== build %-22s ' "$p"
  {
    (cd "$SCRATCH" && cmake --preset "$p") &&
      cmake --build "$SCRATCH/build/$p" -j "$JOBS" "${targets[@]}"
  } >"$log" 2>&1 || rc=$?
  local ms=$(($(now_ms) - t))
  if [ $rc = 0 ]; then
    PRESET_OK[$p]=1
    printf 'ok    %6ss\n' "$(secs $ms)"
    PRESET_REPORT+=("$p|ok|$(secs $ms)")
  else
    PRESET_OK[$p]=0
    printf 'FAIL  %6ss   (log: %s) - detectors of this preset are skipped\n' "$(secs $ms)" "$log"
    tail -n 15 "$log" | sed 's/^/    | /'
    PRESET_REPORT+=("$p|failed|$(secs $ms)")
  fi
}
# ensure_built PRESET [PROGRAM...]: bring the programs a detector runs (paths relative to
# build/PRESET, e.g. bin/runq-replay) up to date with the current source state; ninja
# rebuilds only what changed. Only those programs: other targets may patch queue/runq.c
# themselves (the "teeth" builds apply ci/mutants/*.patch) and cannot build on a mutant.
ensure_built() {
  local p=$1
  shift
  [ "${PRESET_OK[$p]:-0}" = 1 ] || return 1
  local t=$(now_ms) log=$LOGS/${APPLIED:-baseline}/build-$p.log targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  ENSURED[$p]="${ENSURED[$p]:-} ${*:-all}" # what --in-place rebuilds at the end
  mkdir -p "$(dirname "$log")"
  if ! cmake --build "$SCRATCH/build/$p" -j "$JOBS" "${targets[@]}" >>"$log" 2>&1; then
    BUILD_MS=$((BUILD_MS + $(now_ms) - t))
    echo "   !!! rebuild of $p failed with ${APPLIED:-the unmodified port} (log: $log)"
    grep -E 'error|FAILED' "$log" | head -n 8 | sed 's/^/    | /'
    return 2
  fi
  BUILD_MS=$((BUILD_MS + $(now_ms) - t))
}

# ---- detectors -----------------------------------------------------------------------------
# Each detector: det_<name> LOG -> 0 passed, 1 found a failure, 3 not applicable (skipped),
# 2 the detector itself failed (usage/setup). DET_NOTE explains a skip or an error.
ALL_DETECTORS="corpus-plain corpus corpus-tsan unit fuzz stress stress-tsan determinism"
DETECTORS=${MUT_DETECTORS:-$ALL_DETECTORS}
for d in $DETECTORS; do
  case " $ALL_DETECTORS " in *" $d "*) ;; *) echo "mutation.sh: MUT_DETECTORS: unknown detector '$d'" >&2; exit 2 ;; esac
done
# A Go-side mutant alone (--only) needs none of the port's detectors, nor their builds.
if [ -n "$only" ] && is_go_mutant "$only"; then DETECTORS=""; fi
DET_NOTE=""
ctest_count() { # ctest_count BUILDDIR LABEL -> number of tests with that label
  ctest --test-dir "$1" -N -L "$2" 2>/dev/null | sed -n 's/^Total Tests: *//p'
}
# run_limited SECONDS CMD...: a hard wall-clock limit. timeout(1) puts CMD in its own
# process group and signals the whole group; it runs in the background so that an
# interrupt of this script is handled at once (on_signal stops it by its pid).
RUN_PID=""
# ctest_programs BUILDDIR LABEL: the programs under BUILDDIR that the label's tests run
# (from ctest's JSON test list), relative to BUILDDIR, one per line.
ctest_programs() { # ctest_programs BUILDDIR LABEL [ctest args...]
  local b=$1 l=$2
  shift 2
  ctest --test-dir "$b" -L "$l" "$@" --show-only=json-v1 2>/dev/null | ctest_programs_of_json "$b"
}
# ctest_programs_of_json BUILDDIR: the same, from ctest's JSON test list on stdin.
ctest_programs_of_json() {
  python3 -c '
import json, os, sys
b = os.path.realpath(sys.argv[1])
out = set()
for t in json.load(sys.stdin).get("tests", []):
    for arg in t.get("command") or []:
        for w in arg.split():
            w = w.strip("\"\x27;")
            if os.path.isabs(w):
                p = os.path.realpath(w)
                if p.startswith(b + os.sep) and os.path.isfile(p) and os.access(p, os.X_OK):
                    out.add(os.path.relpath(p, b))
print("\n".join(sorted(out)))' "$1"
}
run_limited() {
  local lim=$1 rc=0
  shift
  timeout -k 10 "$lim" "$@" &
  RUN_PID=$!
  wait "$RUN_PID" || rc=$?
  RUN_PID=""
  return $rc
}
# ctest_failed LOG RC: 0 if ctest's exit RC and LOG show a failing test (the mutant is
# killed), 1 if every test passed, 2 if ctest failed without a failing test (DET_NOTE).
ctest_failed() {
  case $2 in
    0) return 1 ;;
    124 | 137) echo "!!! detector wall-clock limit hit (timeout)" >>"$1"; return 0 ;;
    *) grep -qE 'tests failed out of|\*\*\*Failed|\*\*\*Timeout|\*\*\*Exception|Subprocess aborted' "$1" &&
         return 0
       DET_NOTE="ctest exited $2 without a failing test"
       return 2 ;;
  esac
}
# A mutant's header may name the tests that should kill it ("Kill-test: REGEX", a ctest
# -R regex). det_ctest runs those of the label first; if they pass, it runs the whole
# label as for any mutant. The hint only orders the work: the verdict and the invariant
# are those the full label would give, a wrong hint costs one extra ctest call, and the
# detectors stay blind to it (the patches are the same).
CUR_MUTANT=""
declare -A CT_COUNT=() CT_PROGS=() # det_ctest's cache: "BUILDDIR|LABEL|part" -> count, programs
det_ctest() { # det_ctest PRESET LABEL TIMEOUT LOG
  local p=$1 label=$2 lim=$3 log=$4 b=$SCRATCH/build/$1
  [ "${PRESET_OK[$p]:-0}" = 1 ] || { DET_NOTE="preset $p not built"; return 3; }
  local n
  [ -n "${CT_COUNT[$b|$label]+set}" ] || CT_COUNT[$b|$label]=$(ctest_count "$b" "$label")
  n=${CT_COUNT[$b|$label]}
  [ "${n:-0}" -gt 0 ] || { DET_NOTE="no ctest label '$label' in build/$p"; return 3; }
  : >"$log"
  local hint=""
  [ -n "$CUR_MUTANT" ] && hint=$(header_field "$CUR_MUTANT" 'Kill-test')
  if [ -n "$hint" ] && [ "$(ctest --test-dir "$b" -N -L "$label" -R "$hint" 2>/dev/null |
    sed -n 's/^Total Tests: *//p')" -gt 0 ] 2>/dev/null; then
    local hprogs=() hrc=0
    mapfile -t hprogs < <(ctest --test-dir "$b" -L "$label" -R "$hint" --show-only=json-v1 2>/dev/null |
      ctest_programs_of_json "$b" | grep .)
    # (a test that runs only a script needs no build)
    if [ ${#hprogs[@]} -gt 0 ]; then
      ensure_built "$p" "${hprogs[@]}" || { DET_NOTE="build failed"; return 2; }
    fi
    run_limited "$((lim + 30))" ctest --test-dir "$b" -L "$label" -R "$hint" -j "$JOBS" \
      --output-on-failure --stop-on-failure --timeout "$lim" >"$log" 2>&1 || hrc=$?
    ctest_failed "$log" "$hrc"
    case $? in 0) return 1 ;; 2) return 2 ;; esac
  fi
  # In two parts: first the label's tests that run this tree's programs (-LE teeth), which
  # kill nearly every mutant without rebuilding the teeth programs (each built on another
  # planted bug); then, for a survivor, the label's teeth tests (a repeated -L: both).
  local part sel=() progs=() rc key
  for part in plain teeth; do
    if [ $part = plain ]; then sel=(-L "$label" -LE teeth); else sel=(-L "$label" -L teeth); fi
    # The tests and their programs do not change from mutant to mutant: asked once.
    key="$b|$label|$part"
    if [ -z "${CT_PROGS[$key]+set}" ]; then
      CT_COUNT[$key]=$(ctest --test-dir "$b" -N "${sel[@]}" 2>/dev/null | sed -n 's/^Total Tests: *//p')
      CT_PROGS[$key]=$(ctest_programs "$b" "${sel[@]:1}" | grep .)
    fi
    [ "${CT_COUNT[$key]:-0}" -gt 0 ] 2>/dev/null || continue
    mapfile -t progs < <(printf '%s\n' "${CT_PROGS[$key]}" | grep .)
    if [ ${#progs[@]} -gt 0 ]; then
      ensure_built "$p" "${progs[@]}" || { DET_NOTE="build failed"; return 2; }
    fi
    # No cost data: ctest then runs the tests in the order they are declared (small
    # capacities first) instead of the slowest first, so a mutant dies sooner.
    rm -f "$b/Testing/Temporary/CTestCostData.txt"
    rc=0
    run_limited "$((lim + 30))" ctest --test-dir "$b" "${sel[@]}" -j "$JOBS" --output-on-failure \
      --stop-on-failure --timeout "$lim" >>"$log" 2>&1 || rc=$?
    ctest_failed "$log" "$rc"
    case $? in 0) return 1 ;; 2) return 2 ;; esac
  done
  return 0
}
det_unit() { det_ctest asan unit "$UNIT_TIMEOUT" "$1"; }
det_corpus() { det_ctest asan corpus "$CORPUS_TIMEOUT" "$1"; }
det_corpus_plain() { det_ctest default corpus "$CORPUS_TIMEOUT" "$1"; }
det_corpus_tsan() { det_ctest tsan corpus "$CORPUS_TIMEOUT" "$1"; }

det_fuzz() {
  local log=$1 b=$SCRATCH/build/fuzz t any=0
  [ "${PRESET_OK[fuzz]:-0}" = 1 ] || { DET_NOTE="preset fuzz not built"; return 3; }
  for t in $FUZZ_TARGETS; do [ -x "$b/bin/$t" ] && any=1; done
  [ $any = 1 ] || { DET_NOTE="no fuzz target in build/fuzz/bin"; return 3; }
  local progs=()
  for t in $FUZZ_TARGETS; do [ -x "$b/bin/$t" ] && progs+=("bin/$t"); done
  ensure_built fuzz "${progs[@]}" || { DET_NOTE="build failed"; return 2; }
  : >"$log"
  for t in $FUZZ_TARGETS; do
    [ -x "$b/bin/$t" ] || continue
    local w=$STATE/.mutation-fuzz/${APPLIED:-baseline}/$t
    rm -rf "$w"
    mkdir -p "$w/corpus" "$w/artifacts"
    local seeds=()
    [ -d "$SCRATCH/corpus/$t" ] && seeds=("$SCRATCH/corpus/$t")
    local flags=()
    mapfile -t flags < <(fuzz_option_args "$t")
    echo "=== $t" >>"$log"
    local rc=0
    ASAN_OPTIONS=$FUZZ_ASAN_OPTIONS \
      run_limited "$((FUZZ_SECONDS + 60))" "$b/bin/$t" "$w/corpus" "${seeds[@]}" \
      -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_SECONDS" -seed=1 \
      -artifact_prefix="$w/artifacts/" -print_final_stats=1 "${flags[@]}" >>"$log" 2>&1 || rc=$?
    if [ $rc != 0 ]; then
      case $rc in 124 | 137) echo "!!! detector wall-clock limit hit (timeout)" >>"$log" ;; esac
      echo "fuzz target: $t" >>"$log"
      ls "$w/artifacts" 2>/dev/null | sed "s|^|artifact: $w/artifacts/|" >>"$log"
      return 1
    fi
  done
  return 0
}
det_stress_in() { # det_stress_in PRESET LOG
  local p=$1 log=$2 b=$SCRATCH/build/$1
  [ "${PRESET_OK[$p]:-0}" = 1 ] || { DET_NOTE="preset $p not built"; return 3; }
  [ -x "$b/bin/runq-torture" ] || { DET_NOTE="no bin/runq-torture in build/$p"; return 3; }
  ensure_built "$p" bin/runq-torture || { DET_NOTE="build failed"; return 2; }
  local d=${STRESS_DURATION%s} rc=0
  case $d in *[!0-9]*) d=60 ;; esac # 10m etc.: the binary enforces it; this is only a backstop
  run_limited "$((d + 60))" "$b/bin/runq-torture" --duration "$STRESS_DURATION" --seed 1 \
    >"$log" 2>&1 || rc=$?
  case $rc in
    0) return 0 ;;
    1) return 1 ;;
    124 | 137) echo "!!! detector wall-clock limit hit (timeout)" >>"$log"; return 1 ;;
    2) DET_NOTE="runq-torture exit 2 (usage)"; return 2 ;;
    *) return 1 ;; # killed by a signal (abort, sanitizer): a failure
  esac
}
# determinism: the corpus's traces, byte for byte, in the gcc and clang builds
# (ci/trace_determinism.sh, every 3rd file): a trace that depends on the compiler
# (evaluation order, an uninitialised byte) differs between the two.
det_determinism() {
  local log=$1 p
  for p in default asan; do
    [ "${PRESET_OK[$p]:-0}" = 1 ] || { DET_NOTE="preset $p not built"; return 3; }
  done
  for p in default asan; do ensure_built "$p" bin/runq-replay || { DET_NOTE="build failed"; return 2; }; done
  local rc=0
  # Every 10th file: the clang build is the asan one, 3-5 times slower than a plain build.
  run_limited "$CORPUS_TIMEOUT" "$SCRATCH/ci/trace_determinism.sh" --every 10 default asan >"$log" 2>&1 || rc=$?
  case $rc in
    0) return 0 ;;
    1) return 1 ;;
    *) DET_NOTE="trace_determinism.sh exited $rc"; return 2 ;;
  esac
}
det_stress() { det_stress_in asan "$1"; }

# ---- the Go-side mutants' detector: ci/check-go-tree.sh --quick on a copy of Go's proc.go ----
GO_PROC="" GO_WORK=$STATE/.mutation-go
go_tree_ok() { # sets GO_PROC, or DET_NOTE and fails
  [ "${MUT_GO_MUTANTS:-1}" != 0 ] || { DET_NOTE="MUT_GO_MUTANTS=0"; return 1; }
  command -v go >/dev/null || { DET_NOTE="no Go tree: apt-get install golang-go"; return 1; }
  GO_PROC=$(go env GOROOT 2>/dev/null)/src/runtime/proc.go
  [ -f "$GO_PROC" ] || { DET_NOTE="no $GO_PROC"; return 1; }
}
# det_go_tree LOG [NAME]: the installed Go's proc.go (with ci/go-mutants/NAME.patch applied)
# through check-go-tree --quick. One copy and one build dir for all: each run rebuilds only
# the imported port.
det_go_tree() {
  local log=$1 m=${2:-} rc=0
  go_tree_ok || return 3
  mkdir -p "$GO_WORK" "$(dirname "$log")" || { DET_NOTE="cannot create $GO_WORK"; return 2; }
  rm -f "$GO_WORK/proc.go" "$GO_WORK/proc.go.rej"
  if [ -n "$m" ]; then
    patch -s -f -o "$GO_WORK/proc.go" "$GO_PROC" "$GO_MUTANTS_DIR/$m.patch" >"$log" 2>&1 ||
      { DET_NOTE="ci/go-mutants/$m.patch does not apply to $GO_PROC"; return 2; }
  else
    cp "$GO_PROC" "$GO_WORK/proc.go" && : >"$log" || { DET_NOTE="cannot copy $GO_PROC"; return 2; }
  fi
  run_limited 900 "$SCRATCH/ci/check-go-tree.sh" --quick --build-dir "$GO_WORK/build" \
    "$GO_WORK/proc.go" >>"$log" 2>&1 || rc=$?
  case $rc in
    0) return 0 ;;
    1) return 1 ;;
    124 | 137) echo "!!! detector wall-clock limit hit (timeout)" >>"$log"; return 1 ;;
    *) DET_NOTE="check-go-tree exited $rc (log: $log)"; return 2 ;;
  esac
}
# go_tree_build_ms LOG: the build step's milliseconds in check-go-tree's table.
go_tree_build_ms() {
  awk '$1 == "build" && $2 ~ /^(pass|FAIL)$/ {split($3, a, "."); print a[1] * 1000 + a[2] * 100; exit}' "$1"
}
det_stress_tsan() { det_stress_in tsan "$1"; }

# invariant_of DETECTOR LOG: the stable id of the failure recorded in LOG.
invariant_of() {
  local d=$1 log=$2 v
  if [ "$d" = unit ]; then
    v=$(sed -n 's/^FAIL \([^[:space:]]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$v" ] && { echo "unit.$v"; return; }
  fi
  # (an id is letters, digits, '-', '_' and '.'; a sentence's comma or full stop after it
  # is not part of it)
  v=$(grep -o 'invariant=[A-Za-z0-9_.-]*' "$log" | head -n 1 | sed 's/\.*$//')
  [ -n "$v" ] && { echo "${v#invariant=}"; return; }
  if grep -q 'WARNING: ThreadSanitizer' "$log"; then echo tsan-race
  elif grep -q 'ERROR: LeakSanitizer' "$log"; then echo lsan-leak
  elif grep -q 'ERROR: AddressSanitizer' "$log"; then echo asan-error
  elif grep -q 'runtime error:' "$log"; then echo ubsan
  elif grep -q '^runq: ' "$log"; then echo throw
  elif grep -qE 'detector wall-clock limit hit|\*\*\*Timeout|ERROR: libFuzzer: timeout' "$log"; then echo timeout
  elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then echo oom
  elif grep -q 'ERROR: libFuzzer: deadly signal' "$log"; then echo deadly-signal
  else
    # A test that names no invariant (a script's check, a regex ctest did not find): the
    # failing ctest test is the most exact name there is.
    v=$(sed -n '/^The following tests FAILED:/,$s/^[[:space:]]*[0-9][0-9]* - \([^[:space:]]*\) (.*/\1/p' "$log" | head -n 1)
    case $d:$v in
      *:) echo unknown ;;
      unit:unit.*) echo "$v" ;;
      unit:*) echo "unit.$v" ;;
      *) echo "ctest.$v" ;;
    esac
  fi
}
reproduce_of() { grep -m 1 -E '^ *reproduce: ' "$1" | sed 's/^ *reproduce: //'; }

# ---- --from-empty: time to kill each mutant from an empty corpus ----------------------------
# run_from_empty TARGET SEED DIR: one fuzz run with no seed corpus; prints "MS RC EXECS"
# (EXECS: inputs run, the last one the killer if RC != 0; from -print_final_stats, which
# libFuzzer prints on a crash too, else the last "#N" status line).
run_from_empty() {
  local t=$1 seed=$2 w=$3 b=$SCRATCH/build/fuzz flags=() rc=0 execs
  rm -rf "$w"
  mkdir -p "$w/corpus" "$w/artifacts"
  mapfile -t flags < <(fuzz_option_args "$t")
  local t0
  t0=$(now_ms)
  ASAN_OPTIONS=$FUZZ_ASAN_OPTIONS \
    run_limited "$((FE_SECONDS + 60))" "$b/bin/$t" "$w/corpus" -seed="$seed" \
    -max_total_time="$FE_SECONDS" -runs="$FUZZ_RUNS" -artifact_prefix="$w/artifacts/" \
    -print_final_stats=1 "${flags[@]}" >"$w/log" 2>&1 || rc=$?
  local ms=$(($(now_ms) - t0))
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$w/log" | tail -n 1)
  [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$w/log" | tail -n 1)
  echo "$ms $rc ${execs:-?}"
}
# fe_seed M SEED RES: fuzz_runq_sched, then fuzz_runq_model if sched survived, from empty;
# writes "CELL<TAB>VALUE<TAB>EXECS<TAB>INVARIANT" to RES (VALUE ">N" and EXECS ">E" if
# every target survived; E the execs of the sched run).
fe_seed() {
  local m=$1 seed=$2 res=$3 t w ms rc ex val cell=">$FE_SECONDS" v=">$FE_SECONDS" x="" inv=""
  for t in $FUZZ_TARGETS; do
    w=$STATE/.mutation-fuzz/from-empty/$m/$t-$seed
    read -r ms rc ex < <(run_from_empty "$t" "$seed" "$w")
    [ -n "$x" ] || x=">$ex"
    if [ "$rc" != 0 ]; then
      val=$(printf '%d.%02d' $((ms / 1000)) $(((ms % 1000) / 10)))
      v=$val cell=$val x=$ex
      [ "$t" = fuzz_runq_sched ] || { cell="$val (model)"; x="$ex (model)"; }
      inv=$(invariant_of fuzz "$w/log")
      break
    fi
  done
  printf '%s\t%s\t%s\t%s\n' "$cell" "$v" "$x" "$inv" >"$res"
}
# median_max "S1 S2 ..." (seconds; ">N" survived, above any number): "MEDIAN MAX" (lower median).
median_max() {
  python3 - "$1" <<'PYEOF'
import sys
vals = sys.argv[1].split()
def key(v):
    try:
        return (1, float(v[1:])) if v.startswith(">") else (0, float(v))
    except ValueError:
        return (2, 0.0)  # "?": not known
s = sorted(vals, key=key)
print(s[(len(s) - 1) // 2], s[-1])
PYEOF
}
if [ $from_empty = 1 ] && [ -n "$only" ] && is_go_mutant "$only"; then
  echo "mutation.sh: --from-empty fuzzes the port's mutants (ci/mutants/), not $only (a Go-side mutant)" >&2
  exit 2
fi
if [ $from_empty = 1 ]; then
  FE_SECONDS=${MUT_FROM_EMPTY_SECONDS:-30}
  FE_SEEDS=${MUT_FROM_EMPTY_SEEDS:-1 2 3}
  FE_HOW="one process at a time"
  [ "$fe_jobs" = 1 ] || FE_HOW="$fe_jobs processes at a time (a mutant's seeds in parallel)"
  echo "== from an empty corpus: limit ${FE_SECONDS}s per run, seeds $FE_SEEDS, $FE_HOW"
  echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  configure_preset fuzz fuzz_runq_sched fuzz_runq_model # only what it runs
  [ "${PRESET_OK[fuzz]:-0}" = 1 ] || { echo "!!! the fuzz preset does not build" >&2; exit 2; }
  names=$(mutant_names)
  [ -n "$only" ] && names=$only
  FE_ROWS=()
  fe_rc=0
  for m in $names; do
    if [ -z "$only" ] && equivalent_argument "$m" >/dev/null; then continue; fi
    # The fuzz targets run the port: a mutant of the exporter, the drivers' rules, the
    # recorder, the explorer or the nightly is another detector's (its header says whose).
    if [ -z "$only" ] && ! grep -q '^+++ b/queue/' "$MUTANTS_DIR/$m.patch"; then
      FE_SKIPPED="${FE_SKIPPED:-}${FE_SKIPPED:+, }$m"
      continue
    fi
    printf '== %-36s' "$m"
    if ! apply_mutant "$m"; then
      revert_mutant
      echo " does not apply"
      FE_ROWS+=("| $m | stale | | | | | |")
      fe_rc=2
      continue
    fi
    if ! ensure_built fuzz bin/fuzz_runq_sched bin/fuzz_runq_model; then
      revert_mutant
      echo " does not build"
      FE_ROWS+=("| $m | error | | | | | |")
      fe_rc=2
      continue
    fi
    times="" cells="" invs="" xs="" xcells="" FE_PIDS=()
    mkdir -p "$STATE/.mutation-fuzz/from-empty/$m"
    for seed in $FE_SEEDS; do
      res=$STATE/.mutation-fuzz/from-empty/$m/seed-$seed.res
      rm -f "$res"
      if [ "$fe_jobs" = 1 ]; then
        fe_seed "$m" "$seed" "$res"
        continue
      fi
      while [ "$(jobs -rp | wc -l)" -ge "$fe_jobs" ]; do wait -n; done
      # a subshell per seed; on_signal stops it (and it stops its fuzz run)
      (
        trap - EXIT INT HUP
        trap 'if [ -n "$RUN_PID" ]; then kill -TERM "$RUN_PID" 2>/dev/null; wait "$RUN_PID"; fi; exit 143' TERM
        fe_seed "$m" "$seed" "$res"
      ) &
      FE_PIDS+=($!)
    done
    [ ${#FE_PIDS[@]} = 0 ] || wait "${FE_PIDS[@]}"
    FE_PIDS=()
    for seed in $FE_SEEDS; do
      res=$STATE/.mutation-fuzz/from-empty/$m/seed-$seed.res
      cell=">$FE_SECONDS" val=">$FE_SECONDS" ex="?" inv=""
      [ -f "$res" ] && IFS=$'\t' read -r cell val ex inv <"$res"
      if [ -n "$inv" ]; then
        case " $invs " in *" $inv "*) ;; *) invs="$invs $inv" ;; esac
      fi
      times="$times $val"
      cells="$cells | $cell"
      xs="$xs ${ex%% *}"
      xcells="$xcells | $ex"
      printf ' %s (%s)' "$cell" "$ex"
    done
    revert_mutant
    read -r med mx < <(median_max "$times")
    read -r xmed xmx < <(median_max "$xs")
    case $mx in ">"*) fe_rc=1 ;; esac
    echo "  median $med max $mx; execs median $xmed max $xmx"
    FE_ROWS+=("| $m$cells | $med | $mx |${invs:- -}$xcells | $xmed | $xmx |")
  done
  {
    echo
    echo "## Time to kill from an empty corpus"
    echo
    echo "fuzz_runq_sched (then fuzz_runq_model if sched survives), no seed corpus, limit ${FE_SECONDS}s per run, $FE_HOW; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores. Seconds of wall clock per libFuzzer seed, then executions to the kill (the killing input included; the same on any load); '>N' survived (for execs: the sched run's count)."
    echo
    hdr="| mutant" sep="| ---" xhdr="" xsep=""
    for seed in $FE_SEEDS; do
      hdr="$hdr | seed $seed" sep="$sep | ---"
      xhdr="$xhdr | execs seed $seed" xsep="$xsep | ---"
    done
    echo "$hdr | median | max | invariant$xhdr | execs median | execs max |"
    echo "$sep | --- | --- | ---$xsep | --- | --- |"
    printf '%s\n' "${FE_ROWS[@]}"
    if [ -n "${FE_SKIPPED:-}" ]; then
      echo
      echo "Not run (they patch no file under queue/, which is what the fuzz targets run): ${FE_SKIPPED}."
    fi
  } | tee "$OUT/from-empty.md"
  trap - EXIT
  echo "from-empty: exit $fe_rc (table: $OUT/from-empty.md)"
  exit $fe_rc
fi

# ---- baseline: the unmodified port must pass every detector ---------------------------------
t0=$(now_ms)
# Only the presets the chosen detectors use (MUT_DETECTORS="corpus-plain" builds one).
wants() { case " $DETECTORS " in *" $1 "*) return 0 ;; esac; return 1; }
wants corpus-plain && configure_preset default
if wants corpus || wants unit || wants stress; then
  configure_preset asan
  if [ "${PRESET_OK[asan]}" != 1 ]; then
    echo "!!! the asan preset does not build: nothing to check with (setup error)"
    exit 2
  fi
fi
if wants corpus-tsan || wants stress-tsan; then configure_preset tsan; fi
if wants determinism; then
  [ "${PRESET_OK[default]:-0}" = 1 ] || configure_preset default
  [ "${PRESET_OK[asan]:-0}" = 1 ] || configure_preset asan
fi
if wants fuzz; then
  if [ -f "$SCRATCH/fuzz/CMakeLists.txt" ]; then configure_preset fuzz fuzz_runq_sched fuzz_runq_model; else
    note "fuzz: not built (no fuzz/CMakeLists.txt yet)"; fi
fi

declare -A DET_BROKEN=()  # detector -> 1 if it raised a false alarm (not used on mutants)
BASE_REPORT=()            # "detector|status|seconds|invariant"
false_alarm=0
if [ $no_baseline = 0 ]; then
  echo "== false-alarm check: every detector on the unmodified port"
  for d in $DETECTORS; do
    case " ${MUT_BASELINE_SKIP:-} " in
      *" $d "*) printf '   %-12s skipped  (MUT_BASELINE_SKIP: the caller ran it on this tree)\n' "$d"
                BASE_REPORT+=("$d|skipped|0|"); continue ;;
    esac
    log=$LOGS/baseline/$d.log
    mkdir -p "$(dirname "$log")"
    DET_NOTE=""
    BUILD_MS=0
    t=$(now_ms)
    rc=0
    "det_${d//-/_}" "$log" || rc=$?
    ms=$(($(now_ms) - t - BUILD_MS))
    case $rc in
      0) printf '   %-12s pass     %6ss\n' "$d" "$(secs $ms)"; BASE_REPORT+=("$d|pass|$(secs $ms)|") ;;
      3) printf '   %-12s skipped  (%s)\n' "$d" "$DET_NOTE"; BASE_REPORT+=("$d|skipped|0|") ;;
      2) printf '   %-12s ERROR    (%s; log: %s)\n' "$d" "$DET_NOTE" "$log"
         BASE_REPORT+=("$d|error|$(secs $ms)|"); DET_BROKEN[$d]=1; false_alarm=1 ;;
      *) inv=$(invariant_of "$d" "$log")
         printf '   %-12s FALSE ALARM invariant=%s  %6ss  (log: %s)\n' "$d" "$inv" "$(secs $ms)" "$log"
         grep -m 8 -E '^!!!|^FAIL |^reproduce: |WARNING: ThreadSanitizer|ERROR: [A-Za-z]+Sanitizer' "$log" | sed 's/^/    | /'
         BASE_REPORT+=("$d|false-alarm|$(secs $ms)|$inv"); DET_BROKEN[$d]=1; false_alarm=1 ;;
    esac
  done
  # The Go-side mutants' detector, when they are to run: the unmodified proc.go passes.
  if [ $no_mutants = 0 ] && [ -n "$(go_mutant_names)" ] && { [ -z "$only" ] || is_go_mutant "$only"; }; then
    log=$LOGS/baseline/check-go-tree.log
    DET_NOTE=""
    t=$(now_ms)
    rc=0
    det_go_tree "$log" || rc=$?
    ms=$(($(now_ms) - t))
    case $rc in
      0) printf '   %-12s pass     %6ss\n' check-go-tree "$(secs $ms)"; BASE_REPORT+=("check-go-tree|pass|$(secs $ms)|") ;;
      3) printf '   %-12s skipped  (%s)\n' check-go-tree "$DET_NOTE"; BASE_REPORT+=("check-go-tree|skipped|0|") ;;
      2) printf '   %-12s ERROR    (%s)\n' check-go-tree "$DET_NOTE"
         BASE_REPORT+=("check-go-tree|error|$(secs $ms)|"); DET_BROKEN[check-go-tree]=1; false_alarm=1 ;;
      *) inv=$(invariant_of check-go-tree "$log")
         printf '   %-12s FALSE ALARM invariant=%s  %6ss  (log: %s)\n' check-go-tree "$inv" "$(secs $ms)" "$log"
         BASE_REPORT+=("check-go-tree|false-alarm|$(secs $ms)|$inv"); DET_BROKEN[check-go-tree]=1; false_alarm=1 ;;
    esac
  fi
  [ $false_alarm = 0 ] || echo "!!! the unmodified port fails a detector: false alarm (that detector is not used on mutants)"
fi

# ---- the mutants ---------------------------------------------------------------------------
ROWS=()   # "name|result|detector|invariant|seconds|build_s|reproduce|note"
n_killed=0 n_survived=0 n_equiv=0 n_stale=0 n_contradict=0
if [ $no_mutants = 0 ]; then
  names=$(mutant_names)
  [ -n "$only" ] && names=$only
  [ -n "$only" ] && is_go_mutant "$only" && names=""
  total=$(echo "$names" | wc -w)
  i=0
  for m in $names; do
    i=$((i + 1))
    eqarg=$(equivalent_argument "$m") && is_eq=1 || is_eq=0
    eqarg=${eqarg//|//}
    if [ $is_eq = 1 ] && [ -z "$only" ]; then
      printf '== [%d/%d] %-34s equivalent (not run): %s\n' "$i" "$total" "$m" "$eqarg"
      ROWS+=("$m|equivalent|-|-|-|-||$eqarg")
      n_equiv=$((n_equiv + 1))
      continue
    fi
    printf '== [%d/%d] %-34s\n' "$i" "$total" "$m"
    CUR_MUTANT=$m
    if ! apply_mutant "$m"; then
      revert_mutant
      echo "   !!! does not apply to the current tree: refresh ci/mutants/$m.patch"
      ROWS+=("$m|stale|-|-|-|-||does not apply")
      n_stale=$((n_stale + 1))
      continue
    fi
    BUILD_MS=0
    det_ms=0
    result=survived killer="-" inv="-" repro="" why=""
    # "Detector-first: NAME" in the header: that detector runs first for this mutant
    # (a bug only one detector can see; the others would each spend their time first).
    first=$(header_field "$m" 'Detector-first')
    order=$DETECTORS
    if [ -n "$first" ] && wants "$first"; then
      order=$first
      for d in $DETECTORS; do [ "$d" = "$first" ] || order="$order $d"; done
    fi
    for d in $order; do
      [ "${DET_BROKEN[$d]:-0}" = 1 ] && continue
      log=$LOGS/$m/$d.log
      mkdir -p "$(dirname "$log")"
      DET_NOTE=""
      b0=$BUILD_MS
      t=$(now_ms)
      rc=0
      "det_${d//-/_}" "$log" || rc=$?
      ms=$(($(now_ms) - t - (BUILD_MS - b0)))
      case $rc in
        0) det_ms=$((det_ms + ms)); printf '   %-12s survived %6ss\n' "$d" "$(secs $ms)" ;;
        3) : ;; # not applicable: noted in the baseline
        2) printf '   %-12s ERROR    (%s)\n' "$d" "$DET_NOTE"
           if [ "$DET_NOTE" = "build failed" ]; then result=error why="does not build"; break; fi ;;
        *) det_ms=$((det_ms + ms))
           inv=$(invariant_of "$d" "$log")
           repro=$(reproduce_of "$log") # valid in the scratch tree with the mutant applied
           printf '   %-12s KILLED   %6ss  invariant=%s\n' "$d" "$(secs $ms)" "$inv"
           result=killed killer=$d
           break ;;
      esac
    done
    revert_mutant
    build_s=$(secs $BUILD_MS)
    printf '   -> %s (detectors %ss, builds %ss)\n' "$result" "$(secs $det_ms)" "$build_s"
    case $result in
      killed)
        if [ $is_eq = 1 ]; then
          echo "   !!! listed in ci/mutants/EQUIVALENT but killed: the argument or the detector is wrong"
          n_contradict=$((n_contradict + 1))
          why="listed EQUIVALENT but killed"
        fi
        n_killed=$((n_killed + 1))
        ROWS+=("$m|killed|$killer|$inv|$(secs $det_ms)|$build_s|$repro|$why") ;;
      survived)
        if [ $is_eq = 1 ]; then
          n_equiv=$((n_equiv + 1))
          ROWS+=("$m|equivalent|-|-|-|$build_s||$eqarg")
        else
          n_survived=$((n_survived + 1))
          ROWS+=("$m|SURVIVED|-|-|$(secs $det_ms)|$build_s||")
        fi ;;
      error)
        n_stale=$((n_stale + 1))
        ROWS+=("$m|error|-|-|-|$build_s||$why") ;;
    esac
  done
fi

# ---- the Go-side mutants: a patched copy of Go's proc.go through ci/check-go-tree.sh --quick ----
if [ $no_mutants = 0 ]; then
  gnames=$(go_mutant_names)
  if [ -n "$only" ]; then
    gnames=""
    is_go_mutant "$only" && gnames=$only
  fi
  DET_NOTE=""
  if [ -z "$gnames" ]; then
    :
  elif ! go_tree_ok; then
    echo "== Go-side mutants (ci/go-mutants/): not run: $DET_NOTE"
  elif [ "${DET_BROKEN[check-go-tree]:-0}" = 1 ]; then
    echo "== Go-side mutants (ci/go-mutants/): not run: check-go-tree fails on the unmodified $GO_PROC"
  else
    echo "== Go-side mutants (ci/go-mutants/): ci/check-go-tree.sh --quick on a patched copy of $GO_PROC"
    for m in $gnames; do
      eqarg=$(equivalent_argument "$m") && is_eq=1 || is_eq=0
      eqarg=${eqarg//|//}
      if [ $is_eq = 1 ] && [ -z "$only" ]; then
        printf '== %-40s equivalent (not run): %s\n' "$m" "$eqarg"
        ROWS+=("$m|equivalent|-|-|-|-||$eqarg")
        n_equiv=$((n_equiv + 1))
        continue
      fi
      printf '== %-40s\n' "$m"
      log=$LOGS/$m/check-go-tree.log
      mkdir -p "$(dirname "$log")"
      DET_NOTE=""
      t=$(now_ms)
      rc=0
      det_go_tree "$log" "$m" || rc=$?
      ms=$(($(now_ms) - t))
      bms=$(go_tree_build_ms "$log")
      bms=${bms:-0}
      build_s=$(secs "$bms")
      kill_s=$(secs $((ms - bms)))
      case $rc in
        0)
          printf '   %-12s survived %6ss\n' check-go-tree "$kill_s"
          if [ $is_eq = 1 ]; then
            n_equiv=$((n_equiv + 1))
            ROWS+=("$m|equivalent|-|-|-|$build_s||$eqarg")
          else
            n_survived=$((n_survived + 1))
            ROWS+=("$m|SURVIVED|-|-|$kill_s|$build_s||")
          fi ;;
        1)
          inv=$(invariant_of check-go-tree "$log")
          printf '   %-12s KILLED   %6ss  invariant=%s\n' check-go-tree "$kill_s" "$inv"
          why=""
          if [ $is_eq = 1 ]; then
            echo "   !!! listed in ci/mutants/EQUIVALENT but killed: the argument or the detector is wrong"
            n_contradict=$((n_contradict + 1))
            why="listed EQUIVALENT but killed"
          fi
          n_killed=$((n_killed + 1))
          ROWS+=("$m|killed|check-go-tree|$inv|$kill_s|$build_s|$(reproduce_of "$log")|$why") ;;
        *)
          printf '   %-12s ERROR    (%s)\n' check-go-tree "$DET_NOTE"
          n_stale=$((n_stale + 1))
          ROWS+=("$m|error|-|-|-|$build_s||$DET_NOTE") ;;
      esac
    done
  fi
fi
trap - EXIT

# In place, the programs the detectors rebuilt still hold the last mutant: rebuild them
# from the unmodified tree (other programs were never rebuilt from a mutant: ninja only
# recompiles them at their next build, from the restored sources).
if [ $in_place = 1 ]; then
  t=$(now_ms)
  for p in "${!ENSURED[@]}"; do
    [ "${PRESET_OK[$p]:-0}" = 1 ] || continue
    targets=()
    case " ${ENSURED[$p]} " in
      *" all "*) ;; # a detector built the whole preset: rebuild it all
      *) mapfile -t targets < <(printf '%s\n' ${ENSURED[$p]} | sort -u)
         targets=(--target "${targets[@]}") ;;
    esac
    cmake --build "$SCRATCH/build/$p" -j "$JOBS" "${targets[@]}" >>"$LOGS/rebuild-unmodified.log" 2>&1 ||
      echo "!!! rebuilding build/$p from the unmodified tree failed (log: $LOGS/rebuild-unmodified.log)"
  done
  echo "== build/ rebuilt from the unmodified tree: $(secs $(($(now_ms) - t)))s"
fi

# ---- report --------------------------------------------------------------------------------
total_s=$(secs $(($(now_ms) - t_total)))
rc=0
[ $n_stale -gt 0 ] && rc=2
[ $n_survived -gt 0 ] || [ $false_alarm = 1 ] || [ $n_contradict -gt 0 ] && rc=1

table() {
  local r ver k n
  for ver in 1.19 master go-tree; do
    k=0 n=0
    for r in "${ROWS[@]}"; do
      IFS='|' read -r name res _ <<<"$r"
      [ "$(mutant_version "$name")" = "$ver" ] || continue
      n=$((n + 1))
      [ "$res" = killed ] && k=$((k + 1))
    done
    [ $n -gt 0 ] || continue
    if [ $ver = go-tree ]; then
      echo "### Go-side mutants (ci/go-mutants/: Go's proc.go patched, imported by tools/runq-import, gated by ci/check-go-tree.sh --quick): $k of $n killed"
    else
      echo "### Go $ver port (queue/$([ $ver = master ] && echo runq_master.c || echo runq.c)): $k of $n killed"
    fi
    echo
    echo "| mutant | result | detector | invariant | seconds to kill | build s |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for r in "${ROWS[@]}"; do
      IFS='|' read -r name res det inv s bs _repro why <<<"$r"
      [ "$(mutant_version "$name")" = "$ver" ] || continue
      [ "$res" = equivalent ] && inv="(EQUIVALENT)"
      [ -n "$why" ] && [ "$res" != equivalent ] && res="$res ($why)"
      echo "| $name | $res | $det | $inv | $s | $bs |"
    done
    echo
  done
}
json_str() { # a JSON string literal
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/ }
  s=${s//$'\n'/ }
  printf '"%s"' "$s"
}
{
  echo
  echo "## Mutation check"
  echo
  if [ $no_baseline = 1 ]; then
    echo "False-alarm check: skipped (--no-baseline)."
  elif [ $false_alarm = 1 ]; then
    echo "False-alarm check: **FAILED** (a detector fails on the unmodified port)."
  else
    echo "False-alarm check: no detector fails on the unmodified port."
  fi
  echo
  [ $no_mutants = 0 ] && table
  echo
  for r in "${ROWS[@]}"; do
    IFS='|' read -r name res _ _ _ _ _ why <<<"$r"
    [ "$res" = equivalent ] && echo "- $name is argued equivalent: $why"
  done
  echo "killed $n_killed, survived $n_survived, equivalent $n_equiv, stale/error $n_stale; total ${total_s}s"
} | tee "$OUT/table.md"

{
  echo "{"
  echo "  \"version\": 1,"
  echo "  \"port_sha1\": $(json_str "$(sha1sum "$RUNQ_ROOT/queue/runq.c" | cut -d' ' -f1)"),"
  echo "  \"port_master_sha1\": $(json_str "$(sha1sum "$RUNQ_ROOT/queue/runq_master.c" | cut -d' ' -f1)"),"
  echo "  \"quick\": $([ $quick = 1 ] && echo true || echo false),"
  echo "  \"limits\": {\"fuzz_seconds\": $FUZZ_SECONDS, \"fuzz_runs\": $FUZZ_RUNS, \"stress_duration\": $(json_str "$STRESS_DURATION"), \"unit_timeout\": $UNIT_TIMEOUT, \"corpus_timeout\": $CORPUS_TIMEOUT},"
  echo "  \"builds\": ["
  sep=""
  for r in "${PRESET_REPORT[@]}"; do
    IFS='|' read -r p res s <<<"$r"
    printf '%s    {"preset": %s, "result": %s, "seconds": %s}' "$sep" "$(json_str "$p")" "$(json_str "$res")" "$s"
    sep=$',\n'
  done
  echo
  echo "  ],"
  echo "  \"baseline\": {\"run\": $([ $no_baseline = 1 ] && echo false || echo true), \"false_alarm\": $([ $false_alarm = 1 ] && echo true || echo false), \"detectors\": ["
  sep=""
  for r in "${BASE_REPORT[@]}"; do
    IFS='|' read -r d st s inv <<<"$r"
    printf '%s    {"detector": %s, "result": %s, "seconds": %s, "invariant": %s}' "$sep" \
      "$(json_str "$d")" "$(json_str "$st")" "$s" "$(json_str "$inv")"
    sep=$',\n'
  done
  echo
  echo "  ]},"
  echo "  \"mutants\": ["
  sep=""
  for r in "${ROWS[@]}"; do
    IFS='|' read -r name res det inv s bs repro why <<<"$r"
    [ "$s" = "-" ] && s=null
    [ "$bs" = "-" ] && bs=null
    printf '%s    {"name": %s, "go_version": %s, "result": %s, "detector": %s, "invariant": %s, "seconds_to_kill": %s, "build_seconds": %s, "reproduce": %s, "detector_reproduce": %s, "note": %s, "log_dir": %s}' \
      "$sep" "$(json_str "$name")" "$(json_str "$(mutant_version "$name")")" "$(json_str "${res,,}")" "$(json_str "$det")" "$(json_str "$inv")" \
      "$s" "$bs" "$(json_str "ci/mutation.sh --no-baseline --only $name")" "$(json_str "$repro")" \
      "$(json_str "$why")" "$(json_str "$LOGS/$name")"
    sep=$',\n'
  done
  echo
  echo "  ],"
  echo "  \"summary\": {\"killed\": $n_killed, \"survived\": $n_survived, \"equivalent\": $n_equiv, \"stale_or_error\": $n_stale, \"equivalent_but_killed\": $n_contradict},"
  echo "  \"total_seconds\": $total_s,"
  echo "  \"exit\": $rc"
  echo "}"
} >"$OUT/result.json"

if [ $n_survived -gt 0 ]; then
  echo "!!! surviving mutants (not in ci/mutants/EQUIVALENT):"
  for r in "${ROWS[@]}"; do
    IFS='|' read -r name res _ <<<"$r"
    [ "$res" = SURVIVED ] && echo "!!!   $name: expected killer: $(expect_of "$name")"
  done
fi
echo "mutation: exit $rc (table: ${OUT#$RUNQ_ROOT/}/table.md, json: ${OUT#$RUNQ_ROOT/}/result.json, total ${total_s}s)"
exit $rc
