/* Access tokens: OpenProcessToken, OpenThreadToken, GetTokenInformation,
 * the token pseudo-handles, closing and duplicating token handles. */
#include "testutil.h"

#include <sddl.h>
#include <stdbool.h>
#include <stddef.h>
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
    const SID_AND_ATTRIBUTES *ga = u.groups.Groups; /* [ANYSIZE_ARRAY]: through a pointer */
    assert_sid(ga[0].Sid, want);
    DWORD n = u.groups.GroupCount;
    assert_sid(ga[n - 4].Sid, "S-1-1-0");
    assert_sid(ga[n - 3].Sid, "S-1-5-32-545");
    assert_sid(ga[n - 2].Sid, "S-1-5-4");
    assert_sid(ga[n - 1].Sid, "S-1-5-11");
    for (DWORD i = 0; i < n; i++) {
        ck_assert(IsValidSid(ga[i].Sid));
        /* Root is also an administrator, the owner group as on Windows. */
        DWORD owner = geteuid() == 0 && i == n - 5 ? SE_GROUP_OWNER : 0;
        ck_assert_uint_eq(ga[i].Attributes,
                          SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED |
                              owner);
    }
    if (geteuid() == 0)
        assert_sid(ga[n - 5].Sid, "S-1-5-32-544");
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
                found |= EqualSid(s, ga[i].Sid);
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


/* ---- duplicating: types and impersonation levels ---- */

static DWORD info_dword(HANDLE t, TOKEN_INFORMATION_CLASS c)
{
    DWORD v = 0xcccccccc, len = 0;
    ck_assert_msg(GetTokenInformation(t, c, &v, sizeof v, &len), "class %d: %lu", (int)c,
                  (unsigned long)GetLastError());
    ck_assert_uint_eq(len, sizeof v);
    return v;
}

START_TEST(test_duplicate)
{
    HANDLE p, d, e;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &p));
    ck_assert(DuplicateToken(p, SecurityImpersonation, &d));
    ck_assert_uint_eq(info_dword(d, TokenType), TokenImpersonation);
    ck_assert_uint_eq(info_dword(d, TokenImpersonationLevel), SecurityImpersonation);
    /* DuplicateToken's handle has TOKEN_IMPERSONATE | TOKEN_QUERY only. */
    ASSERT_FAILS(DuplicateTokenEx(d, 0, NULL, SecurityIdentification, TokenImpersonation, &e),
                 ERROR_ACCESS_DENIED);
    CloseHandle(d);

    static const SECURITY_IMPERSONATION_LEVEL levels[] = {
        SecurityAnonymous, SecurityIdentification, SecurityImpersonation, SecurityDelegation};
    for (int i = 0; i < 4; i++) {
        ck_assert(DuplicateTokenEx(p, TOKEN_ALL_ACCESS, NULL, levels[i], TokenImpersonation, &d));
        ck_assert_uint_eq(info_dword(d, TokenType), TokenImpersonation);
        ck_assert_uint_eq(info_dword(d, TokenImpersonationLevel), levels[i]);
        /* No higher level than the source; a primary token only from
         * the impersonation level up. */
        for (int k = 0; k < 4; k++) {
            SetLastError(0xdeadbeef);
            BOOL ok = DuplicateTokenEx(d, 0, NULL, levels[k], TokenImpersonation, &e);
            if (k <= i) {
                ck_assert(ok);
                ck_assert_uint_eq(info_dword(e, TokenImpersonationLevel), levels[k]);
                CloseHandle(e);
            } else {
                ck_assert(!ok);
                ck_assert_uint_eq(GetLastError(), ERROR_BAD_IMPERSONATION_LEVEL);
            }
        }
        SetLastError(0xdeadbeef);
        BOOL ok = DuplicateTokenEx(d, 0, NULL, SecurityAnonymous, TokenPrimary, &e);
        if (levels[i] >= SecurityImpersonation) {
            ck_assert(ok);
            ck_assert_uint_eq(info_dword(e, TokenType), TokenPrimary);
            DWORD len;
            BYTE b[8];
            ASSERT_FAILS(GetTokenInformation(e, TokenImpersonationLevel, b, sizeof b, &len),
                         ERROR_INVALID_PARAMETER);
            CloseHandle(e);
        } else {
            ck_assert(!ok);
            ck_assert_uint_eq(GetLastError(), ERROR_BAD_IMPERSONATION_LEVEL);
        }
        CloseHandle(d);
    }
    /* Access 0: the source handle's rights. */
    ck_assert(DuplicateTokenEx(p, 0, NULL, SecurityIdentification, TokenImpersonation, &d));
    ASSERT_FAILS(AdjustTokenPrivileges(d, TRUE, NULL, 0, NULL, NULL), ERROR_ACCESS_DENIED);
    CloseHandle(d);
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    ck_assert(DuplicateTokenEx(p, TOKEN_QUERY, &sa, SecurityIdentification, TokenPrimary, &d));
    DWORD flags = 0;
    ck_assert(GetHandleInformation(d, &flags));
    ck_assert_uint_eq(flags & HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    CloseHandle(d);

    ASSERT_FAILS(DuplicateTokenEx(p, 0, NULL, (SECURITY_IMPERSONATION_LEVEL)7,
                                  TokenImpersonation, &d),
                 ERROR_BAD_IMPERSONATION_LEVEL);
    ASSERT_FAILS(DuplicateTokenEx(p, 0, NULL, SecurityImpersonation, (TOKEN_TYPE)5, &d),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(DuplicateToken(p, SecurityImpersonation, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(DuplicateToken(NULL, SecurityImpersonation, &d), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(DuplicateToken(GetCurrentProcess(), SecurityImpersonation, &d),
                 ERROR_INVALID_HANDLE);
    HANDLE q;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &q));
    ASSERT_FAILS(DuplicateToken(q, SecurityImpersonation, &d), ERROR_ACCESS_DENIED);
    CloseHandle(q);
    /* The pseudo-handles allow queries only. */
    ASSERT_FAILS(DuplicateToken(GetCurrentProcessToken(), SecurityImpersonation, &d),
                 ERROR_ACCESS_DENIED);
    CloseHandle(p);
}
END_TEST

/* ---- impersonation on one thread ---- */

START_TEST(test_impersonation)
{
    HANDLE t, p, d;
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t), ERROR_NO_TOKEN);
    ck_assert(ImpersonateSelf(SecurityImpersonation));
    ck_assert(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, FALSE, &t));
    ck_assert_uint_eq(info_dword(t, TokenType), TokenImpersonation);
    ck_assert_uint_eq(info_dword(t, TokenImpersonationLevel), SecurityImpersonation);
    ck_assert_uint_eq(info_dword(GetCurrentThreadToken(), TokenType), TokenImpersonation);
    ck_assert_uint_eq(info_dword(GetCurrentThreadEffectiveToken(), TokenType),
                      TokenImpersonation);
    ck_assert_uint_eq(info_dword(GetCurrentProcessToken(), TokenType), TokenPrimary);
    CloseHandle(t);
    ck_assert(RevertToSelf());
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, FALSE, &t), ERROR_NO_TOKEN);
    BYTE b[64];
    DWORD len;
    ASSERT_FAILS(GetTokenInformation(GetCurrentThreadToken(), TokenType, b, sizeof b, &len),
                 ERROR_NO_TOKEN);
    ck_assert_uint_eq(info_dword(GetCurrentThreadEffectiveToken(), TokenType), TokenPrimary);
    ck_assert(RevertToSelf()); /* not impersonating: still fine */

    /* The identification level: the thread cannot act as the token, so
     * opening its own token as itself fails; as the process it works. */
    ck_assert(ImpersonateSelf(SecurityIdentification));
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, FALSE, &t),
                 ERROR_BAD_IMPERSONATION_LEVEL);
    ck_assert(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t));
    ck_assert_uint_eq(info_dword(t, TokenImpersonationLevel), SecurityIdentification);
    CloseHandle(t);
    ck_assert(ImpersonateSelf(SecurityAnonymous));
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t),
                 ERROR_CANT_OPEN_ANONYMOUS);
    ck_assert(RevertToSelf());
    ASSERT_FAILS(ImpersonateSelf((SECURITY_IMPERSONATION_LEVEL)4), ERROR_BAD_IMPERSONATION_LEVEL);

    /* SetThreadToken takes impersonation tokens only. */
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &p));
    ASSERT_FAILS(SetThreadToken(NULL, p), ERROR_BAD_TOKEN_TYPE);
    ck_assert(DuplicateTokenEx(p, TOKEN_IMPERSONATE | TOKEN_QUERY, NULL, SecurityDelegation,
                               TokenImpersonation, &d));
    ck_assert(SetThreadToken(NULL, d));
    ck_assert_uint_eq(info_dword(GetCurrentThreadToken(), TokenImpersonationLevel),
                      SecurityDelegation);
    HANDLE self = GetCurrentThread();
    ck_assert(SetThreadToken(&self, NULL));
    ASSERT_FAILS(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t), ERROR_NO_TOKEN);
    HANDLE q;
    ck_assert(DuplicateTokenEx(p, TOKEN_QUERY, NULL, SecurityImpersonation, TokenImpersonation,
                               &q));
    ASSERT_FAILS(SetThreadToken(NULL, q), ERROR_ACCESS_DENIED); /* no TOKEN_IMPERSONATE */
    HANDLE weak;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &weak,
                              SYNCHRONIZE, FALSE, 0));
    ASSERT_FAILS(SetThreadToken(&weak, d), ERROR_ACCESS_DENIED);
    CloseHandle(weak);
    HANDLE bad = GetCurrentProcess();
    ASSERT_FAILS(SetThreadToken(&bad, d), ERROR_INVALID_HANDLE);

    /* ImpersonateLoggedOnUser: a primary token needs TOKEN_DUPLICATE, an
     * impersonation one TOKEN_IMPERSONATE. */
    ck_assert(ImpersonateLoggedOnUser(p));
    ck_assert_uint_eq(info_dword(GetCurrentThreadToken(), TokenImpersonationLevel),
                      SecurityImpersonation);
    ck_assert(RevertToSelf());
    ck_assert(ImpersonateLoggedOnUser(d));
    ck_assert_uint_eq(info_dword(GetCurrentThreadToken(), TokenImpersonationLevel),
                      SecurityDelegation);
    ck_assert(RevertToSelf());
    ASSERT_FAILS(ImpersonateLoggedOnUser(q), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(ImpersonateLoggedOnUser(NULL), ERROR_INVALID_HANDLE);
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t));
    ASSERT_FAILS(ImpersonateLoggedOnUser(t), ERROR_ACCESS_DENIED);
    CloseHandle(t);
    CloseHandle(q);
    CloseHandle(d);
    CloseHandle(p);
}
END_TEST

