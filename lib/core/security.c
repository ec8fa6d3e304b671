/*
 * Security identifiers (SIDs), access control lists (ACLs), security
 * descriptors, their string forms (SDDL), account names, and the grant a
 * descriptor gives to Linux users (security_grant / security_access).
 *
 * None of these is a kernel object: they are caller-owned byte layouts,
 * exactly Windows' (winnt.h), so code that builds them by hand, copies
 * them or walks them keeps working.  The functions here only read and
 * write those bytes and keep no state, so they need no locking; the
 * caller serialises access to its own buffers, as on Windows.
 *
 *   SID  revision 1, n <= 15 sub-authorities; 8 + 4n bytes.
 *   ACL  an 8-byte header, then AceCount ACEs (header, mask, SID) in
 *        AclSize bytes; revisions 2 to 4.
 *   SD   revision 1; absolute (pointers) or SE_SELF_RELATIVE (offsets
 *        from its start; 0 = absent).
 *
 * Linux users and groups are the SIDs Samba and Cygwin give them:
 * S-1-22-1-<uid> ("Unix User\name") and S-1-22-2-<gid> ("Unix Group\name");
 * S-1-5-18 (SYSTEM) is uid 0.  Memory returned to the caller (SIDs from
 * AllocateAndInitializeSid and ConvertStringSidToSid, strings and
 * descriptors from the Convert* functions) comes from LocalAlloc (mem/local.c,
 * the process heap, reached through ws_hooks); FreeSid is LocalFree.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/error.h"
#include "core/hooks.h"
#include "core/object.h"
#include "core/security.h"
#include "core/unicode.h"
#include "sddl.h"

#define UNIX_USER_RID 1  /* S-1-22-1-<uid> */
#define UNIX_GROUP_RID 2 /* S-1-22-2-<gid> */
#define UNIX_AUTHORITY 22

/* ------------------------------------------------------------------ */
/* SIDs                                                                */

/* SIDs inside ACEs and self-relative descriptors need not be aligned:
 * every multi-byte field is read and written through memcpy. */
static DWORD sid_sub(const SID *s, unsigned i)
{
    DWORD v;
    memcpy(&v, (const BYTE *)s + 8 + 4 * i, 4);
    return v;
}

static void sid_set_sub(SID *s, unsigned i, DWORD v)
{
    memcpy((BYTE *)s + 8 + 4 * i, &v, 4);
}

static DWORD sid_len(const SID *s)
{
    return 8 + 4 * (DWORD)s->SubAuthorityCount;
}

static bool sid_valid(const SID *s)
{
    return s && s->Revision == SID_REVISION && s->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES;
}

/* The 48-bit identifier authority as a number. */
static uint64_t sid_auth(const SID *s)
{
    uint64_t a = 0;
    for (int i = 0; i < 6; i++)
        a = a << 8 | s->IdentifierAuthority.Value[i];
    return a;
}

/* A SID built from numbers, at most SID_MAX_SUB_AUTHORITIES long. */
struct sidbuf {
    BYTE b[8 + 4 * SID_MAX_SUB_AUTHORITIES];
};

static SID *sid_make(struct sidbuf *buf, uint64_t auth, unsigned n, const DWORD *sub)
{
    SID *s = (SID *)buf->b;
    s->Revision = SID_REVISION;
    s->SubAuthorityCount = (BYTE)n;
    for (int i = 5; i >= 0; i--, auth >>= 8)
        s->IdentifierAuthority.Value[i] = (BYTE)auth;
    for (unsigned i = 0; i < n; i++)
        sid_set_sub(s, i, sub[i]);
    return s;
}

static bool sid_eq(const SID *a, const SID *b)
{
    return sid_len(a) == sid_len(b) && memcmp(a, b, sid_len(a)) == 0;
}

/* auth-sub0-sub1... compared without building a SID. */
static bool sid_is(const SID *s, uint64_t auth, unsigned n, DWORD r0, DWORD r1)
{
    if (s->SubAuthorityCount != n || sid_auth(s) != auth)
        return false;
    return (n < 1 || sid_sub(s, 0) == r0) && (n < 2 || sid_sub(s, 1) == r1);
}

WS_EXPORT BOOL WINAPI IsValidSid(PSID pSid)
{
    return sid_valid(pSid);
}

WS_EXPORT DWORD WINAPI GetSidLengthRequired(UCHAR nSubAuthorityCount)
{
    return 8 + 4 * (DWORD)nSubAuthorityCount;
}

WS_EXPORT DWORD WINAPI GetLengthSid(PSID pSid)
{
    /* As Windows: no validation, the length the count says. */
    return sid_len(pSid);
}

WS_EXPORT BOOL WINAPI InitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority,
                                    BYTE nSubAuthorityCount)
{
    if (nSubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return ws_bool(ERROR_INVALID_PARAMETER);
    SID *s = Sid;
    s->Revision = SID_REVISION;
    s->SubAuthorityCount = nSubAuthorityCount;
    s->IdentifierAuthority = *pIdentifierAuthority;
    return TRUE;
}

WS_EXPORT BOOL WINAPI AllocateAndInitializeSid(PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority,
                                               BYTE nSubAuthorityCount, DWORD nSubAuthority0,
                                               DWORD nSubAuthority1, DWORD nSubAuthority2,
                                               DWORD nSubAuthority3, DWORD nSubAuthority4,
                                               DWORD nSubAuthority5, DWORD nSubAuthority6,
                                               DWORD nSubAuthority7, PSID *pSid)
{
    if (nSubAuthorityCount > 8)
        return ws_bool(ERROR_INVALID_SID);
    if (!pIdentifierAuthority || !pSid)
        return ws_bool(ERROR_INVALID_PARAMETER);
    const DWORD sub[8] = {nSubAuthority0, nSubAuthority1, nSubAuthority2, nSubAuthority3,
                          nSubAuthority4, nSubAuthority5, nSubAuthority6, nSubAuthority7};
    SID *s = ws_hooks.local_alloc(LMEM_FIXED, GetSidLengthRequired(nSubAuthorityCount));
    if (!s)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    s->Revision = SID_REVISION;
    s->SubAuthorityCount = nSubAuthorityCount;
    s->IdentifierAuthority = *pIdentifierAuthority;
    for (unsigned i = 0; i < nSubAuthorityCount; i++)
        sid_set_sub(s, i, sub[i]);
    *pSid = s;
    return TRUE;
}

WS_EXPORT PVOID WINAPI FreeSid(PSID pSid)
{
    ws_hooks.local_free(pSid);
    return NULL;
}

/* Windows sets ERROR_SUCCESS whatever the answer. */
WS_EXPORT BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2)
{
    ws_set_last_error(ERROR_SUCCESS);
    return sid_valid(pSid1) && sid_valid(pSid2) && sid_eq(pSid1, pSid2);
}

WS_EXPORT BOOL WINAPI CopySid(DWORD nDestinationSidLength, PSID pDestinationSid,
                              PSID pSourceSid)
{
    if (!sid_valid(pSourceSid))
        return ws_bool(ERROR_INVALID_SID);
    DWORD n = sid_len(pSourceSid);
    if (nDestinationSidLength < n || !pDestinationSid)
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    memmove(pDestinationSid, pSourceSid, n);
    return TRUE;
}

/* These three set ERROR_SUCCESS and do not check the SID, as Windows:
 * the result for an invalid SID or index is undefined (the docs). */
WS_EXPORT PDWORD WINAPI GetSidSubAuthority(PSID pSid, DWORD nSubAuthority)
{
    ws_set_last_error(ERROR_SUCCESS);
    return &((SID *)pSid)->SubAuthority[0] + nSubAuthority;
}

WS_EXPORT PUCHAR WINAPI GetSidSubAuthorityCount(PSID pSid)
{
    ws_set_last_error(ERROR_SUCCESS);
    return &((SID *)pSid)->SubAuthorityCount;
}

WS_EXPORT PSID_IDENTIFIER_AUTHORITY WINAPI GetSidIdentifierAuthority(PSID pSid)
{
    ws_set_last_error(ERROR_SUCCESS);
    return &((SID *)pSid)->IdentifierAuthority;
}

/* ---- well-known SIDs ---- */

/* A SID of up to two sub-authorities. */
struct known {
    uint8_t auth, n;
    DWORD r0, r1;
};

