/*
 * Overlapped I/O with a completion port: a file opened with
 * FILE_FLAG_OVERLAPPED is associated with a port; writes and reads at
 * explicit offsets complete as packets carrying the completion key, the
 * OVERLAPPED pointer and the byte count.  Then PostQueuedCompletionStatus,
 * an empty port, and GetOverlappedResult with an event.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define BLOCKS 4
#define BLOCK 4096
#define FILE_KEY 0x51

static char wbuf[BLOCKS][BLOCK], rbuf[BLOCKS][BLOCK];
static OVERLAPPED ov[BLOCKS];

static int Started(BOOL ok)
{
    return ok || GetLastError() == ERROR_IO_PENDING;
}

/* Collects BLOCKS packets; returns how many were right. */
static int Collect(HANDLE hPort)
{
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    int i, good = 0, seen[BLOCKS] = { 0 };

    for (i = 0; i < BLOCKS; i++) {
        if (!GetQueuedCompletionStatus(hPort, &bytes, &key, &pov, 10000))
            break;
        if (key == FILE_KEY && bytes == BLOCK && pov >= &ov[0] && pov < &ov[BLOCKS] &&
            !seen[pov - ov]) {
            seen[pov - ov] = 1;
            good++;
        }
    }
    return good;
}

int main(void)
{
    HANDLE hFile, hPort, hEvent, hFile2;
    DWORD bytes, r;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    OVERLAPPED ovEvent;
    int i, started = 0, same = 0;
    BOOL ok;

    hFile = CreateFileA("iocp_test.dat", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                        FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        printf("CreateFile failed (%u)\n", (unsigned)GetLastError());
        return 1;
    }
    hPort = CreateIoCompletionPort(hFile, NULL, FILE_KEY, 0);
    printf("CreateIoCompletionPort(file, new port): %s\n", hPort ? "handle" : "NULL");

    for (i = 0; i < BLOCKS; i++) {
        memset(wbuf[i], 'A' + i, BLOCK);
        ZeroMemory(&ov[i], sizeof(OVERLAPPED));
        ov[i].Offset = i * BLOCK;
        started += Started(WriteFile(hFile, wbuf[i], BLOCK, NULL, &ov[i]));
    }
    printf("%d overlapped writes started (TRUE or ERROR_IO_PENDING): %d\n", BLOCKS, started);
    printf("completion packets with the right key, OVERLAPPED and size: %d\n", Collect(hPort));
    printf("file size: %u\n", (unsigned)GetFileSize(hFile, NULL));

    started = 0;
    for (i = BLOCKS - 1; i >= 0; i--) {
        ZeroMemory(&ov[i], sizeof(OVERLAPPED));
        ov[i].Offset = i * BLOCK;
        started += Started(ReadFile(hFile, rbuf[i], BLOCK, NULL, &ov[i]));
    }
    printf("%d overlapped reads started: %d\n", BLOCKS, started);
    printf("completion packets with the right key, OVERLAPPED and size: %d\n", Collect(hPort));
    for (i = 0; i < BLOCKS; i++)
        same += memcmp(rbuf[i], wbuf[i], BLOCK) == 0;
    printf("blocks read back intact: %d\n", same);
    printf("Internal holds the status: %u, InternalHigh the byte count: %u\n",
           (unsigned)ov[0].Internal, (unsigned)ov[0].InternalHigh);

    /* Packets that are not I/O. */
    PostQueuedCompletionStatus(hPort, 123, 7, NULL);
    ok = GetQueuedCompletionStatus(hPort, &bytes, &key, &pov, 1000);
    printf("posted packet: %s, bytes %u, key %u, overlapped %s\n", ok ? "TRUE" : "FALSE",
           (unsigned)bytes, (unsigned)key, pov == NULL ? "NULL" : "set");
    pov = (LPOVERLAPPED)1;
    SetLastError(0xdeadbeef);
    ok = GetQueuedCompletionStatus(hPort, &bytes, &key, &pov, 0);
    printf("empty port, 0 ms: %s, last error %u, overlapped %s\n", ok ? "TRUE" : "FALSE",
           (unsigned)GetLastError(), pov == NULL ? "NULL" : "set");

    /* Without a port: an event in the OVERLAPPED, and GetOverlappedResult. */
    hFile2 = CreateFileA("iocp_test.dat", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                         OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    printf("second CreateFile of an open, unshared file: %s, last error %u\n",
           hFile2 == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "handle",
           (unsigned)GetLastError());
    CloseHandle(hFile);
    CloseHandle(hPort);
    hFile2 = CreateFileA("iocp_test.dat", GENERIC_READ, 0, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ZeroMemory(&ovEvent, sizeof(ovEvent));
    ovEvent.Offset = 2 * BLOCK;
    ovEvent.hEvent = hEvent;
    memset(rbuf[0], 0, BLOCK);
    ok = ReadFile(hFile2, rbuf[0], BLOCK, NULL, &ovEvent);
    printf("ReadFile with an event started: %s\n", Started(ok) ? "yes" : "no");
    r = WaitForSingleObject(hEvent, 10000);
    ok = GetOverlappedResult(hFile2, &ovEvent, &bytes, TRUE);
    printf("event signalled: %s; GetOverlappedResult: %s, %u bytes of '%c'\n",
           r == WAIT_OBJECT_0 ? "yes" : "no", ok ? "TRUE" : "FALSE", (unsigned)bytes, rbuf[0][0]);
    CloseHandle(hFile2);
    CloseHandle(hEvent);
    printf("FILE_FLAG_DELETE_ON_CLOSE removed the file: %s\n",
           GetFileAttributesA("iocp_test.dat") == INVALID_FILE_ATTRIBUTES ? "yes" : "no");
    return 0;
}
