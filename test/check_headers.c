/*
 * check_headers.c - the public headers against the Windows SDK.
 *
 * Programs ported to winshim exchange structures and constants with code
 * written for Windows x64, so every width, field offset and constant here
 * must be the SDK's.  The expected numbers are literals taken from the SDK,
 * never expressions built from our own macros.
 */
#include "testutil.h"

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * types: widths and signedness of the basic types (LLP64)
 * ------------------------------------------------------------------------ */

START_TEST(test_integer_widths)
{
    ck_assert_int_eq(sizeof(BYTE), 1);
    ck_assert_int_eq(sizeof(CHAR), 1);
    ck_assert_int_eq(sizeof(UCHAR), 1);
    ck_assert_int_eq(sizeof(BOOLEAN), 1);
    ck_assert_int_eq(sizeof(WORD), 2);
    ck_assert_int_eq(sizeof(SHORT), 2);
    ck_assert_int_eq(sizeof(USHORT), 2);
    ck_assert_int_eq(sizeof(WCHAR), 2);
    ck_assert_int_eq(sizeof(DWORD), 4);
    ck_assert_int_eq(sizeof(LONG), 4);
    ck_assert_int_eq(sizeof(ULONG), 4);
    ck_assert_int_eq(sizeof(INT), 4);
    ck_assert_int_eq(sizeof(UINT), 4);
    ck_assert_int_eq(sizeof(BOOL), 4);
    ck_assert_int_eq(sizeof(FLOAT), 4);
    ck_assert_int_eq(sizeof(HRESULT), 4);
    ck_assert_int_eq(sizeof(ACCESS_MASK), 4);
    ck_assert_int_eq(sizeof(LONGLONG), 8);
    ck_assert_int_eq(sizeof(ULONGLONG), 8);
    ck_assert_int_eq(sizeof(DWORDLONG), 8);
    ck_assert_int_eq(sizeof(INT64), 8);
    ck_assert_int_eq(sizeof(UINT64), 8);
    ck_assert_int_eq(sizeof(DWORD64), 8);
    ck_assert_int_eq(sizeof(LONG64), 8);
    ck_assert_int_eq(sizeof(INT32), 4);
    ck_assert_int_eq(sizeof(DWORD32), 4);
}
END_TEST

START_TEST(test_pointer_widths)
{
    ck_assert_int_eq(sizeof(HANDLE), 8);
    ck_assert_int_eq(sizeof(PVOID), 8);
    ck_assert_int_eq(sizeof(LPVOID), 8);
    ck_assert_int_eq(sizeof(HMODULE), 8);
    ck_assert_int_eq(sizeof(HINSTANCE), 8);
    ck_assert_int_eq(sizeof(ULONG_PTR), 8);
    ck_assert_int_eq(sizeof(LONG_PTR), 8);
    ck_assert_int_eq(sizeof(UINT_PTR), 8);
    ck_assert_int_eq(sizeof(INT_PTR), 8);
    ck_assert_int_eq(sizeof(DWORD_PTR), 8);
    ck_assert_int_eq(sizeof(SIZE_T), 8);
    ck_assert_int_eq(sizeof(SSIZE_T), 8);
    ck_assert_int_eq(sizeof(WPARAM), 8);
    ck_assert_int_eq(sizeof(LPARAM), 8);
    ck_assert_int_eq(sizeof(LPTHREAD_START_ROUTINE), 8);
}
END_TEST

START_TEST(test_signedness)
{
    /* A type is signed when -1 converted to it compares below zero. */
    ck_assert((LONG)-1 < 0);
    ck_assert((INT)-1 < 0);
    ck_assert((SHORT)-1 < 0);
    ck_assert((HRESULT)-1 < 0);
    ck_assert((LONGLONG)-1 < 0);
    ck_assert((LONG_PTR)-1 < 0);
    ck_assert((SSIZE_T)-1 < 0);
    ck_assert((DWORD)-1 > 0);
    ck_assert((ULONG)-1 > 0);
    ck_assert((UINT)-1 > 0);
    ck_assert((WORD)-1 > 0);
    ck_assert((BYTE)-1 > 0);
    ck_assert((WCHAR)-1 > 0);
    ck_assert((ULONGLONG)-1 > 0);
    ck_assert((ULONG_PTR)-1 > 0);
    ck_assert((SIZE_T)-1 > 0);
    ck_assert_int_eq((WCHAR)-1, 0xFFFF);
    ck_assert_int_eq((DWORD)-1, 0xFFFFFFFF);
}
END_TEST

