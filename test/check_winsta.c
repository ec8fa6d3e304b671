/* Window stations and desktops: the process's station and the threads'
 * desktops, open, create, enumerate, information, the closing rules, and
 * STARTUPINFO.lpDesktop in a child. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void name_of(HANDLE h, const char *want)
{
    char buf[256];
    DWORD need = 0;
    ck_assert_msg(GetUserObjectInformationA(h, UOI_NAME, buf, sizeof buf, &need), "%lu",
                  (unsigned long)GetLastError());
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(need, strlen(want) + 1);
}

START_TEST(test_current)
{
    HWINSTA ws = GetProcessWindowStation();
    ck_assert_ptr_nonnull(ws);
    ck_assert_ptr_eq(GetProcessWindowStation(), ws); /* the same handle each time */
    HDESK d = GetThreadDesktop(GetCurrentThreadId());
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_eq(GetThreadDesktop(GetCurrentThreadId()), d);
    name_of(ws, "WinSta0");
    name_of(d, "Default");
    char buf[64];
    DWORD need;
    ck_assert(GetUserObjectInformationA(ws, UOI_TYPE, buf, sizeof buf, &need));
    ck_assert_str_eq(buf, "WindowStation");
    ck_assert(GetUserObjectInformationA(d, UOI_TYPE, buf, sizeof buf, &need));
    ck_assert_str_eq(buf, "Desktop");
    USEROBJECTFLAGS f;
    memset(&f, 0xcc, sizeof f);
    ck_assert(GetUserObjectInformationA(ws, UOI_FLAGS, &f, sizeof f, &need));
    ck_assert_uint_eq(need, sizeof f);
    ck_assert_int_eq(f.fInherit, FALSE);
    ck_assert_uint_eq(f.dwFlags, WSF_VISIBLE);
    ck_assert(GetUserObjectInformationA(d, UOI_FLAGS, &f, sizeof f, &need));
    ck_assert_uint_eq(f.dwFlags, 0);
    BOOL io = FALSE;
    ck_assert(GetUserObjectInformationW(d, UOI_IO, &io, sizeof io, &need));
    ck_assert(io);

    /* The process's station and the thread's desktop cannot be closed. */
    ASSERT_FAILS(CloseWindowStation(ws), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(CloseDesktop(d), ERROR_BUSY);
    ck_assert_ptr_eq(GetProcessWindowStation(), ws);

    /* Another thread uses the same desktop. */
    DWORD other = 0;
    HANDLE th = CreateThread(NULL, 0, (LPTHREAD_START_ROUTINE)(void (*)(void))Sleep,
                             (LPVOID)(uintptr_t)INFINITE, CREATE_SUSPENDED, &other);
    ck_assert_ptr_eq(GetThreadDesktop(other), d);
    ck_assert(TerminateThread(th, 0));
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    ASSERT_FAILS(GetThreadDesktop(0x7ffffff0), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_info_errors)
{
    HWINSTA ws = GetProcessWindowStation();
    char buf[64];
    WCHAR wbuf[64];
    DWORD need = 0;
    /* Too small: the size needed, in bytes of the wide name for both. */
    ASSERT_FAILS(GetUserObjectInformationA(ws, UOI_NAME, buf, 2, &need),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, 16);
    ASSERT_FAILS(GetUserObjectInformationW(ws, UOI_NAME, wbuf, 2, &need),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, 16);
    ck_assert(GetUserObjectInformationW(ws, UOI_NAME, wbuf, sizeof wbuf, &need));
    ck_assert_uint_eq(need, 16);
    ck_assert(wbuf[0] == 'W' && wbuf[6] == '0' && wbuf[7] == 0);
    USEROBJECTFLAGS f;
    ASSERT_FAILS(GetUserObjectInformationA(ws, UOI_FLAGS, &f, sizeof f - 1, &need),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, sizeof f);
    BYTE sid[64];
    ASSERT_FAILS(GetUserObjectInformationA(ws, UOI_USER_SID, sid, 4, &need),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(need, 16);
    ck_assert(GetUserObjectInformationA(ws, UOI_USER_SID, sid, sizeof sid, &need));
    ck_assert(IsValidSid(sid));
    ck_assert_uint_eq(*GetSidSubAuthority(sid, 1), (DWORD)geteuid());
    ASSERT_FAILS(GetUserObjectInformationA(ws, 99, buf, sizeof buf, &need),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetUserObjectInformationA(ws, UOI_HEAPSIZE, buf, sizeof buf, &need),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(GetUserObjectInformationA(GetCurrentProcess(), UOI_NAME, buf, sizeof buf, &need),
                 ERROR_INVALID_HANDLE);
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(GetUserObjectInformationA(ev, UOI_NAME, buf, sizeof buf, &need),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseDesktop((HDESK)ev), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseWindowStation((HWINSTA)ev), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetThreadDesktop((HDESK)ws), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetProcessWindowStation((HWINSTA)GetThreadDesktop(GetCurrentThreadId())),
                 ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    ASSERT_FAILS(GetUserObjectInformationA(NULL, UOI_NAME, buf, sizeof buf, &need),
                 ERROR_INVALID_HANDLE);

    /* SetUserObjectInformation: UOI_FLAGS. */
    HDESK d = CreateDesktopA("winshim-flags", NULL, NULL, 0, GENERIC_ALL, NULL);
    ck_assert_ptr_nonnull(d);
    USEROBJECTFLAGS set = {TRUE, FALSE, DF_ALLOWOTHERACCOUNTHOOK};
    ck_assert(SetUserObjectInformationA(d, UOI_FLAGS, &set, sizeof set));
    ck_assert(GetUserObjectInformationA(d, UOI_FLAGS, &f, sizeof f, &need));
    ck_assert_int_eq(f.fInherit, TRUE);
    ck_assert_uint_eq(f.dwFlags, DF_ALLOWOTHERACCOUNTHOOK);
    set.dwFlags = 0x80;
    ASSERT_FAILS(SetUserObjectInformationW(d, UOI_FLAGS, &set, sizeof set),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetUserObjectInformationW(d, UOI_NAME, &set, sizeof set),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetUserObjectInformationW(d, UOI_FLAGS, &set, 4), ERROR_INVALID_PARAMETER);
    ck_assert(CloseDesktop(d));
}
END_TEST

START_TEST(test_open)
{
    HWINSTA ws = OpenWindowStationA("winsta0", FALSE, WINSTA_ALL_ACCESS);
    ck_assert_ptr_nonnull(ws);
    ck_assert_ptr_ne(ws, GetProcessWindowStation());
    name_of(ws, "WinSta0");
    ck_assert(CloseWindowStation(ws));
    ASSERT_FAILS(CloseWindowStation(ws), ERROR_INVALID_HANDLE);
    ws = OpenWindowStationW(u"WINSTA0", TRUE, GENERIC_READ);
    ck_assert_ptr_nonnull(ws);
    DWORD fl = 0;
    ck_assert(GetHandleInformation(ws, &fl));
    ck_assert_uint_eq(fl & HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    ck_assert(CloseWindowStation(ws));

    HDESK d = OpenDesktopA("default", 0, FALSE, GENERIC_ALL);
    ck_assert_ptr_nonnull(d);
    name_of(d, "Default");
    ck_assert_ptr_ne(d, GetThreadDesktop(GetCurrentThreadId()));
    ck_assert(CloseDesktop(d));
    d = OpenInputDesktop(0, FALSE, DESKTOP_READOBJECTS);
    ck_assert_ptr_nonnull(d);
    name_of(d, "Default");
    ck_assert(CloseDesktop(d));
    d = OpenDesktopA("Winlogon", 0, FALSE, DESKTOP_READOBJECTS);
    if (geteuid() == 0) {
        ck_assert_ptr_nonnull(d);
        name_of(d, "Winlogon");
        CloseDesktop(d);
    } else {
        ck_assert_ptr_null(d);
        ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
    }

    /* Errors. */
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenWindowStationA("winshim-no-such-station", FALSE, WINSTA_ALL_ACCESS));
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenDesktopA("winshim-no-such-desktop", 0, FALSE, GENERIC_ALL));
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenDesktopA("WinSta0\\Default", 0, FALSE, GENERIC_ALL));
    ck_assert_uint_eq(GetLastError(), ERROR_BAD_PATHNAME);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenDesktopA("Default", 0x80, FALSE, GENERIC_ALL));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenWindowStationA(NULL, FALSE, GENERIC_ALL));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenWindowStationA("WinSta0", FALSE, 0x00008000));
    ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenWindowStationA("WinSta0", FALSE, ACCESS_SYSTEM_SECURITY));
    ck_assert_uint_eq(GetLastError(), ERROR_PRIVILEGE_NOT_HELD);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenWindowStationA("", FALSE, GENERIC_ALL));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_NAME);
}
END_TEST

