/*
 * legacy-iocp-server: an I/O completion port TCP echo server, written the way Windows IOCP
 * servers are. The listening socket is associated with a port; AcceptEx and
 * GetAcceptExSockaddrs come from WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER); two AcceptEx
 * calls stay posted, each into a socket created beforehand. One worker loop on
 * GetQueuedCompletionStatus (on the main thread, so the program also runs with Asyncify)
 * dispatches on the per-I/O context the OVERLAPPED is embedded in (its op kind): an accepted socket gets
 * SO_UPDATE_ACCEPT_CONTEXT, is associated with the port under its client's context as the
 * completion key, is greeted, and then every complete line it sends comes back as
 * "echo: <line>" through overlapped WSARecv / WSASend. A client that closes its side (a
 * 0-byte receive) is closed. After the expected number of clients the server prints what each
 * one sent, closes the listener (an AcceptEx still posted then completes as a failed packet,
 * which it waits for), and exits.
 *
 *   legacy-iocp-server PORT CLIENTS
 *
 * Listens on 127.0.0.1 (a test server: loopback only). It prints as completions arrive, so its
 * log is in a fixed order when the clients take turns (each waits for its answer).
 */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define MAX_CLIENTS 16
#define BUF_SIZE 1024
/* AcceptEx needs 16 bytes more than the sockaddr for each address. */
#define ADDR_LEN (sizeof(SOCKADDR_IN) + 16)
#define KEY_LISTENER 0
/* AcceptEx calls kept posted on the listener, as servers do so that no client waits for one. */
#define ACCEPTS 2

enum { OP_ACCEPT, OP_RECV, OP_SEND };

/* Per-I/O data: the OVERLAPPED first, so the LPOVERLAPPED from the port is the context. */
typedef struct {
    OVERLAPPED ov;
    int op;
    SOCKET accept; /* OP_ACCEPT: the socket created for the connection */
    WSABUF wsabuf;
    char data[BUF_SIZE];
} IO_CONTEXT;

/* Per-handle data: its address is the socket's completion key. */
typedef struct {
    SOCKET s;
    int number;
    IO_CONTEXT recvIo, sendIo;
    char line[BUF_SIZE];
    int lineLen;
    /* One WSASend at a time: replies made meanwhile wait in `queued`. */
    BOOL sending;
    int sendLen, sendOffset;
    char queued[BUF_SIZE];
    int queuedLen;
    int lines;
    long bytesIn, bytesOut;
    BOOL closed;
} CLIENT;

static LPFN_ACCEPTEX pAcceptEx;
static LPFN_GETACCEPTEXSOCKADDRS pGetAcceptExSockaddrs;
static SOCKET listener;
static u_short listenPort; /* network order */
static IO_CONTEXT acceptIo[ACCEPTS];
static int acceptsPosted;
static CLIENT clients[MAX_CLIENTS];

static BOOL loadExtension(GUID id, void *fn, DWORD size, const char *name)
{
    DWORD bytes = 0;
    if (WSAIoctl(listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id), fn, size, &bytes, NULL, NULL) == SOCKET_ERROR) {
        printf("WSAIoctl(%s) failed: %d\n", name, WSAGetLastError());
        return FALSE;
    }
    return TRUE;
}

/* Posts an AcceptEx on `io`, into a socket created for it. */
static BOOL postAccept(IO_CONTEXT *io)
{
    DWORD bytes = 0;
    io->accept = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (io->accept == INVALID_SOCKET) {
        printf("WSASocket failed: %d\n", WSAGetLastError());
        return FALSE;
    }
    ZeroMemory(&io->ov, sizeof(io->ov));
    io->op = OP_ACCEPT;
    /* No first data: the accept completes as soon as a client connects (it waits for a greeting). */
    if (!pAcceptEx(listener, io->accept, io->data, 0, ADDR_LEN, ADDR_LEN, &bytes, &io->ov) &&
        WSAGetLastError() != ERROR_IO_PENDING) {
        printf("AcceptEx failed: %d\n", WSAGetLastError());
        return FALSE;
    }
    acceptsPosted++;
    return TRUE;
}

