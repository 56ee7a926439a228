/*
 * The SDK's inline address helpers, as Windows' own samples use them (Windows-classic-samples
 * wsapoll, inet_xtoy, connectbyname, connectbylist, sendmsg): INETADDR_SETLOOPBACK /
 * INETADDR_SETANY on a SOCKADDR_STORAGE whose family is set first, SS_PORT, INETADDR_PORT (network
 * order), the IN4ADDR_/IN6ADDR_/INETADDR_ tests, IN6ADDR_SETV4MAPPED, INETADDR_SCOPE_ID and
 * IN6_ADDR_EQUAL; then a connect to 127.0.0.1:argv[1] through such an address. MinGW's
 * <mstcpip.h> has none of the INETADDR_ helpers, so there is no native twin: the expected lines
 * (in inet-helpers.test.ts) follow the SDK's definitions.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *what, const SOCKADDR *sa, int len) {
    char text[64];
    DWORD n = sizeof text;
    if (WSAAddressToStringA((LPSOCKADDR)sa, (DWORD)len, NULL, text, &n) != 0) strcpy(text, "?");
    printf("%s: %s any %d loopback %d port %u\n", what, text, INETADDR_ISANY(sa), INETADDR_ISLOOPBACK(sa),
           (unsigned)ntohs(INETADDR_PORT(sa)));
}

int main(int argc, char **argv) {
    WSADATA wsa;
    SOCKADDR_STORAGE v4, v6;
    SOCKADDR_IN6 mapped;
    IN_ADDR a4;
    SCOPE_ID scope;
    char reply[64];
    int n;
    SOCKET s;

    if (argc < 2 || WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 2;

    memset(&v4, 0xAB, sizeof v4);
    v4.ss_family = AF_INET;
    INETADDR_SETLOOPBACK((SOCKADDR *)&v4);
    SS_PORT((SOCKADDR *)&v4) = htons(5001);
    show("v4 loopback", (SOCKADDR *)&v4, sizeof(SOCKADDR_IN));
    printf("v4 sin_zero cleared %d\n", ((SOCKADDR_IN *)&v4)->sin_zero[7] == 0);
    INETADDR_SETANY((SOCKADDR *)&v4);
    show("v4 any", (SOCKADDR *)&v4, sizeof(SOCKADDR_IN));

    memset(&v6, 0xAB, sizeof v6);
    v6.ss_family = AF_INET6;
    INETADDR_SETANY((SOCKADDR *)&v6);
    show("v6 any", (SOCKADDR *)&v6, sizeof(SOCKADDR_IN6));
    INETADDR_SETLOOPBACK((SOCKADDR *)&v6);
    SS_PORT((SOCKADDR *)&v6) = htons(443);
    show("v6 loopback", (SOCKADDR *)&v6, sizeof(SOCKADDR_IN6));
    printf("v6 flowinfo %lu scope %lu\n", (unsigned long)((SOCKADDR_IN6 *)&v6)->sin6_flowinfo,
           (unsigned long)INETADDR_SCOPE_ID((SOCKADDR *)&v6).Value);

    inet_pton(AF_INET, "192.0.2.7", &a4);
    scope.Value = 0;
    scope.Zone = 5;
    IN6ADDR_SETV4MAPPED(&mapped, &a4, scope, htons(8080));
    show("v4-mapped", (SOCKADDR *)&mapped, sizeof mapped);
    printf("v4-mapped IN6_IS_ADDR_V4MAPPED %d, scope %lu, equal to itself %d, to ::1 %d\n",
           IN6_IS_ADDR_V4MAPPED(&mapped.sin6_addr) != 0, (unsigned long)INETADDR_SCOPE_ID((SOCKADDR *)&mapped).Zone,
           IN6_ADDR_EQUAL(&mapped.sin6_addr, &mapped.sin6_addr),
           IN6_ADDR_EQUAL(&mapped.sin6_addr, &((SOCKADDR_IN6 *)&v6)->sin6_addr));
    printf("v4 scope %lu, 127.9.9.9 loopback %d\n", (unsigned long)INETADDR_SCOPE_ID((SOCKADDR *)&v4).Value,
           (inet_pton(AF_INET, "127.9.9.9", &a4), IN4_IS_ADDR_LOOPBACK(&a4)));

    /* The pattern the samples use: family, then SETLOOPBACK, then SS_PORT, then connect. */
    memset(&v4, 0, sizeof v4);
    v4.ss_family = AF_INET;
    INETADDR_SETLOOPBACK((SOCKADDR *)&v4);
    SS_PORT((SOCKADDR *)&v4) = htons((USHORT)atoi(argv[1]));
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (connect(s, (SOCKADDR *)&v4, sizeof(SOCKADDR_IN)) != 0) {
        printf("connect failed %d\n", WSAGetLastError());
        return 1;
    }
    send(s, "hi\n", 3, 0);
    n = recv(s, reply, sizeof reply - 1, 0);
    reply[n > 0 ? n : 0] = 0;
    printf("connected through INETADDR_SETLOOPBACK, got %d bytes: %s", n, reply);
    closesocket(s);
    WSACleanup();
    return 0;
}
