/*
 * Names (namespace.c): parsing, the name table, and the shared create-or-open
 * and open paths every named kind uses.
 */
#ifndef WINSHIM_CORE_NAMES_H
#define WINSHIM_CORE_NAMES_H

#include "core/object.h"

/* A canonical object name (namespace prefix resolved), UTF-16. */
#define NAME_MAX_W 32766 /* longer W names are cut, as Windows does */
struct ws_name {
    WCHAR *buf;                   /* small, or malloc()ed for long names */
    uint32_t len;
    WCHAR small[MAX_PATH + 32];
};

/* Parses a Win32 object name; *named=false for NULL or "".  Release the
 * result with name_free. */
DWORD name_parse_w(LPCWSTR name, struct ws_name *out, bool *named);
DWORD name_parse_a(LPCSTR name, struct ws_name *out, bool *named);
void name_free(struct ws_name *n);

/* Create-or-open in one step, under the namespace lock: returns the object
 * called `name` with a new handle count and reference (*existed = true), or
 * one that make() builds (one reference, one handle count) and that gets
 * the name; g (the creator's DACL, security.c; NULL: none) may make it a
 * granted object (cell.c).  A name held by another type gives ERROR_INVALID_HANDLE. */
typedef struct object *(*object_maker)(void *ctx, DWORD *err);
struct grant;
DWORD ns_create(const struct ws_name *name, const struct object_type *type,
                object_maker make, void *ctx, const struct grant *g,
                struct object **out, bool *existed);
/* The namespace key of a named object that still has a handle (*key NULL
 * when it has no name). */
void ns_key_of(const struct object *o, const WCHAR **key, uint32_t *len);
/* Open by name: adds a handle and a reference. */
DWORD ns_open(const struct ws_name *name, const struct object_type *type,
              struct object **found);
/* Calls fn with every named object of `type` whose key starts with prefix
 * (plen units), under the namespace lock: fn must not take it nor block.
 * For enumerations (window stations, desktops). */
void ns_enum(const struct object_type *type, const WCHAR *prefix, uint32_t plen,
             void (*fn)(const struct object *o, void *ctx), void *ctx);
/* Called with the lock of o's name held when the handle count hits 0. */
void ns_remove_locked(struct object *o);
/* The lock of a named object's name (a stripe of the table), which a
 * name's removal holds: o has a name and a handle count. */
uint32_t ns_lock_of(const struct object *o);
/* A reaper's: removes o's name if o still has it and no handle count
 * (its last closer died in between); true if it did. */
bool ns_remove_if_unused(struct object *o);
void ns_unlock_of(uint32_t stripe);


/* Creates a handle-less waitable object's common creation path for the
 * Create* functions: names it (or finds the existing one), inserts a
 * handle, sets the last error as Windows does.  Used by every kind. */
HANDLE object_create_handle(const struct object_type *type, object_maker make,
                            void *ctx, LPCWSTR wname, LPCSTR aname,
                            bool ansi, ACCESS_MASK access,
                            const SECURITY_ATTRIBUTES *sa);
HANDLE object_create_flagged(const struct object_type *type, object_maker make,
                             DWORD valid, DWORD flags, LPSECURITY_ATTRIBUTES sa,
                             ACCESS_MASK access, LPCWSTR wname, LPCSTR aname,
                             bool ansi);
HANDLE object_open_handle(const struct object_type *type, LPCWSTR wname,
                          LPCSTR aname, bool ansi, ACCESS_MASK access,
                          BOOL inherit);

#endif
