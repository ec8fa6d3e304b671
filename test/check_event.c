/* Events: CreateEvent(Ex)A/W, OpenEventA/W, SetEvent, ResetEvent, PulseEvent. */
#include "testutil.h"

#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdatomic.h>
#include <string.h>

START_TEST(test_unnamed_states)
{
    HANDLE m = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE a = CreateEventW(NULL, FALSE, TRUE, NULL);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(a);
    ck_assert(!event_is_set(m, 1));
    ck_assert(SetEvent(m));
    ck_assert(event_is_set(m, 1));
    ck_assert(event_is_set(m, 1)); /* a manual event stays set */
    ck_assert(ResetEvent(m));
    ck_assert(!event_is_set(m, 1));
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_OBJECT_0); /* consumed */
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    ck_assert(SetEvent(a));
    ck_assert(SetEvent(a)); /* setting twice still releases one wait */
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    ck_assert(CloseHandle(m));
    ck_assert(CloseHandle(a));
}
END_TEST

START_TEST(test_create_ex)
{
    HANDLE h = CreateEventExW(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
                              EVENT_ALL_ACCESS);
    ck_assert_ptr_nonnull(h);
    ck_assert(event_is_set(h, 1));
    CloseHandle(h);
    h = CreateEventExA(NULL, NULL, 0, EVENT_ALL_ACCESS);
    ck_assert(!event_is_set(h, 0));
    SetEvent(h);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    ASSERT_WAIT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CloseHandle(h);
}
END_TEST

START_TEST(test_named_create_open)
{
    SetLastError(0xdeadbeef);
    HANDLE a = CreateEventA(NULL, TRUE, FALSE, "ws-test-ev");
    ck_assert_ptr_nonnull(a);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    /* Existing: a new handle to the same object; the arguments are ignored. */
    SetLastError(0xdeadbeef);
    HANDLE b = CreateEventW(NULL, FALSE, TRUE, u"ws-test-ev");
    ck_assert_ptr_nonnull(b);
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ck_assert_ptr_ne(a, b);
    ck_assert(CompareObjectHandles(a, b));
    ck_assert(!event_is_set(a, 1));
    SetEvent(b);
    ck_assert(event_is_set(a, 1)); /* still manual-reset */
    HANDLE c = OpenEventA(EVENT_ALL_ACCESS, FALSE, "ws-test-ev");
    ck_assert_ptr_nonnull(c);
    ck_assert(CompareObjectHandles(a, c));
    HANDLE d = OpenEventW(SYNCHRONIZE, FALSE, u"ws-test-ev");
    ck_assert(CompareObjectHandles(c, d));
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
    ck_assert(event_is_set(d, 1)); /* alive while one handle is open */
    CloseHandle(d);
    /* The last handle took the name with it. */
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, "ws-test-ev"), ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    a = CreateEventA(NULL, FALSE, FALSE, "ws-test-ev");
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert(!event_is_set(a, 0));
    CloseHandle(a);
}
END_TEST

START_TEST(test_unnamed_sets_last_error)
{
    SetLastError(0xdeadbeef);
    HANDLE h = CreateEventA(NULL, FALSE, FALSE, NULL);
    ck_assert_ptr_nonnull(h);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    CloseHandle(h);
}
END_TEST

START_TEST(test_namespaces)
{
    HANDLE plain = CreateEventA(NULL, TRUE, FALSE, "ws-ns");
    HANDLE local = CreateEventA(NULL, TRUE, FALSE, "Local\\ws-ns");
    ASSERT_LAST_ERROR(ERROR_ALREADY_EXISTS);
    ck_assert(CompareObjectHandles(plain, local));
    HANDLE sess = OpenEventA(EVENT_ALL_ACCESS, FALSE, "Session\\1\\ws-ns");
    ck_assert_ptr_nonnull(sess);
    ck_assert(CompareObjectHandles(plain, sess));
    SetLastError(0xdeadbeef);
    HANDLE global = CreateEventA(NULL, TRUE, FALSE, "Global\\ws-ns");
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert(!CompareObjectHandles(plain, global));
    HANDLE s0 = OpenEventA(EVENT_ALL_ACCESS, FALSE, "Session\\0\\ws-ns");
    ck_assert_ptr_nonnull(s0);
    ck_assert(CompareObjectHandles(global, s0));
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, "Session\\2\\ws-ns"), ERROR_FILE_NOT_FOUND);
    CloseHandle(plain);
    CloseHandle(local);
    CloseHandle(sess);
    CloseHandle(global);
    CloseHandle(s0);
}
END_TEST

