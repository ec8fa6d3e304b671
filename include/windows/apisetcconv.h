/*
 * apisetcconv.h - the markers placed in front of every exported function.
 *
 * On Windows these select dllimport.  Here they give the function default
 * ELF visibility, so a library built with -fvisibility=hidden exports
 * exactly the functions declared with them, and nothing else.
 */
#ifndef _APISETCCONV_
#define _APISETCCONV_

#ifndef WINBASEAPI
#define WINBASEAPI __attribute__((visibility("default")))
#endif

#ifndef WINADVAPI
#define WINADVAPI __attribute__((visibility("default")))
#endif

#ifndef WINUSERAPI
#define WINUSERAPI __attribute__((visibility("default")))
#endif

#endif /* _APISETCCONV_ */
