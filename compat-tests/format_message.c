/*
 * FormatMessage as Windows programs use it: the text of system error codes
 * (the usual ErrorExit helper), messages with inserts from an argument array
 * and from a va_list, printf formats, escapes, line wrapping, an allocated
 * buffer, and the errors of each misuse.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

/* Shows CR, LF and tab so the transcript holds one message per line. */
static void Show(const char *label, DWORD len, const char *text)
{
    printf("%s (%u): [", label, (unsigned)len);
    for (const char *p = text; len && *p; p++) {
        if (*p == '\r')
            printf("\\r");
        else if (*p == '\n')
            printf("\\n");
        else if (*p == '\t')
            printf("\\t");
        else
            putchar(*p);
    }
    printf("]\n");
}

static void ShowFailure(const char *label, DWORD len, DWORD err)
{
    printf("%s: returns %u, error %u\n", label, (unsigned)len, (unsigned)err);
}

/* The ErrorExit idiom of Microsoft's samples, without the exit. */
static void PrintSystemMessage(DWORD dw)
{
    LPSTR lpMsgBuf = NULL;
    DWORD len = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                   FORMAT_MESSAGE_IGNORE_INSERTS,
                               NULL, dw, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                               (LPSTR)&lpMsgBuf, 0, NULL);
    char label[32];
    sprintf(label, "error %u", (unsigned)dw);
    if (len)
        Show(label, len, lpMsgBuf);
    else
        ShowFailure(label, len, GetLastError());
    LocalFree(lpMsgBuf);
}

/* A message with a va_list, as a program's own logging function does it. */
static DWORD FormatV(char *buf, DWORD size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    DWORD len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, fmt, 0, 0, buf, size, &args);
    va_end(args);
    return len;
}

