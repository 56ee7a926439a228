/*
 * legacy-iocp-client: a single-threaded I/O completion port client, the way Windows servers and
 * high-volume clients are written. The socket is associated with a port (completion key 1),
 * every receive and send is an overlapped WSARecv/WSASend whose completion comes back through
 * GetQueuedCompletionStatus, and the loop tells I/O packets from posted ones by their key. A
 * second connection shows a cancelled receive (CancelIoEx) arriving as a failed packet, and a
 * third one a receive pending when its socket is closed.
 *
 *   usage: legacy-iocp-client <ipv4-address> <port> <line>...
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define KEY_SOCKET 1
#define KEY_HELLO 2
#define KEY_CANCELLED 3
#define KEY_CLOSED 4
#define WAIT_MS 5000

enum { OP_RECV, OP_SEND };

typedef struct {
    OVERLAPPED ov; /* first: the OVERLAPPED* from the port is the context's address */
    int op;
    WSABUF wsabuf;
    char data[1024];
} IO_CONTEXT;

static SOCKET connectTo(const char *ip, int port)
{
    SOCKADDR_IN addr;
    SOCKET s = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) return s;
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)port);
    addr.sin_addr.s_addr = inet_addr(ip);
    if (connect(s, (SOCKADDR *)&addr, sizeof(addr)) == SOCKET_ERROR) {
        printf("connect failed: %d\n", WSAGetLastError());
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

/* Posts an overlapped receive; FALSE when it failed at once. */
static BOOL postRecv(SOCKET s, IO_CONTEXT *io)
{
    DWORD flags = 0;
    ZeroMemory(&io->ov, sizeof(io->ov));
    io->op = OP_RECV;
    io->wsabuf.buf = io->data;
    io->wsabuf.len = sizeof(io->data);
    if (WSARecv(s, &io->wsabuf, 1, NULL, &flags, &io->ov, NULL) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
        printf("WSARecv failed: %d\n", WSAGetLastError());
        return FALSE;
    }
    return TRUE;
}

/* One failed packet from a side connection, as GetQueuedCompletionStatus reports it. */
static void expectFailedPacket(HANDLE port, const char *what)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, WAIT_MS);
    DWORD error = GetLastError();
    printf("%s: %s, key %lu, %lu bytes, lpOverlapped %s, error %lu\n", what, ok ? "TRUE" : "FALSE", (unsigned long)key, bytes,
           ov ? "set" : "NULL", ok ? 0UL : error);
    if (ov) printf("%s: Internal 0x%08lx\n", what, (unsigned long)ov->Internal);
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKET s, side;
    HANDLE port;
    IO_CONTEXT recvIo, sendIo, sideIo;
    char received[8192];
    int receivedLen = 0, i, done = 0, exitCode = 0, sendLen = 0;
    DWORD bytes, transferred, flags;
    ULONG_PTR key;
    LPOVERLAPPED ov;

    if (argc < 4) {
        printf("usage: %s ipv4-address port line...\n", argv[0]);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    s = connectTo(argv[1], atoi(argv[2]));
    if (s == INVALID_SOCKET) {
        WSACleanup();
        return 2;
    }

    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (port == NULL || CreateIoCompletionPort((HANDLE)s, port, KEY_SOCKET, 0) != port) {
        printf("CreateIoCompletionPort failed: %lu\n", GetLastError());
        return 1;
    }
    /* A socket is associated once: a second association is refused. */
    if (CreateIoCompletionPort((HANDLE)s, port, KEY_SOCKET, 0) == NULL)
        printf("second association refused: error %lu\n", GetLastError());

    /* Nothing queued yet: a zero timeout answers at once. */
    ov = (LPOVERLAPPED)1;
    if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0))
        printf("empty port: FALSE, lpOverlapped %s, error %lu\n", ov ? "set" : "NULL", GetLastError());

    PostQueuedCompletionStatus(port, 5, KEY_HELLO, NULL);
    if (!postRecv(s, &recvIo)) return 1;

    for (i = 3; i < argc; i++) sendLen += sprintf(sendIo.data + sendLen, "%.100s\n", argv[i]);
    ZeroMemory(&sendIo.ov, sizeof(sendIo.ov));
    sendIo.op = OP_SEND;
    sendIo.wsabuf.buf = sendIo.data;
    sendIo.wsabuf.len = (ULONG)sendLen;
    if (WSASend(s, &sendIo.wsabuf, 1, NULL, 0, &sendIo.ov, NULL) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
        printf("WSASend failed: %d\n", WSAGetLastError());
        return 1;
    }

    while (!done) {
        IO_CONTEXT *io;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, WAIT_MS);
        if (!ok && ov == NULL) {
            printf("no completion for %d ms (error %lu)\n", WAIT_MS, GetLastError());
            exitCode = 3;
            break;
        }
        if (key == KEY_HELLO) {
            printf("posted packet: key %lu, %lu bytes, lpOverlapped %s\n", (unsigned long)key, bytes, ov ? "set" : "NULL");
            continue;
        }
        io = (IO_CONTEXT *)ov;
        if (!ok) {
            printf("%s failed: error %lu\n", io->op == OP_RECV ? "WSARecv" : "WSASend", GetLastError());
            exitCode = 1;
            break;
        }
        if (io->op == OP_SEND) {
            printf("WSASend completed: %lu bytes, shutting down the sending side\n", bytes);
            shutdown(s, SD_SEND);
            continue;
        }
        if (bytes == 0) {
            /* The OVERLAPPED holds the same outcome. */
            flags = 0;
            if (WSAGetOverlappedResult(s, &io->ov, &transferred, FALSE, &flags))
                printf("server closed the connection (WSAGetOverlappedResult: TRUE, %lu bytes, completed %d)\n", transferred,
                       HasOverlappedIoCompleted(&io->ov) ? 1 : 0);
            done = 1;
            continue;
        }
        if (receivedLen + (int)bytes < (int)sizeof(received)) {
            memcpy(received + receivedLen, io->data, bytes);
            receivedLen += (int)bytes;
        }
        if (!postRecv(s, io)) break;
    }
    received[receivedLen] = '\0';
    printf("received %d bytes:\n%s", receivedLen, received);
    closesocket(s);

    /* A receive cancelled with CancelIoEx completes as a failed packet. */
    side = connectTo(argv[1], atoi(argv[2]));
    if (side != INVALID_SOCKET) {
        CreateIoCompletionPort((HANDLE)side, port, KEY_CANCELLED, 0);
        if (postRecv(side, &sideIo)) {
            printf("CancelIoEx: %s\n", CancelIoEx((HANDLE)side, &sideIo.ov) ? "TRUE" : "FALSE");
            expectFailedPacket(port, "cancelled WSARecv");
            if (!CancelIoEx((HANDLE)side, &sideIo.ov)) printf("CancelIoEx again: FALSE, error %lu\n", GetLastError());
        }
        closesocket(side);
    }

    /* So does a receive pending when its socket is closed. */
    side = connectTo(argv[1], atoi(argv[2]));
    if (side != INVALID_SOCKET) {
        CreateIoCompletionPort((HANDLE)side, port, KEY_CLOSED, 0);
        if (postRecv(side, &sideIo)) {
            closesocket(side);
            expectFailedPacket(port, "WSARecv on a closed socket");
        }
    }

    CloseHandle(port);
    WSACleanup();
    return exitCode;
}
