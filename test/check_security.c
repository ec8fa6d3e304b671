/* SIDs, ACLs, security descriptors, SDDL, account names, LocalAlloc, and
 * the grant a descriptor gives Linux users (security_grant/_access, which
 * this suite reaches by linking the static library). */
#include "testutil.h"

#include <grp.h>
#include <pwd.h>
#include <sddl.h>
#include <string.h>
#include <unistd.h>

#include "../lib/core/security.h"
#include "../lib/sync/sync.h"

static SID_IDENTIFIER_AUTHORITY world_auth = {SECURITY_WORLD_SID_AUTHORITY};
static SID_IDENTIFIER_AUTHORITY nt_auth = {SECURITY_NT_AUTHORITY};

/* A SID from its string (LocalFree it). */
static PSID sid_of(const char *s)
{
    PSID p = NULL;
    ck_assert_msg(ConvertStringSidToSidA(s, &p), "%s: %lu", s, (unsigned long)GetLastError());
    return p;
}

static void assert_sid_string(PSID sid, const char *want)
{
    char *s = NULL;
    ck_assert(ConvertSidToStringSidA(sid, &s));
    ck_assert_str_eq(s, want);
    LocalFree(s);
}

/* ---- SIDs ---- */

START_TEST(test_sid_basics)
{
    PSID a = NULL, b = NULL;
    ck_assert(AllocateAndInitializeSid(&nt_auth, 2, SECURITY_BUILTIN_DOMAIN_RID,
                                       DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &a));
    ck_assert(IsValidSid(a));
    ck_assert_uint_eq(GetLengthSid(a), 16);
    ck_assert_uint_eq(GetSidLengthRequired(2), 16);
    ck_assert_uint_eq(GetSidLengthRequired(0), 8);
    ck_assert_uint_eq(GetSidLengthRequired(15), 68);
    assert_sid_string(a, "S-1-5-32-544");

    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(*GetSidSubAuthorityCount(a), 2);
    ck_assert_uint_eq(GetLastError(), 0);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(*GetSidSubAuthority(a, 1), 544);
    ck_assert_uint_eq(GetLastError(), 0);
    SetLastError(0xdeadbeef);
    ck_assert_uint_eq(GetSidIdentifierAuthority(a)->Value[5], 5);
    ck_assert_uint_eq(GetLastError(), 0);

    ck_assert(AllocateAndInitializeSid(&nt_auth, 2, 32, 544, 0, 0, 0, 0, 0, 0, &b));
    SetLastError(0xdeadbeef);
    ck_assert(EqualSid(a, b));
    ck_assert_uint_eq(GetLastError(), 0);
    *GetSidSubAuthority(b, 1) = 545;
    SetLastError(0xdeadbeef);
    ck_assert(!EqualSid(a, b));
    ck_assert_uint_eq(GetLastError(), 0); /* Windows: ERROR_SUCCESS either way */
    ck_assert_ptr_null(FreeSid(b));

    /* Eight sub-authorities at most here; none is allowed. */
    ck_assert(AllocateAndInitializeSid(&world_auth, 8, 1, 2, 3, 4, 5, 6, 7, 8, &b));
    assert_sid_string(b, "S-1-1-1-2-3-4-5-6-7-8");
    FreeSid(b);
    ck_assert(AllocateAndInitializeSid(&world_auth, 0, 0, 0, 0, 0, 0, 0, 0, 0, &b));
    ck_assert_uint_eq(GetLengthSid(b), 8);
    FreeSid(b);
    ASSERT_FAILS(AllocateAndInitializeSid(&world_auth, 9, 0, 0, 0, 0, 0, 0, 0, 0, &b),
                 ERROR_INVALID_SID);
    ASSERT_FAILS(AllocateAndInitializeSid(&world_auth, 1, 0, 0, 0, 0, 0, 0, 0, 0, NULL),
                 ERROR_INVALID_PARAMETER);

    /* CopySid */
    BYTE buf[SECURITY_MAX_SID_SIZE];
    ck_assert(CopySid(sizeof buf, buf, a));
    ck_assert(EqualSid(buf, a));
    ck_assert(CopySid(16, buf, a));
    ASSERT_FAILS(CopySid(15, buf, a), ERROR_INSUFFICIENT_BUFFER);
    ((SID *)a)->Revision = 2;
    ck_assert(!IsValidSid(a));
    ck_assert_uint_eq(GetLengthSid(a), 16); /* no validation, as Windows */
    ASSERT_FAILS(CopySid(sizeof buf, buf, a), ERROR_INVALID_SID);
    SetLastError(0xdeadbeef);
    ck_assert(!EqualSid(a, a));
    ck_assert_uint_eq(GetLastError(), 0);
    ck_assert(!IsValidSid(NULL));
    FreeSid(a);
    ck_assert_ptr_null(FreeSid(NULL));

    /* InitializeSid: up to SID_MAX_SUB_AUTHORITIES. */
    SID_IDENTIFIER_AUTHORITY big = {{1, 2, 3, 4, 5, 6}};
    ck_assert(InitializeSid(buf, &big, 1));
    *GetSidSubAuthority(buf, 0) = 4294967295u;
    assert_sid_string(buf, "S-1-0x010203040506-4294967295");
    ck_assert(InitializeSid(buf, &nt_auth, 15));
    ck_assert(IsValidSid(buf));
    ASSERT_FAILS(InitializeSid(buf, &nt_auth, 16), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(test_sid_strings)
{
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"S-1-5-32-544", "S-1-5-32-544"}, {"s-1-5-32-544", "S-1-5-32-544"},
        {"S-1-0x000000000005-18", "S-1-5-18"}, {"S-1-0x5-18", "S-1-5-18"},
        {"S-1-5-0x12", "S-1-5-18"}, {"S-1-05-018", "S-1-5-18"},
        {"S-1-5-4294967295", "S-1-5-4294967295"},
        {"S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15"},
        {"S-1-281474976710655-1", "S-1-0xFFFFFFFFFFFF-1"},
        {"S-1-22-1-1000", "S-1-22-1-1000"},
        {"WD", "S-1-1-0"}, {"wd", "S-1-1-0"}, {"BA", "S-1-5-32-544"}, {"BU", "S-1-5-32-545"},
        {"AU", "S-1-5-11"}, {"SY", "S-1-5-18"}, {"CO", "S-1-3-0"}, {"OW", "S-1-3-4"},
        {"IU", "S-1-5-4"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        PSID s = sid_of(ok[i].in);
        assert_sid_string(s, ok[i].out);
        ck_assert_ptr_null(LocalFree(s));
    }
    static const char *const bad[] = {
        "S-1-5", "S-1-5-", "S-1", "S-2-5-18", "S-1-5-18x", "XX", "", "S-1-5-4294967296",
        "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", "S-1-281474976710656-1", " S-1-5-18",
        "S-1-5-+18", "S-1-5--18", "S-1-5-18 ", "S-1-0x-1", "S--5-1",
    };
    PSID s = (PSID)1;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        SetLastError(0xdeadbeef);
        ck_assert_msg(!ConvertStringSidToSidA(bad[i], &s), "'%s' accepted", bad[i]);
        ck_assert_msg(GetLastError() == ERROR_INVALID_SID, "'%s': %lu", bad[i],
                      (unsigned long)GetLastError());
    }
    ASSERT_FAILS(ConvertStringSidToSidA("DA", &s), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(ConvertStringSidToSidA(NULL, &s), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ConvertStringSidToSidA("S-1-5-18", NULL), ERROR_INVALID_PARAMETER);

    /* W forms */
    ck_assert(ConvertStringSidToSidW(u"S-1-5-18", &s));
    WCHAR *w = NULL;
    ck_assert(ConvertSidToStringSidW(s, &w));
    ck_assert(memcmp(w, u"S-1-5-18", sizeof u"S-1-5-18") == 0);
    LocalFree(w);
    LocalFree(s);
    ASSERT_FAILS(ConvertStringSidToSidW(u"S-1-5", &s), ERROR_INVALID_SID);
    ASSERT_FAILS(ConvertStringSidToSidW(NULL, &s), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ConvertSidToStringSidW(NULL, &w), ERROR_INVALID_SID);

    char *str;
    ASSERT_FAILS(ConvertSidToStringSidA(NULL, &str), ERROR_INVALID_SID);
    BYTE buf[SECURITY_MAX_SID_SIZE];
    InitializeSid(buf, &nt_auth, 1);
    *GetSidSubAuthority(buf, 0) = 18;
    ASSERT_FAILS(ConvertSidToStringSidA(buf, NULL), ERROR_INVALID_PARAMETER);
    ((SID *)buf)->Revision = 3;
    ASSERT_FAILS(ConvertSidToStringSidA(buf, &str), ERROR_INVALID_SID);
}
END_TEST

START_TEST(test_well_known)
{
    static const struct {
        WELL_KNOWN_SID_TYPE t;
        const char *s;
    } k[] = {
        {WinNullSid, "S-1-0-0"},
        {WinWorldSid, "S-1-1-0"},
        {WinCreatorOwnerSid, "S-1-3-0"},
        {WinNtAuthoritySid, "S-1-5"},
        {WinInteractiveSid, "S-1-5-4"},
        {WinAuthenticatedUserSid, "S-1-5-11"},
        {WinLocalSystemSid, "S-1-5-18"},
        {WinBuiltinDomainSid, "S-1-5-32"},
        {WinBuiltinAdministratorsSid, "S-1-5-32-544"},
        {WinBuiltinUsersSid, "S-1-5-32-545"},
        {WinNTLMAuthenticationSid, "S-1-5-64-10"},
        {WinMediumLabelSid, "S-1-16-8192"},
        {WinCreatorOwnerRightsSid, "S-1-3-4"},
    };
    BYTE buf[SECURITY_MAX_SID_SIZE];
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        DWORD cb = sizeof buf;
        ck_assert_msg(CreateWellKnownSid(k[i].t, NULL, buf, &cb), "type %d", k[i].t);
        ck_assert_uint_eq(cb, GetLengthSid(buf));
        assert_sid_string(buf, k[i].s);
    }
    DWORD cb = 0;
    ASSERT_FAILS(CreateWellKnownSid(WinWorldSid, NULL, NULL, &cb), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cb, 12);
    cb = 11;
    ASSERT_FAILS(CreateWellKnownSid(WinWorldSid, NULL, buf, &cb), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cb, 12);
    cb = 12;
    ck_assert(CreateWellKnownSid(WinWorldSid, NULL, buf, &cb));
    ASSERT_FAILS(CreateWellKnownSid(WinWorldSid, NULL, buf, NULL), ERROR_INVALID_PARAMETER);
    cb = sizeof buf;
    ASSERT_FAILS(CreateWellKnownSid(WinAccountAdministratorSid, NULL, buf, &cb),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateWellKnownSid((WELL_KNOWN_SID_TYPE)500, NULL, buf, &cb),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateWellKnownSid(WinCapabilityInternetClientSid, NULL, buf, &cb),
                 ERROR_NOT_SUPPORTED);
    /* Domain-relative: the domain's S-1-5-21-a-b-c plus the RID. */
    PSID dom = sid_of("S-1-5-21-1-2-3");
    cb = sizeof buf;
    ck_assert(CreateWellKnownSid(WinAccountAdministratorSid, dom, buf, &cb));
    assert_sid_string(buf, "S-1-5-21-1-2-3-500");
    LocalFree(dom);
    dom = sid_of("S-1-5-32");
    ASSERT_FAILS(CreateWellKnownSid(WinAccountDomainUsersSid, dom, buf, &cb),
                 ERROR_INVALID_PARAMETER);
    LocalFree(dom);
}
END_TEST

