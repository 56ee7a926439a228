/*
 * Prints two lines with plain printf (no fflush), then blocks in recv until the peer closes.
 * On a Windows console each line appears as it is printed; the test checks both reach the page
 * while the program is still blocked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>

int main(int argc, char **argv) {
    WSADATA wsa;
    SOCKET s;
    struct sockaddr_in addr;
    char buf[16];
    int got;

    if (argc < 2 || WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) return 2;
    printf("connected\n");
    printf("waiting for the peer to close\n");
    got = recv(s, buf, sizeof buf, 0);
    printf("recv returned %d\n", got);
    closesocket(s);
    WSACleanup();
    return 0;
}