START_TEST(test_create)
{
    HWINSTA ws = CreateWindowStationA("winshim-station", 0, WINSTA_ALL_ACCESS, NULL);
    ck_assert_ptr_nonnull(ws);
    name_of(ws, "winshim-station");
    USEROBJECTFLAGS f;
    DWORD need;
    ck_assert(GetUserObjectInformationA(ws, UOI_FLAGS, &f, sizeof f, &need));
    ck_assert_uint_eq(f.dwFlags, 0); /* not the visible one */
    HWINSTA again = CreateWindowStationA("WINSHIM-STATION", 0, WINSTA_ALL_ACCESS, NULL);
    ck_assert_ptr_nonnull(again);
    name_of(again, "winshim-station"); /* the same object: its first name */
    CloseWindowStation(again);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(
        CreateWindowStationA("winshim-station", CWF_CREATE_ONLY, WINSTA_ALL_ACCESS, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_ALREADY_EXISTS);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateWindowStationA("a\\b", 0, WINSTA_ALL_ACCESS, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_PATH_NOT_FOUND);
    HWINSTA anon = CreateWindowStationW(NULL, 0, WINSTA_ALL_ACCESS, NULL);
    ck_assert_ptr_nonnull(anon);
    char buf[64];
    ck_assert(GetUserObjectInformationA(anon, UOI_NAME, buf, sizeof buf, &need));
    ck_assert(!strncmp(buf, "Service-0x", 10) && buf[strlen(buf) - 1] == '$');
    CloseWindowStation(anon);

    /* Desktops are made on the process's station. */
    HDESK d = CreateDesktopA("winshim-desk", NULL, NULL, 0, GENERIC_ALL, NULL);
    ck_assert_ptr_nonnull(d);
    name_of(d, "winshim-desk");
    HDESK o = OpenDesktopA("WINSHIM-DESK", 0, FALSE, DESKTOP_READOBJECTS);
    ck_assert_ptr_nonnull(o);
    CloseDesktop(o);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateDesktopA("a\\b", NULL, NULL, 0, GENERIC_ALL, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_BAD_PATHNAME);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateDesktopA("x", "DISPLAY1", NULL, 0, GENERIC_ALL, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateDesktopA(NULL, NULL, NULL, 0, GENERIC_ALL, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);

    /* SetThreadDesktop: the old one can then be closed... if no other
     * thread uses it; the process's default desktop stays in use. */
    HDESK def = GetThreadDesktop(GetCurrentThreadId());
    ck_assert(SetThreadDesktop(d));
    ck_assert_ptr_eq(GetThreadDesktop(GetCurrentThreadId()), d);
    ASSERT_FAILS(CloseDesktop(d), ERROR_BUSY);
    ASSERT_FAILS(CloseDesktop(def), ERROR_BUSY);
    ck_assert(SetThreadDesktop(def));
    ck_assert(CloseDesktop(d));
    ck_assert_ptr_null(OpenDesktopA("winshim-desk", 0, FALSE, DESKTOP_READOBJECTS));
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND); /* gone with its last handle */

    /* SetProcessWindowStation: then desktops are made there; the old one
     * may be closed, the new one not. */
    HWINSTA old = GetProcessWindowStation();
    ck_assert(SetProcessWindowStation(ws));
    ck_assert_ptr_eq(GetProcessWindowStation(), ws);
    ASSERT_FAILS(CloseWindowStation(ws), ERROR_ACCESS_DENIED);
    HDESK sd = CreateDesktopA("inner", NULL, NULL, 0, GENERIC_ALL, NULL);
    ck_assert_ptr_nonnull(sd);
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenDesktopA("Default", 0, FALSE, GENERIC_ALL)); /* not on this one */
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
    ck_assert(SetProcessWindowStation(old));
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(OpenDesktopA("inner", 0, FALSE, GENERIC_ALL));
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
    CloseDesktop(sd);
    ck_assert(CloseWindowStation(ws));

    /* CreateDesktop needs WINSTA_CREATEDESKTOP on the process's station. */
    HWINSTA ro = OpenWindowStationA("WinSta0", FALSE, WINSTA_ENUMDESKTOPS);
    ck_assert(SetProcessWindowStation(ro));
    SetLastError(0xdeadbeef);
    ck_assert_ptr_null(CreateDesktopA("nope", NULL, NULL, 0, GENERIC_ALL, NULL));
    ck_assert_uint_eq(GetLastError(), ERROR_ACCESS_DENIED);
    ck_assert(SetProcessWindowStation(old));
    CloseWindowStation(ro);
}
END_TEST

