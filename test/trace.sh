#!/bin/sh
# Call tracing (WINSHIM_DEBUG, lib/trace/trace.c): the exact lines of a
# fixed sequence of calls (test/trace_prog.c) with +all; +err; channel
# selection; WINSHIM_DEBUG_FILE (appending, whole lines from 8 threads);
# a noreturn call; the program's own output and last errors the same with
# and without tracing; nothing traced when unset; a malformed
# WINSHIM_DEBUG and an unwritable WINSHIM_DEBUG_FILE.
set -u
if [ "${WINSHIM_TRACE_BUILT:-yes}" = no ]; then
    echo "SKIP: the library was configured with --disable-trace"
    exit 77
fi
PROG=$(pwd)/test/trace_prog
dir=$(mktemp -d /dev/shm/winshim-trace.XXXXXX) || exit 99
WINSHIM_SHM_DIR=$dir/shm
mkdir -m 0700 "$WINSHIM_SHM_DIR"
export WINSHIM_SHM_DIR
unset WINSHIM_DEBUG WINSHIM_DEBUG_FILE
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 99
fail() {
    echo "FAIL: $*"
    exit 1
}
# The lines without their time stamp and thread id, handle values as 0x?.
norm() {
    sed -E 's/^[0-9]+\.[0-9]{6} [0-9]+ //; s/0x[0-9a-f]+</0x?</g' "$@"
}
same() { # expected-file actual-file what
    diff -u "$1" "$2" >"$dir/diff" || { cat "$dir/diff"; fail "$3"; }
}

# Not set: no trace, and what the program sees.
"$PROG" calls >plain.out 2>plain.err || fail "plain run: exit $?"
[ -s plain.err ] && fail "trace output without WINSHIM_DEBUG: $(cat plain.err)"
cat >want.out <<'X'
CreateFileA: failed, error 2
after SetEvent: error 1234
after OpenEventA: error 1234
after CloseHandle: error 6
X
same want.out plain.out "program output without tracing"

# +all: every call, with its arguments, return value and error.
WINSHIM_DEBUG=+all "$PROG" calls >all.out 2>all.err || fail "+all run: exit $?"
same want.out all.out "tracing changed what the program sees"
norm all.err >all.got
cat >all.want <<'X'
event:CreateEventA(NULL, TRUE, FALSE, "Local\\trace-ev") -> 0x?<Event "Local\\trace-ev">
event:CreateEventW(NULL, FALSE, FALSE, L"Local\\w\xe9") -> 0x?<Event "Local\\w\xe9">
event:SetEvent(0x?<Event "Local\\trace-ev">) -> TRUE
wait:WaitForSingleObject(0x?<Event "Local\\trace-ev">, INFINITE) -> WAIT_OBJECT_0
event:ResetEvent(0x?<Event "Local\\trace-ev">) -> TRUE
wait:WaitForSingleObject(0x?<Event "Local\\trace-ev">, 0) -> WAIT_TIMEOUT
error:SetLastError(77) -> void
diskfile:CreateFileA("missing.txt", GENERIC_READ|GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED|FILE_ATTRIBUTE_NORMAL, NULL) -> INVALID_HANDLE_VALUE err=2 ERROR_FILE_NOT_FOUND
error:GetLastError() -> 2
error:SetLastError(1234) -> void
event:SetEvent(0x?<Event "Local\\trace-ev">) -> TRUE
error:GetLastError() -> 1234
event:OpenEventA(EVENT_MODIFY_STATE|SYNCHRONIZE, FALSE, "Local\\trace-ev") -> 0x?<Event "Local\\trace-ev">
error:GetLastError() -> 1234
handle:CloseHandle(0x?<Event "Local\\trace-ev">) -> TRUE
handle:CloseHandle(0x?<invalid>) -> FALSE err=6 ERROR_INVALID_HANDLE
error:GetLastError() -> 6
wait:Sleep(0) -> void
handle:CloseHandle(0x?<Event "Local\\w\xe9">) -> TRUE
handle:CloseHandle(0x?<Event "Local\\trace-ev">) -> TRUE
X
same all.want all.got "+all lines"
# The prefix: monotonic seconds with microseconds, then the thread id.
grep -Evq '^[0-9]+\.[0-9]{6} [0-9]+ [a-z0-9_]+:[A-Za-z0-9_]+\(' all.err && fail "a line without its prefix"

# +err: only the calls that failed.
WINSHIM_DEBUG=+err "$PROG" calls >err.out 2>err.err || fail "+err run: exit $?"
same want.out err.out "+err changed what the program sees"
norm err.err >err.got
grep -E 'err=' all.want | grep -v 'GetLastError' >err.want
same err.want err.got "+err lines"

