/* Interlocked singly linked lists (lib/user/slist.c). */
#include "testutil.h"

#include <malloc.h>

typedef struct item {
    SLIST_ENTRY entry; /* first: an item is its entry */
    LONG value;
    LONG owner;        /* 0 on the list, else the popping thread + 1 */
} ITEM;

START_TEST(test_layout)
{
    ck_assert_uint_eq(sizeof(SLIST_HEADER), 16);
    ck_assert_uint_eq(_Alignof(SLIST_HEADER), 16);
    ck_assert_uint_eq(_Alignof(SLIST_ENTRY), 16);
    ck_assert_uint_eq(sizeof(ITEM) % 16, 0);

    SLIST_HEADER h;
    memset(&h, 0xcc, sizeof h);
    InitializeSListHead(&h);
    ck_assert_uint_eq(h.HeaderX64.Depth, 0);
    ck_assert_uint_eq(h.HeaderX64.Sequence, 0);
    ck_assert_uint_eq(h.HeaderX64.HeaderType, 1); /* the 16-byte header */
    ck_assert_uint_eq(h.HeaderX64.NextEntry, 0);
    ck_assert_ptr_null(RtlFirstEntrySList(&h));

    ITEM a;
    InterlockedPushEntrySList(&h, &a.entry);
    ck_assert_uint_eq(h.HeaderX64.Depth, 1);
    ck_assert_uint_eq((ULONG_PTR)h.HeaderX64.NextEntry << 4, (ULONG_PTR)&a.entry);
    ck_assert_uint_eq(h.HeaderX64.HeaderType, 1);
    ck_assert_uint_ne(h.HeaderX64.Sequence, 0);
}
END_TEST

START_TEST(test_lifo)
{
    SLIST_HEADER h;
    InitializeSListHead(&h);
    ck_assert_ptr_null(InterlockedPopEntrySList(&h));
    ck_assert_ptr_null(InterlockedFlushSList(&h));
    ck_assert_uint_eq(QueryDepthSList(&h), 0);

    ITEM it[5];
    for (int i = 0; i < 5; i++) {
        it[i].value = i;
        PSLIST_ENTRY prev = InterlockedPushEntrySList(&h, &it[i].entry);
        ck_assert_ptr_eq(prev, i ? &it[i - 1].entry : NULL);
        ck_assert_uint_eq(QueryDepthSList(&h), i + 1);
        ck_assert_ptr_eq(RtlFirstEntrySList(&h), &it[i].entry);
    }
    for (int i = 4; i >= 0; i--) {
        ITEM *p = (ITEM *)InterlockedPopEntrySList(&h);
        ck_assert_ptr_eq(p, &it[i]);
        ck_assert_int_eq(p->value, i);
        ck_assert_uint_eq(QueryDepthSList(&h), i);
    }
    ck_assert_ptr_null(InterlockedPopEntrySList(&h));
    ck_assert_uint_eq(QueryDepthSList(&h), 0);
}
END_TEST

START_TEST(test_flush)
{
    SLIST_HEADER h;
    InitializeSListHead(&h);
    ITEM it[4];
    for (int i = 0; i < 4; i++)
        InterlockedPushEntrySList(&h, &it[i].entry);
    PSLIST_ENTRY e = InterlockedFlushSList(&h);
    ck_assert_uint_eq(QueryDepthSList(&h), 0);
    ck_assert_ptr_null(RtlFirstEntrySList(&h));
    ck_assert_ptr_null(InterlockedPopEntrySList(&h));
    /* The flushed list is intact, newest first, NULL-terminated. */
    for (int i = 3; i >= 0; i--) {
        ck_assert_ptr_eq(e, &it[i].entry);
        e = e->Next;
    }
    ck_assert_ptr_null(e);
    /* The header works again after a flush. */
    InterlockedPushEntrySList(&h, &it[0].entry);
    ck_assert_uint_eq(QueryDepthSList(&h), 1);
    ck_assert_ptr_eq(InterlockedPopEntrySList(&h), &it[0].entry);
}
END_TEST

