/*
 * Security descriptors as the object manager uses them (security.c): the
 * grant of a descriptor and the access check against it.
 */
#ifndef WINSHIM_CORE_SECURITY_H
#define WINSHIM_CORE_SECURITY_H

#include "core/object.h"

/* Who a security descriptor lets in, in a form that can be stored in
 * shared memory (no pointers) and evaluated for any Linux user.  Users and
 * groups are Linux ids: SIDs S-1-22-1-<uid> and S-1-22-2-<gid> ("Unix
 * User" / "Unix Group", as Samba and Cygwin name them); S-1-5-18 (SYSTEM)
 * is uid 0; CREATOR OWNER / OWNER RIGHTS are the creating user.  Everyone,
 * Authenticated Users, BUILTIN\Users and Interactive match every user
 * (GRANT_WORLD).  An ACE on a SID that names no Linux user or group can
 * never match anyone here and is left out. */
#define GRANT_MAX 16
enum { GRANT_WORLD = 1, GRANT_USER = 2, GRANT_GROUP = 3 };
struct grant_ace {
    uint8_t allow;    /* 1 allowed ACE, 0 denied ACE */
    uint8_t who;      /* GRANT_WORLD, GRANT_USER, GRANT_GROUP */
    uint16_t pad;
    uint32_t id;      /* uid or gid; 0 for GRANT_WORLD */
    ACCESS_MASK mask; /* generic rights mapped with the type's mapping */
};
struct grant {
    uint32_t present;   /* 0: no DACL given (the default: the user's own) */
    uint32_t null_dacl; /* 1: a NULL DACL, everyone has every right */
    uint32_t n;         /* entries used in ace[], in the DACL's order */
    uint32_t pad;
    struct grant_ace ace[GRANT_MAX];
};
/* Reads sa->lpSecurityDescriptor (sa or the descriptor NULL: g->present 0)
 * for an object of type t.  0, or ERROR_UNKNOWN_REVISION for a descriptor
 * of another revision, ERROR_INVALID_ACL for a malformed DACL,
 * ERROR_NOT_SUPPORTED for more than GRANT_MAX mappable ACEs. */
DWORD security_grant(const SECURITY_ATTRIBUTES *sa, const struct object_type *t,
                     struct grant *g);
/* The rights g gives user uid with supplementary groups (ordered
 * evaluation as Windows' AccessCheck: the first ACE that speaks of a right
 * decides it); the owner also has READ_CONTROL | WRITE_DAC.  A NULL DACL
 * gives t->valid_access; no DACL (present 0) gives the owner everything and
 * others nothing. */
ACCESS_MASK security_access(const struct grant *g, const struct object_type *t, uint32_t uid,
                            const uint32_t *gids, uint32_t ngids, uint32_t owner);



#endif
