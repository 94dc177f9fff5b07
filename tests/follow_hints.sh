#!/bin/sh
# follow_hints.sh - the printed words are commands: a failure path of a program prints
# reproduce: lines and hints; each is copied from the output and run exactly as printed
# (sh -c) from another directory, and must give what it says.
#   follow_hints.sh CASE BINDIR SRCDIR WORKDIR [PROGRAM...]
# (PROGRAMs: the programs the case runs, named only so that ci/mutation.sh rebuilds them.)
# CASE:
#   record          runq-record-<v> on a committed recording: its reproduce: line fails
#                   with the recorded invariant; runq-replay-<v>'s own reproduce: line
#                   too; the plain runq-replay refuses the file (exit 2) and the program it
#                   names fails with it; runq-replay-<v> refuses the recording and the
#                   runq-record command it names converts it; runq-torture --schedule
#                   refuses the schedule naming runq-torture-broken; the fuzz
#                   standalone's reproduce: line too
#   explore         runq-explore-<v> --from-record and a plain search: their reproduce:
#                   lines fail with the invariant the search reported
#   torture-record  runq-torture-broken --record: the reproduce: line fails again; the
#                   recording hint writes a schedule (exit 0) whose reproduce: line fails
#                   with the run's invariant; the failure-schedule hint runs (exit 0 or 1)
#   search          runq-explore-<v> --search on a committed failure schedule of a
#                   runq-torture-broken failure at default settings (hand-off on): its
#                   reproduce: line fails with the stress run's invariant (dup-g)
#   torture-default runq-torture-broken at default settings: the reproduce: line fails
#                   again; the failure-schedule hint fails with the run's invariant (the
#                   schedule the run's search found) or, when the search found none, is the
#                   search (exit 0 or 1) and the recorder hint fails again and writes a
#                   recording
#   torture-throw   runq-torture-throw at default settings: the failure-schedule hint fails
#                   with invariant=throw
#   torture-inject  runq-torture --inject lost: the reproduce: line fails with lost-g; the
#                   failure-schedule hint runs (exit 0 or 1)
# Tools' lines run from / (they write nothing there); runq-torture's, which write their
# failure files into the current directory, from a fresh directory under WORKDIR.
# Real threads are not deterministic: a live case is tried up to 3 times, torture-record up
# to 5 (a recording's verified replay can name an earlier invariant than the run did, and
# runq-record then says so and exits 1: tools/stress_repro.sh measures how often).
set -u
case_=$1 bin=$2 src=$3 work=$4
v=grab-runnext-no-cas
rm -rf "$work" && mkdir -p "$work/elsewhere" || exit 2
fail() {
    echo "FAIL: $*"
    exit 1
}

# follow DIR LINE [EXPECTED_RC...]: runs LINE from DIR; out/rc/inv are its output, exit
# code and first invariant. false unless rc is one of the expected ones.
follow() {
    dir=$1 line=$2
    shift 2
    echo "following (from $dir): $line"
    out=$(cd "$dir" && sh -c "$line" 2>&1)
    rc=$?
    inv=$(printf '%s\n' "$out" | sed -n 's/^!!! \(first failure: \)\{0,1\}invariant=\([a-z0-9-]*\).*/\2/p' | head -n1)
    echo "  -> exit $rc${inv:+, invariant=$inv}"
    for want in "$@"; do
        [ "$rc" -eq "$want" ] && return 0
    done
    printf '%s\n' "$out" | tail -n 15
    return 1
}
# line_of TEXT PREFIX: the first line starting with PREFIX, PREFIX removed.
line_of() {
    printf '%s\n' "$1" | sed -n "s/^$2//p" | head -n1
}

