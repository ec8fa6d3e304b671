#!/bin/sh
# flaky-guard.sh - the flakiness guard (issue 18): `make check` N times in a
# row from one clean build of the committed tree; counts the runs that
# pass and keeps the log of every failed test.  Not part of make check.
#
#   test/flaky-guard.sh [-n RUNS] [-j JOBS] [-k] [WORKDIR]
#
#   -n RUNS   how many runs (default 20; the bar is RUNS of RUNS)
#   -j JOBS   make -j for build and check (default 2)
#   -k        keep WORKDIR afterwards (kept anyway when a run failed)
#   WORKDIR   where the clean clone is built (default: a new mktemp -d)
#
# The clone is of HEAD (git clone of this checkout), so uncommitted edits
# are not tested.  Each run uses a session directory of its own
# (WINSHIM_SHM_DIR) and checks that nothing is left in it afterwards.
# Exit status 0 only when every run passed.  Logs: WORKDIR/run-K/.
set -u
runs=20 jobs=2 keep=no
while getopts n:j:k o; do
    case $o in
    n) runs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    k) keep=yes ;;
    *) sed -n 's/^# \{0,1\}//; 2,16p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/winshim-flaky.XXXXXX)}
mkdir -p "$work" || exit 2
echo "flaky-guard: clean clone of $(git -C "$top" rev-parse --short HEAD) in $work/src"
rm -rf "$work/src"
git clone -q "$top" "$work/src" || exit 2
cd "$work/src" || exit 2
(./bootstrap && make -j"$jobs") >"$work/build.log" 2>&1 || {
    echo "flaky-guard: the build failed (see $work/build.log)"
    exit 2
}
passed=0 k=1
while [ "$k" -le "$runs" ]; do
    shm=/dev/shm/winshim-flaky-$$-$k
    mkdir -m 0700 "$shm"
    start=$(date +%s)
    if WINSHIM_SHM_DIR=$shm make -j"$jobs" check >"$work/check-$k.log" 2>&1; then
        status=pass
        passed=$((passed + 1))
    else
        status=FAIL
        mkdir -p "$work/run-$k"
        cp test-suite.log "$work/run-$k/" 2>/dev/null
        for f in $(grep -l '^:test-result: FAIL\|^:test-result: ERROR' $(find . -name '*.trs') 2>/dev/null); do
            cp "${f%.trs}.log" "$work/run-$k/" 2>/dev/null
            echo "  run $k: $(basename "${f%.trs}") failed"
        done
    fi
    left=$(ls -A "$shm" 2>/dev/null | wc -l)
    [ "$left" -gt 0 ] && echo "  run $k: $left files left in $shm" && ls -A "$shm" | head -5
    rm -rf "$shm"
    echo "flaky-guard: run $k/$runs: $status ($(($(date +%s) - start)) s)"
    k=$((k + 1))
done
echo "flaky-guard: $passed of $runs runs of make check passed ($(git rev-parse --short HEAD))"
if [ "$passed" -eq "$runs" ] && [ "$keep" = no ]; then
    rm -rf "$work"
else
    echo "flaky-guard: logs in $work"
fi
[ "$passed" -eq "$runs" ]
