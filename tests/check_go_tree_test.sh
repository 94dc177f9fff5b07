#!/bin/sh
# check_go_tree_test.sh CASE SRCDIR WORKDIR [ARGS]: ci/check-go-tree.sh --quick on copies of
# Debian's Go proc.go (made in WORKDIR; the builds go to WORKDIR/build, shared by the cases:
# ctest runs them one at a time, RESOURCE_LOCK).
#   mutant NAME INV  ci/go-mutants/NAME.patch applied to the copy: exit 1, the first FAIL
#                    line names invariant INV; its reproduce: line, run as printed from
#                    another directory (/), fails again with INV and traces proc.go lines
#   clean            the unmodified proc.go: exit 0, "verdict: PASS"
#   full-clean       the full check (--budget 2m) on the unmodified proc.go: exit 0, every
#                    step passes
#   full-mutant NAME INV  the full check (--budget 2m) on NAME: exit 1, the replay step fails
#                    with INV, and every failure's reproduce: line, run as printed from
#                    another directory (WORKDIR/elsewhere: runq-torture writes files there),
#                    fails with the invariant that failure names
#   missing          no such file: exit 2, "no such file"
#   not-go           a text file that is not Go: exit 2, names the file and why
#   refused          a proc.go the importer refuses (a defer in runqput): exit 2 with the
#                    importer's "proc.go:LINE:COL: cannot import defer statement in runqput"
#   no-runq          a Go runtime file without the run-queue functions (runtime/stubs.go):
#                    exit 2 with the importer's message
#   bad-budget       --budget soon: exit 2, names the option
#   master-clean PROC  a Go master proc.go (the master API family): exit 0, the import row
#                    names the family, replay passes
#   master-mutant PROC SED INV  ci/go-mutants/SED.sed applied to a copy of that proc.go:
#                    exit 1 with INV, and its reproduce: line (runq-replay-imported-master
#                    --go master) fails again with INV from /
#   master-full-clean PROC  the full check (--budget 2m) on a Go master proc.go: exit 0,
#                    every step passes (fuzz and stress too: no step skipped)
#   master-full-mutant PROC SED INV  the full check (--budget 2m) on SED's copy of PROC:
#                    exit 1, the replay step fails with INV, and every failure's
#                    reproduce: line, run as printed from another directory, fails with the
#                    invariant that failure names
# Exits 77 (ctest: skipped) without a Go tree (apt-get install golang-go).
set -u
case_=$1 src=$2 work=$3
shift 3
case $src in /*) ;; *) src=$PWD/$src ;; esac
case $work in /*) ;; *) work=$PWD/$work ;; esac
goroot=$(go env GOROOT 2>/dev/null)
if [ -z "$goroot" ] || [ ! -f "$goroot/src/runtime/proc.go" ]; then
    echo "no Go tree (apt-get install golang-go): skipped"
    exit 77
fi
check=$src/ci/check-go-tree.sh
build=$work/build
fail() {
    echo "FAIL: $*"
    exit 1
}
# run ARGS...: check-go-tree from WORKDIR/case; out and rc
run() {
    mkdir -p "$work/$case_" || exit 2
    echo "running (from $work/$case_): $check $*"
    out=$(cd "$work/$case_" && "$check" "$@" 2>&1)
    rc=$?
    printf '%s\n' "$out" | tail -n 20
    echo "  -> exit $rc"
}

# follow_reproduce NAME TAG [MATCH]: for every failure block in $out ("FAIL STEP: invariant=ID"
# then its "  reproduce: " line), run the line exactly as printed from $work/elsewhere and
# require exit 1 with the same invariant (a line that does not match the shell pattern MATCH,
# if given, fails at once). Sets n, the number of lines followed.
follow_reproduce() {
    fname=$1 tag=$2 match=${3:-*}
    rm -rf "$work/elsewhere" && mkdir -p "$work/elsewhere" || exit 2
    n=0
    printf '%s\n' "$out" | awk '/^FAIL [a-z-]+: invariant=/ {inv = $3; sub(/^invariant=/, "", inv)}
        /^  reproduce: / && inv != "" {sub(/^  reproduce: /, ""); print inv "\t" $0; inv = ""}' >"$work/$tag.repro"
    while IFS="$(printf '\t')" read -r inv line; do
        n=$((n + 1))
        case $line in $match) ;; *) fail "$fname: reproduce: line '$line' does not match $match" ;; esac
        echo "following (from $work/elsewhere, want $inv): $line"
        again=$(cd "$work/elsewhere" && sh -c "$line" 2>&1)
        arc=$?
        ainv=$(printf '%s\n' "$again" | sed -n 's/^!!! \(first failure: \)\{0,1\}invariant=\([a-z0-9-]*\).*/\2/p' | head -n 1)
        echo "  -> exit $arc, invariant=$ainv"
        [ $arc = 1 ] && [ "$ainv" = "$inv" ] || fail "$fname: a reproduce: line gave exit $arc, invariant '$ainv', want $inv"
    done <"$work/$tag.repro"
}

