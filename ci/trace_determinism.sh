#!/usr/bin/env bash
# ci/trace_determinism.sh - the same schedule gives the same execution and trace, byte for
# byte, in every build: replays the committed corpus with --trace in each named build and
# compares the outputs.
#
#   ci/trace_determinism.sh [--sample N] [--every N] PRESET...   (e.g. default clang asan tsan)
#
# The first preset is the reference. It and the second replay every corpus file
# (corpus/fuzz_runq_sched as the fuzzer runs it, corpus/fuzz_runq_model --sequential), or
# every N-th with --every N; the presets after the second replay every N-th file
# (--sample, default 10: the sanitizer builds are 3-5x slower, and the same engine code
# runs). The replays run two at a time.
# Digests go to out/determinism/. A difference prints the first
# differing lines, the corpus file they belong to and the command that shows it, and
# exits 1 (invariant=trace-nondeterministic). A missing build is a usage error (exit 2).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

sample=10 every=1
presets=()
while [ $# -gt 0 ]; do
  case $1 in
    --sample) [ $# -ge 2 ] || { echo "trace_determinism.sh: --sample needs a value" >&2; exit 2; }
      sample=$2; shift 2 ;;
    --every) [ $# -ge 2 ] || { echo "trace_determinism.sh: --every needs a value" >&2; exit 2; }
      every=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "trace_determinism.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) presets+=("$1"); shift ;;
  esac
done
[[ $sample =~ ^[1-9][0-9]*$ ]] || { echo "trace_determinism.sh: --sample: '$sample' is not a positive count" >&2; exit 2; }
[[ $every =~ ^[1-9][0-9]*$ ]] || { echo "trace_determinism.sh: --every: '$every' is not a positive count" >&2; exit 2; }
[ "$sample" -ge "$every" ] || sample=$every
[ ${#presets[@]} -ge 2 ] || { echo "trace_determinism.sh: name at least two presets (try --help)" >&2; exit 2; }
for p in "${presets[@]}"; do
  [ -x "build/$p/bin/runq-replay" ] ||
    { echo "trace_determinism.sh: build/$p/bin/runq-replay does not exist (build preset $p first)" >&2; exit 2; }
done

out=out/determinism
rm -rf "$out"
mkdir -p "$out"
# files CORPUS EVERY: the corpus's files, every EVERY-th one (sorted by name, so every
# build replays the same list).
files() { find "corpus/$1" -maxdepth 1 -type f | LC_ALL=C sort | awk -v n="$2" '(NR - 1) % n == 0'; }
# replay PRESET CORPUS EVERY [sections]: replays those files; writes the digest of all
# their traces and verdicts to out/ (the traces of the whole corpus are about 1.5 GB: they
# are hashed as they stream, not stored). With "sections", one line per file instead:
# its digest and its name (slower; used to find the file once two builds differ).
replay() {
  local p=$1 c=$2 n=$3 how=${4:-all} args=(--trace)
  [ "$c" = fuzz_runq_model ] && args+=(--sequential)
  files "$c" "$n" >"$out/$p.$c.$n.list"
  # The verdicts are part of the output; a failing corpus file is ctest's to report.
  if [ "$how" = all ]; then
    xargs -a "$out/$p.$c.$n.list" -d '\n' "build/$p/bin/runq-replay" "${args[@]}" 2>&1 |
      md5sum >"$out/$p.$c.$n.md5"
    return
  fi
  xargs -a "$out/$p.$c.$n.list" -d '\n' "build/$p/bin/runq-replay" "${args[@]}" 2>&1 |
    python3 -c '
import hashlib, re, sys
# A file'"'"'s section starts at the trace header; its verdict line names it.
h, name, out = None, "", sys.stdout
def flush():
    if h is not None:
        out.write(h.hexdigest() + " " + (name or "?") + "\n")
for line in sys.stdin.buffer:
    if line.startswith(b"  step  "):
        flush()
        h, name = hashlib.md5(), ""
    if h is None:
        h = hashlib.md5()
    h.update(line)
    m = re.match(rb"(corpus/[^:]*): ", line)
    if m and not name:
        name = m.group(1).decode()
flush()' >"$out/$p.$c.$n.sums"
}

# n_of INDEX: every how many files preset INDEX replays.
n_of() { if [ "$1" -ge 2 ]; then echo "$sample"; else echo "$every"; fi; }
jobs=()
for i in "${!presets[@]}"; do
  for c in fuzz_runq_sched fuzz_runq_model; do
    jobs+=("${presets[$i]} $c $(n_of "$i")")
    # the reference replays each sample that a later build replays
    [ "$i" -ge 2 ] && [ "$sample" != "$every" ] && jobs+=("${presets[0]} $c $sample")
  done
done
# Two at a time (the CI machine has two cores).
printf '%s\n' "${jobs[@]}" | sort -u | xargs -P 2 -L 1 bash -c "out=$out; $(declare -f files replay)"'; replay "$@"' _

rc=0
ref=${presets[0]}
for c in fuzz_runq_sched fuzz_runq_model; do
  for i in "${!presets[@]}"; do
    [ "$i" = 0 ] && continue
    p=${presets[$i]}
    n=$(n_of "$i")
    a=$out/$ref.$c.$n.txt b=$out/$p.$c.$n.txt
    if cmp -s "${a%.txt}.md5" "${b%.txt}.md5"; then
      printf '%-16s %-7s = %-7s %5d files\n' "$c" "$p" "$ref" "$(wc -l <"$out/$p.$c.$n.list")"
    else
      rc=1
      replay "$ref" "$c" "$n" sections
      replay "$p" "$c" "$n" sections
      a=${a%.txt}.sums b=${b%.txt}.sums
      f=$(diff "$a" "$b" | sed -n 's/^< [0-9a-f]* //p' | head -n 1)
      flag=""
      [ "$c" = fuzz_runq_model ] && flag=" --sequential"
      echo "!!! invariant=trace-nondeterministic ($c replays differently in build $p than in $ref; first file: ${f:-?}; $(diff "$a" "$b" | grep -c '^<') of $(wc -l <"$a") files differ)"
      if [ -f "${f:-}" ]; then
        # the first differing line of each build, whole (trace lines are wide)
        diff <("build/$ref/bin/runq-replay" --trace $flag "$f" 2>&1) <("build/$p/bin/runq-replay" --trace $flag "$f" 2>&1) >"$out/first.diff"
        { grep -m 1 '^<' "$out/first.diff"; grep -m 1 '^>' "$out/first.diff"; } | sed "s/^</    $ref:/; s/^>/    $p:/"
      fi
      echo "reproduce: diff <(build/$ref/bin/runq-replay --trace$flag ${f:-FILE}) <(build/$p/bin/runq-replay --trace$flag ${f:-FILE})"
    fi
  done
done
[ $rc = 0 ] && echo "trace determinism: identical in ${presets[*]}"
exit $rc
