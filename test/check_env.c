/*
 * The environment and startup information (lib/sys/env.c,
 * lib/proc/startup.c): Get/SetEnvironmentVariable, the block,
 * ExpandEnvironmentStrings, GetStartupInfo, and what a child that
 * CreateProcess starts sees of them.
 *
 * The binary re-executes itself as the child: "--child MODE ARGS..."
 * runs child_main instead of the Check runner; the child's exit code
 * says what it found.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const WCHAR *W(const char *s)
{
    static WCHAR buf[8][256];
    static int next;
    WCHAR *w = buf[next++ % 8];
    size_t i = 0;
    for (; s[i]; i++)
        w[i] = (WCHAR)(unsigned char)s[i];
    w[i] = 0;
    return w;
}

/* w equals UTF-8 s (characters of the BMP). */
static bool wequal(const WCHAR *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p++;
        if (c >= 0xe0) {
            c = (c & 0x0f) << 12 | (p[0] & 0x3f) << 6 | (p[1] & 0x3f);
            p += 2;
        } else if (c >= 0xc0) {
            c = (c & 0x1f) << 6 | (*p++ & 0x3f);
        }
        if (*w++ != c)
            return false;
    }
    return *w == 0;
}

/* ---- the child ---- */

static int child_main(int argc, char **argv, int k)
{
    const char *m = k + 1 < argc ? argv[k + 1] : "";
    if (!strcmp(m, "env")) {
        char buf[64];
        if (GetEnvironmentVariableA("WS_ENV_CHILD", buf, sizeof buf) != 5 || strcmp(buf, "hello"))
            return 10;
        if (strcmp(getenv("ws_env_child") ? getenv("ws_env_child") : "", "hello"))
            return 11;
        if (GetEnvironmentVariableA("WS_ENV_GONE", buf, sizeof buf) ||
            GetLastError() != ERROR_ENVVAR_NOT_FOUND)
            return 12;
        if (getenv("WINSHIM_STARTUP") || getenv("WINSHIM_PROCESS"))
            return 13; /* taken out before main */
        return 0;
    }
    if (!strcmp(m, "startup") && k + 5 < argc) {
        /* --child startup FLAGS SHOW TITLE DESKTOP ("-" for NULL) */
        STARTUPINFOA si;
        STARTUPINFOW sw;
        memset(&si, 0xcc, sizeof si);
        memset(&sw, 0xcc, sizeof sw);
        GetStartupInfoA(&si);
        GetStartupInfoW(&sw);
        if (si.cb != sizeof si || sw.cb != sizeof sw)
            return 20;
        if (si.dwFlags != strtoul(argv[k + 2], NULL, 0) || sw.dwFlags != si.dwFlags)
            return 21;
        if (si.wShowWindow != strtoul(argv[k + 3], NULL, 0) || sw.wShowWindow != si.wShowWindow)
            return 22;
        const char *title = argv[k + 4], *desk = argv[k + 5];
        if (strcmp(title, "-") ? strcmp(si.lpTitle, title) || !wequal(sw.lpTitle, title)
                               : !si.lpTitle || !si.lpTitle[0])
            return 23;
        if (strcmp(desk, "-") ? !si.lpDesktop || strcmp(si.lpDesktop, desk) ||
                                    !wequal(sw.lpDesktop, desk)
                              : si.lpDesktop != NULL || sw.lpDesktop != NULL)
            return 24;
        if (si.dwX != 10 || si.dwY != 20 || si.dwXSize != 300 || si.dwYSize != 400 ||
            si.dwXCountChars != 80 || si.dwYCountChars != 25 || si.dwFillAttribute != 0x1e)
            return 25;
        if (si.dwFlags & STARTF_USESTDHANDLES) {
            if (si.hStdOutput != GetStdHandle(STD_OUTPUT_HANDLE) || !si.hStdOutput ||
                sw.hStdError != GetStdHandle(STD_ERROR_HANDLE))
                return 26;
        } else if (si.hStdInput || si.hStdOutput || si.hStdError) {
            return 27;
        }
        if (si.lpReserved || si.cbReserved2 || si.lpReserved2)
            return 28;
        return 0;
    }
    if (!strcmp(m, "errmode"))
        return (int)GetErrorMode();
    return 99;
}

