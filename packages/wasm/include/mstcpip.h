/*
 * ws2web: <mstcpip.h>: the types and SIO_* codes programs use with WSAIoctl. SIO_KEEPALIVE_VALS
 * with a struct tcp_keepalive (times in ms) turns keep-alive on or off on the relay's socket with
 * that idle time, within the relay's bounds; keepaliveinterval is kept (TCP_KEEPINTVL reports it)
 * but the relay's probes go 1 s apart. SIO_RCVALL fails with WSAEOPNOTSUPP.
 *
 * And the SDK's inline address helpers over SOCKADDR_IN / SOCKADDR_IN6 / a SOCKADDR of either
 * family (IN4ADDR_*, IN6ADDR_*, INETADDR_*: set to any/loopback, test, port, scope), as Windows'
 * samples use them. Ports are in network order, as stored; INETADDR_SETANY/SETLOOPBACK keep the
 * family already in sa_family and clear the rest (port 0).
 */
#ifndef WS2WEB_MSTCPIP_H
#define WS2WEB_MSTCPIP_H

#include <winsock2.h>
#include <ws2tcpip.h>

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

#ifdef __cplusplus
extern "C" {
#endif

static __inline BOOLEAN IN4_IS_ADDR_UNSPECIFIED(const IN_ADDR *a) { return (BOOLEAN)(a->s_addr == INADDR_ANY); }
/** 127.0.0.0/8, as Windows tests it (the first byte). */
static __inline BOOLEAN IN4_IS_ADDR_LOOPBACK(const IN_ADDR *a) { return (BOOLEAN)(((const UCHAR *)a)[0] == 0x7f); }

static __inline void IN4ADDR_SETANY(PSOCKADDR_IN a) {
    __builtin_memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = INADDR_ANY;
}
static __inline void IN4ADDR_SETLOOPBACK(PSOCKADDR_IN a) {
    __builtin_memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}
static __inline BOOLEAN IN4ADDR_ISANY(const SOCKADDR_IN *a) { return IN4_IS_ADDR_UNSPECIFIED(&a->sin_addr); }
static __inline BOOLEAN IN4ADDR_ISLOOPBACK(const SOCKADDR_IN *a) { return IN4_IS_ADDR_LOOPBACK(&a->sin_addr); }

static __inline void IN6ADDR_SETANY(PSOCKADDR_IN6 a) {
    __builtin_memset(a, 0, sizeof(*a));
    a->sin6_family = AF_INET6;
}
static __inline void IN6ADDR_SETLOOPBACK(PSOCKADDR_IN6 a) {
    __builtin_memset(a, 0, sizeof(*a));
    a->sin6_family = AF_INET6;
    a->sin6_addr.s6_bytes[15] = 1;
}
static __inline BOOLEAN IN6ADDR_ISANY(const SOCKADDR_IN6 *a) { return (BOOLEAN)(IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr) != 0); }
static __inline BOOLEAN IN6ADDR_ISLOOPBACK(const SOCKADDR_IN6 *a) { return (BOOLEAN)(IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) != 0); }
/** ::ffff:a.b.c.d with that scope and port (network order). */
static __inline void IN6ADDR_SETV4MAPPED(PSOCKADDR_IN6 a6, const IN_ADDR *a4, SCOPE_ID scope, USHORT port) {
    __builtin_memset(a6, 0, sizeof(*a6));
    a6->sin6_family = AF_INET6;
    a6->sin6_port = port;
    a6->sin6_addr.s6_bytes[10] = 0xff;
    a6->sin6_addr.s6_bytes[11] = 0xff;
    __builtin_memcpy(&a6->sin6_addr.s6_bytes[12], a4, 4);
    a6->sin6_scope_struct = scope;
}

static __inline BOOLEAN INETADDR_ISANY(const SOCKADDR *a) {
    return a->sa_family == AF_INET ? IN4ADDR_ISANY((const SOCKADDR_IN *)a) : IN6ADDR_ISANY((const SOCKADDR_IN6 *)a);
}
static __inline BOOLEAN INETADDR_ISLOOPBACK(const SOCKADDR *a) {
    return a->sa_family == AF_INET ? IN4ADDR_ISLOOPBACK((const SOCKADDR_IN *)a) : IN6ADDR_ISLOOPBACK((const SOCKADDR_IN6 *)a);
}
static __inline void INETADDR_SETANY(PSOCKADDR a) {
    if (a->sa_family == AF_INET) IN4ADDR_SETANY((PSOCKADDR_IN)a);
    else IN6ADDR_SETANY((PSOCKADDR_IN6)a);
}
static __inline void INETADDR_SETLOOPBACK(PSOCKADDR a) {
    if (a->sa_family == AF_INET) IN4ADDR_SETLOOPBACK((PSOCKADDR_IN)a);
    else IN6ADDR_SETLOOPBACK((PSOCKADDR_IN6)a);
}
/** The port as stored (network order). */
static __inline USHORT INETADDR_PORT(const SOCKADDR *a) {
    return a->sa_family == AF_INET ? ((const SOCKADDR_IN *)a)->sin_port : ((const SOCKADDR_IN6 *)a)->sin6_port;
}
static __inline PUCHAR INETADDR_ADDRESS(const SOCKADDR *a) {
    return a->sa_family == AF_INET ? (PUCHAR) & ((const SOCKADDR_IN *)a)->sin_addr
                                   : (PUCHAR) & ((const SOCKADDR_IN6 *)a)->sin6_addr;
}
/** IPv6: the address's scope; IPv4: scope 0. */
static __inline SCOPE_ID INETADDR_SCOPE_ID(const SOCKADDR *a) {
    SCOPE_ID none;
    none.Value = 0;
    return a->sa_family == AF_INET6 ? ((const SOCKADDR_IN6 *)a)->sin6_scope_struct : none;
}

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_MSTCPIP_H */
