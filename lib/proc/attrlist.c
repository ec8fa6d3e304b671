/*
 * Process and thread attribute lists (InitializeProcThreadAttributeList,
 * UpdateProcThreadAttribute, DeleteProcThreadAttributeList) for
 * CreateProcess with STARTUPINFOEX.
 *
 * Not an object: the caller allocates the buffer, of the size the size
 * query reports (a 24-byte header and 24 bytes per attribute, as on Windows
 * x64), and owns it; nothing here allocates, so Delete has nothing to free.
 * Each entry keeps the caller's pointer, not a copy: Microsoft requires the
 * value to live until the list is deleted.  States: initialised (count 0),
 * holding up to `capacity` attributes, deleted (count 0 again).  No locking:
 * like Windows, a list must not be updated while another thread uses it.
 *
 * Only PROC_THREAD_ATTRIBUTE_HANDLE_LIST has an effect (spawn.c); every
 * other known attribute is accepted here with Windows' size checks and
 * refused by CreateProcess with ERROR_NOT_SUPPORTED.
 */
#include "core/error.h"
#include "core/handle.h"

struct attr_entry {
    DWORD_PTR attr;
    SIZE_T size;
    PVOID value;
};

struct _PROC_THREAD_ATTRIBUTE_LIST {
    DWORD magic;    /* ATTRLIST_MAGIC once initialised */
    DWORD capacity; /* dwAttributeCount */
    DWORD count;
    DWORD reserved;
    ULONG_PTR reserved2;
    struct attr_entry e[];
};

#define ATTRLIST_MAGIC 0x4c525441u /* "ATRL" */

_Static_assert(sizeof(struct _PROC_THREAD_ATTRIBUTE_LIST) == 24, "header size");
_Static_assert(sizeof(struct attr_entry) == 24, "entry size");

/* How long each attribute's value must be: exactly `size`, one of `size`
 * and `alt`, or (`multiple`) any multiple of `size`. */
struct attr_kind {
    DWORD_PTR attr;
    SIZE_T size, alt, alt2;
    bool multiple;
};

static const struct attr_kind attr_kinds[] = {
    {.attr = PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, .size = sizeof(HANDLE)},
    {.attr = PROC_THREAD_ATTRIBUTE_HANDLE_LIST, .size = sizeof(HANDLE), .multiple = true},
    {.attr = PROC_THREAD_ATTRIBUTE_GROUP_AFFINITY, .size = 16},    /* GROUP_AFFINITY */
    {.attr = PROC_THREAD_ATTRIBUTE_PREFERRED_NODE, .size = 2},     /* USHORT */
    {.attr = PROC_THREAD_ATTRIBUTE_IDEAL_PROCESSOR, .size = 4},    /* PROCESSOR_NUMBER */
    {.attr = PROC_THREAD_ATTRIBUTE_UMS_THREAD, .size = 24},        /* UMS_CREATE_THREAD_ATTRIBUTES */
    {.attr = PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY, .size = 4, .alt = 8, .alt2 = 16},
    {.attr = PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES, .size = 24},
    {.attr = PROC_THREAD_ATTRIBUTE_PROTECTION_LEVEL, .size = 4},
    {.attr = PROC_THREAD_ATTRIBUTE_JOB_LIST, .size = sizeof(HANDLE), .multiple = true},
    {.attr = PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY, .size = 4},
    {.attr = PROC_THREAD_ATTRIBUTE_ALL_APPLICATION_PACKAGES_POLICY, .size = 4},
    {.attr = PROC_THREAD_ATTRIBUTE_WIN32K_FILTER, .size = 8},     /* WIN32K_SYSCALL_FILTER */
    {.attr = PROC_THREAD_ATTRIBUTE_DESKTOP_APP_POLICY, .size = 4},
    {.attr = PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, .size = sizeof(HANDLE)}, /* HPCON */
    {.attr = PROC_THREAD_ATTRIBUTE_MITIGATION_AUDIT_POLICY, .size = 8, .alt = 16},
};

static const struct attr_kind *attrlist_kind(DWORD_PTR attr)
{
    for (size_t i = 0; i < sizeof attr_kinds / sizeof attr_kinds[0]; i++)
        if (attr_kinds[i].attr == attr)
            return &attr_kinds[i];
    return NULL;
}

