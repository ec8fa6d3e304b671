/*
 * Event logging, after Microsoft's "Reporting an Event" and "Querying for
 * Event Information" samples: a provider reports an error, a warning with
 * binary data and an information event, then a reader walks the
 * Application log backwards from the newest record and prints the events
 * this process wrote (each carries the process id in its data, so that
 * other writers of the log are skipped).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROVIDER_NAME "MyEventProvider"
#define UI_CATEGORY 1
#define DATABASE_CATEGORY 2
#define NETWORK_CATEGORY 3
#define MSG_INVALID_COMMAND ((DWORD)0xC0020100L)
#define MSG_BAD_FILE_CONTENTS ((DWORD)0xC0000101L)
#define MSG_RETRIES ((DWORD)0x80020102L)
#define MSG_COMPUTE_CONVERSION ((DWORD)0x40000200L)
#define MAX_RECORD_BUFFER_SIZE 0x10000

struct payload {
    DWORD pid;
    DWORD retries;
};

static const char *GetEventTypeName(WORD EventType)
{
    switch (EventType) {
    case EVENTLOG_ERROR_TYPE: return "Error";
    case EVENTLOG_WARNING_TYPE: return "Warning";
    case EVENTLOG_INFORMATION_TYPE: return "Informational";
    case EVENTLOG_AUDIT_SUCCESS: return "Audit Success";
    case EVENTLOG_AUDIT_FAILURE: return "Audit Failure";
    default: return "Success";
    }
}

static BOOL ReportEvents(void)
{
    HANDLE hEventLog = RegisterEventSourceA(NULL, PROVIDER_NAME);
    struct payload data = {GetCurrentProcessId(), 0};
    LPCSTR pInsertStrings[2] = {NULL, NULL};

    if (NULL == hEventLog) {
        printf("RegisterEventSource failed with %u\n", (unsigned)GetLastError());
        return FALSE;
    }

    /* This event includes user-defined data as part of the event. */
    pInsertStrings[0] = "quit";
    if (!ReportEventA(hEventLog, EVENTLOG_ERROR_TYPE, UI_CATEGORY, MSG_INVALID_COMMAND, NULL, 1,
                      sizeof(DWORD), pInsertStrings, &data)) {
        printf("ReportEvent failed with 0x%x for event 0x%x\n", (unsigned)GetLastError(),
               (unsigned)MSG_INVALID_COMMAND);
        DeregisterEventSource(hEventLog);
        return FALSE;
    }
    printf("reported the invalid-command error\n");

    pInsertStrings[0] = "c:\\folder\\file.ext";
    pInsertStrings[1] = "5";
    data.retries = 5;
    if (!ReportEventA(hEventLog, EVENTLOG_WARNING_TYPE, DATABASE_CATEGORY, MSG_RETRIES, NULL, 2,
                      sizeof data, pInsertStrings, &data)) {
        printf("ReportEvent failed with 0x%x for event 0x%x\n", (unsigned)GetLastError(), (unsigned)MSG_RETRIES);
        DeregisterEventSource(hEventLog);
        return FALSE;
    }
    printf("reported the retries warning\n");

    if (!ReportEventA(hEventLog, EVENTLOG_INFORMATION_TYPE, NETWORK_CATEGORY,
                      MSG_COMPUTE_CONVERSION, NULL, 0, sizeof(DWORD), NULL, &data)) {
        printf("ReportEvent failed with 0x%x for event 0x%x\n", (unsigned)GetLastError(),
               (unsigned)MSG_COMPUTE_CONVERSION);
        DeregisterEventSource(hEventLog);
        return FALSE;
    }
    printf("reported the conversion information\n");

    /* A Security source cannot be registered by an application. */
    SetLastError(0);
    if (RegisterEventSourceA(NULL, "Security") == NULL)
        printf("RegisterEventSource(Security) failed with %u\n", (unsigned)GetLastError());
    else
        printf("RegisterEventSource(Security) succeeded\n");

    DeregisterEventSource(hEventLog);
    return TRUE;
}