START_TEST(test_push_list)
{
    SLIST_HEADER h;
    InitializeSListHead(&h);
    ITEM base, it[3];
    InterlockedPushEntrySList(&h, &base.entry);
    /* it[0] -> it[1] -> it[2]; the last's Next is set by the push. */
    it[0].entry.Next = &it[1].entry;
    it[1].entry.Next = &it[2].entry;
    it[2].entry.Next = (PSLIST_ENTRY)(ULONG_PTR)0xdead0;
    PSLIST_ENTRY prev = InterlockedPushListSListEx(&h, &it[0].entry, &it[2].entry, 3);
    ck_assert_ptr_eq(prev, &base.entry);
    ck_assert_uint_eq(QueryDepthSList(&h), 4);
    ck_assert_ptr_eq(it[2].entry.Next, &base.entry);
    ck_assert_ptr_eq(InterlockedPopEntrySList(&h), &it[0].entry);
    ck_assert_ptr_eq(InterlockedPopEntrySList(&h), &it[1].entry);
    ck_assert_ptr_eq(InterlockedPopEntrySList(&h), &it[2].entry);
    ck_assert_ptr_eq(InterlockedPopEntrySList(&h), &base.entry);
    ck_assert_ptr_null(InterlockedPopEntrySList(&h));

    /* The SDK's other name, onto an empty list. */
    it[0].entry.Next = &it[1].entry;
    prev = InterlockedPushListSList(&h, &it[0].entry, &it[1].entry, 2);
    ck_assert_ptr_null(prev);
    ck_assert_ptr_null(it[1].entry.Next);
    ck_assert_uint_eq(QueryDepthSList(&h), 2);
}
END_TEST

START_TEST(test_rtl_names)
{
    SLIST_HEADER h;
    RtlInitializeSListHead(&h);
    ITEM it[3];
    ck_assert_ptr_null(RtlInterlockedPushEntrySList(&h, &it[0].entry));
    it[1].entry.Next = &it[2].entry;
    ck_assert_ptr_eq(RtlInterlockedPushListSListEx(&h, &it[1].entry, &it[2].entry, 2),
                     &it[0].entry);
    ck_assert_uint_eq(RtlQueryDepthSList(&h), 3);
    ck_assert_ptr_eq(RtlInterlockedPopEntrySList(&h), &it[1].entry);
    ck_assert_ptr_eq(RtlInterlockedFlushSList(&h), &it[2].entry);
    ck_assert_uint_eq(RtlQueryDepthSList(&h), 0);
}
END_TEST

/* The depth is 16 bits wide, as on Windows: it wraps. */
START_TEST(test_depth_wraps)
{
    SLIST_HEADER h;
    InitializeSListHead(&h);
    enum { N = 65537 };
    ITEM *it = memalign(16, sizeof(ITEM) * N);
    ck_assert_ptr_nonnull(it);
    for (int i = 0; i < N; i++)
        InterlockedPushEntrySList(&h, &it[i].entry);
    ck_assert_uint_eq(QueryDepthSList(&h), 1);
    int n = 0;
    while (InterlockedPopEntrySList(&h))
        n++;
    ck_assert_int_eq(n, N);
    free(it);
}
END_TEST

/* ---- many threads ----
 * Every thread pops items, claims each (owner 0 -> its id: an item popped
 * twice at once fails the claim), changes its value, releases and pushes
 * it back; some push and pop in batches with the list functions.  At the
 * end every item is on the list exactly once, and the values add up to
 * the number of pops. */
enum { NTHREADS = 8, NITEMS = 64, ROUNDS = 20000 };

struct stress {
    SLIST_HEADER head;
    ITEM *items;
    LONG dup;
    LONG pops;
};

static void claim(struct stress *s, ITEM *p, LONG me)
{
    if (InterlockedCompareExchange(&p->owner, me, 0) != 0)
        InterlockedIncrement(&s->dup);
    InterlockedIncrement(&p->value);
    InterlockedIncrement(&s->pops);
}

static void unclaim(struct stress *s, ITEM *p, LONG me)
{
    if (InterlockedCompareExchange(&p->owner, 0, me) != me)
        InterlockedIncrement(&s->dup);
}

