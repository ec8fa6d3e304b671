/*
 * System information: processors and memory (GetSystemInfo,
 * GlobalMemoryStatus(Ex), GetLogicalProcessorInformation(Ex), processor
 * counts), the Windows version winshim reports (GetVersion(Ex),
 * VerifyVersionInfo, VerSetConditionMask, IsWow64Process(2)), names
 * (GetComputerName(Ex), GetUserName), the Windows directories, and drives
 * and volumes (GetDiskFreeSpace(Ex), GetDriveType, GetLogicalDrives,
 * GetVolumeInformation).
 *
 * Everything is read from Linux on each call (sysconf, sysfs, /proc,
 * statvfs, gethostname), so nothing here has state or needs a lock but
 * the processor topology, built once under a pthread_once.
 *
 * The version: Windows 10 version 22H2, 10.0.19045, a workstation, no
 * service pack; what Windows tells a program whose manifest declares
 * Windows 10 support (an unmanifested program on Windows 8.1 and later is
 * told 6.2; ported programs are treated as manifested).
 *
 * The Windows directory: WINSHIM_WINDIR (a Unix directory, named through
 * path.c's drive mapping) or, without it, C:\Windows; the system
 * directory is its system32.  Nothing creates them (see
 * docs/COMPATIBILITY.md).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "core/error.h"
#include "core/handle_lookup.h"
#include "core/unicode.h"
#include "io/path.h"
#include "proc/process.h"
#include "sys/sys.h"

#define WS_MAJOR 10
#define WS_MINOR 0
#define WS_BUILD 19045
#define MAX_CPUS 64 /* one processor group */

/* ---- processors ---- */

static unsigned cpus_online(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : (unsigned)n;
}

static unsigned cpus_configured(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : (unsigned)n;
}

/* A sysfs CPU list ("0-3,8,10-11") as a mask of the first 64 CPUs. */
static uint64_t cpulist_mask(const char *s)
{
    uint64_t m = 0;
    while (*s && *s != '\n') {
        char *e;
        unsigned long a = strtoul(s, &e, 10), b = a;
        if (e == s)
            break;
        if (*e == '-')
            b = strtoul(e + 1, &e, 10);
        for (unsigned long i = a; i <= b && i < MAX_CPUS; i++)
            m |= (uint64_t)1 << i;
        s = *e == ',' ? e + 1 : e;
    }
    return m;
}

bool sys_read_text(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = 0;
    return true;
}

static bool read_line(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    return ok;
}

static uint64_t online_mask(void)
{
    char buf[256];
    if (read_line("/sys/devices/system/cpu/online", buf, sizeof buf))
        return cpulist_mask(buf);
    unsigned n = cpus_online();
    return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

/* The topology as Windows describes it: cores, packages, caches, NUMA
 * nodes, each with its mask of logical processors. */
struct cache_info {
    uint64_t mask;
    BYTE level, ways;
    WORD line;
    DWORD size;
    PROCESSOR_CACHE_TYPE type;
};
#define TOPO_MAX 256
static struct {
    unsigned ncores, npkgs, ncaches, nnodes;
    uint64_t core[MAX_CPUS], pkg[MAX_CPUS], node[MAX_CPUS];
    struct cache_info cache[TOPO_MAX];
} topo;
static pthread_once_t topo_once = PTHREAD_ONCE_INIT;

static void add_mask(uint64_t *set, unsigned *n, uint64_t m)
{
    for (unsigned i = 0; i < *n; i++)
        if (set[i] == m)
            return;
    if (*n < MAX_CPUS)
        set[(*n)++] = m;
}

static void topo_cache(unsigned cpu, unsigned idx)
{
    char path[160], buf[256];
    struct cache_info c = {0};
#define CACHE_FILE(name) \
    (snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%u/cache/index%u/" name, cpu, idx), \
     read_line(path, buf, sizeof buf))
    if (!CACHE_FILE("level"))
        return;
    c.level = (BYTE)atoi(buf);
    if (CACHE_FILE("type"))
        c.type = !strncmp(buf, "Data", 4)          ? CacheData
                 : !strncmp(buf, "Instruction", 11) ? CacheInstruction
                                                    : CacheUnified;
    if (CACHE_FILE("size")) {
        char *e;
        unsigned long v = strtoul(buf, &e, 10);
        c.size = (DWORD)(v * (*e == 'K' ? 1024 : *e == 'M' ? 1024 * 1024 : 1));
    }
    if (CACHE_FILE("ways_of_associativity"))
        c.ways = (BYTE)(atoi(buf) == 0 ? CACHE_FULLY_ASSOCIATIVE : atoi(buf));
    if (CACHE_FILE("coherency_line_size"))
        c.line = (WORD)atoi(buf);
    c.mask = (uint64_t)1 << cpu;
    if (CACHE_FILE("shared_cpu_list"))
        c.mask = cpulist_mask(buf);
#undef CACHE_FILE
    for (unsigned i = 0; i < topo.ncaches; i++)
        if (topo.cache[i].mask == c.mask && topo.cache[i].level == c.level &&
            topo.cache[i].type == c.type)
            return;
    if (topo.ncaches < TOPO_MAX)
        topo.cache[topo.ncaches++] = c;
}

static void topo_init(void)
{
    uint64_t online = online_mask();
    char path[160], buf[256];
    for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (!(online >> cpu & 1))
            continue;
        uint64_t self = (uint64_t)1 << cpu, m;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list",
                 cpu);
        m = read_line(path, buf, sizeof buf) ? cpulist_mask(buf) & online : self;
        add_mask(topo.core, &topo.ncores, m ? m : self);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%u/topology/core_siblings_list",
                 cpu);
        m = read_line(path, buf, sizeof buf) ? cpulist_mask(buf) & online : online;
        add_mask(topo.pkg, &topo.npkgs, m ? m : online);
        for (unsigned idx = 0; idx < 16; idx++)
            topo_cache(cpu, idx);
    }
    for (unsigned n = 0; n < MAX_CPUS; n++) {
        snprintf(path, sizeof path, "/sys/devices/system/node/node%u/cpulist", n);
        if (read_line(path, buf, sizeof buf) && (cpulist_mask(buf) & online))
            topo.node[topo.nnodes++] = cpulist_mask(buf) & online;
    }
    if (!topo.nnodes) /* no NUMA in sysfs: one node */
        topo.node[topo.nnodes++] = online;
}

