/*
 * Access tokens: who a process or a thread is, what it may do, and the
 * checks made against it.
 *
 * A token object holds a Linux identity: the effective uid and gid and the
 * supplementary groups (the user is S-1-22-1-<euid>, the groups
 * S-1-22-2-<gid>; security.c has the mapping; root is also a member of
 * BUILTIN\Administrators), and the privileges that identity holds, read
 * from its capability sets (priv_map below: a privilege is present when
 * its capability is permitted).  Privileges start disabled except the few
 * Windows enables by default (SeChangeNotify for everyone; SeImpersonate
 * and SeCreateGlobal for administrators), as a Windows administrator's
 * elevated token has them; enabling one changes only the token, the
 * process keeps its capabilities.
 *
 * A token is primary (a process's) or an impersonation token with a
 * SECURITY_IMPERSONATION_LEVEL; DuplicateToken(Ex) and CreateRestrictedToken
 * make new objects from an old one.  The identity, the type, the level and
 * the restrictions never change after creation; the privilege attributes
 * (AdjustTokenPrivileges) change under the object lock.  Tokens hold no
 * pointers or fds, so a duplicate in another process reads the same; they
 * are not waitable.
 *
 * The process's own token is one object per process, kept by a handle of
 * the process's own table (self_token), so that every OpenProcessToken and
 * the pseudo-handles see one privilege state, as on Windows.
 *
 * Impersonation: a thread's token is in its record (struct ws_thread,
 * imp_token) with a reference; opens of named objects ask
 * token_thread_identity (through ws_hooks) whose uid and groups to check.
 * Only root holds SeImpersonatePrivilege (CAP_SETUID): another process
 * impersonating a token of a different user gets it at the identification
 * level, as Windows downgrades a caller without the privilege.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/capability.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/security.h"
#include "core/self.h"
#include "core/shm.h"
#include "proc/process.h"

#define TOKEN_GROUPS_MAX 64   /* supplementary groups kept (Linux allows 65536) */
#define TOKEN_SIDS_MAX (1 + TOKEN_GROUPS_MAX + 6) /* user, groups, well-known */
#define TOKEN_RESTRICT_MAX 16 /* restricting SIDs */
#define PRIV_MAX 37           /* LUIDs 0..36 */
#define SID_BYTES 68          /* SECURITY_MAX_SID_SIZE */

struct token {
    struct object hdr;
    uint32_t uid, gid;      /* effective */
    uint32_t ngroups;       /* supplementary, at most TOKEN_GROUPS_MAX */
    uint32_t groups[TOKEN_GROUPS_MAX];
    uint32_t type;          /* TokenPrimary, TokenImpersonation */
    uint32_t level;         /* SECURITY_IMPERSONATION_LEVEL (impersonation) */
    uint32_t flags;         /* TF_* */
    uint32_t session;       /* TokenSessionId */
    uint64_t id, auth_id, modified_id; /* LUIDs */
    uint64_t deny_only[2];  /* bit i: entry i of token_sids is deny-only */
    uint32_t nrestrict;
    uint32_t pad;
    uint8_t restrict_sid[TOKEN_RESTRICT_MAX][SID_BYTES];
    uint32_t priv[PRIV_MAX]; /* SE_PRIVILEGE_* | PRIV_HELD; under the lock */
};

#define TF_SANDBOX_INERT 1
#define TF_WRITE_RESTRICTED 2
#define PRIV_HELD 0x40000000u /* the privilege is in the token */

static const uint32_t token_layout[] = {
    LAYOUT_SIZE(struct token),
    LAYOUT_FIELD(struct token, uid),
    LAYOUT_FIELD(struct token, gid),
    LAYOUT_FIELD(struct token, ngroups),
    LAYOUT_FIELD(struct token, groups),
    LAYOUT_FIELD(struct token, type),
    LAYOUT_FIELD(struct token, level),
    LAYOUT_FIELD(struct token, flags),
    LAYOUT_FIELD(struct token, session),
    LAYOUT_FIELD(struct token, id),
    LAYOUT_FIELD(struct token, auth_id),
    LAYOUT_FIELD(struct token, modified_id),
    LAYOUT_FIELD(struct token, deny_only),
    LAYOUT_FIELD(struct token, nrestrict),
    LAYOUT_FIELD(struct token, restrict_sid),
    LAYOUT_FIELD(struct token, priv),
};

const struct object_type token_type = {
    .name = "Token",
    .id = TYPE_TOKEN,
    .size = sizeof(struct token),
    .mapping = {TOKEN_READ, TOKEN_WRITE, TOKEN_EXECUTE, TOKEN_ALL_ACCESS},
    .valid_access = TOKEN_ALL_ACCESS,
    TYPE_LAYOUT(token_layout),
};

/* Pseudo-handles (processthreadsapi.h); they allow queries only. */
#define PSEUDO_PROCESS_TOKEN ((HANDLE)(LONG_PTR)-4)
#define PSEUDO_THREAD_TOKEN ((HANDLE)(LONG_PTR)-5)
#define PSEUDO_EFFECTIVE_TOKEN ((HANDLE)(LONG_PTR)-6)
#define PSEUDO_ACCESS (TOKEN_QUERY | TOKEN_QUERY_SOURCE)

/* ------------------------------------------------------------------ */
/* Privileges                                                          */

/* Each privilege Windows defines, by LUID, and the Linux capability that
 * is the same power (EVERYONE: every user holds it).  Privileges with no
 * Linux counterpart that only SYSTEM holds on Windows (SeCreateToken, ...)
 * follow CAP_SYS_ADMIN. */
#define EVERYONE (-1)
static const struct {
    const char *name;
    int cap;
    bool on; /* enabled by default */
} priv_map[PRIV_MAX] = {
    [2] = {"SeCreateTokenPrivilege", CAP_SYS_ADMIN, false},
    [3] = {"SeAssignPrimaryTokenPrivilege", CAP_SETUID, false},
    [4] = {"SeLockMemoryPrivilege", CAP_IPC_LOCK, false},
    [5] = {"SeIncreaseQuotaPrivilege", CAP_SYS_RESOURCE, false},
    [6] = {"SeMachineAccountPrivilege", CAP_SYS_ADMIN, false},
    [7] = {"SeTcbPrivilege", CAP_SYS_ADMIN, false},
    [8] = {"SeSecurityPrivilege", CAP_AUDIT_CONTROL, false},
    [9] = {"SeTakeOwnershipPrivilege", CAP_CHOWN, false},
    [10] = {"SeLoadDriverPrivilege", CAP_SYS_MODULE, false},
    [11] = {"SeSystemProfilePrivilege", CAP_SYS_ADMIN, false},
    [12] = {"SeSystemtimePrivilege", CAP_SYS_TIME, false},
    [13] = {"SeProfileSingleProcessPrivilege", CAP_SYS_PTRACE, false},
    [14] = {"SeIncreaseBasePriorityPrivilege", CAP_SYS_NICE, false},
    [15] = {"SeCreatePagefilePrivilege", CAP_SYS_ADMIN, false},
    [16] = {"SeCreatePermanentPrivilege", CAP_SYS_ADMIN, false},
    [17] = {"SeBackupPrivilege", CAP_DAC_READ_SEARCH, false},
    [18] = {"SeRestorePrivilege", CAP_DAC_OVERRIDE, false},
    [19] = {"SeShutdownPrivilege", CAP_SYS_BOOT, false},
    [20] = {"SeDebugPrivilege", CAP_SYS_PTRACE, false},
    [21] = {"SeAuditPrivilege", CAP_AUDIT_WRITE, false},
    [22] = {"SeSystemEnvironmentPrivilege", CAP_SYS_ADMIN, false},
    [23] = {"SeChangeNotifyPrivilege", EVERYONE, true},
    [24] = {"SeRemoteShutdownPrivilege", CAP_SYS_BOOT, false},
    [25] = {"SeUndockPrivilege", CAP_SYS_ADMIN, false},
    [26] = {"SeSyncAgentPrivilege", CAP_SYS_ADMIN, false},
    [27] = {"SeEnableDelegationPrivilege", CAP_SYS_ADMIN, false},
    [28] = {"SeManageVolumePrivilege", CAP_SYS_ADMIN, false},
    [29] = {"SeImpersonatePrivilege", CAP_SETUID, true},
    [30] = {"SeCreateGlobalPrivilege", CAP_SYS_ADMIN, true},
    [31] = {"SeTrustedCredManAccessPrivilege", CAP_SYS_ADMIN, false},
    [32] = {"SeRelabelPrivilege", CAP_SYS_ADMIN, false},
    [33] = {"SeIncreaseWorkingSetPrivilege", EVERYONE, false},
    [34] = {"SeTimeZonePrivilege", EVERYONE, false},
    [35] = {"SeCreateSymbolicLinkPrivilege", EVERYONE, false},
    [36] = {"SeDelegateSessionUserImpersonatePrivilege", CAP_SETUID, false},
};