START_TEST(test_name_errors)
{
    char longname[MAX_PATH + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, longname), ERROR_FILENAME_EXCED_RANGE);
    longname[MAX_PATH] = 0; /* exactly MAX_PATH characters is fine */
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, longname);
    ck_assert_ptr_nonnull(h);
    CloseHandle(h);
    /* The limit counts UTF-16 units, whether the name is ASCII or not:
     * MAX_PATH - 1 ASCII characters and an e-acute fit, MAX_PATH do not. */
    char mixed[MAX_PATH + 3];
    memset(mixed, 'y', MAX_PATH - 1);
    memcpy(mixed + MAX_PATH - 1, "\xc3\xa9", 3);
    h = CreateEventA(NULL, TRUE, FALSE, mixed);
    ck_assert_ptr_nonnull(h);
    CloseHandle(h);
    memset(mixed, 'y', MAX_PATH);
    memcpy(mixed + MAX_PATH, "\xc3\xa9", 3);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, mixed), ERROR_FILENAME_EXCED_RANGE);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "no\\such\\dir"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "Session\\x\\y"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, "ws-missing"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenEventW(EVENT_ALL_ACCESS, FALSE, u"ws-missing"), ERROR_FILE_NOT_FOUND);
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(OpenEventW(EVENT_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);
    ASSERT_FAILS(CreateEventExA(NULL, NULL, 0x4, EVENT_ALL_ACCESS), ERROR_INVALID_PARAMETER);
    /* Name syntax, as Windows' object manager judges it. */
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "Local\\"), ERROR_INVALID_NAME);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "Global\\"), ERROR_INVALID_NAME);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "\\x"), ERROR_BAD_PATHNAME);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "x\\"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "local\\x"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "Foo\\x"), ERROR_PATH_NOT_FOUND);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "Local"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(CreateEventA(NULL, TRUE, FALSE, "Global"), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, "Session"), ERROR_INVALID_HANDLE);
    /* "" creates a new unnamed object each time; opening "" is a mismatch. */
    HANDLE e1 = CreateEventA(NULL, TRUE, FALSE, "");
    ck_assert_ptr_nonnull(e1);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    HANDLE e2 = CreateEventA(NULL, TRUE, FALSE, "");
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    ck_assert(!CompareObjectHandles(e1, e2));
    ASSERT_FAILS(OpenEventA(EVENT_ALL_ACCESS, FALSE, ""), ERROR_INVALID_HANDLE);
    CloseHandle(e1);
    CloseHandle(e2);
}
END_TEST

/* W names may be far longer than MAX_PATH; past 32766 they are cut. */
START_TEST(test_long_wide_names)
{
    static WCHAR name[40001];
    for (int i = 0; i < 40000; i++)
        name[i] = (WCHAR)('a' + i % 26);
    name[40000] = 0;
    HANDLE a = CreateEventW(NULL, TRUE, FALSE, name);
    ck_assert_ptr_nonnull(a);
    name[32766] = 0;
    HANDLE b = OpenEventW(SYNCHRONIZE, FALSE, name);
    ck_assert_ptr_nonnull(b);
    ck_assert(CompareObjectHandles(a, b));
    name[300] = 0;
    HANDLE c = CreateEventW(NULL, TRUE, FALSE, name);
    ck_assert_ptr_nonnull(c);
    ASSERT_LAST_ERROR(ERROR_SUCCESS);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(c);
}
END_TEST

/* Names read up to the page's last byte, at every alignment, are judged
 * and found as anywhere else (the parser reads a name in aligned
 * blocks: none may reach into the next page), and a backslash is found
 * wherever it falls in a block. */