/* The number of a NUMA node from its position (nodes may be sparse). */
static DWORD node_number(unsigned i)
{
    char path[96], buf[256];
    for (unsigned n = 0, seen = 0; n < MAX_CPUS; n++) {
        snprintf(path, sizeof path, "/sys/devices/system/node/node%u/cpulist", n);
        if (read_line(path, buf, sizeof buf) && (cpulist_mask(buf) & online_mask()) &&
            seen++ == i)
            return n;
    }
    return i;
}

/* /proc/cpuinfo's "cpu family", "model" and "stepping" of the first CPU. */
static void cpu_family(WORD *level, WORD *revision)
{
    unsigned fam = 0, model = 0, step = 0;
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "re");
    if (f) {
        int got = 0;
        while (got < 3 && fgets(line, sizeof line, f)) {
            got += sscanf(line, "cpu family : %u", &fam) == 1;
            got += sscanf(line, "model : %u", &model) == 1;
            got += sscanf(line, "stepping : %u", &step) == 1;
        }
        fclose(f);
    }
    *level = (WORD)fam;
    *revision = (WORD)((model << 8) | (step & 0xFF));
}

WS_EXPORT VOID WINAPI GetSystemInfo(LPSYSTEM_INFO si)
{
    memset(si, 0, sizeof *si);
#if defined(__aarch64__)
    si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64;
    si->dwProcessorType = 0;
#else
    si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
    si->dwProcessorType = PROCESSOR_AMD_X8664;
#endif
    si->dwPageSize = (DWORD)sysconf(_SC_PAGESIZE);
    si->lpMinimumApplicationAddress = (LPVOID)(uintptr_t)0x10000;
    si->lpMaximumApplicationAddress = (LPVOID)(uintptr_t)0x7FFFFFFEFFFFull;
    si->dwActiveProcessorMask = (DWORD_PTR)online_mask();
    si->dwNumberOfProcessors = cpus_online();
    si->dwAllocationGranularity = 0x10000;
    cpu_family(&si->wProcessorLevel, &si->wProcessorRevision);
}

WS_EXPORT VOID WINAPI GetNativeSystemInfo(LPSYSTEM_INFO si)
{
    GetSystemInfo(si); /* no WOW64 here: the same */
}

WS_EXPORT DWORD WINAPI GetActiveProcessorCount(WORD group)
{
    if (group != 0 && group != ALL_PROCESSOR_GROUPS) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return cpus_online();
}

