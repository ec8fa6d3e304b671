/* Shared helpers for the Check suites. */
#ifndef WINSHIM_TESTUTIL_H
#define WINSHIM_TESTUTIL_H

#include <windows.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* expr must fail (FALSE/NULL/0) and leave exactly `err` as the last error. */
#define ASSERT_FAILS(expr, err)                                              \
    do {                                                                     \
        SetLastError(0xdeadbeef);                                            \
        ck_assert_msg(!(expr), "%s succeeded", #expr);                       \
        ck_assert_msg(GetLastError() == (DWORD)(err),                        \
                      "%s: last error %lu, expected %lu", #expr,             \
                      (unsigned long)GetLastError(), (unsigned long)(err));  \
    } while (0)

/* A wait must return `want`; WAIT_FAILED also checks the last error. */
#define ASSERT_WAIT(expr, want)                                              \
    do {                                                                     \
        DWORD r_ = (expr);                                                   \
        ck_assert_msg(r_ == (DWORD)(want), "%s returned %#lx, expected %#lx", \
                      #expr, (unsigned long)r_, (unsigned long)(want));      \
    } while (0)

#define ASSERT_LAST_ERROR(err)                                               \
    ck_assert_msg(GetLastError() == (DWORD)(err), "last error %lu, expected %lu", \
                  (unsigned long)GetLastError(), (unsigned long)(err))

/* The state of an event without changing it: a zero wait on a manual event
 * does not consume; for auto-reset events re-set it afterwards. */
static inline int event_is_set(HANDLE h, int manual)
{
    DWORD r = WaitForSingleObject(h, 0);
    ck_assert(r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT);
    if (r == WAIT_OBJECT_0 && !manual)
        SetEvent(h);
    return r == WAIT_OBJECT_0;
}

#define TEST_MAIN(make_suite)                                                \
    int main(void)                                                           \
    {                                                                        \
        SRunner *sr = srunner_create(make_suite());                          \
        srunner_run_all(sr, CK_NORMAL);                                      \
        int failed = srunner_ntests_failed(sr);                              \
        srunner_free(sr);                                                    \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                         \
    }

/* The same for a suite whose tests start this executable again as a
 * child process: `--child` anywhere in argv runs child_main(argc, argv,
 * its index) instead. */
#define TEST_MAIN_WITH_CHILD(make_suite, child_main)                         \
    int main(int argc, char **argv)                                          \
    {                                                                        \
        for (int k = 1; k < argc; k++)                                       \
            if (!strcmp(argv[k], "--child"))                                 \
                return child_main(argc, argv, k);                            \
        SRunner *sr = srunner_create(make_suite());                          \
        srunner_run_all(sr, CK_NORMAL);                                      \
        int failed = srunner_ntests_failed(sr);                              \
        srunner_free(sr);                                                    \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                         \
    }

/* Sleep a little without winshim (to let other threads block). */
static inline void settle_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Removes a flat directory the test made and the files in it (a private
 * session or grant directory whose processes left with _exit). */
static inline void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    rmdir(dir);
}

#endif
