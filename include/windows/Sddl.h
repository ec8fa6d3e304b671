/* Sddl.h - the spelling Windows code often uses for <sddl.h>. */
#include "sddl.h"
