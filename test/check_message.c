/* FormatMessageA/W (lib/sys/message.c, lib/sys/message_table.c). */
#include "testutil.h"

#include <string.h>

#define FILL(buf) memset((buf), 0xcc, sizeof(buf))

static char out[1024];

/* FROM_STRING with a va_list of the remaining arguments. */
static DWORD fmt(DWORD flags, const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    FILL(out);
    DWORD r = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | flags, text, 0, 0, out, sizeof out, &ap);
    va_end(ap);
    return r;
}

static DWORD fmt_array(DWORD flags, const char *text, const DWORD_PTR *args)
{
    FILL(out);
    return FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY | flags, text,
                          0, 0, out, sizeof out, (va_list *)args);
}

static DWORD sys(DWORD id, DWORD flags)
{
    FILL(out);
    return FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS | flags, NULL,
                          id, 0, out, sizeof out, NULL);
}

START_TEST(test_system)
{
    ck_assert_uint_eq(sys(ERROR_FILE_NOT_FOUND, 0), 44);
    ck_assert_str_eq(out, "The system cannot find the file specified.\r\n");
    ck_assert_uint_eq(sys(ERROR_SUCCESS, 0), 39);
    ck_assert_str_eq(out, "The operation completed successfully.\r\n");
    ck_assert_uint_eq(sys(WSAECONNREFUSED, 0), 77);
    ck_assert_str_eq(out, "No connection could be made because the target machine actively "
                          "refused it.\r\n");
    ck_assert_uint_eq(sys(ERROR_ACCESS_DENIED, FORMAT_MESSAGE_MAX_WIDTH_MASK), 18);
    ck_assert_str_eq(out, "Access is denied. ");
    ck_assert_uint_eq(sys(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), 0), 19);
    ck_assert_str_eq(out, "Access is denied.\r\n");
    ck_assert_uint_gt(sys(ERROR_WRONG_DISK, 0), 0); /* two lines, inserts kept */
    ck_assert_str_eq(out, "The wrong diskette is in the drive.\r\n"
                          "Insert %2 (Volume Serial Number: %3) into drive %1.\r\n");
    DWORD_PTR args[] = {(DWORD_PTR)"prog.exe"};
    FILL(out);
    ck_assert_uint_gt(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                                     NULL, ERROR_BAD_EXE_FORMAT, 0, out, sizeof out,
                                     (va_list *)args), 0);
    ck_assert_str_eq(out, "prog.exe is not a valid Win32 application.\r\n");
    /* Languages: neutral, default and English ones. */
    static const DWORD langs[] = {0, LANG_USER_DEFAULT, LANG_SYSTEM_DEFAULT, 0x409, 0x809, 0x09};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++)
        ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED,
                                         langs[i], out, sizeof out, NULL), 19);
    /* FROM_HMODULE | FROM_SYSTEM falls back to the system. */
    ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_FROM_SYSTEM,
                                     NULL, ERROR_ACCESS_DENIED, 0, out, sizeof out, NULL), 19);
    WCHAR w[64];
    FILL(w);
    ck_assert_uint_eq(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED, 0, w,
                                     64, NULL), 19);
    ck_assert(memcmp(w, u"Access is denied.\r\n", 20 * sizeof(WCHAR)) == 0);
}
END_TEST