static void privs_from_caps(struct token *t, uint64_t permitted)
{
    for (int i = 0; i < PRIV_MAX; i++) {
        if (!priv_map[i].name)
            continue;
        int cap = priv_map[i].cap;
        if (cap != EVERYONE && !(permitted >> cap & 1))
            continue;
        t->priv[i] = PRIV_HELD | (priv_map[i].on ? SE_PRIVILEGE_ENABLED_BY_DEFAULT |
                                                       SE_PRIVILEGE_ENABLED
                                                 : 0);
    }
}

static int priv_index(const LUID *l)
{
    if (l->HighPart || l->LowPart >= PRIV_MAX || !priv_map[l->LowPart].name)
        return -1;
    return (int)l->LowPart;
}

/* ------------------------------------------------------------------ */
/* Credentials                                                         */

/* A locally unique id: the process id above a counter of the process,
 * unique among the processes of the machine that live at once. */
static uint64_t luid_next(void)
{
    static _Atomic uint32_t n;
    return (uint64_t)(uint32_t)getpid() << 32 | (atomic_fetch_add(&n, 1) + 1);
}

/* The credentials of process pid (0: this one) from /proc/<pid>/status:
 * effective ids, groups and permitted capabilities. */
static DWORD creds_of(pid_t pid, struct token *t, uint64_t *caps)
{
    char path[64], line[4096];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    FILE *f = fopen(path, "re");
    if (!f)
        return ERROR_ACCESS_DENIED; /* gone, or hidden from us */
    int have = 0;
    t->ngroups = 0;
    *caps = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned r, e;
        unsigned long long c;
        if (sscanf(line, "Uid:\t%u\t%u", &r, &e) == 2)
            t->uid = e, have |= 1;
        else if (sscanf(line, "Gid:\t%u\t%u", &r, &e) == 2)
            t->gid = e, have |= 2;
        else if (sscanf(line, "CapPrm:\t%llx", &c) == 1)
            *caps = c;
        else if (!strncmp(line, "Groups:", 7)) {
            char *p = line + 7, *end;
            while (t->ngroups < TOKEN_GROUPS_MAX) {
                unsigned long v = strtoul(p, &end, 10);
                if (end == p)
                    break;
                t->groups[t->ngroups++] = (uint32_t)v;
                p = end;
            }
        }
    }
    fclose(f);
    if (!pid) { /* our own: exact, even between a setuid and the file */
        t->uid = (uint32_t)geteuid();
        t->gid = (uint32_t)getegid();
    }
    return have == 3 ? ERROR_SUCCESS : ERROR_ACCESS_DENIED;
}

/* A new token object for process pid (0: this one), primary. */
static struct object *token_of_process(pid_t pid, DWORD *err)
{
    struct token creds;
    uint64_t caps;
    memset(&creds, 0, sizeof creds);
    if ((*err = creds_of(pid, &creds, &caps)))
        return NULL;
    struct object *o = object_new(&token_type, 0, 0, err);
    if (!o)
        return NULL;
    struct token *t = (struct token *)o;
    t->uid = creds.uid;
    t->gid = creds.gid;
    t->ngroups = creds.ngroups;
    memcpy(t->groups, creds.groups, sizeof t->groups);
    t->type = TokenPrimary;
    t->level = SecurityAnonymous;
    t->session = 1; /* the interactive session (ProcessIdToSessionId) */
    t->id = luid_next();
    t->auth_id = 0x3e7 + t->uid + 1; /* a logon session per user */
    t->modified_id = t->id;
    privs_from_caps(t, caps);
    return o;
}

/* ------------------------------------------------------------------ */
/* Handles                                                             */

/* The process's own token, kept by a handle of this process. */
static pthread_mutex_t self_lock = PTHREAD_MUTEX_INITIALIZER;
static HANDLE self_token;
static pid_t self_token_pid;

/* A reference on the process's token object. */
static DWORD self_token_ref(struct object **out)
{
    DWORD err = ERROR_SUCCESS;
    pthread_mutex_lock(&self_lock);
    if (self_token && self_token_pid == getpid() &&
        !handle_ref(self_token, &token_type, 0, out, NULL)) {
        pthread_mutex_unlock(&self_lock);
        return ERROR_SUCCESS;
    }
    struct object *o = token_of_process(0, &err);
    if (o) {
        object_handle_open(o);
        object_ref(o); /* the caller's */
        HANDLE h;
        if ((err = handle_insert(o, TOKEN_ALL_ACCESS, 0, &h))) {
            object_handle_close(o);
            object_unref(o);
            object_unref(o);
        } else {
            self_token = h;
            self_token_pid = getpid();
            *out = o;
        }
    }
    pthread_mutex_unlock(&self_lock);
    return err;
}

/* A reference on the calling thread's impersonation token; NULL if none. */
static struct object *thread_token_ref(struct ws_thread *w)
{
    ws_rcu_lock();
    struct object *o = atomic_load(&w->imp_token);
    if (o && !object_ref_live(o))
        o = NULL;
    ws_rcu_unlock();
    return o;
}

/* The token a handle names, with a reference, if the handle grants need:
 * a token handle or one of the three pseudo-handles. */
static DWORD token_ref(HANDLE h, ACCESS_MASK need, struct object **out, ACCESS_MASK *granted)
{
    if (h == PSEUDO_PROCESS_TOKEN || h == PSEUDO_THREAD_TOKEN || h == PSEUDO_EFFECTIVE_TOKEN) {
        arena_init();
        if (need & ~(ACCESS_MASK)PSEUDO_ACCESS)
            return ERROR_ACCESS_DENIED;
        if (granted)
            *granted = PSEUDO_ACCESS;
        if (h != PSEUDO_PROCESS_TOKEN && (*out = thread_token_ref(thread_current())))
            return ERROR_SUCCESS;
        if (h == PSEUDO_THREAD_TOKEN)
            return ERROR_NO_TOKEN;
        return self_token_ref(out);
    }
    arena_init();
    return handle_ref(h, &token_type, need, out, granted);
}

/* A new handle for a new token object o (one reference, no handle). */
static DWORD token_publish(struct object *o, ACCESS_MASK access, BOOL inherit, HANDLE *out)
{
    object_handle_open(o);
    DWORD err = handle_insert(o, access, inherit ? HANDLE_FLAG_INHERIT : 0, out);
    if (err) {
        object_handle_close(o);
        object_unref(o);
    }
    return err;
}

/* The rights asked of a token: ACCESS_SYSTEM_SECURITY needs a privilege
 * nobody holds here; rights tokens do not define are refused. */
static DWORD token_access(DWORD want, ACCESS_MASK *out)
{
    if (want & ACCESS_SYSTEM_SECURITY)
        return ERROR_PRIVILEGE_NOT_HELD;
    if (want & ~(DWORD)(TOKEN_ALL_ACCESS | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE |
                        GENERIC_ALL | MAXIMUM_ALLOWED))
        return ERROR_ACCESS_DENIED;
    *out = object_map_access(&token_type, want);
    if (*out & MAXIMUM_ALLOWED)
        *out = TOKEN_ALL_ACCESS;
    return ERROR_SUCCESS;
}

/* A token's default DACL gives its user and SYSTEM everything. */
static bool token_opens_for(const struct token *t, uint32_t uid)
{
    return uid == t->uid || uid == 0;
}

