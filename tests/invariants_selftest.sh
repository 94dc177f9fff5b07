#!/bin/sh
# tests/invariants_selftest.sh - ci/invariants_table.py --check has teeth: on a copy of the
# registry and docs/invariants.md (both tables) it passes, then fails for a hand-edited
# table, and for a source that prints an unregistered id.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/harness" "$tmp/stress" "$tmp/ci" "$tmp/docs"
cp "$src/harness/invariants.def" "$tmp/harness/"
cp "$src/docs/invariants.md" "$tmp/docs/"
check() { python3 "$src/ci/invariants_table.py" --check --root "$tmp" >"$tmp/out" 2>&1; }
check || { echo "FAIL: the copy does not pass"; cat "$tmp/out"; exit 1; }
sed -i 's/^| `dup-g` | engine, stress | a G in two places/| `dup-g` | engine, stress | a G in three places/' "$tmp/docs/invariants.md"
if check; then echo "FAIL: an edited table passed"; exit 1; fi
grep -q "docs/invariants.md: the engine invariant table differs" "$tmp/out" || { cat "$tmp/out"; exit 1; }
python3 "$src/ci/invariants_table.py" --root "$tmp" >/dev/null
check || { echo "FAIL: regenerating did not fix the table"; cat "$tmp/out"; exit 1; }
bad=made-up; bad=$bad-id # built at run time, so that this file names no unregistered id
printf 'printf("!!! invariant=%s: x\\n");\n' "$bad" >"$tmp/stress/x.c"
if check; then echo "FAIL: an unregistered id passed"; exit 1; fi
grep -q "stress/x.c:1: invariant=$bad is not registered" "$tmp/out" || { cat "$tmp/out"; exit 1; }
printf 'stress_fail(0, INV_NOT_OWNER, "x");\n' >"$tmp/stress/x.c"
if check; then echo "FAIL: an engine-only id used in stress/ passed"; exit 1; fi
grep -q "stress/x.c:1: INV_NOT_OWNER is reported from stress/" "$tmp/out" || { cat "$tmp/out"; exit 1; }
echo "invariants self-test: ok"