# Channels: a channel's own item beats "all" whatever the order; folders.
WINSHIM_DEBUG=+wait,+event,-all "$PROG" calls >/dev/null 2>chan.err || fail "channels: exit $?"
norm chan.err >chan.got
grep -E '^(wait|event):' all.want >chan.want
same chan.want chan.got "+wait,+event,-all"
WINSHIM_DEBUG=+all,-error,-handle "$PROG" calls >/dev/null 2>minus.err || fail "minus: exit $?"
norm minus.err >minus.got
grep -Ev '^(error|handle):' all.want >minus.want
same minus.want minus.got "+all,-error,-handle"
WINSHIM_DEBUG=+core "$PROG" calls >/dev/null 2>core.err || fail "folder: exit $?"
norm core.err >core.got
grep -E '^(error|handle|wait):' all.want >core.want
same core.want core.got "+core (lib/core's channels)"
WINSHIM_DEBUG=+sync.event,+err "$PROG" calls >/dev/null 2>none.err || fail "err+channel: exit $?"
[ -s none.err ] && fail "+sync.event,+err traced calls that did not fail: $(cat none.err)"

# A malformed item: one warning, the rest applies.
WINSHIM_DEBUG='+bogus,,-,+wait' "$PROG" calls >/dev/null 2>bad.err || fail "malformed: exit $?"
grep -v '^winshim: ' bad.err | norm >bad.got
grep -E '^wait:' all.want >bad.want
same bad.want bad.got "lines after a malformed WINSHIM_DEBUG"
grep -F -x "winshim: WINSHIM_DEBUG: unknown channel ignored: '+bogus'" bad.err >/dev/null ||
    fail "no warning for +bogus: $(cat bad.err)"
grep -F -x "winshim: WINSHIM_DEBUG: empty channel name ignored in '-'" bad.err >/dev/null ||
    fail "no warning for '-': $(cat bad.err)"
[ "$(grep -c '^winshim: ' bad.err)" = 2 ] || fail "not two warnings: $(cat bad.err)"

# WINSHIM_DEBUG_FILE: appended to; nothing on stderr.
WINSHIM_DEBUG=+wait WINSHIM_DEBUG_FILE=$dir/trace.log "$PROG" calls >/dev/null 2>file.err ||
    fail "file: exit $?"
WINSHIM_DEBUG=+wait WINSHIM_DEBUG_FILE=$dir/trace.log "$PROG" calls >/dev/null 2>>file.err ||
    fail "file: exit $?"
[ -s file.err ] && fail "stderr with WINSHIM_DEBUG_FILE: $(cat file.err)"
norm trace.log >file.got
{ grep -E '^wait:' all.want; grep -E '^wait:' all.want; } >file.want
same file.want file.got "WINSHIM_DEBUG_FILE, two runs appended"

# Unwritable WINSHIM_DEBUG_FILE: one warning, the trace on stderr.
WINSHIM_DEBUG=+wait WINSHIM_DEBUG_FILE=$dir/no/such/dir/log "$PROG" calls >/dev/null 2>unw.err ||
    fail "unwritable: exit $?"
[ "$(head -1 unw.err)" = "winshim: WINSHIM_DEBUG_FILE '$dir/no/such/dir/log': No such file or directory; tracing to stderr" ] ||
    fail "warning for an unwritable file: $(head -1 unw.err)"
tail -n +2 unw.err | norm >unw.got
same bad.want unw.got "trace on stderr after the warning"

# Threads: 8 x 200 SetEvent, every line whole, each thread's own id.
WINSHIM_DEBUG=+event WINSHIM_DEBUG_FILE=$dir/threads.log "$PROG" threads 8 || fail "threads: exit $?"
n=$(grep -c -E '^[0-9]+\.[0-9]{6} [0-9]+ event:SetEvent\(0x[0-9a-f]+<Event>\) -> TRUE$' threads.log)
[ "$n" = 1600 ] || fail "$n whole SetEvent lines of 1600"
[ "$(wc -l <threads.log)" = 1601 ] || fail "$(wc -l <threads.log) lines, not 1601 (with CreateEventA)"
[ "$(awk '/SetEvent/ { print $2 }' threads.log | sort -u | wc -l)" = 8 ] || fail "not 8 thread ids"

# A noreturn call: its line is written before the call.
WINSHIM_DEBUG=+thread "$PROG" exit >exit.out 2>exit.err || fail "exit: exit $?"
[ "$(cat exit.out)" = "exit code 5" ] || fail "exit: $(cat exit.out)"
grep -E -x '[0-9.]+ [0-9]+ thread:ExitThread\(5\) -> \(does not return\)' exit.err >/dev/null ||
    fail "no ExitThread line: $(cat exit.err)"
echo "trace: all checks passed"