/* ---- ACLs ---- */

START_TEST(test_acl)
{
    union {
        ACL acl;
        BYTE b[256];
    } u;
    PACL acl = &u.acl;
    PSID world = sid_of("WD"), bad = sid_of("SY");
    ((SID *)bad)->Revision = 2;

    ASSERT_FAILS(InitializeAcl(acl, 4, ACL_REVISION), ERROR_INSUFFICIENT_BUFFER);
    ASSERT_FAILS(InitializeAcl(acl, 100, 1), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeAcl(acl, 100, 5), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeAcl(acl, 70000, ACL_REVISION), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(InitializeAcl(acl, 7, 9), ERROR_INVALID_PARAMETER); /* revision first */
    ck_assert(InitializeAcl(acl, 8, ACL_REVISION));
    ck_assert(IsValidAcl(acl));
    ASSERT_FAILS(AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, world),
                 ERROR_ALLOTTED_SPACE_EXCEEDED);
    ck_assert(InitializeAcl(acl, 28, ACL_REVISION));
    ck_assert(AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, world));
    ASSERT_FAILS(AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, world),
                 ERROR_ALLOTTED_SPACE_EXCEEDED);

    ck_assert(InitializeAcl(acl, 200, ACL_REVISION));
    ck_assert(AddAccessAllowedAce(acl, 1, GENERIC_READ, world));
    ck_assert_uint_eq(acl->AclRevision, ACL_REVISION);
    ck_assert(AddAccessDeniedAce(acl, 3, GENERIC_WRITE, world));
    ck_assert_uint_eq(acl->AclRevision, 3); /* raised to the ACE's */
    ck_assert(AddAccessAllowedAceEx(acl, ACL_REVISION, OBJECT_INHERIT_ACE | INHERIT_ONLY_ACE,
                                    0x1234, world));
    ck_assert(AddAccessDeniedAceEx(acl, ACL_REVISION_DS, VALID_INHERIT_FLAGS, 0x5, world));
    ck_assert_uint_eq(acl->AclRevision, 4);
    ck_assert_uint_eq(acl->AceCount, 4);
    ASSERT_FAILS(AddAccessAllowedAce(acl, 5, GENERIC_ALL, world), ERROR_REVISION_MISMATCH);
    ASSERT_FAILS(AddAccessAllowedAceEx(acl, 2, 0x20, GENERIC_ALL, world), ERROR_INVALID_FLAGS);
    ASSERT_FAILS(AddAccessDeniedAceEx(acl, 2, FAILED_ACCESS_ACE_FLAG, GENERIC_ALL, world),
                 ERROR_INVALID_FLAGS);
    ASSERT_FAILS(AddAccessAllowedAce(acl, 2, GENERIC_ALL, bad), ERROR_INVALID_SID);
    ASSERT_FAILS(AddAccessDeniedAce(acl, 2, GENERIC_ALL, bad), ERROR_INVALID_SID);
    ASSERT_FAILS(AddAccessAllowedAce(acl, 2, GENERIC_ALL, NULL), ERROR_INVALID_SID);
    ck_assert_uint_eq(acl->AceCount, 4);

    ACCESS_ALLOWED_ACE *ace;
    ck_assert(GetAce(acl, 2, (LPVOID *)&ace));
    ck_assert_uint_eq(ace->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
    ck_assert_uint_eq(ace->Header.AceFlags, OBJECT_INHERIT_ACE | INHERIT_ONLY_ACE);
    ck_assert_uint_eq(ace->Header.AceSize, 20);
    ck_assert_uint_eq(ace->Mask, 0x1234);
    ck_assert(EqualSid(&ace->SidStart, world));
    ck_assert(GetAce(acl, 1, (LPVOID *)&ace));
    ck_assert_uint_eq(ace->Header.AceType, ACCESS_DENIED_ACE_TYPE);
    LPVOID p;
    ASSERT_FAILS(GetAce(acl, 4, &p), ERROR_INVALID_PARAMETER);

    ACL_SIZE_INFORMATION si;
    ACL_REVISION_INFORMATION ri;
    ck_assert(GetAclInformation(acl, &si, sizeof si, AclSizeInformation));
    ck_assert_uint_eq(si.AceCount, 4);
    ck_assert_uint_eq(si.AclBytesInUse, 8 + 4 * 20);
    ck_assert_uint_eq(si.AclBytesFree, 200 - 88);
    ck_assert(GetAclInformation(acl, &ri, sizeof ri, AclRevisionInformation));
    ck_assert_uint_eq(ri.AclRevision, 4);
    ASSERT_FAILS(GetAclInformation(acl, &si, sizeof si - 1, AclSizeInformation),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetAclInformation(acl, &ri, 3, AclRevisionInformation),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetAclInformation(acl, &ri, sizeof si, (ACL_INFORMATION_CLASS)3),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(GetAclInformation(acl, &ri, sizeof si, (ACL_INFORMATION_CLASS)0),
                 ERROR_INVALID_PARAMETER);

    /* DeleteAce moves the rest down. */
    ASSERT_FAILS(DeleteAce(acl, 4), ERROR_INVALID_PARAMETER);
    ck_assert(DeleteAce(acl, 0));
    ck_assert_uint_eq(acl->AceCount, 3);
    ck_assert(GetAce(acl, 0, (LPVOID *)&ace));
    ck_assert_uint_eq(ace->Header.AceType, ACCESS_DENIED_ACE_TYPE);
    ck_assert(GetAclInformation(acl, &si, sizeof si, AclSizeInformation));
    ck_assert_uint_eq(si.AclBytesInUse, 8 + 3 * 20);
    ck_assert(IsValidAcl(acl));

    /* Malformed ACLs. */
    acl->AclRevision = 9;
    SetLastError(0xdeadbeef);
    ck_assert(!IsValidAcl(acl));
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef); /* no extended error */
    ASSERT_FAILS(AddAccessAllowedAce(acl, 2, GENERIC_ALL, world), ERROR_REVISION_MISMATCH);
    acl->AclRevision = 2;
    ck_assert(GetAce(acl, 0, (LPVOID *)&ace));
    ace->Header.AceSize = 250; /* runs past AclSize */
    ck_assert(!IsValidAcl(acl));
    ASSERT_FAILS(AddAccessAllowedAce(acl, 2, GENERIC_ALL, world), ERROR_INVALID_ACL);
    ASSERT_FAILS(GetAclInformation(acl, &si, sizeof si, AclSizeInformation), ERROR_INVALID_ACL);
    ASSERT_FAILS(DeleteAce(acl, 0), ERROR_INVALID_ACL);
    ck_assert(!IsValidAcl(NULL));

    DWORD m = GENERIC_READ | SYNCHRONIZE;
    GENERIC_MAPPING gm = {0x1, 0x2, 0x4, 0xf};
    MapGenericMask(&m, &gm);
    ck_assert_uint_eq(m, 0x1 | SYNCHRONIZE);
    m = GENERIC_ALL | GENERIC_EXECUTE;
    MapGenericMask(&m, &gm);
    ck_assert_uint_eq(m, 0xf);

    LocalFree(world);
    LocalFree(bad);
}
END_TEST

