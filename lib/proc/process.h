/*
 * Private declarations of the process files: process objects (process.c),
 * CreateProcess (spawn.c), command lines (cmdline.c) and the process-exit
 * monitor (procmon.c); threads (thread.c), TLS (tls.c) and tokens
 * (token.c), as far as other files use them.
 */
#ifndef WINSHIM_PROCESS_H
#define WINSHIM_PROCESS_H

#include <sys/types.h>

#include "core/object.h"
#include "core/self.h"

/* ------------------------------------------------------------------ */
/* the process-exit monitor (procmon.c)                                */

/*
 * One thread per process, started on first use, sleeping in epoll_wait on
 * the pidfds of every watched process.  fn(ctx) runs once, on that thread,
 * when the process has ended (its pidfd became readable); the monitor
 * takes no lock of winshim's while it calls fn.
 *
 * pidfd >= 0: the caller's; it must stay open until fn has run or
 * procmon_cancel returned true.  pidfd < 0: the monitor opens one for pid
 * and closes it itself (ERROR_INVALID_PARAMETER when pid does not exist).
 * *id (never 0) names the watch for procmon_cancel.
 */
typedef void (*procmon_fn)(void *ctx);
DWORD procmon_watch(pid_t pid, int pidfd, procmon_fn fn, void *ctx,
                    uint64_t *id);
/* true: fn will never run.  false: fn has run, or is running and has
 * returned by the time procmon_cancel does (unless called from fn). */
bool procmon_cancel(uint64_t id);

/* ------------------------------------------------------------------ */
/* command lines (cmdline.c)                                           */

/* argv from a command line by the Microsoft C runtime's rules: one
 * malloc()ed block (free it with free), NULL-terminated. */
char **cmdline_to_argv(const char *cmdline, int *argc);
/* The command line that cmdline_to_argv turns back into argv (malloc). */
char *cmdline_from_argv(char *const *argv, int argc);

/* The environment variable that carries a child's exact command line and
 * its exit box (see spawn.c): "<pid>:<fd>:<command line>", the pid
 * written by the child itself before execve, as CMDLINE_PID_DIGITS
 * zero-padded digits. */
#define CMDLINE_ENV "WINSHIM_PROCESS"
#define CMDLINE_PID_DIGITS 10

/* ------------------------------------------------------------------ */
/* process objects (process.c)                                         */

/*
 * A child's exit box: a shared page (a memfd the child inherits through
 * CMDLINE_ENV) where a winshim child writes its full 32-bit exit code
 * before it ends, since a Linux exit status keeps only 8 bits.  The shared
 * process table replaces it once every process object lives in shared
 * memory (the child then writes its own object's published code).
 */
struct exit_box {
    _Atomic uint32_t state; /* BOX_PUBLISHED once code is valid */
    uint32_t code;
};
#define BOX_PUBLISHED 1u


/* A child that CreateProcess started: pidfd (this process's, taken over),
 * the main thread's object (a reference taken over) and the exit box
 * mapping (taken over; may be NULL).  Registers it for OpenProcess and
 * watches it. */
DWORD process_adopt_child(struct object *p, pid_t pid, int pidfd,
                          struct object *thread, struct exit_box *box);
/* The process publishes its own exit code (ExitProcess, exit()). */
void process_publish_exit(uint32_t code);
/* The exit box this process got from its winshim parent (cmdline.c). */
void process_set_exit_box(struct exit_box *box);

/* ------------------------------------------------------------------ */
/* a child process's main thread (thread.c)                            */

/* A thread object for the main thread of a child process.  resume_fd >= 0:
 * created suspended (count 1); the first ResumeThread that brings the
 * count to 0 writes one byte to resume_fd and closes it, which lets the
 * child go on to execve.  The fd is this process's (process-private). */
struct object *thread_new_remote(int resume_fd, DWORD *err);
void thread_remote_set_tid(struct object *thread, uint32_t tid);
/* The process ended: the thread ends with it, with the same code. */
void thread_remote_exited(struct object *thread, DWORD code);
/* ExitProcess's first step: every other thread of this process ends (at
 * a point where it holds nothing of winshim's) with the code; returns in
 * the first thread that calls it, ends any other caller. */
void thread_end_others(DWORD code);

/* ------------------------------------------------------------------ */
/* the kinds of this layer, and what lib/kinds.c registers of them     */

extern const struct object_type thread_type, process_type, token_type;

/* Process objects (process.c), called by the session through ws_hooks. */
struct object *process_object_new(pid_t pid, DWORD *err);
void process_object_set_pid(struct object *p, pid_t pid);
void process_object_exited(struct object *p);
pid_t process_object_pid(struct object *p);
/* Whether the process ended; then its start and end times and CPU times
 * (FILETIME units; 0 when they could not be read at its end). */
bool process_object_end(struct object *p, int64_t *created, int64_t *exited,
                        uint64_t *kernel, uint64_t *user);

/* ------------------------------------------------------------------ */
/* thread control (threadctl.c, with what thread.c tells it)           */

/* /proc/PID[/task/TID]/stat (tid 0: the process): creation time as a
 * FILETIME value, kernel and user CPU time in 100 ns units.  false when
 * it cannot be read. */
