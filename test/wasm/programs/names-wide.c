/*
 * The wide-character name calls as a UNICODE program reaches them: with UNICODE defined (as
 * -DUNICODE -D_UNICODE does), GetAddrInfo, ADDRINFOT, FreeAddrInfo, GetNameInfo, InetPton,
 * InetNtop and WSASocket are the W calls, taking UTF-16 WCHAR strings. Compared with the same
 * source built by MinGW under Wine. Every name is "localhost" or numeric: no outside DNS.
 */
#define UNICODE
#define _UNICODE
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>

#pragma comment(lib, "ws2_32.lib")

/* WCHAR is 16 bits on Windows; wchar_t literals are not on every compiler, so widen by hand. */
static void widen(const char *s, WCHAR *out)
{
    while ((*out++ = (WCHAR)(unsigned char)*s++) != 0) {}
}
static const char *narrow(const WCHAR *s)
{
    static char out[4][256];
    static int next;
    char *o = out[next++ % 4], *p = o;
    while (*s && p < o + 255) *p++ = (char)*s++;
    *p = '\0';
    return o;
}

static void lookup(const char *host, const char *service, int family, int flags)
{
    WCHAR wHost[256], wService[64], node[NI_MAXHOST], serv[NI_MAXSERV];
    ADDRINFOT hints, *result = NULL, *ai;
    int rc;
    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    widen(host, wHost);
    widen(service, wService);
    rc = GetAddrInfo(wHost, wService, &hints, &result);
    printf("GetAddrInfoW(%s, %s): %d\n", host, service, rc);
    if (rc != 0) return;
    for (ai = result; ai; ai = ai->ai_next) {
        rc = GetNameInfo(ai->ai_addr, (socklen_t)ai->ai_addrlen, node, NI_MAXHOST, serv, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV);
        printf("  family %d, addrlen %d: %s port %s (GetNameInfoW %d)\n", ai->ai_family,
               (int)ai->ai_addrlen, narrow(node), narrow(serv), rc);
        if (ai == result && ai->ai_canonname) printf("  canonical name %s\n", narrow(ai->ai_canonname));
    }
    FreeAddrInfo(result);
}

int main(void)
{
    WSADATA wsaData;
    SOCKADDR_IN sin;
    WCHAR node[NI_MAXHOST], serv[NI_MAXSERV], text[64];
    IN_ADDR addr;
    SOCKET s;
    int rc;

    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) return 1;

    lookup("localhost", "80", AF_INET, AI_CANONNAME);
    lookup("::1", "443", AF_UNSPEC, AI_NUMERICHOST);
    lookup("192.0.2.1", "http", AF_INET, 0);
    lookup("localhost", "80", AF_INET, AI_NUMERICHOST);

    ZeroMemory(&sin, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = GetNameInfo((SOCKADDR *)&sin, sizeof(sin), node, NI_MAXHOST, serv, NI_MAXSERV, NI_NUMERICHOST);
    printf("GetNameInfoW(127.0.0.1:80, NI_NUMERICHOST): %d, %s, service %s\n", rc, narrow(node), narrow(serv));
    rc = GetNameInfo((SOCKADDR *)&sin, sizeof(sin), NULL, 0, serv, NI_MAXSERV, NI_NUMERICSERV);
    printf("GetNameInfoW(service only, NI_NUMERICSERV): %d, %s\n", rc, narrow(serv));

    widen("192.0.2.33", text);
    rc = InetPton(AF_INET, text, &addr);
    printf("InetPtonW(192.0.2.33): %d, byte 4 = %d\n", rc, addr.S_un.S_un_b.s_b4);
    printf("InetNtopW: %s\n", InetNtop(AF_INET, &addr, text, 64) ? narrow(text) : "NULL");

    s = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
    printf("WSASocketW: %s\n", s == INVALID_SOCKET ? "INVALID_SOCKET" : "a socket");
    if (s != INVALID_SOCKET) closesocket(s);

    WSACleanup();
    return 0;
}
