/* WinSock.h - the spelling Windows code often uses for <winsock.h>. */
#include "winsock.h"
