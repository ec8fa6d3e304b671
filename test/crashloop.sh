#!/bin/sh
# make check's crash loop: 200 iterations of test/crashloop (a SIGKILL at a
# random moment, then the checks of a process death; see test/crashloop.c).
# CRASHLOOP_ITER changes the count.  Not under ThreadSanitizer, which
# cannot follow the workers' threads across the kills (check_shm's loop
# is skipped there too).
case "${CC:-}" in *-fsanitize=thread*) echo "skipped under TSan"; exit 77 ;; esac
exec ./test/crashloop -q -n "${CRASHLOOP_ITER:-200}"
