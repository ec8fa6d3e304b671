/*
 * process.h - the C runtime's thread entry points, as the Microsoft C
 * runtime declares them.  Only these: the rest of the CRT's process.h
 * (spawn*, exec*, _getpid, system) is the C runtime, which winshim leaves
 * to the C library (README.md).
 */
#ifndef _INC_PROCESS
#define _INC_PROCESS

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif

typedef void(__cdecl *_beginthread_proc_type)(void *);
typedef unsigned(__stdcall *_beginthreadex_proc_type)(void *);

__attribute__((visibility("default"))) uintptr_t __cdecl _beginthread(
    _beginthread_proc_type _StartAddress, unsigned _StackSize, void *_ArgList);
__attribute__((visibility("default"))) __attribute__((noreturn)) void __cdecl _endthread(void);
__attribute__((visibility("default"))) uintptr_t __cdecl _beginthreadex(
    void *_Security, unsigned _StackSize, _beginthreadex_proc_type _StartAddress,
    void *_ArgList, unsigned _InitFlag, unsigned *_ThrdAddr);
__attribute__((visibility("default"))) __attribute__((noreturn)) void __cdecl _endthreadex(
    unsigned _ReturnCode);

#ifdef __cplusplus
}
#endif

#endif /* _INC_PROCESS */
