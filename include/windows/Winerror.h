/* Winerror.h - the spelling Windows code often uses for <winerror.h>. */
#include "winerror.h"
