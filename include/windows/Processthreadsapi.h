/* Processthreadsapi.h - the spelling Windows code often uses for <processthreadsapi.h>. */
#include "processthreadsapi.h"
