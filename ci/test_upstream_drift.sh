#!/bin/sh
# test_upstream_drift.sh [GOROOT]: ctest drift.* - ci/upstream-drift.sh against Debian's Go.
#  1. the Go 1.19 tree ($(go env GOROOT)) must match the 1.19 port (exit 0);
#  2. a copy whose runqput and gQueue.pop were edited must match nothing (exit 1) and name
#     exactly those two as changed since the 1.19 port;
#  3. bad input (a missing path, a file that is no proc.go) exits 2.
# Exits 77 (ctest: skipped) when there is no Go tree (apt-get install golang-go).
here=$(dirname "$0")
goroot=${1:-$(go env GOROOT 2>/dev/null)}
if [ -z "$goroot" ] || [ ! -f "$goroot/src/runtime/proc.go" ]; then
  echo "no Go tree (apt-get install golang-go): skipped"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

out=$("$here/upstream-drift.sh" "$goroot"); rc=$?
echo "$out"
case $out in *"verdict: matches 1.19"*) ;; *) echo "!!! $goroot does not match the 1.19 port"; fail=1 ;; esac
[ $rc = 0 ] || { echo "!!! exit $rc, want 0"; fail=1; }

# Drift: change one statement of runqput and one of gQueue.pop (comments alone must not count).
sed -e '/^func runqput(/,/^}/ s/goto retry$/goto retry \/\/ a comment only/' \
    -e '/^func runqput(/,/^}/ s/if t-h < uint32(len(_p_.runq))/if t-h <= uint32(len(_p_.runq))/' \
    -e '/^func (q \*gQueue) pop()/,/^}/ s/q.tail = 0/q.tail = 1/' \
    "$goroot/src/runtime/proc.go" >"$tmp/proc.go"
out=$("$here/upstream-drift.sh" "$tmp/proc.go"); rc=$?
echo "$out"
[ $rc = 1 ] || { echo "!!! edited tree: exit $rc, want 1"; fail=1; }
case $out in *"1.19     2 of "*"gQueue.pop (changed), runqput (changed)"*) ;;
  *) echo "!!! edited tree: want exactly gQueue.pop and runqput named as changed since 1.19"; fail=1 ;; esac

"$here/upstream-drift.sh" "$tmp/nonexistent" 2>"$tmp/err"; rc=$?
cat "$tmp/err"
[ $rc = 2 ] || { echo "!!! missing path: exit $rc, want 2"; fail=1; }
echo 'package main' >"$tmp/x.go"
"$here/upstream-drift.sh" "$tmp/x.go" 2>"$tmp/err"; rc=$?
cat "$tmp/err"
[ $rc = 2 ] || { echo "!!! not a proc.go: exit $rc, want 2"; fail=1; }

[ $fail = 0 ] && echo "upstream drift: ok"
exit $fail
