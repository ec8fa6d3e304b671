/*
 * Names of addresses and files, as a server reports them: getnameinfo in
 * the style of Microsoft's getnameinfo example (numeric and service forms,
 * NI_DGRAM, the EAI_* codes of two failures), GetNameInfoW, and
 * GetLongPathName/GetShortPathName on a file in the temporary directory
 * (the round trip long -> short -> long, a buffer too small, the call in
 * place, a missing file).
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

static void NameInfo(const char *label, const struct sockaddr *sa, int salen, int flags)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int ret = getnameinfo(sa, salen, host, NI_MAXHOST, serv, NI_MAXSERV, flags);
    if (ret != 0)
        printf("%s: getnameinfo failed with %d\n", label, ret);
    else
        printf("%s: host %s, service %s\n", label, host, serv);
}

int main(void)
{
    WSADATA wsaData;
    struct sockaddr_in saGNI;
    struct sockaddr_in6 sa6;
    WCHAR whost[NI_MAXHOST];
    char tempDir[MAX_PATH], dirName[2 * MAX_PATH], fileName[3 * MAX_PATH];
    char shortName[MAX_PATH], longName[MAX_PATH], buffer[3 * MAX_PATH];
    DWORD ret, len;
    HANDLE h;

    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    memset(&saGNI, 0, sizeof saGNI);
    saGNI.sin_family = AF_INET;
    saGNI.sin_addr.s_addr = inet_addr("127.0.0.1");
    saGNI.sin_port = htons(80);
    NameInfo("127.0.0.1:80 numeric", (struct sockaddr *)&saGNI, sizeof saGNI,
             NI_NUMERICHOST | NI_NUMERICSERV);
    NameInfo("127.0.0.1:80 service name", (struct sockaddr *)&saGNI, sizeof saGNI,
             NI_NUMERICHOST);
    saGNI.sin_port = htons(53);
    NameInfo("127.0.0.1:53 datagram service", (struct sockaddr *)&saGNI, sizeof saGNI,
             NI_NUMERICHOST | NI_DGRAM);
    memset(&sa6, 0, sizeof sa6);
    sa6.sin6_family = AF_INET6;
    sa6.sin6_port = htons(8080);
    sa6.sin6_addr.s6_addr[15] = 1;
    NameInfo("[::1]:8080 numeric", (struct sockaddr *)&sa6, sizeof sa6,
             NI_NUMERICHOST | NI_NUMERICSERV);
    saGNI.sin_family = AF_UNSPEC;
    NameInfo("AF_UNSPEC", (struct sockaddr *)&saGNI, sizeof saGNI, NI_NUMERICHOST);
    printf("(EAI_FAMILY is %d)\n", EAI_FAMILY);
    saGNI.sin_family = AF_INET;
    NameInfo("NI_NAMEREQD with NI_NUMERICHOST", (struct sockaddr *)&saGNI, sizeof saGNI,
             NI_NAMEREQD | NI_NUMERICHOST);
    printf("(EAI_NONAME is %d)\n", EAI_NONAME);
    ret = GetNameInfoW((SOCKADDR *)&saGNI, sizeof saGNI, whost, NI_MAXHOST, NULL, 0,
                       NI_NUMERICHOST);
    WideCharToMultiByte(CP_ACP, 0, whost, -1, buffer, MAX_PATH, NULL, NULL);
    printf("GetNameInfoW: %lu, host %s\n", (unsigned long)ret, ret == 0 ? buffer : "-");
    WSACleanup();

    GetTempPathA(MAX_PATH, tempDir);
    sprintf(dirName, "%sName Lookup Directory", tempDir);
    sprintf(fileName, "%s\\A Long File Name.txt", dirName);
    CreateDirectoryA(dirName, NULL);
    h = CreateFileA(fileName, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                    NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("CreateFile failed (%lu)\n", (unsigned long)GetLastError());
        return 1;
    }
    CloseHandle(h);

    len = GetShortPathNameA(fileName, shortName, MAX_PATH);
    printf("GetShortPathName: %s\n", len > 0 && len < MAX_PATH ? "succeeded" : "failed");
    len = GetLongPathNameA(shortName, longName, MAX_PATH);
    printf("GetLongPathName of the short name: %s\n",
           len == strlen(fileName) && strcmp(longName, fileName) == 0 ? "the long name"
                                                                      : longName);
    len = GetLongPathNameA(fileName, buffer, 5);
    printf("buffer too small: returns the size needed: %s\n",
           len == strlen(fileName) + 1 ? "yes" : "no");
    strcpy(buffer, fileName);
    len = GetLongPathNameA(buffer, buffer, MAX_PATH);
    printf("in place: %s\n", len == strlen(fileName) && strcmp(buffer, fileName) == 0 ? "same"
                                                                                       : "differs");
    len = GetLongPathNameA("A Long File Name.txt", buffer, MAX_PATH);
    printf("relative name, not in the current directory: %lu, error %lu\n",
           (unsigned long)len, (unsigned long)GetLastError());
    SetCurrentDirectoryA(dirName);
    len = GetLongPathNameA("A Long File Name.txt", buffer, MAX_PATH);
    printf("relative name, in the current directory: %lu, %s\n", (unsigned long)len,
           buffer);
    sprintf(buffer, "%s\\Missing.txt", dirName);
    len = GetLongPathNameA(buffer, longName, MAX_PATH);
    printf("missing file: %lu, error %lu\n", (unsigned long)len, (unsigned long)GetLastError());
    len = GetShortPathNameA(buffer, shortName, MAX_PATH);
    printf("missing file (short): %lu, error %lu\n", (unsigned long)len,
           (unsigned long)GetLastError());

    SetCurrentDirectoryA(tempDir);
    DeleteFileA(fileName);
    RemoveDirectoryA(dirName);
    return 0;
}
