/* Windef.h - the spelling Windows code often uses for <windef.h>. */
#include "windef.h"