/* A consistent copy of a token (the privileges change under the lock). */
static void token_copy(struct object *o, struct token *out)
{
    obj_lock(o);
    memcpy(out, o, sizeof *out);
    obj_unlock(o);
}

WS_EXPORT BOOL WINAPI OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess,
                                       PHANDLE TokenHandle)
{
    arena_init();
    struct object *p;
    ACCESS_MASK access = 0;
    DWORD err = handle_ref(ProcessHandle, &process_type, PROCESS_QUERY_LIMITED_INFORMATION, &p,
                           NULL);
    if (err)
        return ws_bool(err);
    if (!TokenHandle)
        err = ERROR_NOACCESS;
    else
        err = token_access(DesiredAccess, &access);
    struct object *o = NULL;
    if (!err) {
        if (p == process_self_object()) {
            if (!(err = self_token_ref(&o)))
                object_handle_open(o);
        } else if ((o = token_of_process(process_object_pid(p), &err))) {
            if (!token_opens_for((struct token *)o, (uint32_t)geteuid())) {
                object_unref(o);
                o = NULL;
                err = ERROR_ACCESS_DENIED;
            } else {
                object_handle_open(o);
            }
        }
    }
    object_unref(p);
    if (err)
        return ws_bool(err);
    if ((err = handle_insert(o, access, 0, TokenHandle))) {
        object_handle_close(o);
        object_unref(o);
    }
    return ws_bool(err);
}

/* ------------------------------------------------------------------ */
/* New tokens from old                                                 */

static bool level_valid(SECURITY_IMPERSONATION_LEVEL l)
{
    return (unsigned)l <= SecurityDelegation;
}

/* A copy of token src as type/level (the rules of NtDuplicateToken). */
static DWORD token_dup(struct object *src, TOKEN_TYPE type, SECURITY_IMPERSONATION_LEVEL level,
                       struct object **out)
{
    if (type != TokenPrimary && type != TokenImpersonation)
        return ERROR_INVALID_PARAMETER;
    if (type == TokenImpersonation && !level_valid(level))
        return ERROR_BAD_IMPERSONATION_LEVEL;
    struct token s;
    token_copy(src, &s);
    /* An impersonation token gives no higher level than its own, and a
     * primary token only from the impersonation level up. */
    if (s.type == TokenImpersonation &&
        ((type == TokenImpersonation && level > (SECURITY_IMPERSONATION_LEVEL)s.level) ||
         (type == TokenPrimary && s.level < SecurityImpersonation)))
        return ERROR_BAD_IMPERSONATION_LEVEL;
    DWORD err;
    struct object *o = object_new(&token_type, 0, 0, &err);
    if (!o)
        return err;
    struct token *t = (struct token *)o;
    memcpy((char *)t + sizeof t->hdr, (char *)&s + sizeof s.hdr, sizeof s - sizeof s.hdr);
    t->type = type;
    t->level = type == TokenImpersonation ? level : SecurityAnonymous;
    t->id = luid_next();
    t->modified_id = s.modified_id;
    *out = o;
    return ERROR_SUCCESS;
}

static DWORD duplicate(HANDLE h, DWORD access, LPSECURITY_ATTRIBUTES sa,
                       SECURITY_IMPERSONATION_LEVEL level, TOKEN_TYPE type, PHANDLE out)
{
    struct object *src, *o = NULL;
    ACCESS_MASK have, want = 0;
    DWORD err = token_ref(h, TOKEN_DUPLICATE, &src, &have);
    if (err)
        return err;
    if (!out)
        err = ERROR_NOACCESS;
    else if (!access)
        want = have; /* 0: the source handle's rights */
    else
        err = token_access(access, &want);
    if (!err)
        err = token_dup(src, type, level, &o);
    object_unref(src);
    if (err)
        return err;
    return token_publish(o, want, sa && sa->bInheritHandle, out);
}

WS_EXPORT BOOL WINAPI DuplicateTokenEx(HANDLE hExistingToken, DWORD dwDesiredAccess,
                                       LPSECURITY_ATTRIBUTES lpTokenAttributes,
                                       SECURITY_IMPERSONATION_LEVEL ImpersonationLevel,
                                       TOKEN_TYPE type, PHANDLE phNewToken)
{
    return ws_bool(duplicate(hExistingToken, dwDesiredAccess, lpTokenAttributes,
                             ImpersonationLevel, type, phNewToken));
}

WS_EXPORT BOOL WINAPI DuplicateToken(HANDLE ExistingTokenHandle,
                                     SECURITY_IMPERSONATION_LEVEL ImpersonationLevel,
                                     PHANDLE DuplicateTokenHandle)
{
    return ws_bool(duplicate(ExistingTokenHandle, TOKEN_IMPERSONATE | TOKEN_QUERY, NULL,
                             ImpersonationLevel, TokenImpersonation, DuplicateTokenHandle));
}

/* ------------------------------------------------------------------ */
/* The SIDs of a token                                                 */

/* A SID of up to two sub-authorities into buf (16 bytes).  Not through
 * GetSidSubAuthority, which sets the last error. */
static SID *make_sid(BYTE *buf, BYTE auth, BYTE n, DWORD r0, DWORD r1)
{
    const BYTE head[8] = {SID_REVISION, n, 0, 0, 0, 0, 0, auth};
    memcpy(buf, head, 8);
    memcpy(buf + 8, &r0, 4);
    memcpy(buf + 12, &r1, 4);
    return (SID *)buf;
}

static SID *unix_sid(BYTE *buf, uint32_t rid, uint32_t id)
{
    return make_sid(buf, 22, 2, rid, id);
}

/* Entry 0 is the user; then the primary and supplementary Linux groups,
 * BUILTIN\Administrators for root, and the well-known groups every Linux
 * user is in (those that security_grant maps to every user). */
struct sid_list {
    uint32_t n;
    BYTE sid[TOKEN_SIDS_MAX][16];
    DWORD attr[TOKEN_SIDS_MAX];
};

#define GROUP_ON (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)

static void token_sids(const struct token *t, struct sid_list *l)
{
    static const struct {
        BYTE auth, n;
        DWORD r0, r1;
    } world[] = {
        {1, 1, SECURITY_WORLD_RID, 0},
        {5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS},
        {5, 1, SECURITY_INTERACTIVE_RID, 0},
        {5, 1, SECURITY_AUTHENTICATED_USER_RID, 0},
    };
    l->n = 0;
    l->attr[l->n] = 0;
    unix_sid(l->sid[l->n++], 1, t->uid);
    l->attr[l->n] = GROUP_ON;
    unix_sid(l->sid[l->n++], 2, t->gid);
    for (uint32_t i = 0; i < t->ngroups && i < TOKEN_GROUPS_MAX; i++)
        if (t->groups[i] != t->gid) {
            l->attr[l->n] = GROUP_ON;
            unix_sid(l->sid[l->n++], 2, t->groups[i]);
        }
    if (t->uid == 0) {
        l->attr[l->n] = GROUP_ON | SE_GROUP_OWNER;
        make_sid(l->sid[l->n++], 5, 2, SECURITY_BUILTIN_DOMAIN_RID,
                 DOMAIN_ALIAS_RID_ADMINS);
    }
    for (size_t i = 0; i < sizeof world / sizeof *world; i++) {
        l->attr[l->n] = GROUP_ON;
        make_sid(l->sid[l->n++], world[i].auth, world[i].n, world[i].r0, world[i].r1);
    }
    for (uint32_t i = 0; i < l->n; i++)
        if (t->deny_only[i / 64] >> (i % 64) & 1)
            l->attr[i] = (l->attr[i] & ~(DWORD)(SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT |
                                                SE_GROUP_OWNER)) |
                         SE_GROUP_USE_FOR_DENY_ONLY;
}

/* Whether sid is among the token's SIDs; with `deny` also deny-only ones
 * count (a denied ACE matches those). */
static bool token_has_sid(const struct sid_list *l, PSID sid, bool deny)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (EqualSid((PSID)l->sid[i], sid) &&
            (deny || !(l->attr[i] & SE_GROUP_USE_FOR_DENY_ONLY)))
            return true;
    return false;
}

