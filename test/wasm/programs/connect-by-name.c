/*
 * WSAConnectByNameA / WSAConnectByNameW as Windows code calls them, with the cases Wine's
 * test_WSAConnectByName checks on Windows: the local and remote addresses and their lengths
 * (the local one reported with port 0), NULL and long and short lengths, a refused port, NULL
 * names, a Reserved argument, an unknown service, a datagram socket, a closed socket and a
 * connected one. Built with MinGW too; its Wine run is the reference. Names are "localhost" or
 * numeric: no outside DNS.
 *
 *   connect-by-name PORT REFUSED_PORT   (PORT: a line server on 127.0.0.1 that answers
 *                                        "you said: <line>")
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <stdio.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

static void result(const char *what, BOOL ok)
{
    if (ok) printf("%s: TRUE\n", what);
    else printf("%s: FALSE, error %d\n", what, WSAGetLastError());
}

static SOCKET tcp(void)
{
    return socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
}

/* WCHAR is 16 bits on Windows; wchar_t literals are not on every compiler, so widen by hand. */
static void widen(const char *s, WCHAR *out)
{
    while ((*out++ = (WCHAR)(unsigned char)*s++) != 0) {}
}

static void show(const char *which, DWORD len, const SOCKADDR_STORAGE *a)
{
    const SOCKADDR_IN *sin = (const SOCKADDR_IN *)a;
    printf("  %s: length %lu, family %d, %s port %u\n", which, (unsigned long)len, sin->sin_family,
           inet_ntoa(sin->sin_addr), ntohs(sin->sin_port));
}