START_TEST(test_text_macros)
{
    /* Without UNICODE, TEXT() is a plain char literal. */
    ck_assert_int_eq(sizeof(TCHAR), 1);
    ck_assert_int_eq(sizeof(TEXT("abc")), 4);
    ck_assert_int_eq(TEXT("abc")[1], 'b');
}
END_TEST

/* ------------------------------------------------------------------------
 * layouts: size and offset of every field of the shared structures
 * ------------------------------------------------------------------------ */

START_TEST(test_overlapped)
{
    ck_assert_int_eq(sizeof(OVERLAPPED), 32);
    ck_assert_int_eq(offsetof(OVERLAPPED, Internal), 0);
    ck_assert_int_eq(offsetof(OVERLAPPED, InternalHigh), 8);
    ck_assert_int_eq(offsetof(OVERLAPPED, Offset), 16);
    ck_assert_int_eq(offsetof(OVERLAPPED, OffsetHigh), 20);
    ck_assert_int_eq(offsetof(OVERLAPPED, Pointer), 16);
    ck_assert_int_eq(offsetof(OVERLAPPED, hEvent), 24);

    ck_assert_int_eq(sizeof(OVERLAPPED_ENTRY), 32);
    ck_assert_int_eq(offsetof(OVERLAPPED_ENTRY, lpCompletionKey), 0);
    ck_assert_int_eq(offsetof(OVERLAPPED_ENTRY, lpOverlapped), 8);
    ck_assert_int_eq(offsetof(OVERLAPPED_ENTRY, Internal), 16);
    ck_assert_int_eq(offsetof(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred), 24);
}
END_TEST

START_TEST(test_security_attributes)
{
    ck_assert_int_eq(sizeof(SECURITY_ATTRIBUTES), 24);
    ck_assert_int_eq(offsetof(SECURITY_ATTRIBUTES, nLength), 0);
    ck_assert_int_eq(offsetof(SECURITY_ATTRIBUTES, lpSecurityDescriptor), 8);
    ck_assert_int_eq(offsetof(SECURITY_ATTRIBUTES, bInheritHandle), 16);
}
END_TEST

START_TEST(test_filetime_systemtime)
{
    ck_assert_int_eq(sizeof(FILETIME), 8);
    ck_assert_int_eq(offsetof(FILETIME, dwLowDateTime), 0);
    ck_assert_int_eq(offsetof(FILETIME, dwHighDateTime), 4);

    ck_assert_int_eq(sizeof(SYSTEMTIME), 16);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wYear), 0);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wMonth), 2);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wDayOfWeek), 4);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wDay), 6);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wHour), 8);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wMinute), 10);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wSecond), 12);
    ck_assert_int_eq(offsetof(SYSTEMTIME, wMilliseconds), 14);
}
END_TEST

START_TEST(test_generic_mapping)
{
    ck_assert_int_eq(sizeof(GENERIC_MAPPING), 16);
    ck_assert_int_eq(offsetof(GENERIC_MAPPING, GenericRead), 0);
    ck_assert_int_eq(offsetof(GENERIC_MAPPING, GenericWrite), 4);
    ck_assert_int_eq(offsetof(GENERIC_MAPPING, GenericExecute), 8);
    ck_assert_int_eq(offsetof(GENERIC_MAPPING, GenericAll), 12);
}
END_TEST

