/*
 * The system message table (message_table.c), for FormatMessage
 * (message.c).
 */
#ifndef WINSHIM_SYS_MESSAGE_H
#define WINSHIM_SYS_MESSAGE_H

#include "core/base.h"

/* The English text of a system message (message_table.c): Microsoft's text
 * of that ERROR_* or WSA* code, lines separated by "\r\n", without the
 * "\r\n" that ends every system message (FormatMessage adds it).  NULL for
 * an id the table does not have. */
const char *message_system_text(DWORD id);

#endif
