#!/usr/bin/env bash
# ci/nightly.sh - the nightly job: long fuzzing, corpus merge, crash triage, coverage,
# long stress, and a report in the morning.
#
#   ci/nightly.sh [--budget 10m|2h|90s] [--out DIR] [--jobs N]
#                 [--corpus-root DIR] [--crash-store DIR] [--stress-presets "tsan asan"]
#                 [--stress-prebuilt | --no-stress] [--history FILE] [--no-look]
#
#   --budget D        wall-clock target for the whole job (default 10m; 90, 90s, 10m, 2h,
#                     1h30m). Builds come out of it first; then 1/6 (30 s .. 15 min) is kept
#                     for merge, triage and coverage, and the rest is split: 3/4 fuzzing
#                     (sched/ASan 40%, model/ASan 25%, sched/TSan 35%), 1/4 stress (TSan
#                     and ASan halves) when runq-torture is there. Each run gets >= 10 s.
#   --out DIR         report directory (default out/nightly/<UTC stamp>, and the symlink
#                     out/nightly/latest points at it)
#   --jobs N          libFuzzer -fork=N (default: the number of cores)
#   --corpus-root DIR corpora to fuzz from and merge into (default corpus/)
#   --crash-store DIR where crashes are filed, by invariant (default out/crashes/)
#   --stress-presets "P..."  presets whose runq-torture runs the stress share (default
#                     "tsan asan"); --stress-prebuilt: use build/<P>/bin/runq-torture as it
#                     is (do not build those presets); --no-stress: skip stress
#   --history FILE    one line per night (JSON), appended, for the trend plots; outside the
#                     work tree so it survives fresh clones (default $RUNQ_NIGHTLY_HISTORY,
#                     else ${XDG_STATE_HOME:-~/.local/state}/runqtorture/nightly-history.jsonl)
#   --no-look         no swimlane pictures (ci/look.sh: ci/swimlane.py + headless Chromium)
#   --no-cflite       skip the ClusterFuzzLite check (ci/cflite_check.sh: .clusterfuzzlite/
#                     build.sh with OSS-Fuzz's address and undefined flags, each fuzzer run
#                     10 s from $OUT as the runner does; about 4 min, outside the budget)
#
# Steps: builds (fuzz, fuzz-tsan, coverage; asan+tsan runq-torture) -> libFuzzer -fork per
# target in the ASan build and fuzz_runq_sched in the TSan build -> stress -> merge
# (committed + new into a NEW directory, then swapped in) -> crashes (replayed, deduplicated
# by invariant, minimised keeping the invariant, filed with .trace and .repro) ->
# ci/coverage.sh -> the ClusterFuzzLite build and its fuzzers as OSS-Fuzz runs them
# (ci/cflite_check.sh) -> a swimlane picture per new crash (else of a committed schedule;
# ci/look.sh, OUT/look/) -> OUT/summary.md and OUT/summary.json, with plots (gnuplot, OUT/plots/:
# cov/ft and exec/s per fuzz run; coverage, corpus size, crashes by invariant across nights).
# A build that fails skips its part and says so; the job goes on.
# Exit: 0 no crash and no stress failure, 1 otherwise, 2 usage error, 130 interrupted.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"
T0=$SECONDS

usage_err() { echo "nightly.sh: $1 (try --help)" >&2; exit 2; }
budget_arg=10m out= jobs= corpus_root=corpus crash_store=out/crashes stress_mode=build look=1 cflite=1
stress_list="tsan asan"
while [ $# -gt 0 ]; do
  opt=$1 val=
  case $opt in
    --*=*) val=${opt#*=}; opt=${opt%%=*}; shift ;;
    --budget|--out|--jobs|--corpus-root|--crash-store|--stress-presets|--history)
      [ $# -ge 2 ] || usage_err "$opt needs a value"
      val=$2; shift 2 ;;
    *) shift ;;
  esac
  case $opt in
    --budget) budget_arg=$val ;;
    --out) out=$val ;;
    --jobs) jobs=$val ;;
    --corpus-root) corpus_root=$val ;;
    --crash-store) crash_store=$val ;;
    --stress-presets)
      case $val in *[!a-z0-9\ -]*|"") usage_err "--stress-presets: '$val' is not a list of preset names" ;; esac
      stress_list=$val ;;
    --stress-prebuilt) stress_mode=prebuilt ;;
    --no-stress) stress_mode=none ;;
    --history) export RUNQ_NIGHTLY_HISTORY=$val ;;
    --no-look) look=0 ;;
    --no-cflite) cflite=0 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) usage_err "unknown option '$opt'" ;;
  esac