START_TEST(test_large_integer)
{
    LARGE_INTEGER li;
    ULARGE_INTEGER uli;

    ck_assert_int_eq(sizeof(LARGE_INTEGER), 8);
    ck_assert_int_eq(offsetof(LARGE_INTEGER, QuadPart), 0);
    ck_assert_int_eq(offsetof(LARGE_INTEGER, LowPart), 0);
    ck_assert_int_eq(offsetof(LARGE_INTEGER, HighPart), 4);
    ck_assert_int_eq(offsetof(LARGE_INTEGER, u.LowPart), 0);
    ck_assert_int_eq(offsetof(LARGE_INTEGER, u.HighPart), 4);
    ck_assert_int_eq(sizeof(ULARGE_INTEGER), 8);
    ck_assert_int_eq(offsetof(ULARGE_INTEGER, u.LowPart), 0);
    ck_assert_int_eq(offsetof(ULARGE_INTEGER, u.HighPart), 4);

    /* The halves alias the 64-bit value, low half first. */
    li.QuadPart = -2;
    ck_assert_int_eq(li.u.LowPart, 0xFFFFFFFE);
    ck_assert_int_eq(li.u.HighPart, -1);
    ck_assert_int_eq(li.LowPart, 0xFFFFFFFE);
    li.u.LowPart = 0x55667788;
    li.u.HighPart = 0x11223344;
    ck_assert(li.QuadPart == 0x1122334455667788LL);
    uli.QuadPart = 0xFFFFFFFF00000001ULL;
    ck_assert_int_eq(uli.u.LowPart, 1);
    ck_assert_int_eq(uli.HighPart, 0xFFFFFFFF);
}
END_TEST

/* ------------------------------------------------------------------------
 * constants: SDK values, written out as literals
 * ------------------------------------------------------------------------ */

START_TEST(test_access_rights)
{
    ck_assert_int_eq(DELETE, 0x00010000);
    ck_assert_int_eq(READ_CONTROL, 0x00020000);
    ck_assert_int_eq(WRITE_DAC, 0x00040000);
    ck_assert_int_eq(WRITE_OWNER, 0x00080000);
    ck_assert_int_eq(SYNCHRONIZE, 0x00100000);
    ck_assert_int_eq(STANDARD_RIGHTS_REQUIRED, 0x000F0000);
    ck_assert_int_eq(STANDARD_RIGHTS_ALL, 0x001F0000);
    ck_assert_int_eq(SPECIFIC_RIGHTS_ALL, 0x0000FFFF);
    ck_assert_int_eq(MAXIMUM_ALLOWED, 0x02000000);
    ck_assert_int_eq(GENERIC_READ, 0x80000000);
    ck_assert_int_eq(GENERIC_WRITE, 0x40000000);
    ck_assert_int_eq(GENERIC_EXECUTE, 0x20000000);
    ck_assert_int_eq(GENERIC_ALL, 0x10000000);
    ck_assert_int_eq(EVENT_MODIFY_STATE, 0x0002);
    ck_assert_int_eq(EVENT_ALL_ACCESS, 0x001F0003);
    ck_assert_int_eq(MUTEX_MODIFY_STATE, 0x0001);
    ck_assert_int_eq(MUTEX_ALL_ACCESS, 0x001F0001);
    ck_assert_int_eq(SEMAPHORE_ALL_ACCESS, 0x001F0003);
    ck_assert_int_eq(TIMER_ALL_ACCESS, 0x001F0003);
    ck_assert_int_eq(PROCESS_ALL_ACCESS, 0x001FFFFF);
    ck_assert_int_eq(THREAD_ALL_ACCESS, 0x001FFFFF);
    ck_assert_int_eq(PROCESS_DUP_HANDLE, 0x0040);
    ck_assert_int_eq(PROCESS_QUERY_LIMITED_INFORMATION, 0x1000);
    ck_assert_int_eq(FILE_ALL_ACCESS, 0x001F01FF);
    ck_assert_int_eq(FILE_GENERIC_READ, 0x00120089);
    ck_assert_int_eq(FILE_GENERIC_WRITE, 0x00120116);
    ck_assert_int_eq(FILE_GENERIC_EXECUTE, 0x001200A0);
    ck_assert_int_eq(SECTION_ALL_ACCESS, 0x000F001F);
    ck_assert_int_eq(FILE_MAP_ALL_ACCESS, 0x000F001F);
    ck_assert_int_eq(FILE_MAP_READ, 0x0004);
    ck_assert_int_eq(FILE_MAP_WRITE, 0x0002);
}
END_TEST

