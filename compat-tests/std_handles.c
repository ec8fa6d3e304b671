/*
 * Standard handles: GetStdHandle gives the same handle each time, WriteFile
 * on it mixes with the C library's output when stdout is flushed first,
 * SetStdHandle redirects a slot, and output buffered by the C library still
 * appears after the program returns.  The harness sends stdout to a file.
 */
#include <windows.h>
#include <stdio.h>
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

int main(void)
{
    HANDLE out, again, err, bad;
    DWORD n = 0, type;
    BOOL ok;
    const char *text = "written with WriteFile\n";
    char buf[4];

    out = GetStdHandle(STD_OUTPUT_HANDLE);
    printf("GetStdHandle(STD_OUTPUT_HANDLE): %s\n",
           out != NULL && out != INVALID_HANDLE_VALUE ? "a handle" : "none");
    again = GetStdHandle(STD_OUTPUT_HANDLE);
    printf("the same handle again: %s\n", again == out ? "yes" : "no");
    type = GetFileType(out);
    printf("GetFileType of redirected output: %s\n",
           type == FILE_TYPE_DISK ? "FILE_TYPE_DISK" : "something else");

    fflush(stdout);
    ok = WriteFile(out, text, (DWORD)strlen(text), &n, NULL);
    printf("WriteFile: %s, %u bytes\n", ok ? "TRUE" : "FALSE", (unsigned)n);

    SetLastError(0xdeadbeef);
    ok = ReadFile(out, buf, 1, &n, NULL);
    printf("ReadFile from the output: %s, last error %s\n", ok ? "TRUE" : "FALSE", LastError());

    SetLastError(0xdeadbeef);
    bad = GetStdHandle((DWORD)-13);
    printf("GetStdHandle(-13): %s, last error %s\n",
           bad == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "a handle", LastError());

    /* Send the error slot to the output. */
    ok = SetStdHandle(STD_ERROR_HANDLE, out);
    printf("SetStdHandle(STD_ERROR_HANDLE, output): %s\n", ok ? "TRUE" : "FALSE");
    err = GetStdHandle(STD_ERROR_HANDLE);
    printf("the error slot holds the output handle: %s\n", err == out ? "yes" : "no");
    fflush(stdout);
    text = "written to the error slot\n";
    WriteFile(err, text, (DWORD)strlen(text), &n, NULL);

    printf("last line, flushed when the program exits\n");
    return 0;
}