WS_EXPORT DWORD WINAPI GetMaximumProcessorCount(WORD group)
{
    if (group != 0 && group != ALL_PROCESSOR_GROUPS) {
        ws_set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return cpus_configured();
}

/* ---- GetLogicalProcessorInformation(Ex) ---- */

static DWORD lpi_build(SYSTEM_LOGICAL_PROCESSOR_INFORMATION *out, DWORD cap, DWORD *n)
{
    pthread_once(&topo_once, topo_init);
    DWORD k = 0;
#define PUT(rel, mask_, ...)                                        \
    do {                                                            \
        if (k < cap) {                                              \
            SYSTEM_LOGICAL_PROCESSOR_INFORMATION *e_ = &out[k];     \
            memset(e_, 0, sizeof *e_);                              \
            e_->Relationship = rel;                                 \
            e_->ProcessorMask = (ULONG_PTR)(mask_);                 \
            __VA_ARGS__;                                            \
        }                                                           \
        k++;                                                        \
    } while (0)
    for (unsigned i = 0; i < topo.ncores; i++)
        PUT(RelationProcessorCore, topo.core[i],
            e_->ProcessorCore.Flags = __builtin_popcountll(topo.core[i]) > 1 ? LTP_PC_SMT : 0);
    for (unsigned i = 0; i < topo.nnodes; i++)
        PUT(RelationNumaNode, topo.node[i], e_->NumaNode.NodeNumber = node_number(i));
    for (unsigned i = 0; i < topo.ncaches; i++)
        PUT(RelationCache, topo.cache[i].mask,
            e_->Cache = (CACHE_DESCRIPTOR){.Level = topo.cache[i].level,
                                           .Associativity = topo.cache[i].ways,
                                           .LineSize = topo.cache[i].line,
                                           .Size = topo.cache[i].size,
                                           .Type = topo.cache[i].type});
    for (unsigned i = 0; i < topo.npkgs; i++)
        PUT(RelationProcessorPackage, topo.pkg[i], (void)0);
#undef PUT
    *n = k;
    return k <= cap ? 0 : ERROR_INSUFFICIENT_BUFFER;
}

WS_EXPORT BOOL WINAPI GetLogicalProcessorInformation(PSYSTEM_LOGICAL_PROCESSOR_INFORMATION buf,
                                                     PDWORD len)
{
    if (!len)
        return ws_bool(ERROR_NOACCESS);
    DWORD cap = buf ? *len / (DWORD)sizeof *buf : 0, n;
    DWORD err = lpi_build(buf, cap, &n);
    *len = n * (DWORD)sizeof *buf;
    return err ? ws_bool(err) : TRUE;
}

#define EX_HEAD offsetof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX, Processor)

static void ex_group(GROUP_AFFINITY *g, uint64_t mask)
{
    memset(g, 0, sizeof *g);
    g->Mask = (KAFFINITY)mask;
}

/* One record into out (when it fits in cap), its size added to *used. */
static void ex_put(BYTE *out, DWORD cap, DWORD *used, LOGICAL_PROCESSOR_RELATIONSHIP rel,
                   DWORD body, const void *src)
{
    DWORD size = (DWORD)EX_HEAD + body;
    if (out && *used + size <= cap) {
        SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *e = (void *)(out + *used);
        memset(e, 0, size);
        e->Relationship = rel;
        e->Size = size;
        memcpy((BYTE *)e + EX_HEAD, src, body);
    }
    *used += size;
}

WS_EXPORT BOOL WINAPI GetLogicalProcessorInformationEx(LOGICAL_PROCESSOR_RELATIONSHIP rel,
                                                       PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX buf,
                                                       PDWORD len)
{
    if (rel != RelationAll && (rel < RelationProcessorCore || rel > RelationGroup))
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!len)
        return ws_bool(ERROR_NOACCESS);
    pthread_once(&topo_once, topo_init);
    BYTE *out = (BYTE *)buf;
    DWORD cap = buf ? *len : 0, used = 0;
    bool all = rel == RelationAll;
    if (all || rel == RelationProcessorCore)
        for (unsigned i = 0; i < topo.ncores; i++) {
            PROCESSOR_RELATIONSHIP p = {
                .Flags = __builtin_popcountll(topo.core[i]) > 1 ? LTP_PC_SMT : 0,
                .GroupCount = 1};
            ex_group(&p.GroupMask[0], topo.core[i]);
            ex_put(out, cap, &used, RelationProcessorCore, sizeof p, &p);
        }
    if (all || rel == RelationNumaNode)
        for (unsigned i = 0; i < topo.nnodes; i++) {
            NUMA_NODE_RELATIONSHIP nn = {.NodeNumber = node_number(i)};
            ex_group(&nn.GroupMask, topo.node[i]);
            ex_put(out, cap, &used, RelationNumaNode, sizeof nn, &nn);
        }
    if (all || rel == RelationCache)
        for (unsigned i = 0; i < topo.ncaches; i++) {
            CACHE_RELATIONSHIP c = {.Level = topo.cache[i].level,
                                    .Associativity = topo.cache[i].ways,
                                    .LineSize = topo.cache[i].line,
                                    .CacheSize = topo.cache[i].size,
                                    .Type = topo.cache[i].type};
            ex_group(&c.GroupMask, topo.cache[i].mask);
            ex_put(out, cap, &used, RelationCache, sizeof c, &c);
        }
    if (all || rel == RelationProcessorPackage)
        for (unsigned i = 0; i < topo.npkgs; i++) {
            PROCESSOR_RELATIONSHIP p = {.GroupCount = 1};
            ex_group(&p.GroupMask[0], topo.pkg[i]);
            ex_put(out, cap, &used, RelationProcessorPackage, sizeof p, &p);
        }
    if (all || rel == RelationGroup) {
        GROUP_RELATIONSHIP g = {.MaximumGroupCount = 1, .ActiveGroupCount = 1};
        g.GroupInfo[0].MaximumProcessorCount = (BYTE)cpus_configured();
        g.GroupInfo[0].ActiveProcessorCount = (BYTE)cpus_online();
        g.GroupInfo[0].ActiveProcessorMask = (KAFFINITY)online_mask();
        ex_put(out, cap, &used, RelationGroup, sizeof g, &g);
    }
    bool fits = used <= cap;
    *len = used;
    return fits ? TRUE : ws_bool(ERROR_INSUFFICIENT_BUFFER);
}

/* ---- memory status ---- */

/* /proc/meminfo's value of `key`, in bytes (0 when absent). */
static uint64_t meminfo(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[128];
    size_t n = strlen(key);
    uint64_t v = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':') {
            v = strtoull(line + n + 1, NULL, 10) * 1024;
            break;
        }
    fclose(f);
    return v;
}