START_TEST(test_wait_constants)
{
    ck_assert_int_eq(INFINITE, 0xFFFFFFFF);
    ck_assert_int_eq(MAXIMUM_WAIT_OBJECTS, 64);
    ck_assert_int_eq(WAIT_OBJECT_0, 0);
    ck_assert_int_eq(WAIT_ABANDONED, 0x80);
    ck_assert_int_eq(WAIT_ABANDONED_0, 0x80);
    ck_assert_int_eq(WAIT_IO_COMPLETION, 0xC0);
    ck_assert_int_eq(WAIT_TIMEOUT, 258);
    ck_assert_int_eq(WAIT_FAILED, 0xFFFFFFFF);
    ck_assert_int_eq(STILL_ACTIVE, 259);
    ck_assert_int_eq(CREATE_EVENT_MANUAL_RESET, 1);
    ck_assert_int_eq(CREATE_EVENT_INITIAL_SET, 2);
    ck_assert_int_eq(CREATE_MUTEX_INITIAL_OWNER, 1);
    ck_assert_int_eq(CREATE_WAITABLE_TIMER_MANUAL_RESET, 1);
}
END_TEST

START_TEST(test_handle_and_thread_constants)
{
    ck_assert_int_eq((intptr_t)INVALID_HANDLE_VALUE, -1);
    ck_assert_int_eq(DUPLICATE_CLOSE_SOURCE, 1);
    ck_assert_int_eq(DUPLICATE_SAME_ACCESS, 2);
    ck_assert_int_eq(HANDLE_FLAG_INHERIT, 1);
    ck_assert_int_eq(HANDLE_FLAG_PROTECT_FROM_CLOSE, 2);
    ck_assert_int_eq(STD_INPUT_HANDLE, 0xFFFFFFF6);
    ck_assert_int_eq(STD_OUTPUT_HANDLE, 0xFFFFFFF5);
    ck_assert_int_eq(STD_ERROR_HANDLE, 0xFFFFFFF4);
    ck_assert_int_eq(CREATE_SUSPENDED, 0x4);
    ck_assert_int_eq(STACK_SIZE_PARAM_IS_A_RESERVATION, 0x10000);
    ck_assert_int_eq(THREAD_PRIORITY_LOWEST, -2);
    ck_assert_int_eq(THREAD_PRIORITY_BELOW_NORMAL, -1);
    ck_assert_int_eq(THREAD_PRIORITY_NORMAL, 0);
    ck_assert_int_eq(THREAD_PRIORITY_ABOVE_NORMAL, 1);
    ck_assert_int_eq(THREAD_PRIORITY_HIGHEST, 2);
    ck_assert_int_eq(THREAD_PRIORITY_TIME_CRITICAL, 15);
    ck_assert_int_eq(THREAD_PRIORITY_IDLE, -15);
    ck_assert_int_eq(THREAD_PRIORITY_ERROR_RETURN, 0x7FFFFFFF);
    ck_assert_int_eq(TLS_OUT_OF_INDEXES, 0xFFFFFFFF);
    ck_assert_int_eq(TLS_MINIMUM_AVAILABLE, 64);
    ck_assert_int_eq(MAX_PATH, 260);
}
END_TEST

