/* Sysinfoapi.h - the spelling Windows code often uses for <sysinfoapi.h>. */
#include "sysinfoapi.h"
