/*
 * security_descriptors: building a security descriptor by hand the way
 * Microsoft's "Creating a Security Descriptor for a New Object" does
 * (SIDs for Everyone and Administrators, an ACL with two ACEs, a DACL),
 * then the same in SDDL; SID strings, well-known SIDs, and the error
 * codes of each function.  Only results that are the same on every
 * machine are printed (no user SIDs).
 */
#include <windows.h>
#include <sddl.h>
#include <stdio.h>

/* DWORD is unsigned long on Windows, unsigned int elsewhere. */
#define U(x) ((unsigned long)(x))

static void show_sid(const char *what, PSID sid)
{
    LPSTR s = NULL;
    if (ConvertSidToStringSidA(sid, &s)) {
        printf("%s: %s\n", what, s);
        LocalFree(s);
    } else {
        printf("%s: ConvertSidToStringSid failed %lu\n", what, U(GetLastError()));
    }
}

static void fails(const char *what, BOOL ok)
{
    printf("%s: %s, error %lu\n", what, ok ? "succeeded" : "failed", ok ? 0 : U(GetLastError()));
}

static void sddl_round_trip(const char *in)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(in, SDDL_REVISION_1, &sd, &len)) {
        printf("\"%s\": failed, error %lu\n", in, U(GetLastError()));
        return;
    }
    LPSTR out = NULL;
    ULONG outlen = 0;
    SECURITY_DESCRIPTOR_CONTROL ctl = 0;
    DWORD rev = 0;
    GetSecurityDescriptorControl(sd, &ctl, &rev);
    if (ConvertSecurityDescriptorToStringSecurityDescriptorA(
            sd, SDDL_REVISION_1,
            OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                SACL_SECURITY_INFORMATION,
            &out, &outlen)) {
        printf("\"%s\": %lu bytes, control 0x%04x, valid %d -> \"%s\" (%lu)\n", in, U(len), ctl,
               IsValidSecurityDescriptor(sd) ? 1 : 0, out, U(outlen));
        LocalFree(out);
    } else {
        printf("\"%s\": back to a string failed, error %lu\n", in, U(GetLastError()));
    }
    LocalFree(sd);
}