static bool token_restricts_to(const struct token *t, PSID sid)
{
    for (uint32_t i = 0; i < t->nrestrict; i++)
        if (EqualSid((PSID)t->restrict_sid[i], sid))
            return true;
    return false;
}

/* The integrity level: high for root (an elevated administrator),
 * medium for everyone else. */
static DWORD token_integrity(const struct token *t)
{
    return t->uid == 0 ? SECURITY_MANDATORY_HIGH_RID : SECURITY_MANDATORY_MEDIUM_RID;
}

/* ------------------------------------------------------------------ */
/* CreateRestrictedToken                                               */

WS_EXPORT BOOL WINAPI CreateRestrictedToken(HANDLE ExistingTokenHandle, DWORD Flags,
                                            DWORD DisableSidCount,
                                            PSID_AND_ATTRIBUTES SidsToDisable,
                                            DWORD DeletePrivilegeCount,
                                            PLUID_AND_ATTRIBUTES PrivilegesToDelete,
                                            DWORD RestrictedSidCount,
                                            PSID_AND_ATTRIBUTES SidsToRestrict,
                                            PHANDLE NewTokenHandle)
{
    if (Flags & ~(DWORD)(DISABLE_MAX_PRIVILEGE | SANDBOX_INERT | LUA_TOKEN | WRITE_RESTRICTED))
        return ws_bool(ERROR_INVALID_PARAMETER);
    if ((DisableSidCount && !SidsToDisable) || (DeletePrivilegeCount && !PrivilegesToDelete) ||
        (RestrictedSidCount && !SidsToRestrict))
        return ws_bool(ERROR_INVALID_PARAMETER);
    for (DWORD i = 0; i < DisableSidCount; i++)
        if (!IsValidSid(SidsToDisable[i].Sid))
            return ws_bool(ERROR_INVALID_SID);
    for (DWORD i = 0; i < RestrictedSidCount; i++)
        if (!IsValidSid(SidsToRestrict[i].Sid))
            return ws_bool(ERROR_INVALID_SID);
    if (!NewTokenHandle)
        return ws_bool(ERROR_NOACCESS);
    struct object *src, *o;
    DWORD err = token_ref(ExistingTokenHandle, TOKEN_DUPLICATE, &src, NULL);
    if (err)
        return ws_bool(err);
    struct token s;
    token_copy(src, &s);
    err = token_dup(src, (TOKEN_TYPE)s.type, (SECURITY_IMPERSONATION_LEVEL)s.level, &o);
    object_unref(src);
    if (err)
        return ws_bool(err);
    struct token *t = (struct token *)o;
    struct sid_list l;
    token_sids(t, &l);
    for (DWORD i = 0; i < DisableSidCount; i++)
        for (uint32_t k = 0; k < l.n; k++)
            if (EqualSid(l.sid[k], SidsToDisable[i].Sid))
                t->deny_only[k / 64] |= 1ull << (k % 64);
    if (Flags & LUA_TOKEN) /* a filtered administrator: Administrators deny-only */
        for (uint32_t k = 0; k < l.n; k++) {
            const SID *sid = (const SID *)l.sid[k];
            if (sid->SubAuthorityCount == 2 && sid->SubAuthority[1] == DOMAIN_ALIAS_RID_ADMINS &&
                sid->IdentifierAuthority.Value[5] == 5)
                t->deny_only[k / 64] |= 1ull << (k % 64);
        }
    for (DWORD i = 0; i < DeletePrivilegeCount; i++) {
        int k = priv_index(&PrivilegesToDelete[i].Luid);
        if (k >= 0)
            t->priv[k] = 0;
    }
    if (Flags & (DISABLE_MAX_PRIVILEGE | LUA_TOKEN))
        for (int k = 0; k < PRIV_MAX; k++)
            if (k != 23) /* all but SeChangeNotifyPrivilege */
                t->priv[k] = 0;
    /* Restricting SIDs add to those the source already had. */
    for (DWORD i = 0; i < RestrictedSidCount; i++) {
        if (token_restricts_to(t, SidsToRestrict[i].Sid))
            continue;
        DWORD len = GetLengthSid(SidsToRestrict[i].Sid);
        if (t->nrestrict == TOKEN_RESTRICT_MAX || len > SID_BYTES) {
            object_unref(o);
            return ws_bool(ERROR_NOT_SUPPORTED);
        }
        memcpy(t->restrict_sid[t->nrestrict++], SidsToRestrict[i].Sid, len);
    }
    if (Flags & SANDBOX_INERT)
        t->flags |= TF_SANDBOX_INERT;
    if (Flags & WRITE_RESTRICTED)
        t->flags |= TF_WRITE_RESTRICTED;
    t->modified_id = luid_next();
    return ws_bool(token_publish(o, TOKEN_ALL_ACCESS, FALSE, NewTokenHandle));
}

WS_EXPORT BOOL WINAPI IsTokenRestricted(HANDLE TokenHandle)
{
    struct object *o;
    DWORD err = token_ref(TokenHandle, TOKEN_QUERY, &o, NULL);
    if (err)
        return ws_bool(err);
    bool r = ((struct token *)o)->nrestrict != 0;
    object_unref(o);
    ws_set_last_error(ERROR_SUCCESS);
    return r;
}

/* ------------------------------------------------------------------ */
/* Impersonation                                                       */

/* Puts token o (a reference the call takes over; NULL: none) on thread w. */
static void thread_set_token(struct ws_thread *w, struct object *o)
{
    struct object *old = atomic_exchange(&w->imp_token, o);
    if (old)
        object_unref_deferred(old);
}

/* The token a thread may impersonate given token src: a caller without
 * SeImpersonatePrivilege (CAP_SETUID here) impersonating another user
 * gets the identification level, as Windows downgrades it. */
static DWORD impersonation_token(struct object *src, struct object **out)
{
    struct token s;
    token_copy(src, &s);
    SECURITY_IMPERSONATION_LEVEL level =
        s.type == TokenImpersonation ? (SECURITY_IMPERSONATION_LEVEL)s.level
                                     : SecurityImpersonation;
    if (s.uid != (uint32_t)geteuid() && level > SecurityIdentification) {
        uint64_t caps = 0;
        struct token me;
        if (creds_of(0, &me, &caps) || !(caps >> CAP_SETUID & 1))
            level = SecurityIdentification;
    }
    if (s.type == TokenImpersonation && level == (SECURITY_IMPERSONATION_LEVEL)s.level) {
        object_ref(src); /* the same token, as SetThreadToken shares it */
        *out = src;
        return ERROR_SUCCESS;
    }
    return token_dup(src, TokenImpersonation, level, out);
}

WS_EXPORT BOOL WINAPI ImpersonateSelf(SECURITY_IMPERSONATION_LEVEL ImpersonationLevel)
{
    if (!level_valid(ImpersonationLevel))
        return ws_bool(ERROR_BAD_IMPERSONATION_LEVEL);
    arena_init();
    struct object *p, *o;
    DWORD err = self_token_ref(&p);
    if (err)
        return ws_bool(err);
    err = token_dup(p, TokenImpersonation, ImpersonationLevel, &o);
    object_unref(p);
    if (err)
        return ws_bool(err);
    thread_set_token(thread_current(), o);
    return TRUE;
}

WS_EXPORT BOOL WINAPI ImpersonateLoggedOnUser(HANDLE hToken)
{
    struct object *src, *o;
    ACCESS_MASK have;
    DWORD err = token_ref(hToken, TOKEN_QUERY, &src, &have);
    if (err)
        return ws_bool(err);
    /* A primary token is duplicated (TOKEN_DUPLICATE); an impersonation
     * token is used itself (TOKEN_IMPERSONATE). */
    const struct token *s = (const struct token *)src;
    if (!(have & (s->type == TokenPrimary ? TOKEN_DUPLICATE : TOKEN_IMPERSONATE)))
        err = ERROR_ACCESS_DENIED;
    else
        err = impersonation_token(src, &o);
    object_unref(src);
    if (err)
        return ws_bool(err);
    thread_set_token(thread_current(), o);
    return TRUE;
}

