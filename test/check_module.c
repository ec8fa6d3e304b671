/* Modules and the loader (module.c, proc/dllpath.c): LoadLibrary(Ex),
 * GetModuleHandle(Ex), GetProcAddress, FreeLibrary(AndExitThread),
 * DisableThreadLibraryCalls, GetModuleFileName, the DLL directories, and
 * DllMain as seen by test/winplug.so, a plug-in written as a Windows DLL.
 * Error codes are Windows' as Wine 8 gives them, except where a comment
 * says otherwise. */
#define _GNU_SOURCE
#include <winsock2.h>
#include <windows.h>

#include "testutil.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <ftw.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef WINPLUG_PATH
#error "WINPLUG_PATH: the built test/winplug.so (Makefile.am)"
#endif

typedef int(WINAPI *add_fn)(int, int);
typedef LONG(WINAPI *calls_fn)(DWORD);
typedef HINSTANCE(WINAPI *instance_fn)(void);
typedef LONG(WINAPI *tls_seen_fn)(void);

/* A function's address, to compare; an export as the type it has. */
#define ADDR(f) ((uintptr_t)(f))
#define PROC(type, h, name) ((type)(void (*)(void))GetProcAddress(h, name))

static volatile LONG sink[5];

/* The plug-in's calls are counted in sink from now on. */
static void sink_on(void)
{
    char v[32];
    snprintf(v, sizeof v, "%lx", (unsigned long)(uintptr_t)sink);
    setenv("WINPLUG_SINK", v, 1);
}

static char scratch[64];
static pid_t scratch_owner;

