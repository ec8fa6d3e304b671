/*
 * stringapiset.h - the code-page conversions and the Unicode string
 * comparisons (lib/text/codepage.c, lib/text/locale.c).
 */
#ifndef _STRINGAPISET_
#define _STRINGAPISET_

#include <apisetcconv.h>
#include <minwindef.h>
#include <winnls.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCCH lpMultiByteStr,
                                          int cbMultiByte, LPWSTR lpWideCharStr,
                                          int cchWideChar);
WINBASEAPI int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWCH lpWideCharStr,
                                          int cchWideChar, LPSTR lpMultiByteStr,
                                          int cbMultiByte, LPCCH lpDefaultChar,
                                          LPBOOL lpUsedDefaultChar);
WINBASEAPI int WINAPI CompareStringW(LCID Locale, DWORD dwCmpFlags, PCNZWCH lpString1,
                                     int cchCount1, PCNZWCH lpString2, int cchCount2);
WINBASEAPI int WINAPI CompareStringEx(LPCWSTR lpLocaleName, DWORD dwCmpFlags,
                                      LPCWCH lpString1, int cchCount1, LPCWCH lpString2,
                                      int cchCount2, LPNLSVERSIONINFO lpVersionInformation,
                                      LPVOID lpReserved, LPARAM lParam);
WINBASEAPI int WINAPI CompareStringOrdinal(LPCWCH lpString1, int cchCount1, LPCWCH lpString2,
                                           int cchCount2, BOOL bIgnoreCase);

#ifdef __cplusplus
}
#endif

#endif /* _STRINGAPISET_ */