/* The process's mapped address space (/proc/self/statm, pages). */
static uint64_t vm_used(void)
{
    unsigned long long pages = 0;
    FILE *f = fopen("/proc/self/statm", "re");
    if (f) {
        if (fscanf(f, "%llu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void memory_status(MEMORYSTATUSEX *m)
{
    uint64_t total = meminfo("MemTotal"), avail = meminfo("MemAvailable");
    if (!avail)
        avail = meminfo("MemFree");
    uint64_t swap = meminfo("SwapTotal"), swap_free = meminfo("SwapFree");
    uint64_t virt = 0x7FFFFFFEFFFFull + 1 - 0x10000, used = vm_used();
    m->dwMemoryLoad = total ? (DWORD)(100 - avail * 100 / total) : 0;
    m->ullTotalPhys = total;
    m->ullAvailPhys = avail;
    /* The page file is Windows' commit limit: memory and swap. */
    m->ullTotalPageFile = total + swap;
    m->ullAvailPageFile = avail + swap_free;
    m->ullTotalVirtual = virt;
    m->ullAvailVirtual = used < virt ? virt - used : 0;
    m->ullAvailExtendedVirtual = 0;
}

WS_EXPORT BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX m)
{
    if (!m)
        return ws_bool(ERROR_NOACCESS);
    if (m->dwLength != sizeof *m)
        return ws_bool(ERROR_INVALID_PARAMETER);
    memory_status(m);
    return TRUE;
}

WS_EXPORT VOID WINAPI GlobalMemoryStatus(LPMEMORYSTATUS m)
{
    MEMORYSTATUSEX x = {.dwLength = sizeof x};
    memory_status(&x);
    m->dwLength = sizeof *m;
    m->dwMemoryLoad = x.dwMemoryLoad;
    m->dwTotalPhys = (SIZE_T)x.ullTotalPhys;
    m->dwAvailPhys = (SIZE_T)x.ullAvailPhys;
    m->dwTotalPageFile = (SIZE_T)x.ullTotalPageFile;
    m->dwAvailPageFile = (SIZE_T)x.ullAvailPageFile;
    m->dwTotalVirtual = (SIZE_T)x.ullTotalVirtual;
    m->dwAvailVirtual = (SIZE_T)x.ullAvailVirtual;
}

/* ---- versions ---- */

WS_EXPORT DWORD WINAPI GetVersion(VOID)
{
    /* Build in the high word, minor and major in the low bytes; the top
     * bit clear: Windows NT. */
    return ((DWORD)WS_BUILD << 16) | ((DWORD)WS_MINOR << 8) | WS_MAJOR;
}

/* Fills the fields both forms share; *ex: the EX fields too. */
static DWORD version_fill(DWORD size, DWORD plain, DWORD exsize, DWORD *fields, bool *ex)
{
    if (size != plain && size != exsize)
        return ERROR_INSUFFICIENT_BUFFER; /* as Windows for any other size */
    fields[0] = WS_MAJOR;
    fields[1] = WS_MINOR;
    fields[2] = WS_BUILD;
    fields[3] = VER_PLATFORM_WIN32_NT;
    *ex = size == exsize;
    return 0;
}

/* The fields after dwOSVersionInfoSize, the same in the A and W forms up
 * to szCSDVersion (whose size differs), and the EX forms' tail after it. */
struct version_tail {
    WORD sp_major, sp_minor, suite;
    BYTE product, reserved;
};

static BOOL version_put(DWORD size, DWORD base_size, DWORD ex_size, DWORD *head, void *csd,
                        size_t csd_bytes, struct version_tail *tail)
{
    DWORD f[4];
    bool ex;
    DWORD err = version_fill(size, base_size, ex_size, f, &ex);
    if (err)
        return ws_bool(err);
    memcpy(head, f, sizeof f); /* major, minor, build, platform */
    memset(csd, 0, csd_bytes);
    if (ex)
        *tail = (struct version_tail){.suite = VER_SUITE_SINGLEUSERTS,
                                      .product = VER_NT_WORKSTATION};
    return TRUE;
}

_Static_assert(offsetof(OSVERSIONINFOEXA, wReserved) - offsetof(OSVERSIONINFOEXA, wServicePackMajor) ==
                   offsetof(struct version_tail, reserved) &&
               offsetof(OSVERSIONINFOEXW, wReserved) - offsetof(OSVERSIONINFOEXW, wServicePackMajor) ==
                   offsetof(struct version_tail, reserved),
               "the EX tail");

WS_EXPORT BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA v)
{
    if (!v)
        return ws_bool(ERROR_NOACCESS);
    return version_put(v->dwOSVersionInfoSize, sizeof(OSVERSIONINFOA), sizeof(OSVERSIONINFOEXA),
                       &v->dwMajorVersion, v->szCSDVersion, sizeof v->szCSDVersion,
                       (struct version_tail *)&((OSVERSIONINFOEXA *)v)->wServicePackMajor);
}

WS_EXPORT BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW v)
{
    if (!v)
        return ws_bool(ERROR_NOACCESS);
    return version_put(v->dwOSVersionInfoSize, sizeof(OSVERSIONINFOW), sizeof(OSVERSIONINFOEXW),
                       &v->dwMajorVersion, v->szCSDVersion, sizeof v->szCSDVersion,
                       (struct version_tail *)&((OSVERSIONINFOEXW *)v)->wServicePackMajor);
}

/* The type bits in the order of their 3-bit fields in a condition mask. */
static const DWORD ver_bits[8] = {VER_MINORVERSION,     VER_MAJORVERSION,     VER_BUILDNUMBER,
                                  VER_PLATFORMID,       VER_SERVICEPACKMINOR, VER_SERVICEPACKMAJOR,
                                  VER_SUITENAME,        VER_PRODUCT_TYPE};

WS_EXPORT ULONGLONG NTAPI VerSetConditionMask(ULONGLONG mask, DWORD type, BYTE cond)
{
    /* As RtlVerSetConditionMask: the highest type bit given takes the
     * condition; nothing changes without a type or a condition. */
    if (!type || !(cond & VER_CONDITION_MASK))
        return mask;
    for (int i = 7; i >= 0; i--)
        if (type & ver_bits[i])
            return mask | ((ULONGLONG)(cond & VER_CONDITION_MASK) << (i * 3));
    return mask;
}

static BYTE ver_cond(ULONGLONG mask, DWORD bit)
{
    for (int i = 0; i < 8; i++)
        if (ver_bits[i] == bit)
            return (BYTE)((mask >> (i * 3)) & VER_CONDITION_MASK);
    return 0;
}

/* `have` against `want` under a comparison condition (EQUAL..LESS_EQUAL);
 * r = sign of have - want. */
static bool ver_holds(int r, BYTE cond)
{
    switch (cond) {
    case VER_EQUAL:
        return r == 0;
    case VER_GREATER:
        return r > 0;
    case VER_GREATER_EQUAL:
        return r >= 0;
    case VER_LESS:
        return r < 0;
    case VER_LESS_EQUAL:
        return r <= 0;
    default:
        return false;
    }
}

static int cmp(DWORD a, DWORD b)
{
    return a < b ? -1 : a > b;
}

/* VerifyVersionInfo on the fields both forms share (the strings are
 * never compared). */
static DWORD verify_version(DWORD major, DWORD minor, DWORD build, DWORD platform, WORD spmajor,
                            WORD spminor, WORD suite, BYTE product, DWORD type, ULONGLONG mask)
{
    if (!type || !mask || (type & ~(DWORD)0xFF))
        return ERROR_INVALID_PARAMETER;
    /* Major, minor and the service pack are one version: compared
     * lexicographically over the fields given, under the condition of the
     * first field given, as Windows does. */
    const DWORD order[4] = {VER_MAJORVERSION, VER_MINORVERSION, VER_SERVICEPACKMAJOR,
                            VER_SERVICEPACKMINOR};
    const DWORD have[4] = {WS_MAJOR, WS_MINOR, 0, 0};
    const DWORD want[4] = {major, minor, spmajor, spminor};
    BYTE cond = 0;
    int r = 0;
    for (int i = 0; i < 4; i++) {
        if (!(type & order[i]))
            continue;
        if (!cond)
            cond = ver_cond(mask, order[i]);
        if (!r)
            r = cmp(have[i], want[i]);
    }
    if (cond && !ver_holds(r, cond))
        return ERROR_OLD_WIN_VERSION;
    if ((type & VER_BUILDNUMBER) &&
        !ver_holds(cmp(WS_BUILD, build), ver_cond(mask, VER_BUILDNUMBER)))
        return ERROR_OLD_WIN_VERSION;
    if ((type & VER_PLATFORMID) &&
        !ver_holds(cmp(VER_PLATFORM_WIN32_NT, platform), ver_cond(mask, VER_PLATFORMID)))
        return ERROR_OLD_WIN_VERSION;
    if ((type & VER_PRODUCT_TYPE) &&
        !ver_holds(cmp(VER_NT_WORKSTATION, product), ver_cond(mask, VER_PRODUCT_TYPE)))
        return ERROR_OLD_WIN_VERSION;
    if (type & VER_SUITENAME) {
        WORD ours = VER_SUITE_SINGLEUSERTS;
        BYTE c = ver_cond(mask, VER_SUITENAME);
        bool ok = c == VER_OR ? (ours & suite) != 0 : (ours & suite) == suite;
        if (!ok)
            return ERROR_OLD_WIN_VERSION;
    }
    return 0;
}

WS_EXPORT BOOL WINAPI VerifyVersionInfoA(LPOSVERSIONINFOEXA v, DWORD type, DWORDLONG mask)
{
    if (!v)
        return ws_bool(ERROR_NOACCESS);
    return ws_bool(verify_version(v->dwMajorVersion, v->dwMinorVersion, v->dwBuildNumber,
                                  v->dwPlatformId, v->wServicePackMajor, v->wServicePackMinor,
                                  v->wSuiteMask, v->wProductType, type, mask));
}

WS_EXPORT BOOL WINAPI VerifyVersionInfoW(LPOSVERSIONINFOEXW v, DWORD type, DWORDLONG mask)
{
    if (!v)
        return ws_bool(ERROR_NOACCESS);
    return ws_bool(verify_version(v->dwMajorVersion, v->dwMinorVersion, v->dwBuildNumber,
                                  v->dwPlatformId, v->wServicePackMajor, v->wServicePackMinor,
                                  v->wSuiteMask, v->wProductType, type, mask));
}

static DWORD check_process(HANDLE h)
{
    struct object *o;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, PROCESS_QUERY_LIMITED_INFORMATION, &o, NULL);
    ws_rcu_unlock();
    return err;
}

