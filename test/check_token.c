/* Access tokens: OpenProcessToken, OpenThreadToken, GetTokenInformation,
 * the token pseudo-handles, closing and duplicating token handles. */
#include "testutil.h"

#include <sddl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void assert_sid(PSID sid, const char *want)
{
    char *s = NULL;
    ck_assert(ConvertSidToStringSidA(sid, &s));
    ck_assert_str_eq(s, want);
    LocalFree(s);
}

static void uid_sid(char *buf, size_t n, int group, unsigned id)
{
    snprintf(buf, n, "S-1-22-%d-%u", group ? 2 : 1, id);
}

START_TEST(test_open_and_query)
{
    HANDLE t = NULL;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t));
    ck_assert_ptr_nonnull(t);
    union {
        BYTE b[4096];
        TOKEN_USER user;
        TOKEN_OWNER owner;
        TOKEN_PRIMARY_GROUP group;
        TOKEN_GROUPS groups;
        TOKEN_TYPE type;
        TOKEN_ELEVATION elevation;
    } u;
    DWORD len = 0;
    char want[64];

    /* Sizes first, as programs do. */
    ASSERT_FAILS(GetTokenInformation(t, TokenUser, NULL, 0, &len), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, sizeof(TOKEN_USER) + 16);
    len = 0;
    ASSERT_FAILS(GetTokenInformation(t, TokenUser, u.b, sizeof(TOKEN_USER) + 15, &len),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, sizeof(TOKEN_USER) + 16);
    SetLastError(0xdeadbeef);
    ck_assert(GetTokenInformation(t, TokenUser, u.b, sizeof u, &len));
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef); /* success leaves it */
    ck_assert_uint_eq(len, sizeof(TOKEN_USER) + 16);
    uid_sid(want, sizeof want, 0, (unsigned)geteuid());
    assert_sid(u.user.User.Sid, want);
    ck_assert_uint_eq(u.user.User.Attributes, 0);

    ck_assert(GetTokenInformation(t, TokenOwner, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, sizeof(TOKEN_OWNER) + 16);
    assert_sid(u.owner.Owner, want);

    ck_assert(GetTokenInformation(t, TokenPrimaryGroup, u.b, sizeof u, &len));
    uid_sid(want, sizeof want, 1, (unsigned)getegid());
    assert_sid(u.group.PrimaryGroup, want);

    /* Groups: the primary group first, the supplementary ones, then the
     * well-known groups every user is in. */
    ASSERT_FAILS(GetTokenInformation(t, TokenGroups, NULL, 0, &len), ERROR_INSUFFICIENT_BUFFER);
    DWORD need = len;
    SetLastError(0xdeadbeef);
    ck_assert(GetTokenInformation(t, TokenGroups, u.b, sizeof u, &len));
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef);
    ck_assert_uint_eq(len, need);
    ck_assert_uint_ge(u.groups.GroupCount, 5);
    assert_sid(u.groups.Groups[0].Sid, want);
    DWORD n = u.groups.GroupCount;
    assert_sid(u.groups.Groups[n - 4].Sid, "S-1-1-0");
    assert_sid(u.groups.Groups[n - 3].Sid, "S-1-5-32-545");
    assert_sid(u.groups.Groups[n - 2].Sid, "S-1-5-4");
    assert_sid(u.groups.Groups[n - 1].Sid, "S-1-5-11");
    for (DWORD i = 0; i < n; i++) {
        ck_assert(IsValidSid(u.groups.Groups[i].Sid));
        /* Root is also an administrator, the owner group as on Windows. */
        DWORD owner = geteuid() == 0 && i == n - 5 ? SE_GROUP_OWNER : 0;
        ck_assert_uint_eq(u.groups.Groups[i].Attributes,
                          SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED |
                              owner);
    }
    if (geteuid() == 0)
        assert_sid(u.groups.Groups[n - 5].Sid, "S-1-5-32-544");
    gid_t sup[64];
    int ns = getgroups(64, sup);
    if (ns > 0) {
        /* Each supplementary group is there. */
        for (int k = 0; k < ns; k++) {
            uid_sid(want, sizeof want, 1, (unsigned)sup[k]);
            PSID s;
            ck_assert(ConvertStringSidToSidA(want, &s));
            BOOL found = FALSE;
            for (DWORD i = 0; i < n; i++)
                found |= EqualSid(s, u.groups.Groups[i].Sid);
            ck_assert_msg(found, "group %s missing", want);
            LocalFree(s);
        }
    }

    ck_assert(GetTokenInformation(t, TokenType, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, sizeof(TOKEN_TYPE));
    ck_assert_int_eq(u.type, TokenPrimary);
    ASSERT_FAILS(GetTokenInformation(t, TokenType, u.b, 3, &len), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, 4);
    ck_assert(GetTokenInformation(t, TokenElevation, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, sizeof(TOKEN_ELEVATION));
    ck_assert_uint_eq(u.elevation.TokenIsElevated, geteuid() == 0);

    /* Classes with no answer, and invalid ones. */
    ASSERT_FAILS(GetTokenInformation(t, TokenImpersonationLevel, u.b, sizeof u, &len),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetTokenInformation(t, TokenDefaultDacl, u.b, sizeof u, &len),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(GetTokenInformation(t, TokenLinkedToken, u.b, sizeof u, &len),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(GetTokenInformation(t, (TOKEN_INFORMATION_CLASS)0, u.b, sizeof u, &len),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetTokenInformation(t, MaxTokenInfoClass, u.b, sizeof u, &len),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetTokenInformation(t, TokenUser, u.b, sizeof u, NULL), ERROR_NOACCESS);

    /* Handles: duplicate, close; a token is not waitable. */
    HANDLE d;
    ck_assert(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    ck_assert(GetTokenInformation(d, TokenType, u.b, sizeof u, &len));
    ck_assert(CloseHandle(d));
    ck_assert(DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &d, TOKEN_QUERY_SOURCE,
                              FALSE, 0));
    ASSERT_FAILS(GetTokenInformation(d, TokenType, u.b, sizeof u, &len), ERROR_ACCESS_DENIED);
    ck_assert(CloseHandle(d));
    ASSERT_WAIT(WaitForSingleObject(t, 0), WAIT_FAILED);
    ck_assert(CloseHandle(t));
    ASSERT_FAILS(GetTokenInformation(t, TokenType, u.b, sizeof u, &len), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetTokenInformation(GetCurrentProcess(), TokenType, u.b, sizeof u, &len),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(GetTokenInformation(NULL, TokenType, u.b, sizeof u, &len), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_pseudo_handles)
{
    union {
        BYTE b[256];
        TOKEN_USER user;
        TOKEN_TYPE type;
    } u;
    DWORD len;
    char want[64];
    ck_assert(GetTokenInformation(GetCurrentProcessToken(), TokenUser, u.b, sizeof u, &len));
    uid_sid(want, sizeof want, 0, (unsigned)geteuid());
    assert_sid(u.user.User.Sid, want);
    ck_assert(GetTokenInformation(GetCurrentThreadEffectiveToken(), TokenType, u.b, sizeof u,
                                  &len));
    ck_assert_int_eq(u.type, TokenPrimary);
    ASSERT_FAILS(GetTokenInformation(GetCurrentThreadToken(), TokenType, u.b, sizeof u, &len),
                 ERROR_NO_TOKEN);
}
END_TEST

START_TEST(test_errors)
{
    HANDLE t = (HANDLE)1;
    ck_assert(OpenProcessToken(GetCurrentProcess(), 0, &t)); /* no rights: allowed */
    DWORD len;
    BYTE b[64];
    ASSERT_FAILS(GetTokenInformation(t, TokenType, b, sizeof b, &len), ERROR_ACCESS_DENIED);
    CloseHandle(t);
    ck_assert(OpenProcessToken(GetCurrentProcess(), GENERIC_READ, &t)); /* TOKEN_READ */
    ck_assert(GetTokenInformation(t, TokenType, b, sizeof b, &len));
    CloseHandle(t);
    ck_assert(OpenProcessToken(GetCurrentProcess(), MAXIMUM_ALLOWED, &t));
    ck_assert(GetTokenInformation(t, TokenType, b, sizeof b, &len));
    CloseHandle(t);
    ASSERT_FAILS(OpenProcessToken(GetCurrentProcess(), 0x8000, &t), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenProcessToken(GetCurrentProcess(), ACCESS_SYSTEM_SECURITY, &t),
                 ERROR_PRIVILEGE_NOT_HELD);
    ASSERT_FAILS(OpenProcessToken(NULL, TOKEN_QUERY, &t), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenProcessToken(GetCurrentThread(), TOKEN_QUERY, &t), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, NULL), ERROR_NOACCESS);

    /* A process handle without query rights. */
    HANDLE p;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &p,
                              SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(OpenProcessToken(p, TOKEN_QUERY, &t), ERROR_ACCESS_DENIED);
    CloseHandle(p);

    /* This thread does not impersonate. */
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, FALSE, &t), ERROR_NO_TOKEN);
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t), ERROR_NO_TOKEN);
    ASSERT_FAILS(OpenThreadToken(NULL, TOKEN_QUERY, TRUE, &t), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenThreadToken(GetCurrentProcess(), TOKEN_QUERY, TRUE, &t),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), 0x8000, TRUE, &t), ERROR_ACCESS_DENIED);
}
END_TEST

