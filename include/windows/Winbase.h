/* Winbase.h - the spelling Windows code often uses for <winbase.h>. */
#include "winbase.h"