WS_EXPORT BOOL WINAPI IsWow64Process(HANDLE process, PBOOL wow64)
{
    DWORD err = check_process(process);
    if (!err && !wow64)
        err = ERROR_NOACCESS;
    if (err)
        return ws_bool(err);
    *wow64 = FALSE; /* every winshim process is a native 64-bit one */
    return TRUE;
}

WS_EXPORT BOOL WINAPI IsWow64Process2(HANDLE process, USHORT *machine, USHORT *native)
{
    DWORD err = check_process(process);
    if (!err && !machine)
        err = ERROR_NOACCESS;
    if (err)
        return ws_bool(err);
    *machine = IMAGE_FILE_MACHINE_UNKNOWN;
    if (native)
#if defined(__aarch64__)
        *native = IMAGE_FILE_MACHINE_ARM64;
#else
        *native = IMAGE_FILE_MACHINE_AMD64;
#endif
    return TRUE;
}

/* ---- names ---- */

/* A UTF-8 name into an A or W buffer of *size characters: on success
 * *size is the length without the terminator; when it does not fit, `err`
 * and *size the length with it. */
static DWORD name_out(const char *s, bool wide, void *buf, DWORD *size, DWORD err)
{
    if (!size)
        return ERROR_NOACCESS;
    WCHAR w[512];
    int n = wide ? utf8_to_utf16(s, w, sizeof w / sizeof *w) : (int)strlen(s);
    if (n < 0)
        return ERROR_INVALID_PARAMETER;
    if (!buf || *size < (DWORD)n + 1) {
        *size = (DWORD)n + 1;
        return err;
    }
    if (wide)
        memcpy(buf, w, ((size_t)n + 1) * sizeof(WCHAR));
    else
        memcpy(buf, s, (size_t)n + 1);
    *size = (DWORD)n;
    return 0;
}