/* WELL_KNOWN_SID_TYPE -> SID; all zero: a type not produced here. */
#define BUILTIN(r) {5, 2, SECURITY_BUILTIN_DOMAIN_RID, (r)}
static const struct known well_known[] = {
    [WinNullSid] = {0, 1, 0, 0},
    [WinWorldSid] = {1, 1, 0, 0},
    [WinLocalSid] = {2, 1, 0, 0},
    [WinCreatorOwnerSid] = {3, 1, 0, 0},
    [WinCreatorGroupSid] = {3, 1, 1, 0},
    [WinCreatorOwnerServerSid] = {3, 1, 2, 0},
    [WinCreatorGroupServerSid] = {3, 1, 3, 0},
    [WinNtAuthoritySid] = {5, 0, 0, 0},
    [WinDialupSid] = {5, 1, 1, 0},
    [WinNetworkSid] = {5, 1, 2, 0},
    [WinBatchSid] = {5, 1, 3, 0},
    [WinInteractiveSid] = {5, 1, 4, 0},
    [WinServiceSid] = {5, 1, 6, 0},
    [WinAnonymousSid] = {5, 1, 7, 0},
    [WinProxySid] = {5, 1, 8, 0},
    [WinEnterpriseControllersSid] = {5, 1, 9, 0},
    [WinSelfSid] = {5, 1, 10, 0},
    [WinAuthenticatedUserSid] = {5, 1, 11, 0},
    [WinRestrictedCodeSid] = {5, 1, 12, 0},
    [WinTerminalServerSid] = {5, 1, 13, 0},
    [WinRemoteLogonIdSid] = {5, 1, 14, 0},
    [WinLocalSystemSid] = {5, 1, 18, 0},
    [WinLocalServiceSid] = {5, 1, 19, 0},
    [WinNetworkServiceSid] = {5, 1, 20, 0},
    [WinBuiltinDomainSid] = {5, 1, SECURITY_BUILTIN_DOMAIN_RID, 0},
    [WinBuiltinAdministratorsSid] = BUILTIN(DOMAIN_ALIAS_RID_ADMINS),
    [WinBuiltinUsersSid] = BUILTIN(DOMAIN_ALIAS_RID_USERS),
    [WinBuiltinGuestsSid] = BUILTIN(DOMAIN_ALIAS_RID_GUESTS),
    [WinBuiltinPowerUsersSid] = BUILTIN(DOMAIN_ALIAS_RID_POWER_USERS),
    [WinBuiltinAccountOperatorsSid] = BUILTIN(DOMAIN_ALIAS_RID_ACCOUNT_OPS),
    [WinBuiltinSystemOperatorsSid] = BUILTIN(DOMAIN_ALIAS_RID_SYSTEM_OPS),
    [WinBuiltinPrintOperatorsSid] = BUILTIN(DOMAIN_ALIAS_RID_PRINT_OPS),
    [WinBuiltinBackupOperatorsSid] = BUILTIN(DOMAIN_ALIAS_RID_BACKUP_OPS),
    [WinBuiltinReplicatorSid] = BUILTIN(DOMAIN_ALIAS_RID_REPLICATOR),
    [WinBuiltinPreWindows2000CompatibleAccessSid] = BUILTIN(DOMAIN_ALIAS_RID_PREW2KCOMPACCESS),
    [WinBuiltinRemoteDesktopUsersSid] = BUILTIN(DOMAIN_ALIAS_RID_REMOTE_DESKTOP_USERS),
    [WinBuiltinNetworkConfigurationOperatorsSid] =
        BUILTIN(DOMAIN_ALIAS_RID_NETWORK_CONFIGURATION_OPS),
    /* 38..50: relative to a domain SID (well_known_domain below). */
    [WinNTLMAuthenticationSid] = {5, 2, 64, 10},
    [WinDigestAuthenticationSid] = {5, 2, 64, 21},
    [WinSChannelAuthenticationSid] = {5, 2, 64, 14},
    [WinThisOrganizationSid] = {5, 1, 15, 0},
    [WinOtherOrganizationSid] = {5, 1, 1000, 0},
    [WinBuiltinIncomingForestTrustBuildersSid] = BUILTIN(557),
    [WinBuiltinPerfMonitoringUsersSid] = BUILTIN(DOMAIN_ALIAS_RID_MONITORING_USERS),
    [WinBuiltinPerfLoggingUsersSid] = BUILTIN(DOMAIN_ALIAS_RID_LOGGING_USERS),
    [WinBuiltinAuthorizationAccessSid] = BUILTIN(560),
    [WinBuiltinTerminalServerLicenseServersSid] = BUILTIN(561),
    [WinBuiltinDCOMUsersSid] = BUILTIN(562),
    [WinBuiltinIUsersSid] = BUILTIN(568),
    [WinIUserSid] = {5, 1, 17, 0},
    [WinBuiltinCryptoOperatorsSid] = BUILTIN(569),
    [WinUntrustedLabelSid] = {16, 1, SECURITY_MANDATORY_UNTRUSTED_RID, 0},
    [WinLowLabelSid] = {16, 1, SECURITY_MANDATORY_LOW_RID, 0},
    [WinMediumLabelSid] = {16, 1, SECURITY_MANDATORY_MEDIUM_RID, 0},
    [WinHighLabelSid] = {16, 1, SECURITY_MANDATORY_HIGH_RID, 0},
    [WinSystemLabelSid] = {16, 1, SECURITY_MANDATORY_SYSTEM_RID, 0},
    [WinWriteRestrictedCodeSid] = {5, 1, 33, 0},
    [WinCreatorOwnerRightsSid] = {3, 1, 4, 0},
    [WinBuiltinEventLogReadersGroup] = BUILTIN(573),
    [WinBuiltinCertSvcDComAccessGroup] = BUILTIN(574),
    [WinMediumPlusLabelSid] = {16, 1, 0x2100, 0},
};

/* The types that are a domain SID (S-1-5-21-a-b-c) plus one RID. */
static DWORD well_known_domain(WELL_KNOWN_SID_TYPE t)
{
    switch (t) {
    case WinAccountAdministratorSid: return DOMAIN_USER_RID_ADMIN;
    case WinAccountGuestSid: return DOMAIN_USER_RID_GUEST;
    case WinAccountKrbtgtSid: return 502;
    case WinAccountDomainAdminsSid: return DOMAIN_GROUP_RID_ADMINS;
    case WinAccountDomainUsersSid: return DOMAIN_GROUP_RID_USERS;
    case WinAccountDomainGuestsSid: return DOMAIN_GROUP_RID_GUESTS;
    case WinAccountComputersSid: return 515;
    case WinAccountControllersSid: return 516;
    case WinAccountCertAdminsSid: return 517;
    case WinAccountSchemaAdminsSid: return 518;
    case WinAccountEnterpriseAdminsSid: return 519;
    case WinAccountPolicyAdminsSid: return 520;
    case WinAccountRasAndIasServersSid: return 553;
    default: return 0;
    }
}

static DWORD known_sid(const struct known *k, struct sidbuf *buf, SID **out)
{
    const DWORD sub[2] = {k->r0, k->r1};
    *out = sid_make(buf, k->auth, k->n, sub);
    return 0;
}

WS_EXPORT BOOL WINAPI CreateWellKnownSid(WELL_KNOWN_SID_TYPE WellKnownSidType, PSID DomainSid,
                                         PSID pSid, DWORD *cbSid)
{
    struct sidbuf buf;
    SID *s;
    if (!cbSid || (unsigned)WellKnownSidType > WinAuthenticationKeyPropertyAttestationSid)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD rid = well_known_domain(WellKnownSidType);
    if (rid) {
        /* A domain SID is S-1-5-21-a-b-c. */
        const SID *d = DomainSid;
        if (!sid_valid(d) || d->SubAuthorityCount != 4 || sid_auth(d) != 5 ||
            sid_sub(d, 0) != 21)
            return ws_bool(ERROR_INVALID_PARAMETER);
        DWORD sub[5] = {21, sid_sub(d, 1), sid_sub(d, 2), sid_sub(d, 3), rid};
        s = sid_make(&buf, 5, 5, sub);
    } else if ((size_t)WellKnownSidType < sizeof well_known / sizeof *well_known &&
               (well_known[WellKnownSidType].auth || well_known[WellKnownSidType].n)) {
        known_sid(&well_known[WellKnownSidType], &buf, &s);
    } else {
        /* A type Windows knows (app containers, capabilities, logon
         * sessions S-1-5-5-X-Y, ...) that has no meaning on Linux. */
        return ws_bool(ERROR_NOT_SUPPORTED);
    }
    DWORD n = sid_len(s);
    if (!pSid || *cbSid < n) {
        *cbSid = n;
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    }
    memcpy(pSid, s, n);
    *cbSid = n;
    return TRUE;
}

/* Sets ERROR_SUCCESS as EqualSid does, but for a type beyond the
 * enumeration (as Wine). */
WS_EXPORT BOOL WINAPI IsWellKnownSid(PSID pSid, WELL_KNOWN_SID_TYPE WellKnownSidType)
{
    if ((unsigned)WellKnownSidType > WinAuthenticationKeyPropertyAttestationSid)
        return FALSE;
    ws_set_last_error(ERROR_SUCCESS);
    if (!sid_valid(pSid) || (size_t)WellKnownSidType >= sizeof well_known / sizeof *well_known)
        return FALSE;
    const struct known *k = &well_known[WellKnownSidType];
    if (!k->auth && !k->n)
        return FALSE; /* domain-relative or not produced here */
    return sid_is(pSid, k->auth, k->n, k->r0, k->r1);
}

/* ---- SIDs as strings ---- */

/* "S-1-5-32-544", or for an authority of 2^32 or more "S-1-0x123456789ABC-..."
 * into out (at least 16 + 11 * 15 bytes). */
static size_t sid_format(const SID *s, char *out)
{
    uint64_t a = sid_auth(s);
    int n = a >> 32 ? sprintf(out, "S-%u-0x%012llX", s->Revision, (unsigned long long)a)
                    : sprintf(out, "S-%u-%llu", s->Revision, (unsigned long long)a);
    for (unsigned i = 0; i < s->SubAuthorityCount; i++)
        n += sprintf(out + n, "-%lu", (unsigned long)sid_sub(s, i));
    return (size_t)n;
}
#define SID_STRING_MAX (24 + 11 * SID_MAX_SUB_AUTHORITIES)

/* The SDDL two-letter SID aliases; domain_rid: relative to the machine or
 * domain SID (which Linux does not have). */
static const struct alias {
    char name[3];
    struct known sid;
    bool domain;
} aliases[] = {
    {"AN", {5, 1, 7, 0}, false},       {"AO", BUILTIN(548), false},
    {"AU", {5, 1, 11, 0}, false},      {"BA", BUILTIN(544), false},
    {"BG", BUILTIN(546), false},       {"BO", BUILTIN(551), false},
    {"BU", BUILTIN(545), false},       {"CG", {3, 1, 1, 0}, false},
    {"CO", {3, 1, 0, 0}, false},       {"CY", BUILTIN(569), false},
    {"ER", BUILTIN(573), false},       {"HI", {16, 1, 0x3000, 0}, false},
    {"IS", BUILTIN(568), false},       {"IU", {5, 1, 4, 0}, false},
    {"LS", {5, 1, 19, 0}, false},      {"LU", BUILTIN(559), false},
    {"LW", {16, 1, 0x1000, 0}, false}, {"ME", {16, 1, 0x2000, 0}, false},
    {"MU", BUILTIN(558), false},       {"NO", BUILTIN(556), false},
    {"NS", {5, 1, 20, 0}, false},      {"NU", {5, 1, 2, 0}, false},
    {"OW", {3, 1, 4, 0}, false},       {"PO", BUILTIN(550), false},
    {"PS", {5, 1, 10, 0}, false},      {"PU", BUILTIN(547), false},
    {"RC", {5, 1, 12, 0}, false},      {"RD", BUILTIN(555), false},
    {"RE", BUILTIN(552), false},       {"RU", BUILTIN(554), false},
    {"SI", {16, 1, 0x4000, 0}, false}, {"SO", BUILTIN(549), false},
    {"SU", {5, 1, 6, 0}, false},       {"SY", {5, 1, 18, 0}, false},
    {"WD", {1, 1, 0, 0}, false},       {"WR", {5, 1, 33, 0}, false},
    /* Relative to a domain or the machine's account domain. */
    {"CA", {0, 0, 0, 0}, true},        {"CN", {0, 0, 0, 0}, true},
    {"DA", {0, 0, 0, 0}, true},        {"DC", {0, 0, 0, 0}, true},
    {"DD", {0, 0, 0, 0}, true},        {"DG", {0, 0, 0, 0}, true},
    {"DU", {0, 0, 0, 0}, true},        {"EA", {0, 0, 0, 0}, true},
    {"ED", {5, 1, 9, 0}, false},       {"LA", {0, 0, 0, 0}, true},
    {"LG", {0, 0, 0, 0}, true},        {"PA", {0, 0, 0, 0}, true},
    {"RO", {0, 0, 0, 0}, true},        {"RS", {0, 0, 0, 0}, true},
    {"SA", {0, 0, 0, 0}, true},
};

