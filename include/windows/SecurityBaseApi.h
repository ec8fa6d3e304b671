/* SecurityBaseApi.h - the spelling Windows code often uses for <securitybaseapi.h>. */
#include "securitybaseapi.h"