/* Another process's token: a child started by CreateProcess reports the
 * same user (the same credentials, read from /proc). */
START_TEST(test_other_process)
{
    char cmd[] = "/bin/sleep 5";
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    HANDLE t;
    ck_assert(OpenProcessToken(pi.hProcess, TOKEN_QUERY, &t));
    union {
        BYTE b[256];
        TOKEN_USER user;
        TOKEN_PRIMARY_GROUP group;
    } u;
    DWORD len;
    char want[64];
    ck_assert(GetTokenInformation(t, TokenUser, u.b, sizeof u, &len));
    uid_sid(want, sizeof want, 0, (unsigned)geteuid());
    assert_sid(u.user.User.Sid, want);
    ck_assert(GetTokenInformation(t, TokenPrimaryGroup, u.b, sizeof u, &len));
    uid_sid(want, sizeof want, 1, (unsigned)getegid());
    assert_sid(u.group.PrimaryGroup, want);
    CloseHandle(t);
    ck_assert(TerminateProcess(pi.hProcess, 1));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}
END_TEST

static Suite *token_suite(void)
{
    Suite *s = suite_create("token");
    TCase *tc = tcase_create("token");
    tcase_add_test(tc, test_open_and_query);
    tcase_add_test(tc, test_pseudo_handles);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_other_process);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(token_suite)
