#!/bin/sh
# A stand-in for a runq-torture that never ends (test of ci/stress_run.sh's hard limit).
exec sleep 1000
