/*
 * Objects granted to other users (cell.c): named events, mutexes,
 * semaphores, timers and sections kept in a file of their own.
 */
#ifndef WINSHIM_CORE_CELL_H
#define WINSHIM_CORE_CELL_H

#include "core/names.h"
#include "core/security.h"

struct cell_local;
/* Is t a kind that can be granted to other users (event, mutex, semaphore)? */
bool cell_kind(const struct object_type *t);
/* Does g let in anyone but the calling user (so that the object must be
 * a cell)? */
bool grant_reaches_others(const struct grant *g);
/* The grant as a file's permissions (fd, or path when not NULL): the
 * owner rw, "other" what the DACL gives users it does not name, a POSIX
 * ACL entry for each user or group it names; each capped at cap (6 rw,
 * 4 r).  ERROR_NOT_SUPPORTED on a file system without ACLs. */
DWORD grant_apply(int fd, const char *path, const struct grant *g, const struct object_type *t,
                  uint32_t owner, unsigned cap);
/* The DACL kept at offset `at` of a file (owned by the object's creator)
 * against the rights a client of this process's user asks for
 * (SYNCHRONIZE aside): 0 or ERROR_ACCESS_DENIED. */
DWORD grant_check_file(int fd, off_t at, const struct object_type *t, ACCESS_MASK want);
/* Under the name's stripe lock (namespace.c), for a name not in the session: the granted object of that
 * name as a new proxy (one reference, no handle, no name), or
 * ERROR_FILE_NOT_FOUND (*stale_foreign when only another user's stale
 * file holds the name), ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE (a name
 * of another kind). */
DWORD cell_lookup(const struct ws_name *name, const struct object_type *t,
                  struct object **out, bool *stale_foreign);
/* True when no other process can have granted an object of this name:
 * the grant watch's lease is valid and its hash was never seen in the
 * grant directory (cell.c, "the grant watch").  No system call while the
 * lease lasts; false means "look" (cell_lookup), never "it exists". */
bool cell_surely_absent(const struct ws_name *name);
/* Under the name's stripe lock: a new granted object (ctx as the kind's make() takes it),
 * or the one that exists (*existed). */
DWORD cell_create(const struct ws_name *name, const struct object_type *t, const void *ctx,
                  const struct grant *g, struct object **out, bool *existed);
/* Checks a request against the object's DACL for this process's user;
 * MAXIMUM_ALLOWED gives what the DACL allows. */
DWORD cell_check_access(struct object *o, ACCESS_MASK want, ACCESS_MASK *granted);
void cell_handle_closed(struct object *o); /* one of this process's handles went */
void cell_last_close(struct object *o);    /* the user's last handle went */
void cell_sweep(void);                     /* removes this user's stale cells */
enum { CELL_SET, CELL_RESET, CELL_PULSE };
DWORD cell_event_op(struct object *o, int op);
DWORD cell_semaphore_release(struct object *o, LONG n, LONG *prev);
DWORD cell_mutex_release(struct object *o);
/* One granted object of a wait (wait.c wait_granted). */
struct cell_wait {
    struct cell_local *local;
    uint32_t since; /* an event's seq when the wait began (pulses after it count) */
    bool slept;
    struct owner_watch *watch; /* a mutex's owner watched while we sleep */
};
DWORD cell_wait_begin(struct object *o, struct cell_wait *w);
void cell_wait_end(struct cell_wait *w);
bool cell_try(struct cell_wait *w, bool *abandoned);
void cell_undo(struct cell_wait *w); /* gives back what cell_try took */
_Atomic uint32_t *cell_sleep_begin(struct cell_wait *w, uint32_t *val);
void cell_sleep_end(struct cell_wait *w);
void cell_thread_exit(void); /* abandons the granted mutexes the thread owns */
/* A granted timer (timer.c): a Set or Cancel bumps the generation (and
 * with reset clears the state) and returns the new one; an arming of
 * generation gen signals it only while gen is current (false: superseded). */
uint64_t cell_timer_disarm(struct object *o, bool reset);
bool cell_timer_fire(struct object *o, uint64_t gen);
/* A granted section's file (a new fd) and where its bytes begin in it. */
DWORD cell_section_fd(struct object *o, bool write, int *fd, uint64_t *base);


#endif
