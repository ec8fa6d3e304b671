/* StringApiSet.h - the spelling Windows code often uses for <stringapiset.h>. */
#include "stringapiset.h"
