/*
 * basetsd.h - fixed-width and pointer-width integer types.
 *
 * Windows x64 is LLP64: long stays 32 bits while pointers grow to 64.
 * Linux is LP64, where long is 64 bits, so nothing here is spelled with
 * "long" unless it must be 64 bits wide.
 *
 * The pointer-width types (*_PTR, SIZE_T, SSIZE_T) are built on intptr_t,
 * uintptr_t, so they are the very same C types as size_t, ssize_t and
 * uintptr_t on Linux: a SIZE_T * can be passed where a size_t * is wanted.
 * The explicit 64-bit types (INT64, DWORD64, ...) are long long, as
 * __int64 is on Windows, so "%lld" / "%llu" print them without warnings.
 */
#ifndef _BASETSD_H_
#define _BASETSD_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exact widths. */
typedef signed char INT8, *PINT8;
typedef unsigned char UINT8, *PUINT8;
typedef short INT16, *PINT16;
typedef unsigned short UINT16, *PUINT16;
typedef int INT32, *PINT32;
typedef unsigned int UINT32, *PUINT32;
__extension__ typedef long long INT64, *PINT64;
__extension__ typedef unsigned long long UINT64, *PUINT64;

typedef int LONG32, *PLONG32;
typedef unsigned int ULONG32, *PULONG32;
typedef unsigned int DWORD32, *PDWORD32;
__extension__ typedef long long LONG64, *PLONG64;
__extension__ typedef unsigned long long ULONG64, *PULONG64;
__extension__ typedef unsigned long long DWORD64, *PDWORD64;

/* As wide as a pointer. */
typedef intptr_t INT_PTR, *PINT_PTR;
typedef uintptr_t UINT_PTR, *PUINT_PTR;
typedef intptr_t LONG_PTR, *PLONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef ULONG_PTR DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;

/* Half a pointer. */
#if UINTPTR_MAX > 0xffffffffu
typedef int HALF_PTR, *PHALF_PTR;
typedef unsigned int UHALF_PTR, *PUHALF_PTR;
#else
typedef short HALF_PTR, *PHALF_PTR;
typedef unsigned short UHALF_PTR, *PUHALF_PTR;
#endif

#define MAXUINT_PTR (~((UINT_PTR)0))
#define MAXINT_PTR ((INT_PTR)(MAXUINT_PTR >> 1))
#define MININT_PTR (~MAXINT_PTR)
#define MAXULONG_PTR (~((ULONG_PTR)0))
#define MAXLONG_PTR ((LONG_PTR)(MAXULONG_PTR >> 1))
#define MINLONG_PTR (~MAXLONG_PTR)
#define MAXSIZE_T ((SIZE_T)~((SIZE_T)0))
#define MAXSSIZE_T ((SSIZE_T)(MAXSIZE_T >> 1))
#define MINSSIZE_T ((SSIZE_T)~MAXSSIZE_T)

#define MAXUINT8 ((UINT8)~((UINT8)0))
#define MAXINT8 ((INT8)(MAXUINT8 >> 1))
#define MININT8 ((INT8)~MAXINT8)
#define MAXUINT16 ((UINT16)~((UINT16)0))
#define MAXINT16 ((INT16)(MAXUINT16 >> 1))
#define MININT16 ((INT16)~MAXINT16)
#define MAXUINT32 ((UINT32)~((UINT32)0))
#define MAXINT32 ((INT32)(MAXUINT32 >> 1))
#define MININT32 ((INT32)~MAXINT32)
#define MAXUINT64 ((UINT64)~((UINT64)0))
#define MAXINT64 ((INT64)(MAXUINT64 >> 1))
#define MININT64 ((INT64)~MAXINT64)
#define MAXULONG32 ((ULONG32)~((ULONG32)0))
#define MAXLONG32 ((LONG32)(MAXULONG32 >> 1))
#define MINLONG32 ((LONG32)~MAXLONG32)
#define MAXULONG64 ((ULONG64)~((ULONG64)0))
#define MAXLONG64 ((LONG64)(MAXULONG64 >> 1))
#define MINLONG64 ((LONG64)~MAXLONG64)
#define MAXDWORD32 ((DWORD32)~((DWORD32)0))
#define MAXDWORD64 ((DWORD64)~((DWORD64)0))

/* Pointer <-> integer conversions used by 64-bit-clean Windows code. */
#define HandleToULong(h) ((ULONG)(ULONG_PTR)(h))
#define HandleToLong(h) ((LONG)(LONG_PTR)(h))
#define ULongToHandle(ul) ((HANDLE)(ULONG_PTR)(ul))
#define LongToHandle(l) ((HANDLE)(LONG_PTR)(l))
#define PtrToUlong(p) ((ULONG)(ULONG_PTR)(p))
#define PtrToLong(p) ((LONG)(LONG_PTR)(p))
#define PtrToUint(p) ((UINT)(UINT_PTR)(p))
#define PtrToInt(p) ((INT)(INT_PTR)(p))
#define UlongToPtr(ul) ((PVOID)(ULONG_PTR)(ul))
#define LongToPtr(l) ((PVOID)(LONG_PTR)(l))
#define UintToPtr(u) ((PVOID)(UINT_PTR)(u))
#define IntToPtr(i) ((PVOID)(INT_PTR)(i))
/* issue 15: the rest of the SDK's set, and its alternative spellings. */
#define ULongToPtr(ul) ((PVOID)(ULONG_PTR)(ul))
#define UIntToPtr(ui) ((PVOID)(UINT_PTR)(ui))
#define PtrToUshort(p) ((unsigned short)(ULONG_PTR)(p))
#define PtrToShort(p) ((short)(LONG_PTR)(p))
#define HandleToUlong(h) HandleToULong(h)
#define UlongToHandle(ul) ULongToHandle(ul)

#ifdef __cplusplus
}
#endif

#endif /* _BASETSD_H_ */
