#!/bin/sh
# patch_or_copy.sh OUT ORIGINAL PATCH: write ORIGINAL with PATCH applied to OUT; if the
# patch does not apply (a mutant is already in ORIGINAL, as inside ci/mutation.sh's
# scratch tree), copy ORIGINAL unpatched and warn: the teeth tests then fail, the rest of
# the build does not.
out=$1 original=$2 patch=$3
if ! patch -s -o "$out" "$original" "$patch" >/dev/null 2>&1; then
  echo "warning: $patch does not apply; teeth variant built unpatched" >&2
  cp "$original" "$out"
fi
