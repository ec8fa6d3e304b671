/* The SIGBUS guard for mappings of files other users may truncate
 * (busguard.c). */
#ifndef WINSHIM_CORE_BUSGUARD_H
#define WINSHIM_CORE_BUSGUARD_H

#include <stdbool.h>
#include <stddef.h>

/* Lists [start, start + len): a SIGBUS there replaces the rest of the
 * range by zero pages instead of ending the process.  False when the
 * list is full (or the handler cannot be installed). */
bool busguard_add(void *start, size_t len);
/* Before the range is unmapped. */
void busguard_remove(void *start);

#endif
