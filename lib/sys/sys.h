/*
 * lib/sys: what the system-services layer offers lib/kinds.c: the type
 * descriptors of its kernel-object kinds.
 */
#ifndef WINSHIM_SYS_SYS_H
#define WINSHIM_SYS_SYS_H

#include "core/object.h"

/* CreateToolhelp32Snapshot (toolhelp.c) */
extern const struct object_type snapshot_type;
/* CreateMemoryResourceNotification (memnotify.c) */
extern const struct object_type memnotify_type;

/* The start of a small file (/proc, /sys) as a string, in buf: true when
 * at least one byte was read (sysinfo.c). */
bool sys_read_text(const char *path, char *buf, size_t cap);

#endif
