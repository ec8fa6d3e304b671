/* make check-long: the handle table holds 2^24 handles, and the next
 * creation fails cleanly with a Windows error. */
#include "testutil.h"

START_TEST(test_fill_table)
{
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE d = NULL, last = NULL;
    long n = 1;
    for (;;) {
        if (!DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE,
                             DUPLICATE_SAME_ACCESS))
            break;
        last = d;
        n++;
    }
    ck_assert_ptr_null(d); /* a failed DuplicateHandle clears the output */
    ck_assert_int_eq(GetLastError(), ERROR_NO_SYSTEM_RESOURCES);
    ck_assert_int_eq(n, 1L << 24);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, NULL), ERROR_NO_SYSTEM_RESOURCES);
    /* Still usable: the last handle works, closing one makes room. */
    ck_assert(SetEvent(last));
    ck_assert(CloseHandle(last));
    HANDLE again = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert_ptr_nonnull(again);
    ck_assert(SetEvent(again));
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_fill_table);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(limits_suite)