/* Prints one of our records; returns FALSE for someone else's. */
static BOOL DumpRecord(const EVENTLOGRECORD *pRecord, DWORD start, DWORD end)
{
    const BYTE *base = (const BYTE *)pRecord;
    const char *source = (const char *)(pRecord + 1);
    struct payload data = {0, 0};
    DWORD i;
    const char *s;

    if (strcmp(source, PROVIDER_NAME) != 0 || pRecord->DataLength < sizeof(DWORD))
        return FALSE;
    memcpy(&data, base + pRecord->DataOffset,
           pRecord->DataLength < sizeof data ? pRecord->DataLength : sizeof data);
    if (data.pid != GetCurrentProcessId())
        return FALSE;

    printf("event 0x%08x: %s, category %u, %u string(s)\n", (unsigned)pRecord->EventID,
           GetEventTypeName(pRecord->EventType), pRecord->EventCategory, pRecord->NumStrings);
    s = (const char *)base + pRecord->StringOffset;
    for (i = 0; i < pRecord->NumStrings; i++) {
        printf("  string %u: %s\n", (unsigned)(i + 1), s);
        s += strlen(s) + 1;
    }
    printf("  %u bytes of data, retries %u\n", (unsigned)pRecord->DataLength,
           (unsigned)(pRecord->DataLength >= sizeof data ? data.retries : 0));
    printf("  written during this run: %s\n",
           pRecord->TimeGenerated >= start && pRecord->TimeGenerated <= end &&
                   pRecord->TimeWritten >= pRecord->TimeGenerated
               ? "yes"
               : "no");
    printf("  length matches the closing copy: %s\n",
           *(const DWORD *)(base + pRecord->Length - sizeof(DWORD)) == pRecord->Length ? "yes"
                                                                                      : "no");
    return TRUE;
}

