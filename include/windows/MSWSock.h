/* MSWSock.h - the spelling Windows code often uses for <mswsock.h>. */
#include "mswsock.h"
