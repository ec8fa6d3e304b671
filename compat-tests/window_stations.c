/*
 * window_stations: the window station and desktop a console program runs
 * in, as programs that check for an interactive session look at them
 * (GetProcessWindowStation, GetThreadDesktop, GetUserObjectInformation
 * with UOI_NAME, UOI_TYPE and UOI_FLAGS), then a desktop of our own
 * (CreateDesktop, SetThreadDesktop, OpenDesktop), a window station of our
 * own (CreateWindowStation), the enumerations and the closing rules.
 * Enumerations print only whether the names we know are there, as other
 * stations may exist on the machine.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define U(x) ((unsigned long)(x))

static void show(const char *what, HANDLE h)
{
    char name[256], type[64];
    DWORD need = 0;
    USEROBJECTFLAGS flags;
    if (!GetUserObjectInformationA(h, UOI_NAME, name, sizeof name, &need) ||
        !GetUserObjectInformationA(h, UOI_TYPE, type, sizeof type, &need) ||
        !GetUserObjectInformationA(h, UOI_FLAGS, &flags, sizeof flags, &need)) {
        printf("%s: GetUserObjectInformation error %lu\n", what, U(GetLastError()));
        return;
    }
    printf("%s: %s \"%s\", flags 0x%lx\n", what, type, name, U(flags.dwFlags));
}

struct search {
    const char *want;
    int found;
};

static BOOL CALLBACK find_name(LPSTR name, LPARAM lParam)
{
    struct search *s = (struct search *)lParam;
    if (!lstrcmpiA(name, s->want))
        s->found++;
    return TRUE;
}

static BOOL CALLBACK stop_at_first(LPSTR name, LPARAM lParam)
{
    (void)name;
    ++*(int *)lParam;
    return FALSE;
}

int main(void)
{
    HWINSTA hwinsta = GetProcessWindowStation();
    HDESK hdesk = GetThreadDesktop(GetCurrentThreadId());
    show("process window station", hwinsta);
    show("thread desktop", hdesk);
    printf("same handles again: %s\n",
           hwinsta == GetProcessWindowStation() &&
                   hdesk == GetThreadDesktop(GetCurrentThreadId())
               ? "yes"
               : "no");

    /* A name too long for the buffer. */
    char small[4];
    DWORD need = 0;
    if (!GetUserObjectInformationA(hwinsta, UOI_NAME, small, sizeof small, &need))
        printf("UOI_NAME into 4 bytes: error %lu, %lu bytes needed\n", U(GetLastError()),
               U(need));

    /* What a program cannot close. */
    if (!CloseWindowStation(hwinsta))
        printf("CloseWindowStation(process's): error %lu\n", U(GetLastError()));
    if (!CloseDesktop(hdesk))
        printf("CloseDesktop(thread's): error %lu\n", U(GetLastError()));

    /* Opening by name. */
    HWINSTA w2 = OpenWindowStationA("winsta0", FALSE, WINSTA_ENUMDESKTOPS | WINSTA_READATTRIBUTES);
    show("OpenWindowStation(\"winsta0\")", w2);
    HDESK d2 = OpenDesktopA("default", 0, FALSE, DESKTOP_READOBJECTS);
    show("OpenDesktop(\"default\")", d2);
    if (!OpenWindowStationA("NoSuchStation", FALSE, WINSTA_ALL_ACCESS))
        printf("OpenWindowStation(NoSuchStation): error %lu\n", U(GetLastError()));
    if (!OpenDesktopA("NoSuchDesktop", 0, FALSE, DESKTOP_READOBJECTS))
        printf("OpenDesktop(NoSuchDesktop): error %lu\n", U(GetLastError()));
    if (!OpenDesktopA("WinSta0\\Default", 0, FALSE, DESKTOP_READOBJECTS))
        printf("OpenDesktop(WinSta0\\Default): error %lu\n", U(GetLastError()));

    /* A desktop of our own, used by this thread for a while. */
    HDESK mine = CreateDesktopA("CompatDesk", NULL, NULL, 0, GENERIC_ALL, NULL);
    show("CreateDesktop(\"CompatDesk\")", mine);
    struct search s = {"CompatDesk", 0};
    EnumDesktopsA(hwinsta, find_name, (LPARAM)&s);
    printf("EnumDesktops finds CompatDesk: %d\n", s.found);
    s.want = "Default";
    s.found = 0;
    EnumDesktopsA(NULL, find_name, (LPARAM)&s);
    printf("EnumDesktops finds Default: %d\n", s.found);
    if (SetThreadDesktop(mine)) {
        show("thread desktop now", GetThreadDesktop(GetCurrentThreadId()));
        if (!CloseDesktop(mine))
            printf("CloseDesktop(in use): error %lu\n", U(GetLastError()));
        SetThreadDesktop(hdesk);
    }
    printf("CloseDesktop(CompatDesk): %s\n", CloseDesktop(mine) ? "ok" : "failed");

    /* A window station of our own. */
    HWINSTA station = CreateWindowStationA("CompatStation", 0, WINSTA_ALL_ACCESS, NULL);
    show("CreateWindowStation(\"CompatStation\")", station);
    if (!CreateWindowStationA("CompatStation", CWF_CREATE_ONLY, WINSTA_ALL_ACCESS, NULL))
        printf("CreateWindowStation(CWF_CREATE_ONLY, existing): error %lu\n", U(GetLastError()));
    s.want = "CompatStation";
    s.found = 0;
    EnumWindowStationsA(find_name, (LPARAM)&s);
    printf("EnumWindowStations finds CompatStation: %d\n", s.found);
    s.want = "WinSta0";
    s.found = 0;
    EnumWindowStationsA(find_name, (LPARAM)&s);
    printf("EnumWindowStations finds WinSta0: %d\n", s.found);
    int calls = 0;
    BOOL r = EnumWindowStationsA(stop_at_first, (LPARAM)&calls);
    printf("EnumWindowStations stopped by its callback returns %d after %d call(s)\n", r, calls);
    printf("CloseWindowStation(CompatStation): %s\n", CloseWindowStation(station) ? "ok" : "failed");

    CloseDesktop(d2);
    CloseWindowStation(w2);
    return 0;
}
