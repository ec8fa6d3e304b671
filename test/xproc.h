/* A forked child that is a session member, for the suites that hand it
 * handles with DuplicateHandle: the parent and the child talk through two
 * Unix pipes (handle values, one-byte steps).  The child runs fn and
 * leaves with _exit(fn's result): 0 = passed. */
#ifndef WINSHIM_XPROC_H
#define WINSHIM_XPROC_H

#include "testutil.h"

#include <stdbool.h>

#include <sys/wait.h>
#include <unistd.h>

struct xproc {
    int to_child[2], to_parent[2];
    pid_t pid;
    HANDLE proc; /* PROCESS_DUP_HANDLE | SYNCHRONIZE on the child */
};

/* Makes this process a session member now (GetCurrentProcessId does not):
 * the other process may open it from then on. */
static inline void xproc_attach(void)
{
    CloseHandle(CreateEventA(NULL, TRUE, FALSE, NULL));
}

static inline void xproc_start(struct xproc *x, int (*fn)(struct xproc *))
{
    ck_assert(pipe(x->to_child) == 0 && pipe(x->to_parent) == 0);
    xproc_attach(); /* the child may open us */
    x->pid = fork();
    ck_assert(x->pid >= 0);
    if (x->pid == 0) {
        close(x->to_child[1]);
        close(x->to_parent[0]);
        xproc_attach(); /* the parent may open us */
        char r = 'r';
        if (write(x->to_parent[1], &r, 1) != 1)
            _exit(100);
        _exit(fn(x));
    }
    close(x->to_child[0]); /* a child that dies early gives end of file */
    close(x->to_parent[1]);
    char r;
    ck_assert(read(x->to_parent[0], &r, 1) == 1);
    x->proc = OpenProcess(PROCESS_DUP_HANDLE | SYNCHRONIZE, FALSE, (DWORD)x->pid);
    ck_assert_ptr_nonnull(x->proc);
    /* A duplicate into the child starts this process's deathwatch (shm.c),
     * which reaps the child as soon as it exits: its process object is
     * signalled only then (xproc_wait), also when no other member runs.
     * (A child that has already exited refuses it; the watch starts all
     * the same.) */
    HANDLE own = NULL;
    (void)DuplicateHandle(GetCurrentProcess(), x->proc, x->proc, &own, 0, FALSE,
                          DUPLICATE_SAME_ACCESS);
}

/* The child's exit status (128 + signal when killed), once its handles
 * are closed too (its process object is signalled after that). */
static inline int xproc_wait(struct xproc *x)
{
    int st = 0;
    ck_assert(waitpid(x->pid, &st, 0) == x->pid);
    ck_assert_uint_eq(WaitForSingleObject(x->proc, 60000), WAIT_OBJECT_0);
    CloseHandle(x->proc);
    close(x->to_child[1]);
    close(x->to_parent[0]);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Values and steps, either way. */
static inline void xproc_send(int fd, const void *v, size_t n)
{
    ck_assert(write(fd, v, n) == (ssize_t)n);
}

static inline bool xproc_recv(int fd, void *v, size_t n)
{
    return read(fd, v, n) == (ssize_t)n;
}

/* Duplicates h into the child (same access) and tells it the value. */
static inline HANDLE xproc_give(struct xproc *x, HANDLE h, DWORD access, DWORD options)
{
    HANDLE theirs = NULL;
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, x->proc, &theirs, access, FALSE,
                              options));
    xproc_send(x->to_child[1], &theirs, sizeof theirs);
    return theirs;
}

/* In the child: a handle value or a step from the parent; to the parent. */
static inline bool child_get(struct xproc *x, void *v, size_t n)
{
    return xproc_recv(x->to_child[0], v, n);
}

static inline bool child_put(struct xproc *x, const void *v, size_t n)
{
    return write(x->to_parent[1], v, n) == (ssize_t)n;
}

#endif
