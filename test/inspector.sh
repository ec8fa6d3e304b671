#!/bin/sh
# The inspector (tools/winshim-objects): against a process holding a
# signalled event, an owned mutex and a semaphore, in the human table and
# in JSON, its handle table, then after that process was killed with
# SIGKILL and nobody reaped it; and it never writes the session.
set -u
INSPECT=./tools/winshim-objects
dir=$(mktemp -d /dev/shm/winshim-inspector.XXXXXX) || exit 99
WINSHIM_SHM_DIR=$dir
export WINSHIM_SHM_DIR
tag=t$$
out=$dir/out
holder=
cleanup() {
    [ -n "$holder" ] && kill -9 "$holder" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    echo "--- last output:"
    cat "$out" 2>/dev/null
    exit 1
}
expect() { # pattern: a fixed string that must be in $out
    grep -F -e "$1" "$out" >/dev/null || fail "no '$1'"
}

# No session yet: an empty result, not an error.
$INSPECT --json >"$out" 2>/dev/null || fail "no session: exit $?"
expect '{"processes":[],"objects":[]}'

./test/inspector_holder "$tag" >"$dir/ready" &
holder=$!
i=0
until grep -q ready "$dir/ready" 2>/dev/null; do
    kill -0 "$holder" 2>/dev/null || fail "holder ended: $(cat "$dir/ready")"
    i=$((i + 1))
    [ $i -lt 600 ] || fail "holder never got ready"
    sleep 0.1
done

# The human table.
$INSPECT >"$out" || fail "table: exit $?"
grep -E "LIVE +$holder +yes +[0-9]+ +[1-9]" "$out" >/dev/null || fail "holder not LIVE"
grep -E "^S1 +Event +InspEvent_$tag +1 +[0-9]+ +signaled manual" "$out" >/dev/null ||
    fail "event line"
grep -E "^S1 +Mutant +InspMutex_$tag +1 +[0-9]+ +owner=[0-9]+ pid=$holder recursion=2" \
    "$out" >/dev/null || fail "mutex line"
grep -E "^S1 +Semaphore +InspSem_$tag +1 +[0-9]+ +count=2 max=5" "$out" >/dev/null ||
    fail "semaphore line"
[ "$(grep -c ' LIVE ' "$out")" = 1 ] || fail "the inspector joined the process table"

# Filters.
$INSPECT --type mutant --name "_$tag" >"$out" || fail "filter: exit $?"
expect "InspMutex_$tag"
! grep -F "InspEvent_$tag" "$out" >/dev/null || fail "type filter let an event through"
$INSPECT --name "Sem_$tag" >"$out" || fail "filter: exit $?"
expect "InspSem_$tag"
! grep -F "InspMutex_$tag" "$out" >/dev/null || fail "name filter let a mutex through"

# JSON.
$INSPECT --json >"$out" || fail "json: exit $?"
expect "\"state\":\"LIVE\",\"pid\":$holder,"
expect "\"alive\":true"
expect "\"namespace\":\"S1\",\"name\":\"InspEvent_$tag\",\"type\":\"Event\""
expect "\"signaled\":true,\"manual_reset\":true"
expect "\"name\":\"InspMutex_$tag\",\"type\":\"Mutant\""
expect "\"owner_pid\":$holder,\"recursion\":2"
expect "\"name\":\"InspSem_$tag\",\"type\":\"Semaphore\""
expect "\"count\":2,\"maximum\":5"

# The holder's handle table: flags and access as the holder set them.
$INSPECT --handles "$holder" >"$out" || fail "handles: exit $?"
grep -E "^0x[0-9a-f]+ +Event +0x001f0003 +I +S1 +InspEvent_$tag " "$out" >/dev/null ||
    fail "event handle"
grep -E "^0x[0-9a-f]+ +Mutant +0x001f0001 +- +S1 +InspMutex_$tag " "$out" >/dev/null ||
    fail "mutex handle"
grep -E "^0x[0-9a-f]+ +Semaphore +0x001f0003 +P +S1 +InspSem_$tag " "$out" >/dev/null ||
    fail "semaphore handle"
$INSPECT --json --handles "$holder" >"$out" || fail "json handles: exit $?"
expect "\"type\":\"Event\",\"access\":\"0x001f0003\",\"inherit\":true,\"protect\":false"
expect "\"type\":\"Semaphore\",\"access\":\"0x001f0003\",\"inherit\":false,\"protect\":true"
if $INSPECT --handles 1 >"$out" 2>&1; then fail "--handles of a stranger succeeded"; fi
expect "not in the session"

# Killed, and nobody attached since to reap it: the slot is still there,
# shown dead, with what it held.
kill -9 "$holder"
wait "$holder" 2>/dev/null
$INSPECT >"$out" || fail "after the kill: exit $?"
grep -E "LIVE +$holder +dead " "$out" >/dev/null || fail "dead holder not shown dead"
expect "InspMutex_$tag"
$INSPECT --json >"$out" || fail "json after the kill: exit $?"
expect "\"pid\":$holder,"
expect "\"alive\":false"
$INSPECT --handles "$holder" >"$out" || fail "handles after the kill: exit $?"
expect "InspSem_$tag"

# Nothing writes the session now: the inspector leaves it byte for byte.
sum() { dd if="$dir"/session-* bs=1M count=64 2>/dev/null | cksum; }
before=$(sum)
$INSPECT >/dev/null && $INSPECT --json >/dev/null && $INSPECT --handles "$holder" >/dev/null ||
    fail "inspector failed"
[ "$before" = "$(sum)" ] || fail "the inspector changed the session file"
holder=
echo "inspector: all checks passed"
