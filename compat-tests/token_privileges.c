/*
 * token_privileges: access tokens the way Microsoft's samples use them:
 * "Enabling and Disabling Privileges in C++" (SetPrivilege with
 * LookupPrivilegeValue and AdjustTokenPrivileges), "Searching for a SID
 * in an Access Token in C++" (GetTokenInformation(TokenGroups) and
 * EqualSid), CheckTokenMembership, impersonating the process's own
 * security context (ImpersonateSelf, OpenThreadToken, RevertToSelf) and
 * AccessCheck against a descriptor.  Only facts that are the same for
 * every user on every machine are printed.
 */
#include <windows.h>
#include <sddl.h>
#include <stdio.h>

#define U(x) ((unsigned long)(x))

/* The SetPrivilege of Microsoft's sample. */
static BOOL SetPrivilege(HANDLE hToken, LPCSTR lpszPrivilege, BOOL bEnablePrivilege)
{
    TOKEN_PRIVILEGES tp;
    LUID luid;
    if (!LookupPrivilegeValueA(NULL, lpszPrivilege, &luid)) {
        printf("LookupPrivilegeValue error: %lu\n", U(GetLastError()));
        return FALSE;
    }
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Luid = luid;
    tp.Privileges[0].Attributes = bEnablePrivilege ? SE_PRIVILEGE_ENABLED : 0;
    if (!AdjustTokenPrivileges(hToken, FALSE, &tp, sizeof(TOKEN_PRIVILEGES), NULL, NULL)) {
        printf("AdjustTokenPrivileges error: %lu\n", U(GetLastError()));
        return FALSE;
    }
    if (GetLastError() == ERROR_NOT_ALL_ASSIGNED) {
        printf("The token does not have the specified privilege.\n");
        return FALSE;
    }
    return TRUE;
}

/* The attributes of one privilege in a token, or "absent". */
static void show_privilege(HANDLE hToken, LPCSTR name)
{
    LUID luid;
    DWORD len = 0;
    LookupPrivilegeValueA(NULL, name, &luid);
    GetTokenInformation(hToken, TokenPrivileges, NULL, 0, &len);
    TOKEN_PRIVILEGES *tp = (TOKEN_PRIVILEGES *)LocalAlloc(LPTR, len);
    if (!tp || !GetTokenInformation(hToken, TokenPrivileges, tp, len, &len)) {
        printf("GetTokenInformation error: %lu\n", U(GetLastError()));
        LocalFree(tp);
        return;
    }
    for (DWORD i = 0; i < tp->PrivilegeCount; i++)
        if (tp->Privileges[i].Luid.LowPart == luid.LowPart &&
            tp->Privileges[i].Luid.HighPart == luid.HighPart) {
            printf("%s: %s\n", name,
                   tp->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED ? "enabled" : "disabled");
            LocalFree(tp);
            return;
        }
    printf("%s: absent\n", name);
    LocalFree(tp);
}

/* "Searching for a SID in an Access Token". */
static BOOL SearchTokenGroupsForSID(HANDLE hToken, PSID pSID)
{
    DWORD dwSize = 0;
    BOOL found = FALSE;
    if (!GetTokenInformation(hToken, TokenGroups, NULL, dwSize, &dwSize) &&
        GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
        printf("GetTokenInformation Error %lu\n", U(GetLastError()));
        return FALSE;
    }
    PTOKEN_GROUPS pGroupInfo = (PTOKEN_GROUPS)GlobalAlloc(GPTR, dwSize);
    if (!GetTokenInformation(hToken, TokenGroups, pGroupInfo, dwSize, &dwSize)) {
        printf("GetTokenInformation Error %lu\n", U(GetLastError()));
        GlobalFree(pGroupInfo);
        return FALSE;
    }
    for (DWORD i = 0; i < pGroupInfo->GroupCount; i++)
        if (EqualSid(pSID, pGroupInfo->Groups[i].Sid))
            found = TRUE;
    GlobalFree(pGroupInfo);
    return found;
}