done
budget=$(parse_duration "$budget_arg") ||
  usage_err "--budget: '$budget_arg' is not a duration (examples: 90s, 10m, 2h, 1h30m)"
[ "$budget" -ge 60 ] || usage_err "--budget: '$budget_arg' is too short (at least 60s)"
if [ -z "$jobs" ]; then
  jobs=$(nproc 2>/dev/null || echo 1)
fi
[[ $jobs =~ ^[1-9][0-9]*$ ]] || usage_err "--jobs: '$jobs' is not a positive count"
[ -d "$corpus_root" ] || usage_err "--corpus-root: '$corpus_root' is not a directory"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ -z "$out" ]; then
  mkdir -p out/nightly && out=out/nightly/$stamp && mkdir -p "$out" && ln -sfn "$stamp" out/nightly/latest
fi
mkdir -p "$out" "$crash_store" || usage_err "--out/--crash-store: cannot create '$out' / '$crash_store'"
out=$(cd "$out" && pwd)
crash_store=$(cd "$crash_store" && pwd)
corpus_root=$(cd "$corpus_root" && pwd)
# A re-used --out keeps nothing of a previous run.
rm -rf "$out"/{state,logs,artifacts,new-corpus,work,stress,coverage,triage,plots,look} "$out"/summary.{md,json} "$out"/crashes.json
state=$out/state
mkdir -p "$state" "$out/logs" "$out/artifacts" "$out/new-corpus" "$out/work" "$out/stress"
exec > >(tee -a "$out/nightly.log") 2>&1