struct seen {
    int n, winsta0, mine, def;
    int stop_after;
};

static BOOL CALLBACK enum_a(LPSTR name, LPARAM lp)
{
    struct seen *s = (struct seen *)lp;
    s->n++;
    s->winsta0 += !strcmp(name, "WinSta0");
    s->mine += !strcmp(name, "winshim-enum");
    s->def += !strcmp(name, "Default");
    return s->n != s->stop_after;
}

static BOOL CALLBACK enum_w(LPWSTR name, LPARAM lp)
{
    struct seen *s = (struct seen *)lp;
    s->n++;
    s->mine += name[0] == 'w' && name[7] == '-' && name[8] == 'e';
    return TRUE;
}

START_TEST(test_enum)
{
    struct seen s = {0};
    ck_assert(EnumWindowStationsA(enum_a, (LPARAM)&s));
    ck_assert_int_eq(s.winsta0, 1);
    ck_assert_int_eq(s.mine, 0);
    HWINSTA ws = CreateWindowStationA("winshim-enum", 0, WINSTA_ALL_ACCESS, NULL);
    memset(&s, 0, sizeof s);
    ck_assert(EnumWindowStationsA(enum_a, (LPARAM)&s));
    ck_assert_int_eq(s.winsta0, 1);
    ck_assert_int_eq(s.mine, 1);
    memset(&s, 0, sizeof s);
    ck_assert(EnumWindowStationsW(enum_w, (LPARAM)&s));
    ck_assert_int_eq(s.mine, 1);
    /* The callback's FALSE stops it and is returned. */
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    ck_assert(!EnumWindowStationsA(enum_a, (LPARAM)&s));
    ck_assert_int_eq(s.n, 1);

    memset(&s, 0, sizeof s);
    ck_assert(EnumDesktopsA(NULL, enum_a, (LPARAM)&s));
    ck_assert_int_eq(s.def, 1);
    ck_assert_int_eq(s.n, geteuid() == 0 ? 2 : 1); /* Winlogon is SYSTEM's */
    HDESK d = CreateDesktopA("winshim-enum", NULL, NULL, 0, GENERIC_ALL, NULL);
    memset(&s, 0, sizeof s);
    ck_assert(EnumDesktopsA(GetProcessWindowStation(), enum_a, (LPARAM)&s));
    ck_assert_int_eq(s.mine, 1);
    memset(&s, 0, sizeof s);
    ck_assert(EnumDesktopsA(ws, enum_a, (LPARAM)&s)); /* none on a new station */
    ck_assert_int_eq(s.n, 0);
    HWINSTA ro = OpenWindowStationA("WinSta0", FALSE, WINSTA_READATTRIBUTES);
    ASSERT_FAILS(EnumDesktopsA(ro, enum_a, (LPARAM)&s), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(EnumDesktopsA((HWINSTA)d, enum_a, (LPARAM)&s), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(EnumWindowStationsA(NULL, 0), ERROR_INVALID_PARAMETER);
    CloseWindowStation(ro);
    CloseDesktop(d);
    CloseWindowStation(ws);
    memset(&s, 0, sizeof s);
    ck_assert(EnumWindowStationsA(enum_a, (LPARAM)&s));
    ck_assert_int_eq(s.mine, 0); /* gone with its last handle */
}
END_TEST

/* A child started with lpDesktop: its station and desktop are those named
 * (argv after --child: "station\desktop"), the parent's objects opened by
 * name in another process. */
static int child_main(int argc, char **argv, int k)
{
    if (k + 1 >= argc)
        return 2;
    char ws[64], d[64], got[140];
    DWORD need;
    if (!GetUserObjectInformationA(GetProcessWindowStation(), UOI_NAME, ws, sizeof ws, &need) ||
        !GetUserObjectInformationA(GetThreadDesktop(GetCurrentThreadId()), UOI_NAME, d,
                                   sizeof d, &need))
        return 3;
    snprintf(got, sizeof got, "%s\\%s", ws, d);
    return strcmp(got, argv[k + 1]) ? 1 : 0;
}

static DWORD run_child(const char *desktop, const char *want)
{
    char self[512], cmd[700];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = 0;
    snprintf(cmd, sizeof cmd, "\"%s\" --child \"%s\"", self, want);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.lpDesktop = (LPSTR)desktop;
    PROCESS_INFORMATION pi;
    ck_assert(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    ASSERT_WAIT(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
    DWORD code = 99;
    ck_assert(GetExitCodeProcess(pi.hProcess, &code));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

START_TEST(test_child_desktop)
{
    HWINSTA old = GetProcessWindowStation();
    HWINSTA ws = CreateWindowStationA("winshim-child", 0, WINSTA_ALL_ACCESS, NULL);
    ck_assert(SetProcessWindowStation(ws));
    HDESK d = CreateDesktopA("Work", NULL, NULL, 0, GENERIC_ALL, NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert(SetProcessWindowStation(old));
    ck_assert_uint_eq(run_child("winshim-child\\Work", "winshim-child\\Work"), 0);
    ck_assert_uint_eq(run_child("WinSta0\\Default", "WinSta0\\Default"), 0);
    ck_assert_uint_eq(run_child(NULL, "WinSta0\\Default"), 0);
    ck_assert_uint_eq(run_child("Default", "WinSta0\\Default"), 0);
    /* A desktop that does not exist: the default one (Windows would
     * fail the child's start). */
    ck_assert_uint_eq(run_child("WinSta0\\winshim-none", "WinSta0\\Default"), 0);
    CloseDesktop(d);
    CloseWindowStation(ws);
}
END_TEST

static Suite *winsta_suite(void)
{
    Suite *s = suite_create("winsta");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_current);
    tcase_add_test(tc, test_info_errors);
    tcase_add_test(tc, test_open);
    tcase_add_test(tc, test_create);
    tcase_add_test(tc, test_enum);
    suite_add_tcase(s, tc);
    TCase *pc = tcase_create("processes");
    tcase_add_test(pc, test_child_desktop);
    suite_add_tcase(s, pc);
    return s;
}

TEST_MAIN_WITH_CHILD(winsta_suite, child_main)
