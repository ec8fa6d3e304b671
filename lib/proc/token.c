/*
 * Access tokens: who a process is, as GetTokenInformation tells it.
 *
 * A token object is a snapshot of a process's Linux credentials taken by
 * OpenProcessToken: the effective uid and gid and the supplementary groups
 * (the user is S-1-22-1-<euid>, the groups S-1-22-2-<gid>; security.c has
 * the mapping).  It never changes after creation, so it needs no lock and
 * is not waitable; it lives in the arena like every object and holds no
 * pointers or fds, so a duplicate in another process reads the same.
 * Threads never impersonate here: OpenThreadToken always finds no token.
 * The pseudo-handles GetCurrentProcessToken() (-4) and
 * GetCurrentThreadEffectiveToken() (-6) are the process's token read
 * afresh; GetCurrentThreadToken() (-5) has none.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/object.h"
#include "core/security.h"
#include "core/self.h"
#include "core/shm.h"
#include "proc/process.h"

#define TOKEN_GROUPS_MAX 64 /* supplementary groups kept (Linux allows 65536) */

struct token {
    struct object hdr;
    uint32_t uid, gid; /* effective */
    uint32_t ngroups;  /* supplementary, at most TOKEN_GROUPS_MAX */
    uint32_t groups[TOKEN_GROUPS_MAX];
};

static const uint32_t token_layout[] = {
    LAYOUT_SIZE(struct token),
    LAYOUT_FIELD(struct token, uid),
    LAYOUT_FIELD(struct token, gid),
    LAYOUT_FIELD(struct token, ngroups),
    LAYOUT_FIELD(struct token, groups),
};

const struct object_type token_type = {
    .name = "Token",
    .id = TYPE_TOKEN,
    .size = sizeof(struct token),
    .mapping = {TOKEN_READ, TOKEN_WRITE, TOKEN_EXECUTE, TOKEN_ALL_ACCESS},
    .valid_access = TOKEN_ALL_ACCESS,
    TYPE_LAYOUT(token_layout),
};

/* Pseudo-handles (processthreadsapi.h). */
#define PSEUDO_PROCESS_TOKEN ((HANDLE)(LONG_PTR)-4)
#define PSEUDO_THREAD_TOKEN ((HANDLE)(LONG_PTR)-5)
#define PSEUDO_EFFECTIVE_TOKEN ((HANDLE)(LONG_PTR)-6)

/* The credentials of this process. */
static void creds_self(struct token *t)
{
    t->uid = (uint32_t)geteuid();
    t->gid = (uint32_t)getegid();
    gid_t g[TOKEN_GROUPS_MAX];
    int n = getgroups(TOKEN_GROUPS_MAX, g);
    if (n < 0) {
        /* More than we keep: the first TOKEN_GROUPS_MAX of them. */
        gid_t *all = NULL;
        int total = getgroups(0, NULL);
        if (total > 0 && (all = malloc(sizeof *all * (size_t)total)) &&
            (n = getgroups(total, all)) > 0)
            memcpy(g, all, sizeof *g * TOKEN_GROUPS_MAX);
        n = n > TOKEN_GROUPS_MAX ? TOKEN_GROUPS_MAX : n < 0 ? 0 : n;
        free(all);
    }
    t->ngroups = (uint32_t)n;
    for (int i = 0; i < n; i++)
        t->groups[i] = (uint32_t)g[i];
}

/* The credentials of another process, from /proc/<pid>/status. */
static DWORD creds_of(pid_t pid, struct token *t)
{
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return ERROR_ACCESS_DENIED; /* gone, or hidden from us */
    int have = 0;
    t->ngroups = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned r, e;
        if (sscanf(line, "Uid:\t%u\t%u", &r, &e) == 2)
            t->uid = e, have |= 1;
        else if (sscanf(line, "Gid:\t%u\t%u", &r, &e) == 2)
            t->gid = e, have |= 2;
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
    return have == 3 ? ERROR_SUCCESS : ERROR_ACCESS_DENIED;
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
    return ERROR_SUCCESS;
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
    struct token creds = {0};
    if (!err) {
        if (p == process_self_object())
            creds_self(&creds);
        else
            err = creds_of(process_object_pid(p), &creds);
    }
    object_unref(p);
    if (err)
        return ws_bool(err);
    struct object *o = object_new(&token_type, 0, 0, &err);
    if (!o)
        return ws_bool(err);
    struct token *t = (struct token *)o;
    t->uid = creds.uid;
    t->gid = creds.gid;
    t->ngroups = creds.ngroups;
    memcpy(t->groups, creds.groups, sizeof t->groups);
    object_handle_open(o);
    if ((err = handle_insert(o, access, 0, TokenHandle))) {
        object_handle_close(o);
        object_unref(o);
    }
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI OpenThreadToken(HANDLE ThreadHandle, DWORD DesiredAccess, BOOL OpenAsSelf,
                                      PHANDLE TokenHandle)
{
    (void)OpenAsSelf;
    arena_init();
    struct object *th;
    ACCESS_MASK access = 0;
    ws_rcu_lock();
    DWORD err = handle_get(ThreadHandle, &thread_type, THREAD_QUERY_LIMITED_INFORMATION, &th, NULL);
    ws_rcu_unlock();
    if (!err && !TokenHandle)
        err = ERROR_NOACCESS;
    if (!err)
        err = token_access(DesiredAccess, &access);
    /* No thread impersonates: there is never a thread token. */
    return ws_bool(err ? err : ERROR_NO_TOKEN);
}

/* The SIDs a token information class is made of. */
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

/* The groups of TokenGroups: the primary and supplementary Linux groups,
 * then the well-known groups every Linux user is in (those that
 * security_grant maps to every user). */
struct group_list {
    uint32_t n;
    BYTE sid[TOKEN_GROUPS_MAX + 5][16];
};

static void token_groups(const struct token *t, struct group_list *l)
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
    unix_sid(l->sid[l->n++], 2, t->gid);
    for (uint32_t i = 0; i < t->ngroups && i < TOKEN_GROUPS_MAX; i++)
        if (t->groups[i] != t->gid)
            unix_sid(l->sid[l->n++], 2, t->groups[i]);
    for (size_t i = 0; i < sizeof world / sizeof *world; i++)
        make_sid(l->sid[l->n++], world[i].auth, world[i].n, world[i].r0, world[i].r1);
}