case $case_ in
mutant)
    name=$1 want=$2
    rm -rf "$work/$name" && mkdir -p "$work/$name" || exit 2
    patch -s -o "$work/$name/proc.go" "$goroot/src/runtime/proc.go" \
        "$src/ci/go-mutants/$name.patch" || fail "ci/go-mutants/$name.patch does not apply to $goroot"
    run --quick --build-dir "$build" "$work/$name/proc.go"
    [ $rc = 1 ] || fail "$name: exit $rc, want 1"
    inv=$(printf '%s\n' "$out" | sed -n 's/^FAIL [a-z-]*: invariant=\([a-z0-9-]*\).*/\1/p' | head -n 1)
    [ "$inv" = "$want" ] || fail "$name: first invariant '$inv', want '$want'"
    line=$(printf '%s\n' "$out" | sed -n 's/^  reproduce: //p' | head -n 1)
    [ -n "$line" ] || fail "$name: no reproduce: line"
    echo "following (from /): $line"
    again=$(cd / && sh -c "$line" 2>&1)
    arc=$?
    ainv=$(printf '%s\n' "$again" | sed -n 's/^!!! invariant=\([a-z0-9-]*\).*/\1/p' | head -n 1)
    echo "  -> exit $arc, invariant=$ainv"
    [ $arc = 1 ] && [ "$ainv" = "$want" ] || {
        printf '%s\n' "$again" | tail -n 15
        fail "$name: the reproduce: line gave exit $arc, invariant '$ainv'"
    }
    printf '%s\n' "$again" | grep -q 'proc\.go:[0-9]' || fail "$name: the reproduce: line names no proc.go line"
    printf '%s\n' "$again" | grep '^last access of'
    echo "ok: $name caught with invariant=$want, and its reproduce: line fails the same way"
    ;;
clean)
    run --quick --build-dir "$build" "$goroot"
    [ $rc = 0 ] || fail "the unmodified Go tree: exit $rc, want 0"
    printf '%s\n' "$out" | grep -q '^verdict: PASS' || fail "no 'verdict: PASS' line"
    echo "ok: $goroot passes"
    ;;
full-clean)
    run --budget 2m --build-dir "$build-full" "$goroot"
    [ $rc = 0 ] || fail "the full check of the unmodified Go tree: exit $rc, want 0"
    for step in import build build-asan replay replay-asan explore-sc explore-weak fuzz-sched fuzz-model stress; do
        printf '%s\n' "$out" | grep -qE "^$step +pass " || fail "step $step did not pass"
    done
    echo "ok: the full check passes $goroot, every step"
    ;;
full-mutant)
    name=$1 want=$2
    rm -rf "$work/$name" && mkdir -p "$work/$name" || exit 2
    patch -s -o "$work/$name/proc.go" "$goroot/src/runtime/proc.go" \
        "$src/ci/go-mutants/$name.patch" || fail "ci/go-mutants/$name.patch does not apply to $goroot"
    run --budget 2m --build-dir "$build-full" "$work/$name/proc.go"
    [ $rc = 1 ] || fail "$name: exit $rc, want 1"
    printf '%s\n' "$out" | grep -q "^FAIL replay: invariant=$want " || fail "$name: the replay step does not fail with $want"
    follow_reproduce "$name" "$name"
    [ $n -ge 5 ] || fail "$name: only $n failures with a reproduce: line (every step should find it)"
    echo "ok: $name: $n failures, each reproduce: line fails again with its invariant"
    ;;
master-clean)
    run --quick --build-dir "$build-master" "$1"
    [ $rc = 0 ] || fail "the master proc.go: exit $rc, want 0"
    printf '%s\n' "$out" | grep -qE '^import +pass .*API family master: runs with --go master' ||
        fail "the import row does not name the master family"
    printf '%s\n' "$out" | grep -qE '^replay +pass ' || fail "replay did not pass"
    echo "ok: $1 passes as a master-family port"
    ;;