/* Parses a decimal or 0x-hexadecimal number of [p, end) up to max. */
static bool parse_num(const char *p, const char *end, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    int base = 10;
    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (p == end)
        return false;
    for (; p < end; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return false;
        if (v > (max - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return true;
}

/* A string SID of [p, end): "S-1-..." or an SDDL alias.  0,
 * ERROR_INVALID_SID, or ERROR_NOT_SUPPORTED for a domain alias. */
static DWORD sid_parse(const char *p, const char *end, struct sidbuf *buf, SID **out)
{
    if (end - p == 2) {
        for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
            if (strncasecmp(p, aliases[i].name, 2) != 0)
                continue;
            if (aliases[i].domain)
                return ERROR_NOT_SUPPORTED;
            return known_sid(&aliases[i].sid, buf, out);
        }
        return ERROR_INVALID_SID;
    }
    if (end - p < 2 || (p[0] != 'S' && p[0] != 's') || p[1] != '-')
        return ERROR_INVALID_SID;
    p += 2;
    uint64_t v[2 + SID_MAX_SUB_AUTHORITIES];
    unsigned n = 0;
    for (;;) {
        const char *q = memchr(p, '-', (size_t)(end - p));
        if (!q)
            q = end;
        if (n == 2 + SID_MAX_SUB_AUTHORITIES ||
            !parse_num(p, q, n == 0 ? 0xff : n == 1 ? 0xffffffffffffull : 0xffffffffull, &v[n]))
            return ERROR_INVALID_SID;
        n++;
        if (q == end)
            break;
        p = q + 1;
    }
    /* A revision and an authority, then at least one sub-authority. */
    if (n < 3 || v[0] != SID_REVISION)
        return ERROR_INVALID_SID;
    DWORD sub[SID_MAX_SUB_AUTHORITIES];
    for (unsigned i = 2; i < n; i++)
        sub[i - 2] = (DWORD)v[i];
    *out = sid_make(buf, v[1], n - 2, sub);
    return 0;
}

/* A copy of s in LocalAlloc memory. */
static void *sid_dup(const SID *s)
{
    void *p = ws_hooks.local_alloc(LMEM_FIXED, sid_len(s));
    if (p)
        memcpy(p, s, sid_len(s));
    return p;
}

/* A UTF-16 copy of an ASCII string in LocalAlloc memory. */
static WCHAR *ascii_to_w(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = ws_hooks.local_alloc(LMEM_FIXED, (n + 1) * sizeof(WCHAR));
    if (w)
        for (size_t i = 0; i <= n; i++)
            w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

/* A UTF-8 copy of a UTF-16 string (malloc), NULL on a bad string. */
static char *w_to_utf8(const WCHAR *w, DWORD *err)
{
    size_t n = wstrlen(w);
    char *s = malloc(3 * n + 1);
    if (!s) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    if (utf16_to_utf8(w, n, s, 3 * n + 1) < 0) {
        free(s);
        *err = ERROR_INVALID_PARAMETER;
        return NULL;
    }
    s[utf16_to_utf8(w, n, s, 3 * n + 1)] = 0;
    return s;
}

static DWORD sid_to_string(PSID sid, char **out)
{
    if (!sid_valid(sid))
        return ERROR_INVALID_SID;
    if (!out)
        return ERROR_INVALID_PARAMETER;
    char buf[SID_STRING_MAX];
    size_t n = sid_format(sid, buf);
    char *s = ws_hooks.local_alloc(LMEM_FIXED, n + 1);
    if (!s)
        return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(s, buf, n + 1);
    *out = s;
    return 0;
}

WS_EXPORT BOOL WINAPI ConvertSidToStringSidA(PSID Sid, LPSTR *StringSid)
{
    return ws_bool(sid_to_string(Sid, StringSid));
}

WS_EXPORT BOOL WINAPI ConvertSidToStringSidW(PSID Sid, LPWSTR *StringSid)
{
    char *s;
    DWORD err = sid_to_string(Sid, StringSid ? &s : NULL);
    if (err)
        return ws_bool(err);
    *StringSid = ascii_to_w(s);
    ws_hooks.local_free(s);
    return ws_bool(*StringSid ? 0 : ERROR_NOT_ENOUGH_MEMORY);
}

static DWORD string_to_sid(const char *str, PSID *out)
{
    struct sidbuf buf;
    SID *s;
    if (!str || !out)
        return ERROR_INVALID_PARAMETER;
    DWORD err = sid_parse(str, str + strlen(str), &buf, &s);
    if (err)
        return err;
    if (!(*out = sid_dup(s)))
        return ERROR_NOT_ENOUGH_MEMORY;
    return 0;
}

WS_EXPORT BOOL WINAPI ConvertStringSidToSidA(LPCSTR StringSid, PSID *Sid)
{
    return ws_bool(string_to_sid(StringSid, Sid));
}

WS_EXPORT BOOL WINAPI ConvertStringSidToSidW(LPCWSTR StringSid, PSID *Sid)
{
    if (!StringSid || !Sid)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD err = 0;
    char *s = w_to_utf8(StringSid, &err);
    if (!s)
        return ws_bool(err == ERROR_INVALID_PARAMETER ? ERROR_INVALID_SID : err);
    err = string_to_sid(s, Sid);
    free(s);
    return ws_bool(err);
}

/* ------------------------------------------------------------------ */
/* ACLs                                                                */

static WORD rd16(const void *p)
{
    WORD v;
    memcpy(&v, p, 2);
    return v;
}

static void wr16(void *p, WORD v)
{
    memcpy(p, &v, 2);
}

/* The end of the ACEs in use (offset from the ACL), or 0 when an ACE
 * runs past AclSize or is shorter than its header. */
static DWORD acl_used(const ACL *acl)
{
    DWORD off = sizeof(ACL), size = acl->AclSize;
    for (unsigned i = 0; i < acl->AceCount; i++) {
        if (off + sizeof(ACE_HEADER) > size)
            return 0;
        WORD n = rd16((const BYTE *)acl + off + 2);
        if (n < sizeof(ACE_HEADER) || off + n > size)
            return 0;
        off += n;
    }
    return off;
}

static bool acl_valid(const ACL *acl)
{
    if (!acl || acl->AclRevision < MIN_ACL_REVISION || acl->AclRevision > MAX_ACL_REVISION ||
        acl->AclSize < sizeof(ACL))
        return false;
    return acl_used(acl) != 0;
}

/* The ACE at index i (< AceCount), NULL when the ACL is malformed. */
static BYTE *acl_ace(const ACL *acl, DWORD i)
{
    DWORD off = sizeof(ACL);
    for (DWORD k = 0; k < i; k++) {
        if (off + sizeof(ACE_HEADER) > acl->AclSize)
            return NULL;
        off += rd16((const BYTE *)acl + off + 2);
    }
    if (off + sizeof(ACE_HEADER) > acl->AclSize)
        return NULL;
    return (BYTE *)acl + off;
}

WS_EXPORT BOOL WINAPI InitializeAcl(PACL pAcl, DWORD nAclLength, DWORD dwAclRevision)
{
    if (dwAclRevision < MIN_ACL_REVISION || dwAclRevision > MAX_ACL_REVISION)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (nAclLength < sizeof(ACL))
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    if (nAclLength > 0xffff)
        return ws_bool(ERROR_INVALID_PARAMETER);
    pAcl->AclRevision = (BYTE)dwAclRevision;
    pAcl->Sbz1 = 0;
    pAcl->AclSize = (WORD)nAclLength;
    pAcl->AceCount = 0;
    pAcl->Sbz2 = 0;
    return TRUE;
}

/* No extended error, as Windows. */
WS_EXPORT BOOL WINAPI IsValidAcl(PACL pAcl)
{
    return acl_valid(pAcl);
}

WS_EXPORT BOOL WINAPI GetAclInformation(PACL pAcl, LPVOID pAclInformation,
                                        DWORD nAclInformationLength,
                                        ACL_INFORMATION_CLASS dwAclInformationClass)
{
    switch (dwAclInformationClass) {
    case AclRevisionInformation: {
        if (nAclInformationLength < sizeof(ACL_REVISION_INFORMATION))
            return ws_bool(ERROR_INVALID_PARAMETER);
        ACL_REVISION_INFORMATION *r = pAclInformation;
        r->AclRevision = pAcl->AclRevision;
        return TRUE;
    }
    case AclSizeInformation: {
        if (nAclInformationLength < sizeof(ACL_SIZE_INFORMATION))
            return ws_bool(ERROR_INVALID_PARAMETER);
        DWORD used = acl_used(pAcl);
        if (!used)
            return ws_bool(ERROR_INVALID_ACL);
        ACL_SIZE_INFORMATION *z = pAclInformation;
        z->AceCount = pAcl->AceCount;
        z->AclBytesInUse = used;
        z->AclBytesFree = pAcl->AclSize - used;
        return TRUE;
    }
    default:
        return ws_bool(ERROR_INVALID_PARAMETER);
    }
}

/* Appends an ACE of a type whose body is mask + SID. */
static DWORD acl_add(ACL *acl, DWORD rev, BYTE type, DWORD flags, DWORD mask, const SID *sid)
{
    if (!sid_valid(sid))
        return ERROR_INVALID_SID;
    if (rev > MAX_ACL_REVISION || acl->AclRevision < MIN_ACL_REVISION ||
        acl->AclRevision > MAX_ACL_REVISION)
        return ERROR_REVISION_MISMATCH;
    DWORD used = acl_used(acl);
    if (!used)
        return ERROR_INVALID_ACL;
    /* The docs: only the inheritance flags (and, on audit ACEs, the
     * success/failure flags) are valid here. */
    if (flags & ~(DWORD)VALID_INHERIT_FLAGS)
        return ERROR_INVALID_FLAGS;
    DWORD n = 8 + sid_len(sid);
    if (used + n > acl->AclSize)
        return ERROR_ALLOTTED_SPACE_EXCEEDED;
    BYTE *a = (BYTE *)acl + used;
    a[0] = type;
    a[1] = (BYTE)flags;
    wr16(a + 2, (WORD)n);
    memcpy(a + 4, &mask, 4);
    memcpy(a + 8, sid, sid_len(sid));
    acl->AceCount++;
    if (rev > acl->AclRevision)
        acl->AclRevision = (BYTE)rev;
    return 0;
}

WS_EXPORT BOOL WINAPI AddAccessAllowedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
                                          PSID pSid)
{
    return ws_bool(acl_add(pAcl, dwAceRevision, ACCESS_ALLOWED_ACE_TYPE, 0, AccessMask, pSid));
}

WS_EXPORT BOOL WINAPI AddAccessAllowedAceEx(PACL pAcl, DWORD dwAceRevision, DWORD AceFlags,
                                            DWORD AccessMask, PSID pSid)
{
    return ws_bool(
        acl_add(pAcl, dwAceRevision, ACCESS_ALLOWED_ACE_TYPE, AceFlags, AccessMask, pSid));
}

WS_EXPORT BOOL WINAPI AddAccessDeniedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
                                         PSID pSid)
{
    return ws_bool(acl_add(pAcl, dwAceRevision, ACCESS_DENIED_ACE_TYPE, 0, AccessMask, pSid));
}

WS_EXPORT BOOL WINAPI AddAccessDeniedAceEx(PACL pAcl, DWORD dwAceRevision, DWORD AceFlags,
                                           DWORD AccessMask, PSID pSid)
{
    return ws_bool(
        acl_add(pAcl, dwAceRevision, ACCESS_DENIED_ACE_TYPE, AceFlags, AccessMask, pSid));
}

WS_EXPORT BOOL WINAPI GetAce(PACL pAcl, DWORD dwAceIndex, LPVOID *pAce)
{
    if (dwAceIndex >= pAcl->AceCount)
        return ws_bool(ERROR_INVALID_PARAMETER);
    BYTE *a = acl_ace(pAcl, dwAceIndex);
    if (!a)
        return ws_bool(ERROR_INVALID_ACL);
    *pAce = a;
    return TRUE;
}

WS_EXPORT BOOL WINAPI DeleteAce(PACL pAcl, DWORD dwAceIndex)
{
    if (dwAceIndex >= pAcl->AceCount)
        return ws_bool(ERROR_INVALID_PARAMETER);
    DWORD used = acl_used(pAcl);
    BYTE *a = acl_ace(pAcl, dwAceIndex);
    if (!used || !a)
        return ws_bool(ERROR_INVALID_ACL);
    WORD n = rd16(a + 2);
    BYTE *rest = a + n;
    memmove(a, rest, (size_t)((BYTE *)pAcl + used - rest));
    pAcl->AceCount--;
    return TRUE;
}

static ACCESS_MASK map_generic(ACCESS_MASK m, const GENERIC_MAPPING *g)
{
    if (m & GENERIC_READ)
        m |= g->GenericRead;
    if (m & GENERIC_WRITE)
        m |= g->GenericWrite;
    if (m & GENERIC_EXECUTE)
        m |= g->GenericExecute;
    if (m & GENERIC_ALL)
        m |= g->GenericAll;
    return m & ~(ACCESS_MASK)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

WS_EXPORT VOID WINAPI MapGenericMask(PDWORD AccessMask, PGENERIC_MAPPING GenericMapping)
{
    *AccessMask = map_generic(*AccessMask, GenericMapping);
}

/* ------------------------------------------------------------------ */
/* Security descriptors                                                */

/* The parts of a descriptor, absolute or self-relative, as pointers. */
struct sd_parts {
    WORD control;
    SID *owner, *group;
    ACL *sacl, *dacl;
};

static void *sd_at(const void *sd, DWORD off)
{
    return off ? (BYTE *)sd + off : NULL;
}

static void sd_read(const void *sd, struct sd_parts *p)
{
    const SECURITY_DESCRIPTOR *a = sd;
    p->control = a->Control;
    if (a->Control & SE_SELF_RELATIVE) {
        const SECURITY_DESCRIPTOR_RELATIVE *r = sd;
        p->owner = sd_at(sd, r->Owner);
        p->group = sd_at(sd, r->Group);
        p->sacl = sd_at(sd, r->Sacl);
        p->dacl = sd_at(sd, r->Dacl);
    } else {
        p->owner = a->Owner;
        p->group = a->Group;
        p->sacl = a->Sacl;
        p->dacl = a->Dacl;
    }
    if (!(p->control & SE_SACL_PRESENT))
        p->sacl = NULL;
    if (!(p->control & SE_DACL_PRESENT))
        p->dacl = NULL;
}

WS_EXPORT BOOL WINAPI InitializeSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                   DWORD dwRevision)
{
    if (dwRevision != SECURITY_DESCRIPTOR_REVISION)
        return ws_bool(ERROR_UNKNOWN_REVISION);
    memset(pSecurityDescriptor, 0, sizeof(SECURITY_DESCRIPTOR));
    ((SECURITY_DESCRIPTOR *)pSecurityDescriptor)->Revision = SECURITY_DESCRIPTOR_REVISION;
    return TRUE;
}

static DWORD sd_check(const void *sd)
{
    if (!sd)
        return ERROR_INVALID_SECURITY_DESCR;
    if (((const SECURITY_DESCRIPTOR *)sd)->Revision != SECURITY_DESCRIPTOR_REVISION)
        return ERROR_UNKNOWN_REVISION;
    struct sd_parts p;
    sd_read(sd, &p);
    if ((p.owner && !sid_valid(p.owner)) || (p.group && !sid_valid(p.group)) ||
        (p.dacl && !acl_valid(p.dacl)) || (p.sacl && !acl_valid(p.sacl)))
        return ERROR_INVALID_SECURITY_DESCR;
    return 0;
}

WS_EXPORT BOOL WINAPI IsValidSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor)
{
    return ws_bool(sd_check(pSecurityDescriptor));
}