static int scratch_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* Gone when the test's process exits (not its forked children's exit). */
static void scratch_remove(void)
{
    if (getpid() == scratch_owner)
        nftw(scratch, scratch_remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory for plug-in copies. */
static char *scratch_dir(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/check_module.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(scratch));
    scratch_owner = getpid();
    atexit(scratch_remove);
    return scratch;
}

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    ck_assert_int_ge(in, 0);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    ck_assert_int_ge(out, 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        ck_assert_int_eq(write(out, buf, (size_t)n), n);
    close(in);
    close(out);
}

/* dir/name: a copy of the plug-in (a distinct file, so a distinct module). */
static void plug_copy(const char *dir, const char *name)
{
    char to[256];
    snprintf(to, sizeof to, "%s/%s", dir, name);
    copy_file(WINPLUG_PATH, to);
}

static void plug_dir(char *out, size_t cap)
{
    snprintf(out, cap, "%s", WINPLUG_PATH);
    *strrchr(out, '/') = 0;
}

static HMODULE load_plug(void)
{
    char dir[256];
    plug_dir(dir, sizeof dir);
    ck_assert(SetDllDirectoryA(dir));
    HMODULE h = LoadLibraryA("winplug.dll");
    ck_assert_msg(h != NULL, "LoadLibrary: %lu", (unsigned long)GetLastError());
    return h;
}

static bool is_loaded(const char *path)
{
    void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
    if (h)
        dlclose(h);
    return h != NULL;
}

static void *base_of(const void *addr)
{
    Dl_info di;
    ck_assert(dladdr(addr, &di));
    return di.dli_fbase;
}

/* ------------------------------------------------------------------ */
/* basic                                                               */

START_TEST(test_system_names)
{
    HMODULE k = GetModuleHandleA("kernel32.dll");
    ck_assert_ptr_nonnull(k);
    ck_assert_ptr_eq(k, base_of((const void *)&CreateEventA));
    ck_assert_ptr_eq(GetModuleHandleA("KERNEL32"), k);
    ck_assert_ptr_eq(GetModuleHandleA("kernelbase.dll"), k);
    ck_assert_ptr_eq(GetModuleHandleW(u"ntdll.dll"), k);
    ck_assert_ptr_eq(GetModuleHandleA("advapi32.dll"), k);
    ck_assert_ptr_eq(GetModuleHandleA("ws2_32.dll"), k);
    ck_assert_ptr_eq(GetModuleHandleA("api-ms-win-core-synch-l1-2-0.dll"), k);
    ck_assert_ptr_eq(GetModuleHandleA("C:\\Windows\\System32\\kernel32.dll"), k);
    ck_assert_ptr_eq(LoadLibraryA("kernel32.dll"), k);
    ck_assert_ptr_eq(LoadLibraryW(u"KernelBase"), k);
    /* Never unloaded: FreeLibrary succeeds and it stays. */
    ck_assert(FreeLibrary(k));
    ck_assert(FreeLibrary(k));
    ck_assert(FreeLibrary(k));
    ck_assert_ptr_eq(GetModuleHandleA("kernel32.dll"), k);
}
END_TEST

START_TEST(test_proc_address_kernel32)
{
    HMODULE k = GetModuleHandleA("kernel32.dll");
    SetLastError(0xdeadbeef);
    ck_assert(ADDR(GetProcAddress(k, "InitOnceExecuteOnce")) == ADDR(InitOnceExecuteOnce));
    ck_assert(ADDR(GetProcAddress(k, "CreateEventW")) == ADDR(CreateEventW));
    ck_assert(ADDR(GetProcAddress(k, "GetProcAddress")) == ADDR(GetProcAddress));
    ck_assert(ADDR(GetProcAddress(k, "AcquireSRWLockExclusive")) == ADDR(AcquireSRWLockExclusive));
    ASSERT_LAST_ERROR(0xdeadbeef);
    /* ws2_32: the functions the C library also has are winshim's. */
    HMODULE ws = GetModuleHandleA("ws2_32.dll");
    ck_assert(ADDR(GetProcAddress(ws, "send")) == ADDR(send));
    ck_assert(ADDR(GetProcAddress(ws, "closesocket")) == ADDR(closesocket));
    ck_assert(ADDR(GetProcAddress(ws, "WSAStartup")) == ADDR(WSAStartup));
    /* Not winshim's: the C library's printf is no export of kernel32. */
    ASSERT_FAILS(GetProcAddress(k, "printf"), ERROR_PROC_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress(k, "NoSuchFunctionAnywhere"), ERROR_PROC_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress(k, ""), ERROR_PROC_NOT_FOUND);
    /* By ordinal: a shared object has no ordinals (Windows: the error of
     * an ordinal the module does not have). */
    ASSERT_FAILS(GetProcAddress(k, (LPCSTR)60000), ERROR_PROC_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress(k, (LPCSTR)1), ERROR_PROC_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress(k, NULL), ERROR_PROC_NOT_FOUND);
}
END_TEST

/* Every function libwinshim's file exports dynamically (its .dynsym; the
 * executable's when linked statically) is found through kernel32.dll, and
 * is the very function: winshim_<name> under <name> for the socket calls
 * the C library also has. */
START_TEST(test_proc_address_every_export)
{
    HMODULE k = GetModuleHandleA("kernel32.dll");
    Dl_info di;
    ck_assert(dladdr((const void *)&CreateEventA, &di));
    bool in_exe = (void *)k == base_of((const void *)&base_of); /* libwinshim.a */
    int fd = open(in_exe ? "/proc/self/exe" : di.dli_fname, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    const char *file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ck_assert(file != MAP_FAILED);
    close(fd);
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)file;
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(file + eh->e_shoff);
    void *self = in_exe ? dlopen(NULL, RTLD_LAZY) : dlopen(di.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    ck_assert_ptr_nonnull(self);
    int checked = 0;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNSYM)
            continue;
        const ElfW(Sym) *sym = (const ElfW(Sym) *)(file + sh[i].sh_offset);
        const char *str = file + sh[sh[i].sh_link].sh_offset;
        for (size_t j = 0; j < sh[i].sh_size / sizeof *sym; j++) {
            if (ELF64_ST_TYPE(sym[j].st_info) != STT_FUNC || sym[j].st_shndx == SHN_UNDEF ||
                ELF64_ST_BIND(sym[j].st_info) != STB_GLOBAL)
                continue;
            const char *name = str + sym[j].st_name;
            void *want = dlsym(self, name);
            if (!strncmp(name, "winshim_", 8))
                name += 8;
            FARPROC got = GetProcAddress(k, name);
            if (!got || ADDR(got) != ADDR(want))
                ck_abort_msg("%s: %p, want %p", name, (void *)ADDR(got), want);
            checked++;
        }
    }
    dlclose(self);
    munmap((void *)file, (size_t)st.st_size);
    /* A shared libwinshim exports all of its 300-odd functions; an
     * executable linked with libwinshim.a only the members it took. */
    ck_assert_int_gt(checked, in_exe ? 0 : 300);
}
END_TEST

START_TEST(test_executable)
{
    HMODULE exe = GetModuleHandleA(NULL);
    ck_assert_ptr_eq(exe, base_of((const void *)&base_of));
    HMODULE h = (HMODULE)0x1;
    ck_assert(GetModuleHandleExA(0, NULL, &h));
    ck_assert_ptr_eq(h, exe);
    ck_assert(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (LPCWSTR)&base_of, &h));
    ck_assert_ptr_eq(h, exe);
    /* By its file name, with or without ".exe". */
    char self[512], name[600];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = 0;
    snprintf(name, sizeof name, "%s.exe", strrchr(self, '/') + 1);
    ck_assert_ptr_eq(GetModuleHandleA(name), exe);
    char a[MAX_PATH], b[MAX_PATH];
    DWORD la = GetModuleFileNameA(NULL, a, MAX_PATH);
    ck_assert_uint_gt(la, 0);
    ck_assert_uint_eq(GetModuleFileNameA(exe, b, MAX_PATH), la);
    ck_assert_str_eq(a, b);
    ck_assert(FreeLibrary(exe)); /* not counted: stays */
    ck_assert_ptr_eq(GetModuleHandleA(NULL), exe);
}
END_TEST

