/*
 * Event logs (eventlog.c): the kind's descriptor, for lib/kinds.c.
 */
#ifndef WINSHIM_SYS_EVENTLOG_H
#define WINSHIM_SYS_EVENTLOG_H

#include "core/object.h"

extern const struct object_type evlog_type;

#endif
