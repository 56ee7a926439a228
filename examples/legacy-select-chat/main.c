/*
 * legacy-select-chat: a line-based chat client built around select(), in classic Winsock style.
 *
 * The connect is non-blocking, as in Microsoft's WSAConnect reference: connect() fails with
 * WSAEWOULDBLOCK, select() waits for the socket to become writable (connected) or to appear in
 * exceptfds (failed), and getsockopt(SO_ERROR) tells which error. Then every line read from
 * stdin is sent, and the replies are read with select() + recv() until the server's newline.
 * At end of input the client shuts down its sending side and prints what the server says last.
 *
 *   usage: legacy-select-chat <ipv4-address> <port>      (lines on stdin)
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "Ws2_32.lib")

#define LINE_MAX_LEN 1024
#define TIMEOUT_SECONDS 5

/* Waits until s is readable (or, with write set, writable/failed); returns select's count. */
static int wait_for(SOCKET s, int for_write, fd_set *exceptfds)
{
    fd_set fds;
    struct timeval tv;
    FD_ZERO(&fds);
    FD_SET(s, &fds);
    if (exceptfds) {
        FD_ZERO(exceptfds);
        FD_SET(s, exceptfds);
    }
    tv.tv_sec = TIMEOUT_SECONDS;
    tv.tv_usec = 0;
    return select(0, for_write ? NULL : &fds, for_write ? &fds : NULL, exceptfds, &tv);
}

/* Sends all of buf, waiting in select() whenever the socket would block. */
static int send_all(SOCKET s, const char *buf, int len)
{
    int sent = 0;
    while (sent < len) {
        int n = send(s, buf + sent, len - sent, 0);
        if (n == SOCKET_ERROR) {
            if (WSAGetLastError() != WSAEWOULDBLOCK) return SOCKET_ERROR;
            if (wait_for(s, 1, NULL) <= 0) return SOCKET_ERROR;
            continue;
        }
        sent += n;
    }
    return sent;
}

/* Receives until a newline (or FIN); returns the line's length, 0 on FIN, -1 on error. */
static int recv_line(SOCKET s, char *line, int cap)
{
    int len = 0;
    while (len < cap - 1) {
        int ready = wait_for(s, 0, NULL);
        if (ready == 0) {
            printf("timed out waiting for the server\n");
            return -1;
        }
        if (ready == SOCKET_ERROR) {
            printf("select failed with error: %d\n", WSAGetLastError());
            return -1;
        }
        int n = recv(s, line + len, 1, 0);
        if (n == 0) break;
        if (n == SOCKET_ERROR) {
            if (WSAGetLastError() == WSAEWOULDBLOCK) continue;
            printf("recv failed with error: %d\n", WSAGetLastError());
            return -1;
        }
        if (line[len] == '\n') {
            line[len] = '\0';
            return len + 1;
        }
        len++;
    }
    line[len] = '\0';
    return len;
}

int main(int argc, char *argv[])
{
    WSADATA wsaData;
    SOCKET s;
    struct sockaddr_in server;
    u_long nonBlocking = 1;
    fd_set exceptfds;
    int err = 0, errlen = sizeof(err);
    char line[LINE_MAX_LEN], reply[LINE_MAX_LEN];
    int rc;

    if (argc != 3) {
        printf("usage: %s ipv4-address port\n", argv[0]);
        return 1;
    }
    if ((rc = WSAStartup(MAKEWORD(2, 2), &wsaData)) != 0) {
        printf("WSAStartup failed: %d\n", rc);
        return 1;
    }

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) {
        printf("socket failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    if (ioctlsocket(s, FIONBIO, &nonBlocking) == SOCKET_ERROR) {
        printf("ioctlsocket failed: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }

    memset(&server, 0, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons((u_short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        printf("not an IPv4 address: %s\n", argv[1]);
        closesocket(s);
        WSACleanup();
        return 1;
    }

    printf("Connecting to %s:%d...\n", argv[1], ntohs(server.sin_port));
    if (connect(s, (SOCKADDR *)&server, sizeof(server)) == SOCKET_ERROR) {
        if (WSAGetLastError() != WSAEWOULDBLOCK) {
            printf("connect failed at once: %d\n", WSAGetLastError());
            closesocket(s);
            WSACleanup();
            return 1;
        }
        printf("connect: WSAEWOULDBLOCK, waiting in select()\n");
        rc = wait_for(s, 1, &exceptfds);
        if (rc == 0) {
            printf("connect timed out\n");
            closesocket(s);
            WSACleanup();
            return 1;
        }
        if (rc == SOCKET_ERROR) {
            printf("select failed with error: %d\n", WSAGetLastError());
            closesocket(s);
            WSACleanup();
            return 1;
        }
        if (FD_ISSET(s, &exceptfds)) {
            getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &errlen);
            printf("connect failed: SO_ERROR = %d\n", err);
            closesocket(s);
            WSACleanup();
            return 2;
        }
    }
    getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &errlen);
    printf("Connected (SO_ERROR = %d)\n", err);

    while (fgets(line, sizeof(line), stdin) != NULL) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\n';
        line[n + 1] = '\0';
        if (send_all(s, line, (int)n + 1) == SOCKET_ERROR) {
            printf("send failed with error: %d\n", WSAGetLastError());
            break;
        }
        line[n] = '\0';
        printf("> %s\n", line);
        if (recv_line(s, reply, sizeof(reply)) <= 0) break;
        printf("< %s\n", reply);
    }

    shutdown(s, SD_SEND);
    while ((rc = recv_line(s, reply, sizeof(reply))) > 0) printf("< %s\n", reply);
    if (rc == 0) printf("Server closed the connection\n");

    closesocket(s);
    WSACleanup();
    return 0;
}