static struct stress *g_s;

static DWORD WINAPI stress_thread(LPVOID arg)
{
    struct stress *s = g_s;
    LONG me = (LONG)(LONG_PTR)arg + 1;
    ITEM *batch[4];
    for (int r = 0; r < ROUNDS; r++) {
        if ((r & 7) == 7) {
            /* Up to four at once, pushed back as one list. */
            int n = 0;
            while (n < 4) {
                ITEM *p = (ITEM *)InterlockedPopEntrySList(&s->head);
                if (!p)
                    break;
                claim(s, p, me);
                batch[n++] = p;
            }
            /* Next is written atomically: a pop that read the header
             * before these items were popped may still read their Next
             * (the race slist.c documents; its compare-and-swap then
             * fails), and ThreadSanitizer would report a plain write. */
            for (int i = 0; i < n; i++) {
                unclaim(s, batch[i], me);
                __atomic_store_n(&batch[i]->entry.Next,
                                 i + 1 < n ? &batch[i + 1]->entry : NULL, __ATOMIC_RELAXED);
            }
            if (n)
                InterlockedPushListSListEx(&s->head, &batch[0]->entry,
                                           &batch[n - 1]->entry, (ULONG)n);
            continue;
        }
        ITEM *p = (ITEM *)InterlockedPopEntrySList(&s->head);
        if (!p)
            continue;
        claim(s, p, me);
        unclaim(s, p, me);
        InterlockedPushEntrySList(&s->head, &p->entry);
    }
    return 0;
}

START_TEST(test_stress)
{
    static struct stress st;
    struct stress *s = &st;
    g_s = s;
    InitializeSListHead(&s->head);
    s->items = memalign(16, sizeof(ITEM) * NITEMS);
    ck_assert_ptr_nonnull(s->items);
    for (int i = 0; i < NITEMS; i++) {
        s->items[i].value = 0;
        s->items[i].owner = 0;
        InterlockedPushEntrySList(&s->head, &s->items[i].entry);
    }
    HANDLE th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        th[t] = CreateThread(NULL, 0, stress_thread, (LPVOID)(LONG_PTR)t, 0, NULL);
        ck_assert_ptr_nonnull(th[t]);
    }
    ASSERT_WAIT(WaitForMultipleObjects(NTHREADS, th, TRUE, INFINITE), WAIT_OBJECT_0);
    for (int t = 0; t < NTHREADS; t++)
        CloseHandle(th[t]);

    ck_assert_int_eq(s->dup, 0);
    ck_assert_uint_eq(QueryDepthSList(&s->head), NITEMS);
    /* Every item exactly once: mark each as it is popped. */
    char seen[NITEMS] = {0};
    LONG sum = 0;
    ITEM *p;
    while ((p = (ITEM *)InterlockedPopEntrySList(&s->head))) {
        ptrdiff_t i = p - s->items;
        ck_assert(i >= 0 && i < NITEMS);
        ck_assert_msg(!seen[i], "item %td twice", i);
        seen[i] = 1;
        ck_assert_int_eq(p->owner, 0);
        sum += p->value;
    }
    for (int i = 0; i < NITEMS; i++)
        ck_assert_msg(seen[i], "item %d lost", i);
    ck_assert_int_eq(sum, s->pops);
    free(s->items);
}
END_TEST

static Suite *slist_suite(void)
{
    Suite *s = suite_create("slist");
    TCase *basic = tcase_create("basic");
    TCase *threads = tcase_create("threads");
    tcase_add_test(basic, test_layout);
    tcase_add_test(basic, test_lifo);
    tcase_add_test(basic, test_flush);
    tcase_add_test(basic, test_push_list);
    tcase_add_test(basic, test_rtl_names);
    tcase_add_test(basic, test_depth_wraps);
    tcase_add_test(threads, test_stress);
    tcase_set_timeout(threads, 120);
    suite_add_tcase(s, basic);
    suite_add_tcase(s, threads);
    return s;
}

TEST_MAIN(slist_suite)