WS_EXPORT DWORD WINAPI GetSecurityDescriptorLength(PSECURITY_DESCRIPTOR pSecurityDescriptor)
{
    struct sd_parts p;
    sd_read(pSecurityDescriptor, &p);
    DWORD n = (p.control & SE_SELF_RELATIVE) ? sizeof(SECURITY_DESCRIPTOR_RELATIVE)
                                             : sizeof(SECURITY_DESCRIPTOR);
    if (p.owner)
        n += sid_len(p.owner);
    if (p.group)
        n += sid_len(p.group);
    if (p.sacl)
        n += p.sacl->AclSize;
    if (p.dacl)
        n += p.dacl->AclSize;
    return n;
}

WS_EXPORT BOOL WINAPI GetSecurityDescriptorControl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                   PSECURITY_DESCRIPTOR_CONTROL pControl,
                                                   LPDWORD lpdwRevision)
{
    const SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;
    *lpdwRevision = sd->Revision;
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return ws_bool(ERROR_UNKNOWN_REVISION);
    *pControl = sd->Control;
    return TRUE;
}

/* The checks before changing an absolute descriptor. */
static DWORD sd_writable(const SECURITY_DESCRIPTOR *sd)
{
    if (sd->Revision != SECURITY_DESCRIPTOR_REVISION)
        return ERROR_UNKNOWN_REVISION;
    if (sd->Control & SE_SELF_RELATIVE)
        return ERROR_INVALID_SECURITY_DESCR;
    return 0;
}

/* Set*Dacl and Set*Sacl: "not present" clears only the flag (the pointer
 * and "defaulted" stay, as Windows leaves them). */
static BOOL sd_set_acl(SECURITY_DESCRIPTOR *sd, BOOL present, PACL acl, BOOL defaulted,
                       WORD present_bit, WORD defaulted_bit, PACL *field)
{
    DWORD err = sd_writable(sd);
    if (err)
        return ws_bool(err);
    if (!present) {
        sd->Control &= (WORD)~present_bit;
        return TRUE;
    }
    sd->Control |= present_bit;
    *field = acl;
    if (defaulted)
        sd->Control |= defaulted_bit;
    else
        sd->Control &= (WORD)~defaulted_bit;
    return TRUE;
}

/* Get*Dacl and Get*Sacl: *acl and *defaulted are left alone when the ACL
 * is not present. */
static BOOL sd_get_acl(PSECURITY_DESCRIPTOR psd, LPBOOL present, PACL *acl, LPBOOL defaulted,
                       bool dacl)
{
    if (((SECURITY_DESCRIPTOR *)psd)->Revision != SECURITY_DESCRIPTOR_REVISION)
        return ws_bool(ERROR_UNKNOWN_REVISION);
    struct sd_parts p;
    sd_read(psd, &p);
    WORD present_bit = dacl ? SE_DACL_PRESENT : SE_SACL_PRESENT;
    WORD defaulted_bit = dacl ? SE_DACL_DEFAULTED : SE_SACL_DEFAULTED;
    *present = (p.control & present_bit) != 0;
    if (*present) {
        *acl = dacl ? p.dacl : p.sacl;
        *defaulted = (p.control & defaulted_bit) != 0;
    }
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                BOOL bDaclPresent, PACL pDacl,
                                                BOOL bDaclDefaulted)
{
    SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;
    return sd_set_acl(sd, bDaclPresent, pDacl, bDaclDefaulted, SE_DACL_PRESENT,
                      SE_DACL_DEFAULTED, &sd->Dacl);
}

WS_EXPORT BOOL WINAPI GetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                LPBOOL lpbDaclPresent, PACL *pDacl,
                                                LPBOOL lpbDaclDefaulted)
{
    return sd_get_acl(pSecurityDescriptor, lpbDaclPresent, pDacl, lpbDaclDefaulted, true);
}

WS_EXPORT BOOL WINAPI SetSecurityDescriptorSacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                BOOL bSaclPresent, PACL pSacl,
                                                BOOL bSaclDefaulted)
{
    SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;
    return sd_set_acl(sd, bSaclPresent, pSacl, bSaclDefaulted, SE_SACL_PRESENT,
                      SE_SACL_DEFAULTED, &sd->Sacl);
}

WS_EXPORT BOOL WINAPI GetSecurityDescriptorSacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                LPBOOL lpbSaclPresent, PACL *pSacl,
                                                LPBOOL lpbSaclDefaulted)
{
    return sd_get_acl(pSecurityDescriptor, lpbSaclPresent, pSacl, lpbSaclDefaulted, false);
}

/* Only the inheritance and protection bits may be set this way (the
 * documentation's list); the revision is not checked (as Wine). */
