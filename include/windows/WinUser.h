/* WinUser.h - the spelling Windows code often uses for <winuser.h>. */
#include "winuser.h"