int main(void)
{
    static const DWORD codes[] = {
        ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_ACCESS_DENIED,
        ERROR_INVALID_HANDLE, ERROR_NOT_ENOUGH_MEMORY, ERROR_SHARING_VIOLATION,
        ERROR_NOT_SUPPORTED, ERROR_INVALID_PARAMETER, ERROR_BROKEN_PIPE,
        ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_NAME, ERROR_ALREADY_EXISTS, ERROR_PIPE_BUSY,
        ERROR_MORE_DATA, WAIT_TIMEOUT, ERROR_DIRECTORY, ERROR_NOT_OWNER, ERROR_TOO_MANY_POSTS,
        ERROR_OPERATION_ABORTED, ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, ERROR_NOACCESS,
        ERROR_INVALID_FLAGS, ERROR_NO_UNICODE_TRANSLATION, ERROR_NOT_FOUND, ERROR_TIMEOUT,
        ERROR_PRIVILEGE_NOT_HELD, WSAEWOULDBLOCK, WSAECONNRESET, WSAECONNREFUSED,
        WSANOTINITIALISED, WSAHOST_NOT_FOUND,
    };
    char buf[512];
    DWORD len, err;

    printf("-- system messages --\n");
    for (unsigned i = 0; i < sizeof codes / sizeof *codes; i++)
        PrintSystemMessage(codes[i]);

    printf("\n-- system messages with inserts --\n");
    {
        DWORD_PTR args[] = {(DWORD_PTR)"C:\\tools\\prog.exe"};
        len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ARGUMENT_ARRAY, NULL,
                             ERROR_BAD_EXE_FORMAT, 0, buf, sizeof buf, (va_list *)args);
        Show("ERROR_BAD_EXE_FORMAT", len, buf);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             ERROR_BAD_EXE_FORMAT, 0, buf, sizeof buf, NULL);
        Show("  ignoring inserts", len, buf);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                                 FORMAT_MESSAGE_MAX_WIDTH_MASK,
                             NULL, ERROR_ACCESS_DENIED, 0, buf, sizeof buf, NULL);
        Show("ERROR_ACCESS_DENIED, MAX_WIDTH_MASK", len, buf);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), 0, buf, sizeof buf, NULL);
        Show("HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)", len, buf);
    }

    printf("\n-- inserts --\n");
    {
        DWORD_PTR args[] = {(DWORD_PTR)"disk", 42, 0xbeef, (DWORD_PTR)"left", 'x'};
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             "%1 has %2!d! errors (code %3!08X!), %2!u! again; [%4!-8s!] [%4!8s!] "
                             "[%4!.2s!] %5!c!",
                             0, 0, buf, sizeof buf, (va_list *)args);
        Show("array", len, buf);
        DWORD_PTR stars[] = {4, 2, (DWORD_PTR)"Bill", (DWORD_PTR)"Bob", 6, (DWORD_PTR)"Bill"};
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             "%1!*.*s! %4 %5!*s!", 0, 0, buf, sizeof buf, (va_list *)stars);
        Show("Microsoft's * example", len, buf);
        len = FormatV(buf, sizeof buf, "%2 then %1, %3!+d!, %3!x!, %4!#o!, %5!I64u!", "first",
                      "second", -70000, 8, (ULONGLONG)1 << 40);
        Show("va_list", len, buf);
        len = FormatV(buf, sizeof buf, "%1!ld! %1!hd! %1!lu! %1!i!", -70000);
        Show("sizes", len, buf);
        static const WCHAR wide[] = {'w', 'i', 'd', 'e', 0};
        len = FormatV(buf, sizeof buf, "%1!ls! and %2!hs!", wide, "narrow");
        Show("wide and narrow", len, buf);
    }

    printf("\n-- escapes --\n");
    len = FormatV(buf, sizeof buf, "a%nb%tc%rd %% e%. f%! g% h%bi");
    Show("escapes", len, buf);
    len = FormatV(buf, sizeof buf, "stops here%0 not here");
    Show("%0", len, buf);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS,
                         "keep %1 and %2!d! and %% then%nnext%0 gone", 0, 0, buf, sizeof buf,
                         NULL);
    Show("IGNORE_INSERTS", len, buf);

    printf("\n-- line width --\n");
    {
        const char *text = "The quick brown fox\r\njumps over the lazy dog.%nA new line.";
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS, text, 0,
                             0, buf, sizeof buf, NULL);
        Show("width 0", len, buf);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS |
                                 FORMAT_MESSAGE_MAX_WIDTH_MASK,
                             text, 0, 0, buf, sizeof buf, NULL);
        Show("MAX_WIDTH_MASK", len, buf);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS | 12,
                             text, 0, 0, buf, sizeof buf, NULL);
        Show("width 12", len, buf);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS | 5,
                             "abcdefghijkl mn", 0, 0, buf, sizeof buf, NULL);
        Show("width 5, no spaces", len, buf);
    }

    printf("\n-- buffers --\n");
    {
        LPSTR p = NULL;
        DWORD_PTR args[] = {(DWORD_PTR)"world"};
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                                 FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             "hello %1", 0, 0, (LPSTR)&p, 0, (va_list *)args);
        Show("ALLOCATE_BUFFER", len, p);
        printf("  LocalFree returns %s\n", LocalFree(p) == NULL ? "NULL" : "the block");
        LPWSTR w = NULL;
        static const WCHAR wide[] = {'w', 'i', 'd', 'e', ' ', '%', '1', 0};
        static const WCHAR arg[] = {0x263a, 0};
        DWORD_PTR wargs[] = {(DWORD_PTR)arg};
        len = FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                                 FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             wide, 0, 0, (LPWSTR)&w, 0, (va_list *)wargs);
        printf("FormatMessageW (%u):", (unsigned)len);
        for (DWORD i = 0; w && i < len; i++)
            printf(" %04x", (unsigned)w[i]);
        printf("\n");
        LocalFree(w);
        SetLastError(0xdeadbeef);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "abc", 0, 0, buf, 3, NULL);
        err = GetLastError();
        ShowFailure("3 characters into 3", len, err);
        len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "abc", 0, 0, buf, 4, NULL);
        Show("3 characters into 4", len, buf);
    }

    printf("\n-- errors --\n");
    SetLastError(0xdeadbeef);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                         0x2badcafe, 0, buf, sizeof buf, NULL);
    err = GetLastError();
    ShowFailure("an unknown message id", len, err);
    SetLastError(0xdeadbeef);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                         ERROR_FILE_NOT_FOUND, LANG_INVARIANT, buf, sizeof buf, NULL);
    err = GetLastError();
    ShowFailure("the invariant language", len, err);
    SetLastError(0xdeadbeef);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                         ERROR_FILE_NOT_FOUND, 0, buf, sizeof buf, NULL);
    err = GetLastError();
    ShowFailure("FROM_HMODULE of a program without messages", len, err);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_FROM_SYSTEM |
                             FORMAT_MESSAGE_IGNORE_INSERTS,
                         NULL, ERROR_FILE_NOT_FOUND, 0, buf, sizeof buf, NULL);
    Show("FROM_HMODULE | FROM_SYSTEM", len, buf);
    SetLastError(0xdeadbeef);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_BAD_EXE_FORMAT, 0, buf,
                         sizeof buf, NULL);
    err = GetLastError();
    ShowFailure("an insert without arguments", len, err);
    SetLastError(0xdeadbeef);
    len = FormatMessageA(0, "abc", 0, 0, buf, sizeof buf, NULL);
    err = GetLastError();
    ShowFailure("no source flag", len, err);
    SetLastError(0xdeadbeef);
    len = FormatV(buf, sizeof buf, "ends with %");
    err = GetLastError();
    ShowFailure("a lone %% at the end", len, err);
    SetLastError(0xdeadbeef);
    len = FormatV(buf, sizeof buf, "%1!d", 5);
    err = GetLastError();
    ShowFailure("an unterminated format", len, err);
    SetLastError(0xdeadbeef);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "", 0, 0, buf, sizeof buf, NULL);
    err = GetLastError();
    ShowFailure("an empty message", len, err);
    return 0;
}
