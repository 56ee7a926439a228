/*
 * legacy-udp-pktinfo: a UDP client pinned to one local address that wants to know, for every
 * reply, which of its addresses and interfaces the reply arrived on: IP_PKTINFO control data,
 * read with WSARecvMsg. WSARecvMsg is not exported by ws2_32; the program asks for it with
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSARECVMSG), and sends with WSASendMsg.
 * Each message goes out as one datagram; the reply is awaited for at most 5 s (SO_RCVTIMEO).
 *
 *   usage: legacy-udp-pktinfo <local-ipv4> <server-ipv4> <port> <message>...
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define REPLY_TIMEOUT_MS 5000

static LPFN_WSARECVMSG getWSARecvMsg(SOCKET s)
{
    GUID guid = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG fn = NULL;
    DWORD bytes = 0;
    if (WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &fn, sizeof(fn), &bytes, NULL, NULL) == SOCKET_ERROR)
        return NULL;
    return fn;
}

/* Prints where a reply arrived, from its IN_PKTINFO; 0 if there was none. */
static int printArrival(WSAMSG *msg)
{
    WSACMSGHDR *cmsg;
    char text[INET_ADDRSTRLEN];
    for (cmsg = WSA_CMSG_FIRSTHDR(msg); cmsg != NULL; cmsg = WSA_CMSG_NXTHDR(msg, cmsg)) {
        if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
            IN_PKTINFO *info = (IN_PKTINFO *)WSA_CMSG_DATA(cmsg);
            inet_ntop(AF_INET, &info->ipi_addr, text, sizeof(text));
            printf("  arrived at %s on interface %lu\n", text, (unsigned long)info->ipi_ifindex);
            return 1;
        }
    }
    printf("  no IP_PKTINFO in the control data\n");
    return 0;
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKET s;
    SOCKADDR_IN local, server, from;
    LPFN_WSARECVMSG pWSARecvMsg;
    DWORD on = 1, timeout = REPLY_TIMEOUT_MS;
    int i, exitCode = 0;

    if (argc < 5) {
        printf("usage: %s local-ipv4 server-ipv4 port message...\n", argv[0]);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (s == INVALID_SOCKET) {
        printf("socket failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }

    ZeroMemory(&local, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = inet_addr(argv[1]);
    if (bind(s, (SOCKADDR *)&local, sizeof(local)) == SOCKET_ERROR) {
        printf("bind %s failed: %d\n", argv[1], WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }
    if (setsockopt(s, IPPROTO_IP, IP_PKTINFO, (const char *)&on, sizeof(on)) == SOCKET_ERROR ||
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout)) == SOCKET_ERROR) {
        printf("setsockopt failed: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }
    pWSARecvMsg = getWSARecvMsg(s);
    if (!pWSARecvMsg) {
        printf("WSARecvMsg is not available: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }
    printf("Bound to %s with IP_PKTINFO; WSARecvMsg obtained\n", argv[1]);

    ZeroMemory(&server, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons((u_short)atoi(argv[3]));
    server.sin_addr.s_addr = inet_addr(argv[2]);

    for (i = 4; i < argc && exitCode == 0; i++) {
        char reply[512];
        char control[WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) + 64];
        char fromText[INET_ADDRSTRLEN];
        WSABUF out, in;
        WSAMSG msg;
        DWORD sent = 0, received = 0;

        out.buf = argv[i];
        out.len = (ULONG)strlen(argv[i]);
        ZeroMemory(&msg, sizeof(msg));
        msg.name = (LPSOCKADDR)&server;
        msg.namelen = sizeof(server);
        msg.lpBuffers = &out;
        msg.dwBufferCount = 1;
        if (WSASendMsg(s, &msg, 0, &sent, NULL, NULL) == SOCKET_ERROR) {
            printf("WSASendMsg failed: %d\n", WSAGetLastError());
            exitCode = 1;
            break;
        }
        printf("Sent '%s' (%lu bytes)\n", argv[i], (unsigned long)sent);

        in.buf = reply;
        in.len = sizeof(reply) - 1;
        ZeroMemory(&msg, sizeof(msg));
        msg.name = (LPSOCKADDR)&from;
        msg.namelen = sizeof(from);
        msg.lpBuffers = &in;
        msg.dwBufferCount = 1;
        msg.Control.buf = control;
        msg.Control.len = sizeof(control);
        if (pWSARecvMsg(s, &msg, &received, NULL, NULL) == SOCKET_ERROR) {
            printf("WSARecvMsg failed: %d\n", WSAGetLastError());
            exitCode = 1;
            break;
        }
        reply[received] = '\0';
        inet_ntop(AF_INET, &from.sin_addr, fromText, sizeof(fromText));
        printf("Reply '%s' (%lu bytes) from %s port %u\n", reply, (unsigned long)received, fromText,
               (unsigned)ntohs(from.sin_port));
        if (!printArrival(&msg)) exitCode = 1;
    }

    closesocket(s);
    WSACleanup();
    return exitCode;
}