/* ---- impersonation is per thread ---- */

struct imp_ctx {
    HANDLE go, done, back;
    DWORD seen_type;   /* the worker's effective token type */
    DWORD seen_thread; /* GetLastError of its thread token query */
};

static DWORD WINAPI imp_worker(void *arg)
{
    struct imp_ctx *c = arg;
    WaitForSingleObject(c->go, INFINITE);
    DWORD len, v;
    c->seen_type = GetTokenInformation(GetCurrentThreadEffectiveToken(), TokenType, &v,
                                       sizeof v, &len)
                       ? v
                       : 0;
    SetLastError(0);
    GetTokenInformation(GetCurrentThreadToken(), TokenType, &v, sizeof v, &len);
    c->seen_thread = GetLastError();
    SetEvent(c->done);
    WaitForSingleObject(c->back, INFINITE); /* main set a token on us */
    c->seen_type = GetTokenInformation(GetCurrentThreadToken(), TokenImpersonationLevel, &v,
                                       sizeof v, &len)
                       ? v
                       : 99;
    return 0;
}

START_TEST(test_threads)
{
    struct imp_ctx c = {CreateEventA(NULL, FALSE, FALSE, NULL),
                        CreateEventA(NULL, FALSE, FALSE, NULL),
                        CreateEventA(NULL, FALSE, FALSE, NULL), 0, 0};
    HANDLE th = CreateThread(NULL, 0, imp_worker, &c, 0, NULL);
    ck_assert(ImpersonateSelf(SecurityIdentification));
    SetEvent(c.go);
    WaitForSingleObject(c.done, INFINITE);
    /* Our impersonation did not reach the other thread. */
    ck_assert_uint_eq(c.seen_type, TokenPrimary);
    ck_assert_uint_eq(c.seen_thread, ERROR_NO_TOKEN);
    HANDLE t;
    ASSERT_FAILS(OpenThreadToken(th, TOKEN_QUERY, TRUE, &t), ERROR_NO_TOKEN);
    /* Set a token on the other thread; ours stays. */
    HANDLE d;
    ck_assert(DuplicateTokenEx(GetCurrentProcessToken() == NULL ? NULL : (HANDLE)0, 0, NULL,
                               SecurityImpersonation, TokenImpersonation, &d) == FALSE);
    HANDLE p;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE, &p));
    ck_assert(DuplicateTokenEx(p, TOKEN_IMPERSONATE | TOKEN_QUERY, NULL, SecurityDelegation,
                               TokenImpersonation, &d));
    ck_assert(SetThreadToken(&th, d));
    ck_assert(OpenThreadToken(th, TOKEN_QUERY, TRUE, &t));
    ck_assert_uint_eq(info_dword(t, TokenImpersonationLevel), SecurityDelegation);
    CloseHandle(t);
    ck_assert_uint_eq(info_dword(GetCurrentThreadToken(), TokenImpersonationLevel),
                      SecurityIdentification);
    SetEvent(c.back);
    ASSERT_WAIT(WaitForSingleObject(th, INFINITE), WAIT_OBJECT_0);
    ck_assert_uint_eq(c.seen_type, SecurityDelegation);
    /* The thread ended: its handle no longer reaches a record. */
    ASSERT_FAILS(SetThreadToken(&th, d), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenThreadToken(th, TOKEN_QUERY, TRUE, &t), ERROR_NO_TOKEN);
    ck_assert(RevertToSelf());
    CloseHandle(th);
    CloseHandle(d);
    CloseHandle(p);
    CloseHandle(c.go);
    CloseHandle(c.done);
    CloseHandle(c.back);
}
END_TEST