WS_EXPORT BOOL WINAPI RevertToSelf(VOID)
{
    arena_init();
    thread_set_token(thread_current(), NULL);
    return TRUE;
}

/* A reference on the thread object a handle names, if it grants need. */
static DWORD thread_of(HANDLE h, ACCESS_MASK need, struct object **out)
{
    arena_init();
    return handle_ref(h, &thread_type, need, out, NULL);
}

WS_EXPORT BOOL WINAPI SetThreadToken(PHANDLE Thread, HANDLE Token)
{
    struct object *o = NULL, *th = NULL;
    DWORD err = ERROR_SUCCESS;
    if (Token) {
        struct object *src;
        if ((err = token_ref(Token, TOKEN_IMPERSONATE, &src, NULL)))
            return ws_bool(err);
        if (((struct token *)src)->type != TokenImpersonation)
            err = ERROR_BAD_TOKEN_TYPE;
        else
            err = impersonation_token(src, &o);
        object_unref(src);
        if (err)
            return ws_bool(err);
    }
    if (!Thread) {
        arena_init();
        thread_set_token(thread_current(), o);
        return TRUE;
    }
    if ((err = thread_of(*Thread, THREAD_SET_THREAD_TOKEN, &th))) {
        if (o)
            object_unref(o);
        return ws_bool(err);
    }
    obj_lock(th);
    struct ws_thread *w = ws_hooks.thread_record(th);
    if (w)
        thread_set_token(w, o);
    obj_unlock(th);
    object_unref(th);
    if (!w) {
        if (o)
            object_unref(o);
        /* Ended, or a thread of another process, whose record is not
         * ours to change. */
        return ws_bool(ERROR_INVALID_HANDLE);
    }
    return TRUE;
}

WS_EXPORT BOOL WINAPI OpenThreadToken(HANDLE ThreadHandle, DWORD DesiredAccess, BOOL OpenAsSelf,
                                      PHANDLE TokenHandle)
{
    struct object *th, *o = NULL;
    ACCESS_MASK access = 0;
    DWORD err = thread_of(ThreadHandle, THREAD_QUERY_LIMITED_INFORMATION, &th);
    if (err)
        return ws_bool(err);
    if (!TokenHandle)
        err = ERROR_NOACCESS;
    if (!err)
        err = token_access(DesiredAccess, &access);
    if (!err) {
        obj_lock(th);
        struct ws_thread *w = ws_hooks.thread_record(th);
        if (w)
            o = thread_token_ref(w);
        obj_unlock(th);
    }
    object_unref(th);
    if (err)
        return ws_bool(err);
    if (!o)
        return ws_bool(ERROR_NO_TOKEN);
    const struct token *t = (const struct token *)o;
    if (t->level == SecurityAnonymous) {
        err = ERROR_CANT_OPEN_ANONYMOUS;
    } else if (!OpenAsSelf) {
        /* The open is checked as the calling thread is: as the token it
         * impersonates, which must be able to act. */
        uint32_t uid, gids[64], n;
        DWORD e = token_thread_identity(&uid, gids, &n);
        if (e == ERROR_NO_TOKEN)
            uid = (uint32_t)geteuid();
        else if (e)
            err = e;
        if (!err && !token_opens_for(t, uid))
            err = ERROR_ACCESS_DENIED;
    } else if (!token_opens_for(t, (uint32_t)geteuid())) {
        err = ERROR_ACCESS_DENIED;
    }
    if (err) {
        object_unref(o);
        return ws_bool(err);
    }
    object_handle_open(o);
    if ((err = handle_insert(o, access, 0, TokenHandle))) {
        object_handle_close(o);
        object_unref(o);
    }
    return ws_bool(err);
}

DWORD token_thread_identity(uint32_t *uid, uint32_t *gids, uint32_t *ngids)
{
    struct ws_thread *w = ws_current;
    if (!w || !atomic_load_explicit(&w->imp_token, memory_order_relaxed))
        return ERROR_NO_TOKEN;
    DWORD err = ERROR_NO_TOKEN;
    ws_rcu_lock();
    const struct token *t = (const struct token *)atomic_load(&w->imp_token);
    if (t && t->level < SecurityImpersonation) {
        err = ERROR_BAD_IMPERSONATION_LEVEL;
    } else if (t) {
        *uid = t->uid;
        *ngids = 0;
        gids[(*ngids)++] = t->gid;
        for (uint32_t i = 0; i < t->ngroups && *ngids < 64; i++)
            gids[(*ngids)++] = t->groups[i];
        err = ERROR_SUCCESS;
    }
    ws_rcu_unlock();
    return err;
}

void token_thread_exit(struct ws_thread *w)
{
    struct object *o = atomic_exchange(&w->imp_token, NULL);
    if (o)
        object_unref(o);
}

/* ------------------------------------------------------------------ */
/* GetTokenInformation, SetTokenInformation                            */

/* One SID after a fixed header of `head` bytes whose first pointer field
 * points at it (TOKEN_USER, TOKEN_OWNER, TOKEN_PRIMARY_GROUP,
 * TOKEN_MANDATORY_LABEL); attr goes after the pointer when head has room. */
static DWORD put_one_sid(void *out, DWORD cap, DWORD *len, DWORD head, const SID *sid,
                         DWORD attr)
{
    DWORD sl = GetLengthSid((PSID)sid);
    *len = head + sl;
    if (cap < *len || !out)
        return ERROR_INSUFFICIENT_BUFFER;
    BYTE *b = out;
    memset(b, 0, head);
    memcpy(b + head, sid, sl);
    PSID p = b + head;
    memcpy(b, &p, sizeof p);
    if (head >= sizeof(SID_AND_ATTRIBUTES))
        memcpy(b + offsetof(SID_AND_ATTRIBUTES, Attributes), &attr, sizeof attr);
    return 0;
}

/* A TOKEN_GROUPS of the n SIDs given with their attributes. */
static DWORD put_groups(void *out, DWORD cap, DWORD *len, uint32_t n, const BYTE *const *sids,
                        const DWORD *attrs)
{
    DWORD head = (DWORD)(offsetof(TOKEN_GROUPS, Groups) + n * sizeof(SID_AND_ATTRIBUTES));
    *len = head;
    for (uint32_t i = 0; i < n; i++)
        *len += GetLengthSid((PSID)sids[i]);
    if (cap < *len || !out)
        return ERROR_INSUFFICIENT_BUFFER;
    TOKEN_GROUPS *g = out;
    g->GroupCount = n;
    /* Groups is declared [ANYSIZE_ARRAY]: index past 0 through a pointer. */
    SID_AND_ATTRIBUTES *ga = g->Groups;
    BYTE *at = (BYTE *)out + head;
    for (uint32_t i = 0; i < n; i++) {
        DWORD sl = GetLengthSid((PSID)sids[i]);
        memcpy(at, sids[i], sl);
        ga[i].Sid = at;
        ga[i].Attributes = attrs[i];
        at += sl;
    }
    return 0;
}

static DWORD put_value(void *out, DWORD cap, DWORD *len, const void *v, DWORD size)
{
    *len = size;
    if (cap < size || !out)
        return ERROR_INSUFFICIENT_BUFFER;
    memcpy(out, v, size);
    return 0;
}

static DWORD priv_count(const struct token *t)
{
    DWORD n = 0;
    for (int i = 0; i < PRIV_MAX; i++)
        n += (t->priv[i] & PRIV_HELD) != 0;
    return n;
}