case $case_ in
record)
    # In a folder with a space and a quote in its name: the printed paths are shell-quoted.
    work="$work/a dir's"
    mkdir -p "$work" || exit 2
    gunzip -c "$src/tests/data/record-broken-seed3.record.txt.gz" >"$work/r.record.txt" || exit 2
    out=$("$bin/runq-record-$v" "$work/r.record.txt" 2>&1) || fail "runq-record-$v: exit $?: $out"
    rec_inv=$(printf '%s\n' "$out" | sed -n 's/.*replays with invariant=\([a-z0-9-]*\).*/\1/p')
    line=$(line_of "$out" "reproduce: ")
    [ -n "$line" ] || fail "runq-record printed no reproduce: line"
    follow / "$line" 1 && [ "$inv" = "$rec_inv" ] || fail "runq-record's reproduce: line"
    again=$(line_of "$out" "reproduce: ")
    [ -n "$again" ] || fail "runq-replay-$v printed no reproduce: line"
    follow / "$again" 1 && [ "$inv" = "$rec_inv" ] || fail "runq-replay-$v's reproduce: line"
    follow / "\"$bin/runq-replay\" \"$work/r.replay.txt\"" 2 || fail "plain runq-replay took the file"
    right=$(printf '%s\n' "$out" | sed -n 's/.*: give it to \(.*\)$/\1/p' | sed 's/ (not built here)$//')
    [ -n "$right" ] || fail "the refusal names no program"
    follow / "$right --trace '$(printf '%s' "$work" | sed "s/'/'\\\\''/g")/r.replay.txt'" 1 && [ "$inv" = "$rec_inv" ] ||
        fail "the program the refusal names"
    # A recording given to runq-replay-<v>: the refusal's command (runq-record-<v>) writes
    # the schedule.
    follow / "\"$bin/runq-replay-$v\" \"$work/r.record.txt\"" 2 || fail "runq-replay-$v took a recording"
    cmd=$(printf '%s\n' "$out" | sed -n 's/.*: give it to [^(]*(\(.*\) writes a schedule that fails every time).*/\1/p')
    [ -n "$cmd" ] || fail "the refusal of a recording names no command"
    follow / "$cmd" 0 || fail "the refusal's runq-record command"
    # runq-torture --schedule refuses it too, naming the stress program of that port (where
    # stress/ is built).
    if [ -x "$bin/runq-torture" ]; then
        follow / "\"$bin/runq-torture\" --duration 1s --schedule \"$work/r.replay.txt\"" 2 &&
            printf '%s\n' "$out" | grep -q "give it to .*/runq-torture-broken$" ||
            fail "runq-torture --schedule did not send the file to runq-torture-broken"
    fi
    follow / "\"$bin/fuzz_runq_sched-standalone-$v\" \"$work/r.replay.txt\"" 134 ||
        fail "the fuzz standalone did not fail"
    fuzz_inv=$inv
    line=$(line_of "$out" "reproduce: ")
    [ -n "$line" ] || fail "the fuzz standalone printed no reproduce: line"
    follow / "$line" 1 && [ "$inv" = "$fuzz_inv" ] || fail "the fuzz standalone's reproduce: line"
    ;;
explore)
    gunzip -c "$src/tests/data/record-broken-seed3.record.txt.gz" >"$work/e.record.txt" || exit 2
    follow "$work" "\"$bin/runq-explore-$v\" --from-record --out \"$work/found.txt\" \"$work/e.record.txt\"" 1 ||
        fail "runq-explore-$v --from-record found nothing"
    found_inv=$inv
    line=$(line_of "$out" "reproduce: ")
    [ -n "$line" ] || fail "runq-explore --from-record printed no reproduce: line"
    follow / "$line" 1 && [ "$inv" = "$found_inv" ] || fail "--from-record's reproduce: line"
    follow "$work" "\"$bin/runq-explore-$v\" --preemptions 2 --out \"$work/search.txt\" \"$src/corpus/fuzz_runq_sched/regress-runnext-cas-lost.txt\"" 1 ||
        fail "runq-explore-$v found nothing"
    found_inv=$inv
    line=$(line_of "$out" "reproduce: ")
    [ -n "$line" ] || fail "runq-explore printed no reproduce: line"
    follow / "$line" 1 && [ "$inv" = "$found_inv" ] || fail "the search's reproduce: line"
    ;;
