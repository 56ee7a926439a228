/*
 * api-probe: walks the Winsock calls the three examples do not use, printing one line per check
 * with values a Windows machine prints too (given the same servers), so the wasm test can
 * compare the whole output. It exercises every kind of marshalling in @ws2web/wasm: sockaddr
 * out-parameters, WSABUF arrays, hostent/servent in static storage, getnameinfo buffers,
 * inet_pton/inet_ntop, option buffers, fd_set rewriting, timeouts and Sleep.
 *
 *   usage: api-probe <echo-port> <refused-port>
 */
#include <stdio.h>            /* libc first, as plenty of Windows code does */
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>

#ifndef TCP_KEEPALIVE
#define TCP_KEEPALIVE 3 /* ws2ipdef.h on Windows 10 1709+; MinGW-w64's headers lack it */
#endif

#pragma comment(lib, "ws2_32.lib")

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    SOCKET s, u;
    SOCKADDR_IN addr, local, peer;
    int len, rc, opt, optlen;
    char text[INET6_ADDRSTRLEN], host[NI_MAXHOST], serv[NI_MAXSERV];
    IN6_ADDR a6;
    struct hostent *he;
    struct servent *se;
    struct protoent *pe;
    WSABUF bufs[2];
    char part1[5], part2[64];
    DWORD sent = 0, got = 0, flags = 0, t0;
    fd_set readfds;
    struct timeval tv;
    u_long pending = 0;
    unsigned short echoPort, refusedPort;

    if (argc != 3) return 1;
    echoPort = (unsigned short)atoi(argv[1]);
    refusedPort = (unsigned short)atoi(argv[2]);

    printf("before WSAStartup: socket -> %d\n", socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET ? WSAGetLastError() : 0);
    rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    printf("WSAStartup %d, version %d.%d, high %d.%d, status '%s'\n", rc, LOBYTE(wsa.wVersion), HIBYTE(wsa.wVersion),
           LOBYTE(wsa.wHighVersion), HIBYTE(wsa.wHighVersion), wsa.szSystemStatus);

    /* Address text */
    rc = inet_pton(AF_INET6, "2001:db8::1", &a6);
    printf("inet_pton v6 %d, bytes %02x%02x..%02x\n", rc, a6.s6_addr[0], a6.s6_addr[1], a6.s6_addr[15]);
    printf("inet_ntop v6 '%s'\n", inet_ntop(AF_INET6, &a6, text, sizeof(text)));
    printf("inet_ntop small buffer -> %s, error %d\n", inet_ntop(AF_INET6, &a6, text, 4) ? "text" : "NULL", WSAGetLastError());
    addr.sin_addr.s_addr = inet_addr("10.1.2.3");
    printf("inet_addr/inet_ntoa '%s' (s_b1 %d)\n", inet_ntoa(addr.sin_addr), addr.sin_addr.s_net);
    printf("inet_addr bad == INADDR_NONE: %d\n", inet_addr("1.2.3.256") == INADDR_NONE);
    printf("htons(0x1234) = 0x%04x, htonl(0x01020304) = 0x%08lx\n", htons(0x1234), htonl(0x01020304UL));

    /* Names through the relay */
    he = gethostbyname("localhost");
    if (he) {
        IN_ADDR first;
        memcpy(&first, he->h_addr_list[0], 4);
        printf("gethostbyname(localhost): type %d, length %d, first %s\n", he->h_addrtype, he->h_length, inet_ntoa(first));
    } else {
        printf("gethostbyname failed %d\n", WSAGetLastError());
    }
    he = gethostbyname("no-such-name.test");
    printf("gethostbyname(no-such-name.test): %s, error %d\n", he ? "found" : "NULL", WSAGetLastError());
    se = getservbyname("http", "tcp");
    printf("getservbyname(http/tcp): %s port %d proto %s\n", se ? se->s_name : "-", se ? ntohs(se->s_port) : 0, se ? se->s_proto : "-");
    se = getservbyport(htons(443), NULL);
    printf("getservbyport(443): %s\n", se ? se->s_name : "-");
    pe = getprotobyname("UDP");
    printf("getprotobyname(UDP): %s alias %s number %d\n", pe ? pe->p_name : "-", pe && pe->p_aliases[0] ? pe->p_aliases[0] : "-", pe ? pe->p_proto : -1);
    pe = getprotobynumber(59);
    printf("getprotobynumber(59): %s alias %s\n", pe ? pe->p_name : "-", pe && pe->p_aliases[0] ? pe->p_aliases[0] : "-");
    pe = getprotobynumber(2);
    printf("getprotobynumber(2): %s, error %d\n", pe ? pe->p_name : "NULL", WSAGetLastError());
    printf("gai_strerror(WSAHOST_NOT_FOUND): %s\n", gai_strerror(WSAHOST_NOT_FOUND));

    /* A connected socket: addresses, options, scatter/gather I/O */
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(echoPort);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    rc = connect(s, (SOCKADDR *)&addr, sizeof(addr));
    printf("connect to echo: %d\n", rc);
    len = sizeof(local);
    rc = getsockname(s, (SOCKADDR *)&local, &len);
    check("getsockname is 127.0.0.1 with a port", rc == 0 && len == sizeof(local) && local.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && local.sin_port != 0);
    len = sizeof(peer);
    rc = getpeername(s, (SOCKADDR *)&peer, &len);
    check("getpeername is the echo server", rc == 0 && peer.sin_port == htons(echoPort));
    rc = getnameinfo((SOCKADDR *)&peer, sizeof(peer), host, sizeof(host), serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
    check("getnameinfo numeric host and service", rc == 0 && strcmp(host, "127.0.0.1") == 0 && atoi(serv) == echoPort);
    opt = 1;
    rc = setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&opt, sizeof(opt));
    opt = 0;
    optlen = sizeof(opt);
    rc |= getsockopt(s, IPPROTO_TCP, TCP_NODELAY, (char *)&opt, &optlen);
    check("TCP_NODELAY set and read back", rc == 0 && opt != 0 && optlen == sizeof(int));
    {
        /* SIO_KEEPALIVE_VALS: a short struct is WSAEFAULT; a whole one turns keep-alive on with
         * its idle time (ms), which TCP_KEEPALIVE reports in seconds. */
        struct tcp_keepalive ka = { 1, 30000, 2000 };
        DWORD ret = 0xdeadbeef;
        rc = WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka) - 1, NULL, 0, &ret, NULL, NULL);
        printf("SIO_KEEPALIVE_VALS short: %d error %d returned %lu\n", rc, WSAGetLastError(), (unsigned long)ret);
        ret = 0xdeadbeef;
        rc = WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &ret, NULL, NULL);
        opt = 0;
        optlen = sizeof(opt);
        getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)&opt, &optlen);
        printf("SIO_KEEPALIVE_VALS %d returned %lu, SO_KEEPALIVE %d", rc, (unsigned long)ret, opt);
        optlen = sizeof(opt);
        getsockopt(s, IPPROTO_TCP, TCP_KEEPALIVE, (char *)&opt, &optlen);
        printf(", TCP_KEEPALIVE %d\n", opt);
    }
    optlen = sizeof(opt);
    getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&opt, &optlen);
    printf("SO_TYPE %d\n", opt);

    memcpy(part1, "gath", 4);
    bufs[0].buf = part1; bufs[0].len = 4;
    bufs[1].buf = (char *)"ered write"; bufs[1].len = 10;
    rc = WSASend(s, bufs, 2, &sent, 0, NULL, NULL);
    printf("WSASend %d, sent %lu\n", rc, sent);
    FD_ZERO(&readfds);
    FD_SET(s, &readfds);
    tv.tv_sec = 5; tv.tv_usec = 0;
    rc = select(0, &readfds, NULL, NULL, &tv);
    printf("select readable %d, FD_ISSET %d\n", rc, FD_ISSET(s, &readfds));
    Sleep(50); /* let the whole echo arrive */
    ioctlsocket(s, FIONREAD, &pending);
    printf("FIONREAD %lu\n", pending);
    memset(part1, 0, sizeof(part1));
    memset(part2, 0, sizeof(part2));
    bufs[0].buf = part1; bufs[0].len = 4;
    bufs[1].buf = part2; bufs[1].len = sizeof(part2) - 1;
    rc = WSARecv(s, bufs, 2, &got, &flags, NULL, NULL);
    printf("WSARecv %d, got %lu: '%.4s' + '%s'\n", rc, got, part1, part2);

    /* A select() that times out leaves an empty set */
    FD_ZERO(&readfds);
    FD_SET(s, &readfds);
    tv.tv_sec = 0; tv.tv_usec = 100000;
    t0 = GetTickCount();
    rc = select(0, &readfds, NULL, NULL, &tv);
    printf("select timeout %d, fd_count %u, waited >= 90 ms: %d\n", rc, readfds.fd_count, GetTickCount() - t0 >= 90);
    closesocket(s);

    /* Errors by their Windows numbers */
    printf("recv on a closed socket: %d, error %d\n", recv(s, part2, 1, 0), WSAGetLastError());
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    addr.sin_port = htons(refusedPort);
    printf("blocking connect to a closed port: %d, error %d\n", connect(s, (SOCKADDR *)&addr, sizeof(addr)), WSAGetLastError());
    closesocket(s);

    /* UDP: recvfrom fills the source address */
    u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ZeroMemory(&local, sizeof(local));
    local.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
    bind(u, (SOCKADDR *)&local, sizeof(local));
    rc = sendto(u, "ping", 4, 0, (SOCKADDR *)&addr, sizeof(addr)); /* to the closed TCP port: UDP does not care */
    printf("sendto %d\n", rc);
    closesocket(u);

    printf("WSACleanup %d, again %d error %d\n", WSACleanup(), WSACleanup(), WSAGetLastError());
    return 0;
}