/* One SID after a fixed header of `head` bytes whose first pointer field
 * points at it (TOKEN_USER, TOKEN_OWNER, TOKEN_PRIMARY_GROUP). */
static DWORD put_one_sid(void *out, DWORD cap, DWORD *len, DWORD head, const SID *sid)
{
    DWORD sl = GetLengthSid((PSID)sid);
    *len = head + sl;
    if (cap < *len || !out)
        return ERROR_INSUFFICIENT_BUFFER;
    BYTE *b = out;
    memset(b, 0, head);
    memcpy(b + head, sid, sl);
    PSID p = b + head;
    memcpy(b, &p, sizeof p); /* TOKEN_USER's Attributes stay 0, as Windows' */
    return 0;
}

static DWORD token_query(const struct token *t, TOKEN_INFORMATION_CLASS c, void *out, DWORD cap,
                         DWORD *len)
{
    BYTE sb[16];
    switch (c) {
    case TokenUser:
        return put_one_sid(out, cap, len, sizeof(TOKEN_USER), unix_sid(sb, 1, t->uid));
    case TokenOwner:
        return put_one_sid(out, cap, len, sizeof(TOKEN_OWNER), unix_sid(sb, 1, t->uid));
    case TokenPrimaryGroup:
        return put_one_sid(out, cap, len, sizeof(TOKEN_PRIMARY_GROUP), unix_sid(sb, 2, t->gid));
    case TokenGroups: {
        struct group_list l;
        token_groups(t, &l);
        DWORD head = (DWORD)(offsetof(TOKEN_GROUPS, Groups) + l.n * sizeof(SID_AND_ATTRIBUTES));
        *len = head;
        for (uint32_t i = 0; i < l.n; i++)
            *len += GetLengthSid(l.sid[i]);
        if (cap < *len || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        TOKEN_GROUPS *g = out;
        g->GroupCount = l.n;
        BYTE *at = (BYTE *)out + head;
        for (uint32_t i = 0; i < l.n; i++) {
            DWORD sl = GetLengthSid(l.sid[i]);
            memcpy(at, l.sid[i], sl);
            g->Groups[i].Sid = at;
            g->Groups[i].Attributes = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT |
                                      SE_GROUP_ENABLED;
            at += sl;
        }
        return 0;
    }
    case TokenType: {
        *len = sizeof(TOKEN_TYPE);
        if (cap < *len || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        TOKEN_TYPE v = TokenPrimary;
        memcpy(out, &v, sizeof v);
        return 0;
    }
    case TokenElevation: {
        *len = sizeof(TOKEN_ELEVATION);
        if (cap < *len || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        TOKEN_ELEVATION e = {t->uid == 0}; /* root is the elevated administrator */
        memcpy(out, &e, sizeof e);
        return 0;
    }
    case TokenImpersonationLevel:
        return ERROR_INVALID_PARAMETER; /* a primary token has none */
    default:
        if ((int)c <= 0 || (int)c >= (int)MaxTokenInfoClass)
            return ERROR_INVALID_PARAMETER;
        /* Privileges, sessions, integrity levels, app containers, ...:
         * nothing on Linux to answer with. */
        return ERROR_NOT_SUPPORTED;
    }
}

WS_EXPORT BOOL WINAPI GetTokenInformation(HANDLE TokenHandle,
                                          TOKEN_INFORMATION_CLASS TokenInformationClass,
                                          LPVOID TokenInformation, DWORD TokenInformationLength,
                                          PDWORD ReturnLength)
{
    struct token now;
    if (TokenHandle == PSEUDO_THREAD_TOKEN)
        return ws_bool(ERROR_NO_TOKEN);
    if (TokenHandle == PSEUDO_PROCESS_TOKEN || TokenHandle == PSEUDO_EFFECTIVE_TOKEN) {
        creds_self(&now);
    } else {
        arena_init();
        struct object *o;
        ws_rcu_lock();
        DWORD err = handle_get(TokenHandle, &token_type, TOKEN_QUERY, &o, NULL);
        if (!err) {
            const struct token *t = (const struct token *)o;
            now.uid = t->uid;
            now.gid = t->gid;
            now.ngroups = t->ngroups;
            memcpy(now.groups, t->groups, sizeof now.groups);
        }
        ws_rcu_unlock();
        if (err)
            return ws_bool(err);
    }
    if (!ReturnLength)
        return ws_bool(ERROR_NOACCESS);
    DWORD len = 0;
    DWORD err = token_query(&now, TokenInformationClass, TokenInformation,
                            TokenInformationLength, &len);
    if (!err || err == ERROR_INSUFFICIENT_BUFFER)
        *ReturnLength = len;
    return ws_bool(err);
}