/* The host name split at its first dot. */
static void host_parts(char *host, size_t cap, const char **domain)
{
    if (gethostname(host, cap - 1))
        strcpy(host, "localhost");
    host[cap - 1] = 0;
    char *dot = strchr(host, '.');
    *domain = "";
    if (dot) {
        *dot = 0;
        *domain = dot + 1;
    }
}

/* The NetBIOS name: the host name's first label, upper case, at most
 * MAX_COMPUTERNAME_LENGTH characters, as Windows derives it. */
static void netbios_name(char *out)
{
    char host[256];
    const char *domain;
    host_parts(host, sizeof host, &domain);
    size_t i = 0;
    for (; host[i] && i < MAX_COMPUTERNAME_LENGTH; i++)
        out[i] = (char)toupper((unsigned char)host[i]);
    out[i] = 0;
}

static DWORD computer_name(bool wide, void *buf, DWORD *size)
{
    char nb[MAX_COMPUTERNAME_LENGTH + 1];
    netbios_name(nb);
    return name_out(nb, wide, buf, size, ERROR_BUFFER_OVERFLOW);
}

WS_EXPORT BOOL WINAPI GetComputerNameA(LPSTR buf, LPDWORD size)
{
    return ws_bool(computer_name(false, buf, size));
}

WS_EXPORT BOOL WINAPI GetComputerNameW(LPWSTR buf, LPDWORD size)
{
    return ws_bool(computer_name(true, buf, size));
}

static DWORD computer_name_ex(COMPUTER_NAME_FORMAT type, bool wide, void *buf, DWORD *size)
{
    char host[256], full[520];
    const char *domain;
    host_parts(host, sizeof host, &domain);
    const char *s;
    switch (type) {
    case ComputerNameNetBIOS:
    case ComputerNamePhysicalNetBIOS:
        netbios_name(full);
        s = full;
        break;
    case ComputerNameDnsHostname:
    case ComputerNamePhysicalDnsHostname:
        s = host;
        break;
    case ComputerNameDnsDomain:
    case ComputerNamePhysicalDnsDomain:
        s = domain;
        break;
    case ComputerNameDnsFullyQualified:
    case ComputerNamePhysicalDnsFullyQualified:
        snprintf(full, sizeof full, "%s%s%s", host, *domain ? "." : "", domain);
        s = full;
        break;
    default:
        return ERROR_INVALID_PARAMETER;
    }
    return name_out(s, wide, buf, size, ERROR_MORE_DATA);
}

WS_EXPORT BOOL WINAPI GetComputerNameExA(COMPUTER_NAME_FORMAT type, LPSTR buf, LPDWORD size)
{
    return ws_bool(computer_name_ex(type, false, buf, size));
}

WS_EXPORT BOOL WINAPI GetComputerNameExW(COMPUTER_NAME_FORMAT type, LPWSTR buf, LPDWORD size)
{
    return ws_bool(computer_name_ex(type, true, buf, size));
}

/* The user of the thread: the one it impersonates, else the process's. */
static DWORD user_name(bool wide, void *buf, DWORD *size)
{
    struct passwd pw, *res = NULL;
    char tmp[1024], name[64];
    uint32_t uid, gids[64], n;
    DWORD err = ws_hooks.thread_identity(&uid, gids, &n);
    if (err == ERROR_NO_TOKEN)
        uid = (uint32_t)geteuid();
    else if (err)
        return err;
    if (getpwuid_r((uid_t)uid, &pw, tmp, sizeof tmp, &res) || !res)
        snprintf(name, sizeof name, "%u", (unsigned)uid); /* no passwd entry */
    else
        snprintf(name, sizeof name, "%s", res->pw_name);
    err = name_out(name, wide, buf, size, ERROR_INSUFFICIENT_BUFFER);
    if (!err)
        (*size)++; /* GetUserName counts the terminator */
    return err;
}

WS_EXPORT BOOL WINAPI GetUserNameA(LPSTR buf, LPDWORD size)
{
    return ws_bool(user_name(false, buf, size));
}

WS_EXPORT BOOL WINAPI GetUserNameW(LPWSTR buf, LPDWORD size)
{
    return ws_bool(user_name(true, buf, size));
}

/* ---- the Windows directories ---- */

