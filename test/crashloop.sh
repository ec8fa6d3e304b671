#!/bin/sh
# make check's crash loop: 200 iterations of test/crashloop (a SIGKILL at a
# random moment, then the checks of a process death; see test/crashloop.c).
# CRASHLOOP_ITER changes the count.  (A ThreadSanitizer build skips it:
# test/crashloop.c exits 77 there.)
exec ./test/crashloop -q -n "${CRASHLOOP_ITER:-200}"