START_TEST(test_load_plugin)
{
    sink_on();
    HMODULE h = load_plug();
    add_fn add = PROC(add_fn, h, "PlugAdd");
    ck_assert_ptr_nonnull(add);
    ck_assert_int_eq(add(2, 3), 5);
    ck_assert_ptr_eq(base_of((const void *)add), h);
    instance_fn inst = PROC(instance_fn, h, "PlugInstance");
    ck_assert_ptr_eq(inst(), h); /* DllMain's hinstDLL is the HMODULE */
    calls_fn calls = PROC(calls_fn, h, "PlugCalls");
    ck_assert_int_eq(calls(DLL_PROCESS_ATTACH), 1);
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 1);
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 0);
    /* Exported data, as GetProcAddress finds it on Windows. */
    int *answer = (int *)GetProcAddress(h, "plug_answer");
    ck_assert_ptr_nonnull(answer);
    ck_assert_int_eq(*answer, 42);
    /* Its own exports only: TlsAlloc is winshim's, not the plug-in's. */
    ASSERT_FAILS(GetProcAddress(h, "TlsAlloc"), ERROR_PROC_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress(h, "PlugMissing"), ERROR_PROC_NOT_FOUND);
    ck_assert_ptr_null(dlerror()); /* the loader leaves no message of its own */

    ck_assert_ptr_eq(GetModuleHandleA("winplug.dll"), h);
    ck_assert_ptr_eq(GetModuleHandleA("WINPLUG.DLL"), h);
    ck_assert_ptr_eq(GetModuleHandleW(u"winplug"), h);
    HMODULE g = NULL;
    ck_assert(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                     GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                 (LPCSTR)add, &g));
    ck_assert_ptr_eq(g, h);

    char file[MAX_PATH];
    DWORD n = GetModuleFileNameA(h, file, MAX_PATH);
    ck_assert_uint_gt(n, 11);
    ck_assert_str_eq(file + n - 11, "\\winplug.so");
    ck_assert(file[1] == ':');
    WCHAR wfile[MAX_PATH];
    ck_assert_uint_eq(GetModuleFileNameW(h, wfile, MAX_PATH), n);

    /* A module handle is no kernel handle. */
    ASSERT_FAILS(CloseHandle((HANDLE)h), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CloseHandle((HANDLE)GetModuleHandleA("kernel32.dll")), ERROR_INVALID_HANDLE);

    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ck_assert_int_eq(sink[4], 0); /* lpReserved NULL: FreeLibrary */
    ck_assert(!is_loaded(WINPLUG_PATH));
}
END_TEST

START_TEST(test_hidden_dllmain)
{
    /* Built -fvisibility=hidden: DllMain is not exported (as on Windows,
     * where it is the entry point, not an export), yet it is called. */
    sink_on();
    char dir[256];
    plug_dir(dir, sizeof dir);
    ck_assert(SetDllDirectoryA(dir));
    HMODULE h = LoadLibraryA("winplug_hidden.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 1);
    ASSERT_FAILS(GetProcAddress(h, "DllMain"), ERROR_PROC_NOT_FOUND);
    ck_assert_ptr_nonnull(GetProcAddress(h, "PlugAdd"));
    ck_assert_ptr_nonnull(GetProcAddress(h, "plug_answer"));
    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
}
END_TEST

START_TEST(test_refcounts)
{
    sink_on();
    HMODULE h = load_plug();
    ck_assert_ptr_eq(LoadLibraryA("winplug.dll"), h);
    ck_assert_ptr_eq(LoadLibraryExA("winplug", NULL, 0), h);
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 1); /* once */
    ck_assert(FreeLibrary(h));
    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 0);
    ck_assert_ptr_eq(GetModuleHandleA("winplug.dll"), h);
    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ASSERT_FAILS(GetModuleHandleA("winplug.dll"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(FreeLibrary(h), ERROR_MOD_NOT_FOUND);
    /* Loaded again: attached again. */
    h = LoadLibraryA("winplug.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 2);
    ck_assert(FreeLibrary(h));
}
END_TEST

static VOID CALLBACK free_when_returns(PTP_CALLBACK_INSTANCE inst, PVOID mod, PTP_WORK work)
{
    (void)work;
    FreeLibraryWhenCallbackReturns(inst, (HMODULE)mod);
}

START_TEST(test_free_library_when_callback_returns)
{
    sink_on();
    HMODULE h = load_plug();
    ck_assert_ptr_eq(LoadLibraryA("winplug.dll"), h); /* the callback's reference */
    PTP_WORK w = CreateThreadpoolWork(free_when_returns, h, NULL);
    ck_assert_ptr_nonnull(w);
    SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    CloseThreadpoolWork(w);
    ck_assert_ptr_eq(GetModuleHandleA("winplug.dll"), h); /* ours is left */
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 0);
    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ASSERT_FAILS(GetModuleHandleA("winplug.dll"), ERROR_MOD_NOT_FOUND);
}
END_TEST

START_TEST(test_handle_ex_references)
{
    sink_on();
    HMODULE h = load_plug(), g = NULL;
    /* Counted (flags 0): one more FreeLibrary needed. */
    ck_assert(GetModuleHandleExA(0, "winplug.dll", &g));
    ck_assert_ptr_eq(g, h);
    ck_assert(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, "winplug.dll", &g));
    ck_assert(FreeLibrary(h));
    ck_assert_ptr_eq(GetModuleHandleA("winplug.dll"), h);
    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ASSERT_FAILS(GetModuleHandleA("winplug.dll"), ERROR_MOD_NOT_FOUND);

    /* Pinned: stays whatever FreeLibrary does. */
    h = LoadLibraryA("winplug.dll");
    add_fn add = PROC(add_fn, h, "PlugAdd");
    ck_assert(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                                 (LPCWSTR)add, &g));
    ck_assert_ptr_eq(g, h);
    for (int i = 0; i < 4; i++)
        ck_assert(FreeLibrary(h));
    ck_assert_ptr_eq(GetModuleHandleA("winplug.dll"), h);
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ck_assert_int_eq(add(20, 22), 42);
}
END_TEST

