/*
 * securitybaseapi.h - security identifiers (SIDs), access control lists,
 * security descriptors and access tokens.
 */
#ifndef _APISETSECURITYBASE_
#define _APISETSECURITYBASE_

#include <apisetcconv.h>
#include <minwindef.h>
#include <minwinbase.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Security descriptors */
WINADVAPI BOOL WINAPI InitializeSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                   DWORD dwRevision);
WINADVAPI BOOL WINAPI IsValidSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor);
WINADVAPI DWORD WINAPI GetSecurityDescriptorLength(PSECURITY_DESCRIPTOR pSecurityDescriptor);
WINADVAPI BOOL WINAPI GetSecurityDescriptorControl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                   PSECURITY_DESCRIPTOR_CONTROL pControl,
                                                   LPDWORD lpdwRevision);
WINADVAPI BOOL WINAPI SetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                BOOL bDaclPresent, PACL pDacl,
                                                BOOL bDaclDefaulted);
WINADVAPI BOOL WINAPI GetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                LPBOOL lpbDaclPresent, PACL *pDacl,
                                                LPBOOL lpbDaclDefaulted);
WINADVAPI BOOL WINAPI SetSecurityDescriptorOwner(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID pOwner, BOOL bOwnerDefaulted);
WINADVAPI BOOL WINAPI GetSecurityDescriptorOwner(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID *pOwner, LPBOOL lpbOwnerDefaulted);
WINADVAPI BOOL WINAPI SetSecurityDescriptorGroup(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID pGroup, BOOL bGroupDefaulted);
WINADVAPI BOOL WINAPI GetSecurityDescriptorGroup(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 PSID *pGroup, LPBOOL lpbGroupDefaulted);
WINADVAPI BOOL WINAPI SetSecurityDescriptorSacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                BOOL bSaclPresent, PACL pSacl,
                                                BOOL bSaclDefaulted);
WINADVAPI BOOL WINAPI GetSecurityDescriptorSacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                LPBOOL lpbSaclPresent, PACL *pSacl,
                                                LPBOOL lpbSaclDefaulted);
WINADVAPI BOOL WINAPI SetSecurityDescriptorControl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                   SECURITY_DESCRIPTOR_CONTROL ControlBitsOfInterest,
                                                   SECURITY_DESCRIPTOR_CONTROL ControlBitsToSet);
WINADVAPI BOOL WINAPI MakeSelfRelativeSD(PSECURITY_DESCRIPTOR pAbsoluteSecurityDescriptor,
                                         PSECURITY_DESCRIPTOR pSelfRelativeSecurityDescriptor,
                                         LPDWORD lpdwBufferLength);

/* Access control lists */
WINADVAPI BOOL WINAPI InitializeAcl(PACL pAcl, DWORD nAclLength, DWORD dwAclRevision);
WINADVAPI BOOL WINAPI IsValidAcl(PACL pAcl);
WINADVAPI BOOL WINAPI GetAclInformation(PACL pAcl, LPVOID pAclInformation,
                                        DWORD nAclInformationLength,
                                        ACL_INFORMATION_CLASS dwAclInformationClass);
WINADVAPI BOOL WINAPI AddAccessAllowedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
                                          PSID pSid);
WINADVAPI BOOL WINAPI AddAccessAllowedAceEx(PACL pAcl, DWORD dwAceRevision, DWORD AceFlags,
                                            DWORD AccessMask, PSID pSid);
WINADVAPI BOOL WINAPI AddAccessDeniedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
                                         PSID pSid);
WINADVAPI BOOL WINAPI AddAccessDeniedAceEx(PACL pAcl, DWORD dwAceRevision, DWORD AceFlags,
                                           DWORD AccessMask, PSID pSid);
WINADVAPI BOOL WINAPI GetAce(PACL pAcl, DWORD dwAceIndex, LPVOID *pAce);
WINADVAPI BOOL WINAPI DeleteAce(PACL pAcl, DWORD dwAceIndex);
WINADVAPI VOID WINAPI MapGenericMask(PDWORD AccessMask, PGENERIC_MAPPING GenericMapping);

/* Security identifiers */
WINADVAPI BOOL WINAPI AllocateAndInitializeSid(PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority,
                                               BYTE nSubAuthorityCount, DWORD nSubAuthority0,
                                               DWORD nSubAuthority1, DWORD nSubAuthority2,
                                               DWORD nSubAuthority3, DWORD nSubAuthority4,
                                               DWORD nSubAuthority5, DWORD nSubAuthority6,
                                               DWORD nSubAuthority7, PSID *pSid);
WINADVAPI PVOID WINAPI FreeSid(PSID pSid);
WINADVAPI BOOL WINAPI InitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority,
                                    BYTE nSubAuthorityCount);