rel() { case $1 in "$RUNQ_ROOT"/*) echo "${1#$RUNQ_ROOT/}" ;; *) echo "$1" ;; esac; }
elapsed() { printf '%d:%02d' $(((SECONDS - T0) / 60)) $(((SECONDS - T0) % 60)); }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$state/meta.tsv"; }
note() { echo "   note: $*"; printf '%s\n' "$*" >>"$state/notes.tsv"; }
PH_NAME= PH_T0=0
phase() { PH_NAME=$1 PH_T0=$SECONDS; echo; echo "== [$(elapsed) of $budget_arg] $1"; }
phase_end() { printf '%s\t%s\t%s\t%s\n' "$PH_NAME" "$1" $((SECONDS - PH_T0)) "${2:-}" >>"$state/phases.tsv"; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
TSAN_ENV=TSAN_OPTIONS=halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0

finish() {
  meta total_seconds $((SECONDS - T0))
  echo
  echo "== [$(elapsed)] summary: $(rel "$out")/summary.md"
  python3 "$RUNQ_ROOT/ci/nightly_summary.py" "$out"
}
on_signal() {
  trap - INT TERM
  echo
  echo "!!! nightly: interrupted during '$PH_NAME'; stopping (the committed corpus is untouched unless its swap had finished)"
  [ -n "${PROGRESS_PID:-}" ] && kill -TERM "$PROGRESS_PID" 2>/dev/null && wait "$PROGRESS_PID" 2>/dev/null
  phase_end interrupted
  meta interrupted "$PH_NAME"
  note "interrupted during '$PH_NAME' after $((SECONDS - T0)) s"
  finish
  exit 130
}
trap on_signal INT TERM

meta started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta budget "$budget_arg"
meta budget_seconds "$budget"
meta jobs "$jobs"
meta out "$(rel "$out")"
meta crash_store "$(rel "$crash_store")"
meta corpus_root "$corpus_root"
meta commit "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' (+ uncommitted changes)')"
meta host "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "nightly: budget $budget_arg ($budget s), fork jobs $jobs, out $(rel "$out"), corpus $(rel "$corpus_root")"

# ---- builds -------------------------------------------------------------------------------
phase "tools and builds"
need_tools
need_packages gnuplot:gnuplot-nox || note "no plots tonight: gnuplot-nox could not be installed"
python3 ci/corpus_tool.py recover --corpus-root "$corpus_root"
build_ok() { awk -F'\t' -v p="$1" '$1 == p && $3 == "ok" { f = 1 } END { exit !f }' "$state/builds.tsv" 2>/dev/null; }
build_one() { # build_one PRESET CMAKE_ARG... -- TARGET...
  local preset=$1 t0=$SECONDS rc targets
  targets=$(printf '%s\n' "$@" | sed '1,/^--$/d' | tr '\n' ' ')
  progress_run "build $preset" "$out/logs/build-$preset.log" '^\[[0-9]+/[0-9]+\]' build_targets "$@"
  rc=$?
  printf '%s\t%s\t%s\t%s\t%s\n' "$preset" "${targets% }" "$([ $rc = 0 ] && echo ok || echo FAILED)" \
    $((SECONDS - t0)) "$(rel "$out/logs/build-$preset.log")" >>"$state/builds.tsv"
  if [ $rc = 0 ]; then
    echo "   build $preset: ok ($((SECONDS - t0)) s)"
  else
    echo "!!! build $preset FAILED ($((SECONDS - t0)) s): its part of the nightly is skipped; log $(rel "$out/logs/build-$preset.log")"
    tail -n 15 "$out/logs/build-$preset.log" | sed 's/^/    | /'
  fi
  return $rc
}
build_one fuzz -DRUNQ_SKIP_SUBDIRS=stress -- fuzz_runq_sched fuzz_runq_model runq-replay \
  runq-explore fuzz_runq_sched-standalone fuzz_runq_model-standalone
build_one fuzz-tsan -DRUNQ_SKIP_SUBDIRS=stress -- fuzz_runq_sched
build_one coverage -DRUNQ_SKIP_SUBDIRS=stress -- runq-replay
stress_presets=()
case $stress_mode in
  none) note "stress skipped (--no-stress)" ;;
  build)
    if [ -f stress/CMakeLists.txt ]; then
      for p in $stress_list; do
        # runq-torture, and what the real-thread tests of the label nightly run
        build_one "$p" -- runq-torture runq-torture-throw runq-torture-broken \
          runq-record-grab-runnext-no-cas runq-replay-grab-runnext-no-cas && stress_presets+=("$p")
      done
    else
      note "stress skipped: stress/ (runq-torture) is not in this tree"
    fi ;;
  prebuilt)
    for p in $stress_list; do
      if [ -x "build/$p/bin/runq-torture" ]; then
        stress_presets+=("$p")
      else
        note "stress under $p skipped: build/$p/bin/runq-torture does not exist (--stress-prebuilt)"
      fi
    done ;;
esac
phase_end ok

# ---- plan -----------------------------------------------------------------------------------
phase "plan"
used=$((SECONDS - T0))
reserve=$((budget / 6))
[ $reserve -lt 30 ] && reserve=30
[ $reserve -gt 900 ] && reserve=900
work=$((budget - used - reserve))
[ $work -lt 0 ] && work=0
stress_total=0
[ ${#stress_presets[@]} -gt 0 ] && stress_total=$((work / 4))
fuzz_total=$((work - stress_total))
runs=() # name target preset weight
if build_ok fuzz; then
  if build_ok fuzz-tsan; then
    runs=("fuzz_runq_sched-asan fuzz_runq_sched fuzz 40" "fuzz_runq_model-asan fuzz_runq_model fuzz 25"
          "fuzz_runq_sched-tsan fuzz_runq_sched fuzz-tsan 35")
  else
    runs=("fuzz_runq_sched-asan fuzz_runq_sched fuzz 60" "fuzz_runq_model-asan fuzz_runq_model fuzz 40")
    note "**fuzz-tsan did not build: no TSan fuzzing tonight** (log $(rel "$out/logs/build-fuzz-tsan.log"))"
  fi
else
  note "**fuzz (ASan) did not build: no fuzzing, no merge, no triage tonight** (log $(rel "$out/logs/build-fuzz.log"))"
fi
secs_of() { local s=$((fuzz_total * $1 / 100)); [ $s -lt 10 ] && s=10; echo $s; }
for r in "${runs[@]}"; do
  set -- $r
  echo "   fuzz $1: $(secs_of "$4") s, -fork=$jobs"
done
stress_each=0
if [ ${#stress_presets[@]} -gt 0 ]; then
  stress_each=$((stress_total / ${#stress_presets[@]}))
  [ $stress_each -lt 10 ] && stress_each=10
  stress_go=$((stress_each / 2)) # each preset runs the 1.19 port, then master's
  [ $stress_go -lt 5 ] && stress_go=5
  echo "   stress ${stress_presets[*]}: $stress_each s each"
fi
echo "   kept for merge, triage, coverage: $reserve s (builds took $used s)"
phase_end ok "fuzz $fuzz_total s, stress $stress_total s, reserve $reserve s"

# ---- corpus byte views (read-only inputs of the fuzzers) --------------------------------------
declare -A view
if build_ok fuzz; then
  for t in fuzz_runq_sched fuzz_runq_model; do
    view[$t]=$out/work/view/$t
    python3 ci/corpus_tool.py byteview --src "$corpus_root/$t" --dst "${view[$t]}" \
      --replay build/fuzz/bin/runq-replay >"$out/logs/byteview-$t.log" 2>&1 ||
      note "could not prepare the byte view of $t (log $(rel "$out/logs/byteview-$t.log"))"
  done
fi

# ---- fuzzing --------------------------------------------------------------------------------
run_fuzz() { # run_fuzz NAME TARGET PRESET SECONDS [EXTRA_DIR...]
  local name=$1 target=$2 preset=$3 secs=$4 rc t0=$SECONDS status=ran note= envs=()
  shift 4
  local bin=build/$preset/bin/$target scratch=$out/new-corpus/$name art=$out/artifacts/$name
  local log=$out/logs/fuzz-$name.log fopts=()
  mkdir -p "$scratch" "$art"
  mapfile -t fopts < <(fuzz_option_args "$target" 2>>"$out/logs/fuzz-options.log")
  if [ "$preset" = fuzz-tsan ]; then envs=("$TSAN_ENV"); fi
  phase "fuzz $name ($secs s, -fork=$jobs)"
  echo "   $bin -fork=$jobs -max_total_time=$secs ${fopts[*]} $(rel "$scratch") $(rel "${view[$target]}") $(for d in "$@"; do rel "$d"; done | tr '\n' ' ')"
  progress_run "fuzz $name" "$log" '^#[0-9]+: cov' \
    env "${envs[@]}" timeout -s KILL $((secs + 120)) "$bin" -fork="$jobs" -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
    -artifact_prefix="$art/" "${fopts[@]}" "$scratch" "${view[$target]}" "$@"
  rc=$?
  if [ $rc = 137 ]; then
    note="killed by the outer timeout -s KILL"
  elif [ $rc != 0 ] && grep -aq "^INFO: exiting: $rc " "$log" && [ -n "$(ls -A "$art")" ]; then
    note="exit $rc: crashes found (fork mode exits with the last crash's status)"
  elif [ $rc != 0 ]; then
    note="libFuzzer exited $rc"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$target" "$preset" "$secs" \
    $((SECONDS - t0)) "$rc" "$log" "$scratch" "$art" "$status" "$note" >>"$state/fuzz.tsv"
  echo "   $(grep -aE '^#[0-9]+: cov' "$log" | tail -n 1)"
  echo "   new inputs: $(find "$scratch" -type f | wc -l), crash files: $(find "$art" -type f | wc -l)"
  phase_end "$([ $rc = 0 ] || [ "${note#exit $rc: crashes}" != "$note" ] && echo ok || echo "rc $rc")" "$note"
}
for r in "${runs[@]}"; do
  set -- $r
  extra=()
  # The TSan run also reads what the ASan run of the same target found.
  [ "$3" = fuzz-tsan ] && [ -d "$out/new-corpus/$2-asan" ] && extra=("$out/new-corpus/$2-asan")
  run_fuzz "$1" "$2" "$3" "$(secs_of "$4")" "${extra[@]}"
done
if [ -s "$out/logs/fuzz-options.log" ]; then
  while IFS= read -r l; do note "$l"; done < <(sort -u "$out/logs/fuzz-options.log")
fi

# ---- stress ---------------------------------------------------------------------------------
for p in "${stress_presets[@]}"; do
  phase "stress $p ($stress_each s)"
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  # Half of the preset's share on each Go version's port. ci/stress_run.sh kills a run that
  # overstays and records it as invariant=hang.
  status=pass
  for go in 1.19 master; do
    echo "   build/$p/bin/runq-torture --go $go --duration ${stress_go}s --seed $seed (hard limit: +${STRESS_GRACE:-60}s)"
    progress_run "stress $p go $go" "$out/logs/stress-$p-$go.log" '.' \
      env STRESS_GO=$go ci/stress_run.sh "$p" "$stress_go" "$seed" "$out/stress" "$state/stress.tsv"
    [ $? = 0 ] || status=fail
    tail -n 1 "$out/logs/stress-$p-$go.log"
  done
  phase_end "$status"
done

# ---- the real-thread tests that left the gate (ctest label nightly) ----------------------------
for p in "${stress_presets[@]}"; do
  phase "threads: ctest -L nightly in build/$p (more stress configurations)"
  progress_run "ctest nightly $p" "$out/logs/ctest-nightly-$p.log" 'tests passed|Test +#' \
    ctest --preset "$p" -L nightly
  rc=$?
  grep -a -E 'tests passed|\*\*\*Failed|Failed  ' "$out/logs/ctest-nightly-$p.log" | sed 's/^/   /'
  phase_end "$([ $rc = 0 ] && echo ok || echo FAILED)" "$([ $rc = 0 ] || echo "log $(rel "$out/logs/ctest-nightly-$p.log")")"
done

# ---- bounded exploration of every regress scenario ------------------------------------------
# Every interleaving of each corpus/fuzz_runq_sched/regress-*.txt around its hand-written
# race, in two searches: sequentially consistent with at most 3 preemptions (up to 200000
# interleavings per scenario), and weak memory (`--stale 1`: each load may also read the
# store before the newest it is allowed, at most one stale read per run) with at most 2
# preemptions (up to 100000). Measured on the default build: about 65 s and 35 s for the
# 29 scenarios; 3 and 2 of them hit the run limit (the log says "incomplete").
if build_ok fuzz && [ -x build/fuzz/bin/runq-explore ]; then
  for mode in sc3 weak2; do
    case $mode in
      sc3) args=(--preemptions 3 --max-runs 200000); what="preemption bound 3" ;;
      weak2) args=(--preemptions 2 --stale 1 --stale-reads 1 --max-runs 100000)
             what="weak memory (--stale 1), preemption bound 2" ;;
    esac
    phase "explore: regress scenarios, $what"
    mkdir -p "$out/explore/$mode"
    nfail=0 nscen=0 nincomplete=0
    for f in "$corpus_root"/fuzz_runq_sched/regress-*.txt; do
      [ -f "$f" ] || continue
      nscen=$((nscen + 1))
      name=$(basename "$f" .txt)
      log=$out/explore/$mode/$name.log
      timeout -s KILL 300 build/fuzz/bin/runq-explore "${args[@]}" \
        --out "$out/explore/$mode/$name.fail.txt" "$f" >"$log" 2>&1
      rc=$?
      echo "   $(tail -n 1 "$log")"
      grep -q 'search is incomplete' "$log" && nincomplete=$((nincomplete + 1))
      if [ $rc != 0 ]; then
        nfail=$((nfail + 1))
        note "explore ($mode): $name fails (exit $rc): $(grep -m 1 -o 'invariant=[^ ]*' "$log"); schedule $(rel "$out/explore/$mode/$name.fail.txt")"
      fi
    done
    phase_end "$([ $nfail = 0 ] && echo ok || echo FAILED)" \
      "$nscen scenarios, $nfail failing, $nincomplete stopped at the run limit"
  done
fi

# ---- corpus merge ---------------------------------------------------------------------------
if build_ok fuzz; then
  for t in fuzz_runq_sched fuzz_runq_model; do
    phase "merge $t into $(rel "$corpus_root/$t")"
    fopts=() new=() seqflag=()
    mapfile -t fopts < <(fuzz_option_args "$t" 2>/dev/null)
    for d in "$out"/new-corpus/"$t"-*; do [ -d "$d" ] && new+=("$d"); done
    [ $t = fuzz_runq_model ] && seqflag=(--sequential)
    progress_run "merge $t" "$out/logs/merge-$t.log" 'MERGE|INITED' \
      python3 ci/corpus_tool.py merge --corpus-root "$corpus_root" --target "$t" \
      --fuzzer "build/fuzz/bin/$t" --replay build/fuzz/bin/runq-replay --work "$out/work/merge-$t" \
      --timeout $((reserve > 120 ? reserve : 120)) "${seqflag[@]}" "${fopts[@]/#/--fuzz-arg=}" "${new[@]}"
    rc=$?
    grep -a '^{' "$out/logs/merge-$t.log" | tail -n 1 >"$state/merge-$t.json"
    python3 - "$state/merge-$t.json" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    print("   merge: no result (see its log)"); sys.exit(0)
if not d.get("swapped"):
    print("   merge: NOT swapped: " + d.get("error", "?")); sys.exit(0)
print(f"   {d['before']['files']} -> {d['after']['files']} files ({d['seeds_added']} seeds added, "
      f"{d['seeds_dropped']} dropped, {d['dropped_unreadable']} unreadable by runq-replay left out); "
      f"ft {d['features_before']['ft']} -> {d['features_after']['ft']}")
EOF
    phase_end "$([ $rc = 0 ] && echo ok || echo FAILED)"
  done

  # ---- crashes --------------------------------------------------------------------------------
  phase "crashes: replay, deduplicate, minimise, file"
  min_s=$((budget / 60))
  [ $min_s -lt 5 ] && min_s=5
  [ $min_s -gt 120 ] && min_s=120
  # Triage gets what is left of the budget (keeping ~20 s for coverage), at least 30 s.
  triage_s=$((budget - (SECONDS - T0) - 20))
  [ $triage_s -lt 30 ] && triage_s=30
  echo "   $triage_s s for triage, up to $min_s s to minimise each invariant"
  specs=()
  if [ -f "$state/fuzz.tsv" ]; then
    while IFS=$'\t' read -r name target _ _ _ _ _ _ art _; do
      specs+=(--run "$name:$target:$art")
    done <"$state/fuzz.tsv"
  fi
  progress_run "crashes" "$out/logs/triage.log" '^crash:' \
    python3 ci/crash_triage.py --out "$out" --store "$crash_store" --root "$RUNQ_ROOT" \
    --min-seconds "$min_s" --jobs "$jobs" --deadline "$triage_s" "${specs[@]}"
  rc=$?
  sed 's/^/   /' "$out/logs/triage.log" | grep -a '^   crash:' || true
  phase_end "$([ $rc = 0 ] && echo ok || echo FAILED)"
fi

# ---- coverage -------------------------------------------------------------------------------
phase "coverage of queue/ (ci/coverage.sh)"
if build_ok coverage; then
  progress_run "coverage" "$out/logs/coverage.log" '.' \
    ci/coverage.sh --no-build --out "$out/coverage" --corpus-root "$corpus_root"
  rc=$?
  sed 's/^/   /' "$out/logs/coverage.log"
  phase_end "$([ $rc = 0 ] && echo ok || echo FAILED)"
else
  note "no coverage report: the coverage preset did not build"
  phase_end skipped
fi

# ---- the scale-out path: ClusterFuzzLite / OSS-Fuzz ------------------------------------------
if [ $cflite = 1 ]; then
  phase "cflite: .clusterfuzzlite/build.sh as OSS-Fuzz runs it (ci/cflite_check.sh)"
  progress_run "cflite" "$out/logs/cflite.log" '^(==|!!!|\|)' \
    timeout -s KILL 1200 ci/cflite_check.sh --seconds 10
  rc=$?
  sed 's/^/   /' "$out/logs/cflite.log" | grep -a -E '^   (\||!!!|cflite_check)' || true
  [ $rc = 0 ] || note "ci/cflite_check.sh exited $rc (log $(rel "$out/logs/cflite.log"))"
  phase_end "$([ $rc = 0 ] && echo ok || echo FAILED)" "$([ $rc = 0 ] || echo "log $(rel "$out/logs/cflite.log")")"
fi

# ---- a failure as a picture -------------------------------------------------------------------
if [ $look = 1 ]; then
  phase "look: a swimlane per new crash (ci/look.sh)"
  # Each new crash with a Chrome trace as look/<invariant>.{svg,png}; none: a committed
  # schedule exported by runq-replay, as look/trace.{svg,png}.
  pics=$(python3 -c 'import json,re,sys
try:
    d = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(0)
for c in d.get("invariants", []):
    if c.get("picture") and c.get("stored") == "new":
        print(re.sub(r"[^A-Za-z0-9_.-]", "_", c["invariant"]), c["picture"])' "$out/crashes.json")
  [ -n "$pics" ] || pics="trace corpus/fuzz_runq_sched/regress-runnext-stolen-during-backoff.txt"
  lookargs=()
  [ -x build/fuzz/bin/runq-replay ] && lookargs=(--replay build/fuzz/bin/runq-replay)
  rc=0
  : >"$out/logs/look.log"
  while read -r name pic; do
    progress_run "look $name" "$out/logs/look-$name.log" '^(==|look:)' \
      timeout -s KILL 600 ci/look.sh --out "$out/look/$name.png" "${lookargs[@]}" "$pic" </dev/null || rc=$?
    cat "$out/logs/look-$name.log" >>"$out/logs/look.log"
  done <<<"$pics"
  sed 's/^/   /' "$out/logs/look.log" | grep -a -E '^   (look:|!!!)' || true
  [ $rc = 0 ] || note "a swimlane is missing: ci/look.sh exited $rc (log $(rel "$out/logs/look.log"))"
  phase_end "$([ $rc = 0 ] && echo ok || echo FAILED)"
fi

finish
