/*
 * The per-process handle table (handle.c): insertion, closing, tables of
 * other processes; the lookup and access gate are in handle_lookup.h.
 */
#ifndef WINSHIM_CORE_HANDLE_H
#define WINSHIM_CORE_HANDLE_H

#include "core/object.h"

#define HANDLE_MAX (1u << 24)

/* Pseudo-handles. */
#define PSEUDO_CURRENT_PROCESS ((HANDLE)(LONG_PTR)-1)
#define PSEUDO_CURRENT_THREAD ((HANDLE)(LONG_PTR)-2)

/* The one gate, handle_get() in handle_lookup.h: resolves h (pseudo-handles
 * included) to an object of `type` (NULL = any type; &waitable_any = any
 * waitable type) with every right in `need`.  Must be called inside
 * ws_rcu_lock(); the object stays valid until ws_rcu_unlock() unless the
 * caller takes a reference. */
extern const struct object_type waitable_any;

/* Inserts an object into the table, taking over one reference and one
 * handle count that the caller already holds. */
DWORD handle_insert(struct object *o, ACCESS_MASK access, DWORD flags,
                    HANDLE *out);
void handle_thread_exit(void); /* gives the thread's cached indices back */
/* Takes a handle count on o (the caller holds a reference for it) for a
 * handle the calling thread is about to make, recording it in the
 * thread's intent record next to the increment (handle.c). */
void handle_intent_open(struct object *o);
/* The same for an object just made, that nobody else can reach yet: no
 * compare-and-swap (the first unnamed handle of Create*). */
void handle_intent_open_new(struct object *o);
/* The same under the namespace lock: false (nothing counted) when someone
 * is changing o's count; wait for it outside the lock (object.h). */
bool handle_intent_try_open(struct object *o);
/* A reaper finishes or undoes a dead thread's count in flight. */
struct proc_slot;
struct shm_thread;
void handle_intent_reap(struct proc_slot *dead, struct shm_thread *r);
/* handle_insert for an object the caller holds a handle count and a
 * reference on; both are dropped again when no handle can be made. */
DWORD handle_insert_or_drop(struct object *o, ACCESS_MASK access, BOOL inherit,
                            HANDLE *h);

struct proc_slot;
/* Tables in the process table (shm.c): made empty, bound as this
 * process's own, emptied by a reaper, freed. */
DWORD handle_table_init(struct proc_slot *s);
void handle_table_bind(struct proc_slot *s);
void handle_table_reap(struct proc_slot *s);
/* Abandons the mutexes in s's table that tid owns unrecorded. */
void handle_table_abandon_owned(struct proc_slot *s, uint32_t tid);
void handle_table_free(struct proc_slot *s);
void handle_close_all(void);     /* this process's, at exit */
void handle_atfork_child(void);
/* Another process's table: insert (the value is valid there at once),
 * read with a reference, remove. */
DWORD handle_insert_into(struct proc_slot *s, struct object *o,
                         ACCESS_MASK access, DWORD flags, HANDLE *out);
DWORD handle_get_from(struct proc_slot *s, HANDLE h, struct object **out,
                      ACCESS_MASK *access, uint32_t *flags);
DWORD handle_remove_from(struct proc_slot *s, HANDLE h);
/* Copies every inheritable handle into s under the same value, with the
 * same access; each(o, ctx) is called for every object copied (may be
 * NULL).  With `only` (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), just the
 * inheritable handles among only[0..n_only). */
DWORD handle_inherit_into(struct proc_slot *s, const HANDLE *only, size_t n_only,
                          void (*each)(struct object *o, void *ctx), void *ctx);
uint32_t handle_count_of(struct proc_slot *s);

/* Attribute lists (attrlist.c): the handle list of l (*present false
 * without one); ERROR_NOT_SUPPORTED when l holds any other attribute. */
struct _PROC_THREAD_ATTRIBUTE_LIST;
DWORD attrlist_handles(const struct _PROC_THREAD_ATTRIBUTE_LIST *l, const HANDLE **list,
                       size_t *n, bool *present);


/* Does this process's table hold a handle to o? */
bool handle_table_refers(struct object *o);

#endif
