/*
 * Marks on the fds winshim keeps for itself (an inotify watch, an epoll
 * set, pidfds), whose numbers are the program's too: a daemon that closes
 * every descriptor (close_range, a loop to the limit) or dup2()s over one
 * leaves the number closed or naming a file of its own.  The mark is the
 * file's owner (F_SETOWN_EX) set to our process group, which only SIGIO
 * and SIGURG delivery read, and only with O_ASYNC, which these fds never
 * set; no file of the program's has it unless the program asks for it.
 * fstat could not tell: inotify and epoll instances share one anonymous
 * inode each.  Checking is one fcntl: done where a system call is made
 * anyway (a lease renewal, a service thread's wake), never on a path that
 * had none.  A fd found unmarked is forgotten, never closed.
 */
#ifndef WINSHIM_CORE_FDMARK_H
#define WINSHIM_CORE_FDMARK_H

#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

/* Marks fd as ours: returns the mark to keep for fd_marked, 0 when it
 * cannot be marked (then do not keep the fd). */
static inline pid_t fd_mark(int fd)
{
    pid_t g = getpgrp();
    struct f_owner_ex o = {.type = F_OWNER_PGRP, .pid = g};
    return fd >= 0 && fcntl(fd, F_SETOWN_EX, &o) == 0 ? g : 0;
}

/* Whether fd still is the file fd_mark marked (mark: the process group
 * at that time, which a later setpgid/setsid does not change in the file). */
static inline bool fd_marked(int fd, pid_t mark)
{
    struct f_owner_ex o;
    return fd >= 0 && fcntl(fd, F_GETOWN_EX, &o) == 0 && o.type == F_OWNER_PGRP &&
           o.pid == mark;
}

#endif
