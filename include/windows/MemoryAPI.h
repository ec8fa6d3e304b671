/* MemoryAPI.h - the spelling Windows code often uses for <memoryapi.h>. */
#include "memoryapi.h"
