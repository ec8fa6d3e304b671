/*
 * System information as a Windows program gathers it (Microsoft's "Getting
 * System Information" and "Getting the System Version" examples, and the
 * two-call buffer size protocols), printed as facts that hold on every
 * machine: the page size and allocation granularity, relations between
 * counts ("processors >= 1"), and the error code of each size protocol.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static const char *yes(BOOL b)
{
    return b ? "yes" : "no";
}

static void Processors(void)
{
    SYSTEM_INFO si, nsi;
    DWORD len = 0, n, i, cores = 0;
    ULONG_PTR mask = 0;
    BOOL ok, disjoint = TRUE;
    SYSTEM_LOGICAL_PROCESSOR_INFORMATION *buf;

    GetSystemInfo(&si);
    GetNativeSystemInfo(&nsi);
    printf("page size is %u\n", (unsigned)si.dwPageSize);
    printf("allocation granularity is %u\n", (unsigned)si.dwAllocationGranularity);
    printf("architecture is x64: %s\n",
           yes(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64));
    printf("native architecture is the same: %s\n",
           yes(nsi.wProcessorArchitecture == si.wProcessorArchitecture));
    printf("processors >= 1: %s\n", yes(si.dwNumberOfProcessors >= 1));
    printf("active processor mask has one bit per processor: %s\n",
           yes((DWORD)__builtin_popcountll(si.dwActiveProcessorMask) == si.dwNumberOfProcessors));
    printf("GetActiveProcessorCount agrees: %s\n",
           yes(GetActiveProcessorCount(ALL_PROCESSOR_GROUPS) == si.dwNumberOfProcessors));
    printf("maximum processors >= active: %s\n",
           yes(GetMaximumProcessorCount(ALL_PROCESSOR_GROUPS) >= si.dwNumberOfProcessors));
    printf("application addresses from 64 KiB: %s\n",
           yes(si.lpMinimumApplicationAddress == (LPVOID)0x10000));

    SetLastError(0);
    ok = GetLogicalProcessorInformation(NULL, &len);
    printf("GetLogicalProcessorInformation(NULL): %s, error %u, size is whole records: %s\n",
           ok ? "ok" : "failed", (unsigned)GetLastError(),
           yes(len > 0 && len % sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION) == 0));
    buf = (SYSTEM_LOGICAL_PROCESSOR_INFORMATION *)malloc(len);
    ok = GetLogicalProcessorInformation(buf, &len);
    n = len / sizeof *buf;
    for (i = 0; i < n; i++)
        if (buf[i].Relationship == RelationProcessorCore) {
            if (mask & buf[i].ProcessorMask)
                disjoint = FALSE;
            mask |= buf[i].ProcessorMask;
            cores++;
        }
    printf("second call: %s; cores >= 1: %s, their processors are disjoint: %s, "
           "and all the active ones: %s\n",
           ok ? "ok" : "failed", yes(cores >= 1), yes(disjoint),
           yes(mask == si.dwActiveProcessorMask));
    free(buf);
}

static void Memory(void)
{
    MEMORYSTATUSEX statex;
    BOOL ok;

    statex.dwLength = sizeof statex;
    ok = GlobalMemoryStatusEx(&statex);
    printf("GlobalMemoryStatusEx: %s\n", ok ? "ok" : "failed");
    printf("memory load <= 100: %s\n", yes(statex.dwMemoryLoad <= 100));
    printf("physical memory > 0, available <= total: %s\n",
           yes(statex.ullTotalPhys > 0 && statex.ullAvailPhys <= statex.ullTotalPhys));
    printf("page file >= available physical memory: %s\n",
           yes(statex.ullTotalPageFile >= statex.ullAvailPhys));
    printf("virtual address space >= 8 TiB: %s\n",
           yes(statex.ullTotalVirtual >= (DWORDLONG)8 << 40));
    statex.dwLength = sizeof statex - 4;
    SetLastError(0);
    ok = GlobalMemoryStatusEx(&statex);
    printf("wrong dwLength: %s, error %u\n", ok ? "ok" : "failed", (unsigned)GetLastError());
}

static void Version(void)
{
    OSVERSIONINFOEXA osvi;
    DWORDLONG dwlConditionMask = 0;
    BOOL ok;

    memset(&osvi, 0, sizeof osvi);
    osvi.dwOSVersionInfoSize = sizeof osvi;
    ok = GetVersionExA((OSVERSIONINFOA *)&osvi);
    printf("GetVersionEx: %s, Windows NT: %s, version >= 6: %s\n", ok ? "ok" : "failed",
           yes(osvi.dwPlatformId == VER_PLATFORM_WIN32_NT), yes(osvi.dwMajorVersion >= 6));
    printf("GetVersion agrees: %s\n",
           yes((GetVersion() & 0xFF) == osvi.dwMajorVersion && !(GetVersion() & 0x80000000)));
    osvi.dwOSVersionInfoSize = 12;
    SetLastError(0);
    ok = GetVersionExA((OSVERSIONINFOA *)&osvi);
    printf("GetVersionEx with a wrong size: %s, error %u\n", ok ? "ok" : "failed",
           (unsigned)GetLastError());

    /* Microsoft's "Verifying the System Version": at least Windows 7. */
    memset(&osvi, 0, sizeof osvi);
    osvi.dwOSVersionInfoSize = sizeof osvi;
    osvi.dwMajorVersion = 6;
    osvi.dwMinorVersion = 1;
    VER_SET_CONDITION(dwlConditionMask, VER_MAJORVERSION, VER_GREATER_EQUAL);
    VER_SET_CONDITION(dwlConditionMask, VER_MINORVERSION, VER_GREATER_EQUAL);
    ok = VerifyVersionInfoA(&osvi, VER_MAJORVERSION | VER_MINORVERSION, dwlConditionMask);
    printf("at least Windows 7: %s\n", yes(ok));
    osvi.dwMajorVersion = 99;
    SetLastError(0);
    ok = VerifyVersionInfoA(&osvi, VER_MAJORVERSION | VER_MINORVERSION, dwlConditionMask);
    printf("at least Windows 99: %s, error %u\n", yes(ok), (unsigned)GetLastError());
}

