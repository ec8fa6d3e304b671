/*
 * fileapi.h - files and directories.
 *
 * Functions are declared as they are implemented.
 */
#ifndef _APISETFILE_
#define _APISETFILE_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

/* dwCreationDisposition of CreateFile. */
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5

/* Failure returns of GetFileSize, SetFilePointer, GetFileAttributes. */
#define INVALID_FILE_SIZE ((DWORD)0xFFFFFFFF)
#define INVALID_SET_FILE_POINTER ((DWORD)-1)
#define INVALID_FILE_ATTRIBUTES ((DWORD)-1)

WINBASEAPI BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer,
                               DWORD nNumberOfBytesToRead,
                               LPDWORD lpNumberOfBytesRead,
                               LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
                                DWORD nNumberOfBytesToWrite,
                                LPDWORD lpNumberOfBytesWritten,
                                LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI FlushFileBuffers(HANDLE hFile);
WINBASEAPI DWORD WINAPI GetFileType(HANDLE hFile);

#ifdef __cplusplus
}
#endif

#endif /* _APISETFILE_ */
