/*
 * Environment and time: environment variables with their size protocol
 * and case rules, ExpandEnvironmentStrings, the block, a child started
 * with CreateProcess that sees a variable set here and the STARTUPINFO
 * given to it; FILETIME and SYSTEMTIME conversions and their errors, a
 * hand-made time zone (US Eastern rules) at its daylight-saving
 * boundaries, and relations that hold in whatever zone the machine is:
 * local time is UTC minus the current bias.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static char szSelf[MAX_PATH];

static int Child(const char *mode)
{
    char buf[64];
    if (strcmp(mode, "env") == 0) {
        DWORD n = GetEnvironmentVariableA("compat_greeting", buf, sizeof(buf));
        return n == 5 && strcmp(buf, "hello") == 0 ? 0 : 1;
    }
    if (strcmp(mode, "startup") == 0) {
        STARTUPINFOA si;
        GetStartupInfoA(&si);
        if (si.cb != sizeof(si))
            return 1;
        if (!(si.dwFlags & STARTF_USESHOWWINDOW) || si.wShowWindow != 7 /* SW_SHOWMINNOACTIVE */)
            return 2;
        if (!si.lpTitle || strcmp(si.lpTitle, "compat child") != 0)
            return 3;
        if (!(si.dwFlags & STARTF_USECOUNTCHARS) || si.dwXCountChars != 100 ||
            si.dwYCountChars != 40)
            return 4;
        return 0;
    }
    return 99;
}

