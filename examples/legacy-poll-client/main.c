/*
 * legacy-poll-client: a line client driven by WSAPoll, the way code ported from poll() on Unix
 * runs on Windows (Vista and later).
 *
 * getaddrinfo resolves host and port; the first address that accepts a connection is used. The
 * socket is made non-blocking (ioctlsocket FIONBIO), so connect() fails with WSAEWOULDBLOCK and
 * WSAPoll(POLLWRNORM) waits for its outcome. A refused connect comes back as POLLHUP|POLLERR on
 * Windows 10 2004 and later (plus POLLWRNORM, since it was asked for), as POLLERR alone on older
 * Windows and Wine; so POLLERR/POLLHUP are looked at before POLLWRNORM, and getsockopt(SO_ERROR)
 * says why. Then every line read from stdin is sent and the reply read with WSAPoll(POLLRDNORM) +
 * recv(). At end of input the client shuts down its sending side and prints what the server says
 * until it closes the connection (recv returns 0, or WSAPoll reports POLLHUP once the data is read).
 *
 *   usage: legacy-poll-client <host> <port>      (lines on stdin)
 */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* WSAPoll */
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

#pragma comment(lib, "Ws2_32.lib")

#define LINE_MAX_LEN 1024
#define TIMEOUT_MS 5000

/* What WSAPoll found on one socket: 1 ready (revents set), 0 timed out, -1 failed. */
static int poll_one(SOCKET s, SHORT events, SHORT *revents)
{
    WSAPOLLFD pfd;
    int rc;
    pfd.fd = s;
    pfd.events = events;
    pfd.revents = 0;
    rc = WSAPoll(&pfd, 1, TIMEOUT_MS);
    if (rc == SOCKET_ERROR) {
        printf("WSAPoll failed with error: %d\n", WSAGetLastError());
        return -1;
    }
    *revents = pfd.revents;
    return rc > 0 ? 1 : 0;
}

static int so_error(SOCKET s)
{
    int err = 0, errlen = sizeof(err);
    if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &errlen) == SOCKET_ERROR) return WSAGetLastError();
    return err;
}

/* Sends all of buf, waiting in WSAPoll(POLLWRNORM) whenever the socket would block. */
static int send_all(SOCKET s, const char *buf, int len)
{
    int sent = 0;
    SHORT revents;
    while (sent < len) {
        int n = send(s, buf + sent, len - sent, 0);
        if (n == SOCKET_ERROR) {
            if (WSAGetLastError() != WSAEWOULDBLOCK) return SOCKET_ERROR;
            if (poll_one(s, POLLWRNORM, &revents) <= 0 || (revents & (POLLERR | POLLHUP))) return SOCKET_ERROR;
            continue;
        }
        sent += n;
    }
    return sent;
}

/*
 * Received bytes not yet printed. recv takes what has arrived, which may be part of a line or
 * more than one; lines are cut out of this buffer, so the output does not depend on how the
 * bytes were split on the way.
 */
static char pending[LINE_MAX_LEN];
static int pendingLen = 0;

/* Cuts the first complete line out of pending into line; returns 1 if there was one. */
static int take_line(char *line)
{
    char *nl = memchr(pending, '\n', pendingLen);
    int len;
    if (nl == NULL) return 0;
    len = (int)(nl - pending);
    memcpy(line, pending, len);
    line[len] = '\0';
    pendingLen -= len + 1;
    memmove(pending, nl + 1, pendingLen);
    return 1;
}

/*
 * Waits for the next line from the server: 1 with it in line, 0 once the server closed the
 * connection (recv returned 0 or WSAPoll said POLLHUP with nothing left to read), -1 on an error
 * or a timeout.
 */
static int recv_line(SOCKET s, char *line)
{
    SHORT revents;
    while (!take_line(line)) {
        int ready;
        if (pendingLen == (int)sizeof(pending) - 1) { /* a line longer than the buffer: print it in parts */
            memcpy(line, pending, pendingLen);
            line[pendingLen] = '\0';
            pendingLen = 0;
            return 1;
        }
        ready = poll_one(s, POLLRDNORM, &revents);
        if (ready < 0) return -1;
        if (ready == 0) {
            printf("timed out waiting for the server\n");
            return -1;
        }
        if (revents & POLLERR) {
            printf("connection failed: SO_ERROR = %d\n", so_error(s));
            return -1;
        }
        if (revents & POLLRDNORM) {
            int n = recv(s, pending + pendingLen, (int)sizeof(pending) - 1 - pendingLen, 0);
            if (n == 0) return 0;
            if (n == SOCKET_ERROR) {
                if (WSAGetLastError() == WSAEWOULDBLOCK) continue;
                printf("recv failed with error: %d\n", WSAGetLastError());
                return -1;
            }
            pendingLen += n;
            continue;
        }
        if (revents & POLLHUP) return 0; /* the FIN, after everything before it was read */
    }
    return 1;
}

