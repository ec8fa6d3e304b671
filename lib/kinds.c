/*
 * The registry: the one place that names every kind.
 *
 * Core (lib/core/) never includes a kind's header; what it needs of the
 * kinds it finds here, at link time:
 *   - object_types[]: every kernel-object kind's type descriptor, by the
 *     id the arena stores in each object (enum object_type_id, core/object.h);
 *   - ws_layout_mixers[]: the shared structs that are not objects, folded
 *     into the session's layout id (arena.c) after core's own;
 *   - ws_hooks: the calls core makes up into the thread, process, file,
 *     completion-port and mapping kinds (core/hooks.h);
 *   - ws_socket_io: the calls the I/O layer makes up into sockets
 *     (io/overlapped.h).
 *
 * Adding a kind: its id in enum object_type_id, its descriptor here
 * (docs/ARCHITECTURE.md, "Adding a kernel-object kind").
 */
#include "core/hooks.h"
#include "core/object.h"
#include "io/device.h"
#include "io/file.h"
#include "io/overlapped.h"
#include "net/sock.h"
#include "proc/module.h"
#include "proc/process.h"
#include "sync/sync.h"
#include "sys/eventlog.h"
#include "sys/sys.h"
#include "sys/winsta.h"

const struct object_type *const object_types[TYPE_COUNT] = {
    [TYPE_EVENT] = &event_type,
    [TYPE_THREAD] = &thread_type,
    [TYPE_PROCESS] = &process_type,
    [TYPE_MUTEX] = &mutex_type,
    [TYPE_SEMAPHORE] = &semaphore_type,
    [TYPE_TIMER] = &timer_type,
    [TYPE_IOCP] = &iocp_type,
    [TYPE_FILE] = &file_type,
    [TYPE_FIND] = &find_type,
    [TYPE_MAPPING] = &mapping_type,
    [TYPE_CHANGE] = &change_type,
    [TYPE_SOCKET] = &socket_type,
    [TYPE_TOKEN] = &token_type,
    [TYPE_EVENTLOG] = &evlog_type,
    [TYPE_UPDATERES] = &updres_type,
    [TYPE_SNAPSHOT] = &snapshot_type,
    [TYPE_MEMNOTIFY] = &memnotify_type,
    [TYPE_JOB] = &job_type,
    [TYPE_WINSTA] = &winsta_type,
    [TYPE_DESKTOP] = &desktop_type,
};
const layout_mixer ws_layout_mixers[] = {
    filelock_layout_mix,
    iocp_layout_mix,
    file_kinds_layout_mix,
    NULL,
};

const struct core_hooks ws_hooks = {
    .thread_attach = thread_attach,
    .thread_atfork_reset = thread_atfork_reset,
    .thread_record = thread_record_of,
    .thread_terminate = thread_terminate_self,
    .process_type = &process_type,
    .process_object_new = process_object_new,
    .process_object_set_pid = process_object_set_pid,
    .process_object_exited = process_object_exited,
    .process_atfork_reset = process_atfork_reset,
    .process_exit = module_process_exit,
    .thread_blocking = iocp_thread_block,
    .thread_unblocked = iocp_thread_unblock,
    .adopt_inherited = file_adopt_inherited,
    .adopt_std = file_adopt_std,
    .linger_scan = file_linger_scan,
    .section_params = mapping_section_params,
    .section_proxy_init = mapping_proxy_init,
    .thread_identity = token_thread_identity,
    .local_alloc = LocalAlloc,
    .local_free = LocalFree,
    .service_request = remote_service,
};

const struct socket_io_hooks ws_socket_io = {
    .port_fields = socket_port_fields,
    .cancel = sio_cancel,
    .wait = sio_wait,
    .file_io = sio_file_io,
};