static UINT windows_dir(bool system, bool wide, void *buf, UINT size)
{
    const char *env = getenv("WINSHIM_WINDIR");
    struct upath up = {0};
    char dir[MAX_PATH + 16];
    if (env && env[0] == '/' && !path_to_windows(env, &up)) {
        snprintf(dir, sizeof dir, "%s", up.buf);
        path_free(&up);
        size_t n = strlen(dir);
        if (n > 3 && dir[n - 1] == '\\')
            dir[n - 1] = 0;
    } else {
        snprintf(dir, sizeof dir, "C:\\Windows");
    }
    if (system)
        strncat(dir, "\\system32", sizeof dir - strlen(dir) - 1);
    DWORD n = path_copy_out(dir, wide, buf, size);
    return n;
}

WS_EXPORT UINT WINAPI GetWindowsDirectoryA(LPSTR buf, UINT size)
{
    return windows_dir(false, false, buf, size);
}

WS_EXPORT UINT WINAPI GetWindowsDirectoryW(LPWSTR buf, UINT size)
{
    return windows_dir(false, true, buf, size);
}

/* One user, no terminal server: the shared Windows directory is the same. */
WS_EXPORT UINT WINAPI GetSystemWindowsDirectoryA(LPSTR buf, UINT size)
{
    return windows_dir(false, false, buf, size);
}

WS_EXPORT UINT WINAPI GetSystemWindowsDirectoryW(LPWSTR buf, UINT size)
{
    return windows_dir(false, true, buf, size);
}

WS_EXPORT UINT WINAPI GetSystemDirectoryA(LPSTR buf, UINT size)
{
    return windows_dir(true, false, buf, size);
}

WS_EXPORT UINT WINAPI GetSystemDirectoryW(LPWSTR buf, UINT size)
{
    return windows_dir(true, true, buf, size);
}

/* ---- drives and volumes ---- */

/* A root argument: NULL is the current directory's drive; "X:", "X:\"
 * and "X:/" a drive.  Returns the drive letter, 0 when the string is no
 * root (ERROR_DIR_NOT_ROOT), -1 for a drive that does not exist. */
static int root_letter(const void *root, bool wide)
{
    WCHAR c[4] = {0};
    if (!root) {
        char cwd[MAX_PATH * 3];
        if (!GetCurrentDirectoryA(sizeof cwd, cwd))
            return -1;
        c[0] = (WCHAR)(unsigned char)cwd[0];
        c[1] = ':';
    } else {
        for (int i = 0; i < 4; i++) {
            c[i] = wide ? ((const WCHAR *)root)[i] : (WCHAR)((const unsigned char *)root)[i];
            if (!c[i])
                break;
        }
    }
    WCHAR l = c[0] >= 'a' && c[0] <= 'z' ? (WCHAR)(c[0] - 'a' + 'A') : c[0];
    if (l < 'A' || l > 'Z' || c[1] != ':' ||
        (c[2] && !((c[2] == '\\' || c[2] == '/') && !c[3])))
        return 0;
    return path_drive_root(l) ? (int)l : -1;
}

WS_EXPORT UINT WINAPI GetDriveTypeA(LPCSTR root)
{
    int l = root_letter(root, false);
    return l > 0 ? DRIVE_FIXED : DRIVE_NO_ROOT_DIR;
}

WS_EXPORT UINT WINAPI GetDriveTypeW(LPCWSTR root)
{
    int l = root_letter(root, true);
    return l > 0 ? DRIVE_FIXED : DRIVE_NO_ROOT_DIR;
}

WS_EXPORT DWORD WINAPI GetLogicalDrives(VOID)
{
    DWORD m = 0;
    for (int i = 0; i < 26; i++)
        if (path_drive_root('A' + i))
            m |= 1u << i;
    return m;
}

/* The Unix directory of a directory argument (NULL: the current one). */
static DWORD dir_of(const void *name, bool wide, struct upath *up)
{
    if (!name) {
        up->buf = up->small;
        up->cap = sizeof up->small;
        if (!getcwd(up->small, sizeof up->small))
            return ws_errno_to_win32(errno);
        up->len = strlen(up->small);
        return 0;
    }
    return path_from(name, wide, 0, up);
}

static DWORD disk_space(const void *name, bool wide, struct statvfs *st)
{
    struct upath up = {0};
    DWORD err = dir_of(name, wide, &up);
    if (err)
        return err;
    if (statvfs(up.buf, st))
        err = path_error(errno, up.buf);
    path_free(&up);
    return err;
}

static BOOL free_space(const void *root, bool wide, LPDWORD spc, LPDWORD bps, LPDWORD nfree,
                       LPDWORD ntotal)
{
    struct statvfs st;
    DWORD err = disk_space(root, wide, &st);
    if (err)
        return ws_bool(err);
    /* 512-byte sectors, a cluster is the file system's fragment size. */
    uint64_t frag = st.f_frsize ? st.f_frsize : st.f_bsize;
    DWORD sector = frag >= 512 ? 512 : (DWORD)frag;
    uint64_t fr = st.f_bavail, tot = st.f_blocks;
    if (spc)
        *spc = (DWORD)(frag / sector);
    if (bps)
        *bps = sector;
    /* As Windows for volumes above 2^32 clusters: capped. */
    if (nfree)
        *nfree = fr > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)fr;
    if (ntotal)
        *ntotal = tot > 0xFFFFFFFFu ? 0xFFFFFFFFu : (DWORD)tot;
    return TRUE;
}