START_TEST(test_attach_fails)
{
    sink_on();
    setenv("WINPLUG_FAIL", "1", 1);
    char dir[256];
    plug_dir(dir, sizeof dir);
    ck_assert(SetDllDirectoryA(dir));
    ASSERT_FAILS(LoadLibraryA("winplug.dll"), ERROR_DLL_INIT_FAILED);
    /* DLL_PROCESS_DETACH at once, then unloaded (Microsoft's DllMain page). */
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 1);
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ck_assert(!is_loaded(WINPLUG_PATH));
    ASSERT_FAILS(GetModuleHandleA("winplug.dll"), ERROR_MOD_NOT_FOUND);
    unsetenv("WINPLUG_FAIL");
    HMODULE h = LoadLibraryA("winplug.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 2);
    ck_assert(FreeLibrary(h));
}
END_TEST

START_TEST(test_dont_resolve)
{
    sink_on();
    char dir[256];
    plug_dir(dir, sizeof dir);
    ck_assert(SetDllDirectoryA(dir));
    HMODULE h = LoadLibraryExA("winplug.dll", NULL, DONT_RESOLVE_DLL_REFERENCES);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 0); /* no DllMain */
    ck_assert_ptr_nonnull(GetProcAddress(h, "PlugAdd"));
    ck_assert(FreeLibrary(h));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 0);
}
END_TEST

static void name_loads(const char *name, HMODULE want)
{
    HMODULE h = LoadLibraryA(name);
    ck_assert_msg(h == want, "%s: %p, want %p (error %lu)", name, (void *)h, (void *)want,
                  (unsigned long)GetLastError());
    ck_assert(FreeLibrary(h));
}

START_TEST(test_name_mapping)
{
    char *dir = scratch_dir();
    plug_copy(dir, "libfoo.so");
    plug_copy(dir, "bar.so");
    plug_copy(dir, "noext");
    plug_copy(dir, "libz9.so.1");
    ck_assert(SetDllDirectoryA(dir));
    HMODULE foo = LoadLibraryA("foo.dll"); /* foo.so, then libfoo.so */
    ck_assert_ptr_nonnull(foo);
    name_loads("foo", foo);      /* ".dll" appended */
    name_loads("FOO.DLL", foo);  /* the lower-case spelling tried too */
    name_loads("foo.dll  ", foo); /* trailing spaces dropped */
    name_loads("foo.dll.", foo); /* a trailing dot: nothing appended */
    HMODULE bar = LoadLibraryA("bar.dll");
    ck_assert_ptr_nonnull(bar);
    ck_assert_ptr_ne(bar, foo);
    name_loads("noext.", LoadLibraryA("noext."));
    ck_assert_ptr_nonnull(GetModuleHandleA("noext."));
    ASSERT_FAILS(LoadLibraryA("noext"), ERROR_MOD_NOT_FOUND); /* noext.dll */
    name_loads("libz9.so.1", LoadLibraryA("z9.so.1")); /* other extensions: as given, lib first */

    /* Paths: only that directory, Windows or Unix spelling. */
    char path[512];
    snprintf(path, sizeof path, "%s/foo.dll", dir);
    name_loads(path, foo);
    snprintf(path, sizeof path, "C:%s\\FOO.dll", dir);
    for (char *p = path; *p; p++)
        if (*p == '/')
            *p = '\\';
    name_loads(path, foo);
    ck_assert_ptr_eq(GetModuleHandleA(path), foo);
    snprintf(path, sizeof path, "%s/sub/foo.dll", dir);
    ASSERT_FAILS(LoadLibraryA(path), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetModuleHandleA(path), ERROR_MOD_NOT_FOUND);
    ck_assert(FreeLibrary(foo));
    ck_assert(FreeLibrary(bar));
}
END_TEST

START_TEST(test_bad_image)
{
    char *dir = scratch_dir();
    char path[256];
    snprintf(path, sizeof path, "%s/junk.so", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0755);
    ck_assert_int_eq(write(fd, "MZ this is no ELF file, nor a PE one\n", 37), 37);
    close(fd);
    ck_assert(SetDllDirectoryA(dir));
    ASSERT_FAILS(LoadLibraryA("junk.dll"), ERROR_BAD_EXE_FORMAT);
    ASSERT_FAILS(LoadLibraryExA("junk.dll", NULL, LOAD_LIBRARY_AS_DATAFILE), ERROR_BAD_EXE_FORMAT);
}
END_TEST

