/*
 * bind and an address another socket holds, as Windows fails it: at bind, with WSAEADDRINUSE,
 * for TCP and UDP; a socket whose bind failed binds again; one socket's bind holds the port
 * against another until closesocket; a bound TCP socket then listens and gets its port back
 * from getsockname. Built with MinGW too; its Wine run is the reference.
 *
 *   bind-in-use HELD_PORT FREE_PORT   (HELD_PORT: held on 127.0.0.1 by a Node TCP server and
 *                                      a Node UDP socket; FREE_PORT: held by nobody)
 */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)port);
    addr.sin_addr.s_addr = inet_addr("127.0.0.1");
    return addr;
}

/* Prints "<what>: <rc> error <WSAGetLastError or 0>" and returns bind's result. */
static int bind_to(const char *what, SOCKET s, int port) {
    struct sockaddr_in addr = loopback(port);
    int rc = bind(s, (struct sockaddr *)&addr, sizeof addr);
    printf("%s: %d error %d\n", what, rc, rc == 0 ? 0 : WSAGetLastError());
    return rc;
}

static int local_port(SOCKET s) {
    struct sockaddr_in addr;
    int len = sizeof addr;
    if (getsockname(s, (struct sockaddr *)&addr, &len) != 0) return -WSAGetLastError();
    return ntohs(addr.sin_port);
}

int main(int argc, char **argv) {
    WSADATA wsa;
    SOCKET tcp, udp, first, second;
    int held, free_port;

    if (argc < 3) return 1;
    held = atoi(argv[1]);
    free_port = atoi(argv[2]);
    WSAStartup(MAKEWORD(2, 2), &wsa);

    tcp = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    bind_to("tcp bind to the held port", tcp, held);
    printf("tcp getsockname after the failed bind: %d\n", local_port(tcp));
    bind_to("tcp bind again, to the free port", tcp, free_port);
    printf("tcp listen: %d\n", listen(tcp, 5));
    printf("tcp getsockname is the free port: %s\n", local_port(tcp) == free_port ? "yes" : "no");
    closesocket(tcp);

    udp = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    bind_to("udp bind to the held port", udp, held);
    bind_to("udp bind again, to the free port", udp, free_port);
    closesocket(udp);

    first = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    second = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    bind_to("first socket binds the free port", first, free_port);
    bind_to("second socket binds it too", second, free_port);
    closesocket(first);
    bind_to("second socket, after the first closed", second, free_port);
    closesocket(second);

    WSACleanup();
    return 0;
}
