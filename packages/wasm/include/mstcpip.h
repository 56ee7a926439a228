/*
 * ws2web: <mstcpip.h>: the types and SIO_* codes programs use with WSAIoctl (tcp_keepalive for
 * SIO_KEEPALIVE_VALS…). WSAIoctl itself is not available from C in this port, so a call to it
 * stops the build; the header compiles so that programs using only its constants do.
 */
#ifndef WS2WEB_MSTCPIP_H
#define WS2WEB_MSTCPIP_H

#include <winsock2.h>

struct tcp_keepalive {
    ULONG onoff;
    ULONG keepalivetime;
    ULONG keepaliveinterval;
};

#ifndef SIO_RCVALL
#define SIO_RCVALL 0x98000001 /* _WSAIOW(IOC_VENDOR, 1) */
#endif
#ifndef SIO_KEEPALIVE_VALS
#define SIO_KEEPALIVE_VALS 0x98000004 /* _WSAIOW(IOC_VENDOR, 4) */
#endif
typedef enum { RCVALL_OFF = 0, RCVALL_ON = 1, RCVALL_SOCKETLEVELONLY = 2, RCVALL_IPLEVEL = 3 } RCVALL_VALUE;

#endif /* WS2WEB_MSTCPIP_H */
