/* SpecStrings.h - the spelling Windows code often uses for <specstrings.h>. */
#include "specstrings.h"