START_TEST(test_file_and_memory_constants)
{
    ck_assert_int_eq(FILE_SHARE_READ, 1);
    ck_assert_int_eq(FILE_SHARE_WRITE, 2);
    ck_assert_int_eq(FILE_SHARE_DELETE, 4);
    ck_assert_int_eq(FILE_ATTRIBUTE_NORMAL, 0x80);
    ck_assert_int_eq(FILE_ATTRIBUTE_DIRECTORY, 0x10);
    ck_assert_int_eq(FILE_FLAG_OVERLAPPED, 0x40000000);
    ck_assert_int_eq(FILE_FLAG_DELETE_ON_CLOSE, 0x04000000);
    ck_assert_int_eq(CREATE_NEW, 1);
    ck_assert_int_eq(OPEN_EXISTING, 3);
    ck_assert_int_eq(TRUNCATE_EXISTING, 5);
    ck_assert_int_eq(INVALID_FILE_SIZE, 0xFFFFFFFF);
    ck_assert_int_eq(INVALID_SET_FILE_POINTER, 0xFFFFFFFF);
    ck_assert_int_eq(INVALID_FILE_ATTRIBUTES, 0xFFFFFFFF);
    ck_assert_int_eq(PAGE_READONLY, 0x02);
    ck_assert_int_eq(PAGE_READWRITE, 0x04);
    ck_assert_int_eq(PAGE_EXECUTE_READWRITE, 0x40);
    ck_assert_int_eq(MEM_COMMIT, 0x1000);
    ck_assert_int_eq(MEM_RESERVE, 0x2000);
    ck_assert_int_eq(MEM_RELEASE, 0x8000);
    ck_assert_int_eq(SEC_COMMIT, 0x08000000);
    ck_assert_int_eq(SEC_RESERVE, 0x04000000);
    ck_assert_int_eq(FORMAT_MESSAGE_FROM_SYSTEM, 0x1000);
    ck_assert_int_eq(FORMAT_MESSAGE_ALLOCATE_BUFFER, 0x100);
    ck_assert_int_eq(FORMAT_MESSAGE_IGNORE_INSERTS, 0x200);
}
END_TEST

START_TEST(test_error_codes)
{
    ck_assert_int_eq(ERROR_SUCCESS, 0);
    ck_assert_int_eq(NO_ERROR, 0);
    ck_assert_int_eq(ERROR_FILE_NOT_FOUND, 2);
    ck_assert_int_eq(ERROR_ACCESS_DENIED, 5);
    ck_assert_int_eq(ERROR_INVALID_HANDLE, 6);
    ck_assert_int_eq(ERROR_NOT_ENOUGH_MEMORY, 8);
    ck_assert_int_eq(ERROR_OUTOFMEMORY, 14);
    ck_assert_int_eq(ERROR_SHARING_VIOLATION, 32);
    ck_assert_int_eq(ERROR_HANDLE_EOF, 38);
    ck_assert_int_eq(ERROR_NOT_SUPPORTED, 50);
    ck_assert_int_eq(ERROR_INVALID_PARAMETER, 87);
    ck_assert_int_eq(ERROR_BROKEN_PIPE, 109);
    ck_assert_int_eq(ERROR_CALL_NOT_IMPLEMENTED, 120);
    ck_assert_int_eq(ERROR_INSUFFICIENT_BUFFER, 122);
    ck_assert_int_eq(ERROR_INVALID_NAME, 123);
    ck_assert_int_eq(ERROR_ALREADY_EXISTS, 183);
    ck_assert_int_eq(ERROR_FILENAME_EXCED_RANGE, 206);
    ck_assert_int_eq(ERROR_NO_DATA, 232);
    ck_assert_int_eq(ERROR_MORE_DATA, 234);
    ck_assert_int_eq(ERROR_NO_MORE_ITEMS, 259);
    ck_assert_int_eq(ERROR_NOT_OWNER, 288);
    ck_assert_int_eq(ERROR_TOO_MANY_POSTS, 298);
    ck_assert_int_eq(ERROR_PIPE_CONNECTED, 535);
    ck_assert_int_eq(ERROR_ABANDONED_WAIT_0, 735);
    ck_assert_int_eq(ERROR_OPERATION_ABORTED, 995);
    ck_assert_int_eq(ERROR_IO_INCOMPLETE, 996);
    ck_assert_int_eq(ERROR_IO_PENDING, 997);
    ck_assert_int_eq(ERROR_NOACCESS, 998);
    ck_assert_int_eq(ERROR_INVALID_FLAGS, 1004);
    ck_assert_int_eq(ERROR_NOT_FOUND, 1168);
    ck_assert_int_eq(ERROR_PRIVILEGE_NOT_HELD, 1314);
    ck_assert_int_eq(ERROR_NO_SYSTEM_RESOURCES, 1450);
    ck_assert_int_eq(ERROR_TIMEOUT, 1460);
    ck_assert_int_eq(ERROR_NOT_ENOUGH_QUOTA, 1816);
}
END_TEST

