/* MinWinDef.h - the spelling Windows code often uses for <minwindef.h>. */
#include "minwindef.h"