/* One line through the line server: "hello <tag>" → "you said: hello <tag>". */
static void exchange(SOCKET s, const char *tag)
{
    char line[64], reply[128];
    int n = 0, r;
    snprintf(line, sizeof line, "hello %s\n", tag);
    printf("  send: %d\n", send(s, line, (int)strlen(line), 0));
    while (n < (int)sizeof reply - 1 && (r = recv(s, reply + n, 1, 0)) == 1 && reply[n] != '\n') n++;
    reply[n] = '\0';
    printf("  reply: '%s'\n", reply);
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    SOCKADDR_STORAGE local, remote, name, peer;
    DWORD localLen, remoteLen;
    struct timeval tv;
    WCHAR wNode[64], wService[16];
    WSAOVERLAPPED reserved;
    SOCKET s;
    BOOL ok;
    int len, rc;
    char *port, *refused;

    if (argc < 3) return 1;
    port = argv[1];
    refused = argv[2];
    WSAStartup(MAKEWORD(2, 2), &wsa);

    /* Every output, and a timeout the connect beats. */
    s = tcp();
    memset(&local, 0xcc, sizeof local);
    memset(&remote, 0xcc, sizeof remote);
    localLen = remoteLen = sizeof(SOCKADDR_IN);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    ok = WSAConnectByNameA(s, "localhost", port, &localLen, (LPSOCKADDR)&local, &remoteLen, (LPSOCKADDR)&remote, &tv, NULL);
    result("WSAConnectByNameA(localhost, PORT)", ok);
    show("local", localLen, &local);
    show("remote", remoteLen, &remote);
    rc = setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
    printf("  SO_UPDATE_CONNECT_CONTEXT: %d\n", rc);
    len = sizeof name;
    rc = getsockname(s, (struct sockaddr *)&name, &len);
    printf("  getsockname: %d, length %d, same address %d, port set %d\n", rc, len,
           ((SOCKADDR_IN *)&name)->sin_addr.s_addr == ((SOCKADDR_IN *)&local)->sin_addr.s_addr,
           ((SOCKADDR_IN *)&name)->sin_port != 0);
    len = sizeof peer;
    rc = getpeername(s, (struct sockaddr *)&peer, &len);
    printf("  getpeername: %d, length %d, same as RemoteAddress %d\n", rc, len, memcmp(&peer, &remote, sizeof(SOCKADDR_IN)) == 0);
    exchange(s, "by name");
    ok = WSAConnectByNameA(s, "localhost", port, NULL, NULL, NULL, NULL, NULL, NULL);
    result("again on the connected socket", ok);
    closesocket(s);

    /* Long lengths: set to the sockaddr's size. */
    s = tcp();
    localLen = remoteLen = 50;
    ok = WSAConnectByNameA(s, "127.0.0.1", port, &localLen, (LPSOCKADDR)&local, &remoteLen, (LPSOCKADDR)&remote, NULL, NULL);
    result("127.0.0.1, lengths 50", ok);
    printf("  lengths %lu %lu\n", (unsigned long)localLen, (unsigned long)remoteLen);
    closesocket(s);

    /* Addresses without lengths: nothing written. */
    s = tcp();
    memset(&local, 0, sizeof local);
    memset(&remote, 0, sizeof remote);
    ok = WSAConnectByNameA(s, "localhost", port, NULL, (LPSOCKADDR)&local, NULL, (LPSOCKADDR)&remote, NULL, NULL);
    result("addresses, NULL lengths", ok);
    printf("  families %d %d\n", local.ss_family, remote.ss_family);
    closesocket(s);

    /* Lengths without addresses. */
    s = tcp();
    localLen = remoteLen = sizeof(SOCKADDR_IN);
    ok = WSAConnectByNameA(s, "localhost", port, &localLen, NULL, &remoteLen, NULL, NULL, NULL);
    result("lengths, NULL addresses", ok);
    printf("  lengths %lu %lu\n", (unsigned long)localLen, (unsigned long)remoteLen);
    closesocket(s);

    /* No outputs at all. */
    s = tcp();
    ok = WSAConnectByNameA(s, "localhost", port, NULL, NULL, NULL, NULL, NULL, NULL);
    result("no outputs", ok);
    closesocket(s);

    /* Short lengths: WSAEFAULT, the lengths as they were. */
    s = tcp();
    localLen = remoteLen = 3;
    ok = WSAConnectByNameA(s, "localhost", port, &localLen, (LPSOCKADDR)&local, &remoteLen, (LPSOCKADDR)&remote, NULL, NULL);
    result("lengths 3", ok);
    printf("  lengths %lu %lu\n", (unsigned long)localLen, (unsigned long)remoteLen);
    closesocket(s);

    /* Nobody listening. */
    s = tcp();
    ok = WSAConnectByNameA(s, "127.0.0.1", refused, NULL, NULL, NULL, NULL, NULL, NULL);
    result("refused port", ok);
    closesocket(s);

    /* Argument errors. A NULL name or service is WSAEINVAL even on a closed socket. */
    s = tcp();
    ok = WSAConnectByNameA(s, NULL, port, NULL, NULL, NULL, NULL, NULL, NULL);
    result("NULL nodename", ok);
    ok = WSAConnectByNameA(s, "localhost", port, NULL, NULL, NULL, NULL, NULL, &reserved);
    result("Reserved not NULL", ok);
    ok = WSAConnectByNameA(s, "localhost", "nonexistentservice", NULL, NULL, NULL, NULL, NULL, NULL);
    result("unknown service", ok);
    closesocket(s);
    ok = WSAConnectByNameA(s, "localhost", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    result("NULL servicename, closed socket", ok);
    ok = WSAConnectByNameA(s, "localhost", port, NULL, NULL, NULL, NULL, NULL, NULL);
    result("closed socket", ok);
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ok = WSAConnectByNameA(s, "localhost", port, NULL, NULL, NULL, NULL, NULL, NULL);
    result("datagram socket", ok);
    closesocket(s);

    /* The wide form: UTF-16 names. */
    s = tcp();
    widen("localhost", wNode);
    widen(port, wService);
    remoteLen = sizeof remote;
    ok = WSAConnectByNameW(s, wNode, wService, NULL, NULL, &remoteLen, (LPSOCKADDR)&remote, NULL, NULL);
    result("WSAConnectByNameW(L\"localhost\", PORT)", ok);
    show("remote", remoteLen, &remote);
    exchange(s, "wide");
    closesocket(s);
    s = tcp();
    ok = WSAConnectByNameW(s, NULL, wService, NULL, NULL, NULL, NULL, NULL, NULL);
    result("WSAConnectByNameW(NULL)", ok);
    closesocket(s);

    WSACleanup();
    return 0;
}