static void QueryEvents(DWORD start)
{
    HANDLE hEventLog = OpenEventLogA(NULL, "Application");
    DWORD status = ERROR_SUCCESS;
    DWORD dwBytesToRead = MAX_RECORD_BUFFER_SIZE;
    DWORD dwBytesRead = 0;
    DWORD dwMinimumBytesToRead = 0;
    DWORD dwRecords = 0, dwOldest = 0, dwPrevious = 0;
    PBYTE pBuffer = NULL, pTemp = NULL;
    EVENTLOGRECORD *found[3];
    PBYTE copies[3];
    int nFound = 0, i;
    BOOL bDecreasing = TRUE;
    DWORD end = (DWORD)time(NULL);
    EVENTLOG_FULL_INFORMATION info;
    DWORD cbNeeded = 0;

    if (NULL == hEventLog) {
        printf("OpenEventLog failed with 0x%x\n", (unsigned)GetLastError());
        return;
    }
    if (!GetNumberOfEventLogRecords(hEventLog, &dwRecords) ||
        !GetOldestEventLogRecord(hEventLog, &dwOldest)) {
        printf("the record counts failed with %u\n", (unsigned)GetLastError());
        goto cleanup;
    }
    printf("the log has at least three records: %s\n", dwRecords >= 3 ? "yes" : "no");
    if (GetEventLogInformation(hEventLog, EVENTLOG_FULL_INFO, &info, sizeof info, &cbNeeded))
        printf("log full: %s (%u bytes)\n", info.dwFull ? "yes" : "no", (unsigned)cbNeeded);
    else
        printf("GetEventLogInformation failed with %u\n", (unsigned)GetLastError());

    pBuffer = (PBYTE)malloc(dwBytesToRead);
    while (ERROR_SUCCESS == status && nFound < 3) {
        if (!ReadEventLogA(hEventLog, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0,
                           pBuffer, dwBytesToRead, &dwBytesRead, &dwMinimumBytesToRead)) {
            status = GetLastError();
            if (ERROR_INSUFFICIENT_BUFFER == status) {
                status = ERROR_SUCCESS;
                pTemp = (PBYTE)realloc(pBuffer, dwMinimumBytesToRead);
                if (NULL == pTemp) {
                    printf("Failed to reallocate the memory for the record buffer (%u bytes)\n",
                           (unsigned)dwMinimumBytesToRead);
                    goto cleanup;
                }
                pBuffer = pTemp;
                dwBytesToRead = dwMinimumBytesToRead;
            } else if (ERROR_HANDLE_EOF != status) {
                printf("ReadEventLog failed with %u\n", (unsigned)status);
                goto cleanup;
            }
        } else {
            PBYTE pRecord = pBuffer;
            PBYTE pEndOfRecords = pBuffer + dwBytesRead;
            while (pRecord < pEndOfRecords && nFound < 3) {
                EVENTLOGRECORD *r = (EVENTLOGRECORD *)pRecord;
                if (dwPrevious && r->RecordNumber >= dwPrevious)
                    bDecreasing = FALSE;
                dwPrevious = r->RecordNumber;
                if (strcmp((const char *)(r + 1), PROVIDER_NAME) == 0) {
                    DWORD pid = 0;
                    copies[nFound] = (PBYTE)malloc(r->Length);
                    memcpy(copies[nFound], r, r->Length);
                    found[nFound] = (EVENTLOGRECORD *)copies[nFound];
                    /* Someone else's record under our name: skip it.  The
                     * data follows the strings, so it may be unaligned. */
                    if (found[nFound]->DataLength >= sizeof(DWORD))
                        memcpy(&pid, copies[nFound] + found[nFound]->DataOffset, sizeof pid);
                    if (pid == GetCurrentProcessId())
                        nFound++;
                    else
                        free(copies[nFound]);
                }
                pRecord += r->Length;
            }
        }
    }
    if (ERROR_HANDLE_EOF == status)
        printf("reached the end of the log\n");
    printf("found %d of our records, newest first; numbers decreasing: %s\n", nFound,
           bDecreasing ? "yes" : "no");
    for (i = nFound - 1; i >= 0; i--)
        DumpRecord(found[i], start, end);
    if (nFound == 3)
        printf("numbers increase in the order written: %s\n",
               found[1]->RecordNumber < found[0]->RecordNumber &&
                       found[2]->RecordNumber < found[1]->RecordNumber
                   ? "yes"
                   : "no");
    for (i = 0; i < nFound; i++)
        free(copies[i]);

cleanup:
    if (hEventLog)
        CloseEventLog(hEventLog);
    if (pBuffer)
        free(pBuffer);
}

int main(void)
{
    DWORD start = (DWORD)time(NULL);
    HANDLE h;
    DWORD rd, need;
    BYTE buf[64];

    if (!ReportEvents())
        return 1;
    QueryEvents(start);

    /* The errors a careless caller meets. */
    h = OpenEventLogA(NULL, "Application");
    SetLastError(0);
    if (!ReadEventLogA(h, EVENTLOG_SEQUENTIAL_READ, 0, buf, sizeof buf, &rd, &need))
        printf("ReadEventLog without a direction: error %u\n", (unsigned)GetLastError());
    SetLastError(0);
    if (!GetNumberOfEventLogRecords(h, NULL))
        printf("GetNumberOfEventLogRecords(NULL): error %u\n", (unsigned)GetLastError());
    CloseEventLog(h);
    SetLastError(0);
    if (OpenEventLogA(NULL, NULL) == NULL)
        printf("OpenEventLog(NULL): error %u\n", (unsigned)GetLastError());
    SetLastError(0);
    if (OpenEventLogA("\\\\no-such-server", "Application") == NULL)
        printf("OpenEventLog(remote): error %u\n", (unsigned)GetLastError());
    SetLastError(0);
    if (!CloseEventLog(NULL))
        printf("CloseEventLog(NULL): error %u\n", (unsigned)GetLastError());
    return 0;
}
