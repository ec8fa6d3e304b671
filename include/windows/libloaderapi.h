/*
 * libloaderapi.h - modules.
 *
 * Declared as implemented: GetModuleFileNameA/W of the program itself.
 */
#ifndef _APISETLIBLOADER_
#define _APISETLIBLOADER_

#include <apisetcconv.h>
#include <minwindef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
WINBASEAPI DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize);

#ifdef UNICODE
#define GetModuleFileName GetModuleFileNameW
#else
#define GetModuleFileName GetModuleFileNameA
#endif

#ifdef __cplusplus
}
#endif

#endif /* _APISETLIBLOADER_ */
