/*
 * recv-routines: an overlapped WSARecv with a completion routine, as Windows runs it (Wine's
 * ws2_32 test_WSARecv records it from real Windows): pending, the routine runs once in an
 * alertable SleepEx, which returns WAIT_IO_COMPLETION, and the OVERLAPPED's hEvent is left alone;
 * on a socket associated with a completion port the same call fails with WSAEINVAL and the
 * routine is never called.
 *
 *   usage: recv-routines <chat-port>   (the chat server answers "you said: <line>\n")
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int routineCalls;
static DWORD routineBytes, routineError;

static void CALLBACK onReceived(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags)
{
    (void)lpOverlapped;
    (void)dwFlags;
    routineCalls++;
    routineError = dwError;
    routineBytes = cbTransferred;
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    SOCKET s;
    SOCKADDR_IN addr;
    WSAOVERLAPPED ov;
    WSABUF buf;
    char data[64];
    DWORD flags = 0, wait;
    HANDLE port;
    WSAEVENT event;
    int rc;

    if (argc != 2) return 2;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    printf("connect %d\n", connect(s, (SOCKADDR *)&addr, sizeof(addr)));

    event = WSACreateEvent();
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = event;
    memset(data, 0, sizeof(data));
    buf.buf = data;
    buf.len = sizeof(data);
    rc = WSARecv(s, &buf, 1, NULL, &flags, &ov, onReceived);
    printf("WSARecv with a routine: %d, error %d\n", rc, WSAGetLastError());
    send(s, "ping\n", 5, 0);
    wait = SleepEx(5000, TRUE);
    printf("SleepEx %s, routine calls %d, error %lu, %lu bytes: %.*s", wait == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "other",
           routineCalls, routineError, routineBytes, (int)routineBytes, data);
    printf("event left alone: %s\n", WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT ? "yes" : "no");

    port = CreateIoCompletionPort((HANDLE)s, NULL, 0, 0);
    printf("associated with a port: %s\n", port ? "yes" : "no");
    routineCalls = 0;
    memset(&ov, 0, sizeof(ov));
    rc = WSARecv(s, &buf, 1, NULL, &flags, &ov, onReceived);
    printf("WSARecv with a routine on it: %d, error %d\n", rc, WSAGetLastError());
    send(s, "pong\n", 5, 0);
    SleepEx(200, TRUE);
    printf("routine calls %d\n", routineCalls);

    closesocket(s);
    CloseHandle(port);
    WSACloseEvent(event);
    WSACleanup();
    return 0;
}