master-mutant)
    proc=$1 name=$2 want=$3
    rm -rf "$work/$name" && mkdir -p "$work/$name" || exit 2
    sed -f "$src/ci/go-mutants/$name.sed" "$proc" >"$work/$name/proc.go" || exit 2
    ! cmp -s "$proc" "$work/$name/proc.go" || fail "ci/go-mutants/$name.sed changes nothing in $proc"
    run --quick --build-dir "$build-master" "$work/$name/proc.go"
    [ $rc = 1 ] || fail "$name: exit $rc, want 1"
    inv=$(printf '%s\n' "$out" | sed -n 's/^FAIL [a-z-]*: invariant=\([a-z0-9-]*\).*/\1/p' | head -n 1)
    [ "$inv" = "$want" ] || fail "$name: first invariant '$inv', want '$want'"
    line=$(printf '%s\n' "$out" | sed -n 's/^  reproduce: //p' | head -n 1)
    case $line in *runq-replay-imported-master*--go\ master*) ;; *) fail "$name: reproduce: line '$line' is not the master port's replay" ;; esac
    again=$(cd / && sh -c "$line" 2>&1)
    arc=$?
    ainv=$(printf '%s\n' "$again" | sed -n 's/^!!! invariant=\([a-z0-9-]*\).*/\1/p' | head -n 1)
    [ $arc = 1 ] && [ "$ainv" = "$want" ] || fail "$name: the reproduce: line gave exit $arc, invariant '$ainv'"
    echo "ok: $name caught with invariant=$want on the master-family import, and its reproduce: line fails the same way"
    ;;
master-full-clean)
    run --budget 2m --build-dir "$build-master-full" "$1"
    [ $rc = 0 ] || fail "the full check of the master proc.go: exit $rc, want 0"
    for step in import build build-asan replay replay-asan explore-sc explore-weak fuzz-sched fuzz-model stress; do
        printf '%s\n' "$out" | grep -qE "^$step +pass " || fail "step $step did not pass"
    done
    ! printf '%s\n' "$out" | grep -qE '^[a-z-]+ +skip ' || fail "a step was skipped"
    printf '%s\n' "$out" | grep -qE '^fuzz-sched +pass .*fuzz_runq_sched-imported-master: ' ||
        fail "fuzz-sched did not run fuzz_runq_sched-imported-master"
    printf '%s\n' "$out" | grep -qE '^stress +pass .*runq-torture-imported-master --go master ' ||
        fail "stress did not run runq-torture-imported-master --go master"
    echo "ok: the full check passes $1 as a master-family port, every step"
    ;;
master-full-mutant)
    proc=$1 name=$2 want=$3
    rm -rf "$work/$name-full" && mkdir -p "$work/$name-full" || exit 2
    sed -f "$src/ci/go-mutants/$name.sed" "$proc" >"$work/$name-full/proc.go" || exit 2
    ! cmp -s "$proc" "$work/$name-full/proc.go" || fail "ci/go-mutants/$name.sed changes nothing in $proc"
    run --budget 2m --build-dir "$build-master-full" "$work/$name-full/proc.go"
    [ $rc = 1 ] || fail "$name: exit $rc, want 1"
    printf '%s\n' "$out" | grep -q "^FAIL replay: invariant=$want " || fail "$name: the replay step does not fail with $want"
    follow_reproduce "$name" "$name-full" '*-imported-master*'
    [ $n -ge 2 ] || fail "$name: only $n failures with a reproduce: line"
    echo "ok: $name on the master-family import: $n failures, each reproduce: line fails again with its invariant"
    ;;
missing | not-go | refused | no-runq | bad-budget)
    case $case_ in
    missing)
        run --quick --build-dir "$build" "$work/no-such-dir/proc.go"
        msg="no-such-dir/proc.go: no such file" ;;
    not-go)
        run --quick --build-dir "$build" "$src/tests/data/hello.txt"
        msg="hello.txt: not a Go runtime source file" ;;
    refused)
        mkdir -p "$work/refused" || exit 2
        sed '/^func runqput(/,/^}/ s/^\tif next {$/\tdefer unlock(\&sched.lock)\n\tif next {/' \
            "$goroot/src/runtime/proc.go" >"$work/refused/proc.go" || exit 2
        n=$(grep -n 'defer unlock(&sched.lock)' "$work/refused/proc.go" | head -n 1 | cut -d: -f1)
        run --quick --build-dir "$build" "$work/refused/proc.go"
        msg="proc.go:$n:2: cannot import defer statement in runqput" ;;
    no-runq)
        run --quick --build-dir "$build" "$goroot/src/runtime/stubs.go"
        msg="stubs.go" ;;
    bad-budget)
        run --budget soon --build-dir "$build" "$goroot"
        msg="--budget: 'soon' is not a duration" ;;
    esac
    [ $rc = 2 ] || fail "$case_: exit $rc, want 2"
    printf '%s\n' "$out" | grep -qF -- "$msg" || fail "$case_: the message does not say '$msg'"
    echo "ok: $case_ refused (exit 2): $(printf '%s\n' "$out" | grep -F -- "$msg" | head -n 1)"
    ;;
*)
    echo "check_go_tree_test.sh: unknown case '$case_'" >&2
    exit 2
    ;;
esac
exit 0