/* ---- security descriptors ---- */

START_TEST(test_sd_absolute)
{
    SECURITY_DESCRIPTOR sd;
    BOOL present = 7, defaulted = 7;
    PACL dacl = (PACL)1;
    PSID owner = (PSID)1;
    SECURITY_DESCRIPTOR_CONTROL ctl = 0x1234;
    DWORD rev = 77;

    ASSERT_FAILS(InitializeSecurityDescriptor(&sd, 2), ERROR_UNKNOWN_REVISION);
    ck_assert(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
    ck_assert(IsValidSecurityDescriptor(&sd));
    ck_assert_uint_eq(GetSecurityDescriptorLength(&sd), sizeof(SECURITY_DESCRIPTOR));
    ck_assert(GetSecurityDescriptorControl(&sd, &ctl, &rev));
    ck_assert_uint_eq(ctl, 0);
    ck_assert_uint_eq(rev, 1);

    /* Not present: *pDacl and *defaulted are left alone. */
    ck_assert(GetSecurityDescriptorDacl(&sd, &present, &dacl, &defaulted));
    ck_assert(!present);
    ck_assert_ptr_eq(dacl, (PACL)1);
    ck_assert_int_eq(defaulted, 7);

    /* A NULL DACL. */
    ck_assert(SetSecurityDescriptorDacl(&sd, TRUE, NULL, TRUE));
    ck_assert_uint_eq(sd.Control, SE_DACL_PRESENT | SE_DACL_DEFAULTED);
    ck_assert(GetSecurityDescriptorDacl(&sd, &present, &dacl, &defaulted));
    ck_assert(present);
    ck_assert_ptr_null(dacl);
    ck_assert(defaulted);
    ck_assert(SetSecurityDescriptorDacl(&sd, FALSE, NULL, FALSE));
    ck_assert_uint_eq(sd.Control, SE_DACL_DEFAULTED); /* only the present flag goes */

    union {
        ACL acl;
        BYTE b[64];
    } u;
    PSID world = sid_of("WD"), sys = sid_of("SY");
    ck_assert(InitializeAcl(&u.acl, sizeof u, ACL_REVISION));
    ck_assert(AddAccessAllowedAce(&u.acl, ACL_REVISION, GENERIC_ALL, world));
    ck_assert(SetSecurityDescriptorDacl(&sd, TRUE, &u.acl, FALSE));
    ck_assert(SetSecurityDescriptorOwner(&sd, sys, TRUE));
    ck_assert(SetSecurityDescriptorGroup(&sd, world, FALSE));
    ck_assert(GetSecurityDescriptorControl(&sd, &ctl, &rev));
    ck_assert_uint_eq(ctl, SE_DACL_PRESENT | SE_OWNER_DEFAULTED);
    ck_assert(GetSecurityDescriptorOwner(&sd, &owner, &defaulted));
    ck_assert_ptr_eq(owner, sys);
    ck_assert(defaulted);
    ck_assert(GetSecurityDescriptorGroup(&sd, &owner, &defaulted));
    ck_assert_ptr_eq(owner, world);
    ck_assert(!defaulted);
    ck_assert(IsValidSecurityDescriptor(&sd));
    ck_assert_uint_eq(GetSecurityDescriptorLength(&sd), sizeof(SECURITY_DESCRIPTOR) + 12 + 12 + 64);

    /* Invalid parts. */
    ((SID *)sys)->Revision = 3;
    ASSERT_FAILS(IsValidSecurityDescriptor(&sd), ERROR_INVALID_SECURITY_DESCR);
    ((SID *)sys)->Revision = 1;
    u.acl.AclRevision = 1;
    ASSERT_FAILS(IsValidSecurityDescriptor(&sd), ERROR_INVALID_SECURITY_DESCR);
    u.acl.AclRevision = 2;
    ASSERT_FAILS(IsValidSecurityDescriptor(NULL), ERROR_INVALID_SECURITY_DESCR);

    /* A wrong revision. */
    sd.Revision = 2;
    ASSERT_FAILS(IsValidSecurityDescriptor(&sd), ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(GetSecurityDescriptorDacl(&sd, &present, &dacl, &defaulted),
                 ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE), ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(SetSecurityDescriptorOwner(&sd, NULL, FALSE), ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(SetSecurityDescriptorGroup(&sd, NULL, FALSE), ERROR_UNKNOWN_REVISION);
    ctl = 0x4321;
    ASSERT_FAILS(GetSecurityDescriptorControl(&sd, &ctl, &rev), ERROR_UNKNOWN_REVISION);
    ck_assert_uint_eq(rev, 2);
    ck_assert_uint_eq(ctl, 0x4321);
    ck_assert(GetSecurityDescriptorOwner(&sd, &owner, &defaulted)); /* no check, as Windows */
    sd.Revision = 1;

    /* A self-relative descriptor cannot be changed in place. */
    sd.Control |= SE_SELF_RELATIVE;
    ASSERT_FAILS(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE), ERROR_INVALID_SECURITY_DESCR);
    ASSERT_FAILS(SetSecurityDescriptorOwner(&sd, NULL, FALSE), ERROR_INVALID_SECURITY_DESCR);
    ASSERT_FAILS(SetSecurityDescriptorGroup(&sd, NULL, FALSE), ERROR_INVALID_SECURITY_DESCR);
    LocalFree(world);
    LocalFree(sys);
}
END_TEST

START_TEST(test_sd_sacl_control_self_relative)
{
    SECURITY_DESCRIPTOR sd;
    BOOL present = 7, defaulted = 7;
    PACL sacl = (PACL)1;
    ck_assert(InitializeSecurityDescriptor(&sd, 1));
    ck_assert(GetSecurityDescriptorSacl(&sd, &present, &sacl, &defaulted));
    ck_assert(!present);
    ck_assert_ptr_eq(sacl, (PACL)1);

    union {
        ACL acl;
        BYTE b[64];
    } u;
    PSID world = sid_of("WD");
    ck_assert(InitializeAcl(&u.acl, sizeof u, ACL_REVISION));
    ck_assert(AddAccessAllowedAce(&u.acl, ACL_REVISION, GENERIC_ALL, world));
    ck_assert(SetSecurityDescriptorSacl(&sd, TRUE, &u.acl, TRUE));
    ck_assert_uint_eq(sd.Control, SE_SACL_PRESENT | SE_SACL_DEFAULTED);
    ck_assert(GetSecurityDescriptorSacl(&sd, &present, &sacl, &defaulted));
    ck_assert(present && sacl == &u.acl && defaulted);
    ck_assert(SetSecurityDescriptorSacl(&sd, FALSE, NULL, FALSE));
    ck_assert_uint_eq(sd.Control, SE_SACL_DEFAULTED);
    ck_assert(SetSecurityDescriptorSacl(&sd, TRUE, &u.acl, FALSE));

    /* Control: only the inheritance and protection bits. */
    ck_assert(SetSecurityDescriptorControl(&sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED));
    ck_assert(SetSecurityDescriptorControl(&sd, SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED,
                                           SE_DACL_AUTO_INHERITED));
    ck_assert_uint_eq(sd.Control, SE_SACL_PRESENT | SE_DACL_AUTO_INHERITED);
    ck_assert(SetSecurityDescriptorControl(&sd, 0, SE_DACL_PROTECTED)); /* not of interest */
    ck_assert_uint_eq(sd.Control, SE_SACL_PRESENT | SE_DACL_AUTO_INHERITED);
    ASSERT_FAILS(SetSecurityDescriptorControl(&sd, SE_DACL_PRESENT, SE_DACL_PRESENT),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetSecurityDescriptorControl(&sd, SE_RM_CONTROL_VALID, SE_RM_CONTROL_VALID),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(SetSecurityDescriptorControl(&sd, SE_SELF_RELATIVE, 0), ERROR_INVALID_PARAMETER);

    /* MakeSelfRelativeSD: owner, group, SACL, DACL after the header. */
    ck_assert(SetSecurityDescriptorDacl(&sd, TRUE, &u.acl, FALSE));
    ck_assert(SetSecurityDescriptorOwner(&sd, world, FALSE));
    DWORD len = 0;
    BYTE rel[256];
    ASSERT_FAILS(MakeSelfRelativeSD(&sd, rel, &len), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, 20 + 12 + 64 + 64);
    len = 10;
    ASSERT_FAILS(MakeSelfRelativeSD(&sd, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(len, 160);
    len = sizeof rel;
    ck_assert(MakeSelfRelativeSD(&sd, rel, &len));
    ck_assert_uint_eq(len, sizeof rel); /* left alone on success, as Wine */
    SECURITY_DESCRIPTOR_RELATIVE *r = (SECURITY_DESCRIPTOR_RELATIVE *)rel;
    ck_assert_uint_eq(r->Control, SE_SELF_RELATIVE | SE_SACL_PRESENT | SE_DACL_PRESENT |
                                      SE_DACL_AUTO_INHERITED);
    ck_assert_uint_eq(r->Owner, 20);
    ck_assert_uint_eq(r->Group, 0);
    ck_assert_uint_eq(r->Sacl, 32);
    ck_assert_uint_eq(r->Dacl, 96);
    ck_assert(IsValidSecurityDescriptor(rel));
    ck_assert_uint_eq(GetSecurityDescriptorLength(rel), 160);
    PACL dacl;
    ck_assert(GetSecurityDescriptorDacl(rel, &present, &dacl, &defaulted));
    ck_assert_ptr_eq(dacl, (PACL)(rel + 96));
    PSID owner;
    ck_assert(GetSecurityDescriptorOwner(rel, &owner, &defaulted));
    ck_assert(EqualSid(owner, world));
    /* A self-relative source is copied. */
    BYTE rel2[256];
    len = sizeof rel2;
    ck_assert(MakeSelfRelativeSD(rel, rel2, &len));
    ck_assert(memcmp(rel, rel2, 160) == 0);
    /* Changing a self-relative descriptor in place is refused. */
    ASSERT_FAILS(SetSecurityDescriptorSacl(rel, TRUE, NULL, FALSE), ERROR_INVALID_SECURITY_DESCR);
    sd.Revision = 2;
    ASSERT_FAILS(SetSecurityDescriptorSacl(&sd, TRUE, NULL, FALSE), ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(GetSecurityDescriptorSacl(&sd, &present, &sacl, &defaulted),
                 ERROR_UNKNOWN_REVISION);
    /* A NULL DACL survives. */
    InitializeSecurityDescriptor(&sd, 1);
    SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE);
    len = sizeof rel;
    ck_assert(MakeSelfRelativeSD(&sd, rel, &len));
    ck_assert(GetSecurityDescriptorDacl(rel, &present, &dacl, &defaulted));
    ck_assert(present);
    ck_assert_ptr_null(dacl);

    /* IsWellKnownSid */
    SetLastError(0xdeadbeef);
    ck_assert(IsWellKnownSid(world, WinWorldSid));
    ck_assert_uint_eq(GetLastError(), 0);
    ck_assert(!IsWellKnownSid(world, WinLocalSystemSid));
    ck_assert(!IsWellKnownSid(world, WinAccountAdministratorSid));
    SetLastError(0xdeadbeef);
    ck_assert(!IsWellKnownSid(world, (WELL_KNOWN_SID_TYPE)500));
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef);
    BYTE nt[SECURITY_MAX_SID_SIZE];
    DWORD cb = sizeof nt;
    ck_assert(CreateWellKnownSid(WinNtAuthoritySid, NULL, nt, &cb));
    ck_assert(IsWellKnownSid(nt, WinNtAuthoritySid));
    ck_assert(!IsWellKnownSid(nt, WinNullSid));
    ((SID *)world)->Revision = 3;
    ck_assert(!IsWellKnownSid(world, WinWorldSid));
    LocalFree(world);
}
END_TEST

/* Parses s, checks the round trip to want (NULL: s itself). */
static PSECURITY_DESCRIPTOR sddl_round(const char *s, const char *want)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;
    SetLastError(0xdeadbeef);
    ck_assert_msg(ConvertStringSecurityDescriptorToSecurityDescriptorA(s, SDDL_REVISION_1, &sd,
                                                                      &len),
                  "'%s': %lu", s, (unsigned long)GetLastError());
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef); /* success leaves it */
    ck_assert(IsValidSecurityDescriptor(sd));
    ck_assert_uint_eq(len, GetSecurityDescriptorLength(sd));
    char *out = NULL;
    ULONG olen = 0;
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(
        sd, SDDL_REVISION_1,
        OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
            SACL_SECURITY_INFORMATION,
        &out, &olen));
    ck_assert_str_eq(out, want ? want : s);
    ck_assert_uint_eq(GetLastError(), 0xdeadbeef);
    ck_assert_uint_eq(olen, strlen(out) + 1);
    LocalFree(out);
    return sd;
}

START_TEST(test_sddl)
{
    static const struct {
        const char *in, *out;
    } rt[] = {
        {"", NULL},
        {"O:BA", NULL},
        {"O:BAG:SY", NULL},
        {"G:SYO:BA", "O:BAG:SY"},
        {"D:", NULL},
        {"D:P", NULL},
        {"D:PAI(A;;GA;;;WD)", NULL},
        {"D:(A;;GA;;;WD)(D;;GW;;;BU)", NULL},
        {"D:(A;OICI;0x1f0003;;;S-1-22-1-1000)", NULL},
        {"D:(A;;0x1f01ff;;;WD)", "D:(A;;FA;;;WD)"},
        {"D:(A;;RCSDWDWO;;;WD)", "D:(A;;SDRCWDWO;;;WD)"},
        {"D:(A;;GRGWGX;;;WD)", "D:(A;;GXGWGR;;;WD)"},
        {"D:(A;;0x3;;;WD)", "D:(A;;CCDC;;;WD)"},
        {"D:(A;;123;;;WD)", "D:(A;;CCDCSWRPWPDT;;;WD)"},
        {"D:(A;;KA;;;WD)", NULL},
        {"D:(A;;0x120089;;;WD)", "D:(A;;FR;;;WD)"},
        {"D:(A;;0xFFFFFFFF;;;WD)", "D:(A;;0xffffffff;;;WD)"},
        {"O:S-1-5-18G:S-1-5-32-544", "O:SYG:BA"},
        {"D:(A;;GA;;;WD)O:BA", "O:BAD:(A;;GA;;;WD)"},
        {"S:(AU;SA;GA;;;WD)", NULL},
        {"D:(A;IO;GA;;;CO)(A;ID;GA;;;OW)", NULL},
        {"D:ARAIP", "D:PARAI"},
        {"O:BAO:SY", "O:SY"},
        {" D: (A; ;GA;;;WD) ", "D:(A;;GA;;;WD)"},
        {"D:(A;;GA;;;S-1-5-21-1-2-3-500)", NULL},
        {"D:NO_ACCESS_CONTROL", NULL},
    };
    for (size_t i = 0; i < sizeof rt / sizeof *rt; i++)
        LocalFree(sddl_round(rt[i].in, rt[i].out));

    /* What the parts are. */
    PSECURITY_DESCRIPTOR sd = sddl_round("O:BAD:P(A;;GA;;;WD)", NULL);
    SECURITY_DESCRIPTOR_CONTROL ctl;
    DWORD rev;
    ck_assert(GetSecurityDescriptorControl(sd, &ctl, &rev));
    ck_assert_uint_eq(ctl, SE_SELF_RELATIVE | SE_DACL_PRESENT | SE_DACL_PROTECTED);
    BOOL present, defaulted;
    PACL dacl;
    PSID owner;
    ck_assert(GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted));
    ck_assert(present && dacl && !defaulted);
    ck_assert_uint_eq(dacl->AceCount, 1);
    ck_assert(GetSecurityDescriptorOwner(sd, &owner, &defaulted));
    assert_sid_string(owner, "S-1-5-32-544");
    ck_assert(GetSecurityDescriptorGroup(sd, &owner, &defaulted));
    ck_assert_ptr_null(owner);
    ck_assert_uint_eq(GetSecurityDescriptorLength(sd), 20 + 16 + 8 + 20);
    LocalFree(sd);
    sd = sddl_round("D:NO_ACCESS_CONTROL", NULL);
    ck_assert(GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted));
    ck_assert(present);
    ck_assert_ptr_null(dacl);
    LocalFree(sd);

    /* Errors. */
    static const struct {
        const char *in;
        DWORD err;
    } bad[] = {
        {"D:(X;;GA;;;WD)", ERROR_INVALID_ACL},    {"D:(A;;GA;;;XX)", ERROR_INVALID_ACL},
        {"D:(A;;GA;;;S-1-5-)", ERROR_INVALID_ACL}, {"D:(A;;ZZ;;;WD)", ERROR_INVALID_ACL},
        {"D:(A;;GA;;WD)", ERROR_INVALID_ACL},     {"D:(A;XX;GA;;;WD)", ERROR_INVALID_ACL},
        {"D:(A;;GA;;;WD", ERROR_INVALID_ACL},     {"D:(A;;0x;;;WD)", ERROR_INVALID_ACL},
        {"D:(A;;GA;;;;WD)", ERROR_INVALID_ACL},
        {"D:(A;;GA;11111111-1111-1111-1111-111111111111;;WD)", ERROR_INVALID_ACL},
        {"X:BA", ERROR_INVALID_PARAMETER},        {"O:XX", ERROR_INVALID_SID},
        {"O:S-1-5", ERROR_INVALID_SID},           {"O:", ERROR_INVALID_SID},
        {"D:Q", ERROR_INVALID_PARAMETER},         {"BA", ERROR_INVALID_PARAMETER},
        {"D:(OA;;GA;;;WD)", ERROR_NOT_SUPPORTED}, {"D:(A;;GA;;;DA)", ERROR_NOT_SUPPORTED},
        {"O:LA", ERROR_NOT_SUPPORTED},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sd = (PSECURITY_DESCRIPTOR)1;
        SetLastError(0xdeadbeef);
        ck_assert_msg(!ConvertStringSecurityDescriptorToSecurityDescriptorA(bad[i].in, 1, &sd,
                                                                           NULL),
                      "'%s' accepted", bad[i].in);
        ck_assert_msg(GetLastError() == bad[i].err, "'%s': %lu, expected %lu", bad[i].in,
                      (unsigned long)GetLastError(), (unsigned long)bad[i].err);
    }
    ULONG len;
    ASSERT_FAILS(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:", 2, &sd, &len),
                 ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(ConvertStringSecurityDescriptorToSecurityDescriptorA(NULL, 1, &sd, &len),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:", 1, NULL, &len),
                 ERROR_INVALID_PARAMETER);
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:", 1, &sd, NULL));
    LocalFree(sd);

    /* W forms. */
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(u"O:SYD:(A;;GA;;;BU)", 1, &sd,
                                                                  &len));
    ck_assert_uint_eq(len, 20 + 12 + 8 + 24);
    WCHAR *w;
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorW(
        sd, 1, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &w, &len));
    ck_assert(memcmp(w, u"O:SYD:(A;;GA;;;BU)", sizeof u"O:SYD:(A;;GA;;;BU)") == 0);
    ck_assert_uint_eq(len, 19);
    LocalFree(w);
    /* Only what was asked for. */
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, 1, DACL_SECURITY_INFORMATION,
                                                                  &w, NULL));
    ck_assert(memcmp(w, u"D:(A;;GA;;;BU)", sizeof u"D:(A;;GA;;;BU)") == 0);
    LocalFree(w);
    ASSERT_FAILS(ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, 2, 0, &w, NULL),
                 ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, 1, 0, NULL, NULL),
                 ERROR_INVALID_PARAMETER);
    LocalFree(sd);
    ASSERT_FAILS(ConvertStringSecurityDescriptorToSecurityDescriptorW(u"D:(", 1, &sd, &len),
                 ERROR_INVALID_ACL);
    ASSERT_FAILS(ConvertStringSecurityDescriptorToSecurityDescriptorW(u"D:", 0, &sd, &len),
                 ERROR_UNKNOWN_REVISION);
    ASSERT_FAILS(ConvertStringSecurityDescriptorToSecurityDescriptorW(NULL, 1, &sd, &len),
                 ERROR_INVALID_PARAMETER);

    /* An absolute descriptor: empty, and a NULL DACL. */
    SECURITY_DESCRIPTOR abs;
    InitializeSecurityDescriptor(&abs, 1);
    char *out;
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(&abs, 1, DACL_SECURITY_INFORMATION,
                                                                  &out, &len));
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(len, 1);
    LocalFree(out);
    SetSecurityDescriptorDacl(&abs, TRUE, NULL, FALSE);
    ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorA(&abs, 1, DACL_SECURITY_INFORMATION,
                                                                  &out, &len));
    ck_assert_str_eq(out, "D:NO_ACCESS_CONTROL");
    LocalFree(out);
    ASSERT_FAILS(ConvertSecurityDescriptorToStringSecurityDescriptorA(NULL, 1, 0, &out, &len),
                 ERROR_INVALID_PARAMETER);
    abs.Revision = 2;
    ASSERT_FAILS(ConvertSecurityDescriptorToStringSecurityDescriptorA(&abs, 1, 0, &out, &len),
                 ERROR_UNKNOWN_REVISION);
}
END_TEST

