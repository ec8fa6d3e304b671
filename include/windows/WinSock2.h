/* WinSock2.h - the spelling Windows code often uses for <winsock2.h>. */
#include "winsock2.h"