static bool attrlist_size_ok(const struct attr_kind *k, SIZE_T size)
{
    if (k->multiple)
        return size % k->size == 0;
    return size == k->size || (k->alt && size == k->alt) || (k->alt2 && size == k->alt2);
}

static SIZE_T attrlist_bytes(DWORD count)
{
    return sizeof(struct _PROC_THREAD_ATTRIBUTE_LIST) + (SIZE_T)count * sizeof(struct attr_entry);
}

/* The order of the checks is Windows' (seen under Wine): an attribute
 * number no attribute has, then a duplicate, then a full list, then the
 * value's size; a number in range that is not an attribute (or has other
 * flag bits) is refused last. */
static DWORD attrlist_update(LPPROC_THREAD_ATTRIBUTE_LIST l, DWORD flags, DWORD_PTR attr,
                             PVOID value, SIZE_T size, PVOID prev, PSIZE_T ret_size)
{
    if (!l || l->magic != ATTRLIST_MAGIC)
        return ERROR_INVALID_PARAMETER;
    if (flags & ~(DWORD)PROC_THREAD_ATTRIBUTE_REPLACE_VALUE)
        return ERROR_INVALID_PARAMETER;
    /* Microsoft: both reserved, must be NULL. */
    if (prev || ret_size)
        return ERROR_INVALID_PARAMETER;
    DWORD number = (DWORD)(attr & PROC_THREAD_ATTRIBUTE_NUMBER);
    if (number > ProcThreadAttributeMitigationAuditPolicy)
        return ERROR_NOT_SUPPORTED;
    struct attr_entry *slot = NULL;
    for (DWORD i = 0; i < l->count; i++)
        if ((DWORD)(l->e[i].attr & PROC_THREAD_ATTRIBUTE_NUMBER) == number) {
            if (!(flags & PROC_THREAD_ATTRIBUTE_REPLACE_VALUE))
                return ERROR_OBJECT_NAME_EXISTS;
            slot = &l->e[i];
        }
    if (!slot && l->count >= l->capacity)
        return ERROR_GEN_FAILURE;
    const struct attr_kind *k = attrlist_kind(attr);
    if (k && !attrlist_size_ok(k, size))
        return ERROR_BAD_LENGTH;
    if (!k)
        return ERROR_NOT_SUPPORTED;
    if (!slot)
        slot = &l->e[l->count++];
    slot->attr = attr;
    slot->size = size;
    slot->value = value;
    return ERROR_SUCCESS;
}

DWORD attrlist_handles(const struct _PROC_THREAD_ATTRIBUTE_LIST *l, const HANDLE **list,
                       size_t *n, bool *present)
{
    *list = NULL;
    *n = 0;
    *present = false;
    if (l->magic != ATTRLIST_MAGIC)
        return ERROR_INVALID_PARAMETER;
    for (DWORD i = 0; i < l->count; i++) {
        if (l->e[i].attr != PROC_THREAD_ATTRIBUTE_HANDLE_LIST)
            return ERROR_NOT_SUPPORTED; /* parent process, jobs, policies, ... */
        *list = l->e[i].value;
        *n = l->e[i].size / sizeof(HANDLE);
        *present = true;
    }
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI InitializeProcThreadAttributeList(LPPROC_THREAD_ATTRIBUTE_LIST l,
                                                        DWORD count, DWORD flags,
                                                        PSIZE_T size)
{
    if (flags)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!size)
        return ws_bool(ERROR_NOACCESS);
    SIZE_T need = attrlist_bytes(count);
    DWORD err = ERROR_SUCCESS;
    if (l && *size >= need) {
        memset(l, 0, sizeof *l);
        l->magic = ATTRLIST_MAGIC;
        l->capacity = count;
    } else {
        err = ERROR_INSUFFICIENT_BUFFER; /* the size query's answer, by design */
    }
    *size = need;
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI UpdateProcThreadAttribute(LPPROC_THREAD_ATTRIBUTE_LIST l, DWORD flags,
                                                DWORD_PTR attr, PVOID value, SIZE_T size,
                                                PVOID prev, PSIZE_T ret_size)
{
    return ws_bool(attrlist_update(l, flags, attr, value, size, prev, ret_size));
}

WS_EXPORT VOID WINAPI DeleteProcThreadAttributeList(LPPROC_THREAD_ATTRIBUTE_LIST l)
{
    /* The caller frees the buffer; forget the values it pointed to. */
    if (l && l->magic == ATTRLIST_MAGIC)
        l->count = 0;
}