WINADVAPI DWORD WINAPI GetSidLengthRequired(UCHAR nSubAuthorityCount);
WINADVAPI DWORD WINAPI GetLengthSid(PSID pSid);
WINADVAPI BOOL WINAPI IsValidSid(PSID pSid);
WINADVAPI BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2);
WINADVAPI BOOL WINAPI CopySid(DWORD nDestinationSidLength, PSID pDestinationSid,
                              PSID pSourceSid);
WINADVAPI PDWORD WINAPI GetSidSubAuthority(PSID pSid, DWORD nSubAuthority);
WINADVAPI PUCHAR WINAPI GetSidSubAuthorityCount(PSID pSid);
WINADVAPI PSID_IDENTIFIER_AUTHORITY WINAPI GetSidIdentifierAuthority(PSID pSid);
WINADVAPI BOOL WINAPI IsWellKnownSid(PSID pSid, WELL_KNOWN_SID_TYPE WellKnownSidType);
WINADVAPI BOOL WINAPI CreateWellKnownSid(WELL_KNOWN_SID_TYPE WellKnownSidType, PSID DomainSid,
                                         PSID pSid, DWORD *cbSid);

/* Access tokens */
WINADVAPI BOOL WINAPI SetTokenInformation(HANDLE TokenHandle,
                                          TOKEN_INFORMATION_CLASS TokenInformationClass,
                                          LPVOID TokenInformation, DWORD TokenInformationLength);
WINADVAPI BOOL WINAPI DuplicateToken(HANDLE ExistingTokenHandle,
                                     SECURITY_IMPERSONATION_LEVEL ImpersonationLevel,
                                     PHANDLE DuplicateTokenHandle);
WINADVAPI BOOL WINAPI DuplicateTokenEx(HANDLE hExistingToken, DWORD dwDesiredAccess,
                                       LPSECURITY_ATTRIBUTES lpTokenAttributes,
                                       SECURITY_IMPERSONATION_LEVEL ImpersonationLevel,
                                       TOKEN_TYPE TokenType, PHANDLE phNewToken);
WINADVAPI BOOL WINAPI CreateRestrictedToken(HANDLE ExistingTokenHandle, DWORD Flags,
                                            DWORD DisableSidCount,
                                            PSID_AND_ATTRIBUTES SidsToDisable,
                                            DWORD DeletePrivilegeCount,
                                            PLUID_AND_ATTRIBUTES PrivilegesToDelete,
                                            DWORD RestrictedSidCount,
                                            PSID_AND_ATTRIBUTES SidsToRestrict,
                                            PHANDLE NewTokenHandle);
WINADVAPI BOOL WINAPI IsTokenRestricted(HANDLE TokenHandle);
WINADVAPI BOOL WINAPI ImpersonateSelf(SECURITY_IMPERSONATION_LEVEL ImpersonationLevel);
WINADVAPI BOOL WINAPI ImpersonateLoggedOnUser(HANDLE hToken);
WINADVAPI BOOL WINAPI RevertToSelf(VOID);
WINADVAPI BOOL WINAPI AdjustTokenPrivileges(HANDLE TokenHandle, BOOL DisableAllPrivileges,
                                            PTOKEN_PRIVILEGES NewState, DWORD BufferLength,
                                            PTOKEN_PRIVILEGES PreviousState,
                                            PDWORD ReturnLength);
WINADVAPI BOOL WINAPI PrivilegeCheck(HANDLE ClientToken, PPRIVILEGE_SET RequiredPrivileges,
                                     LPBOOL pfResult);
WINADVAPI BOOL WINAPI CheckTokenMembership(HANDLE TokenHandle, PSID SidToCheck,
                                           PBOOL IsMember);
WINADVAPI BOOL WINAPI AccessCheck(PSECURITY_DESCRIPTOR pSecurityDescriptor, HANDLE ClientToken,
                                  DWORD DesiredAccess, PGENERIC_MAPPING GenericMapping,
                                  PPRIVILEGE_SET PrivilegeSet, LPDWORD PrivilegeSetLength,
                                  LPDWORD GrantedAccess, LPBOOL AccessStatus);
WINADVAPI BOOL WINAPI AllocateLocallyUniqueId(PLUID Luid);
WINADVAPI BOOL WINAPI GetTokenInformation(HANDLE TokenHandle,
                                          TOKEN_INFORMATION_CLASS TokenInformationClass,
                                          LPVOID TokenInformation,
                                          DWORD TokenInformationLength, PDWORD ReturnLength);

#ifdef __cplusplus
}
#endif

#endif /* _APISETSECURITYBASE_ */
