/*
 * What core needs from the layers above it.  Core never includes a kind's
 * header and never calls a kind's function by name: whatever it needs of
 * one comes through the kind's type descriptor (core/object.h: signaled,
 * acquire, signal, abandon, ...) or through this table, which the one
 * registry file, lib/kinds.c, fills in.  Every field is set there; none
 * is optional.  None of these is on a path that does not already block,
 * attach or make a system call, so the indirect call costs nothing
 * measurable.
 */
#ifndef WINSHIM_CORE_HOOKS_H
#define WINSHIM_CORE_HOOKS_H

#include <sys/types.h>

#include "core/base.h"

struct object;
struct object_type;
struct ws_thread;

struct core_hooks {
    /* Threads (proc/thread.c): the calling thread's first call makes its
     * record and thread object; a forked child drops its parent's. */
    struct ws_thread *(*thread_attach)(void);
    void (*thread_atfork_reset)(void);
    /* The live record of a thread object of this process, NULL once the
     * thread ended; the caller holds the object's lock. */
    struct ws_thread *(*thread_record)(struct object *thread);
    /* Ends the calling thread for TerminateThread (never returns); core
     * calls it from thread_run_apcs when t->terminating is set. */
    void (*thread_terminate)(struct ws_thread *t);

    /* Processes (proc/process.c): the object of a process slot. */
    const struct object_type *process_type; /* DuplicateHandle's process handles */
    struct object *(*process_object_new)(pid_t pid, DWORD *err);
    void (*process_object_set_pid)(struct object *o, pid_t pid);
    void (*process_object_exited)(struct object *o);
    void (*process_atfork_reset)(void);
    /* Normal exit, before the session closes the process's handles:
     * DLLs get DLL_PROCESS_DETACH first, as on Windows (proc/module.c). */
    void (*process_exit)(void);

    /* Completion ports (io/iocp.c): a thread counted in a port's running
     * count is about to block in a wait, and woke from it. */
    void (*thread_blocking)(struct ws_thread *t);
    void (*thread_unblocked)(struct ws_thread *t);

    /* Files (io/file.c): descriptors a new process inherited (and which
     * of them are its standard handles), and descriptors kept open for
     * other processes, rescanned by the session's deathwatch. */
    void (*adopt_inherited)(const char *spec);
    void (*adopt_std)(const char *spec);
    void (*linger_scan)(void);

    /* Sections (io/mapping.c) kept in a granted cell: CreateFileMapping's
     * parameters (its make() context), and a proxy object's copy. */
    void (*section_params)(const void *ctx, uint64_t *size, DWORD *protect, DWORD *sec);
    void (*section_proxy_init)(struct object *o, uint64_t size, DWORD protect, DWORD sec);

    /* Tokens (proc/token.c): who the calling thread is while it
     * impersonates, for the access checks of opens (namespace.c, cell.c):
     * ERROR_SUCCESS with its uid and groups (at most 64), ERROR_NO_TOKEN
     * when it does not impersonate (the process's credentials apply),
     * ERROR_BAD_IMPERSONATION_LEVEL at the identification or anonymous
     * level, where Windows opens nothing on the token's behalf. */
    DWORD (*thread_identity)(uint32_t *uid, uint32_t *gids, uint32_t *ngids);

    /* Local memory (mem/local.c): what core's security functions hand to
     * the caller (SIDs, strings, descriptors) is LocalAlloc's, freed with
     * LocalFree. */
    HLOCAL (WINAPI *local_alloc)(UINT flags, SIZE_T bytes);
    HLOCAL (WINAPI *local_free)(HLOCAL mem);

    /* Service requests (core/holders.c): answers a request another
     * process of this user (pid, kernel-checked) sent to this one, on the
     * service thread; writes the reply (at most cap bytes) and returns
     * its length, 0 for none (proc/threadctl.c: CreateRemoteThread). */
    size_t (*service_request)(const void *req, size_t len, uint32_t pid, void *reply,
                              size_t cap);
};

extern const struct core_hooks ws_hooks;

/* Shared structures outside objects that contribute to the session's
 * layout id (arena.c), in order; the list ends with NULL. */
typedef uint64_t (*layout_mixer)(uint64_t h);
extern const layout_mixer ws_layout_mixers[];

#endif
