#!/bin/sh
# stress/two_runs_one_name.sh PROG DIR: two runs of a program that fails (runq-torture-broken),
# with the same seed, in one folder, started at once and without --fail-file. Neither may
# refuse to start (their start-up checks of the default failure file's name meet), and each
# failure must get its own files: runq-torture-fail-5.txt and runq-torture-fail-5-2.txt,
# one per run, each named by that run's own "--- failure trace:" line.
prog=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 2
"$prog" --duration 20s --seed 5 >a.log 2>&1 &
a=$!
"$prog" --duration 20s --seed 5 >b.log 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
echo "exit codes: $ra $rb (1 expected: a failure)"
fa=$(sed -n 's/^--- failure trace: \([^ ]*\) .*/\1/p' a.log)
fb=$(sed -n 's/^--- failure trace: \([^ ]*\) .*/\1/p' b.log)
echo "failure files: '$fa' '$fb'"
ok=1
[ "$ra" = 1 ] && [ "$rb" = 1 ] || ok=0
[ -n "$fa" ] && [ -n "$fb" ] && [ "$fa" != "$fb" ] || ok=0
for f in runq-torture-fail-5.txt runq-torture-fail-5-2.txt; do
  [ -s "$f" ] || { echo "!!! $f missing or empty"; ok=0; }
  grep -q '^invariant ' "$f" 2>/dev/null || { echo "!!! $f holds no failure"; ok=0; }
done
if [ $ok = 1 ]; then
  echo "two_runs_one_name: passed"
  exit 0
fi
echo "--- a.log"; tail -n 15 a.log; echo "--- b.log"; tail -n 15 b.log
echo "two_runs_one_name: FAILED"
exit 1