/* ---- helpers ---- */

static char self_exe[PATH_MAX];

static DWORD run_child(const char *args, STARTUPINFOA *si, DWORD flags, BOOL inherit)
{
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    ck_assert_int_gt(n, 0);
    self_exe[n] = 0;
    char line[PATH_MAX + 512];
    snprintf(line, sizeof line, "\"%s\" --child %s", self_exe, args);
    STARTUPINFOA def;
    if (!si) {
        memset(&def, 0, sizeof def);
        def.cb = sizeof def;
        si = &def;
    }
    PROCESS_INFORMATION pi;
    ck_assert_msg(CreateProcessA(NULL, line, NULL, NULL, inherit, flags, NULL, NULL, si, &pi),
                  "CreateProcess: %lu", (unsigned long)GetLastError());
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code = 0xcccccccc;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

/* ---- basic ---- */

START_TEST(test_get_set)
{
    char buf[64];
    ck_assert(SetEnvironmentVariableA("WsTestVar", "SomeValue"));
    /* Size query: the size with the terminator, last error untouched. */
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetEnvironmentVariableA("WsTestVar", NULL, 0), 10);
    ASSERT_LAST_ERROR(0xdeadbeef);
    strcpy(buf, "foo");
    ck_assert_uint_eq(GetEnvironmentVariableA("WsTestVar", buf, 9), 10);
    ck_assert_str_eq(buf, "foo"); /* untouched */
    ck_assert_uint_eq(GetEnvironmentVariableA("WsTestVar", buf, 10), 9);
    ck_assert_str_eq(buf, "SomeValue");
    /* Case-insensitive names. */
    memset(buf, 0xcc, sizeof buf);
    ck_assert_uint_eq(GetEnvironmentVariableA("wSTESTvAR", buf, sizeof buf), 9);
    ck_assert_str_eq(buf, "SomeValue");
    /* It is the C library's environment too. */
    ck_assert_str_eq(getenv("WsTestVar"), "SomeValue");
    setenv("WsFromLibc", "libc", 1);
    ck_assert_uint_eq(GetEnvironmentVariableA("WSFROMLIBC", buf, sizeof buf), 4);
    ck_assert_str_eq(buf, "libc");

    /* Setting under another case replaces the variable. */
    ck_assert(SetEnvironmentVariableA("WSTESTVAR", "Other"));
    ck_assert_ptr_null(getenv("WsTestVar"));
    ck_assert_str_eq(getenv("WSTESTVAR"), "Other");

    /* An empty value exists: 0, buffer "", last error untouched. */
    ck_assert(SetEnvironmentVariableA("wstestvar", ""));
    strcpy(buf, "foo");
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetEnvironmentVariableA("WsTestVar", buf, sizeof buf), 0);
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(GetEnvironmentVariableA("WsTestVar", NULL, 0), 1);

    /* Delete, then delete again (still TRUE). */
    ck_assert(SetEnvironmentVariableA("WSTESTVAR", NULL));
    ck_assert_ptr_null(getenv("wstestvar"));
    strcpy(buf, "foo");
    ASSERT_FAILS(GetEnvironmentVariableA("WsTestVar", buf, sizeof buf), ERROR_ENVVAR_NOT_FOUND);
    ck_assert_str_eq(buf, "foo");
    ck_assert(SetEnvironmentVariableA("WsTestVar", NULL));
}
END_TEST

START_TEST(test_get_set_wide)
{
    WCHAR buf[64];
    static const WCHAR value[] = {'v', 0xe9, 'l', 0x20ac, 0xd83d, 0xde00, 0}; /* 6 units */
    ck_assert(SetEnvironmentVariableW(W("WsWide"), value));
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetEnvironmentVariableW(W("WSWIDE"), NULL, 0), 7);
    ASSERT_LAST_ERROR(0xdeadbeef);
    ck_assert_uint_eq(GetEnvironmentVariableW(W("wswide"), buf, 6), 7);
    memset(buf, 0xcc, sizeof buf);
    ck_assert_uint_eq(GetEnvironmentVariableW(W("wswide"), buf, 7), 6);
    ck_assert(memcmp(buf, value, sizeof value) == 0);
    /* The ANSI side sees UTF-8 (the ANSI code page here). */
    char a[64];
    ck_assert_uint_eq(GetEnvironmentVariableA("WsWide", a, sizeof a), 11);
    ck_assert_str_eq(a, "v\xc3\xa9l\xe2\x82\xac\xf0\x9f\x98\x80");
    ck_assert(SetEnvironmentVariableW(W("WSWIDE"), NULL));
    ASSERT_FAILS(GetEnvironmentVariableW(W("WsWide"), buf, 64), ERROR_ENVVAR_NOT_FOUND);
}
END_TEST

