#!/bin/sh
# upstream-drift.sh PATH: does the run-queue code of a Go tree (a proc.go or a GOROOT)
# still match one of the ported versions (Go 1.19, Go master)? Prints, per version, the
# functions that changed since that port. Exit 0 matches a version, 1 matches none,
# 2 bad input. See ci/upstream_drift.py --help (also --record VERSION to re-fingerprint).
exec python3 "$(dirname "$0")/upstream_drift.py" "$@"
