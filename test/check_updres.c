/* Resources of Windows PE files (lib/proc/resource.c, peres.c): reading
 * them from LoadLibraryEx data files (FindResource(Ex), LoadResource,
 * SizeofResource, EnumResource*), and rewriting them (BeginUpdateResource,
 * UpdateResource, EndUpdateResource) on fixtures built with mingw-w64
 * from test/pe/ (Makefile.am): res64.dll, whose resource section is its
 * last (rewritten in place), res64.exe, whose section is followed by
 * .reloc (a new section is appended), and res32.* (PE32) when the i686
 * compiler is installed.  When Wine is installed, the rewritten files
 * are loaded by test/pe/dumpres.exe under Wine and the rewritten .exe is
 * run: Windows' loader must accept them.  Error codes are Windows'
 * (Wine 8 leaves most of them unset; docs/COMPATIBILITY.md). */
#define _GNU_SOURCE
#include <windows.h>

#include "testutil.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PE_DIR
#error "PE_DIR: where Makefile.am builds the PE fixtures"
#endif
#ifndef WINE_PATH
#define WINE_PATH ""
#endif

#define EN MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US)
#define DE MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN)
#define FR MAKELANGID(LANG_FRENCH, SUBLANG_FRENCH)

static char work[256];

static bool exists(const char *p)
{
    return access(p, R_OK) == 0;
}

static void setup(void)
{
    snprintf(work, sizeof work, "/tmp/updres.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    ck_assert_int_eq(system(cmd), 0);
}

/* The file's bytes (malloc()ed). */
static unsigned char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    unsigned char *p = malloc((size_t)st.st_size + 1);
    ck_assert_int_eq(read(fd, p, (size_t)st.st_size), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return p;
}

/* A copy of fixture `name` in the work directory, its path in out. */
static void copy_fixture(const char *name, const char *as, char *out, size_t cap)
{
    char src[512];
    snprintf(src, sizeof src, "%s/%s", PE_DIR, name);
    snprintf(out, cap, "%s/%s", work, as);
    size_t len;
    unsigned char *p = slurp(src, &len);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
    close(fd);
    free(p);
}

/* The resource's data as a string ("" when missing). */
static const char *res_text(HMODULE h, LPCSTR type, LPCSTR name, WORD lang)
{
    HRSRC r = FindResourceExA(h, type, name, lang);
    if (!r)
        return "";
    HGLOBAL g = LoadResource(h, r);
    ck_assert_ptr_nonnull(g);
    return LockResource(g);
}

static HMODULE load_data(const char *path)
{
    HMODULE h = LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_DATAFILE);
    ck_assert_msg(h != NULL, "LoadLibraryEx(%s): %lu", path, (unsigned long)GetLastError());
    return h;
}

static BOOL CALLBACK type_cb(HMODULE h, LPSTR type, LONG_PTR stop);

/* ---- reading ---- */

