/*
 * What the loader (module.c, dllpath.c) offers the other process files:
 * DllMain's thread notifications for thread.c, and how a DLL name is read
 * and searched for (dllpath.c, used by module.c).
 */
#ifndef WINSHIM_PROC_MODULE_H
#define WINSHIM_PROC_MODULE_H

#include "core/base.h"

/* DLL_THREAD_ATTACH in a thread CreateThread made, before its start
 * routine; DLL_THREAD_DETACH in any thread winshim knows, as it ends,
 * before its TLS and FLS go (thread.c). */
void module_thread_attach(void);
void module_thread_detach(void);
/* Process exit: DLL_PROCESS_DETACH (lpReserved non-NULL) to every module
 * still attached, once. */
void module_process_exit(void);

/* A module name as the loader reads it: the files to try, in order, and
 * the directory the name gave (absolute Unix path; NULL for a bare
 * name).  The rules are at the top of dllpath.c. */
#define DLL_NAME_FILES 8
struct dll_name {
    char *files[DLL_NAME_FILES];
    int nfiles;
    char *dir;
    bool absolute; /* the name was an absolute Windows or Unix path */
    bool system;   /* kernel32.dll and the other names of libwinshim */
};
DWORD dllpath_parse(const char *utf8, struct dll_name *out);
/* The same for LOAD_LIBRARY_AS_DATAFILE: the file as named comes first. */
DWORD dllpath_parse_datafile(const char *utf8, struct dll_name *out);
void dllpath_free(struct dll_name *d);
/* Is path's last component one of d's files (ignoring ASCII case)? */
bool dllpath_matches(const struct dll_name *d, const char *path);
/* Flags that contradict each other or the name: ERROR_INVALID_PARAMETER
 * (checked first, as Windows does, before a loaded module is looked for). */
DWORD dllpath_check(const struct dll_name *d, DWORD flags);
/* Calls fn with each place d may be, in LoadLibraryEx's order for flags:
 * an absolute path of a file that exists, or a bare file name for the
 * system's search (dlopen's).  fn returns DLLPATH_NEXT to go on, anything
 * else to stop with it; ERROR_MOD_NOT_FOUND when every place was tried;
 * ERROR_INVALID_PARAMETER for flags that contradict the name. */
#define DLLPATH_NEXT ((DWORD)-1)
typedef DWORD dllpath_try_fn(const char *path, void *ctx);
DWORD dllpath_each(const struct dll_name *d, DWORD flags, dllpath_try_fn *fn, void *ctx);

/* A LOAD_LIBRARY_AS_DATAFILE (or _AS_IMAGE_RESOURCE) handle's mapping: the
 * file's bytes as on disk, valid until FreeLibrary (resource.c); false
 * for any other HMODULE. */
bool module_datafile(HMODULE h, const uint8_t **p, size_t *len);

/* BeginUpdateResource's kind (resource.c), for kinds.c. */
struct object_type;
extern const struct object_type updres_type;

#endif
