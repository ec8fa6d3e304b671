/*
 * Window stations and desktops (winsta.c), as the registry (lib/kinds.c)
 * needs them.
 */
#ifndef WINSHIM_SYS_WINSTA_H
#define WINSHIM_SYS_WINSTA_H

#include "core/object.h"

extern const struct object_type winsta_type, desktop_type;

#endif