START_TEST(test_hresults)
{
    ck_assert_int_eq(S_OK, 0);
    ck_assert_int_eq(S_FALSE, 1);
    ck_assert_int_eq(E_FAIL, -2147467259);          /* 0x80004005 */
    ck_assert_int_eq(E_NOTIMPL, -2147467263);       /* 0x80004001 */
    ck_assert_int_eq(E_OUTOFMEMORY, -2147024882);   /* 0x8007000E */
    ck_assert_int_eq(E_INVALIDARG, -2147024809);    /* 0x80070057 */
    ck_assert_int_eq(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), -2147024891); /* 0x80070005 */
    ck_assert_int_eq(HRESULT_FROM_WIN32(ERROR_SUCCESS), 0);
    ck_assert_int_eq(HRESULT_FROM_WIN32(E_FAIL), -2147467259);
    ck_assert_int_eq(MAKE_HRESULT(1, 7, 5), -2147024891);
    ck_assert(SUCCEEDED(S_FALSE));
    ck_assert(FAILED(E_FAIL));
    ck_assert(!FAILED(S_OK));
}
END_TEST

/* ------------------------------------------------------------------------
 * user-mode primitives: critical sections, SRW locks, condition variables,
 * one-time initialisation, TLS/FLS (checked against mingw-w64's headers)
 * ------------------------------------------------------------------------ */

START_TEST(test_usersync_layouts)
{
    ck_assert_int_eq(sizeof(CRITICAL_SECTION), 40);
    ck_assert_int_eq(sizeof(RTL_CRITICAL_SECTION), 40);
    ck_assert_int_eq(offsetof(CRITICAL_SECTION, DebugInfo), 0);
    ck_assert_int_eq(offsetof(CRITICAL_SECTION, LockCount), 8);
    ck_assert_int_eq(offsetof(CRITICAL_SECTION, RecursionCount), 12);
    ck_assert_int_eq(offsetof(CRITICAL_SECTION, OwningThread), 16);
    ck_assert_int_eq(offsetof(CRITICAL_SECTION, LockSemaphore), 24);
    ck_assert_int_eq(offsetof(CRITICAL_SECTION, SpinCount), 32);
    ck_assert_int_eq(sizeof(((CRITICAL_SECTION *)0)->LockCount), 4);
    ck_assert_int_eq(sizeof(((CRITICAL_SECTION *)0)->SpinCount), 8);

    ck_assert_int_eq(sizeof(CRITICAL_SECTION_DEBUG), 48);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, Type), 0);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, CreatorBackTraceIndex), 2);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, CriticalSection), 8);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, ProcessLocksList), 16);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, EntryCount), 32);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, ContentionCount), 36);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, Flags), 40);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, CreatorBackTraceIndexHigh), 44);
    ck_assert_int_eq(offsetof(RTL_CRITICAL_SECTION_DEBUG, SpareWORD), 46);
    ck_assert_int_eq(sizeof(LIST_ENTRY), 16);
    ck_assert_int_eq(offsetof(LIST_ENTRY, Blink), 8);

    ck_assert_int_eq(sizeof(SRWLOCK), 8);
    ck_assert_int_eq(sizeof(CONDITION_VARIABLE), 8);
    ck_assert_int_eq(sizeof(INIT_ONCE), 8);
    ck_assert_int_eq(sizeof(RTL_RUN_ONCE), 8);
    ck_assert_int_eq(offsetof(SRWLOCK, Ptr), 0);
    ck_assert_int_eq(offsetof(CONDITION_VARIABLE, Ptr), 0);
    ck_assert_int_eq(offsetof(INIT_ONCE, Ptr), 0);

    SRWLOCK srw = SRWLOCK_INIT;
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    ck_assert_ptr_null(srw.Ptr);
    ck_assert_ptr_null(cv.Ptr);
    ck_assert_ptr_null(once.Ptr);
}
END_TEST