WS_EXPORT BOOL WINAPI GetDiskFreeSpaceA(LPCSTR root, LPDWORD spc, LPDWORD bps, LPDWORD nfree,
                                        LPDWORD ntotal)
{
    return free_space(root, false, spc, bps, nfree, ntotal);
}

WS_EXPORT BOOL WINAPI GetDiskFreeSpaceW(LPCWSTR root, LPDWORD spc, LPDWORD bps, LPDWORD nfree,
                                        LPDWORD ntotal)
{
    return free_space(root, true, spc, bps, nfree, ntotal);
}

static BOOL free_space_ex(const void *dir, bool wide, PULARGE_INTEGER avail,
                          PULARGE_INTEGER total, PULARGE_INTEGER tfree)
{
    struct statvfs st;
    DWORD err = disk_space(dir, wide, &st);
    if (err)
        return ws_bool(err);
    uint64_t frag = st.f_frsize ? st.f_frsize : st.f_bsize;
    if (avail)
        avail->QuadPart = st.f_bavail * frag; /* what this user may use */
    if (total)
        total->QuadPart = st.f_blocks * frag;
    if (tfree)
        tfree->QuadPart = st.f_bfree * frag;
    return TRUE;
}

WS_EXPORT BOOL WINAPI GetDiskFreeSpaceExA(LPCSTR dir, PULARGE_INTEGER avail,
                                          PULARGE_INTEGER total, PULARGE_INTEGER tfree)
{
    return free_space_ex(dir, false, avail, total, tfree);
}

WS_EXPORT BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR dir, PULARGE_INTEGER avail,
                                          PULARGE_INTEGER total, PULARGE_INTEGER tfree)
{
    return free_space_ex(dir, true, avail, total, tfree);
}

/* The type of the file system mounted deepest above `dir`
 * (/proc/self/mounts), "" when unknown. */
static void fs_type(const char *dir, char *out, size_t cap)
{
    FILE *f = fopen("/proc/self/mounts", "re");
    char line[1024], mnt[512], type[64];
    size_t best = 0;
    snprintf(out, cap, "%s", "");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%*s %511s %63s", mnt, type) != 2)
            continue;
        size_t n = strlen(mnt);
        bool under = !strcmp(mnt, "/") ? true
                                        : !strncmp(dir, mnt, n) && (!dir[n] || dir[n] == '/');
        if (under && (n >= best)) {
            best = n;
            snprintf(out, cap, "%s", type);
        }
    }
    fclose(f);
}

static DWORD str_out(const char *s, bool wide, void *buf, DWORD size)
{
    if (!buf)
        return 0;
    WCHAR w[256];
    int n = wide ? utf8_to_utf16(s, w, 256) : (int)strlen(s);
    if (n < 0 || (DWORD)n + 1 > size)
        return ERROR_MORE_DATA;
    if (wide)
        memcpy(buf, w, ((size_t)n + 1) * sizeof(WCHAR));
    else
        memcpy(buf, s, (size_t)n + 1);
    return 0;
}

static BOOL volume_info(const void *root, bool wide, void *label, DWORD label_size,
                        LPDWORD serial, LPDWORD maxcomp, LPDWORD flags, void *fsname,
                        DWORD fsname_size)
{
    int l = root_letter(root, wide);
    if (l == 0)
        return ws_bool(ERROR_DIR_NOT_ROOT);
    if (l < 0)
        return ws_bool(ERROR_PATH_NOT_FOUND);
    const char *dir = path_drive_root(l);
    struct statvfs st;
    if (statvfs(dir, &st))
        return ws_bool(path_error(errno, dir));
    char type[64];
    fs_type(dir, type, sizeof type);
    DWORD err = str_out("", wide, label, label_size); /* no labels on Linux */
    if (!err)
        err = str_out(type, wide, fsname, fsname_size);
    if (err)
        return ws_bool(err);
    if (serial)
        *serial = (DWORD)(st.f_fsid ^ (st.f_fsid >> 32));
    if (maxcomp)
        *maxcomp = (DWORD)st.f_namemax;
    if (flags) {
        DWORD f = FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK | FILE_SUPPORTS_HARD_LINKS |
                  FILE_SUPPORTS_SPARSE_FILES | FILE_SUPPORTS_REPARSE_POINTS;
        if (!path_case_insensitive())
            f |= FILE_CASE_SENSITIVE_SEARCH;
        if (st.f_flag & ST_RDONLY)
            f |= FILE_READ_ONLY_VOLUME;
        *flags = f;
    }
    return TRUE;
}

WS_EXPORT BOOL WINAPI GetVolumeInformationA(LPCSTR root, LPSTR label, DWORD label_size,
                                            LPDWORD serial, LPDWORD maxcomp, LPDWORD flags,
                                            LPSTR fsname, DWORD fsname_size)
{
    return volume_info(root, false, label, label_size, serial, maxcomp, flags, fsname,
                       fsname_size);
}

WS_EXPORT BOOL WINAPI GetVolumeInformationW(LPCWSTR root, LPWSTR label, DWORD label_size,
                                            LPDWORD serial, LPDWORD maxcomp, LPDWORD flags,
                                            LPWSTR fsname, DWORD fsname_size)
{
    return volume_info(root, true, label, label_size, serial, maxcomp, flags, fsname,
                       fsname_size);
}
