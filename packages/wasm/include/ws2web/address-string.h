/*
 * ws2web: address text for <winsock2.h> / <ws2tcpip.h>: inet_pton and inet_ntop (imports), and
 * WSAAddressToStringA / WSAStringToAddressA written over them (inline), with Windows' formats:
 *   AF_INET   "192.0.2.1"  or "192.0.2.1:80" when the port is not 0
 *   AF_INET6  "2001:db8::1", "fe80::1%2" (scope id), or "[2001:db8::1%2]:80" with a port
 * WSAStringToAddressA reads the same forms (numeric only: no name lookup, as on Windows). A
 * buffer that is too small fails with WSAEFAULT and the needed length (WSAAddressToString counts
 * the NUL); text that is not an address of the family fails with WSAEINVAL.
 */
#ifndef WS2WEB_ADDRESS_STRING_H
#define WS2WEB_ADDRESS_STRING_H

#ifdef __cplusplus
extern "C" {
#endif

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) WS2WEB_IMPORT(inet_pton);
PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize) WS2WEB_IMPORT(inet_ntop);

static __inline INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength, LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString, LPDWORD lpdwAddressStringLength) {
    char host[INET6_ADDRSTRLEN];
    char text[INET6_ADDRSTRLEN + 20];
    size_t need;
    (void)lpProtocolInfo;
    if (!lpsaAddress || !lpdwAddressStringLength) { WSASetLastError(WSAEFAULT); return SOCKET_ERROR; }
    if (lpsaAddress->sa_family == AF_INET) {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)lpsaAddress;
        if (dwAddressLength < sizeof(SOCKADDR_IN)) { WSASetLastError(WSAEFAULT); return SOCKET_ERROR; }
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        if (in->sin_port) snprintf(text, sizeof text, "%s:%u", host, (unsigned)ntohs(in->sin_port));
        else snprintf(text, sizeof text, "%s", host);
    } else if (lpsaAddress->sa_family == AF_INET6) {
        const SOCKADDR_IN6 *in6 = (const SOCKADDR_IN6 *)lpsaAddress;
        char scoped[INET6_ADDRSTRLEN + 12];
        if (dwAddressLength < sizeof(SOCKADDR_IN6)) { WSASetLastError(WSAEFAULT); return SOCKET_ERROR; }
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        if (in6->sin6_scope_id) snprintf(scoped, sizeof scoped, "%s%%%lu", host, (unsigned long)in6->sin6_scope_id);
        else snprintf(scoped, sizeof scoped, "%s", host);
        if (in6->sin6_port) snprintf(text, sizeof text, "[%s]:%u", scoped, (unsigned)ntohs(in6->sin6_port));
        else snprintf(text, sizeof text, "%s", scoped);
    } else {
        WSASetLastError(WSAEINVAL);
        return SOCKET_ERROR;
    }
    need = strlen(text) + 1;
    if (!lpszAddressString || *lpdwAddressStringLength < need) {
        *lpdwAddressStringLength = (DWORD)need;
        WSASetLastError(WSAEFAULT);
        return SOCKET_ERROR;
    }
    memcpy(lpszAddressString, text, need);
    *lpdwAddressStringLength = (DWORD)need;
    return 0;
}

/** A decimal port 1–5 digits after ':' (0–65535); 1 when it parsed. */
static __inline int __ws2web_parse_port(const char *s, USHORT *port) {
    unsigned long v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9' && digits < 6; s++, digits++) v = v * 10 + (unsigned long)(*s - '0');
    if (digits == 0 || *s || v > 65535) return 0;
    *port = htons((u_short)v);
    return 1;
}

static __inline INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress, LPINT lpAddressLength) {
    char work[INET6_ADDRSTRLEN + 20];
    char *host = work, *port = NULL, *scope = NULL;
    int need = AddressFamily == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6);
    (void)lpProtocolInfo;
    if (!AddressString || !lpAddress || !lpAddressLength) { WSASetLastError(WSAEFAULT); return SOCKET_ERROR; }
    if (AddressFamily != AF_INET && AddressFamily != AF_INET6) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
    if (*lpAddressLength < need) { *lpAddressLength = need; WSASetLastError(WSAEFAULT); return SOCKET_ERROR; }
    if (strlen(AddressString) >= sizeof work) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
    strcpy(work, AddressString);
    if (AddressFamily == AF_INET) {
        SOCKADDR_IN in;
        memset(&in, 0, sizeof in);
        port = strchr(work, ':');
        if (port) *port++ = 0;
        in.sin_family = AF_INET;
        if (inet_pton(AF_INET, host, &in.sin_addr) != 1 || (port && !__ws2web_parse_port(port, &in.sin_port))) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
        memcpy(lpAddress, &in, sizeof in);
    } else {
        SOCKADDR_IN6 in6;
        memset(&in6, 0, sizeof in6);
        if (work[0] == '[') {
            char *close = strchr(work, ']');
            if (!close) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
            *close = 0;
            host = work + 1;
            if (close[1] == ':') port = close + 2;
            else if (close[1]) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
        }
        scope = strchr(host, '%');
        if (scope) *scope++ = 0;
        in6.sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, host, &in6.sin6_addr) != 1 || (port && !__ws2web_parse_port(port, &in6.sin6_port))) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
        if (scope) {
            char *end;
            in6.sin6_scope_id = strtoul(scope, &end, 10);
            if (!*scope || *end) { WSASetLastError(WSAEINVAL); return SOCKET_ERROR; }
        }
        memcpy(lpAddress, &in6, sizeof in6);
    }
    *lpAddressLength = need;
    return 0;
}

#define WSAAddressToString WSAAddressToStringA
#define WSAStringToAddress WSAStringToAddressA

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_ADDRESS_STRING_H */
