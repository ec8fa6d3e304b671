/* WS2tcpip.h - the spelling Windows code often uses for <ws2tcpip.h>. */
#include "ws2tcpip.h"
