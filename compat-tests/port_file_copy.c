/*
 * The worked example of docs/PORTING.md: a small Windows copy tool as it
 * was written for Windows, unchanged.  A worker thread started with
 * _beginthreadex copies a file in 4 KiB chunks with CreateFile, ReadFile
 * and WriteFile, reporting each chunk; the main thread waits for it and
 * checks the copy.  A named manual-reset event ("Local\..."), which
 * another process could open, cancels a copy; a copy that cannot start
 * fails with the documented error code as the thread's exit code.
 */
#include <windows.h>
#include <process.h>
#include <stdio.h>
#include <string.h>

#define CHUNK 4096
#define CANCEL_EVENT_NAME "Local\\PortFileCopyCancel"

typedef struct {
    const char *from;
    const char *to;
    HANDLE cancel;
    DWORD chunks;
    ULONGLONG bytes;
} COPY_JOB;

static unsigned __stdcall CopyWorker(void *param)
{
    COPY_JOB *job = (COPY_JOB *)param;
    BYTE buffer[CHUNK];
    DWORD got, put, status = ERROR_SUCCESS;
    HANDLE in, out;

    in = CreateFileA(job->from, GENERIC_READ, FILE_SHARE_READ, NULL,
                     OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (in == INVALID_HANDLE_VALUE)
        return GetLastError();
    out = CreateFileA(job->to, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                      FILE_ATTRIBUTE_NORMAL, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        status = GetLastError();
        CloseHandle(in);
        return status;
    }
    for (;;) {
        if (WaitForSingleObject(job->cancel, 0) == WAIT_OBJECT_0) {
            status = ERROR_OPERATION_ABORTED;
            break;
        }
        if (!ReadFile(in, buffer, sizeof(buffer), &got, NULL)) {
            status = GetLastError();
            break;
        }
        if (got == 0)
            break;                      /* end of file */
        if (!WriteFile(out, buffer, got, &put, NULL) || put != got) {
            status = GetLastError();
            break;
        }
        job->chunks++;
        job->bytes += got;
        printf("  chunk %u: %u bytes\n", (unsigned)job->chunks, (unsigned)got);
    }
    CloseHandle(out);
    CloseHandle(in);
    return status;
}

/* Runs one copy on a worker thread and returns its exit code. */
static DWORD RunCopy(COPY_JOB *job)
{
    DWORD code = 0;
    HANDLE thread = (HANDLE)_beginthreadex(NULL, 0, CopyWorker, job, 0, NULL);
    if (thread == NULL) {
        printf("_beginthreadex failed\n");
        return (DWORD)-1;
    }
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
    return code;
}

static BOOL MakeInput(const char *name, DWORD size)
{
    BYTE block[1000];
    DWORD i, put, left = size;
    HANDLE h = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    for (i = 0; i < sizeof(block); i++)
        block[i] = (BYTE)(i * 7 + 3);
    while (left > 0) {
        DWORD n = left < sizeof(block) ? left : (DWORD)sizeof(block);
        if (!WriteFile(h, block, n, &put, NULL) || put != n) {
            CloseHandle(h);
            return FALSE;
        }
        left -= n;
    }
    return CloseHandle(h);
}

static BOOL SameContents(const char *a, const char *b)
{
    BYTE x[CHUNK], y[CHUNK];
    DWORD gx, gy;
    BOOL same = TRUE;
    HANDLE ha = CreateFileA(a, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    HANDLE hb = CreateFileA(b, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (ha == INVALID_HANDLE_VALUE || hb == INVALID_HANDLE_VALUE)
        same = FALSE;
    while (same) {
        if (!ReadFile(ha, x, sizeof(x), &gx, NULL) || !ReadFile(hb, y, sizeof(y), &gy, NULL) ||
            gx != gy || memcmp(x, y, gx) != 0)
            same = FALSE;
        else if (gx == 0)
            break;
    }
    if (ha != INVALID_HANDLE_VALUE)
        CloseHandle(ha);
    if (hb != INVALID_HANDLE_VALUE)
        CloseHandle(hb);
    return same;
}

int main(void)
{
    COPY_JOB job;
    LARGE_INTEGER size;
    HANDLE cancel, again, opened, h;
    DWORD code;

    /* The cancel event: named, so a controlling process could open it. */
    cancel = CreateEventA(NULL, TRUE, FALSE, CANCEL_EVENT_NAME);
    printf("CreateEvent(%s): %s, last error %u\n", CANCEL_EVENT_NAME,
           cancel ? "created" : "failed", (unsigned)GetLastError());
    again = CreateEventA(NULL, TRUE, FALSE, CANCEL_EVENT_NAME);
    printf("CreateEvent again: last error %u (ERROR_ALREADY_EXISTS)\n",
           (unsigned)GetLastError());
    CloseHandle(again);

    if (!MakeInput("input.dat", 3 * CHUNK + 100)) {
        printf("cannot create input.dat: %u\n", (unsigned)GetLastError());
        return 1;
    }
    DeleteFileA("output.dat");

    printf("copy input.dat -> output.dat\n");
    memset(&job, 0, sizeof(job));
    job.from = "input.dat";
    job.to = "output.dat";
    job.cancel = cancel;
    code = RunCopy(&job);
    printf("exit code %u, %u chunks, %u bytes\n", (unsigned)code,
           (unsigned)job.chunks, (unsigned)job.bytes);
    h = CreateFileA("output.dat", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE && GetFileSizeEx(h, &size))
        printf("output.dat: %u bytes, %s\n", (unsigned)size.QuadPart,
               SameContents("input.dat", "output.dat") ? "same contents" : "DIFFERENT");
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);

    printf("copy again onto the existing output.dat\n");
    memset(&job, 0, sizeof(job));
    job.from = "input.dat";
    job.to = "output.dat";
    job.cancel = cancel;
    code = RunCopy(&job);
    printf("exit code %u (ERROR_FILE_EXISTS)\n", (unsigned)code);

    printf("copy a file that does not exist\n");
    memset(&job, 0, sizeof(job));
    job.from = "missing.dat";
    job.to = "never.dat";
    job.cancel = cancel;
    code = RunCopy(&job);
    printf("exit code %u (ERROR_FILE_NOT_FOUND)\n", (unsigned)code);

    /* Cancelled through the name, as another process would do it. */
    printf("copy with the cancel event set\n");
    opened = OpenEventA(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, CANCEL_EVENT_NAME);
    SetEvent(opened);
    CloseHandle(opened);
    DeleteFileA("output.dat");
    memset(&job, 0, sizeof(job));
    job.from = "input.dat";
    job.to = "output.dat";
    job.cancel = cancel;
    code = RunCopy(&job);
    printf("exit code %u (ERROR_OPERATION_ABORTED), %u chunks\n", (unsigned)code,
           (unsigned)job.chunks);

    CloseHandle(cancel);
    DeleteFileA("input.dat");
    DeleteFileA("output.dat");
    printf("done\n");
    return 0;
}