WS_EXPORT BOOL WINAPI SetSecurityDescriptorControl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                   SECURITY_DESCRIPTOR_CONTROL ControlBitsOfInterest,
                                                   SECURITY_DESCRIPTOR_CONTROL ControlBitsToSet)
{
    const WORD settable = SE_DACL_AUTO_INHERIT_REQ | SE_SACL_AUTO_INHERIT_REQ |
                          SE_DACL_AUTO_INHERITED | SE_SACL_AUTO_INHERITED | SE_DACL_PROTECTED |
                          SE_SACL_PROTECTED;
    if ((ControlBitsOfInterest | ControlBitsToSet) & ~settable)
        return ws_bool(ERROR_INVALID_PARAMETER);
    SECURITY_DESCRIPTOR *sd = pSecurityDescriptor;
    sd->Control = (WORD)((sd->Control & ~ControlBitsOfInterest) |
                         (ControlBitsToSet & ControlBitsOfInterest));
    return TRUE;
}

/* Owner, group, SACL, DACL after the header, as Windows lays them out.
 * An already self-relative source is copied the same way (as Wine). */
WS_EXPORT BOOL WINAPI MakeSelfRelativeSD(PSECURITY_DESCRIPTOR pAbsoluteSecurityDescriptor,
                                         PSECURITY_DESCRIPTOR pSelfRelativeSecurityDescriptor,
                                         LPDWORD lpdwBufferLength)
{
    struct sd_parts p;
    sd_read(pAbsoluteSecurityDescriptor, &p);
    DWORD need = sizeof(SECURITY_DESCRIPTOR_RELATIVE);
    DWORD sizes[4] = {p.owner ? sid_len(p.owner) : 0, p.group ? sid_len(p.group) : 0,
                      p.sacl ? p.sacl->AclSize : 0, p.dacl ? p.dacl->AclSize : 0};
    for (int i = 0; i < 4; i++)
        need += sizes[i];
    if (*lpdwBufferLength < need || !pSelfRelativeSecurityDescriptor) {
        *lpdwBufferLength = need;
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    }
    BYTE *out = pSelfRelativeSecurityDescriptor;
    SECURITY_DESCRIPTOR_RELATIVE r = {
        .Revision = ((const SECURITY_DESCRIPTOR *)pAbsoluteSecurityDescriptor)->Revision,
        .Control = (WORD)(p.control | SE_SELF_RELATIVE),
    };
    const void *src[4] = {p.owner, p.group, p.sacl, p.dacl};
    DWORD *slot[4] = {&r.Owner, &r.Group, &r.Sacl, &r.Dacl};
    DWORD off = sizeof r;
    for (int i = 0; i < 4; i++) {
        if (!src[i])
            continue;
        memmove(out + off, src[i], sizes[i]);
        *slot[i] = off;
        off += sizes[i];
    }
    memcpy(out, &r, sizeof r);
    return TRUE;
}

static BOOL sd_set_sid(PSECURITY_DESCRIPTOR psd, PSID sid, BOOL defaulted, bool owner)
{
    SECURITY_DESCRIPTOR *sd = psd;
    DWORD err = sd_writable(sd);
    if (err)
        return ws_bool(err);
    WORD flag = owner ? SE_OWNER_DEFAULTED : SE_GROUP_DEFAULTED;
    if (owner)
        sd->Owner = sid;
    else
        sd->Group = sid;
    if (defaulted)
        sd->Control |= flag;
    else
        sd->Control &= (WORD)~flag;
    return TRUE;
}

static BOOL sd_get_sid(PSECURITY_DESCRIPTOR psd, PSID *sid, LPBOOL defaulted, bool owner)
{
    struct sd_parts p;
    sd_read(psd, &p);
    *sid = owner ? p.owner : p.group;
    *defaulted = (p.control & (owner ? SE_OWNER_DEFAULTED : SE_GROUP_DEFAULTED)) != 0;
    return TRUE;
}

WS_EXPORT BOOL WINAPI SetSecurityDescriptorOwner(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID pOwner, BOOL bOwnerDefaulted)
{
    return sd_set_sid(pSecurityDescriptor, pOwner, bOwnerDefaulted, true);
}

WS_EXPORT BOOL WINAPI GetSecurityDescriptorOwner(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID *pOwner, LPBOOL lpbOwnerDefaulted)
{
    return sd_get_sid(pSecurityDescriptor, pOwner, lpbOwnerDefaulted, true);
}

WS_EXPORT BOOL WINAPI SetSecurityDescriptorGroup(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID pGroup, BOOL bGroupDefaulted)
{
    return sd_set_sid(pSecurityDescriptor, pGroup, bGroupDefaulted, false);
}

WS_EXPORT BOOL WINAPI GetSecurityDescriptorGroup(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID *pGroup, LPBOOL lpbGroupDefaulted)
{
    return sd_get_sid(pSecurityDescriptor, pGroup, lpbGroupDefaulted, false);
}

/* ------------------------------------------------------------------ */
/* SDDL                                                                */

/* The two-letter rights, by bit (ascending: the order Windows writes
 * them), and the composite file and key rights written as one. */
static const struct right {
    char name[3];
    ACCESS_MASK mask;
} rights_bits[] = {
    {"CC", 0x1},       {"DC", 0x2},       {"LC", 0x4},       {"SW", 0x8},
    {"RP", 0x10},      {"WP", 0x20},      {"DT", 0x40},      {"LO", 0x80},
    {"CR", 0x100},     {"SD", DELETE},    {"RC", READ_CONTROL},
    {"WD", WRITE_DAC}, {"WO", WRITE_OWNER}, {"GA", GENERIC_ALL},
    {"GX", GENERIC_EXECUTE}, {"GW", GENERIC_WRITE}, {"GR", GENERIC_READ},
}, rights_composite[] = {
    {"FA", FILE_ALL_ACCESS}, {"FR", FILE_GENERIC_READ}, {"FW", FILE_GENERIC_WRITE},
    {"FX", FILE_GENERIC_EXECUTE}, {"KA", 0xf003f}, {"KR", 0x20019}, {"KW", 0x20006},
    {"KX", 0x20019},
};

static const struct flagname {
    char name[3];
    BYTE flag;
} ace_flags[] = {
    {"OI", OBJECT_INHERIT_ACE}, {"CI", CONTAINER_INHERIT_ACE}, {"NP", NO_PROPAGATE_INHERIT_ACE},
    {"IO", INHERIT_ONLY_ACE},   {"ID", INHERITED_ACE},         {"SA", SUCCESSFUL_ACCESS_ACE_FLAG},
    {"FA", FAILED_ACCESS_ACE_FLAG},
};

/* A growing byte buffer. */
struct bytes {
    BYTE *p;
    size_t n, cap;
    bool oom;
};

static void *bytes_add(struct bytes *b, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n)
            cap *= 2;
        BYTE *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    void *at = b->p + b->n;
    b->n += n;
    return at;
}

static bool two_eq(const char *p, const char *end, const char *name)
{
    return end - p >= 2 && (p[0] == name[0]) && (p[1] == name[1]);
}

static DWORD parse_rights(const char *p, const char *end, ACCESS_MASK *out)
{
    uint64_t v;
    if (p < end && *p >= '0' && *p <= '9')
        return parse_num(p, end, 0xffffffffu, &v) ? (*out = (ACCESS_MASK)v, 0) : ERROR_INVALID_ACL;
    ACCESS_MASK m = 0;
    while (p < end) {
        bool found = false;
        for (size_t i = 0; !found && i < sizeof rights_bits / sizeof *rights_bits; i++)
            if (two_eq(p, end, rights_bits[i].name))
                m |= rights_bits[i].mask, found = true;
        for (size_t i = 0; !found && i < sizeof rights_composite / sizeof *rights_composite; i++)
            if (two_eq(p, end, rights_composite[i].name))
                m |= rights_composite[i].mask, found = true;
        if (!found)
            return ERROR_INVALID_ACL;
        p += 2;
    }
    *out = m;
    return 0;
}

/* One "(type;flags;rights;guid;guid;sid)" of [p, end) (without the
 * parentheses), appended to b as an ACE. */
static DWORD parse_ace(const char *p, const char *end, struct bytes *b)
{
    const char *f[6];
    const char *fe[6];
    int n = 0;
    f[0] = p;
    for (const char *q = p; q <= end; q++) {
        if (q == end || *q == ';') {
            if (n == 6)
                return ERROR_INVALID_ACL;
            fe[n++] = q;
            if (q < end) {
                if (n == 6)
                    return ERROR_INVALID_ACL; /* a seventh field */
                f[n] = q + 1;
            }
        }
    }
    if (n != 6)
        return ERROR_INVALID_ACL;
    BYTE type;
    if (fe[0] - f[0] == 1 && f[0][0] == 'A')
        type = ACCESS_ALLOWED_ACE_TYPE;
    else if (fe[0] - f[0] == 1 && f[0][0] == 'D')
        type = ACCESS_DENIED_ACE_TYPE;
    else if (fe[0] - f[0] == 2 && two_eq(f[0], fe[0], "AU"))
        type = SYSTEM_AUDIT_ACE_TYPE;
    else if (fe[0] - f[0] == 2 && two_eq(f[0], fe[0], "AL"))
        type = SYSTEM_ALARM_ACE_TYPE;
    else if (fe[0] - f[0] == 2 &&
             (two_eq(f[0], fe[0], "OA") || two_eq(f[0], fe[0], "OD") ||
              two_eq(f[0], fe[0], "OU") || two_eq(f[0], fe[0], "OL") ||
              two_eq(f[0], fe[0], "ML") || two_eq(f[0], fe[0], "XA") ||
              two_eq(f[0], fe[0], "XD") || two_eq(f[0], fe[0], "XU") ||
              two_eq(f[0], fe[0], "ZA") || two_eq(f[0], fe[0], "RA") ||
              two_eq(f[0], fe[0], "SP")))
        return ERROR_NOT_SUPPORTED; /* object, callback, label, attribute ACEs */
    else
        return ERROR_INVALID_ACL;
    BYTE flags = 0;
    for (const char *q = f[1]; q < fe[1]; q += 2) {
        bool found = false;
        for (size_t i = 0; !found && i < sizeof ace_flags / sizeof *ace_flags; i++)
            if (two_eq(q, fe[1], ace_flags[i].name))
                flags |= ace_flags[i].flag, found = true;
        if (!found)
            return ERROR_INVALID_ACL;
    }
    ACCESS_MASK mask;
    DWORD err = parse_rights(f[2], fe[2], &mask);
    if (err)
        return err;
    /* Object GUIDs belong to object ACEs only. */
    if (fe[3] != f[3] || fe[4] != f[4])
        return ERROR_INVALID_ACL;
    struct sidbuf sb;
    SID *sid;
    err = sid_parse(f[5], fe[5], &sb, &sid);
    if (err)
        return err == ERROR_NOT_SUPPORTED ? err : ERROR_INVALID_ACL;
    DWORD size = 8 + sid_len(sid);
    BYTE *a = bytes_add(b, size);
    if (!a)
        return ERROR_NOT_ENOUGH_MEMORY;
    a[0] = type;
    a[1] = flags;
    wr16(a + 2, (WORD)size);
    memcpy(a + 4, &mask, 4);
    memcpy(a + 8, sid, sid_len(sid));
    return 0;
}