START_TEST(test_search_order)
{
    char *dir = scratch_dir();
    plug_copy(dir, "cwdplug.so");
    ck_assert_int_eq(chdir(dir), 0);
    /* The current directory is searched... */
    HMODULE h = LoadLibraryA("cwdplug.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert(FreeLibrary(h));
    /* ...unless SetDllDirectory took it out ("" and any directory do). */
    ck_assert(SetDllDirectoryA(""));
    ASSERT_FAILS(LoadLibraryA("cwdplug.dll"), ERROR_MOD_NOT_FOUND);
    ck_assert(SetDllDirectoryA("/nonexistent"));
    ASSERT_FAILS(LoadLibraryA("cwdplug.dll"), ERROR_MOD_NOT_FOUND);
    ck_assert(SetDllDirectoryA(NULL));
    h = LoadLibraryA("cwdplug.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert(FreeLibrary(h));
    /* LOAD_LIBRARY_SEARCH_*: only the places named; SAFE_CURRENT_DIRS
     * keeps the current directory out. */
    ASSERT_FAILS(LoadLibraryExA("cwdplug.dll", NULL, LOAD_LIBRARY_SEARCH_DEFAULT_DIRS),
                 ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(LoadLibraryExA("cwdplug.dll", NULL, LOAD_LIBRARY_SAFE_CURRENT_DIRS),
                 ERROR_MOD_NOT_FOUND);
}
END_TEST

START_TEST(test_user_dirs)
{
    char *dir = scratch_dir();
    plug_copy(dir, "userplug.so");
    WCHAR wdir[128];
    for (size_t i = 0; (wdir[i] = (WCHAR)dir[i]); i++)
        ;
    DLL_DIRECTORY_COOKIE c = AddDllDirectory(wdir);
    ck_assert_ptr_nonnull(c);
    /* Not in the standard order... */
    ASSERT_FAILS(LoadLibraryA("userplug.dll"), ERROR_MOD_NOT_FOUND);
    /* ...but with USER_DIRS, given or made the default. */
    HMODULE h = LoadLibraryExA("userplug.dll", NULL, LOAD_LIBRARY_SEARCH_USER_DIRS);
    ck_assert_ptr_nonnull(h);
    ck_assert(FreeLibrary(h));
    ck_assert(SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_DEFAULT_DIRS));
    h = LoadLibraryA("userplug.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert(FreeLibrary(h));
    /* SetDllDirectory's directory counts as a user directory. */
    ck_assert(RemoveDllDirectory(c));
    ASSERT_FAILS(LoadLibraryA("userplug.dll"), ERROR_MOD_NOT_FOUND);
    ck_assert(SetDllDirectoryA(dir));
    h = LoadLibraryExA("userplug.dll", NULL, LOAD_LIBRARY_SEARCH_USER_DIRS);
    ck_assert_ptr_nonnull(h);
    ck_assert(FreeLibrary(h));
    /* DLL_LOAD_DIR: the directory of an absolute name. */
    char path[256];
    snprintf(path, sizeof path, "%s/userplug.dll", dir);
    h = LoadLibraryExA(path, NULL, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
    ck_assert_ptr_nonnull(h);
    ck_assert(FreeLibrary(h));
    /* The system's directories: dlopen's search finds the C library. */
    h = LoadLibraryExA("libc.so.6", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    ck_assert_ptr_nonnull(h);
    /* (Not &strlen: a sanitizer's interceptor is not the C library's.) */
    ck_assert_ptr_eq(h, base_of(dlsym(RTLD_DEFAULT, "gnu_get_libc_version")));
    ck_assert(FreeLibrary(h));
}
END_TEST

START_TEST(test_dll_directory)
{
    char a[64];
    WCHAR w[64];
    memset(a, 'x', sizeof a);
    ck_assert_uint_eq(GetDllDirectoryA(sizeof a, a), 0);
    ck_assert_str_eq(a, "");
    ck_assert_uint_eq(GetDllDirectoryA(0, NULL), 1);
    ck_assert(SetDllDirectoryA("C:\\plugins"));
    ck_assert_uint_eq(GetDllDirectoryA(sizeof a, a), 10);
    ck_assert_str_eq(a, "C:\\plugins");
    memset(a, 'x', sizeof a);
    ck_assert_uint_eq(GetDllDirectoryA(10, a), 11); /* the size it needs */
    ck_assert_int_eq(a[0], 0);
    ck_assert_uint_eq(GetDllDirectoryW(64, w), 10);
    ck_assert(w[0] == 'C' && w[9] == 's' && w[10] == 0);
    ck_assert(SetDllDirectoryW(u"D:\\w"));
    ck_assert_uint_eq(GetDllDirectoryA(sizeof a, a), 4);
    ck_assert_str_eq(a, "D:\\w");
    ck_assert(SetDllDirectoryW(NULL));
    ck_assert_uint_eq(GetDllDirectoryW(64, w), 0);
    ck_assert(w[0] == 0);
}
END_TEST

START_TEST(test_datafile)
{
    sink_on();
    char *dir = scratch_dir();
    plug_copy(dir, "data.so");
    ck_assert(SetDllDirectoryA(dir));
    HMODULE d = LoadLibraryExA("data.dll", NULL, LOAD_LIBRARY_AS_DATAFILE);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq((uintptr_t)d & 3, 1);
    ck_assert_int_eq(memcmp((char *)d - 1, "\177ELF", 4), 0); /* the file, mapped */
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 0);                /* no code ran */
    ASSERT_FAILS(GetProcAddress(d, "PlugAdd"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetModuleHandleA("data.dll"), ERROR_MOD_NOT_FOUND);
    char buf[MAX_PATH];
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetModuleFileNameA(d, buf, MAX_PATH), 0);
    ASSERT_LAST_ERROR(ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(DisableThreadLibraryCalls(d), ERROR_MOD_NOT_FOUND);
    /* Each load maps anew. */
    HMODULE e = LoadLibraryExA("data.dll", NULL, LOAD_LIBRARY_AS_IMAGE_RESOURCE);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq((uintptr_t)e & 3, 2);
    ck_assert(FreeLibrary(d));
    ASSERT_FAILS(FreeLibrary(d), ERROR_BAD_EXE_FORMAT);
    ck_assert(FreeLibrary(e));
    /* A module loaded as an image is given as it is. */
    HMODULE h = LoadLibraryA("data.dll");
    ck_assert_ptr_nonnull(h);
    ck_assert_ptr_eq(LoadLibraryExA("data.dll", NULL, LOAD_LIBRARY_AS_DATAFILE), h);
    ck_assert(FreeLibrary(h));
    ck_assert(FreeLibrary(h));
    ASSERT_FAILS(GetModuleHandleA("data.dll"), ERROR_MOD_NOT_FOUND);
}
END_TEST

START_TEST(test_file_name_truncated)
{
    HMODULE k = GetModuleHandleA("kernel32.dll");
    char full[MAX_PATH], small[4];
    DWORD n = GetModuleFileNameA(k, full, MAX_PATH);
    ck_assert_uint_gt(n, 4);
    ck_assert(strstr(full, "libwinshim") != NULL || GetModuleHandleA(NULL) == k);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetModuleFileNameA(k, small, sizeof small), sizeof small);
    ASSERT_LAST_ERROR(ERROR_INSUFFICIENT_BUFFER);
    ck_assert_int_eq(small[3], 0);
    ck_assert_int_eq(memcmp(small, full, 3), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_load_errors)
{
    ASSERT_FAILS(LoadLibraryA(NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LoadLibraryW(NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LoadLibraryExA(NULL, NULL, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LoadLibraryA(""), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(LoadLibraryA("no_such_module_anywhere.dll"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(LoadLibraryW(u"no_such_module_anywhere"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(LoadLibraryA("Q:\\no_drive\\x.dll"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(LoadLibraryA("\\\\server\\share\\x.dll"), ERROR_MOD_NOT_FOUND);
    /* hFile is reserved and must be NULL; unknown flags.  (Wine 8 ignores
     * both; Microsoft's documentation makes them errors.) */
    ASSERT_FAILS(LoadLibraryExA("kernel32.dll", (HANDLE)4, 0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LoadLibraryExA("kernel32.dll", NULL, 0x10000000), ERROR_INVALID_PARAMETER);
    /* Contradictions are found before the module is (Wine: kernel32 too). */
    ASSERT_FAILS(LoadLibraryExA("kernel32.dll", NULL,
                                LOAD_WITH_ALTERED_SEARCH_PATH | LOAD_LIBRARY_SEARCH_SYSTEM32),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LoadLibraryExA("x.dll", NULL, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LoadLibraryExA("sub\\x.dll", NULL, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR),
                 ERROR_INVALID_PARAMETER);
    /* No signatures to check on Linux: refused, not pretended. */
    ASSERT_FAILS(LoadLibraryExA("kernel32.dll", NULL, LOAD_LIBRARY_REQUIRE_SIGNED_TARGET),
                 ERROR_NOT_SUPPORTED);
}
END_TEST

START_TEST(test_handle_errors)
{
    HMODULE h = (HMODULE)0x1;
    ASSERT_FAILS(GetModuleHandleA("no_such_module_anywhere.dll"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetModuleHandleW(u"no_such_module_anywhere"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetModuleHandleA(""), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetModuleHandleExA(0, "kernel32.dll", NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_PIN |
                                        GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                    "kernel32.dll", &h),
                 ERROR_INVALID_PARAMETER);
    ck_assert_ptr_null(h);
    h = (HMODULE)0x1;
    ASSERT_FAILS(GetModuleHandleExW(0x8, u"kernel32.dll", &h), ERROR_INVALID_PARAMETER);
    ck_assert_ptr_null(h);
    h = (HMODULE)0x1;
    ASSERT_FAILS(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (LPCSTR)8, &h),
                 ERROR_MOD_NOT_FOUND);
    ck_assert_ptr_null(h);
    int on_stack;
    ASSERT_FAILS(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (LPCSTR)&on_stack, &h),
                 ERROR_MOD_NOT_FOUND);
}
END_TEST

START_TEST(test_proc_free_errors)
{
    HMODULE k = GetModuleHandleA("kernel32.dll");
    ASSERT_FAILS(GetProcAddress((HMODULE)0x12345678, "CreateEventA"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress((HMODULE)((char *)k + 1), "CreateEventA"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress((HMODULE)((char *)k + 4096), "CreateEventA"), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(GetProcAddress(NULL, "no_such_function_in_the_exe"), ERROR_PROC_NOT_FOUND);
    ASSERT_FAILS(FreeLibrary(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(FreeLibrary((HMODULE)0x12345678), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(FreeLibrary((HMODULE)0x12345679), ERROR_BAD_EXE_FORMAT);
    ASSERT_FAILS(DisableThreadLibraryCalls((HMODULE)0x12345678), ERROR_MOD_NOT_FOUND);
    ASSERT_FAILS(DisableThreadLibraryCalls(NULL), ERROR_MOD_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert(DisableThreadLibraryCalls(k)); /* static modules: nothing to do */
    ASSERT_LAST_ERROR(0xdeadbeef);
    char buf[MAX_PATH];
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetModuleFileNameA((HMODULE)0x12345678, buf, MAX_PATH), 0);
    ASSERT_LAST_ERROR(ERROR_MOD_NOT_FOUND);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetModuleFileNameW((HMODULE)0x12345678, (LPWSTR)buf, MAX_PATH / 2), 0);
    ASSERT_LAST_ERROR(ERROR_MOD_NOT_FOUND);
}
END_TEST

START_TEST(test_directory_errors)
{
    ASSERT_FAILS(AddDllDirectory(NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(AddDllDirectory(u"relative\\dir"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(AddDllDirectory(u"C:relative"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(AddDllDirectory(u"\\\\server\\share"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(AddDllDirectory(u"C:\\no_such_dir_for_check_module"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(AddDllDirectory(u"C:\\no_such_dir_for_check_module\\sub"), ERROR_PATH_NOT_FOUND);
    DLL_DIRECTORY_COOKIE c = AddDllDirectory(u"C:\\tmp");
    ck_assert_ptr_nonnull(c);
    ck_assert(RemoveDllDirectory(c));
    /* Windows does not check the cookie (Wine dereferences it); here a
     * cookie AddDllDirectory did not give, or gave and took back, is: */
    ASSERT_FAILS(RemoveDllDirectory(c), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(RemoveDllDirectory(NULL), ERROR_INVALID_PARAMETER);
    int x;
    ASSERT_FAILS(RemoveDllDirectory(&x), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetDefaultDllDirectories(0), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetDefaultDllDirectories(0x10000), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    ck_assert(SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32 | LOAD_LIBRARY_SEARCH_USER_DIRS));
    ASSERT_LAST_ERROR(0xdeadbeef);
}
END_TEST

/* ------------------------------------------------------------------ */
/* threads                                                             */

static DWORD WINAPI nothing(LPVOID arg)
{
    return 7;
}

static void run_thread(LPTHREAD_START_ROUTINE fn, void *arg, DWORD want)
{
    DWORD code;
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
    ck_assert_ptr_nonnull(t);
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeThread(t, &code));
    ck_assert_uint_eq(code, want);
    CloseHandle(t);
}

START_TEST(test_thread_calls)
{
    sink_on();
    HMODULE h = load_plug();
    run_thread(nothing, NULL, 7);
    /* DLL_THREAD_DETACH ran before the thread object was signalled, and
     * found the TLS value DLL_THREAD_ATTACH stored. */
    ck_assert_int_eq(sink[DLL_THREAD_ATTACH], 1);
    ck_assert_int_eq(sink[DLL_THREAD_DETACH], 1);
    tls_seen_fn seen = PROC(tls_seen_fn, h, "PlugTlsSeen");
    ck_assert_int_eq(seen(), 1);
    SetLastError(0xdeadbeef);
    ck_assert(DisableThreadLibraryCalls(h));
    ASSERT_LAST_ERROR(0xdeadbeef);
    run_thread(nothing, NULL, 7);
    ck_assert_int_eq(sink[DLL_THREAD_ATTACH], 1);
    ck_assert_int_eq(sink[DLL_THREAD_DETACH], 1);
    ck_assert(FreeLibrary(h));
}
END_TEST

static DWORD WINAPI wait_for(LPVOID event)
{
    return WaitForSingleObject(event, INFINITE);
}

START_TEST(test_thread_before_load)
{
    /* A thread that existed before the load gets DLL_THREAD_DETACH without
     * DLL_THREAD_ATTACH, as on Windows. */
    sink_on();
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, wait_for, go, 0, NULL);
    ck_assert_ptr_nonnull(t);
    settle_ms(20);
    HMODULE h = load_plug();
    ck_assert(SetEvent(go));
    ASSERT_WAIT(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    ck_assert_int_eq(sink[DLL_THREAD_ATTACH], 0);
    ck_assert_int_eq(sink[DLL_THREAD_DETACH], 1);
    CloseHandle(t);
    CloseHandle(go);
    ck_assert(FreeLibrary(h));
}
END_TEST

static DWORD WINAPI free_and_exit(LPVOID arg)
{
    FreeLibraryAndExitThread((HMODULE)arg, 42);
}

START_TEST(test_free_library_and_exit_thread)
{
    sink_on();
    HMODULE h = load_plug();
    ck_assert_ptr_eq(LoadLibraryA("winplug.dll"), h);
    run_thread(free_and_exit, h, 42);
    ck_assert_ptr_eq(GetModuleHandleA("winplug.dll"), h); /* one reference left */
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 0);
    run_thread(free_and_exit, h, 42);
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
    ck_assert(!is_loaded(WINPLUG_PATH));
    /* The exiting thread's detach did not reach the unloaded module. */
    ck_assert_int_eq(sink[DLL_THREAD_DETACH], 1);
}
END_TEST

static DWORD WINAPI load_free_loop(LPVOID arg)
{
    for (int i = 0; i < 200; i++) {
        HMODULE h = LoadLibraryA("winplug.dll");
        if (!h || !GetProcAddress(h, "PlugAdd") || !FreeLibrary(h))
            return 1;
        if (i % 20 == 0)
            run_thread(nothing, NULL, 7);
    }
    return 0;
}

START_TEST(test_concurrent_loads)
{
    sink_on();
    HMODULE keep = load_plug(); /* attached once for the whole test */
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_ptr_nonnull(t[i] = CreateThread(NULL, 0, load_free_loop, NULL, 0, NULL));
    ASSERT_WAIT(WaitForMultipleObjects(4, t, TRUE, 60000), WAIT_OBJECT_0);
    for (int i = 0; i < 4; i++) {
        DWORD code;
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert_int_eq(sink[DLL_PROCESS_ATTACH], 1);
    ck_assert_int_eq(sink[DLL_THREAD_ATTACH], 4 + 4 * 10);
    ck_assert_int_eq(sink[DLL_THREAD_DETACH], 4 + 4 * 10);
    ck_assert(FreeLibrary(keep));
    ck_assert_int_eq(sink[DLL_PROCESS_DETACH], 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* processes                                                           */

START_TEST(test_process_exit_detach)
{
    char *dir = scratch_dir();
    char out[256], out2[256];
    snprintf(out, sizeof out, "%s/exit.txt", dir);
    snprintf(out2, sizeof out2, "%s/freed.txt", dir);
    for (int freed = 0; freed < 2; freed++) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            setenv("WINPLUG_EXIT_FILE", freed ? out2 : out, 1);
            char d[256];
            plug_dir(d, sizeof d);
            SetDllDirectoryA(d);
            HMODULE h = LoadLibraryA("winplug.dll");
            if (!h)
                _exit(3);
            if (freed)
                FreeLibrary(h);
            exit(0); /* DLL_PROCESS_DETACH, lpReserved non-NULL, if loaded */
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    char buf[8] = {0};
    int fd = open(out, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(read(fd, buf, sizeof buf), 4);
    close(fd);
    ck_assert_str_eq(buf, "exit");
    ck_assert_int_ne(access(out2, F_OK), 0); /* freed before: no exit call */
}
END_TEST

static Suite *module_suite(void)
{
    Suite *s = suite_create("module");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *threads = tcase_create("threads");
    TCase *processes = tcase_create("processes");
    tcase_add_test(basic, test_system_names);
    tcase_add_test(basic, test_proc_address_kernel32);
    tcase_add_test(basic, test_proc_address_every_export);
    tcase_add_test(basic, test_executable);
    tcase_add_test(basic, test_load_plugin);
    tcase_add_test(basic, test_hidden_dllmain);
    tcase_add_test(basic, test_refcounts);
    tcase_add_test(basic, test_free_library_when_callback_returns);
    tcase_add_test(basic, test_handle_ex_references);
    tcase_add_test(basic, test_attach_fails);
    tcase_add_test(basic, test_dont_resolve);
    tcase_add_test(basic, test_name_mapping);
    tcase_add_test(basic, test_bad_image);
    tcase_add_test(basic, test_search_order);
    tcase_add_test(basic, test_user_dirs);
    tcase_add_test(basic, test_dll_directory);
    tcase_add_test(basic, test_datafile);
    tcase_add_test(basic, test_file_name_truncated);
    tcase_add_test(errors, test_load_errors);
    tcase_add_test(errors, test_handle_errors);
    tcase_add_test(errors, test_proc_free_errors);
    tcase_add_test(errors, test_directory_errors);
    tcase_add_test(threads, test_thread_calls);
    tcase_add_test(threads, test_thread_before_load);
    tcase_add_test(threads, test_free_library_and_exit_thread);
    tcase_add_test(threads, test_concurrent_loads);
    tcase_add_test(processes, test_process_exit_detach);
    tcase_set_timeout(threads, 60);
    suite_add_tcase(s, basic);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, threads);
    suite_add_tcase(s, processes);
    return s;
}

TEST_MAIN(module_suite)
