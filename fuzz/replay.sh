#!/bin/sh
# make check's fuzz run: the committed corpus and 300 generated programs
# (seed 18) through fuzz/replay, the harness built without libFuzzer.
: "${srcdir:=$(dirname "$0")/..}"
exec ./fuzz/replay -n "${FUZZ_REPLAY_COUNT:-300}" -s 18 "$srcdir/fuzz/corpus"