/* "flags(ace)(ace)..." of [p, end) into acl bytes; *null for
 * NO_ACCESS_CONTROL; control flags into *ctl. */
static DWORD parse_acl(const char *p, const char *end, bool dacl, struct bytes *acl, bool *null,
                       WORD *ctl)
{
    static const char nac[] = "NO_ACCESS_CONTROL";
    *null = false;
    while (p < end && *p != '(') {
        if (*p == 'P')
            *ctl |= dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED, p++;
        else if (two_eq(p, end, "AI"))
            *ctl |= dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED, p += 2;
        else if (two_eq(p, end, "AR"))
            *ctl |= dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ, p += 2;
        else if ((size_t)(end - p) >= sizeof nac - 1 && !memcmp(p, nac, sizeof nac - 1))
            *null = true, p += sizeof nac - 1;
        else
            return ERROR_INVALID_PARAMETER;
    }
    ACL *h = bytes_add(acl, sizeof(ACL));
    if (!h)
        return ERROR_NOT_ENOUGH_MEMORY;
    WORD count = 0;
    while (p < end) {
        if (*p != '(')
            return ERROR_INVALID_ACL;
        const char *q = memchr(p, ')', (size_t)(end - p));
        if (!q)
            return ERROR_INVALID_ACL;
        DWORD err = parse_ace(p + 1, q, acl);
        if (err)
            return err;
        count++;
        p = q + 1;
    }
    if (acl->n > 0xffff)
        return ERROR_INVALID_ACL;
    h = (ACL *)acl->p;
    h->AclRevision = ACL_REVISION;
    h->Sbz1 = 0;
    h->AclSize = (WORD)acl->n;
    h->AceCount = count;
    h->Sbz2 = 0;
    return 0;
}

/* The end of the component starting at p: the next "X:" (a letter of
 * O G D S followed by a colon) outside parentheses. */
static const char *component_end(const char *p, const char *end)
{
    int depth = 0;
    for (const char *q = p; q < end; q++) {
        if (*q == '(')
            depth++;
        else if (*q == ')')
            depth--;
        else if (depth == 0 && q + 1 < end && q[1] == ':' &&
                 (*q == 'O' || *q == 'G' || *q == 'D' || *q == 'S'))
            return q;
    }
    return end;
}

static DWORD sddl_parse_clean(const char *str, void **out, ULONG *outlen);

/* White space between the tokens is allowed (and none is meaningful:
 * no token contains any), so it goes first. */
static DWORD sddl_parse(const char *str, void **out, ULONG *outlen)
{
    char *clean = malloc(strlen(str) + 1);
    if (!clean)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t n = 0;
    for (const char *p = str; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            clean[n++] = *p;
    clean[n] = 0;
    DWORD err = sddl_parse_clean(clean, out, outlen);
    free(clean);
    return err;
}

static DWORD sddl_parse_clean(const char *str, void **out, ULONG *outlen)
{
    struct bytes parts[4] = {{0}}; /* owner, group, sacl, dacl */
    int order[4], norder = 0;
    bool have[4] = {false, false, false, false}, null[4] = {false, false, false, false};
    WORD ctl = SE_SELF_RELATIVE;
    DWORD err = 0;
    const char *p = str, *end = str + strlen(str);
    while (p < end && !err) {
        if (end - p < 2 || p[1] != ':') {
            err = ERROR_INVALID_PARAMETER;
            break;
        }
        int k = p[0] == 'O' ? 0 : p[0] == 'G' ? 1 : p[0] == 'S' ? 2 : p[0] == 'D' ? 3 : -1;
        if (k < 0) {
            err = ERROR_INVALID_PARAMETER;
            break;
        }
        const char *q = component_end(p + 2, end);
        /* A repeated component replaces the earlier one. */
        parts[k].n = 0;
        if (!have[k])
            order[norder++] = k;
        have[k] = true;
        if (k < 2) {
            struct sidbuf sb;
            SID *sid;
            err = sid_parse(p + 2, q, &sb, &sid);
            if (!err) {
                void *d = bytes_add(&parts[k], sid_len(sid));
                if (d)
                    memcpy(d, sid, sid_len(sid));
                else
                    err = ERROR_NOT_ENOUGH_MEMORY;
            }
        } else {
            ctl |= k == 3 ? SE_DACL_PRESENT : SE_SACL_PRESENT;
            err = parse_acl(p + 2, q, k == 3, &parts[k], &null[k], &ctl);
            /* NO_ACCESS_CONTROL with ACEs after it: the ACEs count. */
            if (!err && null[k] && ((ACL *)parts[k].p)->AceCount)
                null[k] = false;
        }
        p = q;
    }
    for (int i = 0; i < 4 && !err; i++)
        if (parts[i].oom)
            err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err) {
        /* Self-relative, the parts in the order the string gave them. */
        size_t total = sizeof(SECURITY_DESCRIPTOR_RELATIVE);
        for (int i = 0; i < 4; i++)
            if (have[i] && !null[i])
                total += parts[i].n;
        SECURITY_DESCRIPTOR_RELATIVE *sd = ws_hooks.local_alloc(LPTR, total);
        if (!sd) {
            err = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            sd->Revision = SECURITY_DESCRIPTOR_REVISION;
            sd->Control = ctl;
            DWORD off = sizeof *sd;
            for (int j = 0; j < norder; j++) {
                int i = order[j];
                if (null[i])
                    continue;
                memcpy((BYTE *)sd + off, parts[i].p, parts[i].n);
                DWORD *slot = i == 0 ? &sd->Owner : i == 1 ? &sd->Group : i == 2 ? &sd->Sacl
                                                                                   : &sd->Dacl;
                *slot = off;
                off += (DWORD)parts[i].n;
            }
            *out = sd;
            if (outlen)
                *outlen = (ULONG)total;
        }
    }
    for (int i = 0; i < 4; i++)
        free(parts[i].p);
    return err;
}

WS_EXPORT BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorA(
    LPCSTR StringSecurityDescriptor, DWORD StringSDRevision,
    PSECURITY_DESCRIPTOR *SecurityDescriptor, PULONG SecurityDescriptorSize)
{
    if (!StringSecurityDescriptor || !SecurityDescriptor)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (StringSDRevision != SDDL_REVISION_1)
        return ws_bool(ERROR_UNKNOWN_REVISION);
    return ws_bool(sddl_parse(StringSecurityDescriptor, SecurityDescriptor,
                              SecurityDescriptorSize));
}

WS_EXPORT BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorW(
    LPCWSTR StringSecurityDescriptor, DWORD StringSDRevision,
    PSECURITY_DESCRIPTOR *SecurityDescriptor, PULONG SecurityDescriptorSize)
{
    if (!StringSecurityDescriptor || !SecurityDescriptor)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (StringSDRevision != SDDL_REVISION_1)
        return ws_bool(ERROR_UNKNOWN_REVISION);
    DWORD err = 0;
    char *s = w_to_utf8(StringSecurityDescriptor, &err);
    if (!s)
        return ws_bool(err);
    err = sddl_parse(s, SecurityDescriptor, SecurityDescriptorSize);
    free(s);
    return ws_bool(err);
}

/* ---- descriptor to string ---- */

static void str_add(struct bytes *b, const char *s)
{
    size_t n = strlen(s);
    char *d = bytes_add(b, n);
    if (d)
        memcpy(d, s, n);
}

/* An alias when the SID has one, else the S-1-... form. */
static void sid_write(struct bytes *b, const SID *sid)
{
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
        const struct known *k = &aliases[i].sid;
        if (!aliases[i].domain && sid_is(sid, k->auth, k->n, k->r0, k->r1)) {
            str_add(b, aliases[i].name);
            return;
        }
    }
    char buf[SID_STRING_MAX];
    sid_format(sid, buf);
    str_add(b, buf);
}

static void rights_write(struct bytes *b, ACCESS_MASK m)
{
    for (size_t i = 0; i < sizeof rights_composite / sizeof *rights_composite; i++) {
        if (m == rights_composite[i].mask) {
            str_add(b, rights_composite[i].name);
            return;
        }
    }
    ACCESS_MASK known = 0;
    for (size_t i = 0; i < sizeof rights_bits / sizeof *rights_bits; i++)
        known |= rights_bits[i].mask;
    if (m && !(m & ~known)) {
        for (size_t i = 0; i < sizeof rights_bits / sizeof *rights_bits; i++)
            if (m & rights_bits[i].mask)
                str_add(b, rights_bits[i].name);
        return;
    }
    char buf[16];
    snprintf(buf, sizeof buf, "0x%lx", (unsigned long)m);
    str_add(b, buf);
}

static DWORD acl_write(struct bytes *b, const ACL *acl, WORD ctl, bool dacl)
{
    if (ctl & (dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED))
        str_add(b, "P");
    if (ctl & (dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ))
        str_add(b, "AR");
    if (ctl & (dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED))
        str_add(b, "AI");
    if (!acl) {
        str_add(b, "NO_ACCESS_CONTROL");
        return 0;
    }
    if (!acl_valid(acl))
        return ERROR_INVALID_ACL;
    const BYTE *a = (const BYTE *)acl + sizeof(ACL);
    for (unsigned i = 0; i < acl->AceCount; a += rd16(a + 2), i++) {
        static const char *const types[] = {"A", "D", "AU", "AL"};
        if (a[0] > SYSTEM_ALARM_ACE_TYPE || rd16(a + 2) < 8 + 8)
            return ERROR_NOT_SUPPORTED; /* object and other ACE kinds */
        const SID *sid = (const SID *)(a + 8);
        if (!sid_valid(sid) || 8 + sid_len(sid) > rd16(a + 2))
            return ERROR_INVALID_ACL;
        str_add(b, "(");
        str_add(b, types[a[0]]);
        str_add(b, ";");
        for (size_t k = 0; k < sizeof ace_flags / sizeof *ace_flags; k++)
            if (a[1] & ace_flags[k].flag)
                str_add(b, ace_flags[k].name);
        str_add(b, ";");
        ACCESS_MASK m;
        memcpy(&m, a + 4, 4);
        rights_write(b, m);
        str_add(b, ";;;");
        sid_write(b, sid);
        str_add(b, ")");
    }
    return 0;
}