static DWORD token_query(const struct token *t, TOKEN_INFORMATION_CLASS c, void *out, DWORD cap,
                         DWORD *len)
{
    BYTE sb[16];
    struct sid_list l;
    switch (c) {
    case TokenUser:
        token_sids(t, &l);
        return put_one_sid(out, cap, len, sizeof(TOKEN_USER), (SID *)l.sid[0], l.attr[0]);
    case TokenOwner:
        return put_one_sid(out, cap, len, sizeof(TOKEN_OWNER), unix_sid(sb, 1, t->uid), 0);
    case TokenPrimaryGroup:
        return put_one_sid(out, cap, len, sizeof(TOKEN_PRIMARY_GROUP), unix_sid(sb, 2, t->gid),
                           0);
    case TokenGroups: {
        token_sids(t, &l);
        const BYTE *sids[TOKEN_SIDS_MAX];
        for (uint32_t i = 1; i < l.n; i++)
            sids[i - 1] = l.sid[i];
        return put_groups(out, cap, len, l.n - 1, sids, l.attr + 1);
    }
    case TokenRestrictedSids: {
        const BYTE *sids[TOKEN_RESTRICT_MAX];
        DWORD attrs[TOKEN_RESTRICT_MAX];
        for (uint32_t i = 0; i < t->nrestrict; i++) {
            sids[i] = t->restrict_sid[i];
            attrs[i] = GROUP_ON;
        }
        return put_groups(out, cap, len, t->nrestrict, sids, attrs);
    }
    case TokenPrivileges: {
        DWORD n = priv_count(t);
        *len = (DWORD)(offsetof(TOKEN_PRIVILEGES, Privileges) + n * sizeof(LUID_AND_ATTRIBUTES));
        if (cap < *len || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        TOKEN_PRIVILEGES *p = out;
        p->PrivilegeCount = n;
        LUID_AND_ATTRIBUTES *pa = p->Privileges; /* [ANYSIZE_ARRAY] */
        DWORD k = 0;
        for (int i = 0; i < PRIV_MAX; i++)
            if (t->priv[i] & PRIV_HELD) {
                pa[k].Luid.LowPart = (DWORD)i;
                pa[k].Luid.HighPart = 0;
                pa[k++].Attributes = t->priv[i] & ~PRIV_HELD;
            }
        return 0;
    }
    case TokenType: {
        TOKEN_TYPE v = (TOKEN_TYPE)t->type;
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenImpersonationLevel: {
        if (t->type != TokenImpersonation)
            return ERROR_INVALID_PARAMETER; /* a primary token has none */
        SECURITY_IMPERSONATION_LEVEL v = (SECURITY_IMPERSONATION_LEVEL)t->level;
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenElevation: {
        TOKEN_ELEVATION e = {t->uid == 0}; /* root is the elevated administrator */
        return put_value(out, cap, len, &e, sizeof e);
    }
    case TokenElevationType: {
        /* No split tokens: root and everyone else are "default". */
        TOKEN_ELEVATION_TYPE e = TokenElevationTypeDefault;
        return put_value(out, cap, len, &e, sizeof e);
    }
    case TokenSessionId: {
        DWORD v = t->session;
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenIntegrityLevel:
        return put_one_sid(out, cap, len, sizeof(TOKEN_MANDATORY_LABEL),
                           make_sid(sb, 16, 1, token_integrity(t), 0),
                           SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED);
    case TokenStatistics: {
        TOKEN_STATISTICS s;
        memset(&s, 0, sizeof s);
        s.TokenId.LowPart = (DWORD)t->id;
        s.TokenId.HighPart = (LONG)(t->id >> 32);
        s.AuthenticationId.LowPart = (DWORD)t->auth_id;
        s.AuthenticationId.HighPart = (LONG)(t->auth_id >> 32);
        s.ExpirationTime.QuadPart = 0x7fffffffffffffffLL; /* never */
        s.TokenType = (TOKEN_TYPE)t->type;
        s.ImpersonationLevel = (SECURITY_IMPERSONATION_LEVEL)t->level;
        token_sids(t, &l);
        s.GroupCount = l.n - 1;
        s.PrivilegeCount = priv_count(t);
        s.ModifiedId.LowPart = (DWORD)t->modified_id;
        s.ModifiedId.HighPart = (LONG)(t->modified_id >> 32);
        return put_value(out, cap, len, &s, sizeof s);
    }
    case TokenSource: {
        TOKEN_SOURCE s;
        memset(&s, 0, sizeof s);
        memcpy(s.SourceName, "winshim", 7); /* Windows: "User32  " for logons */
        return put_value(out, cap, len, &s, sizeof s);
    }
    case TokenOrigin: {
        TOKEN_ORIGIN o;
        o.OriginatingLogonSession.LowPart = (DWORD)t->auth_id;
        o.OriginatingLogonSession.HighPart = (LONG)(t->auth_id >> 32);
        return put_value(out, cap, len, &o, sizeof o);
    }
    case TokenHasRestrictions: {
        DWORD v = t->nrestrict != 0 || (t->deny_only[0] | t->deny_only[1]) != 0;
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenIsRestricted: {
        DWORD v = t->nrestrict != 0;
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenSandBoxInert: {
        DWORD v = (t->flags & TF_SANDBOX_INERT) != 0;
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenVirtualizationAllowed:
    case TokenVirtualizationEnabled:
    case TokenUIAccess:
    case TokenIsAppContainer: {
        DWORD v = 0; /* no UAC virtualisation, UI access or app containers */
        return put_value(out, cap, len, &v, sizeof v);
    }
    case TokenMandatoryPolicy: {
        TOKEN_MANDATORY_POLICY p = {TOKEN_MANDATORY_POLICY_NO_WRITE_UP |
                                    TOKEN_MANDATORY_POLICY_NEW_PROCESS_MIN};
        return put_value(out, cap, len, &p, sizeof p);
    }
    default:
        if ((int)c <= 0 || (int)c >= (int)MaxTokenInfoClass)
            return ERROR_INVALID_PARAMETER;
        /* Default DACLs, linked tokens, logon SIDs, claims, app containers'
         * SIDs and capabilities: nothing on Linux to answer with. */
        return ERROR_NOT_SUPPORTED;
    }
}

WS_EXPORT BOOL WINAPI GetTokenInformation(HANDLE TokenHandle,
                                          TOKEN_INFORMATION_CLASS TokenInformationClass,
                                          LPVOID TokenInformation, DWORD TokenInformationLength,
                                          PDWORD ReturnLength)
{
    struct object *o;
    ACCESS_MASK need = TokenInformationClass == TokenSource ? TOKEN_QUERY_SOURCE : TOKEN_QUERY;
    DWORD err = token_ref(TokenHandle, need, &o, NULL);
    if (err)
        return ws_bool(err);
    struct token now;
    token_copy(o, &now);
    object_unref(o);
    if (!ReturnLength)
        return ws_bool(ERROR_NOACCESS);
    DWORD len = 0;
    err = token_query(&now, TokenInformationClass, TokenInformation, TokenInformationLength,
                      &len);
    if (!err || err == ERROR_INSUFFICIENT_BUFFER)
        *ReturnLength = len;
    return ws_bool(err);
}

/* Only the session id can change (it names the interactive session; root
 * only, as SeTcbPrivilege) and the integrity level can only go down, as
 * Windows allows; the rest has nothing a Linux process can change. */
WS_EXPORT BOOL WINAPI SetTokenInformation(HANDLE TokenHandle,
                                          TOKEN_INFORMATION_CLASS TokenInformationClass,
                                          LPVOID TokenInformation, DWORD TokenInformationLength)
{
    struct object *o;
    ACCESS_MASK need = TokenInformationClass == TokenSessionId ? TOKEN_ADJUST_SESSIONID
                                                               : TOKEN_ADJUST_DEFAULT;
    DWORD err = token_ref(TokenHandle, need, &o, NULL);
    if (err)
        return ws_bool(err);
    struct token *t = (struct token *)o;
    switch (TokenInformationClass) {
    case TokenSessionId:
        if (TokenInformationLength < sizeof(DWORD) || !TokenInformation)
            err = ERROR_BAD_LENGTH;
        else if (geteuid() != 0)
            err = ERROR_PRIVILEGE_NOT_HELD;
        else {
            DWORD v;
            memcpy(&v, TokenInformation, sizeof v);
            obj_lock(o);
            t->session = v;
            obj_unlock(o);
        }
        break;
    case TokenUser:
    case TokenGroups:
    case TokenPrivileges:
    case TokenType:
    case TokenImpersonationLevel:
    case TokenStatistics:
    case TokenRestrictedSids:
    case TokenSource:
        err = ERROR_INVALID_PARAMETER; /* fixed at creation on Windows too */
        break;
    default:
        err = (int)TokenInformationClass <= 0 ||
                      (int)TokenInformationClass >= (int)MaxTokenInfoClass
                  ? ERROR_INVALID_PARAMETER
                  : ERROR_NOT_SUPPORTED;
        break;
    }
    object_unref(o);
    return ws_bool(err);
}

/* ------------------------------------------------------------------ */
/* Privileges: names, adjusting, checking                              */

static bool local_system_a(const char *s)
{
    if (!s || !*s)
        return true;
    char host[256];
    if (s[0] == '\\' && s[1] == '\\')
        s += 2;
    return !gethostname(host, sizeof host) && !strcasecmp(host, s);
}

static DWORD priv_value(const char *system, const char *name, PLUID luid)
{
    if (!local_system_a(system))
        return ERROR_NOT_SUPPORTED;
    if (!name || !luid)
        return ERROR_INVALID_PARAMETER;
    for (int i = 0; i < PRIV_MAX; i++)
        if (priv_map[i].name && !strcasecmp(priv_map[i].name, name)) {
            luid->LowPart = (DWORD)i;
            luid->HighPart = 0;
            return ERROR_SUCCESS;
        }
    return ERROR_NO_SUCH_PRIVILEGE;
}

WS_EXPORT BOOL WINAPI LookupPrivilegeValueA(LPCSTR lpSystemName, LPCSTR lpName, PLUID lpLuid)
{
    return ws_bool(priv_value(lpSystemName, lpName, lpLuid));
}

/* UTF-16 to a small ASCII-range string; false if it does not fit. */
static bool w_narrow(LPCWSTR w, char *out, size_t cap)
{
    size_t i = 0;
    for (; w[i]; i++) {
        if (i + 1 >= cap || w[i] > 0x7f) {
            out[0] = 0;
            return w[i] <= 0x7f ? false : true; /* non-ASCII: names nothing */
        }
        out[i] = (char)w[i];
    }
    out[i] = 0;
    return true;
}

WS_EXPORT BOOL WINAPI LookupPrivilegeValueW(LPCWSTR lpSystemName, LPCWSTR lpName, PLUID lpLuid)
{
    char sys[256], name[128];
    if (lpSystemName && !w_narrow(lpSystemName, sys, sizeof sys))
        return ws_bool(ERROR_NOT_SUPPORTED);
    if (lpName && !w_narrow(lpName, name, sizeof name))
        return ws_bool(ERROR_NO_SUCH_PRIVILEGE);
    return ws_bool(priv_value(lpSystemName ? sys : NULL, lpName ? name : NULL, lpLuid));
}

/* The name of a privilege; *cch in characters, with the NUL when too
 * small, without it on success. */
static DWORD priv_name(const char *system, PLUID luid, void *out, DWORD *cch, bool wide)
{
    if (!local_system_a(system))
        return ERROR_NOT_SUPPORTED;
    if (!luid || !cch)
        return ERROR_INVALID_PARAMETER;
    int i = priv_index(luid);
    if (i < 0)
        return ERROR_NO_SUCH_PRIVILEGE;
    DWORD n = (DWORD)strlen(priv_map[i].name);
    if (*cch <= n || !out) {
        *cch = n + 1;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    for (DWORD k = 0; k <= n; k++) {
        if (wide)
            ((WCHAR *)out)[k] = (WCHAR)priv_map[i].name[k];
        else
            ((char *)out)[k] = priv_map[i].name[k];
    }
    *cch = n;
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI LookupPrivilegeNameA(LPCSTR lpSystemName, PLUID lpLuid, LPSTR lpName,
                                           LPDWORD cchName)
{
    return ws_bool(priv_name(lpSystemName, lpLuid, lpName, cchName, false));
}

WS_EXPORT BOOL WINAPI LookupPrivilegeNameW(LPCWSTR lpSystemName, PLUID lpLuid, LPWSTR lpName,
                                           LPDWORD cchName)
{
    char sys[256];
    if (lpSystemName && !w_narrow(lpSystemName, sys, sizeof sys))
        return ws_bool(ERROR_NOT_SUPPORTED);
    return ws_bool(priv_name(lpSystemName ? sys : NULL, lpLuid, lpName, cchName, true));
}

/* The attributes privilege i gets from a request (SE_PRIVILEGE_ENABLED,
 * 0, SE_PRIVILEGE_REMOVED). */
static uint32_t priv_apply(uint32_t cur, DWORD req)
{
    if (req & SE_PRIVILEGE_REMOVED)
        return 0;
    if (req & SE_PRIVILEGE_ENABLED)
        return cur | SE_PRIVILEGE_ENABLED;
    return cur & ~(uint32_t)SE_PRIVILEGE_ENABLED;
}

WS_EXPORT BOOL WINAPI AdjustTokenPrivileges(HANDLE TokenHandle, BOOL DisableAllPrivileges,
                                            PTOKEN_PRIVILEGES NewState, DWORD BufferLength,
                                            PTOKEN_PRIVILEGES PreviousState,
                                            PDWORD ReturnLength)
{
    if (!DisableAllPrivileges && !NewState)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (PreviousState && !ReturnLength)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct object *o;
    DWORD err = token_ref(TokenHandle,
                          TOKEN_ADJUST_PRIVILEGES | (PreviousState ? TOKEN_QUERY : 0), &o, NULL);
    if (err)
        return ws_bool(err);
    struct token *t = (struct token *)o;
    bool missing = false;
    obj_lock(o);
    uint32_t next[PRIV_MAX];
    memcpy(next, t->priv, sizeof next);
    if (DisableAllPrivileges) {
        for (int i = 0; i < PRIV_MAX; i++)
            next[i] &= ~(uint32_t)SE_PRIVILEGE_ENABLED;
    } else {
        const LUID_AND_ATTRIBUTES *na = NewState->Privileges; /* [ANYSIZE_ARRAY] */
        for (DWORD k = 0; k < NewState->PrivilegeCount; k++) {
            int i = priv_index(&na[k].Luid);
            if (i < 0 || !(next[i] & PRIV_HELD)) {
                missing = true;
                continue;
            }
            next[i] = priv_apply(next[i], na[k].Attributes);
        }
    }
    /* The previous state of what changes; nothing changes when it does
     * not fit. */
    DWORD changed = 0;
    for (int i = 0; i < PRIV_MAX; i++)
        changed += next[i] != t->priv[i];
    DWORD need = (DWORD)(offsetof(TOKEN_PRIVILEGES, Privileges) +
                         changed * sizeof(LUID_AND_ATTRIBUTES));
    if (PreviousState) {
        *ReturnLength = need;
        if (BufferLength < need) {
            obj_unlock(o);
            object_unref(o);
            return ws_bool(ERROR_INSUFFICIENT_BUFFER);
        }
        PreviousState->PrivilegeCount = changed;
        LUID_AND_ATTRIBUTES *pa = PreviousState->Privileges; /* [ANYSIZE_ARRAY] */
        DWORD k = 0;
        for (int i = 0; i < PRIV_MAX; i++)
            if (next[i] != t->priv[i]) {
                pa[k].Luid.LowPart = (DWORD)i;
                pa[k].Luid.HighPart = 0;
                pa[k++].Attributes = t->priv[i] & ~PRIV_HELD;
            }
    } else if (ReturnLength) {
        *ReturnLength = need;
    }
    memcpy(t->priv, next, sizeof next);
    if (changed)
        t->modified_id = luid_next();
    obj_unlock(o);
    object_unref(o);
    /* Success either way; the last error tells whether all were there. */
    ws_set_last_error(missing ? ERROR_NOT_ALL_ASSIGNED : ERROR_SUCCESS);
    return TRUE;
}

/* An impersonation token at the identification level or above, for the
 * checks that a client's token is given to. */
static DWORD client_token(HANDLE h, struct token *out)
{
    struct object *o;
    DWORD err = token_ref(h, TOKEN_QUERY, &o, NULL);
    if (err)
        return err;
    token_copy(o, out);
    object_unref(o);
    if (out->type != TokenImpersonation)
        return ERROR_NO_IMPERSONATION_TOKEN;
    if (out->level < SecurityIdentification)
        return ERROR_BAD_IMPERSONATION_LEVEL;
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI PrivilegeCheck(HANDLE ClientToken, PPRIVILEGE_SET RequiredPrivileges,
                                     LPBOOL pfResult)
{
    struct token t;
    DWORD err = client_token(ClientToken, &t);
    if (err)
        return ws_bool(err);
    if (!RequiredPrivileges || !pfResult)
        return ws_bool(ERROR_NOACCESS);
    DWORD held = 0;
    LUID_AND_ATTRIBUTES *req = RequiredPrivileges->Privilege; /* [ANYSIZE_ARRAY] */
    for (DWORD k = 0; k < RequiredPrivileges->PrivilegeCount; k++) {
        LUID_AND_ATTRIBUTES *p = &req[k];
        int i = priv_index(&p->Luid);
        if (i >= 0 && (t.priv[i] & SE_PRIVILEGE_ENABLED)) {
            p->Attributes |= SE_PRIVILEGE_USED_FOR_ACCESS;
            held++;
        } else {
            p->Attributes &= ~(DWORD)SE_PRIVILEGE_USED_FOR_ACCESS;
        }
    }
    *pfResult = RequiredPrivileges->Control & PRIVILEGE_SET_ALL_NECESSARY
                    ? held == RequiredPrivileges->PrivilegeCount
                    : held > 0;
    return TRUE;
}

WS_EXPORT BOOL WINAPI CheckTokenMembership(HANDLE TokenHandle, PSID SidToCheck, PBOOL IsMember)
{
    if (!IsMember)
        return ws_bool(ERROR_NOACCESS);
    if (!SidToCheck || !IsValidSid(SidToCheck))
        return ws_bool(ERROR_INVALID_SID);
    struct token t;
    DWORD err;
    if (!TokenHandle) {
        /* The thread's token, else the process's (as an impersonation
         * copy would be). */
        struct object *o;
        if ((err = token_ref(PSEUDO_EFFECTIVE_TOKEN, TOKEN_QUERY, &o, NULL)))
            return ws_bool(err);
        token_copy(o, &t);
        object_unref(o);
    } else if ((err = client_token(TokenHandle, &t))) {
        return ws_bool(err);
    }
    struct sid_list l;
    token_sids(&t, &l);
    *IsMember = token_has_sid(&l, SidToCheck, false) &&
                (!t.nrestrict || token_restricts_to(&t, SidToCheck));
    return TRUE;
}

/* The rights one pass over a DACL grants a set of SIDs: the first ACE
 * that speaks of a right decides it; `restricted`: the SIDs are the
 * restricting ones (all enabled). */
static ACCESS_MASK dacl_pass(const ACL *dacl, const struct sid_list *l, const struct token *t,
                             bool restricted, ACCESS_MASK decided)
{
    ACCESS_MASK granted = decided;
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *a;
        if (!GetAce((PACL)dacl, i, (LPVOID *)&a))
            break;
        if (a->AceFlags & INHERIT_ONLY_ACE)
            continue;
        if (a->AceType != ACCESS_ALLOWED_ACE_TYPE && a->AceType != ACCESS_DENIED_ACE_TYPE)
            continue;
        ACCESS_MASK mask;
        memcpy(&mask, (BYTE *)a + 4, 4);
        PSID sid = (BYTE *)a + 8;
        bool deny = a->AceType == ACCESS_DENIED_ACE_TYPE;
        bool match = restricted ? token_restricts_to(t, sid) : token_has_sid(l, sid, deny);
        if (!match)
            continue;
        ACCESS_MASK fresh = mask & ~decided;
        if (!deny)
            granted |= fresh;
        decided |= fresh;
    }
    return granted;
}

WS_EXPORT BOOL WINAPI AccessCheck(PSECURITY_DESCRIPTOR pSecurityDescriptor, HANDLE ClientToken,
                                  DWORD DesiredAccess, PGENERIC_MAPPING GenericMapping,
                                  PPRIVILEGE_SET PrivilegeSet, LPDWORD PrivilegeSetLength,
                                  LPDWORD GrantedAccess, LPBOOL AccessStatus)
{
    if (!pSecurityDescriptor || !GenericMapping || !PrivilegeSetLength || !GrantedAccess ||
        !AccessStatus)
        return ws_bool(ERROR_NOACCESS);
    struct token t;
    DWORD err = client_token(ClientToken, &t);
    if (err)
        return ws_bool(err);
    if (DesiredAccess & (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL))
        return ws_bool(ERROR_GENERIC_NOT_MAPPED);
    PSID owner = NULL, group = NULL;
    BOOL present = FALSE, defaulted;
    PACL dacl = NULL;
    if (!IsValidSecurityDescriptor(pSecurityDescriptor) ||
        !GetSecurityDescriptorOwner(pSecurityDescriptor, &owner, &defaulted) ||
        !GetSecurityDescriptorGroup(pSecurityDescriptor, &group, &defaulted) || !owner ||
        !group || !GetSecurityDescriptorDacl(pSecurityDescriptor, &present, &dacl, &defaulted))
        return ws_bool(ERROR_INVALID_SECURITY_DESCR);
    DWORD need = offsetof(PRIVILEGE_SET, Privilege);
    if (*PrivilegeSetLength < need || !PrivilegeSet) {
        *PrivilegeSetLength = need;
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    }
    PrivilegeSet->PrivilegeCount = 0;
    PrivilegeSet->Control = 0;
    *PrivilegeSetLength = need;
    if (DesiredAccess & ACCESS_SYSTEM_SECURITY) {
        *GrantedAccess = 0;
        *AccessStatus = FALSE;
        ws_set_last_error(ERROR_PRIVILEGE_NOT_HELD);
        return TRUE;
    }
    ACCESS_MASK all = GenericMapping->GenericAll | STANDARD_RIGHTS_ALL;
    struct sid_list l;
    token_sids(&t, &l);
    ACCESS_MASK may;
    if (!present || !dacl) {
        may = all; /* no DACL: everyone has every right */
    } else {
        /* The owner holds READ_CONTROL and WRITE_DAC before the DACL. */
        ACCESS_MASK own = token_has_sid(&l, owner, false) ? READ_CONTROL | WRITE_DAC : 0;
        may = dacl_pass(dacl, &l, &t, false, own);
        if (t.nrestrict) {
            ACCESS_MASK own_r = token_restricts_to(&t, owner) ? READ_CONTROL | WRITE_DAC : 0;
            ACCESS_MASK r = dacl_pass(dacl, &l, &t, true, own_r);
            /* WRITE_RESTRICTED: the restricting SIDs limit only writes. */
            if (t.flags & TF_WRITE_RESTRICTED)
                r |= ~(GenericMapping->GenericWrite & ~(ACCESS_MASK)STANDARD_RIGHTS_WRITE);
            may &= r;
        }
    }
    ACCESS_MASK want = DesiredAccess;
    if (want & MAXIMUM_ALLOWED) {
        want = (want & ~(ACCESS_MASK)MAXIMUM_ALLOWED) | (may & all);
        if (!(may & all) && !(DesiredAccess & ~(ACCESS_MASK)MAXIMUM_ALLOWED)) {
            *GrantedAccess = 0;
            *AccessStatus = FALSE;
            ws_set_last_error(ERROR_ACCESS_DENIED);
            return TRUE;
        }
    }
    if (want & ~may) {
        *GrantedAccess = 0;
        *AccessStatus = FALSE;
        ws_set_last_error(ERROR_ACCESS_DENIED);
        return TRUE;
    }
    *GrantedAccess = want;
    *AccessStatus = TRUE;
    return TRUE;
}

WS_EXPORT BOOL WINAPI AllocateLocallyUniqueId(PLUID Luid)
{
    if (!Luid)
        return ws_bool(ERROR_NOACCESS);
    uint64_t v = luid_next();
    Luid->LowPart = (DWORD)v;
    Luid->HighPart = (LONG)(v >> 32);
    return TRUE;
}