/* Many threads impersonate and revert while others read their tokens and
 * set tokens on them: every reader sees a whole token or none. */
#define STRESS_THREADS 6
#define STRESS_ROUNDS 300
static HANDLE stress_tok;
static DWORD WINAPI stress_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < STRESS_ROUNDS; i++) {
        if (i % 3 == 0)
            ck_assert(ImpersonateSelf(SecurityImpersonation));
        else if (i % 3 == 1)
            ck_assert(SetThreadToken(NULL, stress_tok));
        else
            ck_assert(RevertToSelf());
        DWORD v, len;
        if (GetTokenInformation(GetCurrentThreadToken(), TokenType, &v, sizeof v, &len))
            ck_assert_uint_eq(v, TokenImpersonation);
    }
    return 0;
}

START_TEST(test_threads_stress)
{
    HANDLE p;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE, &p));
    ck_assert(DuplicateTokenEx(p, TOKEN_IMPERSONATE | TOKEN_QUERY, NULL, SecurityImpersonation,
                               TokenImpersonation, &stress_tok));
    HANDLE th[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++)
        th[i] = CreateThread(NULL, 0, stress_worker, NULL, 0, NULL);
    for (int r = 0; r < STRESS_ROUNDS; r++)
        for (int i = 0; i < STRESS_THREADS; i++) {
            HANDLE t;
            if (OpenThreadToken(th[i], TOKEN_QUERY, TRUE, &t)) {
                ck_assert_uint_eq(info_dword(t, TokenType), TokenImpersonation);
                CloseHandle(t);
            } else {
                DWORD e = GetLastError();
                ck_assert(e == ERROR_NO_TOKEN);
            }
            if (r % 50 == 0)
                SetThreadToken(&th[i], stress_tok); /* the thread may have ended */
        }
    ASSERT_WAIT(WaitForMultipleObjects(STRESS_THREADS, th, TRUE, INFINITE), WAIT_OBJECT_0);
    for (int i = 0; i < STRESS_THREADS; i++)
        CloseHandle(th[i]);
    CloseHandle(stress_tok);
    CloseHandle(p);
}
END_TEST

/* ---- privileges ---- */

