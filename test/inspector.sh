#!/bin/sh
# The inspector (tools/winshim-objects): against a process holding a
# signalled event, an owned mutex and a semaphore, in the human table and
# in JSON, its handle table, then after that process was killed with
# SIGKILL and nobody reaped it; then against two processes deadlocked on
# two named mutexes, with more threads waiting on an event (one of them
# in a wait-all): the waits, owners, the wait chains and the cycle; read
# while other processes' waits change under it; and it never writes the
# session.
set -u
INSPECT=./tools/winshim-objects
dir=$(mktemp -d /dev/shm/winshim-inspector.XXXXXX) || exit 99
WINSHIM_SHM_DIR=$dir
export WINSHIM_SHM_DIR
tag=t$$
out=$dir/out
holder=
wa=
wb=
cleanup() {
    for p in $holder $wa $wb; do kill -9 "$p" 2>/dev/null; done
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
expect '{"processes":[],"objects":[],"waits":[],"deadlocks":[]}'

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
grep -E "^S1 +Event +InspEvent_$tag +1 +[0-9]+ +0 +signaled manual" "$out" >/dev/null ||
    fail "event line"
grep -E "^S1 +Mutant +InspMutex_$tag +1 +[0-9]+ +0 +owner=[0-9]+ pid=$holder recursion=2" \
    "$out" >/dev/null || fail "mutex line"
grep -E "^S1 +Semaphore +InspSem_$tag +1 +[0-9]+ +0 +count=2 max=5" "$out" >/dev/null ||
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

holder_pid=$holder
holder=

# ---- who waits on what ----
# a owns DeadM1 and waits for DeadM2, which b owns while it waits for
# DeadM1; besides, three threads wait on the event WaitEv (one of them in
# a wait-all with a semaphore).  See test/inspector_waiter.c.
./test/inspector_waiter a "$tag" >"$dir/a.out" &
wa=$!
./test/inspector_waiter b "$tag" >"$dir/b.out" &
wb=$!
# No timed assertion: poll, with a generous bound, until the five waits
# are there (they block right after "ready").
i=0
until $INSPECT --waits >"$out" 2>&1 &&
    [ "$(grep -c -E "^($wa|$wb) " "$out")" = 5 ] &&
    [ "$(grep -c ' DEADLOCK ' "$out")" = 2 ]; do
    for p in $wa $wb; do
        kill -0 "$p" 2>/dev/null || fail "waiter $p ended: $(cat "$dir"/a.out "$dir"/b.out)"
    done
    i=$((i + 1))
    [ $i -lt 600 ] || fail "the waits never showed"
    sleep 0.1
done

# The wait table: each main thread (tid = pid) waits on the other's mutex.
grep -E "^$wa +$wa +one +600000ms +[0-9]+\.[0-9]s +DEADLOCK +\[0\] Mutant S1[\\]DeadM2_$tag owner=$wb/$wb\$" \
    "$out" >/dev/null || fail "a's wait"
grep -E "^$wb +$wb +one +600000ms +[0-9]+\.[0-9]s +DEADLOCK +\[0\] Mutant S1[\\]DeadM1_$tag owner=$wa/$wa\$" \
    "$out" >/dev/null || fail "b's wait"
grep -E "^$wa +[0-9]+ +one +INFINITE +[0-9]+\.[0-9]s +waiting +\[0\] Event S1[\\]WaitEv_$tag\$" \
    "$out" >/dev/null || fail "a's event wait"
grep -E "^$wb +[0-9]+ +one +600000ms +[0-9]+\.[0-9]s +waiting +\[0\] Event S1[\\]WaitEv_$tag\$" \
    "$out" >/dev/null || fail "b's event wait"
grep -A1 -E "^$wa +[0-9]+ +all +600000ms +[0-9]+\.[0-9]s +waiting +\[0\] Event S1[\\]WaitEv_$tag\$" \
    "$out" | grep -E "^ +\[1\] Semaphore handle 0x[0-9a-f]+\$" >/dev/null || fail "a's wait-all"
# The chains, each from one of the two, round the cycle.
expect "$wa/$wa -> Mutant S1\\DeadM2_$tag -> $wb/$wb -> Mutant S1\\DeadM1_$tag -> $wa/$wa  DEADLOCK"
expect "$wb/$wb -> Mutant S1\\DeadM1_$tag -> $wa/$wa -> Mutant S1\\DeadM2_$tag -> $wb/$wb  DEADLOCK"
[ "$(grep -c DEADLOCK\$ "$out")" = 2 ] || fail "chains of threads in no cycle"
# --pid: one process's waits.
$INSPECT --waits --pid "$wb" >"$out" || fail "--pid: exit $?"
[ "$(grep -c -E "^$wb " "$out")" = 2 ] && ! grep -E "^$wa " "$out" >/dev/null ||
    fail "--pid let another process through"
$INSPECT --waits --json --pid "$wb" >"$out" || fail "--pid --json: exit $?"
expect "\"deadlocks\":[[{\"node\":\"thread\","

# The named objects: waiter counts, and with -v who waits.
$INSPECT --name "_$tag" >"$out" || fail "objects: exit $?"
grep -E "^S1 +Event +WaitEv_$tag +[0-9]+ +[0-9]+ +3 +nonsignaled auto\$" "$out" >/dev/null ||
    fail "the event's waiters"
grep -E "^S1 +Mutant +DeadM1_$tag +[0-9]+ +[0-9]+ +1 +owner=$wa pid=$wa recursion=1\$" "$out" \
    >/dev/null || fail "DeadM1's waiter and owner"
grep -E "^S1 +Mutant +DeadM2_$tag +[0-9]+ +[0-9]+ +1 +owner=$wb pid=$wb recursion=1\$" "$out" \
    >/dev/null || fail "DeadM2's waiter and owner"
$INSPECT -v --name "WaitEv_$tag" >"$out" || fail "objects -v: exit $?"
grep -E "^    waiting: .*$wa/[0-9]+ " "$out" >/dev/null && expect "$wb/" &&
    grep -E "$wa/[0-9]+\(all\)" "$out" >/dev/null || fail "the event's waiting threads"
$INSPECT -v --name "DeadM1_$tag" >"$out" || fail "objects -v: exit $?"
expect "    waiting: $wb/$wb"

# JSON: the same facts.
$INSPECT --json -v >"$out" || fail "json: exit $?"
expect "\"name\":\"WaitEv_$tag\",\"type\":\"Event\",\"offset\":"
expect "\"waiters\":3,\"waiting\":["
expect "\"pid\":$wa,\"tid\":$wa,\"alive\":true,\"wait\":\"one\",\"alertable\":false,\"timeout_ms\":600000,"
expect "\"wait\":\"all\",\"alertable\":false,\"timeout_ms\":600000,"
expect "\"timeout_ms\":null,"
expect "\"deadlocked\":true"
expect "\"type\":\"Mutant\",\"namespace\":\"S1\",\"name\":\"DeadM2_$tag\""
expect "\"owner_pid\":$wb,\"owner_tid\":$wb}"
expect "\"owner_pid\":$wa,\"owner_tid\":$wa}"
expect "\"cycle\":true"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$out" "$wa" "$wb" "$tag" <<'PY' || fail "the JSON, read by python3"
import json, sys
doc = json.load(open(sys.argv[1]))
a, b, tag = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
mine = [w for w in doc["waits"] if w["pid"] in (a, b)]
assert len(mine) == 5, mine
dead = [w for w in mine if w["deadlocked"]]
assert sorted((w["pid"], w["tid"]) for w in dead) == sorted([(a, a), (b, b)]), dead
for w in dead:
    other = b if w["pid"] == a else a
    o = w["objects"][0]
    assert w["wait"] == "one" and w["timeout_ms"] == 600000 and w["cycle"], w
    assert o["type"] == "Mutant" and o["owner_pid"] == other and o["owner_tid"] == other, o
    assert [n.get("pid") for n in w["chain"] if n["node"] == "thread"] == [w["pid"], other, w["pid"]]
allw = [w for w in mine if w["wait"] == "all"]
assert len(allw) == 1 and [o["type"] for o in allw[0]["objects"]] == ["Event", "Semaphore"]
assert allw[0]["objects"][1]["name"] == "" and allw[0]["objects"][1]["handle"].startswith("0x")
cycles = [c for c in doc["deadlocks"]
          if {n.get("pid") for n in c if n["node"] == "thread"} == {a, b}]
assert len(cycles) == 1 and len(cycles[0]) == 5, doc["deadlocks"]
assert cycles[0][0] == cycles[0][-1] and cycles[0][0]["node"] == "thread"
ev = [o for o in doc["objects"] if o["name"] == "WaitEv_" + tag]
assert len(ev) == 1 and ev[0]["waiters"] == 3 and len(ev[0]["waiting"]) == 3, ev
assert sorted(x["wait"] for x in ev[0]["waiting"]) == ["all", "any", "any"], ev
PY
fi

# Killed, a cycle is no deadlock: reaping abandons the mutexes.
kill -9 "$wa" "$wb"
wait "$wa" "$wb" 2>/dev/null
$INSPECT --waits >"$out" || fail "waits after the kill: exit $?"
! grep -E ' DEADLOCK|DEADLOCK$' "$out" >/dev/null || fail "dead processes shown deadlocked"
$INSPECT --waits --json >"$out" || fail "json waits after the kill: exit $?"
expect '"deadlocks":[]}'
# Read while the waits change under it: two processes of four threads
# waiting and releasing without end; each read ends well and its JSON
# is whole.
./test/inspector_waiter churn "$tag" >"$dir/c1.out" &
wa=$!
./test/inspector_waiter churn "$tag" >"$dir/c2.out" &
wb=$!
i=0
until grep -q ready "$dir/c1.out" 2>/dev/null && grep -q ready "$dir/c2.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 600 ] || fail "the churners never got ready"
    sleep 0.1
done
for i in $(seq 40); do
    $INSPECT -v --json >"$dir/churn$i.json" 2>"$out" || fail "a read under churn: exit $?"
    $INSPECT --waits >"$out" 2>&1 || fail "a read under churn: exit $?"
done
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; [json.load(open(f)) for f in sys.argv[1:]]' "$dir"/churn*.json ||
        fail "a read under churn: not JSON"
fi
kill -0 "$wa" && kill -0 "$wb" || fail "a churner ended: $(cat "$dir"/c1.out "$dir"/c2.out)"
kill -9 "$wa" "$wb"
wait "$wa" "$wb" 2>/dev/null

# Nothing writes the session once its processes are gone: the inspector
# leaves it byte for byte.
sum() { dd if="$dir"/session-* bs=1M count=64 2>/dev/null | cksum; }
before=$(sum)
$INSPECT >/dev/null && $INSPECT --json -v >/dev/null && $INSPECT --waits >/dev/null &&
    $INSPECT --json --waits >/dev/null || fail "inspector failed"
$INSPECT --handles "$holder_pid" >/dev/null 2>&1 # reaped by now, or not
[ "$before" = "$(sum)" ] || fail "the inspector changed the session file"
wa=
wb=
echo "inspector: all checks passed"
