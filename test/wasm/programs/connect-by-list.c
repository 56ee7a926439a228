/*
 * WSAConnectByList from C: a SOCKET_ADDRESS_LIST of two loopback addresses, the first refused
 * and the second listening (tried in order), the local and remote outputs, an exchange, and a
 * list whose every address is refused. MinGW builds it, but it has no Wine run: Wine 8's ws2_32
 * does not export WSAConnectByList, so the .exe does not load there (the expected lines are in
 * test/wasm/connect-by-name.test.ts).
 *
 *   connect-by-list PORT REFUSED_PORT   (PORT: a line server on 127.0.0.1 that answers
 *                                        "you said: <line>")
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

static void result(const char *what, BOOL ok)
{
    if (ok) printf("%s: TRUE\n", what);
    else printf("%s: FALSE, error %d\n", what, WSAGetLastError());
}

static void loopback(SOCKADDR_IN *sin, const char *port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons((u_short)atoi(port));
    sin->sin_addr.s_addr = inet_addr("127.0.0.1");
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    SOCKADDR_IN refused, listening, local, remote, name;
    /* SOCKET_ADDRESS_LIST declares one Address; room for a second one follows it. */
    union {
        SOCKET_ADDRESS_LIST list;
        char room[sizeof(SOCKET_ADDRESS_LIST) + sizeof(SOCKET_ADDRESS)];
    } two;
    DWORD localLen, remoteLen;
    struct timeval tv;
    WSAOVERLAPPED reserved;
    char line[64];
    SOCKET s;
    BOOL ok;
    int len, n = 0, r;

    if (argc < 3) return 1;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    loopback(&refused, argv[2]);
    loopback(&listening, argv[1]);
    two.list.iAddressCount = 2;
    two.list.Address[0].lpSockaddr = (LPSOCKADDR)&refused;
    two.list.Address[0].iSockaddrLength = sizeof refused;
    ((SOCKET_ADDRESS *)two.list.Address)[1].lpSockaddr = (LPSOCKADDR)&listening;
    ((SOCKET_ADDRESS *)two.list.Address)[1].iSockaddrLength = sizeof listening;

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    localLen = remoteLen = sizeof(SOCKADDR_IN);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    ok = WSAConnectByList(s, &two.list, &localLen, (LPSOCKADDR)&local, &remoteLen, (LPSOCKADDR)&remote, &tv, NULL);
    result("WSAConnectByList(refused, listening)", ok);
    printf("  remote: length %lu, %s, the listening port %d\n", (unsigned long)remoteLen, inet_ntoa(remote.sin_addr),
           remote.sin_port == listening.sin_port);
    len = sizeof name;
    getsockname(s, (struct sockaddr *)&name, &len);
    printf("  local: length %lu, %s, getsockname's port %d\n", (unsigned long)localLen, inet_ntoa(local.sin_addr),
           local.sin_port == name.sin_port && name.sin_port != 0);
    printf("  send: %d\n", send(s, "hello list\n", 11, 0));
    while (n < (int)sizeof line - 1 && (r = recv(s, line + n, 1, 0)) == 1 && line[n] != '\n') n++;
    line[n] = '\0';
    printf("  reply: '%s'\n", line);
    closesocket(s);

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    two.list.Address[0].lpSockaddr = (LPSOCKADDR)&refused;
    ((SOCKET_ADDRESS *)two.list.Address)[1].lpSockaddr = (LPSOCKADDR)&refused;
    ok = WSAConnectByList(s, &two.list, NULL, NULL, NULL, NULL, NULL, NULL);
    result("WSAConnectByList(refused, refused)", ok);
    closesocket(s);

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    two.list.iAddressCount = 1;
    two.list.Address[0].lpSockaddr = (LPSOCKADDR)&listening;
    ok = WSAConnectByList(s, &two.list, NULL, NULL, NULL, NULL, NULL, &reserved);
    result("Reserved not NULL", ok);
    closesocket(s);

    WSACleanup();
    return 0;
}
