/* MinWinBase.h - the spelling Windows code often uses for <minwinbase.h>. */
#include "minwinbase.h"
