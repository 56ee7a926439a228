/*
 * ws2web: address text for <winsock2.h> / <ws2tcpip.h>: inet_pton, inet_ntop, InetPtonW,
 * InetNtopW, WSAAddressToStringA/W and WSAStringToAddressA/W (all imports: @ws2web/browser
 * parses and formats), with Windows' formats:
 *   AF_INET   "192.0.2.1"  or "192.0.2.1:80" when the port is not 0
 *   AF_INET6  "2001:db8::1", "fe80::1%2" (scope id), or "[2001:db8::1%2]:80" with a port
 * WSAStringToAddress reads the same forms, and for AF_INET Windows' loose ones ("1.2", "0x7f.1",
 * ports in 0 octal / 0x hex); numeric only: no name lookup, as on Windows. A
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

/* The lengths count the NUL: bytes for the A forms, WCHARs for the W forms. */
INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength, LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString, LPDWORD lpdwAddressStringLength) WS2WEB_IMPORT(WSAAddressToStringA);
INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength, LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString, LPDWORD lpdwAddressStringLength) WS2WEB_IMPORT(WSAAddressToStringW);
INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress, LPINT lpAddressLength) WS2WEB_IMPORT(WSAStringToAddressA);
INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress, LPINT lpAddressLength) WS2WEB_IMPORT(WSAStringToAddressW);
INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf) WS2WEB_IMPORT(InetPtonW);
PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf, size_t StringBufSize) WS2WEB_IMPORT(InetNtopW);

#ifdef UNICODE
#define WSAAddressToString WSAAddressToStringW
#define WSAStringToAddress WSAStringToAddressW
#else
#define WSAAddressToString WSAAddressToStringA
#define WSAStringToAddress WSAStringToAddressA
#endif

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_ADDRESS_STRING_H */
