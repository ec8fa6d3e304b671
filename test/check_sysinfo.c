/* System information (lib/sys/sysinfo.c), each value checked against what
 * Linux says (sysconf, /proc, sysfs, statvfs, gethostname, getpwuid):
 * processors, memory, the logical processor records and their size
 * protocol, the version and VerifyVersionInfo, names, the Windows
 * directories, drives and volumes. */
#include "testutil.h"

#include <ctype.h>
#include <pwd.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* ---- processors and memory ---- */

START_TEST(test_system_info)
{
    SYSTEM_INFO si;
    memset(&si, 0xcc, sizeof si);
    GetSystemInfo(&si);
    ck_assert_uint_eq(si.dwPageSize, (DWORD)sysconf(_SC_PAGESIZE));
    ck_assert_uint_eq(si.dwAllocationGranularity, 65536);
    ck_assert_uint_eq(si.dwNumberOfProcessors, (DWORD)sysconf(_SC_NPROCESSORS_ONLN));
    ck_assert_uint_eq((DWORD)__builtin_popcountll(si.dwActiveProcessorMask),
                      si.dwNumberOfProcessors);
    ck_assert_ptr_eq(si.lpMinimumApplicationAddress, (void *)0x10000);
    ck_assert_ptr_eq(si.lpMaximumApplicationAddress, (void *)0x7FFFFFFEFFFFull);
#if defined(__x86_64__)
    ck_assert_uint_eq(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
    ck_assert_uint_eq(si.dwProcessorType, PROCESSOR_AMD_X8664);
#endif
    SYSTEM_INFO ni;
    memset(&ni, 0xcc, sizeof ni);
    GetNativeSystemInfo(&ni);
    ck_assert_uint_eq(ni.wProcessorArchitecture, si.wProcessorArchitecture);
    ck_assert_uint_eq(ni.dwNumberOfProcessors, si.dwNumberOfProcessors);
    ck_assert_uint_eq(GetActiveProcessorCount(ALL_PROCESSOR_GROUPS), si.dwNumberOfProcessors);
    ck_assert_uint_eq(GetActiveProcessorCount(0), si.dwNumberOfProcessors);
    ck_assert_uint_eq(GetMaximumProcessorCount(ALL_PROCESSOR_GROUPS),
                      (DWORD)sysconf(_SC_NPROCESSORS_CONF));
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetActiveProcessorCount(1), 0);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetMaximumProcessorCount(7), 0);
    ASSERT_LAST_ERROR(ERROR_INVALID_PARAMETER);
}
END_TEST

