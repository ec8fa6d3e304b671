/* WinNls.h - the spelling Windows code often uses for <winnls.h>. */
#include "winnls.h"
