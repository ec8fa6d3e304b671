/*
 * The system layer (lib/sys/): what its files offer each other.
 */
#ifndef WINSHIM_SYS_H
#define WINSHIM_SYS_H

#include "../internal.h"

/* The English text of a system message (message_table.c): Microsoft's text
 * of that ERROR_* or WSA* code, lines separated by "\r\n", without the
 * "\r\n" that ends every system message (FormatMessage adds it).  NULL for
 * an id the table does not have. */
const char *message_system_text(DWORD id);

#endif
