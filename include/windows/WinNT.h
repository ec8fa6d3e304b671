/* WinNT.h - the spelling Windows code often uses for <winnt.h>. */
#include "winnt.h"
