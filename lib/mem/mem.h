/*
 * lib/mem: what the memory layer offers the rest of the library (and its
 * own files to each other): heaps (heap.c), Local/Global memory (local.c),
 * virtual memory (virtual.c).
 */
#ifndef WINSHIM_MEM_H
#define WINSHIM_MEM_H

#include "core/base.h"

struct heap;

/* The process heap (made on first use). */
struct heap *heap_process(void);
/* The block functions without the API edge: flags are HEAP_* bits;
 * errors are Win32 codes (ERROR_NOT_ENOUGH_MEMORY, ERROR_INVALID_PARAMETER
 * for a pointer that is not a busy block of the heap). */
void *heap_alloc(struct heap *h, DWORD flags, size_t n, DWORD *err);
void *heap_realloc(struct heap *h, DWORD flags, void *p, size_t n, DWORD *err);
DWORD heap_free(struct heap *h, DWORD flags, void *p);
SIZE_T heap_size(struct heap *h, DWORD flags, const void *p); /* (SIZE_T)-1: no block */
/* A busy block's private flag bits (BLOCK_F_*, kept in its header):
 * heap_block_flags returns them with HEAP_BLOCK_VALID, or 0 when p is not
 * a busy block of h. */
#define HEAP_BLOCK_VALID 0x10000u
#define HEAP_BLOCK_LOCALMOVE 0x1u /* the data of a moveable Local/Global block */
void heap_block_set_flags(void *p, unsigned flags);
unsigned heap_block_flags(struct heap *h, const void *p);


#endif