static DWORD sddl_write(PSECURITY_DESCRIPTOR psd, DWORD rev, SECURITY_INFORMATION info,
                        char **out, ULONG *outlen)
{
    if (!psd || !out)
        return ERROR_INVALID_PARAMETER;
    if (rev != SDDL_REVISION_1)
        return ERROR_UNKNOWN_REVISION;
    DWORD err = sd_check(psd);
    if (err)
        return err;
    struct sd_parts p;
    sd_read(psd, &p);
    struct bytes b = {0};
    if ((info & OWNER_SECURITY_INFORMATION) && p.owner) {
        str_add(&b, "O:");
        sid_write(&b, p.owner);
    }
    if ((info & GROUP_SECURITY_INFORMATION) && p.group) {
        str_add(&b, "G:");
        sid_write(&b, p.group);
    }
    if ((info & DACL_SECURITY_INFORMATION) && (p.control & SE_DACL_PRESENT)) {
        str_add(&b, "D:");
        err = acl_write(&b, p.dacl, p.control, true);
    }
    if (!err && (info & SACL_SECURITY_INFORMATION) && (p.control & SE_SACL_PRESENT)) {
        str_add(&b, "S:");
        err = acl_write(&b, p.sacl, p.control, false);
    }
    char *z = bytes_add(&b, 1);
    if (!err && (b.oom || !z))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err) {
        free(b.p);
        return err;
    }
    *z = 0;
    char *r = ws_hooks.local_alloc(LMEM_FIXED, b.n); /* the caller's, freed with LocalFree */
    if (r)
        memcpy(r, b.p, b.n);
    free(b.p);
    if (!r)
        return ERROR_NOT_ENOUGH_MEMORY;
    *out = r;
    if (outlen)
        *outlen = (ULONG)b.n; /* with the terminator, as Windows counts */
    return 0;
}

WS_EXPORT BOOL WINAPI ConvertSecurityDescriptorToStringSecurityDescriptorA(
    PSECURITY_DESCRIPTOR SecurityDescriptor, DWORD RequestedStringSDRevision,
    SECURITY_INFORMATION SecurityInformation, LPSTR *StringSecurityDescriptor,
    PULONG StringSecurityDescriptorLen)
{
    return ws_bool(sddl_write(SecurityDescriptor, RequestedStringSDRevision, SecurityInformation,
                              StringSecurityDescriptor, StringSecurityDescriptorLen));
}

WS_EXPORT BOOL WINAPI ConvertSecurityDescriptorToStringSecurityDescriptorW(
    PSECURITY_DESCRIPTOR SecurityDescriptor, DWORD RequestedStringSDRevision,
    SECURITY_INFORMATION SecurityInformation, LPWSTR *StringSecurityDescriptor,
    PULONG StringSecurityDescriptorLen)
{
    char *s;
    DWORD err = sddl_write(SecurityDescriptor, RequestedStringSDRevision, SecurityInformation,
                           StringSecurityDescriptor ? &s : NULL, StringSecurityDescriptorLen);
    if (err)
        return ws_bool(err);
    *StringSecurityDescriptor = ascii_to_w(s);
    ws_hooks.local_free(s);
    return ws_bool(*StringSecurityDescriptor ? 0 : ERROR_NOT_ENOUGH_MEMORY);
}

/* ------------------------------------------------------------------ */
/* Account names                                                       */

