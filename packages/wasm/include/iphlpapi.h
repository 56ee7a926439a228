/*
 * ws2web: <iphlpapi.h>. The IP Helper API (GetAdaptersAddresses, GetIfTable, if_nametoindex…)
 * describes the machine's interfaces, which a page does not have: none of it is declared, so a
 * program that calls one stops at compile time with the function's name. Programs that include
 * the header out of habit compile unchanged.
 */
#ifndef WS2WEB_IPHLPAPI_H
#define WS2WEB_IPHLPAPI_H
#include <winsock2.h>
#include <ws2tcpip.h>
#endif /* WS2WEB_IPHLPAPI_H */
