/*
 * guiddef.h - GUID, as the Windows SDK lays it out (16 bytes; Data1 is a
 * 32-bit unsigned long on Windows, so DWORD here).  Only what winshim's
 * headers use: GUID, its pointer types, IsEqualGUID.
 */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    DWORD Data1;
    WORD Data2;
    WORD Data3;
    BYTE Data4[8];
} GUID;
#endif

#ifndef _GUIDDEF_H_
#define _GUIDDEF_H_

#include <string.h>

typedef GUID *LPGUID;
typedef const GUID *LPCGUID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define IsEqualGUID(a, b) (!memcmp(&(a), &(b), sizeof(GUID)))
#else
#define REFGUID const GUID *
#define IsEqualGUID(a, b) (!memcmp((a), (b), sizeof(GUID)))
#endif

#endif