static DWORD priv_attr(HANDLE t, DWORD luid)
{
    union {
        BYTE b[1024];
        TOKEN_PRIVILEGES p;
    } u;
    DWORD len;
    ck_assert(GetTokenInformation(t, TokenPrivileges, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, offsetof(TOKEN_PRIVILEGES, Privileges) +
                               u.p.PrivilegeCount * sizeof(LUID_AND_ATTRIBUTES));
    const LUID_AND_ATTRIBUTES *pa = u.p.Privileges; /* [ANYSIZE_ARRAY]: through a pointer */
    for (DWORD i = 0; i < u.p.PrivilegeCount; i++)
        if (pa[i].Luid.LowPart == luid && !pa[i].Luid.HighPart)
            return pa[i].Attributes;
    return 0xffffffff; /* not held */
}

START_TEST(test_privilege_names)
{
    LUID l = {0xcccccccc, 0x1234};
    ck_assert(LookupPrivilegeValueA(NULL, SE_DEBUG_NAME, &l));
    ck_assert_uint_eq(l.LowPart, 20);
    ck_assert_int_eq(l.HighPart, 0);
    ck_assert(LookupPrivilegeValueA("", "sechangenotifyprivilege", &l));
    ck_assert_uint_eq(l.LowPart, 23);
    ck_assert(LookupPrivilegeValueW(NULL, u"SeShutdownPrivilege", &l));
    ck_assert_uint_eq(l.LowPart, 19);
    ck_assert(LookupPrivilegeValueW(NULL, u"SeCreateSymbolicLinkPrivilege", &l));
    ck_assert_uint_eq(l.LowPart, 35);
    ASSERT_FAILS(LookupPrivilegeValueA(NULL, "SeNoSuchPrivilege", &l), ERROR_NO_SUCH_PRIVILEGE);
    ASSERT_FAILS(LookupPrivilegeValueA(NULL, "SeUnsolicitedInputPrivilege", &l),
                 ERROR_NO_SUCH_PRIVILEGE);
    ASSERT_FAILS(LookupPrivilegeValueW(NULL, u"S\u00e9Debug", &l), ERROR_NO_SUCH_PRIVILEGE);
    ASSERT_FAILS(LookupPrivilegeValueA("\\\\no-such-host.invalid", SE_DEBUG_NAME, &l),
                 ERROR_NOT_SUPPORTED);

    char a[64];
    WCHAR w[64];
    DWORD n = 3;
    l.LowPart = 20;
    l.HighPart = 0;
    ASSERT_FAILS(LookupPrivilegeNameA(NULL, &l, a, &n), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(n, 17); /* "SeDebugPrivilege" and the NUL */
    ASSERT_FAILS(LookupPrivilegeNameA(NULL, &l, a, &(DWORD){16}), ERROR_INSUFFICIENT_BUFFER);
    ck_assert(LookupPrivilegeNameA(NULL, &l, a, &n));
    ck_assert_uint_eq(n, 16);
    ck_assert_str_eq(a, "SeDebugPrivilege");
    n = 64;
    ck_assert(LookupPrivilegeNameW(NULL, &l, w, &n));
    ck_assert_uint_eq(n, 16);
    ck_assert(w[0] == 'S' && w[15] == 'e' && w[16] == 0);
    /* Every LUID from 2 to 36 has a name that maps back. */
    for (DWORD i = 2; i <= 36; i++) {
        LUID x = {i, 0}, y;
        n = sizeof a;
        ck_assert(LookupPrivilegeNameA(NULL, &x, a, &n));
        ck_assert(LookupPrivilegeValueA(NULL, a, &y));
        ck_assert_uint_eq(y.LowPart, i);
    }
    l.LowPart = 1;
    n = 64;
    ASSERT_FAILS(LookupPrivilegeNameA(NULL, &l, a, &n), ERROR_NO_SUCH_PRIVILEGE);
    l.LowPart = 20;
    l.HighPart = 1;
    ASSERT_FAILS(LookupPrivilegeNameA(NULL, &l, a, &n), ERROR_NO_SUCH_PRIVILEGE);
}
END_TEST

START_TEST(test_privileges)
{
    HANDLE t, t2;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY |
                                                         TOKEN_DUPLICATE, &t));
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t2));
    /* Everyone: SeChangeNotify enabled, SeTimeZone present but disabled. */
    ck_assert_uint_eq(priv_attr(t, 23), SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    ck_assert_uint_eq(priv_attr(t, 34), 0);
    /* Root (all capabilities): the administrator's privileges, disabled
     * but for SeImpersonate and SeCreateGlobal. */
    bool root = geteuid() == 0;
    if (root) {
        ck_assert_uint_eq(priv_attr(t, 20), 0); /* SeDebugPrivilege */
        ck_assert_uint_eq(priv_attr(t, 29), SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    } else {
        ck_assert_uint_eq(priv_attr(t, 20), 0xffffffff);
    }

    /* Enable SeTimeZone: seen through every handle of the process token. */
    TOKEN_PRIVILEGES tp = {1, {{{34, 0}, SE_PRIVILEGE_ENABLED}}};
    union {
        BYTE b[256];
        TOKEN_PRIVILEGES p;
    } prev;
    DWORD rl = 0xcccc;
    SetLastError(0xdeadbeef);
    ck_assert(AdjustTokenPrivileges(t, FALSE, &tp, sizeof prev, &prev.p, &rl));
    ck_assert_uint_eq(GetLastError(), ERROR_SUCCESS);
    ck_assert_uint_eq(rl, offsetof(TOKEN_PRIVILEGES, Privileges) + sizeof(LUID_AND_ATTRIBUTES));
    ck_assert_uint_eq(prev.p.PrivilegeCount, 1);
    ck_assert_uint_eq(prev.p.Privileges[0].Luid.LowPart, 34);
    ck_assert_uint_eq(prev.p.Privileges[0].Attributes, 0);
    ck_assert_uint_eq(priv_attr(t2, 34), SE_PRIVILEGE_ENABLED);
    ck_assert_uint_eq(priv_attr(GetCurrentProcessToken(), 34), SE_PRIVILEGE_ENABLED);
    /* Again: nothing changes, so the previous state is empty. */
    ck_assert(AdjustTokenPrivileges(t, FALSE, &tp, sizeof prev, &prev.p, &rl));
    ck_assert_uint_eq(prev.p.PrivilegeCount, 0);
    ck_assert_uint_eq(rl, offsetof(TOKEN_PRIVILEGES, Privileges));
    /* A previous state that does not fit: nothing changes. */
    tp.Privileges[0].Attributes = 0;
    ASSERT_FAILS(AdjustTokenPrivileges(t, FALSE, &tp, 4, &prev.p, &rl),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(rl, offsetof(TOKEN_PRIVILEGES, Privileges) + sizeof(LUID_AND_ATTRIBUTES));
    ck_assert_uint_eq(priv_attr(t2, 34), SE_PRIVILEGE_ENABLED);
    /* Restore it with the previous state, as programs do. */
    prev.p.PrivilegeCount = 1;
    prev.p.Privileges[0].Luid.LowPart = 34;
    prev.p.Privileges[0].Luid.HighPart = 0;
    prev.p.Privileges[0].Attributes = 0;
    ck_assert(AdjustTokenPrivileges(t, FALSE, &prev.p, 0, NULL, NULL));
    ck_assert_uint_eq(priv_attr(t2, 34), 0);

    /* A privilege the token does not hold: TRUE, ERROR_NOT_ALL_ASSIGNED;
     * the others in the request still apply. */
    HANDLE r;
    LUID_AND_ATTRIBUTES del = {{33, 0}, 0};
    ck_assert(CreateRestrictedToken(t, 0, 0, NULL, 1, &del, 0, NULL, &r));
    ck_assert_uint_eq(priv_attr(r, 33), 0xffffffff);
    union {
        BYTE b[64];
        TOKEN_PRIVILEGES p;
    } two = {{0}};
    two.p.PrivilegeCount = 2;
    LUID_AND_ATTRIBUTES *tp2 = two.p.Privileges; /* [ANYSIZE_ARRAY] */
    tp2[0] = (LUID_AND_ATTRIBUTES){{33, 0}, SE_PRIVILEGE_ENABLED};
    tp2[1] = (LUID_AND_ATTRIBUTES){{34, 0}, SE_PRIVILEGE_ENABLED};
    SetLastError(0xdeadbeef);
    ck_assert(AdjustTokenPrivileges(r, FALSE, &two.p, 0, NULL, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_NOT_ALL_ASSIGNED);
    ck_assert_uint_eq(priv_attr(r, 34), SE_PRIVILEGE_ENABLED);
    ck_assert_uint_eq(priv_attr(t2, 34), 0); /* a new token: the process's is apart */
    /* Removing one. */
    two.p.PrivilegeCount = 1;
    two.p.Privileges[0] = (LUID_AND_ATTRIBUTES){{34, 0}, SE_PRIVILEGE_REMOVED};
    ck_assert(AdjustTokenPrivileges(r, FALSE, &two.p, 0, NULL, NULL));
    ck_assert_uint_eq(priv_attr(r, 34), 0xffffffff);
    /* DisableAllPrivileges ignores NewState. */
    ck_assert(AdjustTokenPrivileges(r, TRUE, NULL, 0, NULL, NULL));
    ck_assert_uint_eq(priv_attr(r, 23), SE_PRIVILEGE_ENABLED_BY_DEFAULT);

    /* PrivilegeCheck wants an impersonation token. */
    PRIVILEGE_SET ps = {1, PRIVILEGE_SET_ALL_NECESSARY, {{{23, 0}, 0}}};
    BOOL res = 7;
    ASSERT_FAILS(PrivilegeCheck(t2, &ps, &res), ERROR_NO_IMPERSONATION_TOKEN);
    HANDLE imp;
    ck_assert(DuplicateToken(r, SecurityIdentification, &imp));
    ck_assert(PrivilegeCheck(imp, &ps, &res));
    ck_assert(!res); /* disabled in r */
    ck_assert_uint_eq(ps.Privilege[0].Attributes, 0);
    CloseHandle(imp);
    ck_assert(DuplicateToken(t, SecurityIdentification, &imp));
    ck_assert(PrivilegeCheck(imp, &ps, &res));
    ck_assert(res);
    ck_assert_uint_eq(ps.Privilege[0].Attributes, SE_PRIVILEGE_USED_FOR_ACCESS);
    union {
        BYTE b[64];
        PRIVILEGE_SET s;
    } any = {{0}};
    any.s.PrivilegeCount = 2;
    any.s.Control = 0;
    LUID_AND_ATTRIBUTES *req = any.s.Privilege; /* [ANYSIZE_ARRAY]: through a pointer */
    req[0] = (LUID_AND_ATTRIBUTES){{34, 0}, 0};
    req[1] = (LUID_AND_ATTRIBUTES){{23, 0}, 0};
    ck_assert(PrivilegeCheck(imp, &any.s, &res));
    ck_assert(res); /* any one */
    any.s.Control = PRIVILEGE_SET_ALL_NECESSARY;
    ck_assert(PrivilegeCheck(imp, &any.s, &res));
    ck_assert(!res);
    CloseHandle(imp);

    /* Errors. */
    ASSERT_FAILS(AdjustTokenPrivileges(t2, TRUE, NULL, 0, NULL, NULL), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(AdjustTokenPrivileges(t, FALSE, NULL, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(AdjustTokenPrivileges(NULL, TRUE, NULL, 0, NULL, NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(AdjustTokenPrivileges(GetCurrentProcessToken(), TRUE, NULL, 0, NULL, NULL),
                 ERROR_ACCESS_DENIED);
    CloseHandle(r);
    CloseHandle(t);
    CloseHandle(t2);
}
END_TEST

/* ---- restricted tokens, membership, AccessCheck ---- */

static PSID sid_of(const char *s)
{
    PSID p = NULL;
    ck_assert_msg(ConvertStringSidToSidA(s, &p), "%s", s);
    return p;
}

static PSECURITY_DESCRIPTOR sd_of(const char *sddl)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ck_assert_msg(ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd,
                                                                       NULL),
                  "%s", sddl);
    return sd;
}

/* AccessCheck's verdict: the granted rights, or 0 with ERROR_ACCESS_DENIED. */
static DWORD check(PSECURITY_DESCRIPTOR sd, HANDLE tok, DWORD want)
{
    static GENERIC_MAPPING gm = {0x1, 0x2, 0x4, 0xf};
    PRIVILEGE_SET ps;
    DWORD psl = sizeof ps, granted = 0xcccccccc;
    BOOL status = 7;
    SetLastError(0xdeadbeef);
    ck_assert(AccessCheck(sd, tok, want, &gm, &ps, &psl, &granted, &status));
    ck_assert_uint_eq(ps.PrivilegeCount, 0);
    if (!status) {
        ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
        ck_assert_uint_eq(granted, 0);
        return 0;
    }
    ck_assert_uint_eq(status, TRUE);
    return granted;
}

START_TEST(test_access_check)
{
    char me[64], sddl[512];
    snprintf(me, sizeof me, "S-1-22-1-%u", (unsigned)geteuid());
    HANDLE p, imp;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &p));
    ck_assert(DuplicateToken(p, SecurityIdentification, &imp));

    /* Allowed and denied ACEs in order; the owner's implicit rights. */
    snprintf(sddl, sizeof sddl, "O:S-1-5-32-546G:S-1-5-32-546D:(D;;0x2;;;WD)(A;;0x3;;;%s)", me);
    PSECURITY_DESCRIPTOR sd = sd_of(sddl);
    ck_assert_uint_eq(check(sd, imp, 0x1), 0x1);
    ck_assert_uint_eq(check(sd, imp, 0x2), 0);
    ck_assert_uint_eq(check(sd, imp, 0x3), 0);
    ck_assert_uint_eq(check(sd, imp, MAXIMUM_ALLOWED), 0x1);
    ck_assert_uint_eq(check(sd, imp, READ_CONTROL), 0);
    LocalFree(sd);
    snprintf(sddl, sizeof sddl, "O:%sG:S-1-5-32-546D:(A;;0x4;;;WD)", me);
    sd = sd_of(sddl);
    ck_assert_uint_eq(check(sd, imp, READ_CONTROL | WRITE_DAC | 0x4), READ_CONTROL | WRITE_DAC | 0x4);
    ck_assert_uint_eq(check(sd, imp, MAXIMUM_ALLOWED), READ_CONTROL | WRITE_DAC | 0x4);
    ck_assert_uint_eq(check(sd, imp, 0x1), 0);
    LocalFree(sd);
    /* A NULL DACL gives everything; an empty one nothing. */
    sd = sd_of("O:BAG:BAD:NO_ACCESS_CONTROL");
    ck_assert_uint_eq(check(sd, imp, 0x7), 0x7);
    ck_assert_uint_eq(check(sd, imp, MAXIMUM_ALLOWED), 0xf | STANDARD_RIGHTS_ALL);
    LocalFree(sd);
    sd = sd_of("O:S-1-5-32-546G:BAD:");
    ck_assert_uint_eq(check(sd, imp, 0x1), 0);
    ck_assert_uint_eq(check(sd, imp, MAXIMUM_ALLOWED), 0);

    /* Errors. */
    static GENERIC_MAPPING gm = {0x1, 0x2, 0x4, 0xf};
    PRIVILEGE_SET ps;
    DWORD psl = sizeof ps, granted;
    BOOL status;
    ASSERT_FAILS(AccessCheck(sd, p, 1, &gm, &ps, &psl, &granted, &status),
                 ERROR_NO_IMPERSONATION_TOKEN);
    ASSERT_FAILS(AccessCheck(sd, imp, GENERIC_READ, &gm, &ps, &psl, &granted, &status),
                 ERROR_GENERIC_NOT_MAPPED);
    psl = 4;
    ASSERT_FAILS(AccessCheck(sd, imp, 1, &gm, &ps, &psl, &granted, &status),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(psl, offsetof(PRIVILEGE_SET, Privilege));
    psl = sizeof ps;
    ASSERT_FAILS(AccessCheck(sd, NULL, 1, &gm, &ps, &psl, &granted, &status),
                 ERROR_INVALID_HANDLE);
    LocalFree(sd);
    BYTE raw[SECURITY_DESCRIPTOR_MIN_LENGTH];
    ck_assert(InitializeSecurityDescriptor(raw, SECURITY_DESCRIPTOR_REVISION));
    ASSERT_FAILS(AccessCheck(raw, imp, 1, &gm, &ps, &psl, &granted, &status),
                 ERROR_INVALID_SECURITY_DESCR);
    CloseHandle(imp);
    CloseHandle(p);
}
END_TEST

START_TEST(test_restricted)
{
    char me[64], sddl[512];
    snprintf(me, sizeof me, "S-1-22-1-%u", (unsigned)geteuid());
    HANDLE p, r, imp;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &p));
    ck_assert(!IsTokenRestricted(p));
    PSID everyone = sid_of("S-1-1-0"), users = sid_of("S-1-5-32-545"),
         nobody = sid_of("S-1-5-21-1-2-3-4");
    SID_AND_ATTRIBUTES dis[2] = {{everyone, 0}, {nobody, 0}}; /* one not in the token */
    SID_AND_ATTRIBUTES res[1] = {{users, 0}};
    ck_assert(CreateRestrictedToken(p, 0, 2, dis, 0, NULL, 1, res, &r));
    ck_assert(IsTokenRestricted(r));
    ck_assert_uint_eq(info_dword(r, TokenType), TokenPrimary);
    ck_assert_uint_eq(info_dword(r, TokenIsRestricted), 1);
    ck_assert_uint_eq(info_dword(r, TokenHasRestrictions), 1);
    ck_assert_uint_eq(info_dword(p, TokenHasRestrictions), 0);
    union {
        BYTE b[4096];
        TOKEN_GROUPS g;
    } u;
    DWORD len;
    ck_assert(GetTokenInformation(r, TokenGroups, u.b, sizeof u, &len));
    bool seen = false;
    const SID_AND_ATTRIBUTES *ga = u.g.Groups; /* [ANYSIZE_ARRAY]: through a pointer */
    for (DWORD i = 0; i < u.g.GroupCount; i++)
        if (EqualSid(ga[i].Sid, everyone)) {
            ck_assert_uint_eq(ga[i].Attributes,
                              SE_GROUP_MANDATORY | SE_GROUP_USE_FOR_DENY_ONLY);
            seen = true;
        }
    ck_assert(seen);
    ck_assert(GetTokenInformation(r, TokenRestrictedSids, u.b, sizeof u, &len));
    ck_assert_uint_eq(u.g.GroupCount, 1);
    ck_assert(EqualSid(u.g.Groups[0].Sid, users));
    ck_assert(GetTokenInformation(p, TokenRestrictedSids, u.b, sizeof u, &len));
    ck_assert_uint_eq(u.g.GroupCount, 0);

    ck_assert(DuplicateToken(r, SecurityIdentification, &imp));
    /* Deny-only: an allowed ACE for Everyone no longer matches, a denied
     * one still does; membership counts only enabled SIDs. */
    snprintf(sddl, sizeof sddl, "O:S-1-5-32-546G:S-1-5-32-546D:(A;;0x1;;;WD)(A;;0x6;;;%s)", me);
    PSECURITY_DESCRIPTOR sd = sd_of(sddl);
    /* Restricting SIDs: a right also needs an ACE for BUILTIN\Users. */
    ck_assert_uint_eq(check(sd, imp, 0x2), 0);
    LocalFree(sd);
    snprintf(sddl, sizeof sddl,
             "O:S-1-5-32-546G:S-1-5-32-546D:(A;;0x1;;;WD)(A;;0x6;;;%s)(A;;0x2;;;BU)", me);
    sd = sd_of(sddl);
    ck_assert_uint_eq(check(sd, imp, 0x2), 0x2);
    ck_assert_uint_eq(check(sd, imp, 0x1), 0); /* Everyone is deny-only */
    ck_assert_uint_eq(check(sd, imp, MAXIMUM_ALLOWED), 0x2);
    LocalFree(sd);
    snprintf(sddl, sizeof sddl, "O:S-1-5-32-546G:S-1-5-32-546D:(D;;0x2;;;WD)(A;;0x7;;;BU)(A;;0x7;;;%s)",
             me);
    sd = sd_of(sddl);
    ck_assert_uint_eq(check(sd, imp, 0x2), 0);
    ck_assert_uint_eq(check(sd, imp, 0x5), 0x5);
    LocalFree(sd);
    BOOL m = 7;
    ck_assert(CheckTokenMembership(imp, everyone, &m));
    ck_assert(!m);
    ck_assert(CheckTokenMembership(imp, users, &m));
    ck_assert(m);
    CloseHandle(imp);

    /* Removed privileges; DISABLE_MAX_PRIVILEGE keeps SeChangeNotify only. */
    HANDLE r2;
    ck_assert(CreateRestrictedToken(p, DISABLE_MAX_PRIVILEGE, 0, NULL, 0, NULL, 0, NULL, &r2));
    ck_assert_uint_eq(priv_attr(r2, 23), SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
    ck_assert_uint_eq(priv_attr(r2, 34), 0xffffffff);
    ck_assert(!IsTokenRestricted(r2));
    ck_assert_uint_eq(info_dword(r2, TokenHasRestrictions), 0);
    CloseHandle(r2);
    ck_assert(CreateRestrictedToken(p, SANDBOX_INERT, 0, NULL, 0, NULL, 0, NULL, &r2));
    ck_assert_uint_eq(info_dword(r2, TokenSandBoxInert), 1);
    CloseHandle(r2);

    /* Errors. */
    ASSERT_FAILS(CreateRestrictedToken(p, 0x100, 0, NULL, 0, NULL, 0, NULL, &r2),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateRestrictedToken(p, 0, 1, NULL, 0, NULL, 0, NULL, &r2),
                 ERROR_INVALID_PARAMETER);
    BYTE junk[16] = {9};
    SID_AND_ATTRIBUTES bad = {junk, 0};
    ASSERT_FAILS(CreateRestrictedToken(p, 0, 0, NULL, 0, NULL, 1, &bad, &r2), ERROR_INVALID_SID);
    HANDLE q;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &q));
    ASSERT_FAILS(CreateRestrictedToken(q, 0, 0, NULL, 0, NULL, 0, NULL, &r2), ERROR_ACCESS_DENIED);
    CloseHandle(q);
    ASSERT_FAILS(CreateRestrictedToken(NULL, 0, 0, NULL, 0, NULL, 0, NULL, &r2),
                 ERROR_INVALID_HANDLE);
    LocalFree(everyone);
    LocalFree(users);
    LocalFree(nobody);
    CloseHandle(r);
    CloseHandle(p);
}
END_TEST

START_TEST(test_membership)
{
    PSID everyone = sid_of("S-1-1-0"), admins = sid_of("S-1-5-32-544"),
         other = sid_of("S-1-5-21-1-2-3-4");
    BOOL m = 7;
    ck_assert(CheckTokenMembership(NULL, everyone, &m));
    ck_assert_int_eq(m, TRUE);
    ck_assert(CheckTokenMembership(NULL, other, &m));
    ck_assert_int_eq(m, FALSE);
    ck_assert(CheckTokenMembership(NULL, admins, &m));
    ck_assert_int_eq(m, geteuid() == 0);
    char me[64];
    snprintf(me, sizeof me, "S-1-22-1-%u", (unsigned)geteuid());
    PSID user = sid_of(me);
    ck_assert(CheckTokenMembership(NULL, user, &m));
    ck_assert_int_eq(m, TRUE);
    /* While impersonating a restricted token, NULL means that one. */
    HANDLE p, r;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &p));
    SID_AND_ATTRIBUTES dis = {everyone, 0};
    ck_assert(CreateRestrictedToken(p, 0, 1, &dis, 0, NULL, 0, NULL, &r));
    ASSERT_FAILS(CheckTokenMembership(r, everyone, &m), ERROR_NO_IMPERSONATION_TOKEN);
    ck_assert(ImpersonateLoggedOnUser(r));
    ck_assert(CheckTokenMembership(NULL, everyone, &m));
    ck_assert_int_eq(m, FALSE);
    ck_assert(RevertToSelf());
    ASSERT_FAILS(CheckTokenMembership(NULL, NULL, &m), ERROR_INVALID_SID);
    ASSERT_FAILS(CheckTokenMembership(NULL, everyone, NULL), ERROR_NOACCESS);
    ASSERT_FAILS(CheckTokenMembership(GetCurrentProcess(), everyone, &m), ERROR_INVALID_HANDLE);
    CloseHandle(r);
    CloseHandle(p);
    LocalFree(everyone);
    LocalFree(admins);
    LocalFree(other);
    LocalFree(user);
}
END_TEST