static DWORD Run(const char *mode, STARTUPINFOA *si)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOA def;
    char szCmd[MAX_PATH + 64];
    DWORD code = 0xffffffff;
    if (!si) {
        ZeroMemory(&def, sizeof(def));
        def.cb = sizeof(def);
        si = &def;
    }
    sprintf(szCmd, "\"%s\" child %s", szSelf, mode);
    if (!CreateProcessA(NULL, szCmd, NULL, NULL, FALSE, 0, NULL, NULL, si, &pi)) {
        printf("CreateProcess failed (%lu)\n", (unsigned long)GetLastError());
        return code;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

static void Environment(void)
{
    char buf[64];
    DWORD n;
    BOOL ok;
    LPCH block;
    const char *p;
    int found = 0;
    STARTUPINFOA si;

    printf("-- environment\n");
    ok = SetEnvironmentVariableA("Compat_Greeting", "hello");
    printf("set: %d\n", ok);
    SetLastError(0xdeadbeef);
    n = GetEnvironmentVariableA("Compat_Greeting", NULL, 0);
    printf("size query: %lu, last error untouched: %s\n", (unsigned long)n,
           GetLastError() == 0xdeadbeef ? "yes" : "no");
    strcpy(buf, "unchanged");
    n = GetEnvironmentVariableA("Compat_Greeting", buf, 5);
    printf("buffer of 5: %lu, buffer \"%s\"\n", (unsigned long)n, buf);
    n = GetEnvironmentVariableA("COMPAT_GREETING", buf, sizeof(buf));
    printf("other case: %lu \"%s\"\n", (unsigned long)n, buf);

    ok = SetEnvironmentVariableA("Compat_Empty", "");
    SetLastError(0xdeadbeef);
    n = GetEnvironmentVariableA("compat_empty", buf, sizeof(buf));
    printf("empty value: %lu, last error untouched: %s, size query %lu\n", (unsigned long)n,
           GetLastError() == 0xdeadbeef ? "yes" : "no",
           (unsigned long)GetEnvironmentVariableA("compat_empty", NULL, 0));

    n = ExpandEnvironmentStringsA("[%COMPAT_GREETING%] 100% [%Compat_Missing%]", buf,
                                  sizeof(buf));
    printf("expand: %lu \"%s\"\n", (unsigned long)n, buf);
    /* The size needed ("hello world" and its terminator: 12); Windows
     * over-reports a short ANSI buffer by one, older Wine does not. */
    n = ExpandEnvironmentStringsA("%compat_greeting% world", NULL, 0);
    printf("expand size query big enough: %s\n", n >= 12 && n <= 13 ? "yes" : "no");

    block = GetEnvironmentStringsA();
    for (p = block; *p; p += strlen(p) + 1)
        if (strcmp(p, "Compat_Greeting=hello") == 0)
            found = 1;
    FreeEnvironmentStringsA(block);
    printf("in the block: %s\n", found ? "yes" : "no");

    printf("child sees it: %s\n", Run("env", NULL) == 0 ? "yes" : "no");
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESHOWWINDOW | STARTF_USECOUNTCHARS;
    si.wShowWindow = 7 /* SW_SHOWMINNOACTIVE */;
    si.dwXCountChars = 100;
    si.dwYCountChars = 40;
    si.lpTitle = "compat child";
    printf("child's startup info: %s\n", Run("startup", &si) == 0 ? "as given" : "wrong");

    ok = SetEnvironmentVariableA("COMPAT_GREETING", NULL);
    printf("delete: %d\n", ok);
    SetLastError(0xdeadbeef);
    n = GetEnvironmentVariableA("Compat_Greeting", buf, sizeof(buf));
    printf("after delete: %lu, error %lu\n", (unsigned long)n, (unsigned long)GetLastError());
    SetLastError(0xdeadbeef);
    ok = SetEnvironmentVariableA("A=B", "x");
    printf("name with '=': %d, error %lu\n", ok, (unsigned long)GetLastError());
    SetLastError(0xdeadbeef);
    n = GetEnvironmentVariableA("", buf, sizeof(buf));
    printf("empty name: %lu, error %lu\n", (unsigned long)n, (unsigned long)GetLastError());
    SetEnvironmentVariableA("Compat_Empty", NULL);
}

static void PrintSt(const char *what, const SYSTEMTIME *st)
{
    printf("%s: %04u-%02u-%02u %02u:%02u:%02u.%03u day %u\n", what, st->wYear, st->wMonth,
           st->wDay, st->wHour, st->wMinute, st->wSecond, st->wMilliseconds, st->wDayOfWeek);
}

static SYSTEMTIME Make(WORD y, WORD mo, WORD d, WORD h, WORD mi)
{
    SYSTEMTIME st;
    ZeroMemory(&st, sizeof(st));
    st.wYear = y;
    st.wMonth = mo;
    st.wDay = d;
    st.wHour = h;
    st.wMinute = mi;
    return st;
}

static void Conversions(void)
{
    FILETIME ft, ft2;
    SYSTEMTIME st;
    ULARGE_INTEGER u;
    BOOL ok;

    printf("-- conversions\n");
    u.QuadPart = 0;
    ft.dwLowDateTime = u.LowPart;
    ft.dwHighDateTime = u.HighPart;
    FileTimeToSystemTime(&ft, &st);
    PrintSt("FILETIME 0", &st);
    u.QuadPart = 116444736000000000ULL;
    ft.dwLowDateTime = u.LowPart;
    ft.dwHighDateTime = u.HighPart;
    FileTimeToSystemTime(&ft, &st);
    PrintSt("Unix epoch", &st);
    u.QuadPart = 0x7fffffffffffffffULL;
    ft.dwLowDateTime = u.LowPart;
    ft.dwHighDateTime = u.HighPart;
    FileTimeToSystemTime(&ft, &st);
    PrintSt("largest", &st);
    u.QuadPart = 0x8000000000000000ULL;
    ft.dwLowDateTime = u.LowPart;
    ft.dwHighDateTime = u.HighPart;
    SetLastError(0xdeadbeef);
    ok = FileTimeToSystemTime(&ft, &st);
    printf("2^63: %d, error %lu\n", ok, (unsigned long)GetLastError());

    st = Make(2024, 2, 29, 12, 34);
    st.wSecond = 56;
    st.wMilliseconds = 789;
    SystemTimeToFileTime(&st, &ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    printf("2024-02-29 12:34:56.789 is %llu\n", (unsigned long long)u.QuadPart);
    FileTimeToSystemTime(&ft, &st);
    PrintSt("and back", &st);

    st = Make(2023, 2, 29, 0, 0);
    SetLastError(0xdeadbeef);
    ok = SystemTimeToFileTime(&st, &ft);
    printf("2023-02-29: %d, error %lu\n", ok, (unsigned long)GetLastError());
    st = Make(2024, 1, 1, 24, 0);
    SetLastError(0xdeadbeef);
    ok = SystemTimeToFileTime(&st, &ft);
    printf("hour 24: %d, error %lu\n", ok, (unsigned long)GetLastError());

    ft2 = ft;
    ft2.dwHighDateTime++;
    printf("compare: %ld %ld %ld\n", (long)CompareFileTime(&ft, &ft2),
           (long)CompareFileTime(&ft2, &ft), (long)CompareFileTime(&ft, &ft));
}

/* US Eastern rules: -5 h, daylight time from the second Sunday of March
 * at 2:00 to the first Sunday of November at 2:00. */
static void Eastern(TIME_ZONE_INFORMATION *tzi)
{
    ZeroMemory(tzi, sizeof(*tzi));
    tzi->Bias = 300;
    tzi->DaylightBias = -60;
    tzi->StandardDate.wMonth = 11;
    tzi->StandardDate.wDay = 1;
    tzi->StandardDate.wHour = 2;
    tzi->DaylightDate.wMonth = 3;
    tzi->DaylightDate.wDay = 2;
    tzi->DaylightDate.wHour = 2;
}

static void ExplicitZone(void)
{
    static const WORD utc[][5] = {
        {2024, 1, 15, 12, 0}, {2024, 7, 1, 12, 0}, {2024, 3, 10, 6, 59},
        {2024, 3, 10, 7, 0},  {2024, 11, 3, 5, 59}, {2024, 11, 3, 6, 0},
    };
    static const WORD local[][5] = {
        {2024, 3, 10, 2, 30}, {2024, 11, 3, 1, 30}, {2024, 11, 3, 2, 0},
    };
    TIME_ZONE_INFORMATION tzi;
    SYSTEMTIME in, out;
    int i;
    BOOL ok;

    printf("-- a hand-made time zone\n");
    Eastern(&tzi);
    for (i = 0; i < 6; i++) {
        in = Make(utc[i][0], utc[i][1], utc[i][2], utc[i][3], utc[i][4]);
        SystemTimeToTzSpecificLocalTime(&tzi, &in, &out);
        printf("UTC %04u-%02u-%02u %02u:%02u -> local %02u:%02u\n", in.wYear, in.wMonth, in.wDay,
               in.wHour, in.wMinute, out.wHour, out.wMinute);
    }
    for (i = 0; i < 3; i++) {
        in = Make(local[i][0], local[i][1], local[i][2], local[i][3], local[i][4]);
        TzSpecificLocalTimeToSystemTime(&tzi, &in, &out);
        printf("local %04u-%02u-%02u %02u:%02u -> UTC %02u:%02u\n", in.wYear, in.wMonth,
               in.wDay, in.wHour, in.wMinute, out.wHour, out.wMinute);
    }
    in = Make(2024, 13, 1, 0, 0);
    SetLastError(0xdeadbeef);
    ok = SystemTimeToTzSpecificLocalTime(&tzi, &in, &out);
    printf("month 13: %d, error %lu\n", ok, (unsigned long)GetLastError());
}

static ULONGLONG Ticks(const SYSTEMTIME *st)
{
    FILETIME ft;
    ULARGE_INTEGER u;
    SystemTimeToFileTime(st, &ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    return u.QuadPart;
}

static void CurrentZone(void)
{
    TIME_ZONE_INFORMATION tzi;
    SYSTEMTIME utc, local, conv;
    FILETIME ft, lft;
    DWORD id;
    LONG bias;
    int tries, good = 0;

    printf("-- the machine's time zone\n");
    id = GetTimeZoneInformation(&tzi);
    printf("zone id is unknown, standard or daylight: %s\n",
           id == TIME_ZONE_ID_UNKNOWN || id == TIME_ZONE_ID_STANDARD ||
                   id == TIME_ZONE_ID_DAYLIGHT
               ? "yes"
               : "no");
    printf("rule dates in day-of-week form: %s\n",
           tzi.DaylightDate.wMonth == 0 ||
                   (tzi.DaylightDate.wYear == 0 && tzi.DaylightDate.wDay >= 1 &&
                    tzi.DaylightDate.wDay <= 5 && tzi.StandardDate.wMonth >= 1)
               ? "yes"
               : "no");
    bias = tzi.Bias + (id == TIME_ZONE_ID_DAYLIGHT ? tzi.DaylightBias : tzi.StandardBias);
    for (tries = 0; tries < 5 && !good; tries++) {
        GetSystemTime(&utc);
        GetLocalTime(&local);
        good = Ticks(&utc) / 10000000 ==
               (Ticks(&local) + (LONGLONG)bias * 600000000) / 10000000;
    }
    printf("local time = UTC - bias: %s\n", good ? "yes" : "no");
    GetSystemTimeAsFileTime(&ft);
    FileTimeToLocalFileTime(&ft, &lft);
    printf("FileTimeToLocalFileTime subtracts the bias: %s\n",
           ((ULONGLONG)lft.dwHighDateTime << 32 | lft.dwLowDateTime) -
                       ((ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime) ==
                   (ULONGLONG)(-(LONGLONG)bias * 600000000)
               ? "yes"
               : "no");
    SystemTimeToTzSpecificLocalTime(NULL, &utc, &conv);
    printf("SystemTimeToTzSpecificLocalTime(NULL) agrees: %s\n",
           Ticks(&conv) == Ticks(&utc) - (LONGLONG)bias * 600000000 ? "yes" : "no");
    TzSpecificLocalTimeToSystemTime(NULL, &conv, &local);
    printf("and back: %s\n", Ticks(&local) == Ticks(&utc) ? "yes" : "no");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "child") == 0)
        return Child(argv[2]);
    GetModuleFileNameA(NULL, szSelf, MAX_PATH);
    Environment();
    Conversions();
    ExplicitZone();
    CurrentZone();
    return 0;
}