/* Connects s to ai without blocking: 0 connected, else the Winsock error. */
static int connect_nonblocking(SOCKET s, const struct addrinfo *ai)
{
    SHORT revents;
    int ready;
    if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) == 0) return 0;
    if (WSAGetLastError() != WSAEWOULDBLOCK) return WSAGetLastError();
    printf("connect: WSAEWOULDBLOCK, waiting in WSAPoll(POLLWRNORM)\n");
    ready = poll_one(s, POLLWRNORM, &revents);
    if (ready < 0) return WSAGetLastError();
    if (ready == 0) {
        printf("connect timed out\n");
        return WSAETIMEDOUT;
    }
    /* Checked first: Windows 10 2004+ sets POLLWRNORM too when a connect fails. */
    if (revents & (POLLERR | POLLHUP)) {
        int err = so_error(s);
        printf("connect failed: %s, SO_ERROR = %d\n", (revents & POLLERR) ? "POLLERR" : "POLLHUP", err);
        return err;
    }
    return (revents & POLLWRNORM) ? 0 : WSAEINVAL;
}

int main(int argc, char *argv[])
{
    WSADATA wsaData;
    struct addrinfo hints, *result = NULL, *ai;
    SOCKET s = INVALID_SOCKET;
    u_long nonBlocking = 1;
    char line[LINE_MAX_LEN], reply[LINE_MAX_LEN], host[NI_MAXHOST], port[NI_MAXSERV];
    int rc, err = 0;

    if (argc != 3) {
        printf("usage: %s host port\n", argv[0]);
        return 1;
    }
    if ((rc = WSAStartup(MAKEWORD(2, 2), &wsaData)) != 0) {
        printf("WSAStartup failed: %d\n", rc);
        return 1;
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    if ((rc = getaddrinfo(argv[1], argv[2], &hints, &result)) != 0) {
        printf("getaddrinfo failed: %d\n", rc);
        WSACleanup();
        return 1;
    }

    for (ai = result; ai != NULL; ai = ai->ai_next) {
        if (getnameinfo(ai->ai_addr, (socklen_t)ai->ai_addrlen, host, sizeof(host), port, sizeof(port),
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
            strcpy(host, "?");
            strcpy(port, "?");
        }
        printf("Connecting to %s port %s...\n", host, port);
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == INVALID_SOCKET) {
            printf("socket failed: %d\n", WSAGetLastError());
            continue;
        }
        if (ioctlsocket(s, FIONBIO, &nonBlocking) == SOCKET_ERROR) {
            printf("ioctlsocket failed: %d\n", WSAGetLastError());
            closesocket(s);
            s = INVALID_SOCKET;
            continue;
        }
        if ((err = connect_nonblocking(s, ai)) == 0) break;
        closesocket(s);
        s = INVALID_SOCKET;
    }
    freeaddrinfo(result);
    if (s == INVALID_SOCKET) {
        printf("Unable to connect to %s port %s\n", argv[1], argv[2]);
        WSACleanup();
        return err == WSAECONNREFUSED ? 2 : 1;
    }
    printf("Connected (SO_ERROR = %d)\n", so_error(s));

    rc = 1;
    while (rc > 0 && fgets(line, sizeof(line), stdin) != NULL) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\n';
        line[n + 1] = '\0';
        if (send_all(s, line, (int)n + 1) == SOCKET_ERROR) {
            printf("send failed with error: %d\n", WSAGetLastError());
            rc = -1;
            break;
        }
        line[n] = '\0';
        printf("> %s\n", line);
        rc = recv_line(s, reply);
        if (rc > 0) printf("< %s\n", reply);
    }

    if (rc > 0) {
        printf("End of input: shutdown(SD_SEND)\n");
        shutdown(s, SD_SEND);
        while ((rc = recv_line(s, reply)) > 0) printf("< %s\n", reply);
    }
    if (rc == 0) printf("Server closed the connection\n");

    closesocket(s);
    WSACleanup();
    return rc == 0 ? 0 : 1;
}
