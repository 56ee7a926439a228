/*
 * messages: WSASendMsg and WSARecvMsg (from WSAIoctl) on a UDP socket bound to 127.0.0.1 that
 * talks to a UDP echo server (argv[1]: its port on 127.0.0.1; it answers `echo: <datagram>`),
 * with IP_PKTINFO control data: the argument errors, a control buffer too small (blocking and
 * overlapped), the IN_PKTINFO of a datagram, a gathered WSASendMsg; then datagrams longer than
 * the buffer given to recvfrom, recv and WSARecv (WSAEMSGSIZE, with the first bytes delivered). What it prints must match
 * the MinGW build under Wine. Sizes that differ between 64-bit Windows
 * and wasm32 (WSACMSGHDR holds a SIZE_T) are printed as comparisons with WSA_CMSG_SPACE.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SOCKET udpOn127(void)
{
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    SOCKADDR_IN local;
    DWORD timeout = 5000;
    ZeroMemory(&local, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = inet_addr("127.0.0.1");
    bind(s, (SOCKADDR *)&local, sizeof(local));
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    return s;
}

static void prepare(WSAMSG *msg, WSABUF *data, char *buf, ULONG len, SOCKADDR_IN *from, char *control, ULONG controlLen)
{
    data->buf = buf;
    data->len = len;
    ZeroMemory(msg, sizeof(*msg));
    msg->name = (LPSOCKADDR)from;
    msg->namelen = sizeof(*from);
    msg->lpBuffers = data;
    msg->dwBufferCount = 1;
    msg->Control.buf = control;
    msg->Control.len = controlLen;
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKADDR_IN echo, from;
    SOCKET a;
    GUID guid = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG pWSARecvMsg = NULL;
    DWORD bytes = 0, on = 1, flags = 0;
    char buf[64], control[256];
    WSABUF data, parts[2];
    WSAMSG msg;
    WSAOVERLAPPED ov;
    WSACMSGHDR *cmsg;
    int rc, fromlen;

    if (argc != 2) {
        printf("usage: %s udp-echo-port\n", argv[0]);
        return 1;
    }
    WSAStartup(MAKEWORD(2, 2), &wsaData);
    a = udpOn127();
    ZeroMemory(&echo, sizeof(echo));
    echo.sin_family = AF_INET;
    echo.sin_port = htons((u_short)atoi(argv[1]));
    echo.sin_addr.s_addr = inet_addr("127.0.0.1");

    rc = WSAIoctl(a, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &pWSARecvMsg, sizeof(pWSARecvMsg), &bytes, NULL, NULL);
    printf("WSAIoctl(WSAID_WSARECVMSG): %d, pointer %s, bytes %s\n", rc, pWSARecvMsg ? "set" : "NULL",
           bytes == sizeof(pWSARecvMsg) ? "sizeof(void *)" : "other");
    if (!pWSARecvMsg) return 1;
    rc = setsockopt(a, IPPROTO_IP, IP_PKTINFO, (const char *)&on, sizeof(on));
    printf("IP_PKTINFO on: %d\n", rc);

    rc = pWSARecvMsg(a, NULL, NULL, NULL, NULL);
    printf("WSARecvMsg(NULL): %d, error %d\n", rc, WSAGetLastError());

    sendto(a, "HELLO", 5, 0, (SOCKADDR *)&echo, sizeof(echo));
    prepare(&msg, &data, buf, sizeof(buf), &from, control, 1);
    rc = pWSARecvMsg(a, &msg, &bytes, NULL, NULL);
    printf("control buffer of 1 byte: %d, error %d, MSG_CTRUNC %d\n", rc, WSAGetLastError(), (msg.dwFlags & MSG_CTRUNC) != 0);

    sendto(a, "HELLO", 5, 0, (SOCKADDR *)&echo, sizeof(echo));
    prepare(&msg, &data, buf, sizeof(buf), &from, control, sizeof(control));
    bytes = 0;
    rc = pWSARecvMsg(a, &msg, &bytes, NULL, NULL);
    printf("WSARecvMsg: %d, %lu bytes '%.*s', dwFlags %lu, namelen is sizeof(SOCKADDR_IN) %d, from the echo server %d\n",
           rc, (unsigned long)bytes, (int)bytes, buf, (unsigned long)msg.dwFlags, msg.namelen == (INT)sizeof(SOCKADDR_IN),
           from.sin_port == echo.sin_port && from.sin_addr.s_addr == echo.sin_addr.s_addr);
    printf("Control.len == WSA_CMSG_SPACE(sizeof(IN_PKTINFO)): %d\n", msg.Control.len == WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
    for (cmsg = rc == 0 ? WSA_CMSG_FIRSTHDR(&msg) : NULL; cmsg != NULL; cmsg = WSA_CMSG_NXTHDR(&msg, cmsg)) {
        IN_PKTINFO *info = (IN_PKTINFO *)WSA_CMSG_DATA(cmsg);
        printf("cmsg level %d type %d, cmsg_len == WSA_CMSG_LEN(sizeof(IN_PKTINFO)) %d\n", cmsg->cmsg_level,
               cmsg->cmsg_type, cmsg->cmsg_len == WSA_CMSG_LEN(sizeof(IN_PKTINFO)));
        if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO)
            printf("IN_PKTINFO: ipi_addr %s, ipi_ifindex %lu\n", inet_ntoa(info->ipi_addr), (unsigned long)info->ipi_ifindex);
    }

    ZeroMemory(&ov, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    prepare(&msg, &data, buf, sizeof(buf), &from, control, 1);
    rc = pWSARecvMsg(a, &msg, NULL, &ov, NULL);
    printf("overlapped, control buffer of 1 byte: %d, error %d\n", rc, WSAGetLastError());
    sendto(a, "WORLD", 5, 0, (SOCKADDR *)&echo, sizeof(echo));
    rc = (int)WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 5000, FALSE);
    printf("completion: wait %d", rc);
    bytes = 0;
    rc = WSAGetOverlappedResult(a, &ov, &bytes, FALSE, &flags);
    printf(", result %d (error %d), %lu bytes, flags %lu, dwFlags == MSG_CTRUNC %d\n", rc, rc ? 0 : WSAGetLastError(),
           (unsigned long)bytes, (unsigned long)flags, msg.dwFlags == MSG_CTRUNC);
    WSACloseEvent(ov.hEvent);

    parts[0].buf = "gath";
    parts[0].len = 4;
    parts[1].buf = "ered";
    parts[1].len = 4;
    ZeroMemory(&msg, sizeof(msg));
    msg.name = (LPSOCKADDR)&echo;
    msg.namelen = sizeof(echo);
    msg.lpBuffers = parts;
    msg.dwBufferCount = 2;
    bytes = 0;
    rc = WSASendMsg(a, &msg, 0, &bytes, NULL, NULL);
    printf("WSASendMsg with two buffers: %d, sent %lu\n", rc, (unsigned long)bytes);
    rc = recvfrom(a, buf, sizeof(buf), 0, NULL, NULL);
    printf("received %d: '%.*s'\n", rc, rc > 0 ? rc : 0, buf);
    rc = WSASendMsg(a, NULL, 0, &bytes, NULL, NULL);
    printf("WSASendMsg(NULL): %d, error %d\n", rc, WSAGetLastError());

    /* A datagram longer than the buffer: WSAEMSGSIZE, yet its first bytes (and source) arrive. */
    sendto(a, "truncated", 9, 0, (SOCKADDR *)&echo, sizeof(echo));
    memset(buf, '.', sizeof(buf));
    ZeroMemory(&from, sizeof(from));
    fromlen = sizeof(from);
    rc = recvfrom(a, buf, 8, 0, (SOCKADDR *)&from, &fromlen);
    printf("recvfrom into 8 bytes: %d, error %d, buffer '%.9s', from the echo server %d\n", rc, WSAGetLastError(), buf,
           from.sin_port == echo.sin_port && from.sin_addr.s_addr == echo.sin_addr.s_addr);

    sendto(a, "truncated", 9, 0, (SOCKADDR *)&echo, sizeof(echo));
    memset(buf, '.', sizeof(buf));
    rc = recv(a, buf, 4, 0);
    printf("recv into 4 bytes: %d, error %d, buffer '%.6s'\n", rc, WSAGetLastError(), buf);

    sendto(a, "truncated", 9, 0, (SOCKADDR *)&echo, sizeof(echo));
    memset(buf, '.', sizeof(buf));
    parts[0].buf = buf;
    parts[0].len = 3;
    parts[1].buf = buf + 4;
    parts[1].len = 3;
    flags = 0;
    rc = WSARecv(a, parts, 2, &bytes, &flags, NULL, NULL);
    printf("WSARecv into 3 + 3 bytes: %d, error %d, buffers '%.8s'\n", rc, WSAGetLastError(), buf);

    closesocket(a);
    WSACleanup();
    return 0;
}