static BOOL postRecv(CLIENT *c)
{
    DWORD flags = 0;
    ZeroMemory(&c->recvIo.ov, sizeof(c->recvIo.ov));
    c->recvIo.op = OP_RECV;
    c->recvIo.wsabuf.buf = c->recvIo.data;
    c->recvIo.wsabuf.len = sizeof(c->recvIo.data);
    if (WSARecv(c->s, &c->recvIo.wsabuf, 1, NULL, &flags, &c->recvIo.ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
        printf("client %d: WSARecv failed: %d\n", c->number, WSAGetLastError());
        return FALSE;
    }
    return TRUE;
}

/* Sends the rest of sendIo.data (a short send is finished before anything else is sent). */
static BOOL postSend(CLIENT *c)
{
    ZeroMemory(&c->sendIo.ov, sizeof(c->sendIo.ov));
    c->sendIo.op = OP_SEND;
    c->sendIo.wsabuf.buf = c->sendIo.data + c->sendOffset;
    c->sendIo.wsabuf.len = (ULONG)(c->sendLen - c->sendOffset);
    if (WSASend(c->s, &c->sendIo.wsabuf, 1, NULL, 0, &c->sendIo.ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
        printf("client %d: WSASend failed: %d\n", c->number, WSAGetLastError());
        return FALSE;
    }
    c->sending = TRUE;
    return TRUE;
}

/* Starts a WSASend of everything queued, unless one is still in flight (its completion will). */
static BOOL flushReplies(CLIENT *c)
{
    if (c->sending || c->queuedLen == 0) return TRUE;
    memcpy(c->sendIo.data, c->queued, (size_t)c->queuedLen);
    c->sendLen = c->queuedLen;
    c->sendOffset = 0;
    c->queuedLen = 0;
    return postSend(c);
}

static void queueReply(CLIENT *c, const char *text)
{
    int len = (int)strlen(text);
    if (len > (int)sizeof(c->queued) - c->queuedLen) len = (int)sizeof(c->queued) - c->queuedLen;
    memcpy(c->queued + c->queuedLen, text, (size_t)len);
    c->queuedLen += len;
    c->bytesOut += len;
}

static void closeClient(CLIENT *c)
{
    closesocket(c->s);
    c->s = INVALID_SOCKET;
    c->closed = TRUE;
}

/* The accept on `io` completed: its socket becomes client number `number`. */
static BOOL onAccept(IO_CONTEXT *io, int number)
{
    CLIENT *c = &clients[number - 1];
    SOCKADDR *local = NULL, *remote = NULL;
    int localLen = 0, remoteLen = 0;
    SOCKADDR_IN peer;
    int peerLen = sizeof(peer);
    char ip[INET_ADDRSTRLEN], localIp[INET_ADDRSTRLEN];

    c->s = io->accept;
    c->number = number;
    io->accept = INVALID_SOCKET;
    /* Until this, the socket knows nothing of the listener (getpeername, shutdown…). */
    if (setsockopt(c->s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&listener, sizeof(listener)) == SOCKET_ERROR) {
        printf("SO_UPDATE_ACCEPT_CONTEXT failed: %d\n", WSAGetLastError());
        return FALSE;
    }
    pGetAcceptExSockaddrs(io->data, 0, ADDR_LEN, ADDR_LEN, &local, &localLen, &remote, &remoteLen);
    inet_ntop(AF_INET, &((SOCKADDR_IN *)remote)->sin_addr, ip, sizeof(ip));
    inet_ntop(AF_INET, &((SOCKADDR_IN *)local)->sin_addr, localIp, sizeof(localIp));
    printf("client %d from %s connected to %s\n", number, ip, localIp);
    if (((SOCKADDR_IN *)local)->sin_port != listenPort)
        printf("client %d: local port %u is not the listening port\n", number, ntohs(((SOCKADDR_IN *)local)->sin_port));
    /* The accepted socket knows its peer now, as one from accept() does. */
    if (getpeername(c->s, (SOCKADDR *)&peer, &peerLen) == SOCKET_ERROR)
        printf("client %d: getpeername failed: %d\n", number, WSAGetLastError());
    else if (remoteLen != (int)sizeof(peer) || peer.sin_port != ((SOCKADDR_IN *)remote)->sin_port ||
             peer.sin_addr.s_addr != ((SOCKADDR_IN *)remote)->sin_addr.s_addr)
        printf("client %d: getpeername and GetAcceptExSockaddrs disagree\n", number);
    return TRUE;
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKADDR_IN addr, bound;
    int boundLen = sizeof(bound);
    HANDLE port;
    int count, accepted = 0, closed = 0, i, exitCode = 0;
    long totalLines = 0;
    GUID acceptExId = WSAID_ACCEPTEX, sockaddrsId = WSAID_GETACCEPTEXSOCKADDRS;

    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT CLIENTS\n", argv[0]);
        return 2;
    }
    count = atoi(argv[2]);
    if (count < 1 || count > MAX_CLIENTS) {
        fprintf(stderr, "CLIENTS must be 1..%d\n", MAX_CLIENTS);
        return 2;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }

    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (port == NULL) {
        printf("CreateIoCompletionPort failed: %lu\n", GetLastError());
        return 1;
    }
    listener = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(argv[1]));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(listener, (SOCKADDR *)&addr, sizeof(addr)) == SOCKET_ERROR || listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        printf("bind/listen failed: %d\n", WSAGetLastError());
        return 1;
    }
    getsockname(listener, (SOCKADDR *)&bound, &boundLen);
    listenPort = bound.sin_port;
    if (CreateIoCompletionPort((HANDLE)listener, port, KEY_LISTENER, 0) != port) {
        printf("associating the listener failed: %lu\n", GetLastError());
        return 1;
    }
    if (!loadExtension(acceptExId, &pAcceptEx, sizeof(pAcceptEx), "AcceptEx") ||
        !loadExtension(sockaddrsId, &pGetAcceptExSockaddrs, sizeof(pGetAcceptExSockaddrs), "GetAcceptExSockaddrs"))
        return 1;
    printf("listening on 127.0.0.1, serving %d clients\n", count);
    for (i = 0; i < ACCEPTS; i++)
        if (!postAccept(&acceptIo[i])) return 1;

    /* The worker loop: one thread, every completion of every socket. */
    while (closed < count && exitCode == 0) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE);
        DWORD error = ok ? 0 : GetLastError();
        IO_CONTEXT *io = (IO_CONTEXT *)ov;
        CLIENT *c = (CLIENT *)key;
        char reply[BUF_SIZE + 16];
        DWORD at;

        if (ov == NULL) {
            printf("GetQueuedCompletionStatus failed: %lu\n", error);
            exitCode = 1;
            break;
        }
        if (key == KEY_LISTENER) {
            /* io->op is OP_ACCEPT: the listener has no other I/O. */
            if (!ok) {
                printf("AcceptEx completed with error %lu\n", error);
                exitCode = 1;
                break;
            }
            c = &clients[accepted];
            if (!onAccept(io, ++accepted)) {
                exitCode = 1;
                break;
            }
            if (CreateIoCompletionPort((HANDLE)c->s, port, (ULONG_PTR)c, 0) != port) {
                printf("associating client %d failed: %lu\n", c->number, GetLastError());
                exitCode = 1;
                break;
            }
            sprintf(reply, "hello, client %d\n", c->number);
            queueReply(c, reply);
            /* The same context takes the next client, while the other one waits. */
            if (!flushReplies(c) || !postRecv(c) || (acceptsPosted < count && !postAccept(io))) exitCode = 1;
            continue;
        }
        /* A send that was still in flight when its client closed completes afterwards. */
        if (c->closed) continue;
        if (!ok) {
            printf("client %d: %s failed: error %lu\n", c->number, io->op == OP_RECV ? "WSARecv" : "WSASend", error);
            closeClient(c);
            closed++;
            continue;
        }
        if (io->op == OP_SEND) {
            c->sendOffset += (int)bytes;
            c->sending = FALSE;
            if (!(c->sendOffset < c->sendLen ? postSend(c) : flushReplies(c))) exitCode = 1;
            continue;
        }
        /* OP_RECV: 0 bytes is the client's graceful close. */
        if (bytes == 0) {
            printf("client %d closed\n", c->number);
            closeClient(c);
            closed++;
            continue;
        }
        c->bytesIn += (long)bytes;
        for (at = 0; at < bytes; at++) {
            char ch = io->data[at];
            if (ch != '\n') {
                if (c->lineLen < (int)sizeof(c->line) - 1) c->line[c->lineLen++] = ch;
                continue;
            }
            if (c->lineLen > 0 && c->line[c->lineLen - 1] == '\r') c->lineLen--;
            c->line[c->lineLen] = '\0';
            c->lineLen = 0;
            c->lines++;
            totalLines++;
            printf("client %d: %s\n", c->number, c->line);
            snprintf(reply, sizeof(reply), "echo: %s\n", c->line);
            queueReply(c, reply);
        }
        if (!flushReplies(c) || !postRecv(c)) exitCode = 1;
    }

    for (i = 0; i < accepted; i++)
        printf("client %d: %d lines, %ld bytes in, %ld bytes out\n", clients[i].number, clients[i].lines, clients[i].bytesIn,
               clients[i].bytesOut);
    printf("served %d clients, %ld lines\n", closed, totalLines);
    for (i = 0; i < accepted; i++)
        if (!clients[i].closed) closesocket(clients[i].s);
    closesocket(listener);
    /* An AcceptEx still posted (fewer clients than ACCEPTS) fails once the listener is closed. */
    for (i = accepted; exitCode == 0 && i < acceptsPosted; i++) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000);
        printf("AcceptEx still posted: %s, key %lu, error %lu\n", ok ? "TRUE" : "FALSE", (unsigned long)key,
               ok ? 0UL : GetLastError());
        if (ov) closesocket(((IO_CONTEXT *)ov)->accept);
    }
    CloseHandle(port);
    WSACleanup();
    return exitCode;
}