int main(void)
{
    HANDLE hToken;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY |
                                                    TOKEN_DUPLICATE, &hToken)) {
        printf("OpenProcessToken error: %lu\n", U(GetLastError()));
        return 1;
    }

    /* Privilege names and LUIDs are the same on every Windows. */
    static const char *const names[] = {SE_SHUTDOWN_NAME, SE_DEBUG_NAME, SE_CHANGE_NOTIFY_NAME,
                                        SE_BACKUP_NAME};
    for (int i = 0; i < 4; i++) {
        LUID luid;
        char back[64];
        DWORD cch = sizeof back;
        LookupPrivilegeValueA(NULL, names[i], &luid);
        LookupPrivilegeNameA(NULL, &luid, back, &cch);
        printf("%s = LUID %lu:%ld, named back %s (%lu characters)\n", names[i],
               U(luid.LowPart), (long)luid.HighPart, back, U(cch));
    }
    LUID bogus;
    if (!LookupPrivilegeValueA(NULL, "SeNoSuchPrivilege", &bogus))
        printf("LookupPrivilegeValue(SeNoSuchPrivilege): error %lu\n", U(GetLastError()));

    /* Every token holds SeChangeNotifyPrivilege, enabled. */
    show_privilege(hToken, SE_CHANGE_NOTIFY_NAME);
    printf("SetPrivilege(SeChangeNotifyPrivilege, TRUE): %s\n",
           SetPrivilege(hToken, SE_CHANGE_NOTIFY_NAME, TRUE) ? "ok" : "failed");
    printf("SetPrivilege(SeChangeNotifyPrivilege, FALSE): %s\n",
           SetPrivilege(hToken, SE_CHANGE_NOTIFY_NAME, FALSE) ? "ok" : "failed");
    show_privilege(hToken, SE_CHANGE_NOTIFY_NAME);
    SetPrivilege(hToken, SE_CHANGE_NOTIFY_NAME, TRUE);
    show_privilege(hToken, SE_CHANGE_NOTIFY_NAME);

    /* A restricted token without SeShutdownPrivilege: asking for it is
     * ERROR_NOT_ALL_ASSIGNED. */
    HANDLE hRestricted;
    LUID_AND_ATTRIBUTES remove = {{0, 0}, 0};
    LookupPrivilegeValueA(NULL, SE_SHUTDOWN_NAME, &remove.Luid);
    if (CreateRestrictedToken(hToken, 0, 0, NULL, 1, &remove, 0, NULL, &hRestricted)) {
        show_privilege(hRestricted, SE_SHUTDOWN_NAME);
        printf("SetPrivilege(restricted, SeShutdownPrivilege): %s\n",
               SetPrivilege(hRestricted, SE_SHUTDOWN_NAME, TRUE) ? "ok" : "failed");
        CloseHandle(hRestricted);
    } else {
        printf("CreateRestrictedToken error: %lu\n", U(GetLastError()));
    }

    /* Searching for well-known SIDs. */
    SID_IDENTIFIER_AUTHORITY world = SECURITY_WORLD_SID_AUTHORITY;
    PSID pEveryone = NULL, pNobody = NULL;
    AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &pEveryone);
    ConvertStringSidToSidA("S-1-5-21-1-2-3-1001", &pNobody);
    printf("Everyone in TokenGroups: %s\n",
           SearchTokenGroupsForSID(hToken, pEveryone) ? "yes" : "no");
    printf("S-1-5-21-1-2-3-1001 in TokenGroups: %s\n",
           SearchTokenGroupsForSID(hToken, pNobody) ? "yes" : "no");
    BOOL member = FALSE;
    if (CheckTokenMembership(NULL, pEveryone, &member))
        printf("CheckTokenMembership(NULL, Everyone): %s\n", member ? "TRUE" : "FALSE");
    if (!CheckTokenMembership(hToken, pEveryone, &member))
        printf("CheckTokenMembership(primary token): error %lu\n", U(GetLastError()));

    /* Impersonating ourselves. */
    TOKEN_TYPE type;
    SECURITY_IMPERSONATION_LEVEL level;
    DWORD len;
    GetTokenInformation(hToken, TokenType, &type, sizeof type, &len);
    printf("process token type: %d\n", (int)type);
    HANDLE hThreadToken;
    if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &hThreadToken))
        printf("OpenThreadToken before impersonating: error %lu\n", U(GetLastError()));
    if (ImpersonateSelf(SecurityImpersonation) &&
        OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &hThreadToken)) {
        GetTokenInformation(hThreadToken, TokenType, &type, sizeof type, &len);
        GetTokenInformation(hThreadToken, TokenImpersonationLevel, &level, sizeof level, &len);
        printf("thread token type: %d, level %d\n", (int)type, (int)level);

        /* AccessCheck: Everyone may read (0x1) but not write (0x2). */
        PSECURITY_DESCRIPTOR pSD = NULL;
        ConvertStringSecurityDescriptorToSecurityDescriptorA(
            "O:SYG:SYD:(D;;0x2;;;WD)(A;;0x3;;;WD)", SDDL_REVISION_1, &pSD, NULL);
        GENERIC_MAPPING mapping = {0x1, 0x2, 0x4, 0x7};
        PRIVILEGE_SET ps;
        DWORD psLength = sizeof ps, granted = 0;
        BOOL status = FALSE;
        DWORD wants[] = {0x1, 0x2, MAXIMUM_ALLOWED};
        for (int i = 0; i < 3; i++) {
            psLength = sizeof ps;
            if (AccessCheck(pSD, hThreadToken, wants[i], &mapping, &ps, &psLength, &granted,
                            &status))
                printf("AccessCheck(0x%lx): %s, granted 0x%lx%s\n", U(wants[i]),
                       status ? "allowed" : "denied", U(granted),
                       status ? "" : (GetLastError() == ERROR_ACCESS_DENIED
                                          ? " (ERROR_ACCESS_DENIED)"
                                          : " (?)"));
            else
                printf("AccessCheck error %lu\n", U(GetLastError()));
        }
        psLength = sizeof ps;
        if (!AccessCheck(pSD, hThreadToken, GENERIC_READ, &mapping, &ps, &psLength, &granted,
                         &status))
            printf("AccessCheck(GENERIC_READ): error %lu\n", U(GetLastError()));
        if (!AccessCheck(pSD, hToken, 0x1, &mapping, &ps, &psLength, &granted, &status))
            printf("AccessCheck(primary token): error %lu\n", U(GetLastError()));
        LocalFree(pSD);
        CloseHandle(hThreadToken);
    } else {
        printf("impersonation failed: %lu\n", U(GetLastError()));
    }
    RevertToSelf();
    if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &hThreadToken))
        printf("OpenThreadToken after RevertToSelf: error %lu\n", U(GetLastError()));

    FreeSid(pEveryone);
    LocalFree(pNobody);
    CloseHandle(hToken);
    return 0;
}