START_TEST(test_names_at_page_end)
{
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(m, MAP_FAILED);
    ck_assert_int_eq(mprotect(m + page, (size_t)page, PROT_NONE), 0);
    HANDLE keep = CreateEventW(NULL, TRUE, FALSE, u"ws-page-end-abcdefghijklmnopq");
    ck_assert_ptr_nonnull(keep);
    static const struct {
        const WCHAR *name;
        DWORD err; /* 0: opens keep's event */
    } cases[] = {
        {u"ws-page-end-abcdefghijklmnopq", 0},
        {u"Local\\ws-page-end-abcdefghijklmnopq", 0},
        {u"Session\\1\\ws-page-end-abcdefghijklmnopq", 0},
        {u"Global\\ws-page-end-abcdefghijklmnopq", ERROR_FILE_NOT_FOUND},
        {u"ws-page-end-abcdefghijklmnop", ERROR_FILE_NOT_FOUND},
        {u"ws-page-end-abcdefghijklmnopq\\", ERROR_PATH_NOT_FOUND},
        {u"Local\\ws-page-end-abcdefghijklmnop\\q", ERROR_PATH_NOT_FOUND},
        {u"Local\\ws-page-end\\abcdefghijklmnopq", ERROR_PATH_NOT_FOUND},
        {u"Locale\\ws-page-end-abcdefghijklmnopq", ERROR_PATH_NOT_FOUND},
        {u"Globalws-page-end-abcdefghijklmnopq", ERROR_FILE_NOT_FOUND},
        {u"\\ws-page-end-abcdefghijklmnopq", ERROR_BAD_PATHNAME},
        {u"Local\\", ERROR_INVALID_NAME},
        {u"Session\\1\\", ERROR_INVALID_NAME},
        {u"Global", ERROR_INVALID_HANDLE},
        {u"Local", ERROR_INVALID_HANDLE},
        {u"Session", ERROR_INVALID_HANDLE},
        {u"x", ERROR_FILE_NOT_FOUND},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t len = 0;
        while (cases[c].name[len])
            len++;
        /* Ending at the page's end, and at each of the eight offsets of
         * a 16-byte block. */
        for (size_t shift = 0; shift < 8; shift++) {
            WCHAR *w = (WCHAR *)(m + page) - (len + 1) - shift;
            memcpy(w, cases[c].name, (len + 1) * sizeof(WCHAR));
            if (cases[c].err) {
                ASSERT_FAILS(OpenEventW(SYNCHRONIZE, FALSE, w), cases[c].err);
            } else {
                HANDLE h = OpenEventW(SYNCHRONIZE, FALSE, w);
                ck_assert_msg(h && CompareObjectHandles(h, keep), "case %zu shift %zu", c, shift);
                CloseHandle(h);
            }
        }
    }
    CloseHandle(keep);
    munmap(m, (size_t)page * 2);
}
END_TEST