search)
    follow "$work" "\"$bin/runq-explore-$v\" --search --expect dup-g --out \"$work/found.txt\" \"$src/tests/data/failure-ops-broken-default.txt\"" 1 &&
        [ "$inv" = dup-g ] || fail "runq-explore-$v --search found no dup-g"
    line=$(line_of "$out" "reproduce: ")
    [ -n "$line" ] || fail "runq-explore --search printed no reproduce: line"
    follow / "$line" 1 && [ "$inv" = dup-g ] || fail "the search's reproduce: line"
    ;;
torture-*)
    case $case_ in
    torture-record) prog=runq-torture-broken args="--record --procs 4 --no-handoff --duration 60s" ;;
    torture-default) prog=runq-torture-broken args="--duration 60s" ;;
    torture-throw) prog=runq-torture-throw args="--duration 60s" ;;
    torture-inject) prog=runq-torture args="--inject lost --procs 4 --gs 256 --watchdog 2s --audit-interval 200ms --duration 60s" ;;
    *) echo "unknown case $case_" && exit 2 ;;
    esac
    tries=3
    [ "$case_" = torture-record ] && tries=5
    try=1
    while [ "$try" -le "$tries" ]; do
        echo "--- try $try"
        d=$work/run$try e=$work/elsewhere$try seed=$try
        mkdir -p "$d" "$e"
        try=$((try + 1))
        # shellcheck disable=SC2086 # args are words
        follow "$d" "\"$bin/$prog\" $args --seed $seed --fail-file f.txt" 1 || continue
        run_out=$out run_inv=$inv
        line=$(line_of "$run_out" "reproduce: ")
        [ -n "$line" ] || fail "$prog printed no reproduce: line"
        follow "$e" "$line" 1 || continue
        if [ "$case_" = torture-inject ] && [ "$inv" != "$run_inv" ]; then
            continue
        fi
        hint=$(printf '%s\n' "$run_out" | sed -n 's/^--- failure schedule: [^ ]* (runq-schedule v1: \(.*\))$/\1/p')
        [ -n "$hint" ] || fail "$prog printed no failure-schedule hint"
        searched=$(printf '%s\n' "$run_out" | grep -c '^--- it fails every time with invariant=')
        case $case_:$searched in
        torture-default:1 | torture-throw:*)
            # The schedule the run's search found: it fails with the run's invariant.
            follow / "$hint" 1 && [ "$inv" = "$run_inv" ] || fail "the failure-schedule hint gave ${inv:-no failure}, not $run_inv"
            ;;
        *)
            follow / "$hint" 0 1 || fail "the failure-schedule hint"
            ;;
        esac
        if [ "$case_" = torture-default ] && [ "$searched" = 0 ]; then
            # The recorder hint: the same run, at settings --record takes, fails again and
            # writes a recording (what the recording's own hint gives: torture-record).
            hint=$(printf '%s\n' "$run_out" | sed -n 's/^--- for a schedule that fails every time, run it again with the recorder ([^)]*): //p')
            [ -n "$hint" ] || fail "$prog printed no recorder hint"
            follow "$e" "$hint" 1 || continue
            printf '%s\n' "$out" | grep -q '^--- recording: ' || fail "the recorder hint's run wrote no recording"
        fi
        if [ "$case_" = torture-record ]; then
            hint=$(printf '%s\n' "$run_out" | sed -n 's/^--- recording: [^ ]* (\(.*\): a schedule that fails every time)$/\1/p')
            [ -n "$hint" ] || fail "$prog --record printed no recording hint"
            follow / "$hint" 0 || continue
            line=$(line_of "$out" "reproduce: ")
            [ -n "$line" ] || fail "runq-record printed no reproduce: line"
            follow / "$line" 1 && [ "$inv" = "$run_inv" ] || continue
        fi
        echo "follow_hints $case_: every printed line did what it says"
        exit 0
    done
    fail "no try of $tries followed every line as printed"
    ;;
*)
    echo "unknown case $case_"
    exit 2
    ;;
esac
echo "follow_hints $case_: every printed line did what it says"
