/* HandleAPI.h - the spelling Windows code often uses for <handleapi.h>. */
#include "handleapi.h"