static const struct account {
    const char *domain, *name;
    struct known sid;
    SID_NAME_USE use;
} accounts[] = {
    {"", "Everyone", {1, 1, 0, 0}, SidTypeWellKnownGroup},
    {"", "NULL SID", {0, 1, 0, 0}, SidTypeWellKnownGroup},
    {"", "LOCAL", {2, 1, 0, 0}, SidTypeWellKnownGroup},
    {"", "CREATOR OWNER", {3, 1, 0, 0}, SidTypeWellKnownGroup},
    {"", "CREATOR GROUP", {3, 1, 1, 0}, SidTypeWellKnownGroup},
    {"", "OWNER RIGHTS", {3, 1, 4, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "NETWORK", {5, 1, 2, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "BATCH", {5, 1, 3, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "INTERACTIVE", {5, 1, 4, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "SERVICE", {5, 1, 6, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "ANONYMOUS LOGON", {5, 1, 7, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "SELF", {5, 1, 10, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "Authenticated Users", {5, 1, 11, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "SYSTEM", {5, 1, 18, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "LOCAL SERVICE", {5, 1, 19, 0}, SidTypeWellKnownGroup},
    {"NT AUTHORITY", "NETWORK SERVICE", {5, 1, 20, 0}, SidTypeWellKnownGroup},
    {"BUILTIN", "BUILTIN", {5, 1, 32, 0}, SidTypeDomain},
    {"BUILTIN", "Administrators", BUILTIN(544), SidTypeAlias},
    {"BUILTIN", "Users", BUILTIN(545), SidTypeAlias},
    {"BUILTIN", "Guests", BUILTIN(546), SidTypeAlias},
    {"BUILTIN", "Power Users", BUILTIN(547), SidTypeAlias},
};

/* What a SID names: domain, name and use; name in buf for Linux ids.
 * ERROR_NONE_MAPPED when nothing. */
static DWORD sid_account(const SID *sid, char *buf, size_t cap, const char **domain,
                         const char **name, SID_NAME_USE *use)
{
    for (size_t i = 0; i < sizeof accounts / sizeof *accounts; i++) {
        const struct known *k = &accounts[i].sid;
        if (sid_is(sid, k->auth, k->n, k->r0, k->r1)) {
            *domain = accounts[i].domain;
            *name = accounts[i].name;
            *use = accounts[i].use;
            return 0;
        }
    }
    if (sid_auth(sid) == UNIX_AUTHORITY && sid->SubAuthorityCount == 2) {
        DWORD id = sid_sub(sid, 1);
        char tmp[4096];
        if (sid_sub(sid, 0) == UNIX_USER_RID) {
            struct passwd pw, *r = NULL;
            if (getpwuid_r(id, &pw, tmp, sizeof tmp, &r) == 0 && r &&
                strlen(r->pw_name) < cap) {
                strcpy(buf, r->pw_name);
                *domain = "Unix User";
                *name = buf;
                *use = SidTypeUser;
                return 0;
            }
        } else if (sid_sub(sid, 0) == UNIX_GROUP_RID) {
            struct group gr, *r = NULL;
            if (getgrgid_r(id, &gr, tmp, sizeof tmp, &r) == 0 && r &&
                strlen(r->gr_name) < cap) {
                strcpy(buf, r->gr_name);
                *domain = "Unix Group";
                *name = buf;
                *use = SidTypeGroup;
                return 0;
            }
        }
    }
    return ERROR_NONE_MAPPED;
}

/* Only the local machine can be asked (NULL or an empty name). */
static bool local_system(const char *s)
{
    return !s || !*s;
}

static DWORD lookup_sid(const char *system, PSID sid, char *name, DWORD *cch_name, char *domain,
                        DWORD *cch_domain, SID_NAME_USE *use)
{
    if (!local_system(system))
        return ERROR_NOT_SUPPORTED;
    if (!sid_valid(sid))
        return ERROR_INVALID_SID;
    if (!cch_name || !cch_domain || !use)
        return ERROR_INVALID_PARAMETER;
    char buf[256];
    const char *d, *n;
    DWORD err = sid_account(sid, buf, sizeof buf, &d, &n, use);
    if (err)
        return err;
    DWORD ln = (DWORD)strlen(n), ld = (DWORD)strlen(d);
    if (*cch_name <= ln || *cch_domain <= ld || !name || !domain) {
        *cch_name = ln + 1;
        *cch_domain = ld + 1;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(name, n, ln + 1);
    memcpy(domain, d, ld + 1);
    *cch_name = ln;
    *cch_domain = ld;
    return 0;
}

/* An account name, "name" or "DOMAIN\name", to its SID. */
static DWORD name_account(const char *full, struct sidbuf *sb, SID **sid, const char **domain,
                          SID_NAME_USE *use)
{
    const char *slash = strchr(full, '\\');
    const char *name = slash ? slash + 1 : full;
    size_t dlen = slash ? (size_t)(slash - full) : 0;
    for (size_t i = 0; i < sizeof accounts / sizeof *accounts; i++) {
        const struct account *a = &accounts[i];
        if (strcasecmp(name, a->name) != 0)
            continue;
        if (slash && (strlen(a->domain) != dlen || strncasecmp(full, a->domain, dlen) != 0))
            continue;
        known_sid(&a->sid, sb, sid);
        *domain = a->domain;
        *use = a->use;
        return 0;
    }
    bool user_ok = !slash || (dlen == 9 && !strncasecmp(full, "Unix User", 9));
    bool group_ok = !slash || (dlen == 10 && !strncasecmp(full, "Unix Group", 10));
    char tmp[4096];
    if (user_ok) {
        struct passwd pw, *r = NULL;
        if (getpwnam_r(name, &pw, tmp, sizeof tmp, &r) == 0 && r) {
            const DWORD sub[2] = {UNIX_USER_RID, r->pw_uid};
            *sid = sid_make(sb, UNIX_AUTHORITY, 2, sub);
            *domain = "Unix User";
            *use = SidTypeUser;
            return 0;
        }
    }
    if (group_ok) {
        struct group gr, *r = NULL;
        if (getgrnam_r(name, &gr, tmp, sizeof tmp, &r) == 0 && r) {
            const DWORD sub[2] = {UNIX_GROUP_RID, r->gr_gid};
            *sid = sid_make(sb, UNIX_AUTHORITY, 2, sub);
            *domain = "Unix Group";
            *use = SidTypeGroup;
            return 0;
        }
    }
    return ERROR_NONE_MAPPED;
}

static DWORD lookup_name(const char *system, const char *account, PSID sid, DWORD *cb_sid,
                         char *domain, DWORD *cch_domain, SID_NAME_USE *use)
{
    if (!local_system(system))
        return ERROR_NOT_SUPPORTED;
    if (!account || !cb_sid || !cch_domain || !use)
        return ERROR_INVALID_PARAMETER;
    struct sidbuf sb;
    SID *s;
    const char *d;
    DWORD err = name_account(account, &sb, &s, &d, use);
    if (err)
        return err;
    DWORD ls = sid_len(s), ld = (DWORD)strlen(d);
    if (*cb_sid < ls || *cch_domain <= ld || !sid || !domain) {
        *cb_sid = ls;
        *cch_domain = ld + 1;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(sid, s, ls);
    memcpy(domain, d, ld + 1);
    *cb_sid = ls;
    *cch_domain = ld;
    return 0;
}

WS_EXPORT BOOL WINAPI LookupAccountSidA(LPCSTR lpSystemName, PSID Sid, LPSTR Name,
                                        LPDWORD cchName, LPSTR ReferencedDomainName,
                                        LPDWORD cchReferencedDomainName, PSID_NAME_USE peUse)
{
    return ws_bool(lookup_sid(lpSystemName, Sid, Name, cchName, ReferencedDomainName,
                              cchReferencedDomainName, peUse));
}

/* Account names here are UTF-8 on the A side; the W side converts. */
static bool w_to_a(const WCHAR *w, char *out, size_t cap)
{
    int n = utf16_to_utf8(w, (size_t)-1, out, cap);
    if (n < 0)
        return false;
    out[n] = 0;
    return true;
}

/* The UTF-16 length of UTF-8 a; -1 when too long or malformed. */
static int a_to_w_len(const char *a)
{
    WCHAR tmp[512];
    return utf8_to_utf16(a, tmp, sizeof tmp / sizeof *tmp);
}

WS_EXPORT BOOL WINAPI LookupAccountSidW(LPCWSTR lpSystemName, PSID Sid, LPWSTR Name,
                                        LPDWORD cchName, LPWSTR ReferencedDomainName,
                                        LPDWORD cchReferencedDomainName, PSID_NAME_USE peUse)
{
    if (lpSystemName && *lpSystemName)
        return ws_bool(ERROR_NOT_SUPPORTED);
    if (!sid_valid(Sid))
        return ws_bool(ERROR_INVALID_SID);
    if (!cchName || !cchReferencedDomainName || !peUse)
        return ws_bool(ERROR_INVALID_PARAMETER);
    char buf[256];
    const char *d, *n;
    DWORD err = sid_account(Sid, buf, sizeof buf, &d, &n, peUse);
    if (err)
        return ws_bool(err);
    int ln = a_to_w_len(n), ld = a_to_w_len(d);
    if (ln < 0 || ld < 0)
        return ws_bool(ERROR_NONE_MAPPED);
    if (*cchName <= (DWORD)ln || *cchReferencedDomainName <= (DWORD)ld || !Name ||
        !ReferencedDomainName) {
        *cchName = (DWORD)ln + 1;
        *cchReferencedDomainName = (DWORD)ld + 1;
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    }
    utf8_to_utf16(n, Name, (size_t)ln + 1);
    Name[ln] = 0;
    utf8_to_utf16(d, ReferencedDomainName, (size_t)ld + 1);
    ReferencedDomainName[ld] = 0;
    *cchName = (DWORD)ln;
    *cchReferencedDomainName = (DWORD)ld;
    return TRUE;
}

WS_EXPORT BOOL WINAPI LookupAccountNameA(LPCSTR lpSystemName, LPCSTR lpAccountName, PSID Sid,
                                         LPDWORD cbSid, LPSTR ReferencedDomainName,
                                         LPDWORD cchReferencedDomainName, PSID_NAME_USE peUse)
{
    return ws_bool(lookup_name(lpSystemName, lpAccountName, Sid, cbSid, ReferencedDomainName,
                               cchReferencedDomainName, peUse));
}

WS_EXPORT BOOL WINAPI LookupAccountNameW(LPCWSTR lpSystemName, LPCWSTR lpAccountName, PSID Sid,
                                         LPDWORD cbSid, LPWSTR ReferencedDomainName,
                                         LPDWORD cchReferencedDomainName, PSID_NAME_USE peUse)
{
    if (lpSystemName && *lpSystemName)
        return ws_bool(ERROR_NOT_SUPPORTED);
    if (!lpAccountName || !cbSid || !cchReferencedDomainName || !peUse)
        return ws_bool(ERROR_INVALID_PARAMETER);
    char name[1024];
    if (!w_to_a(lpAccountName, name, sizeof name))
        return ws_bool(ERROR_NONE_MAPPED);
    struct sidbuf sb;
    SID *s;
    const char *d;
    DWORD err = name_account(name, &sb, &s, &d, peUse);
    if (err)
        return ws_bool(err);
    DWORD ls = sid_len(s);
    int ld = a_to_w_len(d);
    if (ld < 0)
        return ws_bool(ERROR_NONE_MAPPED);
    if (*cbSid < ls || *cchReferencedDomainName <= (DWORD)ld || !Sid || !ReferencedDomainName) {
        *cbSid = ls;
        *cchReferencedDomainName = (DWORD)ld + 1;
        return ws_bool(ERROR_INSUFFICIENT_BUFFER);
    }
    memcpy(Sid, s, ls);
    utf8_to_utf16(d, ReferencedDomainName, (size_t)ld + 1);
    ReferencedDomainName[ld] = 0;
    *cbSid = ls;
    *cchReferencedDomainName = (DWORD)ld;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* The grant of a descriptor (security.h)                             */

/* Who an ACE's SID is, as a grant entry; false: nobody on Linux. */
static bool grant_who(const SID *sid, struct grant_ace *e)
{
    e->id = 0;
    if (sid_is(sid, 1, 1, 0, 0) ||                               /* Everyone */
        sid_is(sid, 5, 1, SECURITY_AUTHENTICATED_USER_RID, 0) || /* Authenticated Users */
        sid_is(sid, 5, 1, SECURITY_INTERACTIVE_RID, 0) ||        /* INTERACTIVE */
        sid_is(sid, 5, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS)) {
        e->who = GRANT_WORLD;
        return true;
    }
    if (sid_is(sid, 5, 1, SECURITY_LOCAL_SYSTEM_RID, 0)) { /* SYSTEM: root */
        e->who = GRANT_USER;
        return true;
    }
    if (sid_is(sid, 3, 1, SECURITY_CREATOR_OWNER_RID, 0) ||
        sid_is(sid, 3, 1, SECURITY_CREATOR_OWNER_RIGHTS_RID, 0)) {
        e->who = GRANT_USER; /* the creating user */
        e->id = (uint32_t)geteuid();
        return true;
    }
    if (sid_auth(sid) == UNIX_AUTHORITY && sid->SubAuthorityCount == 2 &&
        (sid_sub(sid, 0) == UNIX_USER_RID || sid_sub(sid, 0) == UNIX_GROUP_RID)) {
        e->who = sid_sub(sid, 0) == UNIX_USER_RID ? GRANT_USER : GRANT_GROUP;
        e->id = sid_sub(sid, 1);
        return true;
    }
    return false;
}

DWORD security_grant(const SECURITY_ATTRIBUTES *sa, const struct object_type *t,
                     struct grant *g)
{
    memset(g, 0, sizeof *g);
    if (!sa || !sa->lpSecurityDescriptor)
        return 0;
    const void *sd = sa->lpSecurityDescriptor;
    /* As NtCreate* capture it: another revision is STATUS_UNKNOWN_REVISION
     * (Wine 8 agrees). */
    if (((const SECURITY_DESCRIPTOR *)sd)->Revision != SECURITY_DESCRIPTOR_REVISION)
        return ERROR_UNKNOWN_REVISION;
    struct sd_parts p;
    sd_read(sd, &p);
    if (!(p.control & SE_DACL_PRESENT))
        return 0; /* the default DACL: the creator's own */
    g->present = 1;
    if (!p.dacl) {
        g->null_dacl = 1;
        return 0;
    }
    if (!acl_valid(p.dacl))
        return ERROR_INVALID_ACL;
    const BYTE *a = (const BYTE *)p.dacl + sizeof(ACL);
    for (unsigned i = 0; i < p.dacl->AceCount; a += rd16(a + 2), i++) {
        /* Inherit-only ACEs are for children; audit, object and other
         * kinds grant nothing here. */
        if (a[1] & INHERIT_ONLY_ACE)
            continue;
        if (a[0] != ACCESS_ALLOWED_ACE_TYPE && a[0] != ACCESS_DENIED_ACE_TYPE)
            continue;
        const SID *sid = (const SID *)(a + 8);
        if (rd16(a + 2) < 8 + 8 || !sid_valid(sid) || 8 + sid_len(sid) > rd16(a + 2))
            return ERROR_INVALID_ACL;
        struct grant_ace e = {0};
        if (!grant_who(sid, &e))
            continue;
        if (g->n == GRANT_MAX)
            return ERROR_NOT_SUPPORTED;
        ACCESS_MASK m;
        memcpy(&m, a + 4, 4);
        e.allow = a[0] == ACCESS_ALLOWED_ACE_TYPE;
        e.mask = map_generic(m, &t->mapping);
        g->ace[g->n++] = e;
    }
    return 0;
}

static bool grant_matches(const struct grant_ace *e, uint32_t uid, const uint32_t *gids,
                          uint32_t ngids)
{
    switch (e->who) {
    case GRANT_WORLD:
        return true;
    case GRANT_USER:
        return e->id == uid;
    case GRANT_GROUP:
        for (uint32_t i = 0; i < ngids; i++)
            if (gids[i] == e->id)
                return true;
        return false;
    default:
        return false;
    }
}

ACCESS_MASK security_access(const struct grant *g, const struct object_type *t, uint32_t uid,
                            const uint32_t *gids, uint32_t ngids, uint32_t owner)
{
    if (!g->present)
        return uid == owner ? t->valid_access : 0;
    if (g->null_dacl)
        return t->valid_access;
    /* As AccessCheck: the owner holds READ_CONTROL and WRITE_DAC before
     * the DACL is read; then each ACE decides the rights no earlier ACE
     * decided, allowed or denied. */
    ACCESS_MASK granted = uid == owner ? (READ_CONTROL | WRITE_DAC) : 0, decided = granted;
    for (uint32_t i = 0; i < g->n && i < GRANT_MAX; i++) {
        const struct grant_ace *e = &g->ace[i];
        if (!grant_matches(e, uid, gids, ngids))
            continue;
        ACCESS_MASK fresh = e->mask & ~decided;
        if (e->allow)
            granted |= fresh;
        decided |= fresh;
    }
    return granted & t->valid_access;
}