static unsigned long long meminfo_kb(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    unsigned long long v = 0;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':')
            v = strtoull(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

START_TEST(test_memory_status)
{
    MEMORYSTATUSEX m;
    memset(&m, 0xcc, sizeof m);
    m.dwLength = sizeof m;
    ck_assert(GlobalMemoryStatusEx(&m));
    ck_assert_uint_eq(m.ullTotalPhys, meminfo_kb("MemTotal") * 1024);
    ck_assert_uint_le(m.ullAvailPhys, m.ullTotalPhys);
    ck_assert_uint_le(m.dwMemoryLoad, 100);
    ck_assert_uint_eq(m.ullTotalPageFile,
                      (meminfo_kb("MemTotal") + meminfo_kb("SwapTotal")) * 1024);
    ck_assert_uint_le(m.ullAvailPageFile, m.ullTotalPageFile);
    ck_assert_uint_eq(m.ullTotalVirtual, 0x7FFFFFFEFFFFull + 1 - 0x10000);
    ck_assert_uint_lt(m.ullAvailVirtual, m.ullTotalVirtual);
    ck_assert_uint_eq(m.ullAvailExtendedVirtual, 0);
    m.dwLength = sizeof m - 1;
    ASSERT_FAILS(GlobalMemoryStatusEx(&m), ERROR_INVALID_PARAMETER);
    MEMORYSTATUS s;
    memset(&s, 0xcc, sizeof s);
    GlobalMemoryStatus(&s);
    ck_assert_uint_eq(s.dwLength, sizeof s);
    ck_assert_uint_eq(s.dwTotalPhys, meminfo_kb("MemTotal") * 1024);
}
END_TEST

START_TEST(test_logical_processors)
{
    DWORD len = 0;
    ASSERT_FAILS(GetLogicalProcessorInformation(NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_eq(len % sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION), 0);
    SYSTEM_LOGICAL_PROCESSOR_INFORMATION *b = malloc(len);
    DWORD small = len - 1;
    ASSERT_FAILS(GetLogicalProcessorInformation(b, &small), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(small, len);
    memset(b, 0xcc, len);
    ck_assert(GetLogicalProcessorInformation(b, &len));
    /* The cores cover every online processor exactly once. */
    ULONG_PTR cores = 0;
    int ncore = 0, npkg = 0, nnode = 0, ncache = 0;
    for (DWORD i = 0; i < len / sizeof *b; i++) {
        switch (b[i].Relationship) {
        case RelationProcessorCore:
            ck_assert_uint_eq(cores & b[i].ProcessorMask, 0);
            cores |= b[i].ProcessorMask;
            ncore++;
            break;
        case RelationProcessorPackage:
            npkg++;
            break;
        case RelationNumaNode:
            nnode++;
            break;
        case RelationCache:
            ck_assert_uint_ge(b[i].Cache.Level, 1);
            ck_assert_uint_gt(b[i].Cache.Size, 0);
            ncache++;
            break;
        default:
            ck_abort_msg("relationship %d", (int)b[i].Relationship);
        }
    }
    ck_assert_int_eq(__builtin_popcountll(cores), (int)sysconf(_SC_NPROCESSORS_ONLN));
    ck_assert_int_ge(ncore, 1);
    ck_assert_int_ge(npkg, 1);
    ck_assert_int_ge(nnode, 1);
    (void)ncache; /* a virtual machine may show none */
    free(b);
    ASSERT_FAILS(GetLogicalProcessorInformation(NULL, NULL), ERROR_NOACCESS);
}
END_TEST

START_TEST(test_logical_processors_ex)
{
    DWORD len = 0;
    ASSERT_FAILS(GetLogicalProcessorInformationEx(RelationAll, NULL, &len),
                 ERROR_INSUFFICIENT_BUFFER);
    BYTE *b = malloc(len);
    memset(b, 0xcc, len);
    ck_assert(GetLogicalProcessorInformationEx(RelationAll, (void *)b, &len));
    int groups = 0, cores = 0;
    for (DWORD off = 0; off < len;) {
        SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *e = (void *)(b + off);
        ck_assert_uint_gt(e->Size, 0);
        if (e->Relationship == RelationGroup) {
            groups++;
            ck_assert_uint_eq(e->Group.ActiveGroupCount, 1);
            ck_assert_uint_eq(e->Group.GroupInfo[0].ActiveProcessorCount,
                              (DWORD)sysconf(_SC_NPROCESSORS_ONLN));
        }
        if (e->Relationship == RelationProcessorCore) {
            cores++;
            ck_assert_uint_eq(e->Processor.GroupCount, 1);
            ck_assert_uint_ne(e->Processor.GroupMask[0].Mask, 0);
        }
        off += e->Size;
    }
    ck_assert_int_eq(groups, 1);
    ck_assert_int_ge(cores, 1);
    free(b);
    /* One relationship only. */
    len = 0;
    ASSERT_FAILS(GetLogicalProcessorInformationEx(RelationGroup, NULL, &len),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, offsetof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX, Group) +
                               sizeof(GROUP_RELATIONSHIP));
    ASSERT_FAILS(GetLogicalProcessorInformationEx((LOGICAL_PROCESSOR_RELATIONSHIP)99, NULL, &len),
                 ERROR_INVALID_PARAMETER);
}
END_TEST

/* ---- versions ---- */

START_TEST(test_version)
{
    OSVERSIONINFOEXA v;
    memset(&v, 0xcc, sizeof v);
    v.dwOSVersionInfoSize = sizeof v;
    ck_assert(GetVersionExA((OSVERSIONINFOA *)&v));
    ck_assert_uint_eq(v.dwMajorVersion, 10);
    ck_assert_uint_eq(v.dwMinorVersion, 0);
    ck_assert_uint_eq(v.dwBuildNumber, 19045);
    ck_assert_uint_eq(v.dwPlatformId, VER_PLATFORM_WIN32_NT);
    ck_assert_str_eq(v.szCSDVersion, "");
    ck_assert_uint_eq(v.wProductType, VER_NT_WORKSTATION);
    ck_assert_uint_eq(v.wServicePackMajor, 0);
    DWORD gv = GetVersion();
    ck_assert_uint_eq(gv & 0xff, 10);
    ck_assert_uint_eq((gv >> 8) & 0xff, 0);
    ck_assert_uint_eq(gv >> 16, 19045);
    OSVERSIONINFOW w;
    memset(&w, 0xcc, sizeof w);
    w.dwOSVersionInfoSize = sizeof w;
    ck_assert(GetVersionExW(&w));
    ck_assert_uint_eq(w.dwBuildNumber, 19045);
    ck_assert_uint_eq(w.szCSDVersion[0], 0);
    w.dwOSVersionInfoSize = sizeof w - 4;
    ASSERT_FAILS(GetVersionExW(&w), ERROR_INSUFFICIENT_BUFFER);
}
END_TEST

START_TEST(test_verify_version)
{
    OSVERSIONINFOEXW v = {.dwOSVersionInfoSize = sizeof v, .dwMajorVersion = 6,
                          .dwMinorVersion = 1};
    ULONGLONG m = 0;
    VER_SET_CONDITION(m, VER_MAJORVERSION, VER_GREATER_EQUAL);
    VER_SET_CONDITION(m, VER_MINORVERSION, VER_GREATER_EQUAL);
    ck_assert_uint_eq(m, (3ull << 3) | 3ull);
    ck_assert(VerifyVersionInfoW(&v, VER_MAJORVERSION | VER_MINORVERSION, m)); /* >= 6.1 */
    v.dwMajorVersion = 10;
    v.dwMinorVersion = 1;
    ASSERT_FAILS(VerifyVersionInfoW(&v, VER_MAJORVERSION | VER_MINORVERSION, m),
                 ERROR_OLD_WIN_VERSION); /* >= 10.1 */
    v.dwMajorVersion = 11;
    v.dwMinorVersion = 0;
    ASSERT_FAILS(VerifyVersionInfoW(&v, VER_MAJORVERSION | VER_MINORVERSION, m),
                 ERROR_OLD_WIN_VERSION);
    /* A higher major with a lower minor still holds (lexicographic). */
    v.dwMajorVersion = 6;
    v.dwMinorVersion = 3;
    ck_assert(VerifyVersionInfoW(&v, VER_MAJORVERSION | VER_MINORVERSION, m));
    OSVERSIONINFOEXA a = {.dwOSVersionInfoSize = sizeof a, .dwBuildNumber = 19045,
                          .dwPlatformId = VER_PLATFORM_WIN32_NT,
                          .wProductType = VER_NT_WORKSTATION};
    ULONGLONG e = VerSetConditionMask(0, VER_BUILDNUMBER, VER_EQUAL);
    e = VerSetConditionMask(e, VER_PLATFORMID, VER_EQUAL);
    e = VerSetConditionMask(e, VER_PRODUCT_TYPE, VER_EQUAL);
    ck_assert(VerifyVersionInfoA(&a, VER_BUILDNUMBER | VER_PLATFORMID | VER_PRODUCT_TYPE, e));
    a.wProductType = VER_NT_SERVER;
    ASSERT_FAILS(VerifyVersionInfoA(&a, VER_PRODUCT_TYPE, e), ERROR_OLD_WIN_VERSION);
    ASSERT_FAILS(VerifyVersionInfoA(&a, 0, e), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(VerifyVersionInfoA(&a, VER_PRODUCT_TYPE, 0), ERROR_INVALID_PARAMETER);
    /* No type or no condition: the mask is unchanged. */
    ck_assert_uint_eq(VerSetConditionMask(5, 0, VER_EQUAL), 5);
    ck_assert_uint_eq(VerSetConditionMask(5, VER_MAJORVERSION, 0), 5);
}
END_TEST

START_TEST(test_wow64)
{
    BOOL b = 0xcc;
    ck_assert(IsWow64Process(GetCurrentProcess(), &b));
    ck_assert_int_eq(b, FALSE);
    USHORT pm = 0xcccc, nm = 0xcccc;
    ck_assert(IsWow64Process2(GetCurrentProcess(), &pm, &nm));
    ck_assert_uint_eq(pm, IMAGE_FILE_MACHINE_UNKNOWN);
#if defined(__x86_64__)
    ck_assert_uint_eq(nm, IMAGE_FILE_MACHINE_AMD64);
#endif
    ASSERT_FAILS(IsWow64Process((HANDLE)(uintptr_t)0x1234, &b), ERROR_INVALID_HANDLE);
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ASSERT_FAILS(IsWow64Process(e, &b), ERROR_INVALID_HANDLE);
    CloseHandle(e);
}
END_TEST

/* ---- names ---- */

START_TEST(test_computer_name)
{
    char host[256] = {0}, want[16] = {0};
    gethostname(host, sizeof host - 1);
    for (int i = 0; i < 15 && host[i] && host[i] != '.'; i++)
        want[i] = (char)toupper((unsigned char)host[i]);
    char buf[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = 0;
    ASSERT_FAILS(GetComputerNameA(buf, &n), ERROR_BUFFER_OVERFLOW);
    ck_assert_uint_eq(n, strlen(want) + 1);
    memset(buf, 0xcc, sizeof buf);
    n = sizeof buf;
    ck_assert(GetComputerNameA(buf, &n));
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(n, strlen(want));
    WCHAR w[MAX_COMPUTERNAME_LENGTH + 1];
    n = MAX_COMPUTERNAME_LENGTH + 1;
    ck_assert(GetComputerNameW(w, &n));
    ck_assert_uint_eq(n, strlen(want));
    ck_assert_uint_eq(w[0], (WCHAR)want[0]);
    /* DNS forms keep the case. */
    char dns[300];
    n = sizeof dns;
    ck_assert(GetComputerNameExA(ComputerNameDnsHostname, dns, &n));
    ck_assert_int_eq(strncmp(dns, host, n), 0);
    n = 1;
    ASSERT_FAILS(GetComputerNameExA(ComputerNameDnsHostname, dns, &n), ERROR_MORE_DATA);
    ck_assert_uint_eq(n, strlen(dns) + 1);
    n = sizeof dns;
    ASSERT_FAILS(GetComputerNameExA(ComputerNameMax, dns, &n), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_user_name)
{
    struct passwd *pw = getpwuid(geteuid());
    ck_assert_ptr_nonnull(pw);
    char buf[256];
    DWORD n = 1;
    ASSERT_FAILS(GetUserNameA(buf, &n), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(n, strlen(pw->pw_name) + 1);
    n = sizeof buf;
    memset(buf, 0xcc, sizeof buf);
    ck_assert(GetUserNameA(buf, &n));
    ck_assert_str_eq(buf, pw->pw_name);
    ck_assert_uint_eq(n, strlen(pw->pw_name) + 1); /* with the terminator */
    WCHAR w[256];
    n = 256;
    ck_assert(GetUserNameW(w, &n));
    ck_assert_uint_eq(n, strlen(pw->pw_name) + 1);
}
END_TEST

START_TEST(test_directories)
{
    char buf[MAX_PATH];
    unsetenv("WINSHIM_WINDIR");
    memset(buf, 0xcc, sizeof buf);
    ck_assert_uint_eq(GetWindowsDirectoryA(buf, sizeof buf), 10);
    ck_assert_str_eq(buf, "C:\\Windows");
    ck_assert_uint_eq(GetSystemDirectoryA(buf, sizeof buf), 19);
    ck_assert_str_eq(buf, "C:\\Windows\\system32");
    ck_assert_uint_eq(GetSystemWindowsDirectoryA(buf, sizeof buf), 10);
    /* Too small: the size needed, with the terminator. */
    ck_assert_uint_eq(GetSystemDirectoryA(buf, 5), 20);
    WCHAR w[MAX_PATH];
    ck_assert_uint_eq(GetWindowsDirectoryW(w, MAX_PATH), 10);
    ck_assert_uint_eq(w[3], 'W');
    ck_assert_uint_eq(GetSystemWindowsDirectoryW(w, MAX_PATH), 10);
    ck_assert_uint_eq(GetSystemDirectoryW(w, MAX_PATH), 19);
    /* WINSHIM_WINDIR names a Unix directory through the drive mapping. */
    setenv("WINSHIM_WINDIR", "/usr/share", 1);
    ck_assert_uint_eq(GetWindowsDirectoryA(buf, sizeof buf), 12);
    ck_assert_str_eq(buf, "C:\\usr\\share");
    ck_assert_uint_eq(GetSystemDirectoryA(buf, sizeof buf), 21);
    ck_assert_str_eq(buf, "C:\\usr\\share\\system32");
}
END_TEST

/* ---- drives and volumes ---- */

START_TEST(test_drives)
{
    DWORD d = GetLogicalDrives();
    ck_assert_uint_eq(d & (1u << ('C' - 'A')), 1u << ('C' - 'A'));
    ck_assert_uint_eq(d & (1u << ('Z' - 'A')), 1u << ('Z' - 'A'));
    ck_assert_uint_eq(GetDriveTypeA("C:\\"), DRIVE_FIXED);
    ck_assert_uint_eq(GetDriveTypeA("c:"), DRIVE_FIXED);
    ck_assert_uint_eq(GetDriveTypeW(u"Z:\\"), DRIVE_FIXED);
    ck_assert_uint_eq(GetDriveTypeA(NULL), DRIVE_FIXED);
    if (!(d & (1u << ('Q' - 'A'))))
        ck_assert_uint_eq(GetDriveTypeA("Q:\\"), DRIVE_NO_ROOT_DIR);
    ck_assert_uint_eq(GetDriveTypeA("C:\\tmp\\"), DRIVE_NO_ROOT_DIR);
}
END_TEST

START_TEST(test_disk_free)
{
    struct statvfs st;
    ck_assert_int_eq(statvfs("/", &st), 0);
    ULARGE_INTEGER avail, total, tfree;
    memset(&avail, 0xcc, sizeof avail);
    memset(&total, 0xcc, sizeof total);
    memset(&tfree, 0xcc, sizeof tfree);
    ck_assert(GetDiskFreeSpaceExA("C:\\", &avail, &total, &tfree));
    ck_assert_uint_eq(total.QuadPart, (ULONGLONG)st.f_blocks * st.f_frsize);
    ck_assert_uint_le(avail.QuadPart, tfree.QuadPart + 64ull * st.f_frsize * 1024);
    ck_assert(GetDiskFreeSpaceExW(u"C:\\", NULL, &total, NULL));
    ck_assert_uint_eq(total.QuadPart, (ULONGLONG)st.f_blocks * st.f_frsize);
    DWORD spc = 0xcccccccc, bps = 0xcccccccc, nf = 0xcccccccc, nt = 0xcccccccc;
    ck_assert(GetDiskFreeSpaceA("C:\\", &spc, &bps, &nf, &nt));
    ck_assert_uint_eq((ULONGLONG)spc * bps, st.f_frsize);
    ck_assert_uint_eq(nt, st.f_blocks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)st.f_blocks);
    ASSERT_FAILS(GetDiskFreeSpaceExA("C:\\no\\such\\dir\\", &avail, NULL, NULL),
                 ERROR_PATH_NOT_FOUND);
}
END_TEST

START_TEST(test_volume)
{
    char label[64], fs[64];
    DWORD serial = 0xcccccccc, maxc = 0xcccccccc, flags = 0xcccccccc;
    memset(label, 0xcc, sizeof label);
    memset(fs, 0xcc, sizeof fs);
    ck_assert(GetVolumeInformationA("C:\\", label, sizeof label, &serial, &maxc, &flags, fs,
                                    sizeof fs));
    struct statvfs st;
    statvfs("/", &st);
    ck_assert_str_eq(label, "");
    ck_assert_uint_eq(maxc, st.f_namemax);
    ck_assert_uint_ne(flags & FILE_CASE_PRESERVED_NAMES, 0);
    ck_assert_uint_ne(flags & FILE_UNICODE_ON_DISK, 0);
    ck_assert_uint_gt(strlen(fs), 0);
    WCHAR wfs[64];
    ck_assert(GetVolumeInformationW(u"C:\\", NULL, 0, NULL, NULL, NULL, wfs, 64));
    ck_assert_uint_eq(wfs[0], (WCHAR)fs[0]);
    ASSERT_FAILS(GetVolumeInformationA("C:\\", label, sizeof label, NULL, NULL, NULL, fs, 1),
                 ERROR_MORE_DATA);
    ASSERT_FAILS(GetVolumeInformationA("C:\\tmp\\", NULL, 0, NULL, NULL, NULL, NULL, 0),
                 ERROR_DIR_NOT_ROOT);
    if (!(GetLogicalDrives() & (1u << ('Q' - 'A'))))
        ASSERT_FAILS(GetVolumeInformationA("Q:\\", NULL, 0, NULL, NULL, NULL, NULL, 0),
                     ERROR_PATH_NOT_FOUND);
}
END_TEST

static Suite *sysinfo_suite(void)
{
    Suite *s = suite_create("sysinfo");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, test_system_info);
    tcase_add_test(tc, test_memory_status);
    tcase_add_test(tc, test_logical_processors);
    tcase_add_test(tc, test_logical_processors_ex);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_verify_version);
    tcase_add_test(tc, test_wow64);
    tcase_add_test(tc, test_computer_name);
    tcase_add_test(tc, test_user_name);
    tcase_add_test(tc, test_directories);
    tcase_add_test(tc, test_drives);
    tcase_add_test(tc, test_disk_free);
    tcase_add_test(tc, test_volume);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(sysinfo_suite)
