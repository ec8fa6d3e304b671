/* User-mode primitives at odd offsets, as a #pragma pack(1) struct puts
 * them (legal on Windows): packed structs placed so that the primitive
 * lands at 1, 2, 3 and 5 mod 8 (check_srwlock, check_condvar,
 * check_critsec, check_initonce: test_unaligned*, loop index 0..3). */
#ifndef WINSHIM_TEST_UNALIGNED_H
#define WINSHIM_TEST_UNALIGNED_H

#include <sched.h>
#include <stddef.h>
#include <string.h>

#pragma pack(push, 1)
struct packed_locks {
    char pad;                /* the struct's base is at 0, 1, 2 or 4 mod 8 */
    SRWLOCK srw;             /* each primitive at base + 1 mod 8 */
    CONDITION_VARIABLE cv;
    CRITICAL_SECTION cs;     /* its LockCount too */
    INIT_ONCE once;
    LONG count, ready, woken;
};
#pragma pack(pop)

#define UNALIGNED_CASES 4
static _Alignas(64) char unaligned_mem[64 + 4 + sizeof(struct packed_locks)];

/* Case i's packed struct, zeroed: each primitive at 1, 2, 3 or 5 mod 8. */
static inline struct packed_locks *packed_at(int i)
{
    static const size_t base[UNALIGNED_CASES] = {0, 1, 2, 4};
    struct packed_locks *p = (struct packed_locks *)(unaligned_mem + 64 + base[i]);
    memset(p, 0, sizeof *p);
    return p;
}

/* A member's address without -Waddress-of-packed-member. */
#define PACKED_MEMBER(p, type, m) ((type *)((char *)(p) + offsetof(struct packed_locks, m)))

/* The types through which the tests read and write the odd-placed fields
 * themselves: aligned(1), so that the compiler (and UBSan's alignment
 * check, fatal in the ASan build) expects no alignment there, as for a
 * packed struct's member.  The primitives' own pointers go to the API
 * unchanged (lib/user/usersync.h, USYNC_ANY_ALIGN). */
typedef LONG ua_LONG __attribute__((aligned(1)));
typedef SRWLOCK ua_SRWLOCK __attribute__((aligned(1)));
typedef CRITICAL_SECTION ua_CRITICAL_SECTION __attribute__((aligned(1)));

/* A LONG member of struct packed_locks, for reading and writing. */
#define PACKED_LONG(p, m) ((ua_LONG *)((char *)(p) + offsetof(struct packed_locks, m)))

/* A field of an odd-placed primitive, e.g. UA_FIELD(cs, CRITICAL_SECTION,
 * LockCount). */
#define UA_FIELD(x, type, m) (((ua_##type *)(x))->m)

_Static_assert(offsetof(struct packed_locks, srw) % 8 == 1, "odd offsets");
_Static_assert(offsetof(struct packed_locks, cv) % 8 == 1, "odd offsets");
_Static_assert(offsetof(struct packed_locks, cs) % 8 == 1, "odd offsets");
_Static_assert(offsetof(struct packed_locks, once) % 8 == 1, "odd offsets");

static inline unsigned unaligned_expected(int i)
{
    return (unsigned)"\1\2\3\5"[i];
}

#endif
