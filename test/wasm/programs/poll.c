/*
 * WSAPoll as portable Windows code uses it: a non-blocking connect waited for with POLLWRNORM,
 * data with POLLRDNORM, a zero timeout, the peer's close as POLLHUP, and a refused connect (the
 * calls' finer points are checked from JavaScript in test/e2e/conformance/poll.test.ts).
 * Built with MinGW too; its Wine run is the reference.
 *
 *   poll PORT REFUSED_PORT   (PORT: a line server on 127.0.0.1 that answers "you said: <line>"
 *                             and a FIN with "bye" and its own FIN)
 */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SOCKET connecting(const char *port) {
    struct sockaddr_in addr;
    u_long on = 1;
    int rc;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ioctlsocket(s, FIONBIO, &on);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(port));
    addr.sin_addr.s_addr = inet_addr("127.0.0.1");
    rc = connect(s, (struct sockaddr *)&addr, sizeof addr);
    printf("connect: %d, error %d\n", rc, WSAGetLastError());
    return s;
}

int main(int argc, char **argv) {
    WSADATA wsa;
    WSAPOLLFD pfd;
    SOCKET s;
    char buf[64];
    int rc, n;

    if (argc < 3) return 1;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    s = connecting(argv[1]);
    pfd.fd = s;
    pfd.events = POLLWRNORM;
    pfd.revents = 0;
    rc = WSAPoll(&pfd, 1, 5000);
    printf("connected: %d, revents 0x%x\n", rc, pfd.revents);

    pfd.events = POLLRDNORM;
    rc = WSAPoll(&pfd, 1, 0);
    printf("nothing to read yet: %d, revents 0x%x\n", rc, pfd.revents);

    send(s, "ping\n", 5, 0);
    rc = WSAPoll(&pfd, 1, 5000);
    printf("readable: %d, revents 0x%x\n", rc, pfd.revents);
    n = recv(s, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    printf("recv %d: %s", n, buf);

    shutdown(s, SD_SEND); /* the line server answers a FIN with "bye" and its own FIN */
    pfd.events = POLLRDNORM;
    rc = WSAPoll(&pfd, 1, 5000);
    n = recv(s, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    printf("readable: %d, recv %d: %s", rc, n, buf);
    rc = WSAPoll(&pfd, 1, 5000);
    printf("closed by the peer: %d, revents 0x%x\n", rc, pfd.revents);
    closesocket(s);

    s = connecting(argv[2]);
    pfd.fd = s;
    pfd.events = POLLWRNORM;
    rc = WSAPoll(&pfd, 1, 5000);
    /* Windows 10 2004+ says POLLWRNORM|POLLHUP|POLLERR, older Windows and Wine POLLERR alone. */
    printf("refused: %d, POLLERR %d\n", rc, (pfd.revents & POLLERR) != 0);
    closesocket(s);
    WSACleanup();
    return 0;
}