/* Every code the library sets has Microsoft's text. */
START_TEST(test_every_code)
{
    static const DWORD codes[] = {
        ERROR_ABANDONED_WAIT_0, ERROR_ACCESS_DENIED, ERROR_ALLOTTED_SPACE_EXCEEDED,
        ERROR_ALREADY_EXISTS, ERROR_ARITHMETIC_OVERFLOW, ERROR_BAD_ENVIRONMENT,
        ERROR_BAD_EXE_FORMAT, ERROR_BAD_FORMAT, ERROR_BAD_LENGTH, ERROR_BAD_NETPATH,
        ERROR_BAD_PATHNAME, ERROR_BAD_PIPE, ERROR_BAD_UNIT, ERROR_BROKEN_PIPE,
        ERROR_BUFFER_OVERFLOW, ERROR_BUSY, ERROR_CANT_RESOLVE_FILENAME, ERROR_CONNECTION_ABORTED,
        ERROR_CONNECTION_REFUSED, ERROR_DIRECTORY, ERROR_DIR_NOT_EMPTY, ERROR_DISK_FULL,
        ERROR_FILENAME_EXCED_RANGE, ERROR_FILE_EXISTS, ERROR_FILE_INVALID, ERROR_FILE_NOT_FOUND,
        ERROR_FILE_TOO_LARGE, ERROR_GEN_FAILURE, ERROR_HANDLE_EOF, ERROR_INSUFFICIENT_BUFFER,
        ERROR_INVALID_ACCESS, ERROR_INVALID_ACL, ERROR_INVALID_ADDRESS, ERROR_INVALID_FLAGS,
        ERROR_INVALID_FUNCTION, ERROR_INVALID_HANDLE, ERROR_INVALID_NAME,
        ERROR_INVALID_PARAMETER, ERROR_INVALID_SECURITY_DESCR, ERROR_INVALID_SID,
        ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, ERROR_LOCK_VIOLATION, ERROR_MAPPED_ALIGNMENT,
        ERROR_MOD_NOT_FOUND, ERROR_MORE_DATA, ERROR_MR_MID_NOT_FOUND, ERROR_NEGATIVE_SEEK,
        ERROR_NETNAME_DELETED, ERROR_NOACCESS, ERROR_NONE_MAPPED, ERROR_NOTIFY_ENUM_DIR,
        ERROR_NOT_ENOUGH_MEMORY, ERROR_NOT_ENOUGH_QUOTA, ERROR_NOT_FOUND, ERROR_NOT_LOCKED,
        ERROR_NOT_OWNER, ERROR_NOT_SAME_DEVICE, ERROR_NOT_SAME_OBJECT, ERROR_NOT_SUPPORTED,
        ERROR_NO_DATA, ERROR_NO_MORE_FILES, ERROR_NO_MORE_ITEMS, ERROR_NO_SYSTEM_RESOURCES,
        ERROR_NO_TOKEN, ERROR_NO_UNICODE_TRANSLATION, ERROR_OBJECT_NAME_EXISTS,
        ERROR_OPERATION_ABORTED, ERROR_PATH_NOT_FOUND, ERROR_PIPE_BUSY, ERROR_PIPE_CONNECTED,
        ERROR_PIPE_LISTENING, ERROR_PIPE_NOT_CONNECTED, ERROR_POSSIBLE_DEADLOCK,
        ERROR_PRIVILEGE_NOT_HELD, ERROR_REVISION_MISMATCH, ERROR_SEEK_ON_DEVICE,
        ERROR_SEM_TIMEOUT, ERROR_SHARING_BUFFER_EXCEEDED, ERROR_SHARING_VIOLATION,
        ERROR_SIGNAL_REFUSED, ERROR_SUCCESS, ERROR_TIMEOUT, ERROR_TOO_MANY_LINKS,
        ERROR_TOO_MANY_OPEN_FILES, ERROR_TOO_MANY_POSTS, ERROR_UNKNOWN_REVISION,
        ERROR_WAIT_NO_CHILDREN, ERROR_WRITE_FAULT, ERROR_WRITE_PROTECT, WAIT_TIMEOUT,
        ERROR_RESOURCE_DATA_NOT_FOUND, ERROR_RESOURCE_LANG_NOT_FOUND, ERROR_NO_WORK_DONE,
        WSAEACCES, WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAEAFNOSUPPORT, WSAEALREADY,
        WSAECONNABORTED, WSAECONNREFUSED, WSAECONNRESET, WSAEDESTADDRREQ, WSAEDQUOT,
        WSAEFAULT, WSAEHOSTDOWN, WSAEHOSTUNREACH, WSAEINTR, WSAEINVAL, WSAEISCONN, WSAELOOP,
        WSAEMFILE, WSAEMSGSIZE, WSAENAMETOOLONG, WSAENETDOWN, WSAENETRESET, WSAENETUNREACH,
        WSAENOBUFS, WSAENOPROTOOPT, WSAENOTCONN, WSAENOTEMPTY, WSAENOTSOCK, WSAEOPNOTSUPP,
        WSAEPFNOSUPPORT, WSAEPROTONOSUPPORT, WSAEPROTOTYPE, WSAEREMOTE, WSAESHUTDOWN,
        WSAESOCKTNOSUPPORT, WSAESTALE, WSAETIMEDOUT, WSAETOOMANYREFS, WSAEUSERS,
        WSAEWOULDBLOCK, WSAHOST_NOT_FOUND, WSANOTINITIALISED, WSANO_DATA, WSANO_RECOVERY,
        WSASYSCALLFAILURE, WSATRY_AGAIN, WSATYPE_NOT_FOUND, WSAVERNOTSUPPORTED,
    };
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        DWORD n = sys(codes[i], 0);
        ck_assert_msg(n > 2, "no text for %u", (unsigned)codes[i]);
        ck_assert_msg(out[n - 2] == '\r' && out[n - 1] == '\n', "%u: no CRLF", (unsigned)codes[i]);
    }
}
END_TEST

