/* Windows.h - the spelling Windows code often uses for <windows.h>. */
#include "windows.h"
