/* Scratch directories for the file suites: each test (its own fork) works
 * in a fresh directory under /tmp, removed afterwards. */
#ifndef WINSHIM_FILEUTIL_H
#define WINSHIM_FILEUTIL_H

#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char scratch_dir[64];

static int scratch_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    chmod(p, 0700);
    return remove(p);
}

static void scratch_setup(void)
{
    strcpy(scratch_dir, "/tmp/winshim-files-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(scratch_dir));
    ck_assert_int_eq(chdir(scratch_dir), 0);
}

static void scratch_teardown(void)
{
    if (chdir("/") == 0)
        nftw(scratch_dir, scratch_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* A file with these contents, made without winshim. */
static inline void put_file(const char *name, const char *text)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static inline HANDLE open_rw(const char *name, DWORD share, DWORD disp)
{
    return CreateFileA(name, GENERIC_READ | GENERIC_WRITE, share, NULL, disp,
                       FILE_ATTRIBUTE_NORMAL, NULL);
}

/* Runs fn in a forked child (a second process) and returns its exit code. */
static inline int in_child(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(fn(arg));
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

#endif
