/*
 * ws2web: <mstcpip.h>: the types and SIO_* codes programs use with WSAIoctl. SIO_KEEPALIVE_VALS
 * with a struct tcp_keepalive (times in ms) turns keep-alive on or off on the relay's socket with
 * that idle time, within the relay's bounds; keepaliveinterval is kept (TCP_KEEPINTVL reports it)
 * but the relay's probes go 1 s apart. SIO_RCVALL fails with WSAEOPNOTSUPP.
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
