/*
 * ws2web: <mswsock.h>. The Microsoft extensions (ConnectEx, AcceptEx, TransmitFile…) are not
 * available to C code in this port: they are overlapped-only, and overlapped I/O is not bridged.
 * The header exists so programs that include it for a constant or two still compile.
 */
#ifndef _MSWSOCK_
#define _MSWSOCK_
#include <winsock2.h>
#endif