START_TEST(test_more_info)
{
    HANDLE p, d;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &p));
    union {
        BYTE b[1024];
        TOKEN_STATISTICS st;
        TOKEN_MANDATORY_LABEL label;
        TOKEN_SOURCE src;
        TOKEN_PRIVILEGES privs;
        TOKEN_GROUPS groups;
    } u;
    DWORD len;
    memset(u.b, 0xcc, sizeof u.b);
    ck_assert(GetTokenInformation(p, TokenStatistics, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, sizeof(TOKEN_STATISTICS));
    TOKEN_STATISTICS st = u.st;
    ck_assert_int_eq(st.TokenType, TokenPrimary);
    ck_assert(GetTokenInformation(p, TokenPrivileges, u.b, sizeof u, &len));
    ck_assert_uint_eq(st.PrivilegeCount, u.privs.PrivilegeCount);
    ck_assert(GetTokenInformation(p, TokenGroups, u.b, sizeof u, &len));
    ck_assert_uint_eq(st.GroupCount, u.groups.GroupCount);
    ASSERT_FAILS(GetTokenInformation(p, TokenStatistics, u.b, sizeof(TOKEN_STATISTICS) - 1, &len),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, sizeof(TOKEN_STATISTICS));
    /* The same token through another handle; a duplicate is another. */
    HANDLE p2;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &p2));
    ck_assert(GetTokenInformation(p2, TokenStatistics, u.b, sizeof u, &len));
    ck_assert(u.st.TokenId.LowPart == st.TokenId.LowPart &&
              u.st.TokenId.HighPart == st.TokenId.HighPart);
    CloseHandle(p2);
    ck_assert(DuplicateTokenEx(p, 0, NULL, SecurityDelegation, TokenImpersonation, &d));
    ck_assert(GetTokenInformation(d, TokenStatistics, u.b, sizeof u, &len));
    ck_assert(u.st.TokenId.LowPart != st.TokenId.LowPart ||
              u.st.TokenId.HighPart != st.TokenId.HighPart);
    ck_assert(u.st.AuthenticationId.LowPart == st.AuthenticationId.LowPart);
    ck_assert_int_eq(u.st.TokenType, TokenImpersonation);
    ck_assert_int_eq(u.st.ImpersonationLevel, SecurityDelegation);
    CloseHandle(d);

    ck_assert(GetTokenInformation(p, TokenIntegrityLevel, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, sizeof(TOKEN_MANDATORY_LABEL) + 12);
    assert_sid(u.label.Label.Sid, geteuid() == 0 ? "S-1-16-12288" : "S-1-16-8192");
    ck_assert_uint_eq(u.label.Label.Attributes, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    ck_assert_uint_eq(info_dword(p, TokenSessionId), 1);
    ck_assert_uint_eq(info_dword(p, TokenElevationType), TokenElevationTypeDefault);
    ck_assert_uint_eq(info_dword(p, TokenIsAppContainer), 0);
    ck_assert(GetTokenInformation(p, TokenSource, u.b, sizeof u, &len));
    ck_assert_uint_eq(len, sizeof(TOKEN_SOURCE));
    ck_assert(!memcmp(u.src.SourceName, "winshim", 8));
    HANDLE q;
    ck_assert(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &q));
    ASSERT_FAILS(GetTokenInformation(q, TokenSource, u.b, sizeof u, &len), ERROR_ACCESS_DENIED);

    /* SetTokenInformation: the session id (root only). */
    ck_assert(DuplicateTokenEx(p, TOKEN_ALL_ACCESS, NULL, SecurityAnonymous, TokenPrimary, &d));
    DWORD sess = 3;
    if (geteuid() == 0) {
        ck_assert(SetTokenInformation(d, TokenSessionId, &sess, sizeof sess));
        ck_assert_uint_eq(info_dword(d, TokenSessionId), 3);
    } else {
        ASSERT_FAILS(SetTokenInformation(d, TokenSessionId, &sess, sizeof sess),
                     ERROR_PRIVILEGE_NOT_HELD);
    }
    ASSERT_FAILS(SetTokenInformation(d, TokenSessionId, &sess, 2), ERROR_BAD_LENGTH);
    ASSERT_FAILS(SetTokenInformation(q, TokenSessionId, &sess, sizeof sess), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(SetTokenInformation(d, TokenUser, u.b, sizeof u), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetTokenInformation(d, TokenDefaultDacl, u.b, sizeof u), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(SetTokenInformation(d, MaxTokenInfoClass, u.b, sizeof u),
                 ERROR_INVALID_PARAMETER);
    LUID a, b;
    ck_assert(AllocateLocallyUniqueId(&a));
    ck_assert(AllocateLocallyUniqueId(&b));
    ck_assert(a.LowPart != b.LowPart || a.HighPart != b.HighPart);
    ASSERT_FAILS(AllocateLocallyUniqueId(NULL), ERROR_NOACCESS);
    CloseHandle(q);
    CloseHandle(d);
    CloseHandle(p);
}
END_TEST

/* ---- opening objects while impersonating another user ---- */

/* A token of user nobody (65534): a child that becomes nobody, whose
 * token root may open. */
static HANDLE nobody_token(PROCESS_INFORMATION *pi)
{
    char cmd[] = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sleep 30";
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    ck_assert(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, pi));
    for (;;) { /* until setpriv has switched */
        HANDLE t;
        union {
            BYTE b[256];
            TOKEN_USER user;
        } u;
        DWORD len;
        ck_assert(OpenProcessToken(pi->hProcess, TOKEN_QUERY | TOKEN_DUPLICATE, &t));
        ck_assert(GetTokenInformation(t, TokenUser, u.b, sizeof u, &len));
        /* setpriv keeps its capabilities until it runs sleep */
        if (*GetSidSubAuthority(u.user.User.Sid, 1) == 65534 && priv_attr(t, 20) == 0xffffffff)
            return t;
        CloseHandle(t);
        Sleep(1);
    }
}

START_TEST(test_open_as_impersonated)
{
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK))
        return; /* needs root to have another user's token */
    PROCESS_INFORMATION pi;
    HANDLE nob = nobody_token(&pi);
    ck_assert_uint_eq(info_dword(nob, TokenElevation), 0);
    ck_assert_uint_eq(priv_attr(nob, 20), 0xffffffff); /* no capabilities */

    /* An object of root's session: nobody may not open it. */
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, "winshim-token-open-test");
    ck_assert_ptr_nonnull(ev);
    /* A granted object whose DACL lets only nobody in. */
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd_of("D:(A;;GA;;;S-1-22-1-65534)"), FALSE};
    HANDLE gev = CreateEventA(&sa, TRUE, FALSE, "winshim-token-granted-test");
    ck_assert_ptr_nonnull(gev);
    HANDLE h = OpenEventA(EVENT_MODIFY_STATE, FALSE, "winshim-token-granted-test");
    ck_assert_ptr_null(h); /* root is the owner only: READ_CONTROL | WRITE_DAC */
    ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);

    ck_assert(ImpersonateLoggedOnUser(nob));
    char name[64];
    DWORD n = sizeof name;
    ck_assert(GetUserNameA(name, &n));
    ck_assert_str_eq(name, "nobody");
    ck_assert_uint_eq(n, 7);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenEventA(SYNCHRONIZE, FALSE, "winshim-token-open-test"));
    ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
    h = OpenEventA(EVENT_MODIFY_STATE, FALSE, "winshim-token-granted-test");
    ck_assert_ptr_nonnull(h);
    ck_assert(SetEvent(h));
    CloseHandle(h);
    ck_assert(RevertToSelf());
    h = OpenEventA(SYNCHRONIZE, FALSE, "winshim-token-open-test");
    ck_assert_ptr_nonnull(h);
    CloseHandle(h);
    n = sizeof name;
    ck_assert(GetUserNameA(name, &n));
    ck_assert_str_eq(name, "root");

    /* The identification level opens nothing. */
    ck_assert(ImpersonateSelf(SecurityIdentification));
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenEventA(SYNCHRONIZE, FALSE, "winshim-token-open-test"));
    ck_assert_uint_eq(GetLastError(), ERROR_BAD_IMPERSONATION_LEVEL);
    ck_assert(RevertToSelf());

    LocalFree(sa.lpSecurityDescriptor);
    CloseHandle(gev);
    CloseHandle(ev);
    CloseHandle(nob);
    TerminateProcess(pi.hProcess, 0);
    WaitForSingleObject(pi.hProcess, INFINITE);
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
    tcase_add_test(tc, test_duplicate);
    tcase_add_test(tc, test_impersonation);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_threads_stress);
    tcase_add_test(tc, test_privilege_names);
    tcase_add_test(tc, test_privileges);
    tcase_add_test(tc, test_access_check);
    tcase_add_test(tc, test_restricted);
    tcase_add_test(tc, test_membership);
    tcase_add_test(tc, test_more_info);
    tcase_add_test(tc, test_open_as_impersonated);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(token_suite)
