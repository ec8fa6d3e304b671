/* FileAPI.h - the spelling Windows code often uses for <fileapi.h>. */
#include "fileapi.h"