static void check_fixture_read(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", PE_DIR, file);
    HMODULE h = load_data(path);
    ck_assert_uint_eq((uintptr_t)h & 3, 1);

    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN), "rcdata-one");
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), DE), "rcdata-eins");
    /* Only the exact language, its neutral sublanguage, LANG_NEUTRAL. */
    ASSERT_FAILS(FindResourceExA(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), FR),
                 ERROR_RESOURCE_LANG_NOT_FOUND);
    ASSERT_FAILS(FindResourceExA(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1),
                                 MAKELANGID(LANG_GERMAN, 0x02 /* SUBLANG_GERMAN_SWISS */)),
                 ERROR_RESOURCE_LANG_NOT_FOUND);
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(3), FR), "neutral");
    /* FindResource: a neutral request falls back to some language. */
    HRSRC r = FindResourceA(h, MAKEINTRESOURCEA(2), (LPCSTR)RT_RCDATA);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(SizeofResource(h, r), 11);
    ck_assert_str_eq(LockResource(LoadResource(h, r)), "rcdata-two");
    ck_assert(!FreeResource(LoadResource(h, r)));
    /* Names: case-insensitive, and "#7" is the id 7. */
    r = FindResourceA(h, "myname", "mytype");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(LockResource(LoadResource(h, r)), "named-resource");
    r = FindResourceW(h, u"MyName", u"MYTYPE");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(res_text(h, "MYTYPE", "#7", EN), "seven");
    ck_assert_ptr_nonnull(FindResourceW(h, MAKEINTRESOURCEW(7), u"MyType"));
    ASSERT_FAILS(FindResourceA(h, "#9", "MYTYPE"), ERROR_RESOURCE_NAME_NOT_FOUND);
    ASSERT_FAILS(FindResourceA(h, "#9", "NOTYPE"), ERROR_RESOURCE_TYPE_NOT_FOUND);
    ASSERT_FAILS(FindResourceA(h, "x", MAKEINTRESOURCEA(99)), ERROR_RESOURCE_TYPE_NOT_FOUND);
    /* The string table: block 1 holds strings 0..15, each length-prefixed. */
    r = FindResourceExA(h, (LPCSTR)RT_STRING, MAKEINTRESOURCEA(1), EN);
    ck_assert_ptr_nonnull(r);
    const WCHAR *st = LockResource(LoadResource(h, r));
    ck_assert_uint_eq(st[0], 0);             /* string 0: empty */
    ck_assert_uint_eq(st[1], 5);             /* string 1 */
    ck_assert(!memcmp(st + 2, u"Hello", 10));
    ck_assert_uint_eq(st[7], 5);             /* string 2 */
    ck_assert(!memcmp(st + 8, u"World", 10));
    /* Not code: no procedures. */
    ck_assert_ptr_null((void *)GetProcAddress(h, "DllMain"));
    ck_assert(FreeLibrary(h));
}

START_TEST(read_pe32plus)
{
    check_fixture_read("res64.dll");
    check_fixture_read("res64.exe");
}
END_TEST

START_TEST(read_pe32)
{
    char path[512];
    snprintf(path, sizeof path, "%s/res32.dll", PE_DIR);
    if (!exists(path)) {
        printf("check_updres: no i686-w64-mingw32-gcc, PE32 fixtures not built: skipped\n");
        return;
    }
    check_fixture_read("res32.dll");
    check_fixture_read("res32.exe");
}
END_TEST

START_TEST(load_flags)
{
    char path[512];
    snprintf(path, sizeof path, "%s/res64.dll", PE_DIR);
    HMODULE a = LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_IMAGE_RESOURCE);
    HMODULE b = LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_DATAFILE_EXCLUSIVE);
    HMODULE c = LoadLibraryExA(path, NULL,
                               LOAD_LIBRARY_AS_IMAGE_RESOURCE | LOAD_LIBRARY_AS_DATAFILE);
    ck_assert_uint_eq((uintptr_t)a & 3, 2);
    ck_assert_uint_eq((uintptr_t)b & 3, 1);
    ck_assert_uint_eq((uintptr_t)c & 3, 2);
    ck_assert_str_eq(res_text(a, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), DE), "rcdata-eins");
    ck_assert_str_eq(res_text(b, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), DE), "rcdata-eins");
    /* An HRSRC of one module is not another's. */
    HRSRC r = FindResourceExA(a, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), DE);
    ASSERT_FAILS(LoadResource(b, r), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SizeofResource(b, r), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(LoadResource(a, NULL), ERROR_INVALID_HANDLE);
    ck_assert(FreeLibrary(a));
    ck_assert(FreeLibrary(b));
    ck_assert(FreeLibrary(c));
    ASSERT_FAILS(FreeLibrary(a), ERROR_BAD_EXE_FORMAT);
    WCHAR wpath[512];
    MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 512);
    HMODULE w = LoadLibraryExW(wpath, NULL, LOAD_LIBRARY_AS_DATAFILE);
    ck_assert_ptr_nonnull(w);
    ck_assert(FreeLibrary(w));
}
END_TEST