START_TEST(test_inserts)
{
    DWORD_PTR a[] = {(DWORD_PTR)"disk", 42, 0xbeef, (DWORD_PTR)"left", 'x'};
    ck_assert_uint_eq(fmt_array(0, "%1 has %2!d! (%3!08X!) [%4!-6s!] [%4!6s!] [%4!.2s!] %5!c!", a),
                      47);
    ck_assert_str_eq(out, "disk has 42 (0000BEEF) [left  ] [  left] [le] x");
    DWORD_PTR stars[] = {4, 2, (DWORD_PTR)"Bill", (DWORD_PTR)"Bob", 6, (DWORD_PTR)"Bill"};
    ck_assert_uint_eq(fmt_array(0, "%1!*.*s! %4 %5!*s!", stars), 15);
    ck_assert_str_eq(out, "  Bi Bob   Bill");
    ck_assert_uint_gt(fmt(0, "%2 then %1 then %2", "one", "two"), 0);
    ck_assert_str_eq(out, "two then one then two");
    ck_assert_uint_gt(fmt(0, "%1!ld! %1!hd! %1!lu! %1!+d! %1!#x! %1!o! %1!i!", -70000), 0);
    ck_assert_str_eq(out, "-70000 -4464 4294897296 -70000 0xfffeee90 37777567220 -70000");
    ck_assert_uint_gt(fmt(0, "%1!I64u! %2!I64x! %3!p!", (ULONGLONG)1 << 40, (ULONGLONG)-1,
                          (void *)0x1234), 0);
    ck_assert_str_eq(out, "1099511627776 ffffffffffffffff 0000000000001234");
    ck_assert_uint_gt(fmt(0, "[%1!s!] [%2!ls!] [%3!S!] [%4!C!]", NULL, u"w\u00e9", u"W", 0x263a), 0);
    ck_assert_str_eq(out, "[(null)] [w\xc3\xa9] [W] [\xe2\x98\xba]");
    ck_assert_uint_gt(fmt(0, "%1!f!", 1.5), 0); /* unsupported, as documented */
    ck_assert_str_eq(out, "f");
    /* %10 is insert ten; %100 is insert ten and a '0'. */
    DWORD_PTR ten[11] = {0};
    for (int i = 0; i < 10; i++)
        ten[i] = (DWORD_PTR)"x";
    ten[9] = (DWORD_PTR)"ten";
    ck_assert_uint_eq(fmt_array(0, "%10 %100", ten), 8);
    ck_assert_str_eq(out, "ten ten0");
    WCHAR w[32];
    DWORD_PTR wa[] = {(DWORD_PTR)u"wide", (DWORD_PTR)"narrow", 0x263a};
    FILL(w);
    ck_assert_uint_eq(FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                                     u"%1 %2!S! %3!c!", 0, 0, w, 32, (va_list *)wa), 13);
    ck_assert(memcmp(w, u"wide narrow \u263a", 14 * sizeof(WCHAR)) == 0);
}
END_TEST

START_TEST(test_escapes)
{
    ck_assert_uint_eq(fmt(0, "a%nb%tc%rd %% e%. f%! g% h%bi"), 22);
    ck_assert_str_eq(out, "a\r\nb\tc\rd % e. f! g hbi");
    ck_assert_uint_eq(fmt(0, "stop%0 not here"), 4);
    ck_assert_str_eq(out, "stop");
    ck_assert_uint_gt(fmt(FORMAT_MESSAGE_IGNORE_INSERTS, "%1 %2!d! %% %. %n%t%0x"), 0);
    ck_assert_str_eq(out, "%1 %2!d! %% %. \r\n\t");
    ck_assert_uint_gt(fmt(0, "line\r\nline\n"), 0);
    ck_assert_str_eq(out, "line\r\nline\n");
}
END_TEST

