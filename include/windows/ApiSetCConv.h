/* ApiSetCConv.h - the spelling Windows code often uses for <apisetcconv.h>. */
#include "apisetcconv.h"
