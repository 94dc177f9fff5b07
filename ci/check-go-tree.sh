#!/usr/bin/env bash
# ci/check-go-tree.sh TREE: gate a Go tree's run-queue code (TREE: a GOROOT or a proc.go).
#
# tools/runq-import translates TREE's proc.go into a C port (Go 1.19's shape: the
# functions and signatures of queue/runq.c), the build makes it an engine world
# (build/check-go-tree, -DRUNQ_IMPORT_PROC_GO=TREE, target runq-replay-imported), and every
# corpus file is replayed on it (corpus/fuzz_runq_sched; corpus/fuzz_runq_model with
# --sequential), all on the 1.19 port (--go 1.19).
#
# Exit: 0 every corpus file passes; 1 a failure: the first failing file, its invariant and
# the command that shows it; 2 bad input: no such tree, not a proc.go, or a proc.go the
# importer refuses ("proc.go:LINE:COL: cannot import <construct> in <function>", e.g. a
# Go version whose signatures differ from 1.19's).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: ci/check-go-tree.sh GOROOT|PROC_GO" >&2; exit 2; }
tree=$1
case $tree in /*) ;; *) tree=$PWD/$tree ;; esac
proc=$tree
[ -d "$tree" ] && proc=$tree/src/runtime/proc.go
[ -f "$proc" ] || { echo "check-go-tree: $proc: no such file" >&2; exit 2; }
command -v go >/dev/null || { echo "check-go-tree: needs go (apt-get install golang-go)" >&2; exit 2; }
build=$root/build/check-go-tree
mkdir -p "$build"
export GOCACHE="$build/go-cache" GOPATH="$build/go-path" GOFLAGS=-mod=mod GO111MODULE=on

# Import first, on its own: a refusal is bad input (exit 2) and says why.
( cd "$root/tools/runq-import" && go build -o "$build/runq-import" . ) || { echo "check-go-tree: building runq-import failed" >&2; exit 2; }
"$build/runq-import" -o "$build/imported-check.c" "$proc" || exit 2
echo "imported $proc: $(grep -o 'RQ_AT([0-9]' "$build/imported-check.c" | wc -l) seam accesses"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRUNQ_IMPORT_PROC_GO="$proc" -DRUNQ_SKIP_SUBDIRS="fuzz;stress" >"$build/configure.log" 2>&1 ||
  { tail -20 "$build/configure.log"; echo "check-go-tree: configure failed" >&2; exit 2; }
cmake --build "$build" --target runq-replay-imported >"$build/build.log" 2>&1 ||
  { tail -30 "$build/build.log"; echo "check-go-tree: the imported port does not build" >&2; exit 1; }
replay=$build/bin/runq-replay-imported

fail=0 total=0
for c in fuzz_runq_sched fuzz_runq_model; do
  args=(--quiet --go 1.19)
  [ $c = fuzz_runq_model ] && args+=(--sequential)
  out=$(cd "$root" && find "corpus/$c" -maxdepth 1 -type f | LC_ALL=C sort | xargs "$replay" "${args[@]}" 2>&1); rc=$?
  n=$(find "$root/corpus/$c" -maxdepth 1 -type f | wc -l)
  total=$((total + n))
  if [ $rc != 0 ]; then
    first=$(printf '%s\n' "$out" | grep -m1 -B1 'invariant=')
    echo "$first"
    file=$(printf '%s\n' "$first" | grep -m1 -o '^corpus/[^:]*')
    inv=$(printf '%s\n' "$first" | grep -m1 -o 'invariant=[a-z0-9-]*')
    seq=""
    [ $c = fuzz_runq_model ] && seq=" --sequential"
    echo "FAIL $file ($inv); see it: $replay --go 1.19$seq --trace $root/$file"
    fail=1
    break
  fi
done
if [ $fail = 0 ]; then
  echo "verdict: $proc passes ($total corpus files on its imported port)"
  exit 0
fi
echo "verdict: $proc fails"
exit 1
