/*
 * ws2web: <ws2tcpip.h> for wasm32-wasi: addrinfo and the protocol-independent name calls,
 * inet_pton / inet_ntop, gai_strerror and the IPv6 helpers. See winsock2.h for how the
 * declarations become imports.
 */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include <winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Windows' member order (ai_canonname before ai_addr: not the POSIX one). */
typedef struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;
typedef ADDRINFOA ADDRINFO, *LPADDRINFO;
WS2WEB_STATIC_ASSERT(sizeof(ADDRINFOA) == 32 && offsetof(ADDRINFOA, ai_canonname) == 20 && offsetof(ADDRINFOA, ai_next) == 28, "ADDRINFOA layout");

#define GAI_STRERROR_BUFFER_SIZE 1024

/** Blocking: a host name is resolved by the relay; numeric hosts never leave the page. */
INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA *pHints, PADDRINFOA *ppResult) WS2WEB_IMPORT(getaddrinfo);
VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) WS2WEB_IMPORT(freeaddrinfo);
INT WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer, DWORD NodeBufferSize, PCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags) WS2WEB_IMPORT(getnameinfo);
/* inet_pton / inet_ntop: ws2web/address-string.h (winsock2.h includes it). */
/** The message text lives in one buffer that the next call overwrites (as on Windows). */
char *WSAAPI gai_strerrorA(int ecode) WS2WEB_IMPORT(gai_strerrorA);
#define gai_strerror gai_strerrorA
#define InetPtonA inet_pton
#define InetNtopA inet_ntop

#define IN6_IS_ADDR_UNSPECIFIED(a) ((a)->s6_words[0] == 0 && (a)->s6_words[1] == 0 && (a)->s6_words[2] == 0 && (a)->s6_words[3] == 0 && (a)->s6_words[4] == 0 && (a)->s6_words[5] == 0 && (a)->s6_words[6] == 0 && (a)->s6_words[7] == 0)
#define IN6_IS_ADDR_LOOPBACK(a) ((a)->s6_words[0] == 0 && (a)->s6_words[1] == 0 && (a)->s6_words[2] == 0 && (a)->s6_words[3] == 0 && (a)->s6_words[4] == 0 && (a)->s6_words[5] == 0 && (a)->s6_words[6] == 0 && (a)->s6_words[7] == 0x0100)
#define IN6_IS_ADDR_V4MAPPED(a) ((a)->s6_words[0] == 0 && (a)->s6_words[1] == 0 && (a)->s6_words[2] == 0 && (a)->s6_words[3] == 0 && (a)->s6_words[4] == 0 && (a)->s6_words[5] == 0xffff)
/** The SDK's ws2ipdef.h: the port of a SOCKADDR_IN or SOCKADDR_IN6 (same offset), network order. */
#define SS_PORT(ssp) (((PSOCKADDR_IN)(ssp))->sin_port)
static __inline BOOLEAN IN6_ADDR_EQUAL(const IN6_ADDR *x, const IN6_ADDR *y) {
    return (BOOLEAN)(__builtin_memcmp(x, y, sizeof(IN6_ADDR)) == 0);
}

#ifdef __cplusplus
}
#endif

#include "ws2web/names-wide.h"

#endif /* _WS2TCPIP_H_ */
