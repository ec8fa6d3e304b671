/* ErrHandlingAPI.h - the spelling Windows code often uses for <errhandlingapi.h>. */
#include "errhandlingapi.h"
