#!/usr/bin/env bash
# ci/coverage.sh - source-based coverage of queue/ from the fuzz corpora (llvm-cov).
#
#   ci/coverage.sh [--out DIR] [--corpus-root DIR] [--no-build | --build-only]
#
#   --out DIR          where the report goes (default out/coverage): html/index.html,
#                      summary.txt (the one-line summary and the uncovered retry paths),
#                      coverage.json, runq.c.txt (annotated source), profiles/, replay.log
#   --corpus-root DIR  corpora to replay (default corpus/): DIR/fuzz_runq_sched/* plain,
#                      DIR/fuzz_runq_model/* with --sequential
#   --no-build         use build/coverage as it is;  --build-only: build it and stop
#
# Builds runq-replay in the coverage preset (clang -fprofile-instr-generate
# -fcoverage-mapping), replays every corpus file with LLVM_PROFILE_FILE set, merges the
# profiles with llvm-profdata and writes an llvm-cov HTML report of queue/, the one-line
# summary of queue/runq.c (line/region/branch %) and the list of its retry paths that the
# corpus does not reach (ci/coverage_paths.py). Exit 0 when the report was produced (even
# if corpus files fail: replay.log and the summary say how many), 1 if it could not be,
# 2 on usage errors.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

out=out/coverage
corpus_root=corpus
build=1
build_only=0
usage_err() { echo "coverage.sh: $1 (try --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage_err "--out needs a directory"; out=$2; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --corpus-root) [ $# -ge 2 ] || usage_err "--corpus-root needs a directory"; corpus_root=$2; shift 2 ;;
    --corpus-root=*) corpus_root=${1#*=}; shift ;;
    --no-build) build=0; shift ;;
    --build-only) build_only=1; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_err "unknown option '$1'" ;;
  esac
done
[ $build = 0 ] && [ $build_only = 1 ] && usage_err "--no-build and --build-only contradict each other"
[ -d "$corpus_root" ] || usage_err "--corpus-root: '$corpus_root' is not a directory"

need_tools
command -v llvm-profdata >/dev/null || { echo "!!! coverage: llvm-profdata missing (apt-get install llvm)" >&2; exit 1; }

bin=build/coverage/bin/runq-replay
if [ $build = 1 ]; then
  echo "== coverage: building runq-replay (preset coverage)"
  mkdir -p "$out"
  if ! build_targets coverage -DRUNQ_SKIP_SUBDIRS=stress -- runq-replay >"$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" | sed 's/^/    | /'
    echo "!!! coverage: build of preset coverage failed (log: $out/build.log)" >&2
    exit 1
  fi
fi
[ $build_only = 1 ] && exit 0
[ -x "$bin" ] || { echo "!!! coverage: $bin not built (run without --no-build)" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/profiles" "$out/html"
mkdir -p "$out/profiles"
: >"$out/replay.log"
export LLVM_PROFILE_FILE="$out/profiles/%p-%m.profraw"

# replay DIR [--sequential]: every file of DIR, in batches; prints "<passed> <failed>".
replay_dir() {
  local dir=$1 mode=${2:-} pass=0 fail=0 line
  [ -d "$dir" ] || { echo "0 0"; return; }
  while IFS= read -r line; do
    case $line in
      *" passed, "*" failed") set -- $line; pass=$((pass + $1)); fail=$((fail + $3)) ;;
    esac
  done < <(find "$dir" -maxdepth 1 -type f ! -name '.*' -print0 | sort -z |
             xargs -0 -r -n 500 "$bin" --quiet $mode 2>&1 | tee -a "$out/replay.log")
  echo "$pass $fail"
}
read -r s_pass s_fail < <(replay_dir "$corpus_root/fuzz_runq_sched")
read -r m_pass m_fail < <(replay_dir "$corpus_root/fuzz_runq_model" --sequential)
replays="replayed fuzz_runq_sched: $s_pass ok, $s_fail failed; fuzz_runq_model (--sequential): $m_pass ok, $m_fail failed"
echo "== coverage: $replays"

shopt -s nullglob
profiles=("$out"/profiles/*.profraw)
if [ ${#profiles[@]} = 0 ]; then
  echo "!!! coverage: no profile written (empty corpora?)" >&2
  exit 1
fi
llvm-profdata merge -sparse -o "$out/coverage.profdata" "${profiles[@]}" ||
  { echo "!!! coverage: llvm-profdata merge failed" >&2; exit 1; }
llvm-cov show "$bin" -instr-profile="$out/coverage.profdata" -format=html \
  -output-dir="$out/html" -show-branches=count -show-line-counts-or-regions \
  -project-title="runqtorture queue/ (corpus replay)" "$RUNQ_ROOT/queue" >/dev/null ||
  { echo "!!! coverage: llvm-cov show (html) failed" >&2; exit 1; }
llvm-cov show "$bin" -instr-profile="$out/coverage.profdata" -show-branches=count \
  "$RUNQ_ROOT/queue/runq.c" >"$out/runq.c.txt" 2>/dev/null
llvm-cov report "$bin" -instr-profile="$out/coverage.profdata" -show-branch-summary \
  "$RUNQ_ROOT/queue" >"$out/report.txt" 2>/dev/null
{
  python3 ci/coverage_paths.py --binary "$bin" --profdata "$out/coverage.profdata" \
    --source queue/runq.c --json "$out/coverage.json" || exit 1
  echo "  $replays"
  echo "  report: ${out#$RUNQ_ROOT/}/html/index.html"
} | tee "$out/summary.txt"
[ "${PIPESTATUS[0]}" = 0 ] || { echo "!!! coverage: retry-path listing failed" >&2; exit 1; }
python3 - "$out/coverage.json" "$s_pass" "$s_fail" "$m_pass" "$m_fail" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["replay"] = {"fuzz_runq_sched": {"ok": int(sys.argv[2]), "failed": int(sys.argv[3])},
               "fuzz_runq_model": {"ok": int(sys.argv[4]), "failed": int(sys.argv[5])}}
json.dump(d, open(p, "w"), indent=2)
EOF
exit 0
