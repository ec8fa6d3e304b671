/*
 * minwindef.h - the smallest set of Windows base types and macros.
 *
 * The plain integer types come first, then winnt.h is read (it needs them),
 * then the types built from HANDLE and the pointer-width integers.
 * See winnt.h for the type widths and for WCHAR.
 */
#ifndef _MINWINDEF_
#define _MINWINDEF_

#include <stddef.h>
#include <specstrings.h>

#ifndef NO_STRICT
#ifndef STRICT
#define STRICT 1
#endif
#endif

/* ------------------------------------------------------------------------
 * Calling conventions and decorations: all empty on Linux
 * ------------------------------------------------------------------------ */

#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __fastcall
#define __fastcall
#endif

#ifndef WINAPI
#define WINAPI
#endif
#ifndef WINAPIV
#define WINAPIV
#endif
#ifndef APIENTRY
#define APIENTRY WINAPI
#endif
#ifndef APIPRIVATE
#define APIPRIVATE
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef PASCAL
#define PASCAL
#endif

#ifndef CONST
#define CONST const
#endif
#ifndef FAR
#define FAR
#endif
#ifndef NEAR
#define NEAR
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

#ifndef NULL
#ifdef __cplusplus
#define NULL 0
#else
#define NULL ((void *)0)
#endif
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

#define MAX_PATH 260

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Plain integer types (32-bit DWORD/ULONG even though Linux long is 64)
 * ------------------------------------------------------------------------ */

typedef unsigned int ULONG, *PULONG;
typedef unsigned short USHORT, *PUSHORT;
typedef unsigned char UCHAR, *PUCHAR;
typedef char *PSZ;

typedef unsigned int DWORD, *PDWORD, *LPDWORD;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef float FLOAT, *PFLOAT;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int *LPLONG;
typedef void *LPVOID;
typedef const void *LPCVOID;

#ifdef __cplusplus
}
#endif

#include <winnt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Types that need winnt.h
 * ------------------------------------------------------------------------ */

typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;

typedef HANDLE NEAR *SPHANDLE;
typedef HANDLE FAR *LPHANDLE;
typedef HANDLE HGLOBAL;
typedef HANDLE HLOCAL;
typedef HANDLE GLOBALHANDLE;
typedef HANDLE LOCALHANDLE;
typedef WORD ATOM;

typedef int HFILE;
#define HFILE_ERROR ((HFILE)-1)

/* Unprototyped on purpose: a FARPROC is cast to the real signature before
 * the call.  Keep -Wstrict-prototypes quiet about that in C. */
#ifndef __cplusplus
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#endif
typedef INT_PTR (FAR WINAPI *FARPROC)();
typedef INT_PTR (NEAR WINAPI *NEARPROC)();
typedef INT_PTR (WINAPI *PROC)();
#ifndef __cplusplus
#pragma GCC diagnostic pop
#endif

DECLARE_HANDLE(HKEY);
typedef HKEY *PHKEY;
DECLARE_HANDLE(HINSTANCE);
typedef HINSTANCE HMODULE;
DECLARE_HANDLE(HRSRC);
DECLARE_HANDLE(HKL);

/* A count of 100-nanosecond intervals since 1601-01-01 UTC, in two
 * halves so that the structure is only 4-byte aligned. */
#ifndef _FILETIME_
#define _FILETIME_
typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;
#endif

/* ------------------------------------------------------------------------
 * Small macros
 * ------------------------------------------------------------------------ */

/* C only: in C++ these would break std::min, std::max and <algorithm>. */
#if !defined(NOMINMAX) && !defined(__cplusplus)
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#endif

#define MAKEWORD(lo, hi) \
    ((WORD)(((BYTE)((DWORD_PTR)(lo) & 0xff)) | ((WORD)((BYTE)((DWORD_PTR)(hi) & 0xff))) << 8))
#define MAKELONG(lo, hi) \
    ((LONG)(((WORD)((DWORD_PTR)(lo) & 0xffff)) | ((DWORD)((WORD)((DWORD_PTR)(hi) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)(((DWORD_PTR)(w) >> 8) & 0xff))

#ifdef __cplusplus
}
#endif

#endif /* _MINWINDEF_ */