/* ---- account names ---- */

START_TEST(test_lookup)
{
    char name[256], dom[256];
    DWORD cn = sizeof name, cd = sizeof dom;
    SID_NAME_USE use = 0;
    PSID s = sid_of("WD");
    ck_assert(LookupAccountSidA(NULL, s, name, &cn, dom, &cd, &use));
    ck_assert_str_eq(name, "Everyone");
    ck_assert_str_eq(dom, "");
    ck_assert_uint_eq(cn, 8);
    ck_assert_uint_eq(cd, 0);
    ck_assert_int_eq(use, SidTypeWellKnownGroup);
    /* Too small: both sizes needed, with the terminator. */
    cn = 8;
    cd = 10;
    ASSERT_FAILS(LookupAccountSidA(NULL, s, name, &cn, dom, &cd, &use), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cn, 9);
    ck_assert_uint_eq(cd, 1);
    cn = cd = 0;
    ASSERT_FAILS(LookupAccountSidA(NULL, s, NULL, &cn, NULL, &cd, &use), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cn, 9);
    LocalFree(s);

    s = sid_of("SY");
    cn = sizeof name, cd = sizeof dom;
    ck_assert(LookupAccountSidA("", s, name, &cn, dom, &cd, &use));
    ck_assert_str_eq(name, "SYSTEM");
    ck_assert_str_eq(dom, "NT AUTHORITY");
    ASSERT_FAILS(LookupAccountSidA("otherhost", s, name, &cn, dom, &cd, &use),
                 ERROR_NOT_SUPPORTED);
    LocalFree(s);
    s = sid_of("S-1-5-21-1-2-3-4");
    cn = sizeof name, cd = sizeof dom;
    ASSERT_FAILS(LookupAccountSidA(NULL, s, name, &cn, dom, &cd, &use), ERROR_NONE_MAPPED);
    ((SID *)s)->Revision = 5;
    ASSERT_FAILS(LookupAccountSidA(NULL, s, name, &cn, dom, &cd, &use), ERROR_INVALID_SID);
    LocalFree(s);

    /* The user running the test, by SID and by name. */
    struct passwd *pw = getpwuid(geteuid());
    ck_assert_ptr_nonnull(pw);
    char str[64];
    snprintf(str, sizeof str, "S-1-22-1-%u", (unsigned)geteuid());
    s = sid_of(str);
    cn = sizeof name, cd = sizeof dom;
    ck_assert(LookupAccountSidA(NULL, s, name, &cn, dom, &cd, &use));
    ck_assert_str_eq(name, pw->pw_name);
    ck_assert_str_eq(dom, "Unix User");
    ck_assert_int_eq(use, SidTypeUser);

    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD cb = sizeof sid;
    cd = sizeof dom;
    ck_assert(LookupAccountNameA(NULL, pw->pw_name, sid, &cb, dom, &cd, &use));
    ck_assert(EqualSid(sid, s));
    ck_assert_uint_eq(cb, 16);
    ck_assert_str_eq(dom, "Unix User");
    ck_assert_uint_eq(cd, 9);
    char full[300];
    snprintf(full, sizeof full, "Unix User\\%s", pw->pw_name);
    cb = sizeof sid, cd = sizeof dom;
    ck_assert(LookupAccountNameA(NULL, full, sid, &cb, dom, &cd, &use));
    ck_assert(EqualSid(sid, s));
    LocalFree(s);

    struct group *gr = getgrgid(getegid());
    if (gr) {
        snprintf(full, sizeof full, "Unix Group\\%s", gr->gr_name);
        cb = sizeof sid, cd = sizeof dom;
        ck_assert(LookupAccountNameA(NULL, full, sid, &cb, dom, &cd, &use));
        ck_assert_int_eq(use, SidTypeGroup);
        snprintf(str, sizeof str, "S-1-22-2-%u", (unsigned)getegid());
        assert_sid_string(sid, str);
        cn = sizeof name, cd = sizeof dom;
        ck_assert(LookupAccountSidA(NULL, sid, name, &cn, dom, &cd, &use));
        ck_assert_str_eq(name, gr->gr_name);
        ck_assert_str_eq(dom, "Unix Group");
    }

    /* Well-known names, any case, with or without their domain. */
    cb = sizeof sid, cd = sizeof dom;
    ck_assert(LookupAccountNameA(NULL, "everyone", sid, &cb, dom, &cd, &use));
    assert_sid_string(sid, "S-1-1-0");
    cb = sizeof sid, cd = sizeof dom;
    ck_assert(LookupAccountNameA(NULL, "BUILTIN\\Users", sid, &cb, dom, &cd, &use));
    assert_sid_string(sid, "S-1-5-32-545");
    ck_assert_int_eq(use, SidTypeAlias);
    ck_assert_str_eq(dom, "BUILTIN");
    cb = sizeof sid, cd = sizeof dom;
    ck_assert(LookupAccountNameA(NULL, "NT AUTHORITY\\SYSTEM", sid, &cb, dom, &cd, &use));
    assert_sid_string(sid, "S-1-5-18");
    cb = sizeof sid, cd = sizeof dom;
    ASSERT_FAILS(LookupAccountNameA(NULL, "BUILTIN\\SYSTEM", sid, &cb, dom, &cd, &use),
                 ERROR_NONE_MAPPED);
    ASSERT_FAILS(LookupAccountNameA(NULL, "no-such-user-winshim", sid, &cb, dom, &cd, &use),
                 ERROR_NONE_MAPPED);
    cb = 4, cd = 20;
    ASSERT_FAILS(LookupAccountNameA(NULL, "NT AUTHORITY\\SYSTEM", sid, &cb, dom, &cd, &use),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cb, 12);
    ck_assert_uint_eq(cd, 13);
    ASSERT_FAILS(LookupAccountNameA(NULL, NULL, sid, &cb, dom, &cd, &use),
                 ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(LookupAccountNameA("host", "SYSTEM", sid, &cb, dom, &cd, &use),
                 ERROR_NOT_SUPPORTED);

    /* W forms. */
    WCHAR wn[64], wd[64];
    cb = sizeof sid, cd = 64;
    ck_assert(LookupAccountNameW(NULL, u"Administrators", sid, &cb, wd, &cd, &use));
    assert_sid_string(sid, "S-1-5-32-544");
    ck_assert(memcmp(wd, u"BUILTIN", sizeof u"BUILTIN") == 0);
    ck_assert_uint_eq(cd, 7);
    cn = 64, cd = 64;
    ck_assert(LookupAccountSidW(NULL, sid, wn, &cn, wd, &cd, &use));
    ck_assert(memcmp(wn, u"Administrators", sizeof u"Administrators") == 0);
    ck_assert_uint_eq(cn, 14);
    cn = 3, cd = 64;
    ASSERT_FAILS(LookupAccountSidW(NULL, sid, wn, &cn, wd, &cd, &use), ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cn, 15);
    ck_assert_uint_eq(cd, 8);
    cb = 1, cd = 1;
    ASSERT_FAILS(LookupAccountNameW(NULL, u"Administrators", sid, &cb, wd, &cd, &use),
                 ERROR_INSUFFICIENT_BUFFER);
    ck_assert_uint_eq(cb, 16);
    ck_assert_uint_eq(cd, 8);
    ASSERT_FAILS(LookupAccountNameW(NULL, u"nobody-winshim-x", sid, &cb, wd, &cd, &use),
                 ERROR_NONE_MAPPED);
    ASSERT_FAILS(LookupAccountNameW(u"h", u"SYSTEM", sid, &cb, wd, &cd, &use),
                 ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(LookupAccountSidW(u"h", sid, wn, &cn, wd, &cd, &use), ERROR_NOT_SUPPORTED);
    ASSERT_FAILS(LookupAccountSidW(NULL, NULL, wn, &cn, wd, &cd, &use), ERROR_INVALID_SID);
    PSID unk = sid_of("S-1-5-21-9-9-9-9");
    cn = 64, cd = 64;
    ASSERT_FAILS(LookupAccountSidW(NULL, unk, wn, &cn, wd, &cd, &use), ERROR_NONE_MAPPED);
    LocalFree(unk);
}
END_TEST

/* ---- the grant (internal) ---- */

static const struct object_type test_type = {
    .name = "test",
    .mapping = {0x1 | READ_CONTROL, 0x2, 0x4, 0xf | STANDARD_RIGHTS_REQUIRED},
    .valid_access = 0xf | STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE,
};

static DWORD grant_of(const char *sddl, struct grant *g)
{
    PSECURITY_DESCRIPTOR sd;
    ck_assert_msg(ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, 1, &sd, NULL), "%s",
                  sddl);
    SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
    DWORD err = security_grant(&sa, &test_type, g);
    LocalFree(sd);
    return err;
}

START_TEST(test_grant)
{
    struct grant g;
    const uint32_t me = 1000, other = 1001, root = 0;
    const uint32_t staff[] = {50, 60};
    const ACCESS_MASK all = test_type.valid_access;

    /* No attributes, no descriptor, no DACL: the owner's alone. */
    ck_assert_uint_eq(security_grant(NULL, &test_type, &g), 0);
    ck_assert_uint_eq(g.present, 0);
    ck_assert_uint_eq(security_access(&g, &test_type, me, NULL, 0, me), all);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0);
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    ck_assert_uint_eq(security_grant(&sa, &test_type, &g), 0);
    ck_assert_uint_eq(g.present, 0);
    ck_assert_uint_eq(grant_of("O:SY", &g), 0);
    ck_assert_uint_eq(g.present, 0);

    /* A NULL DACL: everyone, everything. */
    ck_assert_uint_eq(grant_of("D:NO_ACCESS_CONTROL", &g), 0);
    ck_assert_uint_eq(g.present, 1);
    ck_assert_uint_eq(g.null_dacl, 1);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), all);

    /* An empty DACL: nobody, but the owner keeps READ_CONTROL | WRITE_DAC. */
    ck_assert_uint_eq(grant_of("D:", &g), 0);
    ck_assert_uint_eq(g.n, 0);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0);
    ck_assert_uint_eq(security_access(&g, &test_type, me, NULL, 0, me), READ_CONTROL | WRITE_DAC);

    /* Generic rights mapped with the type's mapping. */
    ck_assert_uint_eq(grant_of("D:(A;;GR;;;WD)", &g), 0);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_uint_eq(g.ace[0].who, GRANT_WORLD);
    ck_assert_uint_eq(g.ace[0].mask, 0x1 | READ_CONTROL);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0x1 | READ_CONTROL);
    ck_assert_uint_eq(grant_of("D:(A;;GA;;;AU)", &g), 0);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me),
                      0xf | STANDARD_RIGHTS_REQUIRED);

    /* Ordered evaluation: a deny first wins; a deny after an allow is too late. */
    ck_assert_uint_eq(grant_of("D:(D;;0x2;;;S-1-22-1-1001)(A;;0x3;;;WD)", &g), 0);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0x1);
    ck_assert_uint_eq(security_access(&g, &test_type, me, NULL, 0, me),
                      0x3 | READ_CONTROL | WRITE_DAC);
    ck_assert_uint_eq(grant_of("D:(A;;0x3;;;WD)(D;;0x2;;;S-1-22-1-1001)", &g), 0);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0x3);

    /* Groups, users, SYSTEM as root. */
    ck_assert_uint_eq(grant_of("D:(A;;0x4;;;S-1-22-2-60)(A;;0x8;;;SY)(A;;0x1;;;S-1-22-1-1001)",
                               &g),
                      0);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_uint_eq(g.ace[0].who, GRANT_GROUP);
    ck_assert_uint_eq(g.ace[0].id, 60);
    ck_assert_uint_eq(g.ace[1].who, GRANT_USER);
    ck_assert_uint_eq(g.ace[1].id, 0);
    ck_assert_uint_eq(security_access(&g, &test_type, other, staff, 2, me), 0x5);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0x1);
    ck_assert_uint_eq(security_access(&g, &test_type, root, NULL, 0, me), 0x8);
    ck_assert_uint_eq(security_access(&g, &test_type, 77, staff, 1, me), 0);

    /* Unknown SIDs dropped, inherit-only ACEs ignored, audit ACEs too. */
    ck_assert_uint_eq(grant_of("D:(A;;GA;;;S-1-5-21-1-2-3-500)(A;IO;GA;;;WD)(AU;SA;GA;;;WD)"
                               "(A;;0x1;;;BU)(D;;0x1;;;BA)",
                               &g),
                      0);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_uint_eq(security_access(&g, &test_type, other, NULL, 0, me), 0x1);

    /* CREATOR OWNER / OWNER RIGHTS: the creating user. */
    ck_assert_uint_eq(grant_of("D:(A;;0x2;;;CO)", &g), 0);
    ck_assert_uint_eq(g.ace[0].who, GRANT_USER);
    ck_assert_uint_eq(g.ace[0].id, (uint32_t)geteuid());

    /* More than GRANT_MAX mappable ACEs. */
    char big[1024] = "D:";
    for (int i = 0; i <= GRANT_MAX; i++)
        strcat(big, "(A;;0x1;;;WD)");
    ck_assert_uint_eq(grant_of(big, &g), ERROR_NOT_SUPPORTED);
    /* Unmappable ACEs do not count. */
    strcpy(big, "D:");
    for (int i = 0; i < 20; i++)
        strcat(big, "(A;;0x1;;;BA)");
    strcat(big, "(A;;0x1;;;WD)");
    ck_assert_uint_eq(grant_of(big, &g), 0);
    ck_assert_uint_eq(g.n, 1);

    /* Malformed descriptors. */
    SECURITY_DESCRIPTOR sd;
    InitializeSecurityDescriptor(&sd, 1);
    sa.lpSecurityDescriptor = &sd;
    sd.Revision = 3;
    ck_assert_uint_eq(security_grant(&sa, &test_type, &g), ERROR_UNKNOWN_REVISION);
    sd.Revision = 1;
    union {
        ACL acl;
        BYTE b[64];
    } u;
    InitializeAcl(&u.acl, sizeof u, ACL_REVISION);
    PSID w = sid_of("WD");
    AddAccessAllowedAce(&u.acl, ACL_REVISION, GENERIC_ALL, w);
    SetSecurityDescriptorDacl(&sd, TRUE, &u.acl, FALSE);
    ck_assert_uint_eq(security_grant(&sa, &test_type, &g), 0);
    ck_assert_uint_eq(g.n, 1);
    u.acl.AclRevision = 7;
    ck_assert_uint_eq(security_grant(&sa, &test_type, &g), ERROR_INVALID_ACL);
    u.acl.AclRevision = 2;
    ((SID *)(u.b + 16))->Revision = 4; /* the ACE's SID */
    ck_assert_uint_eq(security_grant(&sa, &test_type, &g), ERROR_INVALID_ACL);
    LocalFree(w);

    /* A real type: events, GENERIC_ALL to EVENT_ALL_ACCESS. */
    PSECURITY_DESCRIPTOR psd;
    ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:(A;;GA;;;WD)", 1, &psd, NULL));
    sa.lpSecurityDescriptor = psd;
    ck_assert_uint_eq(security_grant(&sa, &event_type, &g), 0);
    ck_assert_uint_eq(security_access(&g, &event_type, other, NULL, 0, me), EVENT_ALL_ACCESS);
    LocalFree(psd);
}
END_TEST

static Suite *security_suite(void)
{
    Suite *s = suite_create("security");
    TCase *tc = tcase_create("security");
    tcase_add_test(tc, test_sid_basics);
    tcase_add_test(tc, test_sid_strings);
    tcase_add_test(tc, test_well_known);
    tcase_add_test(tc, test_acl);
    tcase_add_test(tc, test_sd_absolute);
    tcase_add_test(tc, test_sd_sacl_control_self_relative);
    tcase_add_test(tc, test_sddl);
    tcase_add_test(tc, test_lookup);
    tcase_add_test(tc, test_grant);
    suite_add_tcase(s, tc);
    return s;
}

TEST_MAIN(security_suite)
