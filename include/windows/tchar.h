/*
 * tchar.h - "generic text" names that select narrow or wide C library
 * functions at compile time.
 *
 * As with Microsoft's C runtime, the choice is made by _UNICODE (with a
 * leading underscore; windows.h's TCHAR follows UNICODE instead, so define
 * both or neither).
 *
 * Without _UNICODE every name maps to the char function of the C library,
 * and _tmain is main.
 *
 * With _UNICODE, _TCHAR is the 16-bit WCHAR of winnt.h and _T("x") is a
 * UTF-16 literal.  The string, stdio and ctype names are deliberately left
 * undefined: the C library's wide functions work on 4-byte wchar_t and
 * would misread UTF-16 text.  _tmain is left undefined too, because Linux
 * starts every program through main(int, char **).
 */
#ifndef _INC_TCHAR
#define _INC_TCHAR

#include <stddef.h>
#include <strings.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef _UNICODE

/* The same choice as winnt.h makes for WCHAR. */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t _TCHAR;
#define __T(x) L##x
#elif defined(__cplusplus) && __cplusplus >= 201103L
typedef char16_t _TCHAR;
#define __T(x) u##x
#else
typedef unsigned short _TCHAR;
#define __T(x) u##x
#endif
typedef _TCHAR _TSCHAR;
typedef _TCHAR _TUCHAR;
typedef _TCHAR _TXCHAR;
typedef int _TINT;

#else /* !_UNICODE */

typedef char _TCHAR;
typedef signed char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef char _TXCHAR;
typedef int _TINT;
#define __T(x) x

#define _tmain main
#define _TEOF EOF

/* <string.h> */
#define _tcslen strlen
#define _tcsnlen strnlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp strcasecmp
#define _tcsnicmp strncasecmp
#define _tcscoll strcoll
#define _tcsxfrm strxfrm
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcsspn strspn
#define _tcscspn strcspn
#define _tcspbrk strpbrk
#define _tcstok strtok
#define _tcsdup strdup
#define _tcserror strerror

/* <stdlib.h> */
#define _tcstol strtol
#define _tcstoul strtoul
#define _tcstoll strtoll
#define _tcstoull strtoull
#define _tcstoi64 strtoll
#define _tcstoui64 strtoull
#define _tcstod strtod
#define _tcstof strtof
#define _ttoi atoi
#define _ttol atol
#define _ttoll atoll
#define _ttoi64 atoll
#define _ttof atof
#define _tstoi atoi
#define _tstol atol
#define _tstof atof
#define _tgetenv getenv
#define _tsystem system

/* <stdio.h> */
#define _tprintf printf
#define _ftprintf fprintf
#define _stprintf sprintf
#define _sntprintf snprintf
#define _vtprintf vprintf
#define _vftprintf vfprintf
#define _vstprintf vsprintf
#define _vsntprintf vsnprintf
#define _tscanf scanf
#define _ftscanf fscanf
#define _stscanf sscanf
#define _fgetts fgets
#define _fputts fputs
#define _putts puts
#define _fgettc fgetc
#define _fputtc fputc
#define _gettc getc
#define _puttc putc
#define _gettchar getchar
#define _puttchar putchar
#define _ungettc ungetc
#define _tfopen fopen
#define _tfreopen freopen
#define _tremove remove
#define _trename rename
#define _ttmpnam tmpnam
#define _tperror perror

/* <ctype.h> */
#define _istalnum isalnum
#define _istalpha isalpha
#define _istdigit isdigit
#define _istxdigit isxdigit
#define _istspace isspace
#define _istupper isupper
#define _istlower islower
#define _istpunct ispunct
#define _istprint isprint
#define _istgraph isgraph
#define _istcntrl iscntrl
#define _totupper toupper
#define _totlower tolower

/* <time.h> */
#define _tcsftime strftime

#endif /* _UNICODE */

#define _T(x) __T(x)
#define _TEXT(x) __T(x)

#ifndef _TCHAR_DEFINED
#define _TCHAR_DEFINED
typedef _TCHAR TCHAR, *PTCHAR;
typedef _TUCHAR TBYTE, *PTBYTE;
#endif

#ifdef __cplusplus
}
#endif

#endif /* _INC_TCHAR */
