/*
 * File and directory operations: creation dispositions and their last
 * errors, reading and writing with the file pointer, attributes, moving,
 * listing a directory with FindFirstFile, share modes, and deletion.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *LastError(void)
{
    static char buf[16];
    DWORD err = GetLastError();
    if (err == 0xdeadbeef)
        return "unchanged";
    sprintf(buf, "%u", (unsigned)err);
    return buf;
}

static void Open(const char *what, const char *path, DWORD access, DWORD share, DWORD disp,
                 HANDLE *ph)
{
    SetLastError(0xdeadbeef);
    *ph = CreateFileA(path, access, share, NULL, disp, FILE_ATTRIBUTE_NORMAL, NULL);
    printf("%s: %s, last error %s\n", what,
           *ph == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "handle", LastError());
}

static int CompareNames(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int main(void)
{
    HANDLE h, h2, hFind;
    WIN32_FIND_DATAA fd;
    char names[16][MAX_PATH], buf[64];
    DWORD dw, attrs;
    BOOL ok;
    int n = 0, i;

    ok = CreateDirectoryA("compat_dir", NULL);
    printf("CreateDirectory: %s\n", ok ? "TRUE" : "FALSE");
    SetLastError(0xdeadbeef);
    ok = CreateDirectoryA("compat_dir", NULL);
    printf("CreateDirectory again: %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());
    SetLastError(0xdeadbeef);
    ok = CreateDirectoryA("no_such_dir\\sub", NULL);
    printf("CreateDirectory in a missing directory: %s, last error %s\n", ok ? "TRUE" : "FALSE",
           LastError());

    Open("CREATE_NEW", "compat_dir\\a.txt", GENERIC_WRITE, 0, CREATE_NEW, &h);
    WriteFile(h, "hello, world", 12, &dw, NULL);
    printf("  wrote %u bytes\n", (unsigned)dw);
    CloseHandle(h);
    Open("CREATE_NEW on an existing file", "compat_dir\\a.txt", GENERIC_WRITE, 0, CREATE_NEW, &h);
    Open("OPEN_ALWAYS on an existing file", "compat_dir\\a.txt", GENERIC_READ, 0, OPEN_ALWAYS, &h);
    CloseHandle(h);
    Open("OPEN_EXISTING on a missing file", "compat_dir\\missing.txt", GENERIC_READ, 0,
         OPEN_EXISTING, &h);
    Open("OPEN_EXISTING in a missing directory", "no_such_dir\\a.txt", GENERIC_READ, 0,
         OPEN_EXISTING, &h);
    Open("CREATE_ALWAYS on a new file", "compat_dir\\b.txt", GENERIC_WRITE, 0, CREATE_ALWAYS, &h);
    CloseHandle(h);
    Open("CREATE_ALWAYS on an existing file", "compat_dir\\b.txt", GENERIC_WRITE, 0,
         CREATE_ALWAYS, &h);
    CloseHandle(h);

    /* The file pointer. */
    Open("OPEN_EXISTING for reading", "compat_dir\\a.txt", GENERIC_READ, FILE_SHARE_READ,
         OPEN_EXISTING, &h);
    printf("  GetFileSize: %u\n", (unsigned)GetFileSize(h, NULL));
    printf("  SetFilePointer(7, FILE_BEGIN): %u\n", (unsigned)SetFilePointer(h, 7, NULL, FILE_BEGIN));
    ReadFile(h, buf, 5, &dw, NULL);
    buf[dw] = '\0';
    printf("  read %u bytes: \"%s\"\n", (unsigned)dw, buf);
    ok = ReadFile(h, buf, sizeof(buf), &dw, NULL);
    printf("  read at the end: %s, %u bytes\n", ok ? "TRUE" : "FALSE", (unsigned)dw);
    SetLastError(0xdeadbeef);
    ok = WriteFile(h, "x", 1, &dw, NULL);
    printf("  WriteFile on a read-only handle: %s, last error %s\n", ok ? "TRUE" : "FALSE",
           LastError());

    /* Share modes: the open handle shares reading only. */
    Open("second open for reading (shared)", "compat_dir\\a.txt", GENERIC_READ,
         FILE_SHARE_READ, OPEN_EXISTING, &h2);
    CloseHandle(h2);
    Open("second open for writing (not shared)", "compat_dir\\a.txt", GENERIC_WRITE,
         FILE_SHARE_READ, OPEN_EXISTING, &h2);
    SetLastError(0xdeadbeef);
    ok = DeleteFileA("compat_dir\\a.txt");
    printf("DeleteFile while open without FILE_SHARE_DELETE: %s, last error %s\n",
           ok ? "TRUE" : "FALSE", LastError());
    CloseHandle(h);

    /* Attributes and renaming. */
    attrs = GetFileAttributesA("compat_dir");
    printf("GetFileAttributes(directory): FILE_ATTRIBUTE_DIRECTORY set: %s\n",
           attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY) ? "yes" : "no");
    SetLastError(0xdeadbeef);
    attrs = GetFileAttributesA("compat_dir\\missing.txt");
    printf("GetFileAttributes(missing): %s, last error %s\n",
           attrs == INVALID_FILE_ATTRIBUTES ? "INVALID_FILE_ATTRIBUTES" : "attributes",
           LastError());
    ok = MoveFileA("compat_dir\\a.txt", "compat_dir\\c.txt");
    printf("MoveFile a.txt -> c.txt: %s\n", ok ? "TRUE" : "FALSE");
    SetLastError(0xdeadbeef);
    ok = MoveFileA("compat_dir\\c.txt", "compat_dir\\b.txt");
    printf("MoveFile onto an existing file: %s, last error %s\n", ok ? "TRUE" : "FALSE",
           LastError());

    /* Listing (sorted here: the order of entries is up to the file system). */
    hFind = FindFirstFileA("compat_dir\\*", &fd);
    if (hFind != INVALID_HANDLE_VALUE) {
        do {
            if (n < 16)
                strcpy(names[n++], fd.cFileName);
        } while (FindNextFileA(hFind, &fd));
        printf("FindNextFile ended with last error %s\n", LastError());
        FindClose(hFind);
    }
    qsort(names, n, sizeof(names[0]), CompareNames);
    printf("compat_dir holds:");
    for (i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
    SetLastError(0xdeadbeef);
    hFind = FindFirstFileA("compat_dir\\*.none", &fd);
    printf("FindFirstFile with no match: %s, last error %s\n",
           hFind == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "handle", LastError());

    /* Cleaning up. */
    SetLastError(0xdeadbeef);
    ok = RemoveDirectoryA("compat_dir");
    printf("RemoveDirectory of a non-empty directory: %s, last error %s\n",
           ok ? "TRUE" : "FALSE", LastError());
    printf("DeleteFile b.txt: %s\n", DeleteFileA("compat_dir\\b.txt") ? "TRUE" : "FALSE");
    printf("DeleteFile c.txt: %s\n", DeleteFileA("compat_dir\\c.txt") ? "TRUE" : "FALSE");
    SetLastError(0xdeadbeef);
    ok = DeleteFileA("compat_dir\\c.txt");
    printf("DeleteFile c.txt again: %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());
    printf("RemoveDirectory: %s\n", RemoveDirectoryA("compat_dir") ? "TRUE" : "FALSE");
    return 0;
}
