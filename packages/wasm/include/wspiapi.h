/*
 * ws2web: <wspiapi.h>. On Windows 2000 it supplied getaddrinfo for systems without it; every
 * later Windows has the real calls, and so does this port: the Wspiapi names are those.
 */
#ifndef WS2WEB_WSPIAPI_H
#define WS2WEB_WSPIAPI_H
#include <ws2tcpip.h>
#define WspiapiGetAddrInfo getaddrinfo
#define WspiapiGetNameInfo getnameinfo
#define WspiapiFreeAddrInfo freeaddrinfo
#endif /* WS2WEB_WSPIAPI_H */
