/* Tchar.h - the spelling Windows code often uses for <tchar.h>. */
#include "tchar.h"
