/*
 * The provider catalog as a Windows program reads it: WSAEnumProtocolsA/W (the size query, then
 * the list), getsockopt(SO_PROTOCOL_INFOA/W) and sockets made with WSASocketA from an enumerated
 * WSAPROTOCOL_INFOA. No network. Built with MinGW too; only what Windows and Wine share is
 * printed: the TCP/IP providers (others are skipped), and of their names the part in brackets
 * (Windows says "MSAFD Tcpip [TCP/IP]", Wine "TCP/IP"; the whole name is checked from
 * JavaScript in test/e2e/conformance/wsasocket.test.ts).
 */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "MSAFD Tcpip [UDP/IPv6]" → "UDP/IPv6"; a name without brackets as it is. */
static const char *short_name(const char *name, char *out, size_t size) {
    const char *open = strchr(name, '[');
    const char *close = open ? strchr(open, ']') : NULL;
    if (!open || !close) return name;
    size_t n = (size_t)(close - open - 1) < size - 1 ? (size_t)(close - open - 1) : size - 1;
    memcpy(out, open + 1, n);
    out[n] = 0;
    return out;
}

static int tcpip(const WSAPROTOCOL_INFOA *p) {
    return (p->iAddressFamily == AF_INET || p->iAddressFamily == AF_INET6) &&
           (p->iProtocol == IPPROTO_TCP || p->iProtocol == IPPROTO_UDP);
}

static void show(const WSAPROTOCOL_INFOA *p) {
    char name[64];
    const char *what = short_name(p->szProtocol, name, sizeof name);
    printf("%s: family %d, type %d, protocol %d, sockaddr %d..%d, chain %d, version %d, flags1 %#lx, zero %d, message %lu\n",
           what, p->iAddressFamily, p->iSocketType, p->iProtocol, p->iMinSockAddr, p->iMaxSockAddr,
           p->ProtocolChain.ChainLen, p->iVersion, (unsigned long)p->dwServiceFlags1,
           (p->dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) != 0, (unsigned long)p->dwMessageSize);
}

static int socket_type(SOCKET s) {
    int type = -1, len = sizeof type;
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len)) return -WSAGetLastError();
    return type;
}

int main(void) {
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa)) return 1;

    DWORD len = 0;
    int rc = WSAEnumProtocolsA(NULL, NULL, &len);
    printf("size query: %d, error %d, whole entries %d\n", rc, WSAGetLastError(), len > 0 && len % sizeof(WSAPROTOCOL_INFOA) == 0);
    WSAPROTOCOL_INFOA *all = malloc(len);
    int count = WSAEnumProtocolsA(NULL, all, &len);
    printf("list: %s, length matches %d\n", count > 0 ? "some" : "none", count > 0 && len == count * sizeof(WSAPROTOCOL_INFOA));
    for (int i = 0; i < count; i++)
        if (tcpip(&all[i])) show(&all[i]);

    int tcp_only[] = {IPPROTO_TCP, 0};
    len = sizeof(WSAPROTOCOL_INFOA) - 1;
    rc = WSAEnumProtocolsA(tcp_only, all, &len);
    printf("TCP only, short buffer: %d, error %d\n", rc, WSAGetLastError());
    rc = WSAEnumProtocolsA(tcp_only, all, &len);
    int all_tcp = rc > 0;
    for (int i = 0; i < rc; i++) all_tcp = all_tcp && all[i].iProtocol == IPPROTO_TCP;
    printf("TCP only: every entry TCP %d\n", all_tcp);

    SOCKET s = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &all[0], 0, 0);
    printf("from the first TCP entry: type %d\n", s == INVALID_SOCKET ? -WSAGetLastError() : socket_type(s));
    closesocket(s);
    WSAPROTOCOL_INFOA udp = all[0];
    udp.iAddressFamily = AF_INET;
    udp.iSocketType = SOCK_DGRAM;
    udp.iProtocol = IPPROTO_UDP;
    s = WSASocketA(0, 0, 0, &udp, 0, 0);
    printf("UDP info, arguments 0: type %d\n", s == INVALID_SOCKET ? -WSAGetLastError() : socket_type(s));
    closesocket(s);
    s = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, &udp, 0, 0);
    printf("UDP info, TCP arguments: type %d\n", s == INVALID_SOCKET ? -WSAGetLastError() : socket_type(s));
    closesocket(s);
    udp.iAddressFamily = udp.iSocketType = udp.iProtocol = 0;
    s = WSASocketA(0, 0, IPPROTO_UDP, &udp, 0, 0);
    printf("zeroed info: %s, error %d\n", s == INVALID_SOCKET ? "INVALID_SOCKET" : "a socket", WSAGetLastError());

    s = socket(AF_INET6, SOCK_DGRAM, 0);
    WSAPROTOCOL_INFOA a;
    int alen = sizeof a;
    rc = getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&a, &alen);
    printf("SO_PROTOCOL_INFOA: %d, length %d\n", rc, alen);
    show(&a);
    WSAPROTOCOL_INFOW wide;
    int wlen = sizeof wide;
    rc = getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&wide, &wlen);
    int same_name = 1;
    for (int i = 0; a.szProtocol[i] || wide.szProtocol[i]; i++) same_name = same_name && wide.szProtocol[i] == (WCHAR)a.szProtocol[i];
    printf("SO_PROTOCOL_INFOW: %d, length %d, family %d, same name %d\n", rc, wlen, wide.iAddressFamily, same_name);
    wlen = sizeof a;
    rc = getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&wide, &wlen);
    printf("SO_PROTOCOL_INFOW, A-sized buffer: %d, error %d\n", rc, WSAGetLastError());
    closesocket(s);

    len = 0;
    rc = WSAEnumProtocolsW(NULL, NULL, &len);
    printf("W size query: %d, error %d, whole entries %d\n", rc, WSAGetLastError(), len > 0 && len % sizeof(WSAPROTOCOL_INFOW) == 0);
    free(all);
    WSACleanup();
    return 0;
}