int main(void)
{
    SID_IDENTIFIER_AUTHORITY world_auth = {SECURITY_WORLD_SID_AUTHORITY};
    SID_IDENTIFIER_AUTHORITY nt_auth = {SECURITY_NT_AUTHORITY};
    PSID everyone = NULL, admins = NULL;

    /* 1. The SIDs. */
    if (!AllocateAndInitializeSid(&world_auth, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0,
                                  &everyone) ||
        !AllocateAndInitializeSid(&nt_auth, 2, SECURITY_BUILTIN_DOMAIN_RID,
                                  DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &admins)) {
        printf("AllocateAndInitializeSid failed %lu\n", U(GetLastError()));
        return 1;
    }
    show_sid("everyone", everyone);
    show_sid("administrators", admins);
    printf("lengths %lu %lu, valid %d %d, equal %d\n", U(GetLengthSid(everyone)),
           U(GetLengthSid(admins)), IsValidSid(everyone) ? 1 : 0, IsValidSid(admins) ? 1 : 0,
           EqualSid(everyone, admins) ? 1 : 0);
    printf("EqualSid of two different SIDs leaves error %lu\n", U(GetLastError()));
    printf("sub-authorities %u, last %lu, authority %u\n", *GetSidSubAuthorityCount(admins),
           U(*GetSidSubAuthority(admins, 1)), GetSidIdentifierAuthority(admins)->Value[5]);
    printf("GetSidLengthRequired(2) = %lu\n", U(GetSidLengthRequired(2)));

    /* 2. An ACL: Everyone may read, Administrators everything. */
    DWORD acl_size = sizeof(ACL) + 2 * (sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD)) +
                     GetLengthSid(everyone) + GetLengthSid(admins);
    PACL acl = (PACL)LocalAlloc(LPTR, acl_size);
    printf("ACL of %lu bytes\n", U(acl_size));
    if (!InitializeAcl(acl, acl_size, ACL_REVISION) ||
        !AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_READ, everyone) ||
        !AddAccessAllowedAceEx(acl, ACL_REVISION, CONTAINER_INHERIT_ACE | OBJECT_INHERIT_ACE,
                               GENERIC_ALL, admins)) {
        printf("building the ACL failed %lu\n", U(GetLastError()));
        return 1;
    }
    SetLastError(0);
    fails("a third ACE", AddAccessDeniedAce(acl, ACL_REVISION, GENERIC_WRITE, everyone));
    ACL_SIZE_INFORMATION si;
    ACL_REVISION_INFORMATION ri;
    GetAclInformation(acl, &si, sizeof si, AclSizeInformation);
    GetAclInformation(acl, &ri, sizeof ri, AclRevisionInformation);
    printf("ACEs %lu, in use %lu, free %lu, revision %lu, valid %d\n", U(si.AceCount),
           U(si.AclBytesInUse), U(si.AclBytesFree), U(ri.AclRevision), IsValidAcl(acl) ? 1 : 0);
    for (DWORD i = 0; i < si.AceCount; i++) {
        ACCESS_ALLOWED_ACE *ace;
        if (GetAce(acl, i, (LPVOID *)&ace))
            printf("ACE %lu: type %u flags 0x%02x size %u mask 0x%08lx sid %s\n", U(i),
                   ace->Header.AceType, ace->Header.AceFlags, ace->Header.AceSize, U(ace->Mask),
                   EqualSid(&ace->SidStart, everyone) ? "everyone" : "administrators");
    }
    LPVOID p;
    fails("GetAce(2)", GetAce(acl, 2, &p));

    /* 3. The security descriptor. */
    SECURITY_DESCRIPTOR sd;
    if (!InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) ||
        !SetSecurityDescriptorDacl(&sd, TRUE, acl, FALSE) ||
        !SetSecurityDescriptorOwner(&sd, admins, FALSE) ||
        !SetSecurityDescriptorGroup(&sd, everyone, TRUE)) {
        printf("building the descriptor failed %lu\n", U(GetLastError()));
        return 1;
    }
    SECURITY_DESCRIPTOR_CONTROL ctl;
    DWORD rev;
    GetSecurityDescriptorControl(&sd, &ctl, &rev);
    printf("descriptor: valid %d, control 0x%04x, revision %lu, extra bytes %lu\n",
           IsValidSecurityDescriptor(&sd) ? 1 : 0, ctl, U(rev),
           U(GetSecurityDescriptorLength(&sd) - (DWORD)sizeof sd));
    BOOL present = FALSE, defaulted = TRUE;
    PACL got = NULL;
    PSID owner = NULL;
    GetSecurityDescriptorDacl(&sd, &present, &got, &defaulted);
    printf("DACL present %d, same %d, defaulted %d\n", present ? 1 : 0, got == acl,
           defaulted ? 1 : 0);
    GetSecurityDescriptorGroup(&sd, &owner, &defaulted);
    printf("group is everyone %d, defaulted %d\n", owner == everyone, defaulted ? 1 : 0);
    LPSTR text = NULL;
    if (ConvertSecurityDescriptorToStringSecurityDescriptorA(
            &sd, SDDL_REVISION_1,
            OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &text, NULL)) {
        printf("as SDDL: %s\n", text);
        LocalFree(text);
    }

    /* The same descriptor in one block, as it would be stored or sent. */
    DWORD rel_len = 0;
    fails("MakeSelfRelativeSD size probe", MakeSelfRelativeSD(&sd, NULL, &rel_len));
    SECURITY_DESCRIPTOR_RELATIVE *rel = (SECURITY_DESCRIPTOR_RELATIVE *)LocalAlloc(LPTR, rel_len);
    if (MakeSelfRelativeSD(&sd, rel, &rel_len)) {
        printf("self-relative: %lu bytes, control 0x%04x, owner at %lu, group at %lu, DACL at "
               "%lu, valid %d, length %lu\n",
               U(rel_len), rel->Control, U(rel->Owner), U(rel->Group), U(rel->Dacl),
               IsValidSecurityDescriptor(rel) ? 1 : 0, U(GetSecurityDescriptorLength(rel)));
        fails("SetSecurityDescriptorDacl on it", SetSecurityDescriptorDacl(rel, TRUE, NULL, 0));
    }
    LocalFree(rel);
    fails("SetSecurityDescriptorControl(SE_DACL_PROTECTED)",
          SetSecurityDescriptorControl(&sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED));
    fails("SetSecurityDescriptorControl(SE_DACL_PRESENT)",
          SetSecurityDescriptorControl(&sd, SE_DACL_PRESENT, 0));
    printf("IsWellKnownSid(everyone, WinWorldSid) %d\n",
           IsWellKnownSid(everyone, WinWorldSid) ? 1 : 0);

    /* 4. Errors. */
    SECURITY_DESCRIPTOR bad;
    fails("InitializeSecurityDescriptor(revision 2)", InitializeSecurityDescriptor(&bad, 2));
    InitializeSecurityDescriptor(&bad, SECURITY_DESCRIPTOR_REVISION);
    bad.Revision = 2;
    fails("GetSecurityDescriptorDacl(revision 2)",
          GetSecurityDescriptorDacl(&bad, &present, &got, &defaulted));
    fails("SetSecurityDescriptorDacl(revision 2)", SetSecurityDescriptorDacl(&bad, TRUE, NULL, 0));
    bad.Revision = 1;
    bad.Control |= SE_SELF_RELATIVE;
    fails("SetSecurityDescriptorDacl(self-relative)",
          SetSecurityDescriptorDacl(&bad, TRUE, NULL, FALSE));
    fails("SetSecurityDescriptorOwner(self-relative)", SetSecurityDescriptorOwner(&bad, NULL, 0));
    BYTE small[64];
    fails("InitializeAcl(4 bytes)", InitializeAcl((PACL)small, 4, ACL_REVISION));
    fails("InitializeAcl(revision 5)", InitializeAcl((PACL)small, 64, 5));
    fails("InitializeAcl(70000 bytes)", InitializeAcl((PACL)small, 70000, ACL_REVISION));
    InitializeAcl((PACL)small, 16, ACL_REVISION);
    fails("AddAccessAllowedAce(no room)",
          AddAccessAllowedAce((PACL)small, ACL_REVISION, GENERIC_ALL, everyone));
    fails("AddAccessAllowedAce(revision 5)",
          AddAccessAllowedAce(acl, 5, GENERIC_ALL, everyone));
    fails("GetAclInformation(short buffer)",
          GetAclInformation(acl, &si, sizeof si - 1, AclSizeInformation));
    fails("DeleteAce(9)", DeleteAce(acl, 9));
    fails("AllocateAndInitializeSid(9 sub-authorities)",
          AllocateAndInitializeSid(&world_auth, 9, 0, 0, 0, 0, 0, 0, 0, 0, &owner));
    ((SID *)everyone)->Revision = 2;
    fails("AddAccessAllowedAce(bad SID)",
          AddAccessAllowedAce((PACL)small, ACL_REVISION, GENERIC_ALL, everyone));
    fails("ConvertSidToStringSid(bad SID)", ConvertSidToStringSidA(everyone, &text));
    ((SID *)everyone)->Revision = 1;

    /* 5. SID strings and well-known SIDs. */
    static const char *const strings[] = {
        "S-1-5-32-544", "s-1-5-18", "S-1-0x5-18", "S-1-5-0x12", "S-1-5-21-1-2-3-500",
        "WD", "BA", "BU", "AU", "SY", "CO", "IU", "OW", "S-1-5", "S-1-5-", "S-2-5-18",
        "S-1-5-18x", "XX",
    };
    for (unsigned i = 0; i < sizeof strings / sizeof *strings; i++) {
        PSID sid = NULL;
        if (ConvertStringSidToSidA(strings[i], &sid)) {
            show_sid(strings[i], sid);
            LocalFree(sid);
        } else {
            printf("%s: failed, error %lu\n", strings[i], U(GetLastError()));
        }
    }
    static const WELL_KNOWN_SID_TYPE kinds[] = {
        WinWorldSid, WinAuthenticatedUserSid, WinBuiltinUsersSid, WinBuiltinAdministratorsSid,
        WinLocalSystemSid, WinCreatorOwnerSid, WinInteractiveSid, WinNtAuthoritySid,
    };
    for (unsigned i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        BYTE buf[SECURITY_MAX_SID_SIZE];
        DWORD cb = 0;
        SetLastError(0);
        BOOL ok = CreateWellKnownSid(kinds[i], NULL, NULL, &cb);
        printf("well-known %d: probe %d error %lu needs %lu", kinds[i], ok ? 1 : 0,
               U(GetLastError()), U(cb));
        cb = sizeof buf;
        if (CreateWellKnownSid(kinds[i], NULL, buf, &cb)) {
            LPSTR s;
            ConvertSidToStringSidA(buf, &s);
            printf(", %s (%lu bytes)\n", s, U(cb));
            LocalFree(s);
        } else {
            printf(", failed %lu\n", U(GetLastError()));
        }
    }
    DWORD cb = 64;
    BYTE buf[64];
    fails("CreateWellKnownSid(account administrator, no domain)",
          CreateWellKnownSid(WinAccountAdministratorSid, NULL, buf, &cb));
    fails("CreateWellKnownSid(no size)", CreateWellKnownSid(WinWorldSid, NULL, buf, NULL));

    /* 6. SDDL. */
    static const char *const sddl[] = {
        "O:BAG:SY", "G:SYO:BA", "D:", "D:P", "D:PAI(A;;GA;;;WD)",
        "D:(A;;GA;;;WD)(D;;GW;;;BU)", "D:(A;OICI;0x1f0003;;;S-1-5-21-1-2-3-1000)",
        "D:(A;;0x1f01ff;;;WD)", "D:(A;;RCSDWDWO;;;WD)", "D:(A;;GRGWGX;;;WD)", "D:(A;;0x3;;;WD)",
        "D:(A;;123;;;WD)", "D:(A;;KA;;;WD)", "D:(A;;0x120089;;;WD)", "D:(A;;0xFFFFFFFF;;;WD)",
        "O:S-1-5-18G:S-1-5-32-544", "D:(A;;GA;;;WD)O:BA", "S:(AU;SA;GA;;;WD)",
        "D:(A;IO;GA;;;CO)(A;ID;GA;;;OW)", "D:ARAIP",
        "D:(A;;GA;;;XX)", "D:(A;;ZZ;;;WD)", "D:(A;;GA;;WD)", "D:(A;XX;GA;;;WD)",
        "D:(A;;GA;;;WD", "D:(A;;0x;;;WD)", "X:BA", "O:XX", "O:S-1-5",
    };
    for (unsigned i = 0; i < sizeof sddl / sizeof *sddl; i++)
        sddl_round_trip(sddl[i]);

    /* 7. The process's access token (its user differs per machine: only
     * the shape of the answers is printed). */
    HANDLE token = NULL;
    fails("OpenProcessToken", OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token));
    DWORD need = 0;
    fails("TokenUser size probe", GetTokenInformation(token, TokenUser, NULL, 0, &need));
    TOKEN_USER *user = (TOKEN_USER *)LocalAlloc(LPTR, need);
    fails("TokenUser", GetTokenInformation(token, TokenUser, user, need, &need));
    printf("user SID valid %d\n", IsValidSid(user->User.Sid) ? 1 : 0);
    LocalFree(user);
    TOKEN_TYPE type = 0;
    fails("TokenType", GetTokenInformation(token, TokenType, &type, sizeof type, &need));
    printf("type %d, %lu bytes\n", type, U(need));
    TOKEN_ELEVATION elevation;
    fails("TokenElevation",
          GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &need));
    fails("TokenType in 3 bytes", GetTokenInformation(token, TokenType, &type, 3, &need));
    fails("TokenImpersonationLevel of a primary token",
          GetTokenInformation(token, TokenImpersonationLevel, &type, sizeof type, &need));
    fails("GetTokenInformation(process handle)",
          GetTokenInformation(GetCurrentProcess(), TokenType, &type, sizeof type, &need));
    HANDLE thread_token;
    fails("OpenThreadToken (not impersonating)",
          OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token));
    fails("CloseHandle(token)", CloseHandle(token));

    printf("LocalFree returns NULL: %d\n", LocalFree(acl) == NULL);
    FreeSid(everyone);
    FreeSid(admins);
    printf("done\n");
    return 0;
}
