/* TEMPORARY (not committed): until security.c lands. sa->lpSecurityDescriptor is a struct grant. */
#include <string.h>
#include "internal.h"
DWORD security_grant(const SECURITY_ATTRIBUTES *sa, const struct object_type *t, struct grant *g)
{
    (void)t;
    memset(g, 0, sizeof *g);
    if (sa && sa->lpSecurityDescriptor)
        *g = *(const struct grant *)sa->lpSecurityDescriptor;
    return 0;
}
ACCESS_MASK security_access(const struct grant *g, const struct object_type *t, uint32_t uid,
                            const uint32_t *gids, uint32_t ngids, uint32_t owner)
{
    if (!g->present) return uid == owner ? t->valid_access : 0;
    if (g->null_dacl) return t->valid_access;
    ACCESS_MASK allowed = 0, decided = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        const struct grant_ace *a = &g->ace[i];
        bool match = a->who == GRANT_WORLD || (a->who == GRANT_USER && a->id == uid);
        for (uint32_t j = 0; a->who == GRANT_GROUP && j < ngids; j++) match |= gids[j] == a->id;
        if (!match) continue;
        ACCESS_MASK m = a->mask & ~decided;
        if (a->allow) allowed |= m;
        decided |= m;
    }
    if (uid == owner) allowed |= READ_CONTROL | WRITE_DAC;
    return allowed;
}
