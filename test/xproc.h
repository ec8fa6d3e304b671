/* A forked child that is a session member, for the suites that hand it
 * handles with DuplicateHandle: the parent and the child talk through two
 * Unix pipes (handle values, one-byte steps).  The child runs fn and
 * leaves with _exit(fn's result): 0 = passed. */
#ifndef WINSHIM_XPROC_H
#define WINSHIM_XPROC_H

#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A child made by CreateProcess, re-executing this test binary: main
 * (TEST_MAIN_XCHILD) hands "--xchild <args>" to the suite's child
 * function, whose result is the exit code.  Handle values go in args
 * (hex); with `inherit` the child gets every inheritable handle. */
static inline bool xproc_spawn(const char *args, BOOL inherit, PROCESS_INFORMATION *pi)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = 0;
    char line[4096 + 256];
    snprintf(line, sizeof line, "\"%s\" --xchild %s", self, args);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    return CreateProcessA(NULL, line, NULL, NULL, inherit, 0, NULL, NULL, &si, pi);
}

/* The CreateProcess child's exit code, once it has exited. */
static inline DWORD xproc_spawn_wait(PROCESS_INFORMATION *pi)
{
    DWORD code = 999;
    ck_assert_uint_eq(WaitForSingleObject(pi->hProcess, 60000), WAIT_OBJECT_0);
    ck_assert(GetExitCodeProcess(pi->hProcess, &code));
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    return code;
}

static inline HANDLE xchild_handle(const char *arg)
{
    return (HANDLE)(uintptr_t)strtoull(arg, NULL, 16);
}

#define TEST_MAIN_XCHILD(make_suite, child_fn)                               \
    int main(int argc, char **argv)                                          \
    {                                                                        \
        if (argc >= 2 && !strcmp(argv[1], "--xchild"))                       \
            return child_fn(argc - 2, argv + 2);                             \
        SRunner *sr = srunner_create(make_suite());                          \
        srunner_run_all(sr, CK_NORMAL);                                      \
        int failed = srunner_ntests_failed(sr);                              \
        srunner_free(sr);                                                    \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;                         \
    }

#endif