bool proc_stat_times(pid_t pid, pid_t tid, int64_t *created, uint64_t *kernel,
                     uint64_t *user);
/* The nice value of a thread at Windows priority `priority` in this
 * process's priority class (threadctl.c). */
int process_thread_nice(int priority);

/* A thread object's facts for threadctl.c (thread.c): its thread id while
 * it runs (0 once ended) and its process's pid; creation and end times
 * and, once ended, its CPU times. */
struct thread_facts {
    uint32_t tid, pid;
    bool ended;
    int64_t created, exited;
    uint64_t kernel_100ns, user_100ns;
};
void thread_object_facts(struct object *thread, struct thread_facts *f);
/* The same tid and pid read without the object lock and without writing
 * anything (wait chains, sys/wct.c, look at objects other threads are
 * waiting on and hold no reference of their own): tid 0 once ended. */
void thread_object_peek(const struct object *thread, uint32_t *tid, uint32_t *pid);
/* Swaps the recorded ideal processor (set: the new one) and returns the
 * old one. */
uint32_t thread_object_ideal(struct object *thread, const uint32_t *set);
/* The Windows priority of a thread of this process (registry), or
 * THREAD_PRIORITY_NORMAL for one winshim does not know. */
int thread_priority_of_tid(uint32_t tid);
/* CreateRemoteThread into this process (threadctl.c): the thread object
 * `t` joins the list of this process's object `p` (thread.c takes a
 * reference), so that it is signalled, with the process's exit code, when
 * the process ends before it (thread_track_end, from process.c's end of
 * a process and its destruction).  process_thread_list: that list's
 * head (process.c).  thread_object_held: a child's main thread that
 * CreateProcess started suspended and nobody resumed yet;
 * process_main_thread: a child's main thread object (CreateProcess),
 * NULL for others (no reference: the process object holds one). */
void thread_track(struct object *p, struct object *t);
/* The target's side of CreateRemoteThread (threadctl.c; core calls it
 * through ws_hooks.service_request). */
size_t remote_service(const void *req, size_t len, uint32_t pid, void *reply, size_t cap);
void thread_track_end(struct object *p, uint32_t code);
aoff_t *process_thread_list(struct object *p);
bool thread_object_held(struct object *thread);
struct object *process_main_thread(struct object *p);
/* Jobs (job.c): the process object's innermost-job word (an arena offset
 * holding one reference on the job, 0 when in no job); whether the
 * process has ended; and TerminateProcess's first half: records `code`
 * as the exit code a SIGKILL will report (false: already ended). */
_Atomic aoff_t *process_job_slot(struct object *p);
bool process_has_ended(struct object *p);
bool process_mark_terminate(struct object *p, uint32_t code);
/* A winshim child's other process object (its creator's or its slot's
 * own, job.c), with a reference, or NULL. */
struct object *process_twin(struct object *p);

/* ------------------------------------------------------------------ */
/* job objects (job.c)                                                 */

extern const struct object_type job_type;
/* A process object ended with `code` (process.c, once per object): its
 * jobs count it out and post their messages. */
void job_process_ended(struct object *p, uint32_t code);
/* CreateProcess (spawn.c): before the child exists, whether the caller's
 * job lets it start one with these flags (ERROR_ACCESS_DENIED for a
 * breakaway the job does not allow); after, puts the child `p` into the
 * caller's job (unless it broke away); an error means the child must be
 * killed and CreateProcess fail with it. */
DWORD job_spawn_check(DWORD creation_flags);
DWORD job_spawned(struct object *p, DWORD creation_flags);
void process_atfork_reset(void);

/* Threads (thread.c): the calling thread's record and object, made on
 * its first call (core/self.h thread_current); a forked child's reset;
 * the live record of a thread object (its lock held). */
struct ws_thread *thread_attach(void);
void thread_atfork_reset(void);
struct ws_thread *thread_record_of(struct object *thread);
/* TerminateThread's end of the calling thread (thread.c); core calls it
 * through ws_hooks.thread_terminate.  Never returns. */
void thread_terminate_self(struct ws_thread *t);
/* Tokens (token.c): the impersonated identity of the calling thread
 * (core_hooks.thread_identity); a thread's token dropped as it ends. */
DWORD token_thread_identity(uint32_t *uid, uint32_t *gids, uint32_t *ngids);
void token_thread_exit(struct ws_thread *w);

/* TLS and FLS (tls.c): runs the exiting thread's FLS callbacks and frees
 * its slots.  The thread teardown calls it first, so that, as on Windows,
 * the callbacks have run before the thread object is signalled; tls.c's
 * own key destructor covers threads that have no ws_thread. */
void tls_thread_detach(void);

/* Startup information (startup.c): the environment entry that hands a
 * child its STARTUPINFO and error mode (malloc; NULL when out of memory);
 * the child writes its pid at startup_env_pid_slot(entry) before execve. */
char *startup_env_a(const STARTUPINFOA *si, DWORD creation_flags);
char *startup_env_w(const STARTUPINFOW *si, DWORD creation_flags);
char *startup_env_pid_slot(char *entry);

#endif
