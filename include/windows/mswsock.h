/*
 * mswsock.h - the Microsoft Windows Sockets extensions winshim provides:
 * AcceptEx, GetAcceptExSockaddrs and ConnectEx, reached (as on Windows)
 * through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) with their WSAID_*
 * GUID; AcceptEx and GetAcceptExSockaddrs are also exported directly, as
 * mswsock.dll does.
 */
#ifndef _MSWSOCK_
#define _MSWSOCK_

#include <winsock2.h>
#include <guiddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SO_CONNDATA 0x7000
#define SO_CONNOPT 0x7001
#define SO_DISCDATA 0x7002
#define SO_DISCOPT 0x7003
#define SO_CONNDATALEN 0x7004
#define SO_CONNOPTLEN 0x7005
#define SO_DISCDATALEN 0x7006
#define SO_DISCOPTLEN 0x7007
#define SO_OPENTYPE 0x7008
#define SO_SYNCHRONOUS_ALERT 0x10
#define SO_SYNCHRONOUS_NONALERT 0x20
#define SO_MAXDG 0x7009
#define SO_MAXPATHDG 0x700A
#define SO_UPDATE_ACCEPT_CONTEXT 0x700B
#define SO_CONNECT_TIME 0x700C
#define SO_UPDATE_CONNECT_CONTEXT 0x7010

typedef BOOL(WINAPI *LPFN_ACCEPTEX)(SOCKET sListenSocket, SOCKET sAcceptSocket,
                                    PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                    DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                                    LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
#define WSAID_ACCEPTEX                                                                  \
    {0xb5367df1, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}

typedef VOID(WINAPI *LPFN_GETACCEPTEXSOCKADDRS)(PVOID lpOutputBuffer,
                                                DWORD dwReceiveDataLength,
                                                DWORD dwLocalAddressLength,
                                                DWORD dwRemoteAddressLength,
                                                struct sockaddr **LocalSockaddr,
                                                LPINT LocalSockaddrLength,
                                                struct sockaddr **RemoteSockaddr,
                                                LPINT RemoteSockaddrLength);
#define WSAID_GETACCEPTEXSOCKADDRS                                                      \
    {0xb5367df2, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}

typedef BOOL(WINAPI *LPFN_CONNECTEX)(SOCKET s, const struct sockaddr *name, int namelen,
                                     PVOID lpSendBuffer, DWORD dwSendDataLength,
                                     LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);
#define WSAID_CONNECTEX                                                                 \
    {0x25a207b9, 0xddf3, 0x4660, {0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}}

WINBASEAPI BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket,
                                PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                                LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
WINBASEAPI VOID WINAPI GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                            DWORD dwLocalAddressLength,
                                            DWORD dwRemoteAddressLength,
                                            struct sockaddr **LocalSockaddr,
                                            LPINT LocalSockaddrLength,
                                            struct sockaddr **RemoteSockaddr,
                                            LPINT RemoteSockaddrLength);

#ifdef __cplusplus
}
#endif

#endif