START_TEST(no_pe_resources)
{
    /* The running program is an ELF file: no resource section. */
    ASSERT_FAILS(FindResourceA(NULL, MAKEINTRESOURCEA(1), (LPCSTR)RT_RCDATA),
                 ERROR_RESOURCE_DATA_NOT_FOUND);
    ASSERT_FAILS(FindResourceExW(GetModuleHandleW(NULL), (LPCWSTR)RT_RCDATA,
                                 MAKEINTRESOURCEW(1), 0),
                 ERROR_RESOURCE_DATA_NOT_FOUND);
    ASSERT_FAILS(EnumResourceTypesA(NULL, type_cb, 0),
                 ERROR_RESOURCE_DATA_NOT_FOUND);
    /* A file that is no PE: not loadable as a data file. */
    char path[300];
    snprintf(path, sizeof path, "%s/text.dll", work);
    FILE *f = fopen(path, "w");
    fputs("MZ, but nothing else that a PE file has, and more than 64 bytes of it.......\n", f);
    fclose(f);
    ASSERT_FAILS(LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_DATAFILE), ERROR_BAD_EXE_FORMAT);
    f = fopen(path, "w");
    fputs("plain text\n", f);
    fclose(f);
    ASSERT_FAILS(LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_DATAFILE), ERROR_BAD_EXE_FORMAT);
}
END_TEST

/* ---- enumeration ---- */

static char seen[1024];

static void note_id(LPCSTR s)
{
    size_t n = strlen(seen);
    if (IS_INTRESOURCE(s))
        snprintf(seen + n, sizeof seen - n, "#%u ", (unsigned)(ULONG_PTR)s);
    else
        snprintf(seen + n, sizeof seen - n, "%s ", s);
}

static BOOL CALLBACK type_cb(HMODULE h, LPSTR type, LONG_PTR stop)
{
    note_id(type);
    return stop != 1;
}

static BOOL CALLBACK type_cb_w(HMODULE h, LPWSTR type, LONG_PTR p)
{
    char a[64];
    if (IS_INTRESOURCE(type))
        note_id((LPCSTR)type);
    else {
        WideCharToMultiByte(CP_UTF8, 0, type, -1, a, sizeof a, NULL, NULL);
        note_id(a);
    }
    return TRUE;
}

static BOOL CALLBACK name_cb(HMODULE h, LPCSTR type, LPSTR name, LONG_PTR p)
{
    note_id(name);
    return TRUE;
}

static BOOL CALLBACK lang_cb(HMODULE h, LPCSTR type, LPCSTR name, WORD lang, LONG_PTR p)
{
    size_t n = strlen(seen);
    snprintf(seen + n, sizeof seen - n, "%04x ", lang);
    return TRUE;
}

static BOOL CALLBACK lang_cb_w(HMODULE h, LPCWSTR type, LPCWSTR name, WORD lang, LONG_PTR p)
{
    return lang_cb(h, NULL, NULL, lang, p);
}

static const char *types_of(HMODULE h)
{
    seen[0] = 0;
    ck_assert(EnumResourceTypesA(h, type_cb, 0));
    return seen;
}

START_TEST(enum_order)
{
    char path[512];
    snprintf(path, sizeof path, "%s/res64.dll", PE_DIR);
    HMODULE h = load_data(path);
    ck_assert_str_eq(types_of(h), "MYTYPE #6 #10 ");
    seen[0] = 0;
    ck_assert(EnumResourceTypesW(h, type_cb_w, 0));
    ck_assert_str_eq(seen, "MYTYPE #6 #10 ");
    seen[0] = 0;
    ASSERT_FAILS(EnumResourceTypesA(h, type_cb, 1), ERROR_RESOURCE_ENUM_USER_STOP);
    ck_assert_str_eq(seen, "MYTYPE ");
    seen[0] = 0;
    ck_assert(EnumResourceNamesA(h, "mytype", name_cb, 0));
    ck_assert_str_eq(seen, "MYNAME ZETA #7 ");
    seen[0] = 0;
    ck_assert(EnumResourceNamesA(h, (LPCSTR)RT_RCDATA, name_cb, 0));
    ck_assert_str_eq(seen, "#1 #2 #3 ");
    seen[0] = 0;
    ck_assert(EnumResourceLanguagesA(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), lang_cb, 0));
    ck_assert_str_eq(seen, "0407 0409 ");
    seen[0] = 0;
    ck_assert(EnumResourceLanguagesW(h, u"MYTYPE", u"myname", lang_cb_w, 0));
    ck_assert_str_eq(seen, "0409 ");
    ASSERT_FAILS(EnumResourceNamesA(h, "NOPE", name_cb, 0), ERROR_RESOURCE_TYPE_NOT_FOUND);
    ASSERT_FAILS(EnumResourceLanguagesA(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(9), lang_cb, 0),
                 ERROR_RESOURCE_NAME_NOT_FOUND);
    ASSERT_FAILS(EnumResourceLanguagesA(h, "NOPE", MAKEINTRESOURCEA(1), lang_cb, 0),
                 ERROR_RESOURCE_TYPE_NOT_FOUND);
    ck_assert(FreeLibrary(h));
}
END_TEST

