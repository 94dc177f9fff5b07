#!/bin/bash -eu
# .clusterfuzzlite/build.sh - builds runqtorture's libFuzzer targets for ClusterFuzzLite
# or OSS-Fuzz, honouring $CC, $CFLAGS, $LIB_FUZZING_ENGINE and $OUT ($WORK if set).
#
# For each target in fuzz/ it puts into $OUT: the binary, <target>.options and
# <target>.dict (from fuzz/), and <target>_seed_corpus.zip (corpus/<target>/*).
# The sanitizers come from $CFLAGS (RUNQ_SANITIZE is left empty so the project adds none of
# its own) and the engine from $LIB_FUZZING_ENGINE (RUNQ_FUZZ_ENGINE).
#
# Runs outside Docker too, e.g.:
#   CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link -g" \
#     LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/cflite-out .clusterfuzzlite/build.sh

# The source tree: the working directory in the image ($SRC/runqtorture), else this
# script's parent directory.
if [ -f "$PWD/queue/runq.c" ] && [ -f "$PWD/CMakeLists.txt" ]; then
  root=$PWD
else
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fi
[ -f "$root/queue/runq.c" ] || { echo "build.sh: cannot find the runqtorture tree" >&2; exit 1; }

targets="fuzz_runq_model fuzz_runq_sched"
build=${WORK:-$(mktemp -d)}/runqtorture-cflite
mkdir -p "$OUT" "$build"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# No CMAKE_BUILD_TYPE: optimisation and debug info come from $CFLAGS only.
cmake -S "$root" -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE= \
  -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_C_FLAGS="$CFLAGS" \
  -DRUNQ_FUZZ=ON \
  -DRUNQ_SANITIZE= \
  -DRUNQ_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --target $targets -j "$(nproc)"

for t in $targets; do
  cp "$build/bin/$t" "$OUT/$t"
  [ -f "$root/fuzz/$t.options" ] && cp "$root/fuzz/$t.options" "$OUT/$t.options"
  [ -f "$root/fuzz/$t.dict" ] && cp "$root/fuzz/$t.dict" "$OUT/$t.dict"
  if [ -d "$root/corpus/$t" ] && [ -n "$(ls -A "$root/corpus/$t")" ]; then
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "$root/corpus/$t" && find . -maxdepth 1 -type f -printf '%P\n' |
      zip -q -j "$OUT/${t}_seed_corpus.zip" -@)
  fi
  echo "build.sh: $OUT/$t$( [ -f "$OUT/${t}_seed_corpus.zip" ] && echo " + seed corpus")"
done
