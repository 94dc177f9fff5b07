#!/usr/bin/env bash
# ci/cflite_check.sh - runs .clusterfuzzlite/build.sh the way OSS-Fuzz's base-builder
# does, then each fuzzer from $OUT the way its runner does: the scale-out path, executed
# on this machine instead of only written down.
#
#   ci/cflite_check.sh [--sanitizer address|undefined|both] [--seconds N] [--keep]
#
#   --sanitizer S  which of OSS-Fuzz's builds to make (both: address, then undefined)
#   --seconds N    how long each fuzzer runs from its seed corpus (default 10)
#   --keep         keep the scratch directory (printed) instead of removing it
#
# For each sanitizer, in a fresh scratch directory: $SRC/runqtorture is a copy of the tree
# (tracked and untracked, not ignored, files), $SRC/build.sh the project's build script,
# $OUT and $WORK empty. build.sh runs from $SRC/runqtorture with the base-builder's
# variables: CC=clang, CFLAGS = OSS-Fuzz's common flags (-O1 -fno-omit-frame-pointer
# -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) + the sanitizer's +
# -fsanitize=fuzzer-no-link, LIB_FUZZING_ENGINE=-fsanitize=fuzzer, SANITIZER. (Newer
# base images also pass -Wno-error=<warning> flags that clang 14 does not know; they
# change nothing here.) Then, for each fuzzer: $OUT must hold the binary, its .options
# and its seed-corpus zip; the zip is unpacked into a corpus directory and the fuzzer runs
# from $OUT with the [libfuzzer] options of its .options file (the dictionary resolved in
# $OUT), -rss_limit_mb=2560 -timeout=25, and the runner's sanitizer options, for N
# seconds. Any crash file, a non-zero exit, or a run that never reached "Done" fails.
#
# Prints a table (sanitizer, fuzzer, build seconds, executions, result). Exit 0 all
# passed, 1 a build or a fuzzer failed, 2 usage or setup error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

sanitizers="address undefined" seconds=10 keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --sanitizer) [ $# -ge 2 ] || { echo "cflite_check.sh: --sanitizer needs a value" >&2; exit 2; }
      case $2 in address | undefined) sanitizers=$2 ;; both) ;; *)
        echo "cflite_check.sh: --sanitizer: expected address, undefined or both, got '$2'" >&2; exit 2 ;;
      esac
      shift ;;
    --seconds) [ $# -ge 2 ] || { echo "cflite_check.sh: --seconds needs a value" >&2; exit 2; }
      [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "cflite_check.sh: --seconds: expected a positive count, got '$2'" >&2; exit 2; }
      seconds=$2; shift ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "cflite_check.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

need_tools
need_packages zip:zip || exit 2

# OSS-Fuzz's flags (infra/base-images: base-clang's CFLAGS, base-builder's
# SANITIZER_FLAGS_<sanitizer> and the libFuzzer coverage flags).
common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ubsan_checks="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
san_flags() {
  case $1 in
    address) echo "-fsanitize=address -fsanitize-address-use-after-scope" ;;
    undefined) echo "-fsanitize=${ubsan_checks},unsigned-integer-overflow -fno-sanitize-recover=${ubsan_checks}" ;;
  esac
}
# The runner's sanitizer options (unsigned overflow is reported only where it is asked for:
# the queue's indexes wrap on purpose, as Go's uint32 do).
export ASAN_OPTIONS=alloc_dealloc_mismatch=0:allocator_may_return_null=1:allocator_release_to_os_interval_ms=500:check_malloc_usable_size=0:detect_container_overflow=1:detect_odr_violation=0:detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1:handle_segv=1:handle_sigill=1:max_uar_stack_size_log=16:print_scariness=1:quarantine_size_mb=10:strict_memcmp=1:symbolize=1:use_sigaltstack=1:dedup_token_length=3
export UBSAN_OPTIONS=print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:symbolize=1:dedup_token_length=3:halt_on_error=1

scratch=$(mktemp -d "${TMPDIR:-/tmp}/runq-cflite.XXXXXX")
[ $keep = 1 ] || trap 'rm -rf "$scratch"' EXIT
rows=()
failed=0