/* ---- updating ---- */

/* The PE header facts a rewrite must keep right. */
struct pe_facts {
    unsigned nsect;
    uint32_t size_image, checksum, rsrc_rva, rsrc_size, salign, falign;
    uint32_t computed; /* CheckSumMappedFile's sum of the file */
};

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static struct pe_facts facts(const char *path)
{
    size_t len;
    unsigned char *p = slurp(path, &len);
    struct pe_facts f = {0};
    uint32_t pe = rd32(p + 0x3c), opt = pe + 24;
    bool plus = p[opt] == 0x0b && p[opt + 1] == 0x02;
    f.nsect = p[pe + 6] | p[pe + 7] << 8;
    f.salign = rd32(p + opt + 32);
    f.falign = rd32(p + opt + 36);
    f.size_image = rd32(p + opt + 56);
    f.checksum = rd32(p + opt + 64);
    uint32_t dirs = opt + (plus ? 112 : 96);
    f.rsrc_rva = rd32(p + dirs + 16);
    f.rsrc_size = rd32(p + dirs + 20);
    /* 16-bit one's-complement-style sum with carries folded, the checksum
     * field skipped, plus the file's length. */
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        if (i == opt + 64 || i == opt + 66)
            continue;
        sum += (uint32_t)(p[i] | p[i + 1] << 8);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    f.computed = ((sum & 0xffff) + (sum >> 16)) + (uint32_t)len;
    /* Every section's raw data lies in the file, the image ends with the
     * last one. */
    uint32_t sect = opt + (p[pe + 20] | p[pe + 21] << 8), end = 0;
    for (unsigned i = 0; i < f.nsect; i++) {
        const unsigned char *s = p + sect + 40 * i;
        uint32_t vs = rd32(s + 8), va = rd32(s + 12), raw = rd32(s + 16), ptr = rd32(s + 20);
        ck_assert_uint_le((uint64_t)ptr + raw, len);
        ck_assert_uint_eq(ptr % f.falign, 0);
        ck_assert_uint_eq(raw % f.falign, 0);
        ck_assert_uint_eq(va % f.salign, 0);
        uint32_t e = va + (vs > raw ? vs : raw);
        if (e > end)
            end = e;
    }
    ck_assert_uint_eq(f.size_image, (end + f.salign - 1) / f.salign * f.salign);
    free(p);
    return f;
}

/* Adds NEWTYPE/lowerName, replaces RCDATA 1 (English), deletes RCDATA 2. */
static void edit(const char *path)
{
    HANDLE u = BeginUpdateResourceA(path, FALSE);
    ck_assert_ptr_nonnull(u);
    ck_assert(UpdateResourceA(u, "NewType", "lowerName", EN, "abc", 4));
    ck_assert(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN, "replaced", 9));
    ck_assert(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(2), EN, NULL, 0));
    /* Deleting what is not there is no error. */
    ck_assert(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(55), EN, NULL, 0));
    ck_assert(UpdateResourceW(u, u"WIDE", MAKEINTRESOURCEW(300), DE, (LPVOID)"wide!", 6));
    ck_assert(EndUpdateResourceA(u, FALSE));
}

static void check_edited(const char *path)
{
    HMODULE h = load_data(path);
    ck_assert_str_eq(types_of(h), "MYTYPE NEWTYPE WIDE #6 #10 ");
    ck_assert_str_eq(res_text(h, "newtype", "LOWERNAME", EN), "abc");
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN), "replaced");
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), DE), "rcdata-eins");
    ck_assert_str_eq(res_text(h, "WIDE", "#300", DE), "wide!");
    ASSERT_FAILS(FindResourceExA(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(2), EN),
                 ERROR_RESOURCE_NAME_NOT_FOUND);
    ASSERT_FAILS(FindResourceExA(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(55), EN),
                 ERROR_RESOURCE_NAME_NOT_FOUND);
    ck_assert_str_eq(res_text(h, "MYTYPE", "MYNAME", EN), "named-resource");
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(3), 0), "neutral");
    seen[0] = 0;
    ck_assert(EnumResourceNamesA(h, "NEWTYPE", name_cb, 0));
    ck_assert_str_eq(seen, "LOWERNAME ");
    ck_assert(FreeLibrary(h));
}

