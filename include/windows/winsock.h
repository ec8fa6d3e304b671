/*
 * winsock.h - Windows Sockets 1.1.  Here it is <winsock2.h>, a superset:
 * the 1.1 calls behave as their Winsock 2 versions (docs/COMPATIBILITY.md).
 */
#include <winsock2.h>
