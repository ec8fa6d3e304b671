/*
 * Process objects.  Today: the current process, reached through the
 * GetCurrentProcess() pseudo-handle or a real handle duplicated from it.
 * State value: 0 running, 1 terminated; the current process is never
 * signalled while it can look.  The object is made once and never freed.
 */
#include <pthread.h>
#include <unistd.h>

#include "internal.h"

struct process_obj {
    struct object hdr;
    uint32_t pid;
    uint32_t exit_code;
};

static bool process_signaled(const struct object *o, uint64_t s, uint32_t tid)
{
    (void)o;
    (void)tid;
    return st_value(s) != 0;
}

static uint64_t process_acquire(const struct object *o, uint64_t s, uint32_t tid,
                                bool *abandoned)
{
    (void)o;
    (void)tid;
    (void)abandoned;
    return s;
}

const struct object_type process_type = {
    .name = "Process",
    .id = TYPE_PROCESS,
    .size = sizeof(struct process_obj),
    .mapping = {STANDARD_RIGHTS_READ | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION,
                STANDARD_RIGHTS_WRITE | PROCESS_CREATE_PROCESS | PROCESS_CREATE_THREAD |
                    PROCESS_VM_OPERATION | PROCESS_VM_WRITE | PROCESS_DUP_HANDLE |
                    PROCESS_TERMINATE | PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
                    PROCESS_SUSPEND_RESUME,
                STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, PROCESS_ALL_ACCESS},
    .valid_access = PROCESS_ALL_ACCESS,
    .implies_from = PROCESS_QUERY_INFORMATION,
    .implies_to = PROCESS_QUERY_LIMITED_INFORMATION,
    .signaled = process_signaled,
    .acquire = process_acquire,
};

static struct process_obj *self;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void process_atfork_child(void)
{
    if (self)
        self->pid = (uint32_t)getpid();
}

static void process_make_self(void)
{
    DWORD err;
    self = (struct process_obj *)object_new(&process_type, 0, 0, &err);
    if (!self)
        ws_panic("creating the current process object", 12);
    self->pid = (uint32_t)getpid();
    pthread_atfork(NULL, NULL, process_atfork_child);
}

struct object *process_self_object(void)
{
    pthread_once(&self_once, process_make_self);
    return &self->hdr;
}

WS_EXPORT HANDLE WINAPI GetCurrentProcess(void)
{
    return PSEUDO_CURRENT_PROCESS;
}

WS_EXPORT DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)getpid();
}

WS_EXPORT DWORD WINAPI GetProcessId(HANDLE h)
{
    struct object *o = NULL;
    DWORD pid = 0;
    ws_rcu_lock();
    DWORD err = handle_get(h, &process_type, PROCESS_QUERY_LIMITED_INFORMATION,
                           &o, NULL);
    if (!err)
        pid = ((struct process_obj *)o)->pid;
    ws_rcu_unlock();
    if (err)
        ws_set_last_error(err);
    return pid;
}