START_TEST(test_type_collision_with_thread_name)
{
    /* Another kind under a name: nothing but events can be named yet, so
     * this checks the namespace links, which are not events. */
    ASSERT_FAILS(OpenEventW(EVENT_ALL_ACCESS, FALSE, u"Global"), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(test_type_mismatch)
{
    HANDLE th = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE thread_handle;
    ck_assert(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                              &thread_handle, 0, FALSE, DUPLICATE_SAME_ACCESS));
    ASSERT_FAILS(SetEvent(thread_handle), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(ResetEvent(GetCurrentProcess()), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(PulseEvent(NULL), ERROR_INVALID_HANDLE);
    ASSERT_FAILS(SetEvent((HANDLE)(uintptr_t)0x12340), ERROR_INVALID_HANDLE);
    CloseHandle(th);
    ASSERT_FAILS(SetEvent(th), ERROR_INVALID_HANDLE);
    CloseHandle(thread_handle);
}
END_TEST

START_TEST(test_access_rights)
{
    HANDLE full = CreateEventA(NULL, TRUE, FALSE, "ws-acc");
    HANDLE sync = OpenEventA(SYNCHRONIZE, FALSE, "ws-acc");
    HANDLE modify = OpenEventA(EVENT_MODIFY_STATE, FALSE, "ws-acc");
    ck_assert_ptr_nonnull(sync);
    ck_assert_ptr_nonnull(modify);
    ASSERT_FAILS(SetEvent(sync), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(ResetEvent(sync), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(PulseEvent(sync), ERROR_ACCESS_DENIED);
    ck_assert(SetEvent(modify));
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(modify, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    ASSERT_WAIT(WaitForSingleObject(sync, 0), WAIT_OBJECT_0);
    /* GENERIC_* rights map to the event's specific rights. */
    HANDLE gw = OpenEventA(GENERIC_WRITE, FALSE, "ws-acc");
    ck_assert(ResetEvent(gw));
    HANDLE ge = OpenEventA(GENERIC_EXECUTE, FALSE, "ws-acc");
    ASSERT_WAIT(WaitForSingleObject(ge, 0), WAIT_TIMEOUT);
    ASSERT_FAILS(SetEvent(ge), ERROR_ACCESS_DENIED);
    HANDLE ex = CreateEventExA(NULL, NULL, 0, SYNCHRONIZE);
    ASSERT_FAILS(SetEvent(ex), ERROR_ACCESS_DENIED);
    /* Open* refuses no access at all and rights the type lacks. */
    ASSERT_FAILS(OpenEventA(0, FALSE, "ws-acc"), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenEventA(0x4, FALSE, "ws-acc"), ERROR_ACCESS_DENIED);
    ASSERT_FAILS(OpenEventA(ACCESS_SYSTEM_SECURITY | SYNCHRONIZE, FALSE, "ws-acc"),
                 ERROR_PRIVILEGE_NOT_HELD);
    HANDLE max = OpenEventA(MAXIMUM_ALLOWED, FALSE, "ws-acc");
    ck_assert(SetEvent(max));
    CloseHandle(max);
    /* CreateEventEx with access 0: a handle that can do nothing. */
    HANDLE none = CreateEventExA(NULL, NULL, 0, 0);
    ck_assert_ptr_nonnull(none);
    ASSERT_FAILS(SetEvent(none), ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    ASSERT_WAIT(WaitForSingleObject(none, 0), WAIT_FAILED);
    ASSERT_LAST_ERROR(ERROR_ACCESS_DENIED);
    CloseHandle(none);
    CloseHandle(full);
    CloseHandle(sync);
    CloseHandle(modify);
    CloseHandle(gw);
    CloseHandle(ge);
    CloseHandle(ex);
}
END_TEST

START_TEST(test_type_collision_by_name)
{
    /* Another type under the name: the thread object of this thread cannot
     * be named, so use two events' names across the A and W forms. */
    HANDLE a = CreateEventA(NULL, FALSE, FALSE, "ws-\xc3\xa9v"); /* UTF-8 e-acute */
    HANDLE w = OpenEventW(EVENT_ALL_ACCESS, FALSE, u"ws-\u00e9v");
    ck_assert_ptr_nonnull(w);
    ck_assert(CompareObjectHandles(a, w));
    CloseHandle(a);
    CloseHandle(w);
    /* Malformed UTF-8 converts to U+FFFD, as the ANSI code page would. */
    a = CreateEventA(NULL, FALSE, FALSE, "ws-\xff-bad");
    ck_assert_ptr_nonnull(a);
    w = OpenEventW(EVENT_ALL_ACCESS, FALSE, u"ws-\ufffd-bad");
    ck_assert_ptr_nonnull(w);
    ck_assert(CompareObjectHandles(a, w));
    CloseHandle(a);
    CloseHandle(w);
}
END_TEST

/* ---- PulseEvent ---- */

struct pulse_ctx {
    HANDLE ev;
    atomic_int started, released;
};

static void *pulse_waiter(void *arg)
{
    struct pulse_ctx *c = arg;
    atomic_fetch_add(&c->started, 1);
    if (WaitForSingleObject(c->ev, 10000) == WAIT_OBJECT_0)
        atomic_fetch_add(&c->released, 1);
    return NULL;
}

static int pulse_with_waiters(int manual, int nwaiters)
{
    struct pulse_ctx c = {.ev = CreateEventA(NULL, manual, FALSE, NULL)};
    pthread_t t[8];
    for (int i = 0; i < nwaiters; i++)
        pthread_create(&t[i], NULL, pulse_waiter, &c);
    while (atomic_load(&c.started) < nwaiters)
        settle_ms(1);
    settle_ms(200); /* let them block */
    ck_assert(PulseEvent(c.ev));
    settle_ms(200);
    int released = atomic_load(&c.released);
    ck_assert(!event_is_set(c.ev, manual)); /* left non-signalled */
    /* let the rest go */
    for (int i = released; i < nwaiters; i++)
        SetEvent(c.ev);
    if (manual)
        SetEvent(c.ev);
    for (int i = 0; i < nwaiters; i++)
        pthread_join(t[i], NULL);
    CloseHandle(c.ev);
    return released;
}

START_TEST(test_pulse_manual)
{
    ck_assert_int_eq(pulse_with_waiters(TRUE, 3), 3);
    ck_assert_int_eq(pulse_with_waiters(TRUE, 1), 1);
}
END_TEST

START_TEST(test_pulse_auto)
{
    ck_assert_int_eq(pulse_with_waiters(FALSE, 3), 1);
    ck_assert_int_eq(pulse_with_waiters(FALSE, 1), 1);
}
END_TEST

START_TEST(test_pulse_no_waiters)
{
    HANDLE m = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(PulseEvent(m));
    ck_assert(!event_is_set(m, 1));
    SetEvent(m);
    ck_assert(PulseEvent(m)); /* a pulse resets a set event */
    ck_assert(!event_is_set(m, 1));
    CloseHandle(m);
}
END_TEST

/* ---- threads: set/reset/pulse/wait racing with close and duplicate ---- */

static HANDLE stress_ev;
static atomic_int stress_stop;

static void *stress_setter(void *arg)
{
    (void)arg;
    for (unsigned i = 0; !atomic_load(&stress_stop); i++) {
        switch (i % 3) {
        case 0: SetEvent(stress_ev); break;
        case 1: ResetEvent(stress_ev); break;
        default: PulseEvent(stress_ev); break;
        }
    }
    return NULL;
}

static void *stress_waiter(void *arg)
{
    (void)arg;
    while (!atomic_load(&stress_stop)) {
        DWORD r = WaitForSingleObject(stress_ev, 1);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT);
    }
    return NULL;
}

static void *stress_duper(void *arg)
{
    (void)arg;
    while (!atomic_load(&stress_stop)) {
        HANDLE d;
        if (DuplicateHandle(GetCurrentProcess(), stress_ev, GetCurrentProcess(), &d, 0, FALSE,
                            DUPLICATE_SAME_ACCESS)) {
            SetEvent(d);
            ck_assert(CloseHandle(d));
        }
        HANDLE e = CreateEventA(NULL, FALSE, TRUE, NULL);
        ck_assert_int_eq(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
        CloseHandle(e);
    }
    return NULL;
}

START_TEST(test_stress)
{
    stress_ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    pthread_t t[8];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, stress_setter, NULL);
    for (int i = 2; i < 6; i++)
        pthread_create(&t[i], NULL, stress_waiter, NULL);
    for (int i = 6; i < 8; i++)
        pthread_create(&t[i], NULL, stress_duper, NULL);
    settle_ms(1500);
    atomic_store(&stress_stop, 1);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    ck_assert(CloseHandle(stress_ev));
}
END_TEST

/* Closing a handle while another thread waits on it: the waiter keeps the
 * object alive and is still woken through another handle. */
static HANDLE close_dup;
static atomic_int close_started;
static void *close_waiter(void *arg)
{
    HANDLE h = arg;
    atomic_store(&close_started, 1);
    DWORD r = WaitForSingleObject(h, 5000);
    return (void *)(uintptr_t)r;
}

START_TEST(test_close_while_waiting)
{
    HANDLE h = CreateEventA(NULL, TRUE, FALSE, NULL);
    ck_assert(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &close_dup, 0,
                              FALSE, DUPLICATE_SAME_ACCESS));
    pthread_t t;
    pthread_create(&t, NULL, close_waiter, h);
    while (!atomic_load(&close_started))
        settle_ms(1);
    settle_ms(100);
    ck_assert(CloseHandle(h));
    ck_assert(SetEvent(close_dup));
    void *r;
    pthread_join(t, &r);
    ck_assert_uint_eq((uintptr_t)r, WAIT_OBJECT_0);
    CloseHandle(close_dup);
}
END_TEST

/* ---- a plain ResetEvent sticks (wait.c, "plain resets") ----
 *
 * Only the main thread sets or resets E (manual-reset); threads here and
 * in two child processes wait on it in every way that takes its lock and
 * reads its value (wait-any that queues, wait-all that queues with an
 * event never set, zero-timeout polls) and pulse it (a pulse leaves it
 * reset).  None of that may undo a reset: right after each ResetEvent the
 * event is not signalled.  Counted, not timed: the children run a fixed
 * number of waits, the main thread resets until they are done. */
#define PR_CHILD_WAITS 3000
static HANDLE pr_ev, pr_never;
static atomic_int pr_stop;

static void pr_waits(HANDLE e, HANDLE never, unsigned i)
{
    HANDLE both[2] = {e, never};
    DWORD r;
    switch (i % 4) {
    case 0:
        r = WaitForSingleObject(e, 1);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT);
        break;
    case 1:
        ck_assert_uint_eq(WaitForMultipleObjects(2, both, TRUE, 1), WAIT_TIMEOUT);
        break;
    case 2:
        r = WaitForMultipleObjects(2, both, FALSE, 0);
        ck_assert(r == WAIT_OBJECT_0 || r == WAIT_TIMEOUT);
        break;
    default:
        ck_assert(PulseEvent(e));
        break;
    }
}

static void *pr_thread(void *arg)
{
    (void)arg;
    for (unsigned i = 0; !atomic_load(&pr_stop); i++)
        pr_waits(pr_ev, pr_never, i);
    return NULL;
}

START_TEST(test_plain_reset_sticks)
{
    char name[64], never_name[64];
    snprintf(name, sizeof name, "wsplainreset%d", (int)getpid());
    snprintf(never_name, sizeof never_name, "wsplainresetnever%d", (int)getpid());
    /* The children are forked before this process calls the library, so
     * while it has one thread: a fork taken while the library's service
     * threads run may copy a lock one of them holds, and AddressSanitizer's
     * allocator (gcc 12's libasan) does not take its locks around fork, so
     * such a child could block forever in its first malloc (seen: about 1
     * run in 4 under load).  They wait on a pipe until the events exist. */
    int go[2];
    ck_assert_int_eq(pipe(go), 0);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        ck_assert(kids[k] >= 0);
        if (kids[k] == 0) {
            char c;
            close(go[1]);
            if (read(go[0], &c, 1) != 1)
                _exit(3);
            HANDLE e = OpenEventA(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
            HANDLE never = OpenEventA(SYNCHRONIZE, FALSE, never_name);
            if (!e || !never)
                _exit(2);
            for (unsigned i = 0; i < PR_CHILD_WAITS; i++)
                pr_waits(e, never, i + (unsigned)k);
            _exit(0);
        }
    }
    close(go[0]);
    pr_ev = CreateEventA(NULL, TRUE, TRUE, name);
    pr_never = CreateEventA(NULL, TRUE, FALSE, never_name);
    ck_assert_ptr_nonnull(pr_ev);
    ck_assert_ptr_nonnull(pr_never);
    ck_assert_int_eq(write(go[1], "gg", 2), 2);
    close(go[1]);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, pr_thread, NULL);
    long rounds = 0;
    int done = 0, status;
    while (done < 2 || rounds < 20000) {
        ck_assert(ResetEvent(pr_ev));
        ck_assert_uint_eq(WaitForSingleObject(pr_ev, 0), WAIT_TIMEOUT);
        ck_assert(SetEvent(pr_ev));
        rounds++;
        for (int k = 0; k < 2; k++)
            if (kids[k] && waitpid(kids[k], &status, WNOHANG) == kids[k]) {
                ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                kids[k] = 0;
                done++;
            }
    }
    atomic_store(&pr_stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    ck_assert(ResetEvent(pr_ev));
    ck_assert_uint_eq(WaitForSingleObject(pr_ev, 0), WAIT_TIMEOUT);
    CloseHandle(pr_ev);
    CloseHandle(pr_never);
}
END_TEST

static Suite *event_suite(void)
{
    Suite *s = suite_create("event");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_unnamed_states);
    tcase_add_test(basic, test_create_ex);
    tcase_add_test(basic, test_named_create_open);
    tcase_add_test(basic, test_unnamed_sets_last_error);
    tcase_add_test(basic, test_namespaces);
    tcase_add_test(basic, test_type_collision_by_name);
    suite_add_tcase(s, basic);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_name_errors);
    tcase_add_test(errors, test_long_wide_names);
    tcase_add_test(errors, test_names_at_page_end);
    tcase_add_test(errors, test_type_collision_with_thread_name);
    tcase_add_test(errors, test_type_mismatch);
    tcase_add_test(errors, test_access_rights);
    suite_add_tcase(s, errors);
    TCase *pulse = tcase_create("pulse");
    tcase_set_timeout(pulse, 30);
    tcase_add_test(pulse, test_pulse_manual);
    tcase_add_test(pulse, test_pulse_auto);
    tcase_add_test(pulse, test_pulse_no_waiters);
    suite_add_tcase(s, pulse);
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 60);
    tcase_add_test(threads, test_stress);
    tcase_add_test(threads, test_close_while_waiting);
    tcase_add_test(threads, test_plain_reset_sticks);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(event_suite)
