/*
 * memoryapi.h - virtual memory and file mappings.
 *
 * Only the constants so far; the functions are declared as they are
 * implemented.
 */
#ifndef _MEMORYAPI_H_
#define _MEMORYAPI_H_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

/* dwDesiredAccess of MapViewOfFile / OpenFileMapping. */
#define FILE_MAP_WRITE SECTION_MAP_WRITE
#define FILE_MAP_READ SECTION_MAP_READ
#define FILE_MAP_ALL_ACCESS SECTION_ALL_ACCESS
#define FILE_MAP_EXECUTE SECTION_MAP_EXECUTE_EXPLICIT
#define FILE_MAP_COPY 0x00000001
#define FILE_MAP_RESERVE 0x80000000
#define FILE_MAP_TARGETS_INVALID 0x40000000
#define FILE_MAP_LARGE_PAGES 0x20000000

#ifdef __cplusplus
}
#endif

#endif /* _MEMORYAPI_H_ */
