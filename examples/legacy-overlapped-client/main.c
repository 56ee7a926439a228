/*
 * legacy-overlapped-client: ConnectEx and completion routines, the overlapped style of a client
 * that never blocks in a Winsock call. ConnectEx (from WSAIoctl with WSAID_CONNECTEX) connects a
 * bound socket and sends the first line with the connection; its event says when, and
 * WSAGetOverlappedResult / GetOverlappedResult how (each in its own error space). The rest of
 * the dialogue is WSASend and WSARecv with completion routines, which run only while the thread
 * waits alertably in SleepEx; each receive routine posts the next receive until the server
 * closes the connection.
 *
 *   usage: legacy-overlapped-client <ipv4-address> <port> <first-line> [more lines...]
 */
#include <winsock2.h>
#include <mswsock.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define WAIT_MS 5000

static SOCKET sock;
static WSAOVERLAPPED recvOv, sendOv;
static WSABUF recvBuf, sendBuf;
static char recvData[512], sendData[1024], received[8192];
static int receivedLen, finished, routineCalls;

static void CALLBACK onReceived(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags);

static void postReceive(void)
{
    DWORD flags = 0;
    ZeroMemory(&recvOv, sizeof(recvOv));
    recvBuf.buf = recvData;
    recvBuf.len = sizeof(recvData);
    if (WSARecv(sock, &recvBuf, 1, NULL, &flags, &recvOv, onReceived) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
        printf("WSARecv failed: %d\n", WSAGetLastError());
        finished = 1;
    }
}

static void CALLBACK onReceived(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags)
{
    (void)dwFlags;
    routineCalls++;
    if (lpOverlapped != &recvOv) printf("receive routine: wrong OVERLAPPED\n");
    if (dwError != 0) {
        printf("receive routine: error %lu\n", dwError);
        finished = 1;
        return;
    }
    if (cbTransferred == 0) {
        printf("receive routine: the server closed the connection\n");
        finished = 1;
        return;
    }
    if (receivedLen + (int)cbTransferred < (int)sizeof(received)) {
        memcpy(received + receivedLen, recvData, cbTransferred);
        receivedLen += (int)cbTransferred;
    }
    postReceive();
}

static void CALLBACK onSent(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags)
{
    (void)lpOverlapped;
    (void)dwFlags;
    routineCalls++;
    printf("send routine: error %lu, %lu bytes; shutting down the sending side\n", dwError, cbTransferred);
    shutdown(sock, SD_SEND);
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKADDR_IN local, server;
    GUID connectExId = WSAID_CONNECTEX;
    LPFN_CONNECTEX pConnectEx = NULL;
    WSAOVERLAPPED connectOv;
    DWORD bytes = 0, flags = 0, rc;
    int i, firstLen, sendLen = 0, sawCompletion = 0;
    char first[256];

    if (argc < 4) {
        printf("usage: %s ipv4-address port first-line [more lines...]\n", argv[0]);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    sock = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (WSAIoctl(sock, SIO_GET_EXTENSION_FUNCTION_POINTER, &connectExId, sizeof(connectExId), &pConnectEx, sizeof(pConnectEx), &bytes,
                 NULL, NULL) == SOCKET_ERROR) {
        printf("WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) failed: %d\n", WSAGetLastError());
        return 1;
    }
    printf("WSAIoctl: ConnectEx found (%s)\n", bytes == sizeof(pConnectEx) ? "one function pointer returned" : "wrong size");

    /* Nothing is queued: an alertable sleep just times out. */
    printf("SleepEx(10, TRUE) with nothing queued: %lu\n", SleepEx(10, TRUE));

    ZeroMemory(&server, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons((u_short)atoi(argv[2]));
    server.sin_addr.s_addr = inet_addr(argv[1]);

    /* ConnectEx wants a bound socket. */
    ZeroMemory(&connectOv, sizeof(connectOv));
    if (!pConnectEx(sock, (SOCKADDR *)&server, sizeof(server), NULL, 0, &bytes, &connectOv))
        printf("ConnectEx on an unbound socket: error %d\n", WSAGetLastError());
    ZeroMemory(&local, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(sock, (SOCKADDR *)&local, sizeof(local)) == SOCKET_ERROR) {
        printf("bind failed: %d\n", WSAGetLastError());
        return 1;
    }

    firstLen = sprintf(first, "%.200s\n", argv[3]);
    ZeroMemory(&connectOv, sizeof(connectOv));
    connectOv.hEvent = WSACreateEvent();
    if (!pConnectEx(sock, (SOCKADDR *)&server, sizeof(server), first, (DWORD)firstLen, &bytes, &connectOv) &&
        WSAGetLastError() != ERROR_IO_PENDING) {
        printf("ConnectEx failed at once: %d\n", WSAGetLastError());
        return 1;
    }
    rc = WSAWaitForMultipleEvents(1, &connectOv.hEvent, FALSE, WAIT_MS, FALSE);
    if (rc != WSA_WAIT_EVENT_0) {
        printf("ConnectEx did not complete: %lu\n", rc);
        return 3;
    }
    if (!WSAGetOverlappedResult(sock, &connectOv, &bytes, FALSE, &flags)) {
        int wsaError = WSAGetLastError();
        GetOverlappedResult((HANDLE)sock, &connectOv, &bytes, FALSE);
        printf("ConnectEx failed: WSAGetOverlappedResult error %d, GetOverlappedResult error %lu, Internal 0x%08lx\n", wsaError,
               GetLastError(), (unsigned long)connectOv.Internal);
        WSACloseEvent(connectOv.hEvent);
        closesocket(sock);
        WSACleanup();
        return 2;
    }
    printf("ConnectEx completed: %lu bytes sent with the connection\n", bytes);
    WSACloseEvent(connectOv.hEvent);
    setsockopt(sock, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);

    postReceive();
    for (i = 4; i < argc; i++) sendLen += sprintf(sendData + sendLen, "%.100s\n", argv[i]);
    ZeroMemory(&sendOv, sizeof(sendOv));
    sendBuf.buf = sendData;
    sendBuf.len = (ULONG)sendLen;
    if (WSASend(sock, &sendBuf, 1, NULL, 0, &sendOv, onSent) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
        printf("WSASend failed: %d\n", WSAGetLastError());
        return 1;
    }

    /* The routines run only here, in the alertable waits. */
    while (!finished) {
        rc = SleepEx(WAIT_MS, TRUE);
        if (rc == 0) {
            printf("no completion for %d ms\n", WAIT_MS);
            return 3;
        }
        if (rc == WAIT_IO_COMPLETION) sawCompletion = 1;
    }
    /* How many routines each SleepEx ran depends on timing; that one did is certain. */
    printf("SleepEx returned WAIT_IO_COMPLETION (%d): %s\n", (int)WAIT_IO_COMPLETION, sawCompletion ? "yes" : "no");
    received[receivedLen] = '\0';
    printf("received %d bytes:\n%s", receivedLen, received);
    printf("completion routines ran: %s\n", routineCalls >= 3 ? "send, receives" : "too few");

    closesocket(sock);
    WSACleanup();
    return 0;
}