static void Names(void)
{
    char name[MAX_COMPUTERNAME_LENGTH + 1], user[257], dir[MAX_PATH];
    DWORD size = 0, need;
    BOOL ok, upper = TRUE;
    UINT n;
    BOOL wow64 = TRUE;

    SetLastError(0);
    ok = GetComputerNameA(name, &size);
    printf("GetComputerName with no room: %s, error %u\n", ok ? "ok" : "failed",
           (unsigned)GetLastError());
    need = size;
    size = sizeof name;
    ok = GetComputerNameA(name, &size);
    for (DWORD i = 0; i < size; i++)
        if (name[i] >= 'a' && name[i] <= 'z')
            upper = FALSE;
    printf("GetComputerName: %s, length <= 15: %s, asked for length + 1: %s, upper case: %s\n",
           ok ? "ok" : "failed", yes(size <= MAX_COMPUTERNAME_LENGTH), yes(need == size + 1),
           yes(upper));

    size = 1;
    SetLastError(0);
    ok = GetUserNameA(user, &size);
    printf("GetUserName with no room: %s, error %u\n", ok ? "ok" : "failed",
           (unsigned)GetLastError());
    need = size;
    size = sizeof user;
    ok = GetUserNameA(user, &size);
    printf("GetUserName: %s, size counts the terminator: %s, as asked: %s\n",
           ok ? "ok" : "failed", yes(size == strlen(user) + 1), yes(need == size));

    n = GetWindowsDirectoryA(dir, sizeof dir);
    printf("Windows directory on a drive: %s, length returned: %s\n",
           yes(n > 3 && dir[1] == ':' && dir[2] == '\\'), yes(n == strlen(dir)));
    n = GetSystemDirectoryA(dir, sizeof dir);
    for (UINT i = 0; i < n; i++)
        if (dir[i] >= 'A' && dir[i] <= 'Z')
            dir[i] = (char)(dir[i] - 'A' + 'a');
    printf("system directory ends in system32: %s\n",
           yes(n > 9 && strcmp(dir + n - 9, "\\system32") == 0));
    n = GetSystemDirectoryA(dir, 3);
    printf("system directory with no room: needs length + 1: %s\n", yes(n == strlen(dir) + 1));

    ok = IsWow64Process(GetCurrentProcess(), &wow64);
    printf("IsWow64Process: %s, WOW64: %s\n", ok ? "ok" : "failed", yes(wow64));
}

static void Drives(void)
{
    DWORD drives = GetLogicalDrives();
    ULARGE_INTEGER avail, total, tfree;
    DWORD spc, bps, nfree, ntotal, serial, maxcomp, flags;
    char fs[MAX_PATH + 1];
    BOOL ok;

    printf("drive C: exists: %s\n", yes((drives & (1 << 2)) != 0));
    printf("C:\\ is a fixed drive: %s\n", yes(GetDriveTypeA("C:\\") == DRIVE_FIXED));
    ok = GetDiskFreeSpaceExA("C:\\", &avail, &total, &tfree);
    printf("GetDiskFreeSpaceEx: %s, total > 0: %s, available <= total: %s\n",
           ok ? "ok" : "failed", yes(total.QuadPart > 0), yes(avail.QuadPart <= total.QuadPart));
    ok = GetDiskFreeSpaceA("C:\\", &spc, &bps, &nfree, &ntotal);
    printf("GetDiskFreeSpace: %s, clusters free <= total: %s, sector >= 512: %s\n",
           ok ? "ok" : "failed", yes(nfree <= ntotal), yes(bps >= 512));
    ok = GetVolumeInformationA("C:\\", NULL, 0, &serial, &maxcomp, &flags, fs, sizeof fs);
    printf("GetVolumeInformation: %s, names up to 255: %s, case preserved: %s, "
           "file system named: %s\n",
           ok ? "ok" : "failed", yes(maxcomp >= 255),
           yes((flags & FILE_CASE_PRESERVED_NAMES) != 0), yes(fs[0] != 0));
}

int main(void)
{
    Processors();
    Memory();
    Version();
    Names();
    Drives();
    return 0;
}
