/*
 * header_compile.c - compiled (never run) by header_compile.sh in many
 * modes: C99 and C11 with -pedantic, C++11 and C++17, standard headers
 * before or after ours (STD_FIRST), UNICODE, NOMINMAX, _WIN32.  It uses the
 * mixed-case header names and the everyday windows.h conveniences the way
 * ported code does.
 */
#ifdef STD_FIRST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <wchar.h>
#include <pthread.h>
#include <math.h>
#endif

#include <WinSock2.h>
#include <WS2tcpip.h>
#include <Windows.h>
#include <MSWSock.h>
#include <WinBase.h>
#include <WinNT.h>
#include <WinDef.h>
#include <WinError.h>
#include <TCHAR.h>
#include <SynchAPI.h>
#include <ProcessThreadsAPI.h>
#include <HandleAPI.h>
#include <BaseTsd.h>
#include <Sddl.h>
#include <securitybaseapi.h>
#include <WinNls.h>
#include <StringApiSet.h>
#include <WinUser.h>
/* issue 15: headers windows.h does not include, and the SDK's packing
 * pair around a structure. */
#include <timezoneapi.h>
#include <debugapi.h>
#include <TlHelp32.h>
#include <process.h>
#include <wct.h>
typedef LONG NTSTATUS;
#include <ntstatus.h>
#include <pshpack1.h>
typedef struct { BYTE b; DWORD d; } PACKED1;
#include <poppack.h>
#include <pshpack2.h>
typedef struct { BYTE b; DWORD d; } PACKED2;
#include <poppack.h>
#include <pshpack4.h>
#include <pshpack8.h>
typedef struct { BYTE b; ULONGLONG q; } PACKED8;
#include <poppack.h>
typedef struct { BYTE b; ULONGLONG q; } PACKED4;
#include <poppack.h>
typedef struct { BYTE b; ULONGLONG q; } UNPACKED;

#ifndef STD_FIRST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <wchar.h>
#include <pthread.h>
#include <math.h>
#endif

#if defined(__cplusplus)
#include <algorithm>
#include <limits>
#endif

/* min and max: C only, unless NOMINMAX (in C++ they would break
 * std::min, std::max and numeric_limits<T>::max()). */
#if defined(NOMINMAX) || defined(__cplusplus)
#if defined(min) || defined(max)
#error "min/max defined despite NOMINMAX or C++"
#endif
#else
#if !defined(min) || !defined(max)
#error "min/max missing in C"
#endif
#endif

#ifdef _WIN32
#ifndef _WINDOWS_
#error "the SDK include guards must be there"
#endif
#endif

typedef struct { int a[7]; } SEVEN;

static DWORD WINAPI ThreadProc(LPVOID p) { return p ? 1u : 0u; }
static VOID CALLBACK Apc(ULONG_PTR p) { (void)p; }
static int __cdecl Compare(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}
static void __stdcall StdCall(void) {}
static int APIENTRY EntryLike(void) { return 0; }