static void update_case(const char *fixture, bool appends)
{
    char path[512];
    copy_fixture(fixture, "edit.bin", path, sizeof path);
    struct pe_facts before = facts(path);
    edit(path);
    struct pe_facts after = facts(path);
    ck_assert_uint_eq(after.nsect, before.nsect + (appends ? 1 : 0));
    ck_assert_uint_eq(after.checksum, after.computed);
    if (!appends)
        ck_assert_uint_eq(after.rsrc_rva, before.rsrc_rva);
    else
        ck_assert_uint_gt(after.rsrc_rva, before.rsrc_rva);
    check_edited(path);
    /* Again: the resource section is now the last one, rewritten in place. */
    HANDLE u = BeginUpdateResourceA(path, FALSE);
    ck_assert_ptr_nonnull(u);
    ck_assert(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN, "again", 6));
    ck_assert(EndUpdateResourceA(u, FALSE));
    struct pe_facts again = facts(path);
    ck_assert_uint_eq(again.nsect, after.nsect);
    ck_assert_uint_eq(again.rsrc_rva, after.rsrc_rva);
    ck_assert_uint_eq(again.checksum, again.computed);
    HMODULE h = load_data(path);
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN), "again");
    ck_assert_str_eq(res_text(h, "NEWTYPE", "LOWERNAME", EN), "abc");
    ck_assert(FreeLibrary(h));
}

START_TEST(update_in_place)
{
    update_case("res64.dll", false);
}
END_TEST

START_TEST(update_appends_section)
{
    update_case("res64.exe", true);
}
END_TEST

START_TEST(update_pe32)
{
    char path[512];
    snprintf(path, sizeof path, "%s/res32.dll", PE_DIR);
    if (!exists(path)) {
        printf("check_updres: no i686-w64-mingw32-gcc, PE32 fixtures not built: skipped\n");
        return;
    }
    update_case("res32.dll", false);
    teardown();
    setup();
    update_case("res32.exe", true);
}
END_TEST

START_TEST(update_discard)
{
    char path[512];
    copy_fixture("res64.dll", "discard.dll", path, sizeof path);
    size_t n0, n1;
    unsigned char *b0 = slurp(path, &n0);
    HANDLE u = BeginUpdateResourceW(u"discard.dll", FALSE);
    ck_assert_ptr_null(u); /* a relative name: not in this directory */
    ck_assert_uint_eq(GetLastError(), ERROR_FILE_NOT_FOUND);
    u = BeginUpdateResourceA(path, FALSE);
    ck_assert_ptr_nonnull(u);
    ck_assert(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN, "x", 2));
    ck_assert(EndUpdateResourceA(u, TRUE));
    unsigned char *b1 = slurp(path, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert(!memcmp(b0, b1, n0));
    free(b0);
    free(b1);
    /* The handle is gone either way. */
    ASSERT_FAILS(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN, "x", 2),
                 ERROR_INVALID_HANDLE);
    ASSERT_FAILS(EndUpdateResourceA(u, TRUE), ERROR_INVALID_HANDLE);
    /* CloseHandle abandons an update like a discard. */
    u = BeginUpdateResourceA(path, FALSE);
    ck_assert(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN, "y", 2));
    ck_assert(CloseHandle(u));
    b1 = slurp(path, &n1);
    ck_assert_uint_eq(n0, n1);
    free(b1);
}
END_TEST