START_TEST(test_usersync_constants)
{
    ck_assert_int_eq(CRITICAL_SECTION_NO_DEBUG_INFO, 0x01000000);
    ck_assert_int_eq(RTL_CRITICAL_SECTION_FLAG_NO_DEBUG_INFO, 0x01000000);
    ck_assert_int_eq(RTL_CRITICAL_SECTION_FLAG_DYNAMIC_SPIN, 0x02000000);
    ck_assert_int_eq(RTL_CRITICAL_SECTION_FLAG_STATIC_INIT, 0x04000000);
    ck_assert_int_eq(RTL_CRITICAL_SECTION_FLAG_RESOURCE_TYPE, 0x08000000);
    ck_assert_int_eq(RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO, 0x10000000);
    ck_assert_uint_eq(RTL_CRITICAL_SECTION_ALL_FLAG_BITS, 0xFF000000);
    ck_assert_uint_eq(RTL_CRITICAL_SECTION_FLAG_RESERVED, 0xE0000000);
    ck_assert_int_eq(RTL_CRITICAL_SECTION_DEBUG_FLAG_STATIC_INIT, 1);
    ck_assert_int_eq(RTL_CRITSECT_TYPE, 0);
    ck_assert_int_eq(RTL_RESOURCE_TYPE, 1);
    ck_assert_int_eq(CONDITION_VARIABLE_LOCKMODE_SHARED, 1);
    ck_assert_int_eq(INIT_ONCE_CHECK_ONLY, 1);
    ck_assert_int_eq(INIT_ONCE_ASYNC, 2);
    ck_assert_int_eq(INIT_ONCE_INIT_FAILED, 4);
    ck_assert_int_eq(INIT_ONCE_CTX_RESERVED_BITS, 2);
    ck_assert_uint_eq(TLS_OUT_OF_INDEXES, 0xFFFFFFFF);
    ck_assert_uint_eq(FLS_OUT_OF_INDEXES, 0xFFFFFFFF);
    ck_assert_int_eq(TLS_MINIMUM_AVAILABLE, 64);
    /* mingw-w64's value (the runtime gives 4079 slots, as Windows 10). */
    ck_assert_int_eq(FLS_MAXIMUM_AVAILABLE, 128);
    ck_assert_int_eq(sizeof(INIT_ONCE_ASYNC), 4);
    ck_assert_int_eq(ERROR_TIMEOUT, 1460);
    ck_assert_int_eq(ERROR_NO_MORE_ITEMS, 259);
    ck_assert_int_eq(ERROR_GEN_FAILURE, 31);
    ck_assert_int_eq(ERROR_NOACCESS, 998);
}
END_TEST

static void add_usersync_tests(TCase *layouts, TCase *constants)
{
    tcase_add_test(layouts, test_usersync_layouts);
    tcase_add_test(constants, test_usersync_constants);
}

static Suite *headers_suite(void)
{
    Suite *s = suite_create("headers");
    TCase *types = tcase_create("types");
    TCase *layouts = tcase_create("layouts");
    TCase *constants = tcase_create("constants");

    tcase_add_test(types, test_integer_widths);
    tcase_add_test(types, test_pointer_widths);
    tcase_add_test(types, test_signedness);
    tcase_add_test(types, test_text_macros);
    suite_add_tcase(s, types);

    tcase_add_test(layouts, test_overlapped);
    tcase_add_test(layouts, test_security_attributes);
    tcase_add_test(layouts, test_filetime_systemtime);
    tcase_add_test(layouts, test_generic_mapping);
    tcase_add_test(layouts, test_large_integer);
    suite_add_tcase(s, layouts);

    tcase_add_test(constants, test_access_rights);
    tcase_add_test(constants, test_wait_constants);
    tcase_add_test(constants, test_handle_and_thread_constants);
    tcase_add_test(constants, test_file_and_memory_constants);
    tcase_add_test(constants, test_error_codes);
    tcase_add_test(constants, test_hresults);
    add_usersync_tests(layouts, constants);
    suite_add_tcase(s, constants);

    return s;
}

TEST_MAIN(headers_suite)
