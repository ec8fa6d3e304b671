/* SynchAPI.h - the spelling Windows code often uses for <synchapi.h>. */
#include "synchapi.h"