START_TEST(update_delete_existing)
{
    char path[512];
    copy_fixture("res64.exe", "fresh.exe", path, sizeof path);
    WCHAR wpath[512];
    MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, 512);
    HANDLE u = BeginUpdateResourceW(wpath, TRUE);
    ck_assert_ptr_nonnull(u);
    ck_assert(UpdateResourceW(u, (LPCWSTR)RT_RCDATA, MAKEINTRESOURCEW(1), EN, (LPVOID)"only", 5));
    ck_assert(EndUpdateResourceW(u, FALSE));
    HMODULE h = load_data(path);
    ck_assert_str_eq(types_of(h), "#10 ");
    seen[0] = 0;
    ck_assert(EnumResourceNamesA(h, (LPCSTR)RT_RCDATA, name_cb, 0));
    ck_assert_str_eq(seen, "#1 ");
    ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(1), EN), "only");
    ck_assert(FreeLibrary(h));
    /* No resources at all: an empty tree. */
    u = BeginUpdateResourceA(path, TRUE);
    ck_assert(EndUpdateResourceA(u, FALSE));
    h = load_data(path);
    ck_assert_str_eq(types_of(h), "");
    ASSERT_FAILS(FindResourceA(h, MAKEINTRESOURCEA(1), (LPCSTR)RT_RCDATA),
                 ERROR_RESOURCE_TYPE_NOT_FOUND);
    ck_assert(FreeLibrary(h));
    struct pe_facts f = facts(path);
    ck_assert_uint_eq(f.checksum, f.computed);
}
END_TEST

