#!/usr/bin/env bash
# ci/look.sh - draws one Chrome trace as a swimlane picture, offline: ci/swimlane.py writes
# a self-contained SVG (a lane per thread, the ops, the accesses by memory order, the
# failure, the queues), and headless Chromium (Debian) renders it to PNG. The Chrome trace
# is what runq-replay/runq-explore --chrome-trace and runq-torture's failure
# (<fail-file>.trace.json) write; it also opens in Perfetto UI and chrome://tracing.
#
#   ci/look.sh [--out PNG] [--replay BIN] [--no-png] [TRACE.json | SCHEDULE]
#
#   TRACE.json   a trace to draw; a SCHEDULE (any other file) is first exported with
#                `BIN --chrome-trace` (BIN: --replay, default the first of build/{default,
#                fuzz,asan}/bin/runq-replay). Default: the committed failing schedule
#                corpus/fuzz_runq_sched/regress-steal-races-drain.txt under
#                build/default/bin/runq-replay-cl310149-drain-link-before-cas (the reverted
#                first runqdrain: it fails with not-holder), else a passing schedule.
#   --out PNG    the picture (default out/look/trace.png); the SVG and the trace are kept
#                beside it (trace.svg, trace.trace.json)
#   --no-png     the SVG only (no browser needed)
#
# Installs chromium with apt-get when root (else prints the command). Nightly only: the
# gate does not depend on a browser.
# Exit: 0 picture written, 1 nothing usable written, 2 usage or setup error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

out=out/look/trace.png replay= input= png=1
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || { echo "look.sh: --out needs a PNG path" >&2; exit 2; }; out=$2; shift 2 ;;
    --replay) [ $# -ge 2 ] || { echo "look.sh: --replay needs a program" >&2; exit 2; }; replay=$2; shift 2 ;;
    --no-png) png=0; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "look.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) [ -z "$input" ] || { echo "look.sh: one input file at most" >&2; exit 2; }; input=$1; shift ;;
  esac
done

need_packages python3:python3 || exit 2
if [ $png = 1 ]; then
  need_packages chromium:chromium || exit 2
  chromium_bin=$(command -v chromium || command -v chromium-browser)
fi

mkdir -p "$(dirname "$out")" || exit 2
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trace=${out%.png}.trace.json
svg=${out%.png}.svg

# The trace: given, or exported from a schedule.
if [ -z "$input" ]; then
  input=corpus/fuzz_runq_sched/regress-steal-races-drain.txt
  if [ -z "$replay" ] && [ -x build/default/bin/runq-replay-cl310149-drain-link-before-cas ]; then
    replay=build/default/bin/runq-replay-cl310149-drain-link-before-cas
  fi
fi
[ -f "$input" ] || { echo "look.sh: $input: no such file" >&2; exit 2; }
case $input in
  *.json) [ "$(cd "$(dirname "$input")" && pwd)/$(basename "$input")" = "$trace" ] || cp "$input" "$trace" ;;
  *)
    if [ -z "$replay" ]; then
      for p in default fuzz asan; do
        [ -x "build/$p/bin/runq-replay" ] && { replay=build/$p/bin/runq-replay; break; }
      done
    fi
    [ -n "$replay" ] && [ -x "$replay" ] ||
      { echo "look.sh: no runq-replay to export $input (build one, or pass --replay BIN)" >&2; exit 2; }
    "$replay" --chrome-trace "$trace" "$input" | sed 's/^/   /'
    [ -s "$trace" ] || { echo "!!! look.sh: $replay wrote no trace for $input" >&2; exit 1; } ;;
esac
python3 ci/check_chrome_trace.py "$trace" || exit 1
python3 ci/swimlane.py "$trace" -o "$svg" | sed 's/^/   /'
[ -s "$svg" ] || { echo "!!! look.sh: ci/swimlane.py wrote no SVG" >&2; exit 1; }
if [ $png = 0 ]; then
  echo "look: ${svg#$RUNQ_ROOT/}, trace ${trace#$RUNQ_ROOT/}"
  exit 0
fi

# The SVG's own size is the window: the screenshot is the whole picture at 1:1.
size=$(python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot(); print("%s,%s" % (r.get("width"), r.get("height")))' "$svg")
rm -f "$out"
echo "== $chromium_bin --headless --screenshot=${out#$RUNQ_ROOT/} (${svg#$RUNQ_ROOT/}, $size)"
timeout -s KILL 180 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic \
  --disable-dev-shm-usage --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size="$size" --screenshot="$out" "file://$svg" >"$work/chromium.log" 2>&1
rc=$?
if [ ! -s "$out" ]; then
  echo "!!! look.sh: chromium (exit $rc) wrote no screenshot; its log:" >&2
  tail -n 20 "$work/chromium.log" | sed 's/^/    | /' >&2
  exit 1
fi
echo "look: ${out#$RUNQ_ROOT/} ($(stat -c %s "$out") bytes), ${svg#$RUNQ_ROOT/}, trace ${trace#$RUNQ_ROOT/}"