int header_compile_uses(void);
int header_compile_uses(void)
{
    char buf[16];
    int ints[5] = { 5, 1, 4, 2, 3 };
    SEVEN seven;
    WORD w = MAKEWORD(0x34, 0x12);
    LONG l = MAKELONG(0x5678, 0x1234);
    LPTHREAD_START_ROUTINE start = ThreadProc;
    PAPCFUNC apc = Apc;
    TCHAR text[] = TEXT("text");
    _TCHAR ttext[] = _T("text");
    int sum = 0;

    ZeroMemory(buf, sizeof(buf));
    FillMemory(buf, 4, 'x');
    CopyMemory(buf + 4, buf, 4);
    MoveMemory(buf + 1, buf, 8);
    SecureZeroMemory(buf, sizeof(buf));
    qsort(ints, ARRAYSIZE(ints), sizeof(ints[0]), Compare);
    StdCall();
    sum += EntryLike();
    sum += (int)_countof(seven.a) + (int)ARRAYSIZE(ints) + LOWORD(l) + HIWORD(l) + LOBYTE(w) +
           HIBYTE(w) + (int)sizeof(text) + (int)sizeof(ttext);
#if !defined(NOMINMAX) && !defined(__cplusplus)
    sum += max(1, 2) + min(3, 4);
#endif
#if defined(__cplusplus)
    sum += std::max(1, 2) + std::min(3, 4) + (std::numeric_limits<int>::max() > 0);
#endif
    sum += (int)sqrt(16.0) + (int)strlen("abc") + (int)wcslen(L"ab");
    {
        /* Winsock: the Windows fd_set and select, in every mode. */
        fd_set set;
        struct timeval tv = { 0, 0 };
        struct sockaddr_in sin;
        struct addrinfo hints;
        u_long nonblocking = 1;
        SOCKET s = INVALID_SOCKET;
        ZeroMemory(&sin, sizeof(sin));
        ZeroMemory(&hints, sizeof(hints));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        FD_ZERO(&set);
        FD_SET(s, &set);
        FD_CLR(s, &set);
        sum += FD_ISSET(s, &set) + (int)set.fd_count + (s == INVALID_SOCKET);
        sum += (int)sizeof(hints) + (int)sizeof(WSADATA) + (int)sizeof(tv) +
               (int)sizeof(SOCKADDR_IN6) + (int)nonblocking;
        if (sum < 0) {
            sum += select(0, &set, NULL, NULL, &tv) + ioctlsocket(s, FIONBIO, &nonblocking) +
                   gethostname(buf, (int)sizeof(buf)) + closesocket(s);
        }
    }
    if (sum < 0) {
        /* Text: the generic names in both builds, and LANGID macros. */
        CPINFO cp;
        TCHAR upper[] = TEXT("abc");
        sum += MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a", -1, NULL, 0) +
               CompareString(LOCALE_USER_DEFAULT, NORM_IGNORECASE, text, -1, upper, -1) +
               lstrlen(text) + (int)GetCPInfo(CP_ACP, &cp) + (CharUpper(upper) == upper) +
               (int)FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                  NULL, ERROR_ACCESS_DENIED,
                                  MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), text, 4, NULL) +
               (int)LANGIDFROMLCID(GetThreadLocale());
    }
    {
        /* issue 15: packing, the status codes, the tool help and time
         * zone structures, the CRT thread entry, the pointer helpers. */
        typedef char packed1[sizeof(PACKED1) == 5 ? 1 : -1];
        typedef char packed2[sizeof(PACKED2) == 6 ? 1 : -1];
        typedef char packed4[sizeof(PACKED4) == 12 ? 1 : -1];
        typedef char packed8[sizeof(PACKED8) == 16 && sizeof(UNPACKED) == 16 ? 1 : -1];
        PROCESSENTRY32 pe;
        THREADENTRY32 te;
        TIME_ZONE_INFORMATION tzi;
        HANDLE h = UlongToHandle(0x40);
        NTSTATUS st = STATUS_ACCESS_VIOLATION;
        sum += (int)sizeof(packed1) + (int)sizeof(packed2) + (int)sizeof(packed4) +
               (int)sizeof(packed8);
        sum += (int)sizeof(pe) + (int)sizeof(te) + (int)sizeof(tzi) + (st < 0) +
               (int)HandleToUlong(h) + (int)PtrToUlong(h) + (WAIT_OBJECT_0 == STATUS_WAIT_0);
        if (sum < 0) {
            _beginthreadex(NULL, 0, NULL, NULL, 0, NULL);
            OutputDebugString(TEXT("x"));
            sum += (int)GetTimeZoneInformation(&tzi) + IsDebuggerPresent();
        }
    }
    (void)start;
    (void)apc;
    return sum + (INVALID_HANDLE_VALUE == GetCurrentProcess());
}