START_TEST(update_errors)
{
    char path[512];
    snprintf(path, sizeof path, "%s/missing.dll", work);
    ASSERT_FAILS(BeginUpdateResourceA(path, FALSE), ERROR_FILE_NOT_FOUND);
    snprintf(path, sizeof path, "%s/nodir/missing.dll", work);
    ASSERT_FAILS(BeginUpdateResourceA(path, FALSE), ERROR_PATH_NOT_FOUND);
    snprintf(path, sizeof path, "%s/text.dll", work);
    FILE *f = fopen(path, "w");
    fputs("not a PE file\n", f);
    fclose(f);
    ASSERT_FAILS(BeginUpdateResourceA(path, FALSE), ERROR_BAD_EXE_FORMAT);
    ASSERT_FAILS(BeginUpdateResourceA(work, FALSE), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(BeginUpdateResourceA(NULL, FALSE), ERROR_INVALID_PARAMETER);
    if (geteuid() != 0) { /* root may write anything */
        copy_fixture("res64.dll", "ro.dll", path, sizeof path);
        ck_assert_int_eq(chmod(path, 0444), 0);
        ASSERT_FAILS(BeginUpdateResourceA(path, FALSE), ERROR_ACCESS_DENIED);
    }

    ASSERT_FAILS(UpdateResourceA(NULL, "T", "N", 0, "x", 1), ERROR_INVALID_HANDLE);
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ASSERT_FAILS(UpdateResourceA(ev, "T", "N", 0, "x", 1), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(EndUpdateResourceA(ev, TRUE), ERROR_INVALID_HANDLE);
    ck_assert(CloseHandle(ev));
    ASSERT_FAILS(EndUpdateResourceW(NULL, FALSE), ERROR_INVALID_HANDLE);

    copy_fixture("res64.dll", "e.dll", path, sizeof path);
    HANDLE u = BeginUpdateResourceA(path, FALSE);
    ck_assert_ptr_nonnull(u);
    ASSERT_FAILS(UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(5), 0, NULL, 5),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(UpdateResourceA(u, NULL, MAKEINTRESOURCEA(5), 0, "x", 1),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(UpdateResourceA(u, "#x", MAKEINTRESOURCEA(5), 0, "x", 1),
                 ERROR_INVALID_PARAMETER);
    /* The file went away before EndUpdateResource: the open's error. */
    ck_assert_int_eq(unlink(path), 0);
    ASSERT_FAILS(EndUpdateResourceA(u, FALSE), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(EndUpdateResourceA(u, FALSE), ERROR_INVALID_HANDLE);
}
END_TEST

/* Many threads updating through one handle: every add is kept. */
static HANDLE shared_update;

static DWORD WINAPI adder(LPVOID arg)
{
    int base = (int)(intptr_t)arg;
    for (int i = 0; i < 50; i++) {
        char data[16];
        snprintf(data, sizeof data, "r%d", base + i);
        if (!UpdateResourceA(shared_update, "MANY", MAKEINTRESOURCEA(base + i + 1), EN, data,
                             (DWORD)strlen(data) + 1))
            return 1;
    }
    return 0;
}

START_TEST(update_threads)
{
    char path[512];
    copy_fixture("res64.dll", "many.dll", path, sizeof path);
    shared_update = BeginUpdateResourceA(path, TRUE);
    ck_assert_ptr_nonnull(shared_update);
    HANDLE t[4];
    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, adder, (LPVOID)(intptr_t)(i * 50), 0, NULL);
    for (int i = 0; i < 4; i++) {
        DWORD code;
        ASSERT_WAIT(WaitForSingleObject(t[i], INFINITE), WAIT_OBJECT_0);
        ck_assert(GetExitCodeThread(t[i], &code));
        ck_assert_uint_eq(code, 0);
        CloseHandle(t[i]);
    }
    ck_assert(EndUpdateResourceA(shared_update, FALSE));
    HMODULE h = load_data(path);
    for (int i = 0; i < 200; i++) {
        char want[16];
        snprintf(want, sizeof want, "r%d", i);
        ck_assert_str_eq(res_text(h, "MANY", MAKEINTRESOURCEA(i + 1), EN), want);
    }
    ck_assert(FreeLibrary(h));
}
END_TEST

/* Truncated and scribbled-on files: whatever they hold, the reader and
 * the writer stay inside the file (no crash; ASan builds check reads). */
static BOOL CALLBACK any_lang(HMODULE h, LPCSTR type, LPCSTR name, WORD lang, LONG_PTR p)
{
    HRSRC r = FindResourceExA(h, type, name, lang);
    if (r && SizeofResource(h, r)) {
        const volatile unsigned char *d = LoadResource(h, r);
        if (d)
            (void)d[SizeofResource(h, r) - 1];
    }
    return TRUE;
}

static BOOL CALLBACK any_name(HMODULE h, LPCSTR type, LPSTR name, LONG_PTR p)
{
    EnumResourceLanguagesA(h, type, name, any_lang, p);
    return TRUE;
}

static BOOL CALLBACK any_type(HMODULE h, LPSTR type, LONG_PTR p)
{
    EnumResourceNamesA(h, type, any_name, p);
    return TRUE;
}

START_TEST(corrupt_files)
{
    char src[512], path[512];
    snprintf(src, sizeof src, "%s/res64.dll", PE_DIR);
    snprintf(path, sizeof path, "%s/bad.dll", work);
    size_t len;
    unsigned char *orig = slurp(src, &len);
    for (int round = 0; round < 120; round++) {
        size_t n = len;
        unsigned char *p = malloc(len);
        memcpy(p, orig, len);
        if (round < 60) {
            n = 0x40 + (len - 0x40) * (size_t)round / 60; /* truncated */
        } else {
            /* 16 bytes scribbled on, somewhere in the last 1.5 KiB (the
             * resource section) or in the headers. */
            unsigned seed = (unsigned)round * 2654435761u;
            size_t at = round % 3 ? len - 1536 + seed % 1520 : 0x80 + seed % 0x180;
            for (int i = 0; i < 16; i++)
                p[at + i] = (unsigned char)(seed >> (i % 4 * 8)) ^ (unsigned char)i;
        }
        FILE *f = fopen(path, "wb");
        fwrite(p, 1, n, f);
        fclose(f);
        free(p);
        HMODULE h = LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_DATAFILE);
        if (h) {
            EnumResourceTypesA(h, any_type, 0);
            ck_assert(FreeLibrary(h));
        }
        HANDLE u = BeginUpdateResourceA(path, FALSE);
        if (u) {
            UpdateResourceA(u, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(9), EN, "new", 4);
            if (EndUpdateResourceA(u, FALSE)) {
                /* What was written is a file the reader accepts. */
                h = load_data(path);
                ck_assert_str_eq(res_text(h, (LPCSTR)RT_RCDATA, MAKEINTRESOURCEA(9), EN), "new");
                ck_assert(FreeLibrary(h));
            }
        }
    }
    free(orig);
}
END_TEST

/* ---- Windows' loader (Wine) on the rewritten files ---- */

static void to_windows(const char *unix_path, char *out, size_t cap)
{
    snprintf(out, cap, "Z:%s", unix_path);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '\\';
}

/* Output of a command, CRs dropped (malloc()ed). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    int c;
    while ((c = fgetc(p)) != EOF)
        if (c != '\r' && n + 1 < cap)
            out[n++] = (char)c;
    out[n] = 0;
    ck_assert_int_eq(pclose(p), 0);
    return out;
}

START_TEST(wine_loads_rewritten)
{
    char dump[512];
    snprintf(dump, sizeof dump, "%s/dumpres.exe", PE_DIR);
    if (!WINE_PATH[0] || !exists(dump)) {
        printf("check_updres: no wine (or no dumpres.exe): Windows' loader check skipped\n");
        return;
    }
    char dll[512], exe[512], wdll[600], wexe[600], cmd[4096];
    copy_fixture("res64.dll", "w.dll", dll, sizeof dll);
    copy_fixture("res64.exe", "w.exe", exe, sizeof exe);
    edit(dll);
    edit(exe);
    to_windows(dll, wdll, sizeof wdll);
    to_windows(exe, wexe, sizeof wexe);
    const char *prefix = getenv("WINEPREFIX");
    char pfx[512];
    snprintf(pfx, sizeof pfx, "%s", prefix ? prefix : PE_DIR "/wineprefix");
    /* One Wine session: the dump, then the rewritten program itself. */
    snprintf(cmd, sizeof cmd,
             "unset DISPLAY WAYLAND_DISPLAY; WINEPREFIX='%s' WINEDEBUG=-all "
             "WINEDLLOVERRIDES='mscoree,mshtml=' sh -c \"'%s' '%s' '%s' '%s' && '%s' '%s'\" "
             "2>/dev/null",
             pfx, WINE_PATH, dump, wdll, wexe, WINE_PATH, exe);
    char *out = run(cmd);
    char want[4096];
    const char *body = "MYTYPE MYNAME 0409 15 named-resource\n"
                       "MYTYPE ZETA 0409 5 zeta\n"
                       "MYTYPE #7 0409 6 seven\n"
                       "NEWTYPE LOWERNAME 0409 4 abc\n"
                       "WIDE #300 0407 6 wide!\n"
                       "#6 #1 0409 52 \n"
                       "#10 #1 0407 12 rcdata-eins\n"
                       "#10 #1 0409 9 replaced\n"
                       "#10 #3 0000 8 neutral\n";
    snprintf(want, sizeof want, "%s:\n%s%s:\n%sres.exe runs: replaced\n", wdll, body, wexe, body);
    ck_assert_str_eq(out, want);
    free(out);
}
END_TEST

static Suite *updres_suite(void)
{
    Suite *s = suite_create("updres");
    TCase *rd = tcase_create("read");
    tcase_add_checked_fixture(rd, setup, teardown);
    tcase_add_test(rd, read_pe32plus);
    tcase_add_test(rd, read_pe32);
    tcase_add_test(rd, load_flags);
    tcase_add_test(rd, no_pe_resources);
    tcase_add_test(rd, enum_order);
    suite_add_tcase(s, rd);
    TCase *up = tcase_create("update");
    tcase_add_checked_fixture(up, setup, teardown);
    tcase_add_test(up, update_in_place);
    tcase_add_test(up, update_appends_section);
    tcase_add_test(up, update_pe32);
    tcase_add_test(up, update_discard);
    tcase_add_test(up, update_delete_existing);
    tcase_add_test(up, update_errors);
    tcase_add_test(up, update_threads);
    tcase_add_test(up, corrupt_files);
    suite_add_tcase(s, up);
    TCase *wine = tcase_create("wine");
    tcase_add_checked_fixture(wine, setup, teardown);
    /* The first run creates the Wine prefix (tens of seconds). */
    tcase_set_timeout(wine, 300);
    tcase_add_test(wine, wine_loads_rewritten);
    suite_add_tcase(s, wine);
    return s;
}

int main(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/res64.dll", PE_DIR);
    if (!exists(path)) {
        printf("check_updres: no x86_64-w64-mingw32-gcc/windres, so no PE fixtures "
               "(./bootstrap --with-oracle installs them): skipped\n");
        return 77;
    }
    SRunner *sr = srunner_create(updres_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
