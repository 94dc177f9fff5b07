#!/usr/bin/env bash
# tools/bench_check_go_tree.sh - the wall time of ci/check-go-tree.sh, quick and full, each
# from scratch (fresh build dirs), with what the figure needs beside it: date, commit,
# machine (cores, CPU model), load average before and after, and the command.
#
#   tools/bench_check_go_tree.sh [--budget 10m] [--only quick|full] [TREE]
#
#   TREE          a GOROOT or a proc.go (default: $(go env GOROOT))
#   --budget DUR  the full check's budget (default 10m, its own default)
#   --only MODE   time one mode
# The builds go to a temporary directory, removed at the end. A measurement, not a test:
# it prints the figures (for docs/figures.md) and exits 0 if the timed commands ran (each
# command's exit is printed too), 2 on bad usage.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
budget=10m only="" tree=""
while [ $# -gt 0 ]; do
  case $1 in
    --budget) [ $# -ge 2 ] || { echo "bench_check_go_tree: --budget needs a duration" >&2; exit 2; }
              budget=$2; shift ;;
    --only) [ $# -ge 2 ] || { echo "bench_check_go_tree: --only needs quick or full" >&2; exit 2; }
            only=$2; shift ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench_check_go_tree: unknown option '$1'" >&2; exit 2 ;;
    *) tree=$1 ;;
  esac
  shift
done
case $only in '' | quick | full) ;; *) echo "bench_check_go_tree: --only quick or full, not '$only'" >&2; exit 2 ;; esac
[ -n "$tree" ] || tree=$(go env GOROOT 2>/dev/null)
[ -n "$tree" ] || { echo "bench_check_go_tree: no TREE and no go (apt-get install golang-go)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/bench-check-go-tree.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null)
dirty=$(git -C "$root" status --porcelain 2>/dev/null | grep -v '^??' | head -n 1)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit: ${commit:-?}${dirty:+ (with uncommitted changes)}"
echo "machine: $(nproc) cores, ${model:-unknown CPU}"
echo "tree: $tree ($(go version 2>/dev/null | cut -d' ' -f3))"

rc=0
for mode in quick full; do
  [ -z "$only" ] || [ "$only" = $mode ] || continue
  args=(--quick)
  [ $mode = full ] && args=(--budget "$budget")
  cmd="ci/check-go-tree.sh ${args[*]} --build-dir $tmp/$mode $tree"
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  t0=$(date +%s%N)
  (cd "$root" && ci/check-go-tree.sh "${args[@]}" --build-dir "$tmp/$mode" "$tree") >"$tmp/$mode.log" 2>&1
  crc=$?
  t1=$(date +%s%N)
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  ms=$(((t1 - t0) / 1000000))
  echo
  echo "$mode: $((ms / 1000)).$(((ms % 1000) / 100)) s wall, exit $crc; load average $load0 before, $load1 after"
  echo "  command (from scratch: empty build dirs): $cmd"
  sed -n '/^step /,$p' "$tmp/$mode.log" | sed 's/^/  | /'
  [ $crc -le 1 ] || tail -n 20 "$tmp/$mode.log" | sed 's/^/  ! /'
  [ $crc -le 1 ] || rc=1
done
exit $rc
