/* BaseTSD.h - the spelling Windows code often uses for <basetsd.h>. */
#include "basetsd.h"
