/* ProcessEnv.h - the spelling Windows code often uses for <processenv.h>. */
#include "processenv.h"
