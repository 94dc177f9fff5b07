#!/bin/sh
# test_runq_import.sh [CACHE_DIR]: ctest import.unit - tools/runq-import on Debian's Go.
#  1. go test in tools/runq-import: each rule of the table and each refusal
#     (testdata/*.go), determinism;
#  2. importing $(go env GOROOT) (a GOROOT) and its proc.go gives the same C file, twice;
#  3. a proc.go with a construct outside the subset (a defer in runqput) exits 2 with
#     "proc.go:LINE:COL: cannot import defer statement in runqput"; a missing file exits 2.
# Exits 77 (ctest: skipped) without a Go tree (apt-get install golang-go).
here=$(cd "$(dirname "$0")" && pwd)
goroot=$(go env GOROOT 2>/dev/null)
if [ -z "$goroot" ] || [ ! -f "$goroot/src/runtime/proc.go" ]; then
  echo "no Go tree (apt-get install golang-go): skipped"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=${1:-$tmp/cache}
export GOCACHE="$cache/go-cache" GOPATH="$cache/go-path" GOFLAGS=-mod=mod GO111MODULE=on
fail=0

cd "$here/../tools/runq-import" || exit 2
go test ./... || { echo "!!! go test failed"; fail=1; }
go build -o "$tmp/runq-import" . || { echo "!!! go build failed"; exit 1; }

"$tmp/runq-import" "$goroot" >"$tmp/a.c"; rc=$?
[ $rc = 0 ] || { echo "!!! importing $goroot: exit $rc, want 0"; fail=1; }
"$tmp/runq-import" -o "$tmp/b.c" "$goroot/src/runtime/proc.go" || { echo "!!! importing proc.go failed"; fail=1; }
cmp -s "$tmp/a.c" "$tmp/b.c" || { echo "!!! two imports of the same proc.go differ"; fail=1; }
echo "imported $goroot: $(grep -o 'RQ_AT([0-9]' "$tmp/a.c" | wc -l) seam accesses, $(wc -l <"$tmp/a.c") lines"

# A construct outside the subset: refused with its position, exit 2, nothing written.
sed '/^func runqput(/,/^}/ s/^\tif next {$/\tdefer unlock(\&sched.lock)\n\tif next {/' \
  "$goroot/src/runtime/proc.go" >"$tmp/proc.go"
line=$(grep -n 'defer unlock(&sched.lock)' "$tmp/proc.go" | head -1 | cut -d: -f1)
err=$("$tmp/runq-import" -o "$tmp/c.c" "$tmp/proc.go" 2>&1); rc=$?
want="proc.go:$line:2: cannot import defer statement in runqput"
[ $rc = 2 ] || { echo "!!! defer in runqput: exit $rc, want 2"; fail=1; }
[ "$err" = "$want" ] || { echo "!!! defer in runqput said: $err"; echo "    want: $want"; fail=1; }
[ ! -e "$tmp/c.c" ] || { echo "!!! a refused import wrote its output"; fail=1; }
echo "refused: $err"

"$tmp/runq-import" "$tmp/no-such-proc.go" 2>/dev/null; rc=$?
[ $rc = 2 ] || { echo "!!! missing file: exit $rc, want 2"; fail=1; }

[ $fail = 0 ] && echo "ok: runq-import"
exit $fail