START_TEST(test_wrap)
{
    ck_assert_uint_gt(fmt(FORMAT_MESSAGE_MAX_WIDTH_MASK, "one\r\ntwo\nthree\rfour%nfive\r\n"), 0);
    ck_assert_str_eq(out, "one two three four\r\nfive ");
    ck_assert_uint_gt(fmt(10, "line one is long\r\nline two%nthree and four and five six"), 0);
    ck_assert_str_eq(out, "line one\r\nis long\r\nline two\r\nthree and\r\nfour and\r\nfive six");
    ck_assert_uint_gt(fmt(5, "abcdefghijklmnop qr"), 0);
    ck_assert_str_eq(out, "abcde\r\nfghij\r\nklmno\r\np qr");
    ck_assert_uint_gt(fmt(8, "aaa  bbb   ccc dddd"), 0);
    ck_assert_str_eq(out, "aaa\r\nbbb\r\nccc\r\ndddd");
    ck_assert_uint_gt(fmt(5, "abcde"), 0);
    ck_assert_str_eq(out, "abcde\r\n");
    ck_assert_uint_gt(fmt(5, "ab\r\ncd%n%nef "), 0);
    ck_assert_str_eq(out, "ab\r\ncd\r\n\r\nef ");
}
END_TEST

START_TEST(test_allocate)
{
    char *p = (char *)1;
    DWORD_PTR a[] = {(DWORD_PTR)"world"};
    ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                                         FORMAT_MESSAGE_ARGUMENT_ARRAY,
                                     "hello %1", 0, 0, (LPSTR)&p, 0, (va_list *)a), 11);
    ck_assert_str_eq(p, "hello world");
    ck_assert_ptr_null(LocalFree(p));
    WCHAR *w = NULL;
    ck_assert_uint_eq(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER,
                                     NULL, ERROR_ACCESS_DENIED, 0, (LPWSTR)&w, 100, NULL), 19);
    ck_assert_uint_eq(w[19], 0);
    w[99] = 'x'; /* at least nSize units */
    LocalFree(w);
    /* On failure the pointer is NULL. */
    p = (char *)1;
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
                                0x2badcafe, 0, (LPSTR)&p, 0, NULL),
                 ERROR_MR_MID_NOT_FOUND);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_errors)
{
    char b[8];
    FILL(b);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "abc", 0, 0, b, 3, NULL),
                 ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "abc", 0, 0, b, 0, NULL),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "abc", 0, 0, b, 4, NULL), 3);
    WCHAR w[4];
    ASSERT_FAILS(FormatMessageW(FORMAT_MESSAGE_FROM_STRING, u"abcd", 0, 0, w, 4, NULL),
                 ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "abc", 0, 0, NULL, 8, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER, "abc",
                                0, 0, NULL, 0, NULL),
                 ERROR_NOT_ENOUGH_MEMORY);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, NULL, 0, 0, b, 8, NULL),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(FormatMessageA(0, "abc", 0, 0, b, 8, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(sys(0x2badcafe, 0), ERROR_MR_MID_NOT_FOUND);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED,
                                MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN), b, 8, NULL),
                 ERROR_RESOURCE_LANG_NOT_FOUND);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED,
                                LANG_INVARIANT, b, 8, NULL),
                 ERROR_RESOURCE_LANG_NOT_FOUND);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE, NULL, ERROR_ACCESS_DENIED, 0, b, 8,
                                NULL),
                 ERROR_RESOURCE_DATA_NOT_FOUND);
    ASSERT_FAILS(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_BAD_EXE_FORMAT, 0, b, 8,
                                NULL),
                 ERROR_INVALID_PARAMETER); /* an insert and no arguments */
    ASSERT_FAILS(fmt(0, "50%"), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(fmt(0, "%1!d", 5), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(fmt(0, "%1!q!", 5), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(fmt(0, ""), ERROR_NO_WORK_DONE);
    ASSERT_FAILS(fmt(0, "%0abc"), ERROR_NO_WORK_DONE);
}
END_TEST

static Suite *message_suite(void)
{
    Suite *s = suite_create("message");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");

    tcase_add_test(basic, test_system);
    tcase_add_test(basic, test_every_code);
    tcase_add_test(basic, test_inserts);
    tcase_add_test(basic, test_escapes);
    tcase_add_test(basic, test_wrap);
    tcase_add_test(basic, test_allocate);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    return s;
}

TEST_MAIN(message_suite)