# copy_tree DEST: the tree as a checkout would have it (tracked and untracked files that
# .gitignore does not exclude), without build/ and out/.
copy_tree() {
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$1"
}

# options_args FILE: the [libfuzzer] section of FILE as flags (dict resolved beside FILE).
options_args() {
  awk '/^[ \t]*\[/ { sec = $0; gsub(/[ \t]/, "", sec); next }
       sec == "[libfuzzer]" && index($0, "=") > 0 {
         k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
         gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t\r]+$/, "", v); print k "=" v }' "$1" |
    while IFS='=' read -r k v; do
      if [ "$k" = dict ]; then echo "-dict=$(dirname "$1")/$v"; else echo "-$k=$v"; fi
    done
}

for san in $sanitizers; do
  base=$scratch/$san
  export SRC=$base/src OUT=$base/out WORK=$base/work SANITIZER=$san
  mkdir -p "$SRC" "$OUT" "$WORK"
  copy_tree "$SRC/runqtorture"
  cp .clusterfuzzlite/build.sh "$SRC/build.sh"
  echo "== $san: build.sh in $base (CC=clang, LIB_FUZZING_ENGINE=-fsanitize=fuzzer)"
  t0=$SECONDS
  (cd "$SRC/runqtorture" &&
    CC=clang CXX=clang++ CFLAGS="$common $(san_flags "$san") -fsanitize=fuzzer-no-link" \
      CXXFLAGS="$common $(san_flags "$san") -fsanitize=fuzzer-no-link" \
      LIB_FUZZING_ENGINE=-fsanitize=fuzzer bash -eu "$SRC/build.sh") >"$base/build.log" 2>&1
  rc=$? bsecs=$((SECONDS - t0))
  if [ $rc != 0 ]; then
    echo "!!! $san: build.sh failed (exit $rc, log $base/build.log):"
    tail -n 25 "$base/build.log" | sed 's/^/    | /'
    rows+=("$san|(build)|$bsecs|-|FAIL: build.sh exit $rc")
    failed=1
    continue
  fi
  for t in fuzz_runq_sched fuzz_runq_model; do
    missing=""
    for f in "$t" "$t.options" "${t}_seed_corpus.zip"; do [ -e "$OUT/$f" ] || missing="$missing $f"; done
    [ -x "$OUT/$t" ] || missing="$missing (executable $t)"
    if [ -n "$missing" ]; then
      rows+=("$san|$t|$bsecs|-|FAIL: \$OUT lacks$missing")
      failed=1
      continue
    fi
    corpus=$WORK/corpus-$t art=$WORK/artifacts-$t/
    mkdir -p "$corpus" "$art"
    python3 -m zipfile -e "$OUT/${t}_seed_corpus.zip" "$corpus"
    nseeds=$(ls "$corpus" | wc -l)
    mapfile -t opts < <(options_args "$OUT/$t.options")
    log=$WORK/$t.log
    # From $OUT, as the runner starts it (the dictionary is found there).
    (cd "$OUT" && timeout -k 10 $((seconds + 120)) "./$t" -rss_limit_mb=2560 -timeout=25 \
      -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$art" "${opts[@]}" \
      "$corpus") >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    why=""
    [ $rc = 0 ] || why="exit $rc"
    ls "$art"* >/dev/null 2>&1 && why="${why:+$why, }crash files: $(ls "$art" | tr '\n' ' ')"
    grep -q '^Done [0-9]* runs' "$log" || why="${why:+$why, }no 'Done' line"
    if [ -n "$why" ]; then
      echo "!!! $san $t: $why (log $log):"
      grep -E '^(==|SUMMARY|INFO: Seed|#|!!!|reproduce)|runtime error' "$log" | tail -n 20 | sed 's/^/    | /'
      rows+=("$san|$t|$bsecs|${execs:-0}|FAIL: $why")
      failed=1
    else
      rows+=("$san|$t|$bsecs|$execs|ok (${#opts[@]} options from $t.options, $nseeds seeds)")
    fi
  done
done

echo
echo "| sanitizer | fuzzer | build s | executions | result |"
echo "| --- | --- | --- | --- | --- |"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
[ $keep = 1 ] && echo "scratch kept: $scratch"
echo "cflite_check: $([ $failed = 0 ] && echo passed || echo FAILED)"
exit $failed
