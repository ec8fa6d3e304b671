/*
 * What the synchronisation kinds (event.c, mutex.c, semaphore.c, timer.c)
 * offer the layers above them: their type descriptors, and the state
 * changes other kinds build on (an overlapped transfer's event, a change
 * notification's semaphore).
 */
#ifndef WINSHIM_SYNC_SYNC_H
#define WINSHIM_SYNC_SYNC_H

#include "core/object.h"

extern const struct object_type event_type, mutex_type, semaphore_type, timer_type;

/* SetEvent on an object the caller holds. */
void event_set(struct object *o);
/* ReleaseSemaphore on an object the caller holds. */
DWORD semaphore_release(struct object *o, LONG count, LONG *prev);
/* A handle-less semaphore, for objects built on one. */
struct object *semaphore_new(LONG initial, LONG max, DWORD *err);

#endif
