#!/usr/bin/env bash
# ci/nightly.sh - the main job (placeholder until the fuzz and stress parts land):
# builds the default and asan presets and runs the unit tests.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$RUNQ_ROOT"
need_tools
for preset in default asan; do
  step "build $preset" build_preset "$preset"
  step "ctest $preset" ctest --preset "$preset"
done
summary_table
