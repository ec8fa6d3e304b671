/* Run under Wine by check_updres: loads each PE file named on the command
 * line with LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE) and prints every
 * resource (type, name, language, size, the data up to its first NUL),
 * so that the test sees what Windows' loader makes of a rewritten file. */
#include <windows.h>
#include <stdio.h>

static HMODULE module;

static void put_id(LPCSTR s)
{
    if (IS_INTRESOURCE(s))
        printf("#%u", (unsigned)(ULONG_PTR)s);
    else
        printf("%s", s);
}

static BOOL CALLBACK on_lang(HMODULE m, LPCSTR type, LPCSTR name, WORD lang, LONG_PTR p)
{
    (void)p;
    HRSRC r = FindResourceExA(m, type, name, lang);
    DWORD size = SizeofResource(m, r);
    const char *data = (const char *)LockResource(LoadResource(m, r));
    put_id(type);
    printf(" ");
    put_id(name);
    printf(" %04x %lu ", lang, (unsigned long)size);
    for (DWORD i = 0; data && i < size && data[i]; i++)
        putchar(data[i] >= 32 && data[i] < 127 ? data[i] : '.');
    printf("\n");
    return TRUE;
}

static BOOL CALLBACK on_name(HMODULE m, LPCSTR type, LPSTR name, LONG_PTR p)
{
    return EnumResourceLanguagesA(m, type, name, on_lang, p);
}

static BOOL CALLBACK on_type(HMODULE m, LPSTR type, LONG_PTR p)
{
    return EnumResourceNamesA(m, type, on_name, p);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        module = LoadLibraryExA(argv[i], NULL, LOAD_LIBRARY_AS_DATAFILE);
        if (!module) {
            printf("%s: LoadLibraryEx failed, error %lu\n", argv[i], GetLastError());
            continue;
        }
        printf("%s:\n", argv[i]);
        EnumResourceTypesA(module, on_type, 0);
        FreeLibrary(module);
    }
    return 0;
}
