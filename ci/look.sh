#!/usr/bin/env bash
# ci/look.sh - opens one exported Chrome trace in a real browser, offline, and keeps a
# screenshot: headless Chromium (Debian) showing speedscope (npm), which reads the
# Chrome Trace Event format that runq-replay/runq-explore --chrome-trace and runq-torture's
# failure (<fail-file>.trace.json) write.
#
#   ci/look.sh [--out PNG] [--replay BIN] [TRACE.json | SCHEDULE]
#
#   TRACE.json   a trace to show; a SCHEDULE (any other file) is first exported with
#                `BIN --chrome-trace` (BIN: --replay, default the first of build/{default,
#                fuzz,asan}/bin/runq-replay). Default: the committed failing schedule
#                corpus/fuzz_runq_sched/regress-steal-races-drain.txt under
#                build/default/bin/runq-replay-cl310149-drain-link-before-cas (the reverted
#                first runqdrain: it fails with not-holder), else a passing schedule.
#   --out PNG    the screenshot (default out/look/trace.png; the trace is copied beside it)
#
# Installs chromium, nodejs and npm with apt-get when root (else prints the command), and
# speedscope with npm into $RUNQ_LOOK_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/runqtorture/
# look), once. Nightly only: the gate does not depend on a browser (ctest checks the JSON
# with ci/check_chrome_trace.py instead).
# Exit: 0 screenshot written, 1 the browser wrote nothing usable, 2 usage or setup error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"

SPEEDSCOPE_VERSION=1.25.0
out=out/look/trace.png replay= input=
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || { echo "look.sh: --out needs a PNG path" >&2; exit 2; }; out=$2; shift 2 ;;
    --replay) [ $# -ge 2 ] || { echo "look.sh: --replay needs a program" >&2; exit 2; }; replay=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "look.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) [ -z "$input" ] || { echo "look.sh: one input file at most" >&2; exit 2; }; input=$1; shift ;;
  esac
done

need_packages chromium:chromium node:nodejs npm:npm python3:python3 || exit 2
chromium_bin=$(command -v chromium || command -v chromium-browser)

cache=${RUNQ_LOOK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runqtorture/look}
ss=$cache/node_modules/speedscope/dist/release/index.html
if [ ! -f "$ss" ]; then
  mkdir -p "$cache"
  echo "== npm install speedscope@$SPEEDSCOPE_VERSION into $cache"
  npm install --silent --no-audit --no-fund --prefix "$cache" "speedscope@$SPEEDSCOPE_VERSION" >&2 ||
    { echo "!!! look.sh: npm install speedscope failed" >&2; exit 2; }
  [ -f "$ss" ] || { echo "!!! look.sh: speedscope installed, but $ss is not there" >&2; exit 2; }
fi

mkdir -p "$(dirname "$out")" || exit 2
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trace=${out%.png}.trace.json

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

# speedscope loads a local profile from a script that calls loadFileFromBase64, the way
# its own command-line launcher does (no server, nothing fetched).
js=$work/profile.js
python3 - "$trace" "$js" <<'EOF'
import base64, json, os, sys
src = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "w") as f:
    f.write("speedscope.loadFileFromBase64(%s, %s)" % (json.dumps(os.path.basename(sys.argv[1])),
                                                       json.dumps(base64.b64encode(src).decode())))
EOF
url="file://$ss#localProfilePath=$js&view=time-ordered"
rm -f "$out"
echo "== $chromium_bin --headless --screenshot=$(rel_out=${out#$RUNQ_ROOT/}; echo "$rel_out") (speedscope $SPEEDSCOPE_VERSION, $(basename "$trace"))"
timeout -s KILL 180 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --no-first-run --hide-scrollbars --allow-file-access-from-files --user-data-dir="$work/profile" \
  --window-size=1600,900 --virtual-time-budget=20000 --screenshot="$out" "$url" \
  >"$work/chromium.log" 2>&1
rc=$?
if [ ! -s "$out" ]; then
  echo "!!! look.sh: chromium (exit $rc) wrote no screenshot; its log:" >&2
  tail -n 20 "$work/chromium.log" | sed 's/^/    | /' >&2
  exit 1
fi
echo "look: ${out#$RUNQ_ROOT/} ($(stat -c %s "$out") bytes), trace ${trace#$RUNQ_ROOT/}"