START_TEST(test_errors)
{
    char buf[16];
    WCHAR wbuf[16];
    ASSERT_FAILS(GetEnvironmentVariableA("", buf, sizeof buf), ERROR_ENVVAR_NOT_FOUND);
    ASSERT_FAILS(GetEnvironmentVariableA(NULL, buf, sizeof buf), ERROR_ENVVAR_NOT_FOUND);
    ASSERT_FAILS(GetEnvironmentVariableW(W(""), wbuf, 16), ERROR_ENVVAR_NOT_FOUND);
    ASSERT_FAILS(GetEnvironmentVariableW(NULL, NULL, 0), ERROR_ENVVAR_NOT_FOUND);
    ASSERT_FAILS(GetEnvironmentVariableA("WsNoSuchVariable", buf, sizeof buf),
                 ERROR_ENVVAR_NOT_FOUND);
    ASSERT_FAILS(SetEnvironmentVariableA("", "x"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentVariableA(NULL, "x"), ERROR_ENVVAR_NOT_FOUND);
    ASSERT_FAILS(SetEnvironmentVariableA("A=B", "x"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentVariableA("=C:", "C:\\"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentVariableW(W("A=B"), W("x")), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentVariableW(NULL, NULL), ERROR_ENVVAR_NOT_FOUND);
}
END_TEST

/* Two entries that differ in case (possible on Linux): a lookup prefers
 * the exact one; setting removes both. */
START_TEST(test_case_twins)
{
    setenv("WS_TWIN", "upper", 1);
    setenv("ws_twin", "lower", 1);
    char buf[16];
    ck_assert_uint_eq(GetEnvironmentVariableA("ws_twin", buf, sizeof buf), 5);
    ck_assert_str_eq(buf, "lower");
    ck_assert_uint_eq(GetEnvironmentVariableA("WS_TWIN", buf, sizeof buf), 5);
    ck_assert_str_eq(buf, "upper");
    ck_assert(SetEnvironmentVariableA("Ws_Twin", "one"));
    ck_assert_ptr_null(getenv("WS_TWIN"));
    ck_assert_ptr_null(getenv("ws_twin"));
    ck_assert_str_eq(getenv("Ws_Twin"), "one");
}
END_TEST

/* ---- the block ---- */

START_TEST(test_strings)
{
    ck_assert(SetEnvironmentVariableA("WsBlockVar", "in the block"));
    LPCH a = GetEnvironmentStrings();
    ck_assert_ptr_nonnull(a);
    size_t n = 0;
    bool found = false;
    for (const char *p = a; *p; p += strlen(p) + 1, n++)
        found |= !strcmp(p, "WsBlockVar=in the block");
    ck_assert(found);
    size_t count = 0;
    for (char **e = environ; *e; e++)
        count++;
    ck_assert_uint_eq(n, count);
    ck_assert(FreeEnvironmentStringsA(a));
    LPCH a2 = GetEnvironmentStringsA();
    ck_assert_ptr_nonnull(a2);
    ck_assert(FreeEnvironmentStringsA(a2));

    LPWCH w = GetEnvironmentStringsW();
    ck_assert_ptr_nonnull(w);
    found = false;
    size_t nw = 0;
    for (const WCHAR *p = w; *p; nw++) {
        found |= wequal(p, "WsBlockVar=in the block");
        while (*p)
            p++;
        p++;
    }
    ck_assert(found);
    ck_assert_uint_eq(nw, count);
    ck_assert(FreeEnvironmentStringsW(w));
}
END_TEST

START_TEST(test_set_strings)
{
    setenv("WINSHIM_KEEP_ME", "kept", 1);
    size_t kept = 0; /* WINSHIM_* stay: the test environment sets some */
    for (char **e = environ; *e; e++)
        kept += strncmp(*e, "WINSHIM_", 8) == 0;
    static char block[] = "ALPHA=1\0Beta=two\0Empty=\0";
    ck_assert(SetEnvironmentStringsA(block));
    char buf[16];
    ck_assert_uint_eq(GetEnvironmentVariableA("alpha", buf, sizeof buf), 1);
    ck_assert_uint_eq(GetEnvironmentVariableA("BETA", buf, sizeof buf), 3);
    ck_assert_str_eq(buf, "two");
    ck_assert_uint_eq(GetEnvironmentVariableA("empty", buf, sizeof buf), 0);
    ASSERT_FAILS(GetEnvironmentVariableA("PATH", buf, sizeof buf), ERROR_ENVVAR_NOT_FOUND);
    ck_assert_str_eq(getenv("WINSHIM_KEEP_ME"), "kept");
    size_t n = 0;
    for (char **e = environ; *e; e++)
        n++;
    ck_assert_uint_eq(n, 3 + kept);

    static WCHAR wblock[] = {'W', '=', 'x', 0, 'V', '=', 'y', 0, 0};
    ck_assert(SetEnvironmentStringsW(wblock));
    ck_assert_uint_eq(GetEnvironmentVariableA("v", buf, sizeof buf), 1);
    ck_assert_str_eq(buf, "y");
    ASSERT_FAILS(GetEnvironmentVariableA("ALPHA", buf, sizeof buf), ERROR_ENVVAR_NOT_FOUND);

    /* Malformed blocks change nothing. */
    static char no_eq[] = "GOOD=1\0BAD\0";
    static char lead_eq[] = "=C:=C:\\\0";
    ASSERT_FAILS(SetEnvironmentStringsA(no_eq), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentStringsA(lead_eq), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentStringsA(NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetEnvironmentStringsW(NULL), ERROR_INVALID_PARAMETER);
    ck_assert_ptr_null(getenv("GOOD"));
    ck_assert_str_eq(getenv("W"), "x");
}
END_TEST

/* ---- ExpandEnvironmentStrings ---- */

START_TEST(test_expand)
{
    char buf[128];
    ck_assert(SetEnvironmentVariableA("TVAR", "WINE"));
    ck_assert(SetEnvironmentVariableA("IndirectVar", "Foo%TVAR%Bar"));
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(ExpandEnvironmentStringsA("%tvar% and %TVAR%", buf, sizeof buf), 14);
    ck_assert_str_eq(buf, "WINE and WINE");
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* Unknown and unclosed names stay; values are not expanded again. */
    ck_assert_uint_eq(ExpandEnvironmentStringsA("%NoSuchVar%", buf, sizeof buf), 12);
    ck_assert_str_eq(buf, "%NoSuchVar%");
    ExpandEnvironmentStringsA("a%NoSuchVar%TVAR%b", buf, sizeof buf);
    ck_assert_str_eq(buf, "a%NoSuchVarWINEb");
    ExpandEnvironmentStringsA("100%", buf, sizeof buf);
    ck_assert_str_eq(buf, "100%");
    ExpandEnvironmentStringsA("%%TVAR%%", buf, sizeof buf);
    ck_assert_str_eq(buf, "%WINE%");
    ExpandEnvironmentStringsA("<%IndirectVar%>", buf, sizeof buf);
    ck_assert_str_eq(buf, "<Foo%TVAR%Bar>");
    ck_assert_uint_eq(ExpandEnvironmentStringsA(NULL, buf, sizeof buf), 1);
    ck_assert_str_eq(buf, "");
    /* Too small (ANSI): empty string, one more than the size needed. */
    strcpy(buf, "abcdefghijklmnopqrstuv");
    ck_assert_uint_eq(ExpandEnvironmentStringsA("%TVAR% long long", buf, 15), 16);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(ExpandEnvironmentStringsA("%TVAR% long long", NULL, 0), 16);
    ck_assert_uint_eq(ExpandEnvironmentStringsA("%TVAR% long long", buf, 16), 15);
    ck_assert_str_eq(buf, "WINE long long");
}
END_TEST

/* The UTF-16 form's partial writes, as Windows makes them (the cases of
 * Wine's kernel32 test, which Windows passes). */
START_TEST(test_expand_wide_partial)
{
    static const struct {
        const char *in, *out;
        DWORD size, ret;
    } cases[] = {
        {"Long long value", "abcdefghijklmnopqrstuv", 0, 16},
        {"Long long value", "abcdefghijklmnopqrstuv", 1, 16},
        {"Long long value", "Lbcdefghijklmnopqrstuv", 2, 16},
        {"Long long value", "Long long valuopqrstuv", 15, 16},
        {"Long long value", "Long long value", 16, 16},
        {"%TVAR% long long", "", 1, 15},
        {"%TVAR% long long", "", 4, 15},
        {"%TVAR% long long", "WINE", 5, 15},
        {"%TVAR% long long", "WINE fghijklmnopqrstuv", 6, 15},
        {"%TVAR% long long", "WINE long long", 15, 15},
        {"%TVAR%%TVAR% long", "WINE", 8, 14},
        {"%TVAR%%TVAR% long", "WINEWINE", 9, 14},
        {"%TVAR%%TVAR% long", "WINEWINE jklmnopqrstuv", 10, 14},
        {"%TVAR% %TVAR% long", "WINE ", 6, 15},
        {"%TVAR% %TVAR% long", "WINE WINE klmnopqrstuv", 11, 15},
        {"%TVAR2% long long", "%bcdefghijklmnopqrstuv", 2, 18},
        {"%TVAR2% long long", "%TVAR2%hijklmnopqrstuv", 8, 18},
        {"%TVAR long long", "%TVAR long long", 16, 16},
    };
    ck_assert(SetEnvironmentVariableW(W("TVAR"), W("WINE")));
    SetEnvironmentVariableA("TVAR2", NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WCHAR buf[64];
        const WCHAR *init = W("abcdefghijklmnopqrstuv");
        memcpy(buf, init, 23 * sizeof(WCHAR));
        SetLastError(0xdeadbeef);
        DWORD r = ExpandEnvironmentStringsW(W(cases[i].in), buf, cases[i].size);
        ck_assert_msg(r == cases[i].ret, "case %zu: %lu", i, (unsigned long)r);
        ASSERT_LAST_ERROR(0xdeadbeef);
        ck_assert_msg(wequal(buf, cases[i].out), "case %zu: wrong buffer", i);
    }
}
END_TEST

/* ---- startup information ---- */

START_TEST(test_startup_defaults)
{
    /* This process was not started by a winshim parent. */
    STARTUPINFOA si;
    memset(&si, 0xcc, sizeof si);
    GetStartupInfoA(&si);
    ck_assert_uint_eq(si.cb, sizeof si);
    ck_assert_uint_eq(si.dwFlags, 0);
    ck_assert_ptr_null(si.lpReserved);
    ck_assert_ptr_null(si.lpDesktop);
    ck_assert_ptr_null(si.hStdInput);
    ck_assert_ptr_null(si.hStdOutput);
    char path[PATH_MAX];
    ck_assert_uint_gt(GetModuleFileNameA(NULL, path, sizeof path), 0);
    ck_assert_str_eq(si.lpTitle, path);
    STARTUPINFOW sw;
    memset(&sw, 0xcc, sizeof sw);
    GetStartupInfoW(&sw);
    ck_assert_uint_eq(sw.cb, sizeof sw);
    ck_assert(wequal(sw.lpTitle, path));
    /* The same strings every time. */
    STARTUPINFOA again;
    GetStartupInfoA(&again);
    ck_assert_ptr_eq(again.lpTitle, si.lpTitle);
}
END_TEST

static STARTUPINFOA si_full(DWORD flags, WORD show, char *title, char *desktop)
{
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = flags;
    si.wShowWindow = show;
    si.lpTitle = title;
    si.lpDesktop = desktop;
    si.dwX = 10;
    si.dwY = 20;
    si.dwXSize = 300;
    si.dwYSize = 400;
    si.dwXCountChars = 80;
    si.dwYCountChars = 25;
    si.dwFillAttribute = 0x1e;
    return si;
}

START_TEST(test_child_sees_environment)
{
    ck_assert(SetEnvironmentVariableA("ws_env_child", "hello"));
    ck_assert(SetEnvironmentVariableA("WS_ENV_GONE", "x"));
    ck_assert(SetEnvironmentVariableA("ws_env_gone", NULL));
    ck_assert_uint_eq(run_child("env", NULL, 0, FALSE), 0);
}
END_TEST

START_TEST(test_child_startup_info)
{
    char title[] = "My \xc3\xa9 Title: with colons", desktop[] = "WinSta0\\Default";
    STARTUPINFOA si = si_full(STARTF_USESHOWWINDOW | STARTF_USESIZE | STARTF_USEPOSITION, 7,
                              title, desktop);
    ck_assert_uint_eq(run_child("startup 0x7 7 \"My \xc3\xa9 Title: with colons\" "
                                "WinSta0\\Default",
                                &si, 0, FALSE),
                      0);
    si = si_full(0, 0, NULL, NULL);
    ck_assert_uint_eq(run_child("startup 0 0 - -", &si, 0, FALSE), 0);
    /* SW_HIDE, as a server hides a CGI child's window (a console child
     * has none: the value is only handed on). */
    si = si_full(STARTF_USESHOWWINDOW, SW_HIDE, NULL, NULL);
    ck_assert_uint_eq(run_child("startup 0x1 0 - -", &si, 0, FALSE), 0);

    /* Standard handles: the child's GetStdHandle values. */
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w;
    ck_assert(CreatePipe(&r, &w, &sa, 0));
    si = si_full(STARTF_USESTDHANDLES, 0, NULL, NULL);
    si.hStdInput = r;
    si.hStdOutput = w;
    si.hStdError = w;
    ck_assert_uint_eq(run_child("startup 0x100 0 - -", &si, 0, TRUE), 0);
    CloseHandle(r);
    CloseHandle(w);

    /* The wide form carries the same. */
    WCHAR wtitle[] = {'T', 0x20ac, 0};
    STARTUPINFOW sw;
    memset(&sw, 0, sizeof sw);
    sw.cb = sizeof sw;
    sw.dwFlags = STARTF_USESHOWWINDOW;
    sw.wShowWindow = SW_SHOWMAXIMIZED;
    sw.lpTitle = wtitle;
    sw.dwX = 10;
    sw.dwY = 20;
    sw.dwXSize = 300;
    sw.dwYSize = 400;
    sw.dwXCountChars = 80;
    sw.dwYCountChars = 25;
    sw.dwFillAttribute = 0x1e;
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[n] = 0;
    char line[PATH_MAX + 100];
    snprintf(line, sizeof line, "\"%s\" --child startup 1 3 T@ -", self_exe);
    WCHAR wline[PATH_MAX + 100];
    size_t i = 0;
    for (; line[i]; i++) /* the path is ASCII; '@' stands for the euro sign */
        wline[i] = line[i] == '@' ? 0x20ac : (WCHAR)(unsigned char)line[i];
    wline[i] = 0;
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessW(NULL, wline, NULL, NULL, FALSE, 0, NULL, NULL, &sw, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    ck_assert_uint_eq(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}
END_TEST

START_TEST(test_child_error_mode)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    ck_assert_uint_eq(run_child("errmode", NULL, 0, FALSE),
                      SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    ck_assert_uint_eq(run_child("errmode", NULL, CREATE_DEFAULT_ERROR_MODE, FALSE), 0);
}
END_TEST

static Suite *env_suite(void)
{
    Suite *s = suite_create("env");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_get_set);
    tcase_add_test(basic, test_get_set_wide);
    tcase_add_test(basic, test_case_twins);
    tcase_add_test(basic, test_strings);
    tcase_add_test(basic, test_set_strings);
    tcase_add_test(basic, test_expand);
    tcase_add_test(basic, test_expand_wide_partial);
    tcase_add_test(basic, test_startup_defaults);
    suite_add_tcase(s, basic);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    TCase *processes = tcase_create("processes");
    tcase_set_timeout(processes, 30);
    tcase_add_test(processes, test_child_sees_environment);
    tcase_add_test(processes, test_child_startup_info);
    tcase_add_test(processes, test_child_error_mode);
    suite_add_tcase(s, processes);
    return s;
}

TEST_MAIN_WITH_CHILD(env_suite, child_main)
